/*
 * export_format.c - the layout of an export directory: file names, paths and
 * reading index.json back; the command line of export and import and the
 * version lists both read of a subject (see export_format.h).
 */
#include "export_format.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool xf_parse_dir_args(cli_ctx *ctx, const char *command, const char *usage,
                       const cli_option *options, const char *missing, int argc, char **argv,
                       const char **dir, int *status) {
  const cli_syntax syntax = {.command = command,
                             .usage = usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {dir},
                             .required = 1,
                             .missing = missing,
                             .too_many = "more than one directory"};
  if (!cli_parse_args(ctx, &syntax, argc, argv, status)) {
    return false;
  }
  if ((*dir)[0] == '\0') {
    cli_usage_error(&syntax, "%s", missing);
    return false;
  }
  return true;
}

strata_error xf_list_subject_versions(strata_client *client, const char *subject,
                                      strata_client_ints **all, strata_client_ints **live,
                                      strata_client_error *err) {
  *all = NULL;
  *live = NULL;
  strata_error rc = strata_client_list_versions(client, subject, true, all, err);
  if (rc != STRATA_E_OK) {
    return err->http_status == 404 ? STRATA_E_OK : rc;
  }
  rc = strata_client_list_versions(client, subject, false, live, err);
  return rc != STRATA_E_OK && err->http_status == 404 ? STRATA_E_OK : rc;
}

const char *xf_extension(strata_schema_type type) {
  switch (type) {
  case STRATA_SCHEMA_PROTOBUF:
    return "proto";
  case STRATA_SCHEMA_JSON:
    return "json";
  case STRATA_SCHEMA_TABLE:
    return "sql";
  case STRATA_SCHEMA_AVRO:
  default:
    return "avsc";
  }
}

char *xf_subject_context(const char *subject) {
  if (subject[0] == ':' && subject[1] == '.') {
    const char *end = strchr(subject + 1, ':');
    if (end != NULL) {
      return strndup(subject + 1, (size_t)(end - subject - 1));
    }
  }
  return strdup(XF_DEFAULT_CONTEXT);
}

char *xf_reference_subject(const char *referrer, const char *ref_subject) {
  if (strncmp(ref_subject, ":.:", 3) == 0) {
    return strdup(ref_subject + 3);
  }
  if (ref_subject[0] == ':' && ref_subject[1] == '.') {
    return strdup(ref_subject);
  }
  char *context = xf_subject_context(referrer);
  char *result = NULL;
  if (context == NULL) {
    return NULL;
  }
  if (strcmp(context, XF_DEFAULT_CONTEXT) == 0) {
    result = strdup(ref_subject);
  } else {
    size_t n = strlen(context) + strlen(ref_subject) + 3;
    result = malloc(n);
    if (result != NULL) {
      snprintf(result, n, ":%s:%s", context, ref_subject);
    }
  }
  free(context);
  return result;
}

/* Whether @p c may stand for itself in a context's folder name. */
static bool plain_char(char c, bool first) {
  if (c == '.') {
    return !first; /* a leading dot would hide the folder or make "." or ".." */
  }
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

char *xf_schema_file(const char *context, int64_t id, strata_schema_type type) {
  const char *ext = xf_extension(type);
  if (context == NULL || strcmp(context, XF_DEFAULT_CONTEXT) == 0) {
    size_t n = strlen(ext) + 40;
    char *path = malloc(n);
    if (path != NULL) {
      snprintf(path, n, "schemas/%lld.%s", (long long)id, ext);
    }
    return path;
  }
  const char *name = context[0] == '.' ? context + 1 : context;
  size_t n = strlen(name) * 3 + strlen(ext) + 64;
  char *path = malloc(n);
  if (path == NULL) {
    return NULL;
  }
  size_t len = (size_t)snprintf(path, n, "contexts/");
  if (name[0] == '\0') {
    len += (size_t)snprintf(path + len, n - len, "%%2E");
  }
  for (const char *c = name; *c != '\0'; c++) {
    if (plain_char(*c, c == name)) {
      path[len++] = *c;
    } else {
      len += (size_t)snprintf(path + len, n - len, "%%%02X", (unsigned)(unsigned char)*c);
    }
  }
  snprintf(path + len, n - len, "/schemas/%lld.%s", (long long)id, ext);
  return path;
}

bool xf_relative_path_ok(const char *path) {
  if (path[0] == '\0' || path[0] == '/') {
    return false;
  }
  const char *seg = path;
  while (true) {
    const char *end = strchr(seg, '/');
    size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
      return false;
    }
    if (end == NULL) {
      return true;
    }
    seg = end + 1;
  }
}

