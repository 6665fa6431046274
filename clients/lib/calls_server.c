/*
 * calls_server.c - contexts, the server's metadata, and any other request
 * (strata_client_request()).
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

strata_error strata_client_list_contexts(strata_client *client, strata_client_strings **out,
                                         strata_client_error *err) {
  if (client == NULL || out == NULL) {
    return sclt_invalid(err, "a client and a result pointer are required");
  }
  *out = NULL;
  return sclt_call(client, "GET", "/contexts", NULL, sclr_strings, out, err);
}

strata_error strata_client_delete_context(strata_client *client, const char *context,
                                          strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};

  if (client == NULL || context == NULL) {
    return sclt_invalid(err, "a client and a context are required");
  }
  sclc_buf_add(&path, "/contexts", strlen("/contexts"));
  sclt_path_segment(&path, context);
  if (sclc_buf_text(&path) == NULL) {
    rc = sclt_nomem(err);
  } else {
    rc = sclt_request(client, "DELETE", path.data, NULL, NULL, NULL, err);
  }
  sclc_buf_release(&path);
  return rc;
}

/* Copies the string member @p name of @p obj into *out (new); a missing
 * member is STRATA_E_BAD_RESPONSE when @p required, else *out stays NULL. */
static strata_error string_member(const json_t *obj, const char *name, bool required, char **out,
                                  strata_client_error *err) {
  const json_t *v = json_object_get(obj, name);
  *out = NULL;
  if (!json_is_string(v)) {
    if (!required && (v == NULL || json_is_null(v))) {
      return STRATA_E_OK;
    }
    sclt_fail(err, 200, 0, "unexpected answer from the registry: no string \"%s\"", name);
    return STRATA_E_BAD_RESPONSE;
  }
  *out = strdup(json_string_value(v));
  return *out != NULL ? STRATA_E_OK : sclt_nomem(err);
}

strata_error strata_client_get_server_version(strata_client *client, char **version,
                                              char **commit_id, strata_client_error *err) {
  strata_error rc;
  json_t *json = NULL;
  char *v = NULL;
  char *c = NULL;

  if (commit_id != NULL) {
    *commit_id = NULL;
  }
  if (client == NULL || version == NULL) {
    return sclt_invalid(err, "a client and a version pointer are required");
  }
  *version = NULL;
  rc = sclt_request_json(client, "GET", "/v1/metadata/version", NULL, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = string_member(json, "version", true, &v, err);
  if (rc == STRATA_E_OK && commit_id != NULL) {
    rc = string_member(json, "commitId", false, &c, err);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  *version = v;
  v = NULL;
  if (commit_id != NULL) {
    *commit_id = c;
    c = NULL;
  }

cleanup:
  free(v);
  free(c);
  json_decref(json);
  return rc;
}

strata_error strata_client_get_cluster_id(strata_client *client, char **cluster_id,
                                          strata_client_error *err) {
  strata_error rc;
  json_t *json = NULL;

  if (client == NULL || cluster_id == NULL) {
    return sclt_invalid(err, "a client and a result pointer are required");
  }
  *cluster_id = NULL;
  rc = sclt_request_json(client, "GET", "/v1/metadata/id", NULL, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  const json_t *clusters = json_object_get(json_object_get(json, "scope"), "clusters");
  if (!json_is_object(clusters)) {
    sclt_fail(err, 200, 0, "unexpected answer from the registry: no scope.clusters object");
    rc = STRATA_E_BAD_RESPONSE;
    goto cleanup;
  }
  const json_t *id = json_object_get(clusters, "kafka-cluster");
  *cluster_id = strdup(json_is_string(id) ? json_string_value(id) : "");
  if (*cluster_id == NULL) {
    rc = sclt_nomem(err);
  }

cleanup:
  json_decref(json);
  return rc;
}

strata_error strata_client_request(strata_client *client, const char *method, const char *path,
                                   const char *body_json, int *status, char **response,
                                   strata_client_error *err) {
  if (status != NULL) {
    *status = 0;
  }
  if (response != NULL) {
    *response = NULL;
  }
  if (client == NULL || method == NULL || path == NULL || path[0] != '/') {
    return sclt_invalid(err, "a client, a method and a path starting with '/' are required");
  }
  return sclt_request(client, method, path, body_json, status, response, err);
}
