/*
 * framed_avro.c - a command-line window on libstrata-client's Avro serde for the interop test
 * (interop_serde_js.js): decodes Confluent-framed messages another client produced, and
 * encodes values for another client to decode. The registry is STRATA_REGISTRY_URL.
 *
 * usage: framed_avro decode [--reader SCHEMA_FILE] HEX...
 *          one line per message: {"id":N,"value":V} with V as avro-c prints a value (Avro's
 *          JSON encoding: a non-null union value as {"type":value}), or
 *          {"error":"NAME","message":"..."} when the message does not decode
 *        framed_avro encode SUBJECT SCHEMA_FILE JSON...
 *          registers SCHEMA_FILE under SUBJECT on first use, then prints one line of hex per
 *          value, each given in the same JSON encoding
 * Exit status 0 when every line was produced, 1 otherwise, 2 for usage errors.
 */
#include <strata/avro_serde.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file @p path as a new string, NULL (with a message) when unreadable. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return NULL;
  }
  char *text = NULL;
  size_t len = 0;
  size_t cap = 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      char *grown = realloc(text, cap);
      if (grown == NULL) {
        free(text);
        fclose(f);
        return NULL;
      }
      text = grown;
    }
    size_t n = fread(text + len, 1, 4096, f);
    len += n;
    if (n == 0) {
      break;
    }
  }
  fclose(f);
  text[len] = '\0';
  return text;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/* Decodes hex text into new bytes (free()); NULL when not hex. */
static uint8_t *from_hex(const char *hex, size_t *len) {
  size_t n = strlen(hex);
  if (n % 2 != 0) {
    return NULL;
  }
  uint8_t *bytes = malloc(n / 2 + 1);
  if (bytes == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hex_digit(hex[2 * i]);
    int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(bytes);
      return NULL;
    }
    bytes[i] = (uint8_t)(hi << 4 | lo);
  }
  *len = n / 2;
  return bytes;
}

static void print_line(json_t *line) {
  char *text = json_dumps(line, JSON_COMPACT | JSON_ENCODE_ANY);
  if (text != NULL) {
    printf("%s\n", text);
    free(text);
  }
  json_decref(line);
}

static void print_error(strata_error rc, const char *message) {
  print_line(json_pack("{s:s, s:s}", "error", strata_error_name(rc), "message", message));
}

static strata_client *connect_registry(void) {
  const char *url = getenv("STRATA_REGISTRY_URL");
  if (url == NULL) {
    fprintf(stderr, "framed_avro: STRATA_REGISTRY_URL is not set\n");
    return NULL;
  }
  const char *urls[] = {url};
  strata_client_options options;
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = 1;
  strata_client *client = NULL;
  strata_client_error err;
  if (strata_client_new(&options, &client, &err) != STRATA_E_OK) {
    fprintf(stderr, "framed_avro: %s\n", err.message);
    return NULL;
  }
  return client;
}

static int cmd_decode(int argc, char **argv) {
  int status = 0;
  int first = 0;
  char *reader = NULL;
  strata_client *client = NULL;
  strata_avro_deserializer *de = NULL;
  strata_client_error err;
  if (argc >= 2 && strcmp(argv[0], "--reader") == 0) {
    reader = read_file(argv[1]);
    if (reader == NULL) {
      return 1;
    }
    first = 2;
  }
  client = connect_registry();
  if (client == NULL) {
    status = 1;
    goto cleanup;
  }
  strata_error rc = strata_avro_deserializer_new(client, reader, &de, &err);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "framed_avro: %s\n", err.message);
    status = 1;
    goto cleanup;
  }
  for (int i = first; i < argc; i++) {
    size_t len = 0;
    uint8_t *msg = from_hex(argv[i], &len);
    if (msg == NULL) {
      fprintf(stderr, "framed_avro: not hex: %s\n", argv[i]);
      status = 1;
      continue;
    }
    avro_value_t value;
    int64_t id = 0;
    rc = strata_avro_deserialize(de, msg, len, &value, &id, &err);
    free(msg);
    if (rc != STRATA_E_OK) {
      print_error(rc, err.message);
      continue;
    }
    char *text = NULL;
    json_t *parsed = NULL;
    if (avro_value_to_json(&value, 1, &text) == 0) {
      parsed = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    }
    if (parsed != NULL) {
      print_line(json_pack("{s:I, s:o}", "id", (json_int_t)id, "value", parsed));
    } else {
      print_error(STRATA_E_SERDE, "avro-c could not print the value as JSON");
    }
    free(text);
    avro_value_decref(&value);
  }

