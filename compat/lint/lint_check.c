/*
 * lint_check.c - the rules. One checker walks a file's statements in order
 * and keeps what the rules need to know about the file so far: whether a
 * transaction is open (explicit, or assumed for the runner), the tables
 * created in it, the column types seen, the CHECK constraints added and
 * validated, and whether lock_timeout and statement_timeout are set.
 */
#include "lint_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chk_table {
  int tx;        /* the transaction that created it; -1 outside one */
  bool existing; /* from the replayed schema: not new */
} chk_table;

typedef struct chk_constraint {
  int tx; /* the transaction that added it NOT VALID */
  bool not_valid;
  bool validated;
  bool known;   /* added in this file (else only its VALIDATE was seen) */
  char *column; /* for CHECK (col IS NOT NULL): the column, else NULL */
} chk_constraint;

struct mlint_checker {
  const mlint_options *opts;
  mlint_findings *findings;
  const mlint_source *src;
  size_t nstatements;
  bool quiet;
  /* the statement being checked, and its strata-ignore set */
  const mlint_stmt *stmt;
  size_t next_directive;
  bool ignore_all;
  bool ignore[MLINT_RULE__COUNT];
  /* transactions */
  bool explicit_tx;
  int tx_counter;
  int explicit_tx_id;
  size_t begin_offset;
  size_t begin_length;
  bool begin_ignored;
  /* timeouts */
  bool lock_timeout;
  bool statement_timeout;
  bool lock_reported;
  bool statement_reported;
  /* catalog */
  mlint_map tables;       /* relname -> chk_table */
  mlint_map columns;      /* relname \x1f column -> mlint_type */
  mlint_map constraints;  /* relname \x1f constraint -> chk_constraint */
  mlint_map dropped_cons; /* relname \x1f constraint dropped IF EXISTS -> marker */
};

static void chk_constraint_free(void *p) {
  chk_constraint *c = p;
  free(c->column);
  free(c);
}

mlint_checker *mlint_checker_new(const mlint_options *opts, mlint_findings *findings) {
  mlint_checker *ck = calloc(1, sizeof *ck);
  if (ck == NULL) {
    return NULL;
  }
  ck->opts = opts;
  ck->findings = findings;
  ck->tables.free_value = free;
  ck->columns.free_value = free;
  ck->constraints.free_value = chk_constraint_free;
  ck->dropped_cons.free_value = free;
  return ck;
}

void mlint_checker_free(mlint_checker *ck) {
  if (ck == NULL) {
    return;
  }
  mlint_map_clear(&ck->tables);
  mlint_map_clear(&ck->columns);
  mlint_map_clear(&ck->constraints);
  mlint_map_clear(&ck->dropped_cons);
  free(ck);
}

void mlint_checker_begin(mlint_checker *ck, const mlint_source *src, size_t nstatements,
                         bool quiet) {
  if (ck->quiet) {
    /* the schema replay is over: what it created exists before the migration */
    for (size_t i = 0; i < ck->tables.cap; i++) {
      if (ck->tables.keys[i] != NULL) {
        ((chk_table *)ck->tables.values[i])->existing = true;
      }
    }
    ck->explicit_tx = false;
    ck->lock_timeout = false;
    ck->statement_timeout = false;
    mlint_map_clear(&ck->constraints);
    mlint_map_clear(&ck->dropped_cons);
  }
  ck->src = src;
  ck->nstatements = nstatements;
  ck->quiet = quiet;
  ck->next_directive = 0;
}

/* ---- state queries ---- */

/* The transaction the current statement runs in: an explicit one, the
 * runner's (0) when assumed, or -1 (autocommit). */
static int chk_tx(const mlint_checker *ck) {
  if (ck->explicit_tx) {
    return ck->explicit_tx_id;
  }
  return ck->opts->assume_in_transaction ? 0 : -1;
}

static bool chk_in_tx(const mlint_checker *ck) {
  return chk_tx(ck) >= 0;
}

/* Whether @p relname was created earlier in the current transaction, so no
 * other session can see it yet: locks and scans on it harm nobody. */
static bool chk_table_new(const mlint_checker *ck, const char *relname) {
  const chk_table *t = mlint_map_get(&ck->tables, relname);
  int tx = chk_tx(ck);
  return t != NULL && !t->existing && tx >= 0 && t->tx == tx;
}

static void chk_key(char *buf, size_t size, const char *a, const char *b) {
  snprintf(buf, size, "%s\x1f%s", a, b);
}

static const char *rv_name(const PgQuery__RangeVar *rv) {
  return rv != NULL && rv->relname != NULL ? rv->relname : "";
}

