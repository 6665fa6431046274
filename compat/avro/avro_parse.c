/*
 * avro_parse.c - Avro schema parsing and validation.
 *
 * The JSON is read with jansson into Strata's own model (avro_model.h), with
 * the validation the specification asks for and avro-c skips: defaults that
 * match their field's type (the first branch for unions), valid names and
 * namespaces, no duplicate fields or symbols, enum defaults that are symbols,
 * positive fixed sizes. A schema that passes is then confirmed by avro-c.
 */
#include "avro_model.h"

#include <avro.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of schemas inside schemas that is accepted. */
#define SAV_MAX_DEPTH 256

typedef struct parse_ctx {
  sav_schema *schema;
  strata_diag *diag;
  char path[256];
  size_t pathlen;
  int depth;
  /* avro-c refuses empty unions and empty enums, which Java and the
   * specification accept */
  bool avro_c_gap;
} parse_ctx;

static const char *const kind_names[] = {"null",   "boolean", "int",    "long",   "float",
                                         "double", "bytes",   "string", "record", "enum",
                                         "array",  "map",     "union",  "fixed"};
static const char *const kind_java_names[] = {"NULL",   "BOOLEAN", "INT",    "LONG",   "FLOAT",
                                              "DOUBLE", "BYTES",   "STRING", "RECORD", "ENUM",
                                              "ARRAY",  "MAP",     "UNION",  "FIXED"};

const char *sav_kind_name(sav_kind kind) {
  return kind_names[kind];
}

const char *sav_kind_java_name(sav_kind kind) {
  return kind_java_names[kind];
}

bool sav_is_named(sav_kind kind) {
  return kind == SAV_RECORD || kind == SAV_ENUM || kind == SAV_FIXED;
}

static bool primitive_kind(const char *name, sav_kind *out) {
  for (int k = SAV_NULL; k <= SAV_STRING; k++) {
    if (strcmp(name, kind_names[k]) == 0) {
      *out = (sav_kind)k;
      return true;
    }
  }
  return false;
}

/* ---- errors and the JSON pointer of the element being parsed ---------------- */

static strata_error parse_fail(parse_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static strata_error parse_fail(parse_ctx *ctx, const char *fmt, ...) {
  char message[sizeof ctx->diag->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  scm_diag_set(ctx->diag, 0, 0, ctx->pathlen ? ctx->path : "/", "%s (at %s)", message,
               ctx->pathlen ? ctx->path : "/");
  return STRATA_E_INVALID_SCHEMA;
}

/* Appends "/token" (escaped) to the path; returns the length to restore. */
static size_t path_push(parse_ctx *ctx, const char *token) {
  size_t saved = ctx->pathlen;
  size_t n = ctx->pathlen;
  if (n + 1 < sizeof ctx->path) {
    ctx->path[n++] = '/';
  }
  for (const char *p = token; *p != '\0' && n + 2 < sizeof ctx->path; p++) {
    if (*p == '~' || *p == '/') {
      ctx->path[n++] = '~';
      ctx->path[n++] = *p == '~' ? '0' : '1';
    } else {
      ctx->path[n++] = *p;
    }
  }
  ctx->path[n] = '\0';
  ctx->pathlen = n;
  return saved;
}

static size_t path_push_index(parse_ctx *ctx, size_t i) {
  char token[24];
  snprintf(token, sizeof token, "%zu", i);
  return path_push(ctx, token);
}

static void path_pop(parse_ctx *ctx, size_t saved) {
  ctx->pathlen = saved;
  ctx->path[saved] = '\0';
}

/* ---- names ------------------------------------------------------------------ */

/* The text of a JSON string used as a name, type, doc or symbol: NULL when the
 * value is not a string or hides a NUL character (which C strings would cut). */
static const char *plain_text(const json_t *value) {
  const char *text = json_string_value(value);
  if (text == NULL || strlen(text) != json_string_length(value)) {
    return NULL;
  }
  return text;
}

static bool valid_name(const char *s) {
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) {
    return false;
  }
  for (s++; *s != '\0'; s++) {
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
          *s == '_')) {
      return false;
    }
  }
  return true;
}

/* A namespace: empty, or dot-separated valid names. */
static bool valid_namespace(const char *s) {
  if (*s == '\0') {
    return true;
  }
  char part[256];
  while (true) {
    const char *dot = strchr(s, '.');
    size_t n = dot != NULL ? (size_t)(dot - s) : strlen(s);
    if (n == 0 || n >= sizeof part) {
      return false;
    }
    memcpy(part, s, n);
    part[n] = '\0';
    if (!valid_name(part)) {
      return false;
    }
    if (dot == NULL) {
      return true;
    }
    s = dot + 1;
  }
}

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

/* ---- the table of named types ------------------------------------------------ */

static uint64_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s != '\0'; s++) {
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  }
  return h;
}

