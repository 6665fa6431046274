/*
 * check_avro_serde.c - the Avro serde of libstrata-client against a real strata-registry:
 * serialize -> deserialize round trips (records, unions, enums, arrays, maps, bytes, fixed,
 * recursion), schema evolution by the specification's resolution rules (defaults, aliases,
 * promotions, enum symbols by name and the enum default), references (?format=resolved), the
 * errors (not framed, unknown id, a reader the writer cannot be resolved to, payloads that do
 * not decode, values that do not match) and concurrent use from 8 threads.
 *
 * usage: unit-avro_serde PATH-TO-strata-registry
 */
#define _XOPEN_SOURCE 700

#include "registry_fixture.h"

#include <strata/avro_serde.h>

#include <check.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static registry_fixture registry;

static strata_client *new_client(void) {
  const char *urls[] = {registry.url};
  strata_client_options options;
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = 1;
  options.max_retries = 0;
  strata_client *client = NULL;
  strata_client_error err;
  ck_assert_int_eq(strata_client_new(&options, &client, &err), STRATA_E_OK);
  return client;
}

/* A new deserializer with the reader schema @p reader (NULL: none); fails the
 * test when it cannot be made. */
static strata_avro_deserializer *new_deserializer(strata_client *client, const char *reader) {
  strata_avro_deserializer *de = NULL;
  strata_client_error err = {0};
  ck_assert_msg(strata_avro_deserializer_new(client, reader, &de, &err) == STRATA_E_OK, "%s",
                err.message);
  return de;
}

/* A new serializer of @p schema for @p subject; fails the test when it cannot
 * be made. */
static strata_avro_serializer *new_serializer(strata_client *client, const char *subject,
                                              const char *schema, bool auto_register) {
  strata_avro_serializer *ser = NULL;
  strata_client_error err = {0};
  ck_assert_msg(strata_avro_serializer_new(client, subject, schema, auto_register, &ser, &err) ==
                    STRATA_E_OK,
                "%s: %s", subject, err.message);
  return ser;
}

/* The named field of a record value (fails the test when absent). */
static avro_value_t field(avro_value_t *record, const char *name) {
  avro_value_t child;
  ck_assert_msg(avro_value_get_by_name(record, name, &child, NULL) == 0, "no field %s", name);
  return child;
}

static void set_string(avro_value_t *record, const char *name, const char *text) {
  avro_value_t f = field(record, name);
  ck_assert_int_eq(avro_value_set_string(&f, text), 0);
}

/* avro_value_to_json() of @p value, parsed back (new, json_decref()). */
static json_t *value_json(avro_value_t *value) {
  char *text = NULL;
  ck_assert_int_eq(avro_value_to_json(value, 1, &text), 0);
  json_error_t jerr;
  json_t *json = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  ck_assert_msg(json != NULL, "avro-c printed no JSON: %s", text);
  free(text);
  return json;
}

