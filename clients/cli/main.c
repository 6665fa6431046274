/*
 * main.c - the `strata` command: global options and dispatch to the
 * subcommands of commands[].
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include <strata/version.h>

typedef struct cli_command {
  const char *name;
  cli_command_fn fn;
  const char *summary;
} cli_command;

static const cli_command commands[] = {
    {"compat", cmd_compat, "check a schema against earlier versions (exit 1 if incompatible)"},
    {"schema", cmd_schema, "validate a schema, print its canonical form or fingerprint"},
    {"proto", cmd_proto, "compile .proto files to a FileDescriptorSet (as protoc does)"},
};

static void usage(FILE *out) {
  fputs("usage: strata [--version] [--help] <command> [<args>]\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  }
  fputs("\nRun 'strata <command> --help' for a command's options.\n"
        "Exit status: 0 success/compatible, 1 incompatible, 2 usage or input error.\n",
        out);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    usage(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("strata %s\n", STRATA_VERSION);
    return CLI_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(name, commands[i].name) == 0) {
      return commands[i].fn(argc - 1, argv + 1);
    }
  }
  cli_error("'%s' is not a strata command; see 'strata --help'", name);
  return CLI_EXIT_USAGE;
}
