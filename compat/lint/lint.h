/*
 * lint.h - PRIVATE to the `strata` command: the zero-downtime migration
 * linter behind `strata migrate lint` and the lint part of `strata migrate
 * check`. Built as the static library `strata_lint` (compat/lint/), which the
 * CLI links; it is not part of the installed libstrata-compat API.
 *
 * A migration file is split into statements with libpg_query's scanner and
 * each statement is parsed on its own, so one syntax error is reported (rule
 * "syntax-error", with its line and column) and the rest is still linted.
 * Flyway ${placeholders} and psql meta-commands (\set, \i ...) are blanked
 * before parsing. Comments `-- strata-ignore RULE[, RULE...]: reason` suppress
 * rules for the next statement; `-- strata-ignore-file RULE...: reason` (or
 * `all`) for the whole file.
 *
 * Module prefix: mlint_ (MLINT_ for macros).
 */
#ifndef STRATA_LINT_H
#define STRATA_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include <strata/error.h>

/** Every rule, in the order of docs/migration-rules.md (see lint_rules.def). */
typedef enum mlint_rule_id {
#define MLINT_RULE(id, name, on, title) MLINT_RULE_##id,
#include "lint_rules.def"
#undef MLINT_RULE
  MLINT_RULE__COUNT
} mlint_rule_id;

/** Severity: rule findings are warnings; syntax errors are errors. */
typedef enum mlint_severity {
  MLINT_WARNING = 1,
  MLINT_ERROR = 2
} mlint_severity;

/** Output formats of mlint_print(). */
typedef enum mlint_format {
  MLINT_FORMAT_TEXT = 1, /* message, source excerpt, why and the safe alternative */
  MLINT_FORMAT_GCC,      /* file:line:col: warning: message [rule] (1-based) */
  MLINT_FORMAT_GITHUB    /* ::warning file=...,line=...,col=...,title=rule::message */
} mlint_format;

/** How to lint. Fill with mlint_options_init(), then change what is needed. */
typedef struct mlint_options {
  /** target PostgreSQL version as major*100 + minor (15.0 -> 1500; 9.6 -> 906); default 1500 */
  int pg_version;
  /** lint each file as if the migration runner wrapped it in BEGIN/COMMIT */
  bool assume_in_transaction;
  /** per rule: true when the rule runs (defaults: the rules marked on in lint_rules.def) */
  bool enabled[MLINT_RULE__COUNT];
  /**
   * the current schema as DDL (CREATE TABLE ..., borrowed, may be NULL): replayed before the
   * migration without findings, so that column types are known to changing-column-type's
   * no-rewrite allow-list and its tables count as existing
   */
  const char *schema_sql;
  size_t schema_len;
} mlint_options;

/** One finding. Strings are owned by the mlint_findings that holds it. */
typedef struct mlint_finding {
  mlint_rule_id rule;
  mlint_severity severity;
  /** 1-based line and column (in characters) of the start, and of the end, of the statement */
  int line;
  int column;
  int end_line;
  int end_column;
  /** byte span of the statement in the source (without the ';') */
  size_t offset;
  size_t length;
  /** what was found, naming the objects (new string) */
  char *message;
  /** the table the statement changes, or NULL (new string) */
  char *table;
} mlint_finding;

/** The findings for one file, in source order. Free with mlint_findings_free(). */
typedef struct mlint_findings {
  char *file;   /* the name given to mlint_run() (new copy) */
  char *source; /* the text that was linted (new copy; used for excerpts) */
  size_t source_len;
  mlint_finding *items;
  size_t count;
  size_t cap;
  size_t statements;    /* statements seen */
  size_t syntax_errors; /* findings of rule syntax-error */
  size_t suppressed;    /* findings dropped by strata-ignore comments */
} mlint_findings;

/** Sets @p opts to the defaults: PG 15.0, not in a transaction, default rules on. */
void mlint_options_init(mlint_options *opts);

/**
 * Turns the rules in @p list (borrowed; comma- or space-separated rule names,
 * or "all") on or off in @p opts. Returns STRATA_E_OK, or
 * STRATA_E_INVALID_ARGUMENT with *bad (if not NULL) pointing at the unknown
 * name inside @p list; @p opts is unchanged then.
 */
strata_error mlint_options_set_rules(mlint_options *opts, const char *list, bool on,
                                     const char **bad);

/**
 * Parses a PostgreSQL version ("15", "13.0", "9.6", "11.2") into major*100 +
 * minor. Returns false when @p text is not a version from 9.0 to 99.99.
 */
bool mlint_parse_pg_version(const char *text, int *out);

/**
 * Reads the config file @p path (borrowed) into @p opts. The format is the
 * TOML subset of squawk's .squawk.toml: `pg_version = "13.0"`,
 * `assume_in_transaction = true`, `excluded_rules = ["a", "b"]`,
 * `included_rules = [...]`, comments with '#'. Unknown keys are errors.
 * Returns STRATA_E_OK, STRATA_E_NOT_FOUND when the file cannot be read, or
 * STRATA_E_INVALID_ARGUMENT with a message in @p err (size @p errlen, may be
 * NULL) naming the line.
 */
strata_error mlint_config_load(const char *path, mlint_options *opts, char *err, size_t errlen);

/** The rule's id as used in comments and options ("ban-drop-column"); borrowed static. */
const char *mlint_rule_name(mlint_rule_id rule);
/** A one-line summary of what the rule flags; borrowed static. */
const char *mlint_rule_title(mlint_rule_id rule);
/** Why the flagged change is unsafe; borrowed static. */
const char *mlint_rule_why(mlint_rule_id rule);
/** The safe alternative (expand-contract steps where they apply); borrowed static. */
const char *mlint_rule_help(mlint_rule_id rule);
/** Whether the rule is on by default. */
bool mlint_rule_default_on(mlint_rule_id rule);
/** Looks a rule up by name. Returns false when there is no such rule. */
bool mlint_rule_lookup(const char *name, size_t len, mlint_rule_id *out);

/**
 * Lints the migration @p sql (borrowed, @p len bytes, need not be
 * NUL-terminated) named @p file (borrowed, used in reports) with @p opts
 * (borrowed; NULL means the defaults). On STRATA_E_OK *out is a new
 * mlint_findings (free with mlint_findings_free()), possibly empty; syntax
 * errors are findings, not failures. Returns STRATA_E_NOMEM when out of
 * memory (*out is NULL then).
 */
strata_error mlint_run(const char *file, const char *sql, size_t len, const mlint_options *opts,
                       mlint_findings **out);

/** Frees *@p findings and sets it to NULL; NULL and *NULL are fine. */
void mlint_findings_free(mlint_findings **findings);

/**
 * Prints @p findings (borrowed) to @p out in @p format. The text format shows
 * each finding with a source excerpt, why and the safe alternative.
 */
void mlint_print(FILE *out, mlint_format format, const mlint_findings *findings);

/**
 * Appends one JSON object per finding of @p findings (borrowed) to the array
 * @p array (borrowed): {"file", "line", "column", "line_end", "column_end",
 * "level" ("warning"|"error"), "rule", "message", "why", "help", "table"}.
 * Returns STRATA_E_OK or STRATA_E_NOMEM.
 */
strata_error mlint_findings_json(const mlint_findings *findings, json_t *array);

#endif /* STRATA_LINT_H */
