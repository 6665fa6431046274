/*
 * proto_check.c - Protobuf compatibility: Confluent's protobuf schema diff
 * (io.confluent.kafka.schemaregistry.protobuf.diff, current master with the
 * 2026 oneof rewrite), computed on descriptor.proto structs.
 *
 * Confluent diffs Wire's parse tree of the .proto text. The descriptor form
 * differs in a few places, which are mapped back here:
 *   - map fields are repeated fields of a synthetic map-entry message; Wire
 *     sees `map<K, V>` and no entry message, so entry messages are skipped
 *     (not listed, not counted in message positions) and such fields are
 *     MAP fields without a label;
 *   - proto3 `optional` fields sit in a synthetic oneof; Wire sees a plain
 *     field labelled optional, so synthetic oneofs are ignored;
 *   - Wire gives a field no label when it is a oneof member or a proto3
 *     field written without one;
 *   - Wire keeps proto2 groups apart from fields and nested types, so the
 *     diff never sees them.
 * Where Confluent iterates a Java HashSet (message and enum names of a
 * scope, enum numbers) the output order is Java's: the hash-bucket order of
 * String.hashCode()/Integer.hashCode() in a HashMap of the size Java would
 * have grown it to (JDK 17 HashSet(Collection) sizing).
 */
#include "proto_check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PBC_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Differences kept in memory at most; further ones are counted, not kept. */
#define PBC_MAX_DIFFS 100000

static const char *const diff_type_names[PBC_DIFF_TYPE_COUNT] = {
    "PACKAGE_CHANGED",
    "MESSAGE_ADDED",
    "MESSAGE_REMOVED",
    "MESSAGE_MOVED",
    "ENUM_ADDED",
    "ENUM_REMOVED",
    "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED",
    "FIELD_ADDED",
    "FIELD_REMOVED",
    "FIELD_NAME_CHANGED",
    "FIELD_KIND_CHANGED",
    "FIELD_SCALAR_KIND_CHANGED",
    "FIELD_NAMED_TYPE_CHANGED",
    "FIELD_NUMERIC_LABEL_CHANGED",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "REQUIRED_FIELD_ADDED",
    "REQUIRED_FIELD_REMOVED",
    "ONEOF_ADDED",
    "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED",
    "ONEOF_FIELD_REMOVED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
    "FIELD_MOVED_TO_EXISTING_ONEOF",
};

const char *pbc_diff_type_name(pbc_diff_type type) {
  return (int)type >= 0 && type < PBC_DIFF_TYPE_COUNT ? diff_type_names[type] : NULL;
}

bool pbc_diff_type_compatible(pbc_diff_type type) {
  switch (type) {
  case PBC_MESSAGE_ADDED:
  case PBC_MESSAGE_MOVED:
  case PBC_ENUM_ADDED:
  case PBC_ENUM_REMOVED:
  case PBC_ENUM_CONST_ADDED:
  case PBC_ENUM_CONST_CHANGED:
  case PBC_ENUM_CONST_REMOVED:
  case PBC_FIELD_ADDED:
  case PBC_FIELD_REMOVED:
  case PBC_FIELD_NAME_CHANGED:
  case PBC_FIELD_STRING_OR_BYTES_LABEL_CHANGED:
  case PBC_ONEOF_ADDED:
  case PBC_ONEOF_REMOVED:
  case PBC_ONEOF_FIELD_ADDED:
  case PBC_ONEOF_FIELD_MOVED_TO_TOP_LEVEL:
    return true;
  default:
    return false;
  }
}

/* ---- The type index: every message and enum of a file set by full name ---------------- */

typedef struct pbc_type {
  /* full name without the leading '.' (owned) */
  char *full_name;
  const Google__Protobuf__DescriptorProto *msg;
  const Google__Protobuf__EnumDescriptorProto *enm;
  const Google__Protobuf__FileDescriptorProto *file;
  /* the file's package, "" when none (borrowed) */
  const char *package;
  bool is_map;
  /* defined in the root file rather than an import */
  bool local;
} pbc_type;

typedef struct pbc_side {
  pbc_type *types;
  size_t ntypes;
  size_t cap;
  /* open-addressing table of type indexes + 1 (0 = empty) */
  size_t *slots;
  size_t nslots;
  const Google__Protobuf__FileDescriptorProto *root;
  /* "old", "new", "original", "update" */
  const char *label;
} pbc_side;

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

static const char *str_or_empty(const char *s) {
  return s != NULL ? s : "";
}

/* The type called @p name (with or without a leading '.'), or NULL. */
static const pbc_type *side_find(const pbc_side *side, const char *name) {
  if (name == NULL || side->nslots == 0) {
    return NULL;
  }
  if (name[0] == '.') {
    name++;
  }
  size_t mask = side->nslots - 1;
  for (size_t i = (size_t)hash_str(name) & mask;; i = (i + 1) & mask) {
    size_t v = side->slots[i];
    if (v == 0) {
      return NULL;
    }
    if (strcmp(side->types[v - 1].full_name, name) == 0) {
      return &side->types[v - 1];
    }
  }
}

