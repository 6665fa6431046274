/*
 * check_avro_canonical.c - Avro Parsing Canonical Form, CRC-64-AVRO
 * fingerprints, and the registry's canonical text (Java Schema.toString()).
 */
#include <strata/compat.h>

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Parses Avro text; fails the test with the diagnostic when it is rejected. */
static strata_schema *parse_ok(const char *text) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc = strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "rejected %s: %s (%s)", text, diag.message, diag.path);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* The canonical text must re-parse to the same canonical text and normal form. */
static void assert_idempotent(const strata_schema *s) {
  const char *canon = strata_schema_canonical(s);
  strata_schema *again = parse_ok(canon);
  ck_assert_str_eq(strata_schema_canonical(again), canon);
  ck_assert_str_eq(strata_schema_normal_form(again), strata_schema_normal_form(s));
  ck_assert_uint_eq(strata_schema_fingerprint(again), strata_schema_fingerprint(s));
  strata_schema_free(&again);
  ck_assert_ptr_null(again);
}

/* ---- Parsing Canonical Form test vectors ------------------------------------------ */

/*
 * Transcribed from Apache Avro's share/test/data/schema-tests.txt
 * (apache/avro@0ea74a36cebb2e5fbc37e599814a05c33cb7d424), cases 000-033: the input schema, its
 * Parsing Canonical Form and, where the file gives one, its CRC-64-AVRO fingerprint as a
 * signed 64-bit decimal.
 */
typedef struct pcf_vector {
  const char *id;
  const char *input;
  const char *canonical;
  bool has_fingerprint;
  int64_t fingerprint;
  /* our validation rejects the schema on purpose (see the comment at the row) */
  bool rejected;
} pcf_vector;