/* "schema.rel" or "rel" for messages. */
static void rv_display(const PgQuery__RangeVar *rv, char *buf, size_t size) {
  if (rv != NULL && rv->schemaname != NULL && rv->schemaname[0] != '\0') {
    snprintf(buf, size, "%s.%s", rv->schemaname, rv_name(rv));
  } else {
    snprintf(buf, size, "%s", rv_name(rv));
  }
}

static const char *node_str(const PgQuery__Node *n) {
  return n != NULL && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* ---- findings ---- */

static strata_error chk_emit_at(mlint_checker *ck, mlint_rule_id rule, size_t offset, size_t length,
                                bool ignored, const char *table, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static strata_error chk_emit_at(mlint_checker *ck, mlint_rule_id rule, size_t offset, size_t length,
                                bool ignored, const char *table, const char *fmt, ...) {
  if (ck->quiet || !ck->opts->enabled[rule]) {
    return STRATA_E_OK;
  }
  if (ignored || ck->src->file_all || ck->src->file_rules[rule]) {
    ck->findings->suppressed++;
    return STRATA_E_OK;
  }
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return mlint_findings_add(ck->findings, ck->src, rule, offset, length, table, message);
}

#define chk_emit(ck, rule, table, ...)                                                             \
  chk_emit_at((ck), (rule), (ck)->stmt->offset, (ck)->stmt->length,                                \
              (ck)->ignore_all || (ck)->ignore[(rule)], (table), __VA_ARGS__)

/* Collects the strata-ignore directives that apply to the current statement:
 * those before its end not taken by an earlier statement. */
static void chk_take_directives(mlint_checker *ck) {
  ck->ignore_all = false;
  memset(ck->ignore, 0, sizeof ck->ignore);
  size_t end = ck->stmt->offset + ck->stmt->length;
  while (ck->next_directive < ck->src->ndirectives &&
         ck->src->directives[ck->next_directive].offset < end) {
    const mlint_directive *d = &ck->src->directives[ck->next_directive++];
    ck->ignore_all = ck->ignore_all || d->all;
    for (int r = 0; r < MLINT_RULE__COUNT; r++) {
      ck->ignore[r] = ck->ignore[r] || d->rules[r];
    }
  }
}

/* ---- timeouts ---- */

static strata_error chk_lock_taking(mlint_checker *ck, const char *table, const char *what) {
  strata_error rc = STRATA_E_OK;
  if (!ck->lock_timeout && !ck->lock_reported) {
    ck->lock_reported = true;
    rc = chk_emit(ck, MLINT_RULE_REQUIRE_LOCK_TIMEOUT, table,
                  "%s takes a lock with no lock_timeout set before it", what);
  }
  if (rc == STRATA_E_OK && !ck->statement_timeout && !ck->statement_reported) {
    ck->statement_reported = true;
    rc = chk_emit(ck, MLINT_RULE_REQUIRE_STATEMENT_TIMEOUT, table,
                  "%s runs with no statement_timeout set before it", what);
  }
  return rc;
}

/* Whether a SET value turns the timeout on (anything but 0). */
static bool chk_timeout_value(PgQuery__Node *const *args, size_t n) {
  if (n == 0) {
    return false;
  }
  const PgQuery__Node *a = args[0];
  if (a->node_case == PG_QUERY__NODE__NODE_A_CONST) {
    const PgQuery__AConst *c = a->a_const;
    if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      return c->ival->ival != 0;
    }
    if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
      const char *s = c->sval->sval;
      return strcmp(s, "0") != 0 && strcmp(s, "0ms") != 0 && strcmp(s, "0s") != 0;
    }
  }
  return true;
}

static void chk_set_timeout(mlint_checker *ck, const char *name, bool on) {
  if (strcmp(name, "lock_timeout") == 0) {
    ck->lock_timeout = on;
  } else if (strcmp(name, "statement_timeout") == 0) {
    ck->statement_timeout = on;
  }
}

static void chk_variable_set(mlint_checker *ck, const PgQuery__VariableSetStmt *vs) {
  switch (vs->kind) {
  case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
    chk_set_timeout(ck, vs->name, chk_timeout_value(vs->args, vs->n_args));
    break;
  case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
  case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
    chk_set_timeout(ck, vs->name, false);
    break;
  case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
    ck->lock_timeout = false;
    ck->statement_timeout = false;
    break;
  default:
    break;
  }
}

/* SELECT set_config('lock_timeout', '2s', false) */
static void chk_select(mlint_checker *ck, const PgQuery__SelectStmt *sel) {
  for (size_t i = 0; i < sel->n_target_list; i++) {
    const PgQuery__Node *t = sel->target_list[i];
    if (t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || t->res_target->val == NULL ||
        t->res_target->val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
      continue;
    }
    const PgQuery__FuncCall *fc = t->res_target->val->func_call;
    const char *fn = fc->n_funcname > 0 ? node_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    if (fn == NULL || strcmp(fn, "set_config") != 0 || fc->n_args < 2) {
      continue;
    }
    const PgQuery__Node *a = fc->args[0];
    if (a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
      chk_set_timeout(ck, a->a_const->sval->sval, chk_timeout_value(fc->args + 1, 1));
    }
  }
}

