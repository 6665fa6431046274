/*
 * path.c - building request paths and cache keys: a growable byte buffer,
 * percent-encoding of path segments and query values, strata_client_escape().
 */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool buf_reserve(sclc_buf *buf, size_t extra) {
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

void sclc_buf_add(sclc_buf *buf, const void *bytes, size_t len) {
  if (!buf_reserve(buf, len)) {
    return;
  }
  memcpy(buf->data + buf->len, bytes, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
}

void sclc_buf_add_field(sclc_buf *buf, const char *text) {
  if (text == NULL) {
    sclc_buf_add(buf, "-;", 2);
    return;
  }
  size_t len = strlen(text);
  sclc_buf_printf(buf, "%zu:", len);
  sclc_buf_add(buf, text, len);
  sclc_buf_add(buf, ";", 1);
}

void sclc_buf_printf(sclc_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    buf->failed = true;
    return;
  }
  if (!buf_reserve(buf, (size_t)n)) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->len += (size_t)n;
}

void sclc_buf_release(sclc_buf *buf) {
  free(buf->data);
  memset(buf, 0, sizeof *buf);
}

const char *sclc_buf_text(sclc_buf *buf) {
  if (buf->failed) {
    return NULL;
  }
  if (buf->data == NULL && !buf_reserve(buf, 0)) {
    return NULL;
  }
  buf->data[buf->len] = '\0';
  return buf->data;
}

static bool unreserved(unsigned char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

/* Appends @p text percent-encoded: every byte but the unreserved ones. */
static void add_encoded(sclc_buf *buf, const char *text) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
    if (unreserved(*p)) {
      sclc_buf_add(buf, p, 1);
    } else {
      char esc[3] = {'%', hex[*p >> 4], hex[*p & 0x0F]};
      sclc_buf_add(buf, esc, sizeof esc);
    }
  }
}

void sclt_path_segment(sclc_buf *buf, const char *segment) {
  sclc_buf_add(buf, "/", 1);
  add_encoded(buf, segment);
}

void sclt_query(sclc_buf *buf, bool *first, const char *name, const char *value) {
  sclc_buf_add(buf, *first ? "?" : "&", 1);
  *first = false;
  add_encoded(buf, name);
  sclc_buf_add(buf, "=", 1);
  add_encoded(buf, value);
}

char *strata_client_escape(const char *segment) {
  sclc_buf buf = {0};
  if (segment == NULL) {
    return NULL;
  }
  add_encoded(&buf, segment);
  if (sclc_buf_text(&buf) == NULL) {
    sclc_buf_release(&buf);
    return NULL;
  }
  return buf.data;
}

bool sclt_path_version(sclc_buf *buf, int version) {
  if (version == STRATA_CLIENT_LATEST) {
    sclc_buf_add(buf, "/versions/latest", strlen("/versions/latest"));
    return true;
  }
  if (version <= 0) {
    return false;
  }
  sclc_buf_printf(buf, "/versions/%d", version);
  return true;
}
