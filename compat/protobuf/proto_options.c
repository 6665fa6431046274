/*
 * proto_options.c - the option interpreter: turns the uninterpreted_option
 * entries the parser keeps into the options messages, as protoc does.
 *
 * Each option is encoded into protobuf wire records against the option
 * messages of the built-in descriptor.proto (known options such as
 * java_package or packed) or against the extension it names (custom options,
 * `(my.opt).field = value`, aggregate values in text format). The records,
 * in declaration order, are then unpacked into the generated options struct:
 * known fields land in their struct members, custom options stay unknown
 * fields, byte for byte as protoc writes them in a descriptor set.
 * Editions `features.*` options become the FeatureSet field the newer
 * descriptor.proto defines (an unknown field for this build's model).
 */
#include "proto_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRY(expr)                                                                                  \
  do {                                                                                             \
    strata_error try_rc_ = (expr);                                                                 \
    if (try_rc_ != STRATA_E_OK) {                                                                  \
      return try_rc_;                                                                              \
    }                                                                                              \
  } while (0)

typedef Google__Protobuf__FieldDescriptorProto__Type pb_type;
#define TY(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x

typedef struct interp {
  pbc_file *file;
  pbc_errors *err;
  const pbc_file *desc; /* the file defining google.protobuf.*Options */
  /* where the option being interpreted is, for errors */
  int line;
  int col;
  char optname[256];
} interp;

/* The options kinds: their message name, protobuf-c descriptor and FeatureSet field number. */
typedef struct opt_kind {
  const char *message;
  const ProtobufCMessageDescriptor *pb;
  uint32_t features_field;
} opt_kind;

static const opt_kind K_FILE = {"google.protobuf.FileOptions",
                                &google__protobuf__file_options__descriptor, 50};
static const opt_kind K_MESSAGE = {"google.protobuf.MessageOptions",
                                   &google__protobuf__message_options__descriptor, 12};
static const opt_kind K_FIELD = {"google.protobuf.FieldOptions",
                                 &google__protobuf__field_options__descriptor, 21};
static const opt_kind K_ONEOF = {"google.protobuf.OneofOptions",
                                 &google__protobuf__oneof_options__descriptor, 1};
static const opt_kind K_ENUM = {"google.protobuf.EnumOptions",
                                &google__protobuf__enum_options__descriptor, 7};
static const opt_kind K_ENUM_VALUE = {"google.protobuf.EnumValueOptions",
                                      &google__protobuf__enum_value_options__descriptor, 2};
static const opt_kind K_SERVICE = {"google.protobuf.ServiceOptions",
                                   &google__protobuf__service_options__descriptor, 34};
static const opt_kind K_METHOD = {"google.protobuf.MethodOptions",
                                  &google__protobuf__method_options__descriptor, 35};
static const opt_kind K_RANGE = {"google.protobuf.ExtensionRangeOptions",
                                 &google__protobuf__extension_range_options__descriptor, 50};