/* ---- transactions ---- */

static strata_error chk_transaction(mlint_checker *ck, const PgQuery__TransactionStmt *ts) {
  strata_error rc = STRATA_E_OK;
  switch (ts->kind) {
  case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
  case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
    if (ck->explicit_tx) {
      rc = chk_emit(ck, MLINT_RULE_TRANSACTION_NESTING, NULL,
                    "BEGIN inside a transaction that is already in progress");
    } else if (ck->opts->assume_in_transaction) {
      rc = chk_emit(ck, MLINT_RULE_TRANSACTION_NESTING, NULL,
                    "BEGIN in a file the migration runner already runs in a transaction");
    }
    if (!ck->explicit_tx) {
      ck->explicit_tx = true;
      ck->explicit_tx_id = ++ck->tx_counter;
      ck->begin_offset = ck->stmt->offset;
      ck->begin_length = ck->stmt->length;
      ck->begin_ignored = ck->ignore_all || ck->ignore[MLINT_RULE_BAN_UNCOMMITTED_TRANSACTION];
    }
    break;
  case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
  case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
  case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
    if (ck->opts->assume_in_transaction) {
      rc = chk_emit(ck, MLINT_RULE_TRANSACTION_NESTING, NULL,
                    "COMMIT or ROLLBACK ends the migration runner's transaction early");
    } else if (!ck->explicit_tx) {
      rc = chk_emit(ck, MLINT_RULE_TRANSACTION_NESTING, NULL,
                    "COMMIT or ROLLBACK with no transaction in progress");
    }
    ck->explicit_tx = false;
    break;
  default:
    break;
  }
  return rc;
}

/* ---- CREATE TABLE ---- */

static strata_error chk_put_column(mlint_checker *ck, const char *table, const char *column,
                                   const PgQuery__TypeName *tn) {
  char key[256];
  chk_key(key, sizeof key, table, column);
  mlint_type *t = malloc(sizeof *t);
  if (t == NULL) {
    return STRATA_E_NOMEM;
  }
  mlint_type_from_ast(tn, t);
  return mlint_map_put(&ck->columns, key, t);
}

static strata_error chk_put_table(mlint_checker *ck, const char *table) {
  chk_table *t = calloc(1, sizeof *t);
  if (t == NULL) {
    return STRATA_E_NOMEM;
  }
  t->tx = chk_tx(ck);
  return mlint_map_put(&ck->tables, table, t);
}

static strata_error chk_create_table(mlint_checker *ck, const PgQuery__CreateStmt *cs) {
  const char *table = rv_name(cs->relation);
  char shown[256];
  rv_display(cs->relation, shown, sizeof shown);
  strata_error rc;
  if (cs->if_not_exists && mlint_map_get(&ck->tables, table) != NULL) {
    return STRATA_E_OK; /* the existing table stays as it is */
  }
  if ((rc = chk_put_table(ck, table)) != STRATA_E_OK) {
    return rc;
  }
  for (size_t i = 0; i < cs->n_table_elts; i++) {
    const PgQuery__Node *e = cs->table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def->colname != NULL &&
        (rc = chk_put_column(ck, table, e->column_def->colname, e->column_def->type_name)) !=
            STRATA_E_OK) {
      return rc;
    }
  }
  if (!cs->if_not_exists && !chk_in_tx(ck)) {
    return chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                    "CREATE TABLE %s without IF NOT EXISTS outside a transaction cannot be "
                    "re-run",
                    shown);
  }
  return STRATA_E_OK;
}

/* ---- CREATE / DROP INDEX ---- */

/* golang-migrate and similar runners do not wrap a file with one statement. */
static bool chk_concurrent_in_tx(const mlint_checker *ck) {
  if (ck->explicit_tx) {
    return true;
  }
  return ck->opts->assume_in_transaction && ck->nstatements > 1;
}

