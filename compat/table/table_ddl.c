/*
 * table_ddl.c - PostgreSQL DDL onto a catalog of table models: the DDL front
 * end of the TABLE format (one CREATE TABLE plus the CREATE TYPE ... AS ENUM
 * it uses and ALTER TABLE statements on it, as pg_dump writes them) and the
 * replay of migrations for `strata migrate check`.
 *
 * The input is parsed once with libpg_query into its protobuf tree; each
 * statement is applied in order. Statements that do not change a table's
 * contract (indexes other than unique ones, grants, comments, DML, SET,
 * transaction control, ...) are ignored.
 */
#include "table_model.h"
#include "table_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- catalog ---- */

static const char *unqualified(const char *name) {
  return strncmp(name, "public.", 7) == 0 ? name + 7 : name;
}

static bool same_table_name(const char *a, const char *b) {
  return strcmp(unqualified(a), unqualified(b)) == 0;
}

stb_entry *stb_catalog_find(stb_catalog *cat, const char *name) {
  for (size_t i = 0; i < cat->nentries; i++) {
    if (cat->entries[i].table != NULL && same_table_name(cat->entries[i].table->name, name)) {
      return &cat->entries[i];
    }
  }
  return NULL;
}

static stb_enum *catalog_enum(stb_catalog *cat, const char *name) {
  for (size_t i = 0; i < cat->nenums; i++) {
    if (same_table_name(cat->enums[i].name, name)) {
      return &cat->enums[i];
    }
  }
  return NULL;
}

static bool catalog_push_enum(stb_catalog *cat, const stb_enum *e) {
  stb_enum *grown = realloc(cat->enums, (cat->nenums + 1) * sizeof *grown);
  if (grown == NULL) {
    return false;
  }
  cat->enums = grown;
  stb_enum *slot = &cat->enums[cat->nenums];
  memset(slot, 0, sizeof *slot);
  slot->name = strdup(e->name);
  if (slot->name == NULL || !stb_names_copy(&slot->values, &e->values)) {
    stb_enum_release(slot);
    return false;
  }
  cat->nenums++;
  return true;
}

/* Adds @p t (stolen, also on failure) as a new entry. */
static strata_error catalog_push(stb_catalog *cat, stb_table *t, bool created) {
  stb_entry *grown = realloc(cat->entries, (cat->nentries + 1) * sizeof *grown);
  char *key = strdup(t->name);
  if (grown == NULL || key == NULL) {
    if (grown != NULL) {
      cat->entries = grown;
    }
    free(key);
    stb_table_free(t);
    return STRATA_E_NOMEM;
  }
  cat->entries = grown;
  cat->entries[cat->nentries++] = (stb_entry){key, t, created, created};
  return STRATA_E_OK;
}

strata_error stb_catalog_add(stb_catalog *cat, const stb_table *t) {
  for (size_t i = 0; i < t->nenums; i++) {
    if (catalog_enum(cat, t->enums[i].name) == NULL && !catalog_push_enum(cat, &t->enums[i])) {
      return STRATA_E_NOMEM;
    }
  }
  stb_table *copy = stb_table_copy(t);
  if (copy == NULL) {
    return STRATA_E_NOMEM;
  }
  return catalog_push(cat, copy, false);
}

void stb_catalog_release(stb_catalog *cat) {
  for (size_t i = 0; i < cat->nentries; i++) {
    free(cat->entries[i].key);
    stb_table_free(cat->entries[i].table);
  }
  free(cat->entries);
  for (size_t i = 0; i < cat->nenums; i++) {
    stb_enum_release(&cat->enums[i]);
  }
  free(cat->enums);
  for (size_t i = 0; i < cat->nindexes; i++) {
    free(cat->indexes[i].name);
    free(cat->indexes[i].table);
    stb_names_free(&cat->indexes[i].columns);
  }
  free(cat->indexes);
  memset(cat, 0, sizeof *cat);
}

/* ---- names from the tree ---- */

/* "schema.name" or "name" of a RangeVar: a new string. */
static char *range_var_name(const PgQuery__RangeVar *rv) {
  const char *schema = stb_pg_str(rv->schemaname);
  const char *rel = rv->relname != NULL ? rv->relname : "";
  size_t len = strlen(rel) + (schema != NULL ? strlen(schema) + 1 : 0) + 1;
  char *name = malloc(len);
  if (name != NULL) {
    snprintf(name, len, "%s%s%s", schema != NULL ? schema : "", schema != NULL ? "." : "", rel);
  }
  return name;
}

