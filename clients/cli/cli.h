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
int cmd_proto(cli_ctx *ctx, int argc, char **argv);

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

/**
 * As cli_print_json(), then releases @p value (steals it). NULL stands for a
 * value that could not be built: prints "out of memory" and returns
 * CLI_EXIT_USAGE.
 */
int cli_print_json_steal(json_t *value);

/** Prints "strata: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------------ */
/* Command lines (cli_io.c): each command declares its options and operands */
/* in a cli_syntax and reads its arguments with cli_parse_args().           */
/* ------------------------------------------------------------------------ */

/** Values gathered from the command line, in order. */
typedef struct cli_arg_list {
  /** new array (free()) once a value is added, else NULL; the strings are borrowed from argv */
  const char **items;
  size_t count;
} cli_arg_list;

/** How an option of a command takes its value. */
typedef enum cli_option_kind {
  CLI_OPTION_FLAG,  /* "--deleted": sets *flag */
  CLI_OPTION_VALUE, /* "--type T" or "--type=T": *value is the last one given */
  CLI_OPTION_LIST,  /* "--ref R", repeatable: every value is appended to *list */
  CLI_OPTION_SET    /* "--no-assume-in-transaction": *setting = set_to; the last one given wins */
} cli_option_kind;

/** One option of a command. The targets are the command's own variables (borrowed). */
typedef struct cli_option {
  /** "--type"; NULL ends a table of options */
  const char *name;
  cli_option_kind kind;
  bool *flag;
  const char **value;
  cli_arg_list *list;
  int *setting;
  int set_to;
} cli_option;

#define CLI_FLAG(option, target)                                                                   \
  { .name = (option), .kind = CLI_OPTION_FLAG, .flag = (target) }
#define CLI_VALUE(option, target)                                                                  \
  { .name = (option), .kind = CLI_OPTION_VALUE, .value = (target) }
#define CLI_LIST(option, target)                                                                   \
  { .name = (option), .kind = CLI_OPTION_LIST, .list = (target) }
#define CLI_SET(option, target, number)                                                            \
  { .name = (option), .kind = CLI_OPTION_SET, .setting = (target), .set_to = (number) }
#define CLI_OPTIONS_END                                                                            \
  { .name = NULL }

/** The most operands a command names one by one (SUBJECT VERSION, SUBJECT FILE). */
#define CLI_MAX_OPERANDS 2

/** What a command accepts on its command line (see cli_parse_args()). Strings are static. */
typedef struct cli_syntax {
  /** the command's name ("get"): messages start with "strata: get: " */
  const char *command;
  /** the --help text: on stdout for --help, on stderr after a usage error */
  const char *usage;
  /** the command's own options, ended by CLI_OPTIONS_END */
  const cli_option *options;
  /** the --format values the command supports (a mask of cli_format); 0: not checked */
  unsigned formats;
  /** true: no global options among the command's arguments (a command that never uses them) */
  bool no_global_options;
  /** where the operands go, one each, in order; NULL slots take none */
  const char **operands[CLI_MAX_OPERANDS];
  /** instead of operands[]: every operand, however many */
  cli_arg_list *operand_list;
  /** how many operands must be given, and what is said when fewer are ("needs a SUBJECT") */
  size_t required;
  const char *missing;
  /** said for an operand more than operands[] holds, as "<too_many> ('PREVIOUS' and 'EXTRA')";
   * NULL: "unexpected argument 'EXTRA'" */
  const char *too_many;
} cli_syntax;

/**
 * Reads the arguments argv[1..argc) of a command into the targets @p syntax
 * names, taking the global options among them into @p ctx (see
 * cli_global_option()). Arguments that start with '-' ("-" alone excepted)
 * are options until "--"; "--help" or "-h" prints the usage on stdout. Then
 * checks the number of operands and the --format (syntax->formats).
 * Returns true to go on. Returns false when the command is done: after
 * --help with *status CLI_EXIT_OK, after printing a usage error with *status
 * CLI_EXIT_USAGE (which *status also holds after true). The lists it fills
 * own new arrays: free their items, whatever it returned.
 */
bool cli_parse_args(cli_ctx *ctx, const cli_syntax *syntax, int argc, char **argv, int *status);

