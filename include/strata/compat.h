/*
 * compat.h - libstrata-compat: parse, canonicalise, fingerprint and check the
 * compatibility of schemas, independent of their format.
 *
 * Ownership words used below:
 *   new       the caller owns the result and frees it with the named function;
 *   borrowed  the pointer stays owned by the library and is valid until the
 *             object named in the comment is freed.
 * Every function is safe to call from several threads at once as long as no
 * two threads use the same result object; parsed schemas are immutable and may
 * be shared between threads.
 */
#ifndef STRATA_COMPAT_H
#define STRATA_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <strata/error.h>
#include <strata/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Schema formats. Values are stable. */
typedef enum strata_schema_type {
  STRATA_SCHEMA_AVRO = 0,
  STRATA_SCHEMA_PROTOBUF = 1,
  STRATA_SCHEMA_JSON = 2,
  STRATA_SCHEMA_TABLE = 3
} strata_schema_type;

/** The registry name of @p type ("AVRO", "PROTOBUF", "JSON", "TABLE");
 * borrowed static string, NULL for an unknown value. */
STRATA_EXTERN const char *strata_schema_type_name(strata_schema_type type);

/**
 * Parses a type name, case-insensitively ("avro", "AVRO").
 * Returns STRATA_E_OK and sets @p out, or STRATA_E_INVALID_ARGUMENT.
 */
STRATA_EXTERN strata_error strata_schema_type_from_name(const char *name, strata_schema_type *out);

/** True when this build of the library can parse and check @p type. */
STRATA_EXTERN bool strata_schema_type_supported(strata_schema_type type);

/** Compatibility levels, as the Confluent registry names them. */
typedef enum strata_compat_level {
  STRATA_COMPAT_NONE = 0,
  STRATA_COMPAT_BACKWARD,
  STRATA_COMPAT_BACKWARD_TRANSITIVE,
  STRATA_COMPAT_FORWARD,
  STRATA_COMPAT_FORWARD_TRANSITIVE,
  STRATA_COMPAT_FULL,
  STRATA_COMPAT_FULL_TRANSITIVE
} strata_compat_level;

/** "BACKWARD", ...; borrowed static string, NULL for an unknown value. */
STRATA_EXTERN const char *strata_compat_level_name(strata_compat_level level);

/** Parses a level name case-insensitively; STRATA_E_OK or
 * STRATA_E_INVALID_COMPATIBILITY_LEVEL. */
STRATA_EXTERN strata_error strata_compat_level_from_name(const char *name,
                                                         strata_compat_level *out);

/**
 * Where and why a schema failed to parse. Filled by strata_schema_parse() on
 * failure. line and column are 1-based and 0 when unknown; path is a JSON
 * pointer to the offending element ("" when unknown).
 */
typedef struct strata_diag {
  int line;
  int column;
  char path[256];
  char message[512];
} strata_diag;

/** An immutable parsed schema. */
typedef struct strata_schema strata_schema;

/**
 * Parses and validates @p len bytes of schema text of @p type.
 *
 * @p refs are already-parsed schemas whose named types @p text may use (the
 * registry's references); they are borrowed and must outlive @p *out.
 * On success stores a new schema in @p *out (free with strata_schema_free()).
 * On failure returns STRATA_E_INVALID_SCHEMA (details in @p diag when not
 * NULL), STRATA_E_UNSUPPORTED for a type this build cannot parse, or
 * STRATA_E_NOMEM; @p *out is then NULL.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_schema_parse(
    strata_schema_type type, const char *text, size_t len, const strata_schema *const *refs,
    size_t nrefs, strata_schema **out, strata_diag *diag);

/**
 * As strata_schema_parse(), giving the schema a file name and its references
 * the names it imports them by. Protobuf uses @p name as the file's own name
 * (its import path; NULL: "schema.proto", the name strata_schema_parse()
 * gives) and finds refs[i] by the `import` whose path equals ref_names[i]
 * (the registry's reference name), or, where @p ref_names or ref_names[i] is
 * NULL, the name refs[i] was parsed with. Other formats ignore both. The names
 * are borrowed for the call (copied); ownership otherwise as
 * strata_schema_parse().
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_schema_parse_named(strata_schema_type type, const char *name, const char *text, size_t len,
                          const strata_schema *const *refs, const char *const *ref_names,
                          size_t nrefs, strata_schema **out, strata_diag *diag);

/**
 * Supplies the text of an imported .proto file: on STRATA_E_OK stores a new
 * buffer (freed by the library with free()) in @p *text and its length in
 * @p *len; returns STRATA_E_NOT_FOUND when there is no such file.
 */
typedef strata_error (*strata_proto_loader)(void *ctx, const char *path, char **text, size_t *len);

