/*
 * table_json.c - the JSON table document: the second input of the TABLE
 * format (for warehouses and tools that do not emit DDL) and the canonical
 * text of every table schema.
 *
 *   {"name": "users",
 *    "columns": [{"name": "id", "type": "bigint", "nullable": false,
 *                 "default": "...", "generated": "...", "identity": "ALWAYS",
 *                 "collation": "C"}],
 *    "primaryKey": ["id"]  or  {"name": "users_pkey", "columns": ["id"]},
 *    "unique": [["email"], {"name": "...", "columns": [...]}],
 *    "checks": [{"name": "...", "expression": "age >= 0"}],
 *    "foreignKeys": [{"name": "...", "columns": [...],
 *                     "references": {"table": "...", "columns": [...]},
 *                     "onDelete": "CASCADE", "onUpdate": "NO ACTION"}],
 *    "enums": {"mood": ["sad", "ok", "happy"]}}
 *
 * Only name and columns (each with name and type) are required; nullable
 * defaults to true. Types and expressions go through PostgreSQL's parser
 * (table_pg.c), so they normalise exactly as in DDL. The canonical text is
 * this document, compact, with every key in the order above, defaults
 * filled in, constraint names given, constraints and enums sorted by name,
 * empty sections left out.
 */
#include "table_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

/* Fails unless every key of @p obj is one of @p allowed (NULL-terminated). */
static strata_error only_keys(const json_t *obj, const char *const *allowed, const char *path,
                              strata_diag *diag) {
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)obj, key, value) {
    bool ok = false;
    for (const char *const *a = allowed; *a != NULL; a++) {
      ok = ok || strcmp(key, *a) == 0;
    }
    if (!ok) {
      scm_diag_set(diag, 0, 0, path, "unknown member \"%s\"", key);
      return STRATA_E_INVALID_SCHEMA;
    }
  }
  return STRATA_E_OK;
}

/* Fails unless @p obj is an object ("<what> must be an object") whose keys are all in
 * @p allowed. */
static strata_error object_members(const json_t *obj, const char *what, const char *const *allowed,
                                   const char *path, strata_diag *diag) {
  if (!json_is_object(obj)) {
    scm_diag_set(diag, 0, 0, path, "%s must be an object", what);
    return STRATA_E_INVALID_SCHEMA;
  }
  return only_keys(obj, allowed, path, diag);
}

/* The string member @p key of @p obj, or NULL when absent; *rc set when present but not a
 * non-empty string. */
static const char *opt_string(const json_t *obj, const char *key, const char *path,
                              strata_error *rc, strata_diag *diag) {
  json_t *v = json_object_get(obj, key);
  if (v == NULL || json_is_null(v)) {
    return NULL;
  }
  if (!json_is_string(v) || json_string_length(v) == 0 ||
      strlen(json_string_value(v)) != json_string_length(v)) {
    scm_diag_set(diag, 0, 0, path, "\"%s\" must be a non-empty string", key);
    *rc = STRATA_E_INVALID_SCHEMA;
    return NULL;
  }
  return json_string_value(v);
}

static strata_error names_from_json(const json_t *arr, stb_names *out, const char *path,
                                    strata_diag *diag) {
  if (!json_is_array(arr)) {
    scm_diag_set(diag, 0, 0, path, "expected an array of column names");
    return STRATA_E_INVALID_SCHEMA;
  }
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *v = json_array_get(arr, i);
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v)) {
      scm_diag_set(diag, 0, 0, path, "element %zu is not a non-empty string", i);
      return STRATA_E_INVALID_SCHEMA;
    }
    if (!stb_names_push(out, json_string_value(v))) {
      return STRATA_E_NOMEM;
    }
  }
  return STRATA_E_OK;
}

/* Normalises the expression @p text (none when NULL) of the member @p key of the column at
 * @p path into *out (new). False after setting @p diag. */