/* The String items of a list joined with '.', skipping a leading "pg_catalog": a new string. */
static char *joined_names(PgQuery__Node *const *items, size_t n) {
  size_t len = 1;
  for (size_t i = 0; i < n; i++) {
    const char *s = stb_pg_node_string(items[i]);
    len += (s != NULL ? strlen(s) : 0) + 1;
  }
  char *out = calloc(1, len);
  for (size_t i = 0; out != NULL && i < n; i++) {
    const char *s = stb_pg_node_string(items[i]);
    if (i > 0) {
      strcat(out, ".");
    }
    strcat(out, s != NULL ? s : "");
  }
  return out;
}

/* Appends the String nodes of @p items to @p out; false when out of memory. */
static bool names_from_nodes(stb_names *out, PgQuery__Node *const *items, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *s = stb_pg_node_string(items[i]);
    if (s != NULL && !stb_names_push(out, s)) {
      return false;
    }
  }
  return true;
}

/* ---- constraints ---- */

static const char *fk_action(const char *code) {
  static const struct {
    char code;
    const char *name;
  } actions[] = {{'a', "NO ACTION"},
                 {'r', "RESTRICT"},
                 {'c', "CASCADE"},
                 {'n', "SET NULL"},
                 {'d', "SET DEFAULT"}};
  for (size_t i = 0; code != NULL && i < COUNT_OF(actions); i++) {
    if (code[0] == actions[i].code) {
      return actions[i].name;
    }
  }
  return "NO ACTION";
}

/* The columns of a unique index created earlier in the input, or NULL. */
static const stb_names *index_columns(const stb_catalog *cat, const char *name) {
  for (size_t i = 0; i < cat->nindexes; i++) {
    if (strcmp(cat->indexes[i].name, name) == 0) {
      return &cat->indexes[i].columns;
    }
  }
  return NULL;
}

/* Adds a table constraint; @p column is the column a column constraint is attached to. */
static strata_error add_constraint(stb_catalog *cat, stb_table *t, const PgQuery__Constraint *con,
                                   const char *column, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_names cols = {NULL, 0};
  stb_fkey fk = {0};
  const char *name = stb_pg_str(con->conname);

  switch (con->contype) {
  case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
  case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
    bool ok = true;
    const char *index = stb_pg_str(con->indexname);
    if (index != NULL) {
      const stb_names *known = index_columns(cat, index);
      if (known == NULL) {
        rc = STRATA_E_INVALID_SCHEMA;
        scm_diag_set(diag, 0, 0, "", "index \"%s\" does not exist", index);
        goto cleanup;
      }
      ok = stb_names_copy(&cols, known);
      if (name == NULL) {
        name = index;
      }
    } else if (con->n_keys > 0) {
      ok = names_from_nodes(&cols, con->keys, con->n_keys);
    } else if (column != NULL) {
      ok = stb_names_push(&cols, column);
    }
    if (!ok) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = stb_table_add_key(t, con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY, name, &cols,
                           "", diag);
    break;
  }
  case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
    char *expr = stb_expr_text(con->raw_expr);
    if (expr == NULL) {
      rc = STRATA_E_INVALID_SCHEMA;
      scm_diag_set(diag, 0, 0, "", "cannot normalise the CHECK expression");
      goto cleanup;
    }
    const char *first = column != NULL ? column : stb_expr_first_column(con->raw_expr);
    rc = stb_table_add_check(t, name, expr, first, "", diag);
    break;
  }
  case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    if ((name != NULL && (fk.name = strdup(name)) == NULL) ||
        (con->n_fk_attrs > 0 ? !names_from_nodes(&fk.columns, con->fk_attrs, con->n_fk_attrs)
                             : (column != NULL && !stb_names_push(&fk.columns, column))) ||
        (con->pktable != NULL && (fk.ref_table = range_var_name(con->pktable)) == NULL) ||
        !names_from_nodes(&fk.ref_columns, con->pk_attrs, con->n_pk_attrs) ||
        (fk.on_delete = strdup(fk_action(con->fk_del_action))) == NULL ||
        (fk.on_update = strdup(fk_action(con->fk_upd_action))) == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    rc = stb_table_add_fkey(t, &fk, "", diag);
    break;
  default:
    /* EXCLUDE and constraint attributes (DEFERRABLE, ...) are not part of the model */
    break;
  }

cleanup:
  stb_names_free(&cols);
  stb_fkey_release(&fk);
  return rc;
}

