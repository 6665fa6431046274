/*
 * proto_parse.c - the .proto parser: text to an unlinked FileDescriptorProto,
 * as protoc's parser builds it. Type names are kept as written (the linker
 * resolves them); options are kept as uninterpreted_option entries (the
 * option interpreter turns them into fields); map fields get their
 * `XEntry` message, groups their message, proto3 `optional` fields their
 * synthetic oneof; `default` and `json_name` go to the field itself.
 */
#include "proto_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  pbc_lexer lex;
  pbc_errors *err;
  pbc_file *file;
  pbc_arena *arena;
  bool proto3;
  bool editions;
  int depth;
} parser;

/* The containers a nested declaration can be added to. */
typedef struct scope {
  pbc_message ***messages;
  size_t *n_messages;
  pbc_field ***extensions;
  size_t *n_extensions;
} scope;

typedef strata_error (*options_target)(parser *p, void *owner, pbc_uopt *opt);

#define TRY(expr)                                                                                  \
  do {                                                                                             \
    strata_error try_rc_ = (expr);                                                                 \
    if (try_rc_ != STRATA_E_OK) {                                                                  \
      return try_rc_;                                                                              \
    }                                                                                              \
  } while (0)

#define NEW(p, ptr, init)                                                                          \
  do {                                                                                             \
    (ptr) = pbc_alloc((p)->arena, sizeof *(ptr));                                                  \
    if ((ptr) == NULL) {                                                                           \
      return pbc_nomem((p)->err);                                                                  \
    }                                                                                              \
    init(ptr);                                                                                     \
  } while (0)

#define PUSH(p, arr, n, item)                                                                      \
  do {                                                                                             \
    if (!PBC_APPEND((p)->arena, arr, n, item)) {                                                   \
      return pbc_nomem((p)->err);                                                                  \
    }                                                                                              \
  } while (0)

/* ---- errors ----------------------------------------------------------------- */