static bool column_expr(const char *text, const char *path, const char *key, char **out,
                        strata_diag *diag) {
  char sub[96];
  if (text == NULL) {
    return true;
  }
  snprintf(sub, sizeof sub, "%s/%s", path, key);
  *out = stb_expr_normalise(text, sub, diag);
  return *out != NULL;
}

static strata_error parse_column(stb_table *t, const json_t *jc, size_t i, strata_diag *diag) {
  static const char *const keys[] = {"name",      "type",     "nullable",  "default",
                                     "generated", "identity", "collation", NULL};
  strata_error rc = STRATA_E_OK;
  stb_column col = {0};
  bool serial = false;
  char path[64];
  char sub[96];

  snprintf(path, sizeof path, "/columns/%zu", i);
  rc = object_members(jc, "a column", keys, path, diag);
  const char *name = opt_string(jc, "name", path, &rc, diag);
  const char *type = opt_string(jc, "type", path, &rc, diag);
  const char *def = opt_string(jc, "default", path, &rc, diag);
  const char *gen = opt_string(jc, "generated", path, &rc, diag);
  const char *identity = opt_string(jc, "identity", path, &rc, diag);
  const char *collation = opt_string(jc, "collation", path, &rc, diag);
  json_t *nullable = json_object_get(jc, "nullable");
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (name == NULL || type == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "a column needs a \"name\" and a \"type\"");
    goto cleanup;
  }
  if (nullable != NULL && !json_is_boolean(nullable)) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "\"nullable\" must be true or false");
    goto cleanup;
  }
  if (identity != NULL && strcasecmp(identity, "ALWAYS") != 0 &&
      strcasecmp(identity, "BY DEFAULT") != 0) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "\"identity\" must be \"ALWAYS\" or \"BY DEFAULT\"");
    goto cleanup;
  }
  if (stb_column_index(t, name) >= 0) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "column \"%s\" specified more than once", name);
    goto cleanup;
  }
  snprintf(sub, sizeof sub, "%s/type", path);
  if (!stb_type_parse_text(type, sub, &col.type, &serial, diag)) {
    rc = STRATA_E_INVALID_SCHEMA;
    goto cleanup;
  }
  col.name = strdup(name);
  col.not_null = nullable != NULL && json_is_false(nullable);
  if (col.name == NULL || (identity != NULL && (col.identity = strdup(identity)) == NULL) ||
      (collation != NULL && (col.collation = strdup(collation)) == NULL)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (col.identity != NULL) {
    for (char *p = col.identity; *p != '\0'; p++) {
      *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    }
  }
  if (!column_expr(def, path, "default", &col.default_expr, diag) ||
      !column_expr(gen, path, "generated", &col.generated, diag)) {
    rc = STRATA_E_INVALID_SCHEMA;
    goto cleanup;
  }
  if (!stb_table_add_column(t, &col, serial)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }

cleanup:
  stb_column_release(&col);
  return rc;
}

/* A key given as ["a", "b"] or {"name": ..., "columns": [...]}. */
static strata_error parse_key(stb_table *t, bool primary, const json_t *jk, const char *path,
                              strata_diag *diag) {
  static const char *const keys[] = {"name", "columns", NULL};
  strata_error rc = STRATA_E_OK;
  stb_names cols = {NULL, 0};
  const char *name = NULL;

  if (json_is_object(jk)) {
    rc = only_keys(jk, keys, path, diag);
    name = opt_string(jk, "name", path, &rc, diag);
    if (rc == STRATA_E_OK) {
      rc = names_from_json(json_object_get(jk, "columns"), &cols, path, diag);
    }
  } else {
    rc = names_from_json(jk, &cols, path, diag);
  }
  if (rc == STRATA_E_OK) {
    rc = stb_table_add_key(t, primary, name, &cols, path, diag);
  }
  stb_names_free(&cols);
  return rc;
}