static strata_error chk_index(mlint_checker *ck, const PgQuery__IndexStmt *is) {
  const char *table = rv_name(is->relation);
  char shown[256];
  rv_display(is->relation, shown, sizeof shown);
  const char *name = is->idxname != NULL && is->idxname[0] != '\0' ? is->idxname : "(unnamed)";
  strata_error rc = chk_lock_taking(ck, shown, "CREATE INDEX");
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (!is->concurrent && !chk_table_new(ck, table)) {
    rc = chk_emit(ck, MLINT_RULE_REQUIRE_CONCURRENT_INDEX_CREATION, shown,
                  "CREATE %sINDEX %s on %s without CONCURRENTLY blocks writes to %s while it "
                  "is built",
                  is->unique ? "UNIQUE " : "", name, shown, shown);
  }
  if (rc == STRATA_E_OK && is->concurrent && chk_concurrent_in_tx(ck)) {
    rc = chk_emit(ck, MLINT_RULE_BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION, shown,
                  "CREATE INDEX CONCURRENTLY %s runs inside a transaction, where PostgreSQL "
                  "refuses it",
                  name);
  }
  if (rc == STRATA_E_OK && !is->if_not_exists && (is->concurrent || !chk_in_tx(ck))) {
    rc = chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                  is->concurrent ? "CREATE INDEX CONCURRENTLY %s without IF NOT EXISTS cannot "
                                   "be re-run (it never runs in a transaction)"
                                 : "CREATE INDEX %s without IF NOT EXISTS outside a transaction "
                                   "cannot be re-run",
                  name);
  }
  return rc;
}

/* The dotted name of a DROP object (a List of Strings, or a String). */
static void drop_object_name(const PgQuery__Node *obj, char *buf, size_t size, const char **last) {
  buf[0] = '\0';
  *last = "";
  if (obj->node_case == PG_QUERY__NODE__NODE_STRING) {
    snprintf(buf, size, "%s", obj->string->sval);
    *last = obj->string->sval;
    return;
  }
  if (obj->node_case != PG_QUERY__NODE__NODE_LIST) {
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < obj->list->n_items; i++) {
    const char *s = node_str(obj->list->items[i]);
    if (s != NULL) {
      int w = snprintf(buf + n, size - n, "%s%s", i > 0 ? "." : "", s);
      if (w < 0 || (size_t)w >= size - n) {
        break;
      }
      n += (size_t)w;
      *last = s;
    }
  }
}

static strata_error chk_drop(mlint_checker *ck, const PgQuery__DropStmt *ds) {
  strata_error rc = STRATA_E_OK;
  char names[512] = "";
  size_t used = 0;
  const char *last_table = NULL;
  bool is_table = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
  bool is_index = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
  if (!is_table && !is_index && ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW &&
      ds->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
    return STRATA_E_OK;
  }
  for (size_t i = 0; i < ds->n_objects; i++) {
    char one[256];
    const char *last;
    drop_object_name(ds->objects[i], one, sizeof one, &last);
    int w = snprintf(names + used, sizeof names - used, "%s%s", i > 0 ? ", " : "", one);
    if (w > 0 && (size_t)w < sizeof names - used) {
      used += (size_t)w;
    }
    if (is_table) {
      mlint_map_remove(&ck->tables, last);
      last_table = last;
    }
  }
  const char *what = is_table ? "DROP TABLE" : is_index ? "DROP INDEX" : "DROP VIEW";
  if ((rc = chk_lock_taking(ck, is_table ? names : NULL, what)) != STRATA_E_OK) {
    return rc;
  }
  (void)last_table;
  if (is_table) {
    rc = chk_emit(ck, MLINT_RULE_BAN_DROP_TABLE, names,
                  "DROP TABLE %s breaks every client that still uses it", names);
  }
  if (rc == STRATA_E_OK && is_index && !ds->concurrent) {
    rc = chk_emit(ck, MLINT_RULE_REQUIRE_CONCURRENT_INDEX_DELETION, NULL,
                  "DROP INDEX %s without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its "
                  "table",
                  names);
  }
  if (rc == STRATA_E_OK && is_index && ds->concurrent && chk_concurrent_in_tx(ck)) {
    rc = chk_emit(ck, MLINT_RULE_BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION, NULL,
                  "DROP INDEX CONCURRENTLY %s runs inside a transaction, where PostgreSQL "
                  "refuses it",
                  names);
  }
  if (rc == STRATA_E_OK && !ds->missing_ok && (is_table || is_index) &&
      (!chk_in_tx(ck) || ds->concurrent)) {
    rc = chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, NULL,
                  "%s %s without IF EXISTS outside a transaction cannot be re-run", what, names);
  }
  return rc;
}

/* ---- RENAME ---- */

