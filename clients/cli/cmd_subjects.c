/*
 * cmd_subjects.c - `strata subjects [--prefix P] [--deleted]`: the registry's
 * subjects, one per line (or a JSON array).
 */
#include "cli.h"

#include <stdio.h>

static const char subjects_usage[] =
    "usage: strata subjects [--prefix PREFIX] [--deleted] [--format text|json]\n"
    "\n"
    "Lists the registry's subjects, sorted, one per line.\n"
    "\n"
    "  --prefix PREFIX  only subjects whose names start with PREFIX\n"
    "  --deleted        include soft-deleted subjects\n"
    "  --format FORMAT  text (default) or json: one JSON array of names\n" CLI_GLOBAL_OPTIONS_HELP
    "\n"
    "Exit status: 0 success, 1 refused by the registry, 2 usage error,\n"
    "3 registry unreachable or server error.\n";

int cmd_subjects(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *prefix = NULL;
  bool deleted = false;
  strata_client *client = NULL;
  strata_client_strings *subjects = NULL;
  strata_client_error err;
  const cli_option options[] = {CLI_VALUE("--prefix", &prefix), CLI_FLAG("--deleted", &deleted),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "subjects",
                             .usage = subjects_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error e = strata_client_list_subjects(client, prefix, deleted, &subjects, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("subjects", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_json_steal(cli_strings_json(subjects));
    goto cleanup;
  }
  for (size_t i = 0; i < subjects->count; i++) {
    puts(subjects->items[i]);
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_strings_free(&subjects);
  strata_client_free(&client);
  return rc;
}
