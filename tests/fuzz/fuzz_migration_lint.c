/*
 * fuzz_migration_lint.c - libFuzzer target for the migration linter's
 * split-and-parse path (compat/lint): placeholder and meta-command blanking,
 * directive parsing, libpg_query's scanner split, per-statement parsing and
 * every rule.
 *
 * The input is one migration file. It is linted twice, once as written and
 * once with assume-in-transaction, PostgreSQL 10 and a replayed schema (the
 * input itself), and these invariants must hold (a violation aborts):
 *   - mlint_run() succeeds (syntax errors are findings, not failures);
 *   - findings are in source order, with 1-based positions inside the
 *     input, an end not before the start, a non-empty message, and a rule
 *     with a name, a why and a safe alternative;
 *   - syntax_errors counts the syntax-error findings;
 *   - the text, gcc and github outputs and the JSON objects can be produced.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_findings(const mlint_findings *f, size_t size) {
  size_t syntax = 0;
  for (size_t i = 0; i < f->count; i++) {
    const mlint_finding *it = &f->items[i];
    FUZZ_CHECK(it->rule >= 0 && it->rule < MLINT_RULE__COUNT, "rule %d", (int)it->rule);
    FUZZ_CHECK(it->line >= 1 && it->column >= 1, "position %d:%d", it->line, it->column);
    FUZZ_CHECK(it->end_line > it->line ||
                   (it->end_line == it->line && it->end_column >= it->column),
               "end %d:%d before start %d:%d", it->end_line, it->end_column, it->line, it->column);
    FUZZ_CHECK(it->offset <= size && it->offset + it->length <= size, "span %zu+%zu of %zu",
               it->offset, it->length, size);
    FUZZ_CHECK(i == 0 || f->items[i - 1].offset <= it->offset, "findings out of order at %zu", i);
    FUZZ_CHECK(it->message != NULL && it->message[0] != '\0', "empty message");
    FUZZ_CHECK(mlint_rule_why(it->rule)[0] != '\0' && mlint_rule_help(it->rule)[0] != '\0',
               "rule %s lacks why or help", mlint_rule_name(it->rule));
    syntax += it->rule == MLINT_RULE_SYNTAX_ERROR;
  }
  FUZZ_CHECK(syntax == f->syntax_errors, "syntax_errors %zu, counted %zu", f->syntax_errors,
             syntax);
}

static void render(const mlint_findings *f) {
  FILE *sink = fopen("/dev/null", "w");
  if (sink != NULL) {
    mlint_print(sink, MLINT_FORMAT_TEXT, f);
    mlint_print(sink, MLINT_FORMAT_GCC, f);
    mlint_print(sink, MLINT_FORMAT_GITHUB, f);
    fclose(sink);
  }
  json_t *array = json_array();
  FUZZ_CHECK(array != NULL, "json_array");
  FUZZ_CHECK(mlint_findings_json(f, array) == STRATA_E_OK, "mlint_findings_json failed");
  FUZZ_CHECK(json_array_size(array) == f->count, "json has %zu of %zu findings",
             json_array_size(array), f->count);
  json_decref(array);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT) {
    return 0;
  }
  const char *sql = (const char *)data;
  mlint_options opts;
  mlint_options_init(&opts);
  mlint_findings *f = NULL;
  FUZZ_CHECK(mlint_run("fuzz.sql", sql, size, &opts, &f) == STRATA_E_OK && f != NULL,
             "mlint_run failed");
  check_findings(f, size);
  render(f);
  mlint_findings_free(&f);
  FUZZ_CHECK(f == NULL, "mlint_findings_free left the pointer");

  opts.assume_in_transaction = true;
  opts.pg_version = 1000;
  opts.schema_sql = sql;
  opts.schema_len = size;
  FUZZ_CHECK(mlint_run("fuzz.sql", sql, size, &opts, &f) == STRATA_E_OK && f != NULL,
             "mlint_run (assume-in-transaction, schema) failed");
  check_findings(f, size);
  mlint_findings_free(&f);
  return 0;
}
