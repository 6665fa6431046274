/* check_contract.c - unit tests of registry/core/contract.h: metadata and
 * rule-set validation and normal form, the 42210 rules and messages, merges,
 * property access and deterministic text. */
#include "core/contract.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses JSON test input (NUL characters allowed); fails the test on bad JSON. */
static json_t *load(const char *text) {
  json_error_t error;
  json_t *value = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
  ck_assert_msg(value != NULL, "bad test JSON %s: %s", text, error.text);
  return value;
}

/* ct_dump() of @p doc compared with @p expected (NULL: doc must be NULL). */
static void assert_dump(const json_t *doc, const char *expected) {
  if (expected == NULL) {
    ck_assert_ptr_null(doc);
    return;
  }
  ck_assert_ptr_nonnull(doc);
  char *text = ct_dump(doc);
  ck_assert_ptr_nonnull(text);
  ck_assert_str_eq(text, expected);
  free(text);
}

typedef strata_error (*normal_fn)(const json_t *, json_t **, char *, size_t);

/* Normalises @p input with @p fn and checks the text of the result; then
 * checks the result is a fixed point (its own normal form). */
static void assert_normal(normal_fn fn, const char *input, const char *expected) {
  json_t *in = load(input);
  json_t *out = (json_t *)0x1;
  char msg[256] = "";
  strata_error err = fn(in, &out, msg, sizeof msg);
  ck_assert_msg(err == STRATA_E_OK, "%s: error %d: %s", input, (int)err, msg);
  assert_dump(out, expected);
  if (out != NULL) {
    json_t *again = NULL;
    ck_assert_int_eq(fn(out, &again, msg, sizeof msg), STRATA_E_OK);
    assert_dump(again, expected);
    json_decref(again);
  }
  json_decref(out);
  json_decref(in);
}

/* Normalises @p input with @p fn and expects @p err with message @p message. */
static void assert_error(normal_fn fn, const char *input, strata_error expected_err,
                         const char *message) {
  json_t *in = load(input);
  json_t *out = (json_t *)0x1;
  char msg[512] = "";
  strata_error err = fn(in, &out, msg, sizeof msg);
  ck_assert_msg(err == expected_err, "%s: expected error %d, got %d (%s)", input, (int)expected_err,
                (int)err, msg);
  ck_assert_ptr_null(out);
  ck_assert_str_eq(msg, message);
  json_decref(in);
}

static void assert_metadata(const char *input, const char *expected) {
  assert_normal(ct_metadata_normal, input, expected);
}

static void assert_metadata_bad(const char *input, const char *message) {
  assert_error(ct_metadata_normal, input, STRATA_E_BAD_REQUEST, message);
}

static void assert_rules(const char *input, const char *expected) {
  assert_normal(ct_rule_set_normal, input, expected);
}

static void assert_rules_invalid(const char *input, const char *message) {
  assert_error(ct_rule_set_normal, input, STRATA_E_INVALID_RULESET, message);
}

static void assert_rules_bad(const char *input, const char *message) {
  assert_error(ct_rule_set_normal, input, STRATA_E_BAD_REQUEST, message);
}

/* A normal document from text; NULL when it normalises to nothing. */
static json_t *normal_metadata(const char *text) {
  json_t *in = load(text);
  json_t *out = NULL;
  char msg[256];
  ck_assert_int_eq(ct_metadata_normal(in, &out, msg, sizeof msg), STRATA_E_OK);
  json_decref(in);
  return out;
}

static json_t *normal_rules(const char *text) {
  json_t *in = load(text);
  json_t *out = NULL;
  char msg[256];
  ck_assert_int_eq(ct_rule_set_normal(in, &out, msg, sizeof msg), STRATA_E_OK);
  json_decref(in);
  return out;
}

/* ---- metadata normal form ---------------------------------------------- */

START_TEST(test_metadata_absent) {
  json_t *out = (json_t *)0x1;
  char msg[64];
  ck_assert_int_eq(ct_metadata_normal(NULL, &out, msg, sizeof msg), STRATA_E_OK);
  ck_assert_ptr_null(out);
  assert_metadata("null", NULL);
  assert_metadata("{}", NULL);
  assert_metadata("{\"tags\":{},\"properties\":{},\"sensitive\":[]}", NULL);
  assert_metadata("{\"tags\":null,\"properties\":null,\"sensitive\":null}", NULL);
  assert_metadata("{\"tags\":{\"f\":[]}}", NULL); /* a key with no tags says nothing */
  assert_metadata("{\"unknown\":{\"a\":1}}", NULL);
}
END_TEST

