/*
 * cmd_mode.c - `strata mode [SUBJECT] [--set MODE] [--force]`: shows the mode
 * set globally or on a subject, and the effective one, or sets it.
 */
#include "cli.h"

#include <strings.h>

static const char mode_usage[] =
    "usage: strata mode [SUBJECT] [--set MODE [--force]] [--format text|json]\n"
    "\n"
    "Shows the mode set on SUBJECT (or globally, without SUBJECT) and the\n"
    "effective mode: 'SUBJECT: MODE (effective MODE)', 'not set' when SUBJECT\n"
    "has none of its own, 'global: ...' without SUBJECT. With --set, sets the\n"
    "mode instead.\n"
    "\n"
    "  --set MODE       set the mode: READWRITE, READONLY, READONLY_OVERRIDE,\n"
    "                   IMPORT or FORWARD (global only)\n"
    "  --force          with --set IMPORT: switch even though subjects exist\n"
    "  --format FORMAT  text (default) or json: {\"subject\", \"mode\", \"effective\"}\n"
    "                   (mode null when not set); with --set the registry's\n"
    "                   answer {\"mode\"}\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 success, 1 refused by the registry, 2 usage error (e.g. an\n"
    "unknown mode), 3 registry unreachable or server error.\n";

static const char *const mode_names[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT",
                                         "FORWARD"};

/* The upper-case name of the mode @p name (any case), or NULL. Borrowed static. */
static const char *mode_name(const char *name) {
  for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++) {
    if (strcasecmp(name, mode_names[i]) == 0) {
      return mode_names[i];
    }
  }
  return NULL;
}

int cmd_mode(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *subject = NULL;
  const char *mode_arg = NULL;
  const char *mode = NULL;
  bool force = false;
  strata_client *client = NULL;
  const cli_option options[] = {CLI_FLAG("--force", &force), CLI_VALUE("--set", &mode_arg),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "mode",
                             .usage = mode_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&subject}};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  if (force && mode_arg == NULL) {
    cli_usage_error(&syntax, "--force goes with --set");
    goto cleanup;
  }
  if (mode_arg != NULL && (mode = mode_name(mode_arg)) == NULL) {
    cli_error("mode: unknown mode '%s' (expected READWRITE, READONLY, READONLY_OVERRIDE, IMPORT "
              "or FORWARD)",
              mode_arg);
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  rc = mode != NULL ? cli_setting_set(ctx, &cli_setting_mode, client, subject, mode, force)
                    : cli_setting_show(ctx, &cli_setting_mode, client, subject);

cleanup:
  strata_client_free(&client);
  return rc;
}
