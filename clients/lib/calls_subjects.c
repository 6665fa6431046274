/*
 * calls_subjects.c - the /subjects endpoints: listing subjects and versions,
 * getting a version (cached for concrete versions), references, metadata
 * lookups, registering (cached by subject and schema), looking up, deleting.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

/* Starts @p path with "/subjects/{subject}". */
static void subject_path(sclc_buf *path, const char *subject) {
  sclc_buf_add(path, "/subjects", strlen("/subjects"));
  sclt_path_segment(path, subject);
}

/* Fills the "subject + version" cache key. */
static void version_key(sclc_buf *key, const char *subject, int version) {
  sclc_buf_add_field(key, subject);
  sclc_buf_printf(key, "%d;", version);
}

strata_error strata_client_list_subjects(strata_client *client, const char *prefix, bool deleted,
                                         strata_client_strings **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || out == NULL) {
    return sclt_invalid(err, "a client and a result pointer are required");
  }
  sclc_buf_add(&path, "/subjects", strlen("/subjects"));
  if (prefix != NULL) {
    sclt_query(&path, &first, "subjectPrefix", prefix);
  }
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "GET", &path, NULL, &json, err);
  if (rc == STRATA_E_OK) {
    rc = sclr_strings(json, out, err);
  }
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_list_versions(strata_client *client, const char *subject, bool deleted,
                                         strata_client_ints **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject and a result pointer are required");
  }
  subject_path(&path, subject);
  sclc_buf_add(&path, "/versions", strlen("/versions"));
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "GET", &path, NULL, &json, err);
  if (rc == STRATA_E_OK) {
    rc = sclr_ints(json, out, err);
  }
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_version(strata_client *client, const char *subject, int version,
                                       bool deleted, strata_client_schema **out,
                                       strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf key = {0};
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;
  bool cacheable = version > 0;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject and a result pointer are required");
  }
  subject_path(&path, subject);
  if (!sclt_path_version(&path, version)) {
    rc = sclt_invalid(err, "the version must be above 0 or STRATA_CLIENT_LATEST");
    goto cleanup;
  }
  if (cacheable) {
    version_key(&key, subject, version);
    if (sclc_buf_text(&key) != NULL &&
        sclc_cache_get_schema(client->by_version, key.data, key.len, out)) {
      goto cleanup;
    }
  }
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "GET", &path, NULL, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = sclr_schema(json, out, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if ((*out)->schema == NULL) {
    strata_client_schema_free(out);
    sclt_fail(err, 200, 0, "unexpected answer from the registry: a version without its schema");
    rc = STRATA_E_BAD_RESPONSE;
    goto cleanup;
  }
  /* Soft-deleted versions are not cached: a later call without deleted
   * must see the registry's 404. */
  if (cacheable && !(*out)->deleted && sclc_buf_text(&key) != NULL) {
    sclc_cache_put_schema(client->by_version, key.data, key.len, *out);
  }

cleanup:
  json_decref(json);
  sclc_buf_release(&key);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_referenced_by(strata_client *client, const char *subject,
                                             int version, strata_client_ints **out,
                                             strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf path = {0};
  json_t *json = NULL;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject and a result pointer are required");
  }
  subject_path(&path, subject);
  if (!sclt_path_version(&path, version)) {
    rc = sclt_invalid(err, "the version must be above 0 or STRATA_CLIENT_LATEST");
    goto cleanup;
  }
  sclc_buf_add(&path, "/referencedby", strlen("/referencedby"));
  rc = sclt_call(client, "GET", &path, NULL, &json, err);
  if (rc == STRATA_E_OK) {
    rc = sclr_ints(json, out, err);
  }

cleanup:
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_latest_with_metadata(strata_client *client, const char *subject,
                                                    const char *const *keys,
                                                    const char *const *values, size_t count,
                                                    strata_client_schema **out,
                                                    strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL ||
      (count > 0 && (keys == NULL || values == NULL))) {
    return sclt_invalid(err, "a client, a subject, the key-value pairs and a result pointer are "
                             "required");
  }
  subject_path(&path, subject);
  sclc_buf_add(&path, "/metadata", strlen("/metadata"));
  for (size_t i = 0; i < count; i++) {
    if (keys[i] == NULL || values[i] == NULL) {
      rc = sclt_invalid(err, "a metadata key or value is NULL");
      goto cleanup;
    }
    sclt_query(&path, &first, "key", keys[i]);
    sclt_query(&path, &first, "value", values[i]);
  }
  rc = sclt_call(client, "GET", &path, NULL, &json, err);
  if (rc == STRATA_E_OK) {
    rc = sclr_schema(json, out, err);
  }

cleanup:
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

/* POST /subjects/{s}/versions: the decoded answer (*out new). */
static strata_error post_version(strata_client *client, const char *subject,
                                 const strata_client_schema_input *input, bool normalize,
                                 strata_client_schema **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  char *body = NULL;
  json_t *json = NULL;
  bool first = true;

  *out = NULL;
  rc = sclr_input_body(input, &body, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  subject_path(&path, subject);
  sclc_buf_add(&path, "/versions", strlen("/versions"));
  if (normalize) {
    sclt_query(&path, &first, "normalize", "true");
  }
  rc = sclt_call(client, "POST", &path, body, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = sclr_schema(json, out, err);
  if (rc == STRATA_E_OK && (*out)->id <= 0) {
    strata_client_schema_free(out);
    sclt_fail(err, 200, 0, "unexpected answer from the registry: no id for the registration");
    rc = STRATA_E_BAD_RESPONSE;
  }

cleanup:
  json_decref(json);
  free(body);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_register(strata_client *client, const char *subject,
                                    const strata_client_schema_input *input, bool normalize,
                                    strata_client_schema **out, strata_client_error *err) {
  strata_error rc;
  strata_client_schema *result = NULL;
  sclc_buf key = {0};

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || input == NULL) {
    return sclt_invalid(err, "a client, a subject and a schema are required");
  }
  rc = post_version(client, subject, input, normalize, &result, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  sclr_input_key(&key, subject, input, normalize);
  if (sclc_buf_text(&key) != NULL) {
    sclc_cache_put_id(client->by_definition, key.data, key.len, result->id);
  }
  if (out != NULL) {
    *out = result;
    result = NULL;
  }

cleanup:
  strata_client_schema_free(&result);
  sclc_buf_release(&key);
  return rc;
}

strata_error strata_client_register_id(strata_client *client, const char *subject,
                                       const strata_client_schema_input *input, bool normalize,
                                       int64_t *id, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schema *result = NULL;
  sclc_buf key = {0};

  if (client == NULL || subject == NULL || input == NULL || id == NULL) {
    return sclt_invalid(err, "a client, a subject, a schema and an id pointer are required");
  }
  *id = 0;
  sclr_input_key(&key, subject, input, normalize);
  if (sclc_buf_text(&key) != NULL &&
      sclc_cache_get_id(client->by_definition, key.data, key.len, id)) {
    goto cleanup;
  }
  rc = post_version(client, subject, input, normalize, &result, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  *id = result->id;
  if (sclc_buf_text(&key) != NULL) {
    sclc_cache_put_id(client->by_definition, key.data, key.len, result->id);
  }

cleanup:
  strata_client_schema_free(&result);
  sclc_buf_release(&key);
  return rc;
}

strata_error strata_client_lookup(strata_client *client, const char *subject,
                                  const strata_client_schema_input *input, bool normalize,
                                  bool deleted, strata_client_schema **out,
                                  strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  sclc_buf key = {0};
  char *body = NULL;
  json_t *json = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || input == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject, a schema and a result pointer are required");
  }
  rc = sclr_input_body(input, &body, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  subject_path(&path, subject);
  if (normalize) {
    sclt_query(&path, &first, "normalize", "true");
  }
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "POST", &path, body, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = sclr_schema(json, out, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  /* A live version holding this schema answers register_id() as well. */
  if (!(*out)->deleted && (*out)->id > 0) {
    sclr_input_key(&key, subject, input, normalize);
    if (sclc_buf_text(&key) != NULL) {
      sclc_cache_put_id(client->by_definition, key.data, key.len, (*out)->id);
    }
  }

cleanup:
  json_decref(json);
  free(body);
  sclc_buf_release(&path);
  sclc_buf_release(&key);
  return rc;
}

strata_error strata_client_delete_subject(strata_client *client, const char *subject,
                                          bool permanent, strata_client_ints **deleted,
                                          strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;
  strata_client_ints *list = NULL;

  if (deleted != NULL) {
    *deleted = NULL;
  }
  if (client == NULL || subject == NULL) {
    return sclt_invalid(err, "a client and a subject are required");
  }
  subject_path(&path, subject);
  if (permanent) {
    sclt_query(&path, &first, "permanent", "true");
  }
  rc = sclt_call(client, "DELETE", &path, NULL, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  /* What this client cached about the subject may be gone now. */
  strata_client_clear_cache(client);
  rc = sclr_ints(json, &list, err);
  if (rc == STRATA_E_OK && deleted != NULL) {
    *deleted = list;
    list = NULL;
  }

cleanup:
  strata_client_ints_free(&list);
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_delete_version(strata_client *client, const char *subject, int version,
                                          bool permanent, int *deleted_version,
                                          strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf path = {0};
  json_t *json = NULL;
  bool first = true;

  if (deleted_version != NULL) {
    *deleted_version = 0;
  }
  if (client == NULL || subject == NULL) {
    return sclt_invalid(err, "a client and a subject are required");
  }
  subject_path(&path, subject);
  if (!sclt_path_version(&path, version)) {
    rc = sclt_invalid(err, "the version must be above 0 or STRATA_CLIENT_LATEST");
    goto cleanup;
  }
  if (permanent) {
    sclt_query(&path, &first, "permanent", "true");
  }
  rc = sclt_call(client, "DELETE", &path, NULL, &json, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  strata_client_clear_cache(client);
  if (!json_is_integer(json)) {
    sclt_fail(err, 200, 0, "unexpected answer from the registry: expected a version number");
    rc = STRATA_E_BAD_RESPONSE;
    goto cleanup;
  }
  if (deleted_version != NULL) {
    *deleted_version = (int)json_integer_value(json);
  }

cleanup:
  json_decref(json);
  sclc_buf_release(&path);
  return rc;
}