static strata_error ifail(interp *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static strata_error ifail(interp *in, const char *fmt, ...) {
  char message[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return pbc_fail(in->err, in->line, in->col, "%s", message);
}

/* ---- wire encoding --------------------------------------------------------------- */

static void put_varint(sjw_buf *b, uint64_t v) {
  char tmp[10];
  size_t n = 0;
  do {
    tmp[n] = (char)(v & 0x7f);
    v >>= 7;
    if (v != 0) {
      tmp[n] |= (char)0x80;
    }
    n++;
  } while (v != 0);
  sjw_put(b, tmp, n);
}

static void put_tag(sjw_buf *b, uint32_t number, unsigned wire) {
  put_varint(b, ((uint64_t)number << 3) | wire);
}

static void put_fixed(sjw_buf *b, uint64_t v, size_t bytes) {
  char tmp[8];
  for (size_t i = 0; i < bytes; i++) {
    tmp[i] = (char)(v >> (8 * i));
  }
  sjw_put(b, tmp, bytes);
}

static unsigned wire_type_of(pb_type t) {
  switch (t) {
  case TY(DOUBLE):
  case TY(FIXED64):
  case TY(SFIXED64):
    return 1;
  case TY(FLOAT):
  case TY(FIXED32):
  case TY(SFIXED32):
    return 5;
  case TY(STRING):
  case TY(BYTES):
  case TY(MESSAGE):
    return 2;
  case TY(GROUP):
    return 3;
  default:
    return 0;
  }
}

/* A scalar value, already checked against its type. */
typedef struct scalar {
  uint64_t u; /* integers, bools, enums (two's complement for negatives) */
  double d;
  const char *s;
  size_t slen;
} scalar;

static void put_scalar_payload(sjw_buf *b, pb_type t, const scalar *v) {
  switch (t) {
  case TY(DOUBLE): {
    uint64_t bits;
    memcpy(&bits, &v->d, sizeof bits);
    put_fixed(b, bits, 8);
    break;
  }
  case TY(FLOAT): {
    float f = (float)v->d;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    put_fixed(b, bits, 4);
    break;
  }
  case TY(FIXED64):
  case TY(SFIXED64):
    put_fixed(b, v->u, 8);
    break;
  case TY(FIXED32):
  case TY(SFIXED32):
    put_fixed(b, v->u, 4);
    break;
  case TY(SINT32): {
    int32_t x = (int32_t)v->u;
    put_varint(b, (uint32_t)(((uint32_t)x << 1) ^ (uint32_t)(x >> 31)));
    break;
  }
  case TY(SINT64): {
    int64_t x = (int64_t)v->u;
    put_varint(b, ((uint64_t)x << 1) ^ (uint64_t)(x >> 63));
    break;
  }
  case TY(STRING):
  case TY(BYTES):
    put_varint(b, v->slen);
    sjw_put(b, v->s, v->slen);
    break;
  case TY(UINT32):
    put_varint(b, (uint32_t)v->u);
    break;
  default: /* int32 (sign-extended), int64, uint64, bool, enum */
    put_varint(b, v->u);
    break;
  }
}

/* ---- descriptors ----------------------------------------------------------------- */

static const pbc_symbol *find_message(const interp *in, const char *name) {
  const char *n = name[0] == '.' ? name + 1 : name;
  const pbc_symbol *s = pbc_find_anywhere(in->file, n);
  if (s == NULL && in->desc != in->file) {
    s = pbc_find_anywhere(in->desc, n);
  }
  return s;
}

static const pbc_field *field_named(const pbc_message *m, const char *name, size_t len) {
  for (size_t i = 0; i < m->n_field; i++) {
    if (strncmp(m->field[i]->name, name, len) == 0 && m->field[i]->name[len] == '\0') {
      return m->field[i];
    }
  }
  return NULL;
}

/* A repeated scalar field is packed: [packed = true], or proto3 without [packed = false]. */
static bool is_packed(const pbc_field *f, const pbc_file *owner) {
  if (f->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
    return false;
  }
  unsigned w = wire_type_of(f->type);
  if (w == 2 || w == 3) {
    return false;
  }
  if (f->options != NULL) {
    if (f->options->has_packed) {
      return f->options->packed;
    }
    for (size_t i = 0; i < f->options->n_uninterpreted_option; i++) {
      const pbc_uopt *o = f->options->uninterpreted_option[i];
      if (o->n_name == 1 && !o->name[0]->is_extension &&
          strcmp(o->name[0]->name_part, "packed") == 0 && o->identifier_value != NULL) {
        return strcmp(o->identifier_value, "true") == 0;
      }
    }
  }
  return owner != NULL && owner->proto->syntax != NULL &&
         strcmp(owner->proto->syntax, "proto3") == 0;
}

/* ---- values of uninterpreted options ---------------------------------------------- */

static strata_error check_int(interp *in, const pbc_uopt *o, pb_type t, scalar *v) {
  const char *tn = "int32";
  int64_t lo = INT32_MIN;
  uint64_t hi = INT32_MAX;
  switch (t) {
  case TY(INT64):
  case TY(SINT64):
  case TY(SFIXED64):
    tn = "int64";
    lo = INT64_MIN;
    hi = INT64_MAX;
    break;
  case TY(UINT32):
  case TY(FIXED32):
    tn = "uint32";
    lo = 0;
    hi = UINT32_MAX;
    break;
  case TY(UINT64):
  case TY(FIXED64):
    tn = "uint64";
    lo = 0;
    hi = UINT64_MAX;
    break;
  default:
    break;
  }
  if (o->has_positive_int_value) {
    if (o->positive_int_value > hi) {
      return ifail(in, "Value out of range for %s option \"%s\".", tn, in->optname);
    }
    v->u = o->positive_int_value;
    return STRATA_E_OK;
  }
  if (o->has_negative_int_value && lo < 0) {
    if (o->negative_int_value < lo) {
      return ifail(in, "Value out of range for %s option \"%s\".", tn, in->optname);
    }
    v->u = (uint64_t)o->negative_int_value;
    return STRATA_E_OK;
  }
  return ifail(in,
               lo < 0 ? "Value must be integer for %s option \"%s\"."
                      : "Value must be non-negative integer for %s option \"%s\".",
               tn, in->optname);
}

static strata_error encode_aggregate(interp *in, const pbc_symbol *msg, const char *text,
                                     sjw_buf *out);

/* Encodes the value of @p o for field @p f (number @p number) as one record into @p out. */
static strata_error encode_option_value(interp *in, const pbc_uopt *o, const pbc_field *f,
                                        sjw_buf *out) {
  scalar v = {0, 0, NULL, 0};
  pb_type t = f->type;
  switch (t) {
  case TY(INT32):
  case TY(INT64):
  case TY(UINT32):
  case TY(UINT64):
  case TY(SINT32):
  case TY(SINT64):
  case TY(FIXED32):
  case TY(FIXED64):
  case TY(SFIXED32):
  case TY(SFIXED64):
    TRY(check_int(in, o, t, &v));
    break;
  case TY(FLOAT):
  case TY(DOUBLE):
    if (o->has_double_value) {
      v.d = o->double_value;
    } else if (o->has_positive_int_value) {
      v.d = (double)o->positive_int_value;
    } else if (o->has_negative_int_value) {
      v.d = (double)o->negative_int_value;
    } else if (o->identifier_value != NULL && strcmp(o->identifier_value, "inf") == 0) {
      v.d = INFINITY;
    } else if (o->identifier_value != NULL && strcmp(o->identifier_value, "nan") == 0) {
      v.d = NAN;
    } else {
      return ifail(in, "Value must be number for %s option \"%s\".",
                   t == TY(FLOAT) ? "float" : "double", in->optname);
    }
    break;
  case TY(BOOL):
    if (o->identifier_value == NULL) {
      return ifail(in, "Value must be identifier for boolean option \"%s\".", in->optname);
    }
    if (strcmp(o->identifier_value, "true") != 0 && strcmp(o->identifier_value, "false") != 0) {
      return ifail(in, "Value must be \"true\" or \"false\" for boolean option \"%s\".",
                   in->optname);
    }
    v.u = strcmp(o->identifier_value, "true") == 0;
    break;
  case TY(ENUM): {
    if (o->identifier_value == NULL) {
      return ifail(in, "Value must be identifier for enum-valued option \"%s\".", in->optname);
    }
    const pbc_symbol *es = find_message(in, f->type_name);
    const pbc_enum *e = es != NULL && es->kind == PBC_SYM_ENUM ? es->node : NULL;
    const pbc_enum_value *ev = NULL;
    for (size_t i = 0; e != NULL && i < e->n_value && ev == NULL; i++) {
      if (strcmp(e->value[i]->name, o->identifier_value) == 0) {
        ev = e->value[i];
      }
    }
    if (ev == NULL) {
      return ifail(in, "Enum type \"%s\" has no value named \"%s\" for option \"%s\".",
                   f->type_name + 1, o->identifier_value, in->optname);
    }
    v.u = (uint64_t)(int64_t)ev->number;
    break;
  }
  case TY(STRING):
  case TY(BYTES):
    if (!o->has_string_value) {
      return ifail(in, "Value must be quoted string for string option \"%s\".", in->optname);
    }
    v.s = (const char *)o->string_value.data;
    v.slen = o->string_value.len;
    break;
  case TY(MESSAGE):
  case TY(GROUP): {
    if (o->aggregate_value == NULL) {
      return ifail(in,
                   "Option \"%s\" is a message. To set the entire message, use syntax like "
                   "\"%s = { <proto text format> }\". To set fields within it, use syntax like "
                   "\"%s.foo = value\".",
                   in->optname, in->optname, in->optname);
    }
    const pbc_symbol *ms = find_message(in, f->type_name);
    if (ms == NULL || ms->kind != PBC_SYM_MESSAGE) {
      return ifail(in, "\"%s\" is not defined.", f->type_name);
    }
    sjw_buf sub = SJW_BUF_INIT;
    strata_error rc = encode_aggregate(in, ms, o->aggregate_value, &sub);
    if (rc == STRATA_E_OK) {
      if (t == TY(GROUP)) {
        put_tag(out, (uint32_t)f->number, 3);
        sjw_put(out, sub.data != NULL ? sub.data : "", sub.len);
        put_tag(out, (uint32_t)f->number, 4);
      } else {
        put_tag(out, (uint32_t)f->number, 2);
        put_varint(out, sub.len);
        sjw_put(out, sub.data != NULL ? sub.data : "", sub.len);
      }
      if (sub.failed) {
        rc = pbc_nomem(in->err);
      }
    }
    sjw_release(&sub);
    return rc;
  }
  default:
    return ifail(in, "Unsupported type for option \"%s\".", in->optname);
  }
  put_tag(out, (uint32_t)f->number, wire_type_of(t));
  put_scalar_payload(out, t, &v);
  return STRATA_E_OK;
}

/* ---- aggregate values (protobuf text format) --------------------------------------- */

typedef struct agg_entry {
  uint32_t number;
  unsigned wire;
  bool packed;
  size_t seq;
  char *data; /* payload without the tag (group: the body) */
  size_t len;
} agg_entry;

typedef struct agg {
  interp *in;
  pbc_lexer lex;
  pbc_arena scratch;
  int depth;
} agg;

static strata_error agg_fail(agg *a, const char *what) {
  return ifail(a->in, "Error while parsing option value for \"%s\": %s", a->in->optname, what);
}

static strata_error agg_next(agg *a) {
  strata_error rc = pbc_lex_next(&a->lex);
  return rc == STRATA_E_OK ? rc : agg_fail(a, "invalid token");
}

static strata_error agg_message(agg *a, const pbc_symbol *msg, const char *close, sjw_buf *out);

static int cmp_entry(const void *x, const void *y) {
  const agg_entry *a = x, *b = y;
  if (a->number != b->number) {
    return a->number < b->number ? -1 : 1;
  }
  return a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
}

static strata_error agg_scalar(agg *a, const pbc_field *f, scalar *v) {
  bool neg = false;
  if (pbc_lex_is(&a->lex, "-")) {
    neg = true;
    TRY(agg_next(a));
  }
  pbc_token tok = a->lex.cur;
  pb_type t = f->type;
  switch (t) {
  case TY(FLOAT):
  case TY(DOUBLE):
    if (tok.kind == PBC_TOK_INT || tok.kind == PBC_TOK_FLOAT) {
      v->d = pbc_lex_double(&tok);
    } else if (tok.kind == PBC_TOK_IDENT &&
               ((tok.len == 3 && strncasecmp(tok.text, "inf", 3) == 0) ||
                (tok.len == 8 && strncasecmp(tok.text, "infinity", 8) == 0))) {
      v->d = INFINITY;
    } else if (tok.kind == PBC_TOK_IDENT && tok.len == 3 && strncasecmp(tok.text, "nan", 3) == 0) {
      v->d = NAN;
    } else {
      return agg_fail(a, "Expected double.");
    }
    if (neg) {
      v->d = -v->d;
    }
    return agg_next(a);
  case TY(BOOL):
    if (tok.kind == PBC_TOK_IDENT &&
        (pbc_lex_is(&a->lex, "true") || pbc_lex_is(&a->lex, "True") || pbc_lex_is(&a->lex, "t"))) {
      v->u = 1;
    } else if (tok.kind == PBC_TOK_IDENT &&
               (pbc_lex_is(&a->lex, "false") || pbc_lex_is(&a->lex, "False") ||
                pbc_lex_is(&a->lex, "f"))) {
      v->u = 0;
    } else if (tok.kind == PBC_TOK_INT && tok.len == 1 &&
               (tok.text[0] == '0' || tok.text[0] == '1')) {
      v->u = tok.text[0] == '1';
    } else {
      return agg_fail(a, "Invalid value for boolean field.");
    }
    return agg_next(a);
  case TY(STRING):
  case TY(BYTES): {
    if (neg || tok.kind != PBC_TOK_STRING) {
      return agg_fail(a, "Expected string.");
    }
    sjw_buf s = SJW_BUF_INIT;
    while (a->lex.cur.kind == PBC_TOK_STRING) {
      char *part = NULL;
      size_t n = 0;
      strata_error rc = pbc_lex_string(&a->lex, &a->lex.cur, &a->scratch, &part, &n);
      if (rc != STRATA_E_OK) {
        sjw_release(&s);
        return rc;
      }
      sjw_put(&s, part, n);
      rc = agg_next(a);
      if (rc != STRATA_E_OK) {
        sjw_release(&s);
        return rc;
      }
    }
    v->s = pbc_strndup(&a->scratch, s.data != NULL ? s.data : "", s.len);
    v->slen = s.len;
    bool failed = s.failed || v->s == NULL;
    sjw_release(&s);
    return failed ? pbc_nomem(a->in->err) : STRATA_E_OK;
  }
  case TY(ENUM): {
    if (tok.kind == PBC_TOK_INT) {
      uint64_t u = 0;
      if (!pbc_lex_uint(&tok, &u) || u > (neg ? (uint64_t)INT32_MAX + 1 : INT32_MAX)) {
        return agg_fail(a, "Integer out of range.");
      }
      v->u = neg ? (uint64_t)(-(int64_t)u) : u;
      return agg_next(a);
    }
    if (neg || tok.kind != PBC_TOK_IDENT) {
      return agg_fail(a, "Expected identifier.");
    }
    const pbc_symbol *es = find_message(a->in, f->type_name);
    const pbc_enum *e = es != NULL && es->kind == PBC_SYM_ENUM ? es->node : NULL;
    for (size_t i = 0; e != NULL && i < e->n_value; i++) {
      if (strlen(e->value[i]->name) == tok.len &&
          memcmp(e->value[i]->name, tok.text, tok.len) == 0) {
        v->u = (uint64_t)(int64_t)e->value[i]->number;
        return agg_next(a);
      }
    }
    return agg_fail(a, "Unknown enumeration value.");
  }
  default: {
    if (tok.kind != PBC_TOK_INT) {
      return agg_fail(a, "Expected integer.");
    }
    uint64_t u = 0;
    bool is64 = t == TY(INT64) || t == TY(SINT64) || t == TY(SFIXED64) || t == TY(UINT64) ||
                t == TY(FIXED64);
    bool is_unsigned = t == TY(UINT32) || t == TY(UINT64) || t == TY(FIXED32) || t == TY(FIXED64);
    uint64_t max = is_unsigned ? (is64 ? UINT64_MAX : UINT32_MAX)
                               : (is64 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX) + (neg ? 1 : 0);
    if ((neg && is_unsigned) || !pbc_lex_uint(&tok, &u) || u > max) {
      return agg_fail(a, "Integer out of range.");
    }
    v->u = neg ? (uint64_t)(-(int64_t)u) : u;
    return agg_next(a);
  }
  }
}

/* One value of field @p f into the entry list. */
static strata_error agg_value(agg *a, const pbc_field *f, const pbc_file *owner,
                              agg_entry **entries, size_t *n, size_t *seq) {
  agg_entry e = {
      (uint32_t)f->number, wire_type_of(f->type), is_packed(f, owner), (*seq)++, NULL, 0};
  sjw_buf b = SJW_BUF_INIT;
  strata_error rc = STRATA_E_OK;
  if (f->type == TY(MESSAGE) || f->type == TY(GROUP)) {
    const char *close = NULL;
    if (pbc_lex_is(&a->lex, "{")) {
      close = "}";
    } else if (pbc_lex_is(&a->lex, "<")) {
      close = ">";
    } else {
      return agg_fail(a, "Expected \"{\".");
    }
    const pbc_symbol *ms = find_message(a->in, f->type_name);
    if (ms == NULL || ms->kind != PBC_SYM_MESSAGE) {
      return agg_fail(a, "unknown message type");
    }
    rc = agg_next(a);
    if (rc == STRATA_E_OK) {
      rc = agg_message(a, ms, close, &b);
    }
  } else {
    scalar v = {0, 0, NULL, 0};
    rc = agg_scalar(a, f, &v);
    if (rc == STRATA_E_OK && (f->type == TY(STRING) || f->type == TY(BYTES))) {
      sjw_put(&b, v.s, v.slen); /* the length is written with the tag */
    } else if (rc == STRATA_E_OK) {
      put_scalar_payload(&b, f->type, &v);
    }
  }
  if (rc == STRATA_E_OK && b.failed) {
    rc = pbc_nomem(a->in->err);
  }
  if (rc == STRATA_E_OK) {
    e.data = pbc_strndup(&a->scratch, b.data != NULL ? b.data : "", b.len);
    e.len = b.len;
    if (e.data == NULL || !PBC_APPEND(&a->scratch, *entries, *n, e)) {
      rc = pbc_nomem(a->in->err);
    }
  }
  sjw_release(&b);
  return rc;
}

/* Fields up to @p close ("}" or ">", NULL: end of input), encoded in field-number order. */
static strata_error agg_message(agg *a, const pbc_symbol *msg, const char *close, sjw_buf *out) {
  if (++a->depth > PBC_MAX_DEPTH) {
    return agg_fail(a, "Message is too deep");
  }
  const pbc_message *m = msg->node;
  agg_entry *entries = NULL;
  size_t n = 0, seq = 0;
  for (;;) {
    if (close == NULL ? a->lex.cur.kind == PBC_TOK_EOF : pbc_lex_is(&a->lex, close)) {
      break;
    }
    if (a->lex.cur.kind == PBC_TOK_EOF) {
      return agg_fail(a, "Expected identifier, got end of input.");
    }
    const pbc_field *f = NULL;
    const pbc_file *owner = msg->file;
    if (pbc_lex_is(&a->lex, "[")) {
      TRY(agg_next(a));
      sjw_buf name = SJW_BUF_INIT;
      while (!pbc_lex_is(&a->lex, "]") && a->lex.cur.kind != PBC_TOK_EOF) {
        sjw_put(&name, a->lex.cur.text, a->lex.cur.len);
        strata_error rc = agg_next(a);
        if (rc != STRATA_E_OK) {
          sjw_release(&name);
          return rc;
        }
      }
      const pbc_symbol *ext = name.data != NULL ? find_message(a->in, name.data) : NULL;
      sjw_release(&name);
      if (ext == NULL || ext->kind != PBC_SYM_EXTENSION) {
        return agg_fail(a, "unknown extension");
      }
      f = ext->node;
      owner = ext->file;
      TRY(agg_next(a));
    } else {
      if (a->lex.cur.kind != PBC_TOK_IDENT) {
        return agg_fail(a, "Expected identifier.");
      }
      f = field_named(m, a->lex.cur.text, a->lex.cur.len);
      if (f == NULL) {
        /* a group may be named by its type */
        for (size_t i = 0; i < m->n_field && f == NULL; i++) {
          const char *tn = m->field[i]->type_name;
          const char *last = tn != NULL ? strrchr(tn, '.') : NULL;
          if (m->field[i]->type == TY(GROUP) && last != NULL &&
              strlen(last + 1) == a->lex.cur.len &&
              memcmp(last + 1, a->lex.cur.text, a->lex.cur.len) == 0) {
            f = m->field[i];
          }
        }
      }
      if (f == NULL) {
        char what[300];
        snprintf(what, sizeof what, "Message type \"%s\" has no field named \"%.*s\".", msg->name,
                 (int)a->lex.cur.len, a->lex.cur.text);
        return agg_fail(a, what);
      }
      TRY(agg_next(a));
    }
    bool is_msg = f->type == TY(MESSAGE) || f->type == TY(GROUP);
    if (pbc_lex_is(&a->lex, ":")) {
      TRY(agg_next(a));
    } else if (!is_msg) {
      return agg_fail(a, "Expected \":\".");
    }
    if (pbc_lex_is(&a->lex, "[")) {
      if (f->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
        return agg_fail(a, "list value for a non-repeated field");
      }
      TRY(agg_next(a));
      if (!pbc_lex_is(&a->lex, "]")) {
        for (;;) {
          TRY(agg_value(a, f, owner, &entries, &n, &seq));
          if (pbc_lex_is(&a->lex, ",")) {
            TRY(agg_next(a));
            continue;
          }
          break;
        }
      }
      if (!pbc_lex_is(&a->lex, "]")) {
        return agg_fail(a, "Expected \"]\".");
      }
      TRY(agg_next(a));
    } else {
      TRY(agg_value(a, f, owner, &entries, &n, &seq));
    }
    if (pbc_lex_is(&a->lex, ",") || pbc_lex_is(&a->lex, ";")) {
      TRY(agg_next(a));
    }
  }
  if (close != NULL) {
    TRY(agg_next(a));
  }
  if (n > 0) {
    qsort(entries, n, sizeof *entries, cmp_entry);
  }
  for (size_t i = 0; i < n;) {
    agg_entry *e = &entries[i];
    if (e->packed) {
      size_t total = 0, k = i;
      for (; k < n && entries[k].number == e->number; k++) {
        total += entries[k].len;
      }
      put_tag(out, e->number, 2);
      put_varint(out, total);
      for (size_t j = i; j < k; j++) {
        sjw_put(out, entries[j].data, entries[j].len);
      }
      i = k;
      continue;
    }
    if (e->wire == 3) {
      put_tag(out, e->number, 3);
      sjw_put(out, e->data, e->len);
      put_tag(out, e->number, 4);
    } else {
      put_tag(out, e->number, e->wire);
      if (e->wire == 2) {
        put_varint(out, e->len);
      }
      sjw_put(out, e->data, e->len);
    }
    i++;
  }
  a->depth--;
  return STRATA_E_OK;
}

static strata_error encode_aggregate(interp *in, const pbc_symbol *msg, const char *text,
                                     sjw_buf *out) {
  agg a;
  memset(&a, 0, sizeof a);
  a.in = in;
  pbc_errors quiet = {NULL, in->err->file, false};
  strata_error rc = pbc_lex_init(&a.lex, text, strlen(text), &quiet);
  if (rc != STRATA_E_OK) {
    rc = agg_fail(&a, "invalid token");
  } else {
    a.lex.err = &quiet;
    rc = agg_message(&a, msg, NULL, out);
  }
  if (rc == STRATA_E_OK && quiet.nomem) {
    rc = pbc_nomem(in->err);
  }
  pbc_arena_free(&a.scratch);
  return rc;
}

/* ---- one options message ------------------------------------------------------------- */

/* The editions FeatureSet: feature name, field number, value names (index = enum number). */
typedef struct feature {
  const char *name;
  uint32_t number;
  const char *values[4];
} feature;

static const feature features[] = {
    {"field_presence", 1, {NULL, "EXPLICIT", "IMPLICIT", "LEGACY_REQUIRED"}},
    {"enum_type", 2, {NULL, "OPEN", "CLOSED", NULL}},
    {"repeated_field_encoding", 3, {NULL, "PACKED", "EXPANDED", NULL}},
    {"utf8_validation", 4, {NULL, NULL, "VERIFY", "NONE"}},
    {"message_encoding", 5, {NULL, "LENGTH_PREFIXED", "DELIMITED", NULL}},
    {"json_format", 6, {NULL, "ALLOW", "LEGACY_BEST_EFFORT", NULL}},
};

uint32_t pbc_features_field(const char *options_message) {
  const opt_kind *kinds[] = {&K_FILE,       &K_MESSAGE, &K_FIELD,  &K_ONEOF, &K_ENUM,
                             &K_ENUM_VALUE, &K_SERVICE, &K_METHOD, &K_RANGE};
  const char *name = options_message[0] == '.' ? options_message + 1 : options_message;
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    if (strcmp(kinds[i]->message, name) == 0) {
      return kinds[i]->features_field;
    }
  }
  return 0;
}

bool pbc_feature_names(uint32_t number, uint64_t value, const char **feature_name,
                       const char **value_name) {
  for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
    if (features[i].number == number && value < 4 && features[i].values[value] != NULL) {
      *feature_name = features[i].name;
      *value_name = features[i].values[value];
      return true;
    }
  }
  return false;
}