START_TEST(test_metadata_normal_form) {
  assert_metadata("{\"sensitive\":[\"b\",\"a\",\"b\"],\"unknown\":5,"
                  "\"properties\":{\"z\":\"1\",\"a\":\"2\"},"
                  "\"tags\":{\"f2\":[\"PII\",\"A\",\"PII\"],\"f1\":[\"X\"],\"f0\":[]}}",
                  "{\"tags\":{\"f1\":[\"X\"],\"f2\":[\"A\",\"PII\"]},"
                  "\"properties\":{\"a\":\"2\",\"z\":\"1\"},\"sensitive\":[\"a\",\"b\"]}");
  assert_metadata("{\"properties\":{\"owner\":\"team\"}}", "{\"properties\":{\"owner\":\"team\"}}");
  assert_metadata("{\"tags\":null,\"properties\":{\"a\":\"b\"},\"sensitive\":null}",
                  "{\"properties\":{\"a\":\"b\"}}");
  assert_metadata("{\"sensitive\":[\"x\"]}", "{\"sensitive\":[\"x\"]}");
  /* an empty value is still a value */
  assert_metadata("{\"properties\":{\"a\":\"\"}}", "{\"properties\":{\"a\":\"\"}}");
  /* non-ASCII written raw, slashes not escaped */
  assert_metadata("{\"properties\":{\"caf\\u00e9\":\"a/b\"}}",
                  "{\"properties\":{\"caf\xc3\xa9\":\"a/b\"}}");
}
END_TEST

/* Keys and set members sort as Java Strings do: by UTF-16 code unit, so
 * U+1F600 (D83D DE00) comes before U+FF21 although its UTF-8 is larger. */
START_TEST(test_metadata_java_order) {
  assert_metadata("{\"sensitive\":[\"\\uff21\",\"\\ud83d\\ude00\",\"\\u00e9\",\"a\",\"B\","
                  "\"\\ud7ff\"]}",
                  "{\"sensitive\":[\"B\",\"a\",\"\xc3\xa9\",\"\xed\x9f\xbf\",\"\xf0\x9f\x98\x80\","
                  "\"\xef\xbc\xa1\"]}");
  assert_metadata("{\"properties\":{\"\\uff21\":\"1\",\"\\ud83d\\ude00\":\"2\",\"ab\":\"3\","
                  "\"a\":\"4\"}}",
                  "{\"properties\":{\"a\":\"4\",\"ab\":\"3\",\"\xf0\x9f\x98\x80\":\"2\","
                  "\"\xef\xbc\xa1\":\"1\"}}");
}
END_TEST

START_TEST(test_metadata_wrong_types) {
  assert_metadata_bad("[]", "metadata must be an object");
  assert_metadata_bad("\"x\"", "metadata must be an object");
  assert_metadata_bad("{\"properties\":[1]}", "metadata.properties must be an object");
  assert_metadata_bad("{\"properties\":{\"owner\":1}}",
                      "metadata.properties.owner must be a string");
  assert_metadata_bad("{\"properties\":{\"owner\":null}}",
                      "metadata.properties.owner must be a string");
  assert_metadata_bad("{\"properties\":{\"owner\":[\"a\"]}}",
                      "metadata.properties.owner must be a string");
  assert_metadata_bad("{\"tags\":[]}", "metadata.tags must be an object");
  assert_metadata_bad("{\"tags\":{\"f\":\"PII\"}}", "metadata.tags.f must be an array of strings");
  assert_metadata_bad("{\"tags\":{\"f\":null}}", "metadata.tags.f must be an array of strings");
  assert_metadata_bad("{\"tags\":{\"f\":[\"a\",1]}}", "metadata.tags.f[1] must be a string");
  assert_metadata_bad("{\"sensitive\":{}}", "metadata.sensitive must be an array of strings");
  assert_metadata_bad("{\"sensitive\":\"a\"}", "metadata.sensitive must be an array of strings");
  assert_metadata_bad("{\"sensitive\":[\"a\",null]}", "metadata.sensitive[1] must be a string");
  assert_metadata_bad("{\"sensitive\":[true]}", "metadata.sensitive[0] must be a string");
  assert_metadata_bad("{\"properties\":{\"a\":\"x\\u0000y\"}}",
                      "metadata.properties.a must not contain NUL characters");
  assert_metadata_bad("{\"sensitive\":[\"\\u0000\"]}",
                      "metadata.sensitive[0] must not contain NUL characters");
  /* the parser refuses NUL in keys, but jansson can hold them */
  json_t *props = json_object();
  ck_assert_int_eq(json_object_setn_new(props, "a\0b", 3, json_string("x")), 0);
  json_t *in = json_pack("{s:o}", "properties", props);
  json_t *out = (json_t *)0x1;
  char msg[128];
  ck_assert_int_eq(ct_metadata_normal(in, &out, msg, sizeof msg), STRATA_E_BAD_REQUEST);
  ck_assert_ptr_null(out);
  ck_assert_str_eq(msg, "metadata.properties keys must not contain NUL characters");
  json_decref(in);
}
END_TEST

/* A message cut by a small buffer stays valid UTF-8 (no half character). */
START_TEST(test_message_cut_at_character) {
  json_t *in = load("{\"properties\":{\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
                    "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\":1}}");
  for (size_t size = 1; size < 60; size++) {
    char msg[64];
    json_t *out = NULL;
    memset(msg, 'Z', sizeof msg);
    ck_assert_int_eq(ct_metadata_normal(in, &out, msg, size), STRATA_E_BAD_REQUEST);
    ck_assert_uint_lt(strlen(msg), size);
    json_t *as_json = json_string(msg);
    ck_assert_msg(as_json != NULL, "size %zu: %s", size, msg);
    json_decref(as_json);
  }
  /* no buffer at all */
  json_t *out = NULL;
  ck_assert_int_eq(ct_metadata_normal(in, &out, NULL, 0), STRATA_E_BAD_REQUEST);
  json_decref(in);
}
END_TEST

