/*
 * lint_int.h - PRIVATE to compat/lint: the pieces mlint_run() is built from.
 *
 *   lint_source.c  the prepared source: placeholders and psql meta-commands
 *                  blanked, strata-ignore directives, byte offset -> line:col
 *   lint_check.c   the per-file state machine and the rules over each statement
 *   lint_expr.c    default-expression volatility and the no-rewrite type list
 *   lint_map.c     a small string-keyed hash map for the file's catalog
 *   lint_run.c     split, parse, findings
 */
#ifndef STRATA_LINT_INT_H
#define STRATA_LINT_INT_H

#include "lint.h"

#include <pg_query/pg_query.pb-c.h>

/* ---- string-keyed map (lint_map.c) ---- */

/** An open-addressing hash map from NUL-terminated keys (copied) to pointers (owned when the
 * map was created with a value destructor). */
typedef struct mlint_map {
  char **keys;
  void **values;
  size_t cap; /* power of two, 0 when empty */
  size_t count;
  void (*free_value)(void *value);
} mlint_map;

/** The value for @p key, or NULL. */
void *mlint_map_get(const mlint_map *map, const char *key);
/** Sets @p key to @p value (steals @p value); an old value is freed. STRATA_E_NOMEM on failure
 * (then @p value is freed too). */
strata_error mlint_map_put(mlint_map *map, const char *key, void *value);
/** Removes @p key (freeing its value) if present. */
void mlint_map_remove(mlint_map *map, const char *key);
/** Frees every key and value and empties the map. */
void mlint_map_clear(mlint_map *map);

/* ---- prepared source (lint_source.c) ---- */

/** A `-- strata-ignore` comment. */
typedef struct mlint_directive {
  size_t offset; /* byte offset of the comment */
  bool all;      /* "all" instead of rule names */
  bool rules[MLINT_RULE__COUNT];
} mlint_directive;

typedef struct mlint_source {
  char *text; /* the prepared copy, NUL-terminated (owned) */
  size_t len;
  size_t *line_starts; /* byte offset of each line (owned) */
  size_t nlines;
  mlint_directive *directives; /* statement-level directives in source order (owned) */
  size_t ndirectives;
  bool file_all;                      /* strata-ignore-file all */
  bool file_rules[MLINT_RULE__COUNT]; /* strata-ignore-file RULE... */
} mlint_source;

/**
 * Copies @p sql into @p src with Flyway ${placeholders} turned into same-length identifiers and
 * psql meta-commands blanked, and collects the strata-ignore directives. Malformed directives
 * are reported into @p findings as invalid-ignore (when @p findings is not NULL).
 */
strata_error mlint_source_prepare(mlint_source *src, const char *sql, size_t len,
                                  mlint_findings *findings);
/** Frees what @p src owns and zeroes it. */
void mlint_source_release(mlint_source *src);
/** The 1-based line and character column of byte @p offset. */
void mlint_source_position(const mlint_source *src, size_t offset, int *line, int *column);
/** The byte offset of the @p nchars-th character (0-based) after byte @p start. */
size_t mlint_source_char_offset(const mlint_source *src, size_t start, size_t nchars);
/** The first byte at or after @p from (before @p end) that is not blank or inside a comment. */
size_t mlint_source_skip_blank(const mlint_source *src, size_t from, size_t end);

/* ---- findings (lint_run.c) ---- */

/** Appends a finding for the byte span [offset, offset+length) with a formatted message.
 * @p table may be NULL. Returns STRATA_E_OK or STRATA_E_NOMEM. */
strata_error mlint_findings_add(mlint_findings *findings, const mlint_source *src,
                                mlint_rule_id rule, size_t offset, size_t length, const char *table,
                                const char *message);

/* ---- checking (lint_check.c) ---- */

typedef struct mlint_checker mlint_checker;

/** One parsed statement. */
typedef struct mlint_stmt {
  const PgQuery__Node *node;
  size_t offset;     /* first byte after leading blanks and comments */
  size_t length;     /* bytes, without the ';' */
  size_t raw_offset; /* where the split put its start (comments before it included) */
} mlint_stmt;

/** A new checker; NULL when out of memory. @p opts and @p findings are borrowed and must
 * outlive it. */
mlint_checker *mlint_checker_new(const mlint_options *opts, mlint_findings *findings);
/** Frees @p checker (NULL is fine). */
void mlint_checker_free(mlint_checker *checker);
/**
 * Starts a source (borrowed, must outlive its statements) of @p nstatements statements. With
 * @p quiet the statements only build up the catalog (the replayed schema); after a quiet
 * source its tables count as existing, and transactions, timeouts and constraints restart.
 */
void mlint_checker_begin(mlint_checker *checker, const mlint_source *src, size_t nstatements,
                         bool quiet);
/** Applies @p stmt to the file state and records what the rules find in it. */
strata_error mlint_checker_statement(mlint_checker *checker, const mlint_stmt *stmt);
/** Records what is only known at the end of the file (uncommitted transaction). */
strata_error mlint_checker_finish(mlint_checker *checker);

/* ---- expressions and types (lint_expr.c) ---- */

/** A column type reduced to what the no-rewrite list compares. */
typedef struct mlint_type {
  char name[32]; /* canonical name: int4, varchar, numeric, timestamptz, ... */
  int typmods[2];
  int ntypmods; /* -1 when a typmod is not a plain integer */
  int array_dims;
} mlint_type;

/** Fills @p out from @p tn (borrowed). */
void mlint_type_from_ast(const PgQuery__TypeName *tn, mlint_type *out);
/** Prints @p t as SQL ("varchar(20)", "numeric(10,2)[]") into @p buf. */
void mlint_type_format(const mlint_type *t, char *buf, size_t size);
/**
 * True when PostgreSQL @p pg_version changes a column from @p from to @p to without rewriting
 * the table or rebuilding its indexes (binary-coercible, typmod only relaxed).
 */
bool mlint_type_change_is_safe(const mlint_type *from, const mlint_type *to, int pg_version);
/** True for serial, bigserial, smallserial and their serialN spellings. */
bool mlint_type_is_serial(const PgQuery__TypeName *tn);
/**
 * NULL when @p expr (a default expression, borrowed) is not volatile; otherwise a borrowed
 * static description of the first volatile part ("random()", "a function call").
 */
const char *mlint_expr_volatile(const PgQuery__Node *expr, char *buf, size_t size);

#endif /* STRATA_LINT_INT_H */
