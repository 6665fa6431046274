/*
 * proto_diff_tool.c - strata-proto-diff: Strata's Protobuf diff (Confluent's rules) on two
 * .proto files. Used by the corpus (full change lists), the buf differential and the benchmark.
 *
 * Usage:
 *   strata-proto-diff [--check] [--repeat N] [-I DIR]... [--old-import DIR]...
 *                     [--new-import DIR]... OLD.proto NEW.proto
 *   strata-proto-diff --case DIR
 *
 * Files are parsed with Strata's parser (strata_proto_parse_file); imports are searched in the
 * -I directories (both sides), then --old-import / --new-import (one side), then among the
 * built-in well-known types. Output, one line each:
 *   default   every difference of diff(OLD -> NEW): "<TYPE> <PATH>"
 *   --check   the incompatible differences of both directions:
 *             "<BACKWARD|FORWARD> <TYPE> <PATH>\t<sentence>"
 * --repeat N parses both files and diffs them N times and prints "time_us <mean per run>" on
 * stderr (the benchmark's "parse both + check").
 * --case DIR runs a corpus case (tests/compat/protobuf/<case>: old-1.proto, new.proto, their
 * old-1-imports/ and new-imports/ directories) and compares diff(old -> new) with the
 * "changes" list of DIR/expect.json as a multiset (an order that differs from Confluent's is
 * reported but not a failure).
 * Exit status: 0 on success, 1 on a parse error or a case mismatch, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "proto_check.h"
#include "proto_model.h"

#define MAX_DIRS  64
#define PATH_SIZE 4096

static char *read_text(const char *path, size_t *len) {
  char *buf = NULL;
  size_t cap = 0;
  size_t used = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  for (;;) {
    if (cap - used < 4096) {
      size_t ncap = cap ? cap * 2 : 8192;
      char *nbuf = realloc(buf, ncap);
      if (nbuf == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t got = fread(buf + used, 1, cap - used - 1, f);
    used += got;
    if (got == 0) {
      break;
    }
  }
  fclose(f);
  buf[used] = '\0';
  *len = used;
  return buf;
}

/* One side: where its imports are, the parsed schema and the pbc_files view of it. */
typedef struct tool_side {
  const char *dirs[MAX_DIRS];
  size_t ndirs;
  strata_schema *schema;
  const pbc_file **closure;
  const Google__Protobuf__FileDescriptorProto **deps;
  pbc_files files;
} tool_side;

static strata_error load_import(void *ctx, const char *path, char **text, size_t *len) {
  const tool_side *side = ctx;
  for (size_t d = 0; d < side->ndirs; d++) {
    char full[PATH_SIZE];
    int n = snprintf(full, sizeof full, "%s/%s", side->dirs[d], path);
    if (n < 0 || (size_t)n >= sizeof full) {
      continue;
    }
    *text = read_text(full, len);
    if (*text != NULL) {
      return STRATA_E_OK;
    }
  }
  return STRATA_E_NOT_FOUND;
}

static void side_release(tool_side *s) {
  strata_schema_free(&s->schema);
  free(s->closure);
  free(s->deps);
  s->closure = NULL;
  s->deps = NULL;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* Parses @p path as @p name (NULL: its base name) with the side's imports. */
static bool side_load(tool_side *s, const char *path, const char *name) {
  bool ok = false;
  size_t len = 0;
  size_t count = 0;
  strata_diag diag;
  char *text = read_text(path, &len);
  memset(&diag, 0, sizeof diag);
  if (text == NULL) {
    fprintf(stderr, "strata-proto-diff: %s: %s\n", path, strerror(errno));
    goto cleanup;
  }
  strata_error rc = strata_proto_parse_file(name != NULL ? name : base_name(path), text, len,
                                            load_import, s, &s->schema, &diag);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "strata-proto-diff: %s: %s\n", path, diag.message);
    goto cleanup;
  }
  const pbc_file *root = pbc_schema_file(s->schema);
  if (pbc_file_closure(root, &s->closure, &count) != STRATA_E_OK) {
    fprintf(stderr, "strata-proto-diff: out of memory\n");
    goto cleanup;
  }
  s->deps = calloc(count ? count : 1, sizeof *s->deps);
  if (s->deps == NULL) {
    fprintf(stderr, "strata-proto-diff: out of memory\n");
    goto cleanup;
  }
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    if (s->closure[i] != root) {
      s->deps[n++] = s->closure[i]->proto;
    }
  }
  s->files.file = root->proto;
  s->files.deps = s->deps;
  s->files.ndeps = n;
  ok = true;