/**
 * Parses the .proto file @p name (its import path, e.g. "a/b.proto") with
 * text @p text, loading what it imports through @p loader (may be NULL: only
 * the built-in google/protobuf/ files are then found). On success stores a
 * new PROTOBUF schema in @p *out (free with strata_schema_free()); it owns
 * the files it loaded. Errors as strata_schema_parse(), the message reading
 * "file:line:col: text" as protoc writes it.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_proto_parse_file(const char *name, const char *text, size_t len, strata_proto_loader loader,
                        void *ctx, strata_schema **out, strata_diag *diag);

/**
 * The FileDescriptorProto of a PROTOBUF @p schema (borrowed) in standard
 * base64: what Confluent's `GET /schemas/ids/{id}?format=serialized` returns.
 * Returns a new string (free()), or NULL for another type or out of memory.
 */
STRATA_EXTERN char *strata_proto_serialized(const strata_schema *schema);

/**
 * Serializes @p nfiles PROTOBUF schemas (borrowed) as a FileDescriptorSet,
 * what `protoc --descriptor_set_out` writes (without source info); with
 * @p include_imports every imported file comes first, each once, as
 * `--include_imports` does. On success stores a new buffer (free with free())
 * in @p *out and its size in @p *len. Returns STRATA_E_OK,
 * STRATA_E_INVALID_ARGUMENT (a schema that is not PROTOBUF) or STRATA_E_NOMEM.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_proto_descriptor_set(const strata_schema *const *files, size_t nfiles, bool include_imports,
                            uint8_t **out, size_t *len);

/** Frees a schema and sets @p *schema to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_schema_free(strata_schema **schema);

/** The format of @p schema. */
STRATA_EXTERN strata_schema_type strata_schema_get_type(const strata_schema *schema);

/**
 * The registry's canonical text: what is stored and returned, and what
 * schema identity is computed from (for Avro: compact JSON keeping doc,
 * defaults, aliases, order, logical types and custom properties).
 * Borrowed, NUL-terminated, valid until the schema is freed.
 */
STRATA_EXTERN const char *strata_schema_canonical(const strata_schema *schema);

/**
 * The canonical text with every type that comes from a reference written out
 * in full where it is first used (the registry's format=resolved): a new
 * string (free with free()), equal to the canonical text for a schema without
 * references. NULL when out of memory or when the format has no such form.
 */
STRATA_EXTERN char *strata_schema_resolved_text(const strata_schema *schema);

/**
 * The format's normal form, used for fingerprints (for Avro: the Parsing
 * Canonical Form of the specification). Borrowed, valid until the schema is
 * freed; NULL when the format has none.
 */
STRATA_EXTERN const char *strata_schema_normal_form(const strata_schema *schema);

/**
 * The 64-bit fingerprint of the normal form (for Avro: CRC-64-AVRO, the
 * specification's Rabin fingerprint). 0 when the format has no normal form.
 */
STRATA_EXTERN uint64_t strata_schema_fingerprint(const strata_schema *schema);

/** The CRC-64-AVRO (Rabin) fingerprint of @p len bytes at @p data. */
STRATA_EXTERN uint64_t strata_crc64_avro(const void *data, size_t len);

/** Which way a problem breaks. */
typedef enum strata_compat_direction {
  /** the new schema cannot read data written with an old one */
  STRATA_DIRECTION_BACKWARD = 0,
  /** an old schema cannot read data written with the new one */
  STRATA_DIRECTION_FORWARD = 1,
  /**
   * TABLE schemas only: producers built for an old schema can no longer write
   * to a table of the new schema (their INSERTs or UPDATEs fail). The FORWARD,
   * FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE levels check it too: a change
   * old readers survive must also leave old writers working (an "expand"
   * migration). BACKWARD levels do not.
   */
  STRATA_DIRECTION_WRITER = 2
} strata_compat_direction;

/** "BACKWARD", "FORWARD" or "WRITER"; borrowed static string. */
STRATA_EXTERN const char *strata_compat_direction_name(strata_compat_direction dir);

/** One incompatibility. All strings are borrowed from the result. */
typedef struct strata_compat_issue {
  /** stable code, e.g. "READER_FIELD_MISSING_DEFAULT_VALUE" */
  const char *code;
  /** JSON pointer into the reading schema, e.g. "/fields/1/type" */
  const char *path;
  /** a sentence that names the element and says why it breaks */
  const char *message;
  /** the format's terse detail (Avro: Java SchemaCompatibility's message) */
  const char *detail;
  strata_compat_direction direction;
  /** version of the previous schema it broke against (see strata_compat_check) */
  int version;
} strata_compat_issue;

/** The outcome of a compatibility check. */
typedef struct strata_compat_result strata_compat_result;

/**
 * Checks @p candidate against @p previous (nprevious schemas, oldest first)
 * at @p level. Non-transitive levels look at the newest (last) schema only;
 * transitive levels at all of them, and report the issues of every failing
 * version (newest first). @p versions (may be NULL) gives the version number
 * of each previous schema, used in issues and messages; NULL means the
 * 1-based positions. All inputs are borrowed for the duration of the call.
 *
 * Schemas of different types are incompatible (one issue,
 * "SCHEMA_TYPE_MISMATCH"), except at level NONE.
 * On success stores a new result in @p *out (free with
 * strata_compat_result_free()); returns STRATA_E_OK, STRATA_E_INVALID_ARGUMENT
 * or STRATA_E_NOMEM.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_compat_check(
    strata_compat_level level, const strata_schema *candidate, const strata_schema *const *previous,
    const int *versions, size_t nprevious, strata_compat_result **out);

/** True when no issue was found. */
STRATA_EXTERN bool strata_compat_result_compatible(const strata_compat_result *result);

