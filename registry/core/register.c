/*
 * register.c - what registration, lookup and the compatibility endpoints
 * share (ops.h): parsing a request's schema with its references, the
 * identity digest, compatibility against stored versions, and referrers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/identity.h"
#include "core/ops.h"
#include "json_writer.h"

/* References nest at most this deep (a cycle would otherwise recurse forever). */
#define MAX_REF_DEPTH 32

void reg_candidate_free(reg_candidate *c) {
  if (c == NULL) {
    return;
  }
  strata_schema_free(&c->schema);
  ix_refs_free(c->refs, c->nrefs);
  json_decref(c->metadata);
  json_decref(c->rule_set);
  memset(c, 0, sizeof *c);
}

ix_subject *reg_ref_subject(reg_registry *reg, const ix_context *ctx, const ix_ref *ref) {
  sn_subject name = {0};
  char msg[64];
  ix_subject *subject = NULL;
  if (sn_parse(ref->subject, &name, msg, sizeof msg) != STRATA_E_OK) {
    return NULL;
  }
  /* An unqualified reference subject lives in the referrer's context. */
  const char *context = ref->subject[0] == ':' ? name.context : ctx->name;
  subject = ix_subject_get(ix_context_get(&reg->ix, context), name.name);
  sn_free(&name);
  return subject;
}

static const strata_schema *parsed_at(reg_registry *reg, ix_schema *schema, int depth);

/* The parsed reference closure of a schema (dependencies first, no duplicates), with the name
 * each was referenced by (a Protobuf import path). The arrays are new; the schemas are borrowed
 * from the index. */
typedef struct dep_list {
  const strata_schema **schemas;
  const char **names;
  size_t n;
  size_t cap;
} dep_list;

static void dep_list_release(dep_list *deps) {
  free(deps->schemas);
  free(deps->names);
  memset(deps, 0, sizeof *deps);
}

/* Appends the parsed closure of @p refs to @p deps. */
static bool collect_deps(reg_registry *reg, const ix_context *ctx, const ix_ref *refs, size_t nrefs,
                         int depth, dep_list *deps) {
  if (depth > MAX_REF_DEPTH) {
    return false;
  }
  for (size_t i = 0; i < nrefs; i++) {
    ix_version *v = ix_version_get(reg_ref_subject(reg, ctx, &refs[i]), refs[i].version);
    if (v == NULL) {
      return false;
    }
    if (!collect_deps(reg, ctx, v->schema->refs, v->schema->nrefs, depth + 1, deps)) {
      return false;
    }
    const strata_schema *parsed = parsed_at(reg, v->schema, depth + 1);
    if (parsed == NULL) {
      return false;
    }
    bool seen = false;
    for (size_t j = 0; j < deps->n && !seen; j++) {
      seen = deps->schemas[j] == parsed;
    }
    if (seen) {
      continue;
    }
    if (deps->n == deps->cap) {
      size_t grown_cap = deps->cap == 0 ? 4 : deps->cap * 2;
      const strata_schema **schemas = realloc(deps->schemas, grown_cap * sizeof *schemas);
      if (schemas == NULL) {
        return false;
      }
      deps->schemas = schemas;
      const char **names = realloc(deps->names, grown_cap * sizeof *names);
      if (names == NULL) {
        return false;
      }
      deps->names = names;
      deps->cap = grown_cap;
    }
    deps->schemas[deps->n] = parsed;
    deps->names[deps->n] = refs[i].name;
    deps->n++;
  }
  return true;
}

static const strata_schema *parsed_at(reg_registry *reg, ix_schema *schema, int depth) {
  strata_schema *parsed = atomic_load(&schema->parsed);
  dep_list deps = {0};
  if (parsed != NULL) {
    return parsed;
  }
  if (!collect_deps(reg, schema->ctx, schema->refs, schema->nrefs, depth, &deps)) {
    goto cleanup;
  }
  if (strata_schema_parse_named(schema->type, NULL, schema->text, schema->text_len, deps.schemas,
                                deps.names, deps.n, &parsed, NULL) != STRATA_E_OK) {
    parsed = NULL;
    goto cleanup;
  }
  strata_schema *expected = NULL;
  if (!atomic_compare_exchange_strong(&schema->parsed, &expected, parsed)) {
    strata_schema_free(&parsed); /* another thread parsed it first */
    parsed = expected;
  }
cleanup:
  dep_list_release(&deps);
  return parsed;
}

