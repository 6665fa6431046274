/* check_errors.c - unit tests of the error registry (include/strata/errors.def). */
#include <strata/error.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_ok) {
  ck_assert_str_eq(strata_error_name(STRATA_E_OK), "OK");
  ck_assert_str_eq(strata_strerror(STRATA_E_OK), "Success");
  ck_assert_int_eq(strata_error_code(STRATA_E_OK), 0);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_OK), 200);
  ck_assert_int_eq(STRATA_E_OK, 0);
}
END_TEST

START_TEST(test_invalid_schema) {
  ck_assert_str_eq(strata_error_name(STRATA_E_INVALID_SCHEMA), "INVALID_SCHEMA");
  ck_assert_str_eq(strata_strerror(STRATA_E_INVALID_SCHEMA), "Invalid schema");
  ck_assert_int_eq(strata_error_code(STRATA_E_INVALID_SCHEMA), 42201);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_INVALID_SCHEMA), 422);
}
END_TEST

START_TEST(test_subject_not_found) {
  ck_assert_str_eq(strata_error_name(STRATA_E_SUBJECT_NOT_FOUND), "SUBJECT_NOT_FOUND");
  ck_assert_str_eq(strata_strerror(STRATA_E_SUBJECT_NOT_FOUND), "Subject not found");
  ck_assert_int_eq(strata_error_code(STRATA_E_SUBJECT_NOT_FOUND), 40401);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_SUBJECT_NOT_FOUND), 404);
}
END_TEST

START_TEST(test_incompatible_schema) {
  ck_assert_str_eq(strata_error_name(STRATA_E_INCOMPATIBLE_SCHEMA), "INCOMPATIBLE_SCHEMA");
  ck_assert_str_eq(strata_strerror(STRATA_E_INCOMPATIBLE_SCHEMA),
                   "Schema being registered is incompatible with an earlier schema");
  ck_assert_int_eq(strata_error_code(STRATA_E_INCOMPATIBLE_SCHEMA), 40901);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_INCOMPATIBLE_SCHEMA), 409);
}
END_TEST

START_TEST(test_other_entries) {
  ck_assert_int_eq(strata_error_code(STRATA_E_INVALID_COMPATIBILITY_LEVEL), 42203);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_INVALID_COMPATIBILITY_LEVEL), 422);
  ck_assert_int_eq(strata_error_code(STRATA_E_VERSION_NOT_FOUND), 40402);
  ck_assert_int_eq(strata_error_code(STRATA_E_SCHEMA_NOT_FOUND), 40403);
  ck_assert_int_eq(strata_error_http_status(STRATA_E_STORE_ERROR), 500);
  ck_assert_int_eq(strata_error_code(STRATA_E_STORE_ERROR), 50001);
  ck_assert_str_eq(strata_error_name(STRATA_E_NOMEM), "NOMEM");
  ck_assert_str_eq(strata_strerror(STRATA_E_NOMEM), "Out of memory");
}
END_TEST

START_TEST(test_out_of_range) {
  const strata_error bad[] = {STRATA_E__COUNT, (strata_error)(STRATA_E__COUNT + 7),
                              (strata_error)-1, (strata_error)1000000};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_str_eq(strata_strerror(bad[i]), "Unknown error");
    ck_assert_int_eq(strata_error_code(bad[i]), 500);
    ck_assert_int_eq(strata_error_http_status(bad[i]), 500);
    ck_assert_ptr_nonnull(strata_error_name(bad[i]));
    ck_assert_str_ne(strata_error_name(bad[i]), "OK");
  }
}
END_TEST

/* Every entry has a name, a message and a status; 4xxxx codes are client
 * errors and never map to 5xx; names are unique. */
START_TEST(test_every_entry) {
  ck_assert_int_gt(STRATA_E__COUNT, 30);
  for (int i = 0; i < STRATA_E__COUNT; i++) {
    strata_error e = (strata_error)i;
    const char *name = strata_error_name(e);
    const char *msg = strata_strerror(e);
    int code = strata_error_code(e);
    int http = strata_error_http_status(e);
    ck_assert_ptr_nonnull(name);
    ck_assert_ptr_nonnull(msg);
    ck_assert_int_gt((int)strlen(name), 0);
    ck_assert_str_ne(msg, "Unknown error");
    ck_assert_msg(http >= 200 && http < 600, "%s: HTTP status %d", name, http);
    if (code >= 40000 && code < 50000) {
      ck_assert_msg(http >= 400 && http < 500, "%s: code %d maps to HTTP %d", name, code, http);
      /* Confluent codes carry their status as the first three digits. */
      ck_assert_msg(code / 100 == http, "%s: code %d vs HTTP %d", name, code, http);
    }
    if (code >= 50000) {
      ck_assert_msg(http == 500, "%s: code %d maps to HTTP %d", name, code, http);
    }
    for (int j = 0; j < i; j++) {
      ck_assert_msg(strcmp(name, strata_error_name((strata_error)j)) != 0, "duplicate name %s",
                    name);
    }
  }
}
END_TEST

static Suite *errors_suite(void) {
  Suite *s = suite_create("errors");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_ok);
  tcase_add_test(tc, test_invalid_schema);
  tcase_add_test(tc, test_subject_not_found);
  tcase_add_test(tc, test_incompatible_schema);
  tcase_add_test(tc, test_other_entries);
  tcase_add_test(tc, test_out_of_range);
  tcase_add_test(tc, test_every_entry);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(errors_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