/* Adds or replaces (a later file wins, as in Confluent's map) a type. */
static strata_error side_add(pbc_side *side, char *full_name,
                             const Google__Protobuf__DescriptorProto *msg,
                             const Google__Protobuf__EnumDescriptorProto *enm,
                             const Google__Protobuf__FileDescriptorProto *file, bool local) {
  strata_error rc = STRATA_E_OK;
  pbc_type *existing = (pbc_type *)side_find(side, full_name);
  pbc_type t = {full_name, msg, enm, file, str_or_empty(file->package), false, local};
  t.is_map =
      msg != NULL && msg->options != NULL && msg->options->has_map_entry && msg->options->map_entry;
  if (existing != NULL) {
    free(existing->full_name);
    *existing = t;
    goto cleanup;
  }
  if (side->ntypes == side->cap) {
    size_t cap = side->cap ? side->cap * 2 : 64;
    pbc_type *grown = realloc(side->types, cap * sizeof *grown);
    if (grown == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    side->types = grown;
    side->cap = cap;
  }
  if ((side->ntypes + 1) * 2 > side->nslots) {
    size_t nslots = side->nslots ? side->nslots * 2 : 128;
    size_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    for (size_t k = 0; k < side->ntypes; k++) {
      size_t i = (size_t)hash_str(side->types[k].full_name) & (nslots - 1);
      while (slots[i] != 0) {
        i = (i + 1) & (nslots - 1);
      }
      slots[i] = k + 1;
    }
    free(side->slots);
    side->slots = slots;
    side->nslots = nslots;
  }
  side->types[side->ntypes] = t;
  size_t i = (size_t)hash_str(full_name) & (side->nslots - 1);
  while (side->slots[i] != 0) {
    i = (i + 1) & (side->nslots - 1);
  }
  side->slots[i] = ++side->ntypes;
  full_name = NULL;
cleanup:
  if (rc != STRATA_E_OK) {
    free(full_name);
  }
  return rc;
}

static char *join_name(const char *prefix, const char *name) {
  size_t lp = strlen(prefix);
  size_t ln = strlen(name);
  char *s = malloc(lp + ln + 2);
  if (s != NULL) {
    memcpy(s, prefix, lp);
    size_t at = lp;
    if (lp > 0) {
      s[at++] = '.';
    }
    memcpy(s + at, name, ln + 1);
  }
  return s;
}

static strata_error side_add_message(pbc_side *side, const char *scope,
                                     const Google__Protobuf__DescriptorProto *msg,
                                     const Google__Protobuf__FileDescriptorProto *file, bool local,
                                     int depth) {
  strata_error rc = STRATA_E_OK;
  char *name = NULL;
  if (depth > 200) {
    rc = STRATA_E_INVALID_ARGUMENT;
    goto cleanup;
  }
  name = join_name(scope, str_or_empty(msg->name));
  if (name == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < msg->n_nested_type; i++) {
    rc = side_add_message(side, name, msg->nested_type[i], file, local, depth + 1);
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < msg->n_enum_type; i++) {
    char *en = join_name(name, str_or_empty(msg->enum_type[i]->name));
    rc = en == NULL ? STRATA_E_NOMEM : side_add(side, en, NULL, msg->enum_type[i], file, local);
  }
  if (rc == STRATA_E_OK) {
    rc = side_add(side, name, msg, NULL, file, local);
    name = NULL;
  }
cleanup:
  free(name);
  return rc;
}

static strata_error side_add_file(pbc_side *side, const Google__Protobuf__FileDescriptorProto *file,
                                  bool local) {
  strata_error rc = STRATA_E_OK;
  const char *pkg = str_or_empty(file->package);
  for (size_t i = 0; rc == STRATA_E_OK && i < file->n_message_type; i++) {
    rc = side_add_message(side, pkg, file->message_type[i], file, local, 0);
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < file->n_enum_type; i++) {
    char *en = join_name(pkg, str_or_empty(file->enum_type[i]->name));
    rc = en == NULL ? STRATA_E_NOMEM : side_add(side, en, NULL, file->enum_type[i], file, local);
  }
  return rc;
}

static void side_release(pbc_side *side) {
  for (size_t i = 0; i < side->ntypes; i++) {
    free(side->types[i].full_name);
  }
  free(side->types);
  free(side->slots);
  memset(side, 0, sizeof *side);
}

static strata_error side_init(pbc_side *side, const pbc_files *files, const char *label) {
  strata_error rc = STRATA_E_OK;
  memset(side, 0, sizeof *side);
  side->root = files->file;
  side->label = label;
  /* Imports first, then the file itself: its own types win, as in Confluent. */
  for (size_t i = 0; rc == STRATA_E_OK && i < files->ndeps; i++) {
    if (files->deps[i] != NULL && files->deps[i] != files->file) {
      rc = side_add_file(side, files->deps[i], false);
    }
  }
  if (rc == STRATA_E_OK) {
    rc = side_add_file(side, files->file, true);
  }
  if (rc != STRATA_E_OK) {
    side_release(side);
  }
  return rc;
}

/* ---- Java HashSet iteration order ------------------------------------------------------ */

/* String.hashCode() of the UTF-16 form of a UTF-8 string. */
static int32_t java_string_hash(const char *s) {
  uint32_t h = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t cp = *p++;
    int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
    if (extra > 0) {
      cp &= 0x3Fu >> extra;
      for (int k = 0; k < extra && (*p & 0xC0) == 0x80; k++) {
        cp = (cp << 6) | (*p++ & 0x3F);
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
  }
  return (int32_t)h;
}

/* HashMap.hash(): the spread hash whose low bits pick the bucket. */
static uint32_t java_spread(int32_t h) {
  uint32_t u = (uint32_t)h;
  return u ^ (u >> 16);
}

/* Table size of a default HashMap after @p n insertions of distinct keys. */
static size_t java_default_capacity(size_t n) {
  size_t cap = 16;
  while (n > cap / 4 * 3) {
    cap *= 2;
  }
  return cap;
}

/* Table size of new HashSet(c) with c.size() == @p initial, after growing to @p total keys. */
static size_t java_copy_capacity(size_t initial, size_t total) {
  size_t want = (size_t)((float)initial / 0.75f) + 1;
  if (want < 16) {
    want = 16;
  }
  size_t cap = 1;
  while (cap < want) {
    cap *= 2;
  }
  while (total > cap / 4 * 3) {
    cap *= 2;
  }
  return cap;
}

typedef struct java_key {
  uint32_t spread;
  /* bucket in the final table and position in insertion order, set by java_order() */
  uint32_t bucket;
  size_t seq;
  /* caller's payload */
  size_t index;
} java_key;

static int java_key_cmp(const void *a, const void *b) {
  const java_key *x = a;
  const java_key *y = b;
  if (x->bucket != y->bucket) {
    return x->bucket < y->bucket ? -1 : 1;
  }
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts keys (in insertion order) into the iteration order of a table of @p cap buckets.
 * Keys within a bucket keep insertion order, as HashMap's chains (and resizes) do. */
static void java_order(java_key *keys, size_t n, size_t cap) {
  for (size_t i = 0; i < n; i++) {
    keys[i].seq = i;
    keys[i].bucket = keys[i].spread & (uint32_t)(cap - 1);
  }
  if (n > 1) {
    qsort(keys, n, sizeof *keys, java_key_cmp);
  }
}

/* ---- Diff context ------------------------------------------------------------------------ */

typedef struct pbc_diff_entry {
  pbc_diff_type type;
  char *path;
  char *message;
} pbc_diff_entry;

typedef struct pbc_memo {
  const Google__Protobuf__DescriptorProto *orig;
  const Google__Protobuf__DescriptorProto *upd;
  size_t start;
  size_t count;
  size_t incompatible;
  size_t total;
} pbc_memo;

typedef struct pbc_ctx {
  pbc_side orig;
  pbc_side upd;
  /* path segments (owned) */
  char **path;
  size_t npath;
  size_t path_cap;
  /* the dotted local name of the message being compared, for sentences (owned) */
  char *scope_name;
  /* the differences found, in order */
  pbc_diff_entry *diffs;
  size_t ndiffs;
  size_t diffs_cap;
  /* every difference counted, kept or not, and the incompatible ones */
  size_t total;
  size_t incompatible;
  /* original messages being compared (Confluent's SchemaScope) */
  const Google__Protobuf__DescriptorProto **active;
  size_t nactive;
  size_t active_cap;
  /* results of comparing a referenced message pair, replayed on later uses */
  pbc_memo *memo;
  size_t nmemo;
  size_t memo_cap;
  /* cache of whether two imported files are the same */
  const void **same_files;
  size_t nsame;
  size_t same_cap;
  strata_error rc;
} pbc_ctx;

static void fail(pbc_ctx *ctx, strata_error rc) {
  if (ctx->rc == STRATA_E_OK) {
    ctx->rc = rc;
  }
}

static bool grow(pbc_ctx *ctx, void **items, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) {
    return true;
  }
  size_t ncap = *cap ? *cap * 2 : 16;
  while (ncap < need) {
    ncap *= 2;
  }
  void *grown = realloc(*items, ncap * size);
  if (grown == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    return false;
  }
  *items = grown;
  *cap = ncap;
  return true;
}

static void path_push(pbc_ctx *ctx, const char *segment) {
  char *copy = strdup(segment);
  if (copy == NULL ||
      !grow(ctx, (void **)&ctx->path, &ctx->path_cap, ctx->npath + 1, sizeof *ctx->path)) {
    free(copy);
    fail(ctx, STRATA_E_NOMEM);
    /* keep pushes and pops balanced */
    copy = NULL;
    if (!grow(ctx, (void **)&ctx->path, &ctx->path_cap, ctx->npath + 1, sizeof *ctx->path)) {
      return;
    }
  }
  ctx->path[ctx->npath++] = copy;
}

static void path_push_number(pbc_ctx *ctx, long long n) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", n);
  path_push(ctx, buf);
}

static void path_pop(pbc_ctx *ctx) {
  if (ctx->npath > 0) {
    free(ctx->path[--ctx->npath]);
  }
}

static char *path_string(const pbc_ctx *ctx) {
  size_t len = 3;
  for (size_t i = 0; i < ctx->npath; i++) {
    len += strlen(str_or_empty(ctx->path[i])) + 1;
  }
  char *s = malloc(len);
  if (s == NULL) {
    return NULL;
  }
  char *p = s;
  *p++ = '#';
  *p++ = '/';
  for (size_t i = 0; i < ctx->npath; i++) {
    if (i > 0) {
      *p++ = '/';
    }
    size_t n = strlen(str_or_empty(ctx->path[i]));
    memcpy(p, str_or_empty(ctx->path[i]), n);
    p += n;
  }
  *p = '\0';
  return s;
}

static char *vformat(const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0) {
    return NULL;
  }
  char *s = malloc((size_t)n + 1);
  if (s != NULL) {
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  }
  return s;
}

