/*
 * run_case.c - compat-case DIR: runs one data-driven compatibility case.
 *
 * DIR holds new.avsc, old-1.avsc ... old-N.avsc (previous schemas, oldest first) and
 * expect.json:
 *   {"source": "...", "checks": [{"level": "BACKWARD", "compatible": false,
 *     "issues": [{"code": "...", "path": "...", "detail": "...", "direction": "BACKWARD",
 *                 "version": 1}]}]}
 * Every check runs strata_compat_check(level, new, olds) and compares the verdict; when "issues"
 * is present the issue list must match exactly and in order.
 *
 * Table cases use .sql (DDL) or .json (table document) files instead of .avsc, freely mixed
 * (new.json against old-1.sql); they are parsed as schemaType TABLE. An optional top-level
 * "identical": true asserts that new and old-1 have the same canonical text and fingerprint
 * (two spellings of one schema, e.g. DDL and a table document).
 *
 * A Protobuf case has new.proto, old-1.proto ... instead, each file's imports under
 * new-imports/, old-1-imports/ ... (the built-in google/protobuf/ files need none). A file
 * without imports is parsed with strata_schema_parse(), one with imports with
 * strata_proto_parse_file() as "schema.proto". Its issue lists are compared as multisets
 * (Confluent's own order follows Java hash sets), and "detail" is optional.
 * Exit status: 0 when every check passes, 1 on any mismatch or error, 2 on bad usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <strata/compat.h>

#define PATH_SIZE 4096
#define MAX_OLD   1000

static const char *str_or(const char *s) {
  return s ? s : "(null)";
}

static bool path_join(char *out, const char *dir, const char *name) {
  int n = snprintf(out, PATH_SIZE, "%s/%s", dir, name);
  if (n < 0 || n >= PATH_SIZE) {
    fprintf(stderr, "path too long: %s/%s\n", dir, name);
    return false;
  }
  return true;
}

static bool file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    return false;
  }
  fclose(f);
  return true;
}

/* Reads the whole file at @p path into a new NUL-terminated buffer. */
static bool read_file(const char *path, char **out, size_t *len) {
  bool ok = false;
  char *buf = NULL;
  size_t cap = 0;
  size_t used = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    goto cleanup;
  }
  for (;;) {
    if (cap - used < 4096) {
      size_t ncap = cap ? cap * 2 : 8192;
      char *nbuf = realloc(buf, ncap);
      if (!nbuf) {
        fprintf(stderr, "%s: out of memory\n", path);
        goto cleanup;
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t got = fread(buf + used, 1, cap - used - 1, f);
    used += got;
    if (got == 0) {
      break;
    }
  }
  if (ferror(f)) {
    fprintf(stderr, "%s: read error\n", path);
    goto cleanup;
  }
  buf[used] = '\0';
  *out = buf;
  *len = used;
  buf = NULL;
  ok = true;
cleanup:
  free(buf);
  if (f) {
    fclose(f);
  }
  return ok;
}

/* Loads an import of a Protobuf case from the directory @p ctx. */
static strata_error load_import(void *ctx, const char *path, char **text, size_t *len) {
  char full[PATH_SIZE];
  if (!path_join(full, ctx, path) || !file_exists(full)) {
    return STRATA_E_NOT_FOUND;
  }
  return read_file(full, text, len) ? STRATA_E_OK : STRATA_E_NOMEM;
}

/* The schema file "<stem>.avsc|.proto|.sql|.json" in @p dir: fills @p path and @p type; false
 * when none exists. */
static bool find_schema_file(const char *dir, const char *stem, char *path,
                             strata_schema_type *type) {
  static const struct {
    const char *ext;
    strata_schema_type type;
  } exts[] = {{"avsc", STRATA_SCHEMA_AVRO},
              {"proto", STRATA_SCHEMA_PROTOBUF},
              {"sql", STRATA_SCHEMA_TABLE},
              {"json", STRATA_SCHEMA_TABLE}};
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    char name[64];
    snprintf(name, sizeof name, "%s.%s", stem, exts[i].ext);
    if (path_join(path, dir, name) && file_exists(path)) {
      *type = exts[i].type;
      return true;
    }
  }
  return false;
}