/* ---- rule-set normal form ---------------------------------------------- */

START_TEST(test_rules_absent) {
  json_t *out = (json_t *)0x1;
  char msg[64];
  ck_assert_int_eq(ct_rule_set_normal(NULL, &out, msg, sizeof msg), STRATA_E_OK);
  ck_assert_ptr_null(out);
  assert_rules("null", NULL);
  assert_rules("{}", NULL);
  assert_rules("{\"migrationRules\":[],\"domainRules\":[],\"encodingRules\":[]}", NULL);
  assert_rules("{\"migrationRules\":null,\"enableAt\":null,\"other\":1}", NULL);
}
END_TEST

START_TEST(test_rules_defaults) {
  assert_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\"}]}",
               "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"CEL\"}]}");
  assert_rules("{\"encodingRules\":[{\"name\":\"r\",\"type\":\"ENCRYPT_PAYLOAD\"}]}",
               "{\"encodingRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"ENCRYPT_PAYLOAD\"}]}");
  assert_rules("{\"migrationRules\":[{\"name\":\"m\",\"type\":\"JSONATA\"}]}",
               "{\"migrationRules\":[{\"name\":\"m\",\"kind\":\"TRANSFORM\",\"mode\":\"UPGRADE\","
               "\"type\":\"JSONATA\"}]}");
  /* null members mean "not set" */
  assert_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\",\"kind\":null,\"mode\":null,"
               "\"doc\":null,\"tags\":null,\"params\":null,\"expr\":null,\"onSuccess\":null,"
               "\"onFailure\":null,\"disabled\":null}]}",
               "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"CEL\"}]}");
}
END_TEST

START_TEST(test_rules_member_order) {
  assert_rules(
      "{\"domainRules\":[{\"disabled\":true,\"onFailure\":\"ERROR,NONE\",\"onSuccess\":\"NONE\","
      "\"expr\":\"x > 1\",\"params\":{\"z\":\"1\",\"a\":\"2\"},\"tags\":[\"PII\",\"A\",\"PII\"],"
      "\"type\":\"CEL\",\"mode\":\"WRITEREAD\",\"kind\":\"CONDITION\",\"doc\":\"d\","
      "\"name\":\"check\",\"unknown\":[1]}]}",
      "{\"domainRules\":[{\"name\":\"check\",\"doc\":\"d\",\"kind\":\"CONDITION\","
      "\"mode\":\"WRITEREAD\",\"type\":\"CEL\",\"tags\":[\"A\",\"PII\"],"
      "\"params\":{\"a\":\"2\",\"z\":\"1\"},\"expr\":\"x > 1\",\"onSuccess\":\"NONE\","
      "\"onFailure\":\"ERROR,NONE\",\"disabled\":true}]}");
  /* disabled only when true; empty strings, lists and maps left out */
  assert_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\",\"disabled\":false,"
               "\"doc\":\"\",\"expr\":\"\",\"onSuccess\":\"\",\"onFailure\":\"\",\"tags\":[],"
               "\"params\":{}}]}",
               "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"CEL\"}]}");
  /* params keep empty values */
  assert_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\",\"params\":{\"k\":\"\"}}]}",
               "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"CEL\",\"params\":{\"k\":\"\"}}]}");
}
END_TEST

START_TEST(test_rules_list_order) {
  assert_rules("{\"enableAt\":\"NONE\","
               "\"encodingRules\":[{\"name\":\"e\",\"type\":\"T\"}],"
               "\"domainRules\":[{\"name\":\"b\",\"type\":\"T\"},{\"name\":\"a\",\"type\":\"T\"}],"
               "\"migrationRules\":[{\"name\":\"m\",\"type\":\"T\",\"mode\":\"UPDOWN\"}]}",
               "{\"migrationRules\":[{\"name\":\"m\",\"kind\":\"TRANSFORM\",\"mode\":\"UPDOWN\","
               "\"type\":\"T\"}],"
               "\"domainRules\":[{\"name\":\"b\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"T\"},{\"name\":\"a\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"T\"}],"
               "\"encodingRules\":[{\"name\":\"e\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
               "\"type\":\"T\"}],\"enableAt\":\"NONE\"}");
}
END_TEST

START_TEST(test_rules_enable_at) {
  static const char *const values[] = {"ALL", "CLIENT", "GATEWAY", "SERVER", "NONE"};
  for (size_t i = 0; i < 5; i++) {
    char in[64];
    snprintf(in, sizeof in, "{\"enableAt\":\"%s\"}", values[i]);
    assert_rules(in, in);
  }
  static const char *const message = "enableAt can only be ALL, CLIENT, GATEWAY, SERVER, NONE";
  assert_rules_invalid("{\"enableAt\":\"all\"}", message);
  assert_rules_invalid("{\"enableAt\":\"\"}", message);
  assert_rules_invalid("{\"enableAt\":\"EVERYWHERE\"}", message);
  assert_rules_bad("{\"enableAt\":1}", "ruleSet.enableAt must be a string");
}
END_TEST

