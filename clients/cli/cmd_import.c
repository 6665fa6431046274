/*
 * cmd_import.c - `strata import [--quiet] DIR`: registers what `strata
 * export` wrote into a registry in IMPORT mode, keeping every id and version:
 * versions in dependency order (referenced versions first, then ids
 * ascending), then the soft deletes, then configs, then modes. What the
 * target already holds identically is skipped, so an import can be re-run.
 */
#include "cli.h"
#include "export_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

static const char import_usage[] =
    "usage: strata import [--quiet] [--format text|json] DIR\n"
    "\n"
    "Registers the export in DIR (written by `strata export`) into the registry,\n"
    "keeping every schema id and version number, then re-applies soft deletes,\n"
    "configs and modes. Every subject that gets new versions must be in IMPORT mode\n"
    "(`strata mode --set IMPORT`). Versions the registry already holds identically\n"
    "are skipped, so re-running an import changes nothing.\n"
    "\n"
    "  --quiet          print no progress on stderr\n"
    "  --format FORMAT  text (default) or json: a one-line JSON summary\n" CLI_GLOBAL_OPTIONS_HELP
    "\n"
    "Exit status: 0 imported, 1 the registry refused (not in IMPORT mode, an id or\n"
    "version that holds a different schema), 2 usage or input error (DIR is not a\n"
    "readable export), 3 registry unreachable or server error.\n";

/* What the target registry holds at a version of the export. */
enum {
  TARGET_MISSING = 0,
  TARGET_LIVE,
  TARGET_DELETED
};

typedef struct import_run {
  strata_client *client;
  xf_index index;
  /* every version, subject by subject as in the index */
  xf_version **flat;
  size_t nflat;
  /* per flat version: what the target holds (TARGET_*) */
  unsigned char *target;
  /* the registration order: positions in flat */
  size_t *order;
  size_t registered;
  size_t present;
  size_t soft_deleted;
  size_t configs;
  size_t modes;
  cli_progress progress;
} import_run;

/* ------------------------------------------------------------------------ */
/* Dependency order                                                         */
/* ------------------------------------------------------------------------ */

/* Node order before dependencies: ids ascending, then subject and version. */
static int rank_compare(xf_version *const *flat, size_t a, size_t b) {
  const xf_version *x = flat[a];
  const xf_version *y = flat[b];
  if (x->id != y->id) {
    return x->id < y->id ? -1 : 1;
  }
  int c = strcmp(x->subject, y->subject);
  if (c != 0) {
    return c;
  }
  return (x->version > y->version) - (x->version < y->version);
}

/* Sorts the flat positions @p items by rank_compare() (a bottom-up merge sort:
 * qsort() has no context argument in C11). Returns false when out of memory. */
static bool rank_sort(xf_version *const *flat, size_t *items, size_t count) {
  size_t *tmp = malloc((count + 1) * sizeof *tmp);
  if (tmp == NULL) {
    return false;
  }
  for (size_t width = 1; width < count; width *= 2) {
    for (size_t lo = 0; lo < count; lo += 2 * width) {
      size_t mid = lo + width < count ? lo + width : count;
      size_t hi = lo + 2 * width < count ? lo + 2 * width : count;
      size_t i = lo;
      size_t j = mid;
      size_t k = lo;
      while (i < mid && j < hi) {
        tmp[k++] = rank_compare(flat, items[j], items[i]) < 0 ? items[j++] : items[i++];
      }
      while (i < mid) {
        tmp[k++] = items[i++];
      }
      while (j < hi) {
        tmp[k++] = items[j++];
      }
    }
    memcpy(items, tmp, count * sizeof *tmp);
  }
  free(tmp);
  return true;
}

/* A min-heap of flat positions keyed by rank. */
typedef struct rank_heap {
  size_t *items;
  size_t count;
  const size_t *rank;
} rank_heap;

static void heap_push(rank_heap *h, size_t node) {
  size_t i = h->count++;
  h->items[i] = node;
  while (i > 0 && h->rank[h->items[(i - 1) / 2]] > h->rank[h->items[i]]) {
    size_t parent = (i - 1) / 2;
    size_t t = h->items[parent];
    h->items[parent] = h->items[i];
    h->items[i] = t;
    i = parent;
  }
}

