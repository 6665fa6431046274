/*
 * avro_serde_int.h - private to libstrata-client: the Avro schema resolution
 * behind strata_avro_deserialize() (avro_resolve.c) and the guard around
 * avro-c's process-global error text (avro_serde.c).
 *
 * avro-c's own resolver (avro_resolved_writer_new()) is not the
 * specification's: it refuses reader fields missing from the writer even when
 * they have a default, and maps enum symbols by position. So the library
 * resolves itself: a resolution is built once per (writer, reader) pair, then
 * decodes Avro binary of the writer schema straight into a generic avro-c
 * value of the reader schema. avro-c parses both schemas (names, namespaces,
 * recursion); the defaults and aliases it drops are read from the reader's
 * JSON text (scla_names).
 *
 * Prefix: scla_.
 */
#ifndef STRATA_CLIENT_AVRO_SERDE_INT_H
#define STRATA_CLIENT_AVRO_SERDE_INT_H

#include <strata/avro_serde.h>

#include <stddef.h>
#include <stdint.h>

/** Room for the messages of this module. */
#define SCLA_MESSAGE_SIZE 400

/**
 * Parses @p len bytes of @p text with avro-c into *schema (new,
 * avro_schema_decref()). On failure copies avro-c's error text into
 * @p message (SCLA_MESSAGE_SIZE bytes) under the module's lock and returns
 * STRATA_E_INVALID_SCHEMA.
 */
strata_error scla_parse_schema(const char *text, size_t len, avro_schema_t *schema, char *message);

/**
 * avro_generic_class_from_schema() with avro-c's error text copied under the
 * module's lock into @p message on failure; NULL then.
 */
avro_value_iface_t *scla_generic_class(avro_schema_t schema, char *message);

/** What avro-c drops from a parsed schema: field defaults and aliases, type
 * aliases and enum defaults, by the full name of each named type. */
typedef struct scla_names scla_names;

/**
 * Reads the named types of the schema text @p text (@p len bytes).
 * *out is new (scla_names_free()). STRATA_E_INVALID_SCHEMA when the text is
 * not JSON, STRATA_E_NOMEM.
 */
strata_error scla_names_new(const char *text, size_t len, scla_names **out, char *message);

/** Frees @p names; NULL is a no-op. */
void scla_names_free(scla_names *names);

/** How to read data of one writer schema as values of one reader schema. */
typedef struct scla_resolution scla_resolution;

/**
 * Resolves @p writer to @p reader by the specification's rules. Both schemas
 * and @p reader_names (may be NULL when @p reader is @p writer) are borrowed
 * and must outlive the resolution. *out is new (scla_resolution_free()).
 * STRATA_E_INVALID_SCHEMA with @p message when the writer's data can never be
 * read as the reader schema (a union branch that cannot is reported only
 * when a message uses it); STRATA_E_NOMEM.
 */
strata_error scla_resolution_new(avro_schema_t writer, avro_schema_t reader,
                                 const scla_names *reader_names, scla_resolution **out,
                                 char *message);

/** Frees @p resolution; NULL is a no-op. */
void scla_resolution_free(scla_resolution *resolution);

/**
 * Decodes the @p len bytes at @p data (one Avro binary datum of the writer
 * schema, nothing after it) into @p value, a fresh generic value of the
 * reader schema. STRATA_E_SERDE with @p message when the bytes do not decode;
 * STRATA_E_NOMEM. Safe to call from several threads on one resolution.
 */
strata_error scla_decode(const scla_resolution *resolution, const uint8_t *data, size_t len,
                         avro_value_t *value, char *message);

#endif /* STRATA_CLIENT_AVRO_SERDE_INT_H */
