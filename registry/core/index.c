/*
 * index.c - the in-memory index (index.h).
 */
#include "core/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ix_init(ix_index *ix) {
  memset(ix, 0, sizeof *ix);
}

static void refs_free(ix_ref *refs, size_t count) {
  for (size_t i = 0; i < count; i++) {
    free(refs[i].name);
    free(refs[i].subject);
  }
  free(refs);
}

void ix_refs_free(ix_ref *refs, size_t count) {
  refs_free(refs, count);
}

static void schema_free(ix_schema *schema) {
  if (schema == NULL) {
    return;
  }
  free(schema->text);
  refs_free(schema->refs, schema->nrefs);
  free(schema->refs_json);
  json_decref(schema->metadata);
  json_decref(schema->rule_set);
  free(schema->metadata_text);
  free(schema->rule_set_text);
  rb_unref(atomic_load(&schema->body));
  strata_schema *parsed = atomic_load(&schema->parsed);
  strata_schema_free(&parsed);
  free(schema);
}

static void subject_free(ix_subject *subject) {
  if (subject == NULL) {
    return;
  }
  free(subject->name);
  free(subject->versions);
  json_decref(subject->config);
  free(subject->mode);
  rb_unref(atomic_load(&subject->latest_body));
  free(subject);
}

static void context_free(ix_context *ctx) {
  HM_FOREACH(&ctx->subjects, slot) {
    subject_free(slot->value);
  }
  HM_FOREACH(&ctx->ids, slot) {
    schema_free(slot->value);
  }
  hm_release(&ctx->subjects);
  hm_release(&ctx->ids);
  hm_release(&ctx->identities);
  json_decref(ctx->config);
  free(ctx->mode);
  free(ctx->name);
  free(ctx);
}

void ix_release(ix_index *ix) {
  HM_FOREACH(&ix->contexts, slot) {
    context_free(slot->value);
  }
  hm_release(&ix->contexts);
  ix->nschemas = 0;
}

ix_context *ix_context_get(const ix_index *ix, const char *name) {
  return hm_get_str(&ix->contexts, name);
}

ix_context *ix_context_ensure(ix_index *ix, const char *name) {
  ix_context *ctx = ix_context_get(ix, name);
  if (ctx != NULL) {
    return ctx;
  }
  ctx = calloc(1, sizeof *ctx);
  if (ctx == NULL) {
    return NULL;
  }
  ctx->name = strdup(name);
  if (ctx->name == NULL || !hm_put_str(&ix->contexts, ctx->name, ctx)) {
    free(ctx->name);
    free(ctx);
    return NULL;
  }
  return ctx;
}

ix_subject *ix_subject_get(const ix_context *ctx, const char *name) {
  return ctx != NULL ? hm_get_str(&ctx->subjects, name) : NULL;
}

ix_subject *ix_subject_ensure(ix_context *ctx, const char *name) {
  ix_subject *subject = ix_subject_get(ctx, name);
  if (subject != NULL) {
    return subject;
  }
  subject = calloc(1, sizeof *subject);
  if (subject == NULL) {
    return NULL;
  }
  subject->ctx = ctx;
  subject->name = strdup(name);
  if (subject->name == NULL || !hm_put_str(&ctx->subjects, subject->name, subject)) {
    free(subject->name);
    free(subject);
    return NULL;
  }
  return subject;
}

ix_schema *ix_schema_by_id(const ix_context *ctx, int64_t id) {
  return ctx != NULL ? hm_get(&ctx->ids, &id, sizeof id) : NULL;
}

ix_schema *ix_schema_by_identity(const ix_context *ctx, const char *identity) {
  return ctx != NULL ? hm_get_str(&ctx->identities, identity) : NULL;
}

ix_version *ix_version_get(const ix_subject *subject, int32_t version) {
  if (subject == NULL) {
    return NULL;
  }
  size_t lo = 0;
  size_t hi = subject->nversions;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (subject->versions[mid].version == version) {
      return &subject->versions[mid];
    }
    if (subject->versions[mid].version < version) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return NULL;
}

ix_version *ix_latest_live(const ix_subject *subject) {
  if (subject == NULL) {
    return NULL;
  }
  for (size_t i = subject->nversions; i > 0; i--) {
    if (!subject->versions[i - 1].deleted) {
      return &subject->versions[i - 1];
    }
  }
  return NULL;
}

size_t ix_live_count(const ix_subject *subject) {
  size_t n = 0;
  for (size_t i = 0; subject != NULL && i < subject->nversions; i++) {
    n += !subject->versions[i].deleted;
  }
  return n;
}

int32_t ix_max_version(const ix_subject *subject) {
  return subject != NULL && subject->nversions > 0
             ? subject->versions[subject->nversions - 1].version
             : 0;
}

bool ix_subject_empty(const ix_subject *subject) {
  return subject == NULL || subject->nversions == 0;
}

