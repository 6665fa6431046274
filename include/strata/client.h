/*
 * client.h - libstrata-client: a C client for Strata and every other
 * Confluent-compatible schema registry, plus the Confluent wire format.
 *
 * Ownership words used below:
 *   new       the caller owns the result and frees it with the named function;
 *   borrowed  the pointer stays owned by someone else and is valid until the
 *             object named in the comment is freed;
 *   copied    the library copies what it needs before the call returns.
 *
 * Threads: a strata_client may be used from several threads at once; every
 * call is safe concurrently with every other call on the same client except
 * strata_client_free(). Results are plain data owned by the caller.
 *
 * Errors: every call returns STRATA_E_OK or an error code. When @p err is not
 * NULL it is filled on failure with the HTTP status (0 when no response came
 * back), the registry's numeric error_code (0 when none) and a message:
 *   - the registry's own message when it answered with an error body;
 *   - STRATA_E_UNAVAILABLE: no base URL could be reached (after retries);
 *   - STRATA_E_BAD_RESPONSE: the registry answered something that is not the
 *     documented JSON shape;
 *   - a registry error_code maps to the strata_error with that code
 *     (40401 -> STRATA_E_SUBJECT_NOT_FOUND, ...); an unknown code maps by
 *     HTTP status (404 -> STRATA_E_NOT_FOUND, 5xx -> STRATA_E_INTERNAL, ...).
 */
#ifndef STRATA_CLIENT_H
#define STRATA_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <strata/compat.h>
#include <strata/error.h>
#include <strata/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* The client handle                                                        */
/* ------------------------------------------------------------------------ */

/** A connection to one registry, reachable at one or more base URLs. */
typedef struct strata_client strata_client;

/** What went wrong in a failed call. */
typedef struct strata_client_error {
  /** HTTP status of the registry's answer; 0 when none came back */
  int http_status;
  /** the registry's numeric error_code (e.g. 40401); 0 when none */
  int error_code;
  /** a sentence: the registry's message, or what failed on the way */
  char message[512];
} strata_client_error;

/**
 * Options of strata_client_new(). Initialise with strata_client_options_init()
 * and set what you need; every string is copied by strata_client_new().
 */
typedef struct strata_client_options {
  /** base URLs ("http://host:8081", may carry a path prefix); at least one.
   * Calls go to the URL that last answered; on a network error, 408, 429 or
   * 5xx the next URL is tried at once, and after every URL failed the round is
   * retried after a backoff. */
  const char *const *urls;
  size_t url_count;
  /** connection timeout per attempt, milliseconds (default 10000) */
  long connect_timeout_ms;
  /** whole-request timeout per attempt, milliseconds (default 30000) */
  long request_timeout_ms;
  /** retry rounds after the first one fails (default 3) */
  int max_retries;
  /** backoff before the first retry round, doubled per round with jitter,
   * milliseconds (defaults 100 and 5000 as the maximum) */
  long retry_backoff_ms;
  long retry_backoff_max_ms;
  /** HTTP basic authentication (both set) */
  const char *username;
  const char *password;
  /** a bearer token ("Authorization: Bearer ..."); wins over basic auth */
  const char *bearer_token;
  /** TLS: CA bundle file, CA directory, client certificate and key (PEM) */
  const char *ca_file;
  const char *ca_path;
  const char *cert_file;
  const char *key_file;
  const char *key_password;
  /** TLS: skip peer and host verification (tests only) */
  bool insecure;
  /** entries per cache (by id, by subject and version, by subject and
   * schema); 0 disables caching (default 1000) */
  size_t cache_capacity;
  /** User-Agent header (default "strata-client/<version>") */
  const char *user_agent;
} strata_client_options;

/** Fills @p options with the defaults above and no URL. */
STRATA_EXTERN void strata_client_options_init(strata_client_options *options);

