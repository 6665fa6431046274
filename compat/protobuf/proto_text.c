/*
 * proto_text.c - renders a linked file as .proto text: the registry's
 * canonical text and, with normalize, the normalised text fingerprints are
 * computed from.
 *
 * Canonical: syntax (or edition), package, imports, file options, then
 * messages, enums, services and top-level extend blocks in declaration
 * order. Inside a message: options, fields in declaration order (a oneof at
 * its first member, a map as map<K, V>, a group with its body), nested
 * messages, enums, extend blocks, extension ranges, reserved. Type names are
 * fully qualified (".pkg.Msg"), so text and binary input of one file render
 * alike; options are rendered from their interpreted values (custom options
 * by the extension's full name, message values as text format).
 * Normalised: the same with imports and every options list sorted.
 */
#include "proto_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TY(x)    GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define LABEL(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

typedef struct render {
  const pbc_file *file;
  const pbc_file **closure;
  size_t nclosure;
  bool normalize;
  bool proto3;
  bool editions;
  sjw_buf out;
} render;

void pbc_c_escape(sjw_buf *out, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '\n':
      sjw_puts(out, "\\n");
      break;
    case '\r':
      sjw_puts(out, "\\r");
      break;
    case '\t':
      sjw_puts(out, "\\t");
      break;
    case '"':
      sjw_puts(out, "\\\"");
      break;
    case '\'':
      sjw_puts(out, "\\'");
      break;
    case '\\':
      sjw_puts(out, "\\\\");
      break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        sjw_printf(out, "\\%03o", c);
      } else {
        sjw_putc(out, (char)c);
      }
      break;
    }
  }
}

static void quoted(sjw_buf *out, const char *s, size_t len) {
  sjw_putc(out, '"');
  pbc_c_escape(out, s, len);
  sjw_putc(out, '"');
}

static void indent(render *r, int depth) {
  for (int i = 0; i < depth; i++) {
    sjw_puts(&r->out, "  ");
  }
}

static const char *const scalar_type_names[] = {
    NULL,      "double",   "float",    "int64",  "uint64",  "int32", "fixed64",
    "fixed32", "bool",     "string",   "group",  "message", "bytes", "uint32",
    "enum",    "sfixed32", "sfixed64", "sint32", "sint64"};

/* ---- decoding option values for display ---------------------------------------------- */

typedef struct reader {
  const uint8_t *p;
  const uint8_t *end;
} reader;

static bool read_varint(reader *rd, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64 && rd->p < rd->end; shift += 7) {
    uint8_t b = *rd->p++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      return true;
    }
  }
  return false;
}

static bool read_fixed(reader *rd, size_t n, uint64_t *v) {
  if ((size_t)(rd->end - rd->p) < n) {
    return false;
  }
  *v = 0;
  for (size_t i = 0; i < n; i++) {
    *v |= (uint64_t)rd->p[i] << (8 * i);
  }
  rd->p += n;
  return true;
}

static const pbc_symbol *lookup(const render *r, const char *name) {
  const char *n = name[0] == '.' ? name + 1 : name;
  const pbc_symbol *s = pbc_find_anywhere(r->file, n);
  if (s == NULL && pbc_descriptor_file() != NULL) {
    s = pbc_find_anywhere(pbc_descriptor_file(), n);
  }
  return s;
}

/* The extension of message @p extendee (".full.Name") with number @p number. */
static const pbc_field *find_ext_in(pbc_field **ext, size_t n, const char *extendee,
                                    uint32_t number) {
  for (size_t i = 0; i < n; i++) {
    if (ext[i]->extendee != NULL && strcmp(ext[i]->extendee, extendee) == 0 &&
        (uint32_t)ext[i]->number == number) {
      return ext[i];
    }
  }
  return NULL;
}

static const pbc_field *find_ext_msg(const pbc_message *m, const char *extendee, uint32_t number) {
  const pbc_field *f = find_ext_in(m->extension, m->n_extension, extendee, number);
  for (size_t i = 0; f == NULL && i < m->n_nested_type; i++) {
    f = find_ext_msg(m->nested_type[i], extendee, number);
  }
  return f;
}

