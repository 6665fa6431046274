/*
 * check_run.c - checks schema files against what a registry holds: reads the
 * subject's level, fetches the versions that level needs with everything they
 * reference, and checks locally with the compat library; for a type this
 * build cannot check, asks the registry's compatibility endpoint instead.
 */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* References nest at most this deep (a cycle would otherwise never end). */
#define CHK_MAX_DEPTH 32

/* A registered version this run fetched, and its parsed schema. */
typedef struct chk_registered {
  /** the subject as this run asked for it, and the version's number */
  char *subject;
  int version;
  strata_client_schema *schema;
  /** borrowed from the run's owned list; NULL for a type this build cannot parse */
  const strata_schema *parsed;
} chk_registered;

struct chk_run {
  const cli_ctx *ctx;
  strata_client *client;
  /* the registry could not be reached: later entries fail without trying */
  bool unreachable;
  char unreachable_message[512];
  chk_entry *entries;
  size_t count;
  chk_registered **registered;
  size_t nregistered;
  size_t cap_registered;
  /* every schema parsed, in order, so each is freed after the ones that use it */
  strata_schema **owned;
  size_t nowned;
  size_t cap_owned;
};

/* The issue the compat library reports for a version of another schema type. */
static const char type_mismatch_message[] =
    "the new schema and the old schema are of different schema types";

/* Where in @p e a failure is: "FILE", "FILE:LINE" or "FILE:LINE:COLUMN". */
static void failure_where(const chk_entry *e, int line, int column, char *buf, size_t cap) {
  if (line > 0 && column > 0) {
    snprintf(buf, cap, "%s:%d:%d", e->file, line, column);
  } else if (line > 0) {
    snprintf(buf, cap, "%s:%d", e->file, line);
  } else {
    snprintf(buf, cap, "%s", e->file);
  }
}

/* Records a failure of entry @p e in @p out; prints it on stderr when @p print. */
static void record_failure(chk_outcome *out, const chk_entry *e, bool print, int status, int line,
                           int column, const char *fmt, va_list ap) {
  char where[1100];
  out->status = status;
  out->line = line;
  out->column = column;
  vsnprintf(out->message, sizeof out->message, fmt, ap);
  if (print) {
    failure_where(e, line, column, where, sizeof where);
    cli_error("check: %s: %s", where, out->message);
  }
}

