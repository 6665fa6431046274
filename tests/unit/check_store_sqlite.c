/* check_store_sqlite.c - unit tests of the SQLite store (store/store.h): round trips of every
 * row kind across reopen, atomic batches, deletes, migrations and open errors. */
#include "store_fixture.h"

#include <sqlite3.h>
#include <sys/stat.h>

/* Runs @p sql on the database at @p path with a plain connection; returns the first column of
 * the first row as a new string ("" when there is none). */
static char *raw_query(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s",
                sqlite3_errmsg(db));
  int rc = sqlite3_step(stmt);
  ck_assert(rc == SQLITE_ROW || rc == SQLITE_DONE);
  const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
  char *out = strdup(text != NULL ? (const char *)text : "");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

static void assert_query(const char *path, const char *sql, const char *expected) {
  char *got = raw_query(path, sql);
  ck_assert_str_eq(got, expected);
  free(got);
}

START_TEST(test_roundtrip_all_kinds) {
  char *dir = fixture_tmpdir();
  /* missing parent directories are created */
  char *path = fixture_path(dir, "a/b/strata.db");
  srs_store *store = fixture_open(path);
  ck_assert_str_eq(store->name, "sqlite");

  srs_op ops[8];
  ops[0] = op_schema(".", 1, "\"string\"");
  ops[1] = (srs_op){.kind = SRS_OP_PUT_SCHEMA};
  ops[1].u.schema = (srs_schema_row){
      .context = ".ctx",
      .id = 1,
      .schema_type = "AVRO",
      .schema =
          "{\"type\":\"record\",\"name\":\"Caf\xc3\xa9\",\"doc\":\"\xe2\x82\xac \xf0\x9f\x98\x80\","
          "\"fields\":[]}",
      .references = "[{\"name\":\"n\",\"subject\":\"s\",\"version\":1}]",
      .metadata = "{\"properties\":{\"owner\":\"\xc3\xa9quipe\"}}",
      .rule_set = "{\"domainRules\":[]}",
      .identity = "0123456789abcdef0123456789abcdef",
      .guid = "5f0b6c1e-0000-4000-8000-000000000001"};
  ops[2] = op_version(".", "orders-value", 1, 1);
  ops[3] = op_version(".ctx",
                      "\xc3\xbc"
                      "ber/s\xc3\xbc"
                      "bject",
                      7, 1);
  ops[3].u.version.deleted = true;
  ops[3].u.version.ts = INT64_C(1712345678901);
  ops[4] = (srs_op){.kind = SRS_OP_PUT_CONFIG};
  ops[4].u.config = (srs_config_row){".", "", "{\"compatibilityLevel\":\"FULL\"}"};
  ops[5] = (srs_op){.kind = SRS_OP_PUT_CONFIG};
  ops[5].u.config = (srs_config_row){".", "orders-value", "{\"compatibilityLevel\":\"NONE\"}"};
  ops[6] = (srs_op){.kind = SRS_OP_PUT_MODE};
  ops[6].u.mode = (srs_mode_row){".", "", "READWRITE"};
  ops[7] = (srs_op){.kind = SRS_OP_PUT_MODE};
  ops[7].u.mode = (srs_mode_row){".ctx", "x", "IMPORT"};
  char err[256];
  ck_assert_int_eq(store->apply(store, ops, 8, err, sizeof err), STRATA_E_OK);
  srs_store_close(store);

  const char *expected =
      "S . 1 AVRO \"string\" <NULL> <NULL> <NULL> d41d8cd98f00b204e9800998ecf8427e g\n"
      "S .ctx 1 AVRO {\"type\":\"record\",\"name\":\"Caf\xc3\xa9\",\"doc\":\"\xe2\x82\xac "
      "\xf0\x9f\x98\x80\",\"fields\":[]} [{\"name\":\"n\",\"subject\":\"s\",\"version\":1}] "
      "{\"properties\":{\"owner\":\"\xc3\xa9quipe\"}} {\"domainRules\":[]} "
      "0123456789abcdef0123456789abcdef 5f0b6c1e-0000-4000-8000-000000000001\n"
      "V . orders-value 1 1 0 1001\n"
      "V .ctx \xc3\xbc"
      ""
      "ber/s\xc3\xbc"
      "bject 7 1 1 1712345678901\n"
      "C . [] {\"compatibilityLevel\":\"FULL\"}\n"
      "C . [orders-value] {\"compatibilityLevel\":\"NONE\"}\n"
      "M . [] READWRITE\n"
      "M .ctx [x] IMPORT\n";

  /* reopen: everything is still there, NULLs stay NULL */
  store = fixture_open(path);
  fixture_dump d = {0};
  fixture_load(store, &d);
  ck_assert_str_eq(d.text, expected);
  free(d.text);
  srs_store_close(store);

  /* the database is in WAL mode and a third open still sees the same rows */
  assert_query(path, "PRAGMA journal_mode", "wal");
  store = fixture_open(path);
  d = (fixture_dump){0};
  fixture_load(store, &d);
  ck_assert_str_eq(d.text, expected);
  free(d.text);
  srs_store_close(store);

  free(path);
  fixture_rmdir(dir);
}
END_TEST

