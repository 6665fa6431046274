/*
 * table_constraints.c - keys, CHECK and FOREIGN KEY constraints and enum
 * types of a table, with PostgreSQL's default constraint names, for both the
 * DDL and the JSON document front ends.
 */
#include "table_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool name_taken(const stb_table *t, const char *name) {
  if (t->pk.name != NULL && strcmp(t->pk.name, name) == 0) {
    return true;
  }
  for (size_t i = 0; i < t->nuniques; i++) {
    if (strcmp(t->uniques[i].name, name) == 0) {
      return true;
    }
  }
  for (size_t i = 0; i < t->nchecks; i++) {
    if (strcmp(t->checks[i].name, name) == 0) {
      return true;
    }
  }
  for (size_t i = 0; i < t->nfkeys; i++) {
    if (strcmp(t->fkeys[i].name, name) == 0) {
      return true;
    }
  }
  return false;
}

/*
 * The constraint name to use: a copy of @p given, or PostgreSQL's default
 * "<table>_<cols>_<suffix>" made unique with a number as PostgreSQL does.
 * NULL when out of memory or when @p given is taken (*taken set).
 */
static char *choose_name(const stb_table *t, const char *given, const stb_names *cols,
                         const char *suffix, bool *taken) {
  *taken = false;
  if (given != NULL) {
    if (name_taken(t, given)) {
      *taken = true;
      return NULL;
    }
    return strdup(given);
  }
  char *base = stb_default_name(t, cols, suffix);
  if (base == NULL || !name_taken(t, base)) {
    return base;
  }
  size_t len = strlen(base) + 24;
  char *numbered = malloc(len);
  for (int n = 1; numbered != NULL; n++) {
    snprintf(numbered, len, "%s%d", base, n);
    if (!name_taken(t, numbered)) {
      break;
    }
  }
  free(base);
  return numbered;
}

static strata_error columns_known(const stb_table *t, const stb_names *cols, const char *path,
                                  strata_diag *diag) {
  if (cols->n == 0) {
    scm_diag_set(diag, 0, 0, path, "a key needs at least one column");
    return STRATA_E_INVALID_SCHEMA;
  }
  for (size_t i = 0; i < cols->n; i++) {
    if (stb_column_index(t, cols->v[i]) < 0) {
      scm_diag_set(diag, 0, 0, path, "column \"%s\" of table \"%s\" does not exist", cols->v[i],
                   t->name);
      return STRATA_E_INVALID_SCHEMA;
    }
  }
  return STRATA_E_OK;
}

strata_error stb_table_add_key(stb_table *t, bool primary, const char *name, const stb_names *cols,
                               const char *path, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_key key = {0};
  bool taken = false;

  rc = columns_known(t, cols, path, diag);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (primary && t->pk.name != NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "multiple primary keys for table \"%s\" are not allowed",
                 t->name);
    goto cleanup;
  }
  /* the primary key's default name has no column part */
  stb_names none = {NULL, 0};
  key.name = choose_name(t, name, primary ? &none : cols, primary ? "pkey" : "key", &taken);
  if (taken) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "constraint \"%s\" for table \"%s\" already exists", name,
                 t->name);
    goto cleanup;
  }
  if (key.name == NULL || !stb_names_copy(&key.columns, cols)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (primary) {
    for (size_t i = 0; i < cols->n; i++) {
      t->cols[stb_column_index(t, cols->v[i])].not_null = true;
    }
    t->pk = key;
  } else {
    stb_key *grown = realloc(t->uniques, (t->nuniques + 1) * sizeof *grown);
    if (grown == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    t->uniques = grown;
    t->uniques[t->nuniques++] = key;
  }
  memset(&key, 0, sizeof key);

cleanup:
  stb_key_release(&key);
  return rc;
}

strata_error stb_table_add_check(stb_table *t, const char *name, char *expr, const char *first_col,
                                 const char *path, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_check check = {NULL, expr};
  bool taken = false;
  stb_names cols = {NULL, 0};
  char *col_copy = NULL;

  if (first_col != NULL) {
    col_copy = strdup(first_col);
    if (col_copy == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    cols.v = &col_copy;
    cols.n = 1;
  }
  check.name = choose_name(t, name, &cols, "check", &taken);
  if (taken) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "constraint \"%s\" for table \"%s\" already exists", name,
                 t->name);
    goto cleanup;
  }
  stb_check *grown = check.name != NULL && check.expr != NULL
                         ? realloc(t->checks, (t->nchecks + 1) * sizeof *grown)
                         : NULL;
  if (grown == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  t->checks = grown;
  t->checks[t->nchecks++] = check;
  memset(&check, 0, sizeof check);

cleanup:
  free(col_copy);
  stb_check_release(&check);
  return rc;
}

strata_error stb_table_add_fkey(stb_table *t, stb_fkey *fk, const char *path, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  bool taken = false;
  char *given = fk->name;

  fk->name = NULL;
  rc = columns_known(t, &fk->columns, path, diag);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (fk->ref_columns.n != 0 && fk->ref_columns.n != fk->columns.n) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path,
                 "number of referencing and referenced columns for foreign key disagree");
    goto cleanup;
  }
  fk->name = choose_name(t, given, &fk->columns, "fkey", &taken);
  if (taken) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "constraint \"%s\" for table \"%s\" already exists", given,
                 t->name);
    goto cleanup;
  }
  if (fk->on_delete == NULL) {
    fk->on_delete = strdup("NO ACTION");
  }
  if (fk->on_update == NULL) {
    fk->on_update = strdup("NO ACTION");
  }
  stb_fkey *grown = fk->name != NULL && fk->on_delete != NULL && fk->on_update != NULL
                        ? realloc(t->fkeys, (t->nfkeys + 1) * sizeof *grown)
                        : NULL;
  if (grown == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  t->fkeys = grown;
  t->fkeys[t->nfkeys++] = *fk;
  memset(fk, 0, sizeof *fk);

cleanup:
  free(given);
  stb_fkey_release(fk);
  return rc;
}

