/*
 * avro_resolve.c - Avro schema resolution for the deserializer: reads Avro
 * binary written with one schema into a generic avro-c value of another,
 * by the specification's rules ("Schema Resolution"):
 *   - records match by name (or a reader alias); writer fields the reader
 *     lacks are skipped, reader fields the writer lacks take their default;
 *     fields match by name or a reader field alias;
 *   - enums map symbols by name; a symbol the reader lacks takes the reader's
 *     enum default, else the message fails;
 *   - int -> long, float, double; long -> float, double; float -> double;
 *     string <-> bytes;
 *   - a writer union resolves each branch on its own (a branch the reader
 *     cannot take fails only the messages that use it); a reader union takes
 *     the first branch of the same type and name, else the first that
 *     resolves.
 * Names compare unqualified, as Java's SchemaCompatibility does. avro-c
 * parses the schemas; defaults and aliases, which avro-c drops, come from the
 * reader's JSON text (scla_names).
 */
#include "avro_serde_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of a decoded value, a skipped value or a default. */
#define SCLA_MAX_DEPTH 1000
/* Items every collection of one message may hold beyond the message's length
 * (items of null or empty records take no bytes). */
#define SCLA_FREE_ITEMS ((uint64_t)1 << 20)

/* ---- named types from the JSON text ------------------------------------------ */

typedef struct scla_named {
  char *fullname;
  char *space; /* NULL: the null namespace */
  const json_t *def;
} scla_named;

struct scla_names {
  json_t *root;
  scla_named *items;
  size_t count;
  size_t cap;
};

static char *join_name(const char *space, const char *name) {
  size_t ns = space != NULL ? strlen(space) : 0;
  size_t nn = strlen(name);
  char *full = malloc(ns + nn + 2);
  if (full == NULL) {
    return NULL;
  }
  if (ns > 0) {
    memcpy(full, space, ns);
    full[ns] = '.';
    memcpy(full + ns + 1, name, nn + 1);
  } else {
    memcpy(full, name, nn + 1);
  }
  return full;
}

static bool names_add(scla_names *names, const json_t *def, const char *name, const char *space) {
  if (names->count == names->cap) {
    size_t cap = names->cap ? names->cap * 2 : 8;
    scla_named *grown = realloc(names->items, cap * sizeof *grown);
    if (grown == NULL) {
      return false;
    }
    names->items = grown;
    names->cap = cap;
  }
  scla_named *n = &names->items[names->count];
  /* A dotted name is already full; its namespace is what precedes the last dot. */
  n->def = def;
  n->fullname = strchr(name, '.') != NULL ? strdup(name) : join_name(space, name);
  n->space = NULL;
  if (n->fullname == NULL) {
    return false;
  }
  const char *dot = strrchr(n->fullname, '.');
  if (dot != NULL && (n->space = strndup(n->fullname, (size_t)(dot - n->fullname))) == NULL) {
    free(n->fullname);
    return false;
  }
  names->count++;
  return true;
}

/* Walks one schema node, recording every named type it defines. False only
 * when out of memory; shapes avro-c refuses are left to avro-c. */
static bool names_walk(scla_names *names, const json_t *node, const char *space, int depth) {
  if (depth > SCLA_MAX_DEPTH) {
    return true;
  }
  if (json_is_array(node)) {
    size_t i;
    const json_t *branch;
    json_array_foreach(node, i, branch) {
      if (!names_walk(names, branch, space, depth + 1)) {
        return false;
      }
    }
    return true;
  }
  if (!json_is_object(node)) {
    return true;
  }
  const json_t *type = json_object_get(node, "type");
  const char *kind = json_string_value(type);
  if (kind == NULL) {
    return names_walk(names, type, space, depth + 1);
  }
  if (strcmp(kind, "array") == 0) {
    return names_walk(names, json_object_get(node, "items"), space, depth + 1);
  }
  if (strcmp(kind, "map") == 0) {
    return names_walk(names, json_object_get(node, "values"), space, depth + 1);
  }
  bool record = strcmp(kind, "record") == 0 || strcmp(kind, "error") == 0;
  if (!record && strcmp(kind, "enum") != 0 && strcmp(kind, "fixed") != 0) {
    return true;
  }
  const char *name = json_string_value(json_object_get(node, "name"));
  if (name == NULL) {
    return true;
  }
  const json_t *ns = json_object_get(node, "namespace");
  const char *own = json_is_string(ns) ? json_string_value(ns) : space;
  if (own != NULL && own[0] == '\0') {
    own = NULL;
  }
  if (!names_add(names, node, name, own)) {
    return false;
  }
  if (!record) {
    return true;
  }
  /* nested definitions take the namespace of this type's full name */
  const char *inner = names->items[names->count - 1].space;
  size_t i;
  const json_t *field;
  json_array_foreach(json_object_get(node, "fields"), i, field) {
    if (!names_walk(names, json_object_get(field, "type"), inner, depth + 1)) {
      return false;
    }
  }
  return true;
}

void scla_names_free(scla_names *names) {
  if (names == NULL) {
    return;
  }
  for (size_t i = 0; i < names->count; i++) {
    free(names->items[i].fullname);
    free(names->items[i].space);
  }
  free(names->items);
  json_decref(names->root);
  free(names);
}

