/*
 * lint_run.c - mlint_run(): split the prepared text with libpg_query's
 * scanner, parse each statement on its own (a syntax error is one finding
 * and the next statement is still linted), feed the statements to the
 * checker, and keep the findings in source order.
 */
#include "lint_int.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

strata_error mlint_findings_add(mlint_findings *f, const mlint_source *src, mlint_rule_id rule,
                                size_t offset, size_t length, const char *table,
                                const char *message) {
  if (f->count == f->cap) {
    size_t cap = f->cap == 0 ? 16 : f->cap * 2;
    mlint_finding *grown = realloc(f->items, cap * sizeof *grown);
    if (grown == NULL) {
      return STRATA_E_NOMEM;
    }
    f->items = grown;
    f->cap = cap;
  }
  mlint_finding *it = &f->items[f->count];
  memset(it, 0, sizeof *it);
  it->rule = rule;
  it->severity = rule == MLINT_RULE_SYNTAX_ERROR ? MLINT_ERROR : MLINT_WARNING;
  it->offset = offset;
  it->length = length;
  mlint_source_position(src, offset, &it->line, &it->column);
  mlint_source_position(src, offset + length, &it->end_line, &it->end_column);
  it->message = strdup(message);
  if (it->message == NULL) {
    return STRATA_E_NOMEM;
  }
  if (table != NULL && table[0] != '\0' && (it->table = strdup(table)) == NULL) {
    free(it->message);
    return STRATA_E_NOMEM;
  }
  f->count++;
  if (rule == MLINT_RULE_SYNTAX_ERROR) {
    f->syntax_errors++;
  }
  return STRATA_E_OK;
}

void mlint_findings_free(mlint_findings **findings) {
  if (findings == NULL || *findings == NULL) {
    return;
  }
  mlint_findings *f = *findings;
  for (size_t i = 0; i < f->count; i++) {
    free(f->items[i].message);
    free(f->items[i].table);
  }
  free(f->items);
  free(f->file);
  free(f->source);
  free(f);
  *findings = NULL;
}

/* A statement span from the split: [start, end) of the prepared text. */
typedef struct run_slice {
  size_t start; /* after leading blanks and comments */
  size_t end;
  size_t raw;
} run_slice;

/* Splits @p src into non-empty slices: a new array in *out (free()). */
static strata_error run_split(const mlint_source *src, run_slice **out, size_t *count) {
  *out = NULL;
  *count = 0;
  PgQuerySplitResult split = pg_query_split_with_scanner(src->text);
  strata_error rc = STRATA_E_NOMEM;
  size_t n = split.error != NULL ? 1 : (size_t)split.n_stmts;
  run_slice *slices = calloc(n > 0 ? n : 1, sizeof *slices);
  if (slices == NULL) {
    goto cleanup;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t raw = 0;
    size_t end = src->len;
    if (split.error == NULL) {
      raw = (size_t)split.stmts[i]->stmt_location;
      size_t len = (size_t)split.stmts[i]->stmt_len;
      end = len == 0 && i + 1 == n ? src->len : raw + len;
      if (raw > src->len || end > src->len || end < raw) {
        continue;
      }
    }
    size_t start = mlint_source_skip_blank(src, raw, end);
    while (end > start && (src->text[end - 1] == ' ' || src->text[end - 1] == '\t' ||
                           src->text[end - 1] == '\n' || src->text[end - 1] == '\r')) {
      end--;
    }
    if (start < end) {
      slices[k++] = (run_slice){start, end, raw};
    }
  }
  *out = slices;
  *count = k;
  rc = STRATA_E_OK;

cleanup:
  pg_query_free_split_result(split);
  return rc;
}