static size_t heap_pop(rank_heap *h) {
  size_t top = h->items[0];
  h->items[0] = h->items[--h->count];
  size_t i = 0;
  while (true) {
    size_t l = 2 * i + 1;
    size_t r = l + 1;
    size_t m = i;
    if (l < h->count && h->rank[h->items[l]] < h->rank[h->items[m]]) {
      m = l;
    }
    if (r < h->count && h->rank[h->items[r]] < h->rank[h->items[m]]) {
      m = r;
    }
    if (m == i) {
      break;
    }
    size_t t = h->items[m];
    h->items[m] = h->items[i];
    h->items[i] = t;
    i = m;
  }
  return top;
}

/* The map key of (subject, version): the subject normalised as a reference target. */
static char *node_key(const char *referrer, const char *subject, int version) {
  char *name = xf_reference_subject(referrer, subject);
  char *key = NULL;
  if (name != NULL) {
    size_t n = strlen(name) + 16;
    key = malloc(n);
    if (key != NULL) {
      snprintf(key, n, "%s\n%d", name, version);
    }
  }
  free(name);
  return key;
}

/*
 * Fills run->order: a version comes after every version its references name
 * (when the export holds them), otherwise ids ascending. Returns false after
 * printing an error (out of memory, a reference cycle).
 */
static bool plan_order(import_run *run) {
  size_t n = run->nflat;
  json_t *keys = json_object();
  size_t *rank = calloc(n + 1, sizeof *rank);
  size_t *indegree = calloc(n + 1, sizeof *indegree);
  size_t *edge_start = calloc(n + 2, sizeof *edge_start);
  size_t *edges = NULL;
  size_t *sorted = calloc(n + 1, sizeof *sorted);
  rank_heap heap = {calloc(n + 1, sizeof(size_t)), 0, rank};
  char *key = NULL;
  size_t nedges = 0;
  bool ok = false;

  run->order = calloc(n + 1, sizeof *run->order);
  if (keys == NULL || rank == NULL || indegree == NULL || edge_start == NULL || sorted == NULL ||
      heap.items == NULL || run->order == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    key = node_key(run->flat[i]->subject, run->flat[i]->subject, run->flat[i]->version);
    if (key == NULL || json_object_set_new(keys, key, json_integer((json_int_t)i)) != 0) {
      cli_error("out of memory");
      goto cleanup;
    }
    free(key);
    key = NULL;
    sorted[i] = i;
  }
  if (!rank_sort(run->flat, sorted, n)) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    rank[sorted[i]] = i;
  }
  /* Edges target -> referrer, stored per target (two passes: count, then fill). */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < n; i++) {
      const xf_version *v = run->flat[i];
      for (size_t r = 0; r < v->nrefs; r++) {
        key = node_key(v->subject, v->refs[r].subject, v->refs[r].version);
        if (key == NULL) {
          cli_error("out of memory");
          goto cleanup;
        }
        json_t *target = json_object_get(keys, key);
        free(key);
        key = NULL;
        if (target == NULL || (size_t)json_integer_value(target) == i) {
          continue;
        }
        size_t t = (size_t)json_integer_value(target);
        if (pass == 0) {
          edge_start[t + 1]++;
          indegree[i]++;
        } else {
          edges[edge_start[t]++] = i;
        }
      }
    }
    if (pass == 0) {
      for (size_t i = 0; i < n; i++) {
        edge_start[i + 1] += edge_start[i];
      }
      nedges = edge_start[n];
      edges = calloc(nedges + 1, sizeof *edges);
      if (edges == NULL) {
        cli_error("out of memory");
        goto cleanup;
      }
    }
  }
  /* After the fill pass edge_start[t] is the end of t's edges; the start is the previous end. */
  for (size_t i = 0; i < n; i++) {
    if (indegree[i] == 0) {
      heap_push(&heap, i);
    }
  }
  size_t count = 0;
  while (heap.count > 0) {
    size_t node = heap_pop(&heap);
    run->order[count++] = node;
    size_t begin = node == 0 ? 0 : edge_start[node - 1];
    for (size_t e = begin; e < edge_start[node]; e++) {
      if (--indegree[edges[e]] == 0) {
        heap_push(&heap, edges[e]);
      }
    }
  }
  if (count < n) {
    for (size_t i = 0; i < n; i++) {
      if (indegree[i] > 0) {
        cli_error("import: the references of subject '%s' version %d form a cycle",
                  run->flat[i]->subject, run->flat[i]->version);
        break;
      }
    }
    goto cleanup;
  }
  ok = true;

