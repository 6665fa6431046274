/* check_compat_levels.c - strata_compat_check(): levels, directions, versions, the Confluent
 * verbose messages, level and type names, and concurrent use. */
#include <strata/compat.h>

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static strata_schema *parse_ok(const char *text) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc = strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "rejected %s: %s", text, diag.message);
  /* every schema of this suite is canonical-idempotent */
  strata_schema *again = NULL;
  const char *canon = strata_schema_canonical(s);
  ck_assert_int_eq(
      strata_schema_parse(STRATA_SCHEMA_AVRO, canon, strlen(canon), NULL, 0, &again, NULL),
      STRATA_E_OK);
  ck_assert_str_eq(strata_schema_canonical(again), canon);
  strata_schema_free(&again);
  return s;
}

static strata_compat_result *check(strata_compat_level level, const strata_schema *candidate,
                                   const strata_schema *const *previous, const int *versions,
                                   size_t n) {
  strata_compat_result *r = NULL;
  ck_assert_int_eq(strata_compat_check(level, candidate, previous, versions, n, &r), STRATA_E_OK);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(strata_compat_result_level(r), level);
  return r;
}

static void assert_issue(const strata_compat_result *r, size_t i, const char *code,
                         const char *path, strata_compat_direction dir, int version) {
  const strata_compat_issue *issue = strata_compat_result_issue(r, i);
  ck_assert_msg(issue != NULL, "no issue %zu", i);
  ck_assert_str_eq(issue->code, code);
  ck_assert_str_eq(issue->path, path);
  ck_assert_msg(issue->direction == dir, "issue %zu (%s %s): direction %s, expected %s", i, code,
                path, strata_compat_direction_name(issue->direction),
                strata_compat_direction_name(dir));
  ck_assert_int_eq(issue->version, version);
  ck_assert_ptr_nonnull(issue->message);
  ck_assert_int_gt((int)strlen(issue->message), 0);
}

static void assert_messages(strata_compat_result *r, bool validate_fields,
                            const char *const *expected, size_t nexpected) {
  const char *const *messages = NULL;
  size_t count = 99;
  ck_assert_int_eq(strata_compat_result_messages(r, validate_fields, &messages, &count),
                   STRATA_E_OK);
  for (size_t i = 0; i < count && i < nexpected; i++) {
    ck_assert_msg(strcmp(messages[i], expected[i]) == 0, "message %zu:\n  %s\nexpected\n  %s", i,
                  messages[i], expected[i]);
  }
  ck_assert_uint_eq(count, nexpected);
}

/* Schemas: V1 has f1; V2 adds f2 without a default; V3 changes f1 to int. */
#define V1 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"}]}"
#define V2                                                                                         \
  "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"},"         \
  "{\"name\":\"f2\",\"type\":\"string\"}]}"
#define V2_DEFAULT                                                                                 \
  "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"},"         \
  "{\"name\":\"f2\",\"type\":\"string\",\"default\":\"x\"}]}"
#define V3 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f1\",\"type\":\"int\"}]}"

static const strata_compat_level all_levels[] = {STRATA_COMPAT_NONE,
                                                 STRATA_COMPAT_BACKWARD,
                                                 STRATA_COMPAT_BACKWARD_TRANSITIVE,
                                                 STRATA_COMPAT_FORWARD,
                                                 STRATA_COMPAT_FORWARD_TRANSITIVE,
                                                 STRATA_COMPAT_FULL,
                                                 STRATA_COMPAT_FULL_TRANSITIVE};

START_TEST(test_none_always_compatible) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v3 = parse_ok(V3);
  strata_schema *i = parse_ok("\"int\"");
  const strata_schema *prev[] = {v1, i};
  strata_compat_result *r = check(STRATA_COMPAT_NONE, v3, prev, NULL, 2);
  ck_assert(strata_compat_result_compatible(r));
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 0);
  ck_assert_ptr_null(strata_compat_result_issue(r, 0));
  assert_messages(r, false, NULL, 0);
  strata_compat_result_free(&r);
  ck_assert_ptr_null(r);
  strata_schema_free(&v1);
  strata_schema_free(&v3);
  strata_schema_free(&i);
}
END_TEST