/* ---- columns ---- */

static strata_error set_enum_types(stb_catalog *cat, stb_table *t) {
  return stb_table_sync_enums(t, cat->enums, cat->nenums) ? STRATA_E_OK : STRATA_E_NOMEM;
}

/*
 * Appends the column of @p def to @p t and adds its column constraints.
 */
static strata_error add_column(stb_catalog *cat, stb_table *t, const PgQuery__ColumnDef *def,
                               strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_column col = {0};
  bool serial = false;

  if (stb_column_index(t, def->colname) >= 0) {
    scm_diag_set(diag, 0, 0, "", "column \"%s\" specified more than once", def->colname);
    return STRATA_E_INVALID_SCHEMA;
  }
  if (def->type_name == NULL) {
    scm_diag_set(diag, 0, 0, "", "column \"%s\" has no type", def->colname);
    return STRATA_E_INVALID_SCHEMA;
  }
  col.name = strdup(def->colname);
  if (col.name == NULL || !stb_type_from_pg(def->type_name, &col.type, &serial)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (def->coll_clause != NULL) {
    col.collation = joined_names(def->coll_clause->collname, def->coll_clause->n_collname);
    if (col.collation == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < def->n_constraints; i++) {
    const PgQuery__Node *n = def->constraints[i];
    if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) {
      continue;
    }
    const PgQuery__Constraint *con = n->constraint;
    char **slot = NULL;
    switch (con->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
      col.not_null = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
      col.not_null = false;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
      slot = &col.default_expr;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
      slot = &col.generated;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
      free(col.identity);
      col.identity = strdup(
          con->generated_when != NULL && con->generated_when[0] == 'd' ? "BY DEFAULT" : "ALWAYS");
      if (col.identity == NULL) {
        rc = STRATA_E_NOMEM;
        goto cleanup;
      }
      break;
    default:
      break;
    }
    if (slot != NULL) {
      free(*slot);
      *slot = stb_expr_text(con->raw_expr);
      if (*slot == NULL) {
        rc = STRATA_E_INVALID_SCHEMA;
        scm_diag_set(diag, 0, 0, "", "cannot normalise the expression of column \"%s\"",
                     def->colname);
        goto cleanup;
      }
    }
  }
  if (!stb_table_add_column(t, &col, serial)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < def->n_constraints; i++) {
    if (def->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      rc = add_constraint(cat, t, def->constraints[i]->constraint, def->colname, diag);
    }
  }
  if (rc == STRATA_E_OK) {
    rc = set_enum_types(cat, t);
  }

cleanup:
  stb_column_release(&col);
  return rc;
}

/* True when @p expr mentions @p word as a whole identifier. */
static bool mentions(const char *expr, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(expr, word); p != NULL; p = strstr(p + 1, word)) {
    char before = p > expr ? p[-1] : ' ';
    char after = p[n];
    bool ident_before = before == '_' || before == '"' || (before >= 'a' && before <= 'z') ||
                        (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9');
    bool ident_after = after == '_' || (after >= 'a' && after <= 'z') ||
                       (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9');
    if (!ident_before && !ident_after) {
      return true;
    }
  }
  return false;
}

/* Drops column @p index with the constraints that use it, as PostgreSQL does. */
static void drop_column(stb_table *t, size_t index) {
  const char *name = t->cols[index].name;
  if (t->pk.name != NULL && stb_names_contains(&t->pk.columns, name)) {
    stb_key_release(&t->pk);
  }
  for (size_t i = t->nuniques; i-- > 0;) {
    if (stb_names_contains(&t->uniques[i].columns, name)) {
      stb_table_drop_constraint(t, t->uniques[i].name);
    }
  }
  for (size_t i = t->nfkeys; i-- > 0;) {
    if (stb_names_contains(&t->fkeys[i].columns, name)) {
      stb_table_drop_constraint(t, t->fkeys[i].name);
    }
  }
  for (size_t i = t->nchecks; i-- > 0;) {
    if (mentions(t->checks[i].expr, name)) {
      stb_table_drop_constraint(t, t->checks[i].name);
    }
  }
  stb_column_release(&t->cols[index]);
  memmove(&t->cols[index], &t->cols[index + 1], (t->ncols - index - 1) * sizeof *t->cols);
  t->ncols--;
}

static bool rename_in(stb_names *names, const char *from, const char *to) {
  for (size_t i = 0; i < names->n; i++) {
    if (strcmp(names->v[i], from) == 0) {
      char *copy = strdup(to);
      if (copy == NULL) {
        return false;
      }
      free(names->v[i]);
      names->v[i] = copy;
    }
  }
  return true;
}

static strata_error rename_column(stb_table *t, const char *from, const char *to,
                                  strata_diag *diag) {
  int index = stb_column_index(t, from);
  if (index < 0) {
    scm_diag_set(diag, 0, 0, "", "column \"%s\" of table \"%s\" does not exist", from, t->name);
    return STRATA_E_INVALID_SCHEMA;
  }
  if (stb_column_index(t, to) >= 0) {
    scm_diag_set(diag, 0, 0, "", "column \"%s\" of table \"%s\" already exists", to, t->name);
    return STRATA_E_INVALID_SCHEMA;
  }
  char *copy = strdup(to);
  if (copy == NULL) {
    return STRATA_E_NOMEM;
  }
  free(t->cols[index].name);
  t->cols[index].name = copy;
  bool ok = rename_in(&t->pk.columns, from, to);
  for (size_t i = 0; ok && i < t->nuniques; i++) {
    ok = rename_in(&t->uniques[i].columns, from, to);
  }
  for (size_t i = 0; ok && i < t->nfkeys; i++) {
    ok = rename_in(&t->fkeys[i].columns, from, to);
  }
  return ok ? STRATA_E_OK : STRATA_E_NOMEM;
}

/* ---- statements ---- */

static strata_error create_table(stb_catalog *cat, const PgQuery__CreateStmt *cs,
                                 strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_table *t = NULL;
  char *name = range_var_name(cs->relation);

  if (name == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (stb_catalog_find(cat, name) != NULL) {
    if (!cs->if_not_exists) {
      rc = STRATA_E_INVALID_SCHEMA;
      scm_diag_set(diag, 0, 0, "", "relation \"%s\" already exists", name);
    }
    goto cleanup;
  }
  if (cs->n_inh_relations > 0 || cs->of_typename != NULL || cs->partbound != NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "",
                 "table \"%s\": INHERITS, OF type and PARTITION OF are not supported", name);
    goto cleanup;
  }
  t = stb_table_new(name);
  if (t == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < cs->n_table_elts; i++) {
    const PgQuery__Node *n = cs->table_elts[i];
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      rc = add_column(cat, t, n->column_def, diag);
    } else if (n->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
      rc = STRATA_E_INVALID_SCHEMA;
      scm_diag_set(diag, 0, 0, "", "table \"%s\": LIKE is not supported", name);
    }
  }
  /* table constraints after all columns, as PostgreSQL resolves them */
  for (size_t i = 0; rc == STRATA_E_OK && i < cs->n_table_elts; i++) {
    const PgQuery__Node *n = cs->table_elts[i];
    if (n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      rc = add_constraint(cat, t, n->constraint, NULL, diag);
    }
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = catalog_push(cat, t, true);
  t = NULL;

cleanup:
  stb_table_free(t);
  free(name);
  return rc;
}

static strata_error alter_column_type(stb_catalog *cat, stb_table *t,
                                      const PgQuery__AlterTableCmd *cmd, int index,
                                      strata_diag *diag) {
  stb_type type;
  bool serial = false;
  const PgQuery__ColumnDef *def =
      cmd->def != NULL && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF
          ? cmd->def->column_def
          : NULL;
  if (def == NULL || def->type_name == NULL) {
    scm_diag_set(diag, 0, 0, "", "ALTER COLUMN \"%s\" TYPE without a type", cmd->name);
    return STRATA_E_INVALID_SCHEMA;
  }
  if (!stb_type_from_pg(def->type_name, &type, &serial)) {
    return STRATA_E_NOMEM;
  }
  if (serial) {
    stb_type_release(&type);
    scm_diag_set(diag, 0, 0, "", "type \"%s\" does not exist", "serial");
    return STRATA_E_INVALID_SCHEMA;
  }
  stb_column *c = &t->cols[index];
  stb_type_release(&c->type);
  c->type = type;
  if (def->coll_clause != NULL) {
    free(c->collation);
    c->collation = joined_names(def->coll_clause->collname, def->coll_clause->n_collname);
    if (c->collation == NULL) {
      return STRATA_E_NOMEM;
    }
  }
  return set_enum_types(cat, t);
}

static strata_error alter_cmd(stb_catalog *cat, stb_table *t, const PgQuery__AlterTableCmd *cmd,
                              strata_diag *diag) {
  const char *colname = stb_pg_str(cmd->name);
  int index = colname != NULL ? stb_column_index(t, colname) : -1;
  bool needs_column = false;

  switch (cmd->subtype) {
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    if (cmd->def == NULL || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
      return STRATA_E_OK;
    }
    if (cmd->missing_ok && stb_column_index(t, cmd->def->column_def->colname) >= 0) {
      return STRATA_E_OK;
    }
    return add_column(cat, t, cmd->def->column_def, diag);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    if (index < 0) {
      needs_column = !cmd->missing_ok;
      break;
    }
    drop_column(t, (size_t)index);
    return set_enum_types(cat, t);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
    if (index < 0) {
      needs_column = true;
      break;
    }
    return alter_column_type(cat, t, cmd, index, diag);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    if (index < 0) {
      needs_column = true;
      break;
    }
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull &&
        stb_names_contains(&t->pk.columns, colname)) {
      scm_diag_set(diag, 0, 0, "", "column \"%s\" is in a primary key", colname);
      return STRATA_E_INVALID_SCHEMA;
    }
    t->cols[index].not_null = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
    return STRATA_E_OK;
  case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault: {
    if (index < 0) {
      needs_column = true;
      break;
    }
    char *expr = NULL;
    if (cmd->def != NULL) {
      expr = stb_expr_text(cmd->def);
      if (expr == NULL) {
        scm_diag_set(diag, 0, 0, "", "cannot normalise the default of column \"%s\"", colname);
        return STRATA_E_INVALID_SCHEMA;
      }
    }
    free(t->cols[index].default_expr);
    t->cols[index].default_expr = expr;
    return STRATA_E_OK;
  }
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity: {
    if (index < 0) {
      needs_column = !cmd->missing_ok;
      break;
    }
    char *identity = NULL;
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity) {
      const PgQuery__Constraint *con =
          cmd->def != NULL && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
              ? cmd->def->constraint
              : NULL;
      identity = strdup(con != NULL && con->generated_when != NULL && con->generated_when[0] == 'd'
                            ? "BY DEFAULT"
                            : "ALWAYS");
      if (identity == NULL) {
        return STRATA_E_NOMEM;
      }
      t->cols[index].not_null = true;
    }
    free(t->cols[index].identity);
    t->cols[index].identity = identity;
    return STRATA_E_OK;
  }
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    if (index < 0) {
      needs_column = !cmd->missing_ok;
      break;
    }
    free(t->cols[index].generated);
    t->cols[index].generated = NULL;
    return STRATA_E_OK;
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    if (cmd->def == NULL || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) {
      return STRATA_E_OK;
    }
    return add_constraint(cat, t, cmd->def->constraint, NULL, diag);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    if (colname != NULL && !stb_table_drop_constraint(t, colname) && !cmd->missing_ok) {
      scm_diag_set(diag, 0, 0, "", "constraint \"%s\" of relation \"%s\" does not exist", colname,
                   t->name);
      return STRATA_E_INVALID_SCHEMA;
    }
    return STRATA_E_OK;
  default:
    return STRATA_E_OK;
  }
  if (needs_column) {
    scm_diag_set(diag, 0, 0, "", "column \"%s\" of relation \"%s\" does not exist",
                 colname != NULL ? colname : "", t->name);
    return STRATA_E_INVALID_SCHEMA;
  }
  return STRATA_E_OK;
}