cleanup:
  free(key);
  free(heap.items);
  free(sorted);
  free(edges);
  free(edge_start);
  free(indegree);
  free(rank);
  json_decref(keys);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* The target registry                                                      */
/* ------------------------------------------------------------------------ */

static int fail(import_run *run, const char *what, strata_error rc,
                const strata_client_error *err) {
  return cli_progress_client_failure(&run->progress, what, rc, err);
}

/* "import: subject 'S' version V" for messages, into @p buf. */
static const char *version_name(char *buf, size_t size, const xf_version *v) {
  snprintf(buf, size, "import: subject '%s' version %d (id %lld)", v->subject, v->version,
           (long long)v->id);
  return buf;
}

static strata_client_schema_input version_input(const xf_version *v, bool with_ids) {
  strata_client_schema_input input = {0};
  input.type = v->type;
  input.schema = v->schema;
  input.references = v->refs;
  input.reference_count = v->nrefs;
  input.metadata = v->metadata;
  input.rule_set = v->rule_set;
  if (with_ids) {
    input.id = v->id;
    input.version = v->version;
  }
  return input;
}

static bool same_references(const xf_version *v, const strata_client_schema *have) {
  if (v->nrefs != have->reference_count) {
    return false;
  }
  for (size_t i = 0; i < v->nrefs; i++) {
    const strata_client_reference *a = &v->refs[i];
    const strata_client_reference *b = &have->references[i];
    if (strcmp(a->name, b->name) != 0 || strcmp(a->subject, b->subject) != 0 ||
        a->version != b->version) {
      return false;
    }
  }
  return true;
}

/*
 * Compares the target's version with the export's: the same id and
 * references, and the same schema (the same text, or a lookup of the exported
 * text finding that id). Returns CLI_EXIT_OK when they match.
 */
static int compare_version(import_run *run, const xf_version *v, const strata_client_schema *have) {
  char name[600];
  strata_client_schema *found = NULL;
  strata_client_error err;
  int status = CLI_EXIT_FAILED;

  version_name(name, sizeof name, v);
  if (have->id != v->id) {
    cli_progress_pause(&run->progress);
    cli_error("%s: the target registry already holds this version with id %lld", name,
              (long long)have->id);
    goto cleanup;
  }
  if (!same_references(v, have)) {
    cli_progress_pause(&run->progress);
    cli_error("%s: the target registry already holds this version with other references", name);
    goto cleanup;
  }
  if (strcmp(have->schema, v->schema) != 0) {
    strata_client_schema_input input = version_input(v, false);
    strata_error rc =
        strata_client_lookup(run->client, v->subject, &input, false, true, &found, &err);
    if (rc != STRATA_E_OK && err.http_status != 404) {
      status = fail(run, name, rc, &err);
      goto cleanup;
    }
    if (rc != STRATA_E_OK || found->id != v->id) {
      cli_progress_pause(&run->progress);
      cli_error("%s: the target registry already holds this version with a different schema", name);
      goto cleanup;
    }
  }
  status = CLI_EXIT_OK;

cleanup:
  strata_client_schema_free(&found);
  return status;
}

