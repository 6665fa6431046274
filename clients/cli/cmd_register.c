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
  const char *type_name = NULL;
  const char *args[2] = {NULL, NULL};
  size_t nargs = 0;
  const char **refs = NULL;
  size_t nrefs = 0;
  bool normalize = false;
  bool options_done = false;
  cli_schema_file file;
  strata_client *client = NULL;
  strata_client_schema *registered = NULL;
  strata_client_schema *found = NULL;
  strata_client_error err;

  memset(&file, 0, sizeof file);
  refs = calloc((size_t)argc, sizeof *refs);
  if (refs == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = NULL;
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(register_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if (strcmp(arg, "--normalize") == 0) {
        normalize = true;
        continue;
      }
      if ((m = cli_option_value(argc, argv, &i, "--ref", &value)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        refs[nrefs++] = value;
        continue;
      }
      if ((m = cli_option_value(argc, argv, &i, "--type", &type_name)) != 0 ||
          (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("register: unknown option '%s'", arg);
      fputs(register_usage, stderr);
      goto cleanup;
    }
    if (nargs == 2) {
      cli_error("register: unexpected argument '%s'", arg);
      fputs(register_usage, stderr);
      goto cleanup;
    }
    args[nargs++] = arg;
  }
  if (nargs < 2) {
    cli_error("register: needs a SUBJECT and a schema FILE");
    fputs(register_usage, stderr);
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "register", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  if (!cli_schema_file_load(&file, args[1], type_name, refs, nrefs)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error e =
      strata_client_register(client, args[0], &file.input, normalize, &registered, &err);
  if (e == STRATA_E_INCOMPATIBLE_SCHEMA) {
    rc = report_incompatible(client, args[0], &file.input, e, &err);
    goto cleanup;
  }
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("register", e, &err);
    goto cleanup;
  }
  const strata_client_schema *shown = registered;
  if (registered->version <= 0) {
    /* A registry older than 8.x answers only {"id": N}: ask for the version. */
    e = strata_client_lookup(client, args[0], &file.input, normalize, false, &found, &err);
    if (e == STRATA_E_OK) {
      shown = found;
    } else {
      cli_error("register: registered with id %" PRId64 ", but the version lookup failed: %s",
                registered->id, err.message);
    }
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_schema(ctx, shown, args[0]);
    goto cleanup;
  }
  if (shown->version > 0) {
    printf("registered %s version %d with id %" PRId64 "\n", args[0], shown->version,
           shown->id > 0 ? shown->id : registered->id);
  } else {
    printf("registered %s with id %" PRId64 "\n", args[0], registered->id);
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_schema_free(&found);
  strata_client_schema_free(&registered);
  strata_client_free(&client);
  cli_schema_file_release(&file);
  free(refs);
  return rc;
}
