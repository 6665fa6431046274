/*
 * cli.h - PRIVATE to the `strata` command: the command table's signature and
 * the helpers every subcommand shares. Adding a command = one cmd_<name>.c,
 * one entry in commands[] (main.c), a page in docs/cli/ and tests in tests/cli/.
 */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <strata/client.h>
#include <strata/compat.h>

/* Exit statuses shared by every command. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,     /* incompatible, findings, the registry refused the request */
  CLI_EXIT_USAGE = 2,      /* usage or input error */
  CLI_EXIT_UNAVAILABLE = 3 /* registry unreachable or server error */
};

/** Output formats (--format). */
typedef enum cli_format {
  CLI_FORMAT_TEXT = 1,
  CLI_FORMAT_JSON = 2,
  CLI_FORMAT_GITHUB = 4
} cli_format;

/**
 * The global options, taken before the command name or anywhere among its
 * arguments (see cli_global_option()). Strings are borrowed from argv or the
 * environment.
 */
typedef struct cli_ctx {
  /** --registry, else $STRATA_REGISTRY_URL, else NULL (http://127.0.0.1:8081);
   * several URLs separated by commas fail over in order */
  const char *registry;
  /** --user/--password, else $STRATA_REGISTRY_USER/$STRATA_REGISTRY_PASSWORD */
  const char *user;
  const char *password;
  /** --token, else $STRATA_REGISTRY_TOKEN */
  const char *token;
  /** --format (default text) */
  cli_format format;
} cli_ctx;

/** The global options' lines of a command's --help, shared by every usage text. */
#define CLI_GLOBAL_OPTIONS_HELP                                                                    \
  "  --registry URL   registry base URL; several, comma-separated, fail over\n"                    \
  "                   (env STRATA_REGISTRY_URL, default http://127.0.0.1:8081)\n"                  \
  "  --user USER      basic-auth user (env STRATA_REGISTRY_USER)\n"                                \
  "  --password PASS  basic-auth password (env STRATA_REGISTRY_PASSWORD)\n"                        \
  "  --token TOKEN    bearer token (env STRATA_REGISTRY_TOKEN)\n"

/** A subcommand: argv[0] is the command's own name. Returns an exit status. */
typedef int (*cli_command_fn)(cli_ctx *ctx, int argc, char **argv);

int cmd_compat(cli_ctx *ctx, int argc, char **argv);
int cmd_check(cli_ctx *ctx, int argc, char **argv);
int cmd_schema(cli_ctx *ctx, int argc, char **argv);
int cmd_subjects(cli_ctx *ctx, int argc, char **argv);
int cmd_versions(cli_ctx *ctx, int argc, char **argv);
int cmd_get(cli_ctx *ctx, int argc, char **argv);
int cmd_register(cli_ctx *ctx, int argc, char **argv);
int cmd_lookup(cli_ctx *ctx, int argc, char **argv);
int cmd_delete(cli_ctx *ctx, int argc, char **argv);
int cmd_config(cli_ctx *ctx, int argc, char **argv);
int cmd_mode(cli_ctx *ctx, int argc, char **argv);
int cmd_export(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);

/**
 * `strata migrate lint [options] FILE...` (cmd_migrate_lint.c): argv[0] is "lint". Called by
 * `strata migrate`'s dispatcher. Returns 0 clean, 1 findings, 2 usage or input error.
 */
int migrate_lint_main(cli_ctx *ctx, int argc, char **argv);
/** `strata migrate lint|check ...` (cmd_migrate.c): the dispatcher. */
int cmd_migrate(cli_ctx *ctx, int argc, char **argv);
/**
 * `strata migrate check [options] MIGRATION...` (cmd_migrate_check.c): argv[0] is "check".
 * Returns 0 clean, 1 incompatible or lint findings, 2 usage or input error, 3 registry
 * unreachable.
 */
int migrate_check_main(cli_ctx *ctx, int argc, char **argv);

/**
 * Takes the global option at argv[*i] (--registry, --user, --password,
 * --token, --format; "--opt=value" or "--opt value", advancing *i) into
 * @p ctx. Returns 1 when taken, 0 when argv[*i] is not a global option, -1
 * after printing an error (missing or unknown value).
 */
int cli_global_option(cli_ctx *ctx, int argc, char **argv, int *i);