START_TEST(test_no_previous_compatible) {
  strata_schema *v3 = parse_ok(V3);
  for (size_t k = 0; k < sizeof all_levels / sizeof all_levels[0]; k++) {
    strata_compat_result *r = check(all_levels[k], v3, NULL, NULL, 0);
    ck_assert(strata_compat_result_compatible(r));
    assert_messages(r, false, NULL, 0);
    strata_compat_result_free(&r);
  }
  strata_schema_free(&v3);
}
END_TEST

START_TEST(test_identical_compatible_everywhere) {
  strata_schema *a = parse_ok(V2);
  strata_schema *b = parse_ok(V2);
  const strata_schema *prev[] = {b, b};
  for (size_t k = 0; k < sizeof all_levels / sizeof all_levels[0]; k++) {
    strata_compat_result *r = check(all_levels[k], a, prev, NULL, 2);
    ck_assert_msg(strata_compat_result_compatible(r), "level %s",
                  strata_compat_level_name(all_levels[k]));
    strata_compat_result_free(&r);
  }
  strata_schema_free(&a);
  strata_schema_free(&b);
}
END_TEST

START_TEST(test_add_field_directions) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v2 = parse_ok(V2);
  const strata_schema *prev[] = {v1};

  /* adding a field without default breaks BACKWARD: the new reader has no value for it */
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, v2, prev, NULL, 1);
  ck_assert(!strata_compat_result_compatible(r));
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               1);
  ck_assert_str_eq(strata_compat_result_issue(r, 0)->detail, "f2");
  ck_assert_ptr_nonnull(strstr(strata_compat_result_issue(r, 0)->message, "f2"));
  strata_compat_result_free(&r);

  /* ... but not FORWARD: the old reader skips it */
  r = check(STRATA_COMPAT_FORWARD, v2, prev, NULL, 1);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);

  /* FULL sees the backward problem */
  r = check(STRATA_COMPAT_FULL, v2, prev, NULL, 1);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               1);
  strata_compat_result_free(&r);

  /* with a default both directions work */
  strata_schema *v2d = parse_ok(V2_DEFAULT);
  r = check(STRATA_COMPAT_FULL, v2d, prev, NULL, 1);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);
  strata_schema_free(&v2d);

  strata_schema_free(&v1);
  strata_schema_free(&v2);
}
END_TEST

START_TEST(test_remove_field_directions) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v2 = parse_ok(V2);
  const strata_schema *prev[] = {v2};

  /* removing a field without default breaks FORWARD: the old reader needs it */
  strata_compat_result *r = check(STRATA_COMPAT_FORWARD, v1, prev, NULL, 1);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_FORWARD,
               1);
  strata_compat_result_free(&r);

  r = check(STRATA_COMPAT_BACKWARD, v1, prev, NULL, 1);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);

  r = check(STRATA_COMPAT_FULL, v1, prev, NULL, 1);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_FORWARD,
               1);
  strata_compat_result_free(&r);

  strata_schema_free(&v1);
  strata_schema_free(&v2);
}
END_TEST