char *xf_join(const char *dir, const char *rel) {
  size_t dn = strlen(dir);
  while (dn > 1 && dir[dn - 1] == '/') {
    dn--;
  }
  size_t n = dn + strlen(rel) + 2;
  char *path = malloc(n);
  if (path != NULL) {
    snprintf(path, n, "%.*s/%s", (int)dn, dir, rel);
  }
  return path;
}

/* Reports a failed file operation (errno value @p err) after clearing a progress bar. */
static bool io_failed(cli_progress *progress, const char *what, const char *path, int err) {
  if (progress != NULL) {
    cli_progress_pause(progress);
  }
  cli_error("cannot %s %s: %s", what, path, strerror(err));
  return false;
}

bool xf_make_dirs(const char *path, cli_progress *progress) {
  char *copy = strdup(path);
  bool ok = false;
  if (copy == NULL) {
    io_failed(progress, "create directory", path, ENOMEM);
    goto cleanup;
  }
  for (char *p = copy + 1;; p++) {
    char saved = *p;
    if (saved != '/' && saved != '\0') {
      continue;
    }
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
      io_failed(progress, "create directory", copy, errno);
      goto cleanup;
    }
    *p = saved;
    if (saved == '\0') {
      break;
    }
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    io_failed(progress, "create directory", path, ENOTDIR);
    goto cleanup;
  }
  ok = true;

cleanup:
  free(copy);
  return ok;
}

bool xf_write_file(const char *path, const char *data, size_t len, cli_progress *progress) {
  size_t n = strlen(path) + 8;
  char *tmp = malloc(n);
  FILE *f = NULL;
  bool ok = false;

  if (tmp == NULL) {
    io_failed(progress, "write", path, ENOMEM);
    goto cleanup;
  }
  snprintf(tmp, n, "%s.tmp", path);
  f = fopen(tmp, "wb");
  if (f == NULL) {
    io_failed(progress, "write", tmp, errno);
    goto cleanup;
  }
  errno = 0;
  bool written = fwrite(data, 1, len, f) == len;
  int close_rc = fclose(f);
  f = NULL;
  if (!written || close_rc != 0) {
    io_failed(progress, "write", tmp, errno != 0 ? errno : EIO);
    unlink(tmp);
    goto cleanup;
  }
  if (rename(tmp, path) != 0) {
    io_failed(progress, "rename into place", tmp, errno);
    unlink(tmp);
    goto cleanup;
  }
  ok = true;

cleanup:
  if (f != NULL) {
    fclose(f);
  }
  free(tmp);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Reading an index back                                                    */
/* ------------------------------------------------------------------------ */

/* Where in index.json a value sits, for error messages. */
typedef struct xf_where {
  const char *file;
  char path[96];
} xf_where;

static bool bad(const xf_where *w, const char *member, const char *expected) {
  const char *dot = w->path[0] != '\0' && member[0] != '\0' ? "." : "";
  cli_error("%s: %s%s%s: expected %s", w->file, w->path, dot, member, expected);
  return false;
}

/* An optional string member: *out NULL when absent or null. */
static bool opt_string(const xf_where *w, json_t *obj, const char *member, const char **out) {
  json_t *v = json_object_get(obj, member);
  *out = NULL;
  if (v == NULL || json_is_null(v)) {
    return true;
  }
  if (!json_is_string(v)) {
    return bad(w, member, "a string or null");
  }
  *out = json_string_value(v);
  return true;
}

/* An optional object member: *out NULL when absent or null. */
static bool opt_object(const xf_where *w, json_t *obj, const char *member, json_t **out) {
  json_t *v = json_object_get(obj, member);
  *out = NULL;
  if (v == NULL || json_is_null(v)) {
    return true;
  }
  if (!json_is_object(v)) {
    return bad(w, member, "an object or null");
  }
  *out = v;
  return true;
}

/* An optional object member as compact JSON text (new, free()); NULL when absent. */
static bool opt_object_text(const xf_where *w, json_t *obj, const char *member, char **out) {
  json_t *v = NULL;
  *out = NULL;
  if (!opt_object(w, obj, member, &v)) {
    return false;
  }
  if (v != NULL) {
    *out = json_dumps(v, JSON_COMPACT);
    if (*out == NULL) {
      cli_error("out of memory");
      return false;
    }
  }
  return true;
}

/* A required integer member within [min, max]. */
static bool int_member(const xf_where *w, json_t *obj, const char *member, json_int_t min,
                       json_int_t max, json_int_t *out) {
  json_t *v = json_object_get(obj, member);
  if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
    return bad(w, member, min == 1 ? "a positive integer" : "an integer");
  }
  *out = json_integer_value(v);
  return true;
}