/* Records a difference at the current path with a printf-style sentence. */
static void add_diff(pbc_ctx *ctx, pbc_diff_type type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_diff(pbc_ctx *ctx, pbc_diff_type type, const char *fmt, ...) {
  ctx->total++;
  if (!pbc_diff_type_compatible(type)) {
    ctx->incompatible++;
  }
  if (ctx->ndiffs >= PBC_MAX_DIFFS || ctx->rc != STRATA_E_OK) {
    return;
  }
  if (!grow(ctx, (void **)&ctx->diffs, &ctx->diffs_cap, ctx->ndiffs + 1, sizeof *ctx->diffs)) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  char *message = vformat(fmt, ap);
  va_end(ap);
  char *path = path_string(ctx);
  if (message == NULL || path == NULL) {
    free(message);
    free(path);
    fail(ctx, STRATA_E_NOMEM);
    return;
  }
  ctx->diffs[ctx->ndiffs++] = (pbc_diff_entry){type, path, message};
}

/* Copies the kept differences [start, start + count) to the end of the list. */
static void replay_diffs(pbc_ctx *ctx, size_t start, size_t count, size_t total,
                         size_t incompatible) {
  ctx->total += total;
  ctx->incompatible += incompatible;
  for (size_t i = 0; i < count && ctx->ndiffs < PBC_MAX_DIFFS && ctx->rc == STRATA_E_OK; i++) {
    if (!grow(ctx, (void **)&ctx->diffs, &ctx->diffs_cap, ctx->ndiffs + 1, sizeof *ctx->diffs)) {
      return;
    }
    const pbc_diff_entry *src = &ctx->diffs[start + i];
    char *path = strdup(src->path);
    char *message = strdup(src->message);
    if (path == NULL || message == NULL) {
      free(path);
      free(message);
      fail(ctx, STRATA_E_NOMEM);
      return;
    }
    ctx->diffs[ctx->ndiffs++] = (pbc_diff_entry){src->type, path, message};
  }
}

static void ctx_release(pbc_ctx *ctx) {
  while (ctx->npath > 0) {
    path_pop(ctx);
  }
  free(ctx->path);
  free(ctx->scope_name);
  for (size_t i = 0; i < ctx->ndiffs; i++) {
    free(ctx->diffs[i].path);
    free(ctx->diffs[i].message);
  }
  free(ctx->diffs);
  free(ctx->active);
  free(ctx->memo);
  free(ctx->same_files);
  side_release(&ctx->orig);
  side_release(&ctx->upd);
}

/* Sets the dotted scope name used in sentences; returns the previous one (owned by caller). */
static char *scope_enter(pbc_ctx *ctx, const char *name) {
  char *prev = ctx->scope_name;
  char *next = prev != NULL && prev[0] != '\0' ? join_name(prev, name) : strdup(name);
  if (next == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    next = strdup("");
  }
  ctx->scope_name = next;
  return prev;
}

static void scope_leave(pbc_ctx *ctx, char *prev) {
  free(ctx->scope_name);
  ctx->scope_name = prev;
}

static const char *scope(const pbc_ctx *ctx) {
  return ctx->scope_name != NULL ? ctx->scope_name : "";
}

/* ---- Fields as Wire sees them ---------------------------------------------------------- */

typedef enum wire_label {
  LABEL_NONE,
  LABEL_OPTIONAL,
  LABEL_REQUIRED,
  LABEL_REPEATED
} wire_label;

static const char *const wire_label_names[] = {"unlabelled", "optional", "required", "repeated"};

typedef enum field_kind {
  KIND_SCALAR,
  KIND_MAP,
  KIND_MESSAGE
} field_kind;

static const char *const field_kind_names[] = {"scalar", "map", "message"};

typedef enum scalar_kind {
  SK_GENERAL_NUMBER,
  SK_SIGNED_NUMBER,
  SK_STRING_OR_BYTES,
  SK_FIXED32,
  SK_FIXED64,
  SK_FLOAT,
  SK_DOUBLE,
  SK_UNKNOWN
} scalar_kind;

/* One field of a message, with the Wire view of it. */
typedef struct wire_field {
  const Google__Protobuf__FieldDescriptorProto *field;
  int32_t tag;
  /* name of the (real) oneof holding it, NULL for a top-level field */
  const char *oneof;
} wire_field;

/* One side of a message comparison. */
typedef struct wire_message {
  const Google__Protobuf__DescriptorProto *msg;
  const pbc_side *side;
  bool proto2;
  wire_field *fields; /* sorted by tag */
  size_t nfields;
  const char **oneofs; /* real oneofs, in declaration order */
  size_t noneofs;
} wire_message;

static bool file_is_proto2(const Google__Protobuf__FileDescriptorProto *file) {
  return file == NULL || file->syntax == NULL || file->syntax[0] == '\0' ||
         strcmp(file->syntax, "proto2") == 0;
}

static bool is_group(const Google__Protobuf__FieldDescriptorProto *f) {
  return f->has_type && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP;
}

static bool is_real_oneof_member(const Google__Protobuf__FieldDescriptorProto *f, size_t noneofs) {
  return f->has_oneof_index && !(f->has_proto3_optional && f->proto3_optional) &&
         f->oneof_index >= 0 && (size_t)f->oneof_index < noneofs;
}

/* True when oneof @p index of @p msg only holds proto3 optional fields (synthetic). */
static bool oneof_is_synthetic(const Google__Protobuf__DescriptorProto *msg, size_t index) {
  bool any = false;
  for (size_t i = 0; i < msg->n_field; i++) {
    const Google__Protobuf__FieldDescriptorProto *f = msg->field[i];
    if (f->has_oneof_index && f->oneof_index >= 0 && (size_t)f->oneof_index == index) {
      if (!(f->has_proto3_optional && f->proto3_optional)) {
        return false;
      }
      any = true;
    }
  }
  return any;
}

static int wire_field_cmp(const void *a, const void *b) {
  const wire_field *x = a;
  const wire_field *y = b;
  return x->tag < y->tag ? -1 : x->tag > y->tag;
}

static void wire_message_release(wire_message *w) {
  free(w->fields);
  free((void *)w->oneofs);
  w->fields = NULL;
  w->oneofs = NULL;
}

static bool wire_message_init(pbc_ctx *ctx, wire_message *w,
                              const Google__Protobuf__DescriptorProto *msg, const pbc_side *side,
                              const Google__Protobuf__FileDescriptorProto *file) {
  memset(w, 0, sizeof *w);
  w->msg = msg;
  w->side = side;
  w->proto2 = file_is_proto2(file);
  w->fields = calloc(msg->n_field ? msg->n_field : 1, sizeof *w->fields);
  w->oneofs = calloc(msg->n_oneof_decl ? msg->n_oneof_decl : 1, sizeof *w->oneofs);
  if (w->fields == NULL || w->oneofs == NULL) {
    wire_message_release(w);
    fail(ctx, STRATA_E_NOMEM);
    return false;
  }
  for (size_t i = 0; i < msg->n_oneof_decl; i++) {
    if (!oneof_is_synthetic(msg, i)) {
      w->oneofs[w->noneofs++] = str_or_empty(msg->oneof_decl[i]->name);
    }
  }
  for (size_t i = 0; i < msg->n_field; i++) {
    const Google__Protobuf__FieldDescriptorProto *f = msg->field[i];
    if (is_group(f)) {
      continue;
    }
    wire_field *wf = &w->fields[w->nfields++];
    wf->field = f;
    wf->tag = f->number;
    wf->oneof = is_real_oneof_member(f, msg->n_oneof_decl)
                    ? str_or_empty(msg->oneof_decl[f->oneof_index]->name)
                    : NULL;
  }
  /* A tag appears once; keep the last one if a broken input repeats it (a HashMap put). */
  qsort(w->fields, w->nfields, sizeof *w->fields, wire_field_cmp);
  size_t out = 0;
  for (size_t i = 0; i < w->nfields; i++) {
    if (out > 0 && w->fields[out - 1].tag == w->fields[i].tag) {
      w->fields[out - 1] = w->fields[i];
    } else {
      w->fields[out++] = w->fields[i];
    }
  }
  w->nfields = out;
  return true;
}

static const wire_field *wire_find(const wire_message *w, int32_t tag) {
  size_t lo = 0;
  size_t hi = w->nfields;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->fields[mid].tag == tag) {
      return &w->fields[mid];
    }
    if (w->fields[mid].tag < tag) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return NULL;
}

static bool wire_has_oneof(const wire_message *w, const char *name) {
  for (size_t i = 0; i < w->noneofs; i++) {
    if (strcmp(w->oneofs[i], name) == 0) {
      return true;
    }
  }
  return false;
}

static wire_label field_label(const wire_message *w, const wire_field *wf) {
  const Google__Protobuf__FieldDescriptorProto *f = wf->field;
  const pbc_type *t = side_find(w->side, f->type_name);
  if (wf->oneof != NULL || (t != NULL && t->is_map)) {
    return LABEL_NONE;
  }
  switch (f->has_label ? f->label
                       : GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED:
    return LABEL_REPEATED;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED:
    return LABEL_REQUIRED;
  default:
    break;
  }
  if (f->has_proto3_optional && f->proto3_optional) {
    return LABEL_OPTIONAL;
  }
  /* proto3 fields without a label and editions fields carry no label in Wire */
  return w->proto2 ? LABEL_OPTIONAL : LABEL_NONE;
}

static const char *scalar_type_name(Google__Protobuf__FieldDescriptorProto__Type type) {
  switch (type) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
    return "double";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    return "float";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    return "int64";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    return "uint64";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    return "int32";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    return "fixed64";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    return "fixed32";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
    return "bool";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    return "string";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
    return "bytes";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    return "uint32";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
    return "sfixed32";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
    return "sfixed64";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    return "sint32";
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    return "sint64";
  default:
    return NULL;
  }
}

static scalar_kind scalar_kind_of(Google__Protobuf__FieldDescriptorProto__Type type) {
  switch (type) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM:
    return SK_GENERAL_NUMBER;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    return SK_SIGNED_NUMBER;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
    return SK_STRING_OR_BYTES;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
    return SK_FIXED32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
    return SK_FIXED64;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    return SK_FLOAT;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
    return SK_DOUBLE;
  default:
    return SK_UNKNOWN;
  }
}

