/*
 * calls_config.c - the compatibility configuration (/config) and the mode
 * (/mode), globally or per subject.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

/* Builds "/<root>[/{subject}]". */
static void setting_path(sclc_buf *path, const char *root, const char *subject) {
  sclc_buf_add(path, root, strlen(root));
  if (subject != NULL) {
    sclt_path_segment(path, subject);
  }
}

/* Sends @p method to /config[/{s}] and decodes the config answer into *out
 * (may be NULL when not wanted). */
static strata_error config_call(strata_client *client, const char *method, const char *subject,
                                bool default_to_global, const char *body,
                                strata_client_config **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  json_t *json = NULL;
  strata_client_config *config = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL) {
    return sclt_invalid(err, "a client is required");
  }
  setting_path(&path, "/config", subject);
  if (default_to_global) {
    sclt_query(&path, &first, "defaultToGlobal", "true");
  }
  rc = sclt_call(client, method, &path, body, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = sclr_config(json, &config, err);
  if (rc == STRATA_E_OK && out != NULL) {
    *out = config;
    config = NULL;
  }

cleanup:
  strata_client_config_free(&config);
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_config(strata_client *client, const char *subject,
                                      bool default_to_global, strata_client_config **out,
                                      strata_client_error *err) {
  if (out == NULL) {
    return sclt_invalid(err, "a result pointer is required");
  }
  return config_call(client, "GET", subject, default_to_global, NULL, out, err);
}

strata_error strata_client_set_config(strata_client *client, const char *subject,
                                      const char *body_json, strata_client_config **out,
                                      strata_client_error *err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (body_json == NULL) {
    return sclt_invalid(err, "a config body is required");
  }
  return config_call(client, "PUT", subject, false, body_json, out, err);
}

strata_error strata_client_set_compatibility(strata_client *client, const char *subject,
                                             strata_compat_level level, strata_client_config **out,
                                             strata_client_error *err) {
  strata_error rc;
  const char *name = strata_compat_level_name(level);
  json_t *doc = NULL;
  char *body = NULL;

  if (out != NULL) {
    *out = NULL;
  }
  if (name == NULL) {
    return sclt_invalid(err, "unknown compatibility level");
  }
  doc = json_pack("{s:s}", "compatibility", name);
  body = doc != NULL ? sclr_dump(doc) : NULL;
  if (body == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  rc = config_call(client, "PUT", subject, false, body, out, err);

cleanup:
  free(body);
  json_decref(doc);
  return rc;
}

strata_error strata_client_delete_config(strata_client *client, const char *subject,
                                         strata_client_config **out, strata_client_error *err) {
  return config_call(client, "DELETE", subject, false, NULL, out, err);
}

/* Sends @p method to /mode[/{s}] with @p query (may be NULL) set to true and
 * returns the "mode" of the answer in *mode (new, may be NULL when not wanted). */
static strata_error mode_call(strata_client *client, const char *method, const char *subject,
                              const char *query, const char *body, char **mode,
                              strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;

  if (mode != NULL) {
    *mode = NULL;
  }
  if (client == NULL) {
    return sclt_invalid(err, "a client is required");
  }
  setting_path(&path, "/mode", subject);
  if (query != NULL) {
    sclt_query(&path, &first, query, "true");
  }
  rc = sclt_call(client, method, &path, body, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  const json_t *value = json_object_get(json, "mode");
  if (!json_is_string(value)) {
    sclt_fail(err, 200, 0, "unexpected answer from the registry: expected {\"mode\": \"...\"}");
    rc = STRATA_E_BAD_RESPONSE;
    goto cleanup;
  }
  if (mode != NULL && (*mode = strdup(json_string_value(value))) == NULL) {
    rc = sclt_nomem(err);
  }

cleanup:
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_mode(strata_client *client, const char *subject,
                                    bool default_to_global, char **mode, strata_client_error *err) {
  if (mode == NULL) {
    return sclt_invalid(err, "a result pointer is required");
  }
  return mode_call(client, "GET", subject, default_to_global ? "defaultToGlobal" : NULL, NULL, mode,
                   err);
}

strata_error strata_client_set_mode(strata_client *client, const char *subject, const char *mode,
                                    bool force, char **result, strata_client_error *err) {
  strata_error rc;
  json_t *doc = NULL;
  char *body = NULL;

  if (result != NULL) {
    *result = NULL;
  }
  if (mode == NULL) {
    return sclt_invalid(err, "a mode is required");
  }
  doc = json_pack("{s:s}", "mode", mode);
  body = doc != NULL ? sclr_dump(doc) : NULL;
  if (body == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  rc = mode_call(client, "PUT", subject, force ? "force" : NULL, body, result, err);

cleanup:
  free(body);
  json_decref(doc);
  return rc;
}

strata_error strata_client_delete_mode(strata_client *client, const char *subject, char **previous,
                                       strata_client_error *err) {
  return mode_call(client, "DELETE", subject, NULL, NULL, previous, err);
}
