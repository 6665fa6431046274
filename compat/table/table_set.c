/*
 * table_set.c - the public table-set API (strata_table_set_*): a catalog of
 * table models that migrations are replayed onto, for `strata migrate check`.
 */
#include "table_model.h"

#include <stdlib.h>
#include <string.h>

struct strata_table_set {
  stb_catalog catalog;
};

strata_table_set *strata_table_set_new(void) {
  return calloc(1, sizeof(strata_table_set));
}

strata_error strata_table_set_add(strata_table_set *set, const strata_schema *schema) {
  if (set == NULL || schema == NULL || strata_schema_get_type(schema) != STRATA_SCHEMA_TABLE) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  const stb_table *t = scm_schema_model(schema);
  if (stb_catalog_find(&set->catalog, t->name) != NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  return stb_catalog_add(&set->catalog, t);
}

strata_error strata_table_set_apply(strata_table_set *set, const char *sql, size_t len,
                                    strata_diag *diag) {
  if (diag != NULL) {
    memset(diag, 0, sizeof *diag);
  }
  if (set == NULL || (sql == NULL && len > 0)) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  strata_error rc = stb_catalog_apply(&set->catalog, sql != NULL ? sql : "", len, diag);
  if (rc == STRATA_E_NOMEM) {
    scm_diag_set(diag, 0, 0, "", "out of memory");
  }
  return rc;
}

size_t strata_table_set_count(const strata_table_set *set) {
  return set != NULL ? set->catalog.nentries : 0;
}

const char *strata_table_set_name(const strata_table_set *set, size_t i) {
  return set != NULL && i < set->catalog.nentries ? set->catalog.entries[i].key : NULL;
}

strata_table_state strata_table_set_state(const strata_table_set *set, size_t i) {
  if (set == NULL || i >= set->catalog.nentries) {
    return STRATA_TABLE_UNCHANGED;
  }
  const stb_entry *e = &set->catalog.entries[i];
  if (e->table == NULL) {
    return STRATA_TABLE_DROPPED;
  }
  if (e->created) {
    return STRATA_TABLE_CREATED;
  }
  return e->touched ? STRATA_TABLE_CHANGED : STRATA_TABLE_UNCHANGED;
}

strata_error strata_table_set_schema(const strata_table_set *set, size_t i, strata_schema **out) {
  strata_error rc = STRATA_E_OK;
  stb_table *copy = NULL;
  char *text = NULL;

  if (out == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  if (set == NULL || i >= set->catalog.nentries || set->catalog.entries[i].table == NULL) {
    return STRATA_E_NOT_FOUND;
  }
  copy = stb_table_copy(set->catalog.entries[i].table);
  if (copy == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  stb_table_sort(copy);
  text = stb_canonical_text(copy);
  if (text == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  /* through the canonical text, so the schema is exactly what registering it would give */
  rc = strata_schema_parse(STRATA_SCHEMA_TABLE, text, strlen(text), NULL, 0, out, NULL);
  if (rc == STRATA_E_INVALID_SCHEMA) {
    rc = STRATA_E_INTERNAL;
  }

cleanup:
  free(text);
  stb_table_free(copy);
  return rc;
}

void strata_table_set_free(strata_table_set **set) {
  if (set == NULL || *set == NULL) {
    return;
  }
  stb_catalog_release(&(*set)->catalog);
  free(*set);
  *set = NULL;
}