static strata_error encode_feature(interp *in, const opt_kind *kind, const pbc_uopt *o,
                                   sjw_buf *out) {
  if (o->n_name != 2 || o->name[1]->is_extension) {
    return ifail(in,
                 "Option \"%s\" unknown. Ensure that your proto definition file imports the "
                 "proto which defines the option.",
                 in->optname);
  }
  for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
    if (strcmp(features[i].name, o->name[1]->name_part) != 0) {
      continue;
    }
    for (unsigned v = 1; v < 4; v++) {
      if (features[i].values[v] != NULL && o->identifier_value != NULL &&
          strcmp(features[i].values[v], o->identifier_value) == 0) {
        put_tag(out, kind->features_field, 2);
        put_varint(out, 2);
        put_tag(out, features[i].number, 0);
        put_varint(out, v);
        return STRATA_E_OK;
      }
    }
    return ifail(in,
                 "Enum type \"google.protobuf.FeatureSet.%s\" has no value named \"%s\" for "
                 "option \"%s\".",
                 features[i].name, o->identifier_value != NULL ? o->identifier_value : "",
                 in->optname);
  }
  return ifail(in,
               "Option \"%s\" unknown. Ensure that your proto definition file imports the "
               "proto which defines the option.",
               in->optname);
}

/* The text of an option name as written: "(foo.bar).baz". */
static void option_name(const pbc_uopt *o, char *out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < o->n_name && n < size; i++) {
    int w = snprintf(out + n, size - n, "%s%s%s%s", i > 0 ? "." : "",
                     o->name[i]->is_extension ? "(" : "", o->name[i]->name_part,
                     o->name[i]->is_extension ? ")" : "");
    if (w < 0) {
      break;
    }
    n += (size_t)w;
  }
}

