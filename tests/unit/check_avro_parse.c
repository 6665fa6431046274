/* check_avro_parse.c - Avro schema validation: what is rejected (with a diagnostic that names
 * the problem and points at it) and the edge cases that are valid Avro. */
#include <strata/compat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static strata_schema *parse_refs(const char *text, const strata_schema *const *refs, size_t nrefs) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), refs, nrefs, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "rejected %s: %s (path %s)", text, diag.message, diag.path);
  ck_assert_ptr_nonnull(s);
  return s;
}

static strata_schema *parse_ok(const char *text) {
  return parse_refs(text, NULL, 0);
}

/* The canonical text must re-parse to the same canonical text. */
static void assert_idempotent(const strata_schema *s, const strata_schema *const *refs,
                              size_t nrefs) {
  const char *canon = strata_schema_canonical(s);
  strata_schema *again = parse_refs(canon, refs, nrefs);
  ck_assert_str_eq(strata_schema_canonical(again), canon);
  ck_assert_str_eq(strata_schema_normal_form(again), strata_schema_normal_form(s));
  strata_schema_free(&again);
}

/* Parses @p len bytes expecting STRATA_E_INVALID_SCHEMA; returns the diagnostic. */
static strata_diag reject_n(const char *text, size_t len) {
  strata_schema *s = (strata_schema *)&s; /* must be reset to NULL */
  strata_diag diag;
  strata_error rc = strata_schema_parse(STRATA_SCHEMA_AVRO, text, len, NULL, 0, &s, &diag);
  ck_assert_msg(rc == STRATA_E_INVALID_SCHEMA, "%.*s: got %s, expected INVALID_SCHEMA", (int)len,
                text, strata_error_name(rc));
  ck_assert_ptr_null(s);
  ck_assert_msg(diag.message[0] != '\0', "%.*s: empty diagnostic", (int)len, text);
  return diag;
}

static strata_diag reject(const char *text) {
  return reject_n(text, strlen(text));
}

/* ---- invalid schemas ------------------------------------------------------------------ */

typedef struct invalid_case {
  const char *input;
  /* the expected JSON pointer of the diagnostic */
  const char *path;
  /* a phrase the message must contain */
  const char *message;
} invalid_case;

#define REC(fields)      "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" fields "]}"
#define FIELD(type, def) "{\"name\":\"f\",\"type\":" type ",\"default\":" def "}"

