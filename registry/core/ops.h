/*
 * ops.h - what handlers use of the registry core: the registry structure,
 * locking, subject and version resolution with Confluent's errors, config
 * and mode resolution, and registration.
 *
 * Read handlers take the shared lock (reg_read_begin/end) and answer from
 * the index; write handlers describe their change as a writer job
 * (writer.h) and call reg_write().
 */
#ifndef STRATA_REGISTRY_CORE_OPS_H
#define STRATA_REGISTRY_CORE_OPS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include <strata/compat.h>

#include "core/index.h"
#include "core/registry.h"
#include "core/subject.h"
#include "core/writer.h"
#include "json_spec.h"
#include "request.h"

struct reg_registry {
  char *data_path;
  int lock_fd; /**< holds an exclusive flock on "<data_path>.lock": one server per data file */
  char *cluster_id;
  char *group_id;
  strata_compat_level default_level;
  int64_t search_limit;
  srs_store *store;
  pthread_rwlock_t lock;
  ix_index ix;
  wr_writer *writer;
};

/** Takes / releases the shared (read) lock. */
void reg_read_begin(reg_registry *reg);
void reg_read_end(reg_registry *reg);

/**
 * Runs a writer job (writer.h) and waits for it to be durable. On failure
 * fills @p reply: the job's own error must already be in the reply (jobs
 * write their errors with rq_fail into the reply they carry), a store
 * failure becomes 50001. Returns true on success.
 */
bool reg_write(reg_registry *reg, wr_job_fn fn, void *arg, rq_reply *reply);

/** Parses a subject path parameter (42208 into @p reply on failure). */
bool reg_subject_parse(const char *text, sn_subject *out, rq_reply *reply);

/**
 * Parses a version path parameter: "latest" (any case, trimmed) and "-1"
 * give -1; 1..2^31-1 themselves; anything else fills 42202 and returns false.
 */
bool reg_version_parse(const char *text, int32_t *out, rq_reply *reply);

/** The qualified name of @p subject (new string; NULL on ENOMEM). */
char *reg_subject_qualified(const ix_subject *subject);

/**
 * Finds a subject that has versions: with @p deleted any version counts,
 * else only live ones. Fills 40401 ("Subject 'x' not found.") on a miss.
 */
ix_subject *reg_subject_find(reg_registry *reg, const sn_subject *name, bool deleted,
                             const char *display, rq_reply *reply);

/**
 * reg_subject_find() for reads: an unqualified subject (@p display does not
 * start with ':') missing from the default context is looked up in the
 * other contexts too, in name order (spec §4.12).
 */
ix_subject *reg_subject_find_read(reg_registry *reg, const sn_subject *name, bool deleted,
                                  const char *display, rq_reply *reply);

/**
 * Finds version @p version (-1: newest live) of @p subject; a soft-deleted
 * version only with @p deleted. Fills 40402 on a miss.
 */
ix_version *reg_version_find(ix_subject *subject, int32_t version, bool deleted, rq_reply *reply);

/** The effective config of (context, subject) (subject NULL: the context level), a new object
 * that always holds "compatibilityLevel". */
json_t *reg_config_effective(reg_registry *reg, const char *context, const char *subject);

/**
 * Member @p key (stored name, e.g. "compatibilityGroup") of the effective
 * config of (context, subject), without building it: the most specific
 * config that sets it. Borrowed until the index changes; NULL when unset.
 */
const json_t *reg_config_member(reg_registry *reg, const char *context, const char *subject,
                                const char *key);

/** The effective compatibility level of a subject. */
strata_compat_level reg_level_effective(reg_registry *reg, const char *context,
                                        const char *subject);

/** Whether a mode name blocks writes (READONLY, READONLY_OVERRIDE). */
bool reg_mode_readonly(const char *mode);

/** Whether a mode name is IMPORT or FORWARD (explicit ids, no compatibility checks). */
bool reg_mode_import(const char *mode);

/** The context name as Confluent prints it in messages: "" for the default context. */
const char *reg_context_display(const char *context);

/**
 * The owner of a config or mode target: its context, and its subject (NULL
 * for the context level). With @p create both are created when missing.
 * False when the target does not exist (or on ENOMEM with @p create).
 */
bool reg_target_owner(reg_registry *reg, const sn_subject *target, bool create, ix_context **ctx,
                      ix_subject **subject);

/** The effective mode of (context, subject): subject, context, .__GLOBAL, READWRITE. Borrowed. */
const char *reg_mode_effective(reg_registry *reg, const char *context, const char *subject);

/* ---- config documents (config.c) ---- */

