/*
 * sqlite_load.c - load(): every stored row, kind by kind, to the loader's
 * callbacks, inside one read transaction so the rows form one snapshot.
 */
#include "sqlite_int.h"

/* Column @p col as borrowed text, NULL for SQL NULL. */
static const char *column_text(sqlite3_stmt *stmt, int col) {
  return (const char *)sqlite3_column_text(stmt, col);
}

/* Calls the callback of kind @p id for the current row of its statement. */
static strata_error deliver(srq_stmt id, sqlite3_stmt *s, const srs_loader *loader) {
  switch (id) {
  case SRQ_LOAD_SCHEMAS: {
    srs_schema_row row = {
        .context = column_text(s, 0),
        .id = sqlite3_column_int64(s, 1),
        .schema_type = column_text(s, 2),
        .schema = column_text(s, 3),
        .references = column_text(s, 4),
        .metadata = column_text(s, 5),
        .rule_set = column_text(s, 6),
        .identity = column_text(s, 7),
        .guid = column_text(s, 8),
    };
    return loader->schema(loader->arg, &row);
  }
  case SRQ_LOAD_VERSIONS: {
    srs_version_row row = {
        .context = column_text(s, 0),
        .subject = column_text(s, 1),
        .version = sqlite3_column_int(s, 2),
        .schema_id = sqlite3_column_int64(s, 3),
        .deleted = sqlite3_column_int(s, 4) != 0,
        .ts = sqlite3_column_int64(s, 5),
    };
    return loader->version(loader->arg, &row);
  }
  case SRQ_LOAD_CONFIGS: {
    srs_config_row row = {
        .context = column_text(s, 0), .subject = column_text(s, 1), .config = column_text(s, 2)};
    return loader->config(loader->arg, &row);
  }
  case SRQ_LOAD_MODES: {
    srs_mode_row row = {
        .context = column_text(s, 0), .subject = column_text(s, 1), .mode = column_text(s, 2)};
    return loader->mode(loader->arg, &row);
  }
  default:
    return STRATA_E_INTERNAL;
  }
}

/* Steps the load statement @p id to the end, delivering each row; stops at the first error. */
static strata_error load_kind(srq_store *st, srq_stmt id, const srs_loader *loader, char *err,
                              size_t errlen) {
  sqlite3_stmt *stmt = st->stmt[id];
  strata_error rc = STRATA_E_OK;
  for (;;) {
    int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) {
      break;
    }
    if (step != SQLITE_ROW) {
      rc = srq_fail(st->db, "load", err, errlen);
      break;
    }
    rc = deliver(id, stmt, loader);
    if (rc != STRATA_E_OK) {
      srq_failf(err, errlen, "load stopped by the loader: %s", strata_strerror(rc));
      break;
    }
  }
  sqlite3_reset(stmt);
  return rc;
}

strata_error srq_load(srs_store *store, const srs_loader *loader, char *err, size_t errlen) {
  srq_store *st = (srq_store *)store;
  static const srq_stmt kinds[] = {SRQ_LOAD_SCHEMAS, SRQ_LOAD_VERSIONS, SRQ_LOAD_CONFIGS,
                                   SRQ_LOAD_MODES};
  if (loader == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  const bool wanted[] = {loader->schema != NULL, loader->version != NULL, loader->config != NULL,
                         loader->mode != NULL};
  strata_error rc = srq_exec(st, SRQ_BEGIN_READ, err, errlen);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && rc == STRATA_E_OK; i++) {
    if (wanted[i]) {
      rc = load_kind(st, kinds[i], loader, err, errlen);
    }
  }
  /* A read transaction has nothing to keep: end it either way. */
  srq_exec(st, SRQ_COMMIT, NULL, 0);
  return rc;
}