static const invalid_case invalid_cases[] = {
    /* unknown type names */
    {"\"integer\"", "/", "unknown type \"integer\""},
    {REC("{\"name\":\"a\",\"type\":\"Foo\"}"), "/fields/0/type", "unknown type \"Foo\""},
    {REC("{\"name\":\"a\",\"type\":{\"type\":\"Foo\"}}"), "/fields/0/type/type",
     "unknown type \"Foo\""},
    /* missing members */
    {"{\"type\":\"record\",\"fields\":[]}", "/name", "needs a \"name\""},
    {"{\"type\":\"enum\",\"symbols\":[\"A\"]}", "/name", "needs a \"name\""},
    {"{\"type\":\"fixed\",\"size\":4}", "/name", "needs a \"name\""},
    {"{\"type\":\"record\",\"name\":\"R\"}", "/fields", "no \"fields\""},
    {"{\"type\":\"enum\",\"name\":\"E\"}", "/symbols", "no \"symbols\""},
    {"{\"type\":\"fixed\",\"name\":\"F\"}", "/size", "no \"size\""},
    {"{\"type\":\"array\"}", "/items", "\"items\""},
    {"{\"type\":\"map\"}", "/values", "\"values\""},
    {REC("{\"name\":\"a\",\"type\":{\"type\":\"array\"}}"), "/fields/0/type/items", "\"items\""},
    {REC("{\"name\":\"a\",\"type\":{\"type\":\"map\",\"items\":\"int\"}}"), "/fields/0/type/values",
     "\"values\""},
    {REC("{\"name\":\"a\"}"), "/fields/0", "no \"type\""},
    {"{\"name\":\"R\",\"fields\":[]}", "/", "needs a \"type\""},
    /* invalid names and namespaces */
    {"{\"type\":\"record\",\"name\":\"1abc\",\"fields\":[]}", "/name", "invalid name \"1abc\""},
    {"{\"type\":\"record\",\"name\":\"a-b\",\"fields\":[]}", "/name", "invalid name \"a-b\""},
    {"{\"type\":\"record\",\"name\":\"\",\"fields\":[]}", "/name", "invalid name \"\""},
    {"{\"type\":\"enum\",\"name\":\"x.\",\"symbols\":[]}", "/name", "invalid name"},
    {"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a..b\",\"fields\":[]}", "/namespace",
     "invalid namespace \"a..b\""},
    {"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"1a.b\",\"fields\":[]}", "/namespace",
     "invalid namespace \"1a.b\""},
    {"{\"type\":\"record\",\"name\":\"a..b.R\",\"fields\":[]}", "/name", "invalid namespace"},
    {REC("{\"name\":\"a-b\",\"type\":\"int\"}"), "/fields/0/name", "invalid field name \"a-b\""},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"b c\"]}", "/symbols/1",
     "invalid enum symbol \"b c\""},
    {"{\"type\":\"record\",\"name\":\"int\",\"fields\":[]}", "/name", "primitive type name"},
    {"{\"type\":\"fixed\",\"name\":\"string\",\"size\":1}", "/name", "primitive type name"},
    /* duplicates */
    {REC("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"a\",\"type\":\"long\"}"), "/fields/1/name",
     "two fields named \"a\""},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"A\"]}", "/symbols/2",
     "symbol \"A\" twice"},
    {REC("{\"name\":\"a\",\"type\":{\"type\":\"fixed\",\"name\":\"X\",\"size\":1}},"
         "{\"name\":\"b\",\"type\":{\"type\":\"enum\",\"name\":\"X\",\"symbols\":[\"A\"]}}"),
     "/fields/1/type/name", "\"X\" is defined twice"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"r\",\"type\":"
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}}]}",
     "/fields/0/type/name", "\"R\" is defined twice"},
    /* enums */
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"Z\"}", "/default",
     "\"Z\" of enum E is not one of its symbols"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":1}", "/default",
     "must be a string"},
    /* fixed sizes */
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":0}", "/size", "positive integer"},
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}", "/size", "positive integer"},
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":\"4\"}", "/size", "positive integer"},
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":4.0}", "/size", "positive integer"},
    /* field defaults that do not match the field's type */
    {REC(FIELD("\"int\"", "\"x\"")), "/fields/0/default", "invalid default value for field \"f\""},
    {REC(FIELD("\"int\"", "2147483648")), "/fields/0/default", "32-bit integer"},
    {REC(FIELD("\"int\"", "-2147483649")), "/fields/0/default", "32-bit integer"},
    {REC(FIELD("\"int\"", "1.0")), "/fields/0/default", "32-bit integer"},
    {REC(FIELD("\"long\"", "1.5")), "/fields/0/default", "64-bit integer"},
    {REC(FIELD("\"float\"", "\"1\"")), "/fields/0/default", "expected a number"},
    {REC(FIELD("\"double\"", "null")), "/fields/0/default", "expected a number"},
    {REC(FIELD("\"boolean\"", "0")), "/fields/0/default", "expected a boolean"},
    {REC(FIELD("\"boolean\"", "\"true\"")), "/fields/0/default", "expected a boolean"},
    {REC(FIELD("\"null\"", "0")), "/fields/0/default", "expected null"},
    {REC(FIELD("\"string\"", "1")), "/fields/0/default", "expected a string"},
    {REC(FIELD("\"bytes\"", "\"\\u0100\"")), "/fields/0/default", "U+0000..U+00FF"},
    {REC(FIELD("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"abc\"")), "/fields/0/default",
     "exactly 2"},
    {REC(FIELD("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"a\"")), "/fields/0/default",
     "exactly 2"},
    {REC(FIELD("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "\"Z\"")),
     "/fields/0/default", "\"Z\" is not a symbol of enum E"},
    {REC(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "{}")), "/fields/0/default",
     "expected an array"},
    {REC(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "[1,\"2\"]")), "/fields/0/default",
     "32-bit integer"},
    {REC(FIELD("{\"type\":\"map\",\"values\":\"int\"}", "[]")), "/fields/0/default",
     "expected an object"},
    {REC(FIELD("{\"type\":\"record\",\"name\":\"In\",\"fields\":[{\"name\":\"a\",\"type\":"
               "\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}",
               "{\"b\":1}")),
     "/fields/0/default", "no value for field \"a\""},
    {REC(FIELD("[\"null\",\"string\"]", "\"x\"")), "/fields/0/default", "expected null"},
    {REC(FIELD("[\"string\",\"null\"]", "null")), "/fields/0/default", "expected a string"},
    {REC(FIELD("[]", "null")), "/fields/0/default", "empty union"},
    /* unions */
    {"[\"null\",[\"int\"]]", "/1", "may not immediately contain another union"},
    {REC("{\"name\":\"u\",\"type\":[\"int\",\"string\",\"int\"]}"), "/fields/0/type/2",
     "two branches of type int"},
    {"[{\"type\":\"record\",\"name\":\"n.R\",\"fields\":[]},\"n.R\"]", "/1",
     "two branches of type n.R"},
    {"[{\"type\":\"map\",\"values\":\"int\"},{\"type\":\"map\",\"values\":\"long\"}]", "/1",
     "two branches of type map"},
    /* order */
    {REC("{\"name\":\"a\",\"type\":\"int\",\"order\":\"sideways\"}"), "/fields/0/order",
     "\"order\""},
    /* NUL characters in names */
    {"\"int\\u0000\"", "/", "NUL"},
    {REC("{\"name\":\"a\",\"type\":\"R\\u0000x\"}"), "/fields/0/type", "NUL"},
    {"{\"type\":\"record\",\"name\":\"R\\u0000x\",\"fields\":[]}", "/name", "NUL"},
    {"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\\u0000\",\"fields\":[]}", "/namespace",
     "NUL"},
    /* not a schema */
    {"42", "/", "not a number"},
    {"null", "/", "not null"},
    {REC("{\"name\":\"a\",\"type\":true}"), "/fields/0/type", "not a boolean"},
};