bool stb_table_drop_constraint(stb_table *t, const char *name) {
  if (t->pk.name != NULL && strcmp(t->pk.name, name) == 0) {
    stb_key_release(&t->pk);
    return true;
  }
  for (size_t i = 0; i < t->nuniques; i++) {
    if (strcmp(t->uniques[i].name, name) == 0) {
      stb_key_release(&t->uniques[i]);
      memmove(&t->uniques[i], &t->uniques[i + 1], (t->nuniques - i - 1) * sizeof *t->uniques);
      t->nuniques--;
      return true;
    }
  }
  for (size_t i = 0; i < t->nchecks; i++) {
    if (strcmp(t->checks[i].name, name) == 0) {
      stb_check_release(&t->checks[i]);
      memmove(&t->checks[i], &t->checks[i + 1], (t->nchecks - i - 1) * sizeof *t->checks);
      t->nchecks--;
      return true;
    }
  }
  for (size_t i = 0; i < t->nfkeys; i++) {
    if (strcmp(t->fkeys[i].name, name) == 0) {
      stb_fkey_release(&t->fkeys[i]);
      memmove(&t->fkeys[i], &t->fkeys[i + 1], (t->nfkeys - i - 1) * sizeof *t->fkeys);
      t->nfkeys--;
      return true;
    }
  }
  return false;
}

/* @p name without a leading "public." */
static const char *unqualified(const char *name) {
  return strncmp(name, "public.", 7) == 0 ? name + 7 : name;
}

bool stb_type_is_enum(const stb_type *type, const char *enum_name) {
  return strcmp(unqualified(type->base), unqualified(enum_name)) == 0;
}

static bool enum_used(const stb_table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++) {
    if (stb_type_is_enum(&t->cols[i].type, name)) {
      return true;
    }
  }
  return false;
}

bool stb_table_sync_enums(stb_table *t, const stb_enum *enums, size_t nenums) {
  /* drop the unused ones */
  size_t kept = 0;
  for (size_t i = 0; i < t->nenums; i++) {
    if (enum_used(t, t->enums[i].name)) {
      t->enums[kept++] = t->enums[i];
    } else {
      stb_enum_release(&t->enums[i]);
    }
  }
  t->nenums = kept;
  /* add the used ones that are missing */
  for (size_t i = 0; i < nenums; i++) {
    bool present = false;
    for (size_t k = 0; k < t->nenums; k++) {
      present = present || strcmp(unqualified(t->enums[k].name), unqualified(enums[i].name)) == 0;
    }
    if (present || !enum_used(t, enums[i].name)) {
      continue;
    }
    stb_enum *grown = realloc(t->enums, (t->nenums + 1) * sizeof *grown);
    if (grown == NULL) {
      return false;
    }
    t->enums = grown;
    stb_enum *e = &t->enums[t->nenums];
    memset(e, 0, sizeof *e);
    e->name = strdup(enums[i].name);
    if (e->name == NULL || !stb_names_copy(&e->values, &enums[i].values)) {
      stb_enum_release(e);
      return false;
    }
    t->nenums++;
  }
  return true;
}