/* Prints "strata: check: FILE[:L[:C]]: message" and records the failure. */
static void run_fail(chk_outcome *out, const chk_entry *e, int status, int line, int column,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void run_fail(chk_outcome *out, const chk_entry *e, int status, int line, int column,
                     const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record_failure(out, e, true, status, line, column, fmt, ap);
  va_end(ap);
}

/* Records a failure that was already printed. */
static void run_record(chk_outcome *out, const chk_entry *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void run_record(chk_outcome *out, const chk_entry *e, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record_failure(out, e, false, status, 0, 0, fmt, ap);
  va_end(ap);
}

/*
 * Reports a failed client call made for entry @p e while doing @p what:
 * prints it (cli_client_failure()), records it and returns the status.
 * A missing subject or version and a schema the registry calls invalid are
 * input errors (2) here, not refusals. An unreachable registry is remembered,
 * so that the entries after this one fail at once instead of retrying.
 */
static int run_client_fail(chk_run *run, chk_outcome *out, const chk_entry *e, const char *what,
                           strata_error rc, const strata_client_error *err) {
  char label[1200];
  snprintf(label, sizeof label, "check: %s: %s", e->file, what);
  int status = cli_client_failure(label, rc, err);
  if (rc == STRATA_E_SUBJECT_NOT_FOUND || rc == STRATA_E_VERSION_NOT_FOUND ||
      rc == STRATA_E_INVALID_SCHEMA) {
    status = CLI_EXIT_USAGE;
  }
  const char *message = err != NULL && err->message[0] != '\0' ? err->message : strata_strerror(rc);
  if (err != NULL && err->http_status != 0) {
    run_record(out, e, status, "%s: %s (HTTP %d)", what, message, err->http_status);
  } else {
    run_record(out, e, status, "%s: %s", what, message);
  }
  if (rc == STRATA_E_UNAVAILABLE) {
    run->unreachable = true;
    snprintf(run->unreachable_message, sizeof run->unreachable_message, "%s", message);
  }
  return status;
}

chk_run *chk_run_new(const cli_ctx *ctx, chk_entry *entries, size_t count) {
  chk_run *run = calloc(1, sizeof *run);
  if (run == NULL) {
    cli_error("out of memory");
    return NULL;
  }
  run->ctx = ctx;
  run->entries = entries;
  run->count = count;
  return run;
}

void chk_run_free(chk_run **run) {
  if (run == NULL || *run == NULL) {
    return;
  }
  chk_run *r = *run;
  for (size_t i = 0; i < r->nregistered; i++) {
    strata_client_schema_free(&r->registered[i]->schema);
    free(r->registered[i]->subject);
    free(r->registered[i]);
  }
  free(r->registered);
  for (size_t i = r->nowned; i-- > 0;) {
    strata_schema_free(&r->owned[i]);
  }
  free(r->owned);
  for (size_t i = 0; i < r->count; i++) {
    r->entries[i].parsed = NULL;
  }
  strata_client_free(&r->client);
  free(r);
  *run = NULL;
}

void chk_outcome_release(chk_outcome *outcome) {
  cli_compat_report_release(&outcome->report);
  strata_compat_result_free(&outcome->result);
  for (size_t i = 0; i < outcome->nanswers; i++) {
    strata_client_compat_free(&outcome->answers[i]);
  }
  free(outcome->answers);
  memset(outcome, 0, sizeof *outcome);
}

/* Takes ownership of @p schema (freed with the run); false when out of memory (then freed). */
static bool run_own(chk_run *run, strata_schema *schema) {
  if (run->nowned == run->cap_owned) {
    size_t cap = run->cap_owned != 0 ? run->cap_owned * 2 : 16;
    strata_schema **grown = realloc(run->owned, cap * sizeof *grown);
    if (grown == NULL) {
      strata_schema_free(&schema);
      return false;
    }
    run->owned = grown;
    run->cap_owned = cap;
  }
  run->owned[run->nowned++] = schema;
  return true;
}

/* The run's client, connected on first use; NULL after recording a failure. */
static strata_client *run_client(chk_run *run, chk_outcome *out, const chk_entry *e) {
  if (run->unreachable) {
    run_fail(out, e, CLI_EXIT_UNAVAILABLE, 0, 0, "not checked, the registry is unreachable: %s",
             run->unreachable_message);
    return NULL;
  }
  if (run->client == NULL) {
    run->client = cli_connect(run->ctx);
    if (run->client == NULL) {
      run_record(out, e, CLI_EXIT_USAGE, "no usable registry URL");
    }
  }
  return run->client;
}

static chk_registered *registered_find(const chk_run *run, const char *subject, int version) {
  for (size_t i = 0; i < run->nregistered; i++) {
    chk_registered *r = run->registered[i];
    if (r->version == version && strcmp(r->subject, subject) == 0) {
      return r;
    }
  }
  return NULL;
}

const char *chk_run_registered_text(const chk_run *run, const char *subject, int version) {
  const chk_registered *r = registered_find(run, subject, version);
  return r != NULL ? r->schema->schema : NULL;
}

/*
 * Version @p version (or STRATA_CLIENT_LATEST) of @p subject, fetched with
 * everything it references and parsed when this build can parse its type.
 * Borrowed from the run; NULL after recording a failure in @p out.
 */
static const chk_registered *registered_get(chk_run *run, chk_outcome *out, const chk_entry *e,
                                            const char *subject, int version, int depth) {
  strata_client_schema *schema = NULL;
  const strata_schema **deps = NULL;
  strata_schema *parsed = NULL;
  chk_registered *entry = NULL;
  chk_registered *result = NULL;
  strata_client_error err;
  strata_diag diag;
  char what[600];

  if (depth > CHK_MAX_DEPTH) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0,
             "the references of %s nest deeper than %d levels (a reference cycle?)", subject,
             CHK_MAX_DEPTH);
    goto cleanup;
  }
  if (version != STRATA_CLIENT_LATEST &&
      (result = registered_find(run, subject, version)) != NULL) {
    goto cleanup;
  }
  strata_client *client = run_client(run, out, e);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error rc = strata_client_get_version(client, subject, version, false, &schema, &err);
  if (rc != STRATA_E_OK) {
    if (version == STRATA_CLIENT_LATEST) {
      snprintf(what, sizeof what, "fetching the latest version of %s", subject);
    } else {
      snprintf(what, sizeof what, "fetching version %d of %s", version, subject);
    }
    run_client_fail(run, out, e, what, rc, &err);
    goto cleanup;
  }
  if ((result = registered_find(run, subject, schema->version)) != NULL) {
    goto cleanup; /* "latest" named a version fetched before */
  }
  if (strata_schema_type_supported(schema->type)) {
    if (schema->reference_count > 0) {
      deps = calloc(schema->reference_count, sizeof *deps);
      if (deps == NULL) {
        run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
        goto cleanup;
      }
    }
    for (size_t i = 0; i < schema->reference_count; i++) {
      const strata_client_reference *ref = &schema->references[i];
      const chk_registered *dep =
          registered_get(run, out, e, ref->subject, ref->version, depth + 1);
      if (dep == NULL) {
        goto cleanup;
      }
      if (dep->parsed == NULL) {
        run_fail(out, e, CLI_EXIT_USAGE, 0, 0,
                 "version %d of %s references %s version %d, a %s schema this build cannot "
                 "parse",
                 schema->version, subject, ref->subject, dep->schema->version,
                 strata_schema_type_name(dep->schema->type));
        goto cleanup;
      }
      deps[i] = dep->parsed;
    }
    memset(&diag, 0, sizeof diag);
    rc = strata_schema_parse(schema->type, schema->schema, strlen(schema->schema), deps,
                             schema->reference_count, &parsed, &diag);
    if (rc != STRATA_E_OK) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "version %d of %s, as registered, does not parse: %s",
               schema->version, subject,
               diag.message[0] != '\0' ? diag.message : strata_strerror(rc));
      goto cleanup;
    }
  }
  if (run->nregistered == run->cap_registered) {
    size_t cap = run->cap_registered != 0 ? run->cap_registered * 2 : 16;
    chk_registered **grown = realloc(run->registered, cap * sizeof *grown);
    if (grown == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
    run->registered = grown;
    run->cap_registered = cap;
  }
  entry = calloc(1, sizeof *entry);
  if (entry == NULL || (entry->subject = strdup(subject)) == NULL) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
    goto cleanup;
  }
  entry->version = schema->version > 0 ? schema->version : version;
  if (parsed != NULL) {
    strata_schema *owned = parsed;
    parsed = NULL;
    if (!run_own(run, owned)) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
    entry->parsed = owned;
  }
  entry->schema = schema;
  schema = NULL;
  run->registered[run->nregistered++] = entry;
  result = entry;
  entry = NULL;