/* Checks that @p value prints as the JSON @p expected (compared as JSON values). */
static void assert_value_json(avro_value_t *value, const char *expected) {
  json_error_t jerr;
  json_t *want = json_loads(expected, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  ck_assert_msg(want != NULL, "bad expected JSON %s: %s", expected, jerr.text);
  json_t *got = value_json(value);
  char *got_text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  ck_assert_msg(json_equal(want, got), "got %s\nwant %s", got_text, expected);
  free(got_text);
  json_decref(want);
  json_decref(got);
}

/* A new generic value of @p schema. */
static avro_value_t new_value(avro_schema_t schema) {
  avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
  ck_assert_ptr_nonnull(iface);
  avro_value_t value;
  ck_assert_int_eq(avro_generic_value_new(iface, &value), 0);
  avro_value_iface_decref(iface);
  return value;
}

static int64_t latest_id(strata_client *client, const char *subject) {
  strata_client_schema *s = NULL;
  strata_client_error err;
  ck_assert_int_eq(
      strata_client_get_version(client, subject, STRATA_CLIENT_LATEST, false, &s, &err),
      STRATA_E_OK);
  int64_t id = s->id;
  strata_client_schema_free(&s);
  return id;
}

/* Frames @p payload under @p id (new, free()). */
static uint8_t *frame(int64_t id, const void *payload, size_t len, size_t *total) {
  uint8_t *msg = malloc(STRATA_WIRE_HEADER_SIZE + len + 1);
  ck_assert_ptr_nonnull(msg);
  ck_assert_int_eq(strata_wire_write_header(id, msg), STRATA_E_OK);
  if (len > 0) {
    memcpy(msg + STRATA_WIRE_HEADER_SIZE, payload, len);
  }
  *total = STRATA_WIRE_HEADER_SIZE + len;
  return msg;
}

/* ---- round trip ---------------------------------------------------------------------- */

static const char ORDER[] =
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"t.serde\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\"},"
    "{\"name\":\"qty\",\"type\":\"int\"},"
    "{\"name\":\"price\",\"type\":\"double\"},"
    "{\"name\":\"ratio\",\"type\":\"float\"},"
    "{\"name\":\"ok\",\"type\":\"boolean\"},"
    "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
    "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\","
    "\"symbols\":[\"NEW\",\"PAID\",\"VOID\"]}},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
    "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"long\"}},"
    "{\"name\":\"raw\",\"type\":\"bytes\"},"
    "{\"name\":\"digest\",\"type\":{\"type\":\"fixed\",\"name\":\"Digest\",\"size\":4}},"
    "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
    "\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},"
    "{\"name\":\"n\",\"type\":\"int\"}]}}},"
    "{\"name\":\"next\",\"type\":[\"null\",\"Order\"],\"default\":null}]}";

/* Fills an Order; @p nested adds a nested Order in "next". */
static void fill_order(avro_value_t *v, int64_t id, bool nested) {
  avro_value_t f = field(v, "id");
  ck_assert_int_eq(avro_value_set_long(&f, id), 0);
  f = field(v, "qty");
  ck_assert_int_eq(avro_value_set_int(&f, -3), 0);
  f = field(v, "price");
  ck_assert_int_eq(avro_value_set_double(&f, 19.75), 0);
  f = field(v, "ratio");
  ck_assert_int_eq(avro_value_set_float(&f, 0.5f), 0);
  f = field(v, "ok");
  ck_assert_int_eq(avro_value_set_boolean(&f, 1), 0);
  avro_value_t branch;
  f = field(v, "note");
  if (nested) {
    ck_assert_int_eq(avro_value_set_branch(&f, 1, &branch), 0);
    ck_assert_int_eq(avro_value_set_string(&branch, "Zoë"), 0);
  } else {
    ck_assert_int_eq(avro_value_set_branch(&f, 0, &branch), 0);
    ck_assert_int_eq(avro_value_set_null(&branch), 0);
  }
  f = field(v, "status");
  ck_assert_int_eq(avro_value_set_enum(&f, 1), 0);
  f = field(v, "tags");
  avro_value_t item;
  ck_assert_int_eq(avro_value_append(&f, &item, NULL), 0);
  ck_assert_int_eq(avro_value_set_string(&item, "a"), 0);
  ck_assert_int_eq(avro_value_append(&f, &item, NULL), 0);
  ck_assert_int_eq(avro_value_set_string(&item, "b c"), 0);
  f = field(v, "attrs");
  ck_assert_int_eq(avro_value_add(&f, "big", &item, NULL, NULL), 0);
  ck_assert_int_eq(avro_value_set_long(&item, INT64_MAX), 0);
  ck_assert_int_eq(avro_value_add(&f, "neg", &item, NULL, NULL), 0);
  ck_assert_int_eq(avro_value_set_long(&item, INT64_MIN), 0);
  f = field(v, "raw");
  ck_assert_int_eq(avro_value_set_bytes(&f, "\x7f\xff", 2), 0);
  f = field(v, "digest");
  ck_assert_int_eq(avro_value_set_fixed(&f, "\x01\x02\x03\x04", 4), 0);
  f = field(v, "lines");
  ck_assert_int_eq(avro_value_append(&f, &item, NULL), 0);
  set_string(&item, "sku", "X-1");
  avro_value_t n = field(&item, "n");
  ck_assert_int_eq(avro_value_set_int(&n, 2), 0);
  f = field(v, "next");
  if (nested) {
    ck_assert_int_eq(avro_value_set_branch(&f, 1, &branch), 0);
    fill_order(&branch, id + 1, false);
  } else {
    ck_assert_int_eq(avro_value_set_branch(&f, 0, &branch), 0);
    ck_assert_int_eq(avro_value_set_null(&branch), 0);
  }
}

#define ORDER_JSON_INNER                                                                           \
  "{\"id\":8,\"qty\":-3,\"price\":19.75,\"ratio\":0.5,\"ok\":true,\"note\":null,"                  \
  "\"status\":\"PAID\",\"tags\":[\"a\",\"b c\"],"                                                  \
  "\"attrs\":{\"big\":9223372036854775807,\"neg\":-9223372036854775808},"                          \
  "\"raw\":\"\\u007f\\u00ff\",\"digest\":\"\\u0001\\u0002\\u0003\\u0004\","                        \
  "\"lines\":[{\"sku\":\"X-1\",\"n\":2}],\"next\":null}"

static const char ORDER_JSON[] =
    "{\"id\":7,\"qty\":-3,\"price\":19.75,\"ratio\":0.5,\"ok\":true,\"note\":{\"string\":\"Zoë\"},"
    "\"status\":\"PAID\",\"tags\":[\"a\",\"b c\"],"
    "\"attrs\":{\"big\":9223372036854775807,\"neg\":-9223372036854775808},"
    "\"raw\":\"\\u007f\\u00ff\",\"digest\":\"\\u0001\\u0002\\u0003\\u0004\","
    "\"lines\":[{\"sku\":\"X-1\",\"n\":2}],\"next\":{\"Order\":" ORDER_JSON_INNER "}}";

START_TEST(round_trip) {
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "rt-orders-value", ORDER, true);
  avro_value_t v = new_value(strata_avro_serializer_schema(ser));
  fill_order(&v, 7, true);

  uint8_t *msg = NULL;
  size_t len = 0;
  ck_assert_msg(strata_avro_serialize(ser, &v, &msg, &len, &err) == STRATA_E_OK, "%s", err.message);
  /* the header names the id the registry gave the subject's schema */
  int64_t id = latest_id(client, "rt-orders-value");
  int64_t framed_id = 0;
  size_t offset = 0;
  ck_assert_int_eq(strata_wire_read_header(msg, len, &framed_id, &offset), STRATA_E_OK);
  ck_assert_int_eq(framed_id, id);
  /* the payload is exactly avro-c's own binary encoding of the value */
  size_t size = 0;
  ck_assert_int_eq(avro_value_sizeof(&v, &size), 0);
  ck_assert_uint_eq(len, STRATA_WIRE_HEADER_SIZE + size);
  char *expected = malloc(size);
  avro_writer_t w = avro_writer_memory(expected, (int64_t)size);
  ck_assert_int_eq(avro_value_write(w, &v), 0);
  avro_writer_free(w);
  ck_assert_mem_eq(msg + STRATA_WIRE_HEADER_SIZE, expected, size);
  free(expected);

  /* decoded with the writer schema only, then with the same schema as reader */
  for (int with_reader = 0; with_reader < 2; with_reader++) {
    strata_avro_deserializer *de = new_deserializer(client, with_reader ? ORDER : NULL);
    ck_assert(with_reader ? strata_avro_deserializer_schema(de) != NULL
                          : strata_avro_deserializer_schema(de) == NULL);
    avro_value_t back;
    int64_t back_id = 0;
    ck_assert_msg(strata_avro_deserialize(de, msg, len, &back, &back_id, &err) == STRATA_E_OK, "%s",
                  err.message);
    ck_assert_int_eq(back_id, id);
    assert_value_json(&back, ORDER_JSON);
    ck_assert(avro_value_equal(&v, &back));
    avro_value_decref(&back);
    strata_avro_deserializer_free(&de);
    ck_assert_ptr_null(de);
  }

  /* a second message reuses the id */
  uint8_t *again = NULL;
  size_t again_len = 0;
  ck_assert_int_eq(strata_avro_serialize(ser, &v, &again, &again_len, &err), STRATA_E_OK);
  ck_assert_uint_eq(again_len, len);
  ck_assert_mem_eq(again, msg, len);
  free(again);
  free(msg);
  avro_value_decref(&v);
  strata_avro_serializer_free(&ser);
  ck_assert_ptr_null(ser);
  strata_client_free(&client);
}
END_TEST