strata_error scla_names_new(const char *text, size_t len, scla_names **out, char *message) {
  strata_error rc = STRATA_E_OK;
  json_error_t jerr;
  *out = NULL;
  scla_names *names = calloc(1, sizeof *names);
  if (names == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  names->root = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
  if (names->root == NULL) {
    snprintf(message, SCLA_MESSAGE_SIZE, "not JSON: %s (line %d, column %d)", jerr.text, jerr.line,
             jerr.column);
    rc = STRATA_E_INVALID_SCHEMA;
    goto cleanup;
  }
  if (!names_walk(names, names->root, NULL, 0)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  *out = names;
  names = NULL;

cleanup:
  scla_names_free(names);
  return rc;
}

/* Writes the full name of a named avro-c schema into @p buf. */
static void full_name(avro_schema_t schema, char *buf, size_t size) {
  const char *space = avro_schema_namespace(schema);
  if (space != NULL && space[0] != '\0') {
    snprintf(buf, size, "%s.%s", space, avro_schema_name(schema));
  } else {
    snprintf(buf, size, "%s", avro_schema_name(schema));
  }
}

/* The JSON definition of the named avro-c schema @p schema, or NULL. */
static const scla_named *names_find(const scla_names *names, avro_schema_t schema) {
  if (names == NULL) {
    return NULL;
  }
  char full[512];
  full_name(schema, full, sizeof full);
  for (size_t i = 0; i < names->count; i++) {
    if (strcmp(names->items[i].fullname, full) == 0) {
      return &names->items[i];
    }
  }
  return NULL;
}

/* The JSON object of field @p index of record @p def, or NULL. */
static const json_t *field_def(const scla_named *def, size_t index) {
  return def != NULL ? json_array_get(json_object_get(def->def, "fields"), index) : NULL;
}

static avro_schema_t target(avro_schema_t schema) {
  while (is_avro_link(schema)) {
    schema = avro_schema_link_target(schema);
  }
  return schema;
}

/* ---- default values ------------------------------------------------------------ */

/* Reads one UTF-8 code point at *p (jansson strings are valid UTF-8). */
static uint32_t next_code_point(const unsigned char **p) {
  const unsigned char *s = *p;
  uint32_t c = s[0];
  size_t n = 1;
  if (c >= 0xf0) {
    c &= 0x07;
    n = 4;
  } else if (c >= 0xe0) {
    c &= 0x0f;
    n = 3;
  } else if (c >= 0xc0) {
    c &= 0x1f;
    n = 2;
  }
  for (size_t i = 1; i < n; i++) {
    c = c << 6 | (s[i] & 0x3f);
  }
  *p = s + n;
  return c;
}

/* Bytes of a bytes/fixed default: a JSON string whose code points are 0-255.
 * *out is new (free()); false when a code point is larger or memory ran out. */
static bool default_bytes(const json_t *value, uint8_t **out, size_t *len) {
  const char *text = json_string_value(value);
  size_t n = json_string_length(value);
  uint8_t *bytes = malloc(n + 1);
  if (bytes == NULL) {
    return false;
  }
  const unsigned char *p = (const unsigned char *)text;
  const unsigned char *end = p + n;
  size_t k = 0;
  while (p < end) {
    uint32_t c = next_code_point(&p);
    if (c > 0xff) {
      free(bytes);
      return false;
    }
    bytes[k++] = (uint8_t)c;
  }
  *out = bytes;
  *len = k;
  return true;
}

static bool set_default(avro_value_t *dst, avro_schema_t schema, const json_t *value,
                        const scla_names *names, int depth);

static bool set_default_record(avro_value_t *dst, avro_schema_t schema, const json_t *value,
                               const scla_names *names, int depth) {
  if (!json_is_object(value)) {
    return false;
  }
  const scla_named *def = names_find(names, schema);
  size_t n = avro_schema_record_size(schema);
  for (size_t i = 0; i < n; i++) {
    const char *name = avro_schema_record_field_name(schema, (int)i);
    const json_t *v = json_object_get(value, name);
    if (v == NULL) {
      /* a field the default leaves out takes its own default */
      v = json_object_get(field_def(def, i), "default");
    }
    avro_value_t field;
    if (v == NULL || avro_value_get_by_index(dst, i, &field, NULL) != 0 ||
        !set_default(&field, avro_schema_record_field_get_by_index(schema, (int)i), v, names,
                     depth + 1)) {
      return false;
    }
  }
  return true;
}

static bool set_default_collection(avro_value_t *dst, avro_schema_t schema, const json_t *value,
                                   const scla_names *names, int depth) {
  if (is_avro_array(schema)) {
    if (!json_is_array(value)) {
      return false;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item) {
      avro_value_t child;
      if (avro_value_append(dst, &child, NULL) != 0 ||
          !set_default(&child, avro_schema_array_items(schema), item, names, depth + 1)) {
        return false;
      }
    }
    return true;
  }
  if (!json_is_object(value)) {
    return false;
  }
  const char *key;
  const json_t *item;
  json_object_foreach((json_t *)value, key, item) {
    avro_value_t child;
    if (avro_value_add(dst, key, &child, NULL, NULL) != 0 ||
        !set_default(&child, avro_schema_map_values(schema), item, names, depth + 1)) {
      return false;
    }
  }
  return true;
}

/* Stores the JSON default @p value of a field of type @p schema into @p dst. */
static bool set_default(avro_value_t *dst, avro_schema_t schema, const json_t *value,
                        const scla_names *names, int depth) {
  if (depth > SCLA_MAX_DEPTH) {
    return false;
  }
  schema = target(schema);
  switch (avro_typeof(schema)) {
  case AVRO_NULL:
    return json_is_null(value) && avro_value_set_null(dst) == 0;
  case AVRO_BOOLEAN:
    return json_is_boolean(value) && avro_value_set_boolean(dst, json_is_true(value)) == 0;
  case AVRO_INT32: {
    json_int_t v = json_integer_value(value);
    return json_is_integer(value) && v >= INT32_MIN && v <= INT32_MAX &&
           avro_value_set_int(dst, (int32_t)v) == 0;
  }
  case AVRO_INT64:
    return json_is_integer(value) && avro_value_set_long(dst, json_integer_value(value)) == 0;
  case AVRO_FLOAT:
    return json_is_number(value) && avro_value_set_float(dst, (float)json_number_value(value)) == 0;
  case AVRO_DOUBLE:
    return json_is_number(value) && avro_value_set_double(dst, json_number_value(value)) == 0;
  case AVRO_STRING:
    return json_is_string(value) && avro_value_set_string_len(dst, json_string_value(value),
                                                              json_string_length(value) + 1) == 0;
  case AVRO_BYTES:
  case AVRO_FIXED: {
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (!json_is_string(value) || !default_bytes(value, &bytes, &len)) {
      return false;
    }
    bool ok;
    if (is_avro_fixed(schema)) {
      ok = (int64_t)len == avro_schema_fixed_size(schema) &&
           avro_value_set_fixed(dst, bytes, len) == 0;
    } else {
      ok = avro_value_set_bytes(dst, bytes, len) == 0;
    }
    free(bytes);
    return ok;
  }
  case AVRO_ENUM: {
    const char *symbol = json_string_value(value);
    int index = symbol != NULL ? avro_schema_enum_get_by_name(schema, symbol) : -1;
    return index >= 0 && avro_value_set_enum(dst, index) == 0;
  }
  case AVRO_RECORD:
    return set_default_record(dst, schema, value, names, depth);
  case AVRO_ARRAY:
  case AVRO_MAP:
    return set_default_collection(dst, schema, value, names, depth);
  case AVRO_UNION: {
    /* the default belongs to the first branch; later branches are tried too,
     * as some writers of schemas expect */
    size_t n = avro_schema_union_size(schema);
    for (size_t i = 0; i < n; i++) {
      avro_value_t branch;
      if (avro_value_set_branch(dst, (int)i, &branch) == 0 &&
          set_default(&branch, avro_schema_union_branch(schema, (int)i), value, names, depth + 1)) {
        return true;
      }
    }
    return false;
  }
  case AVRO_LINK:
    break;
  }
  return false;
}

/* ---- the resolution ------------------------------------------------------------ */

typedef enum scla_op {
  OP_NULL,
  OP_BOOLEAN,
  OP_INT,
  OP_LONG,
  OP_FLOAT,
  OP_DOUBLE,
  OP_BYTES,
  OP_STRING,
  OP_FIXED,
  OP_ENUM,
  OP_RECORD,
  OP_ARRAY,
  OP_MAP,
  OP_WRITER_UNION, /* read the branch index, go on with that branch's plan */
  OP_READER_UNION  /* select a branch of the reader union, go on inside it */
} scla_op;

typedef struct scla_plan scla_plan;

/* One writer field of a record, in the writer's order. */
typedef struct scla_step {
  int reader_index;     /* -1: the reader has no such field: skip the data */
  scla_plan *plan;      /* when reader_index >= 0 */
  avro_schema_t writer; /* the writer field's schema, for skipping */
} scla_step;

/* A reader field the writer does not have: set from its default. */
typedef struct scla_fill {
  int reader_index;
  avro_schema_t schema;
  const json_t *value;
} scla_fill;

struct scla_plan {
  scla_op op;
  avro_type_t into; /* primitives: the reader's type (a promotion target) */
  avro_schema_t writer;
  avro_schema_t reader;
  int64_t size; /* fixed */
  int *symbols; /* enum: writer symbol -> reader symbol, -1 when absent */
  size_t nsymbols;
  int enum_default; /* enum: the reader's default symbol, -1 when none */
  scla_step *steps;
  size_t nsteps;
  scla_fill *fills;
  size_t nfills;
  scla_plan *child;     /* array items, map values, the selected reader union branch */
  int branch;           /* reader union: the selected branch */
  scla_plan **branches; /* writer union: per branch, NULL when the reader cannot take it */
  size_t nbranches;
  scla_plan *next_owned;
};

struct scla_resolution {
  scla_plan *root;
  scla_plan *owned;
  const scla_names *names;
};

typedef struct memo_entry {
  avro_schema_t writer;
  avro_schema_t reader;
  scla_plan *plan;
} memo_entry;

typedef struct build_ctx {
  scla_resolution *res;
  memo_entry *memo;
  size_t nmemo;
  size_t capmemo;
  char path[256];
  size_t pathlen;
  char *message;
  bool nomem;
} build_ctx;

static void build_fail(build_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void build_fail(build_ctx *ctx, const char *fmt, ...) {
  int n = 0;
  if (ctx->pathlen > 0) {
    n = snprintf(ctx->message, SCLA_MESSAGE_SIZE, "at %s: ", ctx->path);
  }
  size_t used = n > 0 && n < SCLA_MESSAGE_SIZE ? (size_t)n : 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message + used, SCLA_MESSAGE_SIZE - used, fmt, ap);
  va_end(ap);
}

/* Appends ".name" (or "name" first) to the path; returns the length to restore. */
static size_t path_push(build_ctx *ctx, const char *sep, const char *name) {
  size_t saved = ctx->pathlen;
  int n = snprintf(ctx->path + saved, sizeof ctx->path - saved, "%s%s", saved ? sep : "", name);
  if (n > 0) {
    ctx->pathlen = saved + (size_t)n < sizeof ctx->path ? saved + (size_t)n : sizeof ctx->path - 1;
  }
  return saved;
}

static void path_pop(build_ctx *ctx, size_t saved) {
  ctx->pathlen = saved;
  ctx->path[saved] = '\0';
}

/* The kind of a schema: "record", "enum", "fixed", "union", "int", ... (avro-c's
 * avro_schema_type_name() gives the name of a named type instead). */
static const char *type_label(avro_schema_t schema) {
  schema = target(schema);
  switch (avro_typeof(schema)) {
  case AVRO_RECORD:
    return "record";
  case AVRO_ENUM:
    return "enum";
  case AVRO_FIXED:
    return "fixed";
  default:
    return avro_schema_type_name(schema);
  }
}

static bool memo_add(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader, scla_plan *plan) {
  if (ctx->nmemo == ctx->capmemo) {
    size_t cap = ctx->capmemo ? ctx->capmemo * 2 : 16;
    memo_entry *grown = realloc(ctx->memo, cap * sizeof *grown);
    if (grown == NULL) {
      ctx->nomem = true;
      return false;
    }
    ctx->memo = grown;
    ctx->capmemo = cap;
  }
  ctx->memo[ctx->nmemo++] = (memo_entry){writer, reader, plan};
  return true;
}

/* A new plan for (@p writer, @p reader), owned by the resolution and
 * memoised, so that a recursive type reuses it; NULL (ctx->nomem set) when
 * out of memory. */
static scla_plan *plan_new(build_ctx *ctx, scla_op op, avro_schema_t writer, avro_schema_t reader) {
  scla_plan *plan = calloc(1, sizeof *plan);
  if (plan == NULL) {
    ctx->nomem = true;
    return NULL;
  }
  plan->op = op;
  plan->writer = writer;
  plan->reader = reader;
  plan->into = avro_typeof(reader);
  plan->enum_default = -1;
  plan->branch = -1;
  plan->next_owned = ctx->res->owned;
  ctx->res->owned = plan;
  return memo_add(ctx, writer, reader, plan) ? plan : NULL;
}

/* A new zeroed array of @p n (at least one) elements of @p size; NULL
 * (ctx->nomem set) when out of memory. */
static void *plan_array(build_ctx *ctx, size_t n, size_t size) {
  void *array = calloc(n > 0 ? n : 1, size);
  if (array == NULL) {
    ctx->nomem = true;
  }
  return array;
}

static scla_plan *memo_find(const build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  for (size_t i = 0; i < ctx->nmemo; i++) {
    if (ctx->memo[i].writer == writer && ctx->memo[i].reader == reader) {
      return ctx->memo[i].plan;
    }
  }
  return NULL;
}

/* Whether a reader named type takes data of a writer named type: the same
 * unqualified name, or a reader alias naming the writer type. */
static bool names_match(const build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  const char *wname = avro_schema_name(writer);
  if (strcmp(wname, avro_schema_name(reader)) == 0) {
    return true;
  }
  const scla_named *def = names_find(ctx->res->names, reader);
  if (def == NULL) {
    return false;
  }
  char wfull[512];
  full_name(writer, wfull, sizeof wfull);
  size_t i;
  const json_t *alias;
  json_array_foreach(json_object_get(def->def, "aliases"), i, alias) {
    const char *a = json_string_value(alias);
    if (a == NULL) {
      continue;
    }
    if (strcmp(a, wname) == 0 || strcmp(a, wfull) == 0) {
      return true;
    }
    if (strchr(a, '.') == NULL && def->space != NULL) {
      size_t ns = strlen(def->space);
      if (strncmp(wfull, def->space, ns) == 0 && wfull[ns] == '.' &&
          strcmp(wfull + ns + 1, a) == 0) {
        return true;
      }
    }
  }
  return false;
}

static bool promotes(avro_type_t writer, avro_type_t reader) {
  if (writer == reader) {
    return true;
  }
  switch (writer) {
  case AVRO_INT32:
    return reader == AVRO_INT64 || reader == AVRO_FLOAT || reader == AVRO_DOUBLE;
  case AVRO_INT64:
    return reader == AVRO_FLOAT || reader == AVRO_DOUBLE;
  case AVRO_FLOAT:
    return reader == AVRO_DOUBLE;
  case AVRO_STRING:
    return reader == AVRO_BYTES;
  case AVRO_BYTES:
    return reader == AVRO_STRING;
  default:
    return false;
  }
}

static scla_plan *build(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader);

/* A dry run of a default value: false when it does not fit its type. */
static bool default_fits(build_ctx *ctx, avro_schema_t schema, const json_t *value) {
  char ignored[SCLA_MESSAGE_SIZE];
  avro_value_iface_t *iface = scla_generic_class(target(schema), ignored);
  if (iface == NULL) {
    ctx->nomem = true;
    return false;
  }
  avro_value_t v;
  bool ok = false;
  if (avro_generic_value_new(iface, &v) == 0) {
    ok = set_default(&v, schema, value, ctx->res->names, 0);
    avro_value_decref(&v);
  } else {
    ctx->nomem = true;
  }
  avro_value_iface_decref(iface);
  return ok;
}

/* The reader field that takes writer field @p wname: by name, else by alias. */
static int reader_field(avro_schema_t reader, const scla_named *def, const char *wname) {
  int index = avro_schema_record_field_get_index(reader, wname);
  if (index >= 0) {
    return index;
  }
  size_t n = avro_schema_record_size(reader);
  for (size_t i = 0; i < n; i++) {
    size_t k;
    const json_t *alias;
    json_array_foreach(json_object_get(field_def(def, i), "aliases"), k, alias) {
      const char *a = json_string_value(alias);
      if (a != NULL && strcmp(a, wname) == 0) {
        return (int)i;
      }
    }
  }
  return -1;
}

static scla_plan *build_record(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  scla_plan *result = NULL;
  bool *taken = NULL;
  scla_plan *plan = plan_new(ctx, OP_RECORD, writer, reader);
  if (plan == NULL) {
    goto cleanup;
  }
  const scla_named *def = names_find(ctx->res->names, reader);
  size_t nw = avro_schema_record_size(writer);
  size_t nr = avro_schema_record_size(reader);
  plan->steps = plan_array(ctx, nw, sizeof *plan->steps);
  plan->fills = plan_array(ctx, nr, sizeof *plan->fills);
  taken = plan_array(ctx, nr, sizeof *taken);
  if (plan->steps == NULL || plan->fills == NULL || taken == NULL) {
    goto cleanup;
  }
  plan->nsteps = nw;
  for (size_t i = 0; i < nw; i++) {
    const char *wname = avro_schema_record_field_name(writer, (int)i);
    avro_schema_t wtype = avro_schema_record_field_get_by_index(writer, (int)i);
    scla_step *step = &plan->steps[i];
    step->writer = wtype;
    step->reader_index = reader_field(reader, def, wname);
    if (step->reader_index >= 0 && taken[step->reader_index]) {
      step->reader_index = -1; /* two writer fields for one reader field: the first wins */
    }
    if (step->reader_index < 0) {
      continue;
    }
    taken[step->reader_index] = true;
    size_t saved = path_push(ctx, ".", avro_schema_record_field_name(reader, step->reader_index));
    step->plan =
        build(ctx, wtype, avro_schema_record_field_get_by_index(reader, step->reader_index));
    path_pop(ctx, saved);
    if (step->plan == NULL) {
      goto cleanup;
    }
  }
  for (size_t i = 0; i < nr; i++) {
    if (taken[i]) {
      continue;
    }
    const char *rname = avro_schema_record_field_name(reader, (int)i);
    avro_schema_t rtype = avro_schema_record_field_get_by_index(reader, (int)i);
    const json_t *value = json_object_get(field_def(def, i), "default");
    size_t saved = path_push(ctx, ".", rname);
    if (value == NULL) {
      build_fail(ctx,
                 "reader field '%s' of record %s has no default and writer record %s has no "
                 "such field",
                 rname, avro_schema_name(reader), avro_schema_name(writer));
    } else if (!default_fits(ctx, rtype, value)) {
      build_fail(ctx, "the default of reader field '%s' does not match its type %s", rname,
                 type_label(rtype));
      value = NULL;
    }
    path_pop(ctx, saved);
    if (value == NULL) {
      goto cleanup;
    }
    plan->fills[plan->nfills++] = (scla_fill){(int)i, rtype, value};
  }
  result = plan;

cleanup:
  free(taken);
  return result;
}

static scla_plan *build_enum(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  scla_plan *plan = plan_new(ctx, OP_ENUM, writer, reader);
  if (plan == NULL) {
    return NULL;
  }
  int n = avro_schema_enum_number_of_symbols(writer);
  plan->symbols = plan_array(ctx, n > 0 ? (size_t)n : 0, sizeof *plan->symbols);
  if (plan->symbols == NULL) {
    return NULL;
  }
  plan->nsymbols = (size_t)n;
  for (int i = 0; i < n; i++) {
    plan->symbols[i] = avro_schema_enum_get_by_name(reader, avro_schema_enum_get(writer, i));
  }
  const scla_named *def = names_find(ctx->res->names, reader);
  const char *dflt = def != NULL ? json_string_value(json_object_get(def->def, "default")) : NULL;
  if (dflt != NULL) {
    plan->enum_default = avro_schema_enum_get_by_name(reader, dflt);
  }
  return plan;
}

static scla_plan *build_writer_union(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  scla_plan *plan = plan_new(ctx, OP_WRITER_UNION, writer, reader);
  if (plan == NULL) {
    return NULL;
  }
  size_t n = avro_schema_union_size(writer);
  plan->branches = plan_array(ctx, n, sizeof *plan->branches);
  if (plan->branches == NULL) {
    return NULL;
  }
  plan->nbranches = n;
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    size_t mark = ctx->nmemo;
    plan->branches[i] = build(ctx, avro_schema_union_branch(writer, (int)i), reader);
    if (ctx->nomem) {
      return NULL;
    }
    if (plan->branches[i] == NULL) {
      ctx->nmemo = mark; /* forget what the failed attempt memoised */
    } else {
      any = true;
    }
  }
  if (!any && n > 0) {
    build_fail(ctx, "no branch of the writer union can be read as reader type %s",
               type_label(reader));
    return NULL;
  }
  return plan;
}

static bool same_kind(const build_ctx *ctx, avro_schema_t writer, avro_schema_t branch) {
  if (avro_typeof(writer) != avro_typeof(branch)) {
    return false;
  }
  return !is_avro_named_type(writer) || names_match(ctx, writer, branch);
}

static scla_plan *build_reader_union(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  size_t n = avro_schema_union_size(reader);
  /* first a branch of the same type (and name), then any that resolves */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < n; i++) {
      avro_schema_t branch = target(avro_schema_union_branch(reader, (int)i));
      if (pass == 0 && !same_kind(ctx, writer, branch)) {
        continue;
      }
      size_t mark = ctx->nmemo;
      scla_plan *child = build(ctx, writer, branch);
      if (ctx->nomem) {
        return NULL;
      }
      if (child == NULL) {
        ctx->nmemo = mark;
        continue;
      }
      scla_plan *plan = plan_new(ctx, OP_READER_UNION, writer, reader);
      if (plan == NULL) {
        return NULL;
      }
      plan->branch = (int)i;
      plan->child = child;
      return plan;
    }
  }
  build_fail(ctx, "writer type %s matches no branch of the reader union", type_label(writer));
  return NULL;
}

