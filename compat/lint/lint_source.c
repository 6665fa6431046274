/*
 * lint_source.c - prepares a migration's text for libpg_query: Flyway
 * ${placeholders} become same-length identifiers and psql meta-commands
 * (a backslash outside strings, to the end of its line) become blanks, so
 * every byte offset stays where it was. The same pass collects the
 * `-- strata-ignore` directives and the line table for line:column.
 */
#include "lint_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool src_ident_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* The end of a dollar-quote opening tag at text[i] == '$' ("$$" or "$tag$"), or 0. */
static size_t src_dollar_tag_end(const char *text, size_t len, size_t i) {
  size_t j = i + 1;
  if (j < len && (isalpha((unsigned char)text[j]) || text[j] == '_')) {
    while (j < len && (isalnum((unsigned char)text[j]) || text[j] == '_')) {
      j++;
    }
  }
  return j < len && text[j] == '$' ? j + 1 : 0;
}

static strata_error src_add_directive(mlint_source *src, const mlint_directive *d) {
  if (src->ndirectives % 16 == 0) {
    mlint_directive *grown =
        realloc(src->directives, (src->ndirectives + 16) * sizeof *src->directives);
    if (grown == NULL) {
      return STRATA_E_NOMEM;
    }
    src->directives = grown;
  }
  src->directives[src->ndirectives++] = *d;
  return STRATA_E_OK;
}

static strata_error src_invalid_ignore(mlint_source *src, mlint_findings *findings, size_t offset,
                                       size_t length, const char *message) {
  if (findings == NULL) {
    return STRATA_E_OK;
  }
  return mlint_findings_add(findings, src, MLINT_RULE_INVALID_IGNORE, offset, length, NULL,
                            message);
}

/*
 * Reads the `--` comment text[start, end) (start at the first '-') as a
 * directive: "strata-ignore[-file] RULE[, RULE...]: reason". Anything else
 * is an ordinary comment.
 */
static strata_error src_directive(mlint_source *src, mlint_findings *findings, size_t start,
                                  size_t end) {
  const char *text = src->text;
  size_t i = start + 2;
  while (i < end && (text[i] == ' ' || text[i] == '\t')) {
    i++;
  }
  static const char word[] = "strata-ignore";
  size_t wl = sizeof word - 1;
  if (end - i < wl || strncmp(text + i, word, wl) != 0) {
    return STRATA_E_OK;
  }
  i += wl;
  bool file_level = false;
  if (end - i >= 5 && strncmp(text + i, "-file", 5) == 0) {
    file_level = true;
    i += 5;
  }
  if (i < end && text[i] != ' ' && text[i] != '\t' && text[i] != ':') {
    return STRATA_E_OK; /* "strata-ignored" or similar: not ours */
  }
  const char *colon = memchr(text + i, ':', end - i);
  size_t list_end = colon != NULL ? (size_t)(colon - text) : end;
  size_t reason = colon != NULL ? list_end + 1 : end;
  while (reason < end && isspace((unsigned char)text[reason])) {
    reason++;
  }
  if (reason >= end) {
    return src_invalid_ignore(src, findings, start, end - start,
                              "strata-ignore needs a reason: `-- strata-ignore RULE: why it is "
                              "safe here`");
  }
  mlint_directive d = {.offset = start};
  bool any = false;
  strata_error rc = STRATA_E_OK;
  while (i < list_end) {
    while (i < list_end && (isspace((unsigned char)text[i]) || text[i] == ',')) {
      i++;
    }
    size_t b = i;
    while (i < list_end && !isspace((unsigned char)text[i]) && text[i] != ',') {
      i++;
    }
    if (i == b) {
      break;
    }
    mlint_rule_id rule;
    if (i - b == 3 && strncmp(text + b, "all", 3) == 0) {
      d.all = true;
      any = true;
    } else if (mlint_rule_lookup(text + b, i - b, &rule)) {
      d.rules[rule] = true;
      any = true;
    } else {
      char msg[160];
      snprintf(msg, sizeof msg, "strata-ignore names an unknown rule '%.*s'", (int)(i - b),
               text + b);
      if ((rc = src_invalid_ignore(src, findings, b, i - b, msg)) != STRATA_E_OK) {
        return rc;
      }
    }
  }
  if (!any) {
    if (colon == NULL || list_end == start) {
      return STRATA_E_OK;
    }
    return src_invalid_ignore(src, findings, start, end - start,
                              "strata-ignore names no rule (use a rule id or `all`)");
  }
  if (file_level) {
    src->file_all = src->file_all || d.all;
    for (int r = 0; r < MLINT_RULE__COUNT; r++) {
      src->file_rules[r] = src->file_rules[r] || d.rules[r];
    }
    return STRATA_E_OK;
  }
  return src_add_directive(src, &d);
}

/* Blanks a psql meta-command: from the backslash at text[i] to the end of the line. */
static size_t src_blank_meta(char *text, size_t len, size_t i) {
  while (i < len && text[i] != '\n') {
    if (text[i] != '\r') {
      text[i] = ' ';
    }
    i++;
  }
  return i;
}

/* Turns the Flyway placeholder at text[i] ("${name}") into underscores and name characters.
 * Returns the index after it, or i + 1 when it is not a placeholder. */
static size_t src_placeholder(char *text, size_t len, size_t i) {
  size_t j = i + 2;
  while (j < len && text[j] != '}' && text[j] != '\n' && text[j] != ';' && j - i < 256) {
    j++;
  }
  if (j >= len || text[j] != '}') {
    return i + 1;
  }
  for (size_t k = i; k <= j; k++) {
    if (!src_ident_char(text[k])) {
      text[k] = '_';
    }
  }
  return j + 1;
}