static bool load_references(const xf_where *w, json_t *obj, xf_version *v) {
  json_t *refs = json_object_get(obj, "references");
  if (refs == NULL || json_is_null(refs)) {
    return true;
  }
  if (!json_is_array(refs)) {
    return bad(w, "references", "an array");
  }
  if (json_array_size(refs) == 0) {
    return true;
  }
  v->refs = calloc(json_array_size(refs), sizeof *v->refs);
  if (v->refs == NULL) {
    cli_error("out of memory");
    return false;
  }
  size_t i;
  json_t *item;
  json_array_foreach(refs, i, item) {
    strata_client_reference *r = &v->refs[i];
    json_t *name = json_object_get(item, "name");
    json_t *subject = json_object_get(item, "subject");
    json_t *version = json_object_get(item, "version");
    if (!json_is_string(name) || !json_is_string(subject) || !json_is_integer(version) ||
        json_integer_value(version) < -1 || json_integer_value(version) > INT_MAX ||
        json_integer_value(version) == 0) {
      return bad(w, "references", "objects {\"name\", \"subject\", \"version\"}");
    }
    r->name = json_string_value(name);
    r->subject = json_string_value(subject);
    r->version = (int)json_integer_value(version);
    v->nrefs = i + 1;
  }
  return true;
}

