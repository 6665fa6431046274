/*
 * avro_serde.c - Avro values in the Confluent wire format, on avro-c.
 *
 * The serializer parses its writer schema once, learns the schema's id from
 * the registry on first use (registering it, or looking it up) and frames
 * each value: magic byte, id, Avro binary. The deserializer reads the header,
 * fetches the writer schema by id on first sight (GET /schemas/ids/{id}; with
 * ?format=resolved when the schema has references, so the referenced types
 * come inlined), parses it and resolves it to the reader schema
 * (avro_resolve.c), and keeps both per id under a read-write lock.
 *
 * avro_strerror() is one process-global buffer: every avro-c call whose error
 * text is wanted runs under avro_error_lock, and the text is copied at once.
 */
#include "avro_serde_int.h"
#include "client_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t avro_error_lock = PTHREAD_MUTEX_INITIALIZER;

strata_error scla_parse_schema(const char *text, size_t len, avro_schema_t *schema, char *message) {
  pthread_mutex_lock(&avro_error_lock);
  int rc = avro_schema_from_json_length(text, len, schema);
  if (rc != 0) {
    snprintf(message, SCLA_MESSAGE_SIZE, "%s", avro_strerror());
    *schema = NULL;
  }
  pthread_mutex_unlock(&avro_error_lock);
  return rc == 0 ? STRATA_E_OK : STRATA_E_INVALID_SCHEMA;
}

avro_value_iface_t *scla_generic_class(avro_schema_t schema, char *message) {
  pthread_mutex_lock(&avro_error_lock);
  avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
  if (iface == NULL) {
    snprintf(message, SCLA_MESSAGE_SIZE, "%s", avro_strerror());
  }
  pthread_mutex_unlock(&avro_error_lock);
  return iface;
}

/* Copies avro-c's error text of the call that just failed (under the lock). */
static void avro_error_text(char *message) {
  pthread_mutex_lock(&avro_error_lock);
  snprintf(message, SCLA_MESSAGE_SIZE, "%s", avro_strerror());
  pthread_mutex_unlock(&avro_error_lock);
}

/* ---- the serializer ------------------------------------------------------------ */

struct strata_avro_serializer {
  strata_client *client;
  char *subject;
  char *schema_text;
  avro_schema_t schema;
  bool auto_register;
  pthread_mutex_t lock; /* guards id */
  int64_t id;           /* 0 until the registry named it */
};

void strata_avro_serializer_free(strata_avro_serializer **serializer) {
  if (serializer == NULL || *serializer == NULL) {
    return;
  }
  strata_avro_serializer *s = *serializer;
  if (s->schema != NULL) {
    avro_schema_decref(s->schema);
  }
  free(s->subject);
  free(s->schema_text);
  pthread_mutex_destroy(&s->lock);
  free(s);
  *serializer = NULL;
}

