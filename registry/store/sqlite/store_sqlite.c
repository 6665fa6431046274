/*
 * store_sqlite.c - the embedded SQLite store: open (directories, pragmas,
 * migrations, prepared statements), close and the shared error helpers.
 * The queries live next to their use in sqlite_load.c and sqlite_apply.c.
 */
#include "sqlite_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* How long a writer waits for another connection's lock before failing (ms). */
#define SRQ_BUSY_TIMEOUT_MS 10000

/* The text of every reused statement, indexed by srq_stmt. */
static const char *const srq_sql[SRQ__COUNT] = {
    [SRQ_BEGIN] = "BEGIN IMMEDIATE",
    [SRQ_BEGIN_READ] = "BEGIN DEFERRED",
    [SRQ_COMMIT] = "COMMIT",
    [SRQ_ROLLBACK] = "ROLLBACK",
    [SRQ_LOAD_SCHEMAS] = "SELECT context, id, schema_type, schema, refs, metadata, rule_set, "
                         "identity, guid FROM schemas ORDER BY context, id",
    [SRQ_LOAD_VERSIONS] = "SELECT context, subject, version, schema_id, deleted, ts FROM versions "
                          "ORDER BY context, subject, version",
    [SRQ_LOAD_CONFIGS] = "SELECT context, subject, config FROM configs ORDER BY context, subject",
    [SRQ_LOAD_MODES] = "SELECT context, subject, mode FROM modes ORDER BY context, subject",
    [SRQ_PUT_SCHEMA] = "INSERT INTO schemas (context, id, schema_type, schema, refs, metadata, "
                       "rule_set, identity, guid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [SRQ_PUT_VERSION] = "INSERT INTO versions (context, subject, version, schema_id, deleted, ts) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [SRQ_SET_VERSION_DELETED] = "UPDATE versions SET deleted = ?4 "
                                "WHERE context = ?1 AND subject = ?2 AND version = ?3",
    [SRQ_DELETE_VERSION] = "DELETE FROM versions WHERE context = ?1 AND subject = ?2 AND "
                           "version = ?3",
    [SRQ_PUT_CONFIG] = "INSERT INTO configs (context, subject, config) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (context, subject) DO UPDATE SET config = excluded.config",
    [SRQ_DELETE_CONFIG] = "DELETE FROM configs WHERE context = ?1 AND subject = ?2",
    [SRQ_PUT_MODE] = "INSERT INTO modes (context, subject, mode) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (context, subject) DO UPDATE SET mode = excluded.mode",
    [SRQ_DELETE_MODE] = "DELETE FROM modes WHERE context = ?1 AND subject = ?2",
};

strata_error srq_failf(char *err, size_t errlen, const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return STRATA_E_STORE_ERROR;
}

strata_error srq_fail(sqlite3 *db, const char *what, char *err, size_t errlen) {
  return srq_failf(err, errlen, "%s: %s", what,
                   db != NULL ? sqlite3_errmsg(db) : "cannot allocate the connection");
}

strata_error srq_exec(srq_store *st, srq_stmt id, char *err, size_t errlen) {
  sqlite3_stmt *stmt = st->stmt[id];
  int rc = sqlite3_step(stmt);
  strata_error result = STRATA_E_OK;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    result = srq_fail(st->db, srq_sql[id], err, errlen);
  }
  sqlite3_reset(stmt);
  return result;
}

/* Creates every missing parent directory of @p path (mode 0777 & umask). */
static strata_error make_parents(const char *path, char *err, size_t errlen) {
  strata_error rc = STRATA_E_OK;
  char *copy = strdup(path);
  if (copy == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (char *p = strchr(copy + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
      rc = srq_failf(err, errlen, "cannot create directory %s: %s", copy, strerror(errno));
      goto cleanup;
    }
    *p = '/';
  }

cleanup:
  free(copy);
  return rc;
}

/* Runs one pragma (or any statement) and copies the first column of its first row, if any, into
 * @p out (NULL-safe). */
static strata_error run_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen, char *err,
                               size_t errlen) {
  sqlite3_stmt *stmt = NULL;
  strata_error rc = STRATA_E_OK;
  if (out != NULL && outlen > 0) {
    out[0] = '\0';
  }
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    rc = srq_fail(db, sql, err, errlen);
    goto cleanup;
  }
  int step = sqlite3_step(stmt);
  if (step == SQLITE_ROW && out != NULL && outlen > 0) {
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    snprintf(out, outlen, "%s", text != NULL ? (const char *)text : "");
  } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
    rc = srq_fail(db, sql, err, errlen);
  }

cleanup:
  sqlite3_finalize(stmt);
  return rc;
}