/**
 * True when ctx->format is one of @p allowed (a mask of cli_format values);
 * otherwise prints "<command>: --format X is not supported" and returns false.
 */
bool cli_format_allowed(const cli_ctx *ctx, const char *command, unsigned allowed);

/**
 * A client for the registry @p ctx names. Returns a new client (free with
 * strata_client_free()) or NULL after printing an error.
 */
strata_client *cli_connect(const cli_ctx *ctx);

/**
 * Reports a failed client call on stderr as "strata: <command>: <message>"
 * (with the HTTP status and error_code when the registry answered) and
 * returns the exit status for it: CLI_EXIT_UNAVAILABLE when the registry was
 * unreachable or failed itself (5xx, unusable answer), CLI_EXIT_USAGE for a
 * local invalid argument, CLI_EXIT_FAILED when the registry refused (4xx).
 */
int cli_client_failure(const char *command, strata_error rc, const strata_client_error *err);

/**
 * Prints @p value (borrowed) on stdout as one line of compact JSON, keys in
 * insertion order. Returns CLI_EXIT_OK or, after printing
 * an error, CLI_EXIT_USAGE.
 */
int cli_print_json(const json_t *value);

/** Prints "strata: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Matches argv[*i] against the option @p name ("--level"), taking its value
 * either as "--level=X" or from the next argument (advancing *i). Returns 1
 * on a match with *value set, 0 for no match, -1 (after printing an error)
 * when the value is missing.
 */
int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value);

/**
 * Reads a whole file. Returns a new NUL-terminated buffer (free with free())
 * and its length, or NULL after printing an error naming the file.
 */
char *cli_read_file(const char *path, size_t *len);

/**
 * The schema type for @p path: @p type_name when given (case-insensitive),
 * else inferred from the extension (.avsc -> AVRO, .proto -> PROTOBUF,
 * .sql -> TABLE, .json -> JSON). Returns false after printing an error.
 */
bool cli_schema_type(const char *path, const char *type_name, strata_schema_type *out);

/**
 * Reads and parses a schema file. Returns a new schema (free with
 * strata_schema_free()) or NULL after printing an error that names the file
 * and, where known, the line and column.
 */
strata_schema *cli_load_schema(const char *path, strata_schema_type type);

/** A schema file read for a registry request (register, lookup, check). */
typedef struct cli_schema_file {
  /** the request: schema text, type and references, all owned by this struct */
  strata_client_schema_input input;
  char *text;
  strata_client_reference *refs;
  char **ref_strings;
} cli_schema_file;

/**
 * Parses one --ref value, "NAME=SUBJECT:VERSION" (VERSION a number or
 * "latest"; the last ':' separates it, so subjects may contain ':'). On
 * success *ref holds pointers into *storage, a new string (free()). Returns
 * false after printing an error.
 */
bool cli_parse_reference(const char *arg, strata_client_reference *ref, char **storage);

/**
 * Reads @p path into @p file: its text, its type (@p type_name or the
 * extension, see cli_schema_type()) and the @p nrefs references in
 * @p ref_args (--ref values). Returns false after printing an error; @p file
 * is then empty. Release with cli_schema_file_release() either way.
 */
bool cli_schema_file_load(cli_schema_file *file, const char *path, const char *type_name,
                          const char *const *ref_args, size_t nrefs);

/** Frees what cli_schema_file_load() stored in @p file and zeroes it. */
void cli_schema_file_release(cli_schema_file *file);

/* Registry results (cli_output.c). */

/**
 * Parses a VERSION argument: a number from 1 to 2^31-1 or "latest" (any
 * case, giving STRATA_CLIENT_LATEST). Returns false after printing
 * "<command>: version ... is not ...".
 */
bool cli_parse_version(const char *command, const char *arg, int *out);

/** Parses a schema id (1 to 2^31-1). Returns false after printing an error. */
bool cli_parse_id(const char *command, const char *arg, int64_t *out);

/**
 * The registry's JSON shape of @p schema (borrowed): subject, version, id,
 * guid, schemaType, references, metadata, ruleSet, schema, deleted, each only
 * when known. @p subject (borrowed, may be NULL) stands in when the result
 * names none. Returns a new object (json_decref()) or NULL when out of memory.
 */
json_t *cli_schema_json(const strata_client_schema *schema, const char *subject);