char *reg_schema_format_text(reg_registry *reg, ix_schema *schema, const char *format) {
  if (format == NULL) {
    return NULL;
  }
  if (strcmp(format, "serialized") == 0 && schema->type == STRATA_SCHEMA_PROTOBUF) {
    const strata_schema *parsed = reg_schema_parsed(reg, schema);
    return parsed != NULL ? strata_proto_serialized(parsed) : NULL;
  }
  if (strcmp(format, "resolved") != 0 || schema->nrefs == 0) {
    return NULL;
  }
  const strata_schema *parsed = reg_schema_parsed(reg, schema);
  return parsed != NULL ? strata_schema_resolved_text(parsed) : NULL;
}

const strata_schema *reg_schema_parsed(reg_registry *reg, ix_schema *schema) {
  return parsed_at(reg, schema, 0);
}

/* Resolves the request's references to concrete live versions; fills 42201 on a miss. */
static bool resolve_refs(reg_registry *reg, const ix_context *ctx, const js_schema_request *req,
                         reg_candidate *out, rq_reply *reply) {
  if (req->nrefs == 0) {
    return true;
  }
  out->refs = calloc(req->nrefs, sizeof *out->refs);
  if (out->refs == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    return false;
  }
  for (size_t i = 0; i < req->nrefs; i++) {
    const js_reference *r = &req->refs[i];
    ix_ref probe = {(char *)r->name, (char *)r->subject, (int32_t)r->version};
    ix_subject *subject = reg_ref_subject(reg, ctx, &probe);
    ix_version *v = NULL;
    if (r->version == -1) {
      v = ix_latest_live(subject);
    } else if (r->version >= 1 && r->version <= INT32_MAX) {
      v = ix_version_get(subject, (int32_t)r->version);
    }
    if (v == NULL || v->deleted) {
      rq_fail(reply, STRATA_E_INVALID_SCHEMA,
              "Invalid schema: no schema reference found for subject \"%s\" and version %lld",
              r->subject, (long long)r->version);
      return false;
    }
    out->refs[i].name = strdup(r->name);
    out->refs[i].subject = strdup(r->subject);
    out->refs[i].version = v->version;
    out->nrefs = i + 1;
    if (out->refs[i].name == NULL || out->refs[i].subject == NULL) {
      rq_fail(reply, STRATA_E_NOMEM, NULL);
      return false;
    }
  }
  return true;
}

/* The schema type named by the request; fills 42201 for unknown or unsupported types. */
static bool request_type(const char *name, strata_schema_type *out, rq_reply *reply) {
  static const strata_schema_type all[] = {STRATA_SCHEMA_AVRO, STRATA_SCHEMA_PROTOBUF,
                                           STRATA_SCHEMA_JSON, STRATA_SCHEMA_TABLE};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (strcmp(name, strata_schema_type_name(all[i])) == 0) {
      if (!strata_schema_type_supported(all[i])) {
        char supported[64] = "";
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
          if (strata_schema_type_supported(all[k])) {
            size_t used = strlen(supported);
            snprintf(supported + used, sizeof supported - used, "%s%s", used > 0 ? ", " : "",
                     strata_schema_type_name(all[k]));
          }
        }
        rq_fail(reply, STRATA_E_INVALID_SCHEMA,
                "Invalid schema type %s: this registry does not support %s schemas yet "
                "(supported: %s)",
                name, name, supported);
        return false;
      }
      *out = all[i];
      return true;
    }
  }
  rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Invalid schema type %s", name);
  return false;
}

