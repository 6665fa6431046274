/*
 * sqlite_int.h - internals shared by the SQLite store's files: the store
 * struct, its prepared statements and the embedded migrations.
 */
#ifndef STRATA_REGISTRY_SQLITE_INT_H
#define STRATA_REGISTRY_SQLITE_INT_H

#include <stddef.h>

#include <sqlite3.h>

#include "store/store.h"

/** Every prepared statement the store reuses, in the order of srq_sql[]. */
typedef enum srq_stmt {
  SRQ_BEGIN,
  SRQ_BEGIN_READ,
  SRQ_COMMIT,
  SRQ_ROLLBACK,
  SRQ_LOAD_SCHEMAS,
  SRQ_LOAD_VERSIONS,
  SRQ_LOAD_CONFIGS,
  SRQ_LOAD_MODES,
  SRQ_PUT_SCHEMA,
  SRQ_PUT_VERSION,
  SRQ_SET_VERSION_DELETED,
  SRQ_DELETE_VERSION,
  SRQ_PUT_CONFIG,
  SRQ_DELETE_CONFIG,
  SRQ_PUT_MODE,
  SRQ_DELETE_MODE,
  SRQ__COUNT
} srq_stmt;

/** The SQLite store: the interface first, so a srs_store * is a srq_store *. */
typedef struct srq_store {
  srs_store base;
  sqlite3 *db;
  sqlite3_stmt *stmt[SRQ__COUNT];
} srq_store;

/** One embedded migration (generated from migrations/NNNN-<name>.sql). */
typedef struct srq_migration {
  int version;
  const char *name;
  const char *sql;
} srq_migration;

/** The embedded migrations in ascending version order (generated file). */
extern const srq_migration srq_migrations[];
/** The number of entries in srq_migrations. */
extern const size_t srq_nmigrations;

/**
 * Writes "<what>: <sqlite3_errmsg>" into @p err (NULL-safe) and returns
 * STRATA_E_STORE_ERROR.
 */
strata_error srq_fail(sqlite3 *db, const char *what, char *err, size_t errlen);

/** Writes printf-style text into @p err (NULL-safe) and returns STRATA_E_STORE_ERROR. */
strata_error srq_failf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Runs the prepared statement @p id once (no bindings, no rows) and resets it. */
strata_error srq_exec(srq_store *st, srq_stmt id, char *err, size_t errlen);

/** The store interface's load(), in sqlite_load.c. */
strata_error srq_load(srs_store *store, const srs_loader *loader, char *err, size_t errlen);

/** The store interface's apply(), in sqlite_apply.c. */
strata_error srq_apply(srs_store *store, const srs_op *ops, size_t nops, char *err, size_t errlen);

#endif /* STRATA_REGISTRY_SQLITE_INT_H */
