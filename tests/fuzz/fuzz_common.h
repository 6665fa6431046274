/*
 * fuzz_common.h - checks shared by the fuzz targets in tests/fuzz.
 *
 * Everything here is static inline so that each target includes what it uses.
 * A violated invariant prints what went wrong and calls abort(), which both
 * libFuzzer and the replay runner report as a crash.
 */
#ifndef STRATA_FUZZ_COMMON_H
#define STRATA_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/compat.h>

/* Inputs larger than this are ignored: they only slow the fuzzer down. */
#define FUZZ_MAX_INPUT (64 * 1024)

static inline void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: invariant violated: %s\n  ", file, line, cond);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

/* FUZZ_CHECK(cond, fmt, ...): abort with a message unless cond holds. */
#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                           \
  } while (0)

/* The diag of a failed parse holds NUL-terminated strings and sane positions. */
static inline void fuzz_check_diag(const strata_diag *diag) {
  FUZZ_CHECK(memchr(diag->path, '\0', sizeof diag->path) != NULL, "diag.path is not terminated");
  FUZZ_CHECK(memchr(diag->message, '\0', sizeof diag->message) != NULL,
             "diag.message is not terminated");
  FUZZ_CHECK(diag->message[0] != '\0', "diag.message is empty");
  FUZZ_CHECK(diag->line >= 0 && diag->column >= 0, "negative diag position %d:%d", diag->line,
             diag->column);
}

static inline bool fuzz_level_is_transitive(strata_compat_level level) {
  return level == STRATA_COMPAT_BACKWARD_TRANSITIVE || level == STRATA_COMPAT_FORWARD_TRANSITIVE ||
         level == STRATA_COMPAT_FULL_TRANSITIVE;
}

/* The outcome of fuzz_run_check. */
typedef struct fuzz_verdict {
  bool compatible;
  size_t issues;
  size_t backward; /* issues in each direction */
  size_t forward;
} fuzz_verdict;

/*
 * Runs strata_compat_check and checks the result against the contract of
 * compat.h: consistent verdict and issue count, complete issues, directions
 * that match the level, versions among the ones checked, and verbose messages
 * (empty exactly when compatible, stable across calls).
 */
