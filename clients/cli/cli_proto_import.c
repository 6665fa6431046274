/*
 * cli_proto_import.c - .proto files and their imports, as protoc finds them:
 * an import path is looked up in each import directory (-I) in turn, and a
 * file given on the command line is named by its path below the directory
 * that holds it. Shared by `strata proto compile` and every command that
 * loads a schema file (cli_load_schema()).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DIR "/" PATH as a new string, NULL when out of memory. */
static char *join_path(const char *dir, const char *path) {
  size_t need = strlen(dir) + strlen(path) + 2;
  char *full = malloc(need);
  if (full != NULL) {
    snprintf(full, need, "%s/%s", dir, path);
  }
  return full;
}

strata_error cli_proto_import_loader(void *ctx, const char *path, char **text, size_t *len) {
  const cli_arg_list *dirs = ctx;
  for (size_t i = 0; i < dirs->count; i++) {
    char *full = join_path(dirs->items[i], path);
    if (full == NULL) {
      return STRATA_E_NOMEM;
    }
    if (access(full, F_OK) != 0) {
      free(full);
      continue;
    }
    *text = cli_read_file(full, len);
    free(full);
    return *text != NULL ? STRATA_E_OK : STRATA_E_NOT_FOUND;
  }
  return STRATA_E_NOT_FOUND;
}

const char *cli_proto_import_name(const cli_arg_list *dirs, const char *file) {
  while (strncmp(file, "./", 2) == 0) {
    file += 2;
  }
  for (size_t i = 0; i < dirs->count; i++) {
    const char *dir = dirs->items[i];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') {
      n--;
    }
    if (n == 1 && dir[0] == '.') {
      if (file[0] != '/' && strncmp(file, "../", 3) != 0) {
        return file;
      }
      continue;
    }
    if (strncmp(file, dir, n) == 0 && (file[n] == '/' || dir[n - 1] == '/')) {
      const char *rest = file + n;
      while (*rest == '/') {
        rest++;
      }
      return rest;
    }
  }
  return NULL;
}

strata_schema *cli_proto_load(const char *path, const cli_arg_list *import_dirs) {
  strata_schema *schema = NULL;
  char *own_dir = NULL;
  char *text = NULL;
  size_t len = 0;
  const char *name = NULL;
  const char *own_items[1] = {NULL};
  cli_arg_list dirs = {NULL, 0};
  strata_diag diag;

  if (import_dirs != NULL && import_dirs->count > 0) {
    dirs = *import_dirs;
    name = cli_proto_import_name(&dirs, path);
  }
  if (name == NULL || dirs.count == 0) {
    /* not below an import directory: named by its base name */
    const char *slash = strrchr(path, '/');
    name = slash != NULL ? slash + 1 : path;
  }
  if (dirs.count == 0) {
    /* the default import directory: the file's own */
    const char *slash = strrchr(path, '/');
    own_dir =
        slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (own_dir == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    own_items[0] = own_dir;
    dirs.items = own_items;
    dirs.count = 1;
  }
  text = cli_read_file(path, &len);
  if (text == NULL) {
    goto cleanup;
  }
  if (strata_proto_parse_file(name, text, len, cli_proto_import_loader, &dirs, &schema, &diag) !=
      STRATA_E_OK) {
    cli_error("%s", diag.message[0] != '\0' ? diag.message : "out of memory");
    schema = NULL;
  }

cleanup:
  free(text);
  free(own_dir);
  return schema;
}
