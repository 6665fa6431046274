/*
 * calls_config.c - the compatibility configuration (/config) and the mode
 * (/mode), globally or per subject.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

/* Sends @p method to /<root>[/{subject}] with @p query (may be NULL) set to
 * true and @p body (may be NULL); decodes the answer with @p decode into
 * @p out (see sclr_decode_fn). */
static strata_error setting_call(strata_client *client, const char *method, const char *root,
                                 const char *subject, const char *query, const char *body,
                                 sclr_decode_fn decode, void *out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  bool first = true;

  if (client == NULL) {
    return sclt_invalid(err, "a client is required");
  }
  sclc_buf_add(&path, root, strlen(root));
  if (subject != NULL) {
    sclt_path_segment(&path, subject);
  }
  if (query != NULL) {
    sclt_query(&path, &first, query, "true");
  }
  rc = sclt_call(client, method, sclc_buf_text(&path), body, decode, out, err);
  sclc_buf_release(&path);
  return rc;
}

/* The body {"<name>": "<value>"}: new text (free()), NULL when out of memory. */
static char *one_member_body(const char *name, const char *value) {
  json_t *doc = json_pack("{s:s}", name, value);
  char *body = doc != NULL ? sclr_dump(doc) : NULL;
  json_decref(doc);
  return body;
}

/* Sends @p method to /config[/{s}] and decodes the config answer into *out
 * (may be NULL when not wanted). */
static strata_error config_call(strata_client *client, const char *method, const char *subject,
                                bool default_to_global, const char *body,
                                strata_client_config **out, strata_client_error *err) {
  strata_client_config *config = NULL;
  strata_error rc =
      setting_call(client, method, "/config", subject, default_to_global ? "defaultToGlobal" : NULL,
                   body, sclr_config, &config, err);
  if (out != NULL) {
    *out = config;
    config = NULL;
  }
  strata_client_config_free(&config);
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
  char *body = NULL;

  if (out != NULL) {
    *out = NULL;
  }
  if (name == NULL) {
    return sclt_invalid(err, "unknown compatibility level");
  }
  body = one_member_body("compatibility", name);
  rc = body != NULL ? config_call(client, "PUT", subject, false, body, out, err) : sclt_nomem(err);
  free(body);
  return rc;
}

strata_error strata_client_delete_config(strata_client *client, const char *subject,
                                         strata_client_config **out, strata_client_error *err) {
  return config_call(client, "DELETE", subject, false, NULL, out, err);
}

/* The "mode" of a /mode answer [char **]. */
static strata_error mode_decode(const json_t *json, void *out, strata_client_error *err) {
  char **mode = out;
  const json_t *value = json_object_get(json, "mode");
  *mode = NULL;
  if (!json_is_string(value)) {
    sclt_fail(err, 200, 0, "unexpected answer from the registry: expected {\"mode\": \"...\"}");
    return STRATA_E_BAD_RESPONSE;
  }
  *mode = strdup(json_string_value(value));
  return *mode != NULL ? STRATA_E_OK : sclt_nomem(err);
}

/* Sends @p method to /mode[/{s}] with @p query (may be NULL) set to true and
 * returns the "mode" of the answer in *mode (new, may be NULL when not wanted). */
static strata_error mode_call(strata_client *client, const char *method, const char *subject,
                              const char *query, const char *body, char **mode,
                              strata_client_error *err) {
  char *value = NULL;
  strata_error rc =
      setting_call(client, method, "/mode", subject, query, body, mode_decode, &value, err);
  if (mode != NULL) {
    *mode = value;
    value = NULL;
  }
  free(value);
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
  char *body = NULL;

  if (result != NULL) {
    *result = NULL;
  }
  if (mode == NULL) {
    return sclt_invalid(err, "a mode is required");
  }
  body = one_member_body("mode", mode);
  rc = body != NULL ? mode_call(client, "PUT", subject, force ? "force" : NULL, body, result, err)
                    : sclt_nomem(err);
  free(body);
  return rc;
}

strata_error strata_client_delete_mode(strata_client *client, const char *subject, char **previous,
                                       strata_client_error *err) {
  return mode_call(client, "DELETE", subject, NULL, NULL, previous, err);
}