bool reg_candidate_parse(reg_registry *reg, const char *context, const js_schema_request *req,
                         const ix_schema *fallback, reg_candidate *out, rq_reply *reply) {
  char msg[512] = "";
  strata_diag diag;
  dep_list deps = {0};
  const char *text = req->schema;
  size_t len = req->schema_len;
  js_schema_request refs_from = *req;
  js_reference *fallback_refs = NULL;
  bool ok = false;
  strata_error rc;
  memset(out, 0, sizeof *out);
  memset(&diag, 0, sizeof diag);
  ix_context *ctx = ix_context_get(&reg->ix, context);
  if (text == NULL && fallback == NULL) {
    rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Empty schema");
    goto cleanup;
  }
  if (text == NULL) {
    /* A metadata-only update: the previous version's schema, type and references. */
    text = fallback->text;
    len = fallback->text_len;
    out->type = fallback->type;
    if (fallback->nrefs > 0) {
      fallback_refs = calloc(fallback->nrefs, sizeof *fallback_refs);
      if (fallback_refs == NULL) {
        rq_fail(reply, STRATA_E_NOMEM, NULL);
        goto cleanup;
      }
      for (size_t i = 0; i < fallback->nrefs; i++) {
        fallback_refs[i] = (js_reference){fallback->refs[i].name, fallback->refs[i].subject,
                                          fallback->refs[i].version};
      }
    }
    refs_from.refs = fallback_refs;
    refs_from.nrefs = fallback->nrefs;
  } else if (!request_type(req->schema_type != NULL ? req->schema_type : "AVRO", &out->type,
                           reply)) {
    goto cleanup;
  }
  rc = ct_metadata_normal(req->metadata, &out->metadata, msg, sizeof msg);
  if (rc == STRATA_E_OK) {
    rc = ct_rule_set_normal(req->rule_set, &out->rule_set, msg, sizeof msg);
  }
  if (rc != STRATA_E_OK) {
    rq_fail(reply, rc, "%s", msg[0] != '\0' ? msg : strata_strerror(rc));
    goto cleanup;
  }
  if (ctx != NULL && !resolve_refs(reg, ctx, &refs_from, out, reply)) {
    goto cleanup;
  }
  if (ctx == NULL && refs_from.nrefs > 0) {
    rq_fail(reply, STRATA_E_INVALID_SCHEMA,
            "Invalid schema: no schema reference found for subject \"%s\"",
            refs_from.refs[0].subject);
    goto cleanup;
  }
  if (ctx != NULL && !collect_deps(reg, ctx, out->refs, out->nrefs, 0, &deps)) {
    rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Invalid schema: a referenced schema cannot be read");
    goto cleanup;
  }
  rc = strata_schema_parse_named(out->type, NULL, text, len, deps.schemas, deps.names, deps.n,
                                 &out->schema, &diag);
  if (rc == STRATA_E_NOMEM) {
    rq_fail(reply, rc, NULL);
    goto cleanup;
  }
  if (rc != STRATA_E_OK) {
    if (diag.line > 0) {
      rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Invalid schema: %s (line %d, column %d)",
              diag.message, diag.line, diag.column);
    } else if (diag.path[0] != '\0' && strstr(diag.message, diag.path) == NULL) {
      rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Invalid schema: %s (at %s)", diag.message,
              diag.path);
    } else {
      rq_fail(reply, STRATA_E_INVALID_SCHEMA, "Invalid schema: %s",
              diag.message[0] != '\0' ? diag.message : "it does not parse");
    }
    goto cleanup;
  }
  ok = true;
cleanup:
  dep_list_release(&deps);
  free(fallback_refs);
  if (!ok) {
    reg_candidate_free(out);
  }
  return ok;
}

void reg_identity(const reg_candidate *c, const json_t *metadata, const json_t *rule_set,
                  char hex[33], char guid[37]) {
  unsigned char digest[16];
  idn_ref stack_refs[8];
  idn_ref *refs = c->nrefs <= 8 ? stack_refs : malloc(c->nrefs * sizeof *refs);
  size_t nrefs = refs != NULL ? c->nrefs : 0;
  char *metadata_text = ct_dump(metadata);
  char *rule_set_text = ct_dump(rule_set);
  for (size_t i = 0; i < nrefs; i++) {
    refs[i] = (idn_ref){c->refs[i].name, c->refs[i].subject, c->refs[i].version};
  }
  const char *canonical = strata_schema_canonical(c->schema);
  idn_digest(canonical, strlen(canonical), refs, nrefs, metadata_text, rule_set_text, digest);
  idn_hex(digest, hex);
  idn_guid(digest, guid);
  if (refs != stack_refs) {
    free(refs);
  }
  free(metadata_text);
  free(rule_set_text);
}

