/*
 * cmd_migrate_lint.c - `strata migrate lint [options] FILE...`: the
 * zero-downtime migration linter (compat/lint) over SQL migration files.
 * `strata migrate` (cmd_migrate.c) dispatches its `lint` subcommand here.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static const char migrate_lint_usage[] =
    "usage: strata migrate lint [--pg-version V] [--assume-in-transaction] [--include RULES]\n"
    "       [--exclude RULES] [--config FILE] [--schema FILE] [--format text|gcc|json|github]\n"
    "       FILE...\n"
    "\n"
    "Lints SQL migrations (PostgreSQL) for changes that lock tables, rewrite them or break\n"
    "running clients during a zero-downtime deploy. FILE - reads standard input.\n"
    "\n"
    "  --pg-version V           the target PostgreSQL version, e.g. 13 or 11.2 (default 15)\n"
    "  --assume-in-transaction  lint each file as if the runner wraps it in BEGIN/COMMIT\n"
    "  --no-assume-in-transaction  the opposite (overrides the config file)\n"
    "  --include RULES          turn on these rules (comma-separated ids, or all)\n"
    "  --exclude RULES          turn off these rules (wins over --include)\n"
    "  --config FILE            settings file: pg_version, assume_in_transaction,\n"
    "                           included_rules, excluded_rules (TOML, as .squawk.toml)\n"
    "  --schema FILE            the current schema as DDL: known column types let\n"
    "                           changing-column-type accept widenings without a rewrite\n"
    "  --format FORMAT          text (default: excerpt, why, safe alternative), gcc\n"
    "                           (file:line:col: warning: message [rule]), json (one array)\n"
    "                           or github (workflow annotations)\n"
    "  --list-rules             print every rule id, whether it is on by default, and what\n"
    "                           it flags\n"
    "\n"
    "Suppress a finding with a comment before the statement:\n"
    "  -- strata-ignore RULE[, RULE...]: reason\n"
    "or for the whole file: -- strata-ignore-file RULE...: reason (RULE may be all).\n"
    "Rules: docs/migration-rules.md.\n"
    "\n"
    "Exit status: 0 no findings, 1 findings, 2 usage or input error (unreadable file,\n"
    "syntax error).\n";

static void lint_list_rules(void) {
  for (int r = 0; r < MLINT_RULE__COUNT; r++) {
    printf("%-45s %-3s %s\n", mlint_rule_name((mlint_rule_id)r),
           mlint_rule_default_on((mlint_rule_id)r) ? "on" : "off",
           mlint_rule_title((mlint_rule_id)r));
  }
}

/* Applies the --include/--exclude values (in that order) to @p opts. */
static bool lint_apply_rules(mlint_options *opts, const cli_arg_list *values, bool on) {
  for (size_t i = 0; i < values->count; i++) {
    const char *bad = NULL;
    if (mlint_options_set_rules(opts, values->items[i], on, &bad) != STRATA_E_OK) {
      cli_error("migrate lint: unknown rule '%.*s' in --%s (see --list-rules)",
                (int)strcspn(bad, ", \t"), bad, on ? "include" : "exclude");
      return false;
    }
  }
  return true;
}