static strata_error parse_check(stb_table *t, const json_t *jc, const char *path,
                                strata_diag *diag) {
  static const char *const keys[] = {"name", "expression", NULL};
  strata_error rc = object_members(jc, "a check", keys, path, diag);
  const char *name = opt_string(jc, "name", path, &rc, diag);
  const char *text = opt_string(jc, "expression", path, &rc, diag);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (text == NULL) {
    scm_diag_set(diag, 0, 0, path, "a check needs an \"expression\"");
    return STRATA_E_INVALID_SCHEMA;
  }
  char *expr = stb_expr_normalise(text, path, diag);
  if (expr == NULL) {
    return STRATA_E_INVALID_SCHEMA;
  }
  char *first = stb_expr_text_first_column(text);
  rc = stb_table_add_check(t, name, expr, first, path, diag);
  free(first);
  return rc;
}

static strata_error action_of(const json_t *jf, const char *key, char **out, const char *path,
                              strata_diag *diag) {
  static const char *const actions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL",
                                        "SET DEFAULT"};
  strata_error rc = STRATA_E_OK;
  const char *v = opt_string(jf, key, path, &rc, diag);
  if (rc != STRATA_E_OK || v == NULL) {
    return rc;
  }
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
    if (strcasecmp(v, actions[i]) == 0) {
      *out = strdup(actions[i]);
      return *out != NULL ? STRATA_E_OK : STRATA_E_NOMEM;
    }
  }
  scm_diag_set(diag, 0, 0, path,
               "\"%s\" must be one of NO ACTION, RESTRICT, CASCADE, SET NULL, "
               "SET DEFAULT",
               key);
  return STRATA_E_INVALID_SCHEMA;
}

static strata_error parse_fkey(stb_table *t, const json_t *jf, const char *path,
                               strata_diag *diag) {
  static const char *const keys[] = {"name", "columns", "references", "onDelete", "onUpdate", NULL};
  static const char *const ref_keys[] = {"table", "columns", NULL};
  strata_error rc = STRATA_E_OK;
  stb_fkey fk = {0};

  if (!json_is_object(jf) || !json_is_object(json_object_get(jf, "references"))) {
    scm_diag_set(diag, 0, 0, path, "a foreign key must be an object with \"references\"");
    return STRATA_E_INVALID_SCHEMA;
  }
  json_t *ref = json_object_get(jf, "references");
  rc = only_keys(jf, keys, path, diag);
  if (rc == STRATA_E_OK) {
    rc = only_keys(ref, ref_keys, path, diag);
  }
  const char *name = opt_string(jf, "name", path, &rc, diag);
  const char *table = opt_string(ref, "table", path, &rc, diag);
  if (rc == STRATA_E_OK && table == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, path, "\"references\" needs a \"table\"");
  }
  if (rc == STRATA_E_OK) {
    rc = names_from_json(json_object_get(jf, "columns"), &fk.columns, path, diag);
  }
  if (rc == STRATA_E_OK && json_object_get(ref, "columns") != NULL) {
    rc = names_from_json(json_object_get(ref, "columns"), &fk.ref_columns, path, diag);
  }
  if (rc == STRATA_E_OK) {
    rc = action_of(jf, "onDelete", &fk.on_delete, path, diag);
  }
  if (rc == STRATA_E_OK) {
    rc = action_of(jf, "onUpdate", &fk.on_update, path, diag);
  }
  if (rc == STRATA_E_OK && ((name != NULL && (fk.name = strdup(name)) == NULL) ||
                            (fk.ref_table = strdup(table)) == NULL)) {
    rc = STRATA_E_NOMEM;
  }
  if (rc == STRATA_E_OK) {
    return stb_table_add_fkey(t, &fk, path, diag);
  }
  stb_fkey_release(&fk);
  return rc;
}

