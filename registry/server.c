/*
 * server.c - the HTTP server on libmicrohttpd (server.h) and the query
 * parameter accessors handlers use (request.h).
 *
 * Every TCP connection owns one srv_conn, created when MHD accepts the
 * connection and reused for each request on it: the route scratch buffer,
 * the upload buffer and a small arena for decoded query values live there,
 * so a keep-alive GET allocates nothing of ours besides what the handler and
 * MHD's response need.
 *
 * MHD calls the access handler at least twice per request. The first call
 * only looks at the request line and headers (route, Content-Type, Accept,
 * Content-Length); the upload, if any, arrives in the following calls; the
 * last call (no upload data left) answers. Answering on the first call would
 * make MHD close the connection after the response, which costs keep-alive
 * clients dearly, so it is done only when the connection must close anyway:
 * a declared Content-Length above the limit (413 without reading the body).
 */
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "json_writer.h"
#include "request.h"
#include "routes.h"

/* Inline sizes of the per-connection buffers; longer requests use the heap. */
#define SRV_ARENA_INLINE   1024
#define SRV_SCRATCH_INLINE 512
/* An upload buffer larger than this is released after its request. */
#define SRV_BODY_KEEP ((size_t)64 * 1024)
/* How long srv_stop() waits for the requests in flight. */
#define SRV_DRAIN_MS 10000

/** The response media types, in the server's order of preference (§1.1). */
static const char *const srv_media[] = {
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
};
#define SRV_NMEDIA (sizeof srv_media / sizeof srv_media[0])

/** The Content-Type of error replies when the Accept header matched nothing. */
#define SRV_ERROR_MEDIA "application/json"

struct srv_server {
  struct MHD_Daemon *daemon;
  reg_registry *reg;
  size_t max_body;
  int listen_fd;
  uint16_t port;
  FILE *log;
  bool log_owned;
  /** requests between their first access-handler call and their completion */
  atomic_int inflight;
};

/** An overflow block of the per-connection arena. */
typedef struct srv_block {
  struct srv_block *next;
  size_t cap;
  size_t used;
  char data[];
} srv_block;

/** The state of one TCP connection and of its current request. */
typedef struct srv_conn {
  srv_server *srv;

  /* The current request. */
  unsigned calls; /* access-handler calls so far */
  bool counted;   /* counted in srv->inflight */
  bool queued;    /* a response is queued */
  bool keep_body; /* the upload is stored (no error decided before it) */
  bool bad_content_type;
  bool not_acceptable;
  strata_error upload_error; /* decided while the body arrived: 413, or ENOMEM */
  srt_status route_status;
  srt_result route;
  int media; /* index into srv_media, -1 when the Accept header matched none */
  size_t body_seen;
  size_t body_len;

  /* Logging (only filled when the access log is on). */
  struct timespec start;
  const char *log_uri;
  char method[16];
  int status;
  size_t bytes;

  /* Buffers reused by every request of the connection. */
  char *body;
  size_t body_cap;
  char *scratch;
  size_t scratch_cap;
  size_t arena_used;
  srv_block *blocks;
  char scratch_inline[SRV_SCRATCH_INLINE];
  char arena[SRV_ARENA_INLINE];
} srv_conn;

/* ---- per-connection arena ---------------------------------------------- */

static char *srv_arena_alloc(srv_conn *c, size_t n) {
  if (SRV_ARENA_INLINE - c->arena_used >= n) {
    char *p = c->arena + c->arena_used;
    c->arena_used += n;
    return p;
  }
  if (c->blocks != NULL && c->blocks->cap - c->blocks->used >= n) {
    char *p = c->blocks->data + c->blocks->used;
    c->blocks->used += n;
    return p;
  }
  size_t cap = n > 4096 ? n : 4096;
  srv_block *b = malloc(sizeof *b + cap);
  if (b == NULL) {
    return NULL;
  }
  b->next = c->blocks;
  b->cap = cap;
  b->used = n;
  c->blocks = b;
  return b->data;
}

