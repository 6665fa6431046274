/*
 * registry.c - opening and closing the registry, locking, and the lookups
 * every handler shares (ops.h).
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np: writers must not starve under read load */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ops.h"

static char *dup_or(const char *value, const char *fallback) {
  return strdup(value != NULL ? value : fallback);
}

/* Rebuilds the index from the store after a failed commit (writer thread, exclusive lock). */
static void reload_index(void *arg) {
  reg_registry *reg = arg;
  char err[256] = "";
  ix_release(&reg->ix);
  ix_init(&reg->ix);
  if (ix_load(&reg->ix, reg->store, err, sizeof err) != STRATA_E_OK) {
    fprintf(stderr, "strata-registry: reloading the index after a failed commit: %s\n", err);
  }
}

/*
 * Takes an exclusive lock on "<data>.lock": the index in memory is the truth
 * only while this process is the database's one writer. Called after the
 * store opened (and created the directories).
 */
static strata_error lock_data_file(reg_registry *reg, char *err, size_t errlen) {
  size_t len = strlen(reg->data_path) + sizeof ".lock";
  char *path = malloc(len);
  if (path == NULL) {
    return STRATA_E_NOMEM;
  }
  snprintf(path, len, "%s.lock", reg->data_path);
  reg->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  strata_error rc = STRATA_E_OK;
  if (reg->lock_fd < 0) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    rc = STRATA_E_STORE_ERROR;
  } else if (flock(reg->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    snprintf(err, errlen, "%s is in use by another strata-registry (lock %s held)", reg->data_path,
             path);
    rc = STRATA_E_STORE_ERROR;
  }
  free(path);
  return rc;
}