/* A top-level union, a map of arrays and an enum as the whole value. */
START_TEST(round_trip_non_records) {
  static const struct {
    const char *schema;
    const char *json;
  } cases[] = {
      {"[\"null\",\"long\",{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"int\"}}]",
       "{\"map\":{\"x\":[1,2,3],\"y\":[]}}"},
      {"{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\",\"GREEN\",\"BLUE\"]}",
       "\"BLUE\""},
      {"\"string\"", "\"plain\""},
      /* bytes with NUL bytes (checked directly: avro-c's JSON printer stops at a NUL) */
      {"\"bytes\"", NULL},
  };
  strata_client *client = new_client();
  strata_client_error err;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char subject[64];
    snprintf(subject, sizeof subject, "rt-plain-%zu-value", i);
    strata_avro_serializer *ser = new_serializer(client, subject, cases[i].schema, true);
    avro_value_t v = new_value(strata_avro_serializer_schema(ser));
    avro_value_t branch, item, elem;
    switch (i) {
    case 0:
      ck_assert_int_eq(avro_value_set_branch(&v, 2, &branch), 0);
      ck_assert_int_eq(avro_value_add(&branch, "x", &item, NULL, NULL), 0);
      for (int k = 1; k <= 3; k++) {
        ck_assert_int_eq(avro_value_append(&item, &elem, NULL), 0);
        ck_assert_int_eq(avro_value_set_int(&elem, k), 0);
      }
      ck_assert_int_eq(avro_value_add(&branch, "y", &item, NULL, NULL), 0);
      break;
    case 1:
      ck_assert_int_eq(avro_value_set_enum(&v, 2), 0);
      break;
    case 2:
      ck_assert_int_eq(avro_value_set_string(&v, "plain"), 0);
      break;
    default:
      ck_assert_int_eq(avro_value_set_bytes(&v, "\0a\0", 3), 0);
      break;
    }
    uint8_t *msg = NULL;
    size_t len = 0;
    ck_assert_int_eq(strata_avro_serialize(ser, &v, &msg, &len, &err), STRATA_E_OK);
    strata_avro_deserializer *de = new_deserializer(client, cases[i].schema);
    avro_value_t back;
    ck_assert_msg(strata_avro_deserialize(de, msg, len, &back, NULL, &err) == STRATA_E_OK, "%s",
                  err.message);
    if (cases[i].json != NULL) {
      assert_value_json(&back, cases[i].json);
    } else {
      const void *bytes = NULL;
      size_t size = 0;
      ck_assert_int_eq(avro_value_get_bytes(&back, &bytes, &size), 0);
      ck_assert_uint_eq(size, 3);
      ck_assert_mem_eq(bytes, "\0a\0", 3);
    }
    ck_assert(avro_value_equal(&v, &back));
    avro_value_decref(&back);
    strata_avro_deserializer_free(&de);
    free(msg);
    avro_value_decref(&v);
    strata_avro_serializer_free(&ser);
  }
  strata_client_free(&client);
}
END_TEST

/* ---- evolution ----------------------------------------------------------------------- */

static const char PERSON_V1[] =
    "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"int\"},"
    "{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"legacy\",\"type\":{\"type\":\"array\",\"items\":"
    "{\"type\":\"map\",\"values\":\"string\"}}},"
    "{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"Level\","
    "\"symbols\":[\"LOW\",\"MID\",\"HIGH\",\"EXTREME\"]}},"
    "{\"name\":\"nick\",\"type\":\"string\"},"
    "{\"name\":\"ratio\",\"type\":\"float\"}]}";

/* Reads v1 data: id promoted to long, name through an alias, legacy dropped, the enum
 * reordered with a default for EXTREME, nick into a union, ratio promoted to double, and new
 * fields with defaults of every kind. */
static const char PERSON_V2[] =
    "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\"},"
    "{\"name\":\"fullName\",\"type\":\"string\",\"aliases\":[\"name\"]},"
    "{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"Level\","
    "\"symbols\":[\"HIGH\",\"MID\",\"LOW\"],\"default\":\"MID\"}},"
    "{\"name\":\"nick\",\"type\":[\"null\",\"string\"]},"
    "{\"name\":\"ratio\",\"type\":\"double\"},"
    "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null},"
    "{\"name\":\"country\",\"type\":\"string\",\"default\":\"NL\"},"
    "{\"name\":\"score\",\"type\":\"double\",\"default\":7},"
    "{\"name\":\"prefs\",\"type\":{\"type\":\"record\",\"name\":\"Prefs\",\"fields\":["
    "{\"name\":\"dark\",\"type\":\"boolean\",\"default\":true},"
    "{\"name\":\"langs\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]},"
    "\"default\":{\"langs\":[\"en\"]}},"
    "{\"name\":\"blob\",\"type\":\"bytes\",\"default\":\"\\u00ff\\u0001\"},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"int\"},\"default\":{\"a\":1}},"
    "{\"name\":\"mood\",\"type\":{\"type\":\"enum\",\"name\":\"Mood\",\"symbols\":[\"OK\",\"SAD\"]}"
    ","
    "\"default\":\"SAD\"},"
    "{\"name\":\"tiny\",\"type\":{\"type\":\"fixed\",\"name\":\"Tiny\",\"size\":2},"
    "\"default\":\"ab\"},"
    "{\"name\":\"maybe\",\"type\":[\"int\",\"null\"],\"default\":5}]}";