START_TEST(test_apply_is_atomic) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  srs_store *store = fixture_open(path);
  char err[256];

  /* a duplicate (context, id) in the middle of a batch: nothing is applied */
  srs_op dup[4] = {op_schema(".", 1, "\"int\""), op_version(".", "s", 1, 1),
                   op_schema(".", 1, "\"long\""), op_schema(".", 2, "\"long\"")};
  ck_assert_int_eq(store->apply(store, dup, 4, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(err, "op 2 (put schema)") != NULL, "%s", err);
  ck_assert_msg(strstr(err, "UNIQUE") != NULL, "%s", err);
  fixture_dump d = {0};
  fixture_load(store, &d);
  ck_assert_str_eq(d.text, "");
  free(d.text);

  /* a version naming a schema that does not exist fails at commit (deferred foreign key) */
  srs_op orphan[2] = {op_schema(".", 1, "\"int\""), op_version(".", "s", 1, 99)};
  ck_assert_int_eq(store->apply(store, orphan, 2, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(err, "FOREIGN KEY") != NULL, "%s", err);
  /* NOT NULL columns refuse NULL */
  srs_op nulls[1] = {op_schema(".", 3, NULL)};
  ck_assert_int_eq(store->apply(store, nulls, 1, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(err, "NOT NULL") != NULL, "%s", err);
  d = (fixture_dump){0};
  fixture_load(store, &d);
  ck_assert_str_eq(d.text, "");
  free(d.text);

  /* the connection is clean afterwards: a good batch commits, in any op order */
  srs_op good[3] = {op_version(".", "s", 1, 1), op_schema(".", 1, "\"int\""),
                    op_schema(".ctx", 1, "\"int\"")};
  ck_assert_int_eq(store->apply(store, good, 3, err, sizeof err), STRATA_E_OK);
  ck_assert_int_eq(store->apply(store, NULL, 0, err, sizeof err), STRATA_E_OK);
  srs_store_close(store);

  store = fixture_open(path);
  d = (fixture_dump){0};
  fixture_load(store, &d);
  ck_assert_uint_eq(d.schemas, 2);
  ck_assert_uint_eq(d.versions, 1);
  free(d.text);
  srs_store_close(store);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

START_TEST(test_deletes) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  srs_store *store = fixture_open(path);
  char err[256];

  srs_op setup[9] = {op_schema(".", 1, "\"int\""), op_version(".", "s", 1, 1),
                     op_version(".", "s", 2, 1), op_version(".", "t", 1, 1)};
  setup[4] = (srs_op){.kind = SRS_OP_PUT_CONFIG};
  setup[4].u.config = (srs_config_row){".", "s", "{\"compatibilityLevel\":\"FULL\"}"};
  setup[5] = (srs_op){.kind = SRS_OP_PUT_CONFIG};
  setup[5].u.config = (srs_config_row){".", "t", "{\"compatibilityLevel\":\"NONE\"}"};
  setup[6] = (srs_op){.kind = SRS_OP_PUT_MODE};
  setup[6].u.mode = (srs_mode_row){".", "s", "READONLY"};
  setup[7] = (srs_op){.kind = SRS_OP_PUT_MODE};
  setup[7].u.mode = (srs_mode_row){".", "", "READWRITE"};
  /* a second put replaces */
  setup[8] = (srs_op){.kind = SRS_OP_PUT_CONFIG};
  setup[8].u.config = (srs_config_row){".", "t", "{\"compatibilityLevel\":\"BACKWARD\"}"};
  ck_assert_int_eq(store->apply(store, setup, 9, err, sizeof err), STRATA_E_OK);

  srs_op del[5] = {{.kind = SRS_OP_SET_VERSION_DELETED},
                   {.kind = SRS_OP_DELETE_VERSION},
                   {.kind = SRS_OP_DELETE_CONFIG},
                   {.kind = SRS_OP_DELETE_MODE},
                   {.kind = SRS_OP_DELETE_MODE}};
  del[0].u.version =
      (srs_version_row){.context = ".", .subject = "s", .version = 1, .deleted = true};
  del[1].u.version = (srs_version_row){.context = ".", .subject = "s", .version = 2};
  del[2].u.config = (srs_config_row){.context = ".", .subject = "s"};
  del[3].u.mode = (srs_mode_row){.context = ".", .subject = "s"};
  /* deleting a mode (or config) that is not there is not an error */
  del[4].u.mode = (srs_mode_row){.context = ".", .subject = "nope"};
  ck_assert_int_eq(store->apply(store, del, 5, err, sizeof err), STRATA_E_OK);
  srs_store_close(store);

  store = fixture_open(path);
  fixture_dump d = {0};
  fixture_load(store, &d);
  ck_assert_str_eq(d.text, "S . 1 AVRO \"int\" <NULL> <NULL> <NULL> "
                           "d41d8cd98f00b204e9800998ecf8427e g\n"
                           "V . s 1 1 1 1001\n"
                           "V . t 1 1 0 1001\n"
                           "C . [t] {\"compatibilityLevel\":\"BACKWARD\"}\n"
                           "M . [] READWRITE\n");
  free(d.text);

  /* a version op on a missing version fails, and the batch with it */
  srs_op missing[2] = {{.kind = SRS_OP_SET_VERSION_DELETED}, {.kind = SRS_OP_DELETE_VERSION}};
  missing[0].u.version = (srs_version_row){.context = ".", .subject = "t", .version = 1};
  missing[1].u.version = (srs_version_row){.context = ".", .subject = "s", .version = 2};
  ck_assert_int_eq(store->apply(store, missing, 2, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(err, "no version 2 of subject \"s\"") != NULL, "%s", err);
  d = (fixture_dump){0};
  fixture_load(store, &d);
  ck_assert_msg(strstr(d.text, "V . t 1 1 0 1001\n") != NULL, "%s", d.text);
  free(d.text);

  /* undelete through the flag */
  srs_op undelete = {.kind = SRS_OP_SET_VERSION_DELETED};
  undelete.u.version = (srs_version_row){.context = ".", .subject = "s", .version = 1};
  ck_assert_int_eq(store->apply(store, &undelete, 1, err, sizeof err), STRATA_E_OK);
  d = (fixture_dump){0};
  fixture_load(store, &d);
  ck_assert_msg(strstr(d.text, "V . s 1 1 0 1001\n") != NULL, "%s", d.text);
  free(d.text);

  srs_store_close(store);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

START_TEST(test_migrations) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  ck_assert_int_ge(srs_sqlite_schema_version(), 1);
  srs_store *store = fixture_open(path);
  srs_store_close(store);
  store = fixture_open(path);
  srs_store_close(store);
  /* recorded once, by version and name */
  assert_query(path, "SELECT group_concat(version || ':' || name, ',') FROM schema_migrations",
               "1:0001-init");

  /* a database from a newer binary is refused with a clear message */
  char *done = raw_query(path, "INSERT INTO schema_migrations VALUES (9999, '9999-future', 0) "
                               "RETURNING version");
  ck_assert_str_eq(done, "9999");
  free(done);
  char err[512];
  store = (srs_store *)&err; /* must be reset to NULL */
  ck_assert_int_eq(srs_sqlite_open(path, &store, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_ptr_null(store);
  ck_assert_msg(strstr(err, "schema version 9999 is newer than this binary supports") != NULL, "%s",
                err);
  /* nothing was changed by the refused open */
  assert_query(path, "SELECT count(*) FROM schema_migrations", "2");
  free(path);
  fixture_rmdir(dir);
}
END_TEST

static int stop_after;

static strata_error count_and_stop(void *arg, const srs_schema_row *row) {
  (void)row;
  int *seen = arg;
  return ++*seen >= stop_after ? STRATA_E_INTERNAL : STRATA_E_OK;
}

START_TEST(test_loader_error_stops_load) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  srs_store *store = fixture_open(path);
  char err[256];
  srs_op ops[5] = {op_schema(".", 1, "1"), op_schema(".", 2, "2"), op_schema(".", 3, "3"),
                   op_schema(".", 4, "4"), op_version(".", "s", 1, 1)};
  ck_assert_int_eq(store->apply(store, ops, 5, err, sizeof err), STRATA_E_OK);
  int seen = 0;
  stop_after = 2;
  srs_loader loader = {.arg = &seen, .schema = count_and_stop};
  ck_assert_int_eq(store->load(store, &loader, err, sizeof err), STRATA_E_INTERNAL);
  ck_assert_int_eq(seen, 2);
  /* the store still works after an interrupted load */
  seen = 0;
  stop_after = 100;
  ck_assert_int_eq(store->load(store, &loader, err, sizeof err), STRATA_E_OK);
  ck_assert_int_eq(seen, 4);
  ck_assert_int_eq(store->apply(store, ops + 4, 0, err, sizeof err), STRATA_E_OK);
  srs_store_close(store);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

START_TEST(test_open_errors) {
  char *dir = fixture_tmpdir();
  char err[256];
  srs_store *store = NULL;
  /* a parent that is a regular file */
  char *file = fixture_path(dir, "plain");
  FILE *f = fopen(file, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  char *path = fixture_path(dir, "plain/sub/strata.db");
  ck_assert_int_eq(srs_sqlite_open(path, &store, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_ptr_null(store);
  ck_assert_msg(strstr(err, "cannot create directory") != NULL, "%s", err);
  /* a file that is not a database */
  f = fopen(file, "w");
  fputs("this is not a database, not even close to one; it is plain text.\n", f);
  fclose(f);
  ck_assert_int_eq(srs_sqlite_open(file, &store, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_ptr_null(store);
  ck_assert_msg(strstr(err, "not a database") != NULL, "%s", err);
  ck_assert_int_eq(srs_sqlite_open("", &store, err, sizeof err), STRATA_E_INVALID_ARGUMENT);
  free(path);
  free(file);
  fixture_rmdir(dir);
}
END_TEST

static Suite *store_sqlite_suite(void) {
  Suite *s = suite_create("store_sqlite");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_roundtrip_all_kinds);
  tcase_add_test(tc, test_apply_is_atomic);
  tcase_add_test(tc, test_deletes);
  tcase_add_test(tc, test_migrations);
  tcase_add_test(tc, test_loader_error_stops_load);
  tcase_add_test(tc, test_open_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(store_sqlite_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