START_TEST(test_rules_kinds_and_modes) {
  static const char *const domain[] = {"WRITE", "READ", "WRITEREAD"};
  static const char *const migration[] = {"UPGRADE", "DOWNGRADE", "UPDOWN"};
  char in[256];
  for (size_t i = 0; i < 3; i++) {
    snprintf(in, sizeof in,
             "{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"%s\"}],"
             "\"encodingRules\":[{\"name\":\"e\",\"type\":\"T\",\"mode\":\"%s\"}]}",
             domain[i], domain[i]);
    json_t *doc = normal_rules(in);
    ck_assert_ptr_nonnull(doc);
    json_decref(doc);
    snprintf(in, sizeof in,
             "{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"%s\","
             "\"kind\":\"CONDITION\"}]}",
             migration[i]);
    doc = normal_rules(in);
    ck_assert_ptr_nonnull(doc);
    json_decref(doc);

    snprintf(in, sizeof in, "{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"%s\"}]}",
             migration[i]);
    assert_rules_invalid(in, "Domain rules can only be WRITE, READ, WRITEREAD");
    snprintf(in, sizeof in, "{\"encodingRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"%s\"}]}",
             migration[i]);
    assert_rules_invalid(in, "Encoding rules can only be WRITE, READ, WRITEREAD");
    snprintf(in, sizeof in,
             "{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"%s\"}]}", domain[i]);
    assert_rules_invalid(in, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
  }
  /* unknown modes get the message of their list */
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"write\"}]}",
                       "Domain rules can only be WRITE, READ, WRITEREAD");
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"X\"}]}",
                       "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"kind\":\"FOO\"}]}",
                       "Rule kind can only be CONDITION, TRANSFORM");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"kind\":\"condition\"}]}",
                       "Rule kind can only be CONDITION, TRANSFORM");
  /* rule types are not validated: any string */
  json_t *doc = normal_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"MY_CUSTOM\"}]}");
  ck_assert_ptr_nonnull(doc);
  json_decref(doc);
}
END_TEST

START_TEST(test_rules_names) {
  assert_rules_invalid("{\"domainRules\":[{\"type\":\"CEL\"}]}", "Missing rule name");
  assert_rules_invalid("{\"domainRules\":[{\"name\":null,\"type\":\"CEL\"}]}", "Missing rule name");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"\",\"type\":\"CEL\"}]}", "Empty rule name");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"1abc\",\"type\":\"CEL\"}]}",
                       "Illegal initial character in rule name: 1abc");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"-a\",\"type\":\"CEL\"}]}",
                       "Illegal initial character in rule name: -a");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"a b\",\"type\":\"CEL\"}]}",
                       "Illegal character in rule name: a b");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"a.b\",\"type\":\"CEL\"}]}",
                       "Illegal character in rule name: a.b");
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"a$\",\"type\":\"CEL\"}]}",
                       "Illegal character in rule name: a$");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"\\u00e9\",\"type\":\"CEL\"}]}",
                       "Illegal initial character in rule name: \xc3\xa9");
  static const char *const good[] = {"A", "_", "_a-b_9", "rule-1", "Z_z-0"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char in[128];
    snprintf(in, sizeof in, "{\"domainRules\":[{\"name\":\"%s\",\"type\":\"CEL\"}]}", good[i]);
    json_t *doc = normal_rules(in);
    ck_assert_ptr_nonnull(doc);
    json_decref(doc);
  }
}
END_TEST

START_TEST(test_rules_name_length) {
  char name[300];
  char in[400];
  memset(name, 'a', 256);
  name[256] = '\0';
  snprintf(in, sizeof in, "{\"domainRules\":[{\"name\":\"%s\",\"type\":\"CEL\"}]}", name);
  json_t *doc = normal_rules(in);
  ck_assert_ptr_nonnull(doc);
  json_decref(doc);
  memset(name, 'a', 257);
  name[257] = '\0';
  snprintf(in, sizeof in, "{\"domainRules\":[{\"name\":\"%s\",\"type\":\"CEL\"}]}", name);
  assert_rules_invalid(in, "Rule name too long");

  /* lengths count UTF-16 units: 129 supplementary characters are 258 units */
  char big[129 * 12 + 64];
  size_t pos = 0;
  pos += (size_t)snprintf(big + pos, sizeof big - pos, "{\"domainRules\":[{\"name\":\"");
  for (int i = 0; i < 129; i++) {
    pos += (size_t)snprintf(big + pos, sizeof big - pos, "\\ud83d\\ude00");
  }
  snprintf(big + pos, sizeof big - pos, "\",\"type\":\"CEL\"}]}");
  assert_rules_invalid(big, "Rule name too long");
}
END_TEST