/* Serializes a v1 Person under @p subject (new message, free()). */
static uint8_t *person_v1(strata_avro_serializer *ser, int32_t id, int level, size_t *len) {
  avro_value_t v = new_value(strata_avro_serializer_schema(ser));
  avro_value_t f = field(&v, "id");
  ck_assert_int_eq(avro_value_set_int(&f, id), 0);
  set_string(&v, "name", "Ada");
  f = field(&v, "legacy");
  avro_value_t item, entry;
  ck_assert_int_eq(avro_value_append(&f, &item, NULL), 0);
  ck_assert_int_eq(avro_value_add(&item, "k", &entry, NULL, NULL), 0);
  ck_assert_int_eq(avro_value_set_string(&entry, "skipped"), 0);
  f = field(&v, "level");
  ck_assert_int_eq(avro_value_set_enum(&f, level), 0);
  set_string(&v, "nick", "ace");
  f = field(&v, "ratio");
  ck_assert_int_eq(avro_value_set_float(&f, 0.25f), 0);
  uint8_t *msg = NULL;
  strata_client_error err;
  ck_assert_msg(strata_avro_serialize(ser, &v, &msg, len, &err) == STRATA_E_OK, "%s", err.message);
  avro_value_decref(&v);
  return msg;
}

#define PERSON_V2_JSON(level)                                                                      \
  "{\"id\":42,\"fullName\":\"Ada\",\"level\":\"" level "\",\"nick\":{\"string\":\"ace\"},"         \
  "\"ratio\":0.25,\"email\":null,\"country\":\"NL\",\"score\":7.0,"                                \
  "\"prefs\":{\"dark\":true,\"langs\":[\"en\"]},\"blob\":\"\\u00ff\\u0001\",\"tags\":{\"a\":1},"   \
  "\"mood\":\"SAD\",\"tiny\":\"ab\",\"maybe\":{\"int\":5}}"

START_TEST(evolution_defaults) {
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "evo-person-value", PERSON_V1, true);
  strata_avro_deserializer *de = new_deserializer(client, PERSON_V2);
  static const struct {
    int level;
    const char *json;
  } cases[] = {
      {0, PERSON_V2_JSON("LOW")},
      {1, PERSON_V2_JSON("MID")},
      {2, PERSON_V2_JSON("HIGH")},
      {3, PERSON_V2_JSON("MID")}, /* EXTREME is not in the reader: its default */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = 0;
    uint8_t *msg = person_v1(ser, 42, cases[i].level, &len);
    avro_value_t back;
    ck_assert_msg(strata_avro_deserialize(de, msg, len, &back, NULL, &err) == STRATA_E_OK, "%s",
                  err.message);
    assert_value_json(&back, cases[i].json);
    /* the value is of the reader schema */
    ck_assert(avro_schema_equal(avro_value_get_schema(&back), strata_avro_deserializer_schema(de)));
    avro_value_decref(&back);
    free(msg);
  }
  strata_avro_deserializer_free(&de);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

/* Without a default for the missing symbol, only messages that use it fail. */
START_TEST(evolution_enum_without_default) {
  static const char writer[] = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}";
  static const char reader[] = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\",\"A\"]}";
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "evo-enum-value", writer, true);
  strata_avro_deserializer *de = new_deserializer(client, reader);
  static const char *const expected[] = {"\"A\"", NULL, "\"C\""};
  for (int symbol = 0; symbol < 3; symbol++) {
    avro_value_t v = new_value(strata_avro_serializer_schema(ser));
    ck_assert_int_eq(avro_value_set_enum(&v, symbol), 0);
    uint8_t *msg = NULL;
    size_t len = 0;
    ck_assert_int_eq(strata_avro_serialize(ser, &v, &msg, &len, &err), STRATA_E_OK);
    avro_value_t back;
    strata_error rc = strata_avro_deserialize(de, msg, len, &back, NULL, &err);
    if (expected[symbol] != NULL) {
      ck_assert_msg(rc == STRATA_E_OK, "%s", err.message);
      assert_value_json(&back, expected[symbol]);
      avro_value_decref(&back);
    } else {
      ck_assert_int_eq(rc, STRATA_E_SERDE);
      ck_assert_ptr_null(back.self);
      ck_assert_msg(strstr(err.message, "symbol B") != NULL, "%s", err.message);
    }
    free(msg);
    avro_value_decref(&v);
  }
  strata_avro_deserializer_free(&de);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

/* A writer union branch the reader cannot take fails only the messages that use it. */
START_TEST(evolution_union_branches) {
  static const char writer[] = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"v\","
                               "\"type\":[\"null\",\"string\",\"boolean\"]}]}";
  static const char reader[] = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"v\","
                               "\"type\":[\"null\",\"bytes\"]}]}";
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "evo-union-value", writer, true);
  strata_avro_deserializer *de = new_deserializer(client, reader);
  for (int b = 0; b < 3; b++) {
    avro_value_t v = new_value(strata_avro_serializer_schema(ser));
    avro_value_t f = field(&v, "v");
    avro_value_t branch;
    ck_assert_int_eq(avro_value_set_branch(&f, b, &branch), 0);
    if (b == 1) {
      ck_assert_int_eq(avro_value_set_string(&branch, "xy"), 0);
    } else if (b == 2) {
      ck_assert_int_eq(avro_value_set_boolean(&branch, 1), 0);
    }
    uint8_t *msg = NULL;
    size_t len = 0;
    ck_assert_int_eq(strata_avro_serialize(ser, &v, &msg, &len, &err), STRATA_E_OK);
    avro_value_t back;
    strata_error rc = strata_avro_deserialize(de, msg, len, &back, NULL, &err);
    if (b == 0) {
      ck_assert_int_eq(rc, STRATA_E_OK);
      assert_value_json(&back, "{\"v\":null}");
      avro_value_decref(&back);
    } else if (b == 1) {
      /* string data read as bytes */
      ck_assert_int_eq(rc, STRATA_E_OK);
      assert_value_json(&back, "{\"v\":{\"bytes\":\"xy\"}}");
      avro_value_decref(&back);
    } else {
      ck_assert_int_eq(rc, STRATA_E_SERDE);
      ck_assert_msg(strstr(err.message, "branch 2 (boolean)") != NULL, "%s", err.message);
    }
    free(msg);
    avro_value_decref(&v);
  }
  strata_avro_deserializer_free(&de);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

