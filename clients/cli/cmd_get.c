/*
 * cmd_get.c - `strata get SUBJECT [VERSION]` and `strata get --id ID`: one
 * registered schema, by subject and version or by global id.
 */
#include "cli.h"

#include <stdio.h>

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
  const char *subject = NULL;
  const char *version_arg = NULL;
  int version = STRATA_CLIENT_LATEST;
  int64_t id = 0;
  strata_client *client = NULL;
  strata_client_schema *schema = NULL;
  strata_client_error err;
  strata_error e;
  const cli_option options[] = {CLI_VALUE("--id", &id_arg), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "get",
                             .usage = get_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&subject, &version_arg}};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  if (id_arg != NULL && subject != NULL) {
    cli_usage_error(&syntax, "--id takes no SUBJECT or VERSION");
    goto cleanup;
  }
  if (id_arg == NULL && subject == NULL) {
    cli_usage_error(&syntax, "needs a SUBJECT or --id ID");
    goto cleanup;
  }
  if (id_arg != NULL && !cli_parse_id("get", id_arg, &id)) {
    goto cleanup;
  }
  if (version_arg != NULL && !cli_parse_version("get", version_arg, &version)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  if (id_arg != NULL) {
    e = strata_client_get_schema_by_id(client, id, NULL, &schema, &err);
  } else {
    e = strata_client_get_version(client, subject, version, false, &schema, &err);
  }
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("get", e, &err);
    goto cleanup;
  }
  if (schema->id == 0) {
    schema->id = id;
  }
  rc = cli_print_schema(ctx, schema, subject);

cleanup:
  strata_client_schema_free(&schema);
  strata_client_free(&client);
  return rc;
}
