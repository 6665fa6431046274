/*
 * cli_json_locate.c - where a JSON pointer lands in JSON text (line and
 * column, for CI annotations), and the translation of a pointer from one
 * version of a schema document to the matching element of another.
 *
 * The locator scans the text itself rather than parsing it into a tree,
 * because a parsed tree no longer knows where its values were.
 */
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A position in the text being scanned. */
typedef struct jl_scan {
  const char *p;
  const char *end;
  int line;
  int column;
} jl_scan;

/* The longest object key or pointer segment compared; longer ones never match. */
#define JL_SEGMENT_MAX 1024

static void jl_advance(jl_scan *s) {
  unsigned char c = (unsigned char)*s->p++;
  if (c == '\n') {
    s->line++;
    s->column = 1;
  } else if ((c & 0xC0) != 0x80) {
    s->column++; /* count characters, not UTF-8 continuation bytes */
  }
}

static void jl_skip_space(jl_scan *s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')) {
    jl_advance(s);
  }
}

/* Skips the string at s->p (which is '"'). False when it does not end. */
static bool jl_skip_string(jl_scan *s) {
  jl_advance(s);
  while (s->p < s->end) {
    char c = *s->p;
    jl_advance(s);
    if (c == '"') {
      return true;
    }
    if (c == '\\') {
      if (s->p >= s->end) {
        return false;
      }
      jl_advance(s);
    }
  }
  return false;
}

/* Skips one whole value. False on text that is not JSON. */
static bool jl_skip_value(jl_scan *s) {
  int depth = 0;
  do {
    jl_skip_space(s);
    if (s->p >= s->end) {
      return false;
    }
    char c = *s->p;
    if (c == '"') {
      if (!jl_skip_string(s)) {
        return false;
      }
    } else if (c == '{' || c == '[') {
      depth++;
      jl_advance(s);
    } else if (c == '}' || c == ']' || c == ',' || c == ':') {
      if (depth == 0) {
        return false;
      }
      depth -= c == '}' || c == ']';
      jl_advance(s);
    } else {
      while (s->p < s->end && strchr(" \t\r\n,:[]{}\"", *s->p) == NULL) {
        jl_advance(s);
      }
    }
  } while (depth > 0);
  return true;
}

static int jl_hex4(const char *p, const char *end) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    if (p + i >= end) {
      return -1;
    }
    char c = p[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) {
      return -1;
    }
    v = v * 16 + d;
  }
  return v;
}

/* Appends code point @p cp as UTF-8 to buf (cap bytes, *n used); false when it does not fit. */
static bool jl_put_utf8(char *buf, size_t cap, size_t *n, uint32_t cp) {
  char tmp[4];
  size_t k;
  if (cp < 0x80) {
    tmp[0] = (char)cp;
    k = 1;
  } else if (cp < 0x800) {
    tmp[0] = (char)(0xC0 | (cp >> 6));
    tmp[1] = (char)(0x80 | (cp & 0x3F));
    k = 2;
  } else if (cp < 0x10000) {
    tmp[0] = (char)(0xE0 | (cp >> 12));
    tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    tmp[2] = (char)(0x80 | (cp & 0x3F));
    k = 3;
  } else {
    tmp[0] = (char)(0xF0 | (cp >> 18));
    tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    tmp[3] = (char)(0x80 | (cp & 0x3F));
    k = 4;
  }
  if (*n + k >= cap) {
    return false;
  }
  memcpy(buf + *n, tmp, k);
  *n += k;
  return true;
}

/*
 * Reads the string at s->p (which is '"') into buf, decoding escapes. Returns
 * 1 when decoded, 0 when it was too long for buf (skipped), -1 on bad text.
 */
static int jl_read_string(jl_scan *s, char *buf, size_t cap) {
  size_t n = 0;
  bool fits = true;
  jl_advance(s);
  while (s->p < s->end) {
    char c = *s->p;
    if (c == '"') {
      jl_advance(s);
      buf[n] = '\0';
      return fits ? 1 : 0;
    }
    if (c != '\\') {
      fits = fits && n + 1 < cap;
      if (fits) {
        buf[n++] = c;
      }
      jl_advance(s);
      continue;
    }
    jl_advance(s);
    if (s->p >= s->end) {
      return -1;
    }
    char e = *s->p;
    jl_advance(s);
    uint32_t cp;
    switch (e) {
    case 'b':
      cp = '\b';
      break;
    case 'f':
      cp = '\f';
      break;
    case 'n':
      cp = '\n';
      break;
    case 'r':
      cp = '\r';
      break;
    case 't':
      cp = '\t';
      break;
    case 'u': {
      int hi = jl_hex4(s->p, s->end);
      if (hi < 0) {
        return -1;
      }
      for (int i = 0; i < 4; i++) {
        jl_advance(s);
      }
      cp = (uint32_t)hi;
      if (hi >= 0xD800 && hi < 0xDC00 && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u') {
        int lo = jl_hex4(s->p + 2, s->end);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
          for (int i = 0; i < 6; i++) {
            jl_advance(s);
          }
        }
      }
      break;
    }
    default:
      cp = (unsigned char)e; /* \" \\ \/ */
      break;
    }
    fits = fits && jl_put_utf8(buf, cap, &n, cp);
  }
  return -1;
}

