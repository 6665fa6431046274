/*
 * register_bench.c - registration throughput of a running strata-registry (or any
 * Confluent-compatible schema registry).
 *
 * Registers N distinct Avro record schemas under N distinct subjects with
 * POST /subjects/{subject}/versions from T concurrent clients. Each client is one
 * thread with one libcurl easy handle, so its connection is kept alive across
 * requests. Schema i (counting from the subjects offset) is a record named Rec<i>
 * with a field f<i>, registered under the subject bench-<i>-value; every schema is
 * distinct from every other, so every request creates a new id and a new subject.
 *
 * Usage:
 *   strata-register-bench [--url BASE] [--count N] [--threads T] [--offset K]
 *                         [--batch B] [--progress]
 *     --url       base URL of the registry (default http://127.0.0.1:8081)
 *     --count     number of schemas to register (default 10000)
 *     --threads   concurrent keep-alive clients (default 16)
 *     --offset    index of the first schema and subject (default 0), so that a
 *                 second run adds new subjects to those of a first one
 *     --batch     report the time of every B completed registrations (default 1000)
 *     --progress  also print each batch line to stderr as it completes
 *
 * Every response must be 200 with a positive integer "id", and the ids of the run
 * must all differ; the first failure stops every client and the program exits 1.
 *
 * Output (stdout), one line per batch of completions, in completion order:
 *   BATCH <first> <last> <ms> <per_second> <mean_latency_ms>
 * where first..last count registrations made by this run plus --offset (so with
 * one subject per registration, the subjects that exist at that point), then
 *   RESULT <count> <seconds> <per_second> <mean_latency_ms> <max_latency_ms>
 * Benchmarks are not tests: nothing here asserts a rate.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

enum {
  RGB_MAX_THREADS = 1024
};

/* ---- options and shared state ------------------------------------------- */

typedef struct rgb_options {
  const char *url;
  long count;
  int threads;
  long offset;
  long batch;
  bool progress;
} rgb_options;

typedef struct rgb_state {
  const rgb_options *opt;
  pthread_mutex_t lock;
  long next;          /* next schema index to hand out (0-based within the run) */
  long done;          /* registrations completed */
  bool failed;        /* set on the first failure: every client stops */
  double start;       /* monotonic seconds at the start of the run */
  double batch_start; /* monotonic seconds when the current batch started */
  double batch_lat;   /* sum of the latencies of the current batch, seconds */
  double total_lat;   /* sum of all latencies, seconds */
  double max_lat;     /* largest latency, seconds */
  int64_t *ids;       /* id of registration i (0-based within the run) */
} rgb_state;

typedef struct rgb_buf {
  char *data;
  size_t len;
  size_t cap;
} rgb_buf;

static double rgb_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rgb_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("strata-register-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_FAILURE);
}

/* Reports a failure of one request (the first one printed wins the race only in
 * order; all are printed) and stops every client. */