static strata_error src_scan(mlint_source *src, mlint_findings *findings) {
  char *text = src->text;
  size_t len = src->len;
  size_t i = 0;
  strata_error rc;
  while (i < len) {
    char c = text[i];
    if (c == '-' && i + 1 < len && text[i + 1] == '-') {
      size_t e = i;
      while (e < len && text[e] != '\n') {
        e++;
      }
      if ((rc = src_directive(src, findings, i, e)) != STRATA_E_OK) {
        return rc;
      }
      i = e;
    } else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < len && depth > 0) {
        if (text[i] == '*' && i + 1 < len && text[i + 1] == '/') {
          depth--;
          i += 2;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
          depth++;
          i += 2;
        } else {
          i++;
        }
      }
    } else if (c == '\'') {
      bool escapes = i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                     (i < 2 || !src_ident_char(text[i - 2]));
      i++;
      while (i < len) {
        if (escapes && text[i] == '\\' && i + 1 < len) {
          i += 2;
        } else if (text[i] == '\'') {
          if (i + 1 < len && text[i + 1] == '\'') {
            i += 2;
          } else {
            break;
          }
        } else {
          i++;
        }
      }
      i++;
    } else if (c == '"') {
      i++;
      while (i < len && !(text[i] == '"' && !(i + 1 < len && text[i + 1] == '"'))) {
        i += text[i] == '"' ? 2 : 1;
      }
      i++;
    } else if (c == '$' && i + 1 < len && text[i + 1] == '{') {
      i = src_placeholder(text, len, i);
    } else if (c == '$' && (i == 0 || !src_ident_char(text[i - 1]))) {
      size_t tag_end = src_dollar_tag_end(text, len, i);
      if (tag_end == 0) {
        i++;
        continue;
      }
      size_t tag_len = tag_end - i;
      size_t j = tag_end;
      while (j + tag_len <= len && strncmp(text + j, text + i, tag_len) != 0) {
        j++;
      }
      i = j + tag_len <= len ? j + tag_len : len;
    } else if (c == '\\') {
      i = src_blank_meta(text, len, i);
    } else {
      i++;
    }
  }
  return STRATA_E_OK;
}

static strata_error src_lines(mlint_source *src) {
  size_t n = 1;
  for (size_t i = 0; i < src->len; i++) {
    n += src->text[i] == '\n';
  }
  src->line_starts = malloc(n * sizeof *src->line_starts);
  if (src->line_starts == NULL) {
    return STRATA_E_NOMEM;
  }
  src->line_starts[0] = 0;
  src->nlines = 1;
  for (size_t i = 0; i < src->len; i++) {
    if (src->text[i] == '\n') {
      src->line_starts[src->nlines++] = i + 1;
    }
  }
  return STRATA_E_OK;
}

strata_error mlint_source_prepare(mlint_source *src, const char *sql, size_t len,
                                  mlint_findings *findings) {
  strata_error rc = STRATA_E_NOMEM;
  memset(src, 0, sizeof *src);
  src->text = malloc(len + 1);
  if (src->text == NULL) {
    goto cleanup;
  }
  memcpy(src->text, sql, len);
  src->text[len] = '\0';
  /* An embedded NUL would end libpg_query's view of the text early: blank it. */
  for (size_t i = 0; i < len; i++) {
    if (src->text[i] == '\0') {
      src->text[i] = ' ';
    }
  }
  src->len = len;
  if ((rc = src_lines(src)) != STRATA_E_OK) {
    goto cleanup;
  }
  rc = src_scan(src, findings);

cleanup:
  if (rc != STRATA_E_OK) {
    mlint_source_release(src);
  }
  return rc;
}

void mlint_source_release(mlint_source *src) {
  free(src->text);
  free(src->line_starts);
  free(src->directives);
  memset(src, 0, sizeof *src);
}

void mlint_source_position(const mlint_source *src, size_t offset, int *line, int *column) {
  if (offset > src->len) {
    offset = src->len;
  }
  size_t lo = 0;
  size_t hi = src->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (src->line_starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  int col = 1;
  for (size_t i = src->line_starts[lo]; i < offset; i++) {
    col += ((unsigned char)src->text[i] & 0xC0) != 0x80;
  }
  *line = (int)lo + 1;
  *column = col;
}

size_t mlint_source_char_offset(const mlint_source *src, size_t start, size_t nchars) {
  size_t i = start;
  while (i < src->len) {
    if (((unsigned char)src->text[i] & 0xC0) != 0x80) {
      if (nchars == 0) {
        break;
      }
      nchars--;
    }
    i++;
  }
  return i;
}

size_t mlint_source_skip_blank(const mlint_source *src, size_t from, size_t end) {
  const char *t = src->text;
  size_t i = from;
  while (i < end) {
    if (isspace((unsigned char)t[i])) {
      i++;
    } else if (t[i] == '-' && i + 1 < end && t[i + 1] == '-') {
      while (i < end && t[i] != '\n') {
        i++;
      }
    } else if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (t[i] == '*' && i + 1 < end && t[i + 1] == '/') {
          depth--;
          i += 2;
        } else if (t[i] == '/' && i + 1 < end && t[i + 1] == '*') {
          depth++;
          i += 2;
        } else {
          i++;
        }
      }
    } else {
      break;
    }
  }
  return i;
}
