/*
 * lint_case.c - runs the migration linter over one test case and compares
 * its findings with the expected ones.
 *
 *   lint_case CASE.sql     expects CASE.expected next to it
 *   lint_case --print CASE.sql   prints the findings in the expected format
 *
 * A case may set options in comments anywhere in the file:
 *   -- lint-case: pg-version=11 assume-in-transaction include=RULES exclude=RULES schema=FILE
 * CASE.expected holds one line per finding, in order: "LINE:COL RULE", and
 * optionally " ~ TEXT" that the message must contain. An empty file means clean.
 * Exit status: 0 match, 1 mismatch, 2 usage or input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  size_t cap = 4096;
  size_t n = 0;
  char *buf = malloc(cap);
  while (buf != NULL) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n + 1 < cap) {
      break;
    }
    char *grown = realloc(buf, cap * 2);
    if (grown == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

/* Applies the "-- lint-case:" settings in @p sql to @p opts. */
static int case_options(const char *sql, const char *dir, mlint_options *opts, char **schema) {
  const char *p = sql;
  while ((p = strstr(p, "-- lint-case:")) != NULL) {
    p += strlen("-- lint-case:");
    const char *end = strchr(p, '\n');
    size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)n, p);
    char *save = NULL;
    for (char *tok = strtok_r(line, " \t", &save); tok != NULL;
         tok = strtok_r(NULL, " \t", &save)) {
      if (strncmp(tok, "pg-version=", 11) == 0) {
        if (!mlint_parse_pg_version(tok + 11, &opts->pg_version)) {
          fprintf(stderr, "bad pg-version %s\n", tok + 11);
          return 2;
        }
      } else if (strcmp(tok, "assume-in-transaction") == 0) {
        opts->assume_in_transaction = true;
      } else if (strncmp(tok, "include=", 8) == 0) {
        if (mlint_options_set_rules(opts, tok + 8, true, NULL) != STRATA_E_OK) {
          fprintf(stderr, "bad include %s\n", tok + 8);
          return 2;
        }
      } else if (strncmp(tok, "exclude=", 8) == 0) {
        if (mlint_options_set_rules(opts, tok + 8, false, NULL) != STRATA_E_OK) {
          fprintf(stderr, "bad exclude %s\n", tok + 8);
          return 2;
        }
      } else if (strncmp(tok, "schema=", 7) == 0) {
        char path[1024];
        int written = snprintf(path, sizeof path, "%s/%s", dir, tok + 7);
        if (written < 0 || (size_t)written >= sizeof path) {
          fprintf(stderr, "schema path too long in %s\n", dir);
          return 2;
        }
        free(*schema);
        *schema = read_all(path, &opts->schema_len);
        if (*schema == NULL) {
          fprintf(stderr, "cannot read %s\n", path);
          return 2;
        }
        opts->schema_sql = *schema;
      } else {
        fprintf(stderr, "unknown lint-case setting %s\n", tok);
        return 2;
      }
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  int rc = 2;
  bool print = argc == 3 && strcmp(argv[1], "--print") == 0;
  const char *path = argc == 2 ? argv[1] : print ? argv[2] : NULL;
  char *sql = NULL;
  char *schema = NULL;
  char *expected = NULL;
  mlint_findings *f = NULL;
  if (path == NULL) {
    fprintf(stderr, "usage: lint_case [--print] CASE.sql\n");
    return 2;
  }
  size_t len = 0;
  sql = read_all(path, &len);
  if (sql == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    goto cleanup;
  }
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash != NULL) {
    *slash = '\0';
  } else {
    snprintf(dir, sizeof dir, ".");
  }
  mlint_options opts;
  mlint_options_init(&opts);
  if (case_options(sql, dir, &opts, &schema) != 0) {
    goto cleanup;
  }
  if (mlint_run(path, sql, len, &opts, &f) != STRATA_E_OK) {
    fprintf(stderr, "mlint_run failed\n");
    goto cleanup;
  }
  if (print) {
    for (size_t i = 0; i < f->count; i++) {
      printf("%d:%d %s ~ %s\n", f->items[i].line, f->items[i].column,
             mlint_rule_name(f->items[i].rule), f->items[i].message);
    }
    rc = 0;
    goto cleanup;
  }
  char epath[1100];
  snprintf(epath, sizeof epath, "%.*s.expected", (int)(strlen(path) - 4), path);
  size_t elen = 0;
  expected = read_all(epath, &elen);
  if (expected == NULL) {
    fprintf(stderr, "cannot read %s\n", epath);
    goto cleanup;
  }
  rc = 0;
  size_t k = 0;
  char *save = NULL;
  for (char *line = strtok_r(expected, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save), k++) {
    char want[256];
    const char *tilde = strstr(line, " ~ ");
    snprintf(want, sizeof want, "%.*s",
             (int)(tilde != NULL ? (size_t)(tilde - line) : strlen(line)), line);
    if (k >= f->count) {
      printf("FAIL %s: missing finding %s\n", path, line);
      rc = 1;
      continue;
    }
    const mlint_finding *it = &f->items[k];
    char got[256];
    snprintf(got, sizeof got, "%d:%d %s", it->line, it->column, mlint_rule_name(it->rule));
    if (strcmp(got, want) != 0) {
      printf("FAIL %s: finding %zu is \"%s\", expected \"%s\"\n", path, k + 1, got, want);
      rc = 1;
    } else if (tilde != NULL && strstr(it->message, tilde + 3) == NULL) {
      printf("FAIL %s: finding %zu message \"%s\" lacks \"%s\"\n", path, k + 1, it->message,
             tilde + 3);
      rc = 1;
    } else if (it->message[0] == '\0' || mlint_rule_help(it->rule)[0] == '\0' ||
               mlint_rule_why(it->rule)[0] == '\0') {
      printf("FAIL %s: finding %zu has no message, why or help\n", path, k + 1);
      rc = 1;
    }
  }
  for (; k < f->count; k++) {
    printf("FAIL %s: unexpected finding %d:%d %s ~ %s\n", path, f->items[k].line,
           f->items[k].column, mlint_rule_name(f->items[k].rule), f->items[k].message);
    rc = 1;
  }
  if (rc == 0) {
    printf("PASS %s (%zu findings)\n", path, f->count);
  }

cleanup:
  mlint_findings_free(&f);
  free(sql);
  free(schema);
  free(expected);
  return rc;
}