/* The extension and its full name. */
static const pbc_field *find_extension(const render *r, const char *extendee, uint32_t number,
                                       const char **full) {
  for (size_t k = 0; k < r->nclosure; k++) {
    const pbc_file_proto *fp = r->closure[k]->proto;
    const pbc_field *f = find_ext_in(fp->extension, fp->n_extension, extendee, number);
    for (size_t i = 0; f == NULL && i < fp->n_message_type; i++) {
      f = find_ext_msg(fp->message_type[i], extendee, number);
    }
    if (f != NULL) {
      /* the symbol table knows its full name */
      const pbc_symtab *tab = &r->closure[k]->symbols;
      for (size_t s = 0; s < tab->cap; s++) {
        if (tab->slots[s].name != NULL && tab->slots[s].node == f) {
          *full = tab->slots[s].name;
          return f;
        }
      }
      *full = f->name;
      return f;
    }
  }
  return NULL;
}

static void value_text(render *r, sjw_buf *out, const pbc_field *f, unsigned wire, uint64_t v,
                       const uint8_t *data, size_t len, int depth);

static void message_text(render *r, sjw_buf *out, const char *type_name, const uint8_t *data,
                         size_t len, int depth) {
  const pbc_symbol *ms = lookup(r, type_name);
  const pbc_message *m = ms != NULL && ms->kind == PBC_SYM_MESSAGE ? ms->node : NULL;
  reader rd = {data, data + len};
  bool first = true;
  while (rd.p < rd.end && depth < PBC_MAX_DEPTH) {
    uint64_t key = 0, v = 0;
    if (!read_varint(&rd, &key)) {
      return;
    }
    unsigned wire = (unsigned)(key & 7);
    uint32_t number = (uint32_t)(key >> 3);
    const uint8_t *payload = NULL;
    size_t plen = 0;
    if (wire == 0) {
      if (!read_varint(&rd, &v)) {
        return;
      }
    } else if (wire == 1 || wire == 5) {
      if (!read_fixed(&rd, wire == 1 ? 8 : 4, &v)) {
        return;
      }
    } else if (wire == 2) {
      if (!read_varint(&rd, &v) || v > (uint64_t)(rd.end - rd.p)) {
        return;
      }
      payload = rd.p;
      plen = (size_t)v;
      rd.p += plen;
    } else if (wire == 3) {
      /* a group: up to the matching end tag */
      payload = rd.p;
      int nest = 1;
      while (rd.p < rd.end && nest > 0) {
        const uint8_t *at = rd.p;
        uint64_t k2 = 0, tmp = 0;
        if (!read_varint(&rd, &k2)) {
          return;
        }
        unsigned w2 = (unsigned)(k2 & 7);
        if (w2 == 3) {
          nest++;
        } else if (w2 == 4) {
          nest--;
          if (nest == 0) {
            plen = (size_t)(at - payload);
          }
        } else if (w2 == 0) {
          read_varint(&rd, &tmp);
        } else if (w2 == 1 || w2 == 5) {
          read_fixed(&rd, w2 == 1 ? 8 : 4, &tmp);
        } else if (w2 == 2) {
          if (!read_varint(&rd, &tmp) || tmp > (uint64_t)(rd.end - rd.p)) {
            return;
          }
          rd.p += tmp;
        }
      }
    } else {
      return;
    }
    if (!first) {
      sjw_putc(out, ' ');
    }
    first = false;
    const pbc_field *f = NULL;
    for (size_t i = 0; m != NULL && i < m->n_field && f == NULL; i++) {
      if ((uint32_t)m->field[i]->number == number) {
        f = m->field[i];
      }
    }
    if (f != NULL) {
      sjw_puts(out, f->name);
    } else {
      const char *full = NULL;
      f = m != NULL ? find_extension(r, type_name, number, &full) : NULL;
      if (f != NULL) {
        sjw_printf(out, "[%s]", full);
      } else {
        sjw_printf(out, "%" PRIu32, number);
      }
    }
    /* packed repeated scalars: one entry per element */
    if (f != NULL && wire == 2 && f->type != TY(STRING) && f->type != TY(BYTES) &&
        f->type != TY(MESSAGE) && f->type != TY(GROUP)) {
      sjw_puts(out, ": [");
      reader pr = {payload, payload + plen};
      bool pfirst = true;
      while (pr.p < pr.end) {
        uint64_t ev = 0;
        bool ok = f->type == TY(DOUBLE) || f->type == TY(FIXED64) || f->type == TY(SFIXED64)
                      ? read_fixed(&pr, 8, &ev)
                  : f->type == TY(FLOAT) || f->type == TY(FIXED32) || f->type == TY(SFIXED32)
                      ? read_fixed(&pr, 4, &ev)
                      : read_varint(&pr, &ev);
        if (!ok) {
          break;
        }
        sjw_puts(out, pfirst ? "" : ", ");
        pfirst = false;
        value_text(r, out, f, 0, ev, NULL, 0, depth + 1);
      }
      sjw_putc(out, ']');
      continue;
    }
    sjw_puts(out, (wire == 2 || wire == 3) &&
                          (f == NULL || f->type == TY(MESSAGE) || f->type == TY(GROUP))
                      ? " "
                      : ": ");
    value_text(r, out, f, wire, v, payload, plen, depth + 1);
  }
}

