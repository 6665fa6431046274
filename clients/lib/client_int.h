/*
 * client_int.h - private to libstrata-client: the client structure, the
 * transport (one request with fail-over and retries), the bounded caches and
 * the JSON decoding of answers.
 *
 * Prefixes: sclt_ client and transport, sclc_ cache, sclr_ results (JSON).
 */
#ifndef STRATA_CLIENT_INT_H
#define STRATA_CLIENT_INT_H

#include <strata/client.h>

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>

/* ------------------------------------------------------------------------ */
/* Byte buffers (path.c) and caches (cache.c)                               */
/* ------------------------------------------------------------------------ */

/** A growable byte buffer for building keys and bodies. */
typedef struct sclc_buf {
  char *data;
  size_t len;
  size_t cap;
  bool failed; /* an allocation failed; data is unusable */
} sclc_buf;

/** A bounded, thread-safe LRU map from a byte-string key to a schema or an id. */
typedef struct sclc_cache sclc_cache;

/** A new cache of at most @p capacity entries (0: every put is dropped); NULL on no memory. */
sclc_cache *sclc_cache_new(size_t capacity);
/** Frees @p cache and every entry; NULL is a no-op. */
void sclc_cache_free(sclc_cache *cache);
/** Drops every entry. */
void sclc_cache_clear(sclc_cache *cache);
/** The number of entries held now (tests check the bound). */
size_t sclc_cache_count(sclc_cache *cache);

/**
 * Looks up the key built in @p key. On a hit sets *out to a new deep copy of
 * the stored schema and returns true; false on a miss, a key whose building
 * ran out of memory, or when the copy ran out of memory.
 */
bool sclc_cache_get_schema(sclc_cache *cache, sclc_buf *key, strata_client_schema **out);
/** Stores a copy of @p schema under @p key (copied); silently skipped when out of memory. */
void sclc_cache_put_schema(sclc_cache *cache, sclc_buf *key, const strata_client_schema *schema);
/** Looks up an id under @p key; true on a hit. */
bool sclc_cache_get_id(sclc_cache *cache, sclc_buf *key, int64_t *id);
/** Stores @p id under @p key (copied); skipped when out of memory. */
void sclc_cache_put_id(sclc_cache *cache, sclc_buf *key, int64_t id);