START_TEST(reader_incompatible) {
  static const struct {
    const char *reader;
    const char *phrase;
  } cases[] = {
      /* a new field without a default */
      {"{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
       "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"age\",\"type\":\"int\"}]}",
       "reader field 'age' of record Person has no default"},
      /* int read as string */
      {"{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
       "{\"name\":\"id\",\"type\":\"string\"}]}",
       "at id: writer type int cannot be read as reader type string"},
      /* long is not narrowed to int */
      {"{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
       "{\"name\":\"ratio\",\"type\":\"int\"}]}",
       "writer type float cannot be read as reader type int"},
      /* another record name */
      {"{\"type\":\"record\",\"name\":\"Robot\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}",
       "names differ"},
      /* a default that does not match its type */
      {"{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
       "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}]}",
       "the default of reader field 'n' does not match its type int"},
      /* not a record at all */
      {"\"string\"", "writer type record cannot be read as reader type string"},
  };
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "incompat-person-value", PERSON_V1, true);
  size_t len = 0;
  uint8_t *msg = person_v1(ser, 1, 0, &len);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    strata_avro_deserializer *de = new_deserializer(client, cases[i].reader);
    avro_value_t back;
    memset(&err, 0, sizeof err);
    strata_error rc = strata_avro_deserialize(de, msg, len, &back, NULL, &err);
    ck_assert_msg(rc == STRATA_E_INVALID_SCHEMA, "case %zu: got %s (%s)", i, strata_error_name(rc),
                  err.message);
    ck_assert_msg(strstr(err.message, cases[i].phrase) != NULL, "case %zu: message %s", i,
                  err.message);
    ck_assert_ptr_null(back.iface);
    strata_avro_deserializer_free(&de);
  }
  free(msg);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

/* ---- errors -------------------------------------------------------------------------- */

START_TEST(not_framed) {
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_deserializer *de = new_deserializer(client, NULL);
  avro_value_t back;
  const uint8_t bad_magic[] = {1, 0, 0, 0, 1, 2};
  ck_assert_int_eq(strata_avro_deserialize(de, bad_magic, sizeof bad_magic, &back, NULL, &err),
                   STRATA_E_WIRE_FORMAT);
  ck_assert_msg(strstr(err.message, "magic") != NULL, "%s", err.message);
  ck_assert_int_eq(err.http_status, 0);
  ck_assert_ptr_null(back.iface);
  const uint8_t short_msg[] = {0, 0, 0};
  ck_assert_int_eq(strata_avro_deserialize(de, short_msg, sizeof short_msg, &back, NULL, &err),
                   STRATA_E_WIRE_FORMAT);
  ck_assert_msg(strstr(err.message, "has 3") != NULL, "%s", err.message);
  ck_assert_int_eq(strata_avro_deserialize(de, NULL, 0, &back, NULL, &err), STRATA_E_WIRE_FORMAT);
  const uint8_t text[] = "{\"id\":1}";
  ck_assert_int_eq(strata_avro_deserialize(de, text, sizeof text - 1, &back, NULL, &err),
                   STRATA_E_WIRE_FORMAT);
  ck_assert_int_eq(strata_avro_deserialize(de, short_msg, 3, NULL, NULL, &err),
                   STRATA_E_INVALID_ARGUMENT);
  strata_avro_deserializer_free(&de);
  strata_client_free(&client);
}
END_TEST

START_TEST(unknown_id) {
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_deserializer *de = new_deserializer(client, PERSON_V2);
  size_t len = 0;
  uint8_t *msg = frame(987654, "\x02", 1, &len);
  avro_value_t back;
  int64_t id = -1;
  ck_assert_int_eq(strata_avro_deserialize(de, msg, len, &back, &id, &err),
                   STRATA_E_SCHEMA_NOT_FOUND);
  ck_assert_int_eq(err.http_status, 404);
  ck_assert_int_eq(err.error_code, 40403);
  ck_assert_int_eq(id, -1);
  ck_assert_ptr_null(back.iface);
  /* an unknown id is not remembered: asking again asks the registry again */
  ck_assert_int_eq(strata_avro_deserialize(de, msg, len, &back, NULL, &err),
                   STRATA_E_SCHEMA_NOT_FOUND);
  free(msg);
  strata_avro_deserializer_free(&de);
  strata_client_free(&client);
}
END_TEST