/* What the target holds of subject @p s, whose versions start at flat[first]. */
static int survey_subject(import_run *run, const xf_subject *s, size_t first) {
  strata_client_ints *all = NULL;
  strata_client_ints *live = NULL;
  strata_client_schema *have = NULL;
  strata_client_error err;
  char name[600];
  int status = CLI_EXIT_OK;

  strata_error rc = xf_list_subject_versions(run->client, s->name, &all, &live, &err);
  if (rc != STRATA_E_OK || all == NULL) {
    status = rc != STRATA_E_OK ? fail(run, "import", rc, &err) : CLI_EXIT_OK;
    goto cleanup;
  }
  for (size_t k = 0; k < s->nversions; k++) {
    const xf_version *v = &s->versions[k];
    if (!cli_ints_contain(all, v->version)) {
      continue;
    }
    rc = strata_client_get_version(run->client, s->name, v->version, true, &have, &err);
    if (rc != STRATA_E_OK) {
      status = fail(run, version_name(name, sizeof name, v), rc, &err);
      goto cleanup;
    }
    status = compare_version(run, v, have);
    strata_client_schema_free(&have);
    if (status != CLI_EXIT_OK) {
      goto cleanup;
    }
    bool deleted = !cli_ints_contain(live, v->version);
    if (deleted && !v->deleted) {
      cli_progress_pause(&run->progress);
      cli_error("%s: soft-deleted in the target registry but live in the export; a soft delete "
                "cannot be undone",
                version_name(name, sizeof name, v));
      status = CLI_EXIT_FAILED;
      goto cleanup;
    }
    run->target[first + k] = deleted ? TARGET_DELETED : TARGET_LIVE;
    run->present++;
  }

cleanup:
  strata_client_schema_free(&have);
  strata_client_ints_free(&live);
  strata_client_ints_free(&all);
  return status;
}

/* Whether @p mode accepts registrations with ids. */
static bool mode_imports(const char *mode) {
  return strcasecmp(mode, "IMPORT") == 0 || strcasecmp(mode, "FORWARD") == 0;
}

/* Every subject that gets new versions must be in IMPORT mode (checked before any write). */
static int check_modes(import_run *run) {
  char *global = NULL;
  char *mode = NULL;
  strata_client_error err;
  int status = CLI_EXIT_OK;
  size_t pos = 0;

  for (size_t i = 0; i < run->index.nsubjects; i++) {
    const xf_subject *s = &run->index.subjects[i];
    bool writes = false;
    for (size_t k = 0; k < s->nversions; k++) {
      writes = writes || run->target[pos + k] == TARGET_MISSING;
    }
    pos += s->nversions;
    if (!writes) {
      continue;
    }
    strata_error rc = strata_client_get_mode(run->client, s->name, true, &mode, &err);
    if (rc != STRATA_E_OK && err.http_status == 404) {
      /* A registry without subject modes: the global mode decides. */
      if (global == NULL) {
        rc = strata_client_get_mode(run->client, NULL, false, &global, &err);
      }
      if (global != NULL) {
        mode = strdup(global);
        rc = mode != NULL ? STRATA_E_OK : STRATA_E_NOMEM;
      }
    }
    if (rc != STRATA_E_OK) {
      status = fail(run, "import", rc, &err);
      goto cleanup;
    }
    if (!mode_imports(mode)) {
      cli_progress_pause(&run->progress);
      bool in_context = s->name[0] == ':' && s->name[1] == '.' && s->name[2] != ':';
      cli_error("import: subject '%s' is in %s mode in the target registry; an import needs "
                "IMPORT mode: switch %s first, e.g. 'strata mode %s--set IMPORT' (add --force "
                "when the registry already holds subjects)",
                s->name, mode, in_context ? "its context or every context" : "the registry",
                in_context ? ":.__GLOBAL: " : "");
      status = CLI_EXIT_FAILED;
      goto cleanup;
    }
    free(mode);
    mode = NULL;
  }

cleanup:
  free(mode);
  free(global);
  return status;
}

