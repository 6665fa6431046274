/*
 * check_routes.c - unit tests of the HTTP layer: the route table and path
 * matcher (registry/routes.h), and the server (registry/server.h) driven over
 * a socket on an in-process registry: status shapes, keep-alive, content
 * negotiation, body limits and query decoding.
 */
#include "routes.h"
#include "server.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

/* ---- the route table ------------------------------------------------------ */

typedef struct expected_route {
  rq_method method;
  const char *pattern;
  h_handler handler;
} expected_route;

/* Every route handlers.h names, written out independently of routes.c. */
static const expected_route expected[] = {
    {RQ_GET, "/", h_root},
    {RQ_POST, "/", h_root},
    {RQ_GET, "/schemas", h_schemas_list},
    {RQ_GET, "/schemas/types", h_schemas_types},
    {RQ_GET, "/schemas/ids/{id}", h_schema_by_id},
    {RQ_GET, "/schemas/ids/{id}/schema", h_schema_by_id_text},
    {RQ_GET, "/schemas/ids/{id}/subjects", h_schema_id_subjects},
    {RQ_GET, "/schemas/ids/{id}/versions", h_schema_id_versions},
    {RQ_GET, "/schemas/guids/{guid}", h_schema_by_guid},
    {RQ_GET, "/schemas/guids/{guid}/ids", h_schema_guid_ids},
    {RQ_GET, "/subjects", h_subjects_list},
    {RQ_POST, "/subjects/{subject}", h_subject_lookup},
    {RQ_DELETE, "/subjects/{subject}", h_subject_delete},
    {RQ_GET, "/subjects/{subject}/metadata", h_subject_metadata},
    {RQ_GET, "/subjects/{subject}/versions", h_versions_list},
    {RQ_POST, "/subjects/{subject}/versions", h_version_register},
    {RQ_GET, "/subjects/{subject}/versions/{version}", h_version_get},
    {RQ_GET, "/subjects/{subject}/versions/{version}/schema", h_version_text},
    {RQ_GET, "/subjects/{subject}/versions/{version}/referencedby", h_version_referencedby},
    {RQ_DELETE, "/subjects/{subject}/versions/{version}", h_version_delete},
    {RQ_POST, "/compatibility/subjects/{subject}/versions/{version}", h_compat_version},
    {RQ_POST, "/compatibility/subjects/{subject}/versions", h_compat_all},
    {RQ_GET, "/config", h_config_get},
    {RQ_PUT, "/config", h_config_put},
    {RQ_DELETE, "/config", h_config_delete},
    {RQ_GET, "/config/{subject}", h_config_get},
    {RQ_PUT, "/config/{subject}", h_config_put},
    {RQ_DELETE, "/config/{subject}", h_config_delete},
    {RQ_GET, "/mode", h_mode_get},
    {RQ_PUT, "/mode", h_mode_put},
    {RQ_DELETE, "/mode", h_mode_delete},
    {RQ_GET, "/mode/{subject}", h_mode_get},
    {RQ_PUT, "/mode/{subject}", h_mode_put},
    {RQ_DELETE, "/mode/{subject}", h_mode_delete},
    {RQ_GET, "/contexts", h_contexts_list},
    {RQ_DELETE, "/contexts/{ctx}", h_context_delete},
    {RQ_GET, "/v1/metadata/id", h_metadata_id},
    {RQ_GET, "/v1/metadata/version", h_metadata_version},
    {RQ_GET, "/v1/metadata/deployment", h_metadata_deployment},
    {RQ_GET, "/associations/resources/{any}/{any}", h_associations_none},
    {RQ_GET, "/associations/resources/{any}", h_associations_none},
    {RQ_GET, "/associations/subjects/{subject}", h_associations_none},
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

static const char *method_name(rq_method m) {
  switch (m) {
  case RQ_GET:
    return "GET";
  case RQ_POST:
    return "POST";
  case RQ_PUT:
    return "PUT";
  case RQ_DELETE:
    return "DELETE";
  }
  return "?";
}

/* A scratch buffer large enough for any path of these tests. */
static char scratch[1 << 16];

static srt_status match(const char *method, const char *path, srt_result *out) {
  ck_assert_uint_le(srt_scratch_size(strlen(path)), sizeof scratch);
  return srt_match(method, path, scratch, sizeof scratch, out);
}

/* Asserts that @p method @p path reaches @p handler and returns the result. */
static srt_result expect_route(const char *method, const char *path, h_handler handler) {
  srt_result r;
  srt_status st = match(method, path, &r);
  ck_assert_msg(st == SRT_ROUTE, "%s %s: status %d", method, path, (int)st);
  ck_assert_msg(r.handler == handler, "%s %s: wrong handler", method, path);
  return r;
}

static void expect_status(const char *method, const char *path, srt_status want) {
  srt_result r;
  srt_status st = match(method, path, &r);
  ck_assert_msg(st == want, "%s %s: status %d, want %d", method, path, (int)st, (int)want);
}

/* The concrete path of a pattern: {subject}=s {version}=1 {id}=7 {guid}=g {ctx}=.c {any}=x. */
static void instantiate(const char *pattern, char *out, size_t cap) {
  static const char *const subst[][2] = {{"{subject}", "s"}, {"{version}", "1"}, {"{id}", "7"},
                                         {"{guid}", "g"},    {"{ctx}", ".c"},    {"{any}", "x"}};
  out[0] = '\0';
  for (const char *p = pattern; *p != '\0';) {
    bool replaced = false;
    for (size_t i = 0; i < sizeof subst / sizeof subst[0]; i++) {
      size_t n = strlen(subst[i][0]);
      if (strncmp(p, subst[i][0], n) == 0) {
        strncat(out, subst[i][1], cap - strlen(out) - 1);
        p += n;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      size_t len = strlen(out);
      ck_assert_uint_lt(len + 1, cap);
      out[len] = *p++;
      out[len + 1] = '\0';
    }
  }
}

START_TEST(test_table_is_complete) {
  ck_assert_uint_eq(srt_route_count(), NEXPECTED);
  for (size_t i = 0; i < NEXPECTED; i++) {
    bool found = false;
    for (size_t j = 0; j < srt_route_count(); j++) {
      rq_method m;
      const char *pattern;
      h_handler handler;
      srt_route_at(j, &m, &pattern, &handler);
      if (m == expected[i].method && strcmp(pattern, expected[i].pattern) == 0) {
        ck_assert_msg(handler == expected[i].handler, "%s %s: wrong handler", method_name(m),
                      pattern);
        found = true;
      }
    }
    ck_assert_msg(found, "missing route %s %s", method_name(expected[i].method),
                  expected[i].pattern);
  }
}
END_TEST

START_TEST(test_every_route_matches) {
  for (size_t i = 0; i < NEXPECTED; i++) {
    char path[256];
    instantiate(expected[i].pattern, path, sizeof path);
    const char *m = method_name(expected[i].method);
    srt_result r = expect_route(m, path, expected[i].handler);
    ck_assert_int_eq(r.method, expected[i].method);
    if (strstr(expected[i].pattern, "{subject}") != NULL) {
      ck_assert_str_eq(r.subject, "s");
    } else {
      ck_assert_ptr_null(r.subject);
    }
    if (strstr(expected[i].pattern, "{version}") != NULL) {
      ck_assert_str_eq(r.version, "1");
    } else {
      ck_assert_ptr_null(r.version);
    }
    if (strstr(expected[i].pattern, "{guid}") != NULL) {
      ck_assert_str_eq(r.guid, "g");
    } else {
      ck_assert_ptr_null(r.guid);
    }
    ck_assert_int_eq(r.id, strstr(expected[i].pattern, "{id}") != NULL ? 7 : 0);
    if (strstr(expected[i].pattern, "{ctx}") != NULL) {
      ck_assert_str_eq(r.context, ".c");
    } else {
      ck_assert_ptr_null(r.context);
    }
    /* The same path with a trailing slash reaches the same handler. */
    if (strcmp(path, "/") != 0) {
      strcat(path, "/");
      expect_route(m, path, expected[i].handler);
    }
  }
}
END_TEST

START_TEST(test_percent_decoding) {
  srt_result r = expect_route("GET", "/subjects/a%2Fb/versions", h_versions_list);
  ck_assert_str_eq(r.subject, "a/b");
  r = expect_route("GET", "/subjects/shared%2Fx.proto/versions/latest/schema", h_version_text);
  ck_assert_str_eq(r.subject, "shared/x.proto");
  ck_assert_str_eq(r.version, "latest");
  r = expect_route("POST", "/subjects/a+b", h_subject_lookup);
  ck_assert_str_eq(r.subject, "a+b");
  r = expect_route("POST", "/subjects/a%20b%2bc", h_subject_lookup);
  ck_assert_str_eq(r.subject, "a b+c");
  r = expect_route("GET", "/config/%3A.ctx%3Ax", h_config_get);
  ck_assert_str_eq(r.subject, ":.ctx:x");
  r = expect_route("GET", "/subjects/caf%C3%A9/versions/%2D1", h_version_get);
  ck_assert_str_eq(r.subject, "caf\xc3\xa9");
  ck_assert_str_eq(r.version, "-1");
  /* decoded exactly once: %252F is "%2F", not "/" */
  r = expect_route("DELETE", "/subjects/a%252Fb", h_subject_delete);
  ck_assert_str_eq(r.subject, "a%2Fb");
  r = expect_route("GET", "/schemas/guids/ab%2Dcd", h_schema_by_guid);
  ck_assert_str_eq(r.guid, "ab-cd");
  r = expect_route("GET", "/schemas/ids/%31%32", h_schema_by_id);
  ck_assert_int_eq(r.id, 12);
  /* invalid escapes and NUL: no route */
  expect_status("GET", "/subjects/a%zzb/versions", SRT_NOT_FOUND);
  expect_status("GET", "/subjects/a%2/versions", SRT_NOT_FOUND);
  expect_status("GET", "/subjects/a%/versions", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/guids/a%00b", SRT_NOT_FOUND);
  expect_status("GET", "/subjects/s/versions/1%00", SRT_NOT_FOUND);
  expect_status("GET", "/contexts/a%00/subjects", SRT_NOT_FOUND);
  /* a NUL in a subject is an invalid subject (Confluent: 42208), not a missing route */
  expect_status("GET", "/subjects/a%00b/versions", SRT_INVALID_SUBJECT);
  expect_status("POST", "/contexts/.c/subjects/%00", SRT_INVALID_SUBJECT);
  expect_status("PUT", "/subjects/a%00b/versions", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/subjects/a%00b/versions/%zz", SRT_NOT_FOUND);
  expect_status("POST", "/subjects/%4", SRT_NOT_FOUND);
}
END_TEST

START_TEST(test_decode_function) {
  char out[64];
  size_t len = 0;
  ck_assert(srt_decode("a%2Fb+c", 7, false, out, &len));
  ck_assert_str_eq(out, "a/b+c");
  ck_assert_uint_eq(len, 5);
  ck_assert(srt_decode("a%2fb+c", 7, true, out, &len));
  ck_assert_str_eq(out, "a/b c");
  ck_assert(srt_decode("", 0, true, out, &len));
  ck_assert_str_eq(out, "");
  ck_assert_uint_eq(len, 0);
  ck_assert(srt_decode("%41%42", 6, false, out, &len));
  ck_assert_str_eq(out, "AB");
  /* only the given length is read */
  ck_assert(srt_decode("ab%41", 2, false, out, &len));
  ck_assert_str_eq(out, "ab");
  ck_assert(!srt_decode("%4", 2, false, out, &len));
  ck_assert(!srt_decode("%g0", 3, false, out, &len));
  ck_assert(!srt_decode("a%00", 4, true, out, &len));
  ck_assert(!srt_decode("%", 1, true, out, &len));
}
END_TEST

START_TEST(test_parse_int64) {
  int64_t v = 0;
  ck_assert(srt_parse_int64("0", &v));
  ck_assert_int_eq(v, 0);
  ck_assert(srt_parse_int64("42", &v));
  ck_assert_int_eq(v, 42);
  ck_assert(srt_parse_int64("-1", &v));
  ck_assert_int_eq(v, -1);
  ck_assert(srt_parse_int64("+5", &v));
  ck_assert_int_eq(v, 5);
  ck_assert(srt_parse_int64("9223372036854775807", &v));
  ck_assert_int_eq(v, INT64_MAX);
  ck_assert(srt_parse_int64("-9223372036854775808", &v));
  ck_assert_int_eq(v, INT64_MIN);
  ck_assert(!srt_parse_int64("9223372036854775808", &v));
  ck_assert(!srt_parse_int64("-9223372036854775809", &v));
  ck_assert(!srt_parse_int64("99999999999999999999", &v));
  ck_assert(!srt_parse_int64("", &v));
  ck_assert(!srt_parse_int64("-", &v));
  ck_assert(!srt_parse_int64(" 1", &v));
  ck_assert(!srt_parse_int64("1 ", &v));
  ck_assert(!srt_parse_int64("1.0", &v));
  ck_assert(!srt_parse_int64("0x10", &v));
  ck_assert(!srt_parse_int64("abc", &v));
}
END_TEST

START_TEST(test_bad_id) {
  expect_status("GET", "/schemas/ids/abc", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids/1.0", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids/1e3", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids/9223372036854775808", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids/abc/schema", SRT_NOT_FOUND);
  /* a bad id is not a known path, so other methods get 404 too */
  expect_status("DELETE", "/schemas/ids/abc", SRT_NOT_FOUND);
  srt_result r = expect_route("GET", "/schemas/ids/9223372036854775807", h_schema_by_id);
  ck_assert_int_eq(r.id, INT64_MAX);
  r = expect_route("GET", "/schemas/ids/-3/versions", h_schema_id_versions);
  ck_assert_int_eq(r.id, -3);
  r = expect_route("GET", "/schemas/ids/0", h_schema_by_id);
  ck_assert_int_eq(r.id, 0);
}
END_TEST

START_TEST(test_trailing_slash) {
  expect_route("GET", "/subjects/", h_subjects_list);
  expect_route("POST", "/compatibility/subjects/s/versions/", h_compat_all);
  expect_route("GET", "/config/", h_config_get);
  srt_result r = expect_route("GET", "/config/", h_config_get);
  ck_assert_ptr_null(r.subject);
  expect_route("GET", "/", h_root);
  /* only one trailing slash, and no empty segments */
  expect_status("GET", "/subjects//", SRT_NOT_FOUND);
  expect_status("GET", "/subjects//versions", SRT_NOT_FOUND);
  expect_status("POST", "/subjects//", SRT_NOT_FOUND);
  expect_status("GET", "//subjects", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids/", SRT_NOT_FOUND);
  expect_status("GET", "", SRT_NOT_FOUND);
  expect_status("GET", "subjects", SRT_NOT_FOUND);
}
END_TEST

START_TEST(test_not_found_vs_method_not_allowed) {
  expect_status("PUT", "/subjects", SRT_METHOD_NOT_ALLOWED);
  expect_status("DELETE", "/schemas/ids/1", SRT_METHOD_NOT_ALLOWED);
  expect_status("POST", "/schemas/types", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/compatibility/subjects/s/versions", SRT_METHOD_NOT_ALLOWED);
  expect_status("PUT", "/subjects/s/versions/1", SRT_METHOD_NOT_ALLOWED);
  expect_status("POST", "/config", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/contexts/.c", SRT_METHOD_NOT_ALLOWED);
  expect_status("HEAD", "/schemas/ids/1", SRT_METHOD_NOT_ALLOWED);
  expect_status("OPTIONS", "/subjects", SRT_METHOD_NOT_ALLOWED);
  expect_status("PATCH", "/config/s", SRT_METHOD_NOT_ALLOWED);
  expect_status("get", "/subjects", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/nope", SRT_NOT_FOUND);
  expect_status("PATCH", "/nope", SRT_NOT_FOUND);
  expect_status("GET", "/subjects/s/versions/1/bogus", SRT_NOT_FOUND);
  expect_status("GET", "/schemas/ids", SRT_NOT_FOUND);
  expect_status("GET", "/v1/metadata", SRT_NOT_FOUND);
  expect_status("GET", "/compatibility/subjects/s", SRT_NOT_FOUND);
  expect_status("GET", "/SUBJECTS", SRT_NOT_FOUND);
  expect_status("GET", "/associations/resources/a/b/c", SRT_NOT_FOUND);
  /* far too many segments */
  expect_status("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", SRT_NOT_FOUND);
}
END_TEST

START_TEST(test_context_prefix) {
  srt_result r = expect_route("GET", "/contexts/.team/subjects/s/versions/1", h_version_get);
  ck_assert_str_eq(r.subject, ":.team:s");
  ck_assert_str_eq(r.version, "1");
  ck_assert_str_eq(r.context, ".team");
  /* the context is normalised: a '.' is added, wrapping ':' dropped, once decoded */
  r = expect_route("POST", "/contexts/team/subjects/s/versions", h_version_register);
  ck_assert_str_eq(r.subject, ":.team:s");
  ck_assert_str_eq(r.context, ".team");
  r = expect_route("POST", "/contexts/%3A.team%3A/subjects/s", h_subject_lookup);
  ck_assert_str_eq(r.subject, ":.team:s");
  r = expect_route("DELETE", "/contexts/.a.b/subjects/x%2Fy", h_subject_delete);
  ck_assert_str_eq(r.subject, ":.a.b:x/y");
  /* an already qualified subject is kept */
  r = expect_route("GET", "/contexts/.team/subjects/%3A.other%3As/versions", h_versions_list);
  ck_assert_str_eq(r.subject, ":.other:s");
  /* compatibility and config/mode with a subject */
  r = expect_route("POST", "/contexts/.team/compatibility/subjects/s/versions/latest",
                   h_compat_version);
  ck_assert_str_eq(r.subject, ":.team:s");
  ck_assert_str_eq(r.version, "latest");
  r = expect_route("POST", "/contexts/.team/compatibility/subjects/s/versions/", h_compat_all);
  ck_assert_str_eq(r.subject, ":.team:s");
  r = expect_route("PUT", "/contexts/.team/config/s", h_config_put);
  ck_assert_str_eq(r.subject, ":.team:s");
  r = expect_route("DELETE", "/contexts/.team/mode/s", h_mode_delete);
  ck_assert_str_eq(r.subject, ":.team:s");
  /* config and mode without a subject act on the context's level */
  r = expect_route("GET", "/contexts/.team/config", h_config_get);
  ck_assert_str_eq(r.subject, ":.team:");
  ck_assert_str_eq(r.context, ".team");
  r = expect_route("PUT", "/contexts/.team/mode/", h_mode_put);
  ck_assert_str_eq(r.subject, ":.team:");
  /* the default context qualifies nothing */
  r = expect_route("GET", "/contexts/./config", h_config_get);
  ck_assert_ptr_null(r.subject);
  ck_assert_str_eq(r.context, ".");
  r = expect_route("GET", "/contexts/./subjects/s/versions", h_versions_list);
  ck_assert_str_eq(r.subject, "s");
  /* schemas and subject lists keep the context for the handler */
  r = expect_route("GET", "/contexts/.team/schemas/ids/5", h_schema_by_id);
  ck_assert_int_eq(r.id, 5);
  ck_assert_ptr_null(r.subject);
  ck_assert_str_eq(r.context, ".team");
  r = expect_route("GET", "/contexts/.team/subjects", h_subjects_list);
  ck_assert_ptr_null(r.subject);
  ck_assert_str_eq(r.context, ".team");
  r = expect_route("GET", "/contexts/.team/schemas", h_schemas_list);
  ck_assert_str_eq(r.context, ".team");
  /* the contexts resource itself */
  r = expect_route("GET", "/contexts", h_contexts_list);
  ck_assert_ptr_null(r.context);
  r = expect_route("DELETE", "/contexts/.team", h_context_delete);
  ck_assert_str_eq(r.context, ".team");
  r = expect_route("DELETE", "/contexts/team/", h_context_delete);
  ck_assert_str_eq(r.context, ".team");
  /* errors */
  expect_status("GET", "/contexts/a%3Ab/subjects", SRT_BAD_CONTEXT);
  expect_status("GET", "/contexts/a:b/subjects", SRT_BAD_CONTEXT);
  expect_status("DELETE", "/contexts/a:b", SRT_BAD_CONTEXT);
  expect_status("GET", "/contexts/.team/v1/metadata/id", SRT_NOT_FOUND);
  expect_status("GET", "/contexts/.team/contexts", SRT_NOT_FOUND);
  expect_status("GET", "/contexts/.team/", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/contexts/.team/subjects/s/nope", SRT_NOT_FOUND);
  expect_status("PUT", "/contexts/.team/subjects", SRT_METHOD_NOT_ALLOWED);
  expect_status("GET", "/contexts//subjects", SRT_NOT_FOUND);
  expect_status("GET", "/contexts/%zz/subjects", SRT_NOT_FOUND);
}
END_TEST

START_TEST(test_small_scratch_is_refused) {
  srt_result r;
  char small[8];
  ck_assert_int_eq(srt_match("GET", "/subjects/a-long-subject/versions", small, sizeof small, &r),
                   SRT_NOT_FOUND);
  /* a long subject needs no more than srt_scratch_size() */
  char path[4096];
  strcpy(path, "/contexts/.ctx/subjects/");
  size_t len = strlen(path);
  memset(path + len, 'x', 3000);
  strcpy(path + len + 3000, "/versions");
  size_t need = srt_scratch_size(strlen(path));
  char *buf = malloc(need);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(srt_match("GET", path, buf, need, &r), SRT_ROUTE);
  ck_assert_uint_eq(strlen(r.subject), 3000 + strlen(":.ctx:"));
  free(buf);
}
END_TEST

START_TEST(test_method_names) {
  rq_method m;
  ck_assert(srt_method_from_name("GET", &m) && m == RQ_GET);
  ck_assert(srt_method_from_name("POST", &m) && m == RQ_POST);
  ck_assert(srt_method_from_name("PUT", &m) && m == RQ_PUT);
  ck_assert(srt_method_from_name("DELETE", &m) && m == RQ_DELETE);
  ck_assert(!srt_method_from_name("HEAD", &m));
  ck_assert(!srt_method_from_name("get", &m));
  ck_assert(!srt_method_from_name("", &m));
}
END_TEST

/* ---- the server, over a socket ------------------------------------------- */

static char data_dir[256];
static reg_registry *registry;
static srv_server *server;
static uint16_t port;

static void start_server(size_t max_body) {
  strcpy(data_dir, "/tmp/strata-check-routes-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(data_dir));
  char path[512];
  snprintf(path, sizeof path, "%s/strata.db", data_dir);
  reg_options ro;
  memset(&ro, 0, sizeof ro);
  ro.data_path = path;
  char err[256] = "";
  ck_assert_msg(reg_registry_open(&ro, &registry, err, sizeof err) == STRATA_E_OK, "%s", err);
  srv_options so;
  memset(&so, 0, sizeof so);
  so.host = "127.0.0.1";
  so.threads = 2;
  so.max_body = max_body;
  ck_assert_msg(srv_start(&so, registry, &server, err, sizeof err) == STRATA_E_OK, "%s", err);
  port = srv_port(server);
  ck_assert_uint_ne(port, 0);
}

static void setup_server(void) {
  start_server(0);
}

static void setup_small_server(void) {
  start_server(4096);
}

static void teardown_server(void) {
  srv_stop(server);
  server = NULL;
  reg_registry_close(registry);
  registry = NULL;
  DIR *d = opendir(data_dir);
  if (d != NULL) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", data_dir, e->d_name);
        unlink(path);
      }
    }
    closedir(d);
  }
  rmdir(data_dir);
}

static int connect_server(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

static void send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n <= 0) {
      return; /* the server may close early (413); the answer is checked by the caller */
    }
    data += n;
    len -= (size_t)n;
  }
}

typedef struct http_response {
  int status;
  char head[8192];
  char body[65536];
  size_t body_len;
} http_response;

/* The value of header @p name in @p head (case-insensitive), copied into @p out; false if absent.
 */
static bool header(const http_response *r, const char *name, char *out, size_t cap) {
  size_t n = strlen(name);
  for (const char *p = strstr(r->head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
    const char *line = p + 2;
    if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
      const char *v = line + n + 1;
      while (*v == ' ') {
        v++;
      }
      const char *end = strstr(v, "\r\n");
      size_t len = end != NULL ? (size_t)(end - v) : strlen(v);
      snprintf(out, cap, "%.*s", (int)len, v);
      return true;
    }
  }
  return false;
}

/* Reads one response (status line, headers, Content-Length body). */
static void read_response(int fd, http_response *r) {
  memset(r, 0, sizeof *r);
  char buf[sizeof r->head + sizeof r->body];
  size_t have = 0;
  char *end = NULL;
  while (end == NULL) {
    ck_assert_uint_lt(have, sizeof buf - 1);
    ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
    ck_assert_msg(n > 0, "connection closed before the response head");
    have += (size_t)n;
    buf[have] = '\0';
    end = strstr(buf, "\r\n\r\n");
  }
  size_t head_len = (size_t)(end - buf) + 2;
  ck_assert_uint_lt(head_len, sizeof r->head);
  memcpy(r->head, buf, head_len);
  r->head[head_len] = '\0';
  ck_assert_int_eq(sscanf(r->head, "HTTP/1.1 %d", &r->status), 1);
  char value[64];
  size_t length = 0;
  if (header(r, "Content-Length", value, sizeof value)) {
    length = strtoul(value, NULL, 10);
  }
  ck_assert_uint_lt(length, sizeof r->body);
  size_t got = have - (head_len + 2);
  memcpy(r->body, end + 4, got);
  while (got < length) {
    ssize_t n = recv(fd, r->body + got, length - got, 0);
    ck_assert_msg(n > 0, "connection closed inside the body");
    got += (size_t)n;
  }
  ck_assert_uint_eq(got, length);
  r->body_len = length;
}

/* Sends one request on a new connection and reads the answer. */
static void roundtrip(const char *request, http_response *r) {
  int fd = connect_server();
  send_all(fd, request, strlen(request));
  read_response(fd, r);
  close(fd);
}

/* Asserts Confluent's error shape with @p code and, when given, @p message. */
static void assert_error(const http_response *r, int status, int code, const char *message) {
  ck_assert_int_eq(r->status, status);
  char type[128];
  ck_assert(header(r, "Content-Type", type, sizeof type));
  ck_assert_ptr_nonnull(strstr(type, "json"));
  json_error_t err;
  json_t *doc = json_loadb(r->body, r->body_len, 0, &err);
  ck_assert_msg(doc != NULL, "not JSON: %.*s", (int)r->body_len, r->body);
  ck_assert_int_eq(json_object_size(doc), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "error_code")), code);
  ck_assert(json_is_string(json_object_get(doc, "message")));
  if (message != NULL) {
    ck_assert_str_eq(json_string_value(json_object_get(doc, "message")), message);
  }
  json_decref(doc);
}

static void post(const char *path, const char *content_type, const char *body, http_response *r) {
  char request[4096];
  snprintf(request, sizeof request,
           "POST %s HTTP/1.1\r\nHost: t\r\n%s%s%sContent-Length: %zu\r\n\r\n%s", path,
           content_type != NULL ? "Content-Type: " : "", content_type != NULL ? content_type : "",
           content_type != NULL ? "\r\n" : "", strlen(body), body);
  roundtrip(request, r);
}

START_TEST(test_keep_alive) {
  int fd = connect_server();
  http_response r;
  char value[64];
  for (int i = 0; i < 3; i++) {
    const char *req = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
    send_all(fd, req, strlen(req));
    read_response(fd, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 2);
    ck_assert(memcmp(r.body, "{}", 2) == 0);
    ck_assert(header(&r, "Content-Type", value, sizeof value));
    ck_assert_str_eq(value, "application/vnd.schemaregistry.v1+json");
    ck_assert_msg(!header(&r, "Connection", value, sizeof value), "Connection: %s", value);
  }
  /* an error answer keeps the connection too, also with a body to skip */
  const char *bad = "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n{}\n";
  send_all(fd, bad, strlen(bad));
  read_response(fd, &r);
  assert_error(&r, 404, 404, "HTTP 404 Not Found");
  ck_assert(!header(&r, "Connection", value, sizeof value));
  const char *again = "GET /schemas/types HTTP/1.1\r\nHost: t\r\n\r\n";
  send_all(fd, again, strlen(again));
  read_response(fd, &r);
  ck_assert_int_eq(r.status, 200);
  close(fd);
}
END_TEST

START_TEST(test_error_shapes) {
  http_response r;
  roundtrip("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 404, 404, "HTTP 404 Not Found");
  roundtrip("GET /schemas/ids/abc HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 404, 404, "HTTP 404 Not Found");
  roundtrip("PUT /subjects HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", &r);
  assert_error(&r, 405, 405, "HTTP 405 Method Not Allowed");
  roundtrip("PATCH /schemas/ids/1 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 405, 405, "HTTP 405 Method Not Allowed");
  roundtrip("GET /contexts/a%3Ab/subjects HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 400, 400, NULL);
  /* a handler's error, in the same shape */
  roundtrip("GET /schemas/ids/12345 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 404, 40403, NULL);
  /* a body parser's error with quotes in the message stays valid JSON */
  post("/subjects/s/versions", "application/json", "{\"version\":\"x\"}", &r);
  assert_error(&r, 400, 400, NULL);
  ck_assert_ptr_nonnull(strstr(r.body, "\\\"version\\\""));
  post("/subjects/bad%00x/versions", "application/json", "{\"schema\":\"\\\"int\\\"\"}", &r);
  assert_error(&r, 422, 42208, NULL);
  /* a subject that is not UTF-8 cannot make the error body invalid */
  roundtrip("GET /subjects/%FF%FE/versions HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_ge(r.status, 400);
  ck_assert_int_lt(r.status, 500);
  assert_error(&r, r.status, r.status == 404 ? 40401 : 42208, NULL);
}
END_TEST

static void expect_media(const char *accept, const char *want) {
  char request[512];
  snprintf(request, sizeof request, "GET /subjects HTTP/1.1\r\nHost: t\r\nAccept: %s\r\n\r\n",
           accept);
  http_response r;
  roundtrip(request, &r);
  ck_assert_msg(r.status == 200, "Accept %s: status %d", accept, r.status);
  char type[128];
  ck_assert(header(&r, "Content-Type", type, sizeof type));
  ck_assert_msg(strcmp(type, want) == 0, "Accept %s: got %s, want %s", accept, type, want);
}

START_TEST(test_accept_negotiation) {
  expect_media("*/*", "application/vnd.schemaregistry.v1+json");
  expect_media("application/*", "application/vnd.schemaregistry.v1+json");
  expect_media("application/json", "application/json");
  expect_media("Application/JSON", "application/json");
  expect_media("application/vnd.schemaregistry+json", "application/vnd.schemaregistry+json");
  expect_media("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
               "application/json",
               "application/vnd.schemaregistry.v1+json");
  expect_media("application/json, application/vnd.schemaregistry+json",
               "application/vnd.schemaregistry+json");
  expect_media("application/vnd.schemaregistry.v1+json;q=0.5, application/json",
               "application/json");
  expect_media("*/*;q=0.1, application/json", "application/json");
  expect_media("application/json;q=0.9, application/*;q=0.95",
               "application/vnd.schemaregistry.v1+json");
  expect_media("text/html, application/json; charset=utf-8", "application/json");
  expect_media("application/vnd.schemaregistry.v1+json; q=0, */*",
               "application/vnd.schemaregistry+json");
  expect_media("", "application/vnd.schemaregistry.v1+json");

  http_response r;
  roundtrip("GET /subjects HTTP/1.1\r\nHost: t\r\nAccept: text/html\r\n\r\n", &r);
  assert_error(&r, 406, 406, "HTTP 406 Not Acceptable");
  roundtrip("GET /subjects HTTP/1.1\r\nHost: t\r\nAccept: application/json;q=0\r\n\r\n", &r);
  assert_error(&r, 406, 406, NULL);
  /* an unknown route still answers 404 (JSON) whatever the Accept header */
  roundtrip("GET /nope HTTP/1.1\r\nHost: t\r\nAccept: text/html\r\n\r\n", &r);
  assert_error(&r, 404, 404, NULL);
  char type[128];
  ck_assert(header(&r, "Content-Type", type, sizeof type));
  ck_assert_str_eq(type, "application/json");
}
END_TEST

START_TEST(test_content_type) {
  static const char *const accepted[] = {
      NULL,
      "application/vnd.schemaregistry.v1+json",
      "application/vnd.schemaregistry+json",
      "application/json",
      "application/octet-stream",
      "application/json; charset=utf-8",
      "Application/Vnd.SchemaRegistry.V1+JSON",
      "  application/json ;charset=UTF-8",
  };
  http_response r;
  for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
    post("/compatibility/subjects/nobody/versions", accepted[i], "{\"schema\":\"\\\"int\\\"\"}",
         &r);
    ck_assert_msg(r.status == 200, "Content-Type %s: %d %.*s", accepted[i], r.status,
                  (int)r.body_len, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "is_compatible"));
  }
  post("/subjects/s/versions", "text/plain", "{\"schema\":\"\\\"int\\\"\"}", &r);
  assert_error(&r, 415, 415, "HTTP 415 Unsupported Media Type");
  post("/subjects/s/versions", "application/x-www-form-urlencoded", "{}", &r);
  assert_error(&r, 415, 415, NULL);
  /* never refused for the Content-Type without a body */
  roundtrip("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
            &r);
  ck_assert_int_eq(r.status, 200);
  roundtrip("GET /subjects HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 200);
  /* a missing body where one is needed */
  post("/subjects/s/versions", "application/json", "", &r);
  assert_error(&r, 422, 422, NULL);
}
END_TEST

START_TEST(test_body_limit) {
  http_response r;
  /* a declared length above the limit: 413 at once */
  roundtrip("POST /subjects/s/versions HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Content-Length: 5000\r\n\r\n",
            &r);
  assert_error(&r, 413, 413, NULL);
  /* a chunked upload that grows past the limit: read, dropped, answered 413 */
  int fd = connect_server();
  const char *head = "POST /subjects/s/versions HTTP/1.1\r\nHost: t\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  send_all(fd, head, strlen(head));
  char chunk[1100];
  memset(chunk, 'a', sizeof chunk);
  for (int i = 0; i < 5; i++) {
    char size[16];
    snprintf(size, sizeof size, "%zx\r\n", sizeof chunk);
    send_all(fd, size, strlen(size));
    send_all(fd, chunk, sizeof chunk);
    send_all(fd, "\r\n", 2);
  }
  send_all(fd, "0\r\n\r\n", 5);
  read_response(fd, &r);
  assert_error(&r, 413, 413, NULL);
  close(fd);
  /* at the limit: the body is read and parsed (not JSON here, so 400) */
  char body[4097];
  memset(body, 'x', 4096);
  body[4096] = '\0';
  char *request = malloc(8192);
  ck_assert_ptr_nonnull(request);
  snprintf(request, 8192,
           "POST /subjects/s/versions HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           "Content-Length: 4096\r\n\r\n%s",
           body);
  roundtrip(request, &r);
  free(request);
  assert_error(&r, 400, 400, NULL);
}
END_TEST

START_TEST(test_register_and_query) {
  http_response r;
  post("/subjects/a%2Fb/versions", "application/vnd.schemaregistry.v1+json",
       "{\"schema\":\"\\\"string\\\"\"}", &r);
  ck_assert_msg(r.status == 200, "%d %.*s", r.status, (int)r.body_len, r.body);
  ck_assert_ptr_nonnull(strstr(r.body, "\"id\":1"));
  post("/subjects/zz/versions", NULL, "{\"schema\":\"\\\"int\\\"\"}", &r);
  ck_assert_int_eq(r.status, 200);

  roundtrip("GET /subjects/a%2Fb/versions HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(r.body, "[1]");
  /* query values are percent-decoded */
  roundtrip("GET /subjects?subjectPrefix=a%2F HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(r.body, "[\"a/b\"]");
  roundtrip("GET /subjects?limit=1&offset=1 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 200);
  ck_assert_str_eq(r.body, "[\"zz\"]");
  roundtrip("GET /subjects?limit=%31 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_str_eq(r.body, "[\"a/b\"]");
  /* a non-integer integer parameter: 404 */
  roundtrip("GET /subjects?limit=abc HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  assert_error(&r, 404, 404, NULL);
  /* Java-style booleans, any case */
  roundtrip("DELETE /subjects/zz HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 200);
  roundtrip("GET /subjects?deleted=TRUE HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_str_eq(r.body, "[\"a/b\",\"zz\"]");
  roundtrip("GET /subjects?deleted=1 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_str_eq(r.body, "[\"a/b\"]");
  /* context prefix end to end */
  post("/contexts/.team/subjects/s1/versions", "application/json", "{\"schema\":\"\\\"long\\\"\"}",
       &r);
  ck_assert_int_eq(r.status, 200);
  ck_assert_ptr_nonnull(strstr(r.body, "\"subject\":\":.team:s1\""));
  roundtrip("GET /contexts/.team/subjects HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_str_eq(r.body, "[\":.team:s1\"]");
  /* 204 has no body */
  roundtrip("DELETE /contexts/.empty HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ck_assert_int_eq(r.status, 204);
  ck_assert_uint_eq(r.body_len, 0);
}
END_TEST

static Suite *routes_suite(void) {
  Suite *s = suite_create("routes");
  TCase *tc = tcase_create("matcher");
  tcase_add_test(tc, test_table_is_complete);
  tcase_add_test(tc, test_every_route_matches);
  tcase_add_test(tc, test_percent_decoding);
  tcase_add_test(tc, test_decode_function);
  tcase_add_test(tc, test_parse_int64);
  tcase_add_test(tc, test_bad_id);
  tcase_add_test(tc, test_trailing_slash);
  tcase_add_test(tc, test_not_found_vs_method_not_allowed);
  tcase_add_test(tc, test_context_prefix);
  tcase_add_test(tc, test_small_scratch_is_refused);
  tcase_add_test(tc, test_method_names);
  suite_add_tcase(s, tc);

  TCase *http = tcase_create("server");
  tcase_add_checked_fixture(http, setup_server, teardown_server);
  tcase_add_test(http, test_keep_alive);
  tcase_add_test(http, test_error_shapes);
  tcase_add_test(http, test_accept_negotiation);
  tcase_add_test(http, test_content_type);
  tcase_add_test(http, test_register_and_query);
  tcase_set_timeout(http, 60);
  suite_add_tcase(s, http);

  TCase *small = tcase_create("server_small_body_limit");
  tcase_add_checked_fixture(small, setup_small_server, teardown_server);
  tcase_add_test(small, test_body_limit);
  tcase_set_timeout(small, 60);
  suite_add_tcase(s, small);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(routes_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