/* Parses and checks one slice. */
static strata_error run_slice_check(mlint_checker *ck, mlint_source *src, mlint_findings *f,
                                    const run_slice *s, bool quiet) {
  strata_error rc = STRATA_E_OK;
  char saved = src->text[s->end];
  src->text[s->end] = '\0';
  PgQueryProtobufParseResult pr = pg_query_parse_protobuf(src->text + s->start);
  src->text[s->end] = saved;
  PgQuery__ParseResult *tree = NULL;
  if (pr.error != NULL) {
    if (!quiet) {
      size_t at = pr.error->cursorpos > 0
                      ? mlint_source_char_offset(src, s->start, (size_t)pr.error->cursorpos - 1)
                      : s->start;
      if (at > s->end) {
        at = s->end;
      }
      rc = mlint_findings_add(f, src, MLINT_RULE_SYNTAX_ERROR, at, s->end - at, NULL,
                              pr.error->message != NULL ? pr.error->message : "syntax error");
    }
    goto cleanup;
  }
  tree =
      pg_query__parse_result__unpack(NULL, pr.parse_tree.len, (const uint8_t *)pr.parse_tree.data);
  if (tree == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < tree->n_stmts && rc == STRATA_E_OK; i++) {
    if (tree->stmts[i]->stmt == NULL) {
      continue;
    }
    mlint_stmt stmt = {tree->stmts[i]->stmt, s->start, s->end - s->start, s->raw};
    f->statements++;
    rc = mlint_checker_statement(ck, &stmt);
  }

cleanup:
  if (tree != NULL) {
    pg_query__parse_result__free_unpacked(tree, NULL);
  }
  pg_query_free_protobuf_parse_result(pr);
  return rc;
}

/* Lints (or, quiet, only replays) one prepared source. */
static strata_error run_source(mlint_checker *ck, mlint_source *src, mlint_findings *f,
                               bool quiet) {
  run_slice *slices = NULL;
  size_t n = 0;
  strata_error rc = run_split(src, &slices, &n);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  mlint_checker_begin(ck, src, n, quiet);
  for (size_t i = 0; i < n && rc == STRATA_E_OK; i++) {
    rc = run_slice_check(ck, src, f, &slices[i], quiet);
  }
  if (rc == STRATA_E_OK && !quiet) {
    rc = mlint_checker_finish(ck);
  }

cleanup:
  free(slices);
  return rc;
}

/* Stable insertion sort by offset: findings arrive almost in order. */
static void run_sort(mlint_findings *f) {
  for (size_t i = 1; i < f->count; i++) {
    mlint_finding cur = f->items[i];
    size_t j = i;
    while (j > 0 && f->items[j - 1].offset > cur.offset) {
      f->items[j] = f->items[j - 1];
      j--;
    }
    f->items[j] = cur;
  }
}

strata_error mlint_run(const char *file, const char *sql, size_t len, const mlint_options *opts,
                       mlint_findings **out) {
  strata_error rc = STRATA_E_NOMEM;
  mlint_options defaults;
  mlint_source schema = {0};
  mlint_source src = {0};
  mlint_checker *ck = NULL;
  mlint_findings *f = calloc(1, sizeof *f);
  *out = NULL;
  if (opts == NULL) {
    mlint_options_init(&defaults);
    opts = &defaults;
  }
  if (f == NULL || (f->file = strdup(file != NULL ? file : "-")) == NULL ||
      (f->source = malloc(len + 1)) == NULL) {
    goto cleanup;
  }
  memcpy(f->source, sql, len);
  f->source[len] = '\0';
  f->source_len = len;
  ck = mlint_checker_new(opts, f);
  if (ck == NULL) {
    goto cleanup;
  }
  if (opts->schema_sql != NULL) {
    if ((rc = mlint_source_prepare(&schema, opts->schema_sql, opts->schema_len, NULL)) !=
            STRATA_E_OK ||
        (rc = run_source(ck, &schema, f, true)) != STRATA_E_OK) {
      goto cleanup;
    }
    f->statements = 0;
  }
  if ((rc = mlint_source_prepare(
           &src, sql, len, opts->enabled[MLINT_RULE_INVALID_IGNORE] ? f : NULL)) != STRATA_E_OK ||
      (rc = run_source(ck, &src, f, false)) != STRATA_E_OK) {
    goto cleanup;
  }
  run_sort(f);
  *out = f;
  f = NULL;
  rc = STRATA_E_OK;

cleanup:
  mlint_checker_free(ck);
  mlint_source_release(&schema);
  mlint_source_release(&src);
  mlint_findings_free(&f);
  return rc;
}
