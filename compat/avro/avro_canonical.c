/*
 * avro_canonical.c - the two text forms of an Avro schema:
 *  - the registry's canonical text, as Java's Schema.toString() writes it
 *    (what Confluent stores and returns): compact JSON keeping doc, defaults,
 *    aliases, order, logical types and custom properties;
 *  - the specification's Parsing Canonical Form, the input of fingerprints.
 */
#include "avro_model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The named types already written: later uses are written as names. */
typedef struct written_set {
  const sav_node **slots;
  /* the order in which each slot's node was added */
  size_t *order;
  size_t cap;
  size_t count;
  bool failed;
} written_set;

static size_t ptr_hash(const void *p) {
  uintptr_t v = (uintptr_t)p;
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  return (size_t)v;
}

/* The slot of @p node, or of the empty slot where it would go. */
static size_t written_slot(const written_set *set, const sav_node *node) {
  size_t i = ptr_hash(node) & (set->cap - 1);
  while (set->slots[i] != NULL && set->slots[i] != node) {
    i = (i + 1) & (set->cap - 1);
  }
  return i;
}

static bool written_contains(const written_set *set, const sav_node *node) {
  return set->cap > 0 && set->slots[written_slot(set, node)] == node;
}

/* The 0-based order in which @p node was added; it must be in the set. */
static size_t written_order(const written_set *set, const sav_node *node) {
  return set->order[written_slot(set, node)];
}

static void written_add(written_set *set, const sav_node *node) {
  if ((set->count + 1) * 2 > set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 16;
    written_set grown = {calloc(cap, sizeof *grown.slots), calloc(cap, sizeof *grown.order), cap,
                         set->count, false};
    if (grown.slots == NULL || grown.order == NULL) {
      free(grown.slots);
      free(grown.order);
      set->failed = true;
      return;
    }
    for (size_t i = 0; i < set->cap; i++) {
      if (set->slots[i] != NULL) {
        size_t j = written_slot(&grown, set->slots[i]);
        grown.slots[j] = set->slots[i];
        grown.order[j] = set->order[i];
      }
    }
    free(set->slots);
    free(set->order);
    *set = grown;
  }
  size_t i = written_slot(set, node);
  set->slots[i] = node;
  set->order[i] = set->count++;
}

static void written_release(written_set *set) {
  free(set->slots);
  free(set->order);
}

typedef struct canon_ctx {
  sjw_buf buf;
  written_set written;
  const sav_schema *schema;
  /* the enclosing namespace (Java's names.space()) */
  const char *space;
} canon_ctx;