static void value_text(render *r, sjw_buf *out, const pbc_field *f, unsigned wire, uint64_t v,
                       const uint8_t *data, size_t len, int depth) {
  if (f == NULL) {
    if (wire == 2 || wire == 3) {
      quoted(out, (const char *)data, len);
    } else {
      sjw_printf(out, "%" PRIu64, v);
    }
    return;
  }
  switch (f->type) {
  case TY(INT32):
  case TY(SFIXED32):
    sjw_printf(out, "%" PRId32, (int32_t)v);
    break;
  case TY(INT64):
  case TY(SFIXED64):
    sjw_printf(out, "%" PRId64, (int64_t)v);
    break;
  case TY(SINT32):
  case TY(SINT64): {
    int64_t d = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    sjw_printf(out, "%" PRId64, d);
    break;
  }
  case TY(BOOL):
    sjw_puts(out, v != 0 ? "true" : "false");
    break;
  case TY(FLOAT): {
    uint32_t bits = (uint32_t)v;
    float fl;
    memcpy(&fl, &bits, sizeof fl);
    sjw_printf(out, "%.9g", (double)fl);
    break;
  }
  case TY(DOUBLE): {
    double d;
    memcpy(&d, &v, sizeof d);
    sjw_printf(out, "%.17g", d);
    break;
  }
  case TY(ENUM): {
    const pbc_symbol *es = lookup(r, f->type_name);
    const pbc_enum *e = es != NULL && es->kind == PBC_SYM_ENUM ? es->node : NULL;
    for (size_t i = 0; e != NULL && i < e->n_value; i++) {
      if (e->value[i]->number == (int32_t)v) {
        sjw_puts(out, e->value[i]->name);
        return;
      }
    }
    sjw_printf(out, "%" PRId32, (int32_t)v);
    break;
  }
  case TY(STRING):
  case TY(BYTES):
    quoted(out, (const char *)data, len);
    break;
  case TY(MESSAGE):
  case TY(GROUP):
    sjw_puts(out, "{ ");
    message_text(r, out, f->type_name, data, len, depth);
    sjw_puts(out, " }");
    break;
  default:
    sjw_printf(out, "%" PRIu64, v);
    break;
  }
}

/* ---- options --------------------------------------------------------------------------- */

typedef struct opt_list {
  char **items;
  size_t n;
  bool failed;
} opt_list;

static void opt_add(opt_list *l, sjw_buf *b) {
  char *s = sjw_take(b);
  char **grown = s != NULL ? realloc(l->items, (l->n + 1) * sizeof *grown) : NULL;
  if (grown == NULL) {
    free(s);
    l->failed = true;
    return;
  }
  l->items = grown;
  l->items[l->n++] = s;
}