static strata_error chk_rename(mlint_checker *ck, const PgQuery__RenameStmt *rs) {
  char shown[256];
  rv_display(rs->relation, shown, sizeof shown);
  const char *table = rv_name(rs->relation);
  strata_error rc;
  if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
      rs->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    if ((rc = chk_lock_taking(ck, shown, "RENAME COLUMN")) != STRATA_E_OK) {
      return rc;
    }
    char key[256];
    chk_key(key, sizeof key, table, rs->subname);
    mlint_map_remove(&ck->columns, key);
    return chk_emit(ck, MLINT_RULE_RENAMING_COLUMN, shown,
                    "renaming column %s.%s to %s breaks clients that still use the old name", shown,
                    rs->subname, rs->newname);
  }
  if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    if ((rc = chk_lock_taking(ck, shown, "RENAME TO")) != STRATA_E_OK) {
      return rc;
    }
    chk_table *t = mlint_map_get(&ck->tables, table);
    if (t != NULL) {
      chk_table *moved = malloc(sizeof *moved);
      if (moved == NULL) {
        return STRATA_E_NOMEM;
      }
      *moved = *t;
      mlint_map_remove(&ck->tables, table);
      if ((rc = mlint_map_put(&ck->tables, rs->newname, moved)) != STRATA_E_OK) {
        return rc;
      }
    }
    return chk_emit(ck, MLINT_RULE_RENAMING_TABLE, shown,
                    "renaming table %s to %s breaks clients that still use the old name", shown,
                    rs->newname);
  }
  return STRATA_E_OK;
}

/* ---- ALTER TABLE ---- */

typedef struct column_facts {
  bool not_null;
  bool has_default;
  const PgQuery__Node *default_expr;
  bool identity;
  bool generated;
  bool primary;
  bool unique;
  bool references;
} column_facts;

static void column_facts_of(const PgQuery__ColumnDef *cd, column_facts *f) {
  memset(f, 0, sizeof *f);
  f->not_null = cd->is_not_null;
  if (cd->raw_default != NULL) {
    f->has_default = true;
    f->default_expr = cd->raw_default;
  }
  for (size_t i = 0; i < cd->n_constraints; i++) {
    const PgQuery__Node *n = cd->constraints[i];
    if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) {
      continue;
    }
    const PgQuery__Constraint *c = n->constraint;
    switch (c->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
      f->not_null = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
      f->has_default = true;
      f->default_expr = c->raw_expr;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
      f->identity = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
      f->generated = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      f->primary = true;
      f->not_null = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      f->unique = true;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      f->references = true;
      break;
    default:
      break;
    }
  }
}

static strata_error chk_add_column(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                   const char *table, const char *shown) {
  if (cmd->def == NULL || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
    return STRATA_E_OK;
  }
  const PgQuery__ColumnDef *cd = cmd->def->column_def;
  const char *col = cd->colname != NULL ? cd->colname : "?";
  column_facts f;
  column_facts_of(cd, &f);
  bool serial = mlint_type_is_serial(cd->type_name);
  bool is_new = chk_table_new(ck, table);
  strata_error rc = chk_put_column(ck, table, col, cd->type_name);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (!is_new) {
    if (f.not_null && !f.has_default && !f.identity && !f.generated && !serial) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_REQUIRED_FIELD, shown,
                    "column %s.%s is added NOT NULL without a default", shown, col);
    }
    char vbuf[96];
    const char *volatile_part = NULL;
    if (rc == STRATA_E_OK && f.generated) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FIELD_WITH_DEFAULT, shown,
                    "column %s.%s is added as a stored generated column, which rewrites %s", shown,
                    col, shown);
    } else if (rc == STRATA_E_OK && serial) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FIELD_WITH_DEFAULT, shown,
                    "column %s.%s is added as a serial column, whose nextval() default rewrites "
                    "%s",
                    shown, col, shown);
    } else if (rc == STRATA_E_OK && f.identity) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FIELD_WITH_DEFAULT, shown,
                    "column %s.%s is added as an identity column, which fills every row and "
                    "rewrites %s",
                    shown, col, shown);
    } else if (rc == STRATA_E_OK && f.has_default && ck->opts->pg_version < 1100) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FIELD_WITH_DEFAULT, shown,
                    "column %s.%s is added with a default, which rewrites %s before "
                    "PostgreSQL 11",
                    shown, col, shown);
    } else if (rc == STRATA_E_OK && f.has_default &&
               (volatile_part = mlint_expr_volatile(f.default_expr, vbuf, sizeof vbuf)) != NULL) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FIELD_WITH_DEFAULT, shown,
                    "column %s.%s is added with the volatile default %s, which rewrites %s", shown,
                    col, volatile_part, shown);
    }
    if (rc == STRATA_E_OK && f.references) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_FOREIGN_KEY_CONSTRAINT, shown,
                    "column %s.%s is added with REFERENCES, which locks both tables", shown, col);
    }
    if (rc == STRATA_E_OK && f.unique) {
      rc = chk_emit(ck, MLINT_RULE_DISALLOWED_UNIQUE_CONSTRAINT, shown,
                    "column %s.%s is added UNIQUE, which builds its index under an ACCESS "
                    "EXCLUSIVE lock",
                    shown, col);
    }
    if (rc == STRATA_E_OK && f.primary) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_SERIAL_PRIMARY_KEY_FIELD, shown,
                    "column %s.%s is added as PRIMARY KEY, which builds its index under an "
                    "ACCESS EXCLUSIVE lock",
                    shown, col);
    }
  }
  if (rc == STRATA_E_OK && !cmd->missing_ok && !chk_in_tx(ck)) {
    rc =
        chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                 "ADD COLUMN %s without IF NOT EXISTS outside a transaction cannot be re-run", col);
  }
  return rc;
}

