/*
 * results.c - the typed results: decoding the registry's JSON answers
 * (Confluent 7.x and 8.x shapes), deep copies for the cache, the free
 * functions, and the JSON body and cache key of a schema input.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

char *sclr_dump(const json_t *json) {
  return json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}

static strata_error bad_shape(strata_client_error *err, const char *what) {
  sclt_fail(err, 200, 0, "unexpected answer from the registry: %s", what);
  return STRATA_E_BAD_RESPONSE;
}

static strata_error no_memory(strata_client_error *err) {
  sclt_fail(err, 0, 0, "out of memory decoding the answer");
  return STRATA_E_NOMEM;
}

/* Copies an optional string member: absent or null gives NULL. Returns
 * false on a member of another type (*bad set) or no memory (*bad clear). */
static bool opt_string(const json_t *obj, const char *name, char **out, bool *bad) {
  const json_t *v = json_object_get(obj, name);
  *out = NULL;
  *bad = false;
  if (v == NULL || json_is_null(v)) {
    return true;
  }
  if (!json_is_string(v)) {
    *bad = true;
    return false;
  }
  *out = strdup(json_string_value(v));
  return *out != NULL;
}

/* Dumps an optional object member as compact JSON text (NULL when absent). */
static bool opt_json(const json_t *obj, const char *name, char **out, bool *bad) {
  const json_t *v = json_object_get(obj, name);
  *out = NULL;
  *bad = false;
  if (v == NULL || json_is_null(v)) {
    return true;
  }
  if (!json_is_object(v)) {
    *bad = true;
    return false;
  }
  *out = sclr_dump(v);
  return *out != NULL;
}

/* ------------------------------------------------------------------------ */
/* Schemas                                                                  */
/* ------------------------------------------------------------------------ */

static void references_free(strata_client_reference *refs, size_t count) {
  for (size_t i = 0; i < count; i++) {
    free((char *)refs[i].name);
    free((char *)refs[i].subject);
  }
  free(refs);
}

void strata_client_schema_free(strata_client_schema **schema) {
  if (schema == NULL || *schema == NULL) {
    return;
  }
  strata_client_schema *s = *schema;
  free(s->subject);
  free(s->guid);
  free(s->schema);
  references_free(s->references, s->reference_count);
  free(s->metadata);
  free(s->rule_set);
  free(s);
  *schema = NULL;
}

static strata_error decode_references(const json_t *arr, strata_client_schema *s,
                                      strata_client_error *err) {
  size_t n = json_array_size(arr);
  if (arr == NULL || json_is_null(arr) || n == 0) {
    if (arr != NULL && !json_is_null(arr) && !json_is_array(arr)) {
      return bad_shape(err, "\"references\" is not an array");
    }
    return STRATA_E_OK;
  }
  s->references = calloc(n, sizeof *s->references);
  if (s->references == NULL) {
    return no_memory(err);
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *r = json_array_get(arr, i);
    const json_t *name = json_object_get(r, "name");
    const json_t *subject = json_object_get(r, "subject");
    const json_t *version = json_object_get(r, "version");
    if (!json_is_string(name) || !json_is_string(subject) || !json_is_integer(version)) {
      return bad_shape(err, "a reference lacks its name, subject or version");
    }
    s->reference_count = i + 1;
    s->references[i].name = strdup(json_string_value(name));
    s->references[i].subject = strdup(json_string_value(subject));
    s->references[i].version = (int)json_integer_value(version);
    if (s->references[i].name == NULL || s->references[i].subject == NULL) {
      return no_memory(err);
    }
  }
  return STRATA_E_OK;
}

