/*
 * transport.c - one registry request: curl easy handles from the client's
 * pool (connections are kept alive between calls), authentication and TLS
 * options, fail-over across the base URLs starting from the last one that
 * answered, retry rounds with exponential backoff and jitter on network
 * errors, 408, 429 and 5xx, and the mapping of error answers to strata_error.
 */
#include "client_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sclt_fail(strata_client_error *err, int status, int code, const char *fmt, ...) {
  if (err == NULL) {
    return;
  }
  va_list ap;
  err->http_status = status;
  err->error_code = code;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
}

/* Errors that only the client or the library itself raises: a registry's
 * error_code never maps to them even when the numbers coincide. */
static bool client_side(strata_error e) {
  switch (e) {
  case STRATA_E_OK:
  case STRATA_E_NOMEM:
  case STRATA_E_INVALID_ARGUMENT:
  case STRATA_E_UNSUPPORTED:
  case STRATA_E_UNAVAILABLE:
  case STRATA_E_BAD_RESPONSE:
  case STRATA_E_WIRE_FORMAT:
  case STRATA_E_SERDE:
    return true;
  default:
    return false;
  }
}

strata_error sclt_map_error(int http_status, int error_code) {
  if (error_code != 0) {
    for (int e = 0; e < STRATA_E__COUNT; e++) {
      if (!client_side((strata_error)e) && strata_error_code((strata_error)e) == error_code) {
        return (strata_error)e;
      }
    }
  }
  /* The generic HTTP entries carry the status as their code (NOT_FOUND 404/404). */
  for (int e = 0; e < STRATA_E__COUNT; e++) {
    if (!client_side((strata_error)e) && strata_error_code((strata_error)e) == http_status &&
        strata_error_http_status((strata_error)e) == http_status) {
      return (strata_error)e;
    }
  }
  switch (http_status) {
  case 401:
    return STRATA_E_UNAUTHORIZED;
  case 403:
    return STRATA_E_FORBIDDEN;
  case 409:
    return STRATA_E_INCOMPATIBLE_SCHEMA;
  default:
    break;
  }
  if (http_status >= 400 && http_status < 500) {
    return STRATA_E_BAD_REQUEST;
  }
  if (http_status >= 500 && http_status < 600) {
    return STRATA_E_INTERNAL;
  }
  return STRATA_E_BAD_RESPONSE;
}

unsigned long sclt_attempts(strata_client *client) {
  pthread_mutex_lock(&client->lock);
  unsigned long n = client->attempts;
  pthread_mutex_unlock(&client->lock);
  return n;
}

/* ------------------------------------------------------------------------ */
/* The handle pool                                                          */
/* ------------------------------------------------------------------------ */

static CURL *pool_take(strata_client *client) {
  CURL *h = NULL;
  pthread_mutex_lock(&client->lock);
  if (client->pool_count > 0) {
    h = client->pool[--client->pool_count];
  }
  pthread_mutex_unlock(&client->lock);
  if (h == NULL) {
    h = curl_easy_init();
  } else {
    /* Options go back to defaults; live connections and caches stay. */
    curl_easy_reset(h);
  }
  return h;
}

static void pool_give(strata_client *client, CURL *h) {
  if (h == NULL) {
    return;
  }
  pthread_mutex_lock(&client->lock);
  if (client->pool_count < SCLT_POOL_MAX) {
    client->pool[client->pool_count++] = h;
    h = NULL;
  }
  pthread_mutex_unlock(&client->lock);
  if (h != NULL) {
    curl_easy_cleanup(h);
  }
}

/* ------------------------------------------------------------------------ */
/* One attempt                                                              */
/* ------------------------------------------------------------------------ */

typedef struct body_sink {
  char *data;
  size_t len;
  size_t cap;
  bool overflow; /* too large or out of memory */
} body_sink;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
  body_sink *sink = userdata;
  size_t n = size * nmemb;
  if (sink->len + n + 1 > SCLT_BODY_MAX) {
    sink->overflow = true;
    return 0;
  }
  if (sink->len + n + 1 > sink->cap) {
    size_t cap = sink->cap ? sink->cap : 1024;
    while (cap < sink->len + n + 1) {
      cap *= 2;
    }
    char *grown = realloc(sink->data, cap);
    if (grown == NULL) {
      sink->overflow = true;
      return 0;
    }
    sink->data = grown;
    sink->cap = cap;
  }
  memcpy(sink->data + sink->len, ptr, n);
  sink->len += n;
  sink->data[sink->len] = '\0';
  return n;
}

/* The outcome of one attempt. */
typedef struct attempt {
  CURLcode curl_rc; /* CURLE_OK when an answer came back */
  long status;
  body_sink body;
  char curl_msg[CURL_ERROR_SIZE];
} attempt;

