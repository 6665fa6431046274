/* check_identity.c - unit tests of registry/core/identity.h: MD5 against the
 * RFC 1321 test suite and block-boundary lengths, the identity digest's byte
 * layout, and the hex and UUID renderings. Expected digests other than the
 * RFC's were computed with Python's hashlib. */
#include "core/identity.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void assert_md5(const void *data, size_t len, const char *expected) {
  unsigned char digest[16];
  char hex[33];
  idn_md5(data, len, digest);
  idn_hex(digest, hex);
  ck_assert_msg(strcmp(hex, expected) == 0, "length %zu: got %s, expected %s", len, hex, expected);
}

static void assert_md5_text(const char *text, const char *expected) {
  assert_md5(text, strlen(text), expected);
}

START_TEST(test_md5_rfc1321_suite) {
  assert_md5_text("", "d41d8cd98f00b204e9800998ecf8427e");
  assert_md5_text("a", "0cc175b9c0f1b6a831c399e269772661");
  assert_md5_text("abc", "900150983cd24fb0d6963f7d28e17f72");
  assert_md5_text("message digest", "f96b697d7cb7938d525a2f31aaf161d0");
  assert_md5_text("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b");
  assert_md5_text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                  "d174ab98d277d9f5a5611c2c9f419d9f");
  assert_md5_text("1234567890123456789012345678901234567890123456789012345678901234567890"
                  "1234567890",
                  "57edf4a22be3c955ac49da2e2107b67a");
}
END_TEST

START_TEST(test_md5_null_empty) {
  unsigned char a[16];
  unsigned char b[16];
  idn_md5(NULL, 0, a);
  idn_md5("", 0, b);
  ck_assert_mem_eq(a, b, 16);
}
END_TEST

/* Lengths around the 56-byte padding limit and the 64-byte block size. */
START_TEST(test_md5_block_boundaries) {
  static const struct {
    size_t len;
    const char *hex;
  } cases[] = {
      {55, "52c0e574e1198de5fe3f8f11440dcb1b"},  {56, "46c9907fc908ee68b1e7b8e71286a518"},
      {57, "1c805dd236c35cab25fcb1bc73802c51"},  {63, "a62f6d59e837867693f042f5b8f5a236"},
      {64, "7160b8fb5e9e4023d549c3971fbaeead"},  {65, "70bd662e7aefbda85a0f7244167b7897"},
      {119, "e84905d4214f4d1ca56c2cdcc152b143"}, {120, "e3eb5a6c8669ea01a8c185b8abc8a5dc"},
      {128, "10b2da1a82f16d99a81a7203fe9f02cb"}, {1000, "10046f077f2082ac19676b8079f1cb1a"},
  };
  unsigned char data[1000];
  for (size_t i = 0; i < sizeof data; i++) {
    data[i] = (unsigned char)((i * 7 + 3) & 0xff);
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_md5(data, cases[i].len, cases[i].hex);
  }
}
END_TEST

START_TEST(test_md5_million_a) {
  size_t len = 1000000;
  char *data = malloc(len);
  ck_assert_ptr_nonnull(data);
  memset(data, 'a', len);
  assert_md5(data, len, "7707d6ae4e027c70eea2a935c2296f21");
  free(data);
}
END_TEST

/* Appends n bytes at *pos of buf. */
static void put(unsigned char *buf, size_t *pos, const void *data, size_t n) {
  memcpy(buf + *pos, data, n);
  *pos += n;
}

START_TEST(test_digest_layout) {
  const char *canonical = "{\"type\":\"string\"}";
  const char *metadata = "{\"properties\":{\"owner\":\"team\"}}";
  const char *rule_set = "{\"enableAt\":\"ALL\"}";
  idn_ref refs[] = {{"other.avsc", "other-value", 3}, {"b", "b-value", 258}};
  unsigned char digest[16];
  unsigned char expected[16];
  char hex[33];

  /* one reference, metadata and rule set: the value hashlib gives */
  idn_digest(canonical, strlen(canonical), refs, 1, metadata, rule_set, digest);
  idn_hex(digest, hex);
  ck_assert_str_eq(hex, "328fcc5df66e6b14ad0e36609bdd2a3d");

  /* the same bytes assembled by hand */
  unsigned char buf[256];
  size_t pos = 0;
  static const unsigned char one = 0x01;
  put(buf, &pos, canonical, strlen(canonical));
  put(buf, &pos, "other.avsc", 10);
  put(buf, &pos, "other-value", 11);
  put(buf, &pos, "\x00\x00\x00\x03", 4);
  put(buf, &pos, "b", 1);
  put(buf, &pos, "b-value", 7);
  put(buf, &pos, "\x00\x00\x01\x02", 4);
  size_t refs_end = pos;
  put(buf, &pos, &one, 1);
  put(buf, &pos, metadata, strlen(metadata));
  size_t metadata_end = pos;
  put(buf, &pos, &one, 1);
  put(buf, &pos, rule_set, strlen(rule_set));

  idn_digest(canonical, strlen(canonical), refs, 2, metadata, rule_set, digest);
  idn_md5(buf, pos, expected);
  ck_assert_mem_eq(digest, expected, 16);

  /* no rule set: the 0x01 and the text are left out */
  idn_digest(canonical, strlen(canonical), refs, 2, metadata, NULL, digest);
  idn_md5(buf, metadata_end, expected);
  ck_assert_mem_eq(digest, expected, 16);

  /* no metadata and no rule set */
  idn_digest(canonical, strlen(canonical), refs, 2, NULL, NULL, digest);
  idn_md5(buf, refs_end, expected);
  ck_assert_mem_eq(digest, expected, 16);

  /* rule set without metadata: one 0x01 then the rule set */
  unsigned char buf2[256];
  size_t pos2 = 0;
  put(buf2, &pos2, buf, refs_end);
  put(buf2, &pos2, &one, 1);
  put(buf2, &pos2, rule_set, strlen(rule_set));
  idn_digest(canonical, strlen(canonical), refs, 2, NULL, rule_set, digest);
  idn_md5(buf2, pos2, expected);
  ck_assert_mem_eq(digest, expected, 16);

  /* no references: the canonical text alone is its MD5 */
  idn_digest(canonical, strlen(canonical), NULL, 0, NULL, NULL, digest);
  idn_md5(canonical, strlen(canonical), expected);
  ck_assert_mem_eq(digest, expected, 16);
}
END_TEST