/* The entry for @p rv; NULL with diag filled (unless @p missing_ok) when there is none. */
static stb_entry *find_relation(stb_catalog *cat, const PgQuery__RangeVar *rv, bool missing_ok,
                                strata_error *rc, strata_diag *diag) {
  char *name = rv != NULL ? range_var_name(rv) : NULL;
  stb_entry *e = NULL;
  *rc = STRATA_E_OK;
  if (name == NULL) {
    *rc = rv != NULL ? STRATA_E_NOMEM : STRATA_E_OK;
    return NULL;
  }
  e = stb_catalog_find(cat, name);
  if (e == NULL && !missing_ok) {
    *rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "", "relation \"%s\" does not exist", name);
  }
  free(name);
  return e;
}

static strata_error alter_table(stb_catalog *cat, const PgQuery__AlterTableStmt *as,
                                strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    return STRATA_E_OK;
  }
  stb_entry *e = find_relation(cat, as->relation, as->missing_ok, &rc, diag);
  if (e == NULL) {
    return rc;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < as->n_cmds; i++) {
    if (as->cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
      rc = alter_cmd(cat, e->table, as->cmds[i]->alter_table_cmd, diag);
    }
  }
  e->touched = true;
  return rc;
}

static strata_error rename_stmt(stb_catalog *cat, const PgQuery__RenameStmt *rs,
                                strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  bool table = rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
  bool column = rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
                rs->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
  bool constraint = rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT;
  if (!table && !column && !constraint) {
    return STRATA_E_OK;
  }
  stb_entry *e = find_relation(cat, rs->relation, rs->missing_ok, &rc, diag);
  if (e == NULL) {
    return rc;
  }
  stb_table *t = e->table;
  e->touched = true;
  if (table) {
    if (stb_catalog_find(cat, rs->newname) != NULL) {
      scm_diag_set(diag, 0, 0, "", "relation \"%s\" already exists", rs->newname);
      return STRATA_E_INVALID_SCHEMA;
    }
    /* the schema part of the old name is kept */
    size_t keep = (size_t)(stb_table_relname(t) - t->name);
    size_t len = keep + strlen(rs->newname) + 1;
    char *name = malloc(len);
    if (name == NULL) {
      return STRATA_E_NOMEM;
    }
    snprintf(name, len, "%.*s%s", (int)keep, t->name, rs->newname);
    free(t->name);
    t->name = name;
    return STRATA_E_OK;
  }
  if (column) {
    return rename_column(t, rs->subname, rs->newname, diag);
  }
  char **slot = NULL;
  if (t->pk.name != NULL && strcmp(t->pk.name, rs->subname) == 0) {
    slot = &t->pk.name;
  }
  for (size_t i = 0; slot == NULL && i < t->nuniques; i++) {
    slot = strcmp(t->uniques[i].name, rs->subname) == 0 ? &t->uniques[i].name : NULL;
  }
  for (size_t i = 0; slot == NULL && i < t->nchecks; i++) {
    slot = strcmp(t->checks[i].name, rs->subname) == 0 ? &t->checks[i].name : NULL;
  }
  for (size_t i = 0; slot == NULL && i < t->nfkeys; i++) {
    slot = strcmp(t->fkeys[i].name, rs->subname) == 0 ? &t->fkeys[i].name : NULL;
  }
  if (slot == NULL) {
    scm_diag_set(diag, 0, 0, "", "constraint \"%s\" for table \"%s\" does not exist", rs->subname,
                 t->name);
    return STRATA_E_INVALID_SCHEMA;
  }
  char *copy = strdup(rs->newname);
  if (copy == NULL) {
    return STRATA_E_NOMEM;
  }
  free(*slot);
  *slot = copy;
  return STRATA_E_OK;
}