START_TEST(test_full_forward_first) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v3 = parse_ok(V3);
  const strata_schema *prev[] = {v1};
  strata_compat_result *r = check(STRATA_COMPAT_FULL, v3, prev, NULL, 1);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 2);
  assert_issue(r, 0, "TYPE_MISMATCH", "/fields/0/type", STRATA_DIRECTION_FORWARD, 1);
  assert_issue(r, 1, "TYPE_MISMATCH", "/fields/0/type", STRATA_DIRECTION_BACKWARD, 1);
  /* forward: old (string) reads new (int); backward: new (int) reads old (string) */
  ck_assert_str_eq(strata_compat_result_issue(r, 0)->detail,
                   "reader type: STRING not compatible with writer type: INT");
  ck_assert_str_eq(strata_compat_result_issue(r, 1)->detail,
                   "reader type: INT not compatible with writer type: STRING");
  const char *expected[] = {
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
      "the old schema does not match with the new schema', additionalInfo:'reader type: STRING "
      "not compatible with writer type: INT'}",
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
      "the new schema does not match with the old schema', additionalInfo:'reader type: INT not "
      "compatible with writer type: STRING'}",
      "{oldSchemaVersion: 1}",
      "{oldSchema: '" V1 "'}",
      "{validateFields: 'false', compatibility: 'FULL'}",
  };
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  strata_compat_result_free(&r);
  strata_schema_free(&v1);
  strata_schema_free(&v3);
}
END_TEST

/* History v1 {a:int}, v2 {a:int, b:string}, v3 {a:string}; candidate {a:int, b:string}. */
#define H1 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"
#define H2                                                                                         \
  "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"             \
  "{\"name\":\"b\",\"type\":\"string\"}]}"
#define H3 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}"

START_TEST(test_transitive_backward) {
  strata_schema *h1 = parse_ok(H1);
  strata_schema *h2 = parse_ok(H2);
  strata_schema *h3 = parse_ok(H3);
  strata_schema *cand = parse_ok(H2);
  const strata_schema *prev[] = {h1, h2, h3};

  /* non-transitive: only the last (v3) */
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, cand, prev, NULL, 3);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 2);
  assert_issue(r, 0, "TYPE_MISMATCH", "/fields/0/type", STRATA_DIRECTION_BACKWARD, 3);
  assert_issue(r, 1, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               3);
  strata_compat_result_free(&r);

  /* the last alone being compatible is enough for a non-transitive level */
  const strata_schema *prev2[] = {h1, h3, h2};
  r = check(STRATA_COMPAT_BACKWARD, cand, prev2, NULL, 3);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);

  /* transitive: every failing version, newest first, 1-based positions */
  r = check(STRATA_COMPAT_BACKWARD_TRANSITIVE, cand, prev, NULL, 3);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 3);
  assert_issue(r, 0, "TYPE_MISMATCH", "/fields/0/type", STRATA_DIRECTION_BACKWARD, 3);
  assert_issue(r, 1, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               3);
  assert_issue(r, 2, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               1);
  strata_compat_result_free(&r);

  /* with explicit version numbers */
  const int versions[] = {3, 7, 10};
  r = check(STRATA_COMPAT_BACKWARD_TRANSITIVE, cand, prev, versions, 3);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 3);
  assert_issue(r, 0, "TYPE_MISMATCH", "/fields/0/type", STRATA_DIRECTION_BACKWARD, 10);
  assert_issue(r, 2, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               3);
  /* messages: only the newest failing version */
  const char *expected[] = {
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
      "the new schema does not match with the old schema', additionalInfo:'reader type: INT not "
      "compatible with writer type: STRING'}",
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path "
      "'/fields/1' in the new schema has no default value and is missing in the old schema', "
      "additionalInfo:'b'}",
      "{oldSchemaVersion: 10}",
      "{oldSchema: '" H3 "'}",
      "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}",
  };
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  strata_compat_result_free(&r);

  /* only the oldest fails: messages name it */
  const strata_schema *prev3[] = {h1, h2};
  r = check(STRATA_COMPAT_BACKWARD_TRANSITIVE, cand, prev3, versions, 2);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_BACKWARD,
               3);
  const char *expected3[] = {
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path "
      "'/fields/1' in the new schema has no default value and is missing in the old schema', "
      "additionalInfo:'b'}",
      "{oldSchemaVersion: 3}",
      "{oldSchema: '" H1 "'}",
      "{validateFields: 'true', compatibility: 'BACKWARD_TRANSITIVE'}",
  };
  assert_messages(r, true, expected3, sizeof expected3 / sizeof expected3[0]);
  strata_compat_result_free(&r);

  strata_schema_free(&h1);
  strata_schema_free(&h2);
  strata_schema_free(&h3);
  strata_schema_free(&cand);
}
END_TEST

