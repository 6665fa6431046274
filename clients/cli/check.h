/*
 * check.h - PRIVATE to `strata check`: the schema files to check (one from
 * the command line or many from a manifest), the run that checks them
 * against a registry, and the JSON-pointer locator behind --format github.
 */
#ifndef STRATA_CLI_CHECK_H
#define STRATA_CLI_CHECK_H

#include "cli.h"

/** Which registered versions an entry is checked against. */
typedef enum chk_scope {
  /** the versions the level asks for: the latest, or all for a transitive level */
  CHK_SCOPE_LEVEL = 0,
  /** one version (--version V) */
  CHK_SCOPE_VERSION,
  /** every live version, at the transitive form of the level (--all) */
  CHK_SCOPE_ALL
} chk_scope;

/** A reference of the schema being checked to another schema. */
typedef struct chk_ref {
  char *name;
  char *subject;
  /** a version number or STRATA_CLIENT_LATEST */
  int version;
  /** the manifest entry whose local file this reference means; -1: the registry's version */
  long entry;
} chk_ref;

/** Where an entry is in its run (chk_entry.state). */
enum {
  CHK_PARSE_NONE = 0,
  CHK_PARSE_BUSY,
  CHK_PARSE_DONE,
  CHK_PARSE_FAILED
};

/** One schema file to check under one subject. Strings are owned by the entry. */
typedef struct chk_entry {
  /** the file's path, as opened and as printed */
  char *file;
  char *subject;
  strata_schema_type type;
  chk_ref *refs;
  size_t nrefs;
  chk_scope scope;
  /** CHK_SCOPE_VERSION: a version number or STRATA_CLIENT_LATEST */
  int version;
  /** a level that overrides the subject's own */
  bool has_level;
  strata_compat_level level;

  /* Filled by the run. */
  int state;
  /** the file's text (new), NULL until read */
  char *text;
  size_t len;
  /** the parsed schema, borrowed from the run; NULL for a type this build cannot parse */
  const strata_schema *parsed;
  /** CHK_PARSE_FAILED: the failure, replayed when the entry is reported */
  int fail_status;
  int fail_line;
  int fail_column;
  char fail_message[1024];
} chk_entry;

/** Frees the strings of @p count entries and the array itself. NULL is a no-op. */
void chk_entries_free(chk_entry *entries, size_t count);

/**
 * Reads the manifest at @p path (format in docs/cli/strata-check.md) into a
 * new array of entries (*entries, free with chk_entries_free()) whose files
 * are relative to the manifest's directory. Returns false after printing an
 * error that names the manifest (and the line, column or entry).
 */
bool chk_manifest_load(const char *path, chk_entry **entries, size_t *count);

/** The outcome of checking one entry. */
typedef struct chk_outcome {
  /** CLI_EXIT_OK, CLI_EXIT_FAILED (incompatible), CLI_EXIT_USAGE or CLI_EXIT_UNAVAILABLE */
  int status;
  /** status 2 or 3: what went wrong, and where in the file (0 when unknown) */
  char message[1024];
  int line;
  int column;
  /** status 0 or 1: the level, the issues and the number of versions checked */
  cli_compat_report report;
  /** true when the registry checked it (a type this build cannot check) */
  bool by_registry;
  /** what the report's strings are borrowed from (owned by the outcome) */
  strata_compat_result *result;
  strata_client_compat **answers;
  size_t nanswers;
} chk_outcome;

/** Frees what @p outcome owns and zeroes it. */
void chk_outcome_release(chk_outcome *outcome);

/** Checks a list of entries against one registry; see chk_run_new(). */
typedef struct chk_run chk_run;

/**
 * A run over @p entries (borrowed, may be changed by the run: their parse
 * state; must outlive the run) against the registry @p ctx names (borrowed).
 * Nothing is sent before the first check. Returns a new run (chk_run_free())
 * or NULL after printing an error.
 */
chk_run *chk_run_new(const cli_ctx *ctx, chk_entry *entries, size_t count);

/** Frees a run and every schema it parsed, and sets @p *run to NULL. NULL is a no-op. */
void chk_run_free(chk_run **run);

/**
 * Checks entry @p index and fills @p out (release with chk_outcome_release()).
 * Errors are printed on stderr as they happen ("strata: check: FILE: ...")
 * and kept in @p out.
 */
void chk_run_entry(chk_run *run, size_t index, chk_outcome *out);

/**
 * The text of version @p version of @p subject as this run fetched it;
 * borrowed until the run is freed, NULL when the run did not fetch it.
 */
const char *chk_run_registered_text(const chk_run *run, const char *subject, int version);

/**
 * Finds the value @p pointer (a JSON pointer; "" and "/" mean the whole
 * document) names in the JSON text @p text of @p len bytes, and sets *line
 * and *column (1-based, in characters) to where the deepest value found along
 * the pointer starts. Returns how many segments of the pointer were found (so
 * the whole pointer when that equals its segment count), or -1 (line and
 * column untouched) when @p text holds no JSON value.
 */
int cli_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column);

/**
 * Translates @p pointer into the JSON document @p from_text to the matching
 * element of the JSON document @p to_text, matching array elements by their
 * "name" (or an alias), their string value or their "type" rather than by
 * position, so that "/fields/2" of an old schema becomes the index of the
 * field of the same name in the new one. Stops at the first segment without
 * a match. Returns a new string (free()), the translated prefix of the
 * pointer ("" when nothing matched), or NULL when either text is not JSON or
 * out of memory.
 */
char *cli_json_pointer_translate(const char *from_text, const char *to_text, const char *pointer);

#endif /* STRATA_CLI_CHECK_H */
