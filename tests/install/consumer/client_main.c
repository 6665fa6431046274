/*
 * client_main.c - a program outside the Strata tree that uses an installed
 * libstrata-client: creates a client for a registry URL, checks that a URL
 * of another scheme is refused with STRATA_E_INVALID_ARGUMENT, and frees both
 * (nothing is sent: a client connects on its first call). Exits 0 on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/client.h>
#include <strata/version.h>

int main(void) {
  const char *good[] = {"http://127.0.0.1:8081", "https://registry.example:8081/prefix/"};
  const char *bad[] = {"ftp://registry.example"};
  strata_client_options options;
  strata_client *client = NULL;
  strata_client *refused = NULL;
  strata_client_error err;
  strata_error rc;
  char *escaped = NULL;
  int status = 1;

  memset(&err, 0, sizeof err);
  strata_client_options_init(&options);
  options.urls = good;
  options.url_count = 2;
  rc = strata_client_new(&options, &client, &err);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "client consumer: strata_client_new: %s: %s\n", strata_strerror(rc),
            err.message);
    goto cleanup;
  }
  options.urls = bad;
  options.url_count = 1;
  rc = strata_client_new(&options, &refused, &err);
  if (rc != STRATA_E_INVALID_ARGUMENT || refused != NULL) {
    fprintf(stderr, "client consumer: an ftp:// URL was not refused (%s)\n", strata_strerror(rc));
    goto cleanup;
  }
  escaped = strata_client_escape("orders/value");
  if (escaped == NULL || strcmp(escaped, "orders%2Fvalue") != 0) {
    fprintf(stderr, "client consumer: unexpected escape result\n");
    goto cleanup;
  }
  printf("strata %s: client created, %s refused: %s\n", STRATA_VERSION, bad[0], err.message);
  status = 0;

cleanup:
  strata_client_free(&client);
  strata_client_free(&refused);
  free(escaped);
  return status;
}