/* The field numbers an option sets, outermost first (for "already set" checks). */
typedef struct opt_path {
  uint32_t numbers[16];
  size_t depth;
  bool repeated_last;
} opt_path;

static bool paths_conflict(const opt_path *a, const opt_path *b) {
  size_t n = a->depth < b->depth ? a->depth : b->depth;
  for (size_t i = 0; i < n; i++) {
    if (a->numbers[i] != b->numbers[i]) {
      return false;
    }
  }
  if (a->depth == b->depth) {
    return !a->repeated_last;
  }
  return true;
}

/* Encodes one option into @p out; fills @p path. */
static strata_error encode_option(interp *in, const opt_kind *kind, const char *scope,
                                  const pbc_uopt *o, sjw_buf *out, opt_path *path) {
  const pbc_symbol *options_sym =
      pbc_symtab_get(&in->desc->symbols, kind->message, strlen(kind->message));
  if (options_sym == NULL || options_sym->kind != PBC_SYM_MESSAGE) {
    return ifail(in,
                 "Option \"%s\" unknown. Ensure that your proto definition file imports the "
                 "proto which defines the option.",
                 in->optname);
  }
  if (o->n_name >= 1 && !o->name[0]->is_extension &&
      strcmp(o->name[0]->name_part, "features") == 0 &&
      field_named(options_sym->node, "features", 8) == NULL) {
    path->depth = 2;
    path->numbers[0] = kind->features_field;
    path->numbers[1] = 0;
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
      if (o->n_name == 2 && strcmp(features[i].name, o->name[1]->name_part) == 0) {
        path->numbers[1] = features[i].number;
      }
    }
    return encode_feature(in, kind, o, out);
  }
  const pbc_symbol *cur = options_sym;
  const pbc_field *chain[16];
  size_t depth = 0;
  for (size_t i = 0; i < o->n_name; i++) {
    const char *part = o->name[i]->name_part;
    const pbc_field *f = NULL;
    const pbc_message *m = cur->node;
    if (depth >= 16) {
      return ifail(in, "Option \"%s\" is nested too deeply.", in->optname);
    }
    if (o->name[i]->is_extension) {
      const pbc_symbol *s = pbc_resolve(in->file, scope, part, false);
      if (s == NULL || s->kind != PBC_SYM_EXTENSION) {
        return ifail(in,
                     "Option \"(%s)\" unknown. Ensure that your proto definition file imports "
                     "the proto which defines the option.",
                     part);
      }
      f = s->node;
      if (f->extendee == NULL || strcmp(f->extendee + 1, cur->name) != 0) {
        return ifail(in, "Option \"(%s)\" is not a field or extension of message \"%s\".", part,
                     m->name);
      }
    } else {
      f = field_named(m, part, strlen(part));
      if (f == NULL) {
        if (i == 0) {
          return ifail(in,
                       "Option \"%s\" unknown. Ensure that your proto definition file imports "
                       "the proto which defines the option.",
                       part);
        }
        return ifail(in, "Option field \"%s\" is not a field or extension of message \"%s\".", part,
                     m->name);
      }
    }
    chain[depth++] = f;
    if (i + 1 < o->n_name) {
      if (f->type != TY(MESSAGE) && f->type != TY(GROUP)) {
        return ifail(in, "Option \"%s\" is an atomic type, not a message.", in->optname);
      }
      if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
        return ifail(in,
                     "Option field \"%s\" is a repeated message. Repeated message options "
                     "must be initialized using an aggregate value.",
                     in->optname);
      }
      cur = find_message(in, f->type_name);
      if (cur == NULL || cur->kind != PBC_SYM_MESSAGE) {
        return ifail(in, "\"%s\" is not defined.", f->type_name);
      }
    }
  }
  /* value errors name the option's field by its full name, at the value */
  if (o->name[o->n_name - 1]->is_extension) {
    const pbc_symbol *s = pbc_resolve(in->file, scope, o->name[o->n_name - 1]->name_part, false);
    snprintf(in->optname, sizeof in->optname, "%s", s != NULL ? s->name : "");
  } else {
    snprintf(in->optname, sizeof in->optname, "%s.%s", cur->name, chain[depth - 1]->name);
  }
  pbc_pos_get(in->file, o, PBC_AT_VALUE, &in->line, &in->col);
  path->depth = depth;
  for (size_t i = 0; i < depth; i++) {
    path->numbers[i] = (uint32_t)chain[i]->number;
  }
  path->repeated_last =
      chain[depth - 1]->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED;
  /* innermost value first, then wrapped in each enclosing message */
  sjw_buf inner = SJW_BUF_INIT;
  strata_error rc = encode_option_value(in, o, chain[depth - 1], &inner);
  for (size_t i = depth - 1; rc == STRATA_E_OK && i-- > 0;) {
    sjw_buf wrapped = SJW_BUF_INIT;
    uint32_t num = (uint32_t)chain[i]->number;
    if (chain[i]->type == TY(GROUP)) {
      put_tag(&wrapped, num, 3);
      sjw_put(&wrapped, inner.data != NULL ? inner.data : "", inner.len);
      put_tag(&wrapped, num, 4);
    } else {
      put_tag(&wrapped, num, 2);
      put_varint(&wrapped, inner.len);
      sjw_put(&wrapped, inner.data != NULL ? inner.data : "", inner.len);
    }
    sjw_release(&inner);
    inner = wrapped;
  }
  if (rc == STRATA_E_OK) {
    sjw_put(out, inner.data != NULL ? inner.data : "", inner.len);
  }
  sjw_release(&inner);
  return rc;
}

