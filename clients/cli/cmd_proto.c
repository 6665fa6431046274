/*
 * cmd_proto.c - `strata proto compile FILE.proto... [-I DIR]... [--include-imports] -o OUT`:
 * .proto files to a FileDescriptorSet, as `protoc --descriptor_set_out` writes it.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char proto_usage[] =
    "usage: strata proto compile FILE.proto... [-I DIR]... [--include-imports] -o OUT.binpb\n"
    "\n"
    "  compile            parse FILE.proto... and write their FileDescriptorSet to OUT.binpb\n"
    "                     (what protoc --descriptor_set_out writes, without source info)\n"
    "\n"
    "  -I, --proto-path DIR  directory to search for imports, in order given (default: .);\n"
    "                     each FILE must lie in one, which gives its import name\n"
    "  --include-imports  also write every file the FILEs import, dependencies first\n"
    "  -o, --output OUT   the file to write\n"
    "\n"
    "Exit status: 0 success, 2 usage or input error (the message names file, line and column).\n";

#define MAX_PATHS 64

typedef struct proto_paths {
  const char *dirs[MAX_PATHS];
  size_t n;
} proto_paths;

/* The loader: the first -I directory holding @p path. */
static strata_error load_import(void *ctx, const char *path, char **text, size_t *len) {
  const proto_paths *paths = ctx;
  for (size_t i = 0; i < paths->n; i++) {
    size_t need = strlen(paths->dirs[i]) + strlen(path) + 2;
    char *full = malloc(need);
    if (full == NULL) {
      return STRATA_E_NOMEM;
    }
    snprintf(full, need, "%s/%s", paths->dirs[i], path);
    FILE *f = fopen(full, "rb");
    free(full);
    if (f == NULL) {
      continue;
    }
    fclose(f);
    full = malloc(need);
    if (full == NULL) {
      return STRATA_E_NOMEM;
    }
    snprintf(full, need, "%s/%s", paths->dirs[i], path);
    *text = cli_read_file(full, len);
    free(full);
    return *text != NULL ? STRATA_E_OK : STRATA_E_NOT_FOUND;
  }
  return STRATA_E_NOT_FOUND;
}

/* The import name of @p file: its path below the first -I directory that holds it. */
static const char *import_name(const proto_paths *paths, const char *file) {
  while (strncmp(file, "./", 2) == 0) {
    file += 2;
  }
  for (size_t i = 0; i < paths->n; i++) {
    const char *dir = paths->dirs[i];
    size_t n = strlen(dir);
    while (n > 0 && dir[n - 1] == '/') {
      n--;
    }
    if (n == 1 && dir[0] == '.') {
      if (file[0] != '/' && strncmp(file, "../", 3) != 0) {
        return file;
      }
      continue;
    }
    if (strncmp(file, dir, n) == 0 && file[n] == '/') {
      const char *rest = file + n + 1;
      while (*rest == '/') {
        rest++;
      }
      return rest;
    }
  }
  return NULL;
}

