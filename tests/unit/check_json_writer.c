/* check_json_writer.c - unit tests of compat/json_writer.h: Jackson-style
 * string escaping and Java Double.toString() formatting. */
#include "json_writer.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The JSON string literal sjw_string_n() writes for n bytes at s (new string). */
static char *quoted_n(const char *s, size_t n) {
  sjw_buf buf = SJW_BUF_INIT;
  sjw_string_n(&buf, s, n);
  char *text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  return text;
}

static void assert_quoted(const char *in, const char *expected) {
  char *text = quoted_n(in, strlen(in));
  ck_assert_str_eq(text, expected);
  free(text);
  /* sjw_string() agrees with sjw_string_n() */
  sjw_buf buf = SJW_BUF_INIT;
  sjw_string(&buf, in);
  text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  ck_assert_str_eq(text, expected);
  free(text);
}

static void assert_double(double d, const char *expected) {
  sjw_buf buf = SJW_BUF_INIT;
  sjw_java_double(&buf, d);
  char *text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  ck_assert_msg(strcmp(text, expected) == 0, "%.17g: got \"%s\", expected \"%s\"", d, text,
                expected);
  free(text);
}

START_TEST(test_plain_string) {
  assert_quoted("", "\"\"");
  assert_quoted("abc", "\"abc\"");
  assert_quoted("a b", "\"a b\"");
}
END_TEST

START_TEST(test_short_escapes) {
  assert_quoted("\"", "\"\\\"\"");
  assert_quoted("\\", "\"\\\\\"");
  assert_quoted("a\nb", "\"a\\nb\"");
  assert_quoted("\t", "\"\\t\"");
  assert_quoted("\r", "\"\\r\"");
  assert_quoted("\b", "\"\\b\"");
  assert_quoted("\f", "\"\\f\"");
  assert_quoted("x\"y\\z\n", "\"x\\\"y\\\\z\\n\"");
}
END_TEST

START_TEST(test_control_escapes) {
  assert_quoted("\x01", "\"\\u0001\"");
  assert_quoted("\x1f", "\"\\u001f\"");
  assert_quoted("a\x0b"
                "b",
                "\"a\\u000bb\"");
  assert_quoted("\x1a\x1b", "\"\\u001a\\u001b\"");
  /* DEL is not a control character for JSON */
  assert_quoted("\x7f", "\"\x7f\"");
}
END_TEST

START_TEST(test_non_ascii_raw) {
  assert_quoted("caf\xc3\xa9", "\"caf\xc3\xa9\"");           /* é */
  assert_quoted("\xe2\x82\xac", "\"\xe2\x82\xac\"");         /* € */
  assert_quoted("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
  assert_quoted("\xc2\x85", "\"\xc2\x85\"");                 /* U+0085 stays raw */
}
END_TEST

START_TEST(test_slash_not_escaped) {
  assert_quoted("a/b", "\"a/b\"");
  assert_quoted("</script>", "\"</script>\"");
}
END_TEST

START_TEST(test_embedded_nul) {
  char *text = quoted_n("a\0b", 3);
  ck_assert_str_eq(text, "\"a\\u0000b\"");
  free(text);
  text = quoted_n("\0", 1);
  ck_assert_str_eq(text, "\"\\u0000\"");
  free(text);
  /* n bounds the input: the bytes after n are not read */
  text = quoted_n("abcdef", 3);
  ck_assert_str_eq(text, "\"abc\"");
  free(text);
}
END_TEST

START_TEST(test_java_double_examples) {
  assert_double(1.0, "1.0");
  assert_double(100.0, "100.0");
  assert_double(1e7, "1.0E7");
  assert_double(12345678.9, "1.23456789E7");
  assert_double(0.001, "0.001");
  assert_double(0.0001, "1.0E-4");
  assert_double(1.5e-5, "1.5E-5");
  assert_double(-2.5, "-2.5");
  assert_double(0.1, "0.1");
  assert_double(1e21, "1.0E21");
  assert_double(123456.789, "123456.789");
}
END_TEST

START_TEST(test_java_double_more) {
  assert_double(0.0, "0.0");
  assert_double(-0.0, "-0.0");
  assert_double(9999999.0, "9999999.0");
  assert_double(1000.0, "1000.0");
  assert_double(0.5, "0.5");
  assert_double(3.14, "3.14");
  assert_double(-1e-7, "-1.0E-7");
  assert_double(1.7976931348623157e308, "1.7976931348623157E308");
  assert_double(4.9e-324, "4.9E-324");
  assert_double(NAN, "NaN");
  assert_double(INFINITY, "Infinity");
  assert_double(-INFINITY, "-Infinity");
}
END_TEST

START_TEST(test_value_compact) {
  json_error_t err;
  json_t *v =
      json_loads("{ \"b\" : [1, 2.0, true, null], \"a\": {\"x\": \"y/z\"}, \"c\": 1e3 }", 0, &err);
  ck_assert_ptr_nonnull(v);
  sjw_buf buf = SJW_BUF_INIT;
  sjw_value(&buf, v);
  char *text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  /* insertion order kept, no whitespace, Java doubles */
  ck_assert_str_eq(text, "{\"b\":[1,2.0,true,null],\"a\":{\"x\":\"y/z\"},\"c\":1000.0}");
  free(text);
  json_decref(v);
}
END_TEST

START_TEST(test_buffer) {
  sjw_buf buf = SJW_BUF_INIT;
  char *text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  ck_assert_str_eq(text, "");
  free(text);
  for (int i = 0; i < 1000; i++) {
    sjw_printf(&buf, "%d,", i % 10);
  }
  sjw_putc(&buf, 'x');
  ck_assert_uint_eq(buf.len, 2001);
  ck_assert_int_eq(buf.data[2000], 'x');
  ck_assert_int_eq(buf.data[2001], '\0');
  text = sjw_take(&buf);
  ck_assert_ptr_nonnull(text);
  ck_assert_uint_eq(strlen(text), 2001);
  ck_assert_ptr_null(buf.data);
  ck_assert_uint_eq(buf.len, 0);
  free(text);
}
END_TEST

static Suite *json_writer_suite(void) {
  Suite *s = suite_create("json_writer");
  TCase *strings = tcase_create("strings");
  tcase_add_test(strings, test_plain_string);
  tcase_add_test(strings, test_short_escapes);
  tcase_add_test(strings, test_control_escapes);
  tcase_add_test(strings, test_non_ascii_raw);
  tcase_add_test(strings, test_slash_not_escaped);
  tcase_add_test(strings, test_embedded_nul);
  suite_add_tcase(s, strings);
  TCase *doubles = tcase_create("doubles");
  tcase_add_test(doubles, test_java_double_examples);
  tcase_add_test(doubles, test_java_double_more);
  suite_add_tcase(s, doubles);
  TCase *values = tcase_create("values");
  tcase_add_test(values, test_value_compact);
  tcase_add_test(values, test_buffer);
  suite_add_tcase(s, values);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(json_writer_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