static const pcf_vector pcf_vectors[] = {
    {"000", "\"null\"", "\"null\"", true, 7195948357588979594LL, false},
    {"001", "{\"type\":\"null\"}", "\"null\"", false, 0, false},
    {"002", "\"boolean\"", "\"boolean\"", true, -6970731678124411036LL, false},
    {"003", "{\"type\":\"boolean\"}", "\"boolean\"", false, 0, false},
    {"004", "\"int\"", "\"int\"", true, 8247732601305521295LL, false},
    {"005", "{\"type\":\"int\"}", "\"int\"", false, 0, false},
    {"006", "\"long\"", "\"long\"", true, -3434872931120570953LL, false},
    {"007", "{\"type\":\"long\"}", "\"long\"", false, 0, false},
    {"008", "\"float\"", "\"float\"", true, 5583340709985441680LL, false},
    {"009", "{\"type\":\"float\"}", "\"float\"", false, 0, false},
    {"010", "\"double\"", "\"double\"", true, -8181574048448539266LL, false},
    {"011", "{\"type\":\"double\"}", "\"double\"", false, 0, false},
    {"012", "\"bytes\"", "\"bytes\"", true, 5746618253357095269LL, false},
    {"013", "{\"type\":\"bytes\"}", "\"bytes\"", false, 0, false},
    {"014", "\"string\"", "\"string\"", true, -8142146995180207161LL, false},
    {"015", "{\"type\":\"string\"}", "\"string\"", false, 0, false},
    {"016", "[  ]", "[]", true, -1241056759729112623LL, false},
    {"017", "[ \"int\"  ]", "[\"int\"]", true, -5232228896498058493LL, false},
    {"018", "[ \"int\" , {\"type\":\"boolean\"} ]", "[\"int\",\"boolean\"]", true,
     5392556393470105090LL, false},
    {"019", "{\"fields\":[], \"type\":\"record\", \"name\":\"foo\"}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[]}", true, -4824392279771201922LL, false},
    {"020", "{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"namespace\":\"x.y\"}",
     "{\"name\":\"x.y.foo\",\"type\":\"record\",\"fields\":[]}", true, 5916914534497305771LL,
     false},
    {"021", "{\"fields\":[], \"type\":\"record\", \"name\":\"a.b.foo\", \"namespace\":\"x.y\"}",
     "{\"name\":\"a.b.foo\",\"type\":\"record\",\"fields\":[]}", true, -4616218487480524110LL,
     false},
    {"022", "{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"doc\":\"Useful info\"}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[]}", true, -4824392279771201922LL, false},
    {"023", "{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"aliases\":[\"foo\",\"bar\"]}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[]}", true, -4824392279771201922LL, false},
    {"024",
     "{\"fields\":[], \"type\":\"record\", \"name\":\"foo\", \"doc\":\"foo\", "
     "\"aliases\":[\"foo\",\"bar\"]}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[]}", true, -4824392279771201922LL, false},
    {"025",
     "{\"fields\":[{\"type\":{\"type\":\"boolean\"}, \"name\":\"f1\"}], \"type\":\"record\", "
     "\"name\":\"foo\"}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[{\"name\":\"f1\",\"type\":\"boolean\"}]}",
     true, 7843277075252814651LL, false},
    /* 026: field f1 is a boolean with the default "true", a JSON *string*. The specification
     * says a boolean default is a JSON boolean, and Java's Schema.Parser (validateDefaults on,
     * the default since 1.9) refuses it ("Invalid default for field f1"), so Strata rejects it
     * on purpose. The same schema with the default true is accepted (see
     * test_pcf_vector_026_fixed) and has the vector's canonical form and fingerprint. */
    {"026",
     "{ \"fields\":[{\"type\":\"boolean\", \"aliases\":[], \"name\":\"f1\", "
     "\"default\":\"true\"},\n"
     "            {\"order\":\"descending\",\"name\":\"f2\",\"doc\":\"Hello\",\"type\":\"int\"}],\n"
     "  \"type\":\"record\", \"name\":\"foo\"\n}",
     "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[{\"name\":\"f1\",\"type\":\"boolean\"},"
     "{\"name\":\"f2\",\"type\":\"int\"}]}",
     true, -4860222112080293046LL, true},
    {"027", "{\"type\":\"enum\", \"name\":\"foo\", \"symbols\":[\"A1\"]}",
     "{\"name\":\"foo\",\"type\":\"enum\",\"symbols\":[\"A1\"]}", true, -6342190197741309591LL,
     false},
    {"028",
     "{\"namespace\":\"x.y.z\", \"type\":\"enum\", \"name\":\"foo\", \"doc\":\"foo bar\", "
     "\"symbols\":[\"A1\", \"A2\"]}",
     "{\"name\":\"x.y.z.foo\",\"type\":\"enum\",\"symbols\":[\"A1\",\"A2\"]}", true,
     -4448647247586288245LL, false},
    {"029", "{\"name\":\"foo\",\"type\":\"fixed\",\"size\":15}",
     "{\"name\":\"foo\",\"type\":\"fixed\",\"size\":15}", true, 1756455273707447556LL, false},
    {"030",
     "{\"namespace\":\"x.y.z\", \"type\":\"fixed\", \"name\":\"foo\", \"doc\":\"foo bar\", "
     "\"size\":32}",
     "{\"name\":\"x.y.z.foo\",\"type\":\"fixed\",\"size\":32}", true, -3064184465700546786LL,
     false},
    {"031", "{ \"items\":{\"type\":\"null\"}, \"type\":\"array\"}",
     "{\"type\":\"array\",\"items\":\"null\"}", true, -589620603366471059LL, false},
    {"032", "{ \"values\":\"string\", \"type\":\"map\"}",
     "{\"type\":\"map\",\"values\":\"string\"}", true, -8732877298790414990LL, false},
    {"033",
     "\n  {\"name\":\"PigValue\",\"type\":\"record\",\n"
     "   \"fields\":[{\"name\":\"value\", \"type\":[\"null\", \"int\", \"long\", \"PigValue\"]}]}",
     "{\"name\":\"PigValue\",\"type\":\"record\",\"fields\":[{\"name\":\"value\",\"type\":"
     "[\"null\",\"int\",\"long\",\"PigValue\"]}]}",
     true, -1759257747318642341LL, false},
};

#define NVECTORS (sizeof pcf_vectors / sizeof pcf_vectors[0])

/* The fingerprint the vector file gives for @p canonical (rows without one share their
 * canonical form with a row that has one). */
static int64_t vector_fingerprint(const char *canonical) {
  for (size_t i = 0; i < NVECTORS; i++) {
    if (pcf_vectors[i].has_fingerprint && strcmp(pcf_vectors[i].canonical, canonical) == 0) {
      return pcf_vectors[i].fingerprint;
    }
  }
  ck_abort_msg("no fingerprint for %s in the vectors", canonical);
  return 0;
}