cleanup:
  if (entry != NULL) {
    free(entry->subject);
    free(entry);
  }
  strata_schema_free(&parsed);
  free(deps);
  strata_client_schema_free(&schema);
  return result;
}

/* Reads entry @p e's file into e->text; false after recording the failure. */
static bool entry_read(chk_outcome *out, chk_entry *e) {
  if (e->text != NULL) {
    return true;
  }
  e->text = cli_read_file(e->file, &e->len);
  if (e->text == NULL) {
    int saved = errno; /* cli_read_file() printed the error */
    run_record(out, e, CLI_EXIT_USAGE, "cannot read the file: %s", strerror(saved));
    return false;
  }
  if (strlen(e->text) != e->len) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "the schema text contains a NUL byte");
    return false;
  }
  return true;
}

static bool entry_parse(chk_run *run, chk_outcome *out, size_t index, int depth);

/* The parsed schema reference @p ref of entry @p e means; NULL after recording a failure. */
static const strata_schema *entry_dependency(chk_run *run, chk_outcome *out, chk_entry *e,
                                             const chk_ref *ref, int depth) {
  if (ref->entry >= 0) {
    chk_entry *target = &run->entries[ref->entry];
    chk_outcome scratch = {0};
    if (target->state == CHK_PARSE_BUSY) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "reference %s: the manifest's references form a cycle",
               ref->name);
      return NULL;
    }
    bool ok = entry_parse(run, &scratch, (size_t)ref->entry, depth + 1);
    int status = scratch.status;
    chk_outcome_release(&scratch);
    if (!ok) {
      run_fail(out, e, status, 0, 0, "reference %s: %s could not be checked", ref->name,
               target->file);
      return NULL;
    }
    if (target->parsed == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0,
               "reference %s: %s is a %s schema, which this build cannot parse", ref->name,
               target->file, strata_schema_type_name(target->type));
      return NULL;
    }
    return target->parsed;
  }
  const chk_registered *dep = registered_get(run, out, e, ref->subject, ref->version, depth + 1);
  if (dep == NULL) {
    return NULL;
  }
  if (dep->parsed == NULL) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0,
             "reference %s: %s version %d is a %s schema, which this build cannot parse", ref->name,
             ref->subject, dep->schema->version, strata_schema_type_name(dep->schema->type));
    return NULL;
  }
  return dep->parsed;
}

