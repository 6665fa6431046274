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
 *   - the normal form parses again, to the same normal form and fingerprint
 *     (except for null-namespace types nested in namespaced ones, where the
 *     specification's form itself is ambiguous: see below);
 *   - the schema is FULL compatible with itself;
 * and a FULL check against a small fixed schema (both ways) with its verbose
 * messages runs without error. On a parse failure the diag must be filled
 * with NUL-terminated strings and *out must be NULL.
 */
#include <stdbool.h>
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

static bool nf_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

/*
 * True when @p b equals @p a except that some bare (dot-less) quoted names of
 * @p a are namespace-qualified in @p b ("T" -> "a.b.T"). That is how the
 * Parsing Canonical Form of a null-namespace type nested in a namespaced
 * record re-parses (the spec's [FULLNAMES] gives no way to say "no
 * namespace"; Java's SchemaNormalization behaves the same).
 */
static bool nf_equal_but_qualified(const char *a, const char *b) {
  size_t i = 0, j = 0;
  while (a[i] != '\0' || b[j] != '\0') {
    if (a[i] == b[j]) {
      i++;
      j++;
      continue;
    }
    /* diverged inside a quoted name: a's name must be bare, b's must end in ".<a's name>" */
    size_t qa = i, qb = j;
    while (qa > 0 && nf_name_char(a[qa - 1]))
      qa--;
    while (qb > 0 && nf_name_char(b[qb - 1]))
      qb--;
    if (qa == 0 || qb == 0 || a[qa - 1] != '"' || b[qb - 1] != '"')
      return false;
    size_t ea = qa, eb = qb;
    while (nf_name_char(a[ea]))
      ea++;
    while (nf_name_char(b[eb]))
      eb++;
    if (a[ea] != '"' || b[eb] != '"')
      return false;
    size_t la = ea - qa, lb = eb - qb;
    if (memchr(a + qa, '.', la) != NULL || lb <= la + 1 || b[eb - la - 1] != '.' ||
        memcmp(a + qa, b + eb - la, la) != 0)
      return false;
    i = ea;
    j = eb;
  }
  return true;
}

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
    FUZZ_CHECK(err == STRATA_E_INVALID_SCHEMA || err == STRATA_E_NOMEM, "unexpected parse error %s",
               strata_error_name(err));
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
  FUZZ_CHECK(fp == strata_crc64_avro(nf, strlen(nf)),
             "fingerprint is not CRC-64-AVRO of the normal form");

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

  /* The normal form is itself a schema with the same normal form. The one
   * known exception, shared by the specification and Java: a named type of
   * the null namespace nested in a namespaced one is written as a bare name,
   * which re-parses into the enclosing namespace (so the normal form may not
   * even parse when another namespace refers to it). The canonical text keeps
   * "namespace":"" for such types. */
  bool null_ns = strstr(canon, "\"namespace\":\"\"") != NULL;
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, nf, strlen(nf), NULL, 0, &nfs, &diag);
  FUZZ_CHECK(err == STRATA_E_OK || (null_ns && err == STRATA_E_INVALID_SCHEMA),
             "normal form does not parse: %s: %s\n  normal form: %s", strata_error_name(err),
             diag.message, nf);
  if (err == STRATA_E_OK && strcmp(strata_schema_normal_form(nfs), nf) == 0) {
    FUZZ_CHECK(strata_schema_fingerprint(nfs) == fp, "normal form changes the fingerprint");
  } else if (err == STRATA_E_OK) {
    FUZZ_CHECK(null_ns && nf_equal_but_qualified(nf, strata_schema_normal_form(nfs)),
               "normal form is not a fixed point\n  first:  %s\n  second: %s", nf,
               strata_schema_normal_form(nfs));
  }

  /* A schema is FULL compatible with itself (and with its own re-parse). */
  const strata_schema *self[1] = {s};
  fuzz_check_self_compatible(s, self, "schema vs itself");
  const strata_schema *reparsed[1] = {again};
  fuzz_check_self_compatible(s, reparsed, "schema vs re-parsed canonical text");

  /* Against an unrelated schema, both ways: any verdict, but no failure. */
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, fixed_schema, sizeof fixed_schema - 1, NULL, 0,
                            &fixed, &diag);
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