static bool set_options(strata_client *c, CURL *h, const char *method, const char *url,
                        const char *body, attempt *a) {
  bool ok = true;
  ok = ok && curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_ERRORBUFFER, a->curl_msg) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->request_timeout_ms) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, &a->body) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  if (c->username != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_USERNAME, c->username) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_PASSWORD, c->password) == CURLE_OK;
  }
  if (c->ca_file != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file) == CURLE_OK;
  }
  if (c->ca_path != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_CAPATH, c->ca_path) == CURLE_OK;
  }
  if (c->cert_file != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert_file) == CURLE_OK;
  }
  if (c->key_file != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_SSLKEY, c->key_file) == CURLE_OK;
  }
  if (c->key_password != NULL) {
    ok = ok && curl_easy_setopt(h, CURLOPT_KEYPASSWD, c->key_password) == CURLE_OK;
  }
  if (c->insecure) {
    ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK;
  }
  if (strcmp(method, "GET") == 0) {
    ok = ok && curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  } else if (strcmp(method, "HEAD") == 0) {
    ok = ok && curl_easy_setopt(h, CURLOPT_NOBODY, 1L) == CURLE_OK;
  } else {
    if (strcmp(method, "POST") == 0 || body != NULL) {
      const char *data = body != NULL ? body : "";
      ok = ok &&
           curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(data)) == CURLE_OK;
      ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDS, data) == CURLE_OK;
    }
    if (strcmp(method, "POST") != 0) {
      ok = ok && curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method) == CURLE_OK;
    }
  }
  return ok;
}

/* Sends one attempt to @p url; false only when out of memory. */
static bool attempt_send(strata_client *c, const char *method, const char *url, const char *body,
                         attempt *a) {
  CURL *h = pool_take(c);
  if (h == NULL) {
    return false;
  }
  pthread_mutex_lock(&c->lock);
  c->attempts++;
  pthread_mutex_unlock(&c->lock);
  if (!set_options(c, h, method, url, body, a)) {
    curl_easy_cleanup(h);
    return false;
  }
  a->curl_rc = curl_easy_perform(h);
  if (a->curl_rc == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
  } else if (a->curl_msg[0] == '\0') {
    snprintf(a->curl_msg, sizeof a->curl_msg, "%s", curl_easy_strerror(a->curl_rc));
  }
  if (a->curl_rc == CURLE_WRITE_ERROR && a->body.overflow) {
    snprintf(a->curl_msg, sizeof a->curl_msg, "answer larger than %zu bytes or out of memory",
             (size_t)SCLT_BODY_MAX);
  }
  pool_give(c, h);
  return true;
}

static bool retriable(const attempt *a) {
  if (a->curl_rc != CURLE_OK) {
    /* A body we refused to take is not a network failure. */
    return !(a->curl_rc == CURLE_WRITE_ERROR && a->body.overflow);
  }
  return a->status == 408 || a->status == 429 || a->status >= 500;
}

/* Reads {"error_code": N, "message": "..."} from an error answer. */
static void read_error_body(const char *body, int *code, char *msg, size_t msglen) {
  json_error_t jerr;
  json_t *doc = body != NULL ? json_loads(body, JSON_DECODE_ANY, &jerr) : NULL;
  *code = 0;
  msg[0] = '\0';
  if (json_is_object(doc)) {
    json_t *jc = json_object_get(doc, "error_code");
    json_t *jm = json_object_get(doc, "message");
    if (json_is_integer(jc)) {
      *code = (int)json_integer_value(jc);
    }
    if (json_is_string(jm)) {
      snprintf(msg, msglen, "%s", json_string_value(jm));
    }
  }
  json_decref(doc);
}

/* Sleeps before retry round @p round (1-based): the base backoff doubled per
 * round, capped, then a random point in its upper half. */