/**
 * Creates a client. Nothing is sent until the first call.
 * On success *out is new (free with strata_client_free()). Returns
 * STRATA_E_INVALID_ARGUMENT (no URL, a URL that is not http(s)://) or
 * STRATA_E_NOMEM, with @p err filled.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_new(
    const strata_client_options *options, strata_client **out, strata_client_error *err);

/** Frees a client and its caches and sets @p *client to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_free(strata_client **client);

/** Empties the client's caches (for example after deleting schemas). */
STRATA_EXTERN void strata_client_clear_cache(strata_client *client);

/* ------------------------------------------------------------------------ */
/* Result types                                                             */
/* ------------------------------------------------------------------------ */

/** A reference from a schema to another subject's version (an import). */
typedef struct strata_client_reference {
  /** the name the referring schema uses (Avro full name, .proto import path) */
  const char *name;
  const char *subject;
  /** the version; -1 means "latest" in a request */
  int version;
} strata_client_reference;

/** A registered schema as the registry returned it. */
typedef struct strata_client_schema {
  /** the subject; NULL when the answer named none (GET /schemas/ids/{id}) */
  char *subject;
  /** the version; 0 when the answer named none */
  int version;
  /** the global id; 0 when the answer named none */
  int64_t id;
  /** the 8.x guid; NULL when absent */
  char *guid;
  strata_schema_type type;
  /** the schema text */
  char *schema;
  /** references; strings owned by this object */
  strata_client_reference *references;
  size_t reference_count;
  /** the data-contract metadata and rule set as compact JSON text; NULL when absent */
  char *metadata;
  char *rule_set;
  /** true when the registry marked this version soft-deleted */
  bool deleted;
} strata_client_schema;

/** Frees a schema result and sets @p *schema to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_schema_free(strata_client_schema **schema);

/** A list of strings (subjects, schema types, contexts). */
typedef struct strata_client_strings {
  char **items;
  size_t count;
} strata_client_strings;

/** Frees a string list and sets @p *list to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_strings_free(strata_client_strings **list);

/** A list of integers (versions, ids). */
typedef struct strata_client_ints {
  int64_t *items;
  size_t count;
} strata_client_ints;

/** Frees an integer list and sets @p *list to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_ints_free(strata_client_ints **list);

/** A (subject, version) pair. */
typedef struct strata_client_subject_version {
  char *subject;
  int version;
} strata_client_subject_version;

/** A list of (subject, version) pairs. */
typedef struct strata_client_subject_versions {
  strata_client_subject_version *items;
  size_t count;
} strata_client_subject_versions;

/** Frees a pair list and sets @p *list to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_subject_versions_free(strata_client_subject_versions **list);

/** A list of schemas (GET /schemas). */
typedef struct strata_client_schemas {
  strata_client_schema **items;
  size_t count;
} strata_client_schemas;

/** Frees a schema list and sets @p *list to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_schemas_free(strata_client_schemas **list);

/** A compatibility configuration (GET/PUT/DELETE /config). */
typedef struct strata_client_config {
  /** "BACKWARD", ...; NULL when the answer had none */
  char *compatibility_level;
  /** the compatibilityGroup property; NULL when absent */
  char *compatibility_group;
  /** the normalize flag: -1 absent, 0 false, 1 true */
  int normalize;
  /** the whole answer as compact JSON text (every field, including the
   * default/override metadata and rule sets) */
  char *json;
} strata_client_config;

/** Frees a config and sets @p *config to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_config_free(strata_client_config **config);

/** The answer of a compatibility test. */
typedef struct strata_client_compat {
  bool is_compatible;
  /** the registry's messages (only with verbose); owned by this object */
  char **messages;
  size_t message_count;
} strata_client_compat;

