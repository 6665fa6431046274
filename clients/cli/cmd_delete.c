/*
 * cmd_delete.c - `strata delete SUBJECT [VERSION] [--permanent]`: soft- or
 * hard-deletes a subject or one of its versions.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>

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
  const char *subject = NULL;
  const char *version_arg = NULL;
  bool permanent = false;
  int version = 0;
  strata_client *client = NULL;
  strata_client_ints *deleted = NULL;
  strata_client_error err;
  strata_error e;
  const cli_option options[] = {CLI_FLAG("--permanent", &permanent), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "delete",
                             .usage = delete_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&subject, &version_arg},
                             .required = 1,
                             .missing = "needs a SUBJECT"};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  if (version_arg != NULL && !cli_parse_version("delete", version_arg, &version)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  if (version_arg != NULL) {
    int gone = 0;
    e = strata_client_delete_version(client, subject, version, permanent, &gone, &err);
    if (e != STRATA_E_OK) {
      rc = cli_client_failure("delete", e, &err);
      goto cleanup;
    }
    if (ctx->format == CLI_FORMAT_JSON) {
      rc = cli_print_json_steal(json_integer(gone));
      goto cleanup;
    }
    int64_t one = gone;
    print_deleted(subject, permanent, &one, 1);
  } else {
    e = strata_client_delete_subject(client, subject, permanent, &deleted, &err);
    if (e != STRATA_E_OK) {
      rc = cli_client_failure("delete", e, &err);
      goto cleanup;
    }
    if (ctx->format == CLI_FORMAT_JSON) {
      rc = cli_print_json_steal(cli_ints_json(deleted));
      goto cleanup;
    }
    print_deleted(subject, permanent, deleted->items, deleted->count);
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_ints_free(&deleted);
  strata_client_free(&client);
  return rc;
}