static void opt_release(opt_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i]);
  }
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name = value" for every option set in @p msg (an interpreted options message). */
static void collect_options(render *r, const ProtobufCMessage *msg, const char *extendee,
                            opt_list *list) {
  if (msg == NULL) {
    return;
  }
  const ProtobufCMessageDescriptor *d = msg->descriptor;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *fd = &d->fields[i];
    if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
      continue; /* uninterpreted_option: empty once interpreted */
    }
    const char *base = (const char *)msg;
    if (fd->type == PROTOBUF_C_TYPE_STRING) {
      const char *s = *(char *const *)(base + fd->offset);
      if (s == NULL || s == fd->default_value) {
        continue;
      }
      sjw_buf b = SJW_BUF_INIT;
      sjw_printf(&b, "%s = ", fd->name);
      quoted(&b, s, strlen(s));
      opt_add(list, &b);
      continue;
    }
    if (fd->quantifier_offset == 0 ||
        !*(const protobuf_c_boolean *)(base + fd->quantifier_offset)) {
      continue;
    }
    sjw_buf b = SJW_BUF_INIT;
    sjw_printf(&b, "%s = ", fd->name);
    const void *v = base + fd->offset;
    switch (fd->type) {
    case PROTOBUF_C_TYPE_BOOL:
      sjw_puts(&b, *(const protobuf_c_boolean *)v ? "true" : "false");
      break;
    case PROTOBUF_C_TYPE_ENUM: {
      const ProtobufCEnumValue *ev =
          protobuf_c_enum_descriptor_get_value(fd->descriptor, *(const int *)v);
      if (ev != NULL) {
        sjw_puts(&b, ev->name);
      } else {
        sjw_printf(&b, "%d", *(const int *)v);
      }
      break;
    }
    case PROTOBUF_C_TYPE_INT32:
      sjw_printf(&b, "%" PRId32, *(const int32_t *)v);
      break;
    default:
      sjw_printf(&b, "%" PRIu64, *(const uint64_t *)v);
      break;
    }
    opt_add(list, &b);
  }
  for (size_t i = 0; i < msg->n_unknown_fields; i++) {
    const ProtobufCMessageUnknownField *u = &msg->unknown_fields[i];
    const char *full = NULL;
    const pbc_field *ext = find_extension(r, extendee, u->tag, &full);
    if (ext == NULL && u->tag == pbc_features_field(extendee) &&
        u->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
      /* editions features: one "features.x = V" per FeatureSet field */
      reader rd = {u->data, u->data + u->len};
      uint64_t n = 0, key = 0, val = 0;
      if (read_varint(&rd, &n) && n <= (uint64_t)(rd.end - rd.p)) {
        rd.end = rd.p + n;
        while (rd.p < rd.end && read_varint(&rd, &key) && (key & 7) == 0 &&
               read_varint(&rd, &val)) {
          const char *feature = NULL, *name = NULL;
          if (pbc_feature_names((uint32_t)(key >> 3), val, &feature, &name)) {
            sjw_buf fb = SJW_BUF_INIT;
            sjw_printf(&fb, "features.%s = %s", feature, name);
            opt_add(list, &fb);
          }
        }
      }
      continue;
    }
    if (ext == NULL) {
      /* an unknown field no imported extension defines (only a serialized descriptor can
       * carry one): it has no name to write in .proto text, so it is not part of the text */
      continue;
    }
    /* a singular message option set field by field ((opt).a = 1; (opt).b = 2;) is several
     * records: merged into one value, as protobuf merges them */
    bool merge = ext != NULL && u->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED &&
                 ext->type == TY(MESSAGE) && ext->label != LABEL(REPEATED);
    bool seen = false;
    for (size_t k = 0; merge && k < i && !seen; k++) {
      seen = msg->unknown_fields[k].tag == u->tag;
    }
    if (seen) {
      continue;
    }
    sjw_buf merged = SJW_BUF_INIT;
    size_t last = merge ? msg->n_unknown_fields : i + 1;
    sjw_buf b = SJW_BUF_INIT;
    uint64_t v = 0;
    const uint8_t *payload = u->data;
    size_t plen = u->len;
    for (size_t k = i; k < last; k++) {
      const ProtobufCMessageUnknownField *uk = &msg->unknown_fields[k];
      if (uk->tag != u->tag || uk->wire_type != u->wire_type) {
        continue;
      }
      reader rd = {uk->data, uk->data + uk->len};
      if (uk->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
        /* protobuf-c keeps the length prefix with the payload */
        uint64_t n = 0;
        if (read_varint(&rd, &n) && n <= (uint64_t)(rd.end - rd.p)) {
          sjw_put(&merged, (const char *)rd.p, (size_t)n);
        }
      } else if (uk->wire_type == PROTOBUF_C_WIRE_TYPE_VARINT) {
        read_varint(&rd, &v);
      } else if (uk->wire_type == PROTOBUF_C_WIRE_TYPE_64BIT) {
        read_fixed(&rd, 8, &v);
      } else if (uk->wire_type == PROTOBUF_C_WIRE_TYPE_32BIT) {
        read_fixed(&rd, 4, &v);
      }
    }
    if (u->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
      payload = (const uint8_t *)(merged.data != NULL ? merged.data : "");
      plen = merged.len;
    }
    sjw_printf(&b, "(.%s) = ", full);
    value_text(r, &b, ext, (unsigned)u->wire_type, v, payload, plen, 0);
    if (merged.failed) {
      b.failed = true;
    }
    sjw_release(&merged);
    opt_add(list, &b);
  }
}

static void options_list(render *r, const void *options, const char *extendee, opt_list *list) {
  collect_options(r, options, extendee, list);
  if (r->normalize && list->n > 1) {
    qsort(list->items, list->n, sizeof *list->items, cmp_str);
  }
}

/* "option x = v;" lines. */
static void option_lines(render *r, const void *options, const char *extendee, int depth) {
  opt_list list = {NULL, 0, false};
  options_list(r, options, extendee, &list);
  for (size_t i = 0; i < list.n; i++) {
    indent(r, depth);
    sjw_printf(&r->out, "option %s;\n", list.items[i]);
  }
  if (list.failed) {
    r->out.failed = true;
  }
  opt_release(&list);
}