START_TEST(test_rules_duplicates) {
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\"},"
                       "{\"name\":\"r\",\"type\":\"T\"}]}",
                       "Found rule with duplicate name 'r'");
  /* names are unique across the lists of one rule set */
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\"}],"
                       "\"domainRules\":[{\"name\":\"r\",\"type\":\"T\"}]}",
                       "Found rule with duplicate name 'r'");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\"}],"
                       "\"encodingRules\":[{\"name\":\"r\",\"type\":\"T\"}]}",
                       "Found rule with duplicate name 'r'");
  /* the duplicate check comes before the other checks of the rule */
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\"},{\"name\":\"r\"}]}",
                       "Found rule with duplicate name 'r'");
  /* names differing only in case are different */
  json_t *doc = normal_rules("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\"},"
                             "{\"name\":\"R\",\"type\":\"T\"}]}");
  ck_assert_ptr_nonnull(doc);
  json_decref(doc);
}
END_TEST

START_TEST(test_rules_type_required) {
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\"}]}", "Missing rule type");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":null}]}", "Missing rule type");
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"\"}]}", "Missing rule type");
  /* the type check comes before the mode-for-list check */
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"mode\":\"WRITE\"}]}",
                       "Missing rule type");
}
END_TEST

START_TEST(test_rules_actions) {
  static const char *const message = "Multiple actions only valid with WRITEREAD and UPDOWN";
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"WRITE\","
                       "\"onFailure\":\"ERROR,NONE\"}]}",
                       message);
  assert_rules_invalid("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"READ\","
                       "\"onSuccess\":\"NONE,DLQ\"}]}",
                       message);
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"UPGRADE\","
                       "\"onSuccess\":\"NONE,NONE\"}]}",
                       message);
  /* migration rules default to UPGRADE, which takes one action */
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\","
                       "\"onFailure\":\"ERROR,NONE\"}]}",
                       message);
  /* the action check comes before the mode-for-list check */
  assert_rules_invalid("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"mode\":\"WRITE\","
                       "\"onFailure\":\"ERROR,NONE\"}]}",
                       message);
  /* WRITEREAD (also by default) and UPDOWN take a pair */
  json_t *doc = normal_rules("{\"domainRules\":[{\"name\":\"a\",\"type\":\"T\","
                             "\"onFailure\":\"ERROR,NONE\",\"onSuccess\":\"NONE,NONE\"},"
                             "{\"name\":\"b\",\"type\":\"T\",\"mode\":\"WRITEREAD\","
                             "\"onFailure\":\"DLQ,ERROR\"}],"
                             "\"migrationRules\":[{\"name\":\"c\",\"type\":\"T\","
                             "\"mode\":\"UPDOWN\",\"onFailure\":\"ERROR,NONE\"}]}");
  ck_assert_ptr_nonnull(doc);
  json_decref(doc);
  /* single actions everywhere; action names are not checked */
  doc = normal_rules("{\"domainRules\":[{\"name\":\"a\",\"type\":\"T\",\"mode\":\"WRITE\","
                     "\"onFailure\":\"DLQ\",\"onSuccess\":\"CUSTOM\"}]}");
  ck_assert_ptr_nonnull(doc);
  json_decref(doc);
}
END_TEST

START_TEST(test_rules_wrong_types) {
  assert_rules_bad("[]", "ruleSet must be an object");
  assert_rules_bad("\"rules\"", "ruleSet must be an object");
  assert_rules_bad("{\"domainRules\":{}}", "ruleSet.domainRules must be an array");
  assert_rules_bad("{\"migrationRules\":\"x\"}", "ruleSet.migrationRules must be an array");
  assert_rules_bad("{\"encodingRules\":1}", "ruleSet.encodingRules must be an array");
  assert_rules_bad("{\"domainRules\":[1]}", "ruleSet.domainRules[0] must be an object");
  assert_rules_bad("{\"domainRules\":[null]}", "ruleSet.domainRules[0] must be an object");
  assert_rules_bad("{\"domainRules\":[{\"name\":5,\"type\":\"T\"}]}",
                   "ruleSet.domainRules[0].name must be a string");
  static const char *const members[] = {"doc",  "kind",      "mode",     "type",
                                        "expr", "onSuccess", "onFailure"};
  for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
    char in[128];
    char message[128];
    snprintf(in, sizeof in, "{\"encodingRules\":[{\"name\":\"r\",\"type\":\"T\",\"%s\":[]}]}",
             members[i]);
    if (strcmp(members[i], "type") == 0) {
      snprintf(in, sizeof in, "{\"encodingRules\":[{\"name\":\"r\",\"type\":{}}]}");
    }
    snprintf(message, sizeof message, "ruleSet.encodingRules[0].%s must be a string", members[i]);
    assert_rules_bad(in, message);
  }
  assert_rules_bad("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"tags\":\"PII\"}]}",
                   "ruleSet.migrationRules[0].tags must be an array of strings");
  assert_rules_bad("{\"migrationRules\":[{\"name\":\"r\",\"type\":\"T\",\"tags\":[\"a\",1]}]}",
                   "ruleSet.migrationRules[0].tags[1] must be a string");
  assert_rules_bad("{\"domainRules\":[{\"name\":\"a\",\"type\":\"T\"},"
                   "{\"name\":\"r\",\"type\":\"T\",\"params\":[]}]}",
                   "ruleSet.domainRules[1].params must be an object");
  assert_rules_bad("{\"domainRules\":[{\"name\":\"a\",\"type\":\"T\"},"
                   "{\"name\":\"r\",\"type\":\"T\",\"params\":{\"k\":1}}]}",
                   "ruleSet.domainRules[1].params.k must be a string");
  assert_rules_bad("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"disabled\":\"true\"}]}",
                   "ruleSet.domainRules[0].disabled must be a boolean");
  assert_rules_bad("{\"domainRules\":[{\"name\":\"r\",\"type\":\"T\",\"disabled\":1}]}",
                   "ruleSet.domainRules[0].disabled must be a boolean");
  assert_rules_bad("{\"domainRules\":[{\"name\":\"r\\u0000\",\"type\":\"T\"}]}",
                   "ruleSet.domainRules[0].name must not contain NUL characters");
  /* every list is checked for being an array before any rule is validated */
  assert_rules_bad("{\"migrationRules\":[{\"type\":\"T\"}],\"encodingRules\":{}}",
                   "ruleSet.encodingRules must be an array");
}
END_TEST