static void srv_arena_reset(srv_conn *c) {
  while (c->blocks != NULL) {
    srv_block *next = c->blocks->next;
    free(c->blocks);
    c->blocks = next;
  }
  c->arena_used = 0;
}

static void srv_request_reset(srv_conn *c) {
  c->calls = 0;
  c->queued = false;
  c->keep_body = false;
  c->bad_content_type = false;
  c->not_acceptable = false;
  c->upload_error = STRATA_E_OK;
  c->route_status = SRT_NOT_FOUND;
  c->media = 0;
  c->body_seen = 0;
  c->body_len = 0;
  c->log_uri = NULL;
  c->method[0] = '\0';
  c->status = 0;
  c->bytes = 0;
  srv_arena_reset(c);
}

static srv_conn *srv_conn_of(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info != NULL ? info->socket_context : NULL;
}

/* ---- content negotiation ------------------------------------------------ */

static const char *srv_skip_space(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t')) {
    p++;
  }
  return p;
}

static const char *srv_trim_end(const char *p, const char *end) {
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
    end--;
  }
  return end;
}

/* The first @p ch in [p, end), or NULL. */
static const char *srv_find(const char *p, const char *end, char ch) {
  for (; p < end; p++) {
    if (*p == ch) {
      return p;
    }
  }
  return NULL;
}

/* Parses a q-value ("1", "0.5", "1.000"); anything else counts as 1. */
static double srv_parse_q(const char *p, const char *end) {
  double q = 0;
  const char *c = p;
  if (c >= end || (*c != '0' && *c != '1')) {
    return 1;
  }
  q = *c++ - '0';
  if (c < end && *c == '.') {
    double scale = 0.1;
    for (c++; c < end && *c >= '0' && *c <= '9'; c++) {
      q += (*c - '0') * scale;
      scale /= 10;
    }
  }
  if (c != end) {
    return 1;
  }
  return q > 1 ? 1 : q;
}

/*
 * Picks the response type for an Accept header: the one with the highest
 * client quality, ties going to the server's preference; the quality of a
 * type is that of the most specific range matching it (the exact type, then the
 * "application" wildcard, then the any-type wildcard). Returns an index into srv_media, or -1 when
 * nothing matches.
 */
static int srv_negotiate(const char *accept) {
  if (accept == NULL) {
    return 0;
  }
  int spec[SRV_NMEDIA] = {0};
  double quality[SRV_NMEDIA] = {0};
  bool any_range = false;
  const char *p = accept;
  while (*p != '\0') {
    const char *end = strchr(p, ',');
    if (end == NULL) {
      end = p + strlen(p);
    }
    const char *type = srv_skip_space(p, end);
    const char *semi = srv_find(type, end, ';');
    const char *type_end = srv_trim_end(type, semi != NULL ? semi : end);
    size_t type_len = (size_t)(type_end - type);
    double q = 1;
    for (const char *param = semi; param != NULL;) {
      const char *pstart = param + 1;
      const char *next = srv_find(pstart, end, ';');
      const char *pstop = next != NULL ? next : end;
      pstart = srv_skip_space(pstart, pstop);
      const char *pend = srv_trim_end(pstart, pstop);
      if (pend - pstart >= 2 && (pstart[0] == 'q' || pstart[0] == 'Q') && pstart[1] == '=') {
        q = srv_parse_q(pstart + 2, pend);
      }
      param = next;
    }
    if (type_len > 0) {
      any_range = true;
      for (size_t i = 0; i < SRV_NMEDIA; i++) {
        int s = 0;
        if ((type_len == 3 && memcmp(type, "*/*", 3) == 0) || (type_len == 1 && type[0] == '*')) {
          s = 1;
        } else if (type_len == 13 && strncasecmp(type, "application/*", 13) == 0) {
          s = 2;
        } else if (type_len == strlen(srv_media[i]) &&
                   strncasecmp(type, srv_media[i], type_len) == 0) {
          s = 3;
        }
        if (s > spec[i] || (s == spec[i] && s > 0 && q > quality[i])) {
          spec[i] = s;
          quality[i] = q;
        }
      }
    }
    p = *end != '\0' ? end + 1 : end;
  }
  if (!any_range) {
    return 0;
  }
  int best = -1;
  double best_q = 0;
  for (size_t i = 0; i < SRV_NMEDIA; i++) {
    if (spec[i] > 0 && quality[i] > best_q) {
      best = (int)i;
      best_q = quality[i];
    }
  }
  return best;
}

