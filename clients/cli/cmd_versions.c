/*
 * cmd_versions.c - `strata versions SUBJECT [--deleted]`: a subject's version
 * numbers, one per line (or a JSON array).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
  bool options_done = false;
  strata_client *client = NULL;
  strata_client_ints *versions = NULL;
  json_t *array = NULL;
  strata_client_error err;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(versions_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if (strcmp(arg, "--deleted") == 0) {
        deleted = true;
        continue;
      }
      if ((m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("versions: unknown option '%s'", arg);
      fputs(versions_usage, stderr);
      goto cleanup;
    }
    if (subject != NULL) {
      cli_error("versions: unexpected argument '%s'", arg);
      fputs(versions_usage, stderr);
      goto cleanup;
    }
    subject = arg;
  }
  if (subject == NULL) {
    cli_error("versions: needs a SUBJECT");
    fputs(versions_usage, stderr);
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "versions", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
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
    array = json_array();
    for (size_t i = 0; array != NULL && i < versions->count; i++) {
      if (json_array_append_new(array, json_integer(versions->items[i])) != 0) {
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
  for (size_t i = 0; i < versions->count; i++) {
    printf("%" PRId64 "\n", versions->items[i]);
  }
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(array);
  strata_client_ints_free(&versions);
  strata_client_free(&client);
  return rc;
}