/* The type of one field (or map key/value) as the diff classifies it. */
typedef struct type_view {
  field_kind kind;
  scalar_kind scalar;
  /* the referenced message or enum when it was found */
  const pbc_type *named;
  /* how to print it: a scalar name or the type name as given */
  const char *display;
} type_view;

static type_view view_type(const pbc_side *side, const Google__Protobuf__FieldDescriptorProto *f) {
  type_view v = {KIND_SCALAR, SK_UNKNOWN, NULL, "?"};
  const char *scalar = f->has_type ? scalar_type_name(f->type) : NULL;
  if (scalar != NULL) {
    v.scalar = scalar_kind_of(f->type);
    v.display = scalar;
    return v;
  }
  v.named = side_find(side, f->type_name);
  v.display =
      f->type_name != NULL ? (f->type_name[0] == '.' ? f->type_name + 1 : f->type_name) : "?";
  if ((f->has_type && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM) ||
      (v.named != NULL && v.named->enm != NULL)) {
    v.kind = KIND_SCALAR;
    v.scalar = SK_GENERAL_NUMBER;
  } else if (v.named != NULL && v.named->is_map) {
    v.kind = KIND_MAP;
  } else {
    v.kind = KIND_MESSAGE;
  }
  return v;
}

/* The key (number 1) or value (number 2) field of a map entry, found by name as Confluent does. */
static const Google__Protobuf__FieldDescriptorProto *map_part(const pbc_type *entry,
                                                              const char *name) {
  for (size_t i = 0; entry->msg != NULL && i < entry->msg->n_field; i++) {
    if (entry->msg->field[i]->name != NULL && strcmp(entry->msg->field[i]->name, name) == 0) {
      return entry->msg->field[i];
    }
  }
  return NULL;
}

/* ---- The diff itself ------------------------------------------------------------------- */

/* Compares the messages and enums nested in @p oparent / @p uparent, or the top level of the
 * files when they are NULL. */
static void compare_type_elements(pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *oparent,
                                  const Google__Protobuf__FileDescriptorProto *ofile,
                                  const Google__Protobuf__DescriptorProto *uparent,
                                  const Google__Protobuf__FileDescriptorProto *ufile, int depth);

static void compare_message(pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *om,
                            const Google__Protobuf__FileDescriptorProto *ofile,
                            const Google__Protobuf__DescriptorProto *um,
                            const Google__Protobuf__FileDescriptorProto *ufile, int depth);

/* The name a field is shown with in sentences: "field 2 'name' of message 'M'". */
#define FIELD_FMT          "field %d '%s' of message '%s'"
#define FIELD_ARGS(f, ctx) (int)(f)->number, str_or_empty((f)->name), scope(ctx)

/* True when the two imported files are the same (same object or same bytes). */
static bool same_file(pbc_ctx *ctx, const Google__Protobuf__FileDescriptorProto *a,
                      const Google__Protobuf__FileDescriptorProto *b) {
  if (a == b) {
    return true;
  }
  for (size_t i = 0; i + 3 <= ctx->nsame; i += 3) {
    if (ctx->same_files[i] == a && ctx->same_files[i + 1] == b) {
      return ctx->same_files[i + 2] != NULL;
    }
  }
  bool same = false;
  size_t la = protobuf_c_message_get_packed_size(&a->base);
  size_t lb = protobuf_c_message_get_packed_size(&b->base);
  if (la == lb) {
    uint8_t *ba = malloc(la ? la : 1);
    uint8_t *bb = malloc(lb ? lb : 1);
    if (ba != NULL && bb != NULL) {
      protobuf_c_message_pack(&a->base, ba);
      protobuf_c_message_pack(&b->base, bb);
      same = memcmp(ba, bb, la) == 0;
    } else {
      fail(ctx, STRATA_E_NOMEM);
    }
    free(ba);
    free(bb);
  }
  if (grow(ctx, (void **)&ctx->same_files, &ctx->same_cap, ctx->nsame + 3,
           sizeof *ctx->same_files)) {
    ctx->same_files[ctx->nsame++] = a;
    ctx->same_files[ctx->nsame++] = b;
    ctx->same_files[ctx->nsame++] = same ? (const void *)a : NULL;
  }
  return same;
}

/* The name of a type without its file's package. */
static const char *local_name(const pbc_type *t) {
  size_t lp = strlen(t->package);
  if (lp > 0 && strncmp(t->full_name, t->package, lp) == 0 && t->full_name[lp] == '.') {
    return t->full_name + lp + 1;
  }
  return t->full_name;
}

static pbc_memo *memo_find(pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *o,
                           const Google__Protobuf__DescriptorProto *u) {
  for (size_t i = 0; i < ctx->nmemo; i++) {
    if (ctx->memo[i].orig == o && ctx->memo[i].upd == u) {
      return &ctx->memo[i];
    }
  }
  return NULL;
}

/* Confluent's compareMessageTypes for two MESSAGE-kind types; @p f names the field. */
static void compare_message_types(pbc_ctx *ctx, const Google__Protobuf__FieldDescriptorProto *f,
                                  const type_view *ov, const type_view *uv, int depth) {
  if (ov->named == NULL || uv->named == NULL) {
    if (strcmp(ov->display, uv->display) != 0) {
      add_diff(ctx, PBC_FIELD_NAMED_TYPE_CHANGED,
               FIELD_FMT " refers to message '%s' in the %s schema and '%s' in the %s schema",
               FIELD_ARGS(f, ctx), ov->display, ctx->orig.label, uv->display, ctx->upd.label);
    }
    return;
  }
  const char *ol = local_name(ov->named);
  const char *ul = local_name(uv->named);
  if (strcmp(ol, ul) != 0) {
    add_diff(ctx, PBC_FIELD_NAMED_TYPE_CHANGED,
             FIELD_FMT " refers to message '%s' in the %s schema and '%s' in the %s schema",
             FIELD_ARGS(f, ctx), ov->named->full_name, ctx->orig.label, uv->named->full_name,
             ctx->upd.label);
    return;
  }
  /* Both defined in the file itself, or both in the same import: compared elsewhere or equal. */
  if ((ov->named->local && uv->named->local) ||
      (!ov->named->local && !uv->named->local &&
       same_file(ctx, ov->named->file, uv->named->file))) {
    return;
  }
  if (depth > 64) {
    fail(ctx, STRATA_E_INVALID_ARGUMENT);
    return;
  }
  /* A sub-diff with its path starting at the local name, as Confluent's subcontext does. */
  size_t incompatible_before = ctx->incompatible;
  const pbc_memo *memo = memo_find(ctx, ov->named->msg, uv->named->msg);
  if (memo != NULL) {
    replay_diffs(ctx, memo->start, memo->count, memo->total, memo->incompatible);
  } else {
    char **saved_path = ctx->path;
    size_t saved_n = ctx->npath;
    size_t saved_cap = ctx->path_cap;
    char *saved_scope = ctx->scope_name;
    ctx->path = NULL;
    ctx->npath = 0;
    ctx->path_cap = 0;
    ctx->scope_name = strdup(ol);
    if (ctx->scope_name == NULL) {
      fail(ctx, STRATA_E_NOMEM);
    }
    /* the message's own name segments: "outer.GoogleHome" -> outer/GoogleHome */
    const char *p = ol;
    while (ctx->rc == STRATA_E_OK) {
      const char *dot = strchr(p, '.');
      size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
      char *seg = strndup(p, n);
      if (seg == NULL) {
        fail(ctx, STRATA_E_NOMEM);
        break;
      }
      path_push(ctx, seg);
      free(seg);
      if (dot == NULL) {
        break;
      }
      p = dot + 1;
    }
    size_t start = ctx->ndiffs;
    size_t total_before = ctx->total;
    size_t incompatible_start = ctx->incompatible;
    compare_message(ctx, ov->named->msg, ov->named->file, uv->named->msg, uv->named->file,
                    depth + 1);
    while (ctx->npath > 0) {
      path_pop(ctx);
    }
    free(ctx->path);
    free(ctx->scope_name);
    ctx->path = saved_path;
    ctx->npath = saved_n;
    ctx->path_cap = saved_cap;
    ctx->scope_name = saved_scope;
    if (grow(ctx, (void **)&ctx->memo, &ctx->memo_cap, ctx->nmemo + 1, sizeof *ctx->memo)) {
      ctx->memo[ctx->nmemo++] = (pbc_memo){ov->named->msg,
                                           uv->named->msg,
                                           start,
                                           ctx->ndiffs - start,
                                           ctx->incompatible - incompatible_start,
                                           ctx->total - total_before};
    }
  }
  if (ctx->incompatible > incompatible_before) {
    add_diff(ctx, PBC_FIELD_NAMED_TYPE_CHANGED,
             FIELD_FMT " refers to message '%s', which changed incompatibly between the %s and "
                       "the %s schema",
             FIELD_ARGS(f, ctx), ol, ctx->orig.label, ctx->upd.label);
  }
}

