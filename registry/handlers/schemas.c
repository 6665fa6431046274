/*
 * schemas.c - /schemas: by id, by guid, types and the listing (spec §3.2).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/render.h"
#include "handlers/handlers.h"

/*
 * The context a /schemas/ids request looks in: the one of its `subject`
 * parameter (or of the /contexts/{ctx} prefix), else the default context.
 * Fills 42208 for an invalid subject.
 */
static bool id_scope(const rq_request *req, sn_subject *scope, rq_reply *reply) {
  const char *subject = rq_query(req, "subject");
  if (subject == NULL && req->context != NULL) {
    char *qualified = sn_qualify(req->context, "");
    bool ok = qualified != NULL && reg_subject_parse(qualified, scope, reply);
    free(qualified);
    return ok;
  }
  return reg_subject_parse(subject != NULL ? subject : "", scope, reply);
}

/* The schema with id @p id: in the scope's context, else (unqualified) in any context. */
static ix_schema *find_by_id(reg_registry *reg, const rq_request *req, const sn_subject *scope,
                             int64_t id) {
  ix_schema *schema = ix_schema_by_id(ix_context_get(&reg->ix, scope->context), id);
  const char *subject = rq_query(req, "subject");
  bool qualified = req->context != NULL || (subject != NULL && subject[0] == ':');
  if (schema == NULL && !qualified) {
    HM_FOREACH(&reg->ix.contexts, slot) {
      if (schema == NULL) {
        schema = ix_schema_by_id(slot->value, id);
      }
    }
  }
  return schema;
}