START_TEST(test_transitive_forward_and_full) {
  /* candidate {a:int} after v1 {a:int, b:string}, v2 {a:int}: removing b (no default) breaks
   * FORWARD against v1 only */
  strata_schema *v1 = parse_ok(H2);
  strata_schema *v2 = parse_ok(H1);
  strata_schema *cand = parse_ok(H1);
  const strata_schema *prev[] = {v1, v2};

  strata_compat_result *r = check(STRATA_COMPAT_FORWARD, cand, prev, NULL, 2);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);

  r = check(STRATA_COMPAT_FORWARD_TRANSITIVE, cand, prev, NULL, 2);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_FORWARD,
               1);
  strata_compat_result_free(&r);

  r = check(STRATA_COMPAT_FULL, cand, prev, NULL, 2);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);

  r = check(STRATA_COMPAT_FULL_TRANSITIVE, cand, prev, NULL, 2);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", STRATA_DIRECTION_FORWARD,
               1);
  /* a FULL failure that is purely forward has no schema lines */
  const char *expected[] = {
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path "
      "'/fields/1' in the old schema has no default value and is missing in the new schema', "
      "additionalInfo:'b'}",
      "{validateFields: 'false', compatibility: 'FULL_TRANSITIVE'}",
  };
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  strata_compat_result_free(&r);

  strata_schema_free(&v1);
  strata_schema_free(&v2);
  strata_schema_free(&cand);
}
END_TEST

START_TEST(test_messages_backward_exact) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v2 = parse_ok(V2);
  const strata_schema *prev[] = {v1};
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, v2, prev, NULL, 1);
  static const char entry[] =
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path "
      "'/fields/1' in the new schema has no default value and is missing in the old schema', "
      "additionalInfo:'f2'}";
  static const char old_schema[] =
      "{oldSchema: '{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f1\",\"type\":"
      "\"string\"}]}'}";
  const char *expected[] = {
      entry,
      "{oldSchemaVersion: 1}",
      old_schema,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
  };
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  /* asking again returns the same list; another validate_fields rebuilds the last line */
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  const char *expected_true[] = {expected[0], expected[1], expected[2],
                                 "{validateFields: 'true', compatibility: 'BACKWARD'}"};
  assert_messages(r, true, expected_true, 4);
  strata_compat_result_free(&r);
  strata_schema_free(&v1);
  strata_schema_free(&v2);
}
END_TEST

START_TEST(test_messages_forward_exact) {
  strata_schema *v1 = parse_ok(V1);
  strata_schema *v2 = parse_ok(V2);
  const strata_schema *prev[] = {v2};
  const int versions[] = {5};
  strata_compat_result *r = check(STRATA_COMPAT_FORWARD, v1, prev, versions, 1);
  const char *expected[] = {
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path "
      "'/fields/1' in the old schema has no default value and is missing in the new schema', "
      "additionalInfo:'f2'}",
      "{oldSchemaVersion: 5}",
      "{oldSchema: '" V2 "'}",
      "{validateFields: 'false', compatibility: 'FORWARD'}",
  };
  assert_messages(r, false, expected, sizeof expected / sizeof expected[0]);
  strata_compat_result_free(&r);
  strata_schema_free(&v1);
  strata_schema_free(&v2);
}
END_TEST