/* Confluent's compareLabelsAndTypes; @p f names the field in sentences. */
static void compare_labels_and_types(pbc_ctx *ctx, const Google__Protobuf__FieldDescriptorProto *f,
                                     const char *part, wire_label olabel, wire_label ulabel,
                                     const Google__Protobuf__FieldDescriptorProto *of,
                                     const Google__Protobuf__FieldDescriptorProto *uf, int depth) {
  if (of == NULL || uf == NULL) {
    return;
  }
  type_view ov = view_type(&ctx->orig, of);
  type_view uv = view_type(&ctx->upd, uf);
  /* "field 2 'x' of message 'M'" or "the value of map field 2 'x' of message 'M'" */
  char subject[512];
#define SUBJECT()                                                                                  \
  snprintf(subject, sizeof subject, "%s%s%s" FIELD_FMT, part != NULL ? "the " : "",                \
           part != NULL ? part : "", part != NULL ? " of map " : "", FIELD_ARGS(f, ctx))
  if (ov.kind != uv.kind) {
    SUBJECT();
    add_diff(ctx, PBC_FIELD_KIND_CHANGED,
             "%s is a %s field (%s) in the %s schema but a %s field (%s) in the %s schema", subject,
             field_kind_names[ov.kind], ov.display, ctx->orig.label, field_kind_names[uv.kind],
             uv.display, ctx->upd.label);
    return;
  }
  switch (ov.kind) {
  case KIND_SCALAR:
    if (ov.scalar != uv.scalar) {
      SUBJECT();
      add_diff(ctx, PBC_FIELD_SCALAR_KIND_CHANGED,
               "%s is %s in the %s schema but %s in the %s schema, which is encoded differently",
               subject, ov.display, ctx->orig.label, uv.display, ctx->upd.label);
    } else if (olabel != LABEL_NONE && ulabel != LABEL_NONE && olabel != ulabel) {
      if (ov.scalar == SK_STRING_OR_BYTES) {
        add_diff(ctx, PBC_FIELD_STRING_OR_BYTES_LABEL_CHANGED,
                 FIELD_FMT " is %s in the %s schema and %s in the %s schema", FIELD_ARGS(f, ctx),
                 wire_label_names[olabel], ctx->orig.label, wire_label_names[ulabel],
                 ctx->upd.label);
      } else if (ov.scalar != SK_UNKNOWN) {
        add_diff(ctx, PBC_FIELD_NUMERIC_LABEL_CHANGED,
                 FIELD_FMT " is %s in the %s schema but %s in the %s schema; a numeric field "
                           "cannot change its label",
                 FIELD_ARGS(f, ctx), wire_label_names[olabel], ctx->orig.label,
                 wire_label_names[ulabel], ctx->upd.label);
      }
    }
    break;
  case KIND_MESSAGE:
    compare_message_types(ctx, f, &ov, &uv, depth);
    break;
  case KIND_MAP:
    compare_labels_and_types(ctx, f, "key", LABEL_NONE, LABEL_NONE, map_part(ov.named, "key"),
                             map_part(uv.named, "key"), depth);
    compare_labels_and_types(ctx, f, "value", LABEL_NONE, LABEL_NONE, map_part(ov.named, "value"),
                             map_part(uv.named, "value"), depth);
    break;
  }
}

/* Confluent's FieldSchemaDiff.compare for one tag present on both sides. */
static void compare_field(pbc_ctx *ctx, const wire_message *ow, const wire_field *of,
                          const wire_message *uw, const wire_field *uf, int depth) {
  const char *on = str_or_empty(of->field->name);
  const char *un = str_or_empty(uf->field->name);
  if (strcmp(on, un) != 0) {
    add_diff(ctx, PBC_FIELD_NAME_CHANGED,
             "field %d of message '%s' is named '%s' in the %s schema and '%s' in the %s schema",
             (int)of->tag, scope(ctx), on, ctx->orig.label, un, ctx->upd.label);
  }
  compare_labels_and_types(ctx, uf->field, NULL, field_label(ow, of), field_label(uw, uf),
                           of->field, uf->field, depth);
}

static bool active_contains(const pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *m) {
  for (size_t i = 0; i < ctx->nactive; i++) {
    if (ctx->active[i] == m) {
      return true;
    }
  }
  return false;
}

static int int_cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a;
  int64_t y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static int str_ptr_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The index of the oneof called @p name in @p w, as a group id for mutual exclusivity. */
static int64_t oneof_group(const wire_message *w, const char *name) {
  for (size_t i = 0; i < w->noneofs; i++) {
    if (strcmp(w->oneofs[i], name) == 0) {
      return -(int64_t)i - 1;
    }
  }
  return INT64_MIN;
}

/* Was oneof @p name of the original removed together with all its members? */
static bool oneof_completely_deleted(const wire_message *ow, const wire_message *uw,
                                     const char *name) {
  if (wire_has_oneof(uw, name)) {
    return false;
  }
  for (size_t i = 0; i < ow->nfields; i++) {
    if (ow->fields[i].oneof != NULL && strcmp(ow->fields[i].oneof, name) == 0 &&
        wire_find(uw, ow->fields[i].tag) != NULL) {
      return false;
    }
  }
  return true;
}

/* MULTIPLE_FIELDS_MOVED_TO_ONEOF / FIELD_MOVED_TO_EXISTING_ONEOF for each update oneof. */
static void check_oneof_groups(pbc_ctx *ctx, const wire_message *ow, const wire_message *uw) {
  int64_t *groups = calloc(uw->nfields ? uw->nfields : 1, sizeof *groups);
  if (groups == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    return;
  }
  for (size_t k = 0; k < uw->noneofs; k++) {
    const char *name = uw->oneofs[k];
    size_t ngroups = 0;
    size_t moved_in = 0;
    for (size_t i = 0; i < uw->nfields; i++) {
      if (uw->fields[i].oneof == NULL || strcmp(uw->fields[i].oneof, name) != 0) {
        continue;
      }
      const wire_field *o = wire_find(ow, uw->fields[i].tag);
      if (o == NULL) {
        continue; /* brand-new member: old data never set it */
      }
      if (o->oneof != NULL) {
        groups[ngroups++] = oneof_group(ow, o->oneof);
      } else {
        groups[ngroups++] = o->tag;
        moved_in++;
      }
    }
    qsort(groups, ngroups, sizeof *groups, int_cmp);
    size_t distinct = 0;
    for (size_t i = 0; i < ngroups; i++) {
      if (i == 0 || groups[i] != groups[i - 1]) {
        distinct++;
      }
    }
    if (distinct > 1) {
      path_push(ctx, name);
      if (moved_in > 1) {
        add_diff(ctx, PBC_MULTIPLE_FIELDS_MOVED_TO_ONEOF,
                 "oneof '%s' of message '%s' in the %s schema holds %zu fields that are "
                 "independent top-level fields in the %s schema",
                 name, scope(ctx), ctx->upd.label, moved_in, ctx->orig.label);
      } else {
        add_diff(ctx, PBC_FIELD_MOVED_TO_EXISTING_ONEOF,
                 "oneof '%s' of message '%s' in the %s schema makes fields mutually exclusive "
                 "that are not in one oneof in the %s schema",
                 name, scope(ctx), ctx->upd.label, ctx->orig.label);
      }
      path_pop(ctx);
    }
  }
  free(groups);
}

/* ONEOF_ADDED / ONEOF_REMOVED in name order. */
static void check_oneof_names(pbc_ctx *ctx, const wire_message *ow, const wire_message *uw) {
  size_t n = ow->noneofs + uw->noneofs;
  const char **names = calloc(n ? n : 1, sizeof *names);
  if (names == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    return;
  }
  memcpy(names, ow->oneofs, ow->noneofs * sizeof *names);
  memcpy(names + ow->noneofs, uw->oneofs, uw->noneofs * sizeof *names);
  qsort(names, n, sizeof *names, str_ptr_cmp);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && strcmp(names[i], names[i - 1]) == 0) {
      continue;
    }
    bool in_o = wire_has_oneof(ow, names[i]);
    bool in_u = wire_has_oneof(uw, names[i]);
    if (in_o && in_u) {
      continue;
    }
    path_push(ctx, names[i]);
    if (!in_u) {
      add_diff(ctx, PBC_ONEOF_REMOVED,
               "oneof '%s' of message '%s' exists in the %s schema but not in the %s schema",
               names[i], scope(ctx), ctx->orig.label, ctx->upd.label);
    } else {
      add_diff(ctx, PBC_ONEOF_ADDED,
               "oneof '%s' of message '%s' exists in the %s schema but not in the %s schema",
               names[i], scope(ctx), ctx->upd.label, ctx->orig.label);
    }
    path_pop(ctx);
  }
  free(names);
}