#define NINVALID (sizeof invalid_cases / sizeof invalid_cases[0])

START_TEST(test_invalid) {
  const invalid_case *c = &invalid_cases[_i];
  strata_diag diag = reject(c->input);
  ck_assert_msg(strcmp(diag.path, c->path) == 0, "%s: path \"%s\", expected \"%s\" (%s)", c->input,
                diag.path, c->path, diag.message);
  ck_assert_msg(strstr(diag.message, c->message) != NULL,
                "%s: message \"%s\" does not contain \"%s\"", c->input, diag.message, c->message);
}
END_TEST

START_TEST(test_empty_text) {
  const char *texts[] = {"", " ", "\n\t \r\n"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    strata_diag diag = reject(texts[i]);
    ck_assert_msg(strstr(diag.message, "empty") != NULL, "message: %s", diag.message);
  }
  /* a NULL text of length 0 is an empty schema too */
  strata_schema *s = NULL;
  strata_diag diag;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, NULL, 0, NULL, 0, &s, &diag),
                   STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_invalid_json) {
  strata_diag diag = reject("{\"type\":\n  \"record\",, }");
  ck_assert_msg(strstr(diag.message, "invalid JSON") != NULL, "message: %s", diag.message);
  ck_assert_int_eq(diag.line, 2);
  ck_assert_int_gt(diag.column, 0);

  diag = reject("{\"type\":\"int\"");
  ck_assert_int_gt(diag.line, 0);
  ck_assert_int_gt(diag.column, 0);

  /* duplicate keys are refused: which one would count is ambiguous */
  diag = reject("{\"type\":\"int\",\"type\":\"long\"}");
  ck_assert_int_gt(diag.line, 0);

  /* trailing garbage */
  diag = reject("\"int\" x");
  ck_assert_int_gt(diag.line, 0);
}
END_TEST

START_TEST(test_length_is_respected) {
  /* only len bytes are read: the prefix "\"in" is not a complete schema */
  strata_diag diag = reject_n("\"int\"", 3);
  ck_assert_int_gt(diag.line, 0);
  /* and a valid prefix parses although garbage follows */
  strata_schema *s = NULL;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"garbage", 5, NULL, 0, &s, NULL),
                   STRATA_E_OK);
  ck_assert_str_eq(strata_schema_canonical(s), "\"int\"");
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_invalid_no_diag) {
  /* diag may be NULL */
  strata_schema *s = NULL;
  const char *text = "{\"type\":\"fixed\",\"name\":\"F\",\"size\":0}";
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &s, NULL),
                   STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(s);
}
END_TEST

/* ---- valid schemas ------------------------------------------------------------------------ */