static strata_error parse_enums(const json_t *je, stb_enum **out, size_t *n, strata_diag *diag) {
  const char *key;
  json_t *values;
  if (!json_is_object(je)) {
    scm_diag_set(diag, 0, 0, "/enums", "\"enums\" must be an object of label arrays");
    return STRATA_E_INVALID_SCHEMA;
  }
  json_object_foreach((json_t *)je, key, values) {
    stb_enum *grown = realloc(*out, (*n + 1) * sizeof *grown);
    if (grown == NULL) {
      return STRATA_E_NOMEM;
    }
    *out = grown;
    stb_enum *e = &(*out)[*n];
    memset(e, 0, sizeof *e);
    (*n)++;
    if ((e->name = strdup(key)) == NULL) {
      return STRATA_E_NOMEM;
    }
    strata_error rc = names_from_json(values, &e->values, "/enums", diag);
    if (rc != STRATA_E_OK) {
      return rc;
    }
  }
  return STRATA_E_OK;
}

strata_error stb_parse_json(const char *text, size_t len, stb_table **out, strata_diag *diag) {
  static const char *const keys[] = {"name",   "columns",     "primaryKey", "unique",
                                     "checks", "foreignKeys", "enums",      NULL};
  strata_error rc = STRATA_E_OK;
  json_error_t jerr;
  json_t *doc = NULL;
  stb_table *t = NULL;
  stb_enum *enums = NULL;
  size_t nenums = 0;
  char path[64];

  *out = NULL;
  doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0, "",
                 "invalid JSON: %s", jerr.text);
    goto cleanup;
  }
  if (!json_is_object(doc)) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "", "a table document must be a JSON object");
    goto cleanup;
  }
  rc = only_keys(doc, keys, "", diag);
  const char *name = opt_string(doc, "name", "/name", &rc, diag);
  json_t *columns = json_object_get(doc, "columns");
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (name == NULL || !json_is_array(columns)) {
    /* no columns is allowed, as CREATE TABLE t () is */
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "", "a table document needs a \"name\" and a \"columns\" array");
    goto cleanup;
  }
  t = stb_table_new(name);
  if (t == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < json_array_size(columns); i++) {
    rc = parse_column(t, json_array_get(columns, i), i, diag);
  }
  json_t *pk = json_object_get(doc, "primaryKey");
  if (rc == STRATA_E_OK && pk != NULL && !json_is_null(pk)) {
    rc = parse_key(t, true, pk, "/primaryKey", diag);
  }
  const struct {
    const char *key;
    int kind;
  } sections[] = {{"unique", 0}, {"checks", 1}, {"foreignKeys", 2}};
  for (size_t s = 0; rc == STRATA_E_OK && s < 3; s++) {
    json_t *arr = json_object_get(doc, sections[s].key);
    if (arr == NULL) {
      continue;
    }
    if (!json_is_array(arr)) {
      rc = STRATA_E_INVALID_SCHEMA;
      scm_diag_set(diag, 0, 0, "", "\"%s\" must be an array", sections[s].key);
      break;
    }
    for (size_t i = 0; rc == STRATA_E_OK && i < json_array_size(arr); i++) {
      snprintf(path, sizeof path, "/%s/%zu", sections[s].key, i);
      json_t *item = json_array_get(arr, i);
      rc = sections[s].kind == 0   ? parse_key(t, false, item, path, diag)
           : sections[s].kind == 1 ? parse_check(t, item, path, diag)
                                   : parse_fkey(t, item, path, diag);
    }
  }
  json_t *je = json_object_get(doc, "enums");
  if (rc == STRATA_E_OK && je != NULL) {
    rc = parse_enums(je, &enums, &nenums, diag);
  }
  if (rc == STRATA_E_OK && !stb_table_sync_enums(t, enums, nenums)) {
    rc = STRATA_E_NOMEM;
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  stb_table_sort(t);
  *out = t;
  t = NULL;

cleanup:
  for (size_t i = 0; i < nenums; i++) {
    stb_enum_release(&enums[i]);
  }
  free(enums);
  stb_table_free(t);
  json_decref(doc);
  return rc;
}

/* ---- canonical text ---- */

static void put_names(sjw_buf *b, const stb_names *names) {
  sjw_putc(b, '[');
  for (size_t i = 0; i < names->n; i++) {
    if (i > 0) {
      sjw_putc(b, ',');
    }
    sjw_string(b, names->v[i]);
  }
  sjw_putc(b, ']');
}

