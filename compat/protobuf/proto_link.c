/*
 * proto_link.c - the linker: loads a parsed file's imports, builds its symbol
 * table, resolves every type name to its fully qualified form (".pkg.Msg")
 * with protoc's scoping rules, sets field types (message or enum), json_name
 * and default values as protoc prints them, checks what protoc's descriptor
 * builder checks for a valid file, then interprets the options.
 */
#include "proto_model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct linker {
  pbc_file *file;
  pbc_errors *err;
  pbc_arena *arena;
  bool proto3;
  bool editions;
  /* a descriptor from binary input: already linked by its producer, only resolve */
  bool binary;
} linker;

#define TRY(expr)                                                                                  \
  do {                                                                                             \
    strata_error try_rc_ = (expr);                                                                 \
    if (try_rc_ != STRATA_E_OK) {                                                                  \
      return try_rc_;                                                                              \
    }                                                                                              \
  } while (0)

#define T_MESSAGE GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE
#define T_ENUM    GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM
#define T_GROUP   GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP

static strata_error fail_at(linker *l, const void *node, pbc_aspect aspect, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static strata_error fail_at(linker *l, const void *node, pbc_aspect aspect, const char *fmt, ...) {
  char message[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  int line = -1, col = -1;
  if (!pbc_pos_get(l->file, node, aspect, &line, &col)) {
    pbc_pos_get(l->file, node, PBC_AT_NAME, &line, &col);
  }
  return pbc_fail(l->err, line, col, "%s", message);
}

/* "scope.name" (or "name" at the root) in the arena. */
static char *join(pbc_arena *arena, const char *scope, const char *name) {
  size_t a = strlen(scope), b = strlen(name);
  char *out = pbc_alloc(arena, a + b + 2);
  if (out == NULL) {
    return NULL;
  }
  if (a > 0) {
    memcpy(out, scope, a);
    out[a++] = '.';
  }
  memcpy(out + a, name, b + 1);
  return out;
}

char *pbc_camel_case(pbc_arena *arena, const char *name, bool upper_first, const char *suffix) {
  size_t n = strlen(name), m = strlen(suffix);
  char *out = pbc_alloc(arena, n + m + 1);
  if (out == NULL) {
    return NULL;
  }
  size_t k = 0;
  bool cap_next = upper_first;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (c == '_') {
      cap_next = true;
    } else if (cap_next) {
      out[k++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
      cap_next = false;
    } else {
      out[k++] = c;
    }
  }
  memcpy(out + k, suffix, m + 1);
  return out;
}

char *pbc_json_name(pbc_arena *arena, const char *name) {
  return pbc_camel_case(arena, name, false, "");
}

/* ---- symbols -------------------------------------------------------------------- */

static strata_error add_symbol(linker *l, const char *name, pbc_sym_kind kind, const void *node,
                               const void *parent, const char *scope) {
  const pbc_symbol *old = pbc_symtab_get(&l->file->symbols, name, strlen(name));
  if (old == NULL) {
    /* names of imported files */
    old = pbc_find_anywhere(l->file, name);
    if (old != NULL && old->file != l->file &&
        !(old->kind == PBC_SYM_PACKAGE && kind == PBC_SYM_PACKAGE)) {
      if (old->kind == PBC_SYM_PACKAGE || kind == PBC_SYM_PACKAGE) {
        return fail_at(l, node, PBC_AT_NAME,
                       "\"%s\" is already defined (as something other than a package) in file "
                       "\"%s\".",
                       name, old->file->name);
      }
      return fail_at(l, node, PBC_AT_NAME, "\"%s\" is already defined in file \"%s\".", name,
                     old->file->name);
    }
    old = NULL;
  }
  if (old != NULL) {
    if (old->kind == PBC_SYM_PACKAGE && kind == PBC_SYM_PACKAGE) {
      return STRATA_E_OK;
    }
    const char *last = strrchr(name, '.');
    const char *simple = last != NULL ? last + 1 : name;
    if (kind == PBC_SYM_ENUM_VALUE && old->kind == PBC_SYM_ENUM_VALUE) {
      const pbc_enum *e = parent;
      return fail_at(l, node, PBC_AT_NAME,
                     "\"%s\" is already defined in \"%s\". Note that enum values use C++ scoping "
                     "rules, meaning that enum values are siblings of their type, not children "
                     "of it.  Therefore, \"%s\" must be unique within \"%s\", not just within "
                     "\"%s\".",
                     simple, scope, simple, scope[0] != '\0' ? scope : "the global scope", e->name);
    }
    if (scope[0] != '\0') {
      return fail_at(l, node, PBC_AT_NAME, "\"%s\" is already defined in \"%s\".", simple, scope);
    }
    return fail_at(l, node, PBC_AT_NAME, "\"%s\" is already defined.", simple);
  }
  pbc_symbol sym = {name, kind, node, parent, l->file};
  if (!pbc_symtab_add(l->arena, &l->file->symbols, &sym)) {
    return pbc_nomem(l->err);
  }
  return STRATA_E_OK;
}

static strata_error enum_symbols(linker *l, const pbc_enum *e, const char *scope) {
  char *full = join(l->arena, scope, e->name);
  if (full == NULL) {
    return pbc_nomem(l->err);
  }
  TRY(add_symbol(l, full, PBC_SYM_ENUM, e, NULL, scope));
  for (size_t i = 0; i < e->n_value; i++) {
    char *v = join(l->arena, scope, e->value[i]->name);
    if (v == NULL) {
      return pbc_nomem(l->err);
    }
    TRY(add_symbol(l, v, PBC_SYM_ENUM_VALUE, e->value[i], e, scope));
  }
  return STRATA_E_OK;
}

static strata_error field_symbols(linker *l, pbc_field **fields, size_t n, const char *scope,
                                  const void *parent, pbc_sym_kind kind) {
  for (size_t i = 0; i < n; i++) {
    char *full = join(l->arena, scope, fields[i]->name);
    if (full == NULL) {
      return pbc_nomem(l->err);
    }
    TRY(add_symbol(l, full, kind, fields[i], parent, scope));
  }
  return STRATA_E_OK;
}

static strata_error message_symbols(linker *l, const pbc_message *m, const char *scope) {
  char *full = join(l->arena, scope, m->name);
  if (full == NULL) {
    return pbc_nomem(l->err);
  }
  TRY(add_symbol(l, full, PBC_SYM_MESSAGE, m, NULL, scope));
  TRY(field_symbols(l, m->field, m->n_field, full, m, PBC_SYM_FIELD));
  for (size_t i = 0; i < m->n_oneof_decl; i++) {
    char *o = join(l->arena, full, m->oneof_decl[i]->name);
    if (o == NULL) {
      return pbc_nomem(l->err);
    }
    TRY(add_symbol(l, o, PBC_SYM_ONEOF, m->oneof_decl[i], m, full));
  }
  for (size_t i = 0; i < m->n_nested_type; i++) {
    TRY(message_symbols(l, m->nested_type[i], full));
  }
  for (size_t i = 0; i < m->n_enum_type; i++) {
    TRY(enum_symbols(l, m->enum_type[i], full));
  }
  return field_symbols(l, m->extension, m->n_extension, full, m, PBC_SYM_EXTENSION);
}

static strata_error file_symbols(linker *l) {
  pbc_file_proto *f = l->file->proto;
  const char *pkg = f->package != NULL ? f->package : "";
  if (pkg[0] != '\0') {
    for (const char *dot = pkg;; dot++) {
      if (*dot == '.' || *dot == '\0') {
        char *prefix = pbc_strndup(l->arena, pkg, (size_t)(dot - pkg));
        if (prefix == NULL) {
          return pbc_nomem(l->err);
        }
        TRY(add_symbol(l, prefix, PBC_SYM_PACKAGE, NULL, NULL, ""));
        if (*dot == '\0') {
          break;
        }
      }
    }
  }
  for (size_t i = 0; i < f->n_message_type; i++) {
    TRY(message_symbols(l, f->message_type[i], pkg));
  }
  for (size_t i = 0; i < f->n_enum_type; i++) {
    TRY(enum_symbols(l, f->enum_type[i], pkg));
  }
  for (size_t i = 0; i < f->n_service; i++) {
    char *s = join(l->arena, pkg, f->service[i]->name);
    if (s == NULL) {
      return pbc_nomem(l->err);
    }
    TRY(add_symbol(l, s, PBC_SYM_SERVICE, f->service[i], NULL, pkg));
    for (size_t k = 0; k < f->service[i]->n_method; k++) {
      char *m = join(l->arena, s, f->service[i]->method[k]->name);
      if (m == NULL) {
        return pbc_nomem(l->err);
      }
      TRY(add_symbol(l, m, PBC_SYM_METHOD, f->service[i]->method[k], f->service[i], s));
    }
  }
  return field_symbols(l, f->extension, f->n_extension, pkg, NULL, PBC_SYM_EXTENSION);
}

/* ---- type names ------------------------------------------------------------------ */

static char *qualified(pbc_arena *arena, const char *full) {
  size_t n = strlen(full);
  char *q = pbc_alloc(arena, n + 2);
  if (q != NULL) {
    q[0] = '.';
    memcpy(q + 1, full, n + 1);
  }
  return q;
}

/* Resolves *@p name (as written) in @p scope to ".full.name"; the symbol in *out. */
static strata_error resolve_name(linker *l, char **name, const char *scope, bool types_only,
                                 const void *node, pbc_aspect aspect, const pbc_symbol **out) {
  const pbc_symbol *s = pbc_resolve(l->file, scope, *name, types_only);
  if (s == NULL) {
    return fail_at(l, node, aspect, "\"%s\" is not defined.", *name);
  }
  *out = s;
  char *q = qualified(l->arena, s->name);
  if (q == NULL) {
    return pbc_nomem(l->err);
  }
  *name = q;
  return STRATA_E_OK;
}

/* protoc's SimpleDtoa / SimpleFtoa: the shortest of %.15g/%.17g (%.6g/%.9g) that round-trips. */
static void format_double(char *out, size_t size, double v, bool is_float) {
  if (isnan(v)) {
    snprintf(out, size, "nan");
    return;
  }
  if (isinf(v)) {
    snprintf(out, size, v < 0 ? "-inf" : "inf");
    return;
  }
  if (is_float) {
    float f = (float)v;
    snprintf(out, size, "%.6g", (double)f);
    if (strtof(out, NULL) != f) {
      snprintf(out, size, "%.9g", (double)f);
    }
  } else {
    snprintf(out, size, "%.15g", v);
    if (strtod(out, NULL) != v) {
      snprintf(out, size, "%.17g", v);
    }
  }
}

static const pbc_enum_value *enum_value_named(const pbc_enum *e, const char *name) {
  for (size_t i = 0; i < e->n_value; i++) {
    if (strcmp(e->value[i]->name, name) == 0) {
      return e->value[i];
    }
  }
  return NULL;
}

/* Rewrites the default value of @p f the way protoc prints it. */
static strata_error link_default(linker *l, pbc_field *f, const pbc_symbol *type_sym) {
  if (f->default_value == NULL || l->binary) {
    return STRATA_E_OK;
  }
  if (l->proto3) {
    return fail_at(l, f, PBC_AT_DEFAULT, "Explicit default values are not allowed in proto3.");
  }
  if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
    return fail_at(l, f, PBC_AT_DEFAULT, "Repeated fields can't have default values.");
  }
  char buf[64];
  switch (f->type) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
    char *end = NULL;
    double v = strtod(f->default_value, &end);
    if (end == f->default_value || *end != '\0') {
      return fail_at(l, f, PBC_AT_DEFAULT, "Couldn't parse default value \"%s\".",
                     f->default_value);
    }
    format_double(buf, sizeof buf, v,
                  f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT);
    break;
  }
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64: {
    errno = 0;
    long long v = strtoll(f->default_value, NULL, 10);
    snprintf(buf, sizeof buf, "%lld", v);
    break;
  }
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64: {
    unsigned long long v = strtoull(f->default_value, NULL, 10);
    snprintf(buf, sizeof buf, "%llu", v);
    break;
  }
  case T_ENUM: {
    const pbc_enum *e = type_sym->node;
    if (enum_value_named(e, f->default_value) == NULL) {
      return fail_at(l, f, PBC_AT_DEFAULT, "Enum type \"%s\" has no value named \"%s\".",
                     type_sym->name, f->default_value);
    }
    return STRATA_E_OK;
  }
  case T_MESSAGE:
  case T_GROUP:
    return fail_at(l, f, PBC_AT_DEFAULT, "Messages can't have default values.");
  default:
    return STRATA_E_OK; /* bool, string, bytes: already as protoc prints them */
  }
  f->default_value = pbc_strdup(l->arena, buf);
  return f->default_value != NULL ? STRATA_E_OK : pbc_nomem(l->err);
}

