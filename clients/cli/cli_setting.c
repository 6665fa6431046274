/*
 * cli_setting.c - the registry settings that `strata config` and `strata
 * mode` show and set, and `strata export` copies: the compatibility config
 * and the mode, globally or of a subject, behind one small table each.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_setting_value_release(cli_setting_value *value) {
  json_decref(value->json);
  free(value->name);
  value->json = NULL;
  value->name = NULL;
}

/* Describes an allocation failure after a call in @p err; returns STRATA_E_NOMEM. */
static strata_error out_of_memory(strata_client_error *err) {
  memset(err, 0, sizeof *err);
  snprintf(err->message, sizeof err->message, "out of memory");
  return STRATA_E_NOMEM;
}

/* Fills @p value from a config answer (borrowed): the registry's object and its level. */
static strata_error config_value(const strata_client_config *config, const char *fallback_name,
                                 cli_setting_value *value, strata_client_error *err) {
  const char *name =
      config->compatibility_level != NULL ? config->compatibility_level : fallback_name;
  if (config->json != NULL) {
    value->json = json_loads(config->json, 0, NULL);
  }
  if (value->json == NULL && config->compatibility_level != NULL) {
    value->json = json_pack("{s:s}", "compatibilityLevel", config->compatibility_level);
  }
  if (value->json == NULL) {
    value->json = json_object();
  }
  value->name = name != NULL ? strdup(name) : NULL;
  if (value->json == NULL || (name != NULL && value->name == NULL)) {
    cli_setting_value_release(value);
    return out_of_memory(err);
  }
  return STRATA_E_OK;
}

static strata_error config_get(strata_client *client, const char *subject, bool effective,
                               cli_setting_value *value, strata_client_error *err) {
  strata_client_config *config = NULL;
  strata_error rc = strata_client_get_config(client, subject, effective, &config, err);
  if (rc == STRATA_E_OK) {
    rc = config_value(config, NULL, value, err);
  }
  strata_client_config_free(&config);
  return rc;
}

static strata_error config_set(strata_client *client, const char *subject, const char *name,
                               bool force, cli_setting_value *value, strata_client_error *err) {
  strata_client_config *stored = NULL;
  strata_compat_level level;
  (void)force;
  strata_error rc = strata_compat_level_from_name(name, &level);
  if (rc == STRATA_E_OK) {
    rc = strata_client_set_compatibility(client, subject, level, &stored, err);
  }
  if (rc == STRATA_E_OK) {
    rc = config_value(stored, strata_compat_level_name(level), value, err);
  }
  strata_client_config_free(&stored);
  return rc;
}

static strata_error mode_get(strata_client *client, const char *subject, bool effective,
                             cli_setting_value *value, strata_client_error *err) {
  strata_error rc = strata_client_get_mode(client, subject, effective, &value->name, err);
  if (rc == STRATA_E_OK) {
    value->json = json_string(value->name);
    if (value->json == NULL) {
      cli_setting_value_release(value);
      rc = out_of_memory(err);
    }
  }
  return rc;
}

static strata_error mode_set(strata_client *client, const char *subject, const char *name,
                             bool force, cli_setting_value *value, strata_client_error *err) {
  strata_error rc = strata_client_set_mode(client, subject, name, force, &value->name, err);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (value->name == NULL) {
    value->name = strdup(name);
  }
  value->json = value->name != NULL ? json_pack("{s:s}", "mode", value->name) : NULL;
  if (value->json == NULL) {
    cli_setting_value_release(value);
    rc = out_of_memory(err);
  }
  return rc;
}

const cli_setting cli_setting_config = {
    "config", STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, config_get, config_set};

const cli_setting cli_setting_mode = {"mode", STRATA_E_SUBJECT_LEVEL_MODE_NOT_CONFIGURED, mode_get,
                                      mode_set};

int cli_setting_show(const cli_ctx *ctx, const cli_setting *setting, strata_client *client,
                     const char *subject) {
  int rc = CLI_EXIT_USAGE;
  cli_setting_value own = {0};
  cli_setting_value effective = {0};
  json_t *answer = NULL;
  strata_client_error err;

  strata_error e = setting->get(client, subject, false, &own, &err);
  if (e != STRATA_E_OK && e != setting->not_set) {
    rc = cli_client_failure(setting->name, e, &err);
    goto cleanup;
  }
  e = setting->get(client, subject, true, &effective, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure(setting->name, e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    answer = json_object();
    if (answer == NULL ||
        (subject != NULL && json_object_set_new(answer, "subject", json_string(subject)) != 0) ||
        json_object_set_new(answer, setting->name,
                            own.json != NULL ? json_incref(own.json) : json_null()) != 0 ||
        json_object_set(answer, "effective", effective.json) != 0) {
      cli_error("out of memory");
      goto cleanup;
    }
    rc = cli_print_json(answer);
    goto cleanup;
  }
  printf("%s: %s (effective %s)\n", subject != NULL ? subject : "global",
         own.name != NULL ? own.name : "not set",
         effective.name != NULL ? effective.name : "not set");
  rc = CLI_EXIT_OK;

cleanup:
  json_decref(answer);
  cli_setting_value_release(&effective);
  cli_setting_value_release(&own);
  return rc;
}

int cli_setting_set(const cli_ctx *ctx, const cli_setting *setting, strata_client *client,
                    const char *subject, const char *name, bool force) {
  int rc = CLI_EXIT_USAGE;
  cli_setting_value stored = {0};
  strata_client_error err;

  strata_error e = setting->set(client, subject, name, force, &stored, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure(setting->name, e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_json(stored.json);
    goto cleanup;
  }
  printf("%s: set to %s\n", subject != NULL ? subject : "global", stored.name);
  rc = CLI_EXIT_OK;

cleanup:
  cli_setting_value_release(&stored);
  return rc;
}
