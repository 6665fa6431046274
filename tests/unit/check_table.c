/* check_table.c - TABLE schemas: DDL and JSON document parsing, normalisation and canonical
 * form, parse errors, the levels with the WRITER direction, and the table-set replay of
 * migrations (strata_table_set_*). */
#include <strata/compat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static strata_schema *parse_ok(const char *text) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_TABLE, text, strlen(text), NULL, 0, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "rejected %s: %s", text, diag.message);
  /* the canonical text parses again to itself */
  strata_schema *again = NULL;
  const char *canon = strata_schema_canonical(s);
  ck_assert_int_eq(
      strata_schema_parse(STRATA_SCHEMA_TABLE, canon, strlen(canon), NULL, 0, &again, &diag),
      STRATA_E_OK);
  ck_assert_str_eq(strata_schema_canonical(again), canon);
  ck_assert_uint_eq(strata_schema_fingerprint(again), strata_schema_fingerprint(s));
  strata_schema_free(&again);
  return s;
}

static void parse_fails(const char *text, int line, int column, const char *needle) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_TABLE, text, strlen(text), NULL, 0, &s, &diag);
  ck_assert_int_eq(rc, STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(s);
  ck_assert_msg(strstr(diag.message, needle) != NULL, "message '%s' lacks '%s'", diag.message,
                needle);
  ck_assert_int_eq(diag.line, line);
  ck_assert_int_eq(diag.column, column);
}

START_TEST(test_ddl_canonical) {
  strata_schema *s = parse_ok("CREATE TABLE public.t (id serial PRIMARY KEY, a int4 NOT NULL,"
                              " b varchar(20) DEFAULT 'x', c timestamp(3), d float8[]);");
  ck_assert_str_eq(strata_schema_canonical(s),
                   "{\"name\":\"public.t\",\"columns\":["
                   "{\"name\":\"id\",\"type\":\"integer\",\"nullable\":false,"
                   "\"default\":\"nextval('t_id_seq'::regclass)\"},"
                   "{\"name\":\"a\",\"type\":\"integer\",\"nullable\":false},"
                   "{\"name\":\"b\",\"type\":\"character varying(20)\",\"nullable\":true,"
                   "\"default\":\"'x'\"},"
                   "{\"name\":\"c\",\"type\":\"timestamp(3) without time zone\",\"nullable\":true},"
                   "{\"name\":\"d\",\"type\":\"double precision[]\",\"nullable\":true}],"
                   "\"primaryKey\":{\"name\":\"t_pkey\",\"columns\":[\"id\"]}}");
  ck_assert_int_eq(strata_schema_get_type(s), STRATA_SCHEMA_TABLE);
  ck_assert_str_eq(strata_schema_normal_form(s), strata_schema_canonical(s));
  ck_assert_uint_ne(strata_schema_fingerprint(s), 0);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_ddl_equals_document) {
  strata_schema *ddl = parse_ok(
      "CREATE TYPE st AS ENUM ('a','b'); CREATE TYPE unused AS ENUM ('z');\n"
      "CREATE TABLE o (id bigint GENERATED ALWAYS AS IDENTITY, s st NOT NULL DEFAULT 'a',"
      " n numeric(10,2) CHECK (n > 0), r int REFERENCES p ON DELETE CASCADE, UNIQUE (s, n));\n"
      "ALTER TABLE o ADD CONSTRAINT o_pk PRIMARY KEY (id);");
  strata_schema *doc = parse_ok(
      "{\"name\":\"o\",\"columns\":[{\"name\":\"id\",\"type\":\"int8\",\"identity\":\"always\"},"
      "{\"name\":\"s\",\"type\":\"st\",\"nullable\":false,\"default\":\"('a')\"},"
      "{\"name\":\"n\",\"type\":\"decimal(10, 2)\"},{\"name\":\"r\",\"type\":\"integer\"}],"
      "\"primaryKey\":{\"name\":\"o_pk\",\"columns\":[\"id\"]},\"unique\":[[\"s\",\"n\"]],"
      "\"checks\":[{\"expression\":\"(n > 0)\"}],"
      "\"foreignKeys\":[{\"columns\":[\"r\"],\"references\":{\"table\":\"p\"},"
      "\"onDelete\":\"cascade\"}],\"enums\":{\"st\":[\"a\",\"b\"]}}");
  ck_assert_str_eq(strata_schema_canonical(ddl), strata_schema_canonical(doc));
  ck_assert_uint_eq(strata_schema_fingerprint(ddl), strata_schema_fingerprint(doc));
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(ddl), "\"name\":\"o_n_check\""));
  ck_assert_ptr_null(strstr(strata_schema_canonical(ddl), "unused"));
  strata_schema_free(&ddl);
  strata_schema_free(&doc);
}
END_TEST