cleanup:
  free(text);
  return ok;
}

typedef struct print_ctx {
  const char *direction; /* NULL: print every difference */
  bool print;
} print_ctx;

static strata_error print_diff(void *vctx, pbc_diff_type type, const char *path,
                               const char *message) {
  const print_ctx *ctx = vctx;
  if (!ctx->print) {
    return STRATA_E_OK;
  }
  if (ctx->direction == NULL) {
    printf("%s %s\n", pbc_diff_type_name(type), path);
  } else if (!pbc_diff_type_compatible(type)) {
    printf("%s %s %s\t%s\n", ctx->direction, pbc_diff_type_name(type), path, message);
  }
  return STRATA_E_OK;
}

/* Collects "<TYPE> <PATH>" strings. */
typedef struct change_list {
  char **items;
  size_t n;
} change_list;

static strata_error collect_diff(void *vctx, pbc_diff_type type, const char *path,
                                 const char *message) {
  change_list *list = vctx;
  (void)message;
  char **grown = realloc(list->items, (list->n + 1) * sizeof *grown);
  if (grown == NULL) {
    return STRATA_E_NOMEM;
  }
  list->items = grown;
  size_t len = strlen(pbc_diff_type_name(type)) + strlen(path) + 2;
  list->items[list->n] = malloc(len);
  if (list->items[list->n] == NULL) {
    return STRATA_E_NOMEM;
  }
  snprintf(list->items[list->n++], len, "%s %s", pbc_diff_type_name(type), path);
  return STRATA_E_OK;
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir_if_present(tool_side *s, char *buf, const char *dir, const char *sub) {
  snprintf(buf, PATH_SIZE, "%s/%s", dir, sub);
  FILE *probe = fopen(buf, "r");
  if (probe != NULL) {
    fclose(probe);
    s->dirs[s->ndirs++] = buf;
  }
}

/* --case DIR */
static int run_case(const char *dir) {
  int status = 1;
  char old_path[PATH_SIZE];
  char new_path[PATH_SIZE];
  char old_imports[PATH_SIZE];
  char new_imports[PATH_SIZE];
  char expect_path[PATH_SIZE];
  tool_side o;
  tool_side u;
  change_list got = {NULL, 0};
  const char **want = NULL;
  json_t *expect = NULL;
  json_error_t jerr;
  memset(&o, 0, sizeof o);
  memset(&u, 0, sizeof u);

  snprintf(old_path, sizeof old_path, "%s/old-1.proto", dir);
  snprintf(new_path, sizeof new_path, "%s/new.proto", dir);
  snprintf(expect_path, sizeof expect_path, "%s/expect.json", dir);
  add_dir_if_present(&o, old_imports, dir, "old-1-imports");
  add_dir_if_present(&u, new_imports, dir, "new-imports");
  expect = json_load_file(expect_path, 0, &jerr);
  json_t *changes = json_object_get(expect, "changes");
  if (!json_is_array(changes)) {
    fprintf(stderr, "FAIL %s: expect.json has no \"changes\" array\n", dir);
    goto cleanup;
  }
  if (!side_load(&o, old_path, "schema.proto") || !side_load(&u, new_path, "schema.proto")) {
    goto cleanup;
  }
  strata_error rc = pbc_diff(&o.files, &u.files, "old", "new", collect_diff, &got);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "FAIL %s: pbc_diff: %s\n", dir, strata_strerror(rc));
    goto cleanup;
  }
  size_t nwant = json_array_size(changes);
  want = calloc(nwant ? nwant : 1, sizeof *want);
  if (want == NULL) {
    goto cleanup;
  }
  bool same_order = nwant == got.n;
  for (size_t i = 0; i < nwant; i++) {
    want[i] = json_string_value(json_array_get(changes, i));
    if (want[i] == NULL) {
      fprintf(stderr, "FAIL %s: change %zu is not a string\n", dir, i);
      goto cleanup;
    }
    same_order = same_order && strcmp(want[i], got.items[i]) == 0;
  }
  char **sorted_got = got.items;
  if (got.n > 0) {
    qsort(sorted_got, got.n, sizeof *sorted_got, str_cmp);
  }
  if (nwant > 0) {
    qsort(want, nwant, sizeof *want, str_cmp);
  }
  bool same = nwant == got.n;
  for (size_t i = 0; same && i < nwant; i++) {
    same = strcmp(want[i], sorted_got[i]) == 0;
  }
  if (!same) {
    fprintf(stderr, "FAIL %s: the change lists differ (compared as multisets)\n  expected:\n", dir);
    for (size_t i = 0; i < nwant; i++) {
      fprintf(stderr, "    %s\n", want[i]);
    }
    fprintf(stderr, "  actual:\n");
    for (size_t i = 0; i < got.n; i++) {
      fprintf(stderr, "    %s\n", sorted_got[i]);
    }
    goto cleanup;
  }
  printf("ok %s (%zu change%s, %s order)\n", dir, got.n, got.n == 1 ? "" : "s",
         same_order ? "Confluent's" : "a different");
  status = 0;
