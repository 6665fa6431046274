/*
 * cmd_subjects.c - `strata subjects [--prefix P] [--deleted]`: the registry's
 * subjects, one per line (or a JSON array).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

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
  json_t *array = NULL;
  strata_client_error err;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int m = 0;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(subjects_usage, stdout);
      rc = CLI_EXIT_OK;
      goto cleanup;
    }
    if (strcmp(arg, "--deleted") == 0) {
      deleted = true;
      continue;
    }
    if ((m = cli_option_value(argc, argv, &i, "--prefix", &prefix)) != 0 ||
        (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
      if (m < 0) {
        goto cleanup;
      }
      continue;
    }
    if (arg[0] == '-') {
      cli_error("subjects: unknown option '%s'", arg);
    } else {
      cli_error("subjects: unexpected argument '%s'", arg);
    }
    fputs(subjects_usage, stderr);
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "subjects", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
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
    array = json_array();
    for (size_t i = 0; array != NULL && i < subjects->count; i++) {
      if (json_array_append_new(array, json_string(subjects->items[i])) != 0) {
        json_decref(array);
        array = NULL;
      }
    }
    if (array == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(array);
    goto cleanup;
  }
  for (size_t i = 0; i < subjects->count; i++) {
    puts(subjects->items[i]);
  }
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(array);
  strata_client_strings_free(&subjects);
  strata_client_free(&client);
  return rc;
}