static int register_version(import_run *run, const xf_version *v) {
  strata_client_schema *out = NULL;
  strata_client_error err;
  char name[600];
  int status = CLI_EXIT_OK;

  strata_client_schema_input input = version_input(v, true);
  strata_error rc = strata_client_register(run->client, v->subject, &input, false, &out, &err);
  version_name(name, sizeof name, v);
  if (rc != STRATA_E_OK) {
    status = fail(run, name, rc, &err);
    if (err.error_code == 42205 && strstr(err.message, "schema with id") != NULL) {
      cli_error("import: the target registry already holds a different schema with id %lld; "
                "import into an empty registry or context",
                (long long)v->id);
    }
    goto cleanup;
  }
  if (out != NULL &&
      ((out->id != 0 && out->id != v->id) || (out->version != 0 && out->version != v->version))) {
    cli_progress_pause(&run->progress);
    cli_error("%s: the registry stored it as version %d with id %lld instead; is it in IMPORT "
              "mode?",
              name, out->version, (long long)out->id);
    status = CLI_EXIT_FAILED;
    goto cleanup;
  }
  run->registered++;

cleanup:
  strata_client_schema_free(&out);
  return status;
}

/* Registers the missing versions, then soft-deletes what the export marks deleted. */
static int write_versions(import_run *run, bool quiet) {
  size_t missing = 0;
  int status = CLI_EXIT_OK;
  for (size_t i = 0; i < run->nflat; i++) {
    missing += run->target[i] == TARGET_MISSING;
  }
  cli_progress_start(&run->progress, "importing", "versions", missing, quiet);
  for (size_t i = 0; i < run->nflat; i++) {
    size_t at = run->order[i];
    if (run->target[at] != TARGET_MISSING) {
      continue;
    }
    status = register_version(run, run->flat[at]);
    if (status != CLI_EXIT_OK) {
      return status;
    }
    run->target[at] = TARGET_LIVE;
    cli_progress_advance(&run->progress, 1);
  }
  cli_progress_finish(&run->progress);
  /* Referrers before the versions they reference: a referenced version cannot be deleted. */
  for (size_t i = run->nflat; i > 0; i--) {
    size_t at = run->order[i - 1];
    const xf_version *v = run->flat[at];
    if (!v->deleted || run->target[at] != TARGET_LIVE) {
      continue;
    }
    strata_client_error err;
    strata_error rc =
        strata_client_delete_version(run->client, v->subject, v->version, false, NULL, &err);
    if (rc != STRATA_E_OK && err.error_code != 40406) {
      char name[600];
      return fail(run, version_name(name, sizeof name, v), rc, &err);
    }
    run->target[at] = TARGET_DELETED;
    run->soft_deleted++;
  }
  return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Configs and modes                                                        */
/* ------------------------------------------------------------------------ */

/* A Config (GET shape, "compatibilityLevel") as a ConfigUpdateRequest ("compatibility"). */
static char *config_update_body(const json_t *config) {
  json_t *body = json_deep_copy(config);
  char *text = NULL;
  if (body == NULL) {
    return NULL;
  }
  json_t *level = json_object_get(body, "compatibilityLevel");
  if (level != NULL) {
    if (json_object_set(body, "compatibility", level) != 0) {
      goto cleanup;
    }
    json_object_del(body, "compatibilityLevel");
  }
  text = json_dumps(body, JSON_COMPACT);

cleanup:
  json_decref(body);
  return text;
}

/*
 * A failed read or write of a setting. A context's setting (":.ctx:") that the
 * registry refuses with a 4xx answer is skipped with a warning (registries
 * without contexts reject such names); everything else is an error.
 */
static int setting_failed(import_run *run, const char *what, const char *scope, strata_error rc,
                          const strata_client_error *err) {
  size_t n = scope != NULL ? strlen(scope) : 0;
  bool context = n > 2 && scope[0] == ':' && scope[1] == '.' && scope[n - 1] == ':';
  if (context && err->http_status >= 400 && err->http_status < 500 && err->http_status != 401 &&
      err->http_status != 403) {
    cli_progress_pause(&run->progress);
    cli_error("%s: not set, the registry refused it: %s (HTTP %d)", what, err->message,
              err->http_status);
    return CLI_EXIT_OK;
  }
  return fail(run, what, rc, err);
}

/* Sets the config of @p scope (NULL global, ":.ctx:", a subject) unless it already is @p config. */
static int apply_config(import_run *run, const char *scope, const json_t *config) {
  strata_client_config *have = NULL;
  json_t *have_json = NULL;
  char *body = NULL;
  strata_client_error err;
  char what[600];
  int status = CLI_EXIT_OK;

  if (config == NULL) {
    return CLI_EXIT_OK;
  }
  snprintf(what, sizeof what, "import: config of %s%s%s", scope != NULL ? "'" : "",
           scope != NULL ? scope : "the registry", scope != NULL ? "'" : "");
  strata_error rc = strata_client_get_config(run->client, scope, false, &have, &err);
  if (rc != STRATA_E_OK && err.http_status != 404) {
    status = setting_failed(run, what, scope, rc, &err);
    goto cleanup;
  }
  if (have != NULL) {
    have_json = json_loads(have->json, 0, NULL);
    if (have_json != NULL && json_equal(have_json, config)) {
      goto cleanup;
    }
  }
  body = config_update_body(config);
  if (body == NULL) {
    cli_error("out of memory");
    status = CLI_EXIT_USAGE;
    goto cleanup;
  }
  rc = strata_client_set_config(run->client, scope, body, NULL, &err);
  if (rc != STRATA_E_OK) {
    status = setting_failed(run, what, scope, rc, &err);
    goto cleanup;
  }
  run->configs++;

cleanup:
  free(body);
  json_decref(have_json);
  strata_client_config_free(&have);
  return status;
}

/* Sets the mode of @p scope unless it already is @p mode. */
static int apply_mode(import_run *run, const char *scope, const char *mode) {
  char *have = NULL;
  strata_client_error err;
  char what[600];
  int status = CLI_EXIT_OK;

  if (mode == NULL) {
    return CLI_EXIT_OK;
  }
  snprintf(what, sizeof what, "import: mode of %s%s%s", scope != NULL ? "'" : "",
           scope != NULL ? scope : "the registry", scope != NULL ? "'" : "");
  strata_error rc = strata_client_get_mode(run->client, scope, false, &have, &err);
  if (rc != STRATA_E_OK && err.http_status != 404) {
    status = setting_failed(run, what, scope, rc, &err);
    goto cleanup;
  }
  if (have != NULL && strcasecmp(have, mode) == 0) {
    goto cleanup;
  }
  /* force: the subjects exist by now, and switching to IMPORT needs it then. */
  rc = strata_client_set_mode(run->client, scope, mode, true, NULL, &err);
  if (rc != STRATA_E_OK) {
    status = setting_failed(run, what, scope, rc, &err);
    goto cleanup;
  }
  run->modes++;

cleanup:
  free(have);
  return status;
}

/* ":<context>:" for a context's config and mode, into @p buf. */
static const char *context_scope(char *buf, size_t size, const char *context) {
  snprintf(buf, size, ":%s:", context);
  return buf;
}

/* Whether the context at @p i is taken in @p pass: .__GLOBAL first, since a
 * context without settings of its own answers with what it inherits. */
static bool context_in_pass(const xf_index *x, size_t i, int pass) {
  return (strcmp(x->contexts[i].name, ".__GLOBAL") == 0) == (pass == 0);
}

/* Configs, then modes: subjects, then .__GLOBAL and the other contexts, then the global ones. */
static int apply_settings(import_run *run) {
  const xf_index *x = &run->index;
  char scope[600];
  int status;
  for (size_t i = 0; i < x->nsubjects; i++) {
    if ((status = apply_config(run, x->subjects[i].name, x->subjects[i].config)) != CLI_EXIT_OK) {
      return status;
    }
  }
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < x->ncontexts; i++) {
      const char *name = context_scope(scope, sizeof scope, x->contexts[i].name);
      if (context_in_pass(x, i, pass) &&
          (status = apply_config(run, name, x->contexts[i].config)) != CLI_EXIT_OK) {
        return status;
      }
    }
  }
  if ((status = apply_config(run, NULL, x->config)) != CLI_EXIT_OK) {
    return status;
  }
  for (size_t i = 0; i < x->nsubjects; i++) {
    if ((status = apply_mode(run, x->subjects[i].name, x->subjects[i].mode)) != CLI_EXIT_OK) {
      return status;
    }
  }
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < x->ncontexts; i++) {
      const char *name = context_scope(scope, sizeof scope, x->contexts[i].name);
      if (context_in_pass(x, i, pass) &&
          (status = apply_mode(run, name, x->contexts[i].mode)) != CLI_EXIT_OK) {
        return status;
      }
    }
  }
  return apply_mode(run, NULL, x->mode);
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