static void backoff_sleep(strata_client *c, int round) {
  long delay = c->backoff_ms;
  for (int i = 1; i < round && delay < c->backoff_max_ms; i++) {
    delay *= 2;
  }
  if (delay > c->backoff_max_ms) {
    delay = c->backoff_max_ms;
  }
  if (delay <= 0) {
    return;
  }
  pthread_mutex_lock(&c->lock);
  uint64_t x = c->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  c->rng = x;
  pthread_mutex_unlock(&c->lock);
  long half = delay / 2;
  delay = half + (long)(x % (uint64_t)(delay - half + 1));
  struct timespec ts = {.tv_sec = delay / 1000, .tv_nsec = (delay % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* Writes "url1, url2, ..." into @p out. */
static void url_list(const strata_client *c, char *out, size_t len) {
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < c->url_count && used < len; i++) {
    int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "", c->urls[i]);
    if (n < 0) {
      break;
    }
    used += (size_t)n;
  }
}

strata_error sclt_request(strata_client *client, const char *method, const char *path,
                          const char *body, int *status, char **response,
                          strata_client_error *err) {
  strata_error rc = STRATA_E_OK;
  attempt a;
  sclc_buf url = {0};
  char last[400] = "";
  int last_status = 0;
  int last_code = 0;
  size_t start;
  int rounds = client->max_retries + 1;

  memset(&a, 0, sizeof a);
  if (status != NULL) {
    *status = 0;
  }
  if (response != NULL) {
    *response = NULL;
  }
  if (method == NULL || path == NULL || path[0] != '/') {
    sclt_fail(err, 0, 0, "request path must start with '/'");
    return STRATA_E_INVALID_ARGUMENT;
  }
  pthread_mutex_lock(&client->lock);
  start = client->last_good;
  pthread_mutex_unlock(&client->lock);

  for (int round = 0; round < rounds; round++) {
    if (round > 0) {
      backoff_sleep(client, round);
    }
    for (size_t k = 0; k < client->url_count; k++) {
      size_t idx = (start + k) % client->url_count;
      free(a.body.data);
      memset(&a, 0, sizeof a);
      url.len = 0;
      sclc_buf_add(&url, client->urls[idx], strlen(client->urls[idx]));
      sclc_buf_add(&url, path, strlen(path));
      if (sclc_buf_text(&url) == NULL || !attempt_send(client, method, url.data, body, &a)) {
        rc = STRATA_E_NOMEM;
        sclt_fail(err, 0, 0, "out of memory sending %s %s", method, path);
        goto cleanup;
      }
      if (a.curl_rc == CURLE_OK && status != NULL) {
        *status = (int)a.status;
      }
      if (retriable(&a)) {
        if (a.curl_rc != CURLE_OK) {
          snprintf(last, sizeof last, "%s: %s", client->urls[idx], a.curl_msg);
          last_status = 0;
          last_code = 0;
        } else {
          char msg[256];
          read_error_body(a.body.data, &last_code, msg, sizeof msg);
          last_status = (int)a.status;
          snprintf(last, sizeof last, "%s: HTTP %ld%s%s", client->urls[idx], a.status,
                   msg[0] ? ": " : "", msg);
        }
        continue;
      }
      /* A definitive answer: this URL is where the next call starts. */
      pthread_mutex_lock(&client->lock);
      client->last_good = idx;
      pthread_mutex_unlock(&client->lock);
      if (a.curl_rc != CURLE_OK) {
        rc = STRATA_E_BAD_RESPONSE;
        sclt_fail(err, 0, 0, "%s %s: %s", method, url.data, a.curl_msg);
        goto cleanup;
      }
      if (a.status >= 200 && a.status < 300) {
        if (response != NULL) {
          *response = a.body.data != NULL ? a.body.data : strdup("");
          a.body.data = NULL;
          if (*response == NULL) {
            rc = STRATA_E_NOMEM;
            sclt_fail(err, (int)a.status, 0, "out of memory reading the answer");
          }
        }
        goto cleanup;
      }
      {
        int code;
        char msg[sizeof err->message];
        read_error_body(a.body.data, &code, msg, sizeof msg);
        rc = sclt_map_error((int)a.status, code);
        if (msg[0] != '\0') {
          sclt_fail(err, (int)a.status, code, "%s", msg);
        } else {
          sclt_fail(err, (int)a.status, code, "HTTP %ld from %s %s", a.status, method, url.data);
        }
      }
      goto cleanup;
    }
  }
  {
    char urls[256];
    url_list(client, urls, sizeof urls);
    rc = STRATA_E_UNAVAILABLE;
    sclt_fail(err, last_status, last_code,
              "registry unreachable at %s (%d attempt round%s); last error: %s", urls, rounds,
              rounds == 1 ? "" : "s", last);
  }

cleanup:
  free(a.body.data);
  sclc_buf_release(&url);
  return rc;
}

strata_error sclt_request_json(strata_client *client, const char *method, const char *path,
                               const char *body, json_t **json, strata_client_error *err) {
  strata_error rc;
  char *text = NULL;
  int status = 0;
  json_error_t jerr;

  *json = NULL;
  if (path == NULL) {
    return sclt_nomem(err);
  }
  rc = sclt_request(client, method, path, body, &status, &text, err);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  *json = json_loads(text, JSON_DECODE_ANY, &jerr);
  if (*json == NULL) {
    rc = STRATA_E_BAD_RESPONSE;
    sclt_fail(err, status, 0, "%s %s: the answer is not JSON: %s", method, path, jerr.text);
  }

cleanup:
  free(text);
  return rc;
}

strata_error sclt_call(strata_client *client, const char *method, const char *path,
                       const char *body, sclr_decode_fn decode, void *out,
                       strata_client_error *err) {
  json_t *json = NULL;
  strata_error rc = sclt_request_json(client, method, path, body, &json, err);
  if (rc == STRATA_E_OK) {
    rc = decode(json, out, err);
  }
  json_decref(json);
  return rc;
}

strata_error sclt_call_input(strata_client *client, const char *method, const char *path,
                             const strata_client_schema_input *input, sclr_decode_fn decode,
                             void *out, strata_client_error *err) {
  char *body = NULL;
  strata_error rc = sclr_input_body(input, &body, err);
  if (rc == STRATA_E_OK) {
    rc = sclt_call(client, method, path, body, decode, out, err);
  }
  free(body);
  return rc;
}

strata_error sclt_nomem(strata_client_error *err) {
  sclt_fail(err, 0, 0, "out of memory");
  return STRATA_E_NOMEM;
}

strata_error sclt_invalid(strata_client_error *err, const char *what) {
  sclt_fail(err, 0, 0, "invalid argument: %s", what);
  return STRATA_E_INVALID_ARGUMENT;
}