/* The per-tag pass, tags ascending. */
static void check_fields(pbc_ctx *ctx, const wire_message *ow, const wire_message *uw, int depth) {
  size_t i = 0;
  size_t j = 0;
  while ((i < ow->nfields || j < uw->nfields) && ctx->rc == STRATA_E_OK) {
    const wire_field *o = NULL;
    const wire_field *u = NULL;
    if (j >= uw->nfields || (i < ow->nfields && ow->fields[i].tag < uw->fields[j].tag)) {
      o = &ow->fields[i++];
    } else if (i >= ow->nfields || uw->fields[j].tag < ow->fields[i].tag) {
      u = &uw->fields[j++];
    } else {
      o = &ow->fields[i++];
      u = &uw->fields[j++];
    }
    if (u == NULL) {
      if (o->oneof != NULL) {
        if (!oneof_completely_deleted(ow, uw, o->oneof)) {
          path_push(ctx, o->oneof);
          path_push_number(ctx, o->tag);
          add_diff(ctx, PBC_ONEOF_FIELD_REMOVED,
                   FIELD_FMT " in oneof '%s' of the %s schema is missing in the %s schema",
                   FIELD_ARGS(o->field, ctx), o->oneof, ctx->orig.label, ctx->upd.label);
          path_pop(ctx);
          path_pop(ctx);
        }
      } else {
        path_push_number(ctx, o->tag);
        if (o->field->has_label &&
            o->field->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED) {
          add_diff(ctx, PBC_REQUIRED_FIELD_REMOVED,
                   "required " FIELD_FMT " of the %s schema is missing in the %s schema",
                   FIELD_ARGS(o->field, ctx), ctx->orig.label, ctx->upd.label);
        } else {
          add_diff(ctx, PBC_FIELD_REMOVED,
                   FIELD_FMT " of the %s schema is missing in the %s schema",
                   FIELD_ARGS(o->field, ctx), ctx->orig.label, ctx->upd.label);
        }
        path_pop(ctx);
      }
    } else if (o == NULL) {
      if (u->oneof != NULL) {
        path_push(ctx, u->oneof);
        path_push_number(ctx, u->tag);
        add_diff(ctx, PBC_ONEOF_FIELD_ADDED,
                 FIELD_FMT " in oneof '%s' exists in the %s schema but not in the %s schema",
                 FIELD_ARGS(u->field, ctx), u->oneof, ctx->upd.label, ctx->orig.label);
        path_pop(ctx);
        path_pop(ctx);
      } else {
        path_push_number(ctx, u->tag);
        if (u->field->has_label &&
            u->field->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED) {
          add_diff(ctx, PBC_REQUIRED_FIELD_ADDED,
                   "required " FIELD_FMT " of the %s schema is missing in the %s schema",
                   FIELD_ARGS(u->field, ctx), ctx->upd.label, ctx->orig.label);
        } else {
          add_diff(ctx, PBC_FIELD_ADDED,
                   FIELD_FMT " exists in the %s schema but not in the %s schema",
                   FIELD_ARGS(u->field, ctx), ctx->upd.label, ctx->orig.label);
        }
        path_pop(ctx);
      }
    } else {
      if (o->oneof != NULL && u->oneof == NULL) {
        path_push_number(ctx, o->tag);
        add_diff(ctx, PBC_ONEOF_FIELD_MOVED_TO_TOP_LEVEL,
                 FIELD_FMT " is in oneof '%s' in the %s schema and a top-level field in the %s "
                           "schema",
                 FIELD_ARGS(u->field, ctx), o->oneof, ctx->orig.label, ctx->upd.label);
        path_pop(ctx);
      }
      if (u->oneof != NULL) {
        path_push(ctx, u->oneof);
      }
      path_push_number(ctx, u->tag);
      compare_field(ctx, ow, o, uw, u, depth);
      path_pop(ctx);
      if (u->oneof != NULL) {
        path_pop(ctx);
      }
    }
  }
}

/* Confluent's MessageSchemaDiff.compare. */
static void compare_message(pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *om,
                            const Google__Protobuf__FileDescriptorProto *ofile,
                            const Google__Protobuf__DescriptorProto *um,
                            const Google__Protobuf__FileDescriptorProto *ufile, int depth) {
  if (ctx->rc != STRATA_E_OK) {
    return;
  }
  if (!active_contains(ctx, om)) {
    wire_message ow;
    wire_message uw;
    if (!grow(ctx, (void **)&ctx->active, &ctx->active_cap, ctx->nactive + 1,
              sizeof *ctx->active)) {
      return;
    }
    if (!wire_message_init(ctx, &ow, om, &ctx->orig, ofile)) {
      return;
    }
    if (!wire_message_init(ctx, &uw, um, &ctx->upd, ufile)) {
      wire_message_release(&ow);
      return;
    }
    ctx->active[ctx->nactive++] = om;
    check_oneof_groups(ctx, &ow, &uw);
    check_oneof_names(ctx, &ow, &uw);
    check_fields(ctx, &ow, &uw, depth);
    ctx->nactive--;
    wire_message_release(&ow);
    wire_message_release(&uw);
  }
  compare_type_elements(ctx, om, ofile, um, ufile, depth + 1);
}

/* Confluent's EnumSchemaDiff.compare. */
static void compare_enum(pbc_ctx *ctx, const Google__Protobuf__EnumDescriptorProto *oe,
                         const Google__Protobuf__EnumDescriptorProto *ue) {
  size_t n = oe->n_value + ue->n_value;
  java_key *okeys = calloc(oe->n_value ? oe->n_value : 1, sizeof *okeys);
  java_key *ukeys = calloc(ue->n_value ? ue->n_value : 1, sizeof *ukeys);
  java_key *all = calloc(n ? n : 1, sizeof *all);
  if (okeys == NULL || ukeys == NULL || all == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    goto cleanup;
  }
  /* HashMap<Integer, constant> in declaration order: the key keeps its first position, the
   * value is the last constant with that number (allow_alias). */
  size_t no = 0;
  size_t nu = 0;
  for (size_t pass = 0; pass < 2; pass++) {
    const Google__Protobuf__EnumDescriptorProto *e = pass == 0 ? oe : ue;
    java_key *keys = pass == 0 ? okeys : ukeys;
    size_t *count = pass == 0 ? &no : &nu;
    for (size_t i = 0; i < e->n_value; i++) {
      int32_t num = e->value[i]->number;
      size_t k = 0;
      while (k < *count && e->value[keys[k].index]->number != num) {
        k++;
      }
      if (k < *count) {
        keys[k].index = i;
      } else {
        keys[(*count)++] = (java_key){java_spread(num), 0, 0, i};
      }
    }
    java_order(keys, *count, java_default_capacity(*count));
  }
  /* new HashSet<>(original keys) then addAll(update keys). */
  size_t nall = 0;
  for (size_t i = 0; i < no; i++) {
    all[nall++] = (java_key){okeys[i].spread, 0, 0, i};
  }
  for (size_t i = 0; i < nu; i++) {
    int32_t num = ue->value[ukeys[i].index]->number;
    bool seen = false;
    for (size_t k = 0; k < no && !seen; k++) {
      seen = oe->value[okeys[k].index]->number == num;
    }
    if (!seen) {
      all[nall++] = (java_key){ukeys[i].spread, 0, 0, no + i};
    }
  }
  java_order(all, nall, java_copy_capacity(no, nall));
  for (size_t k = 0; k < nall && ctx->rc == STRATA_E_OK; k++) {
    const Google__Protobuf__EnumValueDescriptorProto *ov = NULL;
    const Google__Protobuf__EnumValueDescriptorProto *uv = NULL;
    int32_t num;
    if (all[k].index < no) {
      ov = oe->value[okeys[all[k].index].index];
      num = ov->number;
    } else {
      uv = ue->value[ukeys[all[k].index - no].index];
      num = uv->number;
    }
    for (size_t i = 0; i < nu && uv == NULL; i++) {
      if (ue->value[ukeys[i].index]->number == num) {
        uv = ue->value[ukeys[i].index];
      }
    }
    path_push_number(ctx, num);
    if (uv == NULL) {
      add_diff(ctx, PBC_ENUM_CONST_REMOVED,
               "value %d ('%s') of enum '%s' exists in the %s schema but not in the %s schema",
               (int)num, str_or_empty(ov->name), scope(ctx), ctx->orig.label, ctx->upd.label);
    } else if (ov == NULL) {
      add_diff(ctx, PBC_ENUM_CONST_ADDED,
               "value %d ('%s') of enum '%s' exists in the %s schema but not in the %s schema",
               (int)num, str_or_empty(uv->name), scope(ctx), ctx->upd.label, ctx->orig.label);
    } else if (strcmp(str_or_empty(ov->name), str_or_empty(uv->name)) != 0) {
      add_diff(ctx, PBC_ENUM_CONST_CHANGED,
               "value %d of enum '%s' is named '%s' in the %s schema and '%s' in the %s schema",
               (int)num, scope(ctx), str_or_empty(ov->name), ctx->orig.label,
               str_or_empty(uv->name), ctx->upd.label);
    }
    path_pop(ctx);
  }
cleanup:
  free(okeys);
  free(ukeys);
  free(all);
}