/*
 * Copies the next segment of @p pointer (at *pos, just after a '/') into seg,
 * undoing the ~1 and ~0 escapes, and moves *pos past it. False when too long.
 */
static bool jl_next_segment(const char **pos, char *seg, size_t cap) {
  const char *p = *pos;
  size_t n = 0;
  bool fits = true;
  while (*p != '\0' && *p != '/') {
    char c = *p++;
    if (c == '~' && (*p == '0' || *p == '1')) {
      c = *p++ == '0' ? '~' : '/';
    }
    fits = fits && n + 1 < cap;
    if (fits) {
      seg[n++] = c;
    }
  }
  seg[n] = '\0';
  *pos = p;
  return fits;
}

/* The array index a segment names: decimal digits without a leading zero; -1 otherwise. */
static long jl_index(const char *seg) {
  if (seg[0] == '\0' || (seg[0] == '0' && seg[1] != '\0')) {
    return -1;
  }
  long v = 0;
  for (const char *p = seg; *p != '\0'; p++) {
    if (*p < '0' || *p > '9' || v > 100000000) {
      return -1;
    }
    v = v * 10 + (*p - '0');
  }
  return v;
}

/* Moves s to the member @p key of the object at s->p; false when absent. */
static bool jl_enter_member(jl_scan *s, const char *key) {
  char buf[JL_SEGMENT_MAX];
  jl_advance(s); /* '{' */
  for (;;) {
    jl_skip_space(s);
    if (s->p >= s->end || *s->p != '"') {
      return false;
    }
    int got = jl_read_string(s, buf, sizeof buf);
    if (got < 0) {
      return false;
    }
    jl_skip_space(s);
    if (s->p >= s->end || *s->p != ':') {
      return false;
    }
    jl_advance(s);
    jl_skip_space(s);
    if (got == 1 && strcmp(buf, key) == 0) {
      return s->p < s->end;
    }
    if (!jl_skip_value(s)) {
      return false;
    }
    jl_skip_space(s);
    if (s->p >= s->end || *s->p != ',') {
      return false;
    }
    jl_advance(s);
  }
}

/* Moves s to element @p index of the array at s->p; false when absent. */
static bool jl_enter_element(jl_scan *s, long index) {
  jl_advance(s); /* '[' */
  for (long k = 0;; k++) {
    jl_skip_space(s);
    if (s->p >= s->end || *s->p == ']') {
      return false;
    }
    if (k == index) {
      return true;
    }
    if (!jl_skip_value(s)) {
      return false;
    }
    jl_skip_space(s);
    if (s->p >= s->end || *s->p != ',') {
      return false;
    }
    jl_advance(s);
  }
}

int cli_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column) {
  jl_scan s = {text, text + len, 1, 1};
  char seg[JL_SEGMENT_MAX];
  int matched = 0;

  /* A UTF-8 byte order mark is not part of the document. */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    s.p += 3;
  }
  jl_skip_space(&s);
  if (s.p >= s.end) {
    return -1;
  }
  *line = s.line;
  *column = s.column;
  /* "" is the whole document; so is "/", as the compat library writes the root. */
  const char *pos = pointer;
  if (pos == NULL || strcmp(pos, "/") == 0 || *pos != '/') {
    return 0;
  }
  while (*pos == '/') {
    pos++;
    if (!jl_next_segment(&pos, seg, sizeof seg)) {
      break;
    }
    bool found = false;
    if (*s.p == '{') {
      found = jl_enter_member(&s, seg);
    } else if (*s.p == '[') {
      long index = jl_index(seg);
      found = index >= 0 && jl_enter_element(&s, index);
    }
    if (!found) {
      break;
    }
    matched++;
    *line = s.line;
    *column = s.column;
  }
  return matched;
}

