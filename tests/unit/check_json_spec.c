/* check_json_spec.c - unit tests of the request-body parsers (registry/json_spec.h). */
#include "json_spec.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static rq_request body_request(const char *body, size_t len) {
  rq_request req;
  memset(&req, 0, sizeof req);
  req.method = RQ_POST;
  req.url = "/subjects/s/versions";
  req.body = body;
  req.body_len = len;
  return req;
}

/* Parses @p body as a RegisterSchemaRequest; returns the verdict, fills out/reply. */
static bool parse_schema(const char *body, js_schema_request *out, rq_reply *reply) {
  memset(reply, 0, sizeof *reply);
  rq_request req = body_request(body, strlen(body));
  return js_parse_schema_request(&req, out, reply);
}

/* Asserts that @p body is refused with @p error and a message containing @p needle. */
static void assert_schema_refused(const char *body, strata_error error, const char *needle) {
  js_schema_request sr;
  rq_reply reply;
  ck_assert_msg(!parse_schema(body, &sr, &reply), "accepted: %s", body);
  ck_assert_int_eq(reply.error, error);
  ck_assert_ptr_null(reply.body);
  if (needle != NULL) {
    ck_assert_msg(strstr(reply.message, needle) != NULL, "message \"%s\" lacks \"%s\"",
                  reply.message, needle);
  }
  ck_assert_ptr_null(sr.doc);
  ck_assert_ptr_null(sr.refs);
  js_schema_request_free(&sr);
}