static inline fuzz_verdict fuzz_run_check(strata_compat_level level, const strata_schema *candidate,
                                          const strata_schema *const *previous, const int *versions,
                                          size_t nprevious, bool validate_fields) {
  fuzz_verdict v = {false, 0, 0, 0};
  strata_compat_result *res = NULL;
  strata_error err = strata_compat_check(level, candidate, previous, versions, nprevious, &res);
  if (err == STRATA_E_NOMEM)
    return v;
  FUZZ_CHECK(err == STRATA_E_OK, "strata_compat_check(%s) failed: %s",
             strata_compat_level_name(level), strata_error_name(err));
  FUZZ_CHECK(res != NULL, "no result");
  FUZZ_CHECK(strata_compat_result_level(res) == level, "result has the wrong level");

  v.compatible = strata_compat_result_compatible(res);
  v.issues = strata_compat_result_issue_count(res);
  FUZZ_CHECK(v.compatible == (v.issues == 0), "compatible=%d with %zu issues", (int)v.compatible,
             v.issues);
  for (size_t i = 0; i < v.issues; i++) {
    const strata_compat_issue *is = strata_compat_result_issue(res, i);
    FUZZ_CHECK(is != NULL, "issue %zu of %zu is NULL", i, v.issues);
    FUZZ_CHECK(is->code != NULL && is->code[0] != '\0', "issue %zu has no code", i);
    FUZZ_CHECK(is->path != NULL, "issue %zu (%s) has no path", i, is->code);
    FUZZ_CHECK(is->message != NULL && is->message[0] != '\0', "issue %zu (%s) has no message", i,
               is->code);
    if (is->detail)
      (void)strlen(is->detail);
    FUZZ_CHECK(is->direction == STRATA_DIRECTION_BACKWARD ||
                   is->direction == STRATA_DIRECTION_FORWARD,
               "issue %zu (%s) has direction %d", i, is->code, (int)is->direction);
    if (is->direction == STRATA_DIRECTION_BACKWARD)
      v.backward++;
    else
      v.forward++;
    if (level == STRATA_COMPAT_BACKWARD || level == STRATA_COMPAT_BACKWARD_TRANSITIVE)
      FUZZ_CHECK(is->direction == STRATA_DIRECTION_BACKWARD, "FORWARD issue %s at level %s",
                 is->code, strata_compat_level_name(level));
    if (level == STRATA_COMPAT_FORWARD || level == STRATA_COMPAT_FORWARD_TRANSITIVE)
      FUZZ_CHECK(is->direction == STRATA_DIRECTION_FORWARD, "BACKWARD issue %s at level %s",
                 is->code, strata_compat_level_name(level));
    /* the version must be one of those checked (only the newest unless transitive) */
    bool known = false;
    size_t first = fuzz_level_is_transitive(level) ? 0 : (nprevious ? nprevious - 1 : 0);
    for (size_t k = first; k < nprevious; k++)
      if (is->version == (versions ? versions[k] : (int)k + 1))
        known = true;
    FUZZ_CHECK(known, "issue %zu (%s) names version %d, which was not checked", i, is->code,
               is->version);
  }
  FUZZ_CHECK(strata_compat_result_issue(res, v.issues) == NULL, "issue past the end is not NULL");

  const char *const *msgs = NULL;
  size_t nmsgs = 0;
  err = strata_compat_result_messages(res, validate_fields, &msgs, &nmsgs);
  if (err != STRATA_E_NOMEM) {
    FUZZ_CHECK(err == STRATA_E_OK, "strata_compat_result_messages failed: %s",
               strata_error_name(err));
    FUZZ_CHECK(v.compatible ? nmsgs == 0 : nmsgs > 0, "%zu messages for a %s result", nmsgs,
               v.compatible ? "compatible" : "incompatible");
    FUZZ_CHECK(nmsgs == 0 || msgs != NULL, "messages array is NULL");
    for (size_t i = 0; i < nmsgs; i++) {
      FUZZ_CHECK(msgs[i] != NULL, "message %zu is NULL", i);
      (void)strlen(msgs[i]);
    }
    const char *const *msgs2 = NULL;
    size_t nmsgs2 = 0;
    err = strata_compat_result_messages(res, validate_fields, &msgs2, &nmsgs2);
    FUZZ_CHECK(err == STRATA_E_OK && nmsgs2 == nmsgs && (nmsgs == 0 || msgs2 == msgs),
               "messages changed between two calls");
  }
  strata_compat_result_free(&res);
  FUZZ_CHECK(res == NULL, "strata_compat_result_free did not clear the pointer");
  return v;
}

#ifndef FUZZ_SELF_INCOMPAT_CODES
#define FUZZ_SELF_INCOMPAT_CODES "AMBIGUOUS_FIELD_ALIAS"
#endif

/* Issue codes that may legitimately make a schema incompatible with itself:
 * Java's SchemaCompatibility throws when a reader field's aliases match more
 * than one writer field (e.g. fields "a" aliased "b", and "b"), which
 * Confluent reports as an unexpected exception. */
static inline bool fuzz_self_incompat_allowed(const char *code) {
  static const char *const allowed[] = {FUZZ_SELF_INCOMPAT_CODES};
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    if (allowed[i] && strcmp(code, allowed[i]) == 0)
      return true;
  return false;
}

/* @p schema checked FULL against @p self (one schema equal to it) must be
 * compatible, apart from the allowed quirks above. */
static inline void fuzz_check_self_compatible(const strata_schema *schema,
                                              const strata_schema *const *self, const char *what) {
  strata_compat_result *res = NULL;
  strata_error err = strata_compat_check(STRATA_COMPAT_FULL, schema, self, NULL, 1, &res);
  if (err == STRATA_E_NOMEM)
    return;
  FUZZ_CHECK(err == STRATA_E_OK, "%s: strata_compat_check failed: %s", what,
             strata_error_name(err));
  size_t n = strata_compat_result_issue_count(res);
  for (size_t i = 0; i < n; i++) {
    const strata_compat_issue *is = strata_compat_result_issue(res, i);
    if (!fuzz_self_incompat_allowed(is->code))
      fuzz_fail(__FILE__, __LINE__, "compatible with itself",
                "%s: issue %s at %s: %s\n  schema: %s", what, is->code, is->path, is->message,
                strata_schema_canonical(schema));
  }
  strata_compat_result_free(&res);
}

#endif /* STRATA_FUZZ_COMMON_H */