cleanup:
  for (size_t i = 0; i < got.n; i++) {
    free(got.items[i]);
  }
  free(got.items);
  free(want);
  json_decref(expect);
  side_release(&o);
  side_release(&u);
  return status;
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int usage(void) {
  fprintf(stderr, "usage: strata-proto-diff [--check] [--repeat N] [-I DIR]... "
                  "[--old-import DIR]... [--new-import DIR]... OLD.proto NEW.proto\n"
                  "       strata-proto-diff --case DIR\n");
  return 2;
}

int main(int argc, char **argv) {
  int status = 1;
  bool check = false;
  long repeat = 0;
  const char *files[2] = {NULL, NULL};
  size_t nfiles = 0;
  tool_side old_side;
  tool_side new_side;
  memset(&old_side, 0, sizeof old_side);
  memset(&new_side, 0, sizeof new_side);

  if (argc == 3 && strcmp(argv[1], "--case") == 0) {
    return run_case(argv[2]);
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool both = strcmp(a, "-I") == 0;
    bool old_only = strcmp(a, "--old-import") == 0;
    bool new_only = strcmp(a, "--new-import") == 0;
    if (both || old_only || new_only) {
      if (++i >= argc || old_side.ndirs >= MAX_DIRS || new_side.ndirs >= MAX_DIRS) {
        return usage();
      }
      if (both || old_only) {
        old_side.dirs[old_side.ndirs++] = argv[i];
      }
      if (both || new_only) {
        new_side.dirs[new_side.ndirs++] = argv[i];
      }
    } else if (strcmp(a, "--check") == 0) {
      check = true;
    } else if (strcmp(a, "--repeat") == 0) {
      if (++i >= argc || (repeat = strtol(argv[i], NULL, 10)) <= 0) {
        return usage();
      }
    } else if (a[0] == '-' || nfiles == 2) {
      return usage();
    } else {
      files[nfiles++] = a;
    }
  }
  if (nfiles != 2) {
    return usage();
  }

  long runs = repeat > 0 ? repeat : 1;
  double start = now_us();
  for (long r = 0; r < runs; r++) {
    print_ctx all = {NULL, r == runs - 1};
    print_ctx back = {"BACKWARD", r == runs - 1};
    print_ctx fwd = {"FORWARD", r == runs - 1};
    strata_error rc;
    if (!side_load(&old_side, files[0], NULL) || !side_load(&new_side, files[1], NULL)) {
      goto cleanup;
    }
    if (check) {
      rc = pbc_diff(&old_side.files, &new_side.files, "old", "new", print_diff, &back);
      if (rc == STRATA_E_OK) {
        rc = pbc_diff(&new_side.files, &old_side.files, "new", "old", print_diff, &fwd);
      }
    } else {
      rc = pbc_diff(&old_side.files, &new_side.files, "old", "new", print_diff, &all);
    }
    if (rc != STRATA_E_OK) {
      fprintf(stderr, "strata-proto-diff: %s\n", strata_strerror(rc));
      goto cleanup;
    }
    side_release(&old_side);
    side_release(&new_side);
  }
  if (repeat > 0) {
    fprintf(stderr, "time_us %.3f\n", (now_us() - start) / (double)runs);
  }
  status = 0;
cleanup:
  side_release(&old_side);
  side_release(&new_side);
  return status;
}
