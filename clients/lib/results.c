/*
 * results.c - the typed results: decoding the registry's JSON answers
 * (Confluent 7.x and 8.x shapes), deep copies for the cache, the free
 * functions, and the JSON body and cache key of a schema input.
 */
#include "client_int.h"

#include <stdint.h>
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

/* Copies an optional member: absent or null gives NULL. A string member
 * (@p object false) is copied, an object member (@p object true) dumped as
 * compact JSON text. Returns false on a member of another type (*bad set) or
 * no memory (*bad clear). */
static bool opt_member(const json_t *obj, const char *name, bool object, char **out, bool *bad) {
  const json_t *v = json_object_get(obj, name);
  *out = NULL;
  *bad = false;
  if (v == NULL || json_is_null(v)) {
    return true;
  }
  if (object ? !json_is_object(v) : !json_is_string(v)) {
    *bad = true;
    return false;
  }
  *out = object ? sclr_dump(v) : strdup(json_string_value(v));
  return *out != NULL;
}

/* ------------------------------------------------------------------------ */
/* Arrays: one decoder and one free function for every list                 */
/* ------------------------------------------------------------------------ */

/* Decodes one array element into @p slot; leaves nothing allocated on failure. */
typedef strata_error (*item_decode_fn)(const json_t *value, void *slot, strata_client_error *err);
/* Frees what the element at @p slot owns. */
typedef void (*item_free_fn)(void *slot);

/*
 * Appends the elements of the array @p json to the block @p items (may be
 * NULL) of *count elements of @p size and returns the block, grown with
 * realloc() (still @p items when nothing was added or growing failed). Each
 * element is decoded with @p decode; *count counts the elements decoded, also
 * on failure, so that their owner frees exactly those. *rc is set to the
 * outcome; @p what names the expected array in the error for a non-array.
 */
static void *items_append(const json_t *json, const char *what, size_t size, item_decode_fn decode,
                          void *items, size_t *count, strata_error *rc, strata_client_error *err) {
  size_t n = json_array_size(json);
  *rc = STRATA_E_OK;
  if (!json_is_array(json)) {
    *rc = bad_shape(err, what);
    return items;
  }
  if (n == 0) {
    return items;
  }
  char *grown = n <= SIZE_MAX / size - *count ? realloc(items, (*count + n) * size) : NULL;
  if (grown == NULL) {
    *rc = no_memory(err);
    return items;
  }
  for (size_t i = 0; i < n && *rc == STRATA_E_OK; i++) {
    *rc = decode(json_array_get(json, i), grown + *count * size, err);
    *count += *rc == STRATA_E_OK ? 1 : 0;
  }
  return grown;
}

/* Frees @p count elements of @p size at @p items with @p item_free (NULL:
 * the elements own nothing), then the block. */
static void items_free(void *items, size_t count, size_t size, item_free_fn item_free) {
  for (size_t i = 0; item_free != NULL && i < count; i++) {
    item_free((char *)items + i * size);
  }
  free(items);
}

static strata_error string_decode(const json_t *value, void *slot, strata_client_error *err) {
  char **text = slot;
  if (!json_is_string(value)) {
    return bad_shape(err, "expected an array of strings");
  }
  *text = strdup(json_string_value(value));
  return *text != NULL ? STRATA_E_OK : no_memory(err);
}

static void string_free(void *slot) {
  free(*(char **)slot);
}

/* ------------------------------------------------------------------------ */
/* Schemas                                                                  */
/* ------------------------------------------------------------------------ */

static strata_error reference_decode(const json_t *value, void *slot, strata_client_error *err) {
  strata_client_reference *r = slot;
  const json_t *name = json_object_get(value, "name");
  const json_t *subject = json_object_get(value, "subject");
  const json_t *version = json_object_get(value, "version");
  if (!json_is_string(name) || !json_is_string(subject) || !json_is_integer(version)) {
    return bad_shape(err, "a reference lacks its name, subject or version");
  }
  r->name = strdup(json_string_value(name));
  r->subject = strdup(json_string_value(subject));
  r->version = (int)json_integer_value(version);
  if (r->name == NULL || r->subject == NULL) {
    free((char *)r->name);
    free((char *)r->subject);
    return no_memory(err);
  }
  return STRATA_E_OK;
}