START_TEST(test_parse_errors) {
  parse_fails("CREATE TABLE t (\n  id int,\n  x text DEFALT 1);", 3, 10, "syntax error");
  parse_fails("CREATE TABLE a (id int);\nCREATE TABLE b (id int);", 0, 0, "exactly one");
  parse_fails("SELECT 1;", 0, 0, "exactly one");
  parse_fails("CREATE TABLE t (id int, id text);", 1, 1, "more than once");
  parse_fails("CREATE TABLE t (id int);\n  ALTER TABLE t DROP COLUMN nope;", 2, 3,
              "does not exist");
  parse_fails("CREATE TABLE t (id int, PRIMARY KEY (nope));", 1, 1, "does not exist");
  parse_fails("{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int); DROP TABLE x; --\"}]}",
              0, 0, "not a PostgreSQL type");
  parse_fails("{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\","
              "\"default\":\"1 FROM pg_class\"}]}",
              0, 0, "not a single SQL expression");
  parse_fails("{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\",\"nulable\":true}]}",
              0, 0, "unknown member");
  parse_fails("{\"name\":\"t\"}", 0, 0, "\"columns\" array");
  parse_fails("{\"name\":", 1, 8, "invalid JSON");
}
END_TEST

static strata_compat_result *check(strata_compat_level level, const char *new_text,
                                   const char *old_text) {
  strata_schema *n = parse_ok(new_text);
  strata_schema *o = parse_ok(old_text);
  strata_compat_result *r = NULL;
  const strata_schema *prev[1] = {o};
  ck_assert_int_eq(strata_compat_check(level, n, prev, NULL, 1, &r), STRATA_E_OK);
  strata_schema_free(&n);
  strata_schema_free(&o);
  return r;
}

START_TEST(test_levels_and_writer) {
  const char *old = "CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL DEFAULT '');";
  const char *no_default = "CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL);";
  /* dropping the default breaks only old writers: BACKWARD passes, FORWARD and FULL fail */
  strata_compat_result *r = check(STRATA_COMPAT_BACKWARD, no_default, old);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);
  r = check(STRATA_COMPAT_FORWARD, no_default, old);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  const strata_compat_issue *issue = strata_compat_result_issue(r, 0);
  ck_assert_str_eq(issue->code, "COLUMN_DEFAULT_DROPPED");
  ck_assert_str_eq(issue->path, "/columns/a");
  ck_assert_int_eq(issue->direction, STRATA_DIRECTION_WRITER);
  ck_assert_str_eq(strata_compat_direction_name(issue->direction), "WRITER");
  ck_assert_ptr_nonnull(strstr(issue->message, "\"a\""));
  /* the Confluent messages carry the WRITER issue */
  const char *const *messages = NULL;
  size_t count = 0;
  ck_assert_int_eq(strata_compat_result_messages(r, false, &messages, &count), STRATA_E_OK);
  ck_assert_uint_ge(count, 2);
  ck_assert_ptr_nonnull(strstr(messages[0], "errorType:'COLUMN_DEFAULT_DROPPED'"));
  strata_compat_result_free(&r);
  r = check(STRATA_COMPAT_FULL, no_default, old);
  ck_assert_uint_eq(strata_compat_result_issue_count(r), 1);
  strata_compat_result_free(&r);
  r = check(STRATA_COMPAT_NONE, no_default, old);
  ck_assert(strata_compat_result_compatible(r));
  strata_compat_result_free(&r);
}
END_TEST