/* True when a request body of this Content-Type is accepted (parameters ignored). */
static bool srv_content_type_ok(const char *value) {
  static const char *const accepted[] = {
      "application/vnd.schemaregistry.v1+json",
      "application/vnd.schemaregistry+json",
      "application/json",
      "application/octet-stream",
  };
  if (value == NULL) {
    return true;
  }
  const char *end = value + strlen(value);
  const char *type = srv_skip_space(value, end);
  const char *semi = strchr(type, ';');
  const char *type_end = srv_trim_end(type, semi != NULL ? semi : end);
  size_t len = (size_t)(type_end - type);
  if (len == 0) {
    return true;
  }
  for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
    if (strlen(accepted[i]) == len && strncasecmp(type, accepted[i], len) == 0) {
      return true;
    }
  }
  return false;
}

/* ---- responses ----------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at @p s (of @p n bytes), 0 when invalid. */
static size_t srv_utf8_len(const unsigned char *s, size_t n) {
  if (s[0] < 0x80) {
    return 1;
  }
  size_t len;
  uint32_t cp;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    len = 2;
    cp = s[0] & 0x1f;
  } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
    len = 3;
    cp = s[0] & 0x0f;
  } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    len = 4;
    cp = s[0] & 0x07;
  } else {
    return 0;
  }
  if (n < len) {
    return 0;
  }
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
    return 0;
  }
  return len;
}

/* Appends @p message as a JSON string, invalid UTF-8 bytes replaced by U+FFFD. */
static void srv_put_message(sjw_buf *buf, const char *message) {
  size_t n = strlen(message);
  const unsigned char *s = (const unsigned char *)message;
  size_t i = 0;
  while (i < n && srv_utf8_len(s + i, n - i) > 0) {
    i += srv_utf8_len(s + i, n - i);
  }
  if (i == n) {
    sjw_string_n(buf, message, n);
    return;
  }
  sjw_buf clean = SJW_BUF_INIT;
  for (i = 0; i < n;) {
    size_t len = srv_utf8_len(s + i, n - i);
    if (len == 0) {
      sjw_put(&clean, "\xef\xbf\xbd", 3);
      i++;
    } else {
      sjw_put(&clean, message + i, len);
      i += len;
    }
  }
  if (clean.failed || clean.data == NULL) {
    sjw_string(buf, "");
  } else {
    sjw_string_n(buf, clean.data, clean.len);
  }
  sjw_release(&clean);
}

static enum MHD_Result srv_queue(srv_conn *c, struct MHD_Connection *conn, int status,
                                 struct MHD_Response *resp, size_t bytes, const char *media) {
  if (media != NULL &&
      MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, media) != MHD_YES) {
    MHD_destroy_response(resp);
    return MHD_NO;
  }
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned int)status, resp);
  MHD_destroy_response(resp);
  c->queued = true;
  c->status = status;
  c->bytes = bytes;
  return ret;
}

