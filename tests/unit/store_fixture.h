/*
 * store_fixture.h - helpers shared by the store suites: a temporary
 * directory per test, and a loader that dumps every row as one text line so
 * a test compares the whole stored state with one string.
 */
#ifndef STRATA_REGISTRY_STORE_FIXTURE_H
#define STRATA_REGISTRY_STORE_FIXTURE_H

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* A fresh temporary directory (new; remove with fixture_rmdir()). */
static inline char *fixture_tmpdir(void) {
  const char *base = getenv("TMPDIR");
  char templ[4096];
  snprintf(templ, sizeof templ, "%s/strata-store-XXXXXX", base != NULL ? base : "/tmp");
  char *dir = mkdtemp(templ);
  ck_assert_ptr_nonnull(dir);
  return strdup(dir);
}

/* Removes @p dir and everything in it, then frees it. */
static inline void fixture_rmdir(char *dir) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
  free(dir);
}

/* "<dir>/<name>" (new). */
static inline char *fixture_path(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* A growable dump of the rows a load delivered. */
typedef struct fixture_dump {
  char *text;
  size_t len;
  size_t cap;
  size_t schemas, versions, configs, modes;
} fixture_dump;

static inline void dump_printf(fixture_dump *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void dump_printf(fixture_dump *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  ck_assert_int_ge(n, 0);
  if (d->len + (size_t)n + 1 > d->cap) {
    d->cap = (d->len + (size_t)n + 1) * 2;
    d->text = realloc(d->text, d->cap);
    ck_assert_ptr_nonnull(d->text);
  }
  va_start(ap, fmt);
  vsnprintf(d->text + d->len, d->cap - d->len, fmt, ap);
  va_end(ap);
  d->len += (size_t)n;
}

#define FIXTURE_S(s) ((s) != NULL ? (s) : "<NULL>")

static inline strata_error dump_schema(void *arg, const srs_schema_row *r) {
  fixture_dump *d = arg;
  d->schemas++;
  dump_printf(d, "S %s %" PRId64 " %s %s %s %s %s %s %s\n", FIXTURE_S(r->context), r->id,
              FIXTURE_S(r->schema_type), FIXTURE_S(r->schema), FIXTURE_S(r->references),
              FIXTURE_S(r->metadata), FIXTURE_S(r->rule_set), FIXTURE_S(r->identity),
              FIXTURE_S(r->guid));
  return STRATA_E_OK;
}

static inline strata_error dump_version(void *arg, const srs_version_row *r) {
  fixture_dump *d = arg;
  d->versions++;
  dump_printf(d, "V %s %s %d %" PRId64 " %d %" PRId64 "\n", FIXTURE_S(r->context),
              FIXTURE_S(r->subject), (int)r->version, r->schema_id, r->deleted ? 1 : 0, r->ts);
  return STRATA_E_OK;
}

static inline strata_error dump_config(void *arg, const srs_config_row *r) {
  fixture_dump *d = arg;
  d->configs++;
  dump_printf(d, "C %s [%s] %s\n", FIXTURE_S(r->context), FIXTURE_S(r->subject),
              FIXTURE_S(r->config));
  return STRATA_E_OK;
}

static inline strata_error dump_mode(void *arg, const srs_mode_row *r) {
  fixture_dump *d = arg;
  d->modes++;
  dump_printf(d, "M %s [%s] %s\n", FIXTURE_S(r->context), FIXTURE_S(r->subject),
              FIXTURE_S(r->mode));
  return STRATA_E_OK;
}

/* Loads everything from @p store into @p d (zero-initialised by the caller; free d->text). */
static inline void fixture_load(srs_store *store, fixture_dump *d) {
  char err[256];
  srs_loader loader = {d, dump_schema, dump_version, dump_config, dump_mode};
  strata_error rc = store->load(store, &loader, err, sizeof err);
  ck_assert_msg(rc == STRATA_E_OK, "load: %s", err);
  if (d->text == NULL) {
    d->text = strdup("");
    ck_assert_ptr_nonnull(d->text);
  }
}

/* Opens @p path, failing the test on error. */
static inline srs_store *fixture_open(const char *path) {
  char err[256];
  srs_store *store = NULL;
  strata_error rc = srs_sqlite_open(path, &store, err, sizeof err);
  ck_assert_msg(rc == STRATA_E_OK, "open %s: %s", path, err);
  ck_assert_ptr_nonnull(store);
  return store;
}

/* Op builders (strings borrowed). */
static inline srs_op op_schema(const char *context, int64_t id, const char *schema) {
  srs_op op = {.kind = SRS_OP_PUT_SCHEMA};
  op.u.schema = (srs_schema_row){.context = context,
                                 .id = id,
                                 .schema_type = "AVRO",
                                 .schema = schema,
                                 .identity = "d41d8cd98f00b204e9800998ecf8427e",
                                 .guid = "g"};
  return op;
}

static inline srs_op op_version(const char *context, const char *subject, int32_t version,
                                int64_t schema_id) {
  srs_op op = {.kind = SRS_OP_PUT_VERSION};
  op.u.version = (srs_version_row){.context = context,
                                   .subject = subject,
                                   .version = version,
                                   .schema_id = schema_id,
                                   .ts = 1000 + version};
  return op;
}

#endif /* STRATA_REGISTRY_STORE_FIXTURE_H */
