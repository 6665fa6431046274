/* check_wire.c - the Confluent wire format: the 5-byte header and the Protobuf message-index
 * path (zig-zag varints, [0] as the single byte 0), with the specification's examples and the
 * malformed inputs a strict decoder refuses. */
#include <strata/client.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- header --------------------------------------------------------------------------- */

START_TEST(header_bytes) {
  uint8_t buf[STRATA_WIRE_HEADER_SIZE];
  ck_assert_int_eq(strata_wire_write_header(1, buf), STRATA_E_OK);
  const uint8_t one[] = {0, 0, 0, 0, 1};
  ck_assert_mem_eq(buf, one, sizeof one);
  ck_assert_int_eq(strata_wire_write_header(0x01020304, buf), STRATA_E_OK);
  const uint8_t big_endian[] = {0, 1, 2, 3, 4};
  ck_assert_mem_eq(buf, big_endian, sizeof big_endian);
  ck_assert_int_eq(strata_wire_write_header(INT32_MAX, buf), STRATA_E_OK);
  const uint8_t max[] = {0, 0x7f, 0xff, 0xff, 0xff};
  ck_assert_mem_eq(buf, max, sizeof max);
  ck_assert_int_eq(strata_wire_write_header(0, buf), STRATA_E_OK);
  const uint8_t zero[] = {0, 0, 0, 0, 0};
  ck_assert_mem_eq(buf, zero, sizeof zero);
}
END_TEST

START_TEST(header_write_refuses) {
  uint8_t buf[STRATA_WIRE_HEADER_SIZE] = {9, 9, 9, 9, 9};
  ck_assert_int_eq(strata_wire_write_header(-1, buf), STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_header((int64_t)INT32_MAX + 1, buf),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_header(1, NULL), STRATA_E_INVALID_ARGUMENT);
  const uint8_t untouched[] = {9, 9, 9, 9, 9};
  ck_assert_mem_eq(buf, untouched, sizeof untouched);
}
END_TEST

START_TEST(header_read) {
  const uint8_t msg[] = {0, 0, 0, 0x01, 0x2c, 0xaa, 0xbb};
  int64_t id = -7;
  size_t offset = 0;
  ck_assert_int_eq(strata_wire_read_header(msg, sizeof msg, &id, &offset), STRATA_E_OK);
  ck_assert_int_eq(id, 300);
  ck_assert_uint_eq(offset, 5);
  /* exactly the header: an empty payload is still framed */
  ck_assert_int_eq(strata_wire_read_header(msg, 5, &id, &offset), STRATA_E_OK);
  ck_assert_int_eq(id, 300);

  /* a round trip over ids of every byte width */
  const int64_t ids[] = {0, 1, 255, 256, 65535, 65536, 16777216, INT32_MAX};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    uint8_t buf[STRATA_WIRE_HEADER_SIZE];
    ck_assert_int_eq(strata_wire_write_header(ids[i], buf), STRATA_E_OK);
    ck_assert_int_eq(strata_wire_read_header(buf, sizeof buf, &id, &offset), STRATA_E_OK);
    ck_assert_int_eq(id, ids[i]);
  }
}
END_TEST

START_TEST(header_read_refuses) {
  int64_t id = 0;
  size_t offset = 0;
  const uint8_t short_msg[] = {0, 0, 0, 1};
  ck_assert_int_eq(strata_wire_read_header(short_msg, sizeof short_msg, &id, &offset),
                   STRATA_E_WIRE_FORMAT);
  ck_assert_int_eq(strata_wire_read_header(short_msg, 0, &id, &offset), STRATA_E_WIRE_FORMAT);
  ck_assert_int_eq(strata_wire_read_header(NULL, 0, &id, &offset), STRATA_E_WIRE_FORMAT);
  const uint8_t magic1[] = {1, 0, 0, 0, 1, 2};
  ck_assert_int_eq(strata_wire_read_header(magic1, sizeof magic1, &id, &offset),
                   STRATA_E_WIRE_FORMAT);
  const uint8_t json_text[] = "{\"a\":1}";
  ck_assert_int_eq(strata_wire_read_header(json_text, sizeof json_text - 1, &id, &offset),
                   STRATA_E_WIRE_FORMAT);
  const uint8_t negative[] = {0, 0x80, 0, 0, 1};
  ck_assert_int_eq(strata_wire_read_header(negative, sizeof negative, &id, &offset),
                   STRATA_E_WIRE_FORMAT);
  const uint8_t ok[] = {0, 0, 0, 0, 1};
  ck_assert_int_eq(strata_wire_read_header(ok, sizeof ok, NULL, &offset),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_read_header(ok, sizeof ok, &id, NULL), STRATA_E_INVALID_ARGUMENT);
}
END_TEST

/* ---- message indexes: encoding ------------------------------------------------------ */

