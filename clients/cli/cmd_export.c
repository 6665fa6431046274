/*
 * cmd_export.c - `strata export [--force] [--quiet] DIR`: copies every
 * subject, version (soft-deleted ones too), id, schema, config and mode of a
 * registry into DIR (layout: export_format.h), using only the standard
 * Confluent endpoints so that any compatible registry can be exported.
 */
#include "cli.h"
#include "export_format.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

static const char export_usage[] =
    "usage: strata export [--force] [--quiet] [--format text|json] DIR\n"
    "\n"
    "Copies every subject, version (soft-deleted ones too), schema id, config and\n"
    "mode of the registry into the directory DIR: DIR/index.json and one file per\n"
    "schema under DIR/schemas/. `strata import DIR` loads it into another registry.\n"
    "\n"
    "  --force          write into DIR even when it is not empty\n"
    "  --quiet          print no progress on stderr\n"
    "  --format FORMAT  text (default) or json: a one-line JSON summary\n" CLI_GLOBAL_OPTIONS_HELP
    "\n"
    "Exit status: 0 exported, 1 the registry refused a request, 2 usage or input\n"
    "error (DIR not empty, cannot be written), 3 registry unreachable or server error.\n";

/* One export in progress. */
typedef struct export_run {
  strata_client *client;
  const char *dir;
  /* the schema files written so far (a set of relative paths) */
  json_t *files;
  size_t nversions;
  cli_progress progress;
} export_run;

/* Whether a failed read means "nothing there" (none set, or an endpoint this
 * registry does not have) rather than an error. */
static bool absent(const strata_client_error *err) {
  return err->http_status == 404 || err->http_status == 405 || err->http_status == 501;
}

static int fail(export_run *run, strata_error rc, const strata_client_error *err) {
  return cli_progress_client_failure(&run->progress, "export", rc, err);
}

static int out_of_memory(export_run *run) {
  cli_progress_pause(&run->progress);
  cli_error("out of memory");
  return CLI_EXIT_USAGE;
}

/* Makes sure DIR exists and is empty (unless @p force). */
static bool prepare_dir(const char *dir, bool force) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (errno != ENOENT) {
      cli_error("export: cannot use %s: %s", dir, strerror(errno));
      return false;
    }
    return xf_make_dirs(dir, NULL);
  }
  if (!S_ISDIR(st.st_mode)) {
    cli_error("export: %s exists and is not a directory", dir);
    return false;
  }
  if (force) {
    return true;
  }
  DIR *d = opendir(dir);
  if (d == NULL) {
    cli_error("export: cannot read directory %s: %s", dir, strerror(errno));
    return false;
  }
  bool empty = true;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  closedir(d);
  if (!empty) {
    cli_error("export: %s is not empty; pass --force to write into it anyway", dir);
  }
  return empty;
}

/* The registry URL(s) to record as the source, without any user:password@. */
static json_t *source_url(const cli_ctx *ctx) {
  const char *url = ctx->registry != NULL ? ctx->registry : "http://127.0.0.1:8081";
  const char *scheme = strstr(url, "://");
  const char *at = scheme != NULL ? strchr(scheme + 3, '@') : NULL;
  const char *slash = scheme != NULL ? strchr(scheme + 3, '/') : NULL;
  const char *comma = strchr(url, ',');
  if (at == NULL || (slash != NULL && at > slash) || (comma != NULL && at > comma)) {
    return json_string(url);
  }
  size_t head = (size_t)(scheme + 3 - url);
  size_t n = strlen(url);
  char *clean = malloc(n + 1);
  if (clean == NULL) {
    return NULL;
  }
  memcpy(clean, url, head);
  memcpy(clean + head, at + 1, n - (size_t)(at + 1 - url) + 1);
  json_t *result = json_string(clean);
  free(clean);
  return result;
}

/* The config or mode of @p subject (NULL: global) as JSON into *out (new), json null when none is
 * set. */