/* " [a = 1, b = 2]" from @p pre (already formatted pseudo-options) and the options. */
static void bracket_options(render *r, opt_list *pre, const void *options, const char *extendee) {
  opt_list list = {NULL, 0, false};
  options_list(r, options, extendee, &list);
  size_t total = pre->n + list.n;
  if (total > 0) {
    sjw_puts(&r->out, " [");
    for (size_t i = 0; i < total; i++) {
      sjw_puts(&r->out, i > 0 ? ", " : "");
      sjw_puts(&r->out, i < pre->n ? pre->items[i] : list.items[i - pre->n]);
    }
    sjw_putc(&r->out, ']');
  }
  if (list.failed || pre->failed) {
    r->out.failed = true;
  }
  opt_release(&list);
}

/* ---- declarations ---------------------------------------------------------------------- */

static const pbc_message *nested_named(const pbc_message *m, const char *type_name) {
  const char *last = strrchr(type_name, '.');
  const char *simple = last != NULL ? last + 1 : type_name;
  for (size_t i = 0; m != NULL && i < m->n_nested_type; i++) {
    if (strcmp(m->nested_type[i]->name, simple) == 0) {
      return m->nested_type[i];
    }
  }
  return NULL;
}

static bool is_map_entry(const pbc_message *m) {
  return m != NULL && m->options != NULL && m->options->has_map_entry && m->options->map_entry;
}