static scla_plan *build_primitive(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  static const struct {
    avro_type_t type;
    scla_op op;
  } ops[] = {{AVRO_NULL, OP_NULL},   {AVRO_BOOLEAN, OP_BOOLEAN}, {AVRO_INT32, OP_INT},
             {AVRO_INT64, OP_LONG},  {AVRO_FLOAT, OP_FLOAT},     {AVRO_DOUBLE, OP_DOUBLE},
             {AVRO_BYTES, OP_BYTES}, {AVRO_STRING, OP_STRING}};
  avro_type_t wt = avro_typeof(writer);
  if (!promotes(wt, avro_typeof(reader))) {
    build_fail(ctx, "writer type %s cannot be read as reader type %s", type_label(writer),
               type_label(reader));
    return NULL;
  }
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    if (ops[i].type == wt) {
      return plan_new(ctx, ops[i].op, writer, reader);
    }
  }
  build_fail(ctx, "unexpected writer type %s", type_label(writer));
  return NULL;
}

static scla_plan *build_container(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  bool array = is_avro_array(writer);
  scla_plan *plan = plan_new(ctx, array ? OP_ARRAY : OP_MAP, writer, reader);
  if (plan == NULL) {
    return NULL;
  }
  size_t saved = path_push(ctx, "", array ? "[]" : "{}");
  plan->child = array ? build(ctx, avro_schema_array_items(writer), avro_schema_array_items(reader))
                      : build(ctx, avro_schema_map_values(writer), avro_schema_map_values(reader));
  path_pop(ctx, saved);
  return plan->child != NULL ? plan : NULL;
}