/* Parses the schema file at @p path (Avro, Table, or Protobuf when @p type says so, with its
 * imports in @p imports when that directory exists); a failure prints the strata_diag. */
static bool parse_schema_file(strata_schema_type type, const char *path, const char *imports,
                              strata_schema **out) {
  bool ok = false;
  char *text = NULL;
  size_t len = 0;
  strata_diag diag;
  strata_error err;
  memset(&diag, 0, sizeof diag);
  if (!read_file(path, &text, &len)) {
    goto cleanup;
  }
  if (type == STRATA_SCHEMA_PROTOBUF && imports != NULL && file_exists(imports)) {
    err = strata_proto_parse_file("schema.proto", text, len, load_import, (void *)imports, out,
                                  &diag);
  } else {
    err = strata_schema_parse(type, text, len, NULL, 0, out, &diag);
  }
  if (err != STRATA_E_OK) {
    fprintf(stderr, "FAIL %s: parse: %s (%s)\n", path, strata_error_name(err),
            strata_strerror(err));
    fprintf(stderr, "  diag: line %d, column %d, path '%s': %s\n", diag.line, diag.column,
            diag.path, diag.message);
    goto cleanup;
  }
  ok = true;
cleanup:
  free(text);
  return ok;
}

/* One expected issue, borrowed from the expect.json document. */
typedef struct expected_issue {
  const char *code;
  const char *path;
  const char *detail;
  const char *direction;
  int version;
} expected_issue;