strata_error pbc_fail(pbc_errors *err, int line, int col, const char *fmt, ...) {
  if (err->diag == NULL || err->diag->message[0] != '\0') {
    return STRATA_E_INVALID_SCHEMA;
  }
  char message[sizeof err->diag->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (line >= 0) {
    scm_diag_set(err->diag, line + 1, col + 1, "", "%s:%d:%d: %s", err->file, line + 1, col + 1,
                 message);
  } else {
    scm_diag_set(err->diag, 0, 0, "", "%s: %s", err->file, message);
  }
  return STRATA_E_INVALID_SCHEMA;
}

strata_error pbc_nomem(pbc_errors *err) {
  err->nomem = true;
  if (err->diag != NULL) {
    scm_diag_set(err->diag, 0, 0, "", "out of memory");
  }
  return STRATA_E_NOMEM;
}

/* ---- token helpers ---------------------------------------------------------- */

static strata_error fail_here(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static strata_error fail_here(parser *p, const char *fmt, ...) {
  char message[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return pbc_fail(p->err, p->lex.cur.line, p->lex.cur.col, "%s", message);
}

static strata_error next(parser *p) {
  return pbc_lex_next(&p->lex);
}

static bool looking_at(parser *p, const char *text) {
  return pbc_lex_is(&p->lex, text);
}

static bool try_consume(parser *p, const char *text, strata_error *rc) {
  if (!looking_at(p, text)) {
    return false;
  }
  *rc = next(p);
  return true;
}

static strata_error expect(parser *p, const char *text, const char *message) {
  if (!looking_at(p, text)) {
    if (message != NULL) {
      return fail_here(p, "%s", message);
    }
    return fail_here(p, "Expected \"%s\".", text);
  }
  return next(p);
}

static strata_error ident(parser *p, char **out, const char *message) {
  if (p->lex.cur.kind != PBC_TOK_IDENT) {
    return fail_here(p, "%s", message);
  }
  *out = pbc_strndup(p->arena, p->lex.cur.text, p->lex.cur.len);
  if (*out == NULL) {
    return pbc_nomem(p->err);
  }
  return next(p);
}

/* One or more adjacent string literals, concatenated. */
static strata_error string_lit(parser *p, char **out, size_t *outlen, const char *message) {
  if (p->lex.cur.kind != PBC_TOK_STRING) {
    return fail_here(p, "%s", message);
  }
  char *acc = NULL;
  size_t acclen = 0;
  while (p->lex.cur.kind == PBC_TOK_STRING) {
    char *s = NULL;
    size_t n = 0;
    TRY(pbc_lex_string(&p->lex, &p->lex.cur, p->arena, &s, &n));
    if (acc == NULL) {
      acc = s;
      acclen = n;
    } else {
      char *joined = pbc_alloc(p->arena, acclen + n + 1);
      if (joined == NULL) {
        return pbc_nomem(p->err);
      }
      memcpy(joined, acc, acclen);
      memcpy(joined + acclen, s, n + 1);
      acc = joined;
      acclen += n;
    }
    TRY(next(p));
  }
  *out = acc;
  if (outlen != NULL) {
    *outlen = acclen;
  }
  return STRATA_E_OK;
}

/* An unsigned integer token no larger than @p max. */
static strata_error integer(parser *p, uint64_t max, uint64_t *out, const char *message) {
  if (p->lex.cur.kind != PBC_TOK_INT) {
    return fail_here(p, "%s", message);
  }
  if (!pbc_lex_uint(&p->lex.cur, out) || *out > max) {
    return fail_here(p, "Integer out of range.");
  }
  return next(p);
}

static strata_error signed_int32(parser *p, int32_t *out, const char *message) {
  strata_error rc = STRATA_E_OK;
  bool neg = try_consume(p, "-", &rc);
  TRY(rc);
  uint64_t v = 0;
  TRY(integer(p, neg ? (uint64_t)INT32_MAX + 1 : INT32_MAX, &v, message));
  *out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
  return STRATA_E_OK;
}

static strata_error end_of_decl(parser *p) {
  return expect(p, ";", "Expected \";\".");
}

static bool note(parser *p, const void *node, pbc_aspect aspect, const pbc_token *tok) {
  return pbc_pos_set(p->file, node, aspect, tok->line, tok->col);
}

#define NOTE(p, node, aspect, tok)                                                                 \
  do {                                                                                             \
    if (!note((p), (node), (aspect), (tok))) {                                                     \
      return pbc_nomem((p)->err);                                                                  \
    }                                                                                              \
  } while (0)

/* ---- options ---------------------------------------------------------------- */

/* The text of an aggregate value, from after "{" to before the matching "}". */
static strata_error aggregate(parser *p, char **out) {
  pbc_token open = p->lex.cur;
  TRY(next(p));
  const char *start = p->lex.cur.text;
  int depth = 1;
  for (;;) {
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return pbc_fail(p->err, open.line, open.col,
                      "Unexpected end of stream while parsing "
                      "aggregate value.");
    }
    if (looking_at(p, "{") || looking_at(p, "<")) {
      depth++;
      if (depth > PBC_MAX_DEPTH) {
        return fail_here(p, "Aggregate value nested too deeply.");
      }
    } else if (looking_at(p, "}") || looking_at(p, ">")) {
      depth--;
      if (depth == 0) {
        break;
      }
    }
    TRY(next(p));
  }
  *out = pbc_strndup(p->arena, start, (size_t)(p->lex.cur.text - start));
  if (*out == NULL) {
    return pbc_nomem(p->err);
  }
  return next(p);
}

/* A possibly dotted name ("a.b.C", ".a.B") into *out (arena); @p missing is the error when an
 * identifier is expected and absent. */
static strata_error dotted_name(parser *p, const char *missing, char **out) {
  strata_error rc = STRATA_E_OK;
  sjw_buf name = SJW_BUF_INIT;

  if (looking_at(p, ".")) {
    sjw_putc(&name, '.');
    if ((rc = next(p)) != STRATA_E_OK) {
      goto cleanup;
    }
  }
  for (;;) {
    if (p->lex.cur.kind != PBC_TOK_IDENT) {
      rc = fail_here(p, "%s", missing);
      goto cleanup;
    }
    sjw_put(&name, p->lex.cur.text, p->lex.cur.len);
    if ((rc = next(p)) != STRATA_E_OK || !looking_at(p, ".")) {
      break;
    }
    sjw_putc(&name, '.');
    if ((rc = next(p)) != STRATA_E_OK) {
      break;
    }
  }
  if (rc == STRATA_E_OK) {
    *out = name.failed ? NULL : pbc_strdup(p->arena, name.data);
    rc = *out != NULL ? STRATA_E_OK : pbc_nomem(p->err);
  }

cleanup:
  sjw_release(&name);
  return rc;
}

/* option name "=" value, after "option" or inside "[...]"; appends to *opts / *n. */
static strata_error option_body(parser *p, pbc_uopt ***opts, size_t *n) {
  pbc_uopt *opt = NULL;
  NEW(p, opt, google__protobuf__uninterpreted_option__init);
  NOTE(p, opt, PBC_AT_NAME, &p->lex.cur);
  strata_error rc = STRATA_E_OK;
  for (;;) {
    Google__Protobuf__UninterpretedOption__NamePart *part = NULL;
    NEW(p, part, google__protobuf__uninterpreted_option__name_part__init);
    if (try_consume(p, "(", &rc)) {
      TRY(rc);
      TRY(dotted_name(p, "Expected identifier.", &part->name_part));
      part->is_extension = 1;
      TRY(expect(p, ")", NULL));
    } else {
      TRY(ident(p, &part->name_part, "Expected identifier."));
      part->is_extension = 0;
    }
    PUSH(p, opt->name, opt->n_name, part);
    if (!looking_at(p, ".")) {
      break;
    }
    TRY(next(p));
  }
  TRY(expect(p, "=", NULL));
  NOTE(p, opt, PBC_AT_VALUE, &p->lex.cur);
  if (looking_at(p, "{")) {
    TRY(aggregate(p, &opt->aggregate_value));
  } else {
    bool neg = try_consume(p, "-", &rc);
    TRY(rc);
    pbc_token tok = p->lex.cur;
    switch (tok.kind) {
    case PBC_TOK_IDENT:
      if (neg) {
        if (tok.len == 3 && memcmp(tok.text, "inf", 3) == 0) {
          opt->has_double_value = 1;
          opt->double_value = -INFINITY;
        } else if (tok.len == 3 && memcmp(tok.text, "nan", 3) == 0) {
          opt->has_double_value = 1;
          opt->double_value = NAN;
        } else {
          return fail_here(p, "Invalid '-' symbol before identifier.");
        }
        TRY(next(p));
      } else {
        TRY(ident(p, &opt->identifier_value, "Expected identifier."));
      }
      break;
    case PBC_TOK_INT: {
      uint64_t v = 0;
      TRY(integer(p, neg ? (uint64_t)INT64_MAX + 1 : UINT64_MAX, &v, "Expected integer."));
      if (neg) {
        opt->has_negative_int_value = 1;
        opt->negative_int_value = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
      } else {
        opt->has_positive_int_value = 1;
        opt->positive_int_value = v;
      }
      break;
    }
    case PBC_TOK_FLOAT:
      opt->has_double_value = 1;
      opt->double_value = neg ? -pbc_lex_double(&tok) : pbc_lex_double(&tok);
      TRY(next(p));
      break;
    case PBC_TOK_STRING: {
      if (neg) {
        return fail_here(p, "Invalid '-' symbol before string.");
      }
      char *s = NULL;
      size_t len = 0;
      TRY(string_lit(p, &s, &len, "Expected string."));
      opt->has_string_value = 1;
      opt->string_value.data = (uint8_t *)s;
      opt->string_value.len = len;
      break;
    }
    default:
      return fail_here(p, "Expected option value.");
    }
  }
  PUSH(p, *opts, *n, opt);
  return STRATA_E_OK;
}

/* The options message of each element kind, created on first use. */
#define OPTIONS_OF(p, owner, type, init)                                                           \
  do {                                                                                             \
    if ((owner)->options == NULL) {                                                                \
      type *o_ = NULL;                                                                             \
      NEW(p, o_, init);                                                                            \
      (owner)->options = o_;                                                                       \
    }                                                                                              \
  } while (0)

static strata_error file_option(parser *p, pbc_file_proto *f) {
  OPTIONS_OF(p, f, Google__Protobuf__FileOptions, google__protobuf__file_options__init);
  return option_body(p, &f->options->uninterpreted_option, &f->options->n_uninterpreted_option);
}

static strata_error message_option(parser *p, pbc_message *m) {
  OPTIONS_OF(p, m, Google__Protobuf__MessageOptions, google__protobuf__message_options__init);
  return option_body(p, &m->options->uninterpreted_option, &m->options->n_uninterpreted_option);
}

static strata_error field_option(parser *p, pbc_field *f) {
  OPTIONS_OF(p, f, Google__Protobuf__FieldOptions, google__protobuf__field_options__init);
  return option_body(p, &f->options->uninterpreted_option, &f->options->n_uninterpreted_option);
}

static strata_error enum_option(parser *p, pbc_enum *e) {
  OPTIONS_OF(p, e, Google__Protobuf__EnumOptions, google__protobuf__enum_options__init);
  return option_body(p, &e->options->uninterpreted_option, &e->options->n_uninterpreted_option);
}

static strata_error enum_value_option(parser *p, pbc_enum_value *v) {
  OPTIONS_OF(p, v, Google__Protobuf__EnumValueOptions, google__protobuf__enum_value_options__init);
  return option_body(p, &v->options->uninterpreted_option, &v->options->n_uninterpreted_option);
}

static strata_error oneof_option(parser *p, pbc_oneof *o) {
  OPTIONS_OF(p, o, Google__Protobuf__OneofOptions, google__protobuf__oneof_options__init);
  return option_body(p, &o->options->uninterpreted_option, &o->options->n_uninterpreted_option);
}

static strata_error service_option(parser *p, pbc_service *s) {
  OPTIONS_OF(p, s, Google__Protobuf__ServiceOptions, google__protobuf__service_options__init);
  return option_body(p, &s->options->uninterpreted_option, &s->options->n_uninterpreted_option);
}

static strata_error method_option(parser *p, pbc_method *m) {
  OPTIONS_OF(p, m, Google__Protobuf__MethodOptions, google__protobuf__method_options__init);
  return option_body(p, &m->options->uninterpreted_option, &m->options->n_uninterpreted_option);
}

/* ---- types ------------------------------------------------------------------ */

typedef struct scalar_name {
  const char *name;
  Google__Protobuf__FieldDescriptorProto__Type type;
} scalar_name;

static const scalar_name scalar_names[] = {
    {"double", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE},
    {"float", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT},
    {"int64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64},
    {"uint64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64},
    {"int32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32},
    {"fixed64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64},
    {"fixed32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32},
    {"bool", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL},
    {"string", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING},
    {"group", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP},
    {"bytes", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES},
    {"uint32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32},
    {"sfixed32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32},
    {"sfixed64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64},
    {"sint32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32},
    {"sint64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64},
};

/* A type: a scalar keyword (sets *type, *has_type) or a (dotted) type name (*type_name). */
static strata_error parse_type(parser *p, bool *has_type,
                               Google__Protobuf__FieldDescriptorProto__Type *type,
                               char **type_name) {
  *has_type = false;
  *type_name = NULL;
  for (size_t i = 0; i < sizeof scalar_names / sizeof scalar_names[0]; i++) {
    if (p->lex.cur.kind == PBC_TOK_IDENT && looking_at(p, scalar_names[i].name)) {
      *has_type = true;
      *type = scalar_names[i].type;
      return next(p);
    }
  }
  return dotted_name(p, "Expected type name.", type_name);
}

/* ---- messages --------------------------------------------------------------- */

static strata_error message_block(parser *p, pbc_message *m);

/* protoc's name of the entry message of map field @p field_name. */
static char *map_entry_name(pbc_arena *arena, const char *field_name) {
  return pbc_camel_case(arena, field_name, true, "Entry");
}

static strata_error map_entry_field(parser *p, pbc_message *entry, const char *name, int number,
                                    bool has_type,
                                    Google__Protobuf__FieldDescriptorProto__Type type,
                                    char *type_name, const pbc_token *at) {
  pbc_field *f = NULL;
  NEW(p, f, google__protobuf__field_descriptor_proto__init);
  f->name = pbc_strdup(p->arena, name);
  if (f->name == NULL) {
    return pbc_nomem(p->err);
  }
  f->has_label = 1;
  f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
  f->has_number = 1;
  f->number = number;
  if (has_type) {
    f->has_type = 1;
    f->type = type;
  } else {
    f->type_name = type_name;
  }
  NOTE(p, f, PBC_AT_TYPE, at);
  NOTE(p, f, PBC_AT_NAME, at);
  PUSH(p, entry->field, entry->n_field, f);
  return STRATA_E_OK;
}

static strata_error field_options(parser *p, pbc_field *f) {
  strata_error rc = STRATA_E_OK;
  if (!try_consume(p, "[", &rc)) {
    return STRATA_E_OK;
  }
  TRY(rc);
  for (;;) {
    if (looking_at(p, "default")) {
      if (f->default_value != NULL) {
        return fail_here(p, "Already set option \"default\".");
      }
      TRY(next(p));
      TRY(expect(p, "=", NULL));
      NOTE(p, f, PBC_AT_DEFAULT, &p->lex.cur);
      sjw_buf v = SJW_BUF_INIT;
      if (!f->has_type) {
        /* enum or message: decided by the linker */
        sjw_put(&v, p->lex.cur.text, p->lex.cur.len);
        rc = next(p);
      } else {
        switch (f->type) {
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64: {
          bool is32 = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32 ||
                      f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32 ||
                      f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32;
          uint64_t max = is32 ? INT32_MAX : INT64_MAX;
          bool neg = try_consume(p, "-", &rc);
          if (rc == STRATA_E_OK) {
            uint64_t value = 0;
            rc = integer(p, neg ? max + 1 : max, &value,
                         "Expected integer for field default value.");
            sjw_printf(&v, "%s%llu", neg && value != 0 ? "-" : (neg ? "-" : ""),
                       (unsigned long long)value);
          }
          break;
        }
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64: {
          bool is32 = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32 ||
                      f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32;
          if (looking_at(p, "-")) {
            rc = fail_here(p, "Unsigned field can't have negative default value.");
            break;
          }
          uint64_t value = 0;
          rc = integer(p, is32 ? UINT32_MAX : UINT64_MAX, &value,
                       "Expected integer for field default value.");
          sjw_printf(&v, "%llu", (unsigned long long)value);
          break;
        }
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
          bool neg = try_consume(p, "-", &rc);
          if (rc != STRATA_E_OK) {
            break;
          }
          double value = 0;
          if (p->lex.cur.kind == PBC_TOK_INT || p->lex.cur.kind == PBC_TOK_FLOAT) {
            uint64_t iv = 0;
            if (p->lex.cur.kind == PBC_TOK_INT && !pbc_lex_uint(&p->lex.cur, &iv)) {
              rc = fail_here(p, "Integer out of range.");
              break;
            }
            value = pbc_lex_double(&p->lex.cur);
          } else if (looking_at(p, "inf")) {
            value = INFINITY;
          } else if (looking_at(p, "nan")) {
            value = NAN;
          } else {
            rc = fail_here(p, "Expected number.");
            break;
          }
          rc = next(p);
          /* the linker reformats the value as protoc prints it */
          if (isnan(value)) {
            sjw_printf(&v, "%snan", neg ? "-" : "");
          } else if (isinf(value)) {
            sjw_printf(&v, "%sinf", neg ? "-" : "");
          } else {
            sjw_printf(&v, "%s%.17g", neg ? "-" : "", value);
          }
          break;
        }
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
          if (looking_at(p, "true") || looking_at(p, "false")) {
            sjw_put(&v, p->lex.cur.text, p->lex.cur.len);
            rc = next(p);
          } else {
            rc = fail_here(p, "Expected \"true\" or \"false\".");
          }
          break;
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES: {
          char *s = NULL;
          size_t len = 0;
          rc = string_lit(p, &s, &len,
                          f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING
                              ? "Expected string for field default value."
                              : "Expected string.");
          if (rc == STRATA_E_OK) {
            if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
              pbc_c_escape(&v, s, len);
            } else {
              sjw_put(&v, s, len);
            }
          }
          break;
        }
        default:
          rc = fail_here(p, "Messages can't have default values.");
          break;
        }
      }
      if (rc == STRATA_E_OK && v.failed) {
        rc = pbc_nomem(p->err);
      }
      if (rc == STRATA_E_OK) {
        f->default_value = pbc_strndup(p->arena, v.data != NULL ? v.data : "", v.len);
        if (f->default_value == NULL) {
          rc = pbc_nomem(p->err);
        }
      }
      sjw_release(&v);
      TRY(rc);
    } else if (looking_at(p, "json_name")) {
      if (f->json_name != NULL) {
        return fail_here(p, "Already set option \"json_name\".");
      }
      TRY(next(p));
      TRY(expect(p, "=", NULL));
      TRY(string_lit(p, &f->json_name, NULL, "Expected string for JSON name."));
    } else {
      TRY(field_option(p, f));
    }
    if (!try_consume(p, ",", &rc)) {
      break;
    }
    TRY(rc);
  }
  return expect(p, "]", NULL);
}

/*
 * A field after its label: type, name, number, options, and the group body or
 * map entry. @p in_oneof: the field belongs to oneof @p oneof_index.
 */
static strata_error field_rest(parser *p, pbc_field *f, scope *sc) {
  strata_error rc = STRATA_E_OK;
  bool is_map = false;
  bool map_key_has_type = false, map_value_has_type = false;
  Google__Protobuf__FieldDescriptorProto__Type map_key_type = 0, map_value_type = 0;
  char *map_key_name = NULL, *map_value_name = NULL;
  pbc_token type_tok = p->lex.cur;
  bool type_parsed = false;

  if (looking_at(p, "map")) {
    TRY(next(p));
    if (looking_at(p, "<")) {
      is_map = true;
    } else {
      type_parsed = true;
      f->type_name = pbc_strdup(p->arena, "map");
      if (f->type_name == NULL) {
        return pbc_nomem(p->err);
      }
    }
  }
  if (is_map) {
    if (f->has_oneof_index) {
      return fail_here(p, "Map fields are not allowed in oneofs.");
    }
    if (f->has_label) {
      return fail_here(p, "Field labels (required/optional/repeated) are not allowed on map "
                          "fields.");
    }
    if (f->extendee != NULL) {
      return fail_here(p, "Map fields are not allowed to be extensions.");
    }
    f->has_label = 1;
    f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED;
    TRY(expect(p, "<", NULL));
    TRY(parse_type(p, &map_key_has_type, &map_key_type, &map_key_name));
    TRY(expect(p, ",", NULL));
    TRY(parse_type(p, &map_value_has_type, &map_value_type, &map_value_name));
    TRY(expect(p, ">", NULL));
  } else {
    if (!f->has_label && (p->proto3 || p->editions)) {
      f->has_label = 1;
      f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
    }
    if (!f->has_label) {
      return fail_here(p, "Expected \"required\", \"optional\", or \"repeated\".");
    }
    if (!type_parsed) {
      bool has_type = false;
      Google__Protobuf__FieldDescriptorProto__Type type = 0;
      TRY(parse_type(p, &has_type, &type, &f->type_name));
      if (has_type) {
        f->has_type = 1;
        f->type = type;
      }
    }
  }
  NOTE(p, f, PBC_AT_TYPE, &type_tok);
  pbc_token name_tok = p->lex.cur;
  TRY(ident(p, &f->name, "Expected field name."));
  NOTE(p, f, PBC_AT_NAME, &name_tok);
  TRY(expect(p, "=", "Missing field number."));
  NOTE(p, f, PBC_AT_NUMBER, &p->lex.cur);
  uint64_t number = 0;
  TRY(integer(p, INT32_MAX, &number, "Expected field number."));
  f->has_number = 1;
  f->number = (int32_t)number;
  TRY(field_options(p, f));

  if (f->has_type && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP) {
    pbc_message *group = NULL;
    NEW(p, group, google__protobuf__descriptor_proto__init);
    group->name = pbc_strdup(p->arena, f->name);
    if (group->name == NULL) {
      return pbc_nomem(p->err);
    }
    NOTE(p, group, PBC_AT_NAME, &name_tok);
    if (group->name[0] < 'A' || group->name[0] > 'Z') {
      return pbc_fail(p->err, name_tok.line, name_tok.col,
                      "Group names must start with a capital letter.");
    }
    for (char *c = f->name; *c != '\0'; c++) {
      if (*c >= 'A' && *c <= 'Z') {
        *c = (char)(*c - 'A' + 'a');
      }
    }
    f->type_name = group->name;
    if (!looking_at(p, "{")) {
      return fail_here(p, "Missing group body.");
    }
    PUSH(p, *sc->messages, *sc->n_messages, group);
    TRY(message_block(p, group));
  } else {
    TRY(end_of_decl(p));
  }
  if (is_map) {
    pbc_message *entry = NULL;
    NEW(p, entry, google__protobuf__descriptor_proto__init);
    entry->name = map_entry_name(p->arena, f->name);
    if (entry->name == NULL) {
      return pbc_nomem(p->err);
    }
    f->type_name = entry->name;
    Google__Protobuf__MessageOptions *mo = NULL;
    NEW(p, mo, google__protobuf__message_options__init);
    mo->has_map_entry = 1;
    mo->map_entry = 1;
    entry->options = mo;
    NOTE(p, entry, PBC_AT_NAME, &name_tok);
    TRY(map_entry_field(p, entry, "key", 1, map_key_has_type, map_key_type, map_key_name,
                        &type_tok));
    TRY(map_entry_field(p, entry, "value", 2, map_value_has_type, map_value_type, map_value_name,
                        &type_tok));
    PUSH(p, *sc->messages, *sc->n_messages, entry);
  }
  (void)rc;
  return STRATA_E_OK;
}

/* A field with its optional label, added to *fields. */
static strata_error labelled_field(parser *p, pbc_field ***fields, size_t *n_fields, scope *sc,
                                   const char *extendee) {
  pbc_field *f = NULL;
  NEW(p, f, google__protobuf__field_descriptor_proto__init);
  NOTE(p, f, PBC_AT_LABEL, &p->lex.cur);
  strata_error rc = STRATA_E_OK;
  if (try_consume(p, "optional", &rc)) {
    f->has_label = 1;
    f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
    if (p->proto3) {
      f->has_proto3_optional = 1;
      f->proto3_optional = 1;
    }
  } else if (try_consume(p, "repeated", &rc)) {
    f->has_label = 1;
    f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED;
  } else if (try_consume(p, "required", &rc)) {
    f->has_label = 1;
    f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED;
  }
  TRY(rc);
  if (extendee != NULL) {
    f->extendee = pbc_strdup(p->arena, extendee);
    if (f->extendee == NULL) {
      return pbc_nomem(p->err);
    }
  }
  PUSH(p, *fields, *n_fields, f);
  return field_rest(p, f, sc);
}

/* "to" ranges of extensions / reserved numbers; @p end_max is the exclusive end of "max". */
static strata_error number_range(parser *p, int32_t *start, int32_t *end, int32_t end_max,
                                 bool is_enum) {
  strata_error rc = STRATA_E_OK;
  pbc_token at = p->lex.cur;
  if (is_enum) {
    TRY(signed_int32(p, start, "Expected enum number range start."));
  } else {
    uint64_t v = 0;
    TRY(integer(p, INT32_MAX, &v,
                end_max == PBC_MAX_FIELD_NUMBER + 1 || end_max == INT32_MAX
                    ? "Expected field number range."
                    : "Expected field number range."));
    *start = (int32_t)v;
  }
  if (try_consume(p, "to", &rc)) {
    TRY(rc);
    if (try_consume(p, "max", &rc)) {
      TRY(rc);
      *end = end_max;
      return STRATA_E_OK;
    }
    if (is_enum) {
      TRY(signed_int32(p, end, "Expected integer."));
    } else {
      uint64_t v = 0;
      TRY(integer(p, INT32_MAX, &v, "Expected integer."));
      *end = (int32_t)v;
    }
  } else {
    TRY(rc);
    *end = *start;
  }
  if (!is_enum) {
    if (*end == INT32_MAX) {
      return pbc_fail(p->err, at.line, at.col, "Field number out of range.");
    }
    (*end)++;
  }
  return STRATA_E_OK;
}

static strata_error reserved_names(parser *p, char ***names, size_t *n) {
  strata_error rc = STRATA_E_OK;
  for (;;) {
    char *name = NULL;
    if (p->editions && p->lex.cur.kind == PBC_TOK_IDENT) {
      TRY(ident(p, &name, "Expected identifier."));
    } else {
      TRY(string_lit(p, &name, NULL, "Expected field name."));
    }
    PUSH(p, *names, *n, name);
    if (!try_consume(p, ",", &rc)) {
      break;
    }
    TRY(rc);
  }
  return end_of_decl(p);
}

static bool message_set_wire_format(const pbc_message *m) {
  if (m->options == NULL) {
    return false;
  }
  for (size_t i = 0; i < m->options->n_uninterpreted_option; i++) {
    const pbc_uopt *o = m->options->uninterpreted_option[i];
    if (o->n_name == 1 && !o->name[0]->is_extension &&
        strcmp(o->name[0]->name_part, "message_set_wire_format") == 0 &&
        o->identifier_value != NULL && strcmp(o->identifier_value, "true") == 0) {
      return true;
    }
  }
  return false;
}

static strata_error message_reserved(parser *p, pbc_message *m) {
  strata_error rc = STRATA_E_OK;
  if (p->lex.cur.kind == PBC_TOK_STRING || (p->editions && p->lex.cur.kind == PBC_TOK_IDENT)) {
    return reserved_names(p, &m->reserved_name, &m->n_reserved_name);
  }
  for (;;) {
    Google__Protobuf__DescriptorProto__ReservedRange *r = NULL;
    NEW(p, r, google__protobuf__descriptor_proto__reserved_range__init);
    r->has_start = r->has_end = 1;
    TRY(number_range(p, &r->start, &r->end, PBC_MAX_FIELD_NUMBER + 1, false));
    PUSH(p, m->reserved_range, m->n_reserved_range, r);
    if (!try_consume(p, ",", &rc)) {
      break;
    }
    TRY(rc);
  }
  return end_of_decl(p);
}

static strata_error message_extensions(parser *p, pbc_message *m) {
  strata_error rc = STRATA_E_OK;
  size_t first = m->n_extension_range;
  for (;;) {
    Google__Protobuf__DescriptorProto__ExtensionRange *r = NULL;
    NEW(p, r, google__protobuf__descriptor_proto__extension_range__init);
    r->has_start = r->has_end = 1;
    TRY(number_range(p, &r->start, &r->end, PBC_MAX_FIELD_NUMBER + 1, false));
    PUSH(p, m->extension_range, m->n_extension_range, r);
    if (!try_consume(p, ",", &rc)) {
      break;
    }
    TRY(rc);
  }
  if (looking_at(p, "[")) {
    Google__Protobuf__ExtensionRangeOptions *o = NULL;
    NEW(p, o, google__protobuf__extension_range_options__init);
    TRY(next(p));
    for (;;) {
      TRY(option_body(p, &o->uninterpreted_option, &o->n_uninterpreted_option));
      if (!try_consume(p, ",", &rc)) {
        break;
      }
      TRY(rc);
    }
    TRY(expect(p, "]", NULL));
    for (size_t i = first; i < m->n_extension_range; i++) {
      m->extension_range[i]->options = o;
    }
  }
  return end_of_decl(p);
}

static strata_error enum_def(parser *p, pbc_enum ***enums, size_t *n_enums);
static strata_error extend_block(parser *p, pbc_field ***exts, size_t *n_exts, scope *sc);

static strata_error oneof_block(parser *p, pbc_message *m, scope *sc) {
  pbc_oneof *o = NULL;
  NEW(p, o, google__protobuf__oneof_descriptor_proto__init);
  pbc_token name_tok = p->lex.cur;
  TRY(ident(p, &o->name, "Expected oneof name."));
  NOTE(p, o, PBC_AT_NAME, &name_tok);
  int32_t index = (int32_t)m->n_oneof_decl;
  PUSH(p, m->oneof_decl, m->n_oneof_decl, o);
  TRY(expect(p, "{", NULL));
  strata_error rc = STRATA_E_OK;
  while (!try_consume(p, "}", &rc)) {
    TRY(rc);
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return fail_here(p, "Reached end of input in oneof definition (missing '}').");
    }
    if (looking_at(p, "option")) {
      TRY(next(p));
      TRY(oneof_option(p, o));
      TRY(end_of_decl(p));
      continue;
    }
    if (looking_at(p, ";")) {
      TRY(next(p));
      continue;
    }
    if (looking_at(p, "required") || looking_at(p, "optional") || looking_at(p, "repeated")) {
      return fail_here(p, "Fields in oneofs must not have labels (required / optional / "
                          "repeated).");
    }
    pbc_field *f = NULL;
    NEW(p, f, google__protobuf__field_descriptor_proto__init);
    f->has_label = 1;
    f->label = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL;
    f->has_oneof_index = 1;
    f->oneof_index = index;
    PUSH(p, m->field, m->n_field, f);
    TRY(field_rest(p, f, sc));
  }
  return STRATA_E_OK;
}

/* Adds protoc's synthetic oneof for each proto3 `optional` field of @p m. */
static strata_error synthetic_oneofs(parser *p, pbc_message *m) {
  for (size_t i = 0; i < m->n_field; i++) {
    pbc_field *f = m->field[i];
    if (!f->proto3_optional) {
      continue;
    }
    sjw_buf name = SJW_BUF_INIT;
    if (f->name[0] != '_') {
      sjw_putc(&name, '_');
    }
    sjw_puts(&name, f->name);
    for (;;) {
      bool taken = false;
      for (size_t k = 0; k < m->n_field && !taken; k++) {
        taken = name.data != NULL && strcmp(m->field[k]->name, name.data) == 0;
      }
      for (size_t k = 0; k < m->n_oneof_decl && !taken; k++) {
        taken = name.data != NULL && strcmp(m->oneof_decl[k]->name, name.data) == 0;
      }
      if (!taken || name.failed) {
        break;
      }
      /* prepend 'X' */
      sjw_putc(&name, ' ');
      if (!name.failed) {
        memmove(name.data + 1, name.data, name.len - 1);
        name.data[0] = 'X';
      }
    }
    if (name.failed) {
      sjw_release(&name);
      return pbc_nomem(p->err);
    }
    pbc_oneof *o = NULL;
    NEW(p, o, google__protobuf__oneof_descriptor_proto__init);
    o->name = pbc_strdup(p->arena, name.data);
    sjw_release(&name);
    if (o->name == NULL) {
      return pbc_nomem(p->err);
    }
    f->has_oneof_index = 1;
    f->oneof_index = (int32_t)m->n_oneof_decl;
    PUSH(p, m->oneof_decl, m->n_oneof_decl, o);
  }
  return STRATA_E_OK;
}

/* "{" message body "}" */
static strata_error message_block(parser *p, pbc_message *m) {
  if (++p->depth > PBC_MAX_DEPTH) {
    return fail_here(p, "Reached maximum recursion limit for nested messages.");
  }
  TRY(expect(p, "{", NULL));
  scope sc = {&m->nested_type, &m->n_nested_type, &m->extension, &m->n_extension};
  strata_error rc = STRATA_E_OK;
  while (!try_consume(p, "}", &rc)) {
    TRY(rc);
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return fail_here(p, "Reached end of input in message definition (missing '}').");
    }
    if (looking_at(p, ";")) {
      TRY(next(p));
    } else if (looking_at(p, "message")) {
      TRY(next(p));
      pbc_message *nested = NULL;
      NEW(p, nested, google__protobuf__descriptor_proto__init);
      pbc_token name_tok = p->lex.cur;
      TRY(ident(p, &nested->name, "Expected message name."));
      NOTE(p, nested, PBC_AT_NAME, &name_tok);
      PUSH(p, m->nested_type, m->n_nested_type, nested);
      TRY(message_block(p, nested));
    } else if (looking_at(p, "enum")) {
      TRY(next(p));
      TRY(enum_def(p, &m->enum_type, &m->n_enum_type));
    } else if (looking_at(p, "extensions")) {
      TRY(next(p));
      TRY(message_extensions(p, m));
    } else if (looking_at(p, "reserved")) {
      TRY(next(p));
      TRY(message_reserved(p, m));
    } else if (looking_at(p, "extend")) {
      TRY(next(p));
      TRY(extend_block(p, &m->extension, &m->n_extension, &sc));
    } else if (looking_at(p, "option")) {
      TRY(next(p));
      TRY(message_option(p, m));
      TRY(end_of_decl(p));
    } else if (looking_at(p, "oneof")) {
      TRY(next(p));
      TRY(oneof_block(p, m, &sc));
    } else {
      TRY(labelled_field(p, &m->field, &m->n_field, &sc, NULL));
    }
  }
  /* "max" of extension ranges and reserved ranges depends on message_set_wire_format */
  if (message_set_wire_format(m)) {
    for (size_t i = 0; i < m->n_extension_range; i++) {
      if (m->extension_range[i]->end == PBC_MAX_FIELD_NUMBER + 1) {
        m->extension_range[i]->end = INT32_MAX;
      }
    }
  }
  p->depth--;
  return synthetic_oneofs(p, m);
}

static strata_error extend_block(parser *p, pbc_field ***exts, size_t *n_exts, scope *sc) {
  pbc_token at = p->lex.cur;
  bool has_type = false;
  Google__Protobuf__FieldDescriptorProto__Type type = 0;
  char *extendee = NULL;
  TRY(parse_type(p, &has_type, &type, &extendee));
  if (has_type) {
    return pbc_fail(p->err, at.line, at.col, "Expected type name.");
  }
  TRY(expect(p, "{", NULL));
  strata_error rc = STRATA_E_OK;
  while (!try_consume(p, "}", &rc)) {
    TRY(rc);
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return fail_here(p, "Reached end of input in extend definition (missing '}').");
    }
    if (looking_at(p, ";")) {
      TRY(next(p));
      continue;
    }
    size_t before = *n_exts;
    TRY(labelled_field(p, exts, n_exts, sc, extendee));
    for (size_t i = before; i < *n_exts; i++) {
      NOTE(p, (*exts)[i], PBC_AT_EXTENDEE, &at);
    }
  }
  return STRATA_E_OK;
}

/* ---- enums, services ---------------------------------------------------------- */

static strata_error enum_def(parser *p, pbc_enum ***enums, size_t *n_enums) {
  pbc_enum *e = NULL;
  NEW(p, e, google__protobuf__enum_descriptor_proto__init);
  pbc_token name_tok = p->lex.cur;
  TRY(ident(p, &e->name, "Expected enum name."));
  NOTE(p, e, PBC_AT_NAME, &name_tok);
  PUSH(p, *enums, *n_enums, e);
  TRY(expect(p, "{", NULL));
  strata_error rc = STRATA_E_OK;
  while (!try_consume(p, "}", &rc)) {
    TRY(rc);
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return fail_here(p, "Reached end of input in enum definition (missing '}').");
    }
    if (looking_at(p, ";")) {
      TRY(next(p));
    } else if (looking_at(p, "option")) {
      TRY(next(p));
      TRY(enum_option(p, e));
      TRY(end_of_decl(p));
    } else if (looking_at(p, "reserved")) {
      TRY(next(p));
      if (p->lex.cur.kind == PBC_TOK_STRING || (p->editions && p->lex.cur.kind == PBC_TOK_IDENT)) {
        TRY(reserved_names(p, &e->reserved_name, &e->n_reserved_name));
        continue;
      }
      for (;;) {
        Google__Protobuf__EnumDescriptorProto__EnumReservedRange *r = NULL;
        NEW(p, r, google__protobuf__enum_descriptor_proto__enum_reserved_range__init);
        r->has_start = r->has_end = 1;
        TRY(number_range(p, &r->start, &r->end, INT32_MAX, true));
        PUSH(p, e->reserved_range, e->n_reserved_range, r);
        if (!try_consume(p, ",", &rc)) {
          break;
        }
        TRY(rc);
      }
      TRY(end_of_decl(p));
    } else {
      pbc_enum_value *v = NULL;
      NEW(p, v, google__protobuf__enum_value_descriptor_proto__init);
      pbc_token vtok = p->lex.cur;
      TRY(ident(p, &v->name, "Expected enum constant name."));
      NOTE(p, v, PBC_AT_NAME, &vtok);
      TRY(expect(p, "=", "Missing numeric value for enum constant."));
      NOTE(p, v, PBC_AT_NUMBER, &p->lex.cur);
      v->has_number = 1;
      TRY(signed_int32(p, &v->number, "Expected integer."));
      if (try_consume(p, "[", &rc)) {
        TRY(rc);
        for (;;) {
          TRY(enum_value_option(p, v));
          if (!try_consume(p, ",", &rc)) {
            break;
          }
          TRY(rc);
        }
        TRY(expect(p, "]", NULL));
      }
      TRY(rc);
      TRY(end_of_decl(p));
      PUSH(p, e->value, e->n_value, v);
    }
  }
  return STRATA_E_OK;
}

static strata_error rpc_type(parser *p, pbc_method *m, bool output) {
  strata_error rc = STRATA_E_OK;
  TRY(expect(p, "(", NULL));
  if (looking_at(p, "stream")) {
    /* "stream" may also be a type name: it is the keyword when a name follows */
    pbc_lexer save = p->lex;
    TRY(next(p));
    if (looking_at(p, ")")) {
      p->lex = save;
    } else if (output) {
      m->has_server_streaming = 1;
      m->server_streaming = 1;
    } else {
      m->has_client_streaming = 1;
      m->client_streaming = 1;
    }
  }
  pbc_token at = p->lex.cur;
  bool has_type = false;
  Google__Protobuf__FieldDescriptorProto__Type type = 0;
  char *name = NULL;
  TRY(parse_type(p, &has_type, &type, &name));
  if (has_type) {
    return pbc_fail(p->err, at.line, at.col, "Expected message type.");
  }
  if (output) {
    m->output_type = name;
  } else {
    m->input_type = name;
  }
  NOTE(p, m, output ? PBC_AT_OUTPUT : PBC_AT_INPUT, &at);
  (void)rc;
  return expect(p, ")", NULL);
}

static strata_error service_def(parser *p, pbc_file_proto *f) {
  pbc_service *s = NULL;
  NEW(p, s, google__protobuf__service_descriptor_proto__init);
  pbc_token name_tok = p->lex.cur;
  TRY(ident(p, &s->name, "Expected service name."));
  NOTE(p, s, PBC_AT_NAME, &name_tok);
  PUSH(p, f->service, f->n_service, s);
  TRY(expect(p, "{", NULL));
  strata_error rc = STRATA_E_OK;
  while (!try_consume(p, "}", &rc)) {
    TRY(rc);
    if (p->lex.cur.kind == PBC_TOK_EOF) {
      return fail_here(p, "Reached end of input in service definition (missing '}').");
    }
    if (looking_at(p, ";")) {
      TRY(next(p));
    } else if (looking_at(p, "option")) {
      TRY(next(p));
      TRY(service_option(p, s));
      TRY(end_of_decl(p));
    } else if (looking_at(p, "rpc")) {
      TRY(next(p));
      pbc_method *m = NULL;
      NEW(p, m, google__protobuf__method_descriptor_proto__init);
      pbc_token mtok = p->lex.cur;
      TRY(ident(p, &m->name, "Expected method name."));
      NOTE(p, m, PBC_AT_NAME, &mtok);
      PUSH(p, s->method, s->n_method, m);
      TRY(rpc_type(p, m, false));
      TRY(expect(p, "returns", NULL));
      TRY(rpc_type(p, m, true));
      if (try_consume(p, "{", &rc)) {
        TRY(rc);
        /* protoc gives a method with a block an options message, even an empty one */
        OPTIONS_OF(p, m, Google__Protobuf__MethodOptions, google__protobuf__method_options__init);
        while (!try_consume(p, "}", &rc)) {
          TRY(rc);
          if (p->lex.cur.kind == PBC_TOK_EOF) {
            return fail_here(p, "Reached end of input in method options (missing '}').");
          }
          if (looking_at(p, ";")) {
            TRY(next(p));
            continue;
          }
          TRY(expect(p, "option", "Expected \"option\"."));
          TRY(method_option(p, m));
          TRY(end_of_decl(p));
        }
        TRY(rc);
        /* an optional ";" after the block */
        if (try_consume(p, ";", &rc)) {
          TRY(rc);
        }
      } else {
        TRY(rc);
        TRY(end_of_decl(p));
      }
    } else {
      return fail_here(p, "Expected \"rpc\".");
    }
  }
  return STRATA_E_OK;
}

/* ---- the file ---------------------------------------------------------------- */

static strata_error syntax_statement(parser *p, pbc_file_proto *f) {
  strata_error rc = STRATA_E_OK;
  bool edition = looking_at(p, "edition");
  TRY(next(p));
  TRY(expect(p, "=", NULL));
  pbc_token at = p->lex.cur;
  char *value = NULL;
  TRY(string_lit(p, &value, NULL,
                 edition ? "Expected edition string."
                         : "Expected syntax "
                           "identifier."));
  TRY(end_of_decl(p));
  if (edition) {
    if (strcmp(value, "2023") != 0 && strcmp(value, "2024") != 0) {
      return pbc_fail(p->err, at.line, at.col, "Unknown edition \"%s\".", value);
    }
    p->editions = true;
    f->syntax = pbc_strdup(p->arena, "editions");
    if (f->syntax == NULL) {
      return pbc_nomem(p->err);
    }
    /* FileDescriptorProto.edition (field 14, enum Edition) is newer than the descriptor.proto
     * of this build: record it as the unknown field newer protoc writes
     * (EDITION_2023 = 1000, EDITION_2024 = 1001). */
    ProtobufCMessageUnknownField *u = pbc_alloc(p->arena, sizeof *u);
    uint8_t *data = pbc_alloc(p->arena, 2);
    if (u == NULL || data == NULL) {
      return pbc_nomem(p->err);
    }
    unsigned ed = strcmp(value, "2023") == 0 ? 1000 : 1001;
    data[0] = (uint8_t)(0x80 | (ed & 0x7f));
    data[1] = (uint8_t)(ed >> 7);
    u->tag = 14;
    u->wire_type = PROTOBUF_C_WIRE_TYPE_VARINT;
    u->len = 2;
    u->data = data;
    f->base.n_unknown_fields = 1;
    f->base.unknown_fields = u;
  } else if (strcmp(value, "proto3") == 0) {
    p->proto3 = true;
    f->syntax = pbc_strdup(p->arena, "proto3");
    if (f->syntax == NULL) {
      return pbc_nomem(p->err);
    }
  } else if (strcmp(value, "proto2") != 0) {
    return pbc_fail(p->err, at.line, at.col,
                    "Unrecognized syntax identifier \"%s\".  This parser only recognizes "
                    "\"proto2\" and \"proto3\".",
                    value);
  }
  (void)rc;
  return STRATA_E_OK;
}

static strata_error import_statement(parser *p, pbc_file_proto *f, const pbc_token *kw) {
  strata_error rc = STRATA_E_OK;
  int32_t index = (int32_t)f->n_dependency;
  if (try_consume(p, "public", &rc)) {
    TRY(rc);
    PUSH(p, f->public_dependency, f->n_public_dependency, index);
  } else if (try_consume(p, "weak", &rc)) {
    TRY(rc);
    PUSH(p, f->weak_dependency, f->n_weak_dependency, index);
  }
  TRY(rc);
  char *path = NULL;
  pbc_token at = p->lex.cur;
  TRY(string_lit(p, &path, NULL, "Expected a string naming the file to import."));
  for (size_t i = 0; i < f->n_dependency; i++) {
    if (strcmp(f->dependency[i], path) == 0) {
      return pbc_fail(p->err, at.line, at.col, "Import \"%s\" was listed twice.", path);
    }
  }
  PUSH(p, f->dependency, f->n_dependency, path);
  if (!pbc_pos_set(p->file, path, PBC_AT_NAME, kw->line, kw->col)) {
    return pbc_nomem(p->err);
  }
  return end_of_decl(p);
}

static strata_error package_statement(parser *p, pbc_file_proto *f, const pbc_token *kw) {
  if (f->package != NULL) {
    return pbc_fail(p->err, kw->line, kw->col, "Multiple package definitions.");
  }
  sjw_buf name = SJW_BUF_INIT;
  for (;;) {
    if (p->lex.cur.kind != PBC_TOK_IDENT) {
      sjw_release(&name);
      return fail_here(p, "Expected identifier.");
    }
    sjw_put(&name, p->lex.cur.text, p->lex.cur.len);
    strata_error rc = next(p);
    if (rc == STRATA_E_OK && looking_at(p, ".")) {
      sjw_putc(&name, '.');
      rc = next(p);
      if (rc == STRATA_E_OK) {
        continue;
      }
    }
    if (rc != STRATA_E_OK) {
      sjw_release(&name);
      return rc;
    }
    break;
  }
  if (name.failed) {
    sjw_release(&name);
    return pbc_nomem(p->err);
  }
  f->package = pbc_strdup(p->arena, name.data);
  sjw_release(&name);
  if (f->package == NULL) {
    return pbc_nomem(p->err);
  }
  return end_of_decl(p);
}

static strata_error file_body(parser *p, pbc_file_proto *f) {
  scope sc = {&f->message_type, &f->n_message_type, &f->extension, &f->n_extension};
  if (looking_at(p, "syntax") || looking_at(p, "edition")) {
    TRY(syntax_statement(p, f));
  }
  while (p->lex.cur.kind != PBC_TOK_EOF) {
    pbc_token kw = p->lex.cur;
    if (looking_at(p, ";")) {
      TRY(next(p));
    } else if (looking_at(p, "package")) {
      TRY(next(p));
      TRY(package_statement(p, f, &kw));
    } else if (looking_at(p, "import")) {
      TRY(next(p));
      TRY(import_statement(p, f, &kw));
    } else if (looking_at(p, "option")) {
      TRY(next(p));
      TRY(file_option(p, f));
      TRY(end_of_decl(p));
    } else if (looking_at(p, "message")) {
      TRY(next(p));
      pbc_message *m = NULL;
      NEW(p, m, google__protobuf__descriptor_proto__init);
      pbc_token name_tok = p->lex.cur;
      TRY(ident(p, &m->name, "Expected message name."));
      NOTE(p, m, PBC_AT_NAME, &name_tok);
      PUSH(p, f->message_type, f->n_message_type, m);
      TRY(message_block(p, m));
    } else if (looking_at(p, "enum")) {
      TRY(next(p));
      TRY(enum_def(p, &f->enum_type, &f->n_enum_type));
    } else if (looking_at(p, "service")) {
      TRY(next(p));
      TRY(service_def(p, f));
    } else if (looking_at(p, "extend")) {
      TRY(next(p));
      TRY(extend_block(p, &f->extension, &f->n_extension, &sc));
    } else if (looking_at(p, "syntax") || looking_at(p, "edition")) {
      return fail_here(p, "Expected top-level statement (e.g. \"message\").");
    } else {
      return fail_here(p, "Expected top-level statement (e.g. \"message\").");
    }
  }
  return STRATA_E_OK;
}

strata_error pbc_parse_text(const char *name, const char *text, size_t len, pbc_file **out,
                            pbc_errors *err) {
  strata_error rc = STRATA_E_OK;
  pbc_file *file = calloc(1, sizeof *file);
  parser p;
  memset(&p, 0, sizeof p);

  *out = NULL;
  if (file == NULL) {
    rc = pbc_nomem(err);
    goto cleanup;
  }
  p.err = err;
  p.file = file;
  p.arena = &file->arena;
  file->name = pbc_strdup(&file->arena, name);
  file->proto = pbc_alloc(&file->arena, sizeof *file->proto);
  if (file->name == NULL || file->proto == NULL) {
    rc = pbc_nomem(err);
    goto cleanup;
  }
  google__protobuf__file_descriptor_proto__init(file->proto);
  file->proto->name = (char *)file->name;
  if (!pbc_pos_reserve(file, len)) {
    rc = pbc_nomem(err);
    goto cleanup;
  }
  rc = pbc_lex_init(&p.lex, text, len, err);
  if (rc == STRATA_E_OK) {
    rc = file_body(&p, file->proto);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  *out = file;
  file = NULL;

cleanup:
  pbc_file_free(file);
  return rc;
}