/** Frees a compatibility answer and sets @p *compat to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_client_compat_free(strata_client_compat **compat);

/** What to register, look up or test. Every pointer is borrowed for the call. */
typedef struct strata_client_schema_input {
  strata_schema_type type;
  /** the schema text (required) */
  const char *schema;
  const strata_client_reference *references;
  size_t reference_count;
  /** data-contract metadata and rule set as JSON text; NULL to send none */
  const char *metadata;
  const char *rule_set;
  /** an explicit id and version, for registries in IMPORT mode; 0 = none */
  int64_t id;
  int version;
} strata_client_schema_input;

/** The version number that means "the latest live version". */
#define STRATA_CLIENT_LATEST (-1)

/* ------------------------------------------------------------------------ */
/* Schemas by id                                                            */
/* ------------------------------------------------------------------------ */

/**
 * GET /schemas/ids/{id}[?subject=]. @p subject (may be NULL) picks the
 * subject whose context and version the answer reports. Served from the
 * cache when present. *out is new (strata_client_schema_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_schema_by_id(strata_client *client, int64_t id, const char *subject,
                               strata_client_schema **out, strata_client_error *err);

/** GET /schemas/guids/{guid}. *out is new (strata_client_schema_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_get_schema_by_guid(
    strata_client *client, const char *guid, strata_client_schema **out, strata_client_error *err);

/** GET /schemas/ids/{id}/subjects. *out is new (strata_client_strings_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_id_subjects(strata_client *client, int64_t id, bool deleted,
                              strata_client_strings **out, strata_client_error *err);

/** GET /schemas/ids/{id}/versions. *out is new (strata_client_subject_versions_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_id_versions(strata_client *client, int64_t id, bool deleted,
                              strata_client_subject_versions **out, strata_client_error *err);

/** GET /schemas/types. *out is new (strata_client_strings_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_get_schema_types(
    strata_client *client, strata_client_strings **out, strata_client_error *err);

/**
 * GET /schemas?subjectPrefix=&deleted=&latestOnly=, following the registry's
 * pages until the list is complete. @p prefix may be NULL (everything).
 * *out is new (strata_client_schemas_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_list_schemas(strata_client *client, const char *prefix, bool deleted,
                           bool latest_only, strata_client_schemas **out, strata_client_error *err);

/* ------------------------------------------------------------------------ */
/* Subjects and versions                                                    */
/* ------------------------------------------------------------------------ */

/**
 * GET /subjects?subjectPrefix=&deleted=. @p prefix may be NULL (all
 * subjects of every context). *out is new (strata_client_strings_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_list_subjects(strata_client *client, const char *prefix, bool deleted,
                            strata_client_strings **out, strata_client_error *err);

/** GET /subjects/{s}/versions?deleted=. *out is new (strata_client_ints_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_list_versions(strata_client *client, const char *subject, bool deleted,
                            strata_client_ints **out, strata_client_error *err);

/**
 * GET /subjects/{s}/versions/{v}?deleted=; @p version STRATA_CLIENT_LATEST
 * for the latest. Concrete versions are served from the cache when present.
 * *out is new (strata_client_schema_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_version(strata_client *client, const char *subject, int version, bool deleted,
                          strata_client_schema **out, strata_client_error *err);

/** GET /subjects/{s}/versions/{v}/referencedby. *out is new (strata_client_ints_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_referenced_by(strata_client *client, const char *subject, int version,
                                strata_client_ints **out, strata_client_error *err);

/**
 * GET /subjects/{s}/metadata?key=&value=...: the newest version whose
 * metadata properties hold every (keys[i], values[i]) pair.
 * *out is new (strata_client_schema_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_get_latest_with_metadata(
    strata_client *client, const char *subject, const char *const *keys, const char *const *values,
    size_t count, strata_client_schema **out, strata_client_error *err);

/**
 * POST /subjects/{s}/versions[?normalize=true]: registers @p input (or
 * returns the existing version's id). *out is new (strata_client_schema_free())
 * and holds at least the id; registries that answer with the 8.x shape also
 * fill version, guid and the schema. @p out may be NULL when only success
 * matters; use strata_client_register_id() for just the id.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_register(
    strata_client *client, const char *subject, const strata_client_schema_input *input,
    bool normalize, strata_client_schema **out, strata_client_error *err);

/**
 * Registers @p input like strata_client_register() and sets *id; served from
 * the cache (by subject and schema) when this client registered or looked up
 * the same schema before. This is what a serializer calls per message.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_register_id(
    strata_client *client, const char *subject, const strata_client_schema_input *input,
    bool normalize, int64_t *id, strata_client_error *err);

/**
 * POST /subjects/{s}[?normalize=&deleted=]: the version of @p subject that
 * holds @p input. *out is new (strata_client_schema_free()). Not registered:
 * STRATA_E_SCHEMA_NOT_FOUND (or STRATA_E_SUBJECT_NOT_FOUND).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_lookup(
    strata_client *client, const char *subject, const strata_client_schema_input *input,
    bool normalize, bool deleted, strata_client_schema **out, strata_client_error *err);

/**
 * DELETE /subjects/{s}[?permanent=true]. *deleted (may be NULL) is new
 * (strata_client_ints_free()): the version numbers deleted.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_delete_subject(strata_client *client, const char *subject, bool permanent,
                             strata_client_ints **deleted, strata_client_error *err);

/**
 * DELETE /subjects/{s}/versions/{v}[?permanent=true]; *deleted_version (may be
 * NULL) is the version number deleted.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_delete_version(strata_client *client, const char *subject, int version,
                             bool permanent, int *deleted_version, strata_client_error *err);

/* ------------------------------------------------------------------------ */
/* Compatibility                                                            */
/* ------------------------------------------------------------------------ */