START_TEST(test_pcf_vector) {
  const pcf_vector *v = &pcf_vectors[_i];
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_AVRO, v->input, strlen(v->input), NULL, 0, &s, &diag);
  if (v->rejected) {
    ck_assert_msg(rc == STRATA_E_INVALID_SCHEMA, "vector %s accepted", v->id);
    ck_assert_ptr_null(s);
    return;
  }
  ck_assert_msg(rc == STRATA_E_OK, "vector %s rejected: %s", v->id, diag.message);
  ck_assert_msg(strcmp(strata_schema_normal_form(s), v->canonical) == 0,
                "vector %s: normal form %s, expected %s", v->id, strata_schema_normal_form(s),
                v->canonical);
  uint64_t expected = (uint64_t)vector_fingerprint(v->canonical);
  ck_assert_msg(strata_schema_fingerprint(s) == expected,
                "vector %s: fingerprint %" PRIu64 ", expected %" PRIu64, v->id,
                strata_schema_fingerprint(s), expected);
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_pcf_vector_026_fixed) {
  /* vector 026 with the boolean default written as a JSON boolean */
  strata_schema *s =
      parse_ok("{ \"fields\":[{\"type\":\"boolean\", \"aliases\":[], \"name\":\"f1\", "
               "\"default\":true},\n"
               "{\"order\":\"descending\",\"name\":\"f2\",\"doc\":\"Hello\",\"type\":\"int\"}],\n"
               "  \"type\":\"record\", \"name\":\"foo\"\n}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"foo\",\"type\":\"record\",\"fields\":[{\"name\":\"f1\",\"type\":"
                   "\"boolean\"},{\"name\":\"f2\",\"type\":\"int\"}]}");
  ck_assert_uint_eq(strata_schema_fingerprint(s), (uint64_t)-4860222112080293046LL);
  ck_assert_str_eq(strata_schema_canonical(s),
                   "{\"type\":\"record\",\"name\":\"foo\",\"fields\":[{\"name\":\"f1\",\"type\":"
                   "\"boolean\",\"default\":true},{\"name\":\"f2\",\"type\":\"int\",\"doc\":"
                   "\"Hello\",\"order\":\"descending\"}]}");
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_crc64_empty) {
  ck_assert_uint_eq(strata_crc64_avro("", 0), 0xc15d213aa4d7a795ULL);
  ck_assert_uint_eq(strata_crc64_avro(NULL, 0), 0xc15d213aa4d7a795ULL);
}
END_TEST

START_TEST(test_crc64_matches_vectors) {
  /* the raw CRC of a canonical form is the vector's fingerprint */
  const char *text = "\"int\"";
  ck_assert_uint_eq(strata_crc64_avro(text, strlen(text)), (uint64_t)8247732601305521295LL);
  text = "{\"name\":\"foo\",\"type\":\"fixed\",\"size\":15}";
  ck_assert_uint_eq(strata_crc64_avro(text, strlen(text)), (uint64_t)1756455273707447556LL);
}
END_TEST

START_TEST(test_pcf_more) {
  /* logical types and custom properties are stripped; references use full names; a type
   * defined in a reference is written in full */
  strata_schema *s = parse_ok(
      "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"doc\":\"d\",\"x-p\":1,"
      "\"fields\":[{\"name\":\"d\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"},"
      "\"default\":0},"
      "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],"
      "\"default\":\"A\"}},"
      "{\"name\":\"e2\",\"type\":\"E\"},"
      "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":"
      "\"n.E\"}}}]}");
  ck_assert_str_eq(strata_schema_normal_form(s),
                   "{\"name\":\"n.R\",\"type\":\"record\",\"fields\":[{\"name\":\"d\",\"type\":"
                   "\"int\"},{\"name\":\"e\",\"type\":{\"name\":\"n.E\",\"type\":\"enum\","
                   "\"symbols\":[\"A\"]}},{\"name\":\"e2\",\"type\":\"n.E\"},{\"name\":\"m\","
                   "\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":"
                   "\"n.E\"}}}]}");
  ck_assert_uint_eq(
      strata_schema_fingerprint(s),
      strata_crc64_avro(strata_schema_normal_form(s), strlen(strata_schema_normal_form(s))));
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

/* ---- registry canonical text (Java Schema.toString()) ------------------------------- */

typedef struct canon_case {
  const char *input;
  const char *canonical;
} canon_case;

