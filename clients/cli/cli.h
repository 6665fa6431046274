/*
 * cli.h - PRIVATE to the `strata` command: the command table's signature and
 * the helpers every subcommand shares. Adding a command = one cmd_<name>.c,
 * one entry in commands[] (main.c), a page in docs/cli/ and tests in tests/cli/.
 */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <strata/compat.h>

/* Exit statuses shared by every command. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1, /* incompatible, findings */
  CLI_EXIT_USAGE = 2   /* usage or input error */
};

/** A subcommand: argv[0] is the command's own name. Returns an exit status. */
typedef int (*cli_command_fn)(int argc, char **argv);

int cmd_compat(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_proto(int argc, char **argv);

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
 * else inferred from the extension (.avsc -> AVRO). Returns false after
 * printing an error.
 */
bool cli_schema_type(const char *path, const char *type_name, strata_schema_type *out);

/**
 * Reads and parses a schema file. Returns a new schema (free with
 * strata_schema_free()) or NULL after printing an error that names the file
 * and, where known, the line and column.
 */
strata_schema *cli_load_schema(const char *path, strata_schema_type type);

#endif /* STRATA_CLI_H */
