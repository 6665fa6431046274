/* json_writer.c - growable buffer and Jackson-style compact JSON output. */
#include "json_writer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool sjw_reserve(sjw_buf *buf, size_t extra) {
  if (buf->failed) {
    return false;
  }
  if (buf->len + extra + 1 <= buf->cap) {
    return true;
  }
  size_t cap = buf->cap ? buf->cap : 64;
  while (cap < buf->len + extra + 1) {
    cap *= 2;
  }
  char *grown = realloc(buf->data, cap);
  if (grown == NULL) {
    buf->failed = true;
    return false;
  }
  buf->data = grown;
  buf->cap = cap;
  return true;
}

void sjw_put(sjw_buf *buf, const char *s, size_t n) {
  if (!sjw_reserve(buf, n)) {
    return;
  }
  memcpy(buf->data + buf->len, s, n);
  buf->len += n;
  buf->data[buf->len] = '\0';
}

void sjw_puts(sjw_buf *buf, const char *s) {
  sjw_put(buf, s, strlen(s));
}

void sjw_putc(sjw_buf *buf, char c) {
  sjw_put(buf, &c, 1);
}

void sjw_printf(sjw_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !sjw_reserve(buf, (size_t)n)) {
    buf->failed = true;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->len += (size_t)n;
}

void sjw_string_n(sjw_buf *buf, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  sjw_putc(buf, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char uesc[7];
    switch (c) {
    case '"':
      esc = "\\\"";
      break;
    case '\\':
      esc = "\\\\";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\t':
      esc = "\\t";
      break;
    case '\r':
      esc = "\\r";
      break;
    case '\b':
      esc = "\\b";
      break;
    case '\f':
      esc = "\\f";
      break;
    default:
      if (c < 0x20) {
        uesc[0] = '\\';
        uesc[1] = 'u';
        uesc[2] = '0';
        uesc[3] = '0';
        uesc[4] = hex[c >> 4];
        uesc[5] = hex[c & 0xf];
        uesc[6] = '\0';
        esc = uesc;
      }
      break;
    }
    if (esc != NULL) {
      sjw_put(buf, s + i - run, run);
      run = 0;
      sjw_puts(buf, esc);
    } else {
      run++;
    }
  }
  sjw_put(buf, s + n - run, run);
  sjw_putc(buf, '"');
}

void sjw_string(sjw_buf *buf, const char *s) {
  sjw_string_n(buf, s, strlen(s));
}

/* The shortest "%.*e" rendering of d that reads back exactly, with at least
 * two significant digits as Java's Double.toString() chooses them. */
static int shortest_digits(double d, char *out, size_t outsz) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(out, outsz, "%.*e", prec, d);
    if (strtod(out, NULL) == d) {
      return prec;
    }
  }
  return 17;
}

void sjw_java_double(sjw_buf *buf, double d) {
  if (isnan(d)) {
    sjw_puts(buf, "NaN");
    return;
  }
  if (isinf(d)) {
    sjw_puts(buf, d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (d == 0) {
    sjw_puts(buf, signbit(d) ? "-0.0" : "0.0");
    return;
  }
  char sci[40];
  shortest_digits(d, sci, sizeof sci);
  /* sci looks like "-1.2345e+07": split into sign, digits and exponent. */
  const char *p = sci;
  bool neg = false;
  if (*p == '-') {
    neg = true;
    p++;
  }
  char digits[24];
  size_t nd = 0;
  for (; *p != 'e' && *p != '\0'; p++) {
    if (*p != '.' && nd < sizeof digits - 1) {
      digits[nd++] = *p;
    }
  }
  digits[nd] = '\0';
  int exp10 = (*p == 'e') ? atoi(p + 1) : 0;
  while (nd > 1 && digits[nd - 1] == '0') {
    digits[--nd] = '\0';
  }
  if (neg) {
    sjw_putc(buf, '-');
  }
  double mag = fabs(d);
  if (mag >= 1e-3 && mag < 1e7) {
    if (exp10 >= 0) {
      /* integer part is digits[0..exp10], padded with zeros */
      for (int i = 0; i <= exp10; i++) {
        sjw_putc(buf, (size_t)i < nd ? digits[i] : '0');
      }
      sjw_putc(buf, '.');
      if ((size_t)exp10 + 1 < nd) {
        sjw_puts(buf, digits + exp10 + 1);
      } else {
        sjw_putc(buf, '0');
      }
    } else {
      sjw_puts(buf, "0.");
      for (int i = -1; i > exp10; i--) {
        sjw_putc(buf, '0');
      }
      sjw_puts(buf, digits);
    }
    return;
  }
  sjw_putc(buf, digits[0]);
  sjw_putc(buf, '.');
  sjw_puts(buf, nd > 1 ? digits + 1 : "0");
  sjw_printf(buf, "E%d", exp10);
}

void sjw_value(sjw_buf *buf, const json_t *value) {
  switch (json_typeof(value)) {
  case JSON_OBJECT: {
    const char *key;
    json_t *member;
    bool first = true;
    sjw_putc(buf, '{');
    json_object_foreach((json_t *)value, key, member) {
      if (!first) {
        sjw_putc(buf, ',');
      }
      first = false;
      sjw_string(buf, key);
      sjw_putc(buf, ':');
      sjw_value(buf, member);
    }
    sjw_putc(buf, '}');
    break;
  }
  case JSON_ARRAY: {
    sjw_putc(buf, '[');
    for (size_t i = 0; i < json_array_size(value); i++) {
      if (i > 0) {
        sjw_putc(buf, ',');
      }
      sjw_value(buf, json_array_get(value, i));
    }
    sjw_putc(buf, ']');
    break;
  }
  case JSON_STRING:
    sjw_string_n(buf, json_string_value(value), json_string_length(value));
    break;
  case JSON_INTEGER:
    sjw_printf(buf, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    break;
  case JSON_REAL:
    sjw_java_double(buf, json_real_value(value));
    break;
  case JSON_TRUE:
    sjw_puts(buf, "true");
    break;
  case JSON_FALSE:
    sjw_puts(buf, "false");
    break;
  case JSON_NULL:
    sjw_puts(buf, "null");
    break;
  }
}

char *sjw_take(sjw_buf *buf) {
  char *out = NULL;
  if (!buf->failed) {
    if (buf->data == NULL) {
      out = calloc(1, 1);
    } else {
      out = buf->data;
      buf->data = NULL;
    }
  }
  sjw_release(buf);
  return out;
}

void sjw_release(sjw_buf *buf) {
  free(buf->data);
  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;
  buf->failed = false;
}