static strata_error chk_alter_type(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                   const char *table, const char *shown) {
  if (cmd->def == NULL || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
    return STRATA_E_OK;
  }
  const PgQuery__ColumnDef *cd = cmd->def->column_def;
  const char *col = cmd->name != NULL ? cmd->name : "?";
  char key[256];
  chk_key(key, sizeof key, table, col);
  mlint_type to;
  mlint_type_from_ast(cd->type_name, &to);
  char to_s[64];
  mlint_type_format(&to, to_s, sizeof to_s);
  const mlint_type *from = mlint_map_get(&ck->columns, key);
  strata_error rc = STRATA_E_OK;
  if (!chk_table_new(ck, table)) {
    if (cd->raw_default != NULL) {
      rc = chk_emit(ck, MLINT_RULE_CHANGING_COLUMN_TYPE, shown,
                    "column %s.%s changes type to %s with USING, which rewrites %s", shown, col,
                    to_s, shown);
    } else if (from == NULL) {
      rc = chk_emit(ck, MLINT_RULE_CHANGING_COLUMN_TYPE, shown,
                    "column %s.%s changes type to %s; its current type is not known here, and "
                    "most type changes rewrite %s",
                    shown, col, to_s, shown);
    } else if (!mlint_type_change_is_safe(from, &to, ck->opts->pg_version)) {
      char from_s[64];
      mlint_type_format(from, from_s, sizeof from_s);
      rc = chk_emit(ck, MLINT_RULE_CHANGING_COLUMN_TYPE, shown,
                    "column %s.%s changes type from %s to %s, which rewrites %s", shown, col,
                    from_s, to_s, shown);
    }
  }
  if (rc == STRATA_E_OK) {
    rc = chk_put_column(ck, table, col, cd->type_name);
  }
  return rc;
}

/* The column of a `col IS NOT NULL` check, or NULL. */
static const char *check_not_null_column(const PgQuery__Node *expr) {
  if (expr == NULL || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST ||
      expr->null_test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL) {
    return NULL;
  }
  const PgQuery__Node *arg = expr->null_test->arg;
  if (arg == NULL || arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF ||
      arg->column_ref->n_fields == 0) {
    return NULL;
  }
  return node_str(arg->column_ref->fields[arg->column_ref->n_fields - 1]);
}

static strata_error chk_add_constraint(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                       const char *table, const char *shown) {
  if (cmd->def == NULL || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) {
    return STRATA_E_OK;
  }
  const PgQuery__Constraint *c = cmd->def->constraint;
  const char *name = c->conname != NULL && c->conname[0] != '\0' ? c->conname : NULL;
  bool is_new = chk_table_new(ck, table);
  strata_error rc = STRATA_E_OK;
  char key[256];
  if (name != NULL) {
    chk_key(key, sizeof key, table, name);
  }
  switch (c->contype) {
  case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
    if (name != NULL) {
      chk_constraint *rec = calloc(1, sizeof *rec);
      const char *col = check_not_null_column(c->raw_expr);
      if (rec == NULL || (col != NULL && (rec->column = strdup(col)) == NULL)) {
        free(rec);
        return STRATA_E_NOMEM;
      }
      rec->tx = chk_tx(ck);
      rec->not_valid = c->skip_validation;
      rec->validated = !c->skip_validation;
      rec->known = true;
      if ((rc = mlint_map_put(&ck->constraints, key, rec)) != STRATA_E_OK) {
        return rc;
      }
    }
    if (!is_new && !c->skip_validation) {
      rc = chk_emit(ck, MLINT_RULE_CONSTRAINT_MISSING_NOT_VALID, shown,
                    "CHECK constraint %s on %s is added without NOT VALID, which scans %s while "
                    "writes are blocked",
                    name != NULL ? name : "(unnamed)", shown, shown);
    }
    break;
  case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    if (name != NULL && c->skip_validation) {
      chk_constraint *rec = calloc(1, sizeof *rec);
      if (rec == NULL) {
        return STRATA_E_NOMEM;
      }
      rec->tx = chk_tx(ck);
      rec->not_valid = true;
      rec->known = true;
      if ((rc = mlint_map_put(&ck->constraints, key, rec)) != STRATA_E_OK) {
        return rc;
      }
    }
    if (!is_new && !c->skip_validation) {
      char ref[256];
      rv_display(c->pktable, ref, sizeof ref);
      rc = chk_emit(ck, MLINT_RULE_ADDING_FOREIGN_KEY_CONSTRAINT, shown,
                    "foreign key %s from %s to %s is added without NOT VALID, which blocks "
                    "writes to both tables while %s is scanned",
                    name != NULL ? name : "(unnamed)", shown, ref, shown);
      if (rc == STRATA_E_OK) {
        rc = chk_emit(ck, MLINT_RULE_CONSTRAINT_MISSING_NOT_VALID, shown,
                      "foreign key %s on %s is added without NOT VALID",
                      name != NULL ? name : "(unnamed)", shown);
      }
    }
    break;
  case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    if (!is_new && (c->indexname == NULL || c->indexname[0] == '\0')) {
      rc = chk_emit(ck, MLINT_RULE_DISALLOWED_UNIQUE_CONSTRAINT, shown,
                    "UNIQUE constraint %s on %s is added without USING INDEX, which builds its "
                    "index under an ACCESS EXCLUSIVE lock",
                    name != NULL ? name : "(unnamed)", shown);
    }
    break;
  case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    if (!is_new && (c->indexname == NULL || c->indexname[0] == '\0')) {
      rc = chk_emit(ck, MLINT_RULE_ADDING_SERIAL_PRIMARY_KEY_FIELD, shown,
                    "PRIMARY KEY %s on %s is added without USING INDEX, which builds its index "
                    "under an ACCESS EXCLUSIVE lock",
                    name != NULL ? name : "(unnamed)", shown);
    }
    break;
  default:
    break;
  }
  if (rc == STRATA_E_OK && !chk_in_tx(ck) &&
      (name == NULL || mlint_map_get(&ck->dropped_cons, key) == NULL)) {
    rc = chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                  "ADD CONSTRAINT %s outside a transaction cannot be re-run without a DROP "
                  "CONSTRAINT IF EXISTS before it",
                  name != NULL ? name : "(unnamed)");
  }
  return rc;
}