/* Is nested message @p m of a scope a map entry or a group body (invisible to Wire)? */
static bool hidden_message(const Google__Protobuf__DescriptorProto *m,
                           const Google__Protobuf__DescriptorProto *parent) {
  if (m->options != NULL && m->options->has_map_entry && m->options->map_entry) {
    return true;
  }
  for (size_t i = 0; parent != NULL && i < parent->n_field; i++) {
    const Google__Protobuf__FieldDescriptorProto *f = parent->field[i];
    if (is_group(f) && f->type_name != NULL && m->name != NULL) {
      const char *last = strrchr(f->type_name, '.');
      last = last != NULL ? last + 1 : f->type_name;
      if (strcmp(last, m->name) == 0) {
        return true;
      }
    }
  }
  return false;
}

/* One named element of a scope: a message or an enum, in declaration order. */
typedef struct scope_item {
  const char *name;
  size_t index;    /* in the descriptor's array */
  size_t position; /* among the visible messages (Confluent's message index) */
} scope_item;

/* Collects the visible elements, ordered as a Java HashMap<String, ...> iterates them. */
static scope_item *scope_items(pbc_ctx *ctx, const void *const *elems, size_t n, bool messages,
                               const Google__Protobuf__DescriptorProto *parent, size_t *count) {
  scope_item *items = calloc(n ? n : 1, sizeof *items);
  java_key *keys = calloc(n ? n : 1, sizeof *keys);
  scope_item *ordered = calloc(n ? n : 1, sizeof *ordered);
  size_t k = 0;
  if (items == NULL || keys == NULL || ordered == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    free(ordered);
    ordered = NULL;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    const char *name;
    if (messages) {
      const Google__Protobuf__DescriptorProto *m = elems[i];
      if (hidden_message(m, parent)) {
        continue;
      }
      name = str_or_empty(m->name);
    } else {
      name = str_or_empty(((const Google__Protobuf__EnumDescriptorProto *)elems[i])->name);
    }
    items[k] = (scope_item){name, i, k};
    keys[k] = (java_key){java_spread(java_string_hash(name)), 0, 0, k};
    k++;
  }
  java_order(keys, k, java_default_capacity(k));
  for (size_t i = 0; i < k; i++) {
    ordered[i] = items[keys[i].index];
  }
  *count = k;
cleanup:
  free(items);
  free(keys);
  return ordered;
}

/* Items sorted by name, for lookups. */
typedef struct scope_index {
  const scope_item **sorted;
  size_t n;
} scope_index;

static int scope_item_name_cmp(const void *a, const void *b) {
  return strcmp((*(const scope_item *const *)a)->name, (*(const scope_item *const *)b)->name);
}

static bool scope_index_init(pbc_ctx *ctx, scope_index *idx, const scope_item *items, size_t n) {
  idx->n = n;
  idx->sorted = calloc(n ? n : 1, sizeof *idx->sorted);
  if (idx->sorted == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    idx->sorted[i] = &items[i];
  }
  qsort(idx->sorted, n, sizeof *idx->sorted, scope_item_name_cmp);
  return true;
}

static const scope_item *scope_find(const scope_index *idx, const char *name) {
  size_t lo = 0;
  size_t hi = idx->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(idx->sorted[mid]->name, name);
    if (c == 0) {
      return idx->sorted[mid];
    }
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return NULL;
}

/* The union of names, ordered as new HashSet<>(original names) + addAll(update names). */
static java_key *union_order(pbc_ctx *ctx, const scope_item *o, size_t no, const scope_index *oidx,
                             const scope_item *u, size_t nu, size_t *count) {
  java_key *all = calloc(no + nu ? no + nu : 1, sizeof *all);
  size_t n = 0;
  if (all == NULL) {
    fail(ctx, STRATA_E_NOMEM);
    return NULL;
  }
  for (size_t i = 0; i < no; i++) {
    all[n++] = (java_key){java_spread(java_string_hash(o[i].name)), 0, 0, i};
  }
  for (size_t i = 0; i < nu; i++) {
    if (scope_find(oidx, u[i].name) == NULL) {
      all[n++] = (java_key){java_spread(java_string_hash(u[i].name)), 0, 0, no + i};
    }
  }
  java_order(all, n, java_copy_capacity(no, n));
  *count = n;
  return all;
}

/* Confluent's SchemaDiff.compareTypeElements for one scope. */
static void compare_type_elements(pbc_ctx *ctx, const Google__Protobuf__DescriptorProto *oparent,
                                  const Google__Protobuf__FileDescriptorProto *ofile,
                                  const Google__Protobuf__DescriptorProto *uparent,
                                  const Google__Protobuf__FileDescriptorProto *ufile, int depth) {
  size_t nomi = 0;
  size_t numi = 0;
  size_t noei = 0;
  size_t nuei = 0;
  size_t nmall = 0;
  size_t neall = 0;
  scope_item *omi = NULL;
  scope_item *umi = NULL;
  scope_item *oei = NULL;
  scope_item *uei = NULL;
  java_key *mall = NULL;
  java_key *eall = NULL;
  scope_index omx = {NULL, 0};
  scope_index umx = {NULL, 0};
  scope_index oex = {NULL, 0};
  scope_index uex = {NULL, 0};
  if (ctx->rc != STRATA_E_OK) {
    return;
  }
  if (depth > 200) {
    fail(ctx, STRATA_E_INVALID_ARGUMENT);
    return;
  }
  Google__Protobuf__DescriptorProto *const *om =
      oparent != NULL ? oparent->nested_type : ofile->message_type;
  size_t nom = oparent != NULL ? oparent->n_nested_type : ofile->n_message_type;
  Google__Protobuf__EnumDescriptorProto *const *oe =
      oparent != NULL ? oparent->enum_type : ofile->enum_type;
  size_t noe = oparent != NULL ? oparent->n_enum_type : ofile->n_enum_type;
  Google__Protobuf__DescriptorProto *const *um =
      uparent != NULL ? uparent->nested_type : ufile->message_type;
  size_t num = uparent != NULL ? uparent->n_nested_type : ufile->n_message_type;
  Google__Protobuf__EnumDescriptorProto *const *ue =
      uparent != NULL ? uparent->enum_type : ufile->enum_type;
  size_t nue = uparent != NULL ? uparent->n_enum_type : ufile->n_enum_type;
  omi = scope_items(ctx, (const void *const *)om, nom, true, oparent, &nomi);
  umi = scope_items(ctx, (const void *const *)um, num, true, uparent, &numi);
  oei = scope_items(ctx, (const void *const *)oe, noe, false, NULL, &noei);
  uei = scope_items(ctx, (const void *const *)ue, nue, false, NULL, &nuei);
  if (omi == NULL || umi == NULL || oei == NULL || uei == NULL) {
    goto cleanup;
  }
  if (!scope_index_init(ctx, &omx, omi, nomi) || !scope_index_init(ctx, &umx, umi, numi) ||
      !scope_index_init(ctx, &oex, oei, noei) || !scope_index_init(ctx, &uex, uei, nuei)) {
    goto cleanup;
  }
  mall = union_order(ctx, omi, nomi, &omx, umi, numi, &nmall);
  eall = union_order(ctx, oei, noei, &oex, uei, nuei, &neall);
  if (mall == NULL || eall == NULL) {
    goto cleanup;
  }
  for (size_t k = 0; k < nmall && ctx->rc == STRATA_E_OK; k++) {
    const scope_item *o = mall[k].index < nomi ? &omi[mall[k].index] : NULL;
    const char *name = o != NULL ? o->name : umi[mall[k].index - nomi].name;
    const scope_item *u = scope_find(&umx, name);
    path_push(ctx, name);
    char *prev = scope_enter(ctx, name);
    if (u == NULL) {
      add_diff(ctx, PBC_MESSAGE_REMOVED,
               "message '%s' exists in the %s schema but not in the %s "
               "schema",
               scope(ctx), ctx->orig.label, ctx->upd.label);
    } else if (o == NULL) {
      add_diff(ctx, PBC_MESSAGE_ADDED,
               "message '%s' exists in the %s schema but not in the %s "
               "schema",
               scope(ctx), ctx->upd.label, ctx->orig.label);
    } else {
      compare_message(ctx, om[o->index], ofile, um[u->index], ufile, depth);
      if (o->position != u->position) {
        add_diff(ctx, PBC_MESSAGE_MOVED,
                 "message '%s' is message number %zu of its scope in the %s schema and number "
                 "%zu in the %s schema",
                 scope(ctx), o->position + 1, ctx->orig.label, u->position + 1, ctx->upd.label);
      }
    }
    scope_leave(ctx, prev);
    path_pop(ctx);
  }
  for (size_t k = 0; k < neall && ctx->rc == STRATA_E_OK; k++) {
    const scope_item *o = eall[k].index < noei ? &oei[eall[k].index] : NULL;
    const char *name = o != NULL ? o->name : uei[eall[k].index - noei].name;
    const scope_item *u = scope_find(&uex, name);
    path_push(ctx, name);
    char *prev = scope_enter(ctx, name);
    if (u == NULL) {
      add_diff(ctx, PBC_ENUM_REMOVED, "enum '%s' exists in the %s schema but not in the %s schema",
               scope(ctx), ctx->orig.label, ctx->upd.label);
    } else if (o == NULL) {
      add_diff(ctx, PBC_ENUM_ADDED, "enum '%s' exists in the %s schema but not in the %s schema",
               scope(ctx), ctx->upd.label, ctx->orig.label);
    } else {
      compare_enum(ctx, oe[o->index], ue[u->index]);
    }
    scope_leave(ctx, prev);
    path_pop(ctx);
  }
cleanup:
  free(omi);
  free(umi);
  free(oei);
  free(uei);
  free(mall);
  free(eall);
  free(omx.sorted);
  free(umx.sorted);
  free(oex.sorted);
  free(uex.sorted);
}

