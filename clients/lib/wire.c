/*
 * wire.c - the Confluent wire format: the 5-byte header (magic byte 0, then
 * the schema id as a big-endian signed 32-bit integer) and the Protobuf
 * message-index path that follows it for Protobuf payloads.
 *
 * Message indexes are zig-zag varints as Kafka's ByteUtils writes them: the
 * count, then each index. The path [0] (the first top-level message) is the
 * single byte 0, and a count of 0 reads back as [0]. Decoding is strict: a
 * varint longer than 5 bytes, or whose fifth byte carries bits beyond 32, is
 * overlong; running out of bytes is truncation; negative values and counts
 * over SCLW_MAX_DEPTH are refused.
 */
#include "client_int.h"

#include <stdlib.h>

/* Deepest message-index path accepted; real .proto nesting is far shallower. */
#define SCLW_MAX_DEPTH 100
/* Bytes a zig-zag varint of a 32-bit value takes at most. */
#define SCLW_VARINT_MAX 5

strata_error strata_wire_write_header(int64_t id, uint8_t *buf) {
  if (buf == NULL || id < 0 || id > INT32_MAX) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  uint32_t v = (uint32_t)id;
  buf[0] = STRATA_WIRE_MAGIC;
  buf[1] = (uint8_t)(v >> 24);
  buf[2] = (uint8_t)(v >> 16);
  buf[3] = (uint8_t)(v >> 8);
  buf[4] = (uint8_t)v;
  return STRATA_E_OK;
}

strata_error strata_wire_read_header(const uint8_t *msg, size_t len, int64_t *id,
                                     size_t *payload_offset) {
  if (id == NULL || payload_offset == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  if (msg == NULL || len < STRATA_WIRE_HEADER_SIZE || msg[0] != STRATA_WIRE_MAGIC) {
    return STRATA_E_WIRE_FORMAT;
  }
  uint32_t v =
      (uint32_t)msg[1] << 24 | (uint32_t)msg[2] << 16 | (uint32_t)msg[3] << 8 | (uint32_t)msg[4];
  if (v > INT32_MAX) {
    /* a negative id: no registry hands those out */
    return STRATA_E_WIRE_FORMAT;
  }
  *id = (int64_t)v;
  *payload_offset = STRATA_WIRE_HEADER_SIZE;
  return STRATA_E_OK;
}

/* Writes the zig-zag varint of @p value at @p buf; returns the bytes written. */
static size_t put_varint(int32_t value, uint8_t *buf) {
  uint32_t z = ((uint32_t)value << 1) ^ (uint32_t)(value >> 31);
  size_t n = 0;
  while (z >= 0x80) {
    buf[n++] = (uint8_t)(z | 0x80);
    z >>= 7;
  }
  buf[n++] = (uint8_t)z;
  return n;
}

/* The bytes put_varint() needs for @p value. */
static size_t varint_size(int32_t value) {
  uint32_t z = ((uint32_t)value << 1) ^ (uint32_t)(value >> 31);
  size_t n = 1;
  while (z >= 0x80) {
    z >>= 7;
    n++;
  }
  return n;
}

strata_error strata_wire_write_message_indexes(const int32_t *indexes, size_t count, uint8_t *buf,
                                               size_t cap, size_t *written) {
  if (buf == NULL || written == NULL || (count > 0 && indexes == NULL) || count > SCLW_MAX_DEPTH) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  for (size_t i = 0; i < count; i++) {
    if (indexes[i] < 0) {
      return STRATA_E_INVALID_ARGUMENT;
    }
  }
  if (count == 0 || (count == 1 && indexes[0] == 0)) {
    /* the common path [0] as the single byte 0 (a count of 0) */
    if (cap < 1) {
      return STRATA_E_INVALID_ARGUMENT;
    }
    buf[0] = 0;
    *written = 1;
    return STRATA_E_OK;
  }
  size_t need = varint_size((int32_t)count);
  for (size_t i = 0; i < count; i++) {
    need += varint_size(indexes[i]);
  }
  if (need > cap) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  size_t n = put_varint((int32_t)count, buf);
  for (size_t i = 0; i < count; i++) {
    n += put_varint(indexes[i], buf + n);
  }
  *written = n;
  return STRATA_E_OK;
}

/* Reads one zig-zag varint at data[*pos]; advances *pos. */
static strata_error get_varint(const uint8_t *data, size_t len, size_t *pos, int32_t *value) {
  uint32_t z = 0;
  for (int i = 0; i < SCLW_VARINT_MAX; i++) {
    if (*pos >= len) {
      return STRATA_E_WIRE_FORMAT; /* truncated */
    }
    uint8_t b = data[(*pos)++];
    if (i == SCLW_VARINT_MAX - 1 && b > 0x0f) {
      return STRATA_E_WIRE_FORMAT; /* overlong: bits beyond 32, or a sixth byte */
    }
    z |= (uint32_t)(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = (int32_t)(z >> 1) ^ -(int32_t)(z & 1);
      return STRATA_E_OK;
    }
  }
  return STRATA_E_WIRE_FORMAT;
}

strata_error strata_wire_read_message_indexes(const uint8_t *data, size_t len, int32_t **indexes,
                                              size_t *count, size_t *consumed) {
  if (indexes == NULL || count == NULL || consumed == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *indexes = NULL;
  *count = 0;
  *consumed = 0;
  if (data == NULL && len > 0) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  size_t pos = 0;
  int32_t n = 0;
  strata_error rc = get_varint(data, len, &pos, &n);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  if (n < 0 || n > SCLW_MAX_DEPTH) {
    return STRATA_E_WIRE_FORMAT;
  }
  size_t items = n == 0 ? 1 : (size_t)n;
  int32_t *path = calloc(items, sizeof *path);
  if (path == NULL) {
    return STRATA_E_NOMEM;
  }
  for (int32_t i = 0; i < n; i++) {
    rc = get_varint(data, len, &pos, &path[i]);
    if (rc == STRATA_E_OK && path[i] < 0) {
      rc = STRATA_E_WIRE_FORMAT;
    }
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
  }
  *indexes = path;
  path = NULL;
  *count = items;
  *consumed = pos;

cleanup:
  free(path);
  return rc;
}