START_TEST(test_union_default_first_branch) {
  strata_schema *s = parse_ok(REC(FIELD("[\"string\",\"null\"]", "\"x\"")));
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
  s = parse_ok(REC(FIELD("[\"null\",\"string\"]", "null")));
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_valid_defaults) {
  const char *fields[] = {
      FIELD("\"int\"", "2147483647"),
      FIELD("\"int\"", "-2147483648"),
      FIELD("\"long\"", "9223372036854775807"),
      FIELD("\"float\"", "1"),
      FIELD("\"double\"", "-2.5e10"),
      FIELD("\"boolean\"", "false"),
      FIELD("\"null\"", "null"),
      FIELD("\"string\"", "\"\""),
      FIELD("\"bytes\"", "\"\\u00ff\""),
      FIELD("\"bytes\"", "\"a\\u0000\\u00e9\""),
      FIELD("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"\\u0000\\u0000\""),
      FIELD("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"\\u00ff\\u0001\""),
      FIELD("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", "\"B\""),
      FIELD("{\"type\":\"array\",\"items\":\"int\"}", "[]"),
      FIELD("{\"type\":\"map\",\"values\":[\"null\",\"int\"]}", "{\"a\":null}"),
      FIELD("{\"type\":\"record\",\"name\":\"In\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
            "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}",
            "{\"a\":1}"),
      FIELD("{\"type\":\"int\",\"logicalType\":\"date\"}", "0"),
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    char text[1024];
    snprintf(text, sizeof text, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[%s]}", fields[i]);
    strata_schema *s = parse_ok(text);
    ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "\"default\":"));
    assert_idempotent(s, NULL, 0);
    strata_schema_free(&s);
  }
}
END_TEST