static void reference_free(void *slot) {
  strata_client_reference *r = slot;
  free((char *)r->name);
  free((char *)r->subject);
}

void strata_client_schema_free(strata_client_schema **schema) {
  if (schema == NULL || *schema == NULL) {
    return;
  }
  strata_client_schema *s = *schema;
  free(s->subject);
  free(s->guid);
  free(s->schema);
  items_free(s->references, s->reference_count, sizeof *s->references, reference_free);
  free(s->metadata);
  free(s->rule_set);
  free(s);
  *schema = NULL;
}

strata_error sclr_schema(const json_t *json, void *out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schema **result = out;
  strata_client_schema *s = NULL;
  const json_t *v;
  bool bad = false;

  *result = NULL;
  if (!json_is_object(json)) {
    return bad_shape(err, "expected a schema object");
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    rc = no_memory(err);
    goto cleanup;
  }
  s->type = STRATA_SCHEMA_AVRO;
  if (!opt_member(json, "subject", false, &s->subject, &bad) ||
      !opt_member(json, "guid", false, &s->guid, &bad) ||
      !opt_member(json, "schema", false, &s->schema, &bad)) {
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
  v = json_object_get(json, "references");
  if (v != NULL && !json_is_null(v)) {
    s->references = items_append(v, "\"references\" is not an array", sizeof *s->references,
                                 reference_decode, s->references, &s->reference_count, &rc, err);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (!opt_member(json, "metadata", true, &s->metadata, &bad) ||
      !opt_member(json, "ruleSet", true, &s->rule_set, &bad)) {
    rc = bad ? bad_shape(err, "metadata or ruleSet is not an object") : no_memory(err);
    goto cleanup;
  }
  s->deleted = json_is_true(json_object_get(json, "deleted"));
  if (s->schema == NULL && s->id == 0) {
    rc = bad_shape(err, "the schema object has neither a schema nor an id");
    goto cleanup;
  }
  *result = s;
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

static strata_error int_decode(const json_t *value, void *slot, strata_client_error *err) {
  if (!json_is_integer(value)) {
    return bad_shape(err, "expected an array of integers");
  }
  *(int64_t *)slot = json_integer_value(value);
  return STRATA_E_OK;
}

static strata_error subject_version_decode(const json_t *value, void *slot,
                                           strata_client_error *err) {
  strata_client_subject_version *pair = slot;
  const json_t *subject = json_object_get(value, "subject");
  const json_t *version = json_object_get(value, "version");
  if (!json_is_string(subject) || !json_is_integer(version)) {
    return bad_shape(err, "expected an array of subject-version objects");
  }
  pair->subject = strdup(json_string_value(subject));
  pair->version = (int)json_integer_value(version);
  return pair->subject != NULL ? STRATA_E_OK : no_memory(err);
}

static void subject_version_free(void *slot) {
  free(((strata_client_subject_version *)slot)->subject);
}

static void schema_item_free(void *slot) {
  strata_client_schema_free(slot);
}

void strata_client_strings_free(strata_client_strings **list) {
  if (list != NULL && *list != NULL) {
    items_free((*list)->items, (*list)->count, sizeof *(*list)->items, string_free);
    free(*list);
    *list = NULL;
  }
}

void strata_client_ints_free(strata_client_ints **list) {
  if (list != NULL && *list != NULL) {
    items_free((*list)->items, (*list)->count, sizeof *(*list)->items, NULL);
    free(*list);
    *list = NULL;
  }
}

void strata_client_subject_versions_free(strata_client_subject_versions **list) {
  if (list != NULL && *list != NULL) {
    items_free((*list)->items, (*list)->count, sizeof *(*list)->items, subject_version_free);
    free(*list);
    *list = NULL;
  }
}

void strata_client_schemas_free(strata_client_schemas **list) {
  if (list != NULL && *list != NULL) {
    items_free((*list)->items, (*list)->count, sizeof *(*list)->items, schema_item_free);
    free(*list);
    *list = NULL;
  }
}

strata_error sclr_strings(const json_t *json, void *out, strata_client_error *err) {
  strata_client_strings **list = out;
  strata_error rc;
  if ((*list = calloc(1, sizeof **list)) == NULL) {
    return no_memory(err);
  }
  (*list)->items = items_append(json, "expected an array of strings", sizeof *(*list)->items,
                                string_decode, (*list)->items, &(*list)->count, &rc, err);
  if (rc != STRATA_E_OK) {
    strata_client_strings_free(list);
  }
  return rc;
}

strata_error sclr_ints(const json_t *json, void *out, strata_client_error *err) {
  strata_client_ints **list = out;
  strata_error rc;
  if ((*list = calloc(1, sizeof **list)) == NULL) {
    return no_memory(err);
  }
  (*list)->items = items_append(json, "expected an array of integers", sizeof *(*list)->items,
                                int_decode, (*list)->items, &(*list)->count, &rc, err);
  if (rc != STRATA_E_OK) {
    strata_client_ints_free(list);
  }
  return rc;
}

strata_error sclr_subject_versions(const json_t *json, void *out, strata_client_error *err) {
  strata_client_subject_versions **list = out;
  strata_error rc;
  if ((*list = calloc(1, sizeof **list)) == NULL) {
    return no_memory(err);
  }
  (*list)->items =
      items_append(json, "expected an array of subject-version objects", sizeof *(*list)->items,
                   subject_version_decode, (*list)->items, &(*list)->count, &rc, err);
  if (rc != STRATA_E_OK) {
    strata_client_subject_versions_free(list);
  }
  return rc;
}

strata_error sclr_schemas_append(const json_t *json, strata_client_schemas *list,
                                 strata_client_error *err) {
  strata_error rc;
  list->items = items_append(json, "expected an array of schemas", sizeof *list->items, sclr_schema,
                             list->items, &list->count, &rc, err);
  return rc;
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

strata_error sclr_config(const json_t *json, void *out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_config **result = out;
  strata_client_config *c = NULL;
  const json_t *v;
  bool bad = false;

  *result = NULL;
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
  if (!opt_member(json, level_key, false, &c->compatibility_level, &bad) ||
      !opt_member(json, "compatibilityGroup", false, &c->compatibility_group, &bad)) {
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
  *result = c;
  c = NULL;

cleanup:
  strata_client_config_free(&c);
  return rc;
}

void strata_client_compat_free(strata_client_compat **compat) {
  if (compat != NULL && *compat != NULL) {
    items_free((*compat)->messages, (*compat)->message_count, sizeof *(*compat)->messages,
               string_free);
    free(*compat);
    *compat = NULL;
  }
}

/* Messages are strings; anything else is kept as its JSON text. */
static strata_error message_decode(const json_t *value, void *slot, strata_client_error *err) {
  char **text = slot;
  *text = json_is_string(value) ? strdup(json_string_value(value)) : sclr_dump(value);
  return *text != NULL ? STRATA_E_OK : no_memory(err);
}

strata_error sclr_compat(const json_t *json, void *out, strata_client_error *err) {
  strata_client_compat **compat = out;
  const json_t *v = json_object_get(json, "is_compatible");
  const json_t *msgs = json_object_get(json, "messages");
  strata_error rc = STRATA_E_OK;

  *compat = NULL;
  if (!json_is_boolean(v)) {
    return bad_shape(err, "expected {\"is_compatible\": true|false}");
  }
  if ((*compat = calloc(1, sizeof **compat)) == NULL) {
    return no_memory(err);
  }
  (*compat)->is_compatible = json_is_true(v);
  if (json_is_array(msgs)) {
    (*compat)->messages =
        items_append(msgs, "expected an array of messages", sizeof *(*compat)->messages,
                     message_decode, NULL, &(*compat)->message_count, &rc, err);
  }
  if (rc != STRATA_E_OK) {
    strata_client_compat_free(compat);
  }
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
