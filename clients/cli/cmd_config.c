/*
 * cmd_config.c - `strata config [SUBJECT] [--set LEVEL]`: shows the
 * compatibility level set globally or on a subject, and the effective one,
 * or sets it.
 */
#include "cli.h"

static const char config_usage[] =
    "usage: strata config [SUBJECT] [--set LEVEL] [--format text|json]\n"
    "\n"
    "Shows the compatibility level set on SUBJECT (or globally, without SUBJECT)\n"
    "and the effective level, the one registrations are checked at:\n"
    "'SUBJECT: LEVEL (effective LEVEL)', 'not set' when SUBJECT has none of its\n"
    "own, 'global: ...' without SUBJECT. With --set, sets the level instead.\n"
    "\n"
    "  --set LEVEL      set the level: NONE, BACKWARD, BACKWARD_TRANSITIVE,\n"
    "                   FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE\n"
    "  --format FORMAT  text (default) or json: {\"subject\", \"config\",\n"
    "                   \"effective\"} with the registry's config objects (config\n"
    "                   null when not set); with --set the registry's "
    "answer\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 success, 1 refused by the registry, 2 usage error (e.g. an\n"
    "unknown level), 3 registry unreachable or server error.\n";

int cmd_config(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *subject = NULL;
  const char *level_name = NULL;
  strata_compat_level level = STRATA_COMPAT_BACKWARD;
  strata_client *client = NULL;
  const cli_option options[] = {CLI_VALUE("--set", &level_name), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "config",
                             .usage = config_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&subject}};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc) ||
      (level_name != NULL && !cli_parse_level("config", level_name, &level))) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  rc = level_name != NULL ? cli_setting_set(ctx, &cli_setting_config, client, subject,
                                            strata_compat_level_name(level), false)
                          : cli_setting_show(ctx, &cli_setting_config, client, subject);

cleanup:
  strata_client_free(&client);
  return rc;
}