typedef struct index_case {
  int32_t path[4];
  size_t count;
  uint8_t bytes[16];
  size_t nbytes;
} index_case;

/* The specification's examples, then values whose zig-zag form crosses byte boundaries. */
static const index_case index_cases[] = {
    {{0}, 1, {0x00}, 1},                                       /* [0] -> the single byte 0 */
    {{1}, 1, {0x02, 0x02}, 2},                                 /* [1] -> 02 02 */
    {{0, 2}, 2, {0x04, 0x00, 0x04}, 3},                        /* [0,2] -> 04 00 04 */
    {{0, 0}, 2, {0x04, 0x00, 0x00}, 3},                        /* only [0] itself is shortened */
    {{63}, 1, {0x02, 0x7e}, 2},                                /* zig-zag 126: one byte */
    {{64}, 1, {0x02, 0x80, 0x01}, 3},                          /* zig-zag 128: two bytes */
    {{300}, 1, {0x02, 0xd8, 0x04}, 3},                         /* zig-zag 600 */
    {{3, 1, 4}, 3, {0x06, 0x06, 0x02, 0x08}, 4},               /* a nested path */
    {{INT32_MAX}, 1, {0x02, 0xfe, 0xff, 0xff, 0xff, 0x0f}, 6}, /* the largest index */
};

