/*
 * client.c - the client handle: options, strata_client_new() and
 * strata_client_free(), the caches' lifetime.
 */
#include "client_int.h"

#include <strata/version.h>

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void strata_client_options_init(strata_client_options *options) {
  memset(options, 0, sizeof *options);
  options->connect_timeout_ms = 10000;
  options->request_timeout_ms = 30000;
  options->max_retries = 3;
  options->retry_backoff_ms = 100;
  options->retry_backoff_max_ms = 5000;
  options->cache_capacity = 1000;
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void global_init(void) {
  global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Copies @p text into *dst (NULL stays NULL); false when out of memory. */
static bool copy_option(char **dst, const char *text) {
  if (text == NULL) {
    *dst = NULL;
    return true;
  }
  *dst = strdup(text);
  return *dst != NULL;
}

static bool url_scheme_ok(const char *url) {
  return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* Appends a header line to the list; false when out of memory. */
static bool add_header(struct curl_slist **list, const char *line) {
  struct curl_slist *grown = curl_slist_append(*list, line);
  if (grown == NULL) {
    return false;
  }
  *list = grown;
  return true;
}

static void client_release(strata_client *c) {
  for (size_t i = 0; i < c->url_count; i++) {
    free(c->urls[i]);
  }
  free(c->urls);
  free(c->username);
  free(c->password);
  free(c->ca_file);
  free(c->ca_path);
  free(c->cert_file);
  free(c->key_file);
  free(c->key_password);
  free(c->user_agent);
  curl_slist_free_all(c->headers);
  for (size_t i = 0; i < c->pool_count; i++) {
    curl_easy_cleanup(c->pool[i]);
  }
  free(c->pool);
  sclc_cache_free(c->by_id);
  sclc_cache_free(c->by_version);
  sclc_cache_free(c->by_definition);
  free(c);
}

strata_error strata_client_new(const strata_client_options *options, strata_client **out,
                               strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  strata_client *c = NULL;
  char *bearer = NULL;
  bool ok = true;
  bool lock_ready = false;

  *out = NULL;
  if (options == NULL || options->urls == NULL || options->url_count == 0) {
    sclt_fail(err, 0, 0, "no registry URL given");
    return STRATA_E_INVALID_ARGUMENT;
  }
  for (size_t i = 0; i < options->url_count; i++) {
    const char *url = options->urls[i];
    if (url == NULL || !url_scheme_ok(url)) {
      sclt_fail(err, 0, 0, "registry URL '%s' does not start with http:// or https://",
                url != NULL ? url : "(null)");
      return STRATA_E_INVALID_ARGUMENT;
    }
  }
  pthread_once(&global_once, global_init);
  if (global_rc != CURLE_OK) {
    sclt_fail(err, 0, 0, "curl_global_init failed: %s", curl_easy_strerror(global_rc));
    return STRATA_E_INTERNAL;
  }

  c = calloc(1, sizeof *c);
  if (c == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  c->urls = calloc(options->url_count, sizeof *c->urls);
  if (c->urls == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < options->url_count; i++) {
    size_t len = strlen(options->urls[i]);
    while (len > 0 && options->urls[i][len - 1] == '/') {
      len--;
    }
    c->urls[i] = strndup(options->urls[i], len);
    if (c->urls[i] == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    c->url_count = i + 1;
  }
  c->connect_timeout_ms = options->connect_timeout_ms > 0 ? options->connect_timeout_ms : 10000;
  c->request_timeout_ms = options->request_timeout_ms > 0 ? options->request_timeout_ms : 30000;
  c->max_retries = options->max_retries > 0 ? options->max_retries : 0;
  c->backoff_ms = options->retry_backoff_ms > 0 ? options->retry_backoff_ms : 0;
  c->backoff_max_ms =
      options->retry_backoff_max_ms > c->backoff_ms ? options->retry_backoff_max_ms : c->backoff_ms;
  c->insecure = options->insecure;
  /* A bearer token wins: basic credentials are then not sent at all. */
  if (options->username != NULL && options->password != NULL && options->bearer_token == NULL) {
    ok = ok && copy_option(&c->username, options->username) &&
         copy_option(&c->password, options->password);
  }
  ok = ok && copy_option(&c->ca_file, options->ca_file) &&
       copy_option(&c->ca_path, options->ca_path) &&
       copy_option(&c->cert_file, options->cert_file) &&
       copy_option(&c->key_file, options->key_file) &&
       copy_option(&c->key_password, options->key_password) &&
       copy_option(&c->user_agent, options->user_agent != NULL ? options->user_agent
                                                               : "strata-client/" STRATA_VERSION);
  ok = ok && add_header(&c->headers, "Accept: application/vnd.schemaregistry.v1+json") &&
       add_header(&c->headers, "Content-Type: application/vnd.schemaregistry.v1+json") &&
       add_header(&c->headers, "Expect:");
  if (ok && options->bearer_token != NULL) {
    size_t len = strlen(options->bearer_token) + sizeof "Authorization: Bearer ";
    bearer = malloc(len);
    ok = bearer != NULL;
    if (ok) {
      snprintf(bearer, len, "Authorization: Bearer %s", options->bearer_token);
      ok = add_header(&c->headers, bearer);
    }
  }
  if (!ok) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  c->pool = calloc(SCLT_POOL_MAX, sizeof *c->pool);
  c->by_id = sclc_cache_new(options->cache_capacity);
  c->by_version = sclc_cache_new(options->cache_capacity);
  c->by_definition = sclc_cache_new(options->cache_capacity);
  if (c->pool == NULL || c->by_id == NULL || c->by_version == NULL || c->by_definition == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (pthread_mutex_init(&c->lock, NULL) != 0) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  lock_ready = true;
  /* Seed the jitter from the clock and the handle's address: clients
   * started together should not retry in step. */
  c->rng = (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)c << 16) ^ 0x9E3779B97F4A7C15ULL;
  if (c->rng == 0) {
    c->rng = 1;
  }
  *out = c;
  c = NULL;

cleanup:
  free(bearer);
  if (c != NULL) {
    if (lock_ready) {
      pthread_mutex_destroy(&c->lock);
    }
    client_release(c);
  }
  if (rc == STRATA_E_NOMEM) {
    sclt_fail(err, 0, 0, "out of memory creating the client");
  }
  return rc;
}

void strata_client_free(strata_client **client) {
  if (client == NULL || *client == NULL) {
    return;
  }
  pthread_mutex_destroy(&(*client)->lock);
  client_release(*client);
  *client = NULL;
}

void strata_client_clear_cache(strata_client *client) {
  if (client == NULL) {
    return;
  }
  sclc_cache_clear(client->by_id);
  sclc_cache_clear(client->by_version);
  sclc_cache_clear(client->by_definition);
}

size_t sclt_cache_count(strata_client *client, sclt_cache_kind kind) {
  switch (kind) {
  case SCLT_CACHE_BY_ID:
    return sclc_cache_count(client->by_id);
  case SCLT_CACHE_BY_VERSION:
    return sclc_cache_count(client->by_version);
  case SCLT_CACHE_BY_DEFINITION:
    return sclc_cache_count(client->by_definition);
  }
  return 0;
}