static int compile(proto_paths *paths, char **files, size_t nfiles, bool include_imports,
                   const char *output) {
  int rc = CLI_EXIT_USAGE;
  strata_schema **schemas = calloc(nfiles + 1, sizeof *schemas);
  uint8_t *bytes = NULL;
  size_t len = 0;
  char *text = NULL;

  if (schemas == NULL) {
    cli_error("proto: out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < nfiles; i++) {
    const char *name = import_name(paths, files[i]);
    size_t tlen = 0;
    if (name == NULL || access(files[i], R_OK) != 0) {
      /* as protoc: a name found below an -I directory is a virtual path */
      if (load_import(paths, files[i], &text, &tlen) == STRATA_E_OK) {
        name = files[i];
      } else if (name == NULL) {
        cli_error("%s: File does not reside within any path specified using -I", files[i]);
        goto cleanup;
      }
    }
    if (text == NULL) {
      text = cli_read_file(files[i], &tlen);
    }
    if (text == NULL) {
      goto cleanup;
    }
    strata_diag diag;
    strata_error e =
        strata_proto_parse_file(name, text, tlen, load_import, paths, &schemas[i], &diag);
    free(text);
    text = NULL;
    if (e != STRATA_E_OK) {
      cli_error("%s", diag.message);
      goto cleanup;
    }
  }
  if (strata_proto_descriptor_set((const strata_schema *const *)schemas, nfiles, include_imports,
                                  &bytes, &len) != STRATA_E_OK) {
    cli_error("proto: out of memory");
    goto cleanup;
  }
  FILE *out = fopen(output, "wb");
  if (out == NULL) {
    cli_error("%s: %s", output, strerror(errno));
    goto cleanup;
  }
  bool ok = fwrite(bytes, 1, len, out) == len;
  if (fclose(out) != 0 || !ok) {
    cli_error("%s: write failed", output);
    goto cleanup;
  }
  rc = CLI_EXIT_OK;

cleanup:
  free(text);
  free(bytes);
  for (size_t i = 0; schemas != NULL && i < nfiles; i++) {
    strata_schema_free(&schemas[i]);
  }
  free(schemas);
  return rc;
}

int cmd_proto(cli_ctx *ctx, int argc, char **argv) {
  (void)ctx;
  int rc = CLI_EXIT_USAGE;
  const char *action = NULL;
  const char *output = NULL;
  bool include_imports = false;
  proto_paths paths = {{NULL}, 0};
  char **files = calloc((size_t)argc + 1, sizeof *files);
  size_t nfiles = 0;

  if (files == NULL) {
    cli_error("proto: out of memory");
    return CLI_EXIT_USAGE;
  }
  for (int i = 1; i < argc; i++) {
    int m;
    const char *dir = NULL;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(proto_usage, stdout);
      rc = CLI_EXIT_OK;
      goto cleanup;
    }
    if (strncmp(argv[i], "-I", 2) == 0 && argv[i][2] != '\0') {
      dir = argv[i] + 2;
    } else if ((m = cli_option_value(argc, argv, &i, "-I", &dir)) != 0 ||
               (m = cli_option_value(argc, argv, &i, "--proto-path", &dir)) != 0) {
      if (m < 0) {
        goto cleanup;
      }
    } else if ((m = cli_option_value(argc, argv, &i, "-o", &output)) != 0 ||
               (m = cli_option_value(argc, argv, &i, "--output", &output)) != 0) {
      if (m < 0) {
        goto cleanup;
      }
      continue;
    } else if (strcmp(argv[i], "--include-imports") == 0) {
      include_imports = true;
      continue;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      cli_error("proto: unknown option '%s'", argv[i]);
      fputs(proto_usage, stderr);
      goto cleanup;
    } else if (action == NULL) {
      action = argv[i];
      continue;
    } else {
      files[nfiles++] = argv[i];
      continue;
    }
    if (paths.n == MAX_PATHS) {
      cli_error("proto: too many -I directories (at most %d)", MAX_PATHS);
      goto cleanup;
    }
    paths.dirs[paths.n++] = dir;
  }
  if (action == NULL || strcmp(action, "compile") != 0) {
    cli_error(action == NULL ? "proto: needs an action (compile)"
                             : "proto: unknown action '%s' (expected compile)",
              action);
    fputs(proto_usage, stderr);
    goto cleanup;
  }
  if (nfiles == 0 || output == NULL) {
    cli_error(nfiles == 0 ? "proto: compile needs at least one .proto file"
                          : "proto: compile needs -o OUT");
    fputs(proto_usage, stderr);
    goto cleanup;
  }
  if (paths.n == 0) {
    paths.dirs[paths.n++] = ".";
  }
  rc = compile(&paths, files, nfiles, include_imports, output);

cleanup:
  free(files);
  return rc;
}
