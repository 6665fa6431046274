/* avro_consumer.c - decode one Confluent-framed Avro message (stdin) and print it as JSON.
 * usage: avro_consumer REGISTRY_URL < message */
#include <stdio.h>
#include <stdlib.h>

#include <strata/avro_serde.h>

int main(int argc, char **argv) {
  const char *urls[] = {argc > 1 ? argv[1] : "http://127.0.0.1:8081"};
  static uint8_t msg[1 << 20];
  size_t len = fread(msg, 1, sizeof msg, stdin);
  strata_client_options options;
  strata_client *client = NULL;
  strata_avro_deserializer *deserializer = NULL;
  strata_client_error err;
  avro_value_t value;
  int64_t id = 0;
  char *json = NULL;
  int status = 1;

  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = 1;
  if (strata_client_new(&options, &client, &err) != STRATA_E_OK ||
      strata_avro_deserializer_new(client, NULL, &deserializer, &err) != STRATA_E_OK ||
      strata_avro_deserialize(deserializer, msg, len, &value, &id, &err) != STRATA_E_OK) {
    fprintf(stderr, "avro_consumer: %s\n", err.message);
    goto cleanup;
  }
  if (avro_value_to_json(&value, 1, &json) == 0) {
    printf("schema %lld: %s\n", (long long)id, json);
    status = 0;
  }
  free(json);
  avro_value_decref(&value);

cleanup:
  strata_avro_deserializer_free(&deserializer);
  strata_client_free(&client);
  return status;
}
