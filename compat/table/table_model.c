/*
 * table_model.c - construction, copying, ordering and freeing of the table
 * model, and the PostgreSQL naming conventions it relies on.
 */
#include "table_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s) {
  return s != NULL ? strdup(s) : NULL;
}

/* True when copying @p src into @p *dst failed (NULL stays NULL). */
static bool dup_failed(char **dst, const char *src) {
  *dst = dup_or_null(src);
  return src != NULL && *dst == NULL;
}

void stb_names_free(stb_names *names) {
  for (size_t i = 0; i < names->n; i++) {
    free(names->v[i]);
  }
  free(names->v);
  names->v = NULL;
  names->n = 0;
}

bool stb_names_push(stb_names *names, const char *s) {
  char *copy = strdup(s);
  char **grown = copy != NULL ? realloc(names->v, (names->n + 1) * sizeof *grown) : NULL;
  if (grown == NULL) {
    free(copy);
    return false;
  }
  names->v = grown;
  names->v[names->n++] = copy;
  return true;
}

bool stb_names_equal(const stb_names *a, const stb_names *b) {
  if (a->n != b->n) {
    return false;
  }
  for (size_t i = 0; i < a->n; i++) {
    if (strcmp(a->v[i], b->v[i]) != 0) {
      return false;
    }
  }
  return true;
}

bool stb_names_contains(const stb_names *names, const char *s) {
  for (size_t i = 0; i < names->n; i++) {
    if (strcmp(names->v[i], s) == 0) {
      return true;
    }
  }
  return false;
}

bool stb_names_copy(stb_names *dst, const stb_names *src) {
  memset(dst, 0, sizeof *dst);
  for (size_t i = 0; i < src->n; i++) {
    if (!stb_names_push(dst, src->v[i])) {
      stb_names_free(dst);
      return false;
    }
  }
  return true;
}

void stb_type_release(stb_type *type) {
  free(type->base);
  free(type->text);
  memset(type, 0, sizeof *type);
}

bool stb_type_copy(stb_type *dst, const stb_type *src) {
  *dst = *src;
  dst->base = NULL;
  dst->text = NULL;
  if (dup_failed(&dst->base, src->base) || dup_failed(&dst->text, src->text)) {
    stb_type_release(dst);
    return false;
  }
  return true;
}

void stb_column_release(stb_column *c) {
  free(c->name);
  stb_type_release(&c->type);
  free(c->default_expr);
  free(c->generated);
  free(c->identity);
  free(c->collation);
  memset(c, 0, sizeof *c);
}

static bool column_copy(stb_column *dst, const stb_column *src) {
  memset(dst, 0, sizeof *dst);
  dst->not_null = src->not_null;
  if (dup_failed(&dst->name, src->name) || !stb_type_copy(&dst->type, &src->type) ||
      dup_failed(&dst->default_expr, src->default_expr) ||
      dup_failed(&dst->generated, src->generated) || dup_failed(&dst->identity, src->identity) ||
      dup_failed(&dst->collation, src->collation)) {
    stb_column_release(dst);
    return false;
  }
  return true;
}

void stb_key_release(stb_key *k) {
  free(k->name);
  stb_names_free(&k->columns);
  memset(k, 0, sizeof *k);
}

static bool key_copy(stb_key *dst, const stb_key *src) {
  memset(dst, 0, sizeof *dst);
  if (dup_failed(&dst->name, src->name) || !stb_names_copy(&dst->columns, &src->columns)) {
    stb_key_release(dst);
    return false;
  }
  return true;
}

void stb_check_release(stb_check *c) {
  free(c->name);
  free(c->expr);
  memset(c, 0, sizeof *c);
}

static bool check_copy(stb_check *dst, const stb_check *src) {
  memset(dst, 0, sizeof *dst);
  if (dup_failed(&dst->name, src->name) || dup_failed(&dst->expr, src->expr)) {
    stb_check_release(dst);
    return false;
  }
  return true;
}