static int fetch_setting(export_run *run, const cli_setting *setting, const char *subject,
                         json_t **out) {
  cli_setting_value value = {0};
  strata_client_error err;
  int status = CLI_EXIT_OK;
  strata_error rc = setting->get(run->client, subject, false, &value, &err);
  *out = NULL;
  if (rc == STRATA_E_OK) {
    *out = json_incref(value.json);
  } else if (absent(&err)) {
    *out = json_null();
  } else {
    status = fail(run, rc, &err);
  }
  cli_setting_value_release(&value);
  return status;
}

/* Sets "config" and "mode" of @p obj from the registry's answers for @p subject. */
static int add_config_and_mode(export_run *run, json_t *obj, const char *subject) {
  json_t *config = NULL;
  json_t *mode = NULL;
  int status = fetch_setting(run, &cli_setting_config, subject, &config);
  if (status == CLI_EXIT_OK) {
    status = fetch_setting(run, &cli_setting_mode, subject, &mode);
  }
  if (status == CLI_EXIT_OK &&
      (json_object_set(obj, "config", config) != 0 || json_object_set(obj, "mode", mode) != 0)) {
    status = out_of_memory(run);
  }
  json_decref(config);
  json_decref(mode);
  return status;
}

/* The config and mode of every context but the default one, and of .__GLOBAL. */
static int export_contexts(export_run *run, json_t *list) {
  strata_client_strings *contexts = NULL;
  strata_client_error err;
  json_t *entry = NULL;
  char *qualified = NULL;
  int status = CLI_EXIT_OK;

  strata_error rc = strata_client_list_contexts(run->client, &contexts, &err);
  if (rc != STRATA_E_OK && !absent(&err)) {
    status = fail(run, rc, &err);
    goto cleanup;
  }
  /* .__GLOBAL last: its settings apply to every context. */
  size_t count = contexts != NULL ? contexts->count : 0;
  for (size_t i = 0; i <= count; i++) {
    const char *name = i < count ? contexts->items[i] : ".__GLOBAL";
    if (strcmp(name, XF_DEFAULT_CONTEXT) == 0 || (i < count && strcmp(name, ".__GLOBAL") == 0)) {
      continue;
    }
    size_t n = strlen(name) + 3;
    free(qualified);
    qualified = malloc(n);
    entry = json_pack("{s:s}", "context", name);
    if (qualified == NULL || entry == NULL) {
      status = out_of_memory(run);
      goto cleanup;
    }
    snprintf(qualified, n, ":%s:", name);
    status = add_config_and_mode(run, entry, qualified);
    if (status != CLI_EXIT_OK) {
      goto cleanup;
    }
    /* A registry without contexts knows neither: leave the entry out. */
    if (json_is_null(json_object_get(entry, "config")) &&
        json_is_null(json_object_get(entry, "mode"))) {
      json_decref(entry);
      entry = NULL;
      continue;
    }
    if (json_array_append_new(list, entry) != 0) {
      entry = NULL;
      status = out_of_memory(run);
      goto cleanup;
    }
    entry = NULL;
  }

cleanup:
  json_decref(entry);
  free(qualified);
  strata_client_strings_free(&contexts);
  return status;
}

/* Writes the schema text of @p schema once per (context, id); *file is new. */
static int write_schema(export_run *run, const char *subject, const strata_client_schema *schema,
                        char **file) {
  char *context = xf_subject_context(subject);
  char *path = NULL;
  char *folder = NULL;
  int status = CLI_EXIT_USAGE;

  *file = context != NULL ? xf_schema_file(context, schema->id, schema->type) : NULL;
  if (*file == NULL) {
    status = out_of_memory(run);
    goto cleanup;
  }
  if (json_object_get(run->files, *file) != NULL) {
    status = CLI_EXIT_OK;
    goto cleanup;
  }
  path = xf_join(run->dir, *file);
  folder = path != NULL ? strdup(path) : NULL;
  if (folder == NULL) {
    status = out_of_memory(run);
    goto cleanup;
  }
  *strrchr(folder, '/') = '\0';
  if (!xf_make_dirs(folder, &run->progress) ||
      !xf_write_file(path, schema->schema, strlen(schema->schema), &run->progress)) {
    goto cleanup;
  }
  if (json_object_set_new(run->files, *file, json_true()) != 0) {
    status = out_of_memory(run);
    goto cleanup;
  }
  status = CLI_EXIT_OK;

cleanup:
  free(folder);
  free(path);
  free(context);
  return status;
}