bool reg_check(reg_registry *reg, ix_subject *subject, const reg_candidate *candidate,
               const json_t *metadata, strata_compat_level level, const ix_version *only,
               strata_compat_result **out, rq_reply *reply) {
  const strata_schema **previous = NULL;
  int *versions = NULL;
  size_t n = 0;
  bool ok = false;
  *out = NULL;
  if (level == STRATA_COMPAT_NONE || subject == NULL) {
    return true;
  }
  previous = calloc(subject->nversions + 1, sizeof *previous);
  versions = calloc(subject->nversions + 1, sizeof *versions);
  if (previous == NULL || versions == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    goto cleanup;
  }
  /* compatibilityGroup: only versions whose group property equals the candidate's. */
  const char *group =
      only == NULL ? json_string_value(reg_config_member(reg, subject->ctx->name, subject->name,
                                                         "compatibilityGroup"))
                   : NULL;
  const char *mine = group != NULL ? ct_metadata_property(metadata, group) : NULL;
  for (size_t i = 0; i < subject->nversions; i++) {
    ix_version *v = &subject->versions[i];
    if (v->deleted || (only != NULL && v != only)) {
      continue;
    }
    if (group != NULL) {
      const char *theirs = ct_metadata_property(v->schema->metadata, group);
      if ((mine == NULL) != (theirs == NULL) || (mine != NULL && strcmp(mine, theirs) != 0)) {
        continue;
      }
    }
    const strata_schema *parsed = reg_schema_parsed(reg, v->schema);
    if (parsed == NULL) {
      rq_fail(reply, STRATA_E_INTERNAL, "stored schema %lld of subject '%s' cannot be parsed",
              (long long)v->schema->id, subject->name);
      goto cleanup;
    }
    previous[n] = parsed;
    versions[n] = v->version;
    n++;
  }
  if (n == 0) {
    ok = true;
    goto cleanup;
  }
  if (strata_compat_check(level, candidate->schema, (const strata_schema *const *)previous,
                          versions, n, out) != STRATA_E_OK) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    goto cleanup;
  }
  ok = true;
cleanup:
  free(previous);
  free(versions);
  return ok;
}

static int compare_ids(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a;
  int64_t y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Whether @p schema is held by a live version anywhere in its context. */
static bool held_live(const ix_schema *schema) {
  HM_FOREACH(&schema->ctx->subjects, slot) {
    const ix_subject *s = slot->value;
    for (size_t i = 0; i < s->nversions; i++) {
      if (s->versions[i].schema == schema && !s->versions[i].deleted) {
        return true;
      }
    }
  }
  return false;
}

size_t reg_referrers(reg_registry *reg, const ix_context *ctx, const ix_subject *subject,
                     int32_t version, bool include_deleted, int64_t **ids) {
  size_t n = 0;
  size_t cap = 0;
  int64_t *out = NULL;
  *ids = NULL;
  HM_FOREACH(&ctx->ids, slot) {
    ix_schema *schema = slot->value;
    bool refers = false;
    for (size_t i = 0; i < schema->nrefs && !refers; i++) {
      refers = schema->refs[i].version == version &&
               reg_ref_subject(reg, ctx, &schema->refs[i]) == subject;
    }
    if (!refers || (!include_deleted && !held_live(schema))) {
      continue;
    }
    if (n == cap) {
      cap = cap == 0 ? 8 : cap * 2;
      int64_t *grown = realloc(out, cap * sizeof *grown);
      if (grown == NULL) {
        free(out);
        return (size_t)-1;
      }
      out = grown;
    }
    out[n++] = schema->id;
  }
  if (n > 1) {
    qsort(out, n, sizeof *out, compare_ids);
  }
  *ids = out;
  return n;
}

void reg_fail_incompatible(rq_reply *reply, const char *display, strata_compat_result *result) {
  const char *const *messages = NULL;
  size_t count = 0;
  sjw_buf buf = SJW_BUF_INIT;
  sjw_printf(&buf,
             "Schema being registered is incompatible with an earlier schema for subject \"%s\", "
             "details: [",
             display);
  if (strata_compat_result_messages(result, false, &messages, &count) == STRATA_E_OK) {
    for (size_t i = 0; i < count; i++) {
      sjw_puts(&buf, i > 0 ? ", " : "");
      sjw_puts(&buf, messages[i]);
    }
  }
  sjw_putc(&buf, ']');
  char *text = sjw_take(&buf);
  rq_fail(reply, STRATA_E_INCOMPATIBLE_SCHEMA, "%s",
          text != NULL ? text : "Schema being registered is incompatible with an earlier schema");
  free(text);
}