START_TEST(test_messages_truncated) {
  /* an old schema whose canonical text is longer than 10 KiB */
  size_t doclen = 12000;
  char *text = malloc(doclen + 200);
  ck_assert_ptr_nonnull(text);
  int n = snprintf(text, 200, "{\"type\":\"record\",\"name\":\"r\",\"doc\":\"");
  memset(text + n, 'd', doclen);
  strcpy(text + n + doclen, "\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"}]}");
  strata_schema *old = parse_ok(text);
  strata_schema *cand = parse_ok(V2);
  const char *canon = strata_schema_canonical(old);
  ck_assert_uint_gt(strlen(canon), 10240);
  const strata_schema *prev[] = {old};
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, cand, prev, NULL, 1);
  const char *const *messages = NULL;
  size_t count = 0;
  ck_assert_int_eq(strata_compat_result_messages(r, false, &messages, &count), STRATA_E_OK);
  ck_assert_uint_eq(count, 4);
  char *expected = malloc(10240 + 64);
  ck_assert_ptr_nonnull(expected);
  snprintf(expected, 10240 + 64, "{oldSchema: '%.10240s<truncated>'}", canon);
  ck_assert_str_eq(messages[2], expected);
  free(expected);
  strata_compat_result_free(&r);

  /* exactly 10 KiB is not truncated */
  strata_schema_free(&old);
  size_t base = strlen("{\"type\":\"record\",\"name\":\"r\",\"doc\":\"\",\"fields\":[{\"name\":"
                       "\"f1\",\"type\":\"string\"}]}");
  n = snprintf(text, 200, "{\"type\":\"record\",\"name\":\"r\",\"doc\":\"");
  memset(text + n, 'd', 10240 - base);
  strcpy(text + n + (10240 - base), "\",\"fields\":[{\"name\":\"f1\",\"type\":\"string\"}]}");
  old = parse_ok(text);
  ck_assert_uint_eq(strlen(strata_schema_canonical(old)), 10240);
  prev[0] = old;
  r = check(STRATA_COMPAT_BACKWARD, cand, prev, NULL, 1);
  ck_assert_int_eq(strata_compat_result_messages(r, false, &messages, &count), STRATA_E_OK);
  ck_assert_uint_eq(count, 4);
  ck_assert_ptr_null(strstr(messages[2], "<truncated>"));
  ck_assert_uint_eq(strlen(messages[2]), 10240 + strlen("{oldSchema: ''}"));
  strata_compat_result_free(&r);

  free(text);
  strata_schema_free(&old);
  strata_schema_free(&cand);
}
END_TEST

START_TEST(test_schema_type_mismatch) {
  /* only Avro is supported in this build, so the mismatch cannot be built from two parsed
   * schemas; the check of the candidate against itself is the control */
  strata_schema *a = parse_ok("\"string\"");
  strata_schema *b = parse_ok("\"int\"");
  const strata_schema *prev[] = {b};
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, a, prev, NULL, 1);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  assert_issue(r, 0, "TYPE_MISMATCH", "/", STRATA_DIRECTION_BACKWARD, 1);
  strata_compat_result_free(&r);
  strata_schema_free(&a);
  strata_schema_free(&b);
}
END_TEST