static const sav_node *names_find(const sav_schema *schema, const char *fullname) {
  if (schema->names_cap == 0) {
    return NULL;
  }
  size_t mask = schema->names_cap - 1;
  for (size_t i = name_hash(fullname) & mask;; i = (i + 1) & mask) {
    const sav_node *node = schema->names[i];
    if (node == NULL) {
      return NULL;
    }
    if (strcmp(node->fullname, fullname) == 0) {
      return node;
    }
  }
}

const sav_node *sav_lookup(const sav_schema *schema, const char *fullname) {
  const sav_node *node = names_find(schema, fullname);
  for (size_t i = 0; node == NULL && i < schema->nrefs; i++) {
    node = sav_lookup(schema->refs[i], fullname);
  }
  return node;
}

static strata_error names_insert(sav_schema *schema, sav_node *node) {
  if ((schema->names_count + 1) * 2 > schema->names_cap) {
    size_t cap = schema->names_cap ? schema->names_cap * 2 : 16;
    sav_node **table = calloc(cap, sizeof *table);
    if (table == NULL) {
      return STRATA_E_NOMEM;
    }
    for (size_t i = 0; i < schema->names_cap; i++) {
      sav_node *old = schema->names[i];
      if (old != NULL) {
        size_t j = name_hash(old->fullname) & (cap - 1);
        while (table[j] != NULL) {
          j = (j + 1) & (cap - 1);
        }
        table[j] = old;
      }
    }
    free(schema->names);
    schema->names = table;
    schema->names_cap = cap;
  }
  size_t mask = schema->names_cap - 1;
  size_t i = name_hash(node->fullname) & mask;
  while (schema->names[i] != NULL) {
    i = (i + 1) & mask;
  }
  schema->names[i] = node;
  schema->names_count++;
  return STRATA_E_OK;
}

/* ---- nodes -------------------------------------------------------------------- */

static sav_node *node_new(parse_ctx *ctx, sav_kind kind) {
  sav_node *node = calloc(1, sizeof *node);
  if (node != NULL) {
    node->kind = kind;
    node->owner = ctx->schema;
    node->next_owned = ctx->schema->owned;
    ctx->schema->owned = node;
  }
  return node;
}

static void strv_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i]);
  }
  free(v);
}

/* Drops repeated strings, keeping first occurrences in order (Java keeps
 * aliases in a LinkedHashSet). */
static void strv_dedupe(char **v, size_t *n) {
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++) {
    bool seen = false;
    for (size_t j = 0; j < kept && !seen; j++) {
      seen = strcmp(v[j], v[i]) == 0;
    }
    if (seen) {
      free(v[i]);
    } else {
      v[kept++] = v[i];
    }
  }
  *n = kept;
}

static void node_free(sav_node *node) {
  free(node->name);
  free(node->space);
  free(node->fullname);
  strv_free(node->aliases, node->naliases);
  free(node->doc);
  for (size_t i = 0; i < node->nfields; i++) {
    sav_field *f = &node->fields[i];
    free(f->name);
    free(f->doc);
    json_decref(f->default_value);
    strv_free(f->aliases, f->naliases);
    json_decref(f->props);
  }
  free(node->fields);
  free(node->field_slots);
  strv_free(node->symbols, node->nsymbols);
  free(node->enum_default);
  free(node->branches);
  json_decref(node->props);
  free(node);
}

void sav_free(void *model) {
  sav_schema *schema = model;
  if (schema == NULL) {
    return;
  }
  sav_node *node = schema->owned;
  while (node != NULL) {
    sav_node *next = node->next_owned;
    node_free(node);
    node = next;
  }
  free(schema->names);
  free((void *)schema->refs);
  free(schema);
}

/* ---- attribute helpers ---------------------------------------------------------- */

static bool key_in(const char *key, const char *const *set) {
  for (; *set != NULL; set++) {
    if (strcmp(key, *set) == 0) {
      return true;
    }
  }
  return false;
}

/* Collects the members of @p obj not in @p reserved into a new object (NULL if none). */
static strata_error collect_props(const json_t *obj, const char *const *reserved, json_t **out) {
  const char *key;
  json_t *value;
  *out = NULL;
  json_object_foreach((json_t *)obj, key, value) {
    if (key_in(key, reserved)) {
      continue;
    }
    if (*out == NULL) {
      *out = json_object();
      if (*out == NULL) {
        return STRATA_E_NOMEM;
      }
    }
    if (json_object_set(*out, key, value) != 0) {
      return STRATA_E_NOMEM;
    }
  }
  return STRATA_E_OK;
}

/* Reads an optional string member; fails when present and not a string. */
static strata_error optional_string(parse_ctx *ctx, const json_t *obj, const char *key,
                                    char **out) {
  const json_t *value = json_object_get(obj, key);
  *out = NULL;
  if (value == NULL) {
    return STRATA_E_OK;
  }
  if (plain_text(value) == NULL) {
    size_t saved = path_push(ctx, key);
    strata_error rc = parse_fail(ctx, "\"%s\" must be a string without NUL characters", key);
    path_pop(ctx, saved);
    return rc;
  }
  *out = strdup(json_string_value(value));
  return *out != NULL ? STRATA_E_OK : STRATA_E_NOMEM;
}