/* ---- Entry points ---------------------------------------------------------------------- */

/* Runs the whole diff into @p ctx (already zeroed). */
static strata_error run_diff(pbc_ctx *ctx, const pbc_files *original, const pbc_files *update,
                             const char *original_label, const char *update_label) {
  strata_error rc = STRATA_E_OK;
  if (original == NULL || update == NULL || original->file == NULL || update->file == NULL ||
      (original->deps == NULL && original->ndeps > 0) ||
      (update->deps == NULL && update->ndeps > 0)) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  rc = side_init(&ctx->orig, original, original_label != NULL ? original_label : "original");
  if (rc == STRATA_E_OK) {
    rc = side_init(&ctx->upd, update, update_label != NULL ? update_label : "update");
  }
  if (rc != STRATA_E_OK) {
    return rc;
  }
  const char *op = str_or_empty(original->file->package);
  const char *up = str_or_empty(update->file->package);
  if (strcmp(op, up) != 0) {
    add_diff(ctx, PBC_PACKAGE_CHANGED,
             "the package is '%s' in the %s schema and '%s' in the %s schema", op, ctx->orig.label,
             up, ctx->upd.label);
  }
  compare_type_elements(ctx, NULL, original->file, NULL, update->file, 0);
  return ctx->rc;
}

strata_error pbc_diff(const pbc_files *original, const pbc_files *update,
                      const char *original_label, const char *update_label, pbc_diff_fn fn,
                      void *fn_ctx) {
  pbc_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  strata_error rc = fn != NULL ? run_diff(&ctx, original, update, original_label, update_label)
                               : STRATA_E_INVALID_ARGUMENT;
  for (size_t i = 0; rc == STRATA_E_OK && i < ctx.ndiffs; i++) {
    rc = fn(fn_ctx, ctx.diffs[i].type, ctx.diffs[i].path, ctx.diffs[i].message);
  }
  ctx_release(&ctx);
  return rc;
}

/* Confluent's description of @p type at @p path, %s placeholders filled with @p first and
 * @p second; "" for the types Confluent has no description for. */
static void confluent_description(sjw_buf *out, pbc_diff_type type, const char *path,
                                  const char *first, const char *second) {
  switch (type) {
  case PBC_PACKAGE_CHANGED:
    sjw_printf(out,
               "The package at '%s' in the %s schema does not match the package in the %s schema",
               path, first, second);
    break;
  case PBC_MESSAGE_REMOVED:
    sjw_printf(out, "The %s schema is missing a MESSAGE type at path '%s' in the %s schema", first,
               path, second);
    break;
  case PBC_FIELD_KIND_CHANGED:
    sjw_printf(out,
               "The type of a field at path '%s' in the %s schema does not match the %s schema",
               path, first, second);
    break;
  case PBC_FIELD_SCALAR_KIND_CHANGED:
    sjw_printf(out,
               "The kind of a SCALAR field at path '%s' in the %s schema does not match its kind "
               "in the %s schema",
               path, first, second);
    break;
  case PBC_FIELD_NAMED_TYPE_CHANGED:
    sjw_printf(out,
               "The type of a MESSAGE field at path '%s' in the %s schema does not match its type "
               "in the %s schema",
               path, first, second);
    break;
  case PBC_FIELD_NUMERIC_LABEL_CHANGED:
    sjw_printf(out,
               "The label for a NUMERIC field at path '%s' in the %s schema does not match its "
               "label in the %s schema",
               path, first, second);
    break;
  case PBC_REQUIRED_FIELD_ADDED:
    /* Confluent's text has the double space */
    sjw_printf(out, "A required field  at path '%s' in the %s schema is missing in the %s schema",
               path, first, second);
    break;
  case PBC_REQUIRED_FIELD_REMOVED:
    sjw_printf(out, "The %s schema is missing a required field at path: '%s' in the %s schema",
               first, path, second);
    break;
  case PBC_ONEOF_FIELD_REMOVED:
    sjw_printf(out, "The %s schema is missing a oneof field at path '%s' in the %s schema", first,
               path, second);
    break;
  case PBC_ONEOF_FIELD_MOVED_TO_TOP_LEVEL:
    sjw_printf(out,
               "The oneof field at path '%s' in the %s schema was moved out of its oneof to a "
               "top-level field in the %s schema",
               path, first, second);
    break;
  case PBC_MULTIPLE_FIELDS_MOVED_TO_ONEOF:
    sjw_printf(out,
               "Multiple fields in the oneof at path '%s' in the %s schema are outside a oneof in "
               "the %s schema",
               path, first, second);
    break;
  case PBC_FIELD_MOVED_TO_EXISTING_ONEOF:
    sjw_printf(out,
               "A field in the oneof at path '%s' in the %s schema is outside an existing oneof in "
               "the %s schema",
               path, first, second);
    break;
  default:
    break;
  }
}

strata_error pbc_check_files(const pbc_files *new_files, const pbc_files *old_files,
                             strata_compat_direction dir, scm_sink *sink) {
  strata_error rc = STRATA_E_OK;
  pbc_ctx ctx;
  sjw_buf detail = SJW_BUF_INIT;
  bool backward = dir == STRATA_DIRECTION_BACKWARD;
  /* §0.3: BACKWARD fills the placeholders with new, old; FORWARD with old, new. */
  const char *first = backward ? "new" : "old";
  const char *second = backward ? "old" : "new";

  memset(&ctx, 0, sizeof ctx);
  if (sink == NULL) {
    rc = STRATA_E_INVALID_ARGUMENT;
    goto cleanup;
  }
  rc = backward ? run_diff(&ctx, old_files, new_files, "old", "new")
                : run_diff(&ctx, new_files, old_files, "new", "old");
  for (size_t i = 0; rc == STRATA_E_OK && i < ctx.ndiffs; i++) {
    const pbc_diff_entry *d = &ctx.diffs[i];
    if (pbc_diff_type_compatible(d->type)) {
      continue;
    }
    confluent_description(&detail, d->type, d->path, first, second);
    sjw_putc(&detail, '\0');
    if (detail.failed) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = scm_sink_add(sink, diff_type_names[d->type], d->path, d->message, detail.data);
    detail.len = 0;
  }
  /* Differences past the kept maximum still decide the verdict. */
  if (rc == STRATA_E_OK && ctx.ndiffs >= PBC_MAX_DIFFS && ctx.incompatible > 0) {
    rc = scm_sink_add(sink, "TOO_MANY_DIFFERENCES", "#/",
                      "the schemas differ in more places than are listed", "");
  }

cleanup:
  sjw_release(&detail);
  ctx_release(&ctx);
  return rc;
}

strata_error pbc_check(const Google__Protobuf__FileDescriptorProto *new_file,
                       const Google__Protobuf__FileDescriptorProto *old_file,
                       strata_compat_direction dir, scm_sink *sink) {
  pbc_files n = {new_file, NULL, 0};
  pbc_files o = {old_file, NULL, 0};
  return pbc_check_files(&n, &o, dir, sink);
}

void pbc_confluent_entry(const strata_compat_issue *issue, sjw_buf *out) {
  sjw_printf(out, "{errorType:\"%s\", description:\"%s\"}", issue->code,
             issue->detail != NULL ? issue->detail : "");
}