static strata_error drop_stmt(stb_catalog *cat, const PgQuery__DropStmt *ds, strata_diag *diag) {
  if (ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    return STRATA_E_OK;
  }
  for (size_t i = 0; i < ds->n_objects; i++) {
    const PgQuery__Node *obj = ds->objects[i];
    if (obj->node_case != PG_QUERY__NODE__NODE_LIST) {
      continue;
    }
    char *name = joined_names(obj->list->items, obj->list->n_items);
    if (name == NULL) {
      return STRATA_E_NOMEM;
    }
    stb_entry *e = stb_catalog_find(cat, name);
    if (e == NULL && !ds->missing_ok) {
      scm_diag_set(diag, 0, 0, "", "table \"%s\" does not exist", name);
      free(name);
      return STRATA_E_INVALID_SCHEMA;
    }
    free(name);
    if (e != NULL) {
      stb_table_free(e->table);
      e->table = NULL;
      e->touched = true;
    }
  }
  return STRATA_E_OK;
}

static strata_error create_enum(stb_catalog *cat, const PgQuery__CreateEnumStmt *es,
                                strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_enum e = {0};
  e.name = joined_names(es->type_name, es->n_type_name);
  if (e.name == NULL || !names_from_nodes(&e.values, es->vals, es->n_vals)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (catalog_enum(cat, e.name) != NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "", "type \"%s\" already exists", e.name);
    goto cleanup;
  }
  if (!catalog_push_enum(cat, &e)) {
    rc = STRATA_E_NOMEM;
  }

cleanup:
  stb_enum_release(&e);
  return rc;
}