/* Reads an optional array of strings (aliases); each is checked by @p valid. */
static strata_error string_list(parse_ctx *ctx, const json_t *obj, const char *key,
                                bool (*valid)(const char *), const char *what, char ***out,
                                size_t *count) {
  strata_error rc = STRATA_E_OK;
  const json_t *array = json_object_get(obj, key);
  size_t saved = path_push(ctx, key);
  *out = NULL;
  *count = 0;
  if (array == NULL) {
    goto cleanup;
  }
  if (!json_is_array(array)) {
    rc = parse_fail(ctx, "\"%s\" must be an array of strings", key);
    goto cleanup;
  }
  if (json_array_size(array) == 0) {
    goto cleanup;
  }
  *out = calloc(json_array_size(array), sizeof **out);
  if (*out == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < json_array_size(array); i++) {
    const json_t *item = json_array_get(array, i);
    size_t saved_item = path_push_index(ctx, i);
    if (plain_text(item) == NULL) {
      rc = parse_fail(ctx, "%s must be a string without NUL characters", what);
    } else if (!valid(json_string_value(item))) {
      rc = parse_fail(ctx,
                      "invalid %s \"%s\": names start with a letter or '_' and contain "
                      "only letters, digits and '_'",
                      what, json_string_value(item));
    }
    path_pop(ctx, saved_item);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    (*out)[i] = strdup(json_string_value(item));
    if ((*out)[i] == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    (*count)++;
  }

cleanup:
  path_pop(ctx, saved);
  return rc;
}

static bool valid_full_name(const char *s) {
  const char *dot = strrchr(s, '.');
  if (dot == NULL) {
    return valid_name(s);
  }
  char space[256];
  size_t n = (size_t)(dot - s);
  if (n >= sizeof space) {
    return false;
  }
  memcpy(space, s, n);
  space[n] = '\0';
  return valid_namespace(space) && n > 0 && valid_name(dot + 1);
}

/* ---- defaults ------------------------------------------------------------------- */

/* Counts the code points of UTF-8 text, failing (returning SIZE_MAX) above U+00FF. */
static size_t latin1_length(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      count++;
    } else if (c == 0xC2 || c == 0xC3) {
      count++;
      i++;
    } else {
      return SIZE_MAX;
    }
  }
  return count;
}

/*
 * Whether @p value is a valid default for @p node; on failure writes why into
 * @p why. Unions take the type of their first branch, as the specification
 * says.
 */