strata_error sclr_schema(const json_t *json, strata_client_schema **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schema *s = NULL;
  const json_t *v;
  bool bad = false;

  *out = NULL;
  if (!json_is_object(json)) {
    return bad_shape(err, "expected a schema object");
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    rc = no_memory(err);
    goto cleanup;
  }
  s->type = STRATA_SCHEMA_AVRO;
  if (!opt_string(json, "subject", &s->subject, &bad) ||
      !opt_string(json, "guid", &s->guid, &bad) || !opt_string(json, "schema", &s->schema, &bad)) {
    rc = bad ? bad_shape(err, "subject, guid or schema is not a string") : no_memory(err);
    goto cleanup;
  }
  v = json_object_get(json, "version");
  if (json_is_integer(v)) {
    s->version = (int)json_integer_value(v);
  } else if (v != NULL && !json_is_null(v)) {
    rc = bad_shape(err, "\"version\" is not an integer");
    goto cleanup;
  }
  v = json_object_get(json, "id");
  if (json_is_integer(v)) {
    s->id = json_integer_value(v);
  } else if (v != NULL && !json_is_null(v)) {
    rc = bad_shape(err, "\"id\" is not an integer");
    goto cleanup;
  }
  v = json_object_get(json, "schemaType");
  if (json_is_string(v)) {
    if (strata_schema_type_from_name(json_string_value(v), &s->type) != STRATA_E_OK) {
      rc = STRATA_E_BAD_RESPONSE;
      sclt_fail(err, 200, 0, "unexpected answer from the registry: unknown schemaType \"%s\"",
                json_string_value(v));
      goto cleanup;
    }
  } else if (v != NULL && !json_is_null(v)) {
    rc = bad_shape(err, "\"schemaType\" is not a string");
    goto cleanup;
  }
  rc = decode_references(json_object_get(json, "references"), s, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (!opt_json(json, "metadata", &s->metadata, &bad) ||
      !opt_json(json, "ruleSet", &s->rule_set, &bad)) {
    rc = bad ? bad_shape(err, "metadata or ruleSet is not an object") : no_memory(err);
    goto cleanup;
  }
  s->deleted = json_is_true(json_object_get(json, "deleted"));
  if (s->schema == NULL && s->id == 0) {
    rc = bad_shape(err, "the schema object has neither a schema nor an id");
    goto cleanup;
  }
  *out = s;
  s = NULL;

cleanup:
  strata_client_schema_free(&s);
  return rc;
}

/* Duplicates @p text; *ok cleared when out of memory. NULL stays NULL. */
static char *dup_or_null(const char *text, bool *ok) {
  if (text == NULL) {
    return NULL;
  }
  char *copy = strdup(text);
  if (copy == NULL) {
    *ok = false;
  }
  return copy;
}

strata_client_schema *sclr_schema_copy(const strata_client_schema *schema) {
  bool ok = true;
  strata_client_schema *c = calloc(1, sizeof *c);
  if (c == NULL) {
    return NULL;
  }
  c->version = schema->version;
  c->id = schema->id;
  c->type = schema->type;
  c->deleted = schema->deleted;
  c->subject = dup_or_null(schema->subject, &ok);
  c->guid = dup_or_null(schema->guid, &ok);
  c->schema = dup_or_null(schema->schema, &ok);
  c->metadata = dup_or_null(schema->metadata, &ok);
  c->rule_set = dup_or_null(schema->rule_set, &ok);
  if (ok && schema->reference_count > 0) {
    c->references = calloc(schema->reference_count, sizeof *c->references);
    ok = c->references != NULL;
    for (size_t i = 0; ok && i < schema->reference_count; i++) {
      c->reference_count = i + 1;
      c->references[i].name = dup_or_null(schema->references[i].name, &ok);
      c->references[i].subject = dup_or_null(schema->references[i].subject, &ok);
      c->references[i].version = schema->references[i].version;
    }
  }
  if (!ok) {
    strata_client_schema_free(&c);
  }
  return c;
}

/* ------------------------------------------------------------------------ */
/* Lists                                                                    */
/* ------------------------------------------------------------------------ */

void strata_client_strings_free(strata_client_strings **list) {
  if (list == NULL || *list == NULL) {
    return;
  }
  for (size_t i = 0; i < (*list)->count; i++) {
    free((*list)->items[i]);
  }
  free((*list)->items);
  free(*list);
  *list = NULL;
}

strata_error sclr_strings(const json_t *json, strata_client_strings **out,
                          strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_strings *list = NULL;
  size_t n = json_array_size(json);

  *out = NULL;
  if (!json_is_array(json)) {
    return bad_shape(err, "expected an array of strings");
  }
  list = calloc(1, sizeof *list);
  if (list == NULL || (n > 0 && (list->items = calloc(n, sizeof *list->items)) == NULL)) {
    rc = no_memory(err);
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(json, i);
    if (!json_is_string(v)) {
      rc = bad_shape(err, "expected an array of strings");
      goto cleanup;
    }
    list->items[i] = strdup(json_string_value(v));
    list->count = i + 1;
    if (list->items[i] == NULL) {
      rc = no_memory(err);
      goto cleanup;
    }
  }
  *out = list;
  list = NULL;

cleanup:
  strata_client_strings_free(&list);
  return rc;
}

void strata_client_ints_free(strata_client_ints **list) {
  if (list == NULL || *list == NULL) {
    return;
  }
  free((*list)->items);
  free(*list);
  *list = NULL;
}

strata_error sclr_ints(const json_t *json, strata_client_ints **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_ints *list = NULL;
  size_t n = json_array_size(json);

  *out = NULL;
  if (!json_is_array(json)) {
    return bad_shape(err, "expected an array of integers");
  }
  list = calloc(1, sizeof *list);
  if (list == NULL || (n > 0 && (list->items = calloc(n, sizeof *list->items)) == NULL)) {
    rc = no_memory(err);
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(json, i);
    if (!json_is_integer(v)) {
      rc = bad_shape(err, "expected an array of integers");
      goto cleanup;
    }
    list->items[i] = json_integer_value(v);
  }
  list->count = n;
  *out = list;
  list = NULL;

cleanup:
  strata_client_ints_free(&list);
  return rc;
}

void strata_client_subject_versions_free(strata_client_subject_versions **list) {
  if (list == NULL || *list == NULL) {
    return;
  }
  for (size_t i = 0; i < (*list)->count; i++) {
    free((*list)->items[i].subject);
  }
  free((*list)->items);
  free(*list);
  *list = NULL;
}

strata_error sclr_subject_versions(const json_t *json, strata_client_subject_versions **out,
                                   strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_subject_versions *list = NULL;
  size_t n = json_array_size(json);

  *out = NULL;
  if (!json_is_array(json)) {
    return bad_shape(err, "expected an array of subject-version objects");
  }
  list = calloc(1, sizeof *list);
  if (list == NULL || (n > 0 && (list->items = calloc(n, sizeof *list->items)) == NULL)) {
    rc = no_memory(err);
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(json, i);
    const json_t *subject = json_object_get(v, "subject");
    const json_t *version = json_object_get(v, "version");
    if (!json_is_string(subject) || !json_is_integer(version)) {
      rc = bad_shape(err, "expected an array of subject-version objects");
      goto cleanup;
    }
    list->items[i].subject = strdup(json_string_value(subject));
    list->items[i].version = (int)json_integer_value(version);
    list->count = i + 1;
    if (list->items[i].subject == NULL) {
      rc = no_memory(err);
      goto cleanup;
    }
  }
  *out = list;
  list = NULL;

cleanup:
  strata_client_subject_versions_free(&list);
  return rc;
}

void strata_client_schemas_free(strata_client_schemas **list) {
  if (list == NULL || *list == NULL) {
    return;
  }
  for (size_t i = 0; i < (*list)->count; i++) {
    strata_client_schema_free(&(*list)->items[i]);
  }
  free((*list)->items);
  free(*list);
  *list = NULL;
}

/* ------------------------------------------------------------------------ */
/* Config and compatibility answers                                         */
/* ------------------------------------------------------------------------ */

void strata_client_config_free(strata_client_config **config) {
  if (config == NULL || *config == NULL) {
    return;
  }
  free((*config)->compatibility_level);
  free((*config)->compatibility_group);
  free((*config)->json);
  free(*config);
  *config = NULL;
}

strata_error sclr_config(const json_t *json, strata_client_config **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_config *c = NULL;
  const json_t *v;
  bool bad = false;

  *out = NULL;
  if (!json_is_object(json)) {
    return bad_shape(err, "expected a config object");
  }
  c = calloc(1, sizeof *c);
  if (c == NULL) {
    rc = no_memory(err);
    goto cleanup;
  }
  /* GET answers "compatibilityLevel"; PUT echoes the request's "compatibility". */
  const char *level_key =
      json_object_get(json, "compatibilityLevel") != NULL ? "compatibilityLevel" : "compatibility";
  if (!opt_string(json, level_key, &c->compatibility_level, &bad) ||
      !opt_string(json, "compatibilityGroup", &c->compatibility_group, &bad)) {
    rc = bad ? bad_shape(err, "compatibility level or group is not a string") : no_memory(err);
    goto cleanup;
  }
  v = json_object_get(json, "normalize");
  c->normalize = json_is_boolean(v) ? (json_is_true(v) ? 1 : 0) : -1;
  c->json = sclr_dump(json);
  if (c->json == NULL) {
    rc = no_memory(err);
    goto cleanup;
  }
  *out = c;
  c = NULL;

cleanup:
  strata_client_config_free(&c);
  return rc;
}

void strata_client_compat_free(strata_client_compat **compat) {
  if (compat == NULL || *compat == NULL) {
    return;
  }
  for (size_t i = 0; i < (*compat)->message_count; i++) {
    free((*compat)->messages[i]);
  }
  free((*compat)->messages);
  free(*compat);
  *compat = NULL;
}

strata_error sclr_compat(const json_t *json, strata_client_compat **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_compat *c = NULL;
  const json_t *v = json_object_get(json, "is_compatible");
  const json_t *msgs = json_object_get(json, "messages");
  size_t n = json_array_size(msgs);

  *out = NULL;
  if (!json_is_boolean(v)) {
    return bad_shape(err, "expected {\"is_compatible\": true|false}");
  }
  c = calloc(1, sizeof *c);
  if (c == NULL || (n > 0 && (c->messages = calloc(n, sizeof *c->messages)) == NULL)) {
    rc = no_memory(err);
    goto cleanup;
  }
  c->is_compatible = json_is_true(v);
  for (size_t i = 0; i < n; i++) {
    const json_t *m = json_array_get(msgs, i);
    /* Messages are strings; anything else is kept as its JSON text. */
    c->messages[i] = json_is_string(m) ? strdup(json_string_value(m)) : sclr_dump(m);
    c->message_count = i + 1;
    if (c->messages[i] == NULL) {
      rc = no_memory(err);
      goto cleanup;
    }
  }
  *out = c;
  c = NULL;

cleanup:
  strata_client_compat_free(&c);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Requests: the body and the cache key of a schema input                   */
/* ------------------------------------------------------------------------ */

/* Adds the JSON text @p text under @p name; false when it is not JSON. */
static bool add_json_member(json_t *body, const char *name, const char *text, bool *nomem) {
  json_error_t jerr;
  json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
  if (v == NULL) {
    return false;
  }
  if (json_object_set_new(body, name, v) != 0) {
    *nomem = true;
  }
  return true;
}

strata_error sclr_input_body(const strata_client_schema_input *input, char **body,
                             strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  json_t *doc = NULL;
  json_t *refs = NULL;
  bool nomem = false;

  *body = NULL;
  if (input == NULL || input->schema == NULL) {
    sclt_fail(err, 0, 0, "the schema text is missing");
    return STRATA_E_INVALID_ARGUMENT;
  }
  const char *type = strata_schema_type_name(input->type);
  if (type == NULL) {
    sclt_fail(err, 0, 0, "unknown schema type %d", (int)input->type);
    return STRATA_E_INVALID_ARGUMENT;
  }
  doc = json_object();
  if (doc == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  nomem |= json_object_set_new(doc, "schema", json_string(input->schema)) != 0;
  /* Confluent's clients leave schemaType out for Avro; 7.x servers expect that. */
  if (input->type != STRATA_SCHEMA_AVRO) {
    nomem |= json_object_set_new(doc, "schemaType", json_string(type)) != 0;
  }
  if (input->reference_count > 0) {
    refs = json_array();
    nomem |= refs == NULL;
    for (size_t i = 0; refs != NULL && i < input->reference_count; i++) {
      const strata_client_reference *r = &input->references[i];
      if (r->name == NULL || r->subject == NULL) {
        rc = STRATA_E_INVALID_ARGUMENT;
        sclt_fail(err, 0, 0, "reference %zu lacks its name or subject", i + 1);
        goto cleanup;
      }
      nomem |= json_array_append_new(refs, json_pack("{s:s, s:s, s:i}", "name", r->name, "subject",
                                                     r->subject, "version", r->version)) != 0;
    }
    nomem |= json_object_set_new(doc, "references", refs) != 0;
    refs = NULL;
  }
  if (input->metadata != NULL && !add_json_member(doc, "metadata", input->metadata, &nomem)) {
    rc = STRATA_E_INVALID_ARGUMENT;
    sclt_fail(err, 0, 0, "the metadata is not JSON");
    goto cleanup;
  }
  if (input->rule_set != NULL && !add_json_member(doc, "ruleSet", input->rule_set, &nomem)) {
    rc = STRATA_E_INVALID_ARGUMENT;
    sclt_fail(err, 0, 0, "the rule set is not JSON");
    goto cleanup;
  }
  if (input->id > 0) {
    nomem |= json_object_set_new(doc, "id", json_integer(input->id)) != 0;
  }
  if (input->version > 0) {
    nomem |= json_object_set_new(doc, "version", json_integer(input->version)) != 0;
  }
  if (nomem || (*body = sclr_dump(doc)) == NULL) {
    rc = STRATA_E_NOMEM;
  }

cleanup:
  if (rc == STRATA_E_NOMEM) {
    sclt_fail(err, 0, 0, "out of memory building the request");
  }
  json_decref(refs);
  json_decref(doc);
  return rc;
}

void sclr_input_key(sclc_buf *buf, const char *subject, const strata_client_schema_input *input,
                    bool normalize) {
  sclc_buf_add_field(buf, subject);
  sclc_buf_printf(buf, "%d;%d;%lld;%d;", (int)input->type, normalize ? 1 : 0, (long long)input->id,
                  input->version);
  sclc_buf_add_field(buf, input->schema);
  sclc_buf_printf(buf, "%zu;", input->reference_count);
  for (size_t i = 0; i < input->reference_count; i++) {
    sclc_buf_add_field(buf, input->references[i].name);
    sclc_buf_add_field(buf, input->references[i].subject);
    sclc_buf_printf(buf, "%d;", input->references[i].version);
  }
  sclc_buf_add_field(buf, input->metadata);
  sclc_buf_add_field(buf, input->rule_set);
}