void h_schema_by_id(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject scope = {0};
  bool max_id = rq_query_bool(req, "fetchMaxId");
  if (!id_scope(req, &scope, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_schema *schema = find_by_id(reg, req, &scope, req->id);
  char *text = schema != NULL ? reg_schema_format_text(reg, schema, rq_query(req, "format")) : NULL;
  ix_schema shown;
  if (text != NULL) {
    /* The same entity around the text in the requested format. */
    shown = *schema;
    shown.text = text;
    shown.text_len = strlen(text);
  }
  if (schema == NULL) {
    rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema %lld not found", (long long)req->id);
  } else if (scope.name[0] == '\0' && !max_id && text == NULL) {
    rq_set_body(reply, rn_schema_body(schema)); /* the hot path: a cached body */
  } else {
    /* Report the given subject's newest version with this id, if it has one. */
    ix_subject *subject = ix_subject_get(schema->ctx, scope.name);
    const ix_version *found = NULL;
    for (size_t i = subject != NULL ? subject->nversions : 0; i > 0 && found == NULL; i--) {
      found = subject->versions[i - 1].schema == schema ? &subject->versions[i - 1] : NULL;
    }
    char *name = found != NULL ? reg_subject_qualified(subject) : NULL;
    sjw_buf buf = SJW_BUF_INIT;
    rn_schema_string(&buf, text != NULL ? &shown : schema, name, found != NULL ? found->version : 0,
                     max_id ? schema->ctx->max_id : -1);
    free(name);
    rq_set_body(reply, rn_take(&buf));
  }
  reg_read_end(reg);
  free(text);
cleanup:
  sn_free(&scope);
}

void h_schema_by_id_text(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject scope = {0};
  if (!id_scope(req, &scope, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_schema *schema = find_by_id(reg, req, &scope, req->id);
  if (schema == NULL) {
    rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema %lld not found", (long long)req->id);
  } else {
    rq_set_text(reply, schema->text, schema->text_len);
  }
  reg_read_end(reg);
cleanup:
  sn_free(&scope);
}

/* Both usage listings: subjects (names) or versions ({subject, version}). */
static void id_usages(reg_registry *reg, const rq_request *req, bool versions, rq_reply *reply) {
  sn_subject scope = {0};
  bool deleted = rq_query_bool(req, "deleted");
  size_t offset;
  size_t limit;
  char **names = NULL;
  int32_t *numbers = NULL;
  size_t n = 0;
  if (!h_page(req, 0, 0, &offset, &limit, reply) || !id_scope(req, &scope, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_schema *schema = find_by_id(reg, req, &scope, req->id);
  if (schema == NULL) {
    rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema not found");
    goto unlock;
  }
  names = calloc(schema->holders + 1, sizeof *names);
  numbers = calloc(schema->holders + 1, sizeof *numbers);
  if (names == NULL || numbers == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    goto unlock;
  }
  HM_FOREACH(&schema->ctx->subjects, slot) {
    ix_subject *s = slot->value;
    if (scope.name[0] != '\0' && strcmp(s->name, scope.name) != 0) {
      continue;
    }
    bool listed = false;
    for (size_t i = 0; i < s->nversions && n < schema->holders; i++) {
      const ix_version *v = &s->versions[i];
      if (v->schema != schema || (v->deleted && !deleted) || (!versions && listed)) {
        continue;
      }
      names[n] = reg_subject_qualified(s);
      numbers[n] = v->version;
      listed = names[n] != NULL;
      n += listed;
    }
  }
  /* Sort by (subject, version). */
  for (size_t i = 1; i < n; i++) {
    for (size_t j = i; j > 0; j--) {
      int c = strcmp(names[j - 1], names[j]);
      if (c < 0 || (c == 0 && numbers[j - 1] < numbers[j])) {
        break;
      }
      char *tn = names[j];
      int32_t tv = numbers[j];
      names[j] = names[j - 1];
      numbers[j] = numbers[j - 1];
      names[j - 1] = tn;
      numbers[j - 1] = tv;
    }
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  for (size_t i = 0; i < n; i++) {
    if (!h_in_page(i, offset, limit)) {
      continue;
    }
    sjw_puts(&buf, buf.len > 1 ? "," : "");
    if (versions) {
      sjw_puts(&buf, "{\"subject\":");
      sjw_string(&buf, names[i]);
      sjw_printf(&buf, ",\"version\":%d}", (int)numbers[i]);
    } else {
      sjw_string(&buf, names[i]);
    }
  }
  sjw_putc(&buf, ']');
  rq_set_body(reply, rn_take(&buf));
unlock:
  reg_read_end(reg);
cleanup:
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
  free(numbers);
  sn_free(&scope);
}

void h_schema_id_subjects(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  id_usages(reg, req, false, reply);
}

void h_schema_id_versions(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  id_usages(reg, req, true, reply);
}

void h_schemas_types(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  static const strata_schema_type all[] = {STRATA_SCHEMA_AVRO, STRATA_SCHEMA_PROTOBUF,
                                           STRATA_SCHEMA_JSON, STRATA_SCHEMA_TABLE};
  (void)reg;
  (void)req;
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (strata_schema_type_supported(all[i])) {
      sjw_puts(&buf, buf.len > 1 ? "," : "");
      sjw_string(&buf, strata_schema_type_name(all[i]));
    }
  }
  sjw_putc(&buf, ']');
  rq_set_body(reply, rn_take(&buf));
}

/* The identity hex of a guid ("8-4-4-4-12" hex digits), or false. */
static bool guid_identity(const char *guid, char hex[33]) {
  size_t n = 0;
  for (const char *p = guid; *p != '\0'; p++) {
    if (*p == '-') {
      continue;
    }
    if (!isxdigit((unsigned char)*p) || n == 32) {
      return false;
    }
    hex[n++] = (char)tolower((unsigned char)*p);
  }
  hex[n] = '\0';
  return n == 32;
}

void h_schema_by_guid(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  char hex[33];
  ix_schema *schema = NULL;
  reg_read_begin(reg);
  if (guid_identity(req->guid, hex)) {
    HM_FOREACH(&reg->ix.contexts, slot) {
      if (schema == NULL) {
        schema = ix_schema_by_identity(slot->value, hex);
      }
    }
  }
  if (schema == NULL) {
    rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema not found");
  } else {
    sjw_buf buf = SJW_BUF_INIT;
    rn_schema_string(&buf, schema, NULL, 0, -1);
    rq_set_body(reply, rn_take(&buf));
  }
  reg_read_end(reg);
}

void h_schema_guid_ids(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  char hex[33];
  bool valid = guid_identity(req->guid, hex);
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  reg_read_begin(reg);
  HM_FOREACH(&reg->ix.contexts, slot) {
    ix_context *ctx = slot->value;
    ix_schema *schema = valid ? ix_schema_by_identity(ctx, hex) : NULL;
    if (schema != NULL) {
      sjw_puts(&buf, buf.len > 1 ? ",{\"context\":" : "{\"context\":");
      sjw_string(&buf, ctx->name);
      sjw_printf(&buf, ",\"id\":%lld}", (long long)schema->id);
    }
  }
  reg_read_end(reg);
  sjw_putc(&buf, ']');
  rq_set_body(reply, rn_take(&buf));
}

typedef struct listed {
  char *name;
  const ix_subject *subject;
  const ix_version *version;
} listed;

static int compare_listed(const void *a, const void *b) {
  const listed *x = a;
  const listed *y = b;
  int c = strcmp(x->name, y->name);
  return c != 0 ? c
                : (x->version->version > y->version->version) -
                      (x->version->version < y->version->version);
}

void h_schemas_list(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  bool deleted = rq_query_bool(req, "deleted");
  bool latest_only = rq_query_bool(req, "latestOnly");
  const char *prefix = rq_query(req, "subjectPrefix");
  char *context_prefix = NULL;
  listed *items = NULL;
  size_t n = 0;
  size_t cap = 0;
  size_t offset;
  size_t limit;
  if (!h_page(req, (size_t)reg->search_limit, (size_t)reg->search_limit, &offset, &limit, reply)) {
    return;
  }
  if (prefix == NULL && req->context != NULL) {
    context_prefix = sn_qualify(req->context, "");
    prefix = context_prefix;
  }
  reg_read_begin(reg);
  HM_FOREACH(&reg->ix.contexts, cslot) {
    HM_FOREACH(&((ix_context *)cslot->value)->subjects, sslot) {
      const ix_subject *s = sslot->value;
      const ix_version *latest = ix_latest_live(s);
      char *name = reg_subject_qualified(s);
      if (name == NULL || (prefix != NULL && strncmp(name, prefix, strlen(prefix)) != 0)) {
        free(name);
        continue;
      }
      bool owned = false;
      for (size_t i = 0; i < s->nversions; i++) {
        const ix_version *v = &s->versions[i];
        if ((v->deleted && !deleted) || (latest_only && v != latest)) {
          continue;
        }
        if (n == cap) {
          cap = cap == 0 ? 64 : cap * 2;
          listed *grown = realloc(items, cap * sizeof *grown);
          if (grown == NULL) {
            break;
          }
          items = grown;
        }
        char *copy = owned ? strdup(name) : name;
        if (copy != NULL) {
          items[n++] = (listed){copy, s, v};
          owned = true;
        }
      }
      if (!owned) {
        free(name);
      }
    }
  }
  if (n > 1) {
    qsort(items, n, sizeof *items, compare_listed);
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  for (size_t i = 0; i < n; i++) {
    if (h_in_page(i, offset, limit)) {
      sjw_puts(&buf, buf.len > 1 ? "," : "");
      rn_version(&buf, items[i].subject, items[i].version);
    }
  }
  sjw_putc(&buf, ']');
  reg_read_end(reg);
  rq_set_body(reply, rn_take(&buf));
  for (size_t i = 0; i < n; i++) {
    free(items[i].name);
  }
  free(items);
  free(context_prefix);
}