int migrate_lint_main(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  cli_arg_list files = {NULL, 0};
  cli_arg_list includes = {NULL, 0};
  cli_arg_list excludes = {NULL, 0};
  const char *pg_version = NULL;
  const char *config = NULL;
  const char *schema_path = NULL;
  const char *format_name = NULL;
  int assume = -1; /* -1 unset, 0 off, 1 on */
  bool list_rules = false;
  char *schema_text = NULL;
  json_t *json = NULL;
  mlint_options opts;
  mlint_format format = MLINT_FORMAT_TEXT;
  size_t total = 0;
  size_t statements = 0;
  size_t suppressed = 0;
  bool input_error = false;
  const cli_option options[] = {CLI_VALUE("--pg-version", &pg_version),
                                CLI_SET("--assume-in-transaction", &assume, 1),
                                CLI_SET("--no-assume-in-transaction", &assume, 0),
                                CLI_LIST("--include", &includes),
                                CLI_LIST("--exclude", &excludes),
                                CLI_VALUE("--config", &config),
                                CLI_VALUE("--schema", &schema_path),
                                CLI_VALUE("--format", &format_name),
                                CLI_FLAG("--list-rules", &list_rules),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "migrate lint",
                             .usage = migrate_lint_usage,
                             .options = options,
                             .operand_list = &files};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  if (list_rules) {
    lint_list_rules();
    rc = CLI_EXIT_OK;
    goto cleanup;
  }
  if (format_name == NULL) {
    format = ctx->format == CLI_FORMAT_GITHUB ? MLINT_FORMAT_GITHUB : MLINT_FORMAT_TEXT;
    format_name = ctx->format == CLI_FORMAT_JSON ? "json" : NULL;
  } else if (strcmp(format_name, "text") == 0) {
    format = MLINT_FORMAT_TEXT;
  } else if (strcmp(format_name, "gcc") == 0) {
    format = MLINT_FORMAT_GCC;
  } else if (strcmp(format_name, "github") == 0) {
    format = MLINT_FORMAT_GITHUB;
  } else if (strcmp(format_name, "json") != 0) {
    cli_error("migrate lint: unknown format '%s' (expected text, gcc, json or github)",
              format_name);
    goto cleanup;
  }
  bool as_json = format_name != NULL && strcmp(format_name, "json") == 0;
  if (files.count == 0) {
    cli_usage_error(&syntax, "no migration file given");
    goto cleanup;
  }
  mlint_options_init(&opts);
  if (config != NULL) {
    char err[512];
    if (mlint_config_load(config, &opts, err, sizeof err) != STRATA_E_OK) {
      cli_error("migrate lint: %s", err);
      goto cleanup;
    }
  }
  if (pg_version != NULL && !mlint_parse_pg_version(pg_version, &opts.pg_version)) {
    cli_error("migrate lint: --pg-version '%s' is not a PostgreSQL version (e.g. 13 or 11.2)",
              pg_version);
    goto cleanup;
  }
  if (assume >= 0) {
    opts.assume_in_transaction = assume == 1;
  }
  if (!lint_apply_rules(&opts, &includes, true) || !lint_apply_rules(&opts, &excludes, false)) {
    goto cleanup;
  }
  if (schema_path != NULL) {
    schema_text = cli_read_file(schema_path, &opts.schema_len);
    if (schema_text == NULL) {
      goto cleanup;
    }
    opts.schema_sql = schema_text;
  }
  if (as_json && (json = json_array()) == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < files.count; i++) {
    const char *name = files.items[i];
    size_t len = 0;
    char *text = cli_read_file(strcmp(name, "-") == 0 ? "/dev/stdin" : name, &len);
    if (text == NULL) {
      input_error = true;
      continue;
    }
    mlint_findings *findings = NULL;
    strata_error err = mlint_run(name, text, len, &opts, &findings);
    free(text);
    if (err != STRATA_E_OK) {
      cli_error("migrate lint: %s: %s", name, strata_strerror(err));
      goto cleanup;
    }
    total += findings->count;
    statements += findings->statements;
    suppressed += findings->suppressed;
    input_error = input_error || findings->syntax_errors > 0;
    if (as_json) {
      err = mlint_findings_json(findings, json);
    } else {
      mlint_print(stdout, format, findings);
    }
    mlint_findings_free(&findings);
    if (err != STRATA_E_OK) {
      cli_error("out of memory");
      goto cleanup;
    }
  }
  if (as_json) {
    if (cli_print_json(json) != CLI_EXIT_OK) {
      goto cleanup;
    }
  } else if (format == MLINT_FORMAT_TEXT) {
    printf("%zu finding%s in %zu file%s (%zu statement%s checked, %zu suppressed)\n", total,
           total == 1 ? "" : "s", files.count, files.count == 1 ? "" : "s", statements,
           statements == 1 ? "" : "s", suppressed);
  }
  rc = input_error ? CLI_EXIT_USAGE : total > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;

cleanup:
  json_decref(json);
  free(schema_text);
  free(files.items);
  free(includes.items);
  free(excludes.items);
  return rc;
}
