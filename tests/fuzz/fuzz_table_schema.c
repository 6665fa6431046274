/*
 * fuzz_table_schema.c - libFuzzer target for TABLE schemas: the DDL and JSON
 * document parsers (through libpg_query), the canonical form, the checker and
 * the migration replay of strata_table_set_apply().
 *
 * The input is one schema text (DDL, or a JSON document when it starts with
 * '{'). When it parses, these must hold (a violation aborts):
 *   - the canonical text parses again to the same canonical text and
 *     fingerprint, and the fingerprint is CRC-64-AVRO of the normal form;
 *   - the schema is FULL compatible with itself;
 * and a FULL check against a fixed table (both ways) with its verbose
 * messages runs without error. Whether or not it parses, the input is also
 * replayed as a migration onto a set holding the fixed table, and every
 * table left in the set must yield a schema. On a parse failure *out must be
 * NULL and the diag NUL-terminated.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/compat.h>

#include "fuzz_common.h"

static const char fixed_table[] =
    "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
    "CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(100) NOT NULL UNIQUE,\n"
    "  age int CHECK (age >= 0), m mood, org_id bigint REFERENCES orgs (id));";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_against_fixed(const strata_schema *schema, const strata_schema *fixed) {
  const strata_schema *pair[2][2] = {{schema, fixed}, {fixed, schema}};
  for (int i = 0; i < 2; i++) {
    strata_compat_result *r = NULL;
    const strata_schema *prev[1] = {pair[i][1]};
    FUZZ_CHECK(strata_compat_check(STRATA_COMPAT_FULL, pair[i][0], prev, NULL, 1, &r) ==
                   STRATA_E_OK,
               "FULL check against the fixed table failed");
    const char *const *messages = NULL;
    size_t count = 0;
    FUZZ_CHECK(strata_compat_result_messages(r, true, &messages, &count) == STRATA_E_OK,
               "messages failed");
    for (size_t k = 0; k < strata_compat_result_issue_count(r); k++) {
      const strata_compat_issue *issue = strata_compat_result_issue(r, k);
      FUZZ_CHECK(issue->code != NULL && issue->path != NULL && issue->message != NULL,
                 "issue %zu has NULL strings", k);
    }
    strata_compat_result_free(&r);
  }
}

static void replay(const char *text, size_t len, const strata_schema *fixed) {
  strata_table_set *set = strata_table_set_new();
  strata_diag diag;
  FUZZ_CHECK(set != NULL, "out of memory");
  FUZZ_CHECK(strata_table_set_add(set, fixed) == STRATA_E_OK, "adding the fixed table failed");
  strata_error rc = strata_table_set_apply(set, text, len, &diag);
  FUZZ_CHECK(rc == STRATA_E_OK || rc == STRATA_E_INVALID_SCHEMA, "replay returned %d", (int)rc);
  FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL, "diag not terminated");
  for (size_t i = 0; i < strata_table_set_count(set); i++) {
    strata_schema *s = NULL;
    strata_error e = strata_table_set_schema(set, i, &s);
    bool dropped = strata_table_set_state(set, i) == STRATA_TABLE_DROPPED;
    FUZZ_CHECK(dropped ? e == STRATA_E_NOT_FOUND : e == STRATA_E_OK,
               "table %zu: schema returned %d", i, (int)e);
    strata_schema_free(&s);
  }
  strata_table_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT) {
    return 0;
  }
  const char *text = (const char *)data;
  strata_schema *fixed = NULL;
  strata_schema *schema = NULL;
  strata_diag diag;
  FUZZ_CHECK(strata_schema_parse(STRATA_SCHEMA_TABLE, fixed_table, strlen(fixed_table), NULL, 0,
                                 &fixed, &diag) == STRATA_E_OK,
             "the fixed table does not parse: %s", diag.message);
  strata_error rc = strata_schema_parse(STRATA_SCHEMA_TABLE, text, size, NULL, 0, &schema, &diag);
  if (rc != STRATA_E_OK) {
    FUZZ_CHECK(schema == NULL, "failed parse left a schema");
    FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL, "diag not terminated");
  } else {
    const char *canon = strata_schema_canonical(schema);
    const char *nf = strata_schema_normal_form(schema);
    FUZZ_CHECK(canon != NULL && nf != NULL, "no canonical text");
    FUZZ_CHECK(strata_schema_fingerprint(schema) == strata_crc64_avro(nf, strlen(nf)),
               "fingerprint is not CRC-64-AVRO of the normal form");
    strata_schema *again = NULL;
    FUZZ_CHECK(strata_schema_parse(STRATA_SCHEMA_TABLE, canon, strlen(canon), NULL, 0, &again,
                                   &diag) == STRATA_E_OK,
               "canonical text does not parse: %s\n  %s", diag.message, canon);
    FUZZ_CHECK(strcmp(strata_schema_canonical(again), canon) == 0,
               "canonical text not idempotent:\n  %s\n  %s", canon, strata_schema_canonical(again));
    FUZZ_CHECK(strata_schema_fingerprint(again) == strata_schema_fingerprint(schema),
               "fingerprint changed on re-parse");
    strata_schema_free(&again);
    strata_compat_result *r = NULL;
    const strata_schema *self[1] = {schema};
    FUZZ_CHECK(strata_compat_check(STRATA_COMPAT_FULL, schema, self, NULL, 1, &r) == STRATA_E_OK,
               "self check failed");
    FUZZ_CHECK(strata_compat_result_compatible(r), "not compatible with itself: %s",
               strata_compat_result_issue(r, 0)->message);
    strata_compat_result_free(&r);
    check_against_fixed(schema, fixed);
  }
  replay(text, size, fixed);
  strata_schema_free(&schema);
  strata_schema_free(&fixed);
  return 0;
}
