/*
 * fuzz_avro_schema.c - libFuzzer target for the Avro schema parser,
 * canonicaliser and checker.
 *
 * The input is one Avro schema text. When it parses, these invariants must
 * hold (a violation calls abort(), so libFuzzer reports it as a crash):
 *   - canonical text and normal form are non-NULL, NUL-terminated;
 *   - the fingerprint is CRC-64-AVRO of the normal form;
 *   - the canonical text parses again, to the same normal form, fingerprint
 *     and canonical text (canonicalisation is idempotent);
 *   - the normal form parses again, to the same normal form and fingerprint;
 *   - the schema is FULL compatible with itself;
 * and a FULL check against a small fixed schema (both ways) with its verbose
 * messages runs without error. On a parse failure the diag must be filled
 * with NUL-terminated strings and *out must be NULL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/compat.h>

#include "fuzz_common.h"

static const char fixed_schema[] =
    "{\"type\":\"record\",\"name\":\"Fixed\",\"namespace\":\"fuzz\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\"},"
    "{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"default\":null},"
    "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"A\",\"B\"]}},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  strata_schema *s = NULL, *again = NULL, *nfs = NULL, *fixed = NULL;
  strata_diag diag;

  if (size > FUZZ_MAX_INPUT)
    return 0;
  memset(&diag, 0x5a, sizeof diag); /* the parser must fill it on failure */
  strata_error err =
      strata_schema_parse(STRATA_SCHEMA_AVRO, (const char *)data, size, NULL, 0, &s, &diag);
  if (err != STRATA_E_OK) {
    FUZZ_CHECK(s == NULL, "failed parse left *out set");
    FUZZ_CHECK(err == STRATA_E_INVALID_SCHEMA || err == STRATA_E_NOMEM,
               "unexpected parse error %s", strata_error_name(err));
    if (err == STRATA_E_INVALID_SCHEMA)
      fuzz_check_diag(&diag);
    return 0;
  }
  FUZZ_CHECK(s != NULL, "successful parse without a schema");
  FUZZ_CHECK(strata_schema_get_type(s) == STRATA_SCHEMA_AVRO, "wrong schema type");

  const char *canon = strata_schema_canonical(s);
  const char *nf = strata_schema_normal_form(s);
  uint64_t fp = strata_schema_fingerprint(s);
  FUZZ_CHECK(canon != NULL, "no canonical text");
  FUZZ_CHECK(nf != NULL, "no normal form");
  FUZZ_CHECK(fp == strata_crc64_avro(nf, strlen(nf)), "fingerprint is not CRC-64-AVRO of the normal form");

  /* The canonical text is what the registry stores: it must read back as
   * the same schema. */
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, canon, strlen(canon), NULL, 0, &again, &diag);
  FUZZ_CHECK(err == STRATA_E_OK, "canonical text does not parse: %s: %s\n  input canonical: %s",
             strata_error_name(err), diag.message, canon);
  FUZZ_CHECK(strcmp(strata_schema_normal_form(again), nf) == 0,
             "canonical text changes the normal form\n  before: %s\n  after:  %s", nf,
             strata_schema_normal_form(again));
  FUZZ_CHECK(strata_schema_fingerprint(again) == fp, "canonical text changes the fingerprint");
  FUZZ_CHECK(strcmp(strata_schema_canonical(again), canon) == 0,
             "canonical text is not idempotent\n  first:  %s\n  second: %s", canon,
             strata_schema_canonical(again));

  /* The normal form is itself a schema with the same normal form. */
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, nf, strlen(nf), NULL, 0, &nfs, &diag);
  FUZZ_CHECK(err == STRATA_E_OK, "normal form does not parse: %s: %s\n  normal form: %s",
             strata_error_name(err), diag.message, nf);
  FUZZ_CHECK(strcmp(strata_schema_normal_form(nfs), nf) == 0,
             "normal form is not a fixed point\n  first:  %s\n  second: %s", nf,
             strata_schema_normal_form(nfs));
  FUZZ_CHECK(strata_schema_fingerprint(nfs) == fp, "normal form changes the fingerprint");

  /* A schema is FULL compatible with itself (and with its own re-parse). */
  const strata_schema *self[1] = {s};
  fuzz_check_self_compatible(s, self, "schema vs itself");
  const strata_schema *reparsed[1] = {again};
  fuzz_check_self_compatible(s, reparsed, "schema vs re-parsed canonical text");

  /* Against an unrelated schema, both ways: any verdict, but no failure. */
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, fixed_schema, sizeof fixed_schema - 1, NULL, 0, &fixed,
                            &diag);
  FUZZ_CHECK(err == STRATA_E_OK, "fixed schema does not parse");
  const strata_schema *prev_fixed[1] = {fixed};
  const strata_schema *prev_s[1] = {s};
  fuzz_run_check(STRATA_COMPAT_FULL, s, prev_fixed, NULL, 1, true);
  fuzz_run_check(STRATA_COMPAT_FULL, fixed, prev_s, NULL, 1, false);

  strata_schema_free(&fixed);
  strata_schema_free(&nfs);
  strata_schema_free(&again);
  strata_schema_free(&s);
  FUZZ_CHECK(s == NULL, "strata_schema_free did not clear the pointer");
  return 0;
}