START_TEST(bad_payloads) {
  static const char schema[] =
      "{\"type\":\"record\",\"name\":\"P\",\"fields\":["
      "{\"name\":\"s\",\"type\":\"string\"},"
      "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
      "\"symbols\":[\"A\",\"B\"]}},"
      "{\"name\":\"b\",\"type\":\"boolean\"},"
      "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}";
  strata_client *client = new_client();
  strata_client_error err;
  strata_client_schema_input input = {.type = STRATA_SCHEMA_AVRO, .schema = schema};
  int64_t id = 0;
  ck_assert_int_eq(strata_client_register_id(client, "bad-payload-value", &input, false, &id, &err),
                   STRATA_E_OK);
  strata_avro_deserializer *de = new_deserializer(client, NULL);
  static const struct {
    const char *what;
    const char *payload;
    size_t len;
    strata_error rc;
    const char *phrase;
  } cases[] = {
      {"valid", "\x04hi\x02\x01\x00", 6, STRATA_E_OK, NULL},
      {"an empty array block list with 3 nulls", "\x04hi\x02\x01\x06\x00", 7, STRATA_E_OK, NULL},
      {"empty payload", "", 0, STRATA_E_SERDE, "ends inside a number"},
      {"string longer than the data", "\x0ahi", 3, STRATA_E_SERDE, "runs past the end"},
      {"negative string length", "\x03hi", 3, STRATA_E_SERDE, "negative length"},
      {"enum index out of range", "\x04hi\x04\x01\x00", 6, STRATA_E_SERDE, "enum index 2"},
      {"boolean byte 2", "\x04hi\x02\x02\x00", 6, STRATA_E_SERDE, "boolean byte 2"},
      {"a byte left over", "\x04hi\x02\x01\x00\x00", 7, STRATA_E_SERDE, "1 bytes left over"},
      {"a varint of 11 bytes", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, STRATA_E_SERDE,
       "longer than 64 bits"},
      {"a block of 2^40 nulls", "\x04hi\x02\x01\x80\x80\x80\x80\x80\x40\x00", 12, STRATA_E_SERDE,
       "more collection items"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = 0;
    uint8_t *msg = frame(id, cases[i].payload, cases[i].len, &len);
    avro_value_t back;
    memset(&err, 0, sizeof err);
    strata_error rc = strata_avro_deserialize(de, msg, len, &back, NULL, &err);
    ck_assert_msg(rc == cases[i].rc, "%s: got %s (%s)", cases[i].what, strata_error_name(rc),
                  err.message);
    if (rc == STRATA_E_OK) {
      avro_value_decref(&back);
    } else {
      ck_assert_ptr_null(back.iface);
      ck_assert_msg(strstr(err.message, cases[i].phrase) != NULL, "%s: message %s", cases[i].what,
                    err.message);
    }
    free(msg);
  }
  strata_avro_deserializer_free(&de);
  strata_client_free(&client);
}
END_TEST

START_TEST(serializer_errors) {
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = (strata_avro_serializer *)&ser;
  ck_assert_int_eq(
      strata_avro_serializer_new(client, "ser-bad-value", "{\"type\":\"recrd\"}", true, &ser, &err),
      STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(ser);
  ck_assert_msg(strstr(err.message, "not Avro") != NULL, "%s", err.message);
  strata_avro_deserializer *de = NULL;
  ck_assert_int_eq(strata_avro_deserializer_new(client, "{", &de, &err), STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(de);

  ser = new_serializer(client, "ser-errors-value", PERSON_V1, true);
  uint8_t *msg = NULL;
  size_t len = 0;
  /* a value of another schema */
  avro_schema_t other = avro_schema_string();
  avro_value_t s = new_value(other);
  ck_assert_int_eq(avro_value_set_string(&s, "x"), 0);
  ck_assert_int_eq(strata_avro_serialize(ser, &s, &msg, &len, &err), STRATA_E_SERDE);
  ck_assert_ptr_null(msg);
  ck_assert_msg(strstr(err.message, "not of the serializer's schema") != NULL, "%s", err.message);
  avro_value_decref(&s);
  avro_schema_decref(other);
  /* a union value without a branch: does not encode, and nothing is registered */
  static const char with_union[] = "{\"type\":\"record\",\"name\":\"W\",\"fields\":["
                                   "{\"name\":\"u\",\"type\":[\"null\",\"int\"]}]}";
  strata_avro_serializer *ser2 = new_serializer(client, "ser-union-value", with_union, true);
  avro_value_t w = new_value(strata_avro_serializer_schema(ser2));
  ck_assert_int_eq(strata_avro_serialize(ser2, &w, &msg, &len, &err), STRATA_E_SERDE);
  ck_assert_msg(strstr(err.message, "no selected branch") != NULL, "%s", err.message);
  strata_client_ints *versions = NULL;
  ck_assert_int_eq(strata_client_list_versions(client, "ser-union-value", false, &versions, &err),
                   STRATA_E_SUBJECT_NOT_FOUND);
  avro_value_decref(&w);
  strata_avro_serializer_free(&ser2);
  ck_assert_int_eq(strata_avro_serialize(ser, NULL, &msg, &len, &err), STRATA_E_INVALID_ARGUMENT);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

/* auto_register false: the schema must be registered; it is looked up (POST /subjects/{s}). */
START_TEST(serializer_lookup) {
  static const char schema[] = "{\"type\":\"record\",\"name\":\"L\",\"fields\":["
                               "{\"name\":\"x\",\"type\":\"int\"}]}";
  strata_client *client = new_client();
  strata_client_error err;
  strata_avro_serializer *ser = new_serializer(client, "lookup-l-value", schema, false);
  avro_value_t v = new_value(strata_avro_serializer_schema(ser));
  avro_value_t x = field(&v, "x");
  ck_assert_int_eq(avro_value_set_int(&x, 5), 0);
  uint8_t *msg = NULL;
  size_t len = 0;
  ck_assert_int_eq(strata_avro_serialize(ser, &v, &msg, &len, &err), STRATA_E_SUBJECT_NOT_FOUND);
  ck_assert_int_eq(err.error_code, 40401);
  ck_assert_ptr_null(msg);

  /* registered in another textual form: the lookup still finds it */
  static const char spaced[] = "{ \"type\": \"record\", \"name\": \"L\", \"fields\": [ "
                               "{ \"name\": \"x\", \"type\": \"int\" } ] }";
  strata_client_schema_input input = {.type = STRATA_SCHEMA_AVRO, .schema = spaced};
  int64_t id = 0;
  ck_assert_int_eq(strata_client_register_id(client, "lookup-l-value", &input, false, &id, &err),
                   STRATA_E_OK);
  ck_assert_int_eq(strata_avro_serialize(ser, &v, &msg, &len, &err), STRATA_E_OK);
  int64_t framed = 0;
  size_t offset = 0;
  ck_assert_int_eq(strata_wire_read_header(msg, len, &framed, &offset), STRATA_E_OK);
  ck_assert_int_eq(framed, id);
  const uint8_t payload[] = {0x0a};
  ck_assert_uint_eq(len, offset + 1);
  ck_assert_mem_eq(msg + offset, payload, 1);
  free(msg);
  avro_value_decref(&v);
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
}
END_TEST

/* A writer schema with a reference is fetched with ?format=resolved. */
START_TEST(references) {
  static const char address[] = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t.ref\","
                                "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
  static const char customer[] =
      "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"t.ref\","
      "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
      "{\"name\":\"home\",\"type\":\"t.ref.Address\"}]}";
  static const char inlined[] =
      "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"t.ref\","
      "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
      "{\"name\":\"home\",\"type\":{\"type\":\"record\",\"name\":\"Address\","
      "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}}]}";
  strata_client *client = new_client();
  strata_client_error err;
  strata_client_schema_input a = {.type = STRATA_SCHEMA_AVRO, .schema = address};
  int64_t aid = 0;
  ck_assert_int_eq(strata_client_register_id(client, "ref-address", &a, false, &aid, &err),
                   STRATA_E_OK);
  strata_client_reference ref = {.name = "t.ref.Address", .subject = "ref-address", .version = 1};
  strata_client_schema_input c = {
      .type = STRATA_SCHEMA_AVRO, .schema = customer, .references = &ref, .reference_count = 1};
  int64_t cid = 0;
  ck_assert_msg(strata_client_register_id(client, "ref-customer-value", &c, false, &cid, &err) ==
                    STRATA_E_OK,
                "%s", err.message);
  /* "Bo" living in "Ulm" */
  size_t len = 0;
  uint8_t *msg = frame(cid,
                       "\x04"
                       "Bo"
                       "\x06"
                       "Ulm",
                       7, &len);
  for (int with_reader = 0; with_reader < 2; with_reader++) {
    strata_avro_deserializer *de = new_deserializer(client, with_reader ? inlined : NULL);
    avro_value_t back;
    ck_assert_msg(strata_avro_deserialize(de, msg, len, &back, NULL, &err) == STRATA_E_OK, "%s",
                  err.message);
    assert_value_json(&back, "{\"name\":\"Bo\",\"home\":{\"city\":\"Ulm\"}}");
    avro_value_decref(&back);
    strata_avro_deserializer_free(&de);
  }
  free(msg);
  strata_client_free(&client);
}
END_TEST

/* ---- concurrency --------------------------------------------------------------------- */

#define THREADS    8
#define ITERATIONS 150

typedef struct shared_state {
  strata_avro_deserializer *plain;  /* writer schemas as they are */
  strata_avro_deserializer *reader; /* Person v2 as the reader */
  strata_avro_serializer *ser;      /* Person v1, first used by the threads */
  uint8_t *msgs[3];
  size_t lens[3];
  char *plain_json[3];
  char *reader_json[3]; /* NULL: not a Person */
  atomic_int mismatches;
  atomic_int errors;
  char first_error[600];
  pthread_mutex_t lock;
} shared_state;

static char *json_text(avro_value_t *value) {
  char *text = NULL;
  if (avro_value_to_json(value, 1, &text) != 0) {
    return NULL;
  }
  return text;
}

static void note_error(shared_state *st, const char *what, const strata_client_error *err) {
  atomic_fetch_add(&st->errors, 1);
  pthread_mutex_lock(&st->lock);
  if (st->first_error[0] == '\0') {
    snprintf(st->first_error, sizeof st->first_error, "%s: %s", what, err->message);
  }
  pthread_mutex_unlock(&st->lock);
}

static void *worker(void *arg) {
  shared_state *st = arg;
  strata_client_error err;
  for (int i = 0; i < ITERATIONS; i++) {
    size_t k = (size_t)i % 3;
    avro_value_t back;
    if (strata_avro_deserialize(st->plain, st->msgs[k], st->lens[k], &back, NULL, &err) ==
        STRATA_E_OK) {
      char *text = json_text(&back);
      if (text == NULL || strcmp(text, st->plain_json[k]) != 0) {
        atomic_fetch_add(&st->mismatches, 1);
      }
      free(text);
      avro_value_decref(&back);
    } else {
      note_error(st, "plain", &err);
    }
    if (st->reader_json[k] != NULL) {
      if (strata_avro_deserialize(st->reader, st->msgs[k], st->lens[k], &back, NULL, &err) ==
          STRATA_E_OK) {
        char *text = json_text(&back);
        if (text == NULL || strcmp(text, st->reader_json[k]) != 0) {
          atomic_fetch_add(&st->mismatches, 1);
        }
        free(text);
        avro_value_decref(&back);
      } else {
        note_error(st, "reader", &err);
      }
    }
    if (i % 10 == 0) {
      avro_value_t v;
      avro_value_iface_t *iface =
          avro_generic_class_from_schema(strata_avro_serializer_schema(st->ser));
      avro_generic_value_new(iface, &v);
      avro_value_iface_decref(iface);
      avro_value_t f;
      avro_value_get_by_name(&v, "id", &f, NULL);
      avro_value_set_int(&f, i);
      avro_value_get_by_name(&v, "name", &f, NULL);
      avro_value_set_string(&f, "t");
      avro_value_get_by_name(&v, "nick", &f, NULL);
      avro_value_set_string(&f, "n");
      uint8_t *msg = NULL;
      size_t len = 0;
      if (strata_avro_serialize(st->ser, &v, &msg, &len, &err) == STRATA_E_OK) {
        /* and read back through the shared reader */
        if (strata_avro_deserialize(st->reader, msg, len, &back, NULL, &err) == STRATA_E_OK) {
          avro_value_t id;
          int64_t got = -1;
          if (avro_value_get_by_name(&back, "id", &id, NULL) != 0 ||
              avro_value_get_long(&id, &got) != 0 || got != i) {
            atomic_fetch_add(&st->mismatches, 1);
          }
          avro_value_decref(&back);
        } else {
          note_error(st, "read back", &err);
        }
        free(msg);
      } else {
        note_error(st, "serialize", &err);
      }
      avro_value_decref(&v);
    }
  }
  return NULL;
}

START_TEST(concurrent) {
  static const char other_person[] =
      "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.evo\",\"fields\":["
      "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"fullName\",\"type\":\"string\"},"
      "{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"Level\","
      "\"symbols\":[\"LOW\",\"MID\",\"HIGH\",\"EXTREME\"]}},"
      "{\"name\":\"nick\",\"type\":\"string\"},{\"name\":\"ratio\",\"type\":\"float\"},"
      "{\"name\":\"extra\",\"type\":\"double\"}]}";
  strata_client *client = new_client();
  strata_client_error err;
  shared_state st = {0};
  pthread_mutex_init(&st.lock, NULL);
  /* three writer schemas: Person v1, another Person, and the Order of the round trip */
  strata_avro_serializer *p1 = NULL;
  strata_avro_serializer *p2 = NULL;
  strata_avro_serializer *order = NULL;
  p1 = new_serializer(client, "mt-person-value", PERSON_V1, true);
  p2 = new_serializer(client, "mt-other-value", other_person, true);
  order = new_serializer(client, "mt-order-value", ORDER, true);
  st.msgs[0] = person_v1(p1, 42, 3, &st.lens[0]);
  avro_value_t v = new_value(strata_avro_serializer_schema(p2));
  avro_value_t f = field(&v, "id");
  ck_assert_int_eq(avro_value_set_int(&f, 9), 0);
  set_string(&v, "fullName", "Grace");
  f = field(&v, "level");
  ck_assert_int_eq(avro_value_set_enum(&f, 2), 0);
  set_string(&v, "nick", "g");
  f = field(&v, "ratio");
  ck_assert_int_eq(avro_value_set_float(&f, 1.5f), 0);
  f = field(&v, "extra");
  ck_assert_int_eq(avro_value_set_double(&f, 1.5), 0);
  ck_assert_int_eq(strata_avro_serialize(p2, &v, &st.msgs[1], &st.lens[1], &err), STRATA_E_OK);
  avro_value_decref(&v);
  v = new_value(strata_avro_serializer_schema(order));
  fill_order(&v, 7, true);
  ck_assert_int_eq(strata_avro_serialize(order, &v, &st.msgs[2], &st.lens[2], &err), STRATA_E_OK);
  avro_value_decref(&v);

  /* the expected texts, decoded once on this thread with fresh deserializers */
  strata_avro_deserializer *plain = NULL;
  strata_avro_deserializer *reader = NULL;
  plain = new_deserializer(client, NULL);
  reader = new_deserializer(client, PERSON_V2);
  for (size_t k = 0; k < 3; k++) {
    avro_value_t back;
    ck_assert_int_eq(strata_avro_deserialize(plain, st.msgs[k], st.lens[k], &back, NULL, &err),
                     STRATA_E_OK);
    st.plain_json[k] = json_text(&back);
    avro_value_decref(&back);
    if (k < 2) {
      ck_assert_msg(strata_avro_deserialize(reader, st.msgs[k], st.lens[k], &back, NULL, &err) ==
                        STRATA_E_OK,
                    "%s", err.message);
      st.reader_json[k] = json_text(&back);
      avro_value_decref(&back);
    }
  }
  strata_avro_deserializer_free(&plain);
  strata_avro_deserializer_free(&reader);

  /* now fresh ones, shared by the threads: the first sight of every id races */
  st.plain = new_deserializer(client, NULL);
  st.reader = new_deserializer(client, PERSON_V2);
  st.ser = new_serializer(client, "mt-fresh-value", PERSON_V1, true);
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    ck_assert_int_eq(pthread_create(&threads[t], NULL, worker, &st), 0);
  }
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
  }
  ck_assert_msg(atomic_load(&st.errors) == 0, "%d errors, first: %s", atomic_load(&st.errors),
                st.first_error);
  ck_assert_int_eq(atomic_load(&st.mismatches), 0);

  for (size_t k = 0; k < 3; k++) {
    free(st.msgs[k]);
    free(st.plain_json[k]);
    free(st.reader_json[k]);
  }
  strata_avro_deserializer_free(&st.plain);
  strata_avro_deserializer_free(&st.reader);
  strata_avro_serializer_free(&st.ser);
  strata_avro_serializer_free(&p1);
  strata_avro_serializer_free(&p2);
  strata_avro_serializer_free(&order);
  pthread_mutex_destroy(&st.lock);
  strata_client_free(&client);
}
END_TEST

static Suite *serde_suite(void) {
  Suite *s = suite_create("avro_serde");
  TCase *tc = tcase_create("registry");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, round_trip);
  tcase_add_test(tc, round_trip_non_records);
  tcase_add_test(tc, evolution_defaults);
  tcase_add_test(tc, evolution_enum_without_default);
  tcase_add_test(tc, evolution_union_branches);
  tcase_add_test(tc, reader_incompatible);
  tcase_add_test(tc, not_framed);
  tcase_add_test(tc, unknown_id);
  tcase_add_test(tc, bad_payloads);
  tcase_add_test(tc, serializer_errors);
  tcase_add_test(tc, serializer_lookup);
  tcase_add_test(tc, references);
  tcase_add_test(tc, concurrent);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PATH-TO-strata-registry\n", argv[0]);
    return 2;
  }
  if (!registry_fixture_start(&registry, argv[1], 0)) {
    registry_fixture_stop(&registry);
    return 1;
  }
  SRunner *sr = srunner_create(serde_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  int status = registry_fixture_stop(&registry);
  if (status != 0) {
    fprintf(stderr, "strata-registry exited with status %d\n", status);
  }
  return failed == 0 && status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
