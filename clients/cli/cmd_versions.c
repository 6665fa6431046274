/*
 * cmd_versions.c - `strata versions SUBJECT [--deleted]`: a subject's version
 * numbers, one per line (or a JSON array).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>

static const char versions_usage[] =
    "usage: strata versions SUBJECT [--deleted] [--format text|json]\n"
    "\n"
    "Lists the version numbers of SUBJECT, ascending, one per line.\n"
    "\n"
    "  --deleted        include soft-deleted versions\n"
    "  --format FORMAT  text (default) or json: one JSON array of numbers\n" CLI_GLOBAL_OPTIONS_HELP
    "\n"
    "Exit status: 0 success, 1 refused by the registry (e.g. no such subject),\n"
    "2 usage error, 3 registry unreachable or server error.\n";

int cmd_versions(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *subject = NULL;
  bool deleted = false;
  strata_client *client = NULL;
  strata_client_ints *versions = NULL;
  strata_client_error err;
  const cli_option options[] = {CLI_FLAG("--deleted", &deleted), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "versions",
                             .usage = versions_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&subject},
                             .required = 1,
                             .missing = "needs a SUBJECT"};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error e = strata_client_list_versions(client, subject, deleted, &versions, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("versions", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_json_steal(cli_ints_json(versions));
    goto cleanup;
  }
  for (size_t i = 0; i < versions->count; i++) {
    printf("%" PRId64 "\n", versions->items[i]);
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_ints_free(&versions);
  strata_client_free(&client);
  return rc;
}