static scla_plan *build(build_ctx *ctx, avro_schema_t writer, avro_schema_t reader) {
  writer = target(writer);
  reader = target(reader);
  scla_plan *known = memo_find(ctx, writer, reader);
  if (known != NULL) {
    return known;
  }
  if (is_avro_union(writer)) {
    return build_writer_union(ctx, writer, reader);
  }
  if (is_avro_union(reader)) {
    return build_reader_union(ctx, writer, reader);
  }
  avro_type_t wt = avro_typeof(writer);
  avro_type_t rt = avro_typeof(reader);
  switch (wt) {
  case AVRO_RECORD:
  case AVRO_ENUM:
  case AVRO_FIXED:
    if (rt != wt) {
      break;
    }
    if (!names_match(ctx, writer, reader)) {
      build_fail(ctx, "writer %s %s does not match reader %s %s (names differ)", type_label(writer),
                 avro_schema_name(writer), type_label(reader), avro_schema_name(reader));
      return NULL;
    }
    if (wt == AVRO_RECORD) {
      return build_record(ctx, writer, reader);
    }
    if (wt == AVRO_ENUM) {
      return build_enum(ctx, writer, reader);
    }
    if (avro_schema_fixed_size(writer) != avro_schema_fixed_size(reader)) {
      build_fail(ctx, "fixed %s has size %lld in the writer and %lld in the reader",
                 avro_schema_name(writer), (long long)avro_schema_fixed_size(writer),
                 (long long)avro_schema_fixed_size(reader));
      return NULL;
    }
    scla_plan *plan = plan_new(ctx, OP_FIXED, writer, reader);
    if (plan == NULL) {
      return NULL;
    }
    plan->size = avro_schema_fixed_size(writer);
    return plan;
  case AVRO_ARRAY:
  case AVRO_MAP:
    if (rt != wt) {
      break;
    }
    return build_container(ctx, writer, reader);
  default:
    return build_primitive(ctx, writer, reader);
  }
  build_fail(ctx, "writer type %s cannot be read as reader type %s", type_label(writer),
             type_label(reader));
  return NULL;
}