strata_error reg_registry_open(const reg_options *opts, reg_registry **out, char *err,
                               size_t errlen) {
  strata_error rc = STRATA_E_OK;
  bool lock_ok = false;
  reg_registry *reg = NULL;
  pthread_rwlockattr_t attr;
  *out = NULL;
  if (opts == NULL || opts->data_path == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  reg = calloc(1, sizeof *reg);
  if (reg == NULL) {
    return STRATA_E_NOMEM;
  }
  ix_init(&reg->ix);
  reg->lock_fd = -1;
  reg->data_path = strdup(opts->data_path);
  reg->cluster_id = dup_or(opts->cluster_id, "strata");
  reg->group_id = dup_or(opts->group_id, "schema-registry");
  reg->search_limit = opts->search_limit > 0 ? opts->search_limit : 1000;
  reg->default_level = STRATA_COMPAT_BACKWARD;
  if (reg->data_path == NULL || reg->cluster_id == NULL || reg->group_id == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (opts->default_compatibility != NULL &&
      strata_compat_level_from_name(opts->default_compatibility, &reg->default_level) !=
          STRATA_E_OK) {
    snprintf(err, errlen, "invalid default compatibility level '%s'", opts->default_compatibility);
    rc = STRATA_E_INVALID_ARGUMENT;
    goto cleanup;
  }
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  if (pthread_rwlock_init(&reg->lock, &attr) != 0) {
    pthread_rwlockattr_destroy(&attr);
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  pthread_rwlockattr_destroy(&attr);
  lock_ok = true;
  rc = srs_sqlite_open(reg->data_path, &reg->store, err, errlen);
  if (rc == STRATA_E_OK) {
    rc = lock_data_file(reg, err, errlen);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = ix_load(&reg->ix, reg->store, err, errlen);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  rc = wr_writer_new(reg->store, &reg->lock, reload_index, reg, &reg->writer);
  if (rc != STRATA_E_OK) {
    snprintf(err, errlen, "cannot start the writer thread");
    goto cleanup;
  }
  *out = reg;
  reg = NULL;
cleanup:
  if (reg != NULL) {
    srs_store_close(reg->store);
    ix_release(&reg->ix);
    if (lock_ok) {
      pthread_rwlock_destroy(&reg->lock);
    }
    if (reg->lock_fd >= 0) {
      close(reg->lock_fd);
    }
    free(reg->data_path);
    free(reg->cluster_id);
    free(reg->group_id);
    free(reg);
  }
  return rc;
}

void reg_registry_close(reg_registry *reg) {
  if (reg == NULL) {
    return;
  }
  wr_writer_free(reg->writer);
  srs_store_close(reg->store);
  ix_release(&reg->ix);
  pthread_rwlock_destroy(&reg->lock);
  close(reg->lock_fd);
  free(reg->data_path);
  free(reg->cluster_id);
  free(reg->group_id);
  free(reg);
}

size_t reg_registry_schema_count(reg_registry *reg) {
  reg_read_begin(reg);
  size_t n = reg->ix.nschemas;
  reg_read_end(reg);
  return n;
}

void reg_read_begin(reg_registry *reg) {
  pthread_rwlock_rdlock(&reg->lock);
}

void reg_read_end(reg_registry *reg) {
  pthread_rwlock_unlock(&reg->lock);
}

bool reg_write(reg_registry *reg, wr_job_fn fn, void *arg, rq_reply *reply) {
  char err[256] = "";
  strata_error rc = wr_submit(reg->writer, fn, arg, err, sizeof err);
  if (rc == STRATA_E_OK) {
    return true;
  }
  if (rc == STRATA_E_STORE_ERROR) {
    rq_fail(reply, rc, "Store error: %s", err);
  } else if (reply->error == STRATA_E_OK) {
    rq_fail(reply, rc, NULL);
  }
  return false;
}

bool reg_subject_parse(const char *text, sn_subject *out, rq_reply *reply) {
  char msg[512];
  strata_error rc = sn_parse(text, out, msg, sizeof msg);
  if (rc != STRATA_E_OK) {
    rq_fail(reply, rc, "%s", rc == STRATA_E_INVALID_SUBJECT ? msg : strata_strerror(rc));
    return false;
  }
  return true;
}

bool reg_version_parse(const char *text, int32_t *out, rq_reply *reply) {
  const char *s = text != NULL ? text : "";
  while (isspace((unsigned char)*s)) {
    s++;
  }
  size_t len = strlen(s);
  while (len > 0 && isspace((unsigned char)s[len - 1])) {
    len--;
  }
  if (len == 6 && strncasecmp(s, "latest", 6) == 0) {
    *out = -1;
    return true;
  }
  char *end = NULL;
  errno = 0;
  long long v = len > 0 && len < 20 ? strtoll(s, &end, 10) : 0;
  if (len > 0 && len < 20 && errno == 0 && end == s + len &&
      (v == -1 || (v >= 1 && v <= INT32_MAX))) {
    *out = (int32_t)v;
    return true;
  }
  rq_fail(reply, STRATA_E_INVALID_VERSION,
          "The specified version '%s' is not a valid version id. Allowed values are between "
          "[1, 2^31-1] and the string \"latest\"",
          text != NULL ? text : "");
  return false;
}

char *reg_subject_qualified(const ix_subject *subject) {
  return sn_qualify(subject->ctx->name, subject->name);
}

/* The subject @p name of @p context if it has versions (any with @p deleted, else live). */
static ix_subject *subject_with_versions(reg_registry *reg, const char *context, const char *name,
                                         bool deleted) {
  ix_subject *subject = ix_subject_get(ix_context_get(&reg->ix, context), name);
  if (subject != NULL && (deleted ? subject->nversions > 0 : ix_latest_live(subject) != NULL)) {
    return subject;
  }
  return NULL;
}

ix_subject *reg_subject_find(reg_registry *reg, const sn_subject *name, bool deleted,
                             const char *display, rq_reply *reply) {
  ix_subject *subject = subject_with_versions(reg, name->context, name->name, deleted);
  if (subject == NULL) {
    rq_fail(reply, STRATA_E_SUBJECT_NOT_FOUND, "Subject '%s' not found.", display);
  }
  return subject;
}

ix_subject *reg_subject_find_read(reg_registry *reg, const sn_subject *name, bool deleted,
                                  const char *display, rq_reply *reply) {
  ix_subject *subject = subject_with_versions(reg, name->context, name->name, deleted);
  if (subject == NULL && display != NULL && display[0] != ':' &&
      strcmp(name->context, SN_DEFAULT_CONTEXT) == 0) {
    HM_FOREACH(&reg->ix.contexts, slot) {
      ix_context *ctx = slot->value;
      ix_subject *s = subject_with_versions(reg, ctx->name, name->name, deleted);
      if (s != NULL && (subject == NULL || strcmp(ctx->name, subject->ctx->name) < 0)) {
        subject = s;
      }
    }
  }
  if (subject == NULL) {
    rq_fail(reply, STRATA_E_SUBJECT_NOT_FOUND, "Subject '%s' not found.", display);
  }
  return subject;
}

ix_version *reg_version_find(ix_subject *subject, int32_t version, bool deleted, rq_reply *reply) {
  ix_version *v = version == -1 ? ix_latest_live(subject) : ix_version_get(subject, version);
  if (v != NULL && (!v->deleted || deleted)) {
    return v;
  }
  rq_fail(reply, STRATA_E_VERSION_NOT_FOUND, "Version %d not found.", (int)version);
  return NULL;
}

/* The config documents that apply to (context, subject), most specific first. */
static size_t config_chain(reg_registry *reg, const char *context, const char *subject,
                           const json_t *chain[4]) {
  size_t n = 0;
  ix_context *ctx = ix_context_get(&reg->ix, context);
  ix_subject *s = subject != NULL && subject[0] != '\0' ? ix_subject_get(ctx, subject) : NULL;
  if (s != NULL && s->config != NULL) {
    chain[n++] = s->config;
  }
  if (ctx != NULL && ctx->config != NULL) {
    chain[n++] = ctx->config;
  }
  ix_context *global = ix_context_get(&reg->ix, SN_GLOBAL_CONTEXT);
  if (global != NULL && global->config != NULL && global != ctx) {
    chain[n++] = global->config;
  }
  return n;
}

json_t *reg_config_effective(reg_registry *reg, const char *context, const char *subject) {
  const json_t *chain[4];
  size_t n = config_chain(reg, context, subject, chain);
  json_t *merged = json_object();
  for (size_t i = n; i > 0; i--) {
    json_t *next = cf_merge(merged, chain[i - 1]);
    json_decref(merged);
    merged = next;
  }
  if (merged != NULL && json_object_get(merged, "compatibilityLevel") == NULL) {
    json_object_set_new(merged, "compatibilityLevel",
                        json_string(strata_compat_level_name(reg->default_level)));
  }
  return merged;
}

const json_t *reg_config_member(reg_registry *reg, const char *context, const char *subject,
                                const char *key) {
  const json_t *chain[4];
  size_t n = config_chain(reg, context, subject, chain);
  for (size_t i = 0; i < n; i++) {
    const json_t *value = json_object_get(chain[i], key);
    if (value != NULL) {
      return value;
    }
  }
  return NULL;
}

strata_compat_level reg_level_effective(reg_registry *reg, const char *context,
                                        const char *subject) {
  const char *name =
      json_string_value(reg_config_member(reg, context, subject, "compatibilityLevel"));
  strata_compat_level level;
  if (name != NULL && strata_compat_level_from_name(name, &level) == STRATA_E_OK) {
    return level;
  }
  return reg->default_level;
}

bool reg_target_owner(reg_registry *reg, const sn_subject *target, bool create, ix_context **ctx,
                      ix_subject **subject) {
  *ctx = create ? ix_context_ensure(&reg->ix, target->context)
                : ix_context_get(&reg->ix, target->context);
  *subject = NULL;
  if (*ctx == NULL || target->name[0] == '\0') {
    return *ctx != NULL;
  }
  *subject = create ? ix_subject_ensure(*ctx, target->name) : ix_subject_get(*ctx, target->name);
  return *subject != NULL;
}

const char *reg_mode_effective(reg_registry *reg, const char *context, const char *subject) {
  ix_context *ctx = ix_context_get(&reg->ix, context);
  ix_subject *s = subject != NULL && subject[0] != '\0' ? ix_subject_get(ctx, subject) : NULL;
  if (s != NULL && s->mode != NULL) {
    return s->mode;
  }
  if (ctx != NULL && ctx->mode != NULL) {
    return ctx->mode;
  }
  ix_context *global = ix_context_get(&reg->ix, SN_GLOBAL_CONTEXT);
  if (global != NULL && global->mode != NULL) {
    return global->mode;
  }
  return "READWRITE";
}

bool reg_mode_readonly(const char *mode) {
  return strcmp(mode, "READONLY") == 0 || strcmp(mode, "READONLY_OVERRIDE") == 0;
}

bool reg_mode_import(const char *mode) {
  return strcmp(mode, "IMPORT") == 0 || strcmp(mode, "FORWARD") == 0;
}

const char *reg_context_display(const char *context) {
  return strcmp(context, SN_DEFAULT_CONTEXT) == 0 ? "" : context;
}