static strata_error link_field(linker *l, pbc_field *f, const char *scope, bool is_extension) {
  char *full = join(l->arena, scope, f->name);
  if (full == NULL) {
    return pbc_nomem(l->err);
  }
  const pbc_symbol *type_sym = NULL;
  if (f->type_name != NULL) {
    TRY(resolve_name(l, &f->type_name, full, true, f, PBC_AT_TYPE, &type_sym));
    if (type_sym->kind == PBC_SYM_MESSAGE) {
      if (!f->has_type) {
        f->has_type = 1;
        f->type = T_MESSAGE;
      } else if (f->type != T_GROUP && f->type != T_MESSAGE) {
        return fail_at(l, f, PBC_AT_TYPE, "\"%s\" is not an enum type.", type_sym->name);
      }
    } else if (type_sym->kind == PBC_SYM_ENUM) {
      if (f->has_type && f->type == T_GROUP) {
        return fail_at(l, f, PBC_AT_TYPE, "\"%s\" is not a message type.", type_sym->name);
      }
      f->has_type = 1;
      f->type = T_ENUM;
    } else {
      return fail_at(l, f, PBC_AT_TYPE, "\"%s\" is not a type.", f->type_name + 1);
    }
  }
  if (is_extension) {
    const pbc_symbol *ext = NULL;
    TRY(resolve_name(l, &f->extendee, full, false, f, PBC_AT_EXTENDEE, &ext));
    if (ext->kind != PBC_SYM_MESSAGE) {
      return fail_at(l, f, PBC_AT_EXTENDEE, "\"%s\" is not a message type.", f->extendee + 1);
    }
    const pbc_message *m = ext->node;
    bool in_range = false;
    for (size_t i = 0; i < m->n_extension_range && !in_range; i++) {
      in_range =
          f->number >= m->extension_range[i]->start && f->number < m->extension_range[i]->end;
    }
    if (!in_range) {
      return fail_at(l, f, PBC_AT_NUMBER, "\"%s\" does not declare %d as an extension number.",
                     ext->name, f->number);
    }
  }
  if (f->json_name == NULL) {
    f->json_name = pbc_json_name(l->arena, f->name);
    if (f->json_name == NULL) {
      return pbc_nomem(l->err);
    }
  } else if (is_extension && !l->binary) {
    return fail_at(l, f, PBC_AT_NAME, "option json_name is not allowed on extension fields.");
  }
  if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED && l->proto3) {
    return fail_at(l, f, PBC_AT_TYPE, "Required fields are not allowed in proto3.");
  }
  if (f->has_type && f->type == T_GROUP && l->proto3) {
    return fail_at(l, f, PBC_AT_NAME, "Groups are not supported in proto3 syntax.");
  }
  if (f->number <= 0) {
    return fail_at(l, f, PBC_AT_NUMBER, "Field numbers must be positive integers.");
  }
  if (f->number > PBC_MAX_FIELD_NUMBER) {
    return fail_at(l, f, PBC_AT_NUMBER, "Field numbers cannot be greater than %d.",
                   PBC_MAX_FIELD_NUMBER);
  }
  if (f->number >= 19000 && f->number <= 19999) {
    return fail_at(l, f, PBC_AT_NUMBER,
                   "Field numbers 19000 through 19999 are reserved for the protocol buffer "
                   "library implementation.");
  }
  return link_default(l, f, type_sym);
}

