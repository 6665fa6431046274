/*
 * store.h - the registry's storage interface: a table of function pointers
 * that a backend (store/sqlite/, later store/pg/) fills in.
 *
 * Reads are served from the registry's in-memory index, so the store needs
 * only two operations besides close: load every row once at start, and apply
 * a batch of changes durably in one transaction (all or nothing). The
 * registry's writer (core/writer.h) batches concurrent writes onto apply().
 *
 * Rows and ops carry borrowed strings: the store never keeps a pointer past
 * the call that received it, and the strings it hands to a loader are valid
 * only during that callback.
 *
 * A store is not thread-safe: one thread at a time calls load() or apply()
 * (the writer's thread, once the registry runs).
 */
#ifndef STRATA_REGISTRY_STORE_H
#define STRATA_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <strata/error.h>

/** The default context's name. */
#define SRS_DEFAULT_CONTEXT "."

/** One stored schema: content addressed by (context, id). */
typedef struct srs_schema_row {
  const char *context;     /**< "." is the default context */
  int64_t id;              /**< unique per context */
  const char *schema_type; /**< "AVRO", "PROTOBUF", "JSON", ... */
  const char *schema;      /**< canonical text */
  const char *references;  /**< JSON array text, or NULL */
  const char *metadata;    /**< JSON object text, or NULL */
  const char *rule_set;    /**< JSON object text, or NULL */
  const char *identity;    /**< MD5 hex of canonical+refs+metadata+ruleset (caller computes) */
  const char *guid;
} srs_schema_row;

/** One subject-version: (context, subject, version) -> schema id. */
typedef struct srs_version_row {
  const char *context;
  const char *subject;
  int32_t version;
  int64_t schema_id; /**< a schema row with the same context must exist at commit */
  bool deleted;      /**< soft-deleted */
  int64_t ts;        /**< registration time, ms since the epoch */
} srs_version_row;

/** A compatibility config: subject "" is the context's top level ("__GLOBAL" is reserved). */
typedef struct srs_config_row {
  const char *context;
  const char *subject;
  const char *config; /**< JSON object text */
} srs_config_row;

/** A mode: subject "" is the context level. */
typedef struct srs_mode_row {
  const char *context;
  const char *subject;
  const char *mode; /**< "READWRITE", "READONLY", "IMPORT", ... */
} srs_mode_row;

/** The kinds of change apply() performs. */
typedef enum srs_op_kind {
  /** Inserts u.schema; fails if (context, id) exists. */
  SRS_OP_PUT_SCHEMA,
  /** Inserts u.version; fails if (context, subject, version) exists. */
  SRS_OP_PUT_VERSION,
  /** Sets u.version.deleted on (context, subject, version); fails if there is no such row. */
  SRS_OP_SET_VERSION_DELETED,
  /** Removes (context, subject, version) permanently; fails if there is no such row. */
  SRS_OP_DELETE_VERSION,
  /** Inserts or replaces the config of (context, subject). */
  SRS_OP_PUT_CONFIG,
  /** Removes the config of (context, subject); no row is not an error. */
  SRS_OP_DELETE_CONFIG,
  /** Inserts or replaces the mode of (context, subject). */
  SRS_OP_PUT_MODE,
  /** Removes the mode of (context, subject); no row is not an error. */
  SRS_OP_DELETE_MODE
} srs_op_kind;

/**
 * One change. The union member used follows the kind: schema for PUT_SCHEMA;
 * version for the three version kinds (SET_VERSION_DELETED reads context,
 * subject, version and deleted; DELETE_VERSION reads context, subject and
 * version); config for the config kinds (DELETE reads context and subject);
 * mode likewise. Strings are borrowed for the duration of the call.
 */
typedef struct srs_op {
  srs_op_kind kind;
  union {
    srs_schema_row schema;
    srs_version_row version;
    srs_config_row config;
    srs_mode_row mode;
  } u;
} srs_op;

/**
 * Callbacks that receive every stored row from load(), in this order:
 * schemas (by context, id), versions (by context, subject, version), configs,
 * modes (both by context, subject). A NULL callback skips that kind. A
 * callback returning anything but STRATA_E_OK stops the load, and load()
 * returns that error. Rows are borrowed: valid only during the callback.
 */
typedef struct srs_loader {
  void *arg; /**< passed to every callback */
  strata_error (*schema)(void *arg, const srs_schema_row *row);
  strata_error (*version)(void *arg, const srs_version_row *row);
  strata_error (*config)(void *arg, const srs_config_row *row);
  strata_error (*mode)(void *arg, const srs_mode_row *row);
} srs_loader;

/**
 * A storage backend. Created by a backend's open function (e.g.
 * srs_sqlite_open()); released with its close pointer.
 *
 * Every function that can fail takes an optional buffer @p err of @p errlen
 * bytes (NULL/0 allowed) that receives a NUL-terminated description of the
 * failure; on failure it returns STRATA_E_STORE_ERROR (or a loader
 * callback's error).
 */
typedef struct srs_store {
  /** The backend's name, e.g. "sqlite"; borrowed static. */
  const char *name;
  /** Passes every stored row to @p loader (borrowed). */
  strata_error (*load)(struct srs_store *store, const srs_loader *loader, char *err, size_t errlen);
  /**
   * Applies @p nops ops (borrowed) in order in one durable transaction: on
   * STRATA_E_OK all are stored and survive a crash; on failure none is.
   * nops == 0 is a successful no-op.
   */
  strata_error (*apply)(struct srs_store *store, const srs_op *ops, size_t nops, char *err,
                        size_t errlen);
  /** Closes the backend and frees @p store; NULL-safe. */
  void (*close)(struct srs_store *store);
} srs_store;

/** Closes @p store (NULL-safe): calls its close pointer. */
static inline void srs_store_close(srs_store *store) {
  if (store != NULL) {
    store->close(store);
  }
}

/**
 * Opens (creating if missing, with any missing parent directories) the
 * SQLite database at @p path, upgrades it with the migrations this binary
 * knows, and returns a new store in @p out (close with srs_store_close()).
 * Refuses a database whose migration version is newer than this binary's.
 * Returns STRATA_E_STORE_ERROR with the reason in @p err on failure (and
 * *out is NULL), STRATA_E_NOMEM, or STRATA_E_INVALID_ARGUMENT.
 */
strata_error srs_sqlite_open(const char *path, srs_store **out, char *err, size_t errlen);

/** The newest migration version this binary knows. */
int srs_sqlite_schema_version(void);

#endif /* STRATA_REGISTRY_STORE_H */