static void put_key(sjw_buf *b, const stb_key *k) {
  sjw_puts(b, "{\"name\":");
  sjw_string(b, k->name);
  sjw_puts(b, ",\"columns\":");
  put_names(b, &k->columns);
  sjw_putc(b, '}');
}

static void put_opt(sjw_buf *b, const char *key, const char *value) {
  if (value != NULL) {
    sjw_printf(b, ",\"%s\":", key);
    sjw_string(b, value);
  }
}

char *stb_canonical_text(const stb_table *t) {
  sjw_buf b = SJW_BUF_INIT;
  sjw_puts(&b, "{\"name\":");
  sjw_string(&b, t->name);
  sjw_puts(&b, ",\"columns\":[");
  for (size_t i = 0; i < t->ncols; i++) {
    const stb_column *c = &t->cols[i];
    sjw_puts(&b, i > 0 ? ",{\"name\":" : "{\"name\":");
    sjw_string(&b, c->name);
    sjw_puts(&b, ",\"type\":");
    sjw_string(&b, c->type.text);
    sjw_puts(&b, c->not_null ? ",\"nullable\":false" : ",\"nullable\":true");
    put_opt(&b, "default", c->default_expr);
    put_opt(&b, "generated", c->generated);
    put_opt(&b, "identity", c->identity);
    put_opt(&b, "collation", c->collation);
    sjw_putc(&b, '}');
  }
  sjw_putc(&b, ']');
  if (t->pk.name != NULL) {
    sjw_puts(&b, ",\"primaryKey\":");
    put_key(&b, &t->pk);
  }
  if (t->nuniques > 0) {
    sjw_puts(&b, ",\"unique\":[");
    for (size_t i = 0; i < t->nuniques; i++) {
      if (i > 0) {
        sjw_putc(&b, ',');
      }
      put_key(&b, &t->uniques[i]);
    }
    sjw_putc(&b, ']');
  }
  if (t->nchecks > 0) {
    sjw_puts(&b, ",\"checks\":[");
    for (size_t i = 0; i < t->nchecks; i++) {
      sjw_puts(&b, i > 0 ? ",{\"name\":" : "{\"name\":");
      sjw_string(&b, t->checks[i].name);
      sjw_puts(&b, ",\"expression\":");
      sjw_string(&b, t->checks[i].expr);
      sjw_putc(&b, '}');
    }
    sjw_putc(&b, ']');
  }
  if (t->nfkeys > 0) {
    sjw_puts(&b, ",\"foreignKeys\":[");
    for (size_t i = 0; i < t->nfkeys; i++) {
      const stb_fkey *f = &t->fkeys[i];
      sjw_puts(&b, i > 0 ? ",{\"name\":" : "{\"name\":");
      sjw_string(&b, f->name);
      sjw_puts(&b, ",\"columns\":");
      put_names(&b, &f->columns);
      sjw_puts(&b, ",\"references\":{\"table\":");
      sjw_string(&b, f->ref_table);
      sjw_puts(&b, ",\"columns\":");
      put_names(&b, &f->ref_columns);
      sjw_puts(&b, "},\"onDelete\":");
      sjw_string(&b, f->on_delete);
      sjw_puts(&b, ",\"onUpdate\":");
      sjw_string(&b, f->on_update);
      sjw_putc(&b, '}');
    }
    sjw_putc(&b, ']');
  }
  if (t->nenums > 0) {
    sjw_puts(&b, ",\"enums\":{");
    for (size_t i = 0; i < t->nenums; i++) {
      if (i > 0) {
        sjw_putc(&b, ',');
      }
      sjw_string(&b, t->enums[i].name);
      sjw_putc(&b, ':');
      put_names(&b, &t->enums[i].values);
    }
    sjw_putc(&b, '}');
  }
  sjw_putc(&b, '}');
  return sjw_take(&b);
}