static strata_error link_enum(linker *l, const pbc_enum *e, const char *scope) {
  char *full = join(l->arena, scope, e->name);
  if (full == NULL) {
    return pbc_nomem(l->err);
  }
  if (e->n_value == 0) {
    return fail_at(l, e, PBC_AT_NAME, "Enums must contain at least one value.");
  }
  if ((l->proto3) && e->value[0]->number != 0) {
    return fail_at(l, e->value[0], PBC_AT_NUMBER, "The first enum value must be zero in proto3.");
  }
  bool alias = false;
  if (e->options != NULL) {
    for (size_t i = 0; i < e->options->n_uninterpreted_option; i++) {
      const pbc_uopt *o = e->options->uninterpreted_option[i];
      if (o->n_name == 1 && strcmp(o->name[0]->name_part, "allow_alias") == 0 &&
          o->identifier_value != NULL && strcmp(o->identifier_value, "true") == 0) {
        alias = true;
      }
    }
    alias = alias || (e->options->has_allow_alias && e->options->allow_alias);
  }
  bool aliased = false;
  for (size_t i = 0; i < e->n_value; i++) {
    for (size_t k = 0; k < i; k++) {
      if (e->value[k]->number == e->value[i]->number) {
        aliased = true;
        if (!alias) {
          return fail_at(l, e->value[i], PBC_AT_NUMBER,
                         "\"%s.%s\" uses the same enum value as \"%s.%s\". If this is intended, "
                         "set 'option allow_alias = true;' to the enum definition.",
                         scope[0] != '\0' ? scope : e->name, e->value[i]->name,
                         scope[0] != '\0' ? scope : e->name, e->value[k]->name);
        }
      }
    }
  }
  if (alias && !aliased) {
    return fail_at(l, e, PBC_AT_NAME,
                   "\"%s\" declares support for enum aliases but no enum values share field "
                   "numbers. Please remove the unnecessary 'option allow_alias = true;' "
                   "declaration.",
                   full);
  }
  return STRATA_E_OK;
}