/*
 * Reads and parses entry @p index with its references (other entries' files
 * or registered versions). A type this build cannot parse is only read.
 * False after recording the failure in @p out; a failed entry keeps its
 * failure and replays it (without printing it again) when asked again.
 */
static bool entry_parse(chk_run *run, chk_outcome *out, size_t index, int depth) {
  chk_entry *e = &run->entries[index];
  const strata_schema **deps = NULL;
  strata_schema *parsed = NULL;
  strata_diag diag;
  bool ok = false;

  if (e->state == CHK_PARSE_DONE) {
    return true;
  }
  if (e->state == CHK_PARSE_FAILED) {
    out->status = e->fail_status;
    out->line = e->fail_line;
    out->column = e->fail_column;
    snprintf(out->message, sizeof out->message, "%s", e->fail_message);
    return false;
  }
  e->state = CHK_PARSE_BUSY;
  if (depth > CHK_MAX_DEPTH) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "references nest deeper than %d levels", CHK_MAX_DEPTH);
    goto cleanup;
  }
  if (!entry_read(out, e)) {
    goto cleanup;
  }
  if (!strata_schema_type_supported(e->type)) {
    ok = true; /* the registry will parse it */
    goto cleanup;
  }
  if (e->nrefs > 0) {
    deps = calloc(e->nrefs, sizeof *deps);
    if (deps == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
  }
  for (size_t i = 0; i < e->nrefs; i++) {
    deps[i] = entry_dependency(run, out, e, &e->refs[i], depth);
    if (deps[i] == NULL) {
      goto cleanup;
    }
  }
  memset(&diag, 0, sizeof diag);
  strata_error rc = strata_schema_parse(e->type, e->text, e->len, deps, e->nrefs, &parsed, &diag);
  if (rc != STRATA_E_OK) {
    int line = diag.line;
    int column = diag.column;
    if (line <= 0 && diag.path[0] != '\0' &&
        cli_json_locate(e->text, e->len, diag.path, &line, &column) < 0) {
      line = column = 0;
    }
    run_fail(out, e, CLI_EXIT_USAGE, line, column, "%s",
             diag.message[0] != '\0' ? diag.message : strata_strerror(rc));
    goto cleanup;
  }
  strata_schema *owned = parsed;
  parsed = NULL;
  if (!run_own(run, owned)) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
    goto cleanup;
  }
  e->parsed = owned;
  ok = true;

cleanup:
  if (ok) {
    e->state = CHK_PARSE_DONE;
  } else {
    e->state = CHK_PARSE_FAILED;
    e->fail_status = out->status;
    e->fail_line = out->line;
    e->fail_column = out->column;
    snprintf(e->fail_message, sizeof e->fail_message, "%s", out->message);
  }
  strata_schema_free(&parsed);
  free(deps);
  return ok;
}

/* The subject's effective level; false after recording a failure. */
static bool run_level(chk_run *run, chk_outcome *out, const chk_entry *e,
                      strata_compat_level *level) {
  strata_client_config *config = NULL;
  strata_client_error err;
  char what[600];
  bool ok = false;

  strata_client *client = run_client(run, out, e);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error rc = strata_client_get_config(client, e->subject, true, &config, &err);
  if (rc == STRATA_E_SUBJECT_NOT_FOUND ||
      rc == STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) {
    /* registries that do not know defaultToGlobal */
    rc = strata_client_get_config(client, NULL, false, &config, &err);
  }
  if (rc != STRATA_E_OK) {
    snprintf(what, sizeof what, "reading the compatibility level of %s", e->subject);
    run_client_fail(run, out, e, what, rc, &err);
    goto cleanup;
  }
  const char *name = config->compatibility_level != NULL ? config->compatibility_level : "BACKWARD";
  if (strata_compat_level_from_name(name, level) != STRATA_E_OK) {
    run_fail(out, e, CLI_EXIT_UNAVAILABLE, 0, 0,
             "the registry reports an unknown compatibility level '%s' for %s", name, e->subject);
    goto cleanup;
  }
  ok = true;

cleanup:
  strata_client_config_free(&config);
  return ok;
}