/* Queues {"error_code":N,"message":...} with the error's HTTP status. */
static enum MHD_Result srv_queue_error(srv_conn *c, struct MHD_Connection *conn, strata_error error,
                                       const char *message) {
  if (message == NULL || message[0] == '\0') {
    message = strata_strerror(error);
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_printf(&buf, "{\"error_code\":%d,\"message\":", strata_error_code(error));
  srv_put_message(&buf, message);
  sjw_putc(&buf, '}');
  size_t len = buf.len;
  char *text = sjw_take(&buf);
  if (text == NULL) {
    return MHD_NO;
  }
  struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
  if (resp == NULL) {
    free(text);
    return MHD_NO;
  }
  const char *media = c->media >= 0 ? srv_media[c->media] : SRV_ERROR_MEDIA;
  return srv_queue(c, conn, strata_error_http_status(error), resp, len, media);
}

/* MHD's free callback of a zero-copy body: drops the reference the response held. */
static void srv_body_release(void *cls) {
  rb_unref(cls);
}

/* Calls the route's handler and queues what it answered. */
static enum MHD_Result srv_dispatch(srv_server *srv, srv_conn *c, struct MHD_Connection *conn,
                                    const char *url) {
  rq_request req = {
      .method = c->route.method,
      .url = url,
      .subject = c->route.subject,
      .version = c->route.version,
      .id = c->route.id,
      .guid = c->route.guid,
      .context = c->route.context,
      .body = c->body_len > 0 ? c->body : "",
      .body_len = c->body_len,
      .conn = conn,
  };
  rq_reply reply;
  reply.error = STRATA_E_OK;
  reply.message[0] = '\0';
  reply.status = 0;
  reply.body = NULL;
  c->route.handler(srv->reg, &req, &reply);

  if (reply.error != STRATA_E_OK) {
    rb_unref(reply.body);
    return srv_queue_error(c, conn, reply.error, reply.message);
  }
  if (reply.status == MHD_HTTP_NO_CONTENT) {
    rb_unref(reply.body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
      return MHD_NO;
    }
    return srv_queue(c, conn, MHD_HTTP_NO_CONTENT, resp, 0, NULL);
  }
  if (reply.body == NULL) {
    fprintf(stderr, "strata-registry: the handler of %s %s answered nothing\n", c->method, url);
    return srv_queue_error(c, conn, STRATA_E_INTERNAL, NULL);
  }
  rb_body *body = reply.body;
  size_t len = rb_len(body);
  struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback_cls(
      len, (void *)rb_data(body), srv_body_release, body);
  if (resp == NULL) {
    rb_unref(body);
    return MHD_NO;
  }
  int status = reply.status > 0 ? reply.status : MHD_HTTP_OK;
  return srv_queue(c, conn, status, resp, len, srv_media[c->media]);
}

/* ---- the access handler ------------------------------------------------- */

/* Parses a Content-Length value; false when absent or not a plain number. */
static bool srv_content_length(const char *value, size_t *out) {
  if (value == NULL || *value < '0' || *value > '9') {
    return false;
  }
  size_t n = 0;
  for (const char *p = value; *p >= '0' && *p <= '9'; p++) {
    size_t digit = (size_t)(*p - '0');
    if (n > (SIZE_MAX - digit) / 10) {
      *out = SIZE_MAX;
      return true;
    }
    n = n * 10 + digit;
  }
  *out = n;
  return true;
}

/* The first call: route and check the headers; answer later (see the file comment). */
static enum MHD_Result srv_first_call(srv_server *srv, srv_conn *c, struct MHD_Connection *conn,
                                      const char *url, const char *method) {
  atomic_fetch_add_explicit(&srv->inflight, 1, memory_order_relaxed);
  c->counted = true;
  snprintf(c->method, sizeof c->method, "%s", method);

  size_t need = srt_scratch_size(strlen(url));
  if (need > c->scratch_cap) {
    char *bigger = malloc(need);
    if (bigger == NULL) {
      return MHD_NO;
    }
    if (c->scratch != c->scratch_inline) {
      free(c->scratch);
    }
    c->scratch = bigger;
    c->scratch_cap = need;
  }
  c->route_status = srt_match(method, url, c->scratch, c->scratch_cap, &c->route);

  c->media =
      srv_negotiate(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
  c->not_acceptable = c->media < 0;
  if (c->route_status == SRT_ROUTE && (c->route.method == RQ_POST || c->route.method == RQ_PUT)) {
    c->bad_content_type = !srv_content_type_ok(
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE));
  }
  c->keep_body = c->route_status == SRT_ROUTE && !c->bad_content_type && !c->not_acceptable;

  size_t declared = 0;
  if (srv_content_length(
          MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH),
          &declared) &&
      declared > srv->max_body) {
    /* The body will not be read, so the connection closes after this answer anyway. */
    return srv_queue_error(c, conn, STRATA_E_PAYLOAD_TOO_LARGE, NULL);
  }
  return MHD_YES;
}

