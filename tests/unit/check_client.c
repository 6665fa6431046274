/*
 * check_client.c - libstrata-client against a real strata-registry (every
 * call, happy paths and the registry's errors), against a tiny in-test HTTP
 * server (fail-over, retries, authentication, the cache and its bound,
 * Confluent 7.x answer shapes, paging), and under concurrent use.
 *
 * usage: unit-client PATH-TO-strata-registry
 * The registry is started once, on 127.0.0.1 with an ephemeral port and a
 * temporary database, before the suites run; each test uses its own subjects.
 */
/* nftw() is an XSI interface. */
#define _XOPEN_SOURCE 700

#include "client_int.h"
#include "registry_fixture.h"

#include <strata/version.h>

#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>

/* The real registry (started in main()) */
static registry_fixture registry_server;

/* ------------------------------------------------------------------------ */
/* A tiny HTTP server                                                       */
/* ------------------------------------------------------------------------ */

typedef struct tiny_request {
  char method[16];
  char target[1024];
  char authorization[256];
  char body[4096];
} tiny_request;

/* Fills the answer to @p req: *status and @p body (NUL-terminated). */
typedef void (*tiny_handler)(const tiny_request *req, int *status, char *body, size_t cap,
                             void *data);

typedef struct tiny_server {
  int fd;
  int port;
  char url[64];
  pthread_t thread;
  atomic_bool stop;
  atomic_int requests;
  tiny_handler handler;
  void *data;
  pthread_mutex_t lock;
  char last_authorization[256];
} tiny_server;

/* Reads one request from @p fd into @p req; false on a broken request. */
static bool tiny_read(int fd, tiny_request *req) {
  char buf[8192];
  size_t len = 0;
  char *end = NULL;
  memset(req, 0, sizeof *req);
  while (end == NULL) {
    if (len + 1 >= sizeof buf) {
      return false;
    }
    ssize_t n = recv(fd, buf + len, sizeof buf - len - 1, 0);
    if (n <= 0) {
      return false;
    }
    len += (size_t)n;
    buf[len] = '\0';
    end = strstr(buf, "\r\n\r\n");
  }
  *end = '\0';
  size_t header_len = (size_t)(end - buf) + 4;
  if (sscanf(buf, "%15s %1023s", req->method, req->target) != 2) {
    return false;
  }
  size_t content_length = 0;
  for (char *line = strstr(buf, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
    char *l = line + 2;
    if (strncasecmp(l, "Content-Length:", 15) == 0) {
      content_length = strtoul(l + 15, NULL, 10);
    } else if (strncasecmp(l, "Authorization:", 14) == 0) {
      const char *v = l + 14;
      while (*v == ' ') {
        v++;
      }
      snprintf(req->authorization, sizeof req->authorization, "%.*s", (int)strcspn(v, "\r\n"), v);
    }
  }
  size_t have = len - header_len;
  if (content_length >= sizeof req->body) {
    return false;
  }
  memcpy(req->body, buf + header_len, have < content_length ? have : content_length);
  while (have < content_length) {
    ssize_t n = recv(fd, req->body + have, content_length - have, 0);
    if (n <= 0) {
      return false;
    }
    have += (size_t)n;
  }
  req->body[content_length] = '\0';
  return true;
}

static void *tiny_run(void *arg) {
  tiny_server *s = arg;
  while (!atomic_load(&s->stop)) {
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
    if (poll(&pfd, 1, 50) <= 0) {
      continue;
    }
    int conn = accept(s->fd, NULL, NULL);
    if (conn < 0) {
      continue;
    }
    tiny_request req;
    if (tiny_read(conn, &req)) {
      enum {
        BODY_CAP = 256 * 1024
      };
      char *body = calloc(1, BODY_CAP);
      char head[256];
      int status = 200;
      atomic_fetch_add(&s->requests, 1);
      pthread_mutex_lock(&s->lock);
      snprintf(s->last_authorization, sizeof s->last_authorization, "%s", req.authorization);
      pthread_mutex_unlock(&s->lock);
      ck_assert_ptr_nonnull(body);
      s->handler(&req, &status, body, BODY_CAP, s->data);
      int n = snprintf(head, sizeof head,
                       "HTTP/1.1 %d Tiny\r\nContent-Type: application/json\r\n"
                       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                       status, strlen(body));
      if (send(conn, head, (size_t)n, MSG_NOSIGNAL) == n) {
        (void)send(conn, body, strlen(body), MSG_NOSIGNAL);
      }
      free(body);
    }
    close(conn);
  }
  return NULL;
}

static tiny_server *tiny_start(tiny_handler handler, void *data) {
  tiny_server *s = calloc(1, sizeof *s);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  socklen_t alen = sizeof addr;
  ck_assert_ptr_nonnull(s);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(s->fd, 0);
  ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&addr, sizeof addr), 0);
  ck_assert_int_eq(listen(s->fd, 16), 0);
  ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&addr, &alen), 0);
  s->port = ntohs(addr.sin_port);
  snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
  s->handler = handler;
  s->data = data;
  pthread_mutex_init(&s->lock, NULL);
  ck_assert_int_eq(pthread_create(&s->thread, NULL, tiny_run, s), 0);
  return s;
}

static void tiny_stop(tiny_server *s) {
  atomic_store(&s->stop, true);
  pthread_join(s->thread, NULL);
  close(s->fd);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

/* A URL on 127.0.0.1 where nothing listens: a port bound and released. */
static void closed_url(char *out, size_t len) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  socklen_t alen = sizeof addr;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &alen), 0);
  close(fd);
  snprintf(out, len, "http://127.0.0.1:%d", ntohs(addr.sin_port));
}

/* Handlers. */
static void answer_503(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  (void)req;
  (void)data;
  *status = 503;
  snprintf(body, cap, "{\"error_code\":50301,\"message\":\"tiny server is down\"}");
}