/*
 * Interprets the uninterpreted options of *@p options (a protobuf-c options
 * message of @p kind) and replaces it with the unpacked result.
 */
static strata_error interpret(interp *in, const opt_kind *kind, const char *scope,
                              ProtobufCMessage **options) {
  if (*options == NULL) {
    return STRATA_E_OK;
  }
  /* every options message has uninterpreted_option as field 999, in the same layout */
  const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(kind->pb, 999);
  size_t n = *(size_t *)((char *)*options + fd->quantifier_offset);
  pbc_uopt **opts = *(pbc_uopt ***)((char *)*options + fd->offset);
  if (n == 0) {
    return STRATA_E_OK;
  }
  strata_error rc = STRATA_E_OK;
  sjw_buf bytes = SJW_BUF_INIT;
  opt_path *paths = calloc(n, sizeof *paths);
  if (paths == NULL) {
    return pbc_nomem(in->err);
  }
  /* fields the parser set directly (map_entry) survive: pack them first */
  size_t direct = protobuf_c_message_get_packed_size(*options);
  if (direct > 0) {
    *(size_t *)((char *)*options + fd->quantifier_offset) = 0;
    uint8_t *tmp = malloc(protobuf_c_message_get_packed_size(*options) + 1);
    if (tmp == NULL) {
      rc = pbc_nomem(in->err);
      goto cleanup;
    }
    size_t len = protobuf_c_message_pack(*options, tmp);
    sjw_put(&bytes, (const char *)tmp, len);
    free(tmp);
    *(size_t *)((char *)*options + fd->quantifier_offset) = n;
  }
  for (size_t i = 0; i < n; i++) {
    const pbc_uopt *o = opts[i];
    pbc_pos_get(in->file, o, PBC_AT_NAME, &in->line, &in->col);
    option_name(o, in->optname, sizeof in->optname);
    rc = encode_option(in, kind, scope, o, &bytes, &paths[i]);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    pbc_pos_get(in->file, o, PBC_AT_NAME, &in->line, &in->col);
    option_name(o, in->optname, sizeof in->optname);
    for (size_t k = 0; k < i; k++) {
      if (paths_conflict(&paths[k], &paths[i])) {
        rc = ifail(in, "Option \"%s\" was already set.", in->optname);
        goto cleanup;
      }
    }
  }
  if (bytes.failed) {
    rc = pbc_nomem(in->err);
    goto cleanup;
  }
  ProtobufCAllocator alloc = pbc_arena_allocator(&in->file->arena);
  ProtobufCMessage *fresh = protobuf_c_message_unpack(
      kind->pb, &alloc, bytes.len, (const uint8_t *)(bytes.data != NULL ? bytes.data : ""));
  if (fresh == NULL) {
    in->line = -1;
    rc = ifail(in, "Options of \"%s\" do not form a valid %s message.", scope, kind->message);
    goto cleanup;
  }
  *options = fresh;

cleanup:
  free(paths);
  sjw_release(&bytes);
  return rc;
}