START_TEST(test_recursive_record) {
  strata_schema *s =
      parse_ok("{\"type\":\"record\",\"name\":\"LongList\",\"fields\":["
               "{\"name\":\"value\",\"type\":\"long\"},"
               "{\"name\":\"next\",\"type\":[\"null\",\"LongList\"],\"default\":null}]}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"LongList\",\"type\":\"record\",\"fields\":[{\"name\":\"value\","
                   "\"type\":\"long\"},{\"name\":\"next\",\"type\":[\"null\",\"LongList\"]}]}");
  ck_assert_str_eq(strata_schema_canonical(s),
                   "{\"type\":\"record\",\"name\":\"LongList\",\"fields\":[{\"name\":\"value\","
                   "\"type\":\"long\"},{\"name\":\"next\",\"type\":[\"null\",\"LongList\"],"
                   "\"default\":null}]}");
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_empty_union) {
  strata_schema *s = parse_ok("[]");
  ck_assert_str_eq(strata_schema_canonical(s), "[]");
  ck_assert_str_eq(strata_schema_normal_form(s), "[]");
  strata_schema_free(&s);
  s = parse_ok(REC("{\"name\":\"u\",\"type\":[]}"));
  ck_assert_str_eq(
      strata_schema_normal_form(s),
      "{\"name\":\"R\",\"type\":\"record\",\"fields\":[{\"name\":\"u\",\"type\":[]}]}");
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_error_type) {
  strata_schema *s = parse_ok("{\"type\":\"error\",\"name\":\"Failure\",\"namespace\":\"n\","
                              "\"fields\":[{\"name\":\"message\",\"type\":\"string\"}]}");
  /* the Parsing Canonical Form has no "error": it is a record there */
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"n.Failure\",\"type\":\"record\",\"fields\":[{\"name\":\"message\","
                   "\"type\":\"string\"}]}");
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "\"type\":\"error\""));
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_underscore_names) {
  strata_schema *s =
      parse_ok("{\"type\":\"record\",\"name\":\"_R_1\",\"namespace\":\"_a._b2\",\"fields\":["
               "{\"name\":\"_\",\"type\":{\"type\":\"enum\",\"name\":\"__E\",\"symbols\":"
               "[\"_A\",\"B_9\"]}}]}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"_a._b2._R_1\",\"type\":\"record\",\"fields\":[{\"name\":\"_\","
                   "\"type\":{\"name\":\"_a._b2.__E\",\"type\":\"enum\",\"symbols\":[\"_A\","
                   "\"B_9\"]}}]}");
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_namespace_inheritance) {
  /* nested named types inherit the enclosing namespace; arrays, maps and unions pass it on */
  strata_schema *s = parse_ok(
      "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":["
      "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"fixed\",\"name\":"
      "\"F\",\"size\":1}}},"
      "{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"In\",\"namespace\":"
      "\"m\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
      "\"symbols\":[\"A\"]}}]}]},"
      "{\"name\":\"c\",\"type\":\"F\"},{\"name\":\"d\",\"type\":\"m.E\"}]}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"n.R\",\"type\":\"record\",\"fields\":["
                   "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":{\"name\":\"n.F\","
                   "\"type\":\"fixed\",\"size\":1}}},"
                   "{\"name\":\"b\",\"type\":[\"null\",{\"name\":\"m.In\",\"type\":\"record\","
                   "\"fields\":[{\"name\":\"e\",\"type\":{\"name\":\"m.E\",\"type\":\"enum\","
                   "\"symbols\":[\"A\"]}}]}]},"
                   "{\"name\":\"c\",\"type\":\"n.F\"},{\"name\":\"d\",\"type\":\"m.E\"}]}");
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_short_name_references) {
  /* a short name resolves in the enclosing namespace first (a nested record in the same
   * namespace sees n.F as "F") ... */
  strata_schema *s =
      parse_ok("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":["
               "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":1}},"
               "{\"name\":\"in\",\"type\":{\"type\":\"record\",\"name\":\"In\",\"fields\":["
               "{\"name\":\"g\",\"type\":\"F\"}]}}]}");
  ck_assert_ptr_nonnull(strstr(strata_schema_normal_form(s), "{\"name\":\"g\",\"type\":\"n.F\"}"));
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);

  /* ... then in the null namespace, as Java's Names.get() does */
  s = parse_ok("{\"type\":\"record\",\"name\":\"Top\",\"fields\":["
               "{\"name\":\"g\",\"type\":{\"type\":\"enum\",\"name\":\"G\",\"symbols\":[\"A\"]}},"
               "{\"name\":\"in\",\"type\":{\"type\":\"record\",\"name\":\"In\",\"namespace\":"
               "\"x.y\",\"fields\":[{\"name\":\"h\",\"type\":\"G\"}]}}]}");
  ck_assert_ptr_nonnull(strstr(strata_schema_normal_form(s), "{\"name\":\"h\",\"type\":\"G\"}"));
  ck_assert_ptr_nonnull(strstr(strata_schema_normal_form(s), "{\"name\":\"x.y.In\""));
  /* the canonical text refers to G by its (namespace-less) full name from inside x.y */
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "{\"name\":\"h\",\"type\":\"G\"}"));
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);

  /* a short name does not resolve into some other non-null namespace */
  strata_diag diag =
      reject("{\"type\":\"record\",\"name\":\"a.R\",\"fields\":["
             "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":1}},"
             "{\"name\":\"in\",\"type\":{\"type\":\"record\",\"name\":\"b.In\","
             "\"fields\":[{\"name\":\"g\",\"type\":\"F\"}]}}]}");
  ck_assert_str_eq(diag.path, "/fields/1/type/fields/0/type");
  ck_assert_ptr_nonnull(strstr(diag.message, "unknown type \"F\""));
}
END_TEST

