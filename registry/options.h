/*
 * options.h - the options of strata-registry.
 *
 * Every option comes from, in order of precedence: a command-line flag
 * (--name VALUE or --name=VALUE), the config file (--config FILE or
 * STRATA_CONFIG; lines "name = value", '#' comments), a STRATA_* environment
 * variable, or its default. `--help` lists them all.
 */
#ifndef STRATA_REGISTRY_OPTIONS_H
#define STRATA_REGISTRY_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** The resolved options. Strings are new; release with opt_free(). */
typedef struct opt_options {
  /** --listen as given, e.g. "127.0.0.1:8081" or "[::1]:8081" */
  char *listen;
  /** the host part without brackets ("::1") */
  char *host;
  /** the port (0: ephemeral) */
  uint16_t port;
  /** --data: the SQLite database file */
  char *data;
  /** --config: the config file read, or NULL */
  char *config;
  /** --access-log: a file, "-" for stderr, or NULL (off) */
  char *access_log;
  /** --max-body in bytes */
  size_t max_body;
  /** --threads: HTTP worker threads */
  unsigned threads;
  /** --cluster-id */
  char *cluster_id;
  /** --default-compatibility, as its canonical name ("BACKWARD") */
  char *default_compatibility;
} opt_options;

/** What the caller does after opt_load(). */
typedef enum opt_outcome {
  OPT_RUN,          /**< options are valid: run the server */
  OPT_EXIT_SUCCESS, /**< --help or --version was answered: exit 0 */
  OPT_EXIT_USAGE    /**< a bad option was reported on @p err: exit 2 */
} opt_outcome;

/**
 * Resolves the options from @p argv (borrowed), the config file, the
 * environment and the defaults into @p out (zeroed first; release with
 * opt_free() whatever the outcome). --help and --version write to @p out_stream;
 * errors are reported on @p err_stream, naming the flag, variable or file:line.
 */
opt_outcome opt_load(int argc, char **argv, opt_options *out, FILE *out_stream, FILE *err_stream);

/** Releases the strings of @p opts (NULL-safe) and zeroes it. */
void opt_free(opt_options *opts);

#endif /* STRATA_REGISTRY_OPTIONS_H */