static void rgb_fail(rgb_state *st, const char *fmt, ...) {
  va_list ap;
  pthread_mutex_lock(&st->lock);
  st->failed = true;
  va_start(ap, fmt);
  fputs("strata-register-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  pthread_mutex_unlock(&st->lock);
}

static size_t rgb_write(char *ptr, size_t size, size_t nmemb, void *userdata) {
  rgb_buf *b = userdata;
  size_t n = size * nmemb;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1) {
      cap *= 2;
    }
    char *data = realloc(b->data, cap);
    if (data == NULL) {
      return 0; /* makes curl fail the transfer */
    }
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

/* ---- one client ------------------------------------------------------------ */

/* The request body registering schema @p index: a record Rec<index> in namespace
 * bench with a long field f<index> and a string field with a default. */
static int rgb_body(long index, char *out, size_t size) {
  return snprintf(out, size,
                  "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Rec%ld\\\","
                  "\\\"namespace\\\":\\\"bench\\\",\\\"fields\\\":[{\\\"name\\\":\\\"f%ld\\\","
                  "\\\"type\\\":\\\"long\\\"},{\\\"name\\\":\\\"note\\\",\\\"type\\\":"
                  "\\\"string\\\",\\\"default\\\":\\\"\\\"}]}\"}",
                  index, index);
}

/* Takes the id out of a 200 response body; 0 when there is no positive integer id. */
static int64_t rgb_parse_id(const char *body) {
  json_error_t err;
  json_t *root = json_loads(body, 0, &err);
  int64_t id = 0;
  if (root == NULL) {
    goto cleanup;
  }
  json_t *jid = json_object_get(root, "id");
  if (json_is_integer(jid) && json_integer_value(jid) > 0) {
    id = (int64_t)json_integer_value(jid);
  }
cleanup:
  json_decref(root);
  return id;
}

/* Records one completed registration; prints a batch line when a batch is full. */
static void rgb_completed(rgb_state *st, long slot, int64_t id, double latency) {
  const rgb_options *opt = st->opt;
  pthread_mutex_lock(&st->lock);
  st->ids[slot] = id;
  st->done++;
  st->batch_lat += latency;
  st->total_lat += latency;
  if (latency > st->max_lat) {
    st->max_lat = latency;
  }
  if (st->done % opt->batch == 0 || st->done == opt->count) {
    double now = rgb_now();
    long in_batch = st->done % opt->batch == 0 ? opt->batch : st->done % opt->batch;
    double secs = now - st->batch_start;
    double rate = secs > 0 ? (double)in_batch / secs : 0.0;
    double mean_ms = st->batch_lat / (double)in_batch * 1e3;
    long first = opt->offset + st->done - in_batch + 1;
    long last = opt->offset + st->done;
    printf("BATCH %ld %ld %.1f %.1f %.2f\n", first, last, secs * 1e3, rate, mean_ms);
    fflush(stdout);
    if (opt->progress) {
      fprintf(stderr, "registered %ld..%ld: %.1f ms (%.0f/s, mean latency %.2f ms)\n", first, last,
              secs * 1e3, rate, mean_ms);
    }
    st->batch_start = now;
    st->batch_lat = 0;
  }
  pthread_mutex_unlock(&st->lock);
}

/* Takes the next schema index, or -1 when the run is over or has failed. */
static long rgb_take(rgb_state *st) {
  long slot = -1;
  pthread_mutex_lock(&st->lock);
  if (!st->failed && st->next < st->opt->count) {
    slot = st->next++;
  }
  pthread_mutex_unlock(&st->lock);
  return slot;
}

static void *rgb_client(void *arg) {
  rgb_state *st = arg;
  const rgb_options *opt = st->opt;
  CURL *curl = curl_easy_init();
  struct curl_slist *headers = NULL;
  rgb_buf resp = {0};
  char *url = NULL;
  size_t url_cap = strlen(opt->url) + 64;
  char body[512];

  url = malloc(url_cap);
  if (curl == NULL || url == NULL) {
    rgb_fail(st, "out of memory starting a client");
    goto cleanup;
  }
  headers = curl_slist_append(headers, "Content-Type: application/vnd.schemaregistry.v1+json");
  if (headers == NULL) {
    rgb_fail(st, "out of memory starting a client");
    goto cleanup;
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, rgb_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);

  for (;;) {
    long slot = rgb_take(st);
    if (slot < 0) {
      break;
    }
    long index = opt->offset + slot;
    snprintf(url, url_cap, "%s/subjects/bench-%ld-value/versions", opt->url, index);
    int n = rgb_body(index, body, sizeof body);
    if (n < 0 || (size_t)n >= sizeof body) {
      rgb_fail(st, "request body of schema %ld does not fit", index);
      break;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)n);
    resp.len = 0;
    if (resp.data != NULL) {
      resp.data[0] = '\0';
    }
    double t0 = rgb_now();
    CURLcode rc = curl_easy_perform(curl);
    double latency = rgb_now() - t0;
    if (rc != CURLE_OK) {
      rgb_fail(st, "POST %s: %s", url, curl_easy_strerror(rc));
      break;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    const char *text = resp.data != NULL ? resp.data : "";
    if (status != 200) {
      rgb_fail(st, "POST %s: HTTP %ld: %.300s", url, status, text);
      break;
    }
    int64_t id = rgb_parse_id(text);
    if (id <= 0) {
      rgb_fail(st, "POST %s: 200 without a positive integer id: %.300s", url, text);
      break;
    }
    rgb_completed(st, slot, id, latency);
  }

cleanup:
  curl_slist_free_all(headers);
  if (curl != NULL) {
    curl_easy_cleanup(curl);
  }
  free(resp.data);
  free(url);
  return NULL;
}

/* ---- main ------------------------------------------------------------------ */

static long rgb_parse_long(const char *name, const char *text, long min) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min) {
    rgb_die("%s: expected an integer >= %ld, got '%s'", name, min, text);
  }
  return v;
}