START_TEST(indexes_encode) {
  const index_case *c = &index_cases[_i];
  uint8_t buf[32];
  memset(buf, 0xee, sizeof buf);
  size_t written = 0;
  ck_assert_int_eq(strata_wire_write_message_indexes(c->path, c->count, buf, sizeof buf, &written),
                   STRATA_E_OK);
  ck_assert_uint_eq(written, c->nbytes);
  ck_assert_mem_eq(buf, c->bytes, c->nbytes);
  ck_assert_uint_eq(buf[written], 0xee); /* nothing written past the end */

  /* exactly enough room works, one byte less does not */
  ck_assert_int_eq(strata_wire_write_message_indexes(c->path, c->count, buf, c->nbytes, &written),
                   STRATA_E_OK);
  ck_assert_int_eq(
      strata_wire_write_message_indexes(c->path, c->count, buf, c->nbytes - 1, &written),
      STRATA_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(indexes_decode) {
  const index_case *c = &index_cases[_i];
  /* followed by payload bytes the decoder must not consume */
  uint8_t msg[32];
  memcpy(msg, c->bytes, c->nbytes);
  msg[c->nbytes] = 0x0a;
  msg[c->nbytes + 1] = 0x0b;
  int32_t *path = NULL;
  size_t count = 0;
  size_t consumed = 0;
  ck_assert_int_eq(strata_wire_read_message_indexes(msg, c->nbytes + 2, &path, &count, &consumed),
                   STRATA_E_OK);
  ck_assert_uint_eq(consumed, c->nbytes);
  ck_assert_uint_eq(count, c->count);
  for (size_t i = 0; i < count; i++) {
    ck_assert_int_eq(path[i], c->path[i]);
  }
  free(path);
}
END_TEST

START_TEST(indexes_encode_refuses) {
  uint8_t buf[64];
  size_t written = 0;
  const int32_t negative[] = {1, -1};
  ck_assert_int_eq(strata_wire_write_message_indexes(negative, 2, buf, sizeof buf, &written),
                   STRATA_E_INVALID_ARGUMENT);
  const int32_t one[] = {1};
  ck_assert_int_eq(strata_wire_write_message_indexes(one, 1, NULL, 10, &written),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_message_indexes(one, 1, buf, sizeof buf, NULL),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_message_indexes(NULL, 1, buf, sizeof buf, &written),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_message_indexes(one, 1, buf, 0, &written),
                   STRATA_E_INVALID_ARGUMENT);
  int32_t deep[101] = {0};
  uint8_t big[1024];
  ck_assert_int_eq(strata_wire_write_message_indexes(deep, 101, big, sizeof big, &written),
                   STRATA_E_INVALID_ARGUMENT);
  ck_assert_int_eq(strata_wire_write_message_indexes(deep, 100, big, sizeof big, &written),
                   STRATA_E_OK);
  ck_assert_uint_eq(written, 102); /* count 100 is zig-zag 200: two bytes, then 100 zeros */

  /* an empty path is written as [0] */
  ck_assert_int_eq(strata_wire_write_message_indexes(NULL, 0, buf, sizeof buf, &written),
                   STRATA_E_OK);
  ck_assert_uint_eq(written, 1);
  ck_assert_uint_eq(buf[0], 0);
}
END_TEST

/* ---- message indexes: malformed input ---------------------------------------------- */

typedef struct bad_case {
  const char *what;
  uint8_t bytes[16];
  size_t nbytes;
} bad_case;

static const bad_case bad_cases[] = {
    {"empty input", {0}, 0},
    {"count 1 without its index", {0x02}, 1},
    {"count 2 with one index", {0x04, 0x00}, 2},
    {"a varint cut after its continuation bit", {0x80}, 1},
    {"an index cut after its continuation bit", {0x02, 0xff}, 2},
    {"a six-byte varint", {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 6},
    {"a fifth byte with bits beyond 32", {0xfe, 0xff, 0xff, 0xff, 0x1f}, 5},
    {"a negative count (zig-zag 1 = -1)", {0x01}, 1},
    {"a negative index", {0x02, 0x01}, 2},
    {"count 101 (over the limit of 100)", {0xca, 0x01}, 2},
    {"count INT32_MAX", {0xfe, 0xff, 0xff, 0xff, 0x0f}, 5},
};

START_TEST(indexes_decode_refuses) {
  const bad_case *c = &bad_cases[_i];
  int32_t *path = (int32_t *)&path; /* must come back NULL */
  size_t count = 99;
  size_t consumed = 99;
  strata_error rc = strata_wire_read_message_indexes(c->nbytes ? c->bytes : NULL, c->nbytes, &path,
                                                     &count, &consumed);
  ck_assert_msg(rc == STRATA_E_WIRE_FORMAT, "%s: got %s", c->what, strata_error_name(rc));
  ck_assert_ptr_null(path);
  ck_assert_uint_eq(count, 0);
  ck_assert_uint_eq(consumed, 0);
}
END_TEST

START_TEST(indexes_limits) {
  /* count 100, every index 0: accepted */
  uint8_t msg[128];
  msg[0] = 0xc8; /* zig-zag 200 */
  msg[1] = 0x01;
  memset(msg + 2, 0, 100);
  int32_t *path = NULL;
  size_t count = 0;
  size_t consumed = 0;
  ck_assert_int_eq(strata_wire_read_message_indexes(msg, 102, &path, &count, &consumed),
                   STRATA_E_OK);
  ck_assert_uint_eq(count, 100);
  ck_assert_uint_eq(consumed, 102);
  free(path);
  /* a non-minimal varint within five bytes is what Kafka's reader accepts too */
  const uint8_t padded[] = {0x82, 0x00, 0x02};
  ck_assert_int_eq(
      strata_wire_read_message_indexes(padded, sizeof padded, &path, &count, &consumed),
      STRATA_E_OK);
  ck_assert_uint_eq(count, 1);
  ck_assert_int_eq(path[0], 1);
  ck_assert_uint_eq(consumed, 3);
  free(path);
  /* NULL outputs */
  ck_assert_int_eq(strata_wire_read_message_indexes(msg, 1, NULL, &count, &consumed),
                   STRATA_E_INVALID_ARGUMENT);
}
END_TEST

START_TEST(indexes_round_trip) {
  /* deterministic pseudo-random paths of every depth up to 100 */
  uint32_t state = 12345;
  for (size_t depth = 1; depth <= 100; depth++) {
    int32_t path[100];
    for (size_t i = 0; i < depth; i++) {
      state = state * 1103515245u + 12345u;
      uint32_t shift = state % 31;
      state = state * 1103515245u + 12345u;
      path[i] = (int32_t)((state >> 1) >> shift);
    }
    uint8_t buf[5 * 101];
    size_t written = 0;
    ck_assert_int_eq(strata_wire_write_message_indexes(path, depth, buf, sizeof buf, &written),
                     STRATA_E_OK);
    ck_assert_uint_le(written, 5 * (depth + 1));
    int32_t *back = NULL;
    size_t count = 0;
    size_t consumed = 0;
    ck_assert_int_eq(strata_wire_read_message_indexes(buf, written, &back, &count, &consumed),
                     STRATA_E_OK);
    ck_assert_uint_eq(consumed, written);
    if (depth == 1 && path[0] == 0) {
      ck_assert_uint_eq(count, 1);
    } else {
      ck_assert_uint_eq(count, depth);
    }
    ck_assert_mem_eq(back, path, count * sizeof *path);
    free(back);
  }
}
END_TEST

static Suite *wire_suite(void) {
  Suite *s = suite_create("wire");
  TCase *header = tcase_create("header");
  tcase_add_test(header, header_bytes);
  tcase_add_test(header, header_write_refuses);
  tcase_add_test(header, header_read);
  tcase_add_test(header, header_read_refuses);
  suite_add_tcase(s, header);
  TCase *indexes = tcase_create("message-indexes");
  size_t nindex = sizeof index_cases / sizeof index_cases[0];
  tcase_add_loop_test(indexes, indexes_encode, 0, (int)nindex);
  tcase_add_loop_test(indexes, indexes_decode, 0, (int)nindex);
  tcase_add_test(indexes, indexes_encode_refuses);
  tcase_add_loop_test(indexes, indexes_decode_refuses, 0,
                      (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(indexes, indexes_limits);
  tcase_add_test(indexes, indexes_round_trip);
  suite_add_tcase(s, indexes);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(wire_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