/**
 * Prints @p schema (borrowed) on stdout: with --format json the object of
 * cli_schema_json() on one line; as text a header line "subject S version V
 * id N type T" (each part only when known, " deleted" when soft-deleted),
 * one "reference NAME=SUBJECT:VERSION" line per reference, "metadata" and
 * "ruleSet" lines when set, then the schema text. @p subject as for
 * cli_schema_json(). Returns CLI_EXIT_OK or CLI_EXIT_USAGE after an error.
 */
int cli_print_schema(const cli_ctx *ctx, const strata_client_schema *schema, const char *subject);

/**
 * Progress of a long run on stderr (cli_progress.c). On a terminal a bar
 * redrawn in place ("export [#######.......]  45% 54/120 subjects"); otherwise
 * one plain line per 10% ("export: 54/120 subjects (45%)"). Quiet: nothing.
 * Strings are borrowed and must outlive the reporter.
 */
typedef struct cli_progress {
  const char *label; /* "export" */
  const char *unit;  /* "subjects" */
  size_t total;
  size_t done;
  bool tty;
  bool quiet;
  bool drawn; /* a bar is on the terminal's current line */
  long shown; /* the last state drawn: per-mille on a terminal, tenths otherwise */
} cli_progress;

/** Starts reporting @p total items of @p unit (nothing is printed yet). */
void cli_progress_start(cli_progress *p, const char *label, const char *unit, size_t total,
                        bool quiet);

/** Counts @p n more items done and redraws or prints a line when due. */
void cli_progress_advance(cli_progress *p, size_t n);

/** Clears a bar from the terminal line so that a message can be printed. */
void cli_progress_pause(cli_progress *p);

/** Ends the run: shows the final state once (when every item is done) and ends a bar's line. */
void cli_progress_finish(cli_progress *p);

/* ------------------------------------------------------------------------ */
/* Compatibility outcomes (cli_compat_output.c), shared by compat and check */
/* ------------------------------------------------------------------------ */

/** One issue as compat and check print it. Every string is borrowed. */
typedef struct cli_compat_issue {
  const char *code;
  /** JSON pointer into the reading schema; "" when unknown */
  const char *path;
  const char *message;
  strata_compat_direction direction;
  /** the version it broke against (compat: position of the OLD file) */
  int version;
  /** what that version is of, for the text format (the OLD file, the subject) */
  const char *against;
} cli_compat_issue;

/** A checked level and its issues: compatible when there are none. */
typedef struct cli_compat_report {
  strata_compat_level level;
  /** new array owned by the report; the strings in it are borrowed */
  cli_compat_issue *issues;
  size_t issue_count;
  size_t issue_cap;
  /** how many previous versions the text format says were checked */
  size_t previous_count;
} cli_compat_report;

/** Empties @p report and sets its level. */
void cli_compat_report_init(cli_compat_report *report, strata_compat_level level);

/** Frees the report's issue array (not the borrowed strings) and zeroes it. */
void cli_compat_report_release(cli_compat_report *report);

/** Appends a copy of @p issue (its strings stay borrowed). False after printing an error. */
bool cli_compat_report_add(cli_compat_report *report, const cli_compat_issue *issue);

/**
 * Appends every issue of @p result, with @p against (borrowed, may be NULL)
 * as their label. The strings stay borrowed from @p result. False after
 * printing an error.
 */
bool cli_compat_report_add_result(cli_compat_report *report, const strata_compat_result *result,
                                  const char *against);

/**
 * The JSON object {"compatible", "level", "issues": [{"code", "path",
 * "message", "direction", "version"}]}: a new reference (json_decref()), NULL
 * when out of memory.
 */
json_t *cli_compat_report_json(const cli_compat_report *report);

/** Prints cli_compat_report_json() as one line. CLI_EXIT_OK or (after an error) CLI_EXIT_USAGE. */
int cli_compat_print_json(const cli_compat_report *report);

/**
 * Prints the text form: "NAME: compatible[ with SUBJECT] (LEVEL, N previous
 * versions)", or "NAME: incompatible[ with SUBJECT] (LEVEL): N issues" and
 * two lines per issue. @p subject may be NULL.
 */
void cli_compat_print_text(const cli_compat_report *report, const char *name, const char *subject);

#endif /* STRATA_CLI_H */