START_TEST(test_check_bad_arguments) {
  strata_schema *a = parse_ok("\"string\"");
  strata_compat_result *r = NULL;
  ck_assert_int_eq(strata_compat_check(STRATA_COMPAT_BACKWARD, NULL, NULL, NULL, 0, &r),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_compat_check(STRATA_COMPAT_BACKWARD, a, NULL, NULL, 0, NULL),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_compat_check(STRATA_COMPAT_BACKWARD, a, NULL, NULL, 1, &r),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_compat_check((strata_compat_level)42, a, NULL, NULL, 0, &r),
                   STRATA_E_INVALID_ARGUMENT);
  const strata_schema *prev[] = {NULL};
  ck_assert_int_eq(strata_compat_check(STRATA_COMPAT_BACKWARD, a, prev, NULL, 1, &r),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_ptr_null(r);
  strata_compat_result_free(&r);
  strata_compat_result_free(NULL);
  strata_schema_free(&a);
}
END_TEST

START_TEST(test_level_names) {
  static const struct {
    const char *name;
    strata_compat_level level;
  } names[] = {
      {"NONE", STRATA_COMPAT_NONE},
      {"backward", STRATA_COMPAT_BACKWARD},
      {"Backward_Transitive", STRATA_COMPAT_BACKWARD_TRANSITIVE},
      {"FORWARD", STRATA_COMPAT_FORWARD},
      {"forward_transitive", STRATA_COMPAT_FORWARD_TRANSITIVE},
      {"full", STRATA_COMPAT_FULL},
      {"FULL_TRANSITIVE", STRATA_COMPAT_FULL_TRANSITIVE},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    strata_compat_level level = (strata_compat_level)99;
    ck_assert_int_eq(strata_compat_level_from_name(names[i].name, &level), STRATA_E_OK);
    ck_assert_int_eq(level, names[i].level);
  }
  const char *junk[] = {"", "BACK", "backwards", "FULL TRANSITIVE", "FULL_TRANSITIVE ", "none1"};
  for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
    strata_compat_level level = STRATA_COMPAT_FULL;
    ck_assert_int_eq(strata_compat_level_from_name(junk[i], &level),
                     STRATA_E_INVALID_COMPATIBILITY_LEVEL);
    ck_assert_int_eq(level, STRATA_COMPAT_FULL);
  }
  strata_compat_level level;
  ck_assert_int_eq(strata_compat_level_from_name(NULL, &level),
                   STRATA_E_INVALID_COMPATIBILITY_LEVEL);
  ck_assert_str_eq(strata_compat_level_name(STRATA_COMPAT_BACKWARD_TRANSITIVE),
                   "BACKWARD_TRANSITIVE");
  ck_assert_str_eq(strata_compat_level_name(STRATA_COMPAT_NONE), "NONE");
  ck_assert_ptr_null(strata_compat_level_name((strata_compat_level)7));
  ck_assert_ptr_null(strata_compat_level_name((strata_compat_level)-1));
  ck_assert_str_eq(strata_compat_direction_name(STRATA_DIRECTION_BACKWARD), "BACKWARD");
  ck_assert_str_eq(strata_compat_direction_name(STRATA_DIRECTION_FORWARD), "FORWARD");
}
END_TEST

START_TEST(test_schema_type_names) {
  strata_schema_type t = (strata_schema_type)99;
  ck_assert_int_eq(strata_schema_type_from_name("avro", &t), STRATA_E_OK);
  ck_assert_int_eq(t, STRATA_SCHEMA_AVRO);
  ck_assert_int_eq(strata_schema_type_from_name("PROTOBUF", &t), STRATA_E_OK);
  ck_assert_int_eq(t, STRATA_SCHEMA_PROTOBUF);
  ck_assert_int_eq(strata_schema_type_from_name("Json", &t), STRATA_E_OK);
  ck_assert_int_eq(t, STRATA_SCHEMA_JSON);
  ck_assert_int_eq(strata_schema_type_from_name("table", &t), STRATA_E_OK);
  ck_assert_int_eq(t, STRATA_SCHEMA_TABLE);
  t = STRATA_SCHEMA_JSON;
  ck_assert_int_eq(strata_schema_type_from_name("XML", &t), STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_schema_type_from_name("", &t), STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_schema_type_from_name(NULL, &t), STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(t, STRATA_SCHEMA_JSON);
  ck_assert_str_eq(strata_schema_type_name(STRATA_SCHEMA_AVRO), "AVRO");
  ck_assert_str_eq(strata_schema_type_name(STRATA_SCHEMA_PROTOBUF), "PROTOBUF");
  ck_assert_ptr_null(strata_schema_type_name((strata_schema_type)4));
  ck_assert(strata_schema_type_supported(STRATA_SCHEMA_AVRO));
  ck_assert(!strata_schema_type_supported((strata_schema_type)4));
  strata_schema *s = parse_ok("\"int\"");
  ck_assert_int_eq(strata_schema_get_type(s), STRATA_SCHEMA_AVRO);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_json_unsupported) {
  const char *json = "{\"type\": \"object\"}";
  ck_assert(strata_schema_type_supported(STRATA_SCHEMA_PROTOBUF));
  ck_assert(strata_schema_type_supported(STRATA_SCHEMA_TABLE));
  ck_assert(!strata_schema_type_supported(STRATA_SCHEMA_JSON));
  strata_schema *s = NULL;
  strata_diag diag;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_JSON, json, strlen(json), NULL, 0, &s, &diag),
                   STRATA_E_UNSUPPORTED);
  ck_assert_ptr_null(s);
  ck_assert_ptr_nonnull(strstr(diag.message, "JSON"));
  ck_assert_ptr_nonnull(strstr(diag.message, "not supported"));
}
END_TEST