/* The subject's live versions, ascending (*versions NULL when it has none). */
static bool run_versions(chk_run *run, chk_outcome *out, const chk_entry *e,
                         strata_client_ints **versions) {
  strata_client_error err;
  char what[600];
  strata_client *client = run_client(run, out, e);
  *versions = NULL;
  if (client == NULL) {
    return false;
  }
  strata_error rc = strata_client_list_versions(client, e->subject, false, versions, &err);
  if (rc == STRATA_E_SUBJECT_NOT_FOUND || rc == STRATA_E_SUBJECT_SOFT_DELETED) {
    *versions = NULL; /* a new subject: the file would be its first version */
    return true;
  }
  if (rc != STRATA_E_OK) {
    snprintf(what, sizeof what, "listing the versions of %s", e->subject);
    run_client_fail(run, out, e, what, rc, &err);
    return false;
  }
  return true;
}

static bool level_transitive(strata_compat_level level) {
  return level == STRATA_COMPAT_BACKWARD_TRANSITIVE || level == STRATA_COMPAT_FORWARD_TRANSITIVE ||
         level == STRATA_COMPAT_FULL_TRANSITIVE;
}

static strata_compat_level level_to_transitive(strata_compat_level level) {
  switch (level) {
  case STRATA_COMPAT_BACKWARD:
    return STRATA_COMPAT_BACKWARD_TRANSITIVE;
  case STRATA_COMPAT_FORWARD:
    return STRATA_COMPAT_FORWARD_TRANSITIVE;
  case STRATA_COMPAT_FULL:
    return STRATA_COMPAT_FULL_TRANSITIVE;
  default:
    return level;
  }
}

/*
 * The versions to check against, ascending, as a new array (*selected, free())
 * of *count entries: by the entry's scope and @p level, out of @p live.
 * False after recording a failure (a --version the subject does not have).
 */
static bool select_versions(chk_outcome *out, const chk_entry *e, strata_compat_level level,
                            const strata_client_ints *live, int **selected, size_t *count) {
  size_t nlive = live != NULL ? live->count : 0;
  *selected = NULL;
  *count = 0;
  if (e->scope == CHK_SCOPE_VERSION) {
    int want = e->version;
    bool found = false;
    for (size_t i = 0; i < nlive && !found; i++) {
      found = live->items[i] == want;
    }
    if (want == STRATA_CLIENT_LATEST && nlive > 0) {
      want = (int)live->items[nlive - 1];
      found = true;
    }
    if (!found) {
      if (nlive == 0) {
        run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "subject %s has no registered versions", e->subject);
      } else {
        run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "subject %s has no live version %d", e->subject,
                 want);
      }
      return false;
    }
    if (level == STRATA_COMPAT_NONE) {
      return true;
    }
    *selected = malloc(sizeof **selected);
    if (*selected == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      return false;
    }
    (*selected)[0] = want;
    *count = 1;
    return true;
  }
  if (level == STRATA_COMPAT_NONE || nlive == 0) {
    return true;
  }
  size_t first = level_transitive(level) ? 0 : nlive - 1;
  *selected = calloc(nlive - first, sizeof **selected);
  if (*selected == NULL) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
    return false;
  }
  for (size_t i = first; i < nlive; i++) {
    (*selected)[(*count)++] = (int)live->items[i];
  }
  return true;
}