static bool reserved_number(const pbc_message *m, int32_t n) {
  for (size_t i = 0; i < m->n_reserved_range; i++) {
    if (n >= m->reserved_range[i]->start && n < m->reserved_range[i]->end) {
      return true;
    }
  }
  return false;
}

/* @p a and @p b are equal once lower-cased without underscores (protoc's proto3 rule). */
static bool same_json_key(const char *a, const char *b) {
  for (;;) {
    while (*a == '_') {
      a++;
    }
    while (*b == '_') {
      b++;
    }
    char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
    char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
    if (ca != cb) {
      return false;
    }
    if (ca == '\0') {
      return true;
    }
    a++;
    b++;
  }
}

static strata_error link_message(linker *l, pbc_message *m, const char *scope) {
  char *full = join(l->arena, scope, m->name);
  if (full == NULL) {
    return pbc_nomem(l->err);
  }
  for (size_t i = 0; l->proto3 && !l->binary && i < m->n_field; i++) {
    for (size_t k = 0; k < i; k++) {
      if (same_json_key(m->field[i]->name, m->field[k]->name)) {
        return fail_at(l, m->field[i], PBC_AT_NAME,
                       "The JSON camel-case name of field \"%s\" conflicts with field \"%s\". "
                       "This is not allowed in proto3.",
                       m->field[i]->name, m->field[k]->name);
      }
    }
  }
  for (size_t i = 0; i < m->n_field; i++) {
    pbc_field *f = m->field[i];
    TRY(link_field(l, f, full, false));
    for (size_t k = 0; k < i; k++) {
      if (m->field[k]->number == f->number) {
        return fail_at(l, f, PBC_AT_NUMBER,
                       "Field number %d has already been used in \"%s\" by field \"%s\".",
                       f->number, full, m->field[k]->name);
      }
    }
    if (reserved_number(m, f->number)) {
      return fail_at(l, f, PBC_AT_NUMBER, "Field \"%s\" uses reserved number %d.", f->name,
                     f->number);
    }
    for (size_t k = 0; k < m->n_reserved_name; k++) {
      if (strcmp(m->reserved_name[k], f->name) == 0) {
        return fail_at(l, f, PBC_AT_NAME, "Field name \"%s\" is reserved.", f->name);
      }
    }
    for (size_t k = 0; k < m->n_extension_range; k++) {
      if (f->number >= m->extension_range[k]->start && f->number < m->extension_range[k]->end) {
        return fail_at(l, f, PBC_AT_NUMBER, "Extension range %d to %d includes field \"%s\" (%d).",
                       m->extension_range[k]->start, m->extension_range[k]->end - 1, f->name,
                       f->number);
      }
    }
  }
  for (size_t i = 0; i < m->n_extension_range; i++) {
    if (l->proto3) {
      return fail_at(l, m, PBC_AT_NAME, "Extension ranges are not allowed in proto3.");
    }
    if (m->extension_range[i]->start <= 0) {
      return fail_at(l, m, PBC_AT_NAME, "Extension numbers must be positive integers.");
    }
  }
  for (size_t i = 0; i < m->n_nested_type; i++) {
    TRY(link_message(l, m->nested_type[i], full));
  }
  for (size_t i = 0; i < m->n_enum_type; i++) {
    TRY(link_enum(l, m->enum_type[i], full));
  }
  for (size_t i = 0; i < m->n_extension; i++) {
    TRY(link_field(l, m->extension[i], full, true));
  }
  return STRATA_E_OK;
}

