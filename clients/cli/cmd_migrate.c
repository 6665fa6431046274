/*
 * cmd_migrate.c - `strata migrate lint|check ...`: dispatches to the
 * migration linter (cmd_migrate_lint.c) and to the contract check of
 * migrations against table schemas (cmd_migrate_check.c).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char migrate_usage[] =
    "usage: strata migrate lint|check [OPTIONS] FILE...\n"
    "\n"
    "  lint   lint SQL migrations for zero-downtime safety\n"
    "  check  replay SQL migrations onto the registered (or local) table schemas and\n"
    "         check the result against each table's compatibility level, plus lint\n"
    "\n"
    "The options of each subcommand follow.\n"
    "\n";

int cmd_migrate(cli_ctx *ctx, int argc, char **argv) {
  if (argc < 2) {
    cli_error("migrate: needs a subcommand, lint or check");
    fputs(migrate_usage, stderr);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    char lint_name[] = "lint";
    char check_name[] = "check";
    char help[] = "--help";
    char *lint_argv[] = {lint_name, help, NULL};
    char *check_argv[] = {check_name, help, NULL};
    fputs(migrate_usage, stdout);
    fflush(stdout);
    int rc = migrate_lint_main(ctx, 2, lint_argv);
    fputs("\n", stdout);
    return rc != CLI_EXIT_OK ? rc : migrate_check_main(ctx, 2, check_argv);
  }
  if (strcmp(argv[1], "lint") == 0) {
    return migrate_lint_main(ctx, argc - 1, argv + 1);
  }
  if (strcmp(argv[1], "check") == 0) {
    return migrate_check_main(ctx, argc - 1, argv + 1);
  }
  cli_error("migrate: unknown subcommand '%s' (expected lint or check)", argv[1]);
  fputs(migrate_usage, stderr);
  return CLI_EXIT_USAGE;
}
