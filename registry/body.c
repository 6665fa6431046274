/*
 * body.c - reference-counted response bodies (body.h).
 */
#include "body.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct rb_body {
  atomic_size_t refs;
  size_t len;
  char *data;
};

rb_body *rb_adopt(char *data, size_t len) {
  rb_body *body = malloc(sizeof *body);
  if (body == NULL) {
    free(data);
    return NULL;
  }
  atomic_init(&body->refs, 1);
  body->len = len;
  body->data = data;
  return body;
}

rb_body *rb_copy(const char *data, size_t len) {
  char *copy = malloc(len + 1);
  if (copy == NULL) {
    return NULL;
  }
  if (len > 0) {
    memcpy(copy, data, len);
  }
  copy[len] = '\0';
  return rb_adopt(copy, len);
}

rb_body *rb_ref(rb_body *body) {
  if (body != NULL) {
    atomic_fetch_add_explicit(&body->refs, 1, memory_order_relaxed);
  }
  return body;
}

void rb_unref(rb_body *body) {
  if (body != NULL && atomic_fetch_sub_explicit(&body->refs, 1, memory_order_acq_rel) == 1) {
    free(body->data);
    free(body);
  }
}

const char *rb_data(const rb_body *body) {
  return body->data;
}

size_t rb_len(const rb_body *body) {
  return body->len;
}