/* Applies ALTER TYPE ... ADD VALUE / RENAME VALUE to @p values. */
static strata_error alter_enum_values(stb_names *values, const PgQuery__AlterEnumStmt *as,
                                      const char *type, strata_diag *diag) {
  const char *old_val = stb_pg_str(as->old_val);
  if (old_val != NULL) {
    for (size_t i = 0; i < values->n; i++) {
      if (strcmp(values->v[i], old_val) == 0) {
        char *copy = strdup(as->new_val);
        if (copy == NULL) {
          return STRATA_E_NOMEM;
        }
        free(values->v[i]);
        values->v[i] = copy;
        return STRATA_E_OK;
      }
    }
    scm_diag_set(diag, 0, 0, "", "\"%s\" is not an existing enum label of type \"%s\"", old_val,
                 type);
    return STRATA_E_INVALID_SCHEMA;
  }
  if (stb_names_contains(values, as->new_val)) {
    if (as->skip_if_new_val_exists) {
      return STRATA_E_OK;
    }
    scm_diag_set(diag, 0, 0, "", "enum label \"%s\" already exists", as->new_val);
    return STRATA_E_INVALID_SCHEMA;
  }
  size_t at = values->n;
  const char *neighbor = stb_pg_str(as->new_val_neighbor);
  if (neighbor != NULL) {
    size_t k = 0;
    while (k < values->n && strcmp(values->v[k], neighbor) != 0) {
      k++;
    }
    if (k == values->n) {
      scm_diag_set(diag, 0, 0, "", "\"%s\" is not an existing enum label", neighbor);
      return STRATA_E_INVALID_SCHEMA;
    }
    at = as->new_val_is_after ? k + 1 : k;
  }
  if (!stb_names_push(values, as->new_val)) {
    return STRATA_E_NOMEM;
  }
  char *added = values->v[values->n - 1];
  memmove(&values->v[at + 1], &values->v[at], (values->n - 1 - at) * sizeof *values->v);
  values->v[at] = added;
  return STRATA_E_OK;
}