static const canon_case canon_cases[] = {
    /* a primitive without properties is written as its name */
    {"{\"type\":\"string\"}", "\"string\""},
    {" \"int\" ", "\"int\""},
    /* with properties (logical type) it stays an object */
    {"{\"type\":\"int\",\"logicalType\":\"date\"}", "{\"type\":\"int\",\"logicalType\":\"date\"}"},
    {"{\"logicalType\":\"decimal\",\"type\":\"bytes\",\"precision\":4,\"scale\":2}",
     "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2}"},
    /* record attributes: type, name, namespace, doc, fields, props, aliases */
    {"{\"aliases\":[\"Old\"],\"x-b\":true,\"fields\":[],\"doc\":\"the doc\",\"namespace\":"
     "\"com.x\",\"name\":\"R\",\"type\":\"record\",\"x-a\":\"v\"}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"com.x\",\"doc\":\"the doc\","
     "\"fields\":[],\"x-b\":true,\"x-a\":\"v\",\"aliases\":[\"Old\"]}"},
    /* an "error" stays an error */
    {"{\"type\":\"error\",\"name\":\"Oops\",\"fields\":[{\"name\":\"m\",\"type\":\"string\"}]}",
     "{\"type\":\"error\",\"name\":\"Oops\",\"fields\":[{\"name\":\"m\",\"type\":\"string\"}]}"},
    /* field attributes: name, type, doc, default, order (not ascending), aliases, props */
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"x-f\":[1,{\"k\":null}],\"aliases\":"
     "[\"g\"],\"order\":\"ignore\",\"default\":5,\"doc\":\"fd\",\"type\":\"int\",\"name\":\"f\"},"
     "{\"name\":\"a\",\"type\":\"long\",\"order\":\"ascending\"},"
     "{\"name\":\"b\",\"type\":\"long\",\"order\":\"descending\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"doc\":"
     "\"fd\",\"default\":5,\"order\":\"ignore\",\"aliases\":[\"g\"],\"x-f\":[1,{\"k\":null}]},"
     "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"b\",\"type\":\"long\",\"order\":"
     "\"descending\"}]}"},
    /* enum: type, name, namespace, doc, symbols, default, props, aliases */
    {"{\"aliases\":[\"a.OldE\"],\"x\":1,\"default\":\"B\",\"symbols\":[\"A\",\"B\"],\"doc\":"
     "\"ed\",\"namespace\":\"n\",\"name\":\"E\",\"type\":\"enum\"}",
     "{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"n\",\"doc\":\"ed\",\"symbols\":[\"A\","
     "\"B\"],\"default\":\"B\",\"x\":1,\"aliases\":[\"a.OldE\"]}"},
    /* fixed: type, name, namespace, doc, size, props, aliases; an alias in the type's own
     * namespace is written short */
    {"{\"aliases\":[\"n.F0\"],\"logicalType\":\"duration\",\"size\":12,\"doc\":\"fd\","
     "\"name\":\"n.F\",\"type\":\"fixed\"}",
     "{\"type\":\"fixed\",\"name\":\"F\",\"namespace\":\"n\",\"doc\":\"fd\",\"size\":12,"
     "\"logicalType\":\"duration\",\"aliases\":[\"F0\"]}"},
    /* array and map: type, items/values, props */
    {"{\"x\":\"y\",\"items\":\"int\",\"type\":\"array\"}",
     "{\"type\":\"array\",\"items\":\"int\",\"x\":\"y\"}"},
    {"{\"values\":{\"type\":\"long\"},\"type\":\"map\"}", "{\"type\":\"map\",\"values\":\"long\"}"},
    /* whitespace removed, unions kept in order */
    {" [ \"null\" ,\n \"string\" ] ", "[\"null\",\"string\"]"},
    /* nested namespaces: written only when they differ from the enclosing one; a null
     * namespace inside a namespaced record is written as "" */
    {"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":["
     "{\"name\":\"same\",\"type\":{\"type\":\"fixed\",\"name\":\"S\",\"namespace\":\"a\","
     "\"size\":1}},"
     "{\"name\":\"other\",\"type\":{\"type\":\"fixed\",\"name\":\"O\",\"namespace\":\"b\","
     "\"size\":1}},"
     "{\"name\":\"none\",\"type\":{\"type\":\"fixed\",\"name\":\"N\",\"namespace\":\"\","
     "\"size\":1}},"
     "{\"name\":\"full\",\"type\":{\"type\":\"enum\",\"name\":\"c.d.E\",\"symbols\":[\"X\"]}}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":["
     "{\"name\":\"same\",\"type\":{\"type\":\"fixed\",\"name\":\"S\",\"size\":1}},"
     "{\"name\":\"other\",\"type\":{\"type\":\"fixed\",\"name\":\"O\",\"namespace\":\"b\","
     "\"size\":1}},"
     "{\"name\":\"none\",\"type\":{\"type\":\"fixed\",\"name\":\"N\",\"namespace\":\"\","
     "\"size\":1}},"
     "{\"name\":\"full\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"c.d\","
     "\"symbols\":[\"X\"]}}]}"},
    /* a named type is written in full once, then by name: short in its own namespace, full
     * elsewhere */
    {"{\"type\":\"record\",\"name\":\"a.R\",\"fields\":["
     "{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}},"
     "{\"name\":\"y\",\"type\":\"a.F\"},"
     "{\"name\":\"z\",\"type\":{\"type\":\"record\",\"name\":\"b.In\",\"fields\":["
     "{\"name\":\"w\",\"type\":\"a.F\"},{\"name\":\"me\",\"type\":[\"null\",\"In\"]}]}},"
     "{\"name\":\"self\",\"type\":[\"null\",\"R\"]}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":["
     "{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}},"
     "{\"name\":\"y\",\"type\":\"F\"},"
     "{\"name\":\"z\",\"type\":{\"type\":\"record\",\"name\":\"In\",\"namespace\":\"b\","
     "\"fields\":[{\"name\":\"w\",\"type\":\"a.F\"},{\"name\":\"me\",\"type\":[\"null\","
     "\"In\"]}]}},"
     "{\"name\":\"self\",\"type\":[\"null\",\"R\"]}]}"},
    /* custom properties keep their input order, values written compactly */
    {"{\"type\":\"string\",\"z\":1,\"a\":{\"q\":[true, false]},\"m\":\"s\"}",
     "{\"type\":\"string\",\"z\":1,\"a\":{\"q\":[true,false]},\"m\":\"s\"}"},
    /* doubles in defaults as Java writes them */
    {"{\"type\":\"record\",\"name\":\"D\",\"fields\":["
     "{\"name\":\"a\",\"type\":\"double\",\"default\":1.0},"
     "{\"name\":\"b\",\"type\":\"double\",\"default\":1e3},"
     "{\"name\":\"c\",\"type\":\"float\",\"default\":0.5},"
     "{\"name\":\"d\",\"type\":\"double\",\"default\":1},"
     "{\"name\":\"e\",\"type\":\"double\",\"default\":1.5E-5},"
     "{\"name\":\"f\",\"type\":\"double\",\"default\":12345678.9}]}",
     "{\"type\":\"record\",\"name\":\"D\",\"fields\":["
     "{\"name\":\"a\",\"type\":\"double\",\"default\":1.0},"
     "{\"name\":\"b\",\"type\":\"double\",\"default\":1000.0},"
     "{\"name\":\"c\",\"type\":\"float\",\"default\":0.5},"
     "{\"name\":\"d\",\"type\":\"double\",\"default\":1},"
     "{\"name\":\"e\",\"type\":\"double\",\"default\":1.5E-5},"
     "{\"name\":\"f\",\"type\":\"double\",\"default\":1.23456789E7}]}"},
    /* other defaults are kept as written (compact), strings escaped like Jackson */
    {"{\"type\":\"record\",\"name\":\"V\",\"fields\":["
     "{\"name\":\"s\",\"type\":\"string\",\"default\":\"a/\\u00e9\\n\\u0001\"},"
     "{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\\u00ff\\u0000\"},"
     "{\"name\":\"n\",\"type\":[\"null\",\"int\"],\"default\":null},"
     "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"},\"default\":{\"k\": 1}},"
     "{\"name\":\"r\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"default\":[ 1, 2 ]}]}",
     "{\"type\":\"record\",\"name\":\"V\",\"fields\":["
     "{\"name\":\"s\",\"type\":\"string\",\"default\":\"a/\xc3\xa9\\n\\u0001\"},"
     "{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\xc3\xbf\\u0000\"},"
     "{\"name\":\"n\",\"type\":[\"null\",\"int\"],\"default\":null},"
     "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"},\"default\":{\"k\":1}},"
     "{\"name\":\"r\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"default\":[1,2]}]}"},
    /* doc strings escaped like Jackson */
    {"{\"type\":\"enum\",\"name\":\"E\",\"doc\":\"say \\\"hi\\\"\\t\",\"symbols\":[\"A\"]}",
     "{\"type\":\"enum\",\"name\":\"E\",\"doc\":\"say \\\"hi\\\"\\t\",\"symbols\":[\"A\"]}"},
};