static const char *get_string(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool read_expected_issue(json_t *obj, size_t i, bool detail_optional, expected_issue *out) {
  json_t *version = json_object_get(obj, "version");
  out->code = get_string(obj, "code");
  out->path = get_string(obj, "path");
  out->detail = get_string(obj, "detail");
  out->direction = get_string(obj, "direction");
  if (!json_is_object(obj) || !out->code || !out->path || (!out->detail && !detail_optional) ||
      !out->direction || !json_is_integer(version)) {
    fprintf(stderr,
            "expect.json: issue %zu needs string code, path, detail, direction and an "
            "integer version\n",
            i);
    return false;
  }
  out->version = (int)json_integer_value(version);
  return true;
}

static bool issue_matches(const expected_issue *e, const strata_compat_issue *a) {
  const char *dir = strata_compat_direction_name(a->direction);
  return a->code && a->path && a->detail && dir && strcmp(e->code, a->code) == 0 &&
         strcmp(e->path, a->path) == 0 &&
         (e->detail == NULL || strcmp(e->detail, a->detail) == 0) &&
         strcmp(e->direction, dir) == 0 && e->version == a->version;
}

static void print_expected(const expected_issue *e, size_t n) {
  fprintf(stderr, "  expected (%zu issue%s):\n", n, n == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++) {
    fprintf(stderr, "    [%zu] %s %s v%d path='%s' detail='%s'\n", i, e[i].code, e[i].direction,
            e[i].version, e[i].path, str_or(e[i].detail));
  }
}

static void print_actual(const strata_compat_result *res) {
  size_t n = strata_compat_result_issue_count(res);
  fprintf(stderr, "  actual (%zu issue%s):\n", n, n == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++) {
    const strata_compat_issue *a = strata_compat_result_issue(res, i);
    if (!a) {
      fprintf(stderr, "    [%zu] (NULL issue)\n", i);
      continue;
    }
    fprintf(stderr, "    [%zu] %s %s v%d path='%s' detail='%s'\n", i, str_or(a->code),
            str_or(strata_compat_direction_name(a->direction)), a->version, str_or(a->path),
            str_or(a->detail));
    fprintf(stderr, "        message: %s\n", str_or(a->message));
  }
}

/* Runs check @p index of expect.json; returns true when it passes. */
/* Do the issues of @p res match @p expected in any order? */
static bool issues_match_multiset(const expected_issue *expected, size_t nexpected,
                                  const strata_compat_result *res) {
  bool ok = false;
  size_t nactual = strata_compat_result_issue_count(res);
  bool *used = calloc(nactual ? nactual : 1, sizeof *used);
  if (used == NULL || nactual != nexpected) {
    goto cleanup;
  }
  for (size_t i = 0; i < nexpected; i++) {
    size_t k = 0;
    while (k < nactual &&
           (used[k] || !issue_matches(&expected[i], strata_compat_result_issue(res, k)))) {
      k++;
    }
    if (k == nactual) {
      goto cleanup;
    }
    used[k] = true;
  }
  ok = true;
cleanup:
  free(used);
  return ok;
}

static bool run_check(const char *dir, size_t index, json_t *check, const strata_schema *candidate,
                      strata_schema *const *olds, size_t nold, bool multiset) {
  bool ok = false;
  strata_compat_result *res = NULL;
  expected_issue *expected = NULL;
  size_t nexpected = 0;

  const char *level_name = get_string(check, "level");
  json_t *compatible = json_object_get(check, "compatible");
  json_t *issues = json_object_get(check, "issues");
  if (!json_is_object(check) || !level_name || !json_is_boolean(compatible) ||
      (issues && !json_is_array(issues))) {
    fprintf(stderr,
            "FAIL %s: expect.json check %zu needs a string level, a boolean compatible "
            "and optionally an issues array\n",
            dir, index);
    goto cleanup;
  }
  strata_compat_level level;
  if (strata_compat_level_from_name(level_name, &level) != STRATA_E_OK) {
    fprintf(stderr, "FAIL %s: check %zu: unknown level '%s'\n", dir, index, level_name);
    goto cleanup;
  }
  if (issues) {
    nexpected = json_array_size(issues);
    expected = calloc(nexpected ? nexpected : 1, sizeof *expected);
    if (!expected) {
      fprintf(stderr, "FAIL %s: out of memory\n", dir);
      goto cleanup;
    }
    for (size_t i = 0; i < nexpected; i++) {
      if (!read_expected_issue(json_array_get(issues, i), i, multiset, &expected[i])) {
        fprintf(stderr, "FAIL %s: check %zu: malformed issue\n", dir, index);
        goto cleanup;
      }
    }
  }

  strata_error err =
      strata_compat_check(level, candidate, (const strata_schema *const *)olds, NULL, nold, &res);
  if (err != STRATA_E_OK) {
    fprintf(stderr, "FAIL %s: check %zu (%s): strata_compat_check: %s (%s)\n", dir, index,
            level_name, strata_error_name(err), strata_strerror(err));
    goto cleanup;
  }

  bool want = json_is_true(compatible);
  bool got = strata_compat_result_compatible(res);
  bool verdict_ok = want == got;
  bool issues_ok = true;
  size_t nactual = strata_compat_result_issue_count(res);
  size_t first_diff = 0;
  if (issues && multiset) {
    issues_ok = issues_match_multiset(expected, nexpected, res);
  } else if (issues) {
    if (nactual != nexpected) {
      issues_ok = false;
      first_diff = nactual < nexpected ? nactual : nexpected;
    }
    for (size_t i = 0; i < nexpected && i < nactual; i++) {
      const strata_compat_issue *a = strata_compat_result_issue(res, i);
      if (!a || !issue_matches(&expected[i], a)) {
        issues_ok = false;
        first_diff = i;
        break;
      }
    }
  }

  if (!verdict_ok || !issues_ok) {
    fprintf(stderr, "FAIL %s: check %zu (%s, %zu previous):", dir, index, level_name, nold);
    if (!verdict_ok) {
      fprintf(stderr, " expected %s, got %s;", want ? "compatible" : "incompatible",
              got ? "compatible" : "incompatible");
    }
    if (!issues_ok) {
      fprintf(stderr, " issues differ (first difference at [%zu]);", first_diff);
    }
    fputc('\n', stderr);
    if (issues) {
      print_expected(expected, nexpected);
    } else {
      fprintf(stderr, "  expected: issues not asserted\n");
    }
    print_actual(res);
    goto cleanup;
  }
  ok = true;
cleanup:
  free(expected);
  strata_compat_result_free(&res);
  return ok;
}

static int run_case(const char *dir) {
  int status = 1;
  char path[PATH_SIZE];
  strata_schema *candidate = NULL;
  strata_schema **olds = NULL;
  size_t nold = 0;
  json_t *expect = NULL;
  json_error_t jerr;

  char imports[PATH_SIZE];
  strata_schema_type type = STRATA_SCHEMA_AVRO;
  if (!find_schema_file(dir, "new", path, &type)) {
    fprintf(stderr, "FAIL %s: no new.avsc, new.proto, new.sql or new.json\n", dir);
    goto cleanup;
  }
  if (!path_join(imports, dir, "new-imports") ||
      !parse_schema_file(type, path, imports, &candidate)) {
    goto cleanup;
  }
  for (size_t n = 1; n <= MAX_OLD; n++) {
    char name[32];
    char imports_name[48];
    strata_schema_type old_type = type;
    snprintf(name, sizeof name, "old-%zu", n);
    snprintf(imports_name, sizeof imports_name, "old-%zu-imports", n);
    if (!find_schema_file(dir, name, path, &old_type)) {
      break;
    }
    strata_schema **grown = realloc(olds, (nold + 1) * sizeof *olds);
    if (!grown) {
      fprintf(stderr, "FAIL %s: out of memory\n", dir);
      goto cleanup;
    }
    olds = grown;
    olds[nold] = NULL;
    if (!path_join(imports, dir, imports_name) ||
        !parse_schema_file(old_type, path, imports, &olds[nold])) {
      goto cleanup;
    }
    nold++;
  }

  if (!path_join(path, dir, "expect.json")) {
    goto cleanup;
  }
  expect = json_load_file(path, 0, &jerr);
  if (!expect) {
    fprintf(stderr, "FAIL %s: line %d: %s\n", path, jerr.line, jerr.text);
    goto cleanup;
  }
  json_t *checks = json_object_get(expect, "checks");
  if (!json_is_array(checks) || json_array_size(checks) == 0) {
    fprintf(stderr, "FAIL %s: \"checks\" must be a non-empty array\n", path);
    goto cleanup;
  }

  bool all_ok = true;
  if (json_is_true(json_object_get(expect, "identical"))) {
    if (nold == 0 ||
        strcmp(strata_schema_canonical(candidate), strata_schema_canonical(olds[0])) != 0 ||
        strata_schema_fingerprint(candidate) != strata_schema_fingerprint(olds[0])) {
      fprintf(stderr, "FAIL %s: new and old-1 should be identical:\n  new:   %s\n  old-1: %s\n",
              dir, strata_schema_canonical(candidate),
              nold > 0 ? strata_schema_canonical(olds[0]) : "-");
      all_ok = false;
    }
  }
  for (size_t i = 0; i < json_array_size(checks); i++) {
    if (!run_check(dir, i, json_array_get(checks, i), candidate, olds, nold,
                   type == STRATA_SCHEMA_PROTOBUF)) {
      all_ok = false;
    }
  }
  if (all_ok) {
    printf("ok %s (%zu check%s, %zu previous)\n", dir, json_array_size(checks),
           json_array_size(checks) == 1 ? "" : "s", nold);
    status = 0;
  } else {
    const char *source = get_string(expect, "source");
    if (source) {
      fprintf(stderr, "  source: %s\n", source);
    }
  }
cleanup:
  json_decref(expect);
  for (size_t i = 0; i < nold; i++) {
    strata_schema_free(&olds[i]);
  }
  free(olds);
  strata_schema_free(&candidate);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argc > 0 ? argv[0] : "compat-case");
    return 2;
  }
  return run_case(argv[1]);
}