static strata_error alter_enum(stb_catalog *cat, const PgQuery__AlterEnumStmt *as,
                               strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  char *name = joined_names(as->type_name, as->n_type_name);
  if (name == NULL) {
    return STRATA_E_NOMEM;
  }
  stb_enum *e = catalog_enum(cat, name);
  if (e == NULL) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "", "type \"%s\" does not exist", name);
    goto cleanup;
  }
  rc = alter_enum_values(&e->values, as, name, diag);
  /* the copies held by the tables that use the type */
  for (size_t i = 0; rc == STRATA_E_OK && i < cat->nentries; i++) {
    stb_table *t = cat->entries[i].table;
    for (size_t k = 0; t != NULL && rc == STRATA_E_OK && k < t->nenums; k++) {
      if (same_table_name(t->enums[k].name, name)) {
        rc = alter_enum_values(&t->enums[k].values, as, name, NULL);
        cat->entries[i].touched = true;
      }
    }
  }

cleanup:
  free(name);
  return rc;
}

static strata_error create_index(stb_catalog *cat, const PgQuery__IndexStmt *is) {
  stb_index idx = {0};
  if (!is->unique || stb_pg_str(is->idxname) == NULL || is->relation == NULL ||
      is->where_clause != NULL) {
    return STRATA_E_OK;
  }
  for (size_t i = 0; i < is->n_index_params; i++) {
    const PgQuery__Node *p = is->index_params[i];
    if (p->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM ||
        stb_pg_str(p->index_elem->name) == NULL) {
      stb_names_free(&idx.columns);
      return STRATA_E_OK; /* expression indexes cannot back a constraint */
    }
    if (!stb_names_push(&idx.columns, p->index_elem->name)) {
      stb_names_free(&idx.columns);
      return STRATA_E_NOMEM;
    }
  }
  idx.name = strdup(is->idxname);
  idx.table = range_var_name(is->relation);
  stb_index *grown = idx.name != NULL && idx.table != NULL
                         ? realloc(cat->indexes, (cat->nindexes + 1) * sizeof *grown)
                         : NULL;
  if (grown == NULL) {
    free(idx.name);
    free(idx.table);
    stb_names_free(&idx.columns);
    return STRATA_E_NOMEM;
  }
  cat->indexes = grown;
  cat->indexes[cat->nindexes++] = idx;
  return STRATA_E_OK;
}