ix_schema *ix_schema_add(ix_index *ix, ix_context *ctx, int64_t id, strata_schema_type type,
                         const char *text, const ix_ref *refs, size_t nrefs, json_t *metadata,
                         json_t *rule_set, const char *identity, const char *guid) {
  ix_schema *schema = calloc(1, sizeof *schema);
  if (schema == NULL) {
    json_decref(metadata);
    json_decref(rule_set);
    return NULL;
  }
  schema->id = id;
  schema->ctx = ctx;
  schema->type = type;
  schema->metadata = metadata;
  schema->rule_set = rule_set;
  schema->text_len = strlen(text);
  schema->text = strdup(text);
  snprintf(schema->identity, sizeof schema->identity, "%s", identity);
  snprintf(schema->guid, sizeof schema->guid, "%s", guid);
  if (schema->text == NULL) {
    goto cleanup;
  }
  if (nrefs > 0) {
    schema->refs = calloc(nrefs, sizeof *schema->refs);
    if (schema->refs == NULL) {
      goto cleanup;
    }
    schema->nrefs = nrefs;
    json_t *array = json_array();
    for (size_t i = 0; i < nrefs; i++) {
      schema->refs[i].name = strdup(refs[i].name);
      schema->refs[i].subject = strdup(refs[i].subject);
      schema->refs[i].version = refs[i].version;
      if (schema->refs[i].name == NULL || schema->refs[i].subject == NULL) {
        json_decref(array);
        goto cleanup;
      }
      json_array_append_new(array,
                            json_pack("{s:s,s:s,s:i}", "name", refs[i].name, "subject",
                                      refs[i].subject, "version", (json_int_t)refs[i].version));
    }
    schema->refs_json = json_dumps(array, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(array);
    if (schema->refs_json == NULL) {
      goto cleanup;
    }
  }
  if (metadata != NULL &&
      (schema->metadata_text = json_dumps(metadata, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
    goto cleanup;
  }
  if (rule_set != NULL &&
      (schema->rule_set_text = json_dumps(rule_set, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
    goto cleanup;
  }
  if (!hm_put(&ctx->ids, &schema->id, sizeof schema->id, schema)) {
    goto cleanup;
  }
  if (!hm_put_str(&ctx->identities, schema->identity, schema)) {
    hm_remove(&ctx->ids, &schema->id, sizeof schema->id);
    goto cleanup;
  }
  if (id > ctx->max_id) {
    ctx->max_id = id;
  }
  ix->nschemas++;
  return schema;
cleanup:
  schema_free(schema);
  return NULL;
}

void ix_schema_remove(ix_index *ix, ix_schema *schema) {
  ix_context *ctx = schema->ctx;
  hm_remove(&ctx->ids, &schema->id, sizeof schema->id);
  if (hm_get_str(&ctx->identities, schema->identity) == schema) {
    hm_remove_str(&ctx->identities, schema->identity);
  }
  ix->nschemas--;
  schema_free(schema);
}

bool ix_version_add(ix_subject *subject, int32_t version, ix_schema *schema, bool deleted,
                    int64_t ts) {
  if (subject->nversions == subject->cap) {
    size_t cap = subject->cap == 0 ? 4 : subject->cap * 2;
    ix_version *grown = realloc(subject->versions, cap * sizeof *grown);
    if (grown == NULL) {
      return false;
    }
    subject->versions = grown;
    subject->cap = cap;
  }
  size_t at = subject->nversions;
  while (at > 0 && subject->versions[at - 1].version > version) {
    at--;
  }
  memmove(&subject->versions[at + 1], &subject->versions[at],
          (subject->nversions - at) * sizeof *subject->versions);
  subject->versions[at] = (ix_version){version, deleted, ts, schema};
  subject->nversions++;
  schema->holders++;
  ix_subject_touch(subject);
  return true;
}

void ix_version_remove(ix_index *ix, ix_subject *subject, int32_t version) {
  ix_version *v = ix_version_get(subject, version);
  if (v == NULL) {
    return;
  }
  ix_schema *schema = v->schema;
  size_t at = (size_t)(v - subject->versions);
  memmove(&subject->versions[at], &subject->versions[at + 1],
          (subject->nversions - at - 1) * sizeof *subject->versions);
  subject->nversions--;
  if (--schema->holders == 0) {
    ix_schema_remove(ix, schema);
  }
  ix_subject_touch(subject);
}

void ix_subject_prune(ix_subject *subject) {
  if (subject != NULL && subject->nversions == 0 && subject->config == NULL &&
      subject->mode == NULL) {
    hm_remove_str(&subject->ctx->subjects, subject->name);
    subject_free(subject);
  }
}

void ix_subject_touch(ix_subject *subject) {
  subject->generation++;
  rb_unref(atomic_exchange(&subject->latest_body, NULL));
}

strata_error ix_refs_parse(const char *text, ix_ref **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (text == NULL) {
    return STRATA_E_OK;
  }
  strata_error rc = STRATA_E_OK;
  ix_ref *refs = NULL;
  size_t n = 0;
  json_t *array = json_loads(text, 0, NULL);
  if (!json_is_array(array)) {
    rc = STRATA_E_STORE_ERROR;
    goto cleanup;
  }
  n = json_array_size(array);
  if (n == 0) {
    goto cleanup;
  }
  refs = calloc(n, sizeof *refs);
  if (refs == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_array_get(array, i);
    const char *name = json_string_value(json_object_get(item, "name"));
    const char *subject = json_string_value(json_object_get(item, "subject"));
    json_t *version = json_object_get(item, "version");
    if (name == NULL || subject == NULL || !json_is_integer(version)) {
      rc = STRATA_E_STORE_ERROR;
      goto cleanup;
    }
    refs[i].name = strdup(name);
    refs[i].subject = strdup(subject);
    refs[i].version = (int32_t)json_integer_value(version);
    if (refs[i].name == NULL || refs[i].subject == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }
  *out = refs;
  *count = n;
  refs = NULL;
cleanup:
  if (refs != NULL) {
    refs_free(refs, n);
  }
  json_decref(array);
  return rc;
}

/* ---- loading ---- */

typedef struct load_state {
  ix_index *ix;
  char *err;
  size_t errlen;
} load_state;

static strata_error load_fail(load_state *st, const char *what, const char *context) {
  if (st->err != NULL && st->errlen > 0) {
    snprintf(st->err, st->errlen, "corrupt %s row in context '%s'", what, context);
  }
  return STRATA_E_STORE_ERROR;
}

static json_t *load_json(const char *text) {
  return text != NULL ? json_loads(text, 0, NULL) : NULL;
}

static strata_error load_schema(void *arg, const srs_schema_row *row) {
  load_state *st = arg;
  strata_schema_type type;
  ix_ref *refs = NULL;
  size_t nrefs = 0;
  strata_error rc = STRATA_E_OK;
  ix_context *ctx = ix_context_ensure(st->ix, row->context);
  if (ctx == NULL) {
    return STRATA_E_NOMEM;
  }
  if (strata_schema_type_from_name(row->schema_type, &type) != STRATA_E_OK) {
    return load_fail(st, "schema", row->context);
  }
  rc = ix_refs_parse(row->references, &refs, &nrefs);
  if (rc != STRATA_E_OK) {
    return rc == STRATA_E_NOMEM ? rc : load_fail(st, "schema", row->context);
  }
  if (ix_schema_add(st->ix, ctx, row->id, type, row->schema, refs, nrefs, load_json(row->metadata),
                    load_json(row->rule_set), row->identity, row->guid) == NULL) {
    rc = STRATA_E_NOMEM;
  }
  refs_free(refs, nrefs);
  return rc;
}

static strata_error load_version(void *arg, const srs_version_row *row) {
  load_state *st = arg;
  ix_context *ctx = ix_context_get(st->ix, row->context);
  ix_schema *schema = ix_schema_by_id(ctx, row->schema_id);
  if (schema == NULL) {
    return load_fail(st, "version", row->context);
  }
  ix_subject *subject = ix_subject_ensure(ctx, row->subject);
  if (subject == NULL || !ix_version_add(subject, row->version, schema, row->deleted, row->ts)) {
    return STRATA_E_NOMEM;
  }
  return STRATA_E_OK;
}

static strata_error load_config(void *arg, const srs_config_row *row) {
  load_state *st = arg;
  ix_context *ctx = ix_context_ensure(st->ix, row->context);
  json_t *config = load_json(row->config);
  if (ctx == NULL) {
    json_decref(config);
    return STRATA_E_NOMEM;
  }
  if (!json_is_object(config)) {
    json_decref(config);
    return load_fail(st, "config", row->context);
  }
  if (row->subject[0] == '\0') {
    json_decref(ctx->config);
    ctx->config = config;
    return STRATA_E_OK;
  }
  ix_subject *subject = ix_subject_ensure(ctx, row->subject);
  if (subject == NULL) {
    json_decref(config);
    return STRATA_E_NOMEM;
  }
  json_decref(subject->config);
  subject->config = config;
  return STRATA_E_OK;
}

static strata_error load_mode(void *arg, const srs_mode_row *row) {
  load_state *st = arg;
  ix_context *ctx = ix_context_ensure(st->ix, row->context);
  char *mode = strdup(row->mode);
  if (ctx == NULL || mode == NULL) {
    free(mode);
    return STRATA_E_NOMEM;
  }
  if (row->subject[0] == '\0') {
    free(ctx->mode);
    ctx->mode = mode;
    return STRATA_E_OK;
  }
  ix_subject *subject = ix_subject_ensure(ctx, row->subject);
  if (subject == NULL) {
    free(mode);
    return STRATA_E_NOMEM;
  }
  free(subject->mode);
  subject->mode = mode;
  return STRATA_E_OK;
}

strata_error ix_load(ix_index *ix, srs_store *store, char *err, size_t errlen) {
  load_state st = {ix, err, errlen};
  srs_loader loader = {&st, load_schema, load_version, load_config, load_mode};
  if (ix_context_ensure(ix, ".") == NULL) {
    return STRATA_E_NOMEM;
  }
  return store->load(store, &loader, err, errlen);
}