static strata_error chk_validate(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                 const char *table, const char *shown) {
  const char *name = cmd->name != NULL ? cmd->name : "";
  char key[256];
  chk_key(key, sizeof key, table, name);
  chk_constraint *rec = mlint_map_get(&ck->constraints, key);
  strata_error rc = STRATA_E_OK;
  if (rec == NULL) {
    rec = calloc(1, sizeof *rec);
    if (rec == NULL || (rc = mlint_map_put(&ck->constraints, key, rec)) != STRATA_E_OK) {
      return STRATA_E_NOMEM;
    }
    rec->tx = -1;
  } else if (rec->not_valid && rec->tx >= 0 && rec->tx == chk_tx(ck)) {
    rc = chk_emit(ck, MLINT_RULE_CONSTRAINT_MISSING_NOT_VALID, shown,
                  "constraint %s on %s is validated in the same transaction that added it NOT "
                  "VALID, which keeps the strong lock for the whole scan",
                  name, shown);
  }
  rec->validated = true;
  return rc;
}

/* Whether a validated CHECK (col IS NOT NULL) on @p table covers @p col. A
 * constraint added before this file (only its VALIDATE is here) counts when
 * its name contains the column's name. */
static bool chk_not_null_proven(const mlint_checker *ck, const char *table, const char *col) {
  size_t tl = strlen(table);
  for (size_t i = 0; i < ck->constraints.cap; i++) {
    const char *k = ck->constraints.keys[i];
    if (k == NULL || strncmp(k, table, tl) != 0 || k[tl] != '\x1f') {
      continue;
    }
    const chk_constraint *c = ck->constraints.values[i];
    if (!c->validated) {
      continue;
    }
    if (c->known ? (c->column != NULL && strcmp(c->column, col) == 0)
                 : strstr(k + tl + 1, col) != NULL) {
      return true;
    }
  }
  return false;
}

static strata_error chk_set_not_null(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                     const char *table, const char *shown) {
  const char *col = cmd->name != NULL ? cmd->name : "?";
  if (chk_table_new(ck, table)) {
    return STRATA_E_OK;
  }
  bool proven = chk_not_null_proven(ck, table, col);
  if (proven && ck->opts->pg_version >= 1200) {
    return STRATA_E_OK;
  }
  if (proven) {
    return chk_emit(ck, MLINT_RULE_ADDING_NOT_NULLABLE_FIELD, shown,
                    "SET NOT NULL on %s.%s scans the table: PostgreSQL before 12 does not use "
                    "the validated CHECK",
                    shown, col);
  }
  return chk_emit(ck, MLINT_RULE_ADDING_NOT_NULLABLE_FIELD, shown,
                  "SET NOT NULL on %s.%s scans %s under an ACCESS EXCLUSIVE lock (no validated "
                  "CHECK (%s IS NOT NULL) before it)",
                  shown, col, shown, col);
}