/**
 * POST /compatibility/subjects/{s}/versions/{v}?verbose= with @p version a
 * version number or STRATA_CLIENT_LATEST; with @p version 0, POST
 * /compatibility/subjects/{s}/versions (every version the subject's level
 * asks for, as registration would). *out is new (strata_client_compat_free()).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_test_compatibility(strata_client *client, const char *subject, int version,
                                 const strata_client_schema_input *input, bool verbose,
                                 strata_client_compat **out, strata_client_error *err);

/* ------------------------------------------------------------------------ */
/* Config and mode (@p subject NULL = the global setting)                   */
/* ------------------------------------------------------------------------ */

/**
 * GET /config[/{s}][?defaultToGlobal=true]. *out is new
 * (strata_client_config_free()). A subject without its own config and
 * without @p default_to_global: STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_config(strata_client *client, const char *subject, bool default_to_global,
                         strata_client_config **out, strata_client_error *err);

/**
 * PUT /config[/{s}] with the JSON object @p body_json (ConfigUpdateRequest:
 * {"compatibility": "FULL", ...}). *out (may be NULL) is new
 * (strata_client_config_free()): the stored config as the registry echoes it.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_set_config(strata_client *client, const char *subject, const char *body_json,
                         strata_client_config **out, strata_client_error *err);

/** PUT /config[/{s}] {"compatibility": @p level}; *out as strata_client_set_config(). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_set_compatibility(
    strata_client *client, const char *subject, strata_compat_level level,
    strata_client_config **out, strata_client_error *err);

/** DELETE /config[/{s}]. *out (may be NULL) is new: the config that was removed. */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_delete_config(strata_client *client, const char *subject, strata_client_config **out,
                            strata_client_error *err);

/**
 * GET /mode[/{s}][?defaultToGlobal=true]. *mode is new (free()): "READWRITE",
 * "READONLY", "IMPORT" or "FORWARD".
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_mode(strata_client *client, const char *subject, bool default_to_global,
                       char **mode, strata_client_error *err);

/**
 * PUT /mode[/{s}][?force=true] {"mode": @p mode}. *result (may be NULL) is
 * new (free()): the mode the registry echoed.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_set_mode(strata_client *client, const char *subject, const char *mode, bool force,
                       char **result, strata_client_error *err);

/** DELETE /mode[/{s}]. *previous (may be NULL) is new (free()): the mode removed. */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_delete_mode(
    strata_client *client, const char *subject, char **previous, strata_client_error *err);

