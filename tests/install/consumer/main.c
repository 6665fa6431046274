/*
 * main.c - a program outside the Strata tree that uses an installed
 * libstrata-compat: parses the Avro schema "int" and checks its Parsing
 * Canonical Form, which is the JSON string "int" (quotes included, as in the
 * specification and Java's SchemaNormalization). Exits 0 on success, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <strata/compat.h>
#include <strata/version.h>

int main(void) {
  static const char text[] = "\"int\"";
  strata_schema *schema = NULL;
  strata_diag diag;
  const char *normal;
  strata_error err;
  int rc = 1;

  memset(&diag, 0, sizeof diag);
  err = strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &schema, &diag);
  if (err != STRATA_E_OK) {
    fprintf(stderr, "consumer: strata_schema_parse: %s: %s\n", strata_strerror(err), diag.message);
    goto cleanup;
  }
  normal = strata_schema_normal_form(schema);
  printf("strata %s: normal form %s\n", STRATA_VERSION, normal ? normal : "(null)");
  if (normal == NULL || strcmp(normal, "\"int\"") != 0) {
    fprintf(stderr, "consumer: expected the normal form \"int\" (a JSON string)\n");
    goto cleanup;
  }
  rc = 0;

cleanup:
  strata_schema_free(&schema);
  return rc;
}