static bool same_space(const char *a, const char *b) {
  return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Java Name.getQualified(defaultSpace). */
static void write_qualified(sjw_buf *buf, const char *space, const char *name, const char *full,
                            const char *default_space) {
  sjw_string(buf, (space == NULL || same_space(space, default_space)) ? name : full);
}

static void write_props(sjw_buf *buf, const json_t *props) {
  const char *key;
  json_t *value;
  if (props == NULL) {
    return;
  }
  json_object_foreach((json_t *)props, key, value) {
    sjw_putc(buf, ',');
    sjw_string(buf, key);
    sjw_putc(buf, ':');
    sjw_value(buf, value);
  }
}

static void write_aliases(sjw_buf *buf, const sav_node *node) {
  if (node->naliases == 0) {
    return;
  }
  sjw_puts(buf, ",\"aliases\":[");
  for (size_t i = 0; i < node->naliases; i++) {
    const char *full = node->aliases[i];
    const char *dot = strrchr(full, '.');
    if (i > 0) {
      sjw_putc(buf, ',');
    }
    /* qualified relative to the type's own namespace */
    if (dot != NULL && node->space != NULL && strlen(node->space) == (size_t)(dot - full) &&
        strncmp(full, node->space, (size_t)(dot - full)) == 0) {
      sjw_string(buf, dot + 1);
    } else {
      sjw_string(buf, full);
    }
  }
  sjw_putc(buf, ']');
}

/* Java's writeName(): the name, and the namespace when it differs from the
 * enclosing one (an empty namespace inside a non-empty one is written ""). */
static void write_name(canon_ctx *ctx, const sav_node *node) {
  sjw_puts(&ctx->buf, ",\"name\":");
  sjw_string(&ctx->buf, node->name);
  if (node->space != NULL) {
    if (!same_space(node->space, ctx->space)) {
      sjw_puts(&ctx->buf, ",\"namespace\":");
      sjw_string(&ctx->buf, node->space);
    }
  } else if (ctx->space != NULL) {
    sjw_puts(&ctx->buf, ",\"namespace\":\"\"");
  }
}

static void write_canonical(canon_ctx *ctx, const sav_node *node) {
  sjw_buf *buf = &ctx->buf;

  /* A named type is written by name once defined, and always when it comes from a reference,
   * unless references are being resolved (ctx->schema NULL). */
  if (sav_is_named(node->kind) && ((ctx->schema != NULL && node->owner != ctx->schema) ||
                                   written_contains(&ctx->written, node))) {
    write_qualified(buf, node->space, node->name, node->fullname, ctx->space);
    return;
  }
  switch (node->kind) {
  case SAV_UNION:
    sjw_putc(buf, '[');
    for (size_t i = 0; i < node->nbranches; i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      write_canonical(ctx, node->branches[i]);
    }
    sjw_putc(buf, ']');
    return;
  case SAV_ARRAY:
  case SAV_MAP:
    sjw_puts(buf, node->kind == SAV_ARRAY ? "{\"type\":\"array\",\"items\":"
                                          : "{\"type\":\"map\",\"values\":");
    write_canonical(ctx, node->child);
    write_props(buf, node->props);
    sjw_putc(buf, '}');
    return;
  case SAV_RECORD: {
    const char *saved_space = ctx->space;
    written_add(&ctx->written, node);
    sjw_puts(buf, node->is_error ? "{\"type\":\"error\"" : "{\"type\":\"record\"");
    write_name(ctx, node);
    ctx->space = node->space;
    if (node->doc != NULL) {
      sjw_puts(buf, ",\"doc\":");
      sjw_string(buf, node->doc);
    }
    sjw_puts(buf, ",\"fields\":[");
    for (size_t i = 0; i < node->nfields; i++) {
      const sav_field *f = &node->fields[i];
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      sjw_puts(buf, "{\"name\":");
      sjw_string(buf, f->name);
      sjw_puts(buf, ",\"type\":");
      write_canonical(ctx, f->type);
      if (f->doc != NULL) {
        sjw_puts(buf, ",\"doc\":");
        sjw_string(buf, f->doc);
      }
      if (f->default_value != NULL) {
        sjw_puts(buf, ",\"default\":");
        sjw_value(buf, f->default_value);
      }
      if (f->order != SAV_ORDER_ASCENDING) {
        sjw_puts(buf, f->order == SAV_ORDER_DESCENDING ? ",\"order\":\"descending\""
                                                       : ",\"order\":\"ignore\"");
      }
      if (f->naliases > 0) {
        sjw_puts(buf, ",\"aliases\":[");
        for (size_t j = 0; j < f->naliases; j++) {
          if (j > 0) {
            sjw_putc(buf, ',');
          }
          sjw_string(buf, f->aliases[j]);
        }
        sjw_putc(buf, ']');
      }
      write_props(buf, f->props);
      sjw_putc(buf, '}');
    }
    sjw_putc(buf, ']');
    write_props(buf, node->props);
    write_aliases(buf, node);
    sjw_putc(buf, '}');
    ctx->space = saved_space;
    return;
  }
  case SAV_ENUM:
    written_add(&ctx->written, node);
    sjw_puts(buf, "{\"type\":\"enum\"");
    write_name(ctx, node);
    if (node->doc != NULL) {
      sjw_puts(buf, ",\"doc\":");
      sjw_string(buf, node->doc);
    }
    sjw_puts(buf, ",\"symbols\":[");
    for (size_t i = 0; i < node->nsymbols; i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      sjw_string(buf, node->symbols[i]);
    }
    sjw_putc(buf, ']');
    if (node->enum_default != NULL) {
      sjw_puts(buf, ",\"default\":");
      sjw_string(buf, node->enum_default);
    }
    write_props(buf, node->props);
    write_aliases(buf, node);
    sjw_putc(buf, '}');
    return;
  case SAV_FIXED:
    written_add(&ctx->written, node);
    sjw_puts(buf, "{\"type\":\"fixed\"");
    write_name(ctx, node);
    if (node->doc != NULL) {
      sjw_puts(buf, ",\"doc\":");
      sjw_string(buf, node->doc);
    }
    sjw_printf(buf, ",\"size\":%lld", node->size);
    write_props(buf, node->props);
    write_aliases(buf, node);
    sjw_putc(buf, '}');
    return;
  default:
    /* primitives */
    if (node->props == NULL) {
      sjw_string(buf, sav_kind_name(node->kind));
    } else {
      sjw_puts(buf, "{\"type\":");
      sjw_string(buf, sav_kind_name(node->kind));
      write_props(buf, node->props);
      sjw_putc(buf, '}');
    }
    return;
  }
}

static char *canonical_of(const sav_schema *schema, const sav_node *root) {
  canon_ctx ctx = {SJW_BUF_INIT, {0}, schema, NULL};
  char *text = NULL;

  write_canonical(&ctx, root);
  if (!ctx.written.failed) {
    text = sjw_take(&ctx.buf);
  }
  sjw_release(&ctx.buf);
  written_release(&ctx.written);
  return text;
}

char *sav_canonical(const void *model) {
  const sav_schema *schema = model;
  return canonical_of(schema, schema->root);
}

char *sav_resolved(const void *model) {
  const sav_schema *schema = model;
  return canonical_of(NULL, schema->root);
}

char *sav_node_json(const sav_node *node) {
  return canonical_of(node->owner, node);
}

/* The Parsing Canonical Form: [PRIMITIVES], [FULLNAMES], [STRIP], [ORDER],
 * [STRINGS], [INTEGERS], [WHITESPACE]. Named types from references are
 * written in full at their first use, so the form is self-contained. */
static void write_normal(sjw_buf *buf, written_set *written, bool synthetic, const sav_node *node) {
  if (sav_is_named(node->kind)) {
    bool seen = written_contains(written, node);
    if (!seen) {
      written_add(written, node);
      sjw_puts(buf, "{\"name\":");
    }
    if (written->failed) {
      return;
    }
    if (synthetic) {
      sjw_printf(buf, "\"T%zu\"", written_order(written, node));
    } else {
      sjw_string(buf, node->fullname);
    }
    if (seen) {
      return;
    }
  }
  switch (node->kind) {
  case SAV_RECORD:
    sjw_puts(buf, ",\"type\":\"record\",\"fields\":[");
    for (size_t i = 0; i < node->nfields; i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      sjw_puts(buf, "{\"name\":");
      sjw_string(buf, node->fields[i].name);
      sjw_puts(buf, ",\"type\":");
      write_normal(buf, written, synthetic, node->fields[i].type);
      sjw_putc(buf, '}');
    }
    sjw_puts(buf, "]}");
    return;
  case SAV_ENUM:
    sjw_puts(buf, ",\"type\":\"enum\",\"symbols\":[");
    for (size_t i = 0; i < node->nsymbols; i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      sjw_string(buf, node->symbols[i]);
    }
    sjw_puts(buf, "]}");
    return;
  case SAV_FIXED:
    sjw_printf(buf, ",\"type\":\"fixed\",\"size\":%lld}", node->size);
    return;
  case SAV_ARRAY:
    sjw_puts(buf, "{\"type\":\"array\",\"items\":");
    write_normal(buf, written, synthetic, node->child);
    sjw_putc(buf, '}');
    return;
  case SAV_MAP:
    sjw_puts(buf, "{\"type\":\"map\",\"values\":");
    write_normal(buf, written, synthetic, node->child);
    sjw_putc(buf, '}');
    return;
  case SAV_UNION:
    sjw_putc(buf, '[');
    for (size_t i = 0; i < node->nbranches; i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      write_normal(buf, written, synthetic, node->branches[i]);
    }
    sjw_putc(buf, ']');
    return;
  default:
    sjw_string(buf, sav_kind_name(node->kind));
    return;
  }
}

static char *normal_of(const sav_schema *schema, bool synthetic) {
  sjw_buf buf = SJW_BUF_INIT;
  written_set written = {0};
  char *text = NULL;

  write_normal(&buf, &written, synthetic, schema->root);
  if (!written.failed) {
    text = sjw_take(&buf);
  }
  sjw_release(&buf);
  written_release(&written);
  return text;
}

char *sav_normal_form(const void *model) {
  return normal_of(model, false);
}

char *sav_structure_form(const sav_schema *schema) {
  return normal_of(schema, true);
}
