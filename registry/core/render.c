/*
 * render.c - response entities (render.h).
 */
#include "core/render.h"

#include <stdlib.h>

#include <strata/compat.h>

#include "core/subject.h"

void rn_references(sjw_buf *buf, const ix_schema *schema) {
  sjw_putc(buf, '[');
  for (size_t i = 0; i < schema->nrefs; i++) {
    sjw_puts(buf, i > 0 ? ",{\"name\":" : "{\"name\":");
    sjw_string(buf, schema->refs[i].name);
    sjw_puts(buf, ",\"subject\":");
    sjw_string(buf, schema->refs[i].subject);
    sjw_printf(buf, ",\"version\":%d}", (int)schema->refs[i].version);
  }
  sjw_putc(buf, ']');
}

/* The members shared by both entities, from "schemaType" to "ruleSet"/"schema". */
static void schema_members(sjw_buf *buf, const ix_schema *schema) {
  sjw_puts(buf, ",\"schemaType\":");
  sjw_string(buf, strata_schema_type_name(schema->type));
  if (schema->nrefs > 0) {
    sjw_puts(buf, ",\"references\":");
    rn_references(buf, schema);
  }
  if (schema->metadata_text != NULL) {
    sjw_puts(buf, ",\"metadata\":");
    sjw_puts(buf, schema->metadata_text);
  }
  if (schema->rule_set_text != NULL) {
    sjw_puts(buf, ",\"ruleSet\":");
    sjw_puts(buf, schema->rule_set_text);
  }
  sjw_puts(buf, ",\"schema\":");
  sjw_string_n(buf, schema->text, schema->text_len);
}

void rn_version(sjw_buf *buf, const ix_subject *subject, const ix_version *version) {
  char *qualified = sn_qualify(subject->ctx->name, subject->name);
  sjw_puts(buf, "{\"subject\":");
  sjw_string(buf, qualified != NULL ? qualified : subject->name);
  free(qualified);
  sjw_printf(buf, ",\"version\":%d,\"id\":%lld,\"guid\":", (int)version->version,
             (long long)version->schema->id);
  sjw_string(buf, version->schema->guid);
  schema_members(buf, version->schema);
  sjw_printf(buf, ",\"ts\":%lld,\"deleted\":%s}", (long long)version->ts,
             version->deleted ? "true" : "false");
}

void rn_schema_string(sjw_buf *buf, const ix_schema *schema, const char *subject, int32_t version,
                      int64_t max_id) {
  sjw_putc(buf, '{');
  if (subject != NULL) {
    sjw_puts(buf, "\"subject\":");
    sjw_string(buf, subject);
    sjw_printf(buf, ",\"version\":%d,", (int)version);
  }
  sjw_puts(buf, "\"guid\":");
  sjw_string(buf, schema->guid);
  schema_members(buf, schema);
  if (max_id >= 0) {
    sjw_printf(buf, ",\"maxId\":%lld", (long long)max_id);
  }
  sjw_putc(buf, '}');
}

rb_body *rn_take(sjw_buf *buf) {
  size_t len = buf->len;
  char *text = sjw_take(buf);
  return text != NULL ? rb_adopt(text, len) : NULL;
}

/* Returns a reference to *slot, building it with @p build when empty (racing builders: one wins).
 */
static rb_body *cached(_Atomic(rb_body *) *slot, rb_body *fresh) {
  rb_body *expected = NULL;
  if (fresh == NULL) {
    return NULL;
  }
  rb_ref(fresh); /* one reference for the cache, one for the caller */
  if (!atomic_compare_exchange_strong(slot, &expected, fresh)) {
    rb_unref(fresh); /* another thread cached first: drop the cache reference */
  }
  return fresh;
}

rb_body *rn_schema_body(ix_schema *schema) {
  rb_body *body = atomic_load(&schema->body);
  if (body != NULL) {
    return rb_ref(body);
  }
  sjw_buf buf = SJW_BUF_INIT;
  rn_schema_string(&buf, schema, NULL, 0, -1);
  return cached(&schema->body, rn_take(&buf));
}

rb_body *rn_latest_body(ix_subject *subject, const ix_version *latest) {
  rb_body *body = atomic_load(&subject->latest_body);
  if (body != NULL) {
    return rb_ref(body);
  }
  sjw_buf buf = SJW_BUF_INIT;
  rn_version(&buf, subject, latest);
  return cached(&subject->latest_body, rn_take(&buf));
}
