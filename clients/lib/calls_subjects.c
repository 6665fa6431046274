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

/* Starts @p path with "/subjects/{subject}/versions/{version}"; a version
 * neither above 0 nor STRATA_CLIENT_LATEST is STRATA_E_INVALID_ARGUMENT. */
static strata_error subject_version_path(sclc_buf *path, const char *subject, int version,
                                         strata_client_error *err) {
  subject_path(path, subject);
  if (!sclt_path_version(path, version)) {
    return sclt_invalid(err, "the version must be above 0 or STRATA_CLIENT_LATEST");
  }
  return STRATA_E_OK;
}

/* Fills the "subject + version" cache key. */
static void version_key(sclc_buf *key, const char *subject, int version) {
  sclc_buf_add_field(key, subject);
  sclc_buf_printf(key, "%d;", version);
}

/* Remembers the id of (@p subject, @p input, @p normalize) for register_id(). */
static void remember_id(strata_client *client, const char *subject,
                        const strata_client_schema_input *input, bool normalize, int64_t id) {
  sclc_buf key = {0};
  sclr_input_key(&key, subject, input, normalize);
  sclc_cache_put_id(client->by_definition, &key, id);
  sclc_buf_release(&key);
}

strata_error strata_client_list_subjects(strata_client *client, const char *prefix, bool deleted,
                                         strata_client_strings **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
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
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_strings, out, err);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_list_versions(strata_client *client, const char *subject, bool deleted,
                                         strata_client_ints **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
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
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_ints, out, err);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_version(strata_client *client, const char *subject, int version,
                                       bool deleted, strata_client_schema **out,
                                       strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf key = {0};
  sclc_buf path = {0};
  bool first = true;
  bool cacheable = version > 0;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject and a result pointer are required");
  }
  rc = subject_version_path(&path, subject, version, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (cacheable) {
    version_key(&key, subject, version);
    if (sclc_cache_get_schema(client->by_version, &key, out)) {
      goto cleanup;
    }
  }
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_schema, out, err);
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
  if (cacheable && !(*out)->deleted) {
    sclc_cache_put_schema(client->by_version, &key, *out);
  }

cleanup:
  sclc_buf_release(&key);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_referenced_by(strata_client *client, const char *subject,
                                             int version, strata_client_ints **out,
                                             strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf path = {0};

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject and a result pointer are required");
  }
  rc = subject_version_path(&path, subject, version, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  sclc_buf_add(&path, "/referencedby", strlen("/referencedby"));
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_ints, out, err);

cleanup:
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
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_schema, out, err);

cleanup:
  sclc_buf_release(&path);
  return rc;
}

/* POST /subjects/{s}/versions: the decoded answer (*out new), remembered
 * for register_id(). */
static strata_error post_version(strata_client *client, const char *subject,
                                 const strata_client_schema_input *input, bool normalize,
                                 strata_client_schema **out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  bool first = true;

  *out = NULL;
  subject_path(&path, subject);
  sclc_buf_add(&path, "/versions", strlen("/versions"));
  if (normalize) {
    sclt_query(&path, &first, "normalize", "true");
  }
  rc = sclt_call_input(client, "POST", sclc_buf_text(&path), input, sclr_schema, out, err);
  if (rc == STRATA_E_OK && (*out)->id <= 0) {
    strata_client_schema_free(out);
    sclt_fail(err, 200, 0, "unexpected answer from the registry: no id for the registration");
    rc = STRATA_E_BAD_RESPONSE;
  }
  if (rc == STRATA_E_OK) {
    remember_id(client, subject, input, normalize, (*out)->id);
  }
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_register(strata_client *client, const char *subject,
                                    const strata_client_schema_input *input, bool normalize,
                                    strata_client_schema **out, strata_client_error *err) {
  strata_error rc;
  strata_client_schema *result = NULL;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || input == NULL) {
    return sclt_invalid(err, "a client, a subject and a schema are required");
  }
  rc = post_version(client, subject, input, normalize, &result, err);
  if (rc == STRATA_E_OK && out != NULL) {
    *out = result;
    result = NULL;
  }
  strata_client_schema_free(&result);
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
  if (!sclc_cache_get_id(client->by_definition, &key, id)) {
    rc = post_version(client, subject, input, normalize, &result, err);
    *id = rc == STRATA_E_OK ? result->id : 0;
  }
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
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || input == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject, a schema and a result pointer are required");
  }
  subject_path(&path, subject);
  if (normalize) {
    sclt_query(&path, &first, "normalize", "true");
  }
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call_input(client, "POST", sclc_buf_text(&path), input, sclr_schema, out, err);
  /* A live version holding this schema answers register_id() as well. */
  if (rc == STRATA_E_OK && !(*out)->deleted && (*out)->id > 0) {
    remember_id(client, subject, input, normalize, (*out)->id);
  }
  sclc_buf_release(&path);
  return rc;
}

/* The answer of DELETE /subjects/{s}/versions/{v} [int *]: the version number. */
static strata_error deleted_version_decode(const json_t *json, void *out,
                                           strata_client_error *err) {
  if (!json_is_integer(json)) {
    sclt_fail(err, 200, 0, "unexpected answer from the registry: expected a version number");
    return STRATA_E_BAD_RESPONSE;
  }
  *(int *)out = (int)json_integer_value(json);
  return STRATA_E_OK;
}

/* DELETE @p path with ?permanent=true when @p permanent; the answer is
 * decoded into @p out. A deletion the registry made drops this client's
 * caches: what they held may be gone. */
static strata_error delete_call(strata_client *client, sclc_buf *path, bool permanent,
                                sclr_decode_fn decode, void *out, strata_client_error *err) {
  json_t *json = NULL;
  bool first = true;
  if (permanent) {
    sclt_query(path, &first, "permanent", "true");
  }
  strata_error rc = sclt_request_json(client, "DELETE", sclc_buf_text(path), NULL, &json, err);
  if (rc == STRATA_E_OK) {
    strata_client_clear_cache(client);
    rc = decode(json, out, err);
  }
  json_decref(json);
  return rc;
}

strata_error strata_client_delete_subject(strata_client *client, const char *subject,
                                          bool permanent, strata_client_ints **deleted,
                                          strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  strata_client_ints *list = NULL;

  if (deleted != NULL) {
    *deleted = NULL;
  }
  if (client == NULL || subject == NULL) {
    return sclt_invalid(err, "a client and a subject are required");
  }
  subject_path(&path, subject);
  rc = delete_call(client, &path, permanent, sclr_ints, &list, err);
  if (rc == STRATA_E_OK && deleted != NULL) {
    *deleted = list;
    list = NULL;
  }
  strata_client_ints_free(&list);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_delete_version(strata_client *client, const char *subject, int version,
                                          bool permanent, int *deleted_version,
                                          strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf path = {0};
  int number = 0;

  if (deleted_version != NULL) {
    *deleted_version = 0;
  }
  if (client == NULL || subject == NULL) {
    return sclt_invalid(err, "a client and a subject are required");
  }
  rc = subject_version_path(&path, subject, version, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = delete_call(client, &path, permanent, deleted_version_decode, &number, err);
  if (rc == STRATA_E_OK && deleted_version != NULL) {
    *deleted_version = number;
  }

cleanup:
  sclc_buf_release(&path);
  return rc;
}