#define NCANON (sizeof canon_cases / sizeof canon_cases[0])

START_TEST(test_canonical_text) {
  const canon_case *c = &canon_cases[_i];
  strata_schema *s = parse_ok(c->input);
  ck_assert_msg(strcmp(strata_schema_canonical(s), c->canonical) == 0,
                "case %d: canonical\n  %s\nexpected\n  %s", _i, strata_schema_canonical(s),
                c->canonical);
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_canonical_field_aliases_deduplicated) {
  /* Java keeps field aliases in a LinkedHashSet (Schema.Field.addAlias): a repeated alias is
   * written once by Schema.toString(). */
  strata_schema *s = parse_ok("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\","
                              "\"type\":\"int\",\"aliases\":[\"a\",\"b\",\"a\"]}]}");
  ck_assert_str_eq(strata_schema_canonical(s),
                   "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":"
                   "\"int\",\"aliases\":[\"a\",\"b\"]}]}");
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_canonical_named_aliases_deduplicated) {
  /* Java keeps named-type aliases in a LinkedHashSet of full names: "n.A" and "A" in namespace
   * n are the same alias */
  strata_schema *s =
      parse_ok("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"aliases\":[\"A\","
               "\"n.A\",\"m.B\"],\"fields\":[]}");
  ck_assert_str_eq(strata_schema_canonical(s),
                   "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[],"
                   "\"aliases\":[\"A\",\"m.B\"]}");
  assert_idempotent(s);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_canonical_identity_of_equivalent_texts) {
  /* differently written but equivalent texts give the same canonical text */
  strata_schema *a = parse_ok("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\","
                              "\"fields\":[{\"name\":\"f\",\"type\":{\"type\":\"string\"}}]}");
  strata_schema *b = parse_ok("{ \"fields\" : [ { \"type\" : \"string\", \"name\" : \"f\" } ],"
                              " \"name\" : \"n.R\", \"type\" : \"record\" }");
  ck_assert_str_eq(strata_schema_canonical(a), strata_schema_canonical(b));
  ck_assert_str_eq(strata_schema_canonical(a),
                   "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":"
                   "[{\"name\":\"f\",\"type\":\"string\"}]}");
  ck_assert_uint_eq(strata_schema_fingerprint(a), strata_schema_fingerprint(b));
  strata_schema_free(&a);
  strata_schema_free(&b);
}
END_TEST

