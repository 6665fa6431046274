/*
 * reply.c - the rq_reply setters handlers use (request.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_writer.h"
#include "request.h"

void rq_fail(rq_reply *reply, strata_error error, const char *fmt, ...) {
  rb_unref(reply->body);
  reply->body = NULL;
  reply->error = error;
  if (fmt == NULL) {
    snprintf(reply->message, sizeof reply->message, "%s", strata_strerror(error));
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reply->message, sizeof reply->message, fmt, ap);
  va_end(ap);
}

void rq_set_body(rq_reply *reply, rb_body *body) {
  rb_unref(reply->body);
  reply->body = NULL;
  if (body == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    return;
  }
  reply->error = STRATA_E_OK;
  reply->body = body;
}

void rq_set_json(rq_reply *reply, json_t *value) {
  sjw_buf buf = SJW_BUF_INIT;
  if (value == NULL) {
    rq_set_body(reply, NULL);
    return;
  }
  sjw_value(&buf, value);
  json_decref(value);
  size_t len = buf.len;
  char *text = sjw_take(&buf);
  rq_set_body(reply, text != NULL ? rb_adopt(text, len) : NULL);
}

void rq_set_text(rq_reply *reply, const char *text, size_t len) {
  rq_set_body(reply, rb_copy(text, len));
}
