/*
 * lint_config.c - the linter's config file: the TOML subset squawk's
 * .squawk.toml uses for the same settings.
 *
 *   # comment
 *   pg_version = "13.0"
 *   assume_in_transaction = true
 *   excluded_rules = ["ban-drop-column", "prefer-robust-stmts"]
 *   included_rules = ["all"]
 *
 * included_rules are applied before excluded_rules, so exclusion wins.
 */
#include "lint_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static strata_error cfg_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static strata_error cfg_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return STRATA_E_INVALID_ARGUMENT;
}

static char *cfg_trim(char *s) {
  while (isspace((unsigned char)*s)) {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) {
    s[--n] = '\0';
  }
  return s;
}

/* Blanks '#' comments outside strings, and joins the lines of a multi-line
 * array (newlines inside [...] become spaces), in place. */
static void cfg_normalise(char *s) {
  bool quoted = false;
  bool comment = false;
  int depth = 0;
  for (; *s != '\0'; s++) {
    if (*s == '\n') {
      comment = false;
      quoted = false;
      if (depth > 0) {
        *s = ' ';
      }
    } else if (comment) {
      *s = ' ';
    } else if (*s == '"') {
      quoted = !quoted;
    } else if (!quoted && *s == '#') {
      comment = true;
      *s = ' ';
    } else if (!quoted && *s == '[') {
      depth++;
    } else if (!quoted && *s == ']' && depth > 0) {
      depth--;
    }
  }
}

/* A string value "..." or a bare word: the text between the quotes, in place. */
static char *cfg_string(char *v) {
  size_t n = strlen(v);
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
    v[n - 1] = '\0';
    return v + 1;
  }
  return v;
}

/* Applies ["a", "b"] to @p rules as a comma-separated list in place. */
static bool cfg_array(char *v, char **list) {
  size_t n = strlen(v);
  if (n < 2 || v[0] != '[' || v[n - 1] != ']') {
    return false;
  }
  v[n - 1] = '\0';
  v++;
  for (char *p = v; *p != '\0'; p++) {
    if (*p == '"') {
      *p = ' ';
    }
  }
  *list = v;
  return true;
}

strata_error mlint_config_load(const char *path, mlint_options *opts, char *err, size_t errlen) {
  strata_error rc = STRATA_E_INVALID_ARGUMENT;
  char *text = NULL;
  char *include = NULL;
  char *exclude = NULL;
  mlint_options next = *opts;
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    rc = STRATA_E_NOT_FOUND;
    cfg_fail(err, errlen, "%s: %s", path, strerror(errno));
    goto cleanup;
  }
  size_t cap = 4096;
  size_t len = 0;
  text = malloc(cap);
  while (text != NULL) {
    size_t got = fread(text + len, 1, cap - len - 1, fp);
    len += got;
    if (len + 1 < cap) {
      break;
    }
    char *grown = cap > (1u << 20) ? NULL : realloc(text, cap * 2);
    if (grown == NULL) {
      rc = cfg_fail(err, errlen, "%s: too large", path);
      goto cleanup;
    }
    text = grown;
    cap *= 2;
  }
  if (text == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  text[len] = '\0';
  cfg_normalise(text);
  int lineno = 0;
  char *next_line = text;
  while (next_line != NULL) {
    char *line = next_line;
    char *nl = strchr(line, '\n');
    next_line = nl != NULL ? nl + 1 : NULL;
    if (nl != NULL) {
      *nl = '\0';
    }
    lineno++;
    char *s = cfg_trim(line);
    if (*s == '\0') {
      continue;
    }
    char *eq = strchr(s, '=');
    if (eq == NULL) {
      rc = cfg_fail(err, errlen, "%s:%d: expected `key = value`", path, lineno);
      goto cleanup;
    }
    *eq = '\0';
    char *key = cfg_trim(s);
    char *value = cfg_trim(eq + 1);
    if (strcmp(key, "pg_version") == 0) {
      if (!mlint_parse_pg_version(cfg_string(value), &next.pg_version)) {
        rc = cfg_fail(err, errlen, "%s:%d: pg_version: not a PostgreSQL version", path, lineno);
        goto cleanup;
      }
    } else if (strcmp(key, "assume_in_transaction") == 0) {
      if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
        next.assume_in_transaction = value[0] == 't';
      } else {
        rc = cfg_fail(err, errlen, "%s:%d: assume_in_transaction: expected true or false", path,
                      lineno);
        goto cleanup;
      }
    } else if (strcmp(key, "excluded_rules") == 0 || strcmp(key, "included_rules") == 0) {
      char *list = NULL;
      if (!cfg_array(value, &list)) {
        rc = cfg_fail(err, errlen, "%s:%d: %s: expected an array of rule names", path, lineno, key);
        goto cleanup;
      }
      char **slot = key[0] == 'e' ? &exclude : &include;
      free(*slot);
      *slot = strdup(list);
      if (*slot == NULL) {
        rc = STRATA_E_NOMEM;
        goto cleanup;
      }
    } else {
      rc = cfg_fail(err, errlen, "%s:%d: unknown key '%s'", path, lineno, key);
      goto cleanup;
    }
  }
  const char *bad = NULL;
  if (include != NULL && mlint_options_set_rules(&next, include, true, &bad) != STRATA_E_OK) {
    rc = cfg_fail(err, errlen, "%s: included_rules: unknown rule '%.*s'", path,
                  (int)strcspn(bad, ", \t"), bad);
    goto cleanup;
  }
  if (exclude != NULL && mlint_options_set_rules(&next, exclude, false, &bad) != STRATA_E_OK) {
    rc = cfg_fail(err, errlen, "%s: excluded_rules: unknown rule '%.*s'", path,
                  (int)strcspn(bad, ", \t"), bad);
    goto cleanup;
  }
  *opts = next;
  rc = STRATA_E_OK;

cleanup:
  if (fp != NULL) {
    fclose(fp);
  }
  free(text);
  free(include);
  free(exclude);
  return rc;
}