/*
 * Takes one piece of the upload. MHD cannot queue a response while a body is
 * still arriving, so an oversized or unstorable upload is read and dropped,
 * and answered when it ends; one that goes on far past the limit has the
 * connection closed without an answer.
 */
static enum MHD_Result srv_upload(srv_server *srv, srv_conn *c, const char *data, size_t n) {
  size_t hard_cap = srv->max_body > SIZE_MAX / 4 ? SIZE_MAX : srv->max_body * 4;
  if (n > hard_cap - c->body_seen) {
    return MHD_NO;
  }
  c->body_seen += n;
  if (c->body_seen > srv->max_body && c->upload_error == STRATA_E_OK) {
    c->upload_error = STRATA_E_PAYLOAD_TOO_LARGE;
    c->keep_body = false;
  }
  if (!c->keep_body) {
    return MHD_YES;
  }
  if (c->body_len + n + 1 > c->body_cap) {
    size_t cap = c->body_cap > 0 ? c->body_cap : 1024;
    while (cap < c->body_len + n + 1) {
      cap *= 2;
    }
    char *bigger = realloc(c->body, cap);
    if (bigger == NULL) {
      c->upload_error = STRATA_E_NOMEM;
      c->keep_body = false;
      return MHD_YES;
    }
    c->body = bigger;
    c->body_cap = cap;
  }
  memcpy(c->body + c->body_len, data, n);
  c->body_len += n;
  c->body[c->body_len] = '\0';
  return MHD_YES;
}

/* The last call: the whole request is in; answer it. */
static enum MHD_Result srv_answer(srv_server *srv, srv_conn *c, struct MHD_Connection *conn,
                                  const char *url) {
  if (c->upload_error != STRATA_E_OK) {
    return srv_queue_error(c, conn, c->upload_error, NULL);
  }
  switch (c->route_status) {
  case SRT_NOT_FOUND:
    return srv_queue_error(c, conn, STRATA_E_NOT_FOUND, NULL);
  case SRT_METHOD_NOT_ALLOWED:
    return srv_queue_error(c, conn, STRATA_E_METHOD_NOT_ALLOWED, NULL);
  case SRT_BAD_CONTEXT:
    return srv_queue_error(c, conn, STRATA_E_BAD_REQUEST, "Context name cannot contain a colon");
  case SRT_INVALID_SUBJECT:
    return srv_queue_error(c, conn, STRATA_E_INVALID_SUBJECT,
                           "The specified subject is not valid: it contains a NUL character");
  case SRT_ROUTE:
    break;
  }
  if (c->bad_content_type && c->body_seen > 0) {
    return srv_queue_error(c, conn, STRATA_E_UNSUPPORTED_MEDIA_TYPE, NULL);
  }
  if (c->not_acceptable) {
    return srv_queue_error(c, conn, STRATA_E_NOT_ACCEPTABLE, NULL);
  }
  if (c->bad_content_type) {
    /* A body-less request is never refused for its Content-Type. */
    c->body_len = 0;
  }
  return srv_dispatch(srv, c, conn, url);
}

static enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  (void)version;
  srv_server *srv = cls;
  srv_conn *c = *con_cls;
  if (c == NULL) {
    c = srv_conn_of(conn);
    if (c == NULL) {
      return MHD_NO;
    }
    srv_request_reset(c);
    *con_cls = c;
  }
  if (c->calls++ == 0) {
    return srv_first_call(srv, c, conn, url, method);
  }
  if (c->queued) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    return srv_upload(srv, c, upload_data, n);
  }
  return srv_answer(srv, c, conn, url);
}

/* ---- MHD callbacks around the requests ----------------------------------- */

/* Leaves the text as it is: paths and query values are decoded by us. */
static size_t srv_unescape(void *cls, struct MHD_Connection *conn, char *s) {
  (void)cls;
  (void)conn;
  return strlen(s);
}

/* Called once per request, before its headers: starts the request's state. */
static void *srv_uri_log(void *cls, const char *uri, struct MHD_Connection *conn) {
  srv_server *srv = cls;
  srv_conn *c = srv_conn_of(conn);
  if (c == NULL) {
    return NULL;
  }
  srv_request_reset(c);
  if (srv->log != NULL) {
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    size_t n = strlen(uri);
    char *copy = srv_arena_alloc(c, n + 1);
    if (copy != NULL) {
      memcpy(copy, uri, n + 1);
    }
    c->log_uri = copy;
  }
  return c;
}

static void srv_log_request(srv_server *srv, srv_conn *c, struct MHD_Connection *conn) {
  char addr[INET6_ADDRSTRLEN] = "-";
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info != NULL && info->client_addr != NULL) {
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                sizeof addr);
    } else if (sa->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                sizeof addr);
    }
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long us = (long long)(now.tv_sec - c->start.tv_sec) * 1000000LL +
                 (now.tv_nsec - c->start.tv_nsec) / 1000;
  fprintf(srv->log, "%s %s %s %d %zu %lld\n", addr, c->method[0] != '\0' ? c->method : "-",
          c->log_uri != NULL ? c->log_uri : "-", c->status, c->bytes, us);
}

/* Called when a request is over (answered, or the connection failed). */
static void srv_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe) {
  (void)toe;
  srv_server *srv = cls;
  srv_conn *c = *con_cls;
  if (c == NULL) {
    return;
  }
  if (srv->log != NULL && c->calls > 0) {
    srv_log_request(srv, c, conn);
  }
  if (c->body_cap > SRV_BODY_KEEP) {
    free(c->body);
    c->body = NULL;
    c->body_cap = 0;
  }
  c->body_len = 0;
  srv_arena_reset(c);
  if (c->counted) {
    c->counted = false;
    atomic_fetch_sub_explicit(&srv->inflight, 1, memory_order_relaxed);
  }
  *con_cls = NULL;
}

/* Creates and frees the per-connection state. */
static void srv_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                                  enum MHD_ConnectionNotificationCode toe) {
  (void)conn;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    srv_conn *c = calloc(1, sizeof *c);
    if (c != NULL) {
      c->srv = cls;
      c->scratch = c->scratch_inline;
      c->scratch_cap = sizeof c->scratch_inline;
    }
    *socket_context = c;
    return;
  }
  srv_conn *c = *socket_context;
  if (c == NULL) {
    return;
  }
  srv_arena_reset(c);
  free(c->body);
  if (c->scratch != c->scratch_inline) {
    free(c->scratch);
  }
  free(c);
  *socket_context = NULL;
}

static void srv_mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char text[512];
  vsnprintf(text, sizeof text, fmt, ap);
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n') {
    text[--n] = '\0';
  }
  fprintf(stderr, "strata-registry: http: %s\n", text);
}

/* ---- start and stop ------------------------------------------------------ */