static strata_error chk_alter_cmd(mlint_checker *ck, const PgQuery__AlterTableCmd *cmd,
                                  const char *table, const char *shown) {
  const char *col = cmd->name != NULL ? cmd->name : "?";
  char key[256];
  switch (cmd->subtype) {
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    return chk_add_column(ck, cmd, table, shown);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
    return chk_alter_type(ck, cmd, table, shown);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    return chk_set_not_null(ck, cmd, table, shown);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    return chk_add_constraint(ck, cmd, table, shown);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    return chk_validate(ck, cmd, table, shown);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
    return chk_emit(ck, MLINT_RULE_BAN_DROP_NOT_NULL, shown,
                    "DROP NOT NULL on %s.%s lets NULLs reach readers that assume none", shown, col);
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
    chk_key(key, sizeof key, table, col);
    mlint_map_remove(&ck->columns, key);
    strata_error rc =
        chk_emit(ck, MLINT_RULE_BAN_DROP_COLUMN, shown,
                 "DROP COLUMN %s.%s breaks clients that still read or write it", shown, col);
    if (rc == STRATA_E_OK && !cmd->missing_ok && !chk_in_tx(ck)) {
      rc = chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                    "DROP COLUMN %s without IF EXISTS outside a transaction cannot be re-run", col);
    }
    return rc;
  }
  case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    chk_key(key, sizeof key, table, col);
    mlint_map_remove(&ck->constraints, key);
    if (cmd->missing_ok) {
      bool *marker = malloc(sizeof *marker);
      if (marker == NULL) {
        return STRATA_E_NOMEM;
      }
      *marker = true;
      return mlint_map_put(&ck->dropped_cons, key, marker);
    }
    if (!chk_in_tx(ck)) {
      return chk_emit(ck, MLINT_RULE_PREFER_ROBUST_STMTS, shown,
                      "DROP CONSTRAINT %s without IF EXISTS outside a transaction cannot be "
                      "re-run",
                      col);
    }
    return STRATA_E_OK;
  default:
    return STRATA_E_OK;
  }
}

static strata_error chk_alter_table(mlint_checker *ck, const PgQuery__AlterTableStmt *as) {
  if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    return STRATA_E_OK;
  }
  const char *table = rv_name(as->relation);
  char shown[256];
  rv_display(as->relation, shown, sizeof shown);
  strata_error rc = chk_lock_taking(ck, shown, "ALTER TABLE");
  for (size_t i = 0; rc == STRATA_E_OK && i < as->n_cmds; i++) {
    if (as->cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) {
      rc = chk_alter_cmd(ck, as->cmds[i]->alter_table_cmd, table, shown);
    }
  }
  return rc;
}

/* ---- dispatch ---- */

strata_error mlint_checker_statement(mlint_checker *ck, const mlint_stmt *stmt) {
  ck->stmt = stmt;
  chk_take_directives(ck);
  const PgQuery__Node *n = stmt->node;
  char shown[256];
  switch (n->node_case) {
  case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    return chk_transaction(ck, n->transaction_stmt);
  case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    chk_variable_set(ck, n->variable_set_stmt);
    return STRATA_E_OK;
  case PG_QUERY__NODE__NODE_SELECT_STMT:
    chk_select(ck, n->select_stmt);
    return STRATA_E_OK;
  case PG_QUERY__NODE__NODE_CREATE_STMT:
    return chk_create_table(ck, n->create_stmt);
  case PG_QUERY__NODE__NODE_INDEX_STMT:
    return chk_index(ck, n->index_stmt);
  case PG_QUERY__NODE__NODE_DROP_STMT:
    return chk_drop(ck, n->drop_stmt);
  case PG_QUERY__NODE__NODE_RENAME_STMT:
    return chk_rename(ck, n->rename_stmt);
  case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
    return chk_alter_table(ck, n->alter_table_stmt);
  case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
    return chk_lock_taking(ck, NULL, "TRUNCATE");
  case PG_QUERY__NODE__NODE_REINDEX_STMT:
    return chk_lock_taking(ck, NULL, "REINDEX");
  case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    return chk_lock_taking(ck, NULL, "CLUSTER");
  case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    rv_display(n->create_trig_stmt->relation, shown, sizeof shown);
    return chk_lock_taking(ck, shown, "CREATE TRIGGER");
  case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
    return chk_lock_taking(ck, NULL, "ALTER DOMAIN");
  default:
    return STRATA_E_OK;
  }
}

strata_error mlint_checker_finish(mlint_checker *ck) {
  if (!ck->explicit_tx) {
    return STRATA_E_OK;
  }
  return chk_emit_at(ck, MLINT_RULE_BAN_UNCOMMITTED_TRANSACTION, ck->begin_offset, ck->begin_length,
                     ck->begin_ignored, NULL, "the transaction started here is never committed");
}