cleanup:
  strata_avro_deserializer_free(&de);
  strata_client_free(&client);
  free(reader);
  return status;
}

/* Bytes of a bytes or fixed value in Avro's JSON encoding: code points 0-255. */
static int json_bytes(const json_t *j, uint8_t **out, size_t *len) {
  const unsigned char *p = (const unsigned char *)json_string_value(j);
  if (p == NULL) {
    return -1;
  }
  size_t n = json_string_length(j);
  uint8_t *bytes = malloc(n + 1);
  if (bytes == NULL) {
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      bytes[k++] = p[i++];
    } else if ((p[i] & 0xe0) == 0xc0 && i + 1 < n && p[i] <= 0xc3) {
      bytes[k++] = (uint8_t)((p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f));
      i += 2;
    } else {
      free(bytes);
      return -1;
    }
  }
  *out = bytes;
  *len = k;
  return 0;
}

/* Sets @p v (a generic value) from @p j in Avro's JSON encoding; 0 on success. */
static int from_json(avro_value_t *v, const json_t *j) {
  avro_schema_t schema = avro_value_get_schema(v);
  switch (avro_value_get_type(v)) {
  case AVRO_NULL:
    return json_is_null(j) ? avro_value_set_null(v) : -1;
  case AVRO_BOOLEAN:
    return json_is_boolean(j) ? avro_value_set_boolean(v, json_is_true(j)) : -1;
  case AVRO_INT32:
    return json_is_integer(j) ? avro_value_set_int(v, (int32_t)json_integer_value(j)) : -1;
  case AVRO_INT64:
    return json_is_integer(j) ? avro_value_set_long(v, json_integer_value(j)) : -1;
  case AVRO_FLOAT:
    return json_is_number(j) ? avro_value_set_float(v, (float)json_number_value(j)) : -1;
  case AVRO_DOUBLE:
    return json_is_number(j) ? avro_value_set_double(v, json_number_value(j)) : -1;
  case AVRO_STRING:
    return json_is_string(j)
               ? avro_value_set_string_len(v, json_string_value(j), json_string_length(j) + 1)
               : -1;
  case AVRO_BYTES:
  case AVRO_FIXED: {
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (json_bytes(j, &bytes, &len) != 0) {
      return -1;
    }
    int rc = avro_value_get_type(v) == AVRO_BYTES ? avro_value_set_bytes(v, bytes, len)
                                                  : avro_value_set_fixed(v, bytes, len);
    free(bytes);
    return rc;
  }
  case AVRO_ENUM: {
    int index = json_is_string(j) ? avro_schema_enum_get_by_name(schema, json_string_value(j)) : -1;
    return index >= 0 ? avro_value_set_enum(v, index) : -1;
  }
  case AVRO_ARRAY: {
    size_t i;
    const json_t *item;
    if (!json_is_array(j)) {
      return -1;
    }
    json_array_foreach(j, i, item) {
      avro_value_t child;
      if (avro_value_append(v, &child, NULL) != 0 || from_json(&child, item) != 0) {
        return -1;
      }
    }
    return 0;
  }
  case AVRO_MAP: {
    const char *key;
    const json_t *item;
    if (!json_is_object(j)) {
      return -1;
    }
    json_object_foreach((json_t *)j, key, item) {
      avro_value_t child;
      if (avro_value_add(v, key, &child, NULL, NULL) != 0 || from_json(&child, item) != 0) {
        return -1;
      }
    }
    return 0;
  }
  case AVRO_RECORD: {
    size_t n = 0;
    if (!json_is_object(j) || avro_value_get_size(v, &n) != 0) {
      return -1;
    }
    for (size_t i = 0; i < n; i++) {
      avro_value_t child;
      const char *name = NULL;
      if (avro_value_get_by_index(v, i, &child, &name) != 0 ||
          from_json(&child, json_object_get(j, name)) != 0) {
        return -1;
      }
    }
    return 0;
  }
  case AVRO_UNION: {
    const char *name = "null";
    const json_t *inner = j;
    if (!json_is_null(j)) {
      if (!json_is_object(j) || json_object_size(j) != 1) {
        return -1;
      }
      void *it = json_object_iter((json_t *)j);
      name = json_object_iter_key(it);
      inner = json_object_iter_value(it);
    }
    int index = -1;
    avro_value_t branch;
    if (avro_schema_union_branch_by_name(schema, &index, name) == NULL ||
        avro_value_set_branch(v, index, &branch) != 0) {
      return -1;
    }
    return from_json(&branch, inner);
  }
  default:
    return -1;
  }
}

