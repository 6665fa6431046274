/*
 * calls_compat.c - POST /compatibility/subjects/{s}/versions[/{v}]: would
 * the registry accept a schema.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

strata_error strata_client_test_compatibility(strata_client *client, const char *subject,
                                              int version, const strata_client_schema_input *input,
                                              bool verbose, strata_client_compat **out,
                                              strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
  char *body = NULL;
  json_t *json = NULL;
  bool first = true;

  if (out != NULL) {
    *out = NULL;
  }
  if (client == NULL || subject == NULL || input == NULL || out == NULL) {
    return sclt_invalid(err, "a client, a subject, a schema and a result pointer are required");
  }
  sclc_buf_add(&path, "/compatibility/subjects", strlen("/compatibility/subjects"));
  sclt_path_segment(&path, subject);
  if (version == 0) {
    sclc_buf_add(&path, "/versions", strlen("/versions"));
  } else if (!sclt_path_version(&path, version)) {
    rc = sclt_invalid(err, "the version must be above 0, 0 (all) or STRATA_CLIENT_LATEST");
    goto cleanup;
  }
  if (verbose) {
    sclt_query(&path, &first, "verbose", "true");
  }
  rc = sclr_input_body(input, &body, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = sclt_call(client, "POST", &path, body, &json, err);
  if (rc == STRATA_E_OK) {
    rc = sclr_compat(json, out, err);
  }

cleanup:
  json_decref(json);
  free(body);
  sclc_buf_release(&path);
  return rc;
}