static strata_error link_services(linker *l) {
  pbc_file_proto *f = l->file->proto;
  const char *pkg = f->package != NULL ? f->package : "";
  for (size_t i = 0; i < f->n_service; i++) {
    char *s = join(l->arena, pkg, f->service[i]->name);
    if (s == NULL) {
      return pbc_nomem(l->err);
    }
    for (size_t k = 0; k < f->service[i]->n_method; k++) {
      pbc_method *m = f->service[i]->method[k];
      char *full = join(l->arena, s, m->name);
      if (full == NULL) {
        return pbc_nomem(l->err);
      }
      const pbc_symbol *sym = NULL;
      TRY(resolve_name(l, &m->input_type, full, false, m, PBC_AT_INPUT, &sym));
      if (sym->kind != PBC_SYM_MESSAGE) {
        return fail_at(l, m, PBC_AT_INPUT, "\"%s\" is not a message type.", m->input_type + 1);
      }
      TRY(resolve_name(l, &m->output_type, full, false, m, PBC_AT_OUTPUT, &sym));
      if (sym->kind != PBC_SYM_MESSAGE) {
        return fail_at(l, m, PBC_AT_OUTPUT, "\"%s\" is not a message type.", m->output_type + 1);
      }
    }
  }
  return STRATA_E_OK;
}