/* ---- the element walk --------------------------------------------------------------- */

static char *join(interp *in, const char *scope, const char *name) {
  size_t a = strlen(scope), b = strlen(name);
  char *out = pbc_alloc(&in->file->arena, a + b + 2);
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

#define INTERPRET(in, kind, scope, owner)                                                          \
  interpret((in), (kind), (scope), (ProtobufCMessage **)&(owner)->options)

static strata_error fields_options(interp *in, pbc_field **fields, size_t n, const char *scope) {
  for (size_t i = 0; i < n; i++) {
    char *full = join(in, scope, fields[i]->name);
    if (full == NULL) {
      return pbc_nomem(in->err);
    }
    TRY(INTERPRET(in, &K_FIELD, full, fields[i]));
  }
  return STRATA_E_OK;
}

static strata_error enum_options(interp *in, pbc_enum *e, const char *scope) {
  char *full = join(in, scope, e->name);
  if (full == NULL) {
    return pbc_nomem(in->err);
  }
  TRY(INTERPRET(in, &K_ENUM, full, e));
  for (size_t i = 0; i < e->n_value; i++) {
    char *v = join(in, scope, e->value[i]->name);
    if (v == NULL) {
      return pbc_nomem(in->err);
    }
    TRY(INTERPRET(in, &K_ENUM_VALUE, v, e->value[i]));
  }
  return STRATA_E_OK;
}

static strata_error message_options(interp *in, pbc_message *m, const char *scope) {
  char *full = join(in, scope, m->name);
  if (full == NULL) {
    return pbc_nomem(in->err);
  }
  /* fields first: a field's [packed] decides how aggregates encode it */
  TRY(fields_options(in, m->field, m->n_field, full));
  for (size_t i = 0; i < m->n_nested_type; i++) {
    TRY(message_options(in, m->nested_type[i], full));
  }
  TRY(INTERPRET(in, &K_MESSAGE, full, m));
  for (size_t i = 0; i < m->n_enum_type; i++) {
    TRY(enum_options(in, m->enum_type[i], full));
  }
  TRY(fields_options(in, m->extension, m->n_extension, full));
  for (size_t i = 0; i < m->n_oneof_decl; i++) {
    char *o = join(in, full, m->oneof_decl[i]->name);
    if (o == NULL) {
      return pbc_nomem(in->err);
    }
    TRY(INTERPRET(in, &K_ONEOF, o, m->oneof_decl[i]));
  }
  /* ranges of one "extensions" statement share their options: interpret once */
  for (size_t i = 0; i < m->n_extension_range; i++) {
    Google__Protobuf__ExtensionRangeOptions *before = m->extension_range[i]->options;
    if (before == NULL || (i > 0 && m->extension_range[i - 1]->options == before)) {
      continue;
    }
    TRY(INTERPRET(in, &K_RANGE, full, m->extension_range[i]));
    for (size_t k = i + 1; k < m->n_extension_range; k++) {
      if (m->extension_range[k]->options == before) {
        m->extension_range[k]->options = m->extension_range[i]->options;
      }
    }
  }
  return STRATA_E_OK;
}

strata_error pbc_interpret_options(pbc_file *file, pbc_errors *err) {
  interp in;
  memset(&in, 0, sizeof in);
  in.file = file;
  in.err = err;
  /* descriptor.proto defines the option messages itself */
  if (pbc_symtab_get(&file->symbols, "google.protobuf.FileOptions",
                     strlen("google.protobuf.FileOptions")) != NULL) {
    in.desc = file;
  } else {
    in.desc = pbc_descriptor_file();
    if (in.desc == NULL) {
      return pbc_nomem(err);
    }
  }
  pbc_file_proto *f = file->proto;
  const char *pkg = f->package != NULL ? f->package : "";
  for (size_t i = 0; i < f->n_message_type; i++) {
    TRY(message_options(&in, f->message_type[i], pkg));
  }
  for (size_t i = 0; i < f->n_enum_type; i++) {
    TRY(enum_options(&in, f->enum_type[i], pkg));
  }
  TRY(fields_options(&in, f->extension, f->n_extension, pkg));
  for (size_t i = 0; i < f->n_service; i++) {
    char *s = join(&in, pkg, f->service[i]->name);
    if (s == NULL) {
      return pbc_nomem(err);
    }
    TRY(INTERPRET(&in, &K_SERVICE, s, f->service[i]));
    for (size_t k = 0; k < f->service[i]->n_method; k++) {
      char *m = join(&in, s, f->service[i]->method[k]->name);
      if (m == NULL) {
        return pbc_nomem(err);
      }
      TRY(INTERPRET(&in, &K_METHOD, m, f->service[i]->method[k]));
    }
  }
  /* file options resolve names relative to the package */
  char *scope = join(&in, pkg, "dummy");
  if (scope == NULL) {
    return pbc_nomem(err);
  }
  return INTERPRET(&in, &K_FILE, scope, f);
}