/* Sets the connection up for durability: WAL, synchronous=FULL, foreign keys, busy timeout. */
static strata_error configure(sqlite3 *db, const char *path, char *err, size_t errlen) {
  char value[32];
  strata_error rc;
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, SRQ_BUSY_TIMEOUT_MS);
  rc = run_pragma(db, "PRAGMA journal_mode = WAL", value, sizeof value, err, errlen);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (strcmp(value, "wal") != 0 && strcmp(path, ":memory:") != 0) {
    return srq_failf(err, errlen, "%s: cannot switch to WAL mode (journal_mode is %s)", path,
                     value);
  }
  rc = run_pragma(db, "PRAGMA synchronous = FULL", NULL, 0, err, errlen);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  rc = run_pragma(db, "PRAGMA foreign_keys = ON", NULL, 0, err, errlen);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  rc = run_pragma(db, "PRAGMA foreign_keys", value, sizeof value, err, errlen);
  if (rc == STRATA_E_OK && strcmp(value, "1") != 0) {
    rc = srq_failf(err, errlen, "%s: this SQLite does not enforce foreign keys", path);
  }
  return rc;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Applies, in one transaction, every embedded migration newer than the database's version;
 * refuses a database newer than this binary. */
static strata_error migrate(sqlite3 *db, const char *path, char *err, size_t errlen) {
  sqlite3_stmt *stmt = NULL;
  strata_error rc = STRATA_E_OK;
  bool in_tx = false;
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    rc = srq_fail(db, "begin migrations", err, errlen);
    goto cleanup;
  }
  in_tx = true;
  if (sqlite3_exec(db,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                   NULL, NULL, NULL) != SQLITE_OK) {
    rc = srq_fail(db, "create schema_migrations", err, errlen);
    goto cleanup;
  }
  if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &stmt,
                         NULL) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    rc = srq_fail(db, "read schema_migrations", err, errlen);
    goto cleanup;
  }
  int64_t current = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  stmt = NULL;
  int known = srs_sqlite_schema_version();
  if (current > known) {
    rc = srq_failf(err, errlen,
                   "%s: database schema version %lld is newer than this binary supports (%d); "
                   "use a newer strata-registry",
                   path, (long long)current, known);
    goto cleanup;
  }
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?1, ?2, ?3)",
                         -1, &stmt, NULL) != SQLITE_OK) {
    rc = srq_fail(db, "prepare schema_migrations insert", err, errlen);
    goto cleanup;
  }
  for (size_t i = 0; i < srq_nmigrations; i++) {
    const srq_migration *m = &srq_migrations[i];
    if (m->version <= current) {
      continue;
    }
    char *msg = NULL;
    if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
      rc = srq_failf(err, errlen, "migration %s: %s", m->name, msg != NULL ? msg : "failed");
      sqlite3_free(msg);
      goto cleanup;
    }
    sqlite3_bind_int(stmt, 1, m->version);
    sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, now_ms());
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      rc = srq_fail(db, "record migration", err, errlen);
      goto cleanup;
    }
    sqlite3_reset(stmt);
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    rc = srq_fail(db, "commit migrations", err, errlen);
    goto cleanup;
  }
  in_tx = false;

cleanup:
  sqlite3_finalize(stmt);
  if (in_tx && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  }
  return rc;
}

static void srq_close(srs_store *store) {
  srq_store *st = (srq_store *)store;
  if (st == NULL) {
    return;
  }
  for (size_t i = 0; i < SRQ__COUNT; i++) {
    sqlite3_finalize(st->stmt[i]);
  }
  sqlite3_close(st->db);
  free(st);
}

int srs_sqlite_schema_version(void) {
  return srq_nmigrations > 0 ? srq_migrations[srq_nmigrations - 1].version : 0;
}

strata_error srs_sqlite_open(const char *path, srs_store **out, char *err, size_t errlen) {
  srq_store *st = NULL;
  strata_error rc = STRATA_E_OK;
  if (err != NULL && errlen > 0) {
    err[0] = '\0';
  }
  if (out == NULL || path == NULL || path[0] == '\0') {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  st->base.name = "sqlite";
  st->base.load = srq_load;
  st->base.apply = srq_apply;
  st->base.close = srq_close;
  if (strcmp(path, ":memory:") != 0) {
    rc = make_parents(path, err, errlen);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
  }
  if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    rc = srq_failf(err, errlen, "cannot open %s: %s", path,
                   st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
    goto cleanup;
  }
  rc = configure(st->db, path, err, errlen);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = migrate(st->db, path, err, errlen);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  for (size_t i = 0; i < SRQ__COUNT; i++) {
    if (sqlite3_prepare_v3(st->db, srq_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
        SQLITE_OK) {
      rc = srq_fail(st->db, srq_sql[i], err, errlen);
      goto cleanup;
    }
  }
  *out = &st->base;
  st = NULL;

cleanup:
  if (st != NULL) {
    srq_close(&st->base);
  }
  return rc;
}
