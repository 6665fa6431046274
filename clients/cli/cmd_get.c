/*
 * cmd_get.c - `strata get SUBJECT [VERSION]` and `strata get --id ID`: one
 * registered schema, by subject and version or by global id.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char get_usage[] =
    "usage: strata get SUBJECT [VERSION] [--format text|json]\n"
    "   or: strata get --id ID [--format text|json]\n"
    "\n"
    "Prints a registered schema: version VERSION (a number or 'latest', the\n"
    "default) of SUBJECT, or the schema with the global id ID. The text format\n"
    "is a header line 'subject S version V id N type T', one line\n"
    "'reference NAME=SUBJECT:VERSION' per reference, then the schema text.\n"
    "\n"
    "  --id ID          the schema with this global id (no SUBJECT)\n"
    "  --format FORMAT  text (default) or json: the registry's schema object\n"
    "                   {\"subject\", \"version\", \"id\", \"schemaType\", \"schema\", "
    "...}\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 success, 1 refused by the registry (e.g. no such subject,\n"
    "version or id), 2 usage error, 3 registry unreachable or server error.\n";

int cmd_get(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *id_arg = NULL;
  const char *args[2] = {NULL, NULL};
  size_t nargs = 0;
  bool options_done = false;
  int version = STRATA_CLIENT_LATEST;
  int64_t id = 0;
  strata_client *client = NULL;
  strata_client_schema *schema = NULL;
  strata_client_error err;
  strata_error e;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(get_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if ((m = cli_option_value(argc, argv, &i, "--id", &id_arg)) != 0 ||
          (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("get: unknown option '%s'", arg);
      fputs(get_usage, stderr);
      goto cleanup;
    }
    if (nargs == 2) {
      cli_error("get: unexpected argument '%s'", arg);
      fputs(get_usage, stderr);
      goto cleanup;
    }
    args[nargs++] = arg;
  }
  if (id_arg != NULL && nargs > 0) {
    cli_error("get: --id takes no SUBJECT or VERSION");
    fputs(get_usage, stderr);
    goto cleanup;
  }
  if (id_arg == NULL && nargs == 0) {
    cli_error("get: needs a SUBJECT or --id ID");
    fputs(get_usage, stderr);
    goto cleanup;
  }
  if (id_arg != NULL && !cli_parse_id("get", id_arg, &id)) {
    goto cleanup;
  }
  if (nargs == 2 && !cli_parse_version("get", args[1], &version)) {
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "get", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  if (id_arg != NULL) {
    e = strata_client_get_schema_by_id(client, id, NULL, &schema, &err);
  } else {
    e = strata_client_get_version(client, args[0], version, false, &schema, &err);
  }
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("get", e, &err);
    goto cleanup;
  }
  if (schema->id == 0) {
    schema->id = id;
  }
  rc = cli_print_schema(ctx, schema, args[0]);

cleanup:
  strata_client_schema_free(&schema);
  strata_client_free(&client);
  return rc;
}