START_TEST(test_full_name_overrides_namespace) {
  strata_schema *s = parse_ok(
      "{\"type\":\"record\",\"name\":\"a.b.C\",\"namespace\":\"x.y\",\"fields\":["
      "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}]}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"a.b.C\",\"type\":\"record\",\"fields\":[{\"name\":\"e\",\"type\":"
                   "{\"name\":\"a.b.E\",\"type\":\"enum\",\"symbols\":[\"A\"]}}]}");
  ck_assert_str_eq(
      strata_schema_canonical(s),
      "{\"type\":\"record\",\"name\":\"C\",\"namespace\":\"a.b\",\"fields\":[{\"name\":"
      "\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}]}");
  assert_idempotent(s, NULL, 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_named_primitive_in_namespace) {
  /* only the full name may not be a primitive name: "n.int" is a valid full name */
  strata_schema *s =
      parse_ok("{\"type\":\"fixed\",\"name\":\"int\",\"namespace\":\"n\",\"size\":1}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"n.int\",\"type\":\"fixed\",\"size\":1}");
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_references) {
  const char *addr = "{\"type\":\"record\",\"name\":\"Addr\",\"namespace\":\"com.x\",\"fields\":["
                     "{\"name\":\"street\",\"type\":\"string\"}]}";
  const char *user = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"com.y\",\"fields\":["
                     "{\"name\":\"home\",\"type\":\"com.x.Addr\"},"
                     "{\"name\":\"work\",\"type\":[\"null\",\"com.x.Addr\"],\"default\":null}]}";
  strata_schema *a = parse_ok(addr);
  const strata_schema *refs[] = {a};
  strata_schema *b = parse_refs(user, refs, 1);
  /* the canonical text refers to the referenced type by name ... */
  ck_assert_str_eq(strata_schema_canonical(b),
                   "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"com.y\",\"fields\":["
                   "{\"name\":\"home\",\"type\":\"com.x.Addr\"},"
                   "{\"name\":\"work\",\"type\":[\"null\",\"com.x.Addr\"],\"default\":null}]}");
  /* ... while the normal form is self-contained: Addr in full at its first use */
  ck_assert_str_eq(strata_schema_normal_form(b),
                   "{\"name\":\"com.y.User\",\"type\":\"record\",\"fields\":["
                   "{\"name\":\"home\",\"type\":{\"name\":\"com.x.Addr\",\"type\":\"record\","
                   "\"fields\":[{\"name\":\"street\",\"type\":\"string\"}]}},"
                   "{\"name\":\"work\",\"type\":[\"null\",\"com.x.Addr\"]}]}");
  assert_idempotent(b, refs, 1);
  /* a short name in the referenced namespace resolves too */
  strata_schema *c =
      parse_refs("{\"type\":\"record\",\"name\":\"com.x.Person\",\"fields\":[{\"name\":\"a\","
                 "\"type\":\"Addr\"}]}",
                 refs, 1);
  ck_assert_str_eq(strata_schema_canonical(c),
                   "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"com.x\",\"fields\":["
                   "{\"name\":\"a\",\"type\":\"Addr\"}]}");
  strata_schema_free(&c);

  /* without the reference the type is unknown */
  strata_diag diag = reject(user);
  ck_assert_str_eq(diag.path, "/fields/0/type");
  ck_assert_ptr_nonnull(strstr(diag.message, "unknown type \"com.x.Addr\""));

  /* a referenced type cannot be redefined */
  diag.message[0] = '\0';
  strata_schema *d = NULL;
  const char *redefine = "{\"type\":\"record\",\"name\":\"com.x.Addr\",\"fields\":[]}";
  ck_assert_int_eq(
      strata_schema_parse(STRATA_SCHEMA_AVRO, redefine, strlen(redefine), refs, 1, &d, &diag),
      STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(d);
  ck_assert_ptr_nonnull(strstr(diag.message, "defined twice"));

  strata_schema_free(&b);
  strata_schema_free(&a);
}
END_TEST

START_TEST(test_bad_arguments) {
  strata_schema *s = NULL;
  strata_diag diag;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"", 5, NULL, 0, NULL, &diag),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, NULL, 5, NULL, 0, &s, &diag),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"", 5, NULL, 1, &s, &diag),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_ptr_null(s);
  const strata_schema *null_ref[] = {NULL};
  ck_assert_int_ne(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"", 5, null_ref, 1, &s, &diag),
                   STRATA_E_OK);
  ck_assert_ptr_null(s);
  /* freeing NULL is a no-op */
  strata_schema_free(&s);
  strata_schema_free(NULL);
}
END_TEST

static Suite *parse_suite(void) {
  Suite *s = suite_create("avro_parse");
  TCase *invalid = tcase_create("invalid");
  tcase_add_loop_test(invalid, test_invalid, 0, (int)NINVALID);
  tcase_add_test(invalid, test_empty_text);
  tcase_add_test(invalid, test_invalid_json);
  tcase_add_test(invalid, test_length_is_respected);
  tcase_add_test(invalid, test_invalid_no_diag);
  tcase_add_test(invalid, test_bad_arguments);
  suite_add_tcase(s, invalid);
  TCase *valid = tcase_create("valid");
  tcase_add_test(valid, test_union_default_first_branch);
  tcase_add_test(valid, test_valid_defaults);
  tcase_add_test(valid, test_recursive_record);
  tcase_add_test(valid, test_empty_union);
  tcase_add_test(valid, test_error_type);
  tcase_add_test(valid, test_underscore_names);
  tcase_add_test(valid, test_namespace_inheritance);
  tcase_add_test(valid, test_short_name_references);
  tcase_add_test(valid, test_full_name_overrides_namespace);
  tcase_add_test(valid, test_named_primitive_in_namespace);
  tcase_add_test(valid, test_references);
  suite_add_tcase(s, valid);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(parse_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