/* An extension field and the full name it is known by, for the duplicate-number check. */
typedef struct ext_use {
  const pbc_field *field;
  const char *scope;
} ext_use;

static strata_error collect_exts(const pbc_message *m, int depth, ext_use **list, size_t *n,
                                 size_t *cap, pbc_errors *err) {
  for (size_t i = 0; depth <= PBC_MAX_DEPTH && m != NULL && i < m->n_extension; i++) {
    if (*n == *cap) {
      size_t grown_cap = *cap == 0 ? 16 : *cap * 2;
      ext_use *grown = realloc(*list, grown_cap * sizeof *grown);
      if (grown == NULL) {
        return pbc_nomem(err);
      }
      *list = grown;
      *cap = grown_cap;
    }
    (*list)[(*n)++] = (ext_use){m->extension[i], m->name};
  }
  for (size_t i = 0; depth <= PBC_MAX_DEPTH && m != NULL && i < m->n_nested_type; i++) {
    TRY(collect_exts(m->nested_type[i], depth + 1, list, n, cap, err));
  }
  return STRATA_E_OK;
}

static int cmp_ext_use(const void *a, const void *b) {
  const pbc_field *x = ((const ext_use *)a)->field, *y = ((const ext_use *)b)->field;
  int c = strcmp(x->extendee != NULL ? x->extendee : "", y->extendee != NULL ? y->extendee : "");
  return c != 0 ? c : (x->number > y->number) - (x->number < y->number);
}