static strata_error apply_stmt(stb_catalog *cat, const PgQuery__Node *stmt, strata_diag *diag) {
  switch (stmt->node_case) {
  case PG_QUERY__NODE__NODE_CREATE_STMT:
    return create_table(cat, stmt->create_stmt, diag);
  case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
    return alter_table(cat, stmt->alter_table_stmt, diag);
  case PG_QUERY__NODE__NODE_RENAME_STMT:
    return rename_stmt(cat, stmt->rename_stmt, diag);
  case PG_QUERY__NODE__NODE_DROP_STMT:
    return drop_stmt(cat, stmt->drop_stmt, diag);
  case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
    return create_enum(cat, stmt->create_enum_stmt, diag);
  case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
    return alter_enum(cat, stmt->alter_enum_stmt, diag);
  case PG_QUERY__NODE__NODE_INDEX_STMT:
    return create_index(cat, stmt->index_stmt);
  default:
    return STRATA_E_OK;
  }
}

/* The byte offset of the first invalid UTF-8 sequence in @p s, or @p len when it is valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || i + n > len || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) {
      return i;
    }
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return i;
      }
    }
    unsigned cp = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t k = 1; k < n; k++) {
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += n;
  }
  return len;
}

strata_error stb_catalog_apply(stb_catalog *cat, const char *sql, size_t len, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  PgQuery__ParseResult *tree = NULL;
  int cursor = 0;
  char *text = NULL;

  if (memchr(sql, '\0', len) != NULL) {
    scm_diag_set(diag, 0, 0, "", "the SQL text contains a NUL byte");
    return STRATA_E_INVALID_SCHEMA;
  }
  size_t bad = utf8_invalid_at((const unsigned char *)sql, len);
  if (bad < len) {
    scm_diag_set(diag, 0, 0, "", "the SQL text is not valid UTF-8");
    if (diag != NULL) {
      stb_pg_line_col(sql, len, bad, false, &diag->line, &diag->column);
    }
    return STRATA_E_INVALID_SCHEMA;
  }
  text = malloc(len + 1);
  if (text == NULL) {
    return STRATA_E_NOMEM;
  }
  memcpy(text, sql, len);
  text[len] = '\0';
  tree = stb_pg_parse(text, diag, "", &cursor);
  if (tree == NULL) {
    rc = cursor > 0 ? STRATA_E_INVALID_SCHEMA : STRATA_E_NOMEM;
    if (diag != NULL && cursor > 0) {
      stb_pg_line_col(text, len, (size_t)cursor - 1, true, &diag->line, &diag->column);
    }
    goto cleanup;
  }
  for (size_t i = 0; rc == STRATA_E_OK && i < tree->n_stmts; i++) {
    const PgQuery__RawStmt *raw = tree->stmts[i];
    if (raw->stmt == NULL) {
      continue;
    }
    rc = apply_stmt(cat, raw->stmt, diag);
    if (rc == STRATA_E_INVALID_SCHEMA && diag != NULL) {
      /* point at the statement's first token, past leading whitespace and comments */
      size_t at = (size_t)raw->stmt_location;
      size_t end = raw->stmt_len > 0 ? at + (size_t)raw->stmt_len : len;
      while (at < end && at < len) {
        if (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r') {
          at++;
        } else if (text[at] == '-' && at + 1 < len && text[at + 1] == '-') {
          while (at < len && text[at] != '\n') {
            at++;
          }
        } else {
          break;
        }
      }
      stb_pg_line_col(text, len, at, false, &diag->line, &diag->column);
    }
  }

cleanup:
  stb_pg_free(tree);
  free(text);
  return rc;
}

/* ---- the DDL front end of the TABLE format ---- */

strata_error stb_parse_ddl(const char *text, size_t len, stb_table **out, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  stb_catalog cat = {0};
  stb_table *found = NULL;

  *out = NULL;
  rc = stb_catalog_apply(&cat, text, len, diag);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  size_t tables = 0;
  for (size_t i = 0; i < cat.nentries; i++) {
    if (cat.entries[i].table != NULL) {
      tables++;
      found = cat.entries[i].table;
    }
  }
  if (tables != 1) {
    rc = STRATA_E_INVALID_SCHEMA;
    scm_diag_set(diag, 0, 0, "",
                 "a TABLE schema holds exactly one CREATE TABLE statement; this one has %zu",
                 tables);
    goto cleanup;
  }
  for (size_t i = 0; i < cat.nentries; i++) {
    if (cat.entries[i].table == found) {
      cat.entries[i].table = NULL;
    }
  }
  stb_table_sort(found);
  *out = found;

cleanup:
  stb_catalog_release(&cat);
  return rc;
}
