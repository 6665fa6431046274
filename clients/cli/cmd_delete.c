/*
 * cmd_delete.c - `strata delete SUBJECT [VERSION] [--permanent]`: soft- or
 * hard-deletes a subject or one of its versions.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char delete_usage[] =
    "usage: strata delete SUBJECT [VERSION] [--permanent] [--format text|json]\n"
    "\n"
    "Deletes every version of SUBJECT, or only VERSION (a number or 'latest'),\n"
    "and prints the version numbers deleted. A delete is soft (the versions are\n"
    "hidden but kept) unless --permanent is given, which removes versions that\n"
    "were soft-deleted before for good.\n"
    "\n"
    "  --permanent      delete for good (soft-delete first)\n"
    "  --format FORMAT  text (default) or json: the registry's answer, an array\n"
    "                   of version numbers (a subject) or one number (a "
    "version)\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 deleted, 1 refused by the registry (e.g. no such subject\n"
    "or version, not soft-deleted first), 2 usage error, 3 registry unreachable\n"
    "or server error.\n";

/* Prints "deleted SUBJECT version(s) 1, 2" for the @p count numbers in @p v. */
static void print_deleted(const char *subject, bool permanent, const int64_t *v, size_t count) {
  if (count == 0) {
    printf("%s %s: no versions\n", permanent ? "permanently deleted" : "deleted", subject);
    return;
  }
  printf("%s %s version%s", permanent ? "permanently deleted" : "deleted", subject,
         count == 1 ? "" : "s");
  for (size_t i = 0; i < count; i++) {
    printf("%s%" PRId64, i == 0 ? " " : ", ", v[i]);
  }
  putchar('\n');
}

int cmd_delete(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *args[2] = {NULL, NULL};
  size_t nargs = 0;
  bool permanent = false;
  bool options_done = false;
  int version = 0;
  strata_client *client = NULL;
  strata_client_ints *deleted = NULL;
  json_t *answer = NULL;
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
        fputs(delete_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if (strcmp(arg, "--permanent") == 0) {
        permanent = true;
        continue;
      }
      if ((m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("delete: unknown option '%s'", arg);
      fputs(delete_usage, stderr);
      goto cleanup;
    }
    if (nargs == 2) {
      cli_error("delete: unexpected argument '%s'", arg);
      fputs(delete_usage, stderr);
      goto cleanup;
    }
    args[nargs++] = arg;
  }
  if (nargs == 0) {
    cli_error("delete: needs a SUBJECT");
    fputs(delete_usage, stderr);
    goto cleanup;
  }
  if (nargs == 2 && !cli_parse_version("delete", args[1], &version)) {
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "delete", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  if (nargs == 2) {
    int gone = 0;
    e = strata_client_delete_version(client, args[0], version, permanent, &gone, &err);
    if (e != STRATA_E_OK) {
      rc = cli_client_failure("delete", e, &err);
      goto cleanup;
    }
    if (ctx->format == CLI_FORMAT_JSON) {
      answer = json_integer(gone);
    } else {
      int64_t one = gone;
      print_deleted(args[0], permanent, &one, 1);
      rc = CLI_EXIT_OK;
      goto cleanup;
    }
  } else {
    e = strata_client_delete_subject(client, args[0], permanent, &deleted, &err);
    if (e != STRATA_E_OK) {
      rc = cli_client_failure("delete", e, &err);
      goto cleanup;
    }
    if (ctx->format == CLI_FORMAT_JSON) {
      answer = json_array();
      for (size_t i = 0; answer != NULL && i < deleted->count; i++) {
        if (json_array_append_new(answer, json_integer(deleted->items[i])) != 0) {
          json_decref(answer);
          answer = NULL;
        }
      }
    } else {
      print_deleted(args[0], permanent, deleted->items, deleted->count);
      rc = CLI_EXIT_OK;
      goto cleanup;
    }
  }
  if (answer == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  rc = cli_print_json(answer);

cleanup:
  json_decref(answer);
  strata_client_ints_free(&deleted);
  strata_client_free(&client);
  return rc;
}
