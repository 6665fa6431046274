/*
 * cmd_config.c - `strata config [SUBJECT] [--set LEVEL]`: shows the
 * compatibility level set globally or on a subject, and the effective one,
 * or sets it.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

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

/* The registry's config object of @p config (borrowed) as new JSON, or NULL. */
static json_t *config_json(const strata_client_config *config) {
  json_t *value = NULL;
  if (config->json != NULL) {
    value = json_loads(config->json, 0, NULL);
  }
  if (value == NULL && config->compatibility_level != NULL) {
    value = json_pack("{s:s}", "compatibilityLevel", config->compatibility_level);
  }
  if (value == NULL) {
    value = json_object();
  }
  return value;
}

/* Sets the level of @p subject (NULL: global) to @p level and prints it. */
static int set_level(const cli_ctx *ctx, strata_client *client, const char *subject,
                     strata_compat_level level) {
  int rc = CLI_EXIT_USAGE;
  strata_client_config *stored = NULL;
  json_t *answer = NULL;
  strata_client_error err;

  strata_error e = strata_client_set_compatibility(client, subject, level, &stored, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("config", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    answer = config_json(stored);
    if (answer == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(answer);
    goto cleanup;
  }
  printf("%s: set to %s\n", subject != NULL ? subject : "global",
         stored->compatibility_level != NULL ? stored->compatibility_level
                                             : strata_compat_level_name(level));
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(answer);
  strata_client_config_free(&stored);
  return rc;
}

/* Prints the level set on @p subject (NULL: global) and the effective one. */
static int show_level(const cli_ctx *ctx, strata_client *client, const char *subject) {
  int rc = CLI_EXIT_USAGE;
  strata_client_config *own = NULL;
  strata_client_config *effective = NULL;
  json_t *answer = NULL;
  strata_client_error err;

  strata_error e = strata_client_get_config(client, subject, false, &own, &err);
  if (e == STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) {
    own = NULL;
  } else if (e != STRATA_E_OK) {
    rc = cli_client_failure("config", e, &err);
    goto cleanup;
  }
  e = strata_client_get_config(client, subject, true, &effective, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("config", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    answer = json_object();
    if (answer == NULL ||
        (subject != NULL && json_object_set_new(answer, "subject", json_string(subject)) != 0) ||
        json_object_set_new(answer, "config", own != NULL ? config_json(own) : json_null()) != 0 ||
        json_object_set_new(answer, "effective", config_json(effective)) != 0) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(answer);
    goto cleanup;
  }
  const char *own_level =
      own != NULL && own->compatibility_level != NULL ? own->compatibility_level : "not set";
  const char *effective_level =
      effective->compatibility_level != NULL ? effective->compatibility_level : "not set";
  printf("%s: %s (effective %s)\n", subject != NULL ? subject : "global", own_level,
         effective_level);
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(answer);
  strata_client_config_free(&effective);
  strata_client_config_free(&own);
  return rc;
}

int cmd_config(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *subject = NULL;
  const char *level_name = NULL;
  strata_compat_level level = STRATA_COMPAT_BACKWARD;
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
        fputs(config_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if ((m = cli_option_value(argc, argv, &i, "--set", &level_name)) != 0 ||
          (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("config: unknown option '%s'", arg);
      fputs(config_usage, stderr);
      goto cleanup;
    }
    if (subject != NULL) {
      cli_error("config: unexpected argument '%s'", arg);
      fputs(config_usage, stderr);
      goto cleanup;
    }
    subject = arg;
  }
  if (!cli_format_allowed(ctx, "config", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  if (level_name != NULL && strata_compat_level_from_name(level_name, &level) != STRATA_E_OK) {
    cli_error("config: unknown level '%s' (expected NONE, BACKWARD, BACKWARD_TRANSITIVE, "
              "FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE)",
              level_name);
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  rc = level_name != NULL ? set_level(ctx, client, subject, level)
                          : show_level(ctx, client, subject);

cleanup:
  strata_client_free(&client);
  return rc;
}
