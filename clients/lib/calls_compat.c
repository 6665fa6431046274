/*
 * calls_compat.c - POST /compatibility/subjects/{s}/versions[/{v}]: would
 * the registry accept a schema.
 */
#include "client_int.h"

#include <string.h>

strata_error strata_client_test_compatibility(strata_client *client, const char *subject,
                                              int version, const strata_client_schema_input *input,
                                              bool verbose, strata_client_compat **out,
                                              strata_client_error *err) {
  strata_error rc;
  sclc_buf path = {0};
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
  rc = sclt_call_input(client, "POST", sclc_buf_text(&path), input, sclr_compat, out, err);

cleanup:
  sclc_buf_release(&path);
  return rc;
}