/* ---- merges ------------------------------------------------------------ */

START_TEST(test_metadata_merge) {
  bool nomem = true;
  ck_assert_ptr_null(ct_metadata_merge(NULL, NULL, &nomem));
  ck_assert(!nomem);
  ck_assert_ptr_null(ct_metadata_merge(NULL, NULL, NULL));

  json_t *base = normal_metadata("{\"tags\":{\"a\":[\"X\"],\"b\":[\"Y\"]},"
                                 "\"properties\":{\"k1\":\"base\",\"k2\":\"base\"},"
                                 "\"sensitive\":[\"s1\",\"s2\"]}");
  json_t *top = normal_metadata("{\"tags\":{\"b\":[\"Z\"],\"c\":[\"W\"]},"
                                "\"properties\":{\"k2\":\"top\",\"k3\":\"top\"},"
                                "\"sensitive\":[\"s0\",\"s2\"]}");
  char *base_text = ct_dump(base);

  /* maps key-wise with top winning, sets unioned */
  json_t *merged = ct_metadata_merge(base, top, &nomem);
  ck_assert(!nomem);
  assert_dump(merged, "{\"tags\":{\"a\":[\"X\"],\"b\":[\"Z\"],\"c\":[\"W\"]},"
                      "\"properties\":{\"k1\":\"base\",\"k2\":\"top\",\"k3\":\"top\"},"
                      "\"sensitive\":[\"s0\",\"s1\",\"s2\"]}");
  json_decref(merged);

  /* inheriting: one side alone comes back as an equal, separate document */
  merged = ct_metadata_merge(base, NULL, &nomem);
  ck_assert(!nomem);
  ck_assert_ptr_ne(merged, base);
  assert_dump(merged, base_text);
  json_decref(merged);
  merged = ct_metadata_merge(NULL, base, NULL);
  ck_assert_ptr_ne(merged, base);
  assert_dump(merged, base_text);
  json_decref(merged);
  json_t *null_value = json_null();
  merged = ct_metadata_merge(null_value, base, NULL);
  assert_dump(merged, base_text);
  json_decref(merged);
  json_decref(null_value);

  /* the inputs are left alone */
  assert_dump(base, base_text);
  free(base_text);
  json_decref(base);
  json_decref(top);
}
END_TEST

/* final = merge(merge(defaultMetadata, request), overrideMetadata) */
START_TEST(test_metadata_merge_layers) {
  json_t *defaults = normal_metadata("{\"properties\":{\"owner\":\"default\",\"tier\":\"1\"},"
                                     "\"sensitive\":[\"ssn\"]}");
  json_t *request = normal_metadata("{\"properties\":{\"owner\":\"request\",\"app\":\"x\"}}");
  json_t *override =
      normal_metadata("{\"properties\":{\"tier\":\"override\"},\"sensitive\":[\"card\"]}");
  json_t *lower = ct_metadata_merge(defaults, request, NULL);
  json_t *final = ct_metadata_merge(lower, override, NULL);
  assert_dump(final, "{\"properties\":{\"app\":\"x\",\"owner\":\"request\",\"tier\":\"override\"},"
                     "\"sensitive\":[\"card\",\"ssn\"]}");
  json_decref(lower);
  json_decref(final);
  /* no request metadata: the defaults and the override */
  lower = ct_metadata_merge(defaults, NULL, NULL);
  final = ct_metadata_merge(lower, override, NULL);
  assert_dump(final, "{\"properties\":{\"owner\":\"default\",\"tier\":\"override\"},"
                     "\"sensitive\":[\"card\",\"ssn\"]}");
  json_decref(lower);
  json_decref(final);
  json_decref(defaults);
  json_decref(request);
  json_decref(override);
}
END_TEST