START_TEST(test_doc_changes_canonical_not_fingerprint) {
  strata_schema *a = parse_ok("{\"type\":\"record\",\"name\":\"foo\",\"fields\":[]}");
  strata_schema *b = parse_ok("{\"type\":\"record\",\"name\":\"foo\",\"doc\":\"x\",\"fields\":[]}");
  ck_assert_str_ne(strata_schema_canonical(a), strata_schema_canonical(b));
  ck_assert_str_eq(strata_schema_normal_form(a), strata_schema_normal_form(b));
  ck_assert_uint_eq(strata_schema_fingerprint(a), strata_schema_fingerprint(b));
  ck_assert_uint_eq(strata_schema_fingerprint(a), (uint64_t)-4824392279771201922LL);
  strata_schema_free(&a);
  strata_schema_free(&b);
}
END_TEST

static Suite *canonical_suite(void) {
  Suite *s = suite_create("avro_canonical");
  TCase *pcf = tcase_create("parsing_canonical_form");
  tcase_add_loop_test(pcf, test_pcf_vector, 0, (int)NVECTORS);
  tcase_add_test(pcf, test_pcf_vector_026_fixed);
  tcase_add_test(pcf, test_crc64_empty);
  tcase_add_test(pcf, test_crc64_matches_vectors);
  tcase_add_test(pcf, test_pcf_more);
  suite_add_tcase(s, pcf);
  TCase *canon = tcase_create("registry_canonical");
  tcase_add_loop_test(canon, test_canonical_text, 0, (int)NCANON);
  tcase_add_test(canon, test_canonical_field_aliases_deduplicated);
  tcase_add_test(canon, test_canonical_named_aliases_deduplicated);
  tcase_add_test(canon, test_canonical_identity_of_equivalent_texts);
  tcase_add_test(canon, test_doc_changes_canonical_not_fingerprint);
  suite_add_tcase(s, canon);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(canonical_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
