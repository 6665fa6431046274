/*
 * request.h - what a handler sees of one HTTP request, and the reply it fills.
 *
 * The HTTP layer (server.c, routes.c) decodes the path, matches a route and
 * calls the route's handler with an rq_request; the handler fills an
 * rq_reply, which the HTTP layer turns into a response: a success body with
 * the negotiated content type, or Confluent's error shape
 * {"error_code":N,"message":"..."} with the error's HTTP status.
 */
#ifndef STRATA_REGISTRY_REQUEST_H
#define STRATA_REGISTRY_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <strata/error.h>

#include "body.h"

/** HTTP methods the API uses. */
typedef enum rq_method {
  RQ_GET,
  RQ_POST,
  RQ_PUT,
  RQ_DELETE
} rq_method;

/**
 * One request. Every string is borrowed for the duration of the handler call
 * and NUL-terminated.
 */
typedef struct rq_request {
  rq_method method;
  /** the path as received (still percent-encoded), for logs */
  const char *url;
  /**
   * {subject}, percent-decoded exactly once ("%2F" is "/", "+" stays "+").
   * Under a /contexts/{ctx}/ prefix it is qualified as ":{ctx}:{subject}"
   * unless it already starts with ":". NULL when the route has no {subject}.
   */
  const char *subject;
  /** {version}, decoded but not validated (handlers answer 42202) */
  const char *version;
  /** {id}; routes only match a decimal integer that fits in int64 */
  int64_t id;
  /** {guid}, decoded */
  const char *guid;
  /**
   * The {ctx} of a /contexts/{ctx}/... prefix or of DELETE /contexts/{ctx},
   * decoded (e.g. ".team-a"); NULL without one.
   */
  const char *context;
  /** the request body, NUL-terminated; "" and 0 when there is none */
  const char *body;
  size_t body_len;
  /** the HTTP layer's connection, for the rq_query_* functions */
  void *conn;
} rq_request;

/**
 * The first value of query parameter @p name, percent-decoded (with "+" as
 * space, as in form encoding); NULL when absent. Borrowed for the call.
 */
const char *rq_query(const rq_request *req, const char *name);

/** A Java-style boolean parameter: true iff present and equal to "true" ignoring case. */
bool rq_query_bool(const rq_request *req, const char *name);

/**
 * An integer parameter: stores @p def when absent, else the decimal value.
 * Returns false when the value is not a decimal integer in int64 range (the
 * handler then answers 404, as JAX-RS does).
 */
bool rq_query_int(const rq_request *req, const char *name, int64_t def, int64_t *out);

/**
 * Every value of a repeated parameter, in request order: stores up to @p max
 * borrowed pointers in @p values and returns how many values there are in all.
 */
size_t rq_query_all(const rq_request *req, const char *name, const char **values, size_t max);

/** What a handler answers. Zero-initialise, then call the rq_* setters. */
typedef struct rq_reply {
  /** STRATA_E_OK, or the error whose Confluent code and HTTP status are sent */
  strata_error error;
  /** the error message sent as "message" */
  char message[1024];
  /** success status; 0 means 200. 204 sends no body. */
  int status;
  /** the success body (a reference the HTTP layer drops after sending) */
  rb_body *body;
} rq_reply;

/**
 * Sets an error reply. @p fmt (printf-style) gives the message; NULL uses
 * strata_strerror(@p error). Drops any body already set.
 */
void rq_fail(rq_reply *reply, strata_error error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Sets the success body; steals @p body (NULL: out of memory, answered as 500). */
void rq_set_body(rq_reply *reply, rb_body *body);

struct json_t;

/** Sets the success body to the compact JSON of @p value; steals @p value. */
void rq_set_json(rq_reply *reply, struct json_t *value);

/** Sets the success body to a copy of @p len bytes of @p text. */
void rq_set_text(rq_reply *reply, const char *text, size_t len);

#endif /* STRATA_REGISTRY_REQUEST_H */
