/*
 * fuzz_avro_pair.c - libFuzzer target for the Avro compatibility checker on
 * pairs of schemas.
 *
 * The input is split at its first NUL byte into two schema texts A and B
 * (without a NUL byte, A and B are the same text). When both parse, A is
 * checked against B and B against A at FULL_TRANSITIVE, and A against the
 * history [B, A, B] with explicit version numbers, with verbose messages.
 * Invariants (abort() on violation):
 *   - every result honours compat.h (see fuzz_run_check in fuzz_common.h);
 *   - FULL is symmetric: the BACKWARD issues of A-vs-B are the FORWARD issues
 *     of B-vs-A (same reader and writer), and the other way round;
 *   - BACKWARD A-vs-B finds as many issues as FORWARD B-vs-A;
 *   - level NONE is always compatible.
 * B is also parsed with A as a reference (the registry's schema references)
 * and, when that parses, checked against the history.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/compat.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  strata_schema *a = NULL, *b = NULL;
  strata_diag diag;

  if (size > FUZZ_MAX_INPUT)
    return 0;
  memset(&diag, 0x5a, sizeof diag); /* the parser must fill it on failure */
  const char *text_a = (const char *)data, *text_b = text_a;
  size_t len_a = size, len_b = size;
  const uint8_t *nul = memchr(data, '\0', size);
  if (nul) {
    len_a = (size_t)(nul - data);
    text_b = (const char *)nul + 1;
    len_b = size - len_a - 1;
  }

  strata_error err = strata_schema_parse(STRATA_SCHEMA_AVRO, text_a, len_a, NULL, 0, &a, &diag);
  if (err != STRATA_E_OK) {
    FUZZ_CHECK(a == NULL, "failed parse left *out set");
    if (err == STRATA_E_INVALID_SCHEMA)
      fuzz_check_diag(&diag);
    return 0;
  }
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, text_b, len_b, NULL, 0, &b, &diag);
  if (err != STRATA_E_OK) {
    FUZZ_CHECK(b == NULL, "failed parse left *out set");
    if (err == STRATA_E_INVALID_SCHEMA)
      fuzz_check_diag(&diag);
    strata_schema_free(&a);
    return 0;
  }

  const strata_schema *prev_a[1] = {a};
  const strata_schema *prev_b[1] = {b};

  fuzz_verdict ab = fuzz_run_check(STRATA_COMPAT_FULL_TRANSITIVE, a, prev_b, NULL, 1, true);
  fuzz_verdict ba = fuzz_run_check(STRATA_COMPAT_FULL_TRANSITIVE, b, prev_a, NULL, 1, false);
  FUZZ_CHECK(ab.compatible == ba.compatible,
             "FULL is not symmetric: A-vs-B %s, B-vs-A %s\n  A: %s\n  B: %s",
             ab.compatible ? "compatible" : "incompatible",
             ba.compatible ? "compatible" : "incompatible", strata_schema_canonical(a),
             strata_schema_canonical(b));
  FUZZ_CHECK(
      ab.backward == ba.forward && ab.forward == ba.backward,
      "FULL issue counts differ: A-vs-B backward %zu forward %zu, B-vs-A backward %zu forward %zu"
      "\n  A: %s\n  B: %s",
      ab.backward, ab.forward, ba.backward, ba.forward, strata_schema_canonical(a),
      strata_schema_canonical(b));

  fuzz_verdict back = fuzz_run_check(STRATA_COMPAT_BACKWARD, a, prev_b, NULL, 1, false);
  fuzz_verdict fwd = fuzz_run_check(STRATA_COMPAT_FORWARD, b, prev_a, NULL, 1, true);
  FUZZ_CHECK(back.issues == fwd.issues && back.issues == ab.backward,
             "BACKWARD A-vs-B has %zu issues, FORWARD B-vs-A %zu, FULL A-vs-B backward %zu\n  A: "
             "%s\n  B: %s",
             back.issues, fwd.issues, ab.backward, strata_schema_canonical(a),
             strata_schema_canonical(b));

  /* A transitive history with explicit version numbers. */
  const strata_schema *history[3] = {b, a, b};
  const int versions[3] = {3, 7, 12};
  fuzz_run_check(STRATA_COMPAT_FULL_TRANSITIVE, a, history, versions, 3, true);
  fuzz_run_check(STRATA_COMPAT_BACKWARD_TRANSITIVE, b, history, versions, 3, false);
  fuzz_run_check(STRATA_COMPAT_FULL, a, history, versions, 3, false);

  fuzz_verdict none = fuzz_run_check(STRATA_COMPAT_NONE, a, prev_b, NULL, 1, false);
  FUZZ_CHECK(none.compatible, "level NONE is incompatible");

  /* B again, with A as a reference (the registry's schema references). */
  strata_schema *b_ref = NULL;
  const strata_schema *refs[1] = {a};
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, text_b, len_b, refs, 1, &b_ref, &diag);
  if (err == STRATA_E_OK) {
    const char *nf = strata_schema_normal_form(b_ref);
    FUZZ_CHECK(strata_schema_canonical(b_ref) != NULL && nf != NULL,
               "no canonical text or normal form");
    FUZZ_CHECK(strata_schema_fingerprint(b_ref) == strata_crc64_avro(nf, strlen(nf)),
               "fingerprint is not CRC-64-AVRO of the normal form");
    fuzz_run_check(STRATA_COMPAT_FULL_TRANSITIVE, b_ref, history, versions, 3, true);
    strata_schema_free(&b_ref);
  } else {
    FUZZ_CHECK(b_ref == NULL, "failed parse left *out set");
    if (err == STRATA_E_INVALID_SCHEMA)
      fuzz_check_diag(&diag);
  }

  strata_schema_free(&b);
  strata_schema_free(&a);
  return 0;
}