/* Checks @p e locally against @p selected (ascending) at @p level. */
static void check_local(chk_run *run, chk_outcome *out, const chk_entry *e,
                        strata_compat_level level, const int *selected, size_t nselected) {
  const strata_schema **previous = NULL;
  int *versions = NULL;
  int *mismatched = NULL;
  size_t nprevious = 0;
  size_t nmismatched = 0;

  if (nselected > 0) {
    previous = calloc(nselected, sizeof *previous);
    versions = calloc(nselected, sizeof *versions);
    mismatched = calloc(nselected, sizeof *mismatched);
    if (previous == NULL || versions == NULL || mismatched == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
  }
  for (size_t i = 0; i < nselected; i++) {
    const chk_registered *r = registered_get(run, out, e, e->subject, selected[i], 0);
    if (r == NULL) {
      goto cleanup;
    }
    if (r->parsed != NULL) {
      previous[nprevious] = r->parsed;
      versions[nprevious++] = selected[i];
    } else {
      mismatched[nmismatched++] = selected[i]; /* a type this build cannot parse */
    }
  }
  strata_error rc =
      strata_compat_check(level, e->parsed, previous, versions, nprevious, &out->result);
  if (rc != STRATA_E_OK) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "%s", strata_strerror(rc));
    goto cleanup;
  }
  /* The library's issues come newest version first; put the mismatches in that order. */
  cli_compat_report_init(&out->report, level);
  out->report.previous_count = nselected;
  size_t count = strata_compat_result_issue_count(out->result);
  size_t k = 0;
  size_t m = nmismatched;
  while (k < count || m > 0) {
    const strata_compat_issue *issue =
        k < count ? strata_compat_result_issue(out->result, k) : NULL;
    cli_compat_issue item;
    if (m > 0 && (issue == NULL || mismatched[m - 1] > issue->version)) {
      item = (cli_compat_issue){"SCHEMA_TYPE_MISMATCH", "/",
                                type_mismatch_message,  STRATA_DIRECTION_BACKWARD,
                                mismatched[--m],        e->subject};
    } else {
      item = (cli_compat_issue){issue->code,      issue->path,    issue->message,
                                issue->direction, issue->version, e->subject};
      k++;
    }
    if (!cli_compat_report_add(&out->report, &item)) {
      run_record(out, e, CLI_EXIT_USAGE, "out of memory");
      goto cleanup;
    }
  }
  out->status = out->report.issue_count == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;

cleanup:
  free(mismatched);
  free(versions);
  free(previous);
}

/* True for the entries of a verbose answer that describe the check rather than an issue. */
static bool registry_message_is_detail(const char *message, int *old_version) {
  if (sscanf(message, "{oldSchemaVersion: %d", old_version) == 1) {
    return true;
  }
  return strncmp(message, "{oldSchema:", 11) == 0 ||
         strncmp(message, "{validateFields:", 16) == 0 ||
         strncmp(message, "{compatibility:", 15) == 0;
}

/* Adds the issues of one verbose registry answer; @p version 0 = the registry chose. */
static bool registry_issues(chk_outcome *out, const chk_entry *e, strata_compat_level level,
                            const strata_client_compat *answer, int version, int fallback) {
  strata_compat_direction direction =
      level == STRATA_COMPAT_FORWARD || level == STRATA_COMPAT_FORWARD_TRANSITIVE
          ? STRATA_DIRECTION_FORWARD
          : STRATA_DIRECTION_BACKWARD;
  int reported = 0;
  size_t added = 0;
  for (size_t i = 0; i < answer->message_count; i++) {
    int v = 0;
    if (registry_message_is_detail(answer->messages[i], &v) && v > 0) {
      reported = v;
    }
  }
  if (version == 0) {
    version = reported > 0 ? reported : fallback;
  }
  for (size_t i = 0; i < answer->message_count; i++) {
    int v = 0;
    if (registry_message_is_detail(answer->messages[i], &v)) {
      continue;
    }
    cli_compat_issue item = {"REGISTRY", "", answer->messages[i], direction, version, e->subject};
    if (!cli_compat_report_add(&out->report, &item)) {
      return false;
    }
    added++;
  }
  if (added == 0) {
    cli_compat_issue item = {
        "REGISTRY", "",      "the registry reports the schema incompatible and gives no reason",
        direction,  version, e->subject};
    return cli_compat_report_add(&out->report, &item);
  }
  return true;
}