strata_error strata_avro_serializer_new(strata_client *client, const char *subject,
                                        const char *schema_json, bool auto_register,
                                        strata_avro_serializer **out, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_avro_serializer *s = NULL;
  char message[SCLA_MESSAGE_SIZE];
  if (out == NULL) {
    sclt_fail(err, 0, 0, "no place for the serializer");
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  if (client == NULL || subject == NULL || schema_json == NULL) {
    sclt_fail(err, 0, 0, "a serializer needs a client, a subject and a schema");
    return STRATA_E_INVALID_ARGUMENT;
  }
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  pthread_mutex_init(&s->lock, NULL);
  s->client = client;
  s->auto_register = auto_register;
  s->subject = strdup(subject);
  s->schema_text = strdup(schema_json);
  if (s->subject == NULL || s->schema_text == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  rc = scla_parse_schema(s->schema_text, strlen(s->schema_text), &s->schema, message);
  if (rc != STRATA_E_OK) {
    sclt_fail(err, 0, 0, "the writer schema is not Avro avro-c can read: %s", message);
    goto cleanup;
  }
  *out = s;
  s = NULL;

cleanup:
  strata_avro_serializer_free(&s);
  return rc;
}

avro_schema_t strata_avro_serializer_schema(const strata_avro_serializer *serializer) {
  return serializer != NULL ? serializer->schema : NULL;
}

/* The writer schema's id: from the serializer once known, else from the
 * registry (the client caches both calls per subject and schema too). */
static strata_error serializer_id(strata_avro_serializer *s, int64_t *id,
                                  strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schema *found = NULL;
  pthread_mutex_lock(&s->lock);
  *id = s->id;
  pthread_mutex_unlock(&s->lock);
  if (*id > 0) {
    return STRATA_E_OK;
  }
  strata_client_schema_input input = {.type = STRATA_SCHEMA_AVRO, .schema = s->schema_text};
  if (s->auto_register) {
    rc = strata_client_register_id(s->client, s->subject, &input, false, id, err);
  } else {
    rc = strata_client_lookup(s->client, s->subject, &input, false, false, &found, err);
    if (rc == STRATA_E_OK) {
      *id = found->id;
    }
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (*id <= 0 || *id > INT32_MAX) {
    rc = STRATA_E_BAD_RESPONSE;
    sclt_fail(err, 0, 0,
              "the registry gave schema id %" PRId64 ", which the wire format cannot "
              "carry",
              *id);
    goto cleanup;
  }
  pthread_mutex_lock(&s->lock);
  s->id = *id;
  pthread_mutex_unlock(&s->lock);

cleanup:
  strata_client_schema_free(&found);
  return rc;
}

strata_error strata_avro_serialize(strata_avro_serializer *serializer, avro_value_t *value,
                                   uint8_t **out, size_t *len, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  uint8_t *buf = NULL;
  avro_writer_t writer = NULL;
  char message[SCLA_MESSAGE_SIZE];
  if (out == NULL || len == NULL) {
    sclt_fail(err, 0, 0, "no place for the framed message");
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  *len = 0;
  if (serializer == NULL || value == NULL || value->iface == NULL) {
    sclt_fail(err, 0, 0, "serializing needs a serializer and a value");
    return STRATA_E_INVALID_ARGUMENT;
  }
  avro_schema_t schema = avro_value_get_schema(value);
  if (schema != serializer->schema &&
      (schema == NULL || !avro_schema_equal(schema, serializer->schema))) {
    sclt_fail(err, 0, 0, "the value is a %s, not of the serializer's schema (%s)",
              schema != NULL ? avro_schema_type_name(schema) : "value without schema",
              avro_schema_type_name(serializer->schema));
    return STRATA_E_SERDE;
  }
  size_t size = 0;
  if (avro_value_sizeof(value, &size) != 0) {
    avro_error_text(message);
    sclt_fail(err, 0, 0, "the value does not match its schema: %s", message);
    return STRATA_E_SERDE;
  }
  int64_t id = 0;
  rc = serializer_id(serializer, &id, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  buf = malloc(STRATA_WIRE_HEADER_SIZE + size);
  if (buf == NULL) {
    rc = STRATA_E_NOMEM;
    sclt_fail(err, 0, 0, "out of memory for a %zu-byte message", size);
    goto cleanup;
  }
  rc = strata_wire_write_header(id, buf);
  if (rc != STRATA_E_OK) {
    sclt_fail(err, 0, 0, "schema id %" PRId64 " does not fit the wire format", id);
    goto cleanup;
  }
  writer = avro_writer_memory((const char *)buf + STRATA_WIRE_HEADER_SIZE, (int64_t)size);
  if (writer == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  if (avro_value_write(writer, value) != 0 || avro_writer_tell(writer) != (int64_t)size) {
    avro_error_text(message);
    rc = STRATA_E_SERDE;
    sclt_fail(err, 0, 0, "the value does not encode: %s", message);
    goto cleanup;
  }
  *out = buf;
  *len = STRATA_WIRE_HEADER_SIZE + size;
  buf = NULL;

cleanup:
  if (writer != NULL) {
    avro_writer_free(writer);
  }
  free(buf);
  return rc;
}

/* ---- the deserializer ---------------------------------------------------------- */

/* What the deserializer keeps per writer schema id. */
typedef struct scla_writer {
  int64_t id;
  avro_schema_t schema;
  /* without a reader schema: the writer's own generic class */
  avro_value_iface_t *value_class;
  scla_resolution *resolution;
} scla_writer;

struct strata_avro_deserializer {
  strata_client *client;
  avro_schema_t reader; /* NULL: decode with each writer schema */
  scla_names *reader_names;
  avro_value_iface_t *reader_class;
  pthread_rwlock_t lock; /* guards writers */
  scla_writer **writers;
  size_t count;
  size_t cap;
};

static void writer_free(scla_writer *w) {
  if (w == NULL) {
    return;
  }
  scla_resolution_free(w->resolution);
  if (w->value_class != NULL) {
    avro_value_iface_decref(w->value_class);
  }
  if (w->schema != NULL) {
    avro_schema_decref(w->schema);
  }
  free(w);
}

void strata_avro_deserializer_free(strata_avro_deserializer **deserializer) {
  if (deserializer == NULL || *deserializer == NULL) {
    return;
  }
  strata_avro_deserializer *d = *deserializer;
  for (size_t i = 0; i < d->count; i++) {
    writer_free(d->writers[i]);
  }
  free(d->writers);
  if (d->reader_class != NULL) {
    avro_value_iface_decref(d->reader_class);
  }
  if (d->reader != NULL) {
    avro_schema_decref(d->reader);
  }
  scla_names_free(d->reader_names);
  pthread_rwlock_destroy(&d->lock);
  free(d);
  *deserializer = NULL;
}

strata_error strata_avro_deserializer_new(strata_client *client, const char *reader_schema_json,
                                          strata_avro_deserializer **out,
                                          strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_avro_deserializer *d = NULL;
  char message[SCLA_MESSAGE_SIZE];
  if (out == NULL || client == NULL) {
    sclt_fail(err, 0, 0, "a deserializer needs a client and a place to put it");
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  d = calloc(1, sizeof *d);
  if (d == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  pthread_rwlock_init(&d->lock, NULL);
  d->client = client;
  if (reader_schema_json != NULL) {
    size_t len = strlen(reader_schema_json);
    rc = scla_parse_schema(reader_schema_json, len, &d->reader, message);
    if (rc == STRATA_E_OK) {
      rc = scla_names_new(reader_schema_json, len, &d->reader_names, message);
    }
    if (rc == STRATA_E_OK) {
      d->reader_class = scla_generic_class(d->reader, message);
      rc = d->reader_class != NULL ? STRATA_E_OK : STRATA_E_INVALID_SCHEMA;
    }
    if (rc != STRATA_E_OK) {
      sclt_fail(err, 0, 0, "the reader schema is not Avro avro-c can read: %s",
                rc == STRATA_E_NOMEM ? "out of memory" : message);
      goto cleanup;
    }
  }
  *out = d;
  d = NULL;

cleanup:
  strata_avro_deserializer_free(&d);
  return rc;
}

avro_schema_t strata_avro_deserializer_schema(const strata_avro_deserializer *deserializer) {
  return deserializer != NULL ? deserializer->reader : NULL;
}

/* The writer schema text of @p schema with references inlined: *text is new
 * (free()). Without references that is the text the registry gave. */
static strata_error writer_text(strata_client *client, const strata_client_schema *schema,
                                char **text, strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  char *body = NULL;
  json_t *json = NULL;
  *text = NULL;
  if (schema->reference_count == 0) {
    *text = strdup(schema->schema);
    if (*text == NULL) {
      sclt_fail(err, 0, 0, "out of memory");
      return STRATA_E_NOMEM;
    }
    return STRATA_E_OK;
  }
  char path[96];
  int status = 0;
  snprintf(path, sizeof path, "/schemas/ids/%" PRId64 "?format=resolved", schema->id);
  rc = strata_client_request(client, "GET", path, NULL, &status, &body, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  json = body != NULL ? json_loads(body, 0, NULL) : NULL;
  const char *resolved = json_string_value(json_object_get(json, "schema"));
  if (resolved == NULL) {
    rc = STRATA_E_BAD_RESPONSE;
    sclt_fail(err, status, 0, "GET %s answered without a \"schema\" string", path);
    goto cleanup;
  }
  *text = strdup(resolved);
  if (*text == NULL) {
    rc = sclt_nomem(err);
  }

cleanup:
  json_decref(json);
  free(body);
  return rc;
}

/* Fetches, parses and resolves the writer schema @p id; *out is new. */
static strata_error writer_load(strata_avro_deserializer *d, int64_t id, scla_writer **out,
                                strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client_schema *schema = NULL;
  char *text = NULL;
  scla_writer *w = NULL;
  char message[SCLA_MESSAGE_SIZE];
  *out = NULL;
  rc = strata_client_get_schema_by_id(d->client, id, NULL, &schema, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  if (schema->type != STRATA_SCHEMA_AVRO) {
    rc = STRATA_E_INVALID_SCHEMA;
    const char *type = strata_schema_type_name(schema->type);
    sclt_fail(err, 0, 0, "schema id %" PRId64 " is %s, not Avro", id, type ? type : "unknown");
    goto cleanup;
  }
  if (schema->id == 0) {
    schema->id = id;
  }
  rc = writer_text(d->client, schema, &text, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  w = calloc(1, sizeof *w);
  if (w == NULL) {
    rc = sclt_nomem(err);
    goto cleanup;
  }
  w->id = id;
  rc = scla_parse_schema(text, strlen(text), &w->schema, message);
  if (rc != STRATA_E_OK) {
    sclt_fail(err, 0, 0, "the writer schema of id %" PRId64 " is not Avro avro-c can read: %s", id,
              message);
    goto cleanup;
  }
  if (d->reader == NULL) {
    w->value_class = scla_generic_class(w->schema, message);
    if (w->value_class == NULL) {
      rc = STRATA_E_INVALID_SCHEMA;
      sclt_fail(err, 0, 0, "schema id %" PRId64 ": %s", id, message);
      goto cleanup;
    }
  }
  avro_schema_t reader = d->reader != NULL ? d->reader : w->schema;
  rc = scla_resolution_new(w->schema, reader, d->reader_names, &w->resolution, message);
  if (rc != STRATA_E_OK) {
    sclt_fail(err, 0, 0,
              "the writer schema of id %" PRId64 " cannot be read as the reader "
              "schema: %s",
              id, message);
    goto cleanup;
  }
  *out = w;
  w = NULL;

cleanup:
  writer_free(w);
  free(text);
  strata_client_schema_free(&schema);
  return rc;
}

static scla_writer *writer_find(strata_avro_deserializer *d, int64_t id) {
  for (size_t i = 0; i < d->count; i++) {
    if (d->writers[i]->id == id) {
      return d->writers[i];
    }
  }
  return NULL;
}

/* The cached writer for @p id, loading it on first sight. Borrowed until the
 * deserializer is freed. */
static strata_error writer_get(strata_avro_deserializer *d, int64_t id, scla_writer **out,
                               strata_client_error *err) {
  pthread_rwlock_rdlock(&d->lock);
  *out = writer_find(d, id);
  pthread_rwlock_unlock(&d->lock);
  if (*out != NULL) {
    return STRATA_E_OK;
  }
  /* load without the lock: other ids keep decoding meanwhile */
  scla_writer *loaded = NULL;
  strata_error rc = writer_load(d, id, &loaded, err);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  pthread_rwlock_wrlock(&d->lock);
  *out = writer_find(d, id);
  if (*out == NULL && d->count == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    scla_writer **grown = realloc(d->writers, cap * sizeof *grown);
    if (grown == NULL) {
      rc = STRATA_E_NOMEM;
    } else {
      d->writers = grown;
      d->cap = cap;
    }
  }
  if (*out == NULL && rc == STRATA_E_OK) {
    d->writers[d->count++] = loaded;
    *out = loaded;
    loaded = NULL;
  }
  pthread_rwlock_unlock(&d->lock);
  /* another thread's copy won the race, or no memory to keep ours */
  writer_free(loaded);
  if (rc != STRATA_E_OK) {
    sclt_fail(err, 0, 0, "out of memory");
  }
  return rc;
}

strata_error strata_avro_deserialize(strata_avro_deserializer *deserializer, const uint8_t *msg,
                                     size_t len, avro_value_t *value, int64_t *schema_id,
                                     strata_client_error *err) {
  char message[SCLA_MESSAGE_SIZE];
  if (value == NULL) {
    sclt_fail(err, 0, 0, "no place for the value");
    return STRATA_E_INVALID_ARGUMENT;
  }
  value->iface = NULL;
  value->self = NULL;
  if (deserializer == NULL || (msg == NULL && len > 0)) {
    sclt_fail(err, 0, 0, "deserializing needs a deserializer and a message");
    return STRATA_E_INVALID_ARGUMENT;
  }
  int64_t id = 0;
  size_t offset = 0;
  strata_error rc = strata_wire_read_header(msg, len, &id, &offset);
  if (rc != STRATA_E_OK) {
    if (len < STRATA_WIRE_HEADER_SIZE) {
      sclt_fail(err, 0, 0, "a framed message has at least %d bytes; this one has %zu",
                STRATA_WIRE_HEADER_SIZE, len);
    } else if (msg[0] != STRATA_WIRE_MAGIC) {
      sclt_fail(err, 0, 0, "the first byte is 0x%02x, not the magic byte 0", msg[0]);
    } else {
      sclt_fail(err, 0, 0, "the schema id in the header is negative");
    }
    return STRATA_E_WIRE_FORMAT;
  }
  scla_writer *writer = NULL;
  rc = writer_get(deserializer, id, &writer, err);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  avro_value_iface_t *iface =
      deserializer->reader_class != NULL ? deserializer->reader_class : writer->value_class;
  if (avro_generic_value_new(iface, value) != 0) {
    value->iface = NULL;
    value->self = NULL;
    sclt_fail(err, 0, 0, "out of memory");
    return STRATA_E_NOMEM;
  }
  rc = scla_decode(writer->resolution, msg + offset, len - offset, value, message);
  if (rc != STRATA_E_OK) {
    avro_value_decref(value);
    value->iface = NULL;
    value->self = NULL;
    sclt_fail(err, 0, 0, "schema id %" PRId64 ": %s", id, message);
    return rc;
  }
  if (schema_id != NULL) {
    *schema_id = id;
  }
  return STRATA_E_OK;
}