/* ------------------------------------------------------------------------ */
/* Contexts and server                                                      */
/* ------------------------------------------------------------------------ */

/** GET /contexts. *out is new (strata_client_strings_free()). */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_list_contexts(
    strata_client *client, strata_client_strings **out, strata_client_error *err);

/** DELETE /contexts/{ctx}: removes an empty context. */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_delete_context(strata_client *client, const char *context, strata_client_error *err);

/**
 * GET /v1/metadata/version. *version is new (free()): the registry's
 * version string. @p commit_id (may be NULL) is new (free()) too.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_get_server_version(
    strata_client *client, char **version, char **commit_id, strata_client_error *err);

/**
 * GET /v1/metadata/id. *cluster_id is new (free()): the Kafka cluster id the
 * registry reports (possibly empty).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_client_get_cluster_id(strata_client *client, char **cluster_id, strata_client_error *err);

/**
 * Any other request, with the same fail-over, retries, authentication and
 * error mapping. @p path starts with '/' and is appended to the base URL as
 * is (percent-encode segments yourself, see strata_client_escape()).
 * @p body_json may be NULL (no body). On any HTTP answer *status is set; on
 * success (2xx) *response (may be NULL) is new (free()): the body as text.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_client_request(
    strata_client *client, const char *method, const char *path, const char *body_json, int *status,
    char **response, strata_client_error *err);

/**
 * Percent-encodes @p segment for use as one path segment (everything but
 * unreserved characters, so '/' and ':' are encoded). Returns a new string
 * (free()), NULL when out of memory.
 */
STRATA_EXTERN char *strata_client_escape(const char *segment);

/* ------------------------------------------------------------------------ */
/* Confluent wire format                                                    */
/* ------------------------------------------------------------------------ */

/** The magic byte of the Confluent wire format (V0). */
#define STRATA_WIRE_MAGIC 0
/** Bytes before the payload: magic byte and 4-byte big-endian schema id. */
#define STRATA_WIRE_HEADER_SIZE 5

/**
 * Writes the 5-byte header for @p id into @p buf (at least
 * STRATA_WIRE_HEADER_SIZE bytes). Returns STRATA_E_INVALID_ARGUMENT when @p id
 * does not fit a signed 32-bit integer or is negative.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_wire_write_header(int64_t id,
                                                                              uint8_t *buf);

/**
 * Reads the header of a framed message: sets *id and *payload_offset (5).
 * Returns STRATA_E_WIRE_FORMAT when @p len is under 5 bytes, the magic byte
 * is not 0 or the id is negative.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_wire_read_header(const uint8_t *msg, size_t len, int64_t *id, size_t *payload_offset);

/**
 * Encodes a Protobuf message-index path (zig-zag varints: count, then each
 * index; the path [0] as the single byte 0) into @p buf of @p cap bytes and
 * sets *written. Returns STRATA_E_INVALID_ARGUMENT when @p buf is too small
 * (at most 5 * (count + 1) bytes are needed), an index is negative or
 * @p count is over 100. An empty path is written as [0] (the byte 0).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_wire_write_message_indexes(
    const int32_t *indexes, size_t count, uint8_t *buf, size_t cap, size_t *written);

/**
 * Decodes a message-index path at @p data. *indexes is new (free()) with
 * *count entries; the single byte 0 decodes as the path [0] (count 1).
 * *consumed is the number of bytes read. Returns STRATA_E_WIRE_FORMAT on a
 * truncated or overlong varint, a negative count or index, or a count over
 * 100 (deeper than any real .proto nesting).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_wire_read_message_indexes(
    const uint8_t *data, size_t len, int32_t **indexes, size_t *count, size_t *consumed);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_CLIENT_H */
