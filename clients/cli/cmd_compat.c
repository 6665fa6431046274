/*
 * cmd_compat.c - `strata compat [--type T] [--level L] [--format text|json] NEW OLD...`
 * Checks NEW against the earlier versions OLD... (oldest first) at a level.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char compat_usage[] =
    "usage: strata compat [--type avro] [--level LEVEL] [--format text|json] NEW OLD...\n"
    "\n"
    "Checks the schema in NEW against the earlier versions OLD... (oldest first).\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension; .avsc is avro)\n"
    "  --level LEVEL    NONE, BACKWARD (default), BACKWARD_TRANSITIVE, FORWARD,\n"
    "                   FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE; non-transitive\n"
    "                   levels check against the last OLD only\n"
    "  --format FORMAT  text (default) or json: one object\n"
    "                   {\"compatible\", \"level\", \"issues\": [{\"code\", \"path\", "
    "\"message\",\n"
    "                   \"direction\", \"version\"}]}, version = position of the OLD file\n"
    "\n"
    "Exit status: 0 compatible, 1 incompatible, 2 usage or input error.\n";

static int print_json(const strata_compat_result *result) {
  int rc = CLI_EXIT_USAGE;
  json_t *root = json_object();
  json_t *issues = json_array();
  char *text = NULL;

  if (root == NULL || issues == NULL) {
    goto cleanup;
  }
  for (size_t i = 0; i < strata_compat_result_issue_count(result); i++) {
    const strata_compat_issue *issue = strata_compat_result_issue(result, i);
    json_t *item =
        json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", issue->code, "path", issue->path, "message",
                  issue->message, "direction", strata_compat_direction_name(issue->direction),
                  "version", issue->version);
    if (item == NULL || json_array_append_new(issues, item) != 0) {
      goto cleanup;
    }
  }
  if (json_object_set_new(root, "compatible",
                          json_boolean(strata_compat_result_compatible(result))) != 0 ||
      json_object_set_new(
          root, "level",
          json_string(strata_compat_level_name(strata_compat_result_level(result)))) != 0 ||
      json_object_set(root, "issues", issues) != 0) {
    goto cleanup;
  }
  text = json_dumps(root, JSON_COMPACT);
  if (text == NULL) {
    goto cleanup;
  }
  puts(text);
  rc = CLI_EXIT_OK;

cleanup:
  if (rc != CLI_EXIT_OK) {
    cli_error("out of memory");
  }
  free(text);
  json_decref(issues);
  json_decref(root);
  return rc;
}

static void print_text(const strata_compat_result *result, const char *new_path, char **old_paths,
                       size_t nold) {
  const char *level = strata_compat_level_name(strata_compat_result_level(result));
  size_t count = strata_compat_result_issue_count(result);
  if (count == 0) {
    printf("%s: compatible (%s, %zu previous version%s)\n", new_path, level, nold,
           nold == 1 ? "" : "s");
    return;
  }
  printf("%s: incompatible (%s): %zu issue%s\n", new_path, level, count, count == 1 ? "" : "s");
  for (size_t i = 0; i < count; i++) {
    const strata_compat_issue *issue = strata_compat_result_issue(result, i);
    const char *old =
        issue->version >= 1 && (size_t)issue->version <= nold ? old_paths[issue->version - 1] : "?";
    printf("  %s against %s (version %d): %s at %s\n    %s\n",
           strata_compat_direction_name(issue->direction), old, issue->version, issue->code,
           issue->path, issue->message);
  }
}

int cmd_compat(int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *type_name = NULL;
  const char *level_name = "BACKWARD";
  const char *format = "text";
  char **paths = NULL;
  size_t npaths = 0;
  strata_schema *candidate = NULL;
  strata_schema **previous = NULL;
  strata_compat_result *result = NULL;
  strata_compat_level level;
  strata_schema_type type;
  bool options_done = false;

  paths = calloc((size_t)argc, sizeof *paths);
  if (paths == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(compat_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if ((m = cli_option_value(argc, argv, &i, "--type", &type_name)) != 0 ||
          (m = cli_option_value(argc, argv, &i, "--level", &level_name)) != 0 ||
          (m = cli_option_value(argc, argv, &i, "--format", &format)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("compat: unknown option '%s'", arg);
      fputs(compat_usage, stderr);
      goto cleanup;
    }
    paths[npaths++] = argv[i];
  }
  if (npaths < 2) {
    cli_error("compat: needs the new schema and at least one earlier version");
    fputs(compat_usage, stderr);
    goto cleanup;
  }
  if (strata_compat_level_from_name(level_name, &level) != STRATA_E_OK) {
    cli_error("compat: unknown level '%s' (expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, "
              "FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE)",
              level_name);
    goto cleanup;
  }
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    cli_error("compat: unknown format '%s' (expected text or json)", format);
    goto cleanup;
  }
  if (!cli_schema_type(paths[0], type_name, &type)) {
    goto cleanup;
  }
  if (!strata_schema_type_supported(type)) {
    cli_error("compat: schema type %s is not supported by this build",
              strata_schema_type_name(type));
    goto cleanup;
  }
  candidate = cli_load_schema(paths[0], type);
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
    previous[i - 1] = cli_load_schema(paths[i], old_type);
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
  if (strcmp(format, "json") == 0) {
    if (print_json(result) != CLI_EXIT_OK) {
      goto cleanup;
    }
  } else {
    print_text(result, paths[0], paths + 1, npaths - 1);
  }
  rc = strata_compat_result_compatible(result) ? CLI_EXIT_OK : CLI_EXIT_FAILED;

cleanup:
  strata_compat_result_free(&result);
  for (size_t i = 0; previous != NULL && i + 1 < npaths; i++) {
    strata_schema_free(&previous[i]);
  }
  free(previous);
  strata_schema_free(&candidate);
  free(paths);
  return rc;
}
