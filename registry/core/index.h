/*
 * index.h - the registry's in-memory index (prefix ix_): contexts, subjects,
 * versions and schemas, loaded from the store at start and kept in step with
 * it by the writer.
 *
 * Ownership: the index owns every object reachable from it. Readers hold the
 * registry's shared lock while they use index objects; only the writer thread
 * mutates the index, holding the exclusive lock.
 */
#ifndef STRATA_REGISTRY_CORE_INDEX_H
#define STRATA_REGISTRY_CORE_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <strata/compat.h>

#include "body.h"
#include "core/map.h"
#include "store/store.h"

typedef struct ix_context ix_context;

/** One reference of a schema: an import name bound to a subject-version. */
typedef struct ix_ref {
  char *name;
  char *subject; /**< as registered (resolved relative to the schema's context) */
  int32_t version;
} ix_ref;

/** A schema: content addressed by (context, id). */
typedef struct ix_schema {
  int64_t id;
  ix_context *ctx;
  strata_schema_type type;
  char *text; /**< canonical text */
  size_t text_len;
  ix_ref *refs;
  size_t nrefs;
  char *refs_json;     /**< the references as stored (JSON array), NULL when none */
  json_t *metadata;    /**< normal form or NULL */
  json_t *rule_set;    /**< normal form or NULL */
  char *metadata_text; /**< ct_dump(metadata) or NULL */
  char *rule_set_text; /**< ct_dump(rule_set) or NULL */
  char identity[33];   /**< hex MD5 (identity.h) */
  char guid[37];
  size_t holders;                  /**< subject-versions pointing here (live or soft-deleted) */
  _Atomic(rb_body *) body;         /**< cached GET /schemas/ids/{id} body, built on first use */
  _Atomic(strata_schema *) parsed; /**< parsed on first use, set once (compare-exchange) */
} ix_schema;

/** A subject-version. */
typedef struct ix_version {
  int32_t version;
  bool deleted;
  int64_t ts;
  ix_schema *schema;
} ix_version;

/** A subject: its versions ascending, and its own config and mode. */
typedef struct ix_subject {
  char *name; /**< unqualified */
  ix_context *ctx;
  ix_version *versions;
  size_t nversions;
  size_t cap;
  json_t *config; /**< subject-level config (stored form) or NULL */
  char *mode;     /**< subject-level mode or NULL */
  /** bumped by every change of the versions, for optimistic checks */
  uint64_t generation;
  _Atomic(rb_body *) latest_body; /**< cached GET .../versions/latest body */
} ix_subject;

/** A context: its own subjects, id space, config and mode. */
struct ix_context {
  char *name;        /**< ".", ".team-a", ".__GLOBAL" */
  hm_map subjects;   /**< name -> ix_subject */
  hm_map ids;        /**< int64 id -> ix_schema */
  hm_map identities; /**< identity hex -> ix_schema */
  int64_t max_id;
  json_t *config; /**< context-level config (stored form) or NULL */
  char *mode;     /**< context-level mode or NULL */
};

/** The index: every context by name. */
typedef struct ix_index {
  hm_map contexts; /**< name -> ix_context */
  size_t nschemas;
} ix_index;

/** Creates an empty index in @p ix (caller-owned struct). */
void ix_init(ix_index *ix);

/** Frees everything the index owns and leaves it empty. */
void ix_release(ix_index *ix);

/** Fills an empty index from @p store. Returns OK, STORE_ERROR (message in err) or NOMEM. */
strata_error ix_load(ix_index *ix, srs_store *store, char *err, size_t errlen);

/** The context named @p name, borrowed, or NULL. */
ix_context *ix_context_get(const ix_index *ix, const char *name);

/** The context named @p name, created when missing (NULL on ENOMEM). */
ix_context *ix_context_ensure(ix_index *ix, const char *name);

/** The subject @p name of @p ctx (NULL-safe), borrowed, or NULL. */
ix_subject *ix_subject_get(const ix_context *ctx, const char *name);

/** The subject, created (with no versions) when missing; NULL on ENOMEM. */
ix_subject *ix_subject_ensure(ix_context *ctx, const char *name);

/** The schema with @p id in @p ctx (NULL-safe), or NULL. */
ix_schema *ix_schema_by_id(const ix_context *ctx, int64_t id);

/** The schema with identity hex @p identity in @p ctx (NULL-safe), or NULL. */
ix_schema *ix_schema_by_identity(const ix_context *ctx, const char *identity);

/** Version @p version of @p subject (live or not), or NULL. */
ix_version *ix_version_get(const ix_subject *subject, int32_t version);

/** The newest live version of @p subject (NULL-safe), or NULL. */
ix_version *ix_latest_live(const ix_subject *subject);

/** Number of live versions. */
size_t ix_live_count(const ix_subject *subject);

/** Highest version number of @p subject (live or soft-deleted), 0 when none. */
int32_t ix_max_version(const ix_subject *subject);

/** True when the subject has no version at all (live or soft-deleted). */
bool ix_subject_empty(const ix_subject *subject);

/**
 * Creates a schema in @p ctx from its parts (all borrowed and copied except
 * @p metadata and @p rule_set, whose references are taken). Registers it under
 * its id and identity. NULL on ENOMEM (then nothing changed).
 */
ix_schema *ix_schema_add(ix_index *ix, ix_context *ctx, int64_t id, strata_schema_type type,
                         const char *text, const ix_ref *refs, size_t nrefs, json_t *metadata,
                         json_t *rule_set, const char *identity, const char *guid);

/** Removes @p schema from its context and frees it (its holders must be 0). */
void ix_schema_remove(ix_index *ix, ix_schema *schema);

/** Appends a version (versions must arrive ascending, or it is inserted in order). False on ENOMEM.
 */
bool ix_version_add(ix_subject *subject, int32_t version, ix_schema *schema, bool deleted,
                    int64_t ts);

/**
 * Removes version @p version from @p subject; drops the schema when no
 * version holds it any more. Does not free the subject.
 */
void ix_version_remove(ix_index *ix, ix_subject *subject, int32_t version);

/** Frees @p subject if it has no versions, config or mode. */
void ix_subject_prune(ix_subject *subject);

/** Forgets the cached bodies of @p subject (after its versions changed). */
void ix_subject_touch(ix_subject *subject);

/** Parses a stored references JSON array into @p out (new array of ix_ref). */
strata_error ix_refs_parse(const char *json, ix_ref **out, size_t *count);

/** Frees an ix_ref array of @p count entries. */
void ix_refs_free(ix_ref *refs, size_t count);

#endif /* STRATA_REGISTRY_CORE_INDEX_H */