START_TEST(test_rule_set_merge) {
  bool nomem = true;
  ck_assert_ptr_null(ct_rule_set_merge(NULL, NULL, &nomem));
  ck_assert(!nomem);

  json_t *base =
      normal_rules("{\"migrationRules\":[{\"name\":\"m\",\"type\":\"JSONATA\",\"expr\":\"old\"}],"
                   "\"domainRules\":[{\"name\":\"a\",\"type\":\"CEL\",\"expr\":\"v1\"},"
                   "{\"name\":\"b\",\"type\":\"CEL\"}],\"enableAt\":\"CLIENT\"}");
  json_t *top = normal_rules("{\"domainRules\":[{\"name\":\"a\",\"type\":\"CEL\",\"expr\":\"v2\"},"
                             "{\"name\":\"c\",\"type\":\"CEL\"}],"
                             "\"encodingRules\":[{\"name\":\"e\",\"type\":\"ENCRYPT_PAYLOAD\"}]}");
  char *base_text = ct_dump(base);
  char *top_text = ct_dump(top);

  /* same name: the top rule replaces the base rule (and takes its place after
   * the base rules, as Confluent's merge does); other names appended; lists
   * only in one side inherited; enableAt kept from base when top has none */
  json_t *merged = ct_rule_set_merge(base, top, &nomem);
  ck_assert(!nomem);
  assert_dump(merged,
              "{\"migrationRules\":[{\"name\":\"m\",\"kind\":\"TRANSFORM\",\"mode\":\"UPGRADE\","
              "\"type\":\"JSONATA\",\"expr\":\"old\"}],"
              "\"domainRules\":[{\"name\":\"b\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
              "\"type\":\"CEL\"},{\"name\":\"a\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
              "\"type\":\"CEL\",\"expr\":\"v2\"},{\"name\":\"c\",\"kind\":\"TRANSFORM\","
              "\"mode\":\"WRITEREAD\",\"type\":\"CEL\"}],"
              "\"encodingRules\":[{\"name\":\"e\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
              "\"type\":\"ENCRYPT_PAYLOAD\"}],\"enableAt\":\"CLIENT\"}");
  json_decref(merged);

  /* enableAt of top wins */
  json_t *top_at = normal_rules("{\"enableAt\":\"SERVER\"}");
  merged = ct_rule_set_merge(base, top_at, NULL);
  json_t *at = json_object_get(merged, "enableAt");
  ck_assert_str_eq(json_string_value(at), "SERVER");
  ck_assert_uint_eq(json_array_size(json_object_get(merged, "domainRules")), 2);
  json_decref(merged);
  json_decref(top_at);

  /* one side alone */
  merged = ct_rule_set_merge(NULL, top, NULL);
  ck_assert_ptr_ne(merged, top);
  assert_dump(merged, top_text);
  json_decref(merged);
  merged = ct_rule_set_merge(base, NULL, NULL);
  assert_dump(merged, base_text);
  json_decref(merged);

  /* inputs untouched */
  assert_dump(base, base_text);
  assert_dump(top, top_text);
  free(base_text);
  free(top_text);
  json_decref(base);
  json_decref(top);
}
END_TEST

/* Merging normal documents gives normal documents. */
START_TEST(test_merge_results_are_normal) {
  json_t *a = normal_metadata("{\"tags\":{\"z\":[\"b\"]},\"sensitive\":[\"y\"]}");
  json_t *b = normal_metadata("{\"tags\":{\"a\":[\"c\",\"a\"]},\"properties\":{\"p\":\"1\"},"
                              "\"sensitive\":[\"x\",\"y\"]}");
  json_t *merged = ct_metadata_merge(a, b, NULL);
  char *text = ct_dump(merged);
  json_t *again = NULL;
  char msg[128];
  ck_assert_int_eq(ct_metadata_normal(merged, &again, msg, sizeof msg), STRATA_E_OK);
  assert_dump(again, text);
  ck_assert_str_eq(text,
                   "{\"tags\":{\"a\":[\"a\",\"c\"],\"z\":[\"b\"]},\"properties\":{\"p\":\"1\"},"
                   "\"sensitive\":[\"x\",\"y\"]}");
  free(text);
  json_decref(again);
  json_decref(merged);
  json_decref(a);
  json_decref(b);
}
END_TEST

/* ---- properties -------------------------------------------------------- */

START_TEST(test_property_get) {
  json_t *doc = normal_metadata("{\"properties\":{\"confluent:version\":\"3\",\"owner\":\"t\"}}");
  ck_assert_str_eq(ct_metadata_property(doc, "confluent:version"), "3");
  ck_assert_str_eq(ct_metadata_property(doc, "owner"), "t");
  ck_assert_ptr_null(ct_metadata_property(doc, "missing"));
  ck_assert_ptr_null(ct_metadata_property(NULL, "owner"));
  json_t *no_props = normal_metadata("{\"sensitive\":[\"owner\"]}");
  ck_assert_ptr_null(ct_metadata_property(no_props, "owner"));
  json_decref(no_props);
  json_decref(doc);
}
END_TEST

