/*
 * cmd_lookup.c - `strata lookup SUBJECT FILE [--type T] [--ref ...]...`: is
 * the schema in FILE registered under SUBJECT, and as which version?
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lookup_usage[] =
    "usage: strata lookup SUBJECT FILE [--type TYPE] [--ref NAME=SUBJECT:VERSION]... "
    "[--normalize] [--deleted] [--format text|json]\n"
    "\n"
    "Looks the schema in FILE up among the versions of SUBJECT and prints\n"
    "'found SUBJECT version V with id N'. Formatting and attribute order do\n"
    "not matter. A schema that is not registered there exits with status 1.\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension)\n"
    "  --ref NAME=SUBJECT:VERSION\n"
    "                   a reference to another subject's version (VERSION a\n"
    "                   number or 'latest'); repeat for several\n"
    "  --normalize      let the registry normalize the schema first\n"
    "  --deleted        also match soft-deleted versions\n"
    "  --format FORMAT  text (default) or json: the registry's schema "
    "object\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 found, 1 not found or refused by the registry, 2 usage or\n"
    "input error, 3 registry unreachable or server error.\n";

int cmd_lookup(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  cli_schema_args args;
  strata_client *client = NULL;
  strata_client_schema *found = NULL;
  strata_client_error err;

  if (!cli_schema_args_parse(ctx, "lookup", lookup_usage, true, argc, argv, &args, &rc)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error e = strata_client_lookup(client, args.subject, &args.file.input, args.normalize,
                                        args.deleted, &found, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("lookup", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_schema(ctx, found, args.subject);
    goto cleanup;
  }
  printf("found %s version %d with id %" PRId64 "%s\n",
         found->subject != NULL ? found->subject : args.subject, found->version, found->id,
         found->deleted ? " (deleted)" : "");
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_schema_free(&found);
  strata_client_free(&client);
  cli_schema_args_release(&args);
  return rc;
}