static int print_summary(const cli_ctx *ctx, const import_run *run, const char *dir) {
  const xf_index *x = &run->index;
  if (ctx->format == CLI_FORMAT_JSON) {
    return cli_print_json_steal(
        json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "directory", dir, "subjects",
                  (json_int_t)x->nsubjects, "versions", (json_int_t)x->nversions, "schemas",
                  (json_int_t)x->nschemas, "registered", (json_int_t)run->registered, "present",
                  (json_int_t)run->present, "softDeleted", (json_int_t)run->soft_deleted, "configs",
                  (json_int_t)run->configs, "modes", (json_int_t)run->modes));
  }
  printf("imported %zu subject%s, %zu version%s, %zu schema%s from %s: %zu registered, %zu "
         "already present, %zu soft-deleted, %zu config%s and %zu mode%s set\n",
         x->nsubjects, cli_plural(x->nsubjects), x->nversions, cli_plural(x->nversions),
         x->nschemas, cli_plural(x->nschemas), dir, run->registered, run->present,
         run->soft_deleted, run->configs, cli_plural(run->configs), run->modes,
         cli_plural(run->modes));
  return CLI_EXIT_OK;
}

/* Lists every version of the index in run->flat and allocates the per-version state. */
static bool flatten(import_run *run) {
  size_t n = run->index.nversions;
  run->flat = calloc(n + 1, sizeof *run->flat);
  run->target = calloc(n + 1, sizeof *run->target);
  if (run->flat == NULL || run->target == NULL) {
    cli_error("out of memory");
    return false;
  }
  for (size_t i = 0; i < run->index.nsubjects; i++) {
    for (size_t k = 0; k < run->index.subjects[i].nversions; k++) {
      run->flat[run->nflat++] = &run->index.subjects[i].versions[k];
    }
  }
  return true;
}