static int cmd_encode(int argc, char **argv) {
  int status = 0;
  char *schema = NULL;
  strata_client *client = NULL;
  strata_avro_serializer *ser = NULL;
  avro_value_iface_t *iface = NULL;
  strata_client_error err;
  if (argc < 2) {
    fprintf(stderr, "usage: framed_avro encode SUBJECT SCHEMA_FILE JSON...\n");
    return 2;
  }
  schema = read_file(argv[1]);
  client = schema != NULL ? connect_registry() : NULL;
  if (client == NULL) {
    status = 1;
    goto cleanup;
  }
  if (strata_avro_serializer_new(client, argv[0], schema, true, &ser, &err) != STRATA_E_OK) {
    fprintf(stderr, "framed_avro: %s\n", err.message);
    status = 1;
    goto cleanup;
  }
  iface = avro_generic_class_from_schema(strata_avro_serializer_schema(ser));
  for (int i = 2; i < argc && iface != NULL; i++) {
    json_t *j = json_loads(argv[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    avro_value_t v;
    if (j == NULL || avro_generic_value_new(iface, &v) != 0) {
      fprintf(stderr, "framed_avro: not JSON: %s\n", argv[i]);
      json_decref(j);
      status = 1;
      continue;
    }
    uint8_t *msg = NULL;
    size_t len = 0;
    if (from_json(&v, j) != 0) {
      fprintf(stderr, "framed_avro: %s does not match the schema\n", argv[i]);
      status = 1;
    } else if (strata_avro_serialize(ser, &v, &msg, &len, &err) != STRATA_E_OK) {
      fprintf(stderr, "framed_avro: %s\n", err.message);
      status = 1;
    } else {
      for (size_t k = 0; k < len; k++) {
        printf("%02x", msg[k]);
      }
      printf("\n");
    }
    free(msg);
    avro_value_decref(&v);
    json_decref(j);
  }

cleanup:
  if (iface != NULL) {
    avro_value_iface_decref(iface);
  }
  strata_avro_serializer_free(&ser);
  strata_client_free(&client);
  free(schema);
  return status;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "decode") == 0) {
    return cmd_decode(argc - 2, argv + 2);
  }
  if (argc >= 2 && strcmp(argv[1], "encode") == 0) {
    return cmd_encode(argc - 2, argv + 2);
  }
  fprintf(stderr, "usage: framed_avro decode [--reader SCHEMA_FILE] HEX...\n"
                  "       framed_avro encode SUBJECT SCHEMA_FILE JSON...\n");
  return 2;
}