/** Appends @p len bytes. */
void sclc_buf_add(sclc_buf *buf, const void *bytes, size_t len);
/** Appends a length-prefixed string ("<len>:<bytes>;"), NULL as "-;". */
void sclc_buf_add_field(sclc_buf *buf, const char *text);
/** Appends printf-formatted text. */
void sclc_buf_printf(sclc_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Frees the buffer's bytes and resets it. */
void sclc_buf_release(sclc_buf *buf);

/* ------------------------------------------------------------------------ */
/* The client (client.c) and its transport (transport.c)                    */
/* ------------------------------------------------------------------------ */

struct strata_client {
  char **urls; /* base URLs without a trailing '/' */
  size_t url_count;
  long connect_timeout_ms;
  long request_timeout_ms;
  int max_retries;
  long backoff_ms;
  long backoff_max_ms;
  char *username;
  char *password;
  char *ca_file;
  char *ca_path;
  char *cert_file;
  char *key_file;
  char *key_password;
  bool insecure;
  char *user_agent;
  /* Accept, Content-Type, "Expect:" and the bearer header; read-only after new */
  struct curl_slist *headers;

  pthread_mutex_t lock; /* guards the fields below */
  size_t last_good;     /* the URL index that answered last */
  void **pool;          /* idle curl easy handles, kept for connection reuse */
  size_t pool_count;
  uint64_t rng; /* xorshift state for the backoff jitter */
  /* requests sent (every attempt, including retries); for tests */
  unsigned long attempts;

  sclc_cache *by_id;         /* "id + subject" -> schema */
  sclc_cache *by_version;    /* "subject + version" -> schema */
  sclc_cache *by_definition; /* "subject + schema input" -> id */
};

/** Idle curl handles kept per client at most. */
#define SCLT_POOL_MAX 16
/** Largest answer body accepted, bytes. */
#define SCLT_BODY_MAX ((size_t)256 * 1024 * 1024)

/**
 * Sends one request with fail-over and retries. @p path starts with '/';
 * @p body (may be NULL) is sent as JSON. Returns STRATA_E_OK on a 2xx answer
 * with *status set and *response new (free(), may be NULL when not wanted);
 * otherwise the mapped error with @p err filled (and *status set when an
 * answer came back).
 */
strata_error sclt_request(strata_client *client, const char *method, const char *path,
                          const char *body, int *status, char **response, strata_client_error *err);

/**
 * Like sclt_request() and parses the 2xx body as JSON: *json is new
 * (json_decref()). A body that is not JSON is STRATA_E_BAD_RESPONSE. A NULL
 * @p path (building it ran out of memory, sclc_buf_text()) is STRATA_E_NOMEM.
 */
strata_error sclt_request_json(strata_client *client, const char *method, const char *path,
                               const char *body, json_t **json, strata_client_error *err);

/**
 * Decodes a JSON answer. @p out points to the caller's result pointer (a
 * strata_client_strings **, strata_client_schema **, ...): set to a new
 * object on success, left NULL on failure with @p err filled.
 */
typedef strata_error (*sclr_decode_fn)(const json_t *json, void *out, strata_client_error *err);

/**
 * One registry call: sclt_request_json() of @p method on @p path (NULL: its
 * building ran out of memory) with @p body (may be NULL), then @p decode of
 * the answer into @p out (see sclr_decode_fn; new on success).
 */
strata_error sclt_call(strata_client *client, const char *method, const char *path,
                       const char *body, sclr_decode_fn decode, void *out,
                       strata_client_error *err);

/**
 * sclt_call() with the JSON body of @p input (borrowed; sclr_input_body()):
 * an input that makes no body fails before any request.
 */
strata_error sclt_call_input(strata_client *client, const char *method, const char *path,
                             const strata_client_schema_input *input, sclr_decode_fn decode,
                             void *out, strata_client_error *err);

/** Fills @p err and returns STRATA_E_NOMEM. */
strata_error sclt_nomem(strata_client_error *err);

/** Fills @p err with "invalid argument: <what>" and returns STRATA_E_INVALID_ARGUMENT. */
strata_error sclt_invalid(strata_client_error *err, const char *what);

/**
 * Appends "/versions/<v>" for a concrete version or STRATA_CLIENT_LATEST;
 * false (nothing appended) for any other value.
 */
bool sclt_path_version(sclc_buf *buf, int version);

/** Fills @p err (may be NULL) with @p status, @p code and a formatted message. */
void sclt_fail(strata_client_error *err, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/**
 * The strata_error for a registry answer: by @p error_code when errors.def
 * names it (client-side entries excluded), else by @p http_status.
 */
strata_error sclt_map_error(int http_status, int error_code);

/** Returns the number of request attempts the client has sent (tests). */
unsigned long sclt_attempts(strata_client *client);

/* ------------------------------------------------------------------------ */
/* Paths (path.c)                                                           */
/* ------------------------------------------------------------------------ */

/** Appends the percent-encoded @p segment to @p buf. */
void sclt_path_segment(sclc_buf *buf, const char *segment);

/**
 * Starts a query string or continues it: appends '?' or '&', @p name, '=' and
 * the percent-encoded @p value.
 */
void sclt_query(sclc_buf *buf, bool *first, const char *name, const char *value);

/** Returns the buffer's text (NUL-terminated), or NULL after a failed allocation. */
const char *sclc_buf_text(sclc_buf *buf);

/* ------------------------------------------------------------------------ */
/* JSON answers (results.c)                                                 */
/* ------------------------------------------------------------------------ */

/*
 * The decoders of answers, each an sclr_decode_fn: @p out is the address of
 * the result pointer named in brackets, set to a new object (free it with the
 * type's public free function); STRATA_E_BAD_RESPONSE on a wrong shape.
 */
/** Decodes a schema object [strata_client_schema **]. */
strata_error sclr_schema(const json_t *json, void *out, strata_client_error *err);
/** Decodes an array of strings [strata_client_strings **]. */
strata_error sclr_strings(const json_t *json, void *out, strata_client_error *err);
/** Decodes an array of integers [strata_client_ints **]. */
strata_error sclr_ints(const json_t *json, void *out, strata_client_error *err);
/** Decodes an array of {"subject","version"} [strata_client_subject_versions **]. */
strata_error sclr_subject_versions(const json_t *json, void *out, strata_client_error *err);
/** Decodes a config object [strata_client_config **]. */
strata_error sclr_config(const json_t *json, void *out, strata_client_error *err);
/** Decodes a compatibility answer [strata_client_compat **]. */
strata_error sclr_compat(const json_t *json, void *out, strata_client_error *err);

/**
 * Appends the schemas of the array @p json (one page of GET /schemas) to
 * @p list (borrowed, grown). On failure the schemas decoded so far stay in
 * the list, owned by it.
 */
strata_error sclr_schemas_append(const json_t *json, strata_client_schemas *list,
                                 strata_client_error *err);

/** A new deep copy of @p schema; NULL when out of memory. */
strata_client_schema *sclr_schema_copy(const strata_client_schema *schema);

/**
 * The request body for @p input ({"schema", "schemaType", "references",
 * "metadata", "ruleSet", "id", "version"}): new text (free()). Returns
 * STRATA_E_INVALID_ARGUMENT (no schema text, metadata that is not JSON) or
 * STRATA_E_NOMEM with @p err filled.
 */
strata_error sclr_input_body(const strata_client_schema_input *input, char **body,
                             strata_client_error *err);

/** Appends the cache key of (@p subject, @p input, @p normalize) to @p buf. */
void sclr_input_key(sclc_buf *buf, const char *subject, const strata_client_schema_input *input,
                    bool normalize);

/** A new string (free()) of the JSON text of @p json, compact; NULL on no memory. */
char *sclr_dump(const json_t *json);

/* ------------------------------------------------------------------------ */
/* Test access                                                              */
/* ------------------------------------------------------------------------ */

/** Which cache sclt_cache_count() counts. */
typedef enum sclt_cache_kind {
  SCLT_CACHE_BY_ID,
  SCLT_CACHE_BY_VERSION,
  SCLT_CACHE_BY_DEFINITION
} sclt_cache_kind;

/** The number of entries in one of the client's caches (tests check the bound). */
size_t sclt_cache_count(strata_client *client, sclt_cache_kind kind);

#endif /* STRATA_CLIENT_INT_H */