/* Appends @p v in decimal (the renderer's hot path: no printf). */
static void put_int32(sjw_buf *out, int32_t v) {
  char buf[12];
  size_t i = sizeof buf;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  do {
    buf[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) {
    buf[--i] = '-';
  }
  sjw_put(out, buf + i, sizeof buf - i);
}

/* Whether @p json_name is the one protoc derives from @p name (pbc_json_name()'s rule:
 * underscores dropped, the letter after one upper-cased), compared without building it. */
static bool json_name_is_derived(const char *name, const char *json_name) {
  bool cap_next = false;
  const char *j = json_name;
  for (const char *c = name; *c != '\0'; c++) {
    if (*c == '_') {
      cap_next = true;
      continue;
    }
    char want = cap_next && *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
    cap_next = false;
    if (*j++ != want) {
      return false;
    }
  }
  return *j == '\0';
}

static void type_text(render *r, const pbc_field *f) {
  if (f->type_name != NULL && f->type != TY(GROUP)) {
    sjw_puts(&r->out, f->type_name);
  } else if ((size_t)f->type < sizeof scalar_type_names / sizeof scalar_type_names[0] &&
             scalar_type_names[f->type] != NULL) {
    sjw_puts(&r->out, scalar_type_names[f->type]);
  }
}

static void message_body(render *r, const pbc_message *m, int depth);

static void field_decl(render *r, const pbc_message *parent, const pbc_field *f, int depth,
                       bool in_oneof) {
  const pbc_message *entry =
      f->type == TY(MESSAGE) && f->type_name != NULL ? nested_named(parent, f->type_name) : NULL;
  bool is_map = f->label == LABEL(REPEATED) && is_map_entry(entry) && entry->n_field == 2;
  indent(r, depth);
  if (is_map) {
    sjw_puts(&r->out, "map<");
    type_text(r, entry->field[0]);
    sjw_puts(&r->out, ", ");
    type_text(r, entry->field[1]);
    sjw_puts(&r->out, "> ");
  } else {
    if (!in_oneof) {
      if (f->label == LABEL(REPEATED)) {
        sjw_puts(&r->out, "repeated ");
      } else if (f->label == LABEL(REQUIRED)) {
        sjw_puts(&r->out, "required ");
      } else if (r->proto3 ? f->proto3_optional : !r->editions) {
        sjw_puts(&r->out, "optional ");
      }
    }
    if (f->type == TY(GROUP)) {
      sjw_puts(&r->out, "group ");
    } else {
      type_text(r, f);
      sjw_putc(&r->out, ' ');
    }
  }
  const pbc_message *group = f->type == TY(GROUP) ? nested_named(parent, f->type_name) : NULL;
  if (f->type == TY(GROUP) && group == NULL && f->type_name != NULL) {
    /* a group extension: its message is a sibling in the enclosing scope */
    const pbc_symbol *s = lookup(r, f->type_name);
    group = s != NULL && s->kind == PBC_SYM_MESSAGE ? s->node : NULL;
  }
  sjw_puts(&r->out, group != NULL ? group->name : f->name);
  sjw_put(&r->out, " = ", 3);
  put_int32(&r->out, f->number);
  opt_list pre = {NULL, 0, false};
  if (f->default_value != NULL) {
    sjw_buf b = SJW_BUF_INIT;
    sjw_puts(&b, "default = ");
    if (f->type == TY(STRING)) {
      quoted(&b, f->default_value, strlen(f->default_value));
    } else if (f->type == TY(BYTES)) {
      sjw_printf(&b, "\"%s\"", f->default_value);
    } else {
      sjw_puts(&b, f->default_value);
    }
    opt_add(&pre, &b);
  }
  if (f->json_name != NULL && f->extendee == NULL && !json_name_is_derived(f->name, f->json_name)) {
    sjw_buf jb = SJW_BUF_INIT;
    sjw_puts(&jb, "json_name = ");
    quoted(&jb, f->json_name, strlen(f->json_name));
    opt_add(&pre, &jb);
  }
  bracket_options(r, &pre, f->options, ".google.protobuf.FieldOptions");
  opt_release(&pre);
  if (group != NULL) {
    sjw_puts(&r->out, " {\n");
    message_body(r, group, depth + 1);
    indent(r, depth);
    sjw_puts(&r->out, "}\n");
  } else {
    sjw_puts(&r->out, ";\n");
  }
}

static void enum_decl(render *r, const pbc_enum *e, int depth) {
  indent(r, depth);
  sjw_printf(&r->out, "enum %s {\n", e->name);
  option_lines(r, e->options, ".google.protobuf.EnumOptions", depth + 1);
  for (size_t i = 0; i < e->n_value; i++) {
    indent(r, depth + 1);
    sjw_puts(&r->out, e->value[i]->name);
    sjw_put(&r->out, " = ", 3);
    put_int32(&r->out, e->value[i]->number);
    opt_list pre = {NULL, 0, false};
    bracket_options(r, &pre, e->value[i]->options, ".google.protobuf.EnumValueOptions");
    sjw_puts(&r->out, ";\n");
  }
  for (size_t i = 0; i < e->n_reserved_range; i++) {
    indent(r, depth + 1);
    const Google__Protobuf__EnumDescriptorProto__EnumReservedRange *rr = e->reserved_range[i];
    if (rr->start == rr->end) {
      sjw_printf(&r->out, "reserved %" PRId32 ";\n", rr->start);
    } else if (rr->end == INT32_MAX) {
      sjw_printf(&r->out, "reserved %" PRId32 " to max;\n", rr->start);
    } else {
      sjw_printf(&r->out, "reserved %" PRId32 " to %" PRId32 ";\n", rr->start, rr->end);
    }
  }
  for (size_t i = 0; i < e->n_reserved_name; i++) {
    indent(r, depth + 1);
    sjw_puts(&r->out, "reserved ");
    quoted(&r->out, e->reserved_name[i], strlen(e->reserved_name[i]));
    sjw_puts(&r->out, ";\n");
  }
  indent(r, depth);
  sjw_puts(&r->out, "}\n");
}

/* extend blocks for consecutive extensions with the same extendee */
static void extend_blocks(render *r, const pbc_message *scope, pbc_field **ext, size_t n,
                          int depth) {
  for (size_t i = 0; i < n;) {
    size_t k = i;
    indent(r, depth);
    sjw_printf(&r->out, "extend %s {\n", ext[i]->extendee != NULL ? ext[i]->extendee : "");
    while (k < n && ext[k]->extendee != NULL && ext[i]->extendee != NULL &&
           strcmp(ext[k]->extendee, ext[i]->extendee) == 0) {
      field_decl(r, scope, ext[k], depth + 1, false);
      k++;
    }
    indent(r, depth);
    sjw_puts(&r->out, "}\n");
    i = k > i ? k : i + 1;
  }
}

static bool oneof_is_synthetic(const pbc_message *m, int32_t index) {
  for (size_t i = 0; i < m->n_field; i++) {
    if (m->field[i]->has_oneof_index && m->field[i]->oneof_index == index) {
      return m->field[i]->proto3_optional;
    }
  }
  return false;
}

/* True when the nested type @p t is rendered elsewhere (map entry, group body). */
static bool rendered_inline(const pbc_message *m, const pbc_message *t) {
  if (is_map_entry(t)) {
    return true;
  }
  for (size_t i = 0; i < m->n_field; i++) {
    if (m->field[i]->type == TY(GROUP) && nested_named(m, m->field[i]->type_name) == t) {
      return true;
    }
  }
  for (size_t i = 0; i < m->n_extension; i++) {
    if (m->extension[i]->type == TY(GROUP) && nested_named(m, m->extension[i]->type_name) == t) {
      return true;
    }
  }
  return false;
}

static void message_decl(render *r, const pbc_message *m, int depth) {
  indent(r, depth);
  sjw_puts(&r->out, "message ");
  sjw_puts(&r->out, m->name);
  sjw_puts(&r->out, " {\n");
  message_body(r, m, depth + 1);
  indent(r, depth);
  sjw_puts(&r->out, "}\n");
}

static void message_body(render *r, const pbc_message *m, int depth) {
  if (depth > PBC_MAX_DEPTH + 2) {
    return;
  }
  option_lines(r, m->options, ".google.protobuf.MessageOptions", depth);
  for (size_t i = 0; i < m->n_field; i++) {
    const pbc_field *f = m->field[i];
    if (f->has_oneof_index && !oneof_is_synthetic(m, f->oneof_index)) {
      /* the oneof, at its first member */
      bool first = true;
      for (size_t k = 0; k < i && first; k++) {
        first = !(m->field[k]->has_oneof_index && m->field[k]->oneof_index == f->oneof_index);
      }
      if (!first || (size_t)f->oneof_index >= m->n_oneof_decl) {
        continue;
      }
      const pbc_oneof *o = m->oneof_decl[f->oneof_index];
      indent(r, depth);
      sjw_printf(&r->out, "oneof %s {\n", o->name);
      option_lines(r, o->options, ".google.protobuf.OneofOptions", depth + 1);
      for (size_t k = i; k < m->n_field; k++) {
        if (m->field[k]->has_oneof_index && m->field[k]->oneof_index == f->oneof_index) {
          field_decl(r, m, m->field[k], depth + 1, true);
        }
      }
      indent(r, depth);
      sjw_puts(&r->out, "}\n");
      continue;
    }
    field_decl(r, m, f, depth, false);
  }
  for (size_t i = 0; i < m->n_nested_type; i++) {
    if (!rendered_inline(m, m->nested_type[i])) {
      message_decl(r, m->nested_type[i], depth);
    }
  }
  for (size_t i = 0; i < m->n_enum_type; i++) {
    enum_decl(r, m->enum_type[i], depth);
  }
  extend_blocks(r, m, m->extension, m->n_extension, depth);
  for (size_t i = 0; i < m->n_extension_range; i++) {
    const Google__Protobuf__DescriptorProto__ExtensionRange *er = m->extension_range[i];
    indent(r, depth);
    if (er->end - 1 == er->start) {
      sjw_printf(&r->out, "extensions %" PRId32, er->start);
    } else if (er->end == PBC_MAX_FIELD_NUMBER + 1 || er->end == INT32_MAX) {
      sjw_printf(&r->out, "extensions %" PRId32 " to max", er->start);
    } else {
      sjw_printf(&r->out, "extensions %" PRId32 " to %" PRId32, er->start, er->end - 1);
    }
    opt_list pre = {NULL, 0, false};
    bracket_options(r, &pre, er->options, ".google.protobuf.ExtensionRangeOptions");
    sjw_puts(&r->out, ";\n");
  }
  for (size_t i = 0; i < m->n_reserved_range; i++) {
    const Google__Protobuf__DescriptorProto__ReservedRange *rr = m->reserved_range[i];
    indent(r, depth);
    if (rr->end - 1 == rr->start) {
      sjw_printf(&r->out, "reserved %" PRId32 ";\n", rr->start);
    } else if (rr->end == PBC_MAX_FIELD_NUMBER + 1) {
      sjw_printf(&r->out, "reserved %" PRId32 " to max;\n", rr->start);
    } else {
      sjw_printf(&r->out, "reserved %" PRId32 " to %" PRId32 ";\n", rr->start, rr->end - 1);
    }
  }
  for (size_t i = 0; i < m->n_reserved_name; i++) {
    indent(r, depth);
    sjw_puts(&r->out, "reserved ");
    quoted(&r->out, m->reserved_name[i], strlen(m->reserved_name[i]));
    sjw_puts(&r->out, ";\n");
  }
}

static void service_decl(render *r, const pbc_service *s) {
  sjw_printf(&r->out, "service %s {\n", s->name);
  option_lines(r, s->options, ".google.protobuf.ServiceOptions", 1);
  for (size_t i = 0; i < s->n_method; i++) {
    const pbc_method *m = s->method[i];
    indent(r, 1);
    sjw_printf(&r->out, "rpc %s(%s%s) returns (%s%s)", m->name,
               m->client_streaming ? "stream " : "", m->input_type != NULL ? m->input_type : "",
               m->server_streaming ? "stream " : "", m->output_type != NULL ? m->output_type : "");
    opt_list list = {NULL, 0, false};
    options_list(r, m->options, ".google.protobuf.MethodOptions", &list);
    if (list.n == 0) {
      sjw_puts(&r->out, ";\n");
    } else {
      sjw_puts(&r->out, " {\n");
      for (size_t k = 0; k < list.n; k++) {
        indent(r, 2);
        sjw_printf(&r->out, "option %s;\n", list.items[k]);
      }
      indent(r, 1);
      sjw_puts(&r->out, "}\n");
    }
    if (list.failed) {
      r->out.failed = true;
    }
    opt_release(&list);
  }
  sjw_puts(&r->out, "}\n");
}

static void imports(render *r) {
  const pbc_file_proto *f = r->file->proto;
  char **lines = calloc(f->n_dependency + 1, sizeof *lines);
  if (lines == NULL) {
    r->out.failed = true;
    return;
  }
  for (size_t i = 0; i < f->n_dependency; i++) {
    const char *kind = "";
    for (size_t k = 0; k < f->n_public_dependency; k++) {
      kind = f->public_dependency[k] == (int32_t)i ? "public " : kind;
    }
    for (size_t k = 0; k < f->n_weak_dependency; k++) {
      kind = f->weak_dependency[k] == (int32_t)i ? "weak " : kind;
    }
    sjw_buf b = SJW_BUF_INIT;
    sjw_printf(&b, "import %s", kind);
    quoted(&b, f->dependency[i], strlen(f->dependency[i]));
    sjw_puts(&b, ";\n");
    lines[i] = sjw_take(&b);
    if (lines[i] == NULL) {
      r->out.failed = true;
    }
  }
  if (r->normalize && f->n_dependency > 1 && !r->out.failed) {
    qsort(lines, f->n_dependency, sizeof *lines, cmp_str);
  }
  for (size_t i = 0; i < f->n_dependency; i++) {
    if (lines[i] != NULL) {
      sjw_puts(&r->out, lines[i]);
    }
    free(lines[i]);
  }
  free(lines);
}

char *pbc_render(const pbc_file *file, bool normalize) {
  render r;
  memset(&r, 0, sizeof r);
  r.file = file;
  r.normalize = normalize;
  const pbc_file_proto *f = file->proto;
  r.proto3 = f->syntax != NULL && strcmp(f->syntax, "proto3") == 0;
  r.editions = f->syntax != NULL && strcmp(f->syntax, "editions") == 0;
  if (pbc_file_closure(file, &r.closure, &r.nclosure) != STRATA_E_OK) {
    return NULL;
  }
  if (r.editions) {
    unsigned edition = 2023;
    for (size_t i = 0; i < f->base.n_unknown_fields; i++) {
      const ProtobufCMessageUnknownField *u = &f->base.unknown_fields[i];
      if (u->tag == 14 && u->len == 2) {
        edition = (u->data[0] & 0x7f) | (unsigned)u->data[1] << 7;
        edition = edition == 1001 ? 2024 : 2023;
      }
    }
    sjw_printf(&r.out, "edition = \"%u\";\n", edition);
  } else {
    sjw_printf(&r.out, "syntax = \"%s\";\n", r.proto3 ? "proto3" : "proto2");
  }
  if (f->package != NULL) {
    sjw_printf(&r.out, "package %s;\n", f->package);
  }
  imports(&r);
  option_lines(&r, f->options, ".google.protobuf.FileOptions", 0);
  for (size_t i = 0; i < f->n_message_type; i++) {
    bool group = false;
    for (size_t k = 0; k < f->n_extension && !group; k++) {
      group = f->extension[k]->type == TY(GROUP) && f->extension[k]->type_name != NULL &&
              strrchr(f->extension[k]->type_name, '.') != NULL &&
              strcmp(strrchr(f->extension[k]->type_name, '.') + 1, f->message_type[i]->name) == 0;
    }
    if (!group) {
      message_decl(&r, f->message_type[i], 0);
    }
  }
  for (size_t i = 0; i < f->n_enum_type; i++) {
    enum_decl(&r, f->enum_type[i], 0);
  }
  for (size_t i = 0; i < f->n_service; i++) {
    service_decl(&r, f->service[i]);
  }
  extend_blocks(&r, NULL, f->extension, f->n_extension, 0);
  free(r.closure);
  return sjw_take(&r.out);
}