/** How a config member is validated and stored. */
typedef enum cf_kind {
  CF_LEVEL,
  CF_STRING,
  CF_BOOL,
  CF_METADATA,
  CF_RULE_SET
} cf_kind;

/** One member of a ConfigUpdateRequest: its API name, kind and JSON type (JSON_TRUE: boolean). */
typedef struct cf_member {
  const char *name;
  cf_kind kind;
  json_type type;
} cf_member;

/** Every config member, in the order responses list them (cf_nmembers entries). */
extern const cf_member cf_members[];
extern const size_t cf_nmembers;

/**
 * Applies a ConfigUpdateRequest @p update (borrowed) to the stored config
 * @p stored (borrowed, NULL when none): absent members keep their value, null
 * clears, values are validated (42203 level, 42210 rule sets, 400 types) and
 * normalised. Stores a new object in @p out. On failure fills @p reply.
 */
bool cf_update(const json_t *stored, const json_t *update, json_t **out, rq_reply *reply);

/**
 * Renders a stored config for a response: the level under "compatibilityLevel"
 * (GET, DELETE) or "compatibility" (PUT), other members as stored. New object.
 */
json_t *cf_render(const json_t *stored, bool update_shape);

/** Merges @p top over @p base field by field (either may be NULL); new object. */
json_t *cf_merge(const json_t *base, const json_t *top);

/* ---- registration, lookup and compatibility (register.c) ---- */

/** A schema from a request, parsed and resolved against the index. */
typedef struct reg_candidate {
  strata_schema_type type;
  strata_schema *schema; /**< parsed; owned */
  ix_ref *refs;          /**< resolved references (concrete versions); owned */
  size_t nrefs;
  json_t *metadata; /**< request metadata, normal form; owned, may be NULL */
  json_t *rule_set; /**< request rule set, normal form; owned, may be NULL */
} reg_candidate;

/**
 * Parses the schema of @p req for subject (@p ctx name) under the shared
 * lock: type (42201 for unknown or unsupported types), references (42201
 * when missing), metadata and rule set (400/42210), the schema itself
 * (42201 naming the problem). When the request has no schema text,
 * @p fallback (may be NULL) supplies text, type and references. Fills
 * @p reply on failure.
 */
bool reg_candidate_parse(reg_registry *reg, const char *context, const js_schema_request *req,
                         const ix_schema *fallback, reg_candidate *out, rq_reply *reply);

/** Frees what a candidate owns (NULL-safe, idempotent). */
void reg_candidate_free(reg_candidate *candidate);

/**
 * Checks @p candidate against the live versions of @p subject that the
 * level @p level selects (all when @p all_versions, else by level), returning
 * a new result (NULL when nothing was checked = compatible). Parses previous
 * schemas on demand. Returns false on ENOMEM/parse failure of a stored
 * schema (reply filled).
 */
bool reg_check(reg_registry *reg, ix_subject *subject, const reg_candidate *candidate,
               const json_t *metadata, strata_compat_level level, const ix_version *only,
               strata_compat_result **out, rq_reply *reply);

/**
 * The ids of the schemas in @p ctx that reference (@p subject, @p version),
 * counting only schemas held by a live version unless @p include_deleted.
 * Stores a new sorted array (free()) in @p ids; returns the count, or
 * (size_t)-1 on ENOMEM.
 */
size_t reg_referrers(reg_registry *reg, const ix_context *ctx, const ix_subject *subject,
                     int32_t version, bool include_deleted, int64_t **ids);

/** The resolved subject of reference @p ref of a schema in @p ctx, or NULL. */
ix_subject *reg_ref_subject(reg_registry *reg, const ix_context *ctx, const ix_ref *ref);

/**
 * The identity digest of a candidate with the given metadata and rule set
 * (normal forms, may be NULL): hex in @p hex, guid in @p guid.
 */
void reg_identity(const reg_candidate *candidate, const json_t *metadata, const json_t *rule_set,
                  char hex[33], char guid[37]);

/** Appends Confluent's "details" list of a failed result to a 409 message in @p reply. */
void reg_fail_incompatible(rq_reply *reply, const char *display, strata_compat_result *result);

/**
 * The text of @p schema in the `format` a GET asked for, as a new string
 * (free()): "resolved" gives the schema with referenced types inlined,
 * "serialized" a Protobuf schema's FileDescriptorProto in base64. NULL means
 * the canonical text applies (no or an unknown format, or nothing to resolve).
 */
char *reg_schema_format_text(reg_registry *reg, ix_schema *schema, const char *format);

/** Parsed form of a stored schema and its references (cached on the schema); NULL on failure. */
const strata_schema *reg_schema_parsed(reg_registry *reg, ix_schema *schema);

#endif /* STRATA_REGISTRY_CORE_OPS_H */
