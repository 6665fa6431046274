/*
 * json_writer.h - a growable text buffer and compact JSON output in the style
 * of Java's Jackson (the text Confluent's registry produces): no whitespace,
 * standard short escapes, non-ASCII written as UTF-8, doubles formatted as
 * Java's Double.toString().
 */
#ifndef STRATA_COMPAT_JSON_WRITER_H
#define STRATA_COMPAT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/** A growable NUL-terminated buffer. Zero-initialise with SJW_BUF_INIT. */
typedef struct sjw_buf {
  char *data;
  size_t len;
  size_t cap;
  /** set once an allocation failed; later appends are ignored */
  bool failed;
} sjw_buf;

#define SJW_BUF_INIT                                                                               \
  { NULL, 0, 0, false }

/** Appends @p n bytes. Errors are sticky in buf->failed. */
void sjw_put(sjw_buf *buf, const char *s, size_t n);
/** Appends a NUL-terminated string. */
void sjw_puts(sjw_buf *buf, const char *s);
/** Appends one character. */
void sjw_putc(sjw_buf *buf, char c);
/** Appends printf-style text. */
void sjw_printf(sjw_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Appends @p s as a quoted, escaped JSON string. */
void sjw_string(sjw_buf *buf, const char *s);
/** Appends @p s (length @p n) as a quoted, escaped JSON string. */
void sjw_string_n(sjw_buf *buf, const char *s, size_t n);
/** Appends a JSON value compactly (object keys in insertion order). */
void sjw_value(sjw_buf *buf, const json_t *value);
/** Appends a double formatted as Java's Double.toString() does. */
void sjw_java_double(sjw_buf *buf, double d);

/**
 * Takes the buffer's text: returns a new NUL-terminated string (free with
 * free()) and resets @p buf, or NULL if any append failed (the buffer is
 * released either way).
 */
char *sjw_take(sjw_buf *buf);
/** Releases the buffer's memory and resets it. */
void sjw_release(sjw_buf *buf);

#endif /* STRATA_COMPAT_JSON_WRITER_H */