static bool load_version(const char *dir, xf_where *w, json_t *obj, const char *subject,
                         xf_version *v, json_t *files, size_t *nschemas) {
  json_int_t number = 0;
  json_int_t id = 0;
  const char *type = NULL;
  char *path = NULL;
  size_t len = 0;
  bool ok = false;

  v->subject = subject;
  if (!json_is_object(obj)) {
    bad(w, "", "an object");
    goto cleanup;
  }
  if (!int_member(w, obj, "version", 1, INT_MAX, &number) ||
      !int_member(w, obj, "id", 1, INT32_MAX, &id) || !opt_string(w, obj, "schemaType", &type) ||
      !load_references(w, obj, v) || !opt_object_text(w, obj, "metadata", &v->metadata) ||
      !opt_object_text(w, obj, "ruleSet", &v->rule_set)) {
    goto cleanup;
  }
  v->version = (int)number;
  v->id = (int64_t)id;
  v->type = STRATA_SCHEMA_AVRO;
  if (type != NULL && strata_schema_type_from_name(type, &v->type) != STRATA_E_OK) {
    bad(w, "schemaType", "AVRO, PROTOBUF, JSON or TABLE");
    goto cleanup;
  }
  json_t *deleted = json_object_get(obj, "deleted");
  if (deleted != NULL && !json_is_boolean(deleted)) {
    bad(w, "deleted", "true or false");
    goto cleanup;
  }
  v->deleted = json_is_true(deleted);
  json_t *file = json_object_get(obj, "file");
  if (!json_is_string(file) || !xf_relative_path_ok(json_string_value(file))) {
    bad(w, "file", "a relative path inside the export directory");
    goto cleanup;
  }
  v->file = json_string_value(file);
  path = xf_join(dir, v->file);
  if (path == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  v->schema = cli_read_file(path, &len);
  if (v->schema == NULL) {
    goto cleanup;
  }
  if (strlen(v->schema) != len) {
    cli_error("%s: the schema text contains a NUL byte", path);
    goto cleanup;
  }
  if (json_object_get(files, v->file) == NULL) {
    if (json_object_set_new(files, v->file, json_true()) != 0) {
      cli_error("out of memory");
      goto cleanup;
    }
    (*nschemas)++;
  }
  ok = true;

cleanup:
  free(path);
  return ok;
}

static bool load_subject(const char *dir, xf_where *w, json_t *obj, xf_subject *s, json_t *files,
                         size_t *nschemas) {
  json_t *name = json_object_get(obj, "subject");
  if (!json_is_object(obj) || !json_is_string(name) || json_string_length(name) == 0) {
    return bad(w, "subject", "a non-empty string");
  }
  s->name = json_string_value(name);
  if (!opt_object(w, obj, "config", &s->config) || !opt_string(w, obj, "mode", &s->mode)) {
    return false;
  }
  json_t *versions = json_object_get(obj, "versions");
  if (!json_is_array(versions)) {
    return bad(w, "versions", "an array");
  }
  if (json_array_size(versions) == 0) {
    return true;
  }
  s->versions = calloc(json_array_size(versions), sizeof *s->versions);
  if (s->versions == NULL) {
    cli_error("out of memory");
    return false;
  }
  size_t prefix = strlen(w->path);
  size_t i;
  json_t *item;
  json_array_foreach(versions, i, item) {
    snprintf(w->path + prefix, sizeof w->path - prefix, ".versions[%zu]", i);
    s->nversions = i + 1;
    if (!load_version(dir, w, item, s->name, &s->versions[i], files, nschemas)) {
      return false;
    }
  }
  w->path[prefix] = '\0';
  return true;
}

static bool load_contexts(xf_where *w, json_t *root, xf_index *index) {
  json_t *contexts = json_object_get(root, "contexts");
  if (contexts == NULL || json_is_null(contexts)) {
    return true;
  }
  if (!json_is_array(contexts)) {
    return bad(w, "contexts", "an array");
  }
  if (json_array_size(contexts) == 0) {
    return true;
  }
  index->contexts = calloc(json_array_size(contexts), sizeof *index->contexts);
  if (index->contexts == NULL) {
    cli_error("out of memory");
    return false;
  }
  size_t i;
  json_t *item;
  json_array_foreach(contexts, i, item) {
    xf_scope *c = &index->contexts[i];
    json_t *name = json_object_get(item, "context");
    snprintf(w->path, sizeof w->path, "contexts[%zu]", i);
    if (!json_is_string(name) || json_string_value(name)[0] != '.' ||
        strchr(json_string_value(name), ':') != NULL ||
        strcmp(json_string_value(name), XF_DEFAULT_CONTEXT) == 0) {
      return bad(w, "context", "a context name such as \".team-a\"");
    }
    c->name = json_string_value(name);
    index->ncontexts = i + 1;
    if (!opt_object(w, item, "config", &c->config) || !opt_string(w, item, "mode", &c->mode)) {
      return false;
    }
  }
  w->path[0] = '\0';
  return true;
}

bool xf_index_load(const char *dir, xf_index *index) {
  char *path = NULL;
  json_t *files = NULL;
  json_error_t jerr;
  bool ok = false;
  xf_where w = {0};

  memset(index, 0, sizeof *index);
  path = xf_join(dir, XF_INDEX_FILE);
  files = json_object();
  if (path == NULL || files == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  w.file = path;
  if (access(path, F_OK) != 0) {
    cli_error("%s: no %s: is this a directory written by 'strata export'?", dir, XF_INDEX_FILE);
    goto cleanup;
  }
  index->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (index->root == NULL) {
    cli_error("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    goto cleanup;
  }
  json_t *root = index->root;
  json_t *format = json_object_get(root, "format");
  json_t *version = json_object_get(root, "formatVersion");
  if (!json_is_object(root) || !json_is_string(format) ||
      strcmp(json_string_value(format), XF_FORMAT_NAME) != 0) {
    cli_error("%s: not a strata export index (no \"format\": \"%s\")", path, XF_FORMAT_NAME);
    goto cleanup;
  }
  if (!json_is_integer(version) || json_integer_value(version) < 1) {
    bad(&w, "formatVersion", "a positive integer");
    goto cleanup;
  }
  if (json_integer_value(version) > XF_FORMAT_VERSION) {
    cli_error("%s: format version %lld is newer than this strata reads (%d); use a newer strata",
              path, (long long)json_integer_value(version), XF_FORMAT_VERSION);
    goto cleanup;
  }
  if (!opt_string(&w, root, "source", &index->source) ||
      !opt_object(&w, root, "config", &index->config) ||
      !opt_string(&w, root, "mode", &index->mode) || !load_contexts(&w, root, index)) {
    goto cleanup;
  }
  if (index->source == NULL) {
    index->source = "";
  }
  json_t *subjects = json_object_get(root, "subjects");
  if (!json_is_array(subjects)) {
    bad(&w, "subjects", "an array");
    goto cleanup;
  }
  if (json_array_size(subjects) > 0) {
    index->subjects = calloc(json_array_size(subjects), sizeof *index->subjects);
    if (index->subjects == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
  }
  size_t i;
  json_t *item;
  json_array_foreach(subjects, i, item) {
    snprintf(w.path, sizeof w.path, "subjects[%zu]", i);
    index->nsubjects = i + 1;
    if (!load_subject(dir, &w, item, &index->subjects[i], files, &index->nschemas)) {
      goto cleanup;
    }
    index->nversions += index->subjects[i].nversions;
  }
  ok = true;

cleanup:
  if (!ok) {
    xf_index_release(index);
  }
  json_decref(files);
  free(path);
  return ok;
}

void xf_index_release(xf_index *index) {
  for (size_t i = 0; i < index->nsubjects; i++) {
    xf_subject *s = &index->subjects[i];
    for (size_t k = 0; k < s->nversions; k++) {
      free(s->versions[k].schema);
      free(s->versions[k].refs);
      free(s->versions[k].metadata);
      free(s->versions[k].rule_set);
    }
    free(s->versions);
  }
  free(index->subjects);
  free(index->contexts);
  json_decref(index->root);
  memset(index, 0, sizeof *index);
}