/* Two extensions of one message with one number (in this file or the files it imports directly)
 * are an error, as in protoc: options and unknown fields would name the wrong one. */
static strata_error check_extension_numbers(linker *l) {
  strata_error rc = STRATA_E_OK;
  ext_use *list = NULL;
  size_t n = 0, cap = 0;
  const pbc_file *files[1 + 64];
  size_t nfiles = 0;
  files[nfiles++] = l->file;
  for (size_t i = 0; l->file->deps != NULL && i < l->file->proto->n_dependency && nfiles < 65;
       i++) {
    if (l->file->deps[i] != NULL) {
      files[nfiles++] = l->file->deps[i];
    }
  }
  for (size_t k = 0; k < nfiles && rc == STRATA_E_OK; k++) {
    const pbc_file_proto *fp = files[k]->proto;
    pbc_message top = GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT;
    top.n_extension = fp->n_extension;
    top.extension = fp->extension;
    top.n_nested_type = fp->n_message_type;
    top.nested_type = fp->message_type;
    rc = collect_exts(&top, 0, &list, &n, &cap, l->err);
  }
  if (rc == STRATA_E_OK && n > 1) {
    qsort(list, n, sizeof *list, cmp_ext_use);
    for (size_t i = 1; i < n && rc == STRATA_E_OK; i++) {
      if (cmp_ext_use(&list[i - 1], &list[i]) == 0 && list[i - 1].field != list[i].field) {
        const pbc_field *later = list[i].field;
        rc =
            fail_at(l, later, PBC_AT_NUMBER,
                    "Extension number %d has already been used in \"%s\" by extension \"%s\".",
                    later->number,
                    later->extendee != NULL && later->extendee[0] == '.' ? later->extendee + 1 : "",
                    list[i - 1].field->name);
      }
    }
  }
  free(list);
  return rc;
}

static strata_error link_file(pbc_file *file, pbc_importer *importer, pbc_errors *err,
                              bool binary) {
  linker l = {file, err, &file->arena, false, false, binary};
  pbc_file_proto *f = file->proto;
  l.proto3 = f->syntax != NULL && strcmp(f->syntax, "proto3") == 0;
  l.editions = f->syntax != NULL && strcmp(f->syntax, "editions") == 0;

  if (f->n_dependency > 0) {
    file->deps = pbc_alloc(&file->arena, f->n_dependency * sizeof *file->deps);
    if (file->deps == NULL) {
      return pbc_nomem(err);
    }
  }
  for (size_t i = 0; i < f->n_dependency; i++) {
    strata_error rc = importer->import(importer, f->dependency[i], &file->deps[i], err);
    if (rc == STRATA_E_NOMEM) {
      return pbc_nomem(err);
    }
    if (rc != STRATA_E_OK) {
      return fail_at(&l, f->dependency[i], PBC_AT_NAME,
                     "Import \"%s\" was not found or had errors.", f->dependency[i]);
    }
  }
  TRY(file_symbols(&l));
  const char *pkg = f->package != NULL ? f->package : "";
  for (size_t i = 0; i < f->n_message_type; i++) {
    TRY(link_message(&l, f->message_type[i], pkg));
  }
  for (size_t i = 0; i < f->n_enum_type; i++) {
    TRY(link_enum(&l, f->enum_type[i], pkg));
  }
  for (size_t i = 0; i < f->n_extension; i++) {
    TRY(link_field(&l, f->extension[i], pkg, true));
  }
  TRY(link_services(&l));
  TRY(check_extension_numbers(&l));
  return binary ? STRATA_E_OK : pbc_interpret_options(file, err);
}

strata_error pbc_link(pbc_file *file, pbc_importer *importer, pbc_errors *err) {
  return link_file(file, importer, err, false);
}

strata_error pbc_link_binary(pbc_file *file, pbc_importer *importer, pbc_errors *err) {
  return link_file(file, importer, err, true);
}