/* Binds and listens on host:port; returns the socket or -1 with @p err filled. */
static int srv_listen(const char *host, uint16_t port, int *family, uint16_t *bound, char *err,
                      size_t errlen) {
  char service[8];
  snprintf(service, sizeof service, "%u", (unsigned)port);
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0) {
    snprintf(err, errlen, "cannot resolve listen address %s: %s", host, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  int saved = 0;
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      saved = errno;
      continue;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) {
      (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 &&
        bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0) {
      *family = ai->ai_family;
      break;
    }
    saved = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    snprintf(err, errlen, "cannot listen on %s port %u: %s", host, (unsigned)port, strerror(saved));
    return -1;
  }
  struct sockaddr_storage ss;
  socklen_t sslen = sizeof ss;
  *bound = port;
  if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0) {
    if (ss.ss_family == AF_INET) {
      *bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      *bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
  }
  return fd;
}

/* How many connections to allow: what the descriptor limit leaves room for. */
static unsigned srv_connection_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
    return 10000;
  }
  if (rl.rlim_cur < 128) {
    return (unsigned)(rl.rlim_cur / 2);
  }
  rlim_t room = rl.rlim_cur - 64;
  return room > 10000 ? 10000 : (unsigned)room;
}

strata_error srv_start(const srv_options *opts, reg_registry *reg, srv_server **out, char *err,
                       size_t errlen) {
  strata_error rc = STRATA_E_INVALID_ARGUMENT;
  *out = NULL;
  srv_server *srv = calloc(1, sizeof *srv);
  if (srv == NULL) {
    snprintf(err, errlen, "out of memory");
    return STRATA_E_NOMEM;
  }
  srv->reg = reg;
  srv->listen_fd = -1;
  srv->max_body = opts->max_body > 0 ? opts->max_body : SRV_DEFAULT_MAX_BODY;
  atomic_init(&srv->inflight, 0);

  if (opts->access_log != NULL) {
    if (strcmp(opts->access_log, "-") == 0) {
      srv->log = stderr;
    } else {
      srv->log = fopen(opts->access_log, "a");
      if (srv->log == NULL) {
        snprintf(err, errlen, "cannot open access log %s: %s", opts->access_log, strerror(errno));
        goto cleanup;
      }
      srv->log_owned = true;
      setvbuf(srv->log, NULL, _IOLBF, 0);
    }
  }

  int family = AF_INET;
  srv->listen_fd = srv_listen(opts->host != NULL ? opts->host : "127.0.0.1", opts->port, &family,
                              &srv->port, err, errlen);
  if (srv->listen_fd < 0) {
    goto cleanup;
  }

  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = opts->threads > 0 ? opts->threads : (cpus > 0 ? (unsigned)cpus : 1);
  unsigned int flags =
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG;
  flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_AUTO;
  if (family == AF_INET6) {
    flags |= MHD_USE_IPv6;
  }
  srv->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, srv_access, srv, MHD_OPTION_EXTERNAL_LOGGER, srv_mhd_log, NULL,
      MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned int)threads, MHD_OPTION_CONNECTION_LIMIT, srv_connection_limit(),
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_UNESCAPE_CALLBACK, srv_unescape,
      NULL, MHD_OPTION_URI_LOG_CALLBACK, srv_uri_log, srv, MHD_OPTION_NOTIFY_COMPLETED,
      srv_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, srv_notify_connection, srv, MHD_OPTION_END);
  if (srv->daemon == NULL) {
    snprintf(err, errlen, "cannot start the HTTP server on %s port %u",
             opts->host != NULL ? opts->host : "127.0.0.1", (unsigned)srv->port);
    goto cleanup;
  }
  rc = STRATA_E_OK;
  *out = srv;

cleanup:
  if (rc != STRATA_E_OK) {
    if (srv->listen_fd >= 0) {
      close(srv->listen_fd);
    }
    if (srv->log_owned) {
      fclose(srv->log);
    }
    free(srv);
  }
  return rc;
}

uint16_t srv_port(const srv_server *srv) {
  return srv->port;
}