START_TEST(test_property_set) {
  json_t *fresh = ct_metadata_with_property(NULL, "confluent:version", "1");
  assert_dump(fresh, "{\"properties\":{\"confluent:version\":\"1\"}}");
  json_decref(fresh);

  json_t *doc = normal_metadata("{\"tags\":{\"f\":[\"PII\"]},"
                                "\"properties\":{\"b\":\"1\",\"z\":\"2\"},\"sensitive\":[\"s\"]}");
  char *before = ct_dump(doc);
  /* a new key lands in sorted position */
  json_t *set = ct_metadata_with_property(doc, "confluent:version", "4");
  assert_dump(set, "{\"tags\":{\"f\":[\"PII\"]},"
                   "\"properties\":{\"b\":\"1\",\"confluent:version\":\"4\",\"z\":\"2\"},"
                   "\"sensitive\":[\"s\"]}");
  /* an existing key is overwritten */
  json_t *again = ct_metadata_with_property(set, "confluent:version", "5");
  ck_assert_str_eq(ct_metadata_property(again, "confluent:version"), "5");
  ck_assert_str_eq(ct_metadata_property(set, "confluent:version"), "4");
  ck_assert_uint_eq(json_object_size(json_object_get(again, "properties")), 3);
  /* the input is a separate, unchanged document */
  assert_dump(doc, before);
  free(before);
  json_decref(again);
  json_decref(set);
  json_decref(doc);
}
END_TEST

/* ---- text -------------------------------------------------------------- */

/* jansson keeps object members in insertion order (ct_dump relies on it). */
START_TEST(test_dump_insertion_order) {
  json_t *obj = json_object();
  json_object_set_new(obj, "z", json_integer(1));
  json_object_set_new(obj, "a", json_string("x"));
  json_object_set_new(obj, "m", json_true());
  json_object_set_new(obj, "z", json_integer(2)); /* replacing keeps the position */
  char *text = ct_dump(obj);
  ck_assert_str_eq(text, "{\"z\":2,\"a\":\"x\",\"m\":true}");
  free(text);
  json_decref(obj);
  ck_assert_ptr_null(ct_dump(NULL));
}
END_TEST

/* Equal contracts written in different orders give identical bytes. */
START_TEST(test_determinism) {
  json_t *a = normal_metadata("{\"sensitive\":[\"b\",\"a\"],\"properties\":{\"y\":\"1\","
                              "\"x\":\"2\"},\"tags\":{\"t2\":[\"B\",\"A\"],\"t1\":[\"C\"]}}");
  json_t *b = normal_metadata("{\"tags\":{\"t1\":[\"C\",\"C\"],\"t2\":[\"A\",\"B\"]},"
                              "\"properties\":{\"x\":\"2\",\"y\":\"1\"},"
                              "\"sensitive\":[\"a\",\"b\",\"a\"],\"extra\":true}");
  char *ta = ct_dump(a);
  char *tb = ct_dump(b);
  ck_assert_str_eq(ta, tb);
  free(ta);
  free(tb);
  json_decref(a);
  json_decref(b);

  json_t *r1 = normal_rules(
      "{\"enableAt\":\"ALL\",\"domainRules\":[{\"type\":\"CEL\",\"name\":\"r\","
      "\"params\":{\"b\":\"2\",\"a\":\"1\"},\"tags\":[\"y\",\"x\"],\"disabled\":false}],"
      "\"migrationRules\":[]}");
  json_t *r2 = normal_rules(
      "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"TRANSFORM\",\"mode\":\"WRITEREAD\","
      "\"tags\":[\"x\",\"y\",\"x\"],\"params\":{\"a\":\"1\",\"b\":\"2\"},\"type\":\"CEL\"}],"
      "\"enableAt\":\"ALL\"}");
  ta = ct_dump(r1);
  tb = ct_dump(r2);
  ck_assert_str_eq(ta, tb);
  free(ta);
  free(tb);
  json_decref(r1);
  json_decref(r2);
}
END_TEST

static Suite *contract_suite(void) {
  Suite *s = suite_create("contract");
  TCase *metadata = tcase_create("metadata");
  tcase_add_test(metadata, test_metadata_absent);
  tcase_add_test(metadata, test_metadata_normal_form);
  tcase_add_test(metadata, test_metadata_java_order);
  tcase_add_test(metadata, test_metadata_wrong_types);
  tcase_add_test(metadata, test_message_cut_at_character);
  suite_add_tcase(s, metadata);
  TCase *rules = tcase_create("rules");
  tcase_add_test(rules, test_rules_absent);
  tcase_add_test(rules, test_rules_defaults);
  tcase_add_test(rules, test_rules_member_order);
  tcase_add_test(rules, test_rules_list_order);
  tcase_add_test(rules, test_rules_enable_at);
  tcase_add_test(rules, test_rules_kinds_and_modes);
  tcase_add_test(rules, test_rules_names);
  tcase_add_test(rules, test_rules_name_length);
  tcase_add_test(rules, test_rules_duplicates);
  tcase_add_test(rules, test_rules_type_required);
  tcase_add_test(rules, test_rules_actions);
  tcase_add_test(rules, test_rules_wrong_types);
  suite_add_tcase(s, rules);
  TCase *merge = tcase_create("merge");
  tcase_add_test(merge, test_metadata_merge);
  tcase_add_test(merge, test_metadata_merge_layers);
  tcase_add_test(merge, test_rule_set_merge);
  tcase_add_test(merge, test_merge_results_are_normal);
  tcase_add_test(merge, test_property_get);
  tcase_add_test(merge, test_property_set);
  suite_add_tcase(s, merge);
  TCase *text = tcase_create("text");
  tcase_add_test(text, test_dump_insertion_order);
  tcase_add_test(text, test_determinism);
  suite_add_tcase(s, text);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(contract_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
