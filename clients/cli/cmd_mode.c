/*
 * cmd_mode.c - `strata mode [SUBJECT] [--set MODE] [--force]`: shows the mode
 * set globally or on a subject, and the effective one, or sets it.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Sets the mode of @p subject (NULL: global) to @p mode and prints it. */
static int set_mode(const cli_ctx *ctx, strata_client *client, const char *subject,
                    const char *mode, bool force) {
  int rc = CLI_EXIT_USAGE;
  char *stored = NULL;
  json_t *answer = NULL;
  strata_client_error err;

  strata_error e = strata_client_set_mode(client, subject, mode, force, &stored, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("mode", e, &err);
    goto cleanup;
  }
  const char *shown = stored != NULL ? stored : mode;
  if (ctx->format == CLI_FORMAT_JSON) {
    answer = json_pack("{s:s}", "mode", shown);
    if (answer == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(answer);
    goto cleanup;
  }
  printf("%s: set to %s\n", subject != NULL ? subject : "global", shown);
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(answer);
  free(stored);
  return rc;
}

/* Prints the mode set on @p subject (NULL: global) and the effective one. */
static int show_mode(const cli_ctx *ctx, strata_client *client, const char *subject) {
  int rc = CLI_EXIT_USAGE;
  char *own = NULL;
  char *effective = NULL;
  json_t *answer = NULL;
  strata_client_error err;

  strata_error e = strata_client_get_mode(client, subject, false, &own, &err);
  if (e == STRATA_E_SUBJECT_LEVEL_MODE_NOT_CONFIGURED) {
    own = NULL;
  } else if (e != STRATA_E_OK) {
    rc = cli_client_failure("mode", e, &err);
    goto cleanup;
  }
  e = strata_client_get_mode(client, subject, true, &effective, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("mode", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    answer = json_object();
    if (answer == NULL ||
        (subject != NULL && json_object_set_new(answer, "subject", json_string(subject)) != 0) ||
        json_object_set_new(answer, "mode", own != NULL ? json_string(own) : json_null()) != 0 ||
        json_object_set_new(answer, "effective", json_string(effective)) != 0) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(answer);
    goto cleanup;
  }
  printf("%s: %s (effective %s)\n", subject != NULL ? subject : "global",
         own != NULL ? own : "not set", effective);
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(answer);
  free(effective);
  free(own);
  return rc;
}

int cmd_mode(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *subject = NULL;
  const char *mode_arg = NULL;
  const char *mode = NULL;
  bool force = false;
  bool options_done = false;
  strata_client *client = NULL;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(mode_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if (strcmp(arg, "--force") == 0) {
        force = true;
        continue;
      }
      if ((m = cli_option_value(argc, argv, &i, "--set", &mode_arg)) != 0 ||
          (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("mode: unknown option '%s'", arg);
      fputs(mode_usage, stderr);
      goto cleanup;
    }
    if (subject != NULL) {
      cli_error("mode: unexpected argument '%s'", arg);
      fputs(mode_usage, stderr);
      goto cleanup;
    }
    subject = arg;
  }
  if (force && mode_arg == NULL) {
    cli_error("mode: --force goes with --set");
    fputs(mode_usage, stderr);
    goto cleanup;
  }
  if (mode_arg != NULL && (mode = mode_name(mode_arg)) == NULL) {
    cli_error("mode: unknown mode '%s' (expected READWRITE, READONLY, READONLY_OVERRIDE, IMPORT "
              "or FORWARD)",
              mode_arg);
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "mode", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  rc = mode != NULL ? set_mode(ctx, client, subject, mode, force) : show_mode(ctx, client, subject);

cleanup:
  strata_client_free(&client);
  return rc;
}