/* Embeds compact JSON text @p text (may be NULL: json null). */
static json_t *embedded(const char *text) {
  return text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : json_null();
}

/* The index entry of one version. */
static int export_version(export_run *run, const char *subject, int version,
                          const strata_client_ints *live, json_t *versions) {
  strata_client_schema *schema = NULL;
  strata_client_error err;
  char *file = NULL;
  json_t *refs = NULL;
  json_t *entry = NULL;
  int status = CLI_EXIT_OK;

  strata_error rc = strata_client_get_version(run->client, subject, version, true, &schema, &err);
  if (rc != STRATA_E_OK) {
    status = fail(run, rc, &err);
    goto cleanup;
  }
  status = write_schema(run, subject, schema, &file);
  if (status != CLI_EXIT_OK) {
    goto cleanup;
  }
  refs = json_array();
  if (refs == NULL) {
    status = out_of_memory(run);
    goto cleanup;
  }
  for (size_t i = 0; i < schema->reference_count; i++) {
    const strata_client_reference *r = &schema->references[i];
    if (json_array_append_new(refs, json_pack("{s:s, s:s, s:i}", "name", r->name, "subject",
                                              r->subject, "version", r->version)) != 0) {
      status = out_of_memory(run);
      goto cleanup;
    }
  }
  bool deleted = schema->deleted || !cli_ints_contain(live, version);
  entry = json_pack("{s:i, s:I, s:s, s:s, s:O, s:o?, s:o?, s:b}", "version", version, "id",
                    (json_int_t)schema->id, "schemaType", strata_schema_type_name(schema->type),
                    "file", file, "references", refs, "metadata", embedded(schema->metadata),
                    "ruleSet", embedded(schema->rule_set), "deleted", deleted);
  if (entry == NULL || json_array_append(versions, entry) != 0) {
    status = out_of_memory(run);
    goto cleanup;
  }
  run->nversions++;

cleanup:
  json_decref(entry);
  json_decref(refs);
  free(file);
  strata_client_schema_free(&schema);
  return status;
}

/* The index entry of one subject, appended to @p list (nothing when it vanished meanwhile). */
static int export_subject(export_run *run, const char *subject, json_t *list) {
  strata_client_ints *all = NULL;
  strata_client_ints *live = NULL;
  strata_client_error err;
  json_t *entry = NULL;
  json_t *versions = NULL;
  int status = CLI_EXIT_OK;

  strata_error rc = xf_list_subject_versions(run->client, subject, &all, &live, &err);
  if (rc != STRATA_E_OK || all == NULL) {
    status = rc != STRATA_E_OK ? fail(run, rc, &err) : CLI_EXIT_OK;
    goto cleanup;
  }
  versions = json_array();
  entry = json_pack("{s:s}", "subject", subject);
  if (versions == NULL || entry == NULL) {
    status = out_of_memory(run);
    goto cleanup;
  }
  status = add_config_and_mode(run, entry, subject);
  if (status != CLI_EXIT_OK) {
    goto cleanup;
  }
  for (size_t i = 0; i < all->count; i++) {
    status = export_version(run, subject, (int)all->items[i], live, versions);
    if (status != CLI_EXIT_OK) {
      goto cleanup;
    }
  }
  if (json_object_set(entry, "versions", versions) != 0 || json_array_append(list, entry) != 0) {
    status = out_of_memory(run);
  }

cleanup:
  json_decref(versions);
  json_decref(entry);
  strata_client_ints_free(&live);
  strata_client_ints_free(&all);
  return status;
}