START_TEST(test_digest_uses_length_and_big_endian) {
  unsigned char a[16];
  unsigned char b[16];
  char hex[33];
  /* only canonical_len bytes count */
  idn_digest("abcdef", 3, NULL, 0, NULL, NULL, a);
  idn_md5("abc", 3, b);
  ck_assert_mem_eq(a, b, 16);
  /* a negative version is written as its 32-bit two's complement, big-endian */
  idn_ref ref = {"n", "s", -1};
  idn_digest("x", 1, &ref, 1, NULL, NULL, a);
  idn_hex(a, hex);
  ck_assert_str_eq(hex, "02fab53576384926985e8a8f4369cbf0");
}
END_TEST

START_TEST(test_digest_distinguishes_inputs) {
  const char *text = "\"string\"";
  unsigned char base[16];
  unsigned char other[16];
  idn_ref v1 = {"r", "s", 1};
  idn_ref v2 = {"r", "s", 2};
  idn_digest(text, strlen(text), &v1, 1, NULL, NULL, base);
  idn_digest(text, strlen(text), &v2, 1, NULL, NULL, other);
  ck_assert_int_ne(memcmp(base, other, 16), 0);
  idn_digest(text, strlen(text), &v1, 1, "{}", NULL, other);
  ck_assert_int_ne(memcmp(base, other, 16), 0);
  /* an empty metadata text still adds the 0x01 marker */
  idn_digest(text, strlen(text), &v1, 1, "", NULL, other);
  ck_assert_int_ne(memcmp(base, other, 16), 0);
  /* metadata and rule set with the same text hash alike only in the same slot */
  unsigned char m[16];
  unsigned char r[16];
  idn_digest(text, strlen(text), NULL, 0, "{\"a\":1}", NULL, m);
  idn_digest(text, strlen(text), NULL, 0, NULL, "{\"a\":1}", r);
  ck_assert_mem_eq(m, r, 16); /* the layout cannot tell them apart: both are 0x01 + text */
  idn_digest(text, strlen(text), NULL, 0, "{\"a\":1}", "{\"a\":1}", other);
  ck_assert_int_ne(memcmp(m, other, 16), 0);
  /* same inputs, same digest */
  idn_digest(text, strlen(text), &v1, 1, NULL, NULL, other);
  ck_assert_mem_eq(base, other, 16);
}
END_TEST

START_TEST(test_hex_and_guid) {
  unsigned char digest[16];
  for (int i = 0; i < 16; i++) {
    digest[i] = (unsigned char)(i * 17); /* 00 11 22 ... ff */
  }
  char hex[33];
  char guid[37];
  memset(hex, 'X', sizeof hex);
  memset(guid, 'X', sizeof guid);
  idn_hex(digest, hex);
  idn_guid(digest, guid);
  ck_assert_str_eq(hex, "00112233445566778899aabbccddeeff");
  ck_assert_str_eq(guid, "00112233-4455-6677-8899-aabbccddeeff");
  ck_assert_uint_eq(strlen(guid), 36);

  idn_md5("abc", 3, digest);
  idn_guid(digest, guid);
  ck_assert_str_eq(guid, "90015098-3cd2-4fb0-d696-3f7d28e17f72");
}
END_TEST

static Suite *identity_suite(void) {
  Suite *s = suite_create("identity");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_md5_rfc1321_suite);
  tcase_add_test(tc, test_md5_null_empty);
  tcase_add_test(tc, test_md5_block_boundaries);
  tcase_add_test(tc, test_md5_million_a);
  tcase_add_test(tc, test_digest_layout);
  tcase_add_test(tc, test_digest_uses_length_and_big_endian);
  tcase_add_test(tc, test_digest_distinguishes_inputs);
  tcase_add_test(tc, test_hex_and_guid);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(identity_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