START_TEST(test_type_mismatch_with_avro) {
  strata_schema *t = parse_ok("CREATE TABLE t (id int);");
  strata_schema *a = NULL;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"", 5, NULL, 0, &a, NULL),
                   STRATA_E_OK);
  strata_compat_result *r = NULL;
  const strata_schema *prev[1] = {a};
  ck_assert_int_eq(strata_compat_check(STRATA_COMPAT_BACKWARD, t, prev, NULL, 1, &r), STRATA_E_OK);
  ck_assert_str_eq(strata_compat_result_issue(r, 0)->code, "SCHEMA_TYPE_MISMATCH");
  strata_compat_result_free(&r);
  strata_schema_free(&a);
  strata_schema_free(&t);
}
END_TEST

static strata_table_set *set_of(const char *ddl) {
  strata_table_set *set = strata_table_set_new();
  strata_table_set *base = strata_table_set_new();
  strata_diag diag;
  ck_assert_int_eq(strata_table_set_apply(base, ddl, strlen(ddl), &diag), STRATA_E_OK);
  for (size_t i = 0; i < strata_table_set_count(base); i++) {
    strata_schema *s = NULL;
    ck_assert_int_eq(strata_table_set_schema(base, i, &s), STRATA_E_OK);
    ck_assert_int_eq(strata_table_set_add(set, s), STRATA_E_OK);
    ck_assert_int_eq(strata_table_set_add(set, s), STRATA_E_INVALID_ARGUMENT);
    strata_schema_free(&s);
  }
  strata_table_set_free(&base);
  return set;
}

static char *table_canonical(const strata_table_set *set, size_t i) {
  strata_schema *s = NULL;
  ck_assert_int_eq(strata_table_set_schema(set, i, &s), STRATA_E_OK);
  char *text = strdup(strata_schema_canonical(s));
  strata_schema_free(&s);
  return text;
}

START_TEST(test_replay) {
  strata_table_set *set =
      set_of("CREATE TYPE m AS ENUM ('a'); CREATE TABLE u (id int PRIMARY KEY, e text, m m);"
             "CREATE TABLE gone (id int); CREATE TABLE same (id int);");
  const char *migration =
      "BEGIN;\n"
      "SET lock_timeout = '1s';\n"
      "ALTER TABLE public.u ADD COLUMN n int NOT NULL DEFAULT 0, ALTER COLUMN e SET NOT NULL;\n"
      "ALTER TABLE u RENAME COLUMN e TO email;\n"
      "CREATE UNIQUE INDEX CONCURRENTLY u_email_idx ON u (email);\n"
      "ALTER TABLE u ADD CONSTRAINT u_email_key UNIQUE USING INDEX u_email_idx;\n"
      "ALTER TYPE m ADD VALUE 'b' BEFORE 'a';\n"
      "DROP TABLE gone;\n"
      "CREATE TABLE fresh (id bigserial);\n"
      "ALTER TABLE fresh RENAME TO fresher;\n"
      "INSERT INTO u VALUES (1);\n"
      "COMMIT;\n";
  strata_diag diag;
  ck_assert_int_eq(strata_table_set_apply(set, migration, strlen(migration), &diag), STRATA_E_OK);
  ck_assert_uint_eq(strata_table_set_count(set), 4);
  ck_assert_str_eq(strata_table_set_name(set, 0), "u");
  ck_assert_int_eq(strata_table_set_state(set, 0), STRATA_TABLE_CHANGED);
  ck_assert_int_eq(strata_table_set_state(set, 1), STRATA_TABLE_DROPPED);
  ck_assert_int_eq(strata_table_set_state(set, 2), STRATA_TABLE_UNCHANGED);
  ck_assert_int_eq(strata_table_set_state(set, 3), STRATA_TABLE_CREATED);
  ck_assert_str_eq(strata_table_set_name(set, 3), "fresh");
  strata_schema *dropped = NULL;
  ck_assert_int_eq(strata_table_set_schema(set, 1, &dropped), STRATA_E_NOT_FOUND);
  char *u = table_canonical(set, 0);
  ck_assert_str_eq(u, "{\"name\":\"u\",\"columns\":["
                      "{\"name\":\"id\",\"type\":\"integer\",\"nullable\":false},"
                      "{\"name\":\"email\",\"type\":\"text\",\"nullable\":false},"
                      "{\"name\":\"m\",\"type\":\"m\",\"nullable\":true},"
                      "{\"name\":\"n\",\"type\":\"integer\",\"nullable\":false,\"default\":\"0\"}],"
                      "\"primaryKey\":{\"name\":\"u_pkey\",\"columns\":[\"id\"]},"
                      "\"unique\":[{\"name\":\"u_email_key\",\"columns\":[\"email\"]}],"
                      "\"enums\":{\"m\":[\"b\",\"a\"]}}");
  free(u);
  char *fresh = table_canonical(set, 3);
  ck_assert_ptr_nonnull(strstr(fresh, "\"name\":\"fresher\""));
  ck_assert_ptr_nonnull(strstr(fresh, "nextval('fresh_id_seq'::regclass)"));
  free(fresh);
  strata_table_set_free(&set);
  ck_assert_ptr_null(set);
}
END_TEST