int cmd_import(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *dir = NULL;
  bool quiet = false;
  import_run run = {0};
  const cli_option options[] = {CLI_FLAG("--quiet", &quiet), CLI_OPTIONS_END};

  if (!xf_parse_dir_args(ctx, "import", import_usage, options,
                         "needs the directory written by 'strata export'", argc, argv, &dir, &rc)) {
    goto cleanup;
  }
  if (!xf_index_load(dir, &run.index) || !flatten(&run) || !plan_order(&run)) {
    goto cleanup;
  }
  run.client = cli_connect(ctx);
  if (run.client == NULL) {
    goto cleanup;
  }
  cli_progress_start(&run.progress, "checking", "subjects", run.index.nsubjects, quiet);
  size_t first = 0;
  for (size_t i = 0; i < run.index.nsubjects; i++) {
    rc = survey_subject(&run, &run.index.subjects[i], first);
    if (rc != CLI_EXIT_OK) {
      goto cleanup;
    }
    first += run.index.subjects[i].nversions;
    cli_progress_advance(&run.progress, 1);
  }
  cli_progress_finish(&run.progress);
  if ((rc = check_modes(&run)) != CLI_EXIT_OK ||
      (rc = write_versions(&run, quiet)) != CLI_EXIT_OK ||
      (rc = apply_settings(&run)) != CLI_EXIT_OK) {
    goto cleanup;
  }
  rc = print_summary(ctx, &run, dir);

cleanup:
  cli_progress_finish(&run.progress);
  strata_client_free(&run.client);
  free(run.order);
  free(run.target);
  free(run.flat);
  xf_index_release(&run.index);
  return rc;
}
