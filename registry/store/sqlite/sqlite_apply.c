/*
 * sqlite_apply.c - apply(): a batch of ops in one IMMEDIATE transaction,
 * committed with synchronous=FULL (durable when COMMIT returns), rolled back
 * entirely on the first failure.
 */
#include "sqlite_int.h"

#include <stdio.h>

/* Binds @p s as text (NULL binds SQL NULL). The pointer is borrowed until the bindings are
 * cleared at the end of run_op(). */
static void bind_text(sqlite3_stmt *stmt, int col, const char *s) {
  sqlite3_bind_text(stmt, col, s, -1, SQLITE_STATIC);
}

static const char *op_name(srs_op_kind kind) {
  switch (kind) {
  case SRS_OP_PUT_SCHEMA:
    return "put schema";
  case SRS_OP_PUT_VERSION:
    return "put version";
  case SRS_OP_SET_VERSION_DELETED:
    return "set version deleted";
  case SRS_OP_DELETE_VERSION:
    return "delete version";
  case SRS_OP_PUT_CONFIG:
    return "put config";
  case SRS_OP_DELETE_CONFIG:
    return "delete config";
  case SRS_OP_PUT_MODE:
    return "put mode";
  case SRS_OP_DELETE_MODE:
    return "delete mode";
  }
  return "unknown op";
}

/* Binds and runs op @p index of a batch; the statement is reset and its bindings cleared. */
static strata_error run_op(srq_store *st, const srs_op *op, size_t index, char *err,
                           size_t errlen) {
  sqlite3_stmt *stmt = NULL;
  bool must_change = false;
  switch (op->kind) {
  case SRS_OP_PUT_SCHEMA: {
    const srs_schema_row *r = &op->u.schema;
    stmt = st->stmt[SRQ_PUT_SCHEMA];
    bind_text(stmt, 1, r->context);
    sqlite3_bind_int64(stmt, 2, r->id);
    bind_text(stmt, 3, r->schema_type);
    bind_text(stmt, 4, r->schema);
    bind_text(stmt, 5, r->references);
    bind_text(stmt, 6, r->metadata);
    bind_text(stmt, 7, r->rule_set);
    bind_text(stmt, 8, r->identity);
    bind_text(stmt, 9, r->guid);
    break;
  }
  case SRS_OP_PUT_VERSION: {
    const srs_version_row *r = &op->u.version;
    stmt = st->stmt[SRQ_PUT_VERSION];
    bind_text(stmt, 1, r->context);
    bind_text(stmt, 2, r->subject);
    sqlite3_bind_int(stmt, 3, r->version);
    sqlite3_bind_int64(stmt, 4, r->schema_id);
    sqlite3_bind_int(stmt, 5, r->deleted ? 1 : 0);
    sqlite3_bind_int64(stmt, 6, r->ts);
    break;
  }
  case SRS_OP_SET_VERSION_DELETED:
  case SRS_OP_DELETE_VERSION: {
    const srs_version_row *r = &op->u.version;
    bool set = op->kind == SRS_OP_SET_VERSION_DELETED;
    stmt = st->stmt[set ? SRQ_SET_VERSION_DELETED : SRQ_DELETE_VERSION];
    bind_text(stmt, 1, r->context);
    bind_text(stmt, 2, r->subject);
    sqlite3_bind_int(stmt, 3, r->version);
    if (set) {
      sqlite3_bind_int(stmt, 4, r->deleted ? 1 : 0);
    }
    must_change = true;
    break;
  }
  case SRS_OP_PUT_CONFIG:
  case SRS_OP_DELETE_CONFIG: {
    const srs_config_row *r = &op->u.config;
    bool put = op->kind == SRS_OP_PUT_CONFIG;
    stmt = st->stmt[put ? SRQ_PUT_CONFIG : SRQ_DELETE_CONFIG];
    bind_text(stmt, 1, r->context);
    bind_text(stmt, 2, r->subject);
    if (put) {
      bind_text(stmt, 3, r->config);
    }
    break;
  }
  case SRS_OP_PUT_MODE:
  case SRS_OP_DELETE_MODE: {
    const srs_mode_row *r = &op->u.mode;
    bool put = op->kind == SRS_OP_PUT_MODE;
    stmt = st->stmt[put ? SRQ_PUT_MODE : SRQ_DELETE_MODE];
    bind_text(stmt, 1, r->context);
    bind_text(stmt, 2, r->subject);
    if (put) {
      bind_text(stmt, 3, r->mode);
    }
    break;
  }
  default:
    return srq_failf(err, errlen, "op %zu: unknown kind %d", index, (int)op->kind);
  }

  strata_error rc = STRATA_E_OK;
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    char what[64];
    snprintf(what, sizeof what, "op %zu (%s)", index, op_name(op->kind));
    rc = srq_fail(st->db, what, err, errlen);
  } else if (must_change && sqlite3_changes(st->db) == 0) {
    const srs_version_row *r = &op->u.version;
    rc = srq_failf(err, errlen, "op %zu (%s): no version %d of subject \"%s\" in context \"%s\"",
                   index, op_name(op->kind), (int)r->version, r->subject ? r->subject : "(null)",
                   r->context ? r->context : "(null)");
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return rc;
}

strata_error srq_apply(srs_store *store, const srs_op *ops, size_t nops, char *err, size_t errlen) {
  srq_store *st = (srq_store *)store;
  if (nops == 0) {
    return STRATA_E_OK;
  }
  if (ops == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  strata_error rc = srq_exec(st, SRQ_BEGIN, err, errlen);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  for (size_t i = 0; i < nops; i++) {
    rc = run_op(st, &ops[i], i, err, errlen);
    if (rc != STRATA_E_OK) {
      goto rollback;
    }
  }
  /* Deferred foreign keys are checked here: COMMIT can fail and leave the transaction open. */
  rc = srq_exec(st, SRQ_COMMIT, err, errlen);
  if (rc == STRATA_E_OK) {
    return STRATA_E_OK;
  }

rollback:
  if (!sqlite3_get_autocommit(st->db)) {
    srq_exec(st, SRQ_ROLLBACK, NULL, 0);
  }
  return rc;
}
