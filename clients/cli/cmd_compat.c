/*
 * cmd_compat.c - `strata compat [--type T] [--level L] [-I DIR]... [--format text|json] NEW OLD...`
 * Checks NEW against the earlier versions OLD... (oldest first) at a level.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char compat_usage[] =
    "usage: strata compat [--type avro] [--level LEVEL] [-I DIR]... [--format text|json] NEW "
    "OLD...\n"
    "\n"
    "Checks the schema in NEW against the earlier versions OLD... (oldest first).\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension)\n"
    "  --level LEVEL    NONE, BACKWARD (default), BACKWARD_TRANSITIVE, FORWARD,\n"
    "                   FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE; non-transitive\n"
    "                   levels check against the last OLD only\n"
    "  -I, --proto-path DIR  where imports of .proto files are found, in order given\n"
    "                   (default: each file's own directory)\n"
    "  --format FORMAT  text (default) or json: one object\n"
    "                   {\"compatible\", \"level\", \"issues\": [{\"code\", \"path\", "
    "\"message\",\n"
    "                   \"direction\", \"version\"}]}, version = position of the OLD file\n"
    "\n"
    "Exit status: 0 compatible, 1 incompatible, 2 usage or input error.\n";

int cmd_compat(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *type_name = NULL;
  const char *level_name = "BACKWARD";
  cli_arg_list files = {0};
  cli_arg_list import_dirs = {0};
  strata_schema *candidate = NULL;
  strata_schema **previous = NULL;
  strata_compat_result *result = NULL;
  cli_compat_report report = {0};
  strata_compat_level level;
  strata_schema_type type;
  const cli_option options[] = {CLI_VALUE("--type", &type_name), CLI_VALUE("--level", &level_name),
                                CLI_LIST("-I", &import_dirs),
                                CLI_LIST("--proto-path", &import_dirs), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "compat",
                             .usage = compat_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operand_list = &files,
                             .required = 2,
                             .missing = "needs the new schema and at least one earlier version"};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc) ||
      !cli_parse_level("compat", level_name, &level)) {
    goto cleanup;
  }
  const char **paths = files.items;
  size_t npaths = files.count;
  if (!cli_schema_type(paths[0], type_name, &type)) {
    goto cleanup;
  }
  if (!strata_schema_type_supported(type)) {
    cli_error("compat: schema type %s is not supported by this build",
              strata_schema_type_name(type));
    goto cleanup;
  }
  candidate = cli_load_schema_imports(paths[0], type, &import_dirs);
  if (candidate == NULL) {
    goto cleanup;
  }
  previous = calloc(npaths - 1, sizeof *previous);
  if (previous == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 1; i < npaths; i++) {
    strata_schema_type old_type = type;
    if (type_name == NULL && !cli_schema_type(paths[i], NULL, &old_type)) {
      goto cleanup;
    }
    previous[i - 1] = cli_load_schema_imports(paths[i], old_type, &import_dirs);
    if (previous[i - 1] == NULL) {
      goto cleanup;
    }
  }
  strata_error err = strata_compat_check(level, candidate, (const strata_schema *const *)previous,
                                         NULL, npaths - 1, &result);
  if (err != STRATA_E_OK) {
    cli_error("compat: %s", strata_strerror(err));
    goto cleanup;
  }
  cli_compat_report_init(&report, level);
  report.previous_count = npaths - 1;
  if (!cli_compat_report_add_result(&report, result, NULL)) {
    goto cleanup;
  }
  for (size_t i = 0; i < report.issue_count; i++) {
    int v = report.issues[i].version;
    report.issues[i].against = v >= 1 && (size_t)v < npaths ? paths[v] : "?";
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    if (cli_compat_print_json(&report) != CLI_EXIT_OK) {
      goto cleanup;
    }
  } else {
    cli_compat_print_text(&report, paths[0], NULL);
  }
  rc = strata_compat_result_compatible(result) ? CLI_EXIT_OK : CLI_EXIT_FAILED;

cleanup:
  cli_compat_report_release(&report);
  strata_compat_result_free(&result);
  for (size_t i = 0; previous != NULL && i + 1 < files.count; i++) {
    strata_schema_free(&previous[i]);
  }
  free(previous);
  strata_schema_free(&candidate);
  free(files.items);
  free(import_dirs.items);
  return rc;
}