/* Answers GET /schemas/ids/{id} with a 7.x-shaped schema naming the id. */
static void answer_ids(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  long id;
  (void)data;
  if (sscanf(req->target, "/schemas/ids/%ld", &id) == 1) {
    snprintf(body, cap,
             "{\"schema\":\"{\\\"type\\\":\\\"fixed\\\",\\\"name\\\":\\\"F%ld\\\","
             "\\\"size\\\":%ld}\"}",
             id, id);
    return;
  }
  *status = 404;
  snprintf(body, cap, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
}

/* Checks the Authorization header against the expected value in @p data. */
static void answer_auth(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  const char *expected = data;
  if (strcmp(req->authorization, expected) == 0) {
    snprintf(body, cap, "[\"secret-subject\"]");
  } else {
    *status = 401;
    snprintf(body, cap, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
  }
}

/* Confluent 7.x shapes: register answers only {"id"}, schemas carry no schemaType. */
static void answer_7x(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  (void)data;
  if (strcmp(req->method, "POST") == 0 && strstr(req->target, "/versions") != NULL) {
    snprintf(body, cap, "{\"id\":42}");
  } else if (strncmp(req->target, "/subjects/", 10) == 0) {
    snprintf(body, cap, "{\"subject\":\"s\",\"version\":3,\"id\":42,\"schema\":\"\\\"int\\\"\"}");
  } else if (strcmp(req->target, "/garbage") == 0) {
    snprintf(body, cap, "this is not json");
  } else if (strcmp(req->target, "/weird") == 0) {
    snprintf(body, cap, "{\"schemaType\":\"COBOL\",\"schema\":\"x\",\"id\":1}");
  } else {
    *status = 404;
    snprintf(body, cap, "{\"error_code\":40401,\"message\":\"Subject 's' not found.\"}");
  }
}

/* 429, then 408, then the schema types, for paths under the /registry prefix. */
static void answer_flaky(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  atomic_int *calls = data;
  int n = atomic_fetch_add(calls, 1);
  if (n == 0) {
    *status = 429;
    snprintf(body, cap, "{\"error_code\":429,\"message\":\"slow down\"}");
  } else if (n == 1) {
    *status = 408;
  } else if (strcmp(req->target, "/registry/schemas/types") == 0) {
    snprintf(body, cap, "[\"AVRO\",\"PROTOBUF\"]");
  } else {
    *status = 404;
    snprintf(body, cap, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
  }
}

/* GET /schemas with offset and limit over 2500 fake versions. */
#define PAGED_TOTAL 2500
static void answer_paged(const tiny_request *req, int *status, char *body, size_t cap, void *data) {
  const char *off = strstr(req->target, "offset=");
  const char *lim = strstr(req->target, "limit=");
  long offset = off != NULL ? strtol(off + 7, NULL, 10) : 0;
  long limit = lim != NULL ? strtol(lim + 6, NULL, 10) : 1000;
  size_t used = 0;
  (void)data;
  (void)status;
  used += (size_t)snprintf(body + used, cap - used, "[");
  for (long i = offset; i < offset + limit && i < PAGED_TOTAL && used + 64 < cap; i++) {
    used += (size_t)snprintf(body + used, cap - used,
                             "%s{\"subject\":\"s%ld\",\"version\":1,"
                             "\"id\":%ld,\"schema\":\"1\"}",
                             i > offset ? "," : "", i, i + 1);
  }
  snprintf(body + used, cap - used, "]");
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static strata_client *client_for(const char *const *urls, size_t count, size_t cache_capacity) {
  strata_client_options options;
  strata_client *client = NULL;
  strata_client_error err = {0};
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = count;
  options.max_retries = 2;
  options.retry_backoff_ms = 1;
  options.retry_backoff_max_ms = 4;
  options.cache_capacity = cache_capacity;
  ck_assert_int_eq(strata_client_new(&options, &client, &err), STRATA_E_OK);
  ck_assert_ptr_nonnull(client);
  return client;
}

static strata_client *registry_client(size_t cache_capacity) {
  const char *urls[] = {registry_server.url};
  return client_for(urls, 1, cache_capacity);
}

/* A client of the tiny server @p server alone. */
static strata_client *tiny_client(const tiny_server *server, size_t cache_capacity) {
  const char *urls[] = {server->url};
  return client_for(urls, 1, cache_capacity);
}

/* Checks the registry's error in @p err: HTTP @p status, @p code and a
 * message holding @p fragment (NULL: any non-empty message); then clears it. */
static void expect_error(strata_client_error *err, int status, int code, const char *fragment) {
  ck_assert_int_eq(err->http_status, status);
  ck_assert_int_eq(err->error_code, code);
  if (fragment != NULL) {
    ck_assert_msg(strstr(err->message, fragment) != NULL, "\"%s\" not in \"%s\"", fragment,
                  err->message);
  } else {
    ck_assert(err->message[0] != '\0');
  }
  memset(err, 0, sizeof *err);
}

static strata_client_schema_input avro_input(const char *text) {
  strata_client_schema_input in;
  memset(&in, 0, sizeof in);
  in.type = STRATA_SCHEMA_AVRO;
  in.schema = text;
  return in;
}

static const char user_v1[] =
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
static const char user_v2[] =
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
    "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
static const char user_bad[] =
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

/* Registers @p text under @p subject and returns the id. */
static int64_t must_register(strata_client *client, const char *subject, const char *text) {
  strata_client_schema_input in = avro_input(text);
  strata_client_error err = {0};
  int64_t id = 0;
  strata_error rc = strata_client_register_id(client, subject, &in, false, &id, &err);
  ck_assert_msg(rc == STRATA_E_OK, "register %s: %s", subject, err.message);
  ck_assert_int_gt(id, 0);
  return id;
}

/* ------------------------------------------------------------------------ */
/* Against the registry: every call                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_register_get_lookup) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  strata_client_schema_input in = avro_input(user_v1);
  int64_t id = 0;

  ck_assert_int_eq(strata_client_register(client, "basic-value", &in, false, &s, &err),
                   STRATA_E_OK);
  ck_assert_int_gt(s->id, 0);
  ck_assert_int_eq(s->version, 1);
  ck_assert_str_eq(s->subject, "basic-value");
  ck_assert_ptr_nonnull(s->guid);
  id = s->id;
  char *guid = strdup(s->guid);
  strata_client_schema_free(&s);
  ck_assert_ptr_null(s);

  /* register_id of the same schema: served from the cache, no request. */
  unsigned long before = sclt_attempts(client);
  int64_t again = 0;
  ck_assert_int_eq(strata_client_register_id(client, "basic-value", &in, false, &again, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(again, id);
  ck_assert_uint_eq(sclt_attempts(client), before);

  ck_assert_int_eq(strata_client_get_schema_by_id(client, id, NULL, &s, &err), STRATA_E_OK);
  ck_assert_int_eq(s->id, id);
  ck_assert_int_eq(s->type, STRATA_SCHEMA_AVRO);
  ck_assert_ptr_nonnull(strstr(s->schema, "\"User\""));
  strata_client_schema_free(&s);

  ck_assert_int_eq(strata_client_get_schema_by_id(client, id, "basic-value", &s, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(s->id, id);
  strata_client_schema_free(&s);

  ck_assert_int_eq(strata_client_get_schema_by_guid(client, guid, &s, &err), STRATA_E_OK);
  ck_assert_str_eq(s->guid, guid);
  ck_assert_ptr_null(s->subject);
  ck_assert_ptr_nonnull(strstr(s->schema, "\"User\""));
  strata_client_schema_free(&s);
  free(guid);

  ck_assert_int_eq(strata_client_get_version(client, "basic-value", 1, false, &s, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(s->version, 1);
  ck_assert_int_eq(s->id, id);
  ck_assert(!s->deleted);
  strata_client_schema_free(&s);

  ck_assert_int_eq(
      strata_client_get_version(client, "basic-value", STRATA_CLIENT_LATEST, false, &s, &err),
      STRATA_E_OK);
  ck_assert_int_eq(s->version, 1);
  strata_client_schema_free(&s);

  ck_assert_int_eq(strata_client_lookup(client, "basic-value", &in, false, false, &s, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(s->id, id);
  ck_assert_int_eq(s->version, 1);
  strata_client_schema_free(&s);

  strata_client_ints *versions = NULL;
  ck_assert_int_eq(strata_client_list_versions(client, "basic-value", false, &versions, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(versions->count, 1);
  ck_assert_int_eq(versions->items[0], 1);
  strata_client_ints_free(&versions);

  strata_client_strings *subjects = NULL;
  ck_assert_int_eq(strata_client_list_subjects(client, "basic-", false, &subjects, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(subjects->count, 1);
  ck_assert_str_eq(subjects->items[0], "basic-value");
  strata_client_strings_free(&subjects);

  ck_assert_int_eq(strata_client_get_id_subjects(client, id, false, &subjects, &err), STRATA_E_OK);
  ck_assert_uint_eq(subjects->count, 1);
  ck_assert_str_eq(subjects->items[0], "basic-value");
  strata_client_strings_free(&subjects);

  strata_client_subject_versions *pairs = NULL;
  ck_assert_int_eq(strata_client_get_id_versions(client, id, false, &pairs, &err), STRATA_E_OK);
  ck_assert_uint_eq(pairs->count, 1);
  ck_assert_str_eq(pairs->items[0].subject, "basic-value");
  ck_assert_int_eq(pairs->items[0].version, 1);
  strata_client_subject_versions_free(&pairs);

  ck_assert_int_eq(strata_client_get_referenced_by(client, "basic-value", 1, &versions, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(versions->count, 0);
  strata_client_ints_free(&versions);

  strata_client_schemas *all = NULL;
  ck_assert_int_eq(strata_client_list_schemas(client, "basic-", false, false, &all, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(all->count, 1);
  ck_assert_str_eq(all->items[0]->subject, "basic-value");
  ck_assert_int_eq(all->items[0]->id, id);
  strata_client_schemas_free(&all);
  ck_assert_ptr_null(all);

  strata_client_free(&client);
  ck_assert_ptr_null(client);
}
END_TEST

START_TEST(test_not_found_errors) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;

  must_register(client, "nf-value", user_v1);

  ck_assert_int_eq(strata_client_get_version(client, "nf-missing", 1, false, &s, &err),
                   STRATA_E_SUBJECT_NOT_FOUND);
  ck_assert_ptr_null(s);
  expect_error(&err, 404, 40401, "nf-missing");

  ck_assert_int_eq(strata_client_get_version(client, "nf-value", 7, false, &s, &err),
                   STRATA_E_VERSION_NOT_FOUND);
  expect_error(&err, 404, 40402, "ersion");

  ck_assert_int_eq(strata_client_get_schema_by_id(client, 987654, NULL, &s, &err),
                   STRATA_E_SCHEMA_NOT_FOUND);
  expect_error(&err, 404, 40403, "chema");

  /* lookup of a schema the subject does not hold */
  strata_client_schema_input other = avro_input("\"bytes\"");
  ck_assert_int_eq(strata_client_lookup(client, "nf-value", &other, false, false, &s, &err),
                   STRATA_E_SCHEMA_NOT_FOUND);
  ck_assert_int_eq(err.error_code, 40403);

  /* invalid arguments never reach the registry */
  unsigned long before = sclt_attempts(client);
  ck_assert_int_eq(strata_client_get_version(client, "nf-value", 0, false, &s, &err),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 0, NULL, &s, &err),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_uint_eq(sclt_attempts(client), before);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_incompatible_and_invalid) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  strata_client_compat *compat = NULL;

  must_register(client, "compat-value", user_v1);

  strata_client_schema_input bad = avro_input(user_bad);
  ck_assert_int_eq(strata_client_register(client, "compat-value", &bad, false, &s, &err),
                   STRATA_E_INCOMPATIBLE_SCHEMA);
  ck_assert_ptr_null(s);
  expect_error(&err, 409, 40901, "ncompatible");

  strata_client_schema_input invalid = avro_input("{\"type\":\"record\",\"name\":\"X\"}");
  ck_assert_int_eq(strata_client_register(client, "compat-value", &invalid, false, &s, &err),
                   STRATA_E_INVALID_SCHEMA);
  expect_error(&err, 422, 42201, NULL);

  /* test_compatibility: latest, a number, and every version */
  strata_client_schema_input good = avro_input(user_v2);
  ck_assert_int_eq(strata_client_test_compatibility(client, "compat-value", STRATA_CLIENT_LATEST,
                                                    &good, false, &compat, &err),
                   STRATA_E_OK);
  ck_assert(compat->is_compatible);
  ck_assert_uint_eq(compat->message_count, 0);
  strata_client_compat_free(&compat);
  ck_assert_ptr_null(compat);

  ck_assert_int_eq(
      strata_client_test_compatibility(client, "compat-value", 1, &bad, true, &compat, &err),
      STRATA_E_OK);
  ck_assert(!compat->is_compatible);
  ck_assert_uint_gt(compat->message_count, 0);
  strata_client_compat_free(&compat);

  ck_assert_int_eq(
      strata_client_test_compatibility(client, "compat-value", 0, &bad, false, &compat, &err),
      STRATA_E_OK);
  ck_assert(!compat->is_compatible);
  strata_client_compat_free(&compat);

  memset(&err, 0, sizeof err);
  ck_assert_int_eq(
      strata_client_test_compatibility(client, "compat-value", 9, &good, false, &compat, &err),
      STRATA_E_VERSION_NOT_FOUND);
  ck_assert_int_eq(err.error_code, 40402);
  ck_assert_ptr_null(compat);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_metadata_and_references) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;

  strata_client_schema_input in = avro_input(user_v1);
  in.metadata = "{\"properties\":{\"owner\":\"team-a\"}}";
  ck_assert_int_eq(strata_client_register(client, "meta-value", &in, false, &s, &err), STRATA_E_OK);
  strata_client_schema_free(&s);

  const char *keys[] = {"owner"};
  const char *values[] = {"team-a"};
  ck_assert_int_eq(
      strata_client_get_latest_with_metadata(client, "meta-value", keys, values, 1, &s, &err),
      STRATA_E_OK);
  ck_assert_int_eq(s->version, 1);
  ck_assert_ptr_nonnull(s->metadata);
  ck_assert_ptr_nonnull(strstr(s->metadata, "team-a"));
  strata_client_schema_free(&s);

  const char *wrong[] = {"team-b"};
  ck_assert_int_ne(
      strata_client_get_latest_with_metadata(client, "meta-value", keys, wrong, 1, &s, &err),
      STRATA_E_OK);
  ck_assert_int_eq(err.http_status, 404);

  /* A schema referencing another subject's version. */
  must_register(client, "ref-address",
                "{\"type\":\"record\",\"name\":\"Address\",\"fields\":"
                "[{\"name\":\"city\",\"type\":\"string\"}]}");
  strata_client_reference ref = {.name = "Address", .subject = "ref-address", .version = 1};
  strata_client_schema_input person =
      avro_input("{\"type\":\"record\",\"name\":\"Person\",\"fields\":"
                 "[{\"name\":\"home\",\"type\":\"Address\"}]}");
  person.references = &ref;
  person.reference_count = 1;
  ck_assert_int_eq(strata_client_register(client, "ref-person", &person, false, NULL, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(strata_client_get_version(client, "ref-person", 1, false, &s, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(s->reference_count, 1);
  ck_assert_str_eq(s->references[0].name, "Address");
  ck_assert_str_eq(s->references[0].subject, "ref-address");
  ck_assert_int_eq(s->references[0].version, 1);
  int64_t person_id = s->id;
  strata_client_schema_free(&s);

  strata_client_ints *by = NULL;
  ck_assert_int_eq(strata_client_get_referenced_by(client, "ref-address", 1, &by, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(by->count, 1);
  ck_assert_int_eq(by->items[0], person_id);
  strata_client_ints_free(&by);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_config_and_mode) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_config *config = NULL;
  char *mode = NULL;

  must_register(client, "cfg-value", user_v1);
  ck_assert_int_eq(strata_client_get_config(client, "cfg-value", false, &config, &err),
                   STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
  ck_assert_ptr_null(config);
  expect_error(&err, 404, 40408, "cfg-value");

  ck_assert_int_eq(strata_client_get_config(client, "cfg-value", true, &config, &err), STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "BACKWARD");
  strata_client_config_free(&config);

  ck_assert_int_eq(
      strata_client_set_compatibility(client, "cfg-value", STRATA_COMPAT_FULL, &config, &err),
      STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "FULL");
  strata_client_config_free(&config);

  ck_assert_int_eq(strata_client_get_config(client, "cfg-value", false, &config, &err),
                   STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "FULL");
  ck_assert_ptr_nonnull(strstr(config->json, "FULL"));
  strata_client_config_free(&config);

  ck_assert_int_eq(strata_client_set_config(client, "cfg-value",
                                            "{\"compatibility\":\"NONE\",\"normalize\":true}",
                                            &config, &err),
                   STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "NONE");
  ck_assert_int_eq(config->normalize, 1);
  strata_client_config_free(&config);

  memset(&err, 0, sizeof err);
  ck_assert_int_eq(
      strata_client_set_config(client, "cfg-value", "{\"compatibility\":\"SIDEWAYS\"}", NULL, &err),
      STRATA_E_INVALID_COMPATIBILITY_LEVEL);
  ck_assert_int_eq(err.error_code, 42203);

  ck_assert_int_eq(strata_client_delete_config(client, "cfg-value", &config, &err), STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "NONE");
  strata_client_config_free(&config);
  ck_assert_int_eq(strata_client_get_config(client, "cfg-value", false, &config, &err),
                   STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);

  ck_assert_int_eq(strata_client_get_config(client, NULL, false, &config, &err), STRATA_E_OK);
  ck_assert_str_eq(config->compatibility_level, "BACKWARD");
  strata_client_config_free(&config);

  /* mode */
  ck_assert_int_eq(strata_client_get_mode(client, NULL, false, &mode, &err), STRATA_E_OK);
  ck_assert_str_eq(mode, "READWRITE");
  free(mode);
  ck_assert_int_eq(strata_client_get_mode(client, "cfg-value", false, &mode, &err),
                   STRATA_E_SUBJECT_LEVEL_MODE_NOT_CONFIGURED);
  ck_assert_int_eq(err.error_code, 40409);
  ck_assert_int_eq(strata_client_set_mode(client, "cfg-value", "READONLY", false, &mode, &err),
                   STRATA_E_OK);
  ck_assert_str_eq(mode, "READONLY");
  free(mode);
  ck_assert_int_eq(strata_client_get_mode(client, "cfg-value", false, &mode, &err), STRATA_E_OK);
  ck_assert_str_eq(mode, "READONLY");
  free(mode);

  /* READONLY refuses registration */
  strata_client_schema_input v2 = avro_input(user_v2);
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(strata_client_register(client, "cfg-value", &v2, false, NULL, &err),
                   STRATA_E_OPERATION_NOT_PERMITTED);
  ck_assert_int_eq(err.error_code, 42205);

  ck_assert_int_eq(strata_client_set_mode(client, "cfg-value", "SIDEWAYS", false, NULL, &err),
                   STRATA_E_INVALID_MODE);
  ck_assert_int_eq(strata_client_delete_mode(client, "cfg-value", &mode, &err), STRATA_E_OK);
  ck_assert_str_eq(mode, "READONLY");
  free(mode);
  ck_assert_int_eq(strata_client_get_mode(client, "cfg-value", true, &mode, &err), STRATA_E_OK);
  ck_assert_str_eq(mode, "READWRITE");
  free(mode);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_delete) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  strata_client_ints *deleted = NULL;
  int version = 0;

  must_register(client, "del-value", user_v1);
  must_register(client, "del-value", user_v2);
  /* cache version 1, then delete it: the cache must not hide the deletion */
  ck_assert_int_eq(strata_client_get_version(client, "del-value", 1, false, &s, &err), STRATA_E_OK);
  strata_client_schema_free(&s);
  ck_assert_int_eq(strata_client_delete_version(client, "del-value", 1, false, &version, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(version, 1);
  ck_assert_int_eq(strata_client_get_version(client, "del-value", 1, false, &s, &err),
                   STRATA_E_VERSION_NOT_FOUND);
  ck_assert_int_eq(strata_client_get_version(client, "del-value", 1, true, &s, &err), STRATA_E_OK);
  ck_assert(s->deleted);
  strata_client_schema_free(&s);

  memset(&err, 0, sizeof err);
  ck_assert_int_eq(strata_client_delete_subject(client, "del-value", true, &deleted, &err),
                   STRATA_E_SUBJECT_NOT_SOFT_DELETED);
  ck_assert_int_eq(err.error_code, 40405);
  ck_assert_int_eq(strata_client_delete_subject(client, "del-value", false, &deleted, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(deleted->count, 1);
  ck_assert_int_eq(deleted->items[0], 2);
  strata_client_ints_free(&deleted);
  ck_assert_int_eq(strata_client_delete_subject(client, "del-value", true, &deleted, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(deleted->count, 2);
  strata_client_ints_free(&deleted);
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(strata_client_delete_subject(client, "del-value", false, NULL, &err),
                   STRATA_E_SUBJECT_NOT_FOUND);
  ck_assert_int_eq(err.error_code, 40401);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_server_calls) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_strings *list = NULL;
  char *version = NULL;
  char *commit = NULL;
  char *cluster = NULL;
  char *body = NULL;
  int status = 0;

  must_register(client, "srv-value", user_v1);
  ck_assert_int_eq(strata_client_get_schema_types(client, &list, &err), STRATA_E_OK);
  ck_assert_uint_ge(list->count, 1);
  ck_assert_str_eq(list->items[0], "AVRO");
  strata_client_strings_free(&list);

  ck_assert_int_eq(strata_client_list_contexts(client, &list, &err), STRATA_E_OK);
  ck_assert_uint_ge(list->count, 1);
  ck_assert_str_eq(list->items[0], ".");
  strata_client_strings_free(&list);
  ck_assert_int_eq(strata_client_delete_context(client, ".nothing-here", &err), STRATA_E_OK);

  ck_assert_int_eq(strata_client_get_server_version(client, &version, &commit, &err), STRATA_E_OK);
  ck_assert_str_eq(version, STRATA_VERSION);
  ck_assert_ptr_nonnull(strstr(commit, STRATA_VERSION));
  free(version);
  free(commit);

  ck_assert_int_eq(strata_client_get_cluster_id(client, &cluster, &err), STRATA_E_OK);
  ck_assert_str_eq(cluster, "strata");
  free(cluster);

  ck_assert_int_eq(strata_client_request(client, "GET", "/subjects?subjectPrefix=srv-", NULL,
                                         &status, &body, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(status, 200);
  ck_assert_str_eq(body, "[\"srv-value\"]");
  free(body);

  ck_assert_int_eq(strata_client_request(client, "GET", "/subjects/srv-missing/versions", NULL,
                                         &status, &body, &err),
                   STRATA_E_SUBJECT_NOT_FOUND);
  ck_assert_int_eq(status, 404);
  ck_assert_ptr_null(body);
  ck_assert_int_eq(strata_client_request(client, "GET", "no-slash", NULL, &status, &body, &err),
                   STRATA_E_INVALID_ARGUMENT);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_escaped_subjects) {
  strata_client *client = registry_client(100);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  const char *subject = "team/orders value?#%";

  char *escaped = strata_client_escape("a/b:c d~e_f.g-h%");
  ck_assert_str_eq(escaped, "a%2Fb%3Ac%20d~e_f.g-h%25");
  free(escaped);

  int64_t id = must_register(client, subject, user_v1);
  ck_assert_int_eq(strata_client_get_version(client, subject, 1, false, &s, &err), STRATA_E_OK);
  ck_assert_str_eq(s->subject, subject);
  ck_assert_int_eq(s->id, id);
  strata_client_schema_free(&s);

  strata_client_strings *list = NULL;
  ck_assert_int_eq(strata_client_list_subjects(client, "team/", false, &list, &err), STRATA_E_OK);
  ck_assert_uint_eq(list->count, 1);
  ck_assert_str_eq(list->items[0], subject);
  strata_client_strings_free(&list);
  strata_client_free(&client);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Options, fail-over and retries                                           */
/* ------------------------------------------------------------------------ */

START_TEST(test_new_rejects_bad_options) {
  strata_client_options options;
  strata_client *client = NULL;
  strata_client_error err = {0};
  const char *ftp[] = {"ftp://example.org"};

  strata_client_options_init(&options);
  ck_assert_int_eq(options.max_retries, 3);
  ck_assert_int_eq(options.connect_timeout_ms, 10000);
  ck_assert_uint_eq(options.cache_capacity, 1000);
  ck_assert_int_eq(strata_client_new(&options, &client, &err), STRATA_E_INVALID_ARGUMENT);
  ck_assert_ptr_null(client);
  ck_assert_ptr_nonnull(strstr(err.message, "URL"));
  options.urls = ftp;
  options.url_count = 1;
  ck_assert_int_eq(strata_client_new(&options, &client, &err), STRATA_E_INVALID_ARGUMENT);
  ck_assert_ptr_nonnull(strstr(err.message, "ftp://example.org"));
  ck_assert_ptr_null(client);
  strata_client_free(&client);
  strata_client_free(NULL);
}
END_TEST

START_TEST(test_failover_closed_port) {
  char closed[64];
  strata_client_error err = {0};
  strata_client_strings *list = NULL;
  closed_url(closed, sizeof closed);
  const char *urls[] = {closed, registry_server.url};
  strata_client *client = client_for(urls, 2, 10);

  ck_assert_int_eq(strata_client_list_subjects(client, NULL, false, &list, &err), STRATA_E_OK);
  strata_client_strings_free(&list);
  ck_assert_uint_eq(sclt_attempts(client), 2);
  /* the next call starts at the URL that answered */
  ck_assert_int_eq(strata_client_list_subjects(client, NULL, false, &list, &err), STRATA_E_OK);
  strata_client_strings_free(&list);
  ck_assert_uint_eq(sclt_attempts(client), 3);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_failover_503) {
  tiny_server *down = tiny_start(answer_503, NULL);
  strata_client_error err = {0};
  strata_client_strings *list = NULL;
  const char *urls[] = {down->url, registry_server.url};
  strata_client *client = client_for(urls, 2, 10);

  ck_assert_int_eq(strata_client_list_subjects(client, NULL, false, &list, &err), STRATA_E_OK);
  strata_client_strings_free(&list);
  ck_assert_int_eq(atomic_load(&down->requests), 1);
  strata_client_free(&client);
  tiny_stop(down);
}
END_TEST

START_TEST(test_all_down) {
  tiny_server *down = tiny_start(answer_503, NULL);
  char closed[64];
  strata_client_error err = {0};
  strata_client_strings *list = NULL;
  closed_url(closed, sizeof closed);
  const char *urls[] = {closed, down->url};
  strata_client *client = client_for(urls, 2, 10); /* max_retries 2: three rounds */

  ck_assert_int_eq(strata_client_list_subjects(client, NULL, false, &list, &err),
                   STRATA_E_UNAVAILABLE);
  ck_assert_ptr_null(list);
  ck_assert_int_eq(atomic_load(&down->requests), 3);
  ck_assert_uint_eq(sclt_attempts(client), 6);
  ck_assert_ptr_nonnull(strstr(err.message, closed));
  ck_assert_ptr_nonnull(strstr(err.message, down->url));
  ck_assert_ptr_nonnull(strstr(err.message, "tiny server is down"));
  ck_assert_int_eq(err.http_status, 503);
  strata_client_free(&client);

  /* with no retries: one round */
  strata_client_options options;
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = 2;
  options.max_retries = 0;
  ck_assert_int_eq(strata_client_new(&options, &client, &err), STRATA_E_OK);
  ck_assert_int_eq(strata_client_list_subjects(client, NULL, false, &list, &err),
                   STRATA_E_UNAVAILABLE);
  ck_assert_int_eq(atomic_load(&down->requests), 4);
  strata_client_free(&client);
  tiny_stop(down);
}
END_TEST

START_TEST(test_only_closed) {
  char closed[64];
  strata_client_error err = {0};
  char *version = NULL;
  closed_url(closed, sizeof closed);
  const char *urls[] = {closed};
  strata_client *client = client_for(urls, 1, 10);

  ck_assert_int_eq(strata_client_get_server_version(client, &version, NULL, &err),
                   STRATA_E_UNAVAILABLE);
  ck_assert_ptr_null(version);
  ck_assert_int_eq(err.http_status, 0);
  ck_assert_int_eq(err.error_code, 0);
  ck_assert_ptr_nonnull(strstr(err.message, closed));
  ck_assert_uint_eq(sclt_attempts(client), 3);
  strata_client_free(&client);
}
END_TEST

START_TEST(test_retry_429_408) {
  atomic_int calls = 0;
  tiny_server *server = tiny_start(answer_flaky, &calls);
  char url[96];
  strata_client_error err = {0};
  strata_client_strings *list = NULL;
  snprintf(url, sizeof url, "%s/registry/", server->url);
  const char *urls[] = {url};
  strata_client *client = client_for(urls, 1, 10); /* three rounds */

  ck_assert_int_eq(strata_client_get_schema_types(client, &list, &err), STRATA_E_OK);
  ck_assert_uint_eq(list->count, 2);
  ck_assert_str_eq(list->items[1], "PROTOBUF");
  strata_client_strings_free(&list);
  ck_assert_int_eq(atomic_load(&server->requests), 3);
  strata_client_free(&client);
  tiny_stop(server);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Authentication                                                           */
/* ------------------------------------------------------------------------ */

static strata_error auth_call(tiny_server *server, const char *user, const char *password,
                              const char *token, strata_client_error *err) {
  strata_client_options options;
  strata_client *client = NULL;
  strata_client_strings *list = NULL;
  const char *urls[] = {server->url};
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = 1;
  options.username = user;
  options.password = password;
  options.bearer_token = token;
  ck_assert_int_eq(strata_client_new(&options, &client, err), STRATA_E_OK);
  strata_error rc = strata_client_list_subjects(client, NULL, false, &list, err);
  if (rc == STRATA_E_OK) {
    ck_assert_uint_eq(list->count, 1);
    ck_assert_str_eq(list->items[0], "secret-subject");
  }
  strata_client_strings_free(&list);
  strata_client_free(&client);
  return rc;
}

START_TEST(test_basic_auth) {
  /* "user:pass" in base64 */
  tiny_server *server = tiny_start(answer_auth, "Basic dXNlcjpwYXNz");
  strata_client_error err = {0};

  ck_assert_int_eq(auth_call(server, "user", "pass", NULL, &err), STRATA_E_OK);
  ck_assert_int_eq(auth_call(server, "user", "wrong", NULL, &err), STRATA_E_UNAUTHORIZED);
  ck_assert_int_eq(err.http_status, 401);
  ck_assert_int_eq(err.error_code, 40101);
  ck_assert_str_eq(err.message, "Unauthorized");
  ck_assert_int_eq(auth_call(server, NULL, NULL, NULL, &err), STRATA_E_UNAUTHORIZED);
  ck_assert_str_eq(server->last_authorization, "");
  /* 401 is not retried */
  ck_assert_int_eq(atomic_load(&server->requests), 3);
  tiny_stop(server);
}
END_TEST

START_TEST(test_bearer_auth) {
  tiny_server *server = tiny_start(answer_auth, "Bearer tok-123");
  strata_client_error err = {0};

  ck_assert_int_eq(auth_call(server, NULL, NULL, "tok-123", &err), STRATA_E_OK);
  /* the token wins over basic credentials */
  ck_assert_int_eq(auth_call(server, "user", "pass", "tok-123", &err), STRATA_E_OK);
  ck_assert_str_eq(server->last_authorization, "Bearer tok-123");
  ck_assert_int_eq(auth_call(server, NULL, NULL, "tok-999", &err), STRATA_E_UNAUTHORIZED);
  tiny_stop(server);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Cache                                                                    */
/* ------------------------------------------------------------------------ */

START_TEST(test_cache_by_id) {
  tiny_server *server = tiny_start(answer_ids, NULL);
  strata_client_error err = {0};
  strata_client_schema *a = NULL;
  strata_client_schema *b = NULL;
  strata_client *client = tiny_client(server, 4);

  ck_assert_int_eq(strata_client_get_schema_by_id(client, 7, NULL, &a, &err), STRATA_E_OK);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 7, NULL, &b, &err), STRATA_E_OK);
  ck_assert_int_eq(atomic_load(&server->requests), 1);
  ck_assert_ptr_ne(a, b);
  ck_assert_str_eq(a->schema, b->schema);
  ck_assert_ptr_nonnull(strstr(a->schema, "\"F7\""));
  ck_assert_int_eq(a->id, 7);
  ck_assert_int_eq(b->id, 7);
  ck_assert_int_eq(b->type, STRATA_SCHEMA_AVRO);
  strata_client_schema_free(&a);
  strata_client_schema_free(&b);

  /* a subject is part of the key */
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 7, "s", &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(atomic_load(&server->requests), 2);

  /* capacity 4: ids 1..10 leave only the four newest */
  for (int64_t id = 1; id <= 10; id++) {
    ck_assert_int_eq(strata_client_get_schema_by_id(client, id, NULL, &a, &err), STRATA_E_OK);
    ck_assert_int_eq(a->id, id);
    strata_client_schema_free(&a);
    ck_assert_uint_le(sclt_cache_count(client, SCLT_CACHE_BY_ID), 4);
  }
  ck_assert_uint_eq(sclt_cache_count(client, SCLT_CACHE_BY_ID), 4);
  ck_assert_int_eq(atomic_load(&server->requests), 12);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 10, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 7, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(atomic_load(&server->requests), 12);
  /* id 1 was evicted */
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 1, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(atomic_load(&server->requests), 13);

  strata_client_clear_cache(client);
  ck_assert_uint_eq(sclt_cache_count(client, SCLT_CACHE_BY_ID), 0);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 10, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(atomic_load(&server->requests), 14);
  strata_client_free(&client);

  /* capacity 0: nothing is cached */
  client = tiny_client(server, 0);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 3, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(strata_client_get_schema_by_id(client, 3, NULL, &a, &err), STRATA_E_OK);
  strata_client_schema_free(&a);
  ck_assert_int_eq(atomic_load(&server->requests), 16);
  ck_assert_uint_eq(sclt_cache_count(client, SCLT_CACHE_BY_ID), 0);
  strata_client_free(&client);
  tiny_stop(server);
}
END_TEST

START_TEST(test_cache_by_version_and_definition) {
  strata_client *client = registry_client(2);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  strata_client_schema_input in = avro_input(user_v1);
  int64_t id = 0;

  must_register(client, "cv-value", user_v1);
  must_register(client, "cv-value", user_v2);
  unsigned long before = sclt_attempts(client);
  ck_assert_int_eq(strata_client_get_version(client, "cv-value", 1, false, &s, &err), STRATA_E_OK);
  strata_client_schema_free(&s);
  ck_assert_int_eq(strata_client_get_version(client, "cv-value", 1, false, &s, &err), STRATA_E_OK);
  ck_assert_int_eq(s->version, 1);
  ck_assert_ptr_nonnull(strstr(s->schema, "User"));
  strata_client_schema_free(&s);
  ck_assert_uint_eq(sclt_attempts(client), before + 1);
  /* "latest" is never cached */
  ck_assert_int_eq(
      strata_client_get_version(client, "cv-value", STRATA_CLIENT_LATEST, false, &s, &err),
      STRATA_E_OK);
  ck_assert_int_eq(s->version, 2);
  strata_client_schema_free(&s);
  ck_assert_int_eq(
      strata_client_get_version(client, "cv-value", STRATA_CLIENT_LATEST, false, &s, &err),
      STRATA_E_OK);
  strata_client_schema_free(&s);
  ck_assert_uint_eq(sclt_attempts(client), before + 3);

  /* register_id: cached after register_id, lookup or register; bounded */
  ck_assert_int_eq(strata_client_register_id(client, "cv-value", &in, false, &id, &err),
                   STRATA_E_OK);
  ck_assert_uint_eq(sclt_cache_count(client, SCLT_CACHE_BY_DEFINITION), 2);
  ck_assert_uint_eq(sclt_attempts(client), before + 3);
  /* normalize is part of the key */
  int64_t id2 = 0;
  ck_assert_int_eq(strata_client_register_id(client, "cv-value", &in, true, &id2, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(id2, id);
  ck_assert_uint_eq(sclt_attempts(client), before + 4);
  ck_assert_uint_le(sclt_cache_count(client, SCLT_CACHE_BY_DEFINITION), 2);
  ck_assert_uint_le(sclt_cache_count(client, SCLT_CACHE_BY_VERSION), 2);
  strata_client_free(&client);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Answer shapes and error mapping                                          */
/* ------------------------------------------------------------------------ */

START_TEST(test_confluent_7x_shapes) {
  tiny_server *server = tiny_start(answer_7x, NULL);
  strata_client_error err = {0};
  strata_client_schema *s = NULL;
  strata_client *client = tiny_client(server, 10);
  strata_client_schema_input in = avro_input("\"int\"");
  int64_t id = 0;
  int status = 0;
  char *body = NULL;

  ck_assert_int_eq(strata_client_register(client, "s", &in, false, &s, &err), STRATA_E_OK);
  ck_assert_int_eq(s->id, 42);
  ck_assert_int_eq(s->version, 0);
  ck_assert_ptr_null(s->schema);
  ck_assert_ptr_null(s->subject);
  strata_client_schema_free(&s);
  ck_assert_int_eq(strata_client_register_id(client, "s", &in, false, &id, &err), STRATA_E_OK);
  ck_assert_int_eq(id, 42);

  ck_assert_int_eq(strata_client_get_version(client, "s", 3, false, &s, &err), STRATA_E_OK);
  ck_assert_int_eq(s->type, STRATA_SCHEMA_AVRO);
  ck_assert_str_eq(s->schema, "\"int\"");
  strata_client_schema_free(&s);

  ck_assert_int_eq(strata_client_request(client, "GET", "/garbage", NULL, &status, &body, &err),
                   STRATA_E_OK);
  ck_assert_str_eq(body, "this is not json");
  free(body);

  strata_client_strings *list = NULL;
  ck_assert_int_eq(strata_client_get_id_subjects(client, 5, false, &list, &err),
                   STRATA_E_SUBJECT_NOT_FOUND);
  ck_assert_int_eq(err.error_code, 40401);
  ck_assert_str_eq(err.message, "Subject 's' not found.");
  strata_client_free(&client);
  tiny_stop(server);
}
END_TEST

START_TEST(test_bad_responses) {
  tiny_server *server = tiny_start(answer_7x, NULL);
  strata_client_error err = {0};
  json_t *json = NULL;
  strata_client_schema *s = NULL;
  strata_client *client = tiny_client(server, 10);

  ck_assert_int_eq(sclt_request_json(client, "GET", "/garbage", NULL, &json, &err),
                   STRATA_E_BAD_RESPONSE);
  ck_assert_ptr_null(json);
  ck_assert_ptr_nonnull(strstr(err.message, "not JSON"));
  ck_assert_int_eq(sclt_request_json(client, "GET", "/weird", NULL, &json, &err), STRATA_E_OK);
  ck_assert_int_eq(sclr_schema(json, &s, &err), STRATA_E_BAD_RESPONSE);
  ck_assert_ptr_null(s);
  ck_assert_ptr_nonnull(strstr(err.message, "COBOL"));
  json_decref(json);

  strata_client_free(&client);
  tiny_stop(server);
}
END_TEST

/* Answers of a wrong shape: each decoder refuses them, names why and leaves
 * no result. */
START_TEST(test_bad_shapes) {
  static const struct {
    const char *json;
    sclr_decode_fn decode;
    const char *fragment;
  } cases[] = {
      {"[1, \"two\"]", sclr_ints, "expected an array of integers"},
      {"{\"a\": 1}", sclr_ints, "expected an array of integers"},
      {"[\"a\", 2]", sclr_strings, "expected an array of strings"},
      {"[{\"subject\": \"s\"}]", sclr_subject_versions, "subject-version objects"},
      {"{\"id\": \"seven\"}", sclr_schema, "\"id\" is not an integer"},
      {"{}", sclr_schema, "neither a schema nor an id"},
      {"{\"schema\": \"x\", \"references\": {}}", sclr_schema, "\"references\" is not an array"},
      {"{\"schema\": \"x\", \"references\": [{\"name\": \"a\"}]}", sclr_schema,
       "a reference lacks its name, subject or version"},
      {"{\"schema\": \"x\", \"metadata\": [1]}", sclr_schema, "metadata or ruleSet"},
      {"[]", sclr_config, "expected a config object"},
      {"{\"is_compatible\": \"yes\"}", sclr_compat, "is_compatible"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    strata_client_error err = {0};
    union {
      strata_client_schema *schema;
      strata_client_strings *strings;
      strata_client_ints *ints;
      strata_client_subject_versions *pairs;
      strata_client_config *config;
      strata_client_compat *compat;
    } result;
    json_t *json = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(json);
    memset(&result, 0xA5, sizeof result);
    ck_assert_msg(cases[i].decode(json, &result, &err) == STRATA_E_BAD_RESPONSE, "%s accepted",
                  cases[i].json);
    ck_assert_msg(result.schema == NULL, "%s left a result", cases[i].json);
    ck_assert_msg(strstr(err.message, cases[i].fragment) != NULL, "%s: \"%s\"", cases[i].json,
                  err.message);
    ck_assert_int_eq(err.http_status, 200);
    json_decref(json);
  }
}
END_TEST

START_TEST(test_error_mapping) {
  static const struct {
    int status;
    int code;
    strata_error expected;
  } cases[] = {
      {404, 40401, STRATA_E_SUBJECT_NOT_FOUND},
      {404, 40402, STRATA_E_VERSION_NOT_FOUND},
      {404, 40403, STRATA_E_SCHEMA_NOT_FOUND},
      {409, 40901, STRATA_E_INCOMPATIBLE_SCHEMA},
      {422, 42201, STRATA_E_INVALID_SCHEMA},
      {404, 40408, STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED},
      {500, 50001, STRATA_E_STORE_ERROR},
      {400, 400, STRATA_E_BAD_REQUEST},
      {500, 500, STRATA_E_INTERNAL},
      /* unknown codes map by status */
      {404, 0, STRATA_E_NOT_FOUND},
      {404, 40499, STRATA_E_NOT_FOUND},
      {401, 401, STRATA_E_UNAUTHORIZED},
      {403, 0, STRATA_E_FORBIDDEN},
      {409, 0, STRATA_E_INCOMPATIBLE_SCHEMA},
      {422, 0, STRATA_E_UNPROCESSABLE},
      {418, 0, STRATA_E_BAD_REQUEST},
      {502, 0, STRATA_E_INTERNAL},
      {302, 0, STRATA_E_BAD_RESPONSE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_assert_msg(sclt_map_error(cases[i].status, cases[i].code) == cases[i].expected,
                  "HTTP %d, code %d: got %d, expected %d", cases[i].status, cases[i].code,
                  (int)sclt_map_error(cases[i].status, cases[i].code), (int)cases[i].expected);
  }
}
END_TEST

START_TEST(test_paged_list) {
  tiny_server *server = tiny_start(answer_paged, NULL);
  strata_client_error err = {0};
  strata_client_schemas *all = NULL;
  strata_client *client = tiny_client(server, 10);

  ck_assert_int_eq(strata_client_list_schemas(client, NULL, false, false, &all, &err), STRATA_E_OK);
  ck_assert_uint_eq(all->count, PAGED_TOTAL);
  for (size_t i = 0; i < all->count; i++) {
    ck_assert_int_eq(all->items[i]->id, (int64_t)i + 1);
  }
  ck_assert_int_eq(atomic_load(&server->requests), 3);
  strata_client_schemas_free(&all);
  strata_client_free(&client);
  tiny_stop(server);
}
END_TEST

START_TEST(test_input_body) {
  strata_client_error err = {0};
  char *body = NULL;
  strata_client_reference ref = {.name = "a.proto", .subject = "a", .version = -1};
  strata_client_schema_input in;
  memset(&in, 0, sizeof in);
  in.type = STRATA_SCHEMA_PROTOBUF;
  in.schema = "syntax = \"proto3\";";
  in.references = &ref;
  in.reference_count = 1;
  in.rule_set = "{\"domainRules\":[]}";
  in.id = 12;
  in.version = 3;
  ck_assert_int_eq(sclr_input_body(&in, &body, &err), STRATA_E_OK);
  ck_assert_str_eq(body, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\","
                         "\"references\":[{\"name\":\"a.proto\",\"subject\":\"a\",\"version\":-1}"
                         "],\"ruleSet\":{\"domainRules\":[]},\"id\":12,\"version\":3}");
  free(body);
  in.metadata = "{not json";
  ck_assert_int_eq(sclr_input_body(&in, &body, &err), STRATA_E_INVALID_ARGUMENT);
  ck_assert_ptr_null(body);
  in.schema = NULL;
  ck_assert_int_eq(sclr_input_body(&in, &body, &err), STRATA_E_INVALID_ARGUMENT);

  strata_client_schema_input avro = avro_input("\"int\"");
  ck_assert_int_eq(sclr_input_body(&avro, &body, &err), STRATA_E_OK);
  ck_assert_str_eq(body, "{\"schema\":\"\\\"int\\\"\"}");
  free(body);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Concurrency                                                              */
/* ------------------------------------------------------------------------ */

#define CONC_SUBJECTS   6
#define CONC_THREADS    8
#define CONC_ITERATIONS 40

typedef struct conc_shared {
  strata_client *client;
  char subjects[CONC_SUBJECTS][32];
  char schemas[CONC_SUBJECTS][160];
  int64_t ids[CONC_SUBJECTS];
  atomic_int failures;
} conc_shared;

typedef struct conc_arg {
  conc_shared *shared;
  int thread;
} conc_arg;

static void *conc_run(void *p) {
  conc_arg *arg = p;
  conc_shared *sh = arg->shared;
  for (int k = 0; k < CONC_ITERATIONS; k++) {
    int i = (arg->thread + k) % CONC_SUBJECTS;
    strata_client_error err;
    strata_client_schema *s = NULL;
    int64_t id = 0;
    strata_client_schema_input in = avro_input(sh->schemas[i]);

    if (strata_client_get_schema_by_id(sh->client, sh->ids[i], NULL, &s, &err) != STRATA_E_OK ||
        s->id != sh->ids[i] || strstr(s->schema, sh->subjects[i]) == NULL) {
      atomic_fetch_add(&sh->failures, 1);
    }
    strata_client_schema_free(&s);
    if (strata_client_get_version(sh->client, sh->subjects[i], 1, false, &s, &err) != STRATA_E_OK ||
        s->id != sh->ids[i] || s->version != 1 || strcmp(s->subject, sh->subjects[i]) != 0) {
      atomic_fetch_add(&sh->failures, 1);
    }
    strata_client_schema_free(&s);
    if (strata_client_register_id(sh->client, sh->subjects[i], &in, false, &id, &err) !=
            STRATA_E_OK ||
        id != sh->ids[i]) {
      atomic_fetch_add(&sh->failures, 1);
    }
    if (k % 10 == 9 && arg->thread == 0) {
      strata_client_clear_cache(sh->client);
    }
  }
  return NULL;
}

START_TEST(test_concurrent_calls) {
  conc_shared sh;
  pthread_t threads[CONC_THREADS];
  conc_arg args[CONC_THREADS];
  memset(&sh, 0, sizeof sh);
  sh.client = registry_client(3);

  for (int i = 0; i < CONC_SUBJECTS; i++) {
    snprintf(sh.schemas[i], sizeof sh.schemas[i],
             "{\"type\":\"record\",\"name\":\"conc%d\",\"fields\":[{\"name\":\"f\",\"type\":"
             "\"int\"}]}",
             i);
    /* the record's name holds the subject's stem, checked in each answer */
    snprintf(sh.subjects[i], sizeof sh.subjects[i], "conc%d", i);
    sh.ids[i] = must_register(sh.client, sh.subjects[i], sh.schemas[i]);
  }
  strata_client_clear_cache(sh.client);
  for (int t = 0; t < CONC_THREADS; t++) {
    args[t].shared = &sh;
    args[t].thread = t;
    ck_assert_int_eq(pthread_create(&threads[t], NULL, conc_run, &args[t]), 0);
  }
  for (int t = 0; t < CONC_THREADS; t++) {
    pthread_join(threads[t], NULL);
  }
  ck_assert_int_eq(atomic_load(&sh.failures), 0);
  ck_assert_uint_le(sclt_cache_count(sh.client, SCLT_CACHE_BY_ID), 3);
  ck_assert_uint_le(sclt_cache_count(sh.client, SCLT_CACHE_BY_VERSION), 3);
  ck_assert_uint_le(sclt_cache_count(sh.client, SCLT_CACHE_BY_DEFINITION), 3);
  strata_client_free(&sh.client);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *client_suite(void) {
  Suite *s = suite_create("client");
  TCase *registry = tcase_create("registry");
  tcase_set_timeout(registry, 60);
  tcase_add_test(registry, test_register_get_lookup);
  tcase_add_test(registry, test_not_found_errors);
  tcase_add_test(registry, test_incompatible_and_invalid);
  tcase_add_test(registry, test_metadata_and_references);
  tcase_add_test(registry, test_config_and_mode);
  tcase_add_test(registry, test_delete);
  tcase_add_test(registry, test_server_calls);
  tcase_add_test(registry, test_escaped_subjects);
  suite_add_tcase(s, registry);

  TCase *transport = tcase_create("transport");
  tcase_set_timeout(transport, 60);
  tcase_add_test(transport, test_new_rejects_bad_options);
  tcase_add_test(transport, test_failover_closed_port);
  tcase_add_test(transport, test_failover_503);
  tcase_add_test(transport, test_all_down);
  tcase_add_test(transport, test_only_closed);
  tcase_add_test(transport, test_retry_429_408);
  tcase_add_test(transport, test_basic_auth);
  tcase_add_test(transport, test_bearer_auth);
  suite_add_tcase(s, transport);

  TCase *cache = tcase_create("cache");
  tcase_set_timeout(cache, 60);
  tcase_add_test(cache, test_cache_by_id);
  tcase_add_test(cache, test_cache_by_version_and_definition);
  suite_add_tcase(s, cache);

  TCase *shapes = tcase_create("shapes");
  tcase_add_test(shapes, test_confluent_7x_shapes);
  tcase_add_test(shapes, test_bad_responses);
  tcase_add_test(shapes, test_bad_shapes);
  tcase_add_test(shapes, test_error_mapping);
  tcase_add_test(shapes, test_paged_list);
  tcase_add_test(shapes, test_input_body);
  suite_add_tcase(s, shapes);

  TCase *threads = tcase_create("threads");
  tcase_set_timeout(threads, 300);
  tcase_add_test(threads, test_concurrent_calls);
  suite_add_tcase(s, threads);
  return s;
}

int main(int argc, char **argv) {
  int failed;
  if (argc < 2) {
    fprintf(stderr, "usage: %s PATH-TO-strata-registry\n", argv[0]);
    return 2;
  }
  if (!registry_fixture_start(&registry_server, argv[1], 4)) {
    registry_fixture_stop(&registry_server);
    return 1;
  }
  SRunner *runner = srunner_create(client_suite());
  srunner_run_all(runner, CK_NORMAL);
  failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  registry_fixture_stop(&registry_server);
  return failed == 0 ? 0 : 1;
}