void scla_resolution_free(scla_resolution *resolution) {
  if (resolution == NULL) {
    return;
  }
  scla_plan *plan = resolution->owned;
  while (plan != NULL) {
    scla_plan *next = plan->next_owned;
    free(plan->symbols);
    free(plan->steps);
    free(plan->fills);
    free(plan->branches);
    free(plan);
    plan = next;
  }
  free(resolution);
}

strata_error scla_resolution_new(avro_schema_t writer, avro_schema_t reader,
                                 const scla_names *reader_names, scla_resolution **out,
                                 char *message) {
  strata_error rc = STRATA_E_OK;
  build_ctx ctx = {.message = message};
  *out = NULL;
  message[0] = '\0';
  ctx.res = calloc(1, sizeof *ctx.res);
  if (ctx.res == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  ctx.res->names = reader_names;
  ctx.res->root = build(&ctx, writer, reader);
  if (ctx.nomem) {
    snprintf(message, SCLA_MESSAGE_SIZE, "out of memory resolving the schemas");
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (ctx.res->root == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    goto cleanup;
  }
  *out = ctx.res;
  ctx.res = NULL;

cleanup:
  free(ctx.memo);
  scla_resolution_free(ctx.res);
  return rc;
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct scla_in {
  const uint8_t *data;
  size_t len;
  size_t pos;
  int depth;
  uint64_t items; /* collection items so far */
  char *scratch;  /* NUL-terminated copies of strings and map keys */
  size_t scratch_cap;
  const scla_names *names;
  char *message;
} scla_in;

static strata_error in_fail(scla_in *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static strata_error in_fail(scla_in *in, const char *fmt, ...) {
  int n = snprintf(in->message, SCLA_MESSAGE_SIZE, "payload byte %zu: ", in->pos);
  size_t used = n > 0 && n < SCLA_MESSAGE_SIZE ? (size_t)n : 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(in->message + used, SCLA_MESSAGE_SIZE - used, fmt, ap);
  va_end(ap);
  return STRATA_E_SERDE;
}

static strata_error read_long(scla_in *in, int64_t *out) {
  uint64_t z = 0;
  for (int i = 0; i < 10; i++) {
    if (in->pos >= in->len) {
      return in_fail(in, "the data ends inside a number");
    }
    uint8_t b = in->data[in->pos++];
    if (i == 9 && b > 1) {
      return in_fail(in, "a number longer than 64 bits");
    }
    z |= (uint64_t)(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
      return STRATA_E_OK;
    }
  }
  return in_fail(in, "a number longer than 64 bits");
}

static strata_error read_int(scla_in *in, int32_t *out) {
  int64_t v = 0;
  strata_error rc = read_long(in, &v);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    return in_fail(in, "int value %lld out of range", (long long)v);
  }
  *out = (int32_t)v;
  return STRATA_E_OK;
}

static strata_error read_raw(scla_in *in, size_t n, const uint8_t **out) {
  if (n > in->len - in->pos) {
    return in_fail(in, "the data ends inside a value (%zu bytes wanted, %zu left)", n,
                   in->len - in->pos);
  }
  *out = in->data + in->pos;
  in->pos += n;
  return STRATA_E_OK;
}

/* Reads a length-prefixed byte string (bytes, string, map key). */
static strata_error read_bytes(scla_in *in, const uint8_t **out, size_t *n) {
  int64_t len = 0;
  strata_error rc = read_long(in, &len);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (len < 0) {
    return in_fail(in, "negative length %lld", (long long)len);
  }
  if ((uint64_t)len > in->len - in->pos) {
    return in_fail(in, "a length of %lld bytes runs past the end (%zu left)", (long long)len,
                   in->len - in->pos);
  }
  *n = (size_t)len;
  return read_raw(in, *n, out);
}

/* A NUL-terminated copy of @p n bytes in the scratch buffer; NULL on no memory. */
static const char *scratch_text(scla_in *in, const uint8_t *bytes, size_t n) {
  if (n + 1 > in->scratch_cap) {
    size_t cap = in->scratch_cap ? in->scratch_cap : 64;
    while (cap < n + 1) {
      cap *= 2;
    }
    char *grown = realloc(in->scratch, cap);
    if (grown == NULL) {
      return NULL;
    }
    in->scratch = grown;
    in->scratch_cap = cap;
  }
  if (n > 0) {
    memcpy(in->scratch, bytes, n);
  }
  in->scratch[n] = '\0';
  return in->scratch;
}

/* Reads the item count of the next block of an array or map (0: the end). */
static strata_error read_block(scla_in *in, uint64_t *count, bool *sized, int64_t *size) {
  int64_t n = 0;
  strata_error rc = read_long(in, &n);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  *sized = false;
  if (n < 0) {
    if (n == INT64_MIN) {
      return in_fail(in, "a block count out of range");
    }
    n = -n;
    *sized = true;
    rc = read_long(in, size);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (*size < 0 || (uint64_t)*size > in->len - in->pos) {
      return in_fail(in, "a block size of %lld bytes runs past the end", (long long)*size);
    }
  }
  in->items += (uint64_t)n;
  if (in->items > in->len + SCLA_FREE_ITEMS) {
    return in_fail(in, "more collection items than the message can hold");
  }
  *count = (uint64_t)n;
  return STRATA_E_OK;
}

static strata_error skip(scla_in *in, avro_schema_t schema);

static strata_error skip_body(scla_in *in, avro_schema_t schema) {
  const uint8_t *ignored;
  size_t n = 0;
  int64_t v = 0;
  switch (avro_typeof(schema)) {
  case AVRO_NULL:
    return STRATA_E_OK;
  case AVRO_BOOLEAN:
    return read_raw(in, 1, &ignored);
  case AVRO_INT32:
  case AVRO_INT64:
  case AVRO_ENUM:
    return read_long(in, &v);
  case AVRO_FLOAT:
    return read_raw(in, 4, &ignored);
  case AVRO_DOUBLE:
    return read_raw(in, 8, &ignored);
  case AVRO_BYTES:
  case AVRO_STRING:
    return read_bytes(in, &ignored, &n);
  case AVRO_FIXED:
    return read_raw(in, (size_t)avro_schema_fixed_size(schema), &ignored);
  case AVRO_RECORD: {
    size_t fields = avro_schema_record_size(schema);
    for (size_t i = 0; i < fields; i++) {
      strata_error rc = skip(in, avro_schema_record_field_get_by_index(schema, (int)i));
      if (rc != STRATA_E_OK) {
        return rc;
      }
    }
    return STRATA_E_OK;
  }
  case AVRO_ARRAY:
  case AVRO_MAP:
    for (;;) {
      uint64_t count = 0;
      bool sized = false;
      int64_t size = 0;
      strata_error rc = read_block(in, &count, &sized, &size);
      if (rc != STRATA_E_OK || count == 0) {
        return rc;
      }
      if (sized) {
        /* the writer said how long the block is: jump over it */
        rc = read_raw(in, (size_t)size, &ignored);
        if (rc != STRATA_E_OK) {
          return rc;
        }
        continue;
      }
      for (uint64_t k = 0; k < count; k++) {
        if (is_avro_map(schema)) {
          rc = read_bytes(in, &ignored, &n);
        }
        if (rc == STRATA_E_OK) {
          rc = skip(in, is_avro_map(schema) ? avro_schema_map_values(schema)
                                            : avro_schema_array_items(schema));
        }
        if (rc != STRATA_E_OK) {
          return rc;
        }
      }
    }
  case AVRO_UNION: {
    strata_error rc = read_long(in, &v);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (v < 0 || (uint64_t)v >= avro_schema_union_size(schema)) {
      return in_fail(in, "union branch %lld out of range", (long long)v);
    }
    return skip(in, avro_schema_union_branch(schema, (int)v));
  }
  case AVRO_LINK:
    break;
  }
  return in_fail(in, "unexpected writer type %s", avro_schema_type_name(schema));
}

/* Reads and drops one value of the writer type @p schema. */
static strata_error skip(scla_in *in, avro_schema_t schema) {
  if (++in->depth > SCLA_MAX_DEPTH) {
    return in_fail(in, "values nested deeper than %d levels", SCLA_MAX_DEPTH);
  }
  strata_error rc = skip_body(in, target(schema));
  in->depth--;
  return rc;
}

static strata_error stored(scla_in *in, int rc, const char *what) {
  if (rc == ENOMEM) {
    return STRATA_E_NOMEM;
  }
  return rc == 0 ? STRATA_E_OK : in_fail(in, "avro-c could not store the %s", what);
}

/* Stores an integer read as int or long into the reader's (promoted) type. */
static strata_error store_integer(scla_in *in, avro_type_t into, int64_t v, avro_value_t *value) {
  switch (into) {
  case AVRO_INT32:
    return stored(in, avro_value_set_int(value, (int32_t)v), "int");
  case AVRO_INT64:
    return stored(in, avro_value_set_long(value, v), "long");
  case AVRO_FLOAT:
    return stored(in, avro_value_set_float(value, (float)v), "float");
  default:
    return stored(in, avro_value_set_double(value, (double)v), "double");
  }
}

static strata_error decode(scla_in *in, const scla_plan *plan, avro_value_t *value);

/* Reads the blocks of an array or map. */
static strata_error decode_collection(scla_in *in, const scla_plan *plan, avro_value_t *value) {
  bool map = plan->op == OP_MAP;
  for (;;) {
    uint64_t count = 0;
    bool sized = false;
    int64_t size = 0;
    strata_error rc = read_block(in, &count, &sized, &size);
    if (rc != STRATA_E_OK || count == 0) {
      return rc;
    }
    for (uint64_t k = 0; k < count; k++) {
      avro_value_t child;
      if (map) {
        const uint8_t *key = NULL;
        size_t n = 0;
        int is_new = 0;
        rc = read_bytes(in, &key, &n);
        if (rc != STRATA_E_OK) {
          return rc;
        }
        const char *text = scratch_text(in, key, n);
        if (text == NULL) {
          return STRATA_E_NOMEM;
        }
        rc = stored(in, avro_value_add(value, text, &child, NULL, &is_new), "map entry");
        if (rc == STRATA_E_OK && !is_new) {
          /* a repeated key: the last value wins */
          rc = stored(in, avro_value_reset(&child), "map entry");
        }
      } else {
        rc = stored(in, avro_value_append(value, &child, NULL), "array item");
      }
      if (rc == STRATA_E_OK) {
        rc = decode(in, plan->child, &child);
      }
      if (rc != STRATA_E_OK) {
        return rc;
      }
    }
  }
}

static strata_error decode_record(scla_in *in, const scla_plan *plan, avro_value_t *value) {
  for (size_t i = 0; i < plan->nsteps; i++) {
    const scla_step *step = &plan->steps[i];
    strata_error rc;
    if (step->reader_index < 0) {
      rc = skip(in, step->writer);
    } else {
      avro_value_t field;
      rc = stored(in, avro_value_get_by_index(value, (size_t)step->reader_index, &field, NULL),
                  "record field");
      if (rc == STRATA_E_OK) {
        rc = decode(in, step->plan, &field);
      }
    }
    if (rc != STRATA_E_OK) {
      return rc;
    }
  }
  for (size_t i = 0; i < plan->nfills; i++) {
    const scla_fill *fill = &plan->fills[i];
    avro_value_t field;
    strata_error rc = stored(
        in, avro_value_get_by_index(value, (size_t)fill->reader_index, &field, NULL), "field");
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (!set_default(&field, fill->schema, fill->value, in->names, 0)) {
      return in_fail(in, "could not store the default of field '%s'",
                     avro_schema_record_field_name(plan->reader, fill->reader_index));
    }
  }
  return STRATA_E_OK;
}

static strata_error decode_scalar(scla_in *in, const scla_plan *plan, avro_value_t *value) {
  const uint8_t *raw = NULL;
  size_t n = 0;
  strata_error rc;
  switch (plan->op) {
  case OP_NULL:
    return stored(in, avro_value_set_null(value), "null");
  case OP_BOOLEAN:
    rc = read_raw(in, 1, &raw);
    if (rc == STRATA_E_OK && raw[0] > 1) {
      in->pos--;
      return in_fail(in, "boolean byte %u is neither 0 nor 1", raw[0]);
    }
    return rc != STRATA_E_OK ? rc : stored(in, avro_value_set_boolean(value, raw[0]), "boolean");
  case OP_INT: {
    int32_t v = 0;
    rc = read_int(in, &v);
    return rc != STRATA_E_OK ? rc : store_integer(in, plan->into, v, value);
  }
  case OP_LONG: {
    int64_t v = 0;
    rc = read_long(in, &v);
    return rc != STRATA_E_OK ? rc : store_integer(in, plan->into, v, value);
  }
  case OP_FLOAT: {
    rc = read_raw(in, 4, &raw);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    uint32_t bits =
        (uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24;
    float f;
    memcpy(&f, &bits, sizeof f);
    return plan->into == AVRO_FLOAT ? stored(in, avro_value_set_float(value, f), "float")
                                    : stored(in, avro_value_set_double(value, f), "double");
  }
  case OP_DOUBLE: {
    rc = read_raw(in, 8, &raw);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = bits << 8 | raw[i];
    }
    double d;
    memcpy(&d, &bits, sizeof d);
    return stored(in, avro_value_set_double(value, d), "double");
  }
  case OP_BYTES:
  case OP_STRING: {
    rc = read_bytes(in, &raw, &n);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (plan->into == AVRO_BYTES) {
      return stored(in, avro_value_set_bytes(value, (void *)raw, n), "bytes");
    }
    const char *text = scratch_text(in, raw, n);
    if (text == NULL) {
      return STRATA_E_NOMEM;
    }
    return stored(in, avro_value_set_string_len(value, text, n + 1), "string");
  }
  case OP_FIXED:
    rc = read_raw(in, (size_t)plan->size, &raw);
    return rc != STRATA_E_OK
               ? rc
               : stored(in, avro_value_set_fixed(value, (void *)raw, (size_t)plan->size), "fixed");
  default:
    return in_fail(in, "unexpected plan step");
  }
}

static strata_error decode_body(scla_in *in, const scla_plan *plan, avro_value_t *value) {
  strata_error rc;
  switch (plan->op) {
  case OP_ENUM: {
    int32_t index = 0;
    rc = read_int(in, &index);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (index < 0 || (size_t)index >= plan->nsymbols) {
      return in_fail(in, "enum index %d out of range (%zu symbols)", index, plan->nsymbols);
    }
    int mapped = plan->symbols[index];
    if (mapped < 0) {
      mapped = plan->enum_default;
    }
    if (mapped < 0) {
      return in_fail(in, "symbol %s of enum %s is not in the reader's enum, which has no default",
                     avro_schema_enum_get(plan->writer, index), avro_schema_name(plan->writer));
    }
    return stored(in, avro_value_set_enum(value, mapped), "enum");
  }
  case OP_RECORD:
    return decode_record(in, plan, value);
  case OP_ARRAY:
  case OP_MAP:
    return decode_collection(in, plan, value);
  case OP_WRITER_UNION: {
    int64_t index = 0;
    rc = read_long(in, &index);
    if (rc != STRATA_E_OK) {
      return rc;
    }
    if (index < 0 || (uint64_t)index >= plan->nbranches) {
      return in_fail(in, "union branch %lld out of range (%zu branches)", (long long)index,
                     plan->nbranches);
    }
    if (plan->branches[index] == NULL) {
      return in_fail(in, "writer union branch %lld (%s) cannot be read as the reader type %s",
                     (long long)index,
                     type_label(avro_schema_union_branch(plan->writer, (int)index)),
                     type_label(plan->reader));
    }
    return decode(in, plan->branches[index], value);
  }
  case OP_READER_UNION: {
    avro_value_t branch;
    rc = stored(in, avro_value_set_branch(value, plan->branch, &branch), "union branch");
    return rc != STRATA_E_OK ? rc : decode(in, plan->child, &branch);
  }
  default:
    return decode_scalar(in, plan, value);
  }
}

static strata_error decode(scla_in *in, const scla_plan *plan, avro_value_t *value) {
  if (++in->depth > SCLA_MAX_DEPTH) {
    return in_fail(in, "values nested deeper than %d levels", SCLA_MAX_DEPTH);
  }
  strata_error rc = decode_body(in, plan, value);
  in->depth--;
  return rc;
}

strata_error scla_decode(const scla_resolution *resolution, const uint8_t *data, size_t len,
                         avro_value_t *value, char *message) {
  scla_in in = {.data = data, .len = len, .names = resolution->names, .message = message};
  message[0] = '\0';
  strata_error rc = decode(&in, resolution->root, value);
  if (rc == STRATA_E_NOMEM) {
    snprintf(message, SCLA_MESSAGE_SIZE, "out of memory decoding the payload");
  } else if (rc == STRATA_E_OK && in.pos != len) {
    rc = in_fail(&in, "%zu bytes left over after the value", len - in.pos);
  }
  free(in.scratch);
  return rc;
}
