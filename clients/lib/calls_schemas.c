/*
 * calls_schemas.c - the /schemas endpoints: by id (cached), by guid, the
 * subjects and versions of an id, the schema types, and the paged list.
 */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Page size of list_schemas(): the registry's maximum for GET /schemas. */
#define LIST_PAGE 1000

strata_error strata_client_get_schema_by_id(strata_client *client, int64_t id, const char *subject,
                                            strata_client_schema **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  sclc_buf key = {0};
  sclc_buf path = {0};
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || out == NULL || id <= 0) {
    return sclt_invalid(err, "a client, an id above 0 and a result pointer are required");
  }
  sclc_buf_printf(&key, "%lld;", (long long)id);
  sclc_buf_add_field(&key, subject);
  if (sclc_cache_get_schema(client->by_id, &key, out)) {
    goto cleanup;
  }
  sclc_buf_printf(&path, "/schemas/ids/%lld", (long long)id);
  if (subject != NULL) {
    sclt_query(&path, &first, "subject", subject);
  }
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_schema, out, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if ((*out)->schema == NULL) {
    strata_client_schema_free(out);
    sclt_fail(err, 200, 0, "unexpected answer from the registry: no schema text for id %lld",
              (long long)id);
    rc = STRATA_E_BAD_RESPONSE;
    goto cleanup;
  }
  /* 7.x answers carry no id: it is the one asked for. */
  if ((*out)->id == 0) {
    (*out)->id = id;
  }
  sclc_cache_put_schema(client->by_id, &key, *out);

cleanup:
  sclc_buf_release(&key);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_schema_by_guid(strata_client *client, const char *guid,
                                              strata_client_schema **out,
                                              strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || guid == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a guid and a result pointer are required");
  }
  sclc_buf_add(&path, "/schemas/guids", strlen("/schemas/guids"));
  sclt_path_segment(&path, guid);
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, sclr_schema, out, err);
  sclc_buf_release(&path);
  return rc;
}

/* GET /schemas/ids/{id}/<what>[?deleted=true], decoded with @p decode into
 * @p out (see sclr_decode_fn). */
static strata_error id_list(strata_client *client, int64_t id, const char *what, bool deleted,
                            sclr_decode_fn decode, void *out, strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  bool first = true;

  if (client == NULL || id <= 0) {
    return sclt_invalid(err, "a client and an id above 0 are required");
  }
  sclc_buf_printf(&path, "/schemas/ids/%lld/%s", (long long)id, what);
  if (deleted) {
    sclt_query(&path, &first, "deleted", "true");
  }
  rc = sclt_call(client, "GET", sclc_buf_text(&path), NULL, decode, out, err);
  sclc_buf_release(&path);
  return rc;
}

strata_error strata_client_get_id_subjects(strata_client *client, int64_t id, bool deleted,
                                           strata_client_strings **out, strata_client_error *err) {
  if (out == NULL) {
    return sclt_invalid(err, "a result pointer is required");
  }
  *out = NULL;
  return id_list(client, id, "subjects", deleted, sclr_strings, out, err);
}

strata_error strata_client_get_id_versions(strata_client *client, int64_t id, bool deleted,
                                           strata_client_subject_versions **out,
                                           strata_client_error *err) {
  if (out == NULL) {
    return sclt_invalid(err, "a result pointer is required");
  }
  *out = NULL;
  return id_list(client, id, "versions", deleted, sclr_subject_versions, out, err);
}

strata_error strata_client_get_schema_types(strata_client *client, strata_client_strings **out,
                                            strata_client_error *err) {
  if (client == NULL || out == NULL) {
    return sclt_invalid(err, "a client and a result pointer are required");
  }
  *out = NULL;
  return sclt_call(client, "GET", "/schemas/types", NULL, sclr_strings, out, err);
}

/* Whether the first schema of the page @p json is @p schema (same subject and version). */
static bool same_start(const json_t *json, const strata_client_schema *schema) {
  const json_t *first = json_array_get(json, 0);
  const json_t *subject = json_object_get(first, "subject");
  const json_t *version = json_object_get(first, "version");
  return json_is_string(subject) && json_is_integer(version) && schema->subject != NULL &&
         strcmp(json_string_value(subject), schema->subject) == 0 &&
         json_integer_value(version) == schema->version;
}

strata_error strata_client_list_schemas(strata_client *client, const char *prefix, bool deleted,
                                        bool latest_only, strata_client_schemas **out,
                                        strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schemas *list = NULL;
  sclc_buf path = {0};
  json_t *json = NULL;
  size_t prev_start = 0;
  char number[32];

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || out == NULL) {
    return sclt_invalid(err, "a client and a result pointer are required");
  }
  list = calloc(1, sizeof *list);
  if (list == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  for (;;) {
    bool first = true;
    size_t page;
    path.len = 0;
    sclc_buf_add(&path, "/schemas", strlen("/schemas"));
    if (prefix != NULL) {
      sclt_query(&path, &first, "subjectPrefix", prefix);
    }
    if (deleted) {
      sclt_query(&path, &first, "deleted", "true");
    }
    if (latest_only) {
      sclt_query(&path, &first, "latestOnly", "true");
    }
    snprintf(number, sizeof number, "%zu", list->count);
    sclt_query(&path, &first, "offset", number);
    snprintf(number, sizeof number, "%d", LIST_PAGE);
    sclt_query(&path, &first, "limit", number);
    json_decref(json);
    json = NULL;
    rc = sclt_request_json(client, "GET", sclc_buf_text(&path), NULL, &json, err);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    page = json_array_size(json);
    if (list->count > 0 && page > 0 && same_start(json, list->items[prev_start])) {
      break; /* the registry ignores offset: this page repeats the previous one */
    }
    prev_start = list->count;
    rc = sclr_schemas_append(json, list, err);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    /* A short page is the last one; a longer one means the registry ignored
     * the limit and sent everything. */
    if (page != LIST_PAGE) {
      break;
    }
  }
  *out = list;
  list = NULL;

cleanup:
  json_decref(json);
  sclc_buf_release(&path);
  strata_client_schemas_free(&list);
  return rc;
}