START_TEST(test_replay_errors) {
  strata_table_set *set = set_of("CREATE TABLE u (id int PRIMARY KEY, e text);");
  strata_diag diag;
  const char *bad[] = {
      "ALTER TABLE u ADD COLUMN e int;",
      "ALTER TABLE nope ADD COLUMN x int;",
      "ALTER TABLE u ALTER COLUMN id DROP NOT NULL;",
      "ALTER TABLE u DROP CONSTRAINT nope;",
      "CREATE TABLE u (id int);",
      "ALTER TABLE u ADD CONSTRAINT x UNIQUE USING INDEX i;",
      "ALTER TABLE u ALTER COLUMN q TYPE int;",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(strata_table_set_apply(set, bad[i], strlen(bad[i]), &diag) ==
                      STRATA_E_INVALID_SCHEMA,
                  "accepted %s", bad[i]);
    ck_assert_int_eq(diag.line, 1);
    ck_assert_int_eq(diag.column, 1);
  }
  const char *ok = "ALTER TABLE IF EXISTS nope ADD COLUMN x int;"
                   "ALTER TABLE u ADD COLUMN IF NOT EXISTS e int;"
                   "ALTER TABLE u DROP COLUMN IF EXISTS nope;"
                   "DROP TABLE IF EXISTS nope;";
  ck_assert_int_eq(strata_table_set_apply(set, ok, strlen(ok), &diag), STRATA_E_OK);
  ck_assert_int_eq(strata_table_set_apply(set, "ALTER TABLE u\n  ADD x int,,;", 26, &diag),
                   STRATA_E_INVALID_SCHEMA);
  ck_assert_int_eq(diag.line, 2);
  ck_assert_int_eq(diag.column, 13);
  strata_schema *avro = NULL;
  ck_assert_int_eq(strata_schema_parse(STRATA_SCHEMA_AVRO, "\"int\"", 5, NULL, 0, &avro, NULL),
                   STRATA_E_OK);
  ck_assert_int_eq(strata_table_set_add(set, avro), STRATA_E_INVALID_ARGUMENT);
  strata_schema_free(&avro);
  strata_table_set_free(&set);
}
END_TEST

static Suite *table_suite(void) {
  Suite *s = suite_create("table");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_ddl_canonical);
  tcase_add_test(tc, test_ddl_equals_document);
  tcase_add_test(tc, test_parse_errors);
  tcase_add_test(tc, test_levels_and_writer);
  tcase_add_test(tc, test_type_mismatch_with_avro);
  tcase_add_test(tc, test_replay);
  tcase_add_test(tc, test_replay_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(table_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
