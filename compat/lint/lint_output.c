/*
 * lint_output.c - how findings are shown: text (message, source excerpt,
 * why, safe alternative), gcc-style lines, GitHub workflow annotations, and
 * JSON objects for the CLI's array.
 */
#include "lint_int.h"

#include <stdlib.h>
#include <string.h>

static const char *severity_name(mlint_severity s) {
  return s == MLINT_ERROR ? "error" : "warning";
}

/* The byte offset where line @p line (1-based) of @p f's source starts, scanning from the
 * finding's own offset backwards (the source and the linted text share offsets). */
static size_t line_start_before(const mlint_findings *f, size_t offset) {
  if (offset > f->source_len) {
    offset = f->source_len;
  }
  while (offset > 0 && f->source[offset - 1] != '\n') {
    offset--;
  }
  return offset;
}

static void print_excerpt(FILE *out, const mlint_findings *f, const mlint_finding *it) {
  size_t pos = line_start_before(f, it->offset);
  int last = it->end_line < it->line + 2 ? it->end_line : it->line + 2;
  for (int ln = it->line; ln <= last && pos <= f->source_len; ln++) {
    size_t e = pos;
    while (e < f->source_len && f->source[e] != '\n') {
      e++;
    }
    size_t shown = e - pos;
    if (shown > 0 && f->source[pos + shown - 1] == '\r') {
      shown--;
    }
    fprintf(out, "%6d | %.*s\n", ln, (int)shown, f->source + pos);
    if (ln == it->line) {
      fprintf(out, "       | %*s^\n", it->column - 1, "");
    }
    pos = e + 1;
  }
  if (it->end_line > last) {
    fputs("       | ...\n", out);
  }
}

/* Writes @p s for a GitHub annotation: %, CR and LF escaped, and in a property also ':' and ','. */
static void print_gh_escaped(FILE *out, const char *s, bool property) {
  for (; *s != '\0'; s++) {
    switch (*s) {
    case '%':
      fputs("%25", out);
      break;
    case '\r':
      fputs("%0D", out);
      break;
    case '\n':
      fputs("%0A", out);
      break;
    case ':':
      fputs(property ? "%3A" : ":", out);
      break;
    case ',':
      fputs(property ? "%2C" : ",", out);
      break;
    default:
      fputc(*s, out);
    }
  }
}

void mlint_print(FILE *out, mlint_format format, const mlint_findings *f) {
  for (size_t i = 0; i < f->count; i++) {
    const mlint_finding *it = &f->items[i];
    const char *rule = mlint_rule_name(it->rule);
    switch (format) {
    case MLINT_FORMAT_GCC:
      fprintf(out, "%s:%d:%d: %s: %s [%s]\n", f->file, it->line, it->column,
              severity_name(it->severity), it->message, rule);
      break;
    case MLINT_FORMAT_GITHUB:
      fprintf(out, "::%s file=", severity_name(it->severity));
      print_gh_escaped(out, f->file, true);
      fprintf(out, ",line=%d,col=%d,endLine=%d,endColumn=%d,title=", it->line, it->column,
              it->end_line, it->end_column);
      print_gh_escaped(out, rule, true);
      fputs("::", out);
      print_gh_escaped(out, it->message, false);
      fputs("%0A", out);
      print_gh_escaped(out, mlint_rule_help(it->rule), false);
      fputc('\n', out);
      break;
    case MLINT_FORMAT_TEXT:
    default:
      fprintf(out, "%s:%d:%d: %s[%s]: %s\n", f->file, it->line, it->column,
              severity_name(it->severity), rule, it->message);
      print_excerpt(out, f, it);
      fprintf(out, "  why: %s\n  safe alternative: %s\n\n", mlint_rule_why(it->rule),
              mlint_rule_help(it->rule));
      break;
    }
  }
}

/* A JSON string of @p s; bytes that are not valid UTF-8 become '?'. NULL when out of memory. */
static json_t *json_text(const char *s) {
  json_t *j = json_string(s);
  if (j != NULL) {
    return j;
  }
  char *copy = strdup(s);
  if (copy == NULL) {
    return NULL;
  }
  for (char *p = copy; *p != '\0'; p++) {
    if ((unsigned char)*p >= 0x80) {
      *p = '?';
    }
  }
  j = json_string(copy);
  free(copy);
  return j;
}

strata_error mlint_findings_json(const mlint_findings *f, json_t *array) {
  for (size_t i = 0; i < f->count; i++) {
    const mlint_finding *it = &f->items[i];
    json_t *o = json_object();
    if (o == NULL) {
      return STRATA_E_NOMEM;
    }
    int bad = 0;
    bad |= json_object_set_new(o, "file", json_text(f->file));
    bad |= json_object_set_new(o, "line", json_integer(it->line));
    bad |= json_object_set_new(o, "column", json_integer(it->column));
    bad |= json_object_set_new(o, "line_end", json_integer(it->end_line));
    bad |= json_object_set_new(o, "column_end", json_integer(it->end_column));
    bad |= json_object_set_new(o, "level", json_string(severity_name(it->severity)));
    bad |= json_object_set_new(o, "rule", json_string(mlint_rule_name(it->rule)));
    bad |= json_object_set_new(o, "message", json_text(it->message));
    bad |= json_object_set_new(o, "why", json_string(mlint_rule_why(it->rule)));
    bad |= json_object_set_new(o, "help", json_string(mlint_rule_help(it->rule)));
    bad |= json_object_set_new(o, "table", it->table != NULL ? json_text(it->table) : json_null());
    if (bad != 0 || json_array_append_new(array, o) != 0) {
      if (bad != 0) {
        json_decref(o);
      }
      return STRATA_E_NOMEM;
    }
  }
  return STRATA_E_OK;
}