/* Checks @p e, of a type this build cannot check, with the registry's compatibility endpoint. */
static void check_by_registry(chk_run *run, chk_outcome *out, const chk_entry *e,
                              strata_compat_level level, const strata_client_ints *live) {
  strata_client_reference *refs = NULL;
  int *calls_all = NULL;
  strata_client_schema_input input;
  strata_client_error err;
  char what[600];
  size_t nlive = live != NULL ? live->count : 0;

  out->by_registry = true;
  memset(&input, 0, sizeof input);
  input.type = e->type;
  input.schema = e->text;
  if (e->nrefs > 0) {
    refs = calloc(e->nrefs, sizeof *refs);
    if (refs == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < e->nrefs; i++) {
      refs[i].name = e->refs[i].name;
      refs[i].subject = e->refs[i].subject;
      /* another manifest entry: the registry knows its latest registered version only */
      refs[i].version = e->refs[i].entry >= 0 ? STRATA_CLIENT_LATEST : e->refs[i].version;
    }
    input.references = refs;
    input.reference_count = e->nrefs;
  }

  /* The versions to ask about, newest first; 0 asks the registry to choose as registering would. */
  int calls_one[1] = {0};
  const int *calls = calls_one;
  size_t ncalls = 0;
  strata_compat_level reported = level;
  size_t previous_count = 0;
  if (e->scope == CHK_SCOPE_VERSION) {
    int *one = NULL;
    size_t n = 0;
    if (!select_versions(out, e, STRATA_COMPAT_BACKWARD, live, &one, &n)) {
      goto cleanup;
    }
    calls_one[0] = one[0];
    free(one);
    ncalls = 1;
    previous_count = 1;
  } else if (nlive > 0 && e->scope == CHK_SCOPE_ALL) {
    reported = level_to_transitive(level);
    calls_all = calloc(nlive, sizeof *calls_all);
    if (calls_all == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < nlive; i++) {
      calls_all[i] = (int)live->items[nlive - 1 - i];
    }
    calls = calls_all;
    ncalls = nlive;
    previous_count = reported == STRATA_COMPAT_NONE ? 0 : nlive;
  } else if (nlive > 0) {
    ncalls = 1;
    previous_count = level == STRATA_COMPAT_NONE ? 0 : level_transitive(level) ? nlive : 1;
  }
  if (ncalls > 0) {
    out->answers = calloc(ncalls, sizeof *out->answers);
    if (out->answers == NULL) {
      run_fail(out, e, CLI_EXIT_USAGE, 0, 0, "out of memory");
      goto cleanup;
    }
  }
  cli_compat_report_init(&out->report, reported);
  out->report.previous_count = previous_count;
  for (size_t i = 0; i < ncalls; i++) {
    strata_client_compat *answer = NULL;
    strata_error rc = strata_client_test_compatibility(run->client, e->subject, calls[i], &input,
                                                       true, &answer, &err);
    if (rc != STRATA_E_OK) {
      if (calls[i] > 0) {
        snprintf(what, sizeof what, "checking against version %d of %s", calls[i], e->subject);
      } else {
        snprintf(what, sizeof what, "checking against %s", e->subject);
      }
      run_client_fail(run, out, e, what, rc, &err);
      goto cleanup;
    }
    out->answers[out->nanswers++] = answer;
    if (!answer->is_compatible && !registry_issues(out, e, level, answer, calls[i],
                                                   nlive > 0 ? (int)live->items[nlive - 1] : 0)) {
      run_record(out, e, CLI_EXIT_USAGE, "out of memory");
      goto cleanup;
    }
  }
  out->status = out->report.issue_count == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;

cleanup:
  free(calls_all);
  free(refs);
}

void chk_run_entry(chk_run *run, size_t index, chk_outcome *out) {
  chk_entry *e = &run->entries[index];
  strata_client_ints *live = NULL;
  int *selected = NULL;
  size_t nselected = 0;
  strata_compat_level level = STRATA_COMPAT_BACKWARD;

  memset(out, 0, sizeof *out);
  out->status = CLI_EXIT_USAGE;
  if (!entry_parse(run, out, index, 0)) {
    goto cleanup;
  }
  bool local = e->parsed != NULL;
  if (!local && e->has_level) {
    run_fail(out, e, CLI_EXIT_USAGE, 0, 0,
             "a level cannot be given for %s schemas: this build cannot check them, and the "
             "registry checks them at the subject's own level",
             strata_schema_type_name(e->type));
    goto cleanup;
  }
  if (e->has_level) {
    level = e->level;
  } else if (!run_level(run, out, e, &level)) {
    goto cleanup;
  }
  if (!run_versions(run, out, e, &live)) {
    goto cleanup;
  }
  if (!local) {
    check_by_registry(run, out, e, level, live);
    goto cleanup;
  }
  if (e->scope == CHK_SCOPE_ALL) {
    level = level_to_transitive(level);
  }
  if (!select_versions(out, e, level, live, &selected, &nselected)) {
    goto cleanup;
  }
  check_local(run, out, e, level, selected, nselected);

cleanup:
  free(selected);
  strata_client_ints_free(&live);
}