/** The level the result was checked at. */
STRATA_EXTERN strata_compat_level strata_compat_result_level(const strata_compat_result *result);

/** Number of issues. */
STRATA_EXTERN size_t strata_compat_result_issue_count(const strata_compat_result *result);

/** Issue @p i (0-based), borrowed until the result is freed; NULL past the end. */
STRATA_EXTERN const strata_compat_issue *
strata_compat_result_issue(const strata_compat_result *result, size_t i);

/**
 * The Confluent registry's verbose `messages` list for this result (the
 * strings a Confluent registry returns with ?verbose=true and in its 409
 * details): for the newest failing version, one entry per incompatibility,
 * then `{oldSchemaVersion: N}` and `{oldSchema: '...'}`, then
 * `{validateFields: '...', compatibility: '...'}`. Empty for a compatible
 * result. Built on first call; the array and its strings are borrowed until
 * the result is freed. Returns STRATA_E_OK or STRATA_E_NOMEM.
 */
STRATA_EXTERN strata_error strata_compat_result_messages(strata_compat_result *result,
                                                         bool validate_fields,
                                                         const char *const **messages,
                                                         size_t *count);

/** Frees a result and sets @p *result to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_compat_result_free(strata_compat_result **result);

/*
 * Table sets: SQL migrations replayed onto TABLE schemas (`strata migrate
 * check`). A set holds tables by name; replaying PostgreSQL DDL changes,
 * creates, renames and drops them; each table's resulting schema can then be
 * checked against its registered versions with strata_compat_check().
 */

/** A set of tables. */
typedef struct strata_table_set strata_table_set;

/** What the replayed SQL did to a table of a set. */
typedef enum strata_table_state {
  STRATA_TABLE_UNCHANGED = 0,
  /** altered (columns, constraints, enum types used) or renamed */
  STRATA_TABLE_CHANGED = 1,
  /** created by the replayed SQL */
  STRATA_TABLE_CREATED = 2,
  /** dropped by the replayed SQL */
  STRATA_TABLE_DROPPED = 3
} strata_table_state;

/** A new empty set (free with strata_table_set_free()); NULL when out of memory. */
STRATA_EXTERN strata_table_set *strata_table_set_new(void);

/**
 * Adds the table of TABLE schema @p schema (borrowed; copied) with the enum
 * types it uses. Returns STRATA_E_OK, STRATA_E_INVALID_ARGUMENT (not a TABLE
 * schema, or a table of that name is already in the set) or STRATA_E_NOMEM.
 */
STRATA_EXTERN strata_error strata_table_set_add(strata_table_set *set, const strata_schema *schema);

/**
 * Replays @p len bytes of SQL onto the set, statement by statement: CREATE
 * TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE / RENAME VALUE, CREATE TABLE,
 * ALTER TABLE (ADD/DROP/RENAME COLUMN, ALTER COLUMN TYPE, SET/DROP NOT NULL,
 * SET/DROP DEFAULT, ADD/DROP/RENAME CONSTRAINT, identity, DROP EXPRESSION),
 * ALTER TABLE ... RENAME TO, DROP TABLE and CREATE UNIQUE INDEX (for ADD ...
 * USING INDEX). Other statements are ignored. Table names match with or
 * without a "public." qualification. On failure returns
 * STRATA_E_INVALID_SCHEMA with @p diag (may be NULL) giving the 1-based line
 * and column of the syntax error or of the failing statement and why (an
 * unknown table or column, a duplicate, ...); the set then holds the
 * statements before it. STRATA_E_NOMEM when out of memory.
 */
STRATA_EXTERN strata_error strata_table_set_apply(strata_table_set *set, const char *sql,
                                                  size_t len, strata_diag *diag);

/** The number of tables in the set, dropped ones included. */
STRATA_EXTERN size_t strata_table_set_count(const strata_table_set *set);

/**
 * The name table @p i had when it entered the set (added or created), which
 * stays its name after a rename; borrowed until the set is freed. NULL past the end.
 */
STRATA_EXTERN const char *strata_table_set_name(const strata_table_set *set, size_t i);

/** What the replayed SQL did to table @p i. */
STRATA_EXTERN strata_table_state strata_table_set_state(const strata_table_set *set, size_t i);

/**
 * The current state of table @p i as a new TABLE schema (free with
 * strata_schema_free()). Returns STRATA_E_OK, STRATA_E_NOT_FOUND for a
 * dropped table or an index past the end, or STRATA_E_NOMEM.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_table_set_schema(const strata_table_set *set, size_t i, strata_schema **out);

/** Frees a set and sets @p *set to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_table_set_free(strata_table_set **set);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_COMPAT_H */
