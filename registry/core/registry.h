/*
 * registry.h - the registry core: subjects, versions, ids, configs, modes and
 * contexts, format-independent, over the store interface.
 *
 * The core keeps everything in an in-memory index loaded from the store at
 * open. Reads take a shared lock and never touch the database; writes run on
 * one writer thread that applies a batch of concurrent requests to the
 * index and commits them to the store in one transaction (group commit)
 * before any request of the batch is answered. Handlers (in handlers/) call
 * the operations declared in core/ops.h.
 */
#ifndef STRATA_REGISTRY_CORE_REGISTRY_H
#define STRATA_REGISTRY_CORE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <strata/error.h>

/** The registry (opaque). */
typedef struct reg_registry reg_registry;

/** How to open a registry. Zero-initialise, then set what differs from the defaults. */
typedef struct reg_options {
  /** SQLite database file; directories are created. Required. */
  const char *data_path;
  /** "kafka-cluster" id reported by GET /v1/metadata/id; NULL: "strata" */
  const char *cluster_id;
  /** "schema-registry-cluster" group id; NULL: "schema-registry" */
  const char *group_id;
  /** level used when no config is set anywhere; NULL: "BACKWARD" */
  const char *default_compatibility;
  /** default and maximum `limit` of GET /schemas and referencedby; 0: 1000 */
  int64_t search_limit;
} reg_options;

/**
 * Opens the store at opts->data_path (borrowed; copied), loads the index and
 * starts the writer. Returns a new registry in @p out (close with
 * reg_registry_close()), or STRATA_E_STORE_ERROR / STRATA_E_NOMEM /
 * STRATA_E_INVALID_ARGUMENT with a description in @p err (@p errlen bytes).
 */
strata_error reg_registry_open(const reg_options *opts, reg_registry **out, char *err,
                               size_t errlen);

/**
 * Finishes the writes in flight, stops the writer, closes the store and frees
 * @p reg (NULL-safe). No request may be running.
 */
void reg_registry_close(reg_registry *reg);

/** Number of schemas (ids, all contexts) in the index, for logs. */
size_t reg_registry_schema_count(reg_registry *reg);

#endif /* STRATA_REGISTRY_CORE_REGISTRY_H */