static int write_index(export_run *run, json_t *index) {
  char *path = xf_join(run->dir, XF_INDEX_FILE);
  char *text = json_dumps(index, JSON_INDENT(2));
  char *line = NULL;
  int status = CLI_EXIT_USAGE;
  if (path == NULL || text == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  size_t n = strlen(text);
  line = malloc(n + 2);
  if (line == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  memcpy(line, text, n);
  line[n] = '\n';
  line[n + 1] = '\0';
  if (xf_write_file(path, line, n + 1, NULL)) {
    status = CLI_EXIT_OK;
  }

cleanup:
  free(line);
  free(text);
  free(path);
  return status;
}

static int print_summary(const cli_ctx *ctx, const char *dir, size_t nsubjects, size_t nversions,
                         size_t nschemas) {
  if (ctx->format == CLI_FORMAT_JSON) {
    return cli_print_json_steal(json_pack("{s:s, s:I, s:I, s:I}", "directory", dir, "subjects",
                                          (json_int_t)nsubjects, "versions", (json_int_t)nversions,
                                          "schemas", (json_int_t)nschemas));
  }
  printf("exported %zu subject%s, %zu version%s, %zu schema%s to %s\n", nsubjects,
         cli_plural(nsubjects), nversions, cli_plural(nversions), nschemas, cli_plural(nschemas),
         dir);
  return CLI_EXIT_OK;
}

int cmd_export(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *dir = NULL;
  bool force = false;
  bool quiet = false;
  strata_client_strings *subjects = NULL;
  strata_client_error err;
  json_t *index = NULL;
  json_t *list = NULL;
  json_t *contexts = NULL;
  export_run run = {0};
  const cli_option options[] = {CLI_FLAG("--force", &force), CLI_FLAG("--quiet", &quiet),
                                CLI_OPTIONS_END};

  if (!xf_parse_dir_args(ctx, "export", export_usage, options, "needs the directory to write", argc,
                         argv, &dir, &rc)) {
    goto cleanup;
  }
  if (!prepare_dir(dir, force)) {
    goto cleanup;
  }
  run.dir = dir;
  run.files = json_object();
  list = json_array();
  contexts = json_array();
  index = json_pack("{s:s, s:i, s:o?}", "format", XF_FORMAT_NAME, "formatVersion",
                    XF_FORMAT_VERSION, "source", source_url(ctx));
  if (run.files == NULL || list == NULL || contexts == NULL || index == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  run.client = cli_connect(ctx);
  if (run.client == NULL) {
    goto cleanup;
  }
  strata_error crc = strata_client_list_subjects(run.client, NULL, true, &subjects, &err);
  if (crc != STRATA_E_OK) {
    rc = cli_client_failure("export", crc, &err);
    goto cleanup;
  }
  if ((rc = add_config_and_mode(&run, index, NULL)) != CLI_EXIT_OK ||
      (rc = export_contexts(&run, contexts)) != CLI_EXIT_OK) {
    goto cleanup;
  }
  rc = CLI_EXIT_USAGE;
  if (json_object_set(index, "contexts", contexts) != 0 ||
      json_object_set(index, "subjects", list) != 0) {
    cli_error("out of memory");
    goto cleanup;
  }
  cli_progress_start(&run.progress, "exporting", "subjects", subjects->count, quiet);
  for (size_t i = 0; i < subjects->count; i++) {
    rc = export_subject(&run, subjects->items[i], list);
    if (rc != CLI_EXIT_OK) {
      goto cleanup;
    }
    cli_progress_advance(&run.progress, 1);
  }
  cli_progress_finish(&run.progress);
  rc = write_index(&run, index);
  if (rc != CLI_EXIT_OK) {
    goto cleanup;
  }
  rc = print_summary(ctx, dir, json_array_size(list), run.nversions, json_object_size(run.files));

cleanup:
  cli_progress_finish(&run.progress);
  json_decref(contexts);
  json_decref(list);
  json_decref(index);
  json_decref(run.files);
  strata_client_strings_free(&subjects);
  strata_client_free(&run.client);
  return rc;
}