static bool valid_default(const sav_node *node, const json_t *value, char *why, size_t whysz,
                          int depth) {
  if (depth > SAV_MAX_DEPTH) {
    snprintf(why, whysz, "default value nested too deeply");
    return false;
  }
  switch (node->kind) {
  case SAV_NULL:
    if (json_is_null(value)) {
      return true;
    }
    snprintf(why, whysz, "expected null");
    return false;
  case SAV_BOOLEAN:
    if (json_is_boolean(value)) {
      return true;
    }
    snprintf(why, whysz, "expected a boolean");
    return false;
  case SAV_INT:
    if (json_is_integer(value) && json_integer_value(value) >= INT32_MIN &&
        json_integer_value(value) <= INT32_MAX) {
      return true;
    }
    snprintf(why, whysz, "expected a 32-bit integer");
    return false;
  case SAV_LONG:
    if (json_is_integer(value)) {
      return true;
    }
    snprintf(why, whysz, "expected a 64-bit integer");
    return false;
  case SAV_FLOAT:
  case SAV_DOUBLE:
    /* Java also reads the strings "NaN", "Infinity" and "-Infinity" */
    if (json_is_number(value) ||
        (plain_text(value) != NULL && (strcmp(json_string_value(value), "NaN") == 0 ||
                                       strcmp(json_string_value(value), "Infinity") == 0 ||
                                       strcmp(json_string_value(value), "-Infinity") == 0))) {
      return true;
    }
    snprintf(why, whysz, "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    return false;
  case SAV_STRING:
    if (json_is_string(value)) {
      return true;
    }
    snprintf(why, whysz, "expected a string");
    return false;
  case SAV_BYTES:
    if (json_is_string(value) &&
        latin1_length(json_string_value(value), json_string_length(value)) != SIZE_MAX) {
      return true;
    }
    snprintf(why, whysz, "expected a string of code points U+0000..U+00FF (one per byte)");
    return false;
  case SAV_FIXED:
    if (json_is_string(value) &&
        latin1_length(json_string_value(value), json_string_length(value)) == (size_t)node->size) {
      return true;
    }
    snprintf(why, whysz, "expected a string of exactly %lld code points U+0000..U+00FF",
             node->size);
    return false;
  case SAV_ENUM:
    if (json_is_string(value)) {
      for (size_t i = 0; i < node->nsymbols; i++) {
        if (strcmp(node->symbols[i], json_string_value(value)) == 0) {
          return true;
        }
      }
      snprintf(why, whysz, "\"%s\" is not a symbol of enum %s", json_string_value(value),
               node->fullname);
      return false;
    }
    snprintf(why, whysz, "expected a symbol of enum %s", node->fullname);
    return false;
  case SAV_ARRAY:
    if (!json_is_array(value)) {
      snprintf(why, whysz, "expected an array");
      return false;
    }
    for (size_t i = 0; i < json_array_size(value); i++) {
      if (!valid_default(node->child, json_array_get(value, i), why, whysz, depth + 1)) {
        return false;
      }
    }
    return true;
  case SAV_MAP: {
    const char *key;
    json_t *member;
    if (!json_is_object(value)) {
      snprintf(why, whysz, "expected an object");
      return false;
    }
    json_object_foreach((json_t *)value, key, member) {
      if (!valid_default(node->child, member, why, whysz, depth + 1)) {
        return false;
      }
    }
    return true;
  }
  case SAV_RECORD:
    if (!json_is_object(value)) {
      snprintf(why, whysz, "expected an object for record %s", node->fullname);
      return false;
    }
    for (size_t i = 0; i < node->nfields; i++) {
      const sav_field *f = &node->fields[i];
      const json_t *member = json_object_get(value, f->name);
      if (member == NULL) {
        if (f->default_value == NULL) {
          snprintf(why, whysz, "no value for field \"%s\" of record %s, which has no default",
                   f->name, node->fullname);
          return false;
        }
      } else if (!valid_default(f->type, member, why, whysz, depth + 1)) {
        return false;
      }
    }
    return true;
  case SAV_UNION:
    if (node->nbranches == 0) {
      snprintf(why, whysz, "an empty union has no values");
      return false;
    }
    return valid_default(node->branches[0], value, why, whysz, depth + 1);
  }
  return false;
}

/* ---- the parser ------------------------------------------------------------------ */

static strata_error parse_node(parse_ctx *ctx, const json_t *json, const char *space,
                               sav_node **out);

static const char *const schema_reserved[] = {"doc",       "fields",  "items",   "name",
                                              "namespace", "size",    "symbols", "values",
                                              "type",      "aliases", NULL};
static const char *const enum_reserved[] = {"doc",       "fields",  "items",   "name",
                                            "namespace", "size",    "symbols", "values",
                                            "type",      "aliases", "default", NULL};
static const char *const field_reserved[] = {"default", "doc",     "name", "order",
                                             "type",    "aliases", NULL};

/* Resolves a reference to a named type, as Java does: the enclosing namespace
 * first, then the null namespace. */
static strata_error resolve_name(parse_ctx *ctx, const char *name, const char *space,
                                 sav_node **out) {
  strata_error rc = STRATA_E_OK;
  char *full = NULL;
  const sav_node *found = NULL;

  if (strchr(name, '.') == NULL && space != NULL) {
    full = join_name(space, name);
    if (full == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    found = sav_lookup(ctx->schema, full);
  }
  if (found == NULL) {
    found = sav_lookup(ctx->schema, name);
  }
  if (found == NULL) {
    rc = parse_fail(ctx,
                    "unknown type \"%s\": not a primitive type and no named type of that "
                    "name is defined before this point%s",
                    name, ctx->schema->nrefs > 0 ? " or in the references" : "");
    goto cleanup;
  }
  *out = (sav_node *)found;

cleanup:
  free(full);
  return rc;
}

/* Fills name, namespace, fullname, doc and aliases of a named type and
 * registers it, so that its own fields may refer to it. */
static strata_error parse_named(parse_ctx *ctx, const json_t *obj, const char *space,
                                sav_node *node) {
  strata_error rc = STRATA_E_OK;
  const json_t *name = json_object_get(obj, "name");
  const json_t *ns = json_object_get(obj, "namespace");
  char **aliases = NULL;
  size_t naliases = 0;
  sav_kind prim;

  if (plain_text(name) == NULL) {
    size_t saved = path_push(ctx, "name");
    rc = parse_fail(ctx,
                    name == NULL ? "a %s needs a \"name\""
                                 : "the name of a %s must be a string without NUL characters",
                    sav_kind_name(node->kind));
    path_pop(ctx, saved);
    goto cleanup;
  }
  if (ns != NULL && plain_text(ns) == NULL && !json_is_null(ns)) {
    size_t saved = path_push(ctx, "namespace");
    rc = parse_fail(ctx, "\"namespace\" must be a string without NUL characters");
    path_pop(ctx, saved);
    goto cleanup;
  }
  const char *given = json_string_value(name);
  const char *dot = strrchr(given, '.');
  if (dot != NULL) {
    node->space = strndup(given, (size_t)(dot - given));
    node->name = strdup(dot + 1);
  } else {
    node->name = strdup(given);
    if (json_is_string(ns)) {
      node->space = strdup(json_string_value(ns));
    } else if (space != NULL) {
      node->space = strdup(space);
    }
  }
  if (node->name == NULL || (dot != NULL && node->space == NULL)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (node->space != NULL && node->space[0] == '\0') {
    free(node->space);
    node->space = NULL;
  }
  if (!valid_name(node->name) || (dot != NULL && dot == given)) {
    size_t saved = path_push(ctx, "name");
    rc = parse_fail(ctx,
                    "invalid name \"%s\": names start with a letter or '_' and contain only "
                    "letters, digits and '_'",
                    given);
    path_pop(ctx, saved);
    goto cleanup;
  }
  if (node->space != NULL && !valid_namespace(node->space)) {
    size_t saved = path_push(ctx, dot != NULL ? "name" : "namespace");
    rc = parse_fail(ctx,
                    "invalid namespace \"%s\": a namespace is a dot-separated sequence of "
                    "names",
                    node->space);
    path_pop(ctx, saved);
    goto cleanup;
  }
  if (node->space == NULL && primitive_kind(node->name, &prim)) {
    size_t saved = path_push(ctx, "name");
    rc = parse_fail(ctx, "\"%s\" is a primitive type name and cannot name a %s", node->name,
                    sav_kind_name(node->kind));
    path_pop(ctx, saved);
    goto cleanup;
  }
  node->fullname = join_name(node->space, node->name);
  if (node->fullname == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (sav_lookup(ctx->schema, node->fullname) != NULL) {
    size_t saved = path_push(ctx, "name");
    rc = parse_fail(ctx, "the named type \"%s\" is defined twice", node->fullname);
    path_pop(ctx, saved);
    goto cleanup;
  }
  rc = optional_string(ctx, obj, "doc", &node->doc);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = string_list(ctx, obj, "aliases", valid_full_name, "alias", &aliases, &naliases);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  /* Aliases are kept fully qualified, relative ones in this type's namespace;
   * repeated aliases collapse, as in Java's alias set. */
  if (naliases > 0) {
    node->aliases = calloc(naliases, sizeof *node->aliases);
    if (node->aliases == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < naliases; i++) {
    char *full =
        strchr(aliases[i], '.') != NULL ? strdup(aliases[i]) : join_name(node->space, aliases[i]);
    if (full == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    bool seen = false;
    for (size_t j = 0; j < node->naliases && !seen; j++) {
      seen = strcmp(node->aliases[j], full) == 0;
    }
    if (seen) {
      free(full);
    } else {
      node->aliases[node->naliases++] = full;
    }
  }
  rc = names_insert(ctx->schema, node);

cleanup:
  strv_free(aliases, naliases);
  return rc;
}

const sav_field *sav_record_field(const sav_node *record, const char *name) {
  if (record->field_slots_cap == 0) {
    return NULL;
  }
  size_t mask = record->field_slots_cap - 1;
  for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
    size_t slot = record->field_slots[i];
    if (slot == 0) {
      return NULL;
    }
    if (strcmp(record->fields[slot - 1].name, name) == 0) {
      return &record->fields[slot - 1];
    }
  }
}

/* Adds the field at @p pos to the record's name index, growing it as needed. */
static strata_error field_index_add(sav_node *node, size_t pos) {
  if ((pos + 1) * 2 > node->field_slots_cap) {
    size_t cap = node->field_slots_cap ? node->field_slots_cap * 2 : 16;
    size_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) {
      return STRATA_E_NOMEM;
    }
    free(node->field_slots);
    node->field_slots = slots;
    node->field_slots_cap = cap;
    for (size_t i = 0; i < pos; i++) {
      size_t j = name_hash(node->fields[i].name) & (cap - 1);
      while (slots[j] != 0) {
        j = (j + 1) & (cap - 1);
      }
      slots[j] = i + 1;
    }
  }
  size_t mask = node->field_slots_cap - 1;
  size_t j = name_hash(node->fields[pos].name) & mask;
  while (node->field_slots[j] != 0) {
    j = (j + 1) & mask;
  }
  node->field_slots[j] = pos + 1;
  return STRATA_E_OK;
}

static strata_error parse_fields(parse_ctx *ctx, const json_t *obj, sav_node *node) {
  strata_error rc = STRATA_E_OK;
  const json_t *fields = json_object_get(obj, "fields");
  size_t saved = path_push(ctx, "fields");

  if (!json_is_array(fields)) {
    rc = parse_fail(ctx,
                    fields == NULL ? "record %s has no \"fields\""
                                   : "\"fields\" of record %s must be an array",
                    node->fullname);
    goto cleanup;
  }
  if (json_array_size(fields) > 0) {
    node->fields = calloc(json_array_size(fields), sizeof *node->fields);
    if (node->fields == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < json_array_size(fields); i++) {
    const json_t *fj = json_array_get(fields, i);
    size_t saved_field = path_push_index(ctx, i);
    sav_field *f = &node->fields[node->nfields];

    if (!json_is_object(fj)) {
      rc = parse_fail(ctx, "a field must be an object");
      goto cleanup;
    }
    const json_t *name = json_object_get(fj, "name");
    if (plain_text(name) == NULL || !valid_name(json_string_value(name))) {
      size_t s2 = path_push(ctx, "name");
      rc = json_is_string(name)
               ? parse_fail(ctx,
                            "invalid field name \"%s\": names start with a letter or '_' "
                            "and contain only letters, digits and '_'",
                            json_string_value(name))
               : parse_fail(ctx, "a field of record %s needs a string \"name\"", node->fullname);
      path_pop(ctx, s2);
      goto cleanup;
    }
    if (sav_record_field(node, json_string_value(name)) != NULL) {
      size_t s2 = path_push(ctx, "name");
      rc = parse_fail(ctx, "record %s has two fields named \"%s\"", node->fullname,
                      json_string_value(name));
      path_pop(ctx, s2);
      goto cleanup;
    }
    node->nfields++;
    f->name = strdup(json_string_value(name));
    if (f->name == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = field_index_add(node, node->nfields - 1);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    const json_t *type = json_object_get(fj, "type");
    if (type == NULL) {
      rc = parse_fail(ctx, "field \"%s\" of record %s has no \"type\"", f->name, node->fullname);
      goto cleanup;
    }
    size_t s2 = path_push(ctx, "type");
    rc = parse_node(ctx, type, node->space, &f->type);
    path_pop(ctx, s2);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    rc = optional_string(ctx, fj, "doc", &f->doc);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    const json_t *order = json_object_get(fj, "order");
    if (order != NULL) {
      const char *o = plain_text(order);
      if (o != NULL && strcmp(o, "ascending") == 0) {
        f->order = SAV_ORDER_ASCENDING;
      } else if (o != NULL && strcmp(o, "descending") == 0) {
        f->order = SAV_ORDER_DESCENDING;
      } else if (o != NULL && strcmp(o, "ignore") == 0) {
        f->order = SAV_ORDER_IGNORE;
      } else {
        s2 = path_push(ctx, "order");
        rc = parse_fail(ctx,
                        "\"order\" of field \"%s\" must be \"ascending\", \"descending\" or "
                        "\"ignore\"",
                        f->name);
        path_pop(ctx, s2);
        goto cleanup;
      }
    }
    rc = string_list(ctx, fj, "aliases", valid_name, "field alias", &f->aliases, &f->naliases);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    strv_dedupe(f->aliases, &f->naliases);
    rc = collect_props(fj, field_reserved, &f->props);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    const json_t *def = json_object_get(fj, "default");
    if (def != NULL) {
      char why[200];
      if (!valid_default(f->type, def, why, sizeof why, 0)) {
        s2 = path_push(ctx, "default");
        rc = parse_fail(ctx, "invalid default value for field \"%s\" (type %s): %s", f->name,
                        f->type->kind == SAV_UNION && f->type->nbranches > 0
                            ? sav_kind_name(f->type->branches[0]->kind)
                            : sav_kind_name(f->type->kind),
                        why);
        path_pop(ctx, s2);
        goto cleanup;
      }
      f->default_value = json_incref((json_t *)def);
    }
    path_pop(ctx, saved_field);
  }

cleanup:
  path_pop(ctx, saved);
  return rc;
}

static strata_error parse_enum(parse_ctx *ctx, const json_t *obj, sav_node *node) {
  strata_error rc = STRATA_E_OK;
  const json_t *symbols = json_object_get(obj, "symbols");
  const json_t *def = json_object_get(obj, "default");
  size_t saved = ctx->pathlen;

  if (!json_is_array(symbols)) {
    saved = path_push(ctx, "symbols");
    rc = parse_fail(ctx,
                    symbols == NULL ? "enum %s has no \"symbols\""
                                    : "\"symbols\" of enum %s must be an array",
                    node->fullname);
    goto cleanup;
  }
  rc = string_list(ctx, obj, "symbols", valid_name, "enum symbol", &node->symbols, &node->nsymbols);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  for (size_t i = 0; i < node->nsymbols; i++) {
    for (size_t j = 0; j < i; j++) {
      if (strcmp(node->symbols[i], node->symbols[j]) == 0) {
        size_t s2 = path_push(ctx, "symbols");
        size_t s3 = path_push_index(ctx, i);
        rc = parse_fail(ctx, "enum %s has the symbol \"%s\" twice", node->fullname,
                        node->symbols[i]);
        path_pop(ctx, s3);
        path_pop(ctx, s2);
        goto cleanup;
      }
    }
  }
  if (def != NULL) {
    bool found = false;
    for (size_t i = 0; plain_text(def) != NULL && i < node->nsymbols && !found; i++) {
      found = strcmp(node->symbols[i], json_string_value(def)) == 0;
    }
    if (!found) {
      size_t s2 = path_push(ctx, "default");
      rc = json_is_string(def)
               ? parse_fail(ctx, "the default \"%s\" of enum %s is not one of its symbols",
                            json_string_value(def), node->fullname)
               : parse_fail(ctx, "the default of enum %s must be a string", node->fullname);
      path_pop(ctx, s2);
      goto cleanup;
    }
    node->enum_default = strdup(json_string_value(def));
    if (node->enum_default == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }

cleanup:
  path_pop(ctx, saved);
  return rc;
}

static strata_error parse_union(parse_ctx *ctx, const json_t *array, const char *space,
                                sav_node **out) {
  strata_error rc = STRATA_E_OK;
  sav_node *node = node_new(ctx, SAV_UNION);

  if (node == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (json_array_size(array) == 0) {
    ctx->avro_c_gap = true;
  } else {
    node->branches = calloc(json_array_size(array), sizeof *node->branches);
    if (node->branches == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < json_array_size(array); i++) {
    sav_node *branch = NULL;
    size_t saved = path_push_index(ctx, i);
    rc = parse_node(ctx, json_array_get(array, i), space, &branch);
    if (rc == STRATA_E_OK && branch->kind == SAV_UNION) {
      rc = parse_fail(ctx, "a union may not immediately contain another union");
    }
    for (size_t j = 0; rc == STRATA_E_OK && j < node->nbranches; j++) {
      const sav_node *other = node->branches[j];
      if (other->kind != branch->kind) {
        continue;
      }
      if (!sav_is_named(branch->kind)) {
        rc = parse_fail(ctx, "the union has two branches of type %s", sav_kind_name(branch->kind));
      } else if (strcmp(other->fullname, branch->fullname) == 0) {
        rc = parse_fail(ctx, "the union has two branches of type %s", branch->fullname);
      }
    }
    path_pop(ctx, saved);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    node->branches[node->nbranches++] = branch;
  }
  *out = node;

cleanup:
  return rc;
}

static strata_error parse_object(parse_ctx *ctx, const json_t *obj, const char *space,
                                 sav_node **out) {
  strata_error rc = STRATA_E_OK;
  const json_t *type = json_object_get(obj, "type");
  const char *t = plain_text(type);
  sav_node *node = NULL;
  sav_kind kind;

  if (type == NULL) {
    rc = parse_fail(ctx, "a schema object needs a \"type\"");
    goto cleanup;
  }
  if (t == NULL) {
    size_t saved = path_push(ctx, "type");
    rc = parse_fail(ctx, "\"type\" must be a string naming a type (write a nested schema "
                         "directly instead of wrapping it in {\"type\": ...})");
    path_pop(ctx, saved);
    goto cleanup;
  }
  if (primitive_kind(t, &kind)) {
    node = node_new(ctx, kind);
    if (node == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = collect_props(obj, schema_reserved, &node->props);
  } else if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0) {
    node = node_new(ctx, SAV_RECORD);
    if (node == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    node->is_error = strcmp(t, "error") == 0;
    rc = parse_named(ctx, obj, space, node);
    if (rc == STRATA_E_OK) {
      rc = parse_fields(ctx, obj, node);
    }
    if (rc == STRATA_E_OK) {
      rc = collect_props(obj, schema_reserved, &node->props);
    }
  } else if (strcmp(t, "enum") == 0) {
    node = node_new(ctx, SAV_ENUM);
    if (node == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = parse_named(ctx, obj, space, node);
    if (rc == STRATA_E_OK) {
      rc = parse_enum(ctx, obj, node);
    }
    if (rc == STRATA_E_OK) {
      rc = collect_props(obj, enum_reserved, &node->props);
    }
  } else if (strcmp(t, "fixed") == 0) {
    node = node_new(ctx, SAV_FIXED);
    if (node == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = parse_named(ctx, obj, space, node);
    const json_t *size = json_object_get(obj, "size");
    if (rc == STRATA_E_OK && (!json_is_integer(size) || json_integer_value(size) <= 0 ||
                              json_integer_value(size) > INT32_MAX)) {
      size_t saved = path_push(ctx, "size");
      rc = parse_fail(ctx,
                      size == NULL ? "fixed %s has no \"size\""
                                   : "the size of fixed %s must be a positive integer",
                      node->fullname);
      path_pop(ctx, saved);
    }
    if (rc == STRATA_E_OK) {
      node->size = json_integer_value(size);
      rc = collect_props(obj, schema_reserved, &node->props);
    }
  } else if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0) {
    bool array = strcmp(t, "array") == 0;
    const char *key = array ? "items" : "values";
    const json_t *child = json_object_get(obj, key);
    node = node_new(ctx, array ? SAV_ARRAY : SAV_MAP);
    if (node == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    if (child == NULL) {
      size_t saved = path_push(ctx, key);
      rc = parse_fail(ctx, "%s schema needs \"%s\"", array ? "an array" : "a map", key);
      path_pop(ctx, saved);
      goto cleanup;
    }
    size_t saved = path_push(ctx, key);
    rc = parse_node(ctx, child, space, &node->child);
    path_pop(ctx, saved);
    if (rc == STRATA_E_OK) {
      rc = collect_props(obj, schema_reserved, &node->props);
    }
  } else {
    /* {"type": "SomeName"} refers to a named type defined earlier. */
    size_t saved = path_push(ctx, "type");
    rc = resolve_name(ctx, t, space, &node);
    path_pop(ctx, saved);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  *out = node;

cleanup:
  return rc;
}

static strata_error parse_node(parse_ctx *ctx, const json_t *json, const char *space,
                               sav_node **out) {
  strata_error rc = STRATA_E_OK;
  sav_kind kind;

  if (++ctx->depth > SAV_MAX_DEPTH) {
    rc = parse_fail(ctx, "schemas are nested more than %d levels deep", SAV_MAX_DEPTH);
    goto cleanup;
  }
  if (json_is_string(json)) {
    const char *name = plain_text(json);
    if (name == NULL) {
      rc = parse_fail(ctx, "a type name must not contain NUL characters");
    } else if (primitive_kind(name, &kind)) {
      *out = node_new(ctx, kind);
      rc = *out != NULL ? STRATA_E_OK : STRATA_E_NOMEM;
    } else {
      rc = resolve_name(ctx, name, space, out);
    }
  } else if (json_is_array(json)) {
    rc = parse_union(ctx, json, space, out);
  } else if (json_is_object(json)) {
    rc = parse_object(ctx, json, space, out);
  } else {
    rc = parse_fail(ctx, "a schema must be a type name, an object or a union array, not %s",
                    json_is_null(json)      ? "null"
                    : json_is_boolean(json) ? "a boolean"
                                            : "a number");
  }

cleanup:
  ctx->depth--;
  return rc;
}

/* ---- avro-c confirmation ---------------------------------------------------------- */

/* avro_strerror() is one process-global buffer: hold this lock from the
 * avro-c call until its text has been copied. */
static pthread_mutex_t avro_c_lock = PTHREAD_MUTEX_INITIALIZER;

static strata_error avro_c_confirm(const char *text, size_t len, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  avro_schema_t parsed = NULL;
  avro_schema_error_t error = NULL;
  char message[256] = "";

  pthread_mutex_lock(&avro_c_lock);
  if (avro_schema_from_json(text, (int32_t)len, &parsed, &error) != 0) {
    snprintf(message, sizeof message, "%s", avro_strerror());
    rc = STRATA_E_INVALID_SCHEMA;
  }
  pthread_mutex_unlock(&avro_c_lock);
  if (parsed != NULL) {
    avro_schema_decref(parsed);
  }
  if (rc != STRATA_E_OK) {
    scm_diag_set(diag, 0, 0, "/", "avro-c rejected the schema: %s", message);
  }
  return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

strata_error sav_parse(const char *text, size_t len, const strata_schema *const *refs, size_t nrefs,
                       void **model, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  json_t *json = NULL;
  json_error_t jerr;
  parse_ctx ctx = {0};
  char *normal = NULL;
  const sav_schema **ref_models = NULL;

  ctx.diag = diag;
  ctx.schema = calloc(1, sizeof *ctx.schema);
  if (ctx.schema == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (nrefs > 0) {
    ref_models = calloc(nrefs, sizeof *ref_models);
    if (ref_models == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    for (size_t i = 0; i < nrefs; i++) {
      ref_models[i] = scm_schema_model(refs[i]);
    }
  }
  ctx.schema->refs = ref_models;
  ctx.schema->nrefs = nrefs;

  size_t start = 0;
  while (start < len && (text[start] == ' ' || text[start] == '\t' || text[start] == '\n' ||
                         text[start] == '\r')) {
    start++;
  }
  if (start == len) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 1, 1, "", "empty schema");
    goto cleanup;
  }
  json = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (json == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, jerr.line, jerr.column, "", "invalid JSON: %s", jerr.text);
    goto cleanup;
  }
  rc = parse_node(&ctx, json, NULL, &ctx.schema->root);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  /* avro-c must agree on the structure. It reads the structure form (every
   * named type renamed T0, T1, ...): avro-c does not fall back to the null
   * namespace when resolving a short name, as Java does, and cannot see the
   * types of references, while names are fully validated above. Empty unions
   * and enums are valid Avro (Java accepts them) but avro-c refuses them, so
   * such schemas rest on our validation alone. */
  if (!ctx.avro_c_gap) {
    normal = sav_structure_form(ctx.schema);
    rc = normal == NULL ? STRATA_E_NOMEM : avro_c_confirm(normal, strlen(normal), diag);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
  }
  *model = ctx.schema;
  ctx.schema = NULL;
  ref_models = NULL;

cleanup:
  if (rc == STRATA_E_NOMEM) {
    scm_diag_set(diag, 0, 0, "", "out of memory");
  }
  if (ctx.schema != NULL) {
    ctx.schema->refs = NULL;
    sav_free(ctx.schema);
  }
  free(ref_models);
  free(normal);
  json_decref(json);
  return rc;
}
