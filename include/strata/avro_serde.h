/*
 * avro_serde.h - part of libstrata-client: Avro values in the Confluent wire
 * format, on avro-c. Include it only where avro-c is used (it includes
 * <avro.h>); the rest of the client is in <strata/client.h>.
 *
 * A serializer writes values of one registered writer schema; a deserializer
 * decodes framed messages with the writer schema fetched by id (cached) and
 * resolves them to the caller's reader schema. Both are safe to use from
 * several threads at once.
 */
#ifndef STRATA_AVRO_SERDE_H
#define STRATA_AVRO_SERDE_H

#include <avro.h>

#include <strata/client.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Serializes Avro values of one schema under one subject. */
typedef struct strata_avro_serializer strata_avro_serializer;

/**
 * Creates a serializer for values of the Avro schema @p schema_json (copied)
 * under @p subject (copied). With @p auto_register the schema is registered
 * (POST /subjects/{s}/versions) on first use, else it is looked up
 * (POST /subjects/{s}) and must already be registered. @p client is borrowed
 * and must outlive the serializer. *out is new (strata_avro_serializer_free()).
 * Returns STRATA_E_INVALID_SCHEMA when the text is not Avro avro-c can read.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error strata_avro_serializer_new(
    strata_client *client, const char *subject, const char *schema_json, bool auto_register,
    strata_avro_serializer **out, strata_client_error *err);

/** Frees a serializer and sets @p *serializer to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_avro_serializer_free(strata_avro_serializer **serializer);

/**
 * The writer schema of @p serializer (borrowed until the serializer is freed):
 * create values to serialize from it, e.g. with avro_generic_class_from_schema().
 */
STRATA_EXTERN avro_schema_t strata_avro_serializer_schema(const strata_avro_serializer *serializer);

/**
 * Frames @p value (of the serializer's schema): magic byte, the schema id,
 * then the Avro binary encoding. *out is new (free()), *len its size.
 * Returns STRATA_E_SERDE when the value does not match the schema.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_avro_serialize(strata_avro_serializer *serializer, avro_value_t *value, uint8_t **out,
                      size_t *len, strata_client_error *err);

/** Decodes framed Avro messages. */
typedef struct strata_avro_deserializer strata_avro_deserializer;

/**
 * Creates a deserializer. @p reader_schema_json (copied) is the Avro schema
 * values are resolved to, following the specification's resolution rules
 * (field defaults, aliases, enum defaults, promotions); it is text rather than
 * an avro_schema_t because avro-c drops defaults and aliases when it parses.
 * NULL decodes with each message's writer schema as is. @p client is borrowed
 * and must outlive the deserializer. *out is new
 * (strata_avro_deserializer_free()). Returns STRATA_E_INVALID_SCHEMA when the
 * text is not Avro avro-c can read.
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_avro_deserializer_new(strata_client *client, const char *reader_schema_json,
                             strata_avro_deserializer **out, strata_client_error *err);

/**
 * The reader schema of @p deserializer (borrowed until the deserializer is
 * freed); NULL when it decodes with the writer schemas.
 */
STRATA_EXTERN avro_schema_t
strata_avro_deserializer_schema(const strata_avro_deserializer *deserializer);

/** Frees a deserializer and sets @p *deserializer to NULL. NULL is a no-op. */
STRATA_EXTERN void strata_avro_deserializer_free(strata_avro_deserializer **deserializer);

/**
 * Decodes one framed message. The writer schema is fetched by id on first
 * sight (GET /schemas/ids/{id}) and cached with its resolver. On success
 * @p value is a new generic value of the reader schema (or of the writer
 * schema without one): release it with avro_value_decref(). *schema_id (may be
 * NULL) is the writer's id. Errors: STRATA_E_WIRE_FORMAT (not framed),
 * STRATA_E_SCHEMA_NOT_FOUND (unknown id), STRATA_E_INVALID_SCHEMA (the writer
 * schema is not Avro, or cannot be resolved to the reader schema),
 * STRATA_E_SERDE (the payload does not decode).
 */
STRATA_EXTERN STRATA_WARN_UNUSED_RESULT strata_error
strata_avro_deserialize(strata_avro_deserializer *deserializer, const uint8_t *msg, size_t len,
                        avro_value_t *value, int64_t *schema_id, strata_client_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_AVRO_SERDE_H */