void stb_fkey_release(stb_fkey *f) {
  free(f->name);
  stb_names_free(&f->columns);
  free(f->ref_table);
  stb_names_free(&f->ref_columns);
  free(f->on_delete);
  free(f->on_update);
  memset(f, 0, sizeof *f);
}

static bool fkey_copy(stb_fkey *dst, const stb_fkey *src) {
  memset(dst, 0, sizeof *dst);
  if (dup_failed(&dst->name, src->name) || !stb_names_copy(&dst->columns, &src->columns) ||
      dup_failed(&dst->ref_table, src->ref_table) ||
      !stb_names_copy(&dst->ref_columns, &src->ref_columns) ||
      dup_failed(&dst->on_delete, src->on_delete) || dup_failed(&dst->on_update, src->on_update)) {
    stb_fkey_release(dst);
    return false;
  }
  return true;
}

void stb_enum_release(stb_enum *e) {
  free(e->name);
  stb_names_free(&e->values);
  memset(e, 0, sizeof *e);
}

static bool enum_copy(stb_enum *dst, const stb_enum *src) {
  memset(dst, 0, sizeof *dst);
  if (dup_failed(&dst->name, src->name) || !stb_names_copy(&dst->values, &src->values)) {
    stb_enum_release(dst);
    return false;
  }
  return true;
}

stb_table *stb_table_new(const char *name) {
  stb_table *t = calloc(1, sizeof *t);
  if (t != NULL && (t->name = strdup(name)) == NULL) {
    free(t);
    t = NULL;
  }
  return t;
}

void stb_table_free(stb_table *t) {
  if (t == NULL) {
    return;
  }
  free(t->name);
  for (size_t i = 0; i < t->ncols; i++) {
    stb_column_release(&t->cols[i]);
  }
  free(t->cols);
  stb_key_release(&t->pk);
  for (size_t i = 0; i < t->nuniques; i++) {
    stb_key_release(&t->uniques[i]);
  }
  free(t->uniques);
  for (size_t i = 0; i < t->nchecks; i++) {
    stb_check_release(&t->checks[i]);
  }
  free(t->checks);
  for (size_t i = 0; i < t->nfkeys; i++) {
    stb_fkey_release(&t->fkeys[i]);
  }
  free(t->fkeys);
  for (size_t i = 0; i < t->nenums; i++) {
    stb_enum_release(&t->enums[i]);
  }
  free(t->enums);
  free(t);
}

/* Copies @p n elements of @p size with @p copy into a new array at @p *dst;
 * the elements copied so far stay counted in @p *dst_n on failure. */
#define COPY_ARRAY(dst, dst_n, src, n, copy)                                                       \
  do {                                                                                             \
    if ((n) > 0) {                                                                                 \
      (dst) = calloc((n), sizeof *(dst));                                                          \
      if ((dst) == NULL) {                                                                         \
        goto cleanup;                                                                              \
      }                                                                                            \
      for (size_t k_ = 0; k_ < (n); k_++) {                                                        \
        if (!copy(&(dst)[k_], &(src)[k_])) {                                                       \
          goto cleanup;                                                                            \
        }                                                                                          \
        (dst_n)++;                                                                                 \
      }                                                                                            \
    }                                                                                              \
  } while (0)

stb_table *stb_table_copy(const stb_table *t) {
  stb_table *copy = stb_table_new(t->name);
  if (copy == NULL) {
    return NULL;
  }
  COPY_ARRAY(copy->cols, copy->ncols, t->cols, t->ncols, column_copy);
  if (!key_copy(&copy->pk, &t->pk)) {
    goto cleanup;
  }
  COPY_ARRAY(copy->uniques, copy->nuniques, t->uniques, t->nuniques, key_copy);
  COPY_ARRAY(copy->checks, copy->nchecks, t->checks, t->nchecks, check_copy);
  COPY_ARRAY(copy->fkeys, copy->nfkeys, t->fkeys, t->nfkeys, fkey_copy);
  COPY_ARRAY(copy->enums, copy->nenums, t->enums, t->nenums, enum_copy);
  return copy;

cleanup:
  stb_table_free(copy);
  return NULL;
}

