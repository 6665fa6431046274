/*
 * export_format.h - PRIVATE to `strata export` and `strata import`: the
 * layout of an export directory (docs/cli/strata-export.md describes it),
 * and what the two commands share: their command line and the registry
 * reads both make of a subject.
 *
 *   DIR/index.json                         format, source, configs, modes,
 *                                          subjects and their versions
 *   DIR/schemas/<id>.<ext>                 schema texts of the default context
 *   DIR/contexts/<name>/schemas/<id>.<ext> schema texts of the context .<name>
 *
 * <ext> is avsc, proto, json or sql by schema type. Ids are per context, so
 * each context has its own schema folder.
 */
#ifndef STRATA_CLI_EXPORT_FORMAT_H
#define STRATA_CLI_EXPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <strata/client.h>

#include "cli.h"

/** The index file's name inside an export directory. */
#define XF_INDEX_FILE "index.json"
/** The value of the index's "format" member. */
#define XF_FORMAT_NAME "strata-export"
/** The index layout this build writes and reads ("formatVersion"). */
#define XF_FORMAT_VERSION 1
/** The name of the default context. */
#define XF_DEFAULT_CONTEXT "."

/** The file extension (without the dot) for schemas of @p type. */
const char *xf_extension(strata_schema_type type);

/**
 * The context of a subject name: ".team-a" for ":.team-a:orders", "." for an
 * unqualified name or ":.:orders". Returns a new string (free()), NULL when
 * out of memory.
 */
char *xf_subject_context(const char *subject);

/**
 * The subject a reference of @p referrer names, qualified with the
 * referrer's context when the reference does not name one (a registry
 * resolves references relative to the referrer's context), and with ":.:"
 * removed. Returns a new string (free()), NULL when out of memory.
 */
char *xf_reference_subject(const char *referrer, const char *ref_subject);

/**
 * The relative path of the file holding schema @p id of @p context
 * ("schemas/7.avsc", "contexts/team-a/schemas/7.avsc"). Characters of the
 * context name other than letters, digits, '.', '_' and '-' are written as
 * %XX. Returns a new string (free()), NULL when out of memory.
 */
char *xf_schema_file(const char *context, int64_t id, strata_schema_type type);

/**
 * True when @p path is a safe relative path inside an export directory: not
 * empty, not absolute, no "." or ".." segment, no empty segment.
 */
bool xf_relative_path_ok(const char *path);

/** "@p dir/@p rel" as a new string (free()), NULL when out of memory. */
char *xf_join(const char *dir, const char *rel);

/**
 * Creates directory @p path and its missing parents (as mkdir -p). Returns
 * false after printing an error naming the directory (first clearing the
 * bar of @p progress, which may be NULL, from the terminal).
 */
bool xf_make_dirs(const char *path, cli_progress *progress);

/**
 * Writes @p len bytes of @p data to @p path (created or truncated) through a
 * temporary file renamed into place. Returns false after printing an error
 * (first clearing the bar of @p progress, which may be NULL).
 */
bool xf_write_file(const char *path, const char *data, size_t len, cli_progress *progress);

/**
 * Reads the command line of export or import, "[OPTION]... DIR": the
 * command's own @p options (ended by CLI_OPTIONS_END) and the directory into
 * *dir (borrowed from argv), as cli_parse_args() does; @p missing is said
 * when no DIR or an empty one is given. Returns false when the command is
 * done, with the exit status in *status.
 */
bool xf_parse_dir_args(cli_ctx *ctx, const char *command, const char *usage,
                       const cli_option *options, const char *missing, int argc, char **argv,
                       const char **dir, int *status);

/**
 * Reads what a registry holds of @p subject, as export and import both need
 * it: every version number, soft-deleted ones included (*all), and the live
 * ones (*live). Both are new (strata_client_ints_free()) or NULL: *all NULL
 * (and STRATA_E_OK) when the registry does not know the subject, *live NULL
 * when it has no live version. Returns any other failure, described in @p err.
 */
strata_error xf_list_subject_versions(strata_client *client, const char *subject,
                                      strata_client_ints **all, strata_client_ints **live,
                                      strata_client_error *err);

/** One version of a subject in a loaded index. */
typedef struct xf_version {
  /** the subject (borrowed from the index) */
  const char *subject;
  int version;
  int64_t id;
  strata_schema_type type;
  /** the file's path relative to the export directory (borrowed) */
  const char *file;
  /** the schema text read from the file (owned by the index) */
  char *schema;
  /** references; the strings are borrowed from the index */
  strata_client_reference *refs;
  size_t nrefs;
  /** metadata and rule set as compact JSON text, NULL when none (owned) */
  char *metadata;
  char *rule_set;
  bool deleted;
} xf_version;

/** A subject of a loaded index. Strings and JSON are borrowed from the index. */
typedef struct xf_subject {
  const char *name;
  /** the subject's own config as the source answered GET /config/{s}; NULL: none */
  json_t *config;
  /** the subject's own mode; NULL: none */
  const char *mode;
  xf_version *versions;
  size_t nversions;
} xf_subject;

/** A context's (or the .__GLOBAL context's) config and mode in a loaded index. */
typedef struct xf_scope {
  /** the context name, ".team-a" (borrowed) */
  const char *name;
  json_t *config;
  const char *mode;
} xf_scope;

/** An export read back by xf_index_load(). */
typedef struct xf_index {
  /** the parsed index.json; owns the borrowed strings above */
  json_t *root;
  /** the source registry's URL as recorded (borrowed; may be "") */
  const char *source;
  /** the global config (GET /config) and mode (GET /mode); NULL: none */
  json_t *config;
  const char *mode;
  xf_scope *contexts;
  size_t ncontexts;
  xf_subject *subjects;
  size_t nsubjects;
  /** the number of versions of every subject */
  size_t nversions;
  /** the number of distinct schema files */
  size_t nschemas;
} xf_index;

/**
 * Reads DIR/index.json and every schema file it names into @p index,
 * checking the layout. Returns false after printing an error that names the
 * file and the member at fault; @p index is then empty. Release with
 * xf_index_release() either way.
 */
bool xf_index_load(const char *dir, xf_index *index);

/** Frees what xf_index_load() stored in @p index and zeroes it. */
void xf_index_release(xf_index *index);

#endif /* STRATA_CLI_EXPORT_FORMAT_H */
