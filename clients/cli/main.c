/*
 * main.c - the `strata` command: global options and dispatch to the
 * subcommands of commands[].
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
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
    {"check", cmd_check, "would the registry accept a schema file? (exit 1 if incompatible)"},
    {"subjects", cmd_subjects, "list the registry's subjects"},
    {"versions", cmd_versions, "list the version numbers of a subject"},
    {"get", cmd_get, "print a registered schema by subject and version, or by id"},
    {"register", cmd_register, "register a schema file as a subject's next version"},
    {"lookup", cmd_lookup, "find the version of a subject that holds a schema file"},
    {"delete", cmd_delete, "delete a subject or one of its versions"},
    {"config", cmd_config, "show or set the compatibility level, global or of a subject"},
    {"mode", cmd_mode, "show or set the mode (READWRITE, READONLY, IMPORT, ...)"},
    {"export", cmd_export, "copy every subject, version, config and mode to a directory"},
    {"import", cmd_import, "register an export into a registry in IMPORT mode, keeping ids"},
    {"proto", cmd_proto, "compile .proto files to a FileDescriptorSet (as protoc does)"},
    {"migrate", cmd_migrate, "lint SQL migrations; check them against table schemas"},
};

static void usage(FILE *out) {
  fputs("usage: strata [--version] [--help] [global options] <command> [<args>]\n\ncommands:\n",
        out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  }
  fputs("\nglobal options (before the command or among its arguments):\n" CLI_GLOBAL_OPTIONS_HELP
        "  --format FORMAT  text (default), json, or github where a command supports it\n"
        "\nRun 'strata <command> --help' for a command's options.\n"
        "Exit status: 0 success/compatible, 1 incompatible or refused by the registry,\n"
        "2 usage or input error, 3 registry unreachable or server error.\n",
        out);
}

/* The global options' defaults from the environment. */
static void ctx_from_env(cli_ctx *ctx) {
  ctx->registry = getenv("STRATA_REGISTRY_URL");
  ctx->user = getenv("STRATA_REGISTRY_USER");
  ctx->password = getenv("STRATA_REGISTRY_PASSWORD");
  ctx->token = getenv("STRATA_REGISTRY_TOKEN");
  ctx->format = CLI_FORMAT_TEXT;
}

int main(int argc, char **argv) {
  cli_ctx ctx;
  int i = 1;

  ctx_from_env(&ctx);
  for (; i < argc; i++) {
    int m = cli_global_option(&ctx, argc, argv, &i);
    if (m < 0) {
      return CLI_EXIT_USAGE;
    }
    if (m == 0) {
      break;
    }
  }
  if (i >= argc) {
    usage(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[i];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    usage(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("strata %s\n", STRATA_VERSION);
    return CLI_EXIT_OK;
  }
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
    if (strcmp(name, commands[k].name) == 0) {
      return commands[k].fn(&ctx, argc - i, argv + i);
    }
  }
  cli_error("'%s' is not a strata command; see 'strata --help'", name);
  return CLI_EXIT_USAGE;
}
