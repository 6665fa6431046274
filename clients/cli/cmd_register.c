/*
 * cmd_register.c - `strata register SUBJECT FILE [--type T] [--ref ...]...
 * [--normalize]`: registers the schema in FILE as the next version of SUBJECT.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char register_usage[] =
    "usage: strata register SUBJECT FILE [--type TYPE] [--ref NAME=SUBJECT:VERSION]... "
    "[--normalize] [--format text|json]\n"
    "\n"
    "Registers the schema in FILE under SUBJECT and prints\n"
    "'registered SUBJECT version V with id N'. A schema the subject already\n"
    "holds is not added again: its version and id are printed. The registry\n"
    "checks the schema against the subject's compatibility level and refuses\n"
    "an incompatible one (exit 1, with the registry's reasons).\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension)\n"
    "  --ref NAME=SUBJECT:VERSION\n"
    "                   a reference to another subject's version (VERSION a\n"
    "                   number or 'latest'); repeat for several\n"
    "  --normalize      let the registry normalize the schema first\n"
    "  --format FORMAT  text (default) or json: the registry's schema "
    "object\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 registered, 1 refused by the registry (incompatible or\n"
    "invalid schema, read-only subject, ...), 2 usage or input error,\n"
    "3 registry unreachable or server error.\n";

/*
 * Reports a registration refused as incompatible. The registry's 409 message
 * carries every detail but may not fit strata_client_error; the same details
 * come complete from a verbose compatibility test, printed one per line after
 * the message's first sentence. Returns the exit status.
 */
static int report_incompatible(strata_client *client, const char *subject,
                               const strata_client_schema_input *input, strata_error rc,
                               strata_client_error *err) {
  strata_client_compat *compat = NULL;
  strata_client_error test_err;

  strata_error e =
      strata_client_test_compatibility(client, subject, 0, input, true, &compat, &test_err);
  if (e != STRATA_E_OK || compat->is_compatible || compat->message_count == 0) {
    strata_client_compat_free(&compat);
    return cli_client_failure("register", rc, err);
  }
  char *details = strstr(err->message, ", details: ");
  if (details != NULL) {
    *details = '\0';
  }
  int status = cli_client_failure("register", rc, err);
  for (size_t i = 0; i < compat->message_count; i++) {
    fprintf(stderr, "  %s\n", compat->messages[i]);
  }
  strata_client_compat_free(&compat);
  return status;
}

int cmd_register(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  cli_schema_args args;
  strata_client *client = NULL;
  strata_client_schema *registered = NULL;
  strata_client_schema *found = NULL;
  strata_client_error err;

  if (!cli_schema_args_parse(ctx, "register", register_usage, false, argc, argv, &args, &rc)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  const char *subject = args.subject;
  strata_error e =
      strata_client_register(client, subject, &args.file.input, args.normalize, &registered, &err);
  if (e == STRATA_E_INCOMPATIBLE_SCHEMA) {
    rc = report_incompatible(client, subject, &args.file.input, e, &err);
    goto cleanup;
  }
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("register", e, &err);
    goto cleanup;
  }
  const strata_client_schema *shown = registered;
  if (registered->version <= 0) {
    /* A registry older than 8.x answers only {"id": N}: ask for the version. */
    e = strata_client_lookup(client, subject, &args.file.input, args.normalize, false, &found,
                             &err);
    if (e == STRATA_E_OK) {
      shown = found;
    } else {
      cli_error("register: registered with id %" PRId64 ", but the version lookup failed: %s",
                registered->id, err.message);
    }
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_schema(ctx, shown, subject);
    goto cleanup;
  }
  if (shown->version > 0) {
    printf("registered %s version %d with id %" PRId64 "\n", subject, shown->version,
           shown->id > 0 ? shown->id : registered->id);
  } else {
    printf("registered %s with id %" PRId64 "\n", subject, registered->id);
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_schema_free(&found);
  strata_client_schema_free(&registered);
  strata_client_free(&client);
  cli_schema_args_release(&args);
  return rc;
}