/** Prints "strata: <command>: <message>" and then the command's usage on stderr. */
void cli_usage_error(const cli_syntax *syntax, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * Matches argv[*i] against the option @p name ("--level"), taking its value
 * either as "--level=X" or from the next argument (advancing *i); a short
 * option ("-I") also takes an attached value ("-Idir"). Returns 1
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
 * and, where known, the line and column. A .proto file's imports are found in
 * its own directory (see cli_load_schema_imports()).
 */
strata_schema *cli_load_schema(const char *path, strata_schema_type type);

/**
 * As cli_load_schema(), finding a PROTOBUF file's imports in @p import_dirs
 * (borrowed; -I directories, searched in order; NULL or empty: the file's own
 * directory), as cli_proto_load() does. Other types ignore @p import_dirs.
 */
strata_schema *cli_load_schema_imports(const char *path, strata_schema_type type,
                                       const cli_arg_list *import_dirs);

/* ------------------------------------------------------------------------ */
/* .proto files and their imports (cli_proto_import.c)                      */
/* ------------------------------------------------------------------------ */

/**
 * A strata_proto_loader: @p ctx is a cli_arg_list of import directories
 * (borrowed); @p path is looked up below each in turn. The first that holds
 * it gives *text, a new buffer (free()); STRATA_E_NOT_FOUND when none does.
 */
strata_error cli_proto_import_loader(void *ctx, const char *path, char **text, size_t *len);

/**
 * The import name of @p file (borrowed): its path below the first of
 * @p dirs (borrowed) that holds it, as protoc names a file given on its
 * command line. Returns a pointer into @p file, or NULL when no directory
 * holds it.
 */
const char *cli_proto_import_name(const cli_arg_list *dirs, const char *file);

/**
 * Reads and parses the .proto file @p path with its imports. @p import_dirs
 * (borrowed) are the directories imports are found in; NULL or empty means
 * the file's own directory. The file is named by its path below the import
 * directory that holds it, else by its base name. Returns a new PROTOBUF
 * schema (strata_schema_free()) or NULL after printing "file:line:col:
 * message" as protoc does.
 */
strata_schema *cli_proto_load(const char *path, const cli_arg_list *import_dirs);

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

/**
 * The command line of register and lookup, "SUBJECT FILE [--type TYPE]
 * [--ref NAME=SUBJECT:VERSION]... [--normalize]" (lookup: and [--deleted]),
 * with the schema file it names read.
 */
typedef struct cli_schema_args {
  /** borrowed from argv */
  const char *subject;
  bool normalize;
  bool deleted;
  /** the request read from FILE (owned) */
  cli_schema_file file;
  /** the --ref values (owned array) */
  cli_arg_list refs;
} cli_schema_args;

/**
 * Reads the arguments of @p command (usage text @p usage; @p with_deleted:
 * it takes --deleted) into @p args and loads the schema file, as
 * cli_parse_args() and cli_schema_file_load(). Returns false when the
 * command is done, with the exit status in *status. Release @p args with
 * cli_schema_args_release() either way.
 */
bool cli_schema_args_parse(cli_ctx *ctx, const char *command, const char *usage, bool with_deleted,
                           int argc, char **argv, cli_schema_args *args, int *status);

/** Frees what cli_schema_args_parse() stored in @p args and zeroes it. */
void cli_schema_args_release(cli_schema_args *args);

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
 * Parses a compatibility level name (any case). Returns false after printing
 * "<command>: unknown level ..." with the names it takes.
 */
bool cli_parse_level(const char *command, const char *name, strata_compat_level *out);

/** "s" unless @p n is 1: the plural ending of a counted English noun. */
const char *cli_plural(size_t n);

/** The numbers of @p list (borrowed) as a new JSON array (json_decref()), NULL when out of memory.
 */
json_t *cli_ints_json(const strata_client_ints *list);

/** The strings of @p list (borrowed) as a new JSON array (json_decref()), NULL when out of memory.
 */
json_t *cli_strings_json(const strata_client_strings *list);

/** Whether @p value is one of the numbers of @p list (borrowed; NULL holds none). */
bool cli_ints_contain(const strata_client_ints *list, int64_t value);

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

/* ------------------------------------------------------------------------ */
/* Registry settings (cli_setting.c): the config and the mode               */
/* ------------------------------------------------------------------------ */

/** A setting as the registry answered it. */
typedef struct cli_setting_value {
  /** new: the answer as JSON (the config object; the mode as a string, or {"mode"} when set) */
  json_t *json;
  /** new (free()): the level or mode it names, NULL when it names none */
  char *name;
} cli_setting_value;

/** Frees what @p value holds and zeroes it. */
void cli_setting_value_release(cli_setting_value *value);

/** One kind of registry setting: cli_setting_config or cli_setting_mode. */
typedef struct cli_setting {
  /** "config" or "mode": the command reporting failures, and show's JSON member */
  const char *name;
  /** what reading a subject's own setting gives when it has none */
  strata_error not_set;
  /** Reads the setting of @p subject (NULL: global), its own or (@p effective)
   * the one that applies, into @p value (empty on entry; filled only on success). */
  strata_error (*get)(strata_client *client, const char *subject, bool effective,
                      cli_setting_value *value, strata_client_error *err);
  /** Sets it to @p name (a valid, upper-case level or mode; @p force: as
   * PUT /mode?force=true) and gives the registry's answer in @p value. */
  strata_error (*set)(strata_client *client, const char *subject, const char *name, bool force,
                      cli_setting_value *value, strata_client_error *err);
} cli_setting;

/** The compatibility config (GET/PUT /config[/{subject}]). */
extern const cli_setting cli_setting_config;
/** The mode (GET/PUT /mode[/{subject}]). */
extern const cli_setting cli_setting_mode;

/**
 * Prints the setting of @p subject (NULL: global) and the effective one:
 * "SUBJECT: NAME (effective NAME)" ("not set", "global"), or with --format
 * json {"subject", "<setting>": own answer or null, "effective": answer}.
 * Returns the exit status.
 */
int cli_setting_show(const cli_ctx *ctx, const cli_setting *setting, strata_client *client,
                     const char *subject);

/**
 * Sets the setting of @p subject (NULL: global) to @p name and prints
 * "SUBJECT: set to NAME", or with --format json the registry's answer.
 * Returns the exit status.
 */
int cli_setting_set(const cli_ctx *ctx, const cli_setting *setting, strata_client *client,
                    const char *subject, const char *name, bool force);

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

/** cli_client_failure() for @p what after clearing the bar of @p p: returns the exit status. */
int cli_progress_client_failure(cli_progress *p, const char *what, strata_error rc,
                                const strata_client_error *err);

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