START_TEST(test_full_request) {
  const char *body =
      "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"schemaType\":\"AVRO\","
      "\"references\":[{\"name\":\"a.avsc\",\"subject\":\"a\",\"version\":1},"
      "{\"name\":\"b\",\"subject\":\"b/c\",\"version\":-1}],"
      "\"version\":3,\"id\":17,\"metadata\":{\"properties\":{\"k\":\"v\"}},"
      "\"ruleSet\":{\"domainRules\":[]},\"schemaTagsToAdd\":[],\"unknown\":{\"x\":[1,2]}}";
  js_schema_request sr;
  rq_reply reply;
  ck_assert(parse_schema(body, &sr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_OK);
  ck_assert_str_eq(sr.schema, "{\"type\":\"string\"}");
  ck_assert_uint_eq(sr.schema_len, strlen("{\"type\":\"string\"}"));
  ck_assert_str_eq(sr.schema_type, "AVRO");
  ck_assert_uint_eq(sr.nrefs, 2);
  ck_assert_str_eq(sr.refs[0].name, "a.avsc");
  ck_assert_str_eq(sr.refs[0].subject, "a");
  ck_assert_int_eq(sr.refs[0].version, 1);
  ck_assert_str_eq(sr.refs[1].subject, "b/c");
  ck_assert_int_eq(sr.refs[1].version, -1);
  ck_assert(sr.has_version);
  ck_assert_int_eq(sr.version, 3);
  ck_assert(sr.has_id);
  ck_assert_int_eq(sr.id, 17);
  ck_assert_ptr_nonnull(sr.metadata);
  ck_assert(json_is_object(json_object_get(sr.metadata, "properties")));
  ck_assert_ptr_nonnull(sr.rule_set);
  ck_assert(json_is_array(json_object_get(sr.rule_set, "domainRules")));
  js_schema_request_free(&sr);
  ck_assert_ptr_null(sr.doc);
  js_schema_request_free(&sr); /* idempotent */
  js_schema_request_free(NULL);
}
END_TEST

START_TEST(test_minimal_and_absent_fields) {
  js_schema_request sr;
  rq_reply reply;
  ck_assert(parse_schema("{\"schema\":\"\\\"int\\\"\"}", &sr, &reply));
  ck_assert_str_eq(sr.schema, "\"int\"");
  ck_assert_ptr_null(sr.schema_type);
  ck_assert_ptr_null(sr.refs);
  ck_assert_uint_eq(sr.nrefs, 0);
  ck_assert(!sr.has_version);
  ck_assert(!sr.has_id);
  ck_assert_ptr_null(sr.metadata);
  ck_assert_ptr_null(sr.rule_set);
  js_schema_request_free(&sr);

  /* null everywhere means absent */
  ck_assert(parse_schema("{\"schema\":null,\"schemaType\":null,\"references\":null,"
                         "\"version\":null,\"id\":null,\"metadata\":null,\"ruleSet\":null}",
                         &sr, &reply));
  ck_assert_ptr_null(sr.schema);
  ck_assert_ptr_null(sr.schema_type);
  ck_assert(!sr.has_version);
  ck_assert(!sr.has_id);
  ck_assert_ptr_null(sr.metadata);
  js_schema_request_free(&sr);

  /* "" and a missing schema: a metadata-only update */
  ck_assert(parse_schema("{\"schema\":\"\",\"metadata\":{}}", &sr, &reply));
  ck_assert_ptr_null(sr.schema);
  ck_assert_uint_eq(sr.schema_len, 0);
  ck_assert_ptr_nonnull(sr.metadata);
  js_schema_request_free(&sr);
  ck_assert(parse_schema("{}", &sr, &reply));
  ck_assert_ptr_null(sr.schema);
  js_schema_request_free(&sr);

  /* empty references array */
  ck_assert(parse_schema("{\"schema\":\"x\",\"references\":[]}", &sr, &reply));
  ck_assert_uint_eq(sr.nrefs, 0);
  ck_assert_ptr_null(sr.refs);
  js_schema_request_free(&sr);

  /* whitespace around the document */
  ck_assert(parse_schema(" \r\n\t{ \"schema\" : \"x\" }\n ", &sr, &reply));
  ck_assert_str_eq(sr.schema, "x");
  js_schema_request_free(&sr);
}
END_TEST

START_TEST(test_ruleset_alias) {
  js_schema_request sr;
  rq_reply reply;
  ck_assert(parse_schema("{\"ruleset\":{\"migrationRules\":[]}}", &sr, &reply));
  ck_assert_ptr_nonnull(sr.rule_set);
  ck_assert_ptr_nonnull(json_object_get(sr.rule_set, "migrationRules"));
  js_schema_request_free(&sr);

  ck_assert(parse_schema("{\"ruleset\":{\"a\":1},\"ruleSet\":{\"b\":2}}", &sr, &reply));
  ck_assert_ptr_nonnull(json_object_get(sr.rule_set, "b"));
  js_schema_request_free(&sr);

  assert_schema_refused("{\"ruleset\":[]}", STRATA_E_BAD_REQUEST, "\"ruleset\"");
  assert_schema_refused("{\"ruleSet\":\"x\"}", STRATA_E_BAD_REQUEST, "\"ruleSet\"");
}
END_TEST

START_TEST(test_not_json) {
  assert_schema_refused("{\"schema\":", STRATA_E_BAD_REQUEST, "line 1, column");
  assert_schema_refused("{\"schema\":\"x\"} trailing", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\n\n  \"schema\": x}", STRATA_E_BAD_REQUEST, "line 3");
  assert_schema_refused("{'schema':'x'}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\"a\":1,}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\"a\":99999999999999999999999}", STRATA_E_BAD_REQUEST, "Invalid JSON");
}
END_TEST

START_TEST(test_invalid_utf8_and_nul) {
  assert_schema_refused("{\"schema\":\"\xff\xfe\"}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\"schema\":\"\xc0\xaf\"}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\"schema\":\"\xed\xa0\x80\"}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  assert_schema_refused("{\"schema\":\"a\\u0000b\"}", STRATA_E_BAD_REQUEST, "Invalid JSON");
  /* a raw NUL byte inside the body */
  js_schema_request sr;
  rq_reply reply;
  memset(&reply, 0, sizeof reply);
  static const char raw[] = "{\"schema\":\"a\0b\"}";
  rq_request req = body_request(raw, sizeof raw - 1);
  ck_assert(!js_parse_schema_request(&req, &sr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
  /* valid multi-byte UTF-8 passes */
  ck_assert(parse_schema("{\"schema\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", &sr, &reply));
  ck_assert_str_eq(sr.schema, "caf\xc3\xa9 \xf0\x9f\x98\x80");
  js_schema_request_free(&sr);
}
END_TEST

/* "{"x":" + n '[' + n ']' + "}": depth n + 1. */
static char *nested(size_t n, char open, char close) {
  char *s = malloc(2 * n + 16);
  ck_assert_ptr_nonnull(s);
  strcpy(s, "{\"x\":");
  size_t len = strlen(s);
  memset(s + len, open, n);
  memset(s + len + n, close, n);
  strcpy(s + len + 2 * n, "}");
  return s;
}

START_TEST(test_depth_limit) {
  js_schema_request sr;
  rq_reply reply;
  char *ok = nested(JS_MAX_DEPTH - 1, '[', ']');
  ck_assert(parse_schema(ok, &sr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_OK);
  js_schema_request_free(&sr);
  free(ok);

  char *deep = nested(JS_MAX_DEPTH, '[', ']');
  assert_schema_refused(deep, STRATA_E_BAD_REQUEST, "nested deeper than 64");
  free(deep);

  /* closing brackets first cannot buy extra depth */
  char unbalanced[300];
  memset(unbalanced, ']', 100);
  memset(unbalanced + 100, '[', JS_MAX_DEPTH + 1);
  unbalanced[100 + JS_MAX_DEPTH + 1] = '\0';
  assert_schema_refused(unbalanced, STRATA_E_BAD_REQUEST, "nested");

  /* objects count too */
  char *objs = malloc(JS_MAX_DEPTH * 8 + 16);
  ck_assert_ptr_nonnull(objs);
  objs[0] = '\0';
  for (int i = 0; i <= JS_MAX_DEPTH; i++) {
    strcat(objs, "{\"a\":");
  }
  strcat(objs, "1");
  for (int i = 0; i <= JS_MAX_DEPTH; i++) {
    strcat(objs, "}");
  }
  assert_schema_refused(objs, STRATA_E_BAD_REQUEST, "nested");
  free(objs);
}
END_TEST

START_TEST(test_ten_million_brackets) {
  /* Refused by the byte scan, before any recursive parser runs. */
  size_t n = 10u * 1000 * 1000;
  char *body = malloc(n + 1);
  ck_assert_ptr_nonnull(body);
  memset(body, '[', n);
  body[n] = '\0';
  js_schema_request sr;
  rq_reply reply;
  memset(&reply, 0, sizeof reply);
  rq_request req = body_request(body, n);
  ck_assert(!js_parse_schema_request(&req, &sr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
  ck_assert_ptr_nonnull(strstr(reply.message, "nested"));
  js_config_request cr;
  ck_assert(!js_parse_config_request(&req, &cr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
  free(body);
}
END_TEST

START_TEST(test_brackets_inside_strings) {
  /* Brackets in strings (also after escaped quotes) do not count as nesting. */
  char *body = malloc(4096);
  ck_assert_ptr_nonnull(body);
  strcpy(body, "{\"schema\":\"\\\"\\\\");
  for (int i = 0; i < 200; i++) {
    strcat(body, "[{");
  }
  strcat(body, "\",\"k\\\"[\":[[1]]}");
  js_schema_request sr;
  rq_reply reply;
  ck_assert_msg(parse_schema(body, &sr, &reply), "%s", reply.message);
  ck_assert_uint_eq(strlen(sr.schema), 2 + 400);
  js_schema_request_free(&sr);
  free(body);
}
END_TEST

START_TEST(test_not_an_object) {
  assert_schema_refused("[]", STRATA_E_BAD_REQUEST, "must be a JSON object");
  assert_schema_refused("\"schema\"", STRATA_E_BAD_REQUEST, "must be a JSON object");
  assert_schema_refused("5", STRATA_E_BAD_REQUEST, "must be a JSON object");
  assert_schema_refused("true", STRATA_E_BAD_REQUEST, "must be a JSON object");
}
END_TEST

START_TEST(test_empty_body) {
  assert_schema_refused("", STRATA_E_UNPROCESSABLE, NULL);
  assert_schema_refused("  \r\n\t ", STRATA_E_UNPROCESSABLE, NULL);
  assert_schema_refused("null", STRATA_E_UNPROCESSABLE, NULL);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_UNPROCESSABLE), 422);
  /* a NULL body pointer is an empty body */
  js_schema_request sr;
  rq_reply reply;
  memset(&reply, 0, sizeof reply);
  rq_request req = body_request(NULL, 0);
  ck_assert(!js_parse_schema_request(&req, &sr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_UNPROCESSABLE);
}
END_TEST

START_TEST(test_wrong_types) {
  assert_schema_refused("{\"schema\":5}", STRATA_E_BAD_REQUEST, "\"schema\"");
  assert_schema_refused("{\"schema\":{}}", STRATA_E_BAD_REQUEST, "expected a string");
  assert_schema_refused("{\"schemaType\":true}", STRATA_E_BAD_REQUEST, "\"schemaType\"");
  assert_schema_refused("{\"references\":{}}", STRATA_E_BAD_REQUEST, "\"references\"");
  assert_schema_refused("{\"version\":\"abc\"}", STRATA_E_BAD_REQUEST, "\"version\"");
  assert_schema_refused("{\"version\":\"1\"}", STRATA_E_BAD_REQUEST, "got a string");
  assert_schema_refused("{\"version\":1.5}", STRATA_E_BAD_REQUEST, "\"version\"");
  assert_schema_refused("{\"version\":true}", STRATA_E_BAD_REQUEST, "\"version\"");
  assert_schema_refused("{\"version\":2147483648}", STRATA_E_BAD_REQUEST, "range");
  assert_schema_refused("{\"id\":\"5\"}", STRATA_E_BAD_REQUEST, "\"id\"");
  assert_schema_refused("{\"id\":-2147483649}", STRATA_E_BAD_REQUEST, "\"id\"");
  assert_schema_refused("{\"metadata\":[]}", STRATA_E_BAD_REQUEST, "\"metadata\"");
  assert_schema_refused("{\"metadata\":\"m\"}", STRATA_E_BAD_REQUEST, "expected an object");

  js_schema_request sr;
  rq_reply reply;
  ck_assert(parse_schema("{\"version\":2147483647,\"id\":-2147483648}", &sr, &reply));
  ck_assert_int_eq(sr.version, 2147483647);
  ck_assert_int_eq(sr.id, -2147483648LL);
  js_schema_request_free(&sr);
}
END_TEST

START_TEST(test_bad_references) {
  assert_schema_refused("{\"references\":[5]}", STRATA_E_BAD_REQUEST, "\"references[0]\"");
  assert_schema_refused("{\"references\":[{\"subject\":\"s\",\"version\":1}]}",
                        STRATA_E_BAD_REQUEST, "references[0].name");
  assert_schema_refused("{\"references\":[{\"name\":\"n\",\"version\":1}]}", STRATA_E_BAD_REQUEST,
                        "references[0].subject");
  assert_schema_refused("{\"references\":[{\"name\":\"n\",\"subject\":\"s\"}]}",
                        STRATA_E_BAD_REQUEST, "references[0].version");
  assert_schema_refused("{\"references\":[{\"name\":\"n\",\"subject\":\"s\",\"version\":1},"
                        "{\"name\":7,\"subject\":\"s\",\"version\":1}]}",
                        STRATA_E_BAD_REQUEST, "references[1].name");
  assert_schema_refused("{\"references\":[{\"name\":\"\",\"subject\":\"s\",\"version\":1}]}",
                        STRATA_E_BAD_REQUEST, "must not be empty");
  assert_schema_refused("{\"references\":[{\"name\":\"n\",\"subject\":\"s\",\"version\":\"1\"}]}",
                        STRATA_E_BAD_REQUEST, "references[0].version");
  assert_schema_refused("{\"references\":[{\"name\":\"n\",\"subject\":\"s\",\"version\":null}]}",
                        STRATA_E_BAD_REQUEST, "references[0].version");
}
END_TEST

static bool parse_config(const char *body, js_config_request *out, rq_reply *reply) {
  memset(reply, 0, sizeof *reply);
  rq_request req = body_request(body, strlen(body));
  return js_parse_config_request(&req, out, reply);
}

START_TEST(test_config_request) {
  js_config_request cr;
  rq_reply reply;
  ck_assert(parse_config("{\"compatibility\":\"full\",\"compatibilityGroup\":null,"
                         "\"normalize\":true,\"validateFields\":false,\"alias\":\"a\","
                         "\"defaultMetadata\":{},\"overrideRuleSet\":null,\"compatibilityLevel\":5,"
                         "\"other\":[1]}",
                         &cr, &reply));
  ck_assert_str_eq(json_string_value(json_object_get(cr.doc, "compatibility")), "full");
  ck_assert(json_is_true(json_object_get(cr.doc, "normalize")));
  js_config_request_free(&cr);
  ck_assert_ptr_null(cr.doc);
  js_config_request_free(&cr);
  js_config_request_free(NULL);

  static const char *const bad[][2] = {
      {"{\"compatibility\":5}", "\"compatibility\""},
      {"{\"compatibilityGroup\":[]}", "\"compatibilityGroup\""},
      {"{\"compatibilityPolicy\":{}}", "\"compatibilityPolicy\""},
      {"{\"alias\":true}", "\"alias\""},
      {"{\"normalize\":\"true\"}", "\"normalize\""},
      {"{\"validateFields\":1}", "\"validateFields\""},
      {"{\"validateRules\":\"no\"}", "\"validateRules\""},
      {"{\"validateNewSchemas\":[]}", "\"validateNewSchemas\""},
      {"{\"defaultMetadata\":[]}", "\"defaultMetadata\""},
      {"{\"overrideMetadata\":1}", "\"overrideMetadata\""},
      {"{\"defaultRuleSet\":\"r\"}", "\"defaultRuleSet\""},
      {"{\"overrideRuleSet\":[]}", "\"overrideRuleSet\""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(!parse_config(bad[i][0], &cr, &reply), "accepted %s", bad[i][0]);
    ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
    ck_assert_msg(strstr(reply.message, bad[i][1]) != NULL, "%s", reply.message);
    ck_assert_ptr_null(cr.doc);
  }
  ck_assert(!parse_config("", &cr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_UNPROCESSABLE);
  ck_assert(!parse_config("[1]", &cr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
  ck_assert(!parse_config("{\"compatibility\":", &cr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
}
END_TEST

START_TEST(test_mode_request) {
  js_mode_request mr;
  rq_reply reply;
  memset(&reply, 0, sizeof reply);
  rq_request req =
      body_request("{\"mode\":\"import\",\"x\":1}", strlen("{\"mode\":\"import\",\"x\":1}"));
  ck_assert(js_parse_mode_request(&req, &mr, &reply));
  ck_assert_str_eq(mr.mode, "import");
  js_mode_request_free(&mr);
  ck_assert_ptr_null(mr.doc);
  ck_assert_ptr_null(mr.mode);
  js_mode_request_free(&mr);
  js_mode_request_free(NULL);

  req = body_request("{\"mode\":null}", strlen("{\"mode\":null}"));
  ck_assert(js_parse_mode_request(&req, &mr, &reply));
  ck_assert_ptr_null(mr.mode);
  js_mode_request_free(&mr);

  req = body_request("{}", 2);
  ck_assert(js_parse_mode_request(&req, &mr, &reply));
  ck_assert_ptr_null(mr.mode);
  js_mode_request_free(&mr);

  req = body_request("{\"mode\":1}", strlen("{\"mode\":1}"));
  ck_assert(!js_parse_mode_request(&req, &mr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_BAD_REQUEST);
  ck_assert_ptr_nonnull(strstr(reply.message, "\"mode\""));
  ck_assert_ptr_null(mr.doc);

  req = body_request("", 0);
  ck_assert(!js_parse_mode_request(&req, &mr, &reply));
  ck_assert_int_eq(reply.error, STRATA_E_UNPROCESSABLE);
}
END_TEST

static Suite *json_spec_suite(void) {
  Suite *s = suite_create("json_spec");
  TCase *tc = tcase_create("schema_request");
  tcase_add_test(tc, test_full_request);
  tcase_add_test(tc, test_minimal_and_absent_fields);
  tcase_add_test(tc, test_ruleset_alias);
  tcase_add_test(tc, test_not_json);
  tcase_add_test(tc, test_invalid_utf8_and_nul);
  tcase_add_test(tc, test_depth_limit);
  tcase_add_test(tc, test_ten_million_brackets);
  tcase_add_test(tc, test_brackets_inside_strings);
  tcase_add_test(tc, test_not_an_object);
  tcase_add_test(tc, test_empty_body);
  tcase_add_test(tc, test_wrong_types);
  tcase_add_test(tc, test_bad_references);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  TCase *other = tcase_create("config_and_mode");
  tcase_add_test(other, test_config_request);
  tcase_add_test(other, test_mode_request);
  suite_add_tcase(s, other);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(json_spec_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