void srv_stop(srv_server *srv) {
  if (srv == NULL) {
    return;
  }
  /* Let the requests in flight finish, then stop (MHD_stop_daemon joins the workers and closes
   * the listening socket). MHD_quiesce_daemon() is not used: with a thread pool on epoll,
   * libmicrohttpd 0.9.75 races its workers removing the listening socket from their epoll sets
   * and aborts ("Failed to remove listen FD from epoll set"). */
  for (int waited = 0;
       waited < SRV_DRAIN_MS && atomic_load_explicit(&srv->inflight, memory_order_relaxed) > 0;
       waited += 10) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(srv->daemon);
  if (srv->log_owned) {
    fclose(srv->log);
  } else if (srv->log != NULL) {
    fflush(srv->log);
  }
  free(srv);
}

/* ---- query parameters (request.h) ---------------------------------------- */

/* True when the raw query key @p key decodes to @p name. */
static bool srv_key_is(const char *key, const char *name) {
  if (strchr(key, '%') == NULL) {
    return strcmp(key, name) == 0;
  }
  char decoded[128];
  size_t len = 0;
  size_t n = strlen(key);
  if (n >= sizeof decoded || !srt_decode(key, n, true, decoded, &len)) {
    return false;
  }
  return strcmp(decoded, name) == 0;
}

/* A decoded copy of a raw query value in the connection's arena; NULL on ENOMEM. */
static const char *srv_decode_value(srv_conn *c, const char *raw) {
  if (raw == NULL) {
    return ""; /* "?flag" without '=' */
  }
  if (strchr(raw, '%') == NULL && strchr(raw, '+') == NULL) {
    return raw;
  }
  size_t n = strlen(raw);
  char *out = srv_arena_alloc(c, n + 1);
  if (out == NULL) {
    return NULL;
  }
  size_t len = 0;
  if (!srt_decode(raw, n, true, out, &len)) {
    return raw; /* not valid percent-encoding: taken literally */
  }
  return out;
}

/** The state of one rq_query_all() walk over the query arguments. */
typedef struct srv_query_walk {
  srv_conn *conn;
  const char *name;
  const char **values;
  size_t max;
  size_t count;
  bool first_only;
} srv_query_walk;

static enum MHD_Result srv_query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
  (void)kind;
  srv_query_walk *w = cls;
  if (key == NULL || !srv_key_is(key, w->name)) {
    return MHD_YES;
  }
  if (w->count < w->max) {
    const char *decoded = srv_decode_value(w->conn, value);
    if (decoded == NULL) {
      return MHD_YES; /* out of memory: as if absent */
    }
    w->values[w->count] = decoded;
  }
  w->count++;
  return w->first_only ? MHD_NO : MHD_YES;
}

static size_t srv_query_walk_run(const rq_request *req, const char *name, const char **values,
                                 size_t max, bool first_only) {
  if (req == NULL || req->conn == NULL) {
    return 0;
  }
  struct MHD_Connection *conn = req->conn;
  srv_conn *c = srv_conn_of(conn);
  if (c == NULL) {
    return 0;
  }
  srv_query_walk w = {c, name, values, max, 0, first_only};
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, srv_query_iter, &w);
  return w.count;
}

const char *rq_query(const rq_request *req, const char *name) {
  const char *value = NULL;
  if (srv_query_walk_run(req, name, &value, 1, true) == 0) {
    return NULL;
  }
  return value;
}

bool rq_query_bool(const rq_request *req, const char *name) {
  const char *value = rq_query(req, name);
  return value != NULL && strcasecmp(value, "true") == 0;
}

bool rq_query_int(const rq_request *req, const char *name, int64_t def, int64_t *out) {
  const char *value = rq_query(req, name);
  if (value == NULL) {
    *out = def;
    return true;
  }
  return srt_parse_int64(value, out);
}

size_t rq_query_all(const rq_request *req, const char *name, const char **values, size_t max) {
  return srv_query_walk_run(req, name, values, max, false);
}