/* ---- concurrency -------------------------------------------------------------------------- */

typedef struct worker_arg {
  const strata_schema *shared_old;
  int failures;
} worker_arg;

static void *worker(void *p) {
  worker_arg *arg = p;
  for (int i = 0; i < 200; i++) {
    strata_schema *cand = NULL;
    const char *text = (i % 2 == 0) ? V2 : V2_DEFAULT;
    if (strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &cand, NULL) !=
        STRATA_E_OK) {
      arg->failures++;
      continue;
    }
    const strata_schema *prev[] = {arg->shared_old};
    strata_compat_result *r = NULL;
    if (strata_compat_check(STRATA_COMPAT_FULL_TRANSITIVE, cand, prev, NULL, 1, &r) !=
        STRATA_E_OK) {
      arg->failures++;
    } else {
      bool expect_ok = i % 2 != 0;
      const char *const *messages = NULL;
      size_t count = 0;
      if (strata_compat_result_compatible(r) != expect_ok ||
          strata_compat_result_messages(r, false, &messages, &count) != STRATA_E_OK ||
          count != (expect_ok ? 0u : 4u)) {
        arg->failures++;
      }
    }
    strata_compat_result_free(&r);
    strata_schema_free(&cand);
    /* an invalid schema in between exercises the avro-c and diagnostic paths */
    strata_diag diag;
    const char *bad = "{\"type\":\"fixed\",\"name\":\"F\",\"size\":0}";
    if (strata_schema_parse(STRATA_SCHEMA_AVRO, bad, strlen(bad), NULL, 0, &cand, &diag) !=
        STRATA_E_INVALID_SCHEMA) {
      arg->failures++;
    }
  }
  return NULL;
}

START_TEST(test_threads) {
  strata_schema *old = parse_ok(V1);
  pthread_t threads[4];
  worker_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i].shared_old = old;
    args[i].failures = 0;
    ck_assert_int_eq(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
    ck_assert_int_eq(args[i].failures, 0);
  }
  strata_schema_free(&old);
}
END_TEST

static Suite *levels_suite(void) {
  Suite *s = suite_create("compat_levels");
  TCase *levels = tcase_create("levels");
  tcase_add_test(levels, test_none_always_compatible);
  tcase_add_test(levels, test_no_previous_compatible);
  tcase_add_test(levels, test_identical_compatible_everywhere);
  tcase_add_test(levels, test_add_field_directions);
  tcase_add_test(levels, test_remove_field_directions);
  tcase_add_test(levels, test_full_forward_first);
  tcase_add_test(levels, test_transitive_backward);
  tcase_add_test(levels, test_transitive_forward_and_full);
  tcase_add_test(levels, test_schema_type_mismatch);
  tcase_add_test(levels, test_check_bad_arguments);
  suite_add_tcase(s, levels);
  TCase *messages = tcase_create("messages");
  tcase_add_test(messages, test_messages_backward_exact);
  tcase_add_test(messages, test_messages_forward_exact);
  tcase_add_test(messages, test_messages_truncated);
  suite_add_tcase(s, messages);
  TCase *names = tcase_create("names");
  tcase_add_test(names, test_level_names);
  tcase_add_test(names, test_schema_type_names);
  tcase_add_test(names, test_json_unsupported);
  suite_add_tcase(s, names);
  TCase *threads = tcase_create("threads");
  tcase_set_timeout(threads, 60);
  tcase_add_test(threads, test_threads);
  suite_add_tcase(s, threads);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(levels_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