static void rgb_usage(FILE *out) {
  fputs("usage: strata-register-bench [--url BASE] [--count N] [--threads T] [--offset K]\n"
        "                             [--batch B] [--progress]\n",
        out);
}

static void rgb_parse_args(int argc, char **argv, rgb_options *opt) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--progress") == 0) {
      opt->progress = true;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      rgb_usage(stdout);
      exit(EXIT_SUCCESS);
    }
    if (i + 1 >= argc) {
      rgb_usage(stderr);
      rgb_die("%s: missing value or unknown option", a);
    }
    const char *v = argv[++i];
    if (strcmp(a, "--url") == 0) {
      opt->url = v;
    } else if (strcmp(a, "--count") == 0) {
      opt->count = rgb_parse_long(a, v, 1);
    } else if (strcmp(a, "--threads") == 0) {
      opt->threads = (int)rgb_parse_long(a, v, 1);
    } else if (strcmp(a, "--offset") == 0) {
      opt->offset = rgb_parse_long(a, v, 0);
    } else if (strcmp(a, "--batch") == 0) {
      opt->batch = rgb_parse_long(a, v, 1);
    } else {
      rgb_usage(stderr);
      rgb_die("unknown option %s", a);
    }
  }
  if (opt->threads > RGB_MAX_THREADS) {
    rgb_die("--threads: at most %d", RGB_MAX_THREADS);
  }
}

static int rgb_cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a;
  int64_t y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  rgb_options opt = {
      .url = "http://127.0.0.1:8081", .count = 10000, .threads = 16, .offset = 0, .batch = 1000};
  rgb_state st = {0};
  pthread_t tids[RGB_MAX_THREADS];
  int started = 0;
  int status = EXIT_FAILURE;

  rgb_parse_args(argc, argv, &opt);
  size_t url_len = strlen(opt.url);
  while (url_len > 0 && opt.url[url_len - 1] == '/') {
    url_len--;
  }
  char *base = strndup(opt.url, url_len);
  if (base == NULL) {
    rgb_die("out of memory");
  }
  opt.url = base;

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    rgb_die("curl_global_init failed");
  }
  if (pthread_mutex_init(&st.lock, NULL) != 0) {
    rgb_die("pthread_mutex_init failed");
  }
  st.opt = &opt;
  st.ids = calloc((size_t)opt.count, sizeof *st.ids);
  if (st.ids == NULL) {
    fprintf(stderr, "strata-register-bench: out of memory\n");
    goto cleanup;
  }
  st.start = rgb_now();
  st.batch_start = st.start;
  for (; started < opt.threads; started++) {
    if (pthread_create(&tids[started], NULL, rgb_client, &st) != 0) {
      rgb_fail(&st, "pthread_create failed after %d threads", started);
      break;
    }
  }
  for (int i = 0; i < started; i++) {
    pthread_join(tids[i], NULL);
  }
  double secs = rgb_now() - st.start;
  if (st.failed || st.done != opt.count) {
    fprintf(stderr, "strata-register-bench: stopped after %ld of %ld registrations\n", st.done,
            opt.count);
    goto cleanup;
  }
  qsort(st.ids, (size_t)opt.count, sizeof *st.ids, rgb_cmp_id);
  for (long i = 1; i < opt.count; i++) {
    if (st.ids[i] == st.ids[i - 1]) {
      fprintf(stderr,
              "strata-register-bench: id %" PRId64 " was returned for two different schemas\n",
              st.ids[i]);
      goto cleanup;
    }
  }
  printf("RESULT %ld %.3f %.1f %.2f %.2f\n", opt.count, secs, (double)opt.count / secs,
         st.total_lat / (double)opt.count * 1e3, st.max_lat * 1e3);
  status = EXIT_SUCCESS;

cleanup:
  free(st.ids);
  pthread_mutex_destroy(&st.lock);
  curl_global_cleanup();
  free(base);
  return status;
}