/* ------------------------------------------------------------------------ */
/* Pointer translation between two versions of a document                   */
/* ------------------------------------------------------------------------ */

static const char *jl_string_member(const json_t *value, const char *key) {
  return json_is_object(value) ? json_string_value(json_object_get(value, key)) : NULL;
}

/* True when the array @p list (may be NULL) holds the string @p s. */
static bool jl_list_has(const json_t *list, const char *s) {
  size_t i;
  const json_t *item;
  json_array_foreach(list, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), s) == 0) {
      return true;
    }
  }
  return false;
}

/*
 * True when @p b, an element of the other document's array, is the same
 * element as @p a: the same "name" (or an alias of it), the same string, or,
 * for unnamed objects, the same "type".
 */
static bool jl_same_element(const json_t *a, const json_t *b) {
  const char *name_a = jl_string_member(a, "name");
  const char *name_b = jl_string_member(b, "name");
  if (name_a != NULL || name_b != NULL) {
    if (name_a == NULL || name_b == NULL) {
      return false;
    }
    return strcmp(name_a, name_b) == 0 || jl_list_has(json_object_get(b, "aliases"), name_a) ||
           jl_list_has(json_object_get(a, "aliases"), name_b);
  }
  if (json_is_string(a)) {
    return json_is_string(b) && strcmp(json_string_value(a), json_string_value(b)) == 0;
  }
  const char *type_a = jl_string_member(a, "type");
  const char *type_b = jl_string_member(b, "type");
  return type_a != NULL && type_b != NULL && strcmp(type_a, type_b) == 0;
}

/* Appends "/" and @p seg, escaped, to the growing string *buf (*n used, *cap allocated). */
static bool jl_append_segment(char **buf, size_t *n, size_t *cap, const char *seg) {
  size_t need = *n + 2 * strlen(seg) + 2;
  if (need > *cap) {
    size_t grown_cap = need * 2;
    char *grown = realloc(*buf, grown_cap);
    if (grown == NULL) {
      return false;
    }
    *buf = grown;
    *cap = grown_cap;
  }
  (*buf)[(*n)++] = '/';
  for (const char *p = seg; *p != '\0'; p++) {
    if (*p == '~' || *p == '/') {
      (*buf)[(*n)++] = '~';
      (*buf)[(*n)++] = *p == '~' ? '0' : '1';
    } else {
      (*buf)[(*n)++] = *p;
    }
  }
  (*buf)[*n] = '\0';
  return true;
}

char *cli_json_pointer_translate(const char *from_text, const char *to_text, const char *pointer) {
  json_t *from = json_loads(from_text, JSON_DECODE_ANY, NULL);
  json_t *to = json_loads(to_text, JSON_DECODE_ANY, NULL);
  char seg[JL_SEGMENT_MAX];
  char *buf = NULL;
  size_t n = 0;
  size_t cap = 0;
  char *result = NULL;

  if (from == NULL || to == NULL) {
    goto cleanup;
  }
  buf = calloc(1, 1);
  if (buf == NULL) {
    goto cleanup;
  }
  cap = 1;
  const json_t *a = from;
  const json_t *b = to;
  const char *pos = pointer != NULL && strcmp(pointer, "/") != 0 ? pointer : "";
  while (*pos == '/') {
    pos++;
    if (!jl_next_segment(&pos, seg, sizeof seg)) {
      break;
    }
    const json_t *next_a = NULL;
    const json_t *next_b = NULL;
    char index_text[32];
    const char *out_seg = seg;
    if (json_is_object(a) && json_is_object(b)) {
      next_a = json_object_get(a, seg);
      next_b = json_object_get(b, seg);
    } else if (json_is_array(a) && json_is_array(b)) {
      long index = jl_index(seg);
      next_a = index >= 0 ? json_array_get(a, (size_t)index) : NULL;
      for (size_t k = 0; next_a != NULL && k < json_array_size(b); k++) {
        if (jl_same_element(next_a, json_array_get(b, k))) {
          next_b = json_array_get(b, k);
          snprintf(index_text, sizeof index_text, "%zu", k);
          out_seg = index_text;
          break;
        }
      }
    }
    if (next_a == NULL || next_b == NULL) {
      break;
    }
    if (!jl_append_segment(&buf, &n, &cap, out_seg)) {
      goto cleanup;
    }
    a = next_a;
    b = next_b;
  }
  result = buf;
  buf = NULL;

cleanup:
  free(buf);
  json_decref(from);
  json_decref(to);
  return result;
}
