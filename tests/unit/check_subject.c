/* check_subject.c - unit tests of registry/core/subject.h: qualified subject
 * names, contexts, the 42208 rules and message, and qualification. */
#include "core/subject.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Parses text and checks the context and name it gives. */
static void assert_parses(const char *text, const char *context, const char *name) {
  sn_subject subject;
  char msg[256] = "";
  strata_error err = sn_parse(text, &subject, msg, sizeof msg);
  ck_assert_msg(err == STRATA_E_OK, "\"%s\": error %d (%s)", text, (int)err, msg);
  ck_assert_str_eq(subject.context, context);
  ck_assert_str_eq(subject.name, name);
  sn_free(&subject);
  ck_assert_ptr_null(subject.context);
  ck_assert_ptr_null(subject.name);
}

/* Parses text, expects 42208 and Confluent's message about text. */
static void assert_invalid(const char *text) {
  sn_subject subject;
  subject.context = (char *)"stale";
  subject.name = (char *)"stale";
  char msg[512] = "";
  strata_error err = sn_parse(text, &subject, msg, sizeof msg);
  ck_assert_msg(err == STRATA_E_INVALID_SUBJECT, "\"%s\": expected INVALID_SUBJECT, got %d",
                text != NULL ? text : "(null)", (int)err);
  ck_assert_int_eq(strata_error_code(err), 42208);
  ck_assert_ptr_null(subject.context);
  ck_assert_ptr_null(subject.name);
  ck_assert_msg(strncmp(msg, "The specified subject '", 23) == 0, "message: %s", msg);
  size_t len = strlen(msg);
  ck_assert_uint_gt(len, 17);
  ck_assert_str_eq(msg + len - 17, "' is not a valid.");
  /* the message is valid UTF-8 whatever the input */
  json_t *as_json = json_string(msg);
  ck_assert_ptr_nonnull(as_json);
  json_decref(as_json);
}

START_TEST(test_unqualified) {
  assert_parses("orders", ".", "orders");
  assert_parses("orders-value", ".", "orders-value");
  assert_parses("a:b", ".", "a:b");
  assert_parses("with space", ".", "with space");
  assert_parses("", ".", ""); /* the default context itself */
  assert_parses("__global", ".", "__global");
  assert_parses("__GLOBALX", ".", "__GLOBALX");
  assert_parses("x__EMPTY", ".", "x__EMPTY");
}
END_TEST

START_TEST(test_qualified) {
  assert_parses(":.team-a:orders", ".team-a", "orders");
  assert_parses(":.:orders", ".", "orders");
  assert_parses(":.:", ".", "");
  assert_parses(":.team-a:", ".team-a", "");
  assert_parses(":.a.b.c:x", ".a.b.c", "x");
  assert_parses(":..:x", "..", "x");
  assert_parses(":.ctx:a:b", ".ctx", "a:b");
  assert_parses(":.ctx::b", ".ctx", ":b");
  /* config and mode accept the global context; registration refuses it elsewhere */
  assert_parses(":.__GLOBAL:", ".__GLOBAL", "");
  assert_parses(":.__GLOBAL:x", ".__GLOBAL", "x");
  assert_parses(":.caf\xc3\xa9:x", ".caf\xc3\xa9", "x");
}
END_TEST

