/*
 * check_manifest.c - the manifest of `strata check --manifest FILE`: a JSON
 * file that maps local schema files to subjects, read into check entries.
 *
 *   {"schemas": [{"file": "user.avsc", "subject": "users-value",
 *                 "type": "AVRO", "level": "FULL", "version": 3 | "latest",
 *                 "all": true,
 *                 "references": [{"name": "...", "subject": "...",
 *                                 "version": 1 | "latest"}]}]}
 *
 * Only "file" and "subject" are required; unknown members are errors, so a
 * misspelt option cannot be silently ignored.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void chk_entries_free(chk_entry *entries, size_t count) {
  for (size_t i = 0; entries != NULL && i < count; i++) {
    chk_entry *e = &entries[i];
    for (size_t k = 0; k < e->nrefs; k++) {
      free(e->refs[k].name);
      free(e->refs[k].subject);
    }
    free(e->refs);
    free(e->file);
    free(e->subject);
    free(e->text);
  }
  free(entries);
}

/*
 * @p rel joined to the directory of @p base (unless @p rel is absolute), with
 * "." and "dir/.." segments removed, so the path printed in annotations is
 * the plain path from the working directory. Returns a new string or NULL.
 */
static char *manifest_path_join(const char *base, const char *rel) {
  const char *slash = strrchr(base, '/');
  size_t dir_len = rel[0] == '/' || slash == NULL ? 0 : (size_t)(slash - base) + 1;
  size_t len = dir_len + strlen(rel);
  char *joined = malloc(len + 1);
  char *out = malloc(len + 2);
  char *result = NULL;
  size_t *starts = calloc(len + 1, sizeof *starts);
  size_t depth = 0;
  size_t n = 0;

  if (joined == NULL || out == NULL || starts == NULL) {
    goto cleanup;
  }
  memcpy(joined, base, dir_len);
  strcpy(joined + dir_len, rel);
  bool absolute = joined[0] == '/';
  if (absolute) {
    out[n++] = '/';
  }
  size_t root = n;
  char *save = NULL;
  for (char *seg = strtok_r(joined, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
    if (strcmp(seg, ".") == 0) {
      continue;
    }
    if (strcmp(seg, "..") == 0) {
      size_t top = depth > 0 ? starts[depth - 1] : 0;
      bool top_is_up = depth > 0 && n - top == 2 && memcmp(out + top, "..", 2) == 0;
      if (depth > 0 && !top_is_up) {
        depth--;
        n = top > root ? top - 1 : root; /* drop the segment and the '/' before it */
        continue;
      }
      if (absolute) {
        continue; /* "/.." is "/" */
      }
    }
    if (n > root) {
      out[n++] = '/';
    }
    starts[depth++] = n;
    size_t k = strlen(seg);
    memcpy(out + n, seg, k);
    n += k;
  }
  if (n == 0) {
    out[n++] = '.';
  }
  out[n] = '\0';
  result = out;
  out = NULL;

cleanup:
  free(starts);
  free(out);
  free(joined);
  return result;
}

/* A "version" member: a number from 1 up or "latest". */
static bool manifest_version(const json_t *value, int *out) {
  if (json_is_string(value) && strcasecmp(json_string_value(value), "latest") == 0) {
    *out = STRATA_CLIENT_LATEST;
    return true;
  }
  if (json_is_integer(value) && json_integer_value(value) >= 1 &&
      json_integer_value(value) <= 2147483647) {
    *out = (int)json_integer_value(value);
    return true;
  }
  return false;
}

/* A required or optional non-empty string member; *out is borrowed from @p obj. */
static bool manifest_string(const char *where, const char *what, const json_t *obj, const char *key,
                            bool required, const char **out) {
  const json_t *value = json_object_get(obj, key);
  *out = NULL;
  if (value == NULL && !required) {
    return true;
  }
  if (!json_is_string(value) || json_string_length(value) == 0 ||
      strlen(json_string_value(value)) != json_string_length(value)) {
    cli_error("check: %s: %s: \"%s\" must be a non-empty string", where, what, key);
    return false;
  }
  *out = json_string_value(value);
  return true;
}

/* True when every member of @p obj is one of the NULL-terminated @p keys. */
static bool manifest_keys(const char *where, const char *what, const json_t *obj,
                          const char *const *keys) {
  const char *key;
  const json_t *value;
  json_object_foreach((json_t *)obj, key, value) {
    bool known = false;
    for (size_t k = 0; keys[k] != NULL && !known; k++) {
      known = strcmp(key, keys[k]) == 0;
    }
    if (!known) {
      cli_error("check: %s: %s: unknown member \"%s\"", where, what, key);
      return false;
    }
  }
  return true;
}

static bool manifest_refs(const char *where, size_t index, const json_t *list, chk_entry *e) {
  static const char *const ref_keys[] = {"name", "subject", "version", NULL};
  if (list == NULL) {
    return true;
  }
  if (!json_is_array(list)) {
    cli_error("check: %s: schemas[%zu]: \"references\" must be an array", where, index);
    return false;
  }
  if (json_array_size(list) == 0) {
    return true;
  }
  e->refs = calloc(json_array_size(list), sizeof *e->refs);
  if (e->refs == NULL) {
    cli_error("out of memory");
    return false;
  }
  size_t k;
  const json_t *item;
  json_array_foreach(list, k, item) {
    const char *name = NULL;
    const char *subject = NULL;
    char what[80];
    snprintf(what, sizeof what, "schemas[%zu].references[%zu]", index, k);
    if (!json_is_object(item)) {
      cli_error("check: %s: %s must be an object", where, what);
      return false;
    }
    if (!manifest_keys(where, what, item, ref_keys) ||
        !manifest_string(where, what, item, "name", true, &name) ||
        !manifest_string(where, what, item, "subject", true, &subject)) {
      return false;
    }
    chk_ref *ref = &e->refs[e->nrefs];
    const json_t *version = json_object_get(item, "version");
    ref->version = STRATA_CLIENT_LATEST;
    ref->entry = version == NULL ? 0 : -1; /* 0 = "maybe an entry", settled by the caller */
    if (version != NULL && !manifest_version(version, &ref->version)) {
      cli_error("check: %s: %s: \"version\" must be a number from 1 or \"latest\"", where, what);
      return false;
    }
    ref->name = strdup(name);
    ref->subject = strdup(subject);
    e->nrefs++;
    if (ref->name == NULL || ref->subject == NULL) {
      cli_error("out of memory");
      return false;
    }
  }
  return true;
}

/* Fills entry @p e from schemas[@p index]. */
static bool manifest_entry(const char *path, size_t index, const json_t *obj, chk_entry *e) {
  static const char *const entry_keys[] = {"file",    "subject", "type",       "level",
                                           "version", "all",     "references", NULL};
  const char *file = NULL;
  const char *subject = NULL;
  const char *type = NULL;
  const char *level = NULL;

  e->state = CHK_PARSE_NONE;
  if (!json_is_object(obj)) {
    cli_error("check: %s: schemas[%zu] must be an object", path, index);
    return false;
  }
  char what[40];
  snprintf(what, sizeof what, "schemas[%zu]", index);
  if (!manifest_keys(path, what, obj, entry_keys) ||
      !manifest_string(path, what, obj, "file", true, &file) ||
      !manifest_string(path, what, obj, "subject", true, &subject) ||
      !manifest_string(path, what, obj, "type", false, &type) ||
      !manifest_string(path, what, obj, "level", false, &level)) {
    return false;
  }
  e->file = manifest_path_join(path, file);
  e->subject = strdup(subject);
  if (e->file == NULL || e->subject == NULL) {
    cli_error("out of memory");
    return false;
  }
  if (type != NULL && strata_schema_type_from_name(type, &e->type) != STRATA_E_OK) {
    cli_error("check: %s: schemas[%zu]: unknown type \"%s\" (expected AVRO, PROTOBUF, JSON or "
              "TABLE)",
              path, index, type);
    return false;
  }
  if (type == NULL && !cli_schema_type(e->file, NULL, &e->type)) {
    cli_error("check: %s: schemas[%zu]: give the file's \"type\"", path, index);
    return false;
  }
  if (level != NULL) {
    if (strata_compat_level_from_name(level, &e->level) != STRATA_E_OK) {
      cli_error("check: %s: schemas[%zu]: unknown level \"%s\"", path, index, level);
      return false;
    }
    e->has_level = true;
  }
  const json_t *version = json_object_get(obj, "version");
  const json_t *all = json_object_get(obj, "all");
  if (all != NULL && !json_is_boolean(all)) {
    cli_error("check: %s: schemas[%zu]: \"all\" must be true or false", path, index);
    return false;
  }
  if (version != NULL && json_is_true(all)) {
    cli_error("check: %s: schemas[%zu]: \"version\" and \"all\" exclude each other", path, index);
    return false;
  }
  if (version != NULL) {
    if (!manifest_version(version, &e->version)) {
      cli_error("check: %s: schemas[%zu]: \"version\" must be a number from 1 or \"latest\"", path,
                index);
      return false;
    }
    e->scope = CHK_SCOPE_VERSION;
  } else if (json_is_true(all)) {
    e->scope = CHK_SCOPE_ALL;
  }
  return manifest_refs(path, index, json_object_get(obj, "references"), e);
}

bool chk_manifest_load(const char *path, chk_entry **entries, size_t *count) {
  size_t len = 0;
  char *text = NULL;
  json_t *root = NULL;
  chk_entry *list = NULL;
  size_t n = 0;
  json_error_t error;
  bool ok = false;

  text = cli_read_file(path, &len);
  if (text == NULL) {
    goto cleanup;
  }
  root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
  if (root == NULL) {
    if (error.column > 0) {
      cli_error("check: %s:%d:%d: invalid JSON: %s", path, error.line, error.column, error.text);
    } else {
      cli_error("check: %s:%d: invalid JSON: %s", path, error.line, error.text);
    }
    goto cleanup;
  }
  const json_t *schemas = json_object_get(root, "schemas");
  if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_array(schemas)) {
    cli_error("check: %s: a manifest is an object with one member, \"schemas\": an array of "
              "{\"file\", \"subject\", ...}",
              path);
    goto cleanup;
  }
  if (json_array_size(schemas) == 0) {
    cli_error("check: %s: \"schemas\" is empty: nothing to check", path);
    goto cleanup;
  }
  list = calloc(json_array_size(schemas), sizeof *list);
  if (list == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (n = 0; n < json_array_size(schemas);) {
    bool filled = manifest_entry(path, n, json_array_get(schemas, n), &list[n]);
    n++;
    if (!filled) {
      goto cleanup;
    }
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < i; k++) {
      if (strcmp(list[i].subject, list[k].subject) == 0) {
        cli_error("check: %s: schemas[%zu] and schemas[%zu] both name the subject \"%s\"", path, k,
                  i, list[i].subject);
        goto cleanup;
      }
    }
  }
  /* A reference without a version to another entry's subject means that entry's file. */
  for (size_t i = 0; i < n; i++) {
    for (size_t r = 0; r < list[i].nrefs; r++) {
      chk_ref *ref = &list[i].refs[r];
      long target = -1;
      for (size_t k = 0; ref->entry == 0 && k < n; k++) {
        if (k != i && strcmp(ref->subject, list[k].subject) == 0) {
          target = (long)k;
        }
      }
      ref->entry = target;
    }
  }
  *entries = list;
  *count = n;
  list = NULL;
  ok = true;

cleanup:
  chk_entries_free(list, n);
  json_decref(root);
  free(text);
  return ok;
}