const char *stb_table_relname(const stb_table *t) {
  const char *dot = strrchr(t->name, '.');
  return dot != NULL ? dot + 1 : t->name;
}

int stb_column_index(const stb_table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++) {
    if (strcmp(t->cols[i].name, name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

const stb_enum *stb_enum_find(const stb_table *t, const char *name) {
  for (size_t i = 0; i < t->nenums; i++) {
    if (strcmp(t->enums[i].name, name) == 0) {
      return &t->enums[i];
    }
  }
  return NULL;
}

static int cmp_key(const void *a, const void *b) {
  return strcmp(((const stb_key *)a)->name, ((const stb_key *)b)->name);
}

static int cmp_check(const void *a, const void *b) {
  return strcmp(((const stb_check *)a)->name, ((const stb_check *)b)->name);
}

static int cmp_fkey(const void *a, const void *b) {
  return strcmp(((const stb_fkey *)a)->name, ((const stb_fkey *)b)->name);
}

static int cmp_enum(const void *a, const void *b) {
  return strcmp(((const stb_enum *)a)->name, ((const stb_enum *)b)->name);
}

void stb_table_sort(stb_table *t) {
  if (t->nuniques > 1) {
    qsort(t->uniques, t->nuniques, sizeof *t->uniques, cmp_key);
  }
  if (t->nchecks > 1) {
    qsort(t->checks, t->nchecks, sizeof *t->checks, cmp_check);
  }
  if (t->nfkeys > 1) {
    qsort(t->fkeys, t->nfkeys, sizeof *t->fkeys, cmp_fkey);
  }
  if (t->nenums > 1) {
    qsort(t->enums, t->nenums, sizeof *t->enums, cmp_enum);
  }
}

char *stb_default_name(const stb_table *t, const stb_names *cols, const char *suffix) {
  const char *rel = stb_table_relname(t);
  size_t len = strlen(rel) + strlen(suffix) + 2;
  for (size_t i = 0; i < cols->n; i++) {
    len += strlen(cols->v[i]) + 1;
  }
  char *name = malloc(len + 1);
  if (name == NULL) {
    return NULL;
  }
  size_t at = (size_t)snprintf(name, len + 1, "%s", rel);
  for (size_t i = 0; i < cols->n; i++) {
    at += (size_t)snprintf(name + at, len + 1 - at, "_%s", cols->v[i]);
  }
  snprintf(name + at, len + 1 - at, "_%s", suffix);
  return name;
}

/* The NOT NULL and the nextval() default a serial or identity column implies. */
static bool column_finish(const stb_table *t, stb_column *c, bool serial) {
  if (c->identity != NULL || serial) {
    c->not_null = true;
  }
  if (!serial) {
    return true;
  }
  /* serial = the integer type, NOT NULL, DEFAULT nextval('<table>_<column>_seq'::regclass) */
  const char *rel = stb_table_relname(t);
  size_t len = 2 * (strlen(rel) + strlen(c->name)) + 40;
  char *text = malloc(len);
  if (text == NULL) {
    return false;
  }
  /* the sequence name as a string literal: quotes doubled */
  size_t at = (size_t)snprintf(text, len, "nextval('");
  for (const char *part[] = {rel, "_", c->name, "_seq"}, **p = part; p < part + 4; p++) {
    for (const char *s = *p; *s != '\0'; s++) {
      if (*s == '\'') {
        text[at++] = '\'';
      }
      text[at++] = *s;
    }
  }
  snprintf(text + at, len - at, "'::regclass)");
  char *expr = stb_expr_normalise(text, "", NULL);
  free(text);
  if (expr == NULL) {
    return false;
  }
  free(c->default_expr);
  c->default_expr = expr;
  return true;
}

bool stb_table_add_column(stb_table *t, stb_column *c, bool serial) {
  if (!column_finish(t, c, serial)) {
    return false;
  }
  stb_column *grown = realloc(t->cols, (t->ncols + 1) * sizeof *grown);
  if (grown == NULL) {
    return false;
  }
  t->cols = grown;
  t->cols[t->ncols++] = *c;
  memset(c, 0, sizeof *c);
  return true;
}