START_TEST(test_non_ascii) {
  assert_parses("caf\xc3\xa9", ".", "caf\xc3\xa9");           /* é */
  assert_parses("\xe2\x82\xac", ".", "\xe2\x82\xac");         /* € */
  assert_parses("\xf0\x9f\x98\x80", ".", "\xf0\x9f\x98\x80"); /* U+1F600 */
  assert_parses("a\xc2\xa0z", ".", "a\xc2\xa0z");             /* U+00A0 follows the C1 block */
  assert_parses("\xef\xbf\xbf", ".", "\xef\xbf\xbf");         /* U+FFFF */
  assert_parses("\xf4\x8f\xbf\xbf", ".", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
  assert_parses("\xed\x9f\xbf", ".", "\xed\x9f\xbf");         /* U+D7FF */
  assert_parses("\xee\x80\x80", ".", "\xee\x80\x80");         /* U+E000 */
}
END_TEST

START_TEST(test_control_characters) {
  assert_invalid("\x01");
  assert_invalid("a\tb");
  assert_invalid("line\n");
  assert_invalid("a\x1f");
  assert_invalid("\x7f");
  assert_invalid("a\xc2\x80"); /* U+0080 */
  assert_invalid("a\xc2\x85"); /* U+0085 NEL */
  assert_invalid("\xc2\x9f");  /* U+009F */
  assert_invalid(":.ctx:a\x02");
  assert_invalid(":.c\x1b:a");
}
END_TEST

START_TEST(test_invalid_utf8) {
  assert_invalid("\x80");             /* stray continuation byte */
  assert_invalid("a\xc3");            /* truncated */
  assert_invalid("\xe2\x82");         /* truncated */
  assert_invalid("\xc0\xaf");         /* overlong '/' */
  assert_invalid("\xc1\xbf");         /* overlong */
  assert_invalid("\xe0\x9f\xbf");     /* overlong three-byte form */
  assert_invalid("\xf0\x8f\xbf\xbf"); /* overlong four-byte form */
  assert_invalid("\xed\xa0\x80");     /* surrogate U+D800 */
  assert_invalid("\xed\xbf\xbf");     /* surrogate U+DFFF */
  assert_invalid("\xf4\x90\x80\x80"); /* past U+10FFFF */
  assert_invalid("\xf5\x80\x80\x80");
  assert_invalid("\xff");
  assert_invalid("\xfe");
  assert_invalid("ok\xe2\x28\xa1");
}
END_TEST

START_TEST(test_reserved_names) {
  assert_invalid("__GLOBAL");
  assert_invalid("__EMPTY");
  assert_invalid(":.:__GLOBAL");
  assert_invalid(":.ctx:__EMPTY");
  assert_invalid(":.__GLOBAL:__GLOBAL");
}
END_TEST

START_TEST(test_bad_qualified_forms) {
  assert_invalid(":x:y"); /* context without the leading dot */
  assert_invalid(":.a");  /* context never closed */
  assert_invalid(":.");
  assert_invalid(":");
  assert_invalid("::y");
  assert_invalid(":*:");
  assert_invalid(":ctx:");
  assert_invalid(NULL);
}
END_TEST

START_TEST(test_message_text) {
  sn_subject subject;
  char msg[256];
  ck_assert_int_eq(sn_parse(":x:y", &subject, msg, sizeof msg), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(msg, "The specified subject ':x:y' is not a valid.");
  ck_assert_int_eq(sn_parse("__GLOBAL", &subject, msg, sizeof msg), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(msg, "The specified subject '__GLOBAL' is not a valid.");
  ck_assert_int_eq(sn_parse(NULL, &subject, msg, sizeof msg), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(msg, "The specified subject 'null' is not a valid.");
  /* controls are kept (the JSON writer escapes them) */
  ck_assert_int_eq(sn_parse("a\tb", &subject, msg, sizeof msg), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(msg, "The specified subject 'a\tb' is not a valid.");
  /* malformed bytes become U+FFFD so the message stays valid UTF-8 */
  ck_assert_int_eq(sn_parse("a\xff"
                            "b\xe2\x82",
                            &subject, msg, sizeof msg),
                   STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(msg, "The specified subject 'a\xef\xbf\xbd"
                        "b\xef\xbf\xbd\xef\xbf\xbd' is not a valid.");
}
END_TEST

START_TEST(test_message_truncation) {
  sn_subject subject;
  /* 300 x "é" then a control character, into buffers of 44 to 80 bytes */
  char text[700];
  size_t pos = 0;
  for (int i = 0; i < 300; i++) {
    text[pos++] = '\xc3';
    text[pos++] = '\xa9';
  }
  text[pos++] = '\x01';
  text[pos] = '\0';
  for (size_t size = 44; size <= 80; size++) {
    char msg[80];
    memset(msg, 'Z', sizeof msg);
    ck_assert_int_eq(sn_parse(text, &subject, msg, size), STRATA_E_INVALID_SUBJECT);
    size_t len = strlen(msg);
    ck_assert_uint_lt(len, size);
    ck_assert_msg(strncmp(msg, "The specified subject '", 23) == 0, "%s", msg);
    ck_assert_str_eq(msg + len - 20, "...' is not a valid.");
    json_t *as_json = json_string(msg);
    ck_assert_msg(as_json != NULL, "size %zu: cut inside a character: %s", size, msg);
    json_decref(as_json);
  }
  /* room for the sentence but not for "...": the text is left out */
  char small[41];
  ck_assert_int_eq(sn_parse(text, &subject, small, sizeof small), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(small, "The specified subject '' is not a valid.");
  /* a buffer too small for the sentence keeps its start; no overflow */
  char tiny[8];
  ck_assert_int_eq(sn_parse(":x:y", &subject, tiny, sizeof tiny), STRATA_E_INVALID_SUBJECT);
  ck_assert_str_eq(tiny, "The spe");
  char one[1] = {'Z'};
  ck_assert_int_eq(sn_parse(":x:y", &subject, one, sizeof one), STRATA_E_INVALID_SUBJECT);
  ck_assert_int_eq(one[0], '\0');
  /* no message buffer at all */
  ck_assert_int_eq(sn_parse(":x:y", &subject, NULL, 0), STRATA_E_INVALID_SUBJECT);
  ck_assert_int_eq(sn_parse("ok", &subject, NULL, 0), STRATA_E_OK);
  sn_free(&subject);
}
END_TEST

START_TEST(test_free_null_safe) {
  sn_free(NULL);
  sn_subject subject = {NULL, NULL};
  sn_free(&subject);
  ck_assert_ptr_null(subject.context);
}
END_TEST

START_TEST(test_qualify) {
  char *text = sn_qualify(".", "orders");
  ck_assert_str_eq(text, "orders");
  free(text);
  text = sn_qualify(NULL, "orders");
  ck_assert_str_eq(text, "orders");
  free(text);
  text = sn_qualify(".", "");
  ck_assert_str_eq(text, "");
  free(text);
  text = sn_qualify(".team-a", "orders");
  ck_assert_str_eq(text, ":.team-a:orders");
  free(text);
  text = sn_qualify(".team-a", "");
  ck_assert_str_eq(text, ":.team-a:");
  free(text);
  text = sn_qualify(".team-a", NULL);
  ck_assert_str_eq(text, ":.team-a:");
  free(text);
  text = sn_qualify(SN_GLOBAL_CONTEXT, "");
  ck_assert_str_eq(text, ":.__GLOBAL:");
  free(text);
}
END_TEST

START_TEST(test_qualify_round_trip) {
  static const char *const pairs[][2] = {{".", "orders"},   {".a", "orders"}, {".a.b", ""},
                                         {".", ""},         {".x", "a:b"},    {".é", "ü"},
                                         {".__GLOBAL", "s"}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    char *text = sn_qualify(pairs[i][0], pairs[i][1]);
    ck_assert_ptr_nonnull(text);
    assert_parses(text, pairs[i][0], pairs[i][1]);
    free(text);
  }
}
END_TEST

START_TEST(test_valid_context) {
  ck_assert(sn_valid_context("."));
  ck_assert(sn_valid_context(".a"));
  ck_assert(sn_valid_context(".team-a"));
  ck_assert(sn_valid_context(".a.b"));
  ck_assert(sn_valid_context(".."));
  ck_assert(sn_valid_context(SN_DEFAULT_CONTEXT));
  ck_assert(sn_valid_context(SN_GLOBAL_CONTEXT));
  ck_assert(sn_valid_context(".caf\xc3\xa9"));
  ck_assert(!sn_valid_context(NULL));
  ck_assert(!sn_valid_context(""));
  ck_assert(!sn_valid_context("a"));
  ck_assert(!sn_valid_context("a."));
  ck_assert(!sn_valid_context(".a:b"));
  ck_assert(!sn_valid_context(".:"));
  ck_assert(!sn_valid_context(".a\x01"));
  ck_assert(!sn_valid_context(".\x7f"));
  ck_assert(!sn_valid_context(".\xc2\x85"));
  ck_assert(!sn_valid_context(".\xff"));
  ck_assert(!sn_valid_context(".\xed\xa0\x80"));
}
END_TEST

static Suite *subject_suite(void) {
  Suite *s = suite_create("subject");
  TCase *parse = tcase_create("parse");
  tcase_add_test(parse, test_unqualified);
  tcase_add_test(parse, test_qualified);
  tcase_add_test(parse, test_non_ascii);
  tcase_add_test(parse, test_control_characters);
  tcase_add_test(parse, test_invalid_utf8);
  tcase_add_test(parse, test_reserved_names);
  tcase_add_test(parse, test_bad_qualified_forms);
  tcase_add_test(parse, test_message_text);
  tcase_add_test(parse, test_message_truncation);
  tcase_add_test(parse, test_free_null_safe);
  suite_add_tcase(s, parse);
  TCase *qualify = tcase_create("qualify");
  tcase_add_test(qualify, test_qualify);
  tcase_add_test(qualify, test_qualify_round_trip);
  tcase_add_test(qualify, test_valid_context);
  suite_add_tcase(s, qualify);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(subject_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
