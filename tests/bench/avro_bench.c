/*
 * avro_bench.c - micro-benchmark of Strata's Avro parser and compatibility
 * checker on generated schemas.
 *
 * Two workloads are generated in memory:
 *   wide   a record of 1,000 fields of mixed types (primitives, logical types,
 *          nullable unions with defaults, arrays, maps, fixed, a few nested
 *          records and enums) and an evolved copy of it (fields added with
 *          defaults, fields removed, int->long and float->double promotions,
 *          one symbol added to every enum). The evolved copy is BACKWARD
 *          compatible with the original.
 *   chain  100 versions of a record, version v adding one field with a default
 *          to version v-1.
 *
 * Usage:
 *   avro_bench [--reps N] [--min-time SECONDS] [--format json|table] [--only OP,...]
 *   avro_bench --write DIR
 *
 * --write stores the generated schemas as DIR/wide_old.avsc,
 * DIR/wide_new.avsc and DIR/chain_001.avsc ... DIR/chain_100.avsc (so that
 * avro_bench_python.py measures the same inputs) and exits.
 *
 * Without --reps each operation is repeated until it has run for --min-time
 * seconds (default 1) and at least 3 times, after one warm-up run. The mean
 * time per operation is printed in microseconds, one JSON object per line
 * (default) or as a table. Benchmarks are not tests: nothing here asserts a
 * time; the process fails only when a schema does not parse or a check does
 * not give the expected verdict.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <strata/compat.h>

enum {
  WIDE_FIELDS = 1000,
  CHAIN_VERSIONS = 100,
  CHAIN_BASE_FIELDS = 10
};

/* ---- a growable text buffer --------------------------------------------- */

typedef struct bench_buf {
  char *data;
  size_t len;
  size_t cap;
} bench_buf;

static void bench_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("avro_bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_FAILURE);
}

static void buf_printf(bench_buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    size_t room = b->cap - b->len;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0)
      bench_die("vsnprintf failed");
    if ((size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= (size_t)n)
      cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
      bench_die("out of memory");
    b->data = p;
    b->cap = cap;
  }
}

/* ---- schema generation -------------------------------------------------- */

/* Fields of the wide record that the evolved copy drops. */
static bool wide_removed(int i) {
  return i % 97 == 3;
}

/* Appends the type of wide field @p i; @p evolved selects the new version. */
static void wide_field(bench_buf *b, int i, bool evolved) {
  if (i % 100 == 50) { /* nested record */
    buf_printf(b,
               "{\"name\":\"nested_%d\",\"type\":{\"type\":\"record\",\"name\":\"Nested%d\","
               "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
               "{\"name\":\"label\",\"type\":[\"null\",\"string\"],\"default\":null},"
               "{\"name\":\"values\",\"type\":{\"type\":\"array\",\"items\":\"double\"}},"
               "{\"name\":\"count\",\"type\":\"%s\"}",
               i, i, evolved ? "long" : "int");
    if (evolved)
      buf_printf(b, ",{\"name\":\"extra\",\"type\":\"string\",\"default\":\"\"}");
    buf_printf(b, "]}}");
    return;
  }
  if (i % 100 == 25) { /* enum, one symbol added in the evolved copy */
    buf_printf(b,
               "{\"name\":\"kind_%d\",\"type\":{\"type\":\"enum\",\"name\":\"Kind%d\","
               "\"symbols\":[\"ALPHA\",\"BETA\",\"GAMMA\",\"DELTA\",\"EPSILON\"%s]}}",
               i, i, evolved ? ",\"ZETA\"" : "");
    return;
  }
  if (i % 250 == 75) { /* map of records */
    buf_printf(
        b,
        "{\"name\":\"entries_%d\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"record\","
        "\"name\":\"Entry%d\",\"fields\":[{\"name\":\"k\",\"type\":\"string\"},"
        "{\"name\":\"v\",\"type\":[\"null\",\"long\"],\"default\":null}]}}}",
        i, i);
    return;
  }
  switch (i % 20) {
  case 0:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"%s\"}", i, evolved && i % 40 == 0 ? "long" : "int");
    break;
  case 1:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"long\"}", i);
    break;
  case 2:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"%s\"}", i,
               evolved && i % 60 == 2 ? "double" : "float");
    break;
  case 3:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"double\"}", i);
    break;
  case 4:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"string\",\"doc\":\"field number %d\"}", i, i);
    break;
  case 5:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"bytes\"}", i);
    break;
  case 6:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"boolean\",\"default\":false}", i);
    break;
  case 7:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":[\"null\",\"string\"],\"default\":null}", i);
    break;
  case 8:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":[\"null\",\"long\"],\"default\":null}", i);
    break;
  case 9:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"int\",\"default\":%d}", i, i);
    break;
  case 10:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":[\"null\",\"double\",\"string\"],\"default\":null}",
               i);
    break;
  case 11:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}", i);
    break;
  case 12:
    buf_printf(
        b, "{\"name\":\"f%d\",\"type\":{\"type\":\"map\",\"values\":\"long\"},\"default\":{}}", i);
    break;
  case 13:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"string\",\"default\":\"\",\"aliases\":[\"g%d\"]}",
               i, i);
    break;
  case 14:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":\"%s\"}", i, evolved ? "long" : "int");
    break;
  case 15:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}}", i);
    break;
  case 16:
    buf_printf(
        b, "{\"name\":\"f%d\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}",
        i);
    break;
  case 17:
    buf_printf(b, "{\"name\":\"f%d\",\"type\":[\"null\",\"int\"],\"default\":null}", i);
    break;
  case 18:
    buf_printf(b,
               "{\"name\":\"f%d\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"string\"}],"
               "\"default\":null}",
               i);
    break;
  default:
    buf_printf(b,
               "{\"name\":\"f%d\",\"type\":{\"type\":\"fixed\",\"name\":\"Hash%d\",\"size\":16}}",
               i, i);
    break;
  }
}

/* Appends field j added by the evolved copy (always with a default). */
static void wide_added_field(bench_buf *b, int j) {
  switch (j % 5) {
  case 0:
    buf_printf(b, "{\"name\":\"added_%d\",\"type\":[\"null\",\"string\"],\"default\":null}", j);
    break;
  case 1:
    buf_printf(b, "{\"name\":\"added_%d\",\"type\":\"int\",\"default\":42}", j);
    break;
  case 2:
    buf_printf(b, "{\"name\":\"added_%d\",\"type\":\"string\",\"default\":\"x\"}", j);
    break;
  case 3:
    buf_printf(
        b,
        "{\"name\":\"added_%d\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"default\":[]}",
        j);
    break;
  default:
    buf_printf(b,
               "{\"name\":\"added_%d\",\"type\":{\"type\":\"enum\",\"name\":\"Added%d\","
               "\"symbols\":[\"ON\",\"OFF\"]},\"default\":\"OFF\"}",
               j, j);
    break;
  }
}

static char *gen_wide(bool evolved) {
  bench_buf b = {0};
  int added = 0;
  bool first = true;
  buf_printf(&b, "{\"type\":\"record\",\"name\":\"Wide\",\"namespace\":\"bench.wide\","
                 "\"doc\":\"1,000 field benchmark record\",\"fields\":[");
  for (int i = 0; i < WIDE_FIELDS; i++) {
    if (evolved && wide_removed(i))
      continue;
    if (!first)
      buf_printf(&b, ",");
    first = false;
    wide_field(&b, i, evolved);
    if (evolved && i % 40 == 39) {
      buf_printf(&b, ",");
      wide_added_field(&b, added++);
    }
  }
  buf_printf(&b, "]}");
  return b.data;
}

static void chain_field(bench_buf *b, int v) {
  switch (v % 7) {
  case 0:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":[\"null\",\"string\"],\"default\":null}", v);
    break;
  case 1:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":\"int\",\"default\":%d}", v, v);
    break;
  case 2:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":\"long\",\"default\":0}", v);
    break;
  case 3:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":\"string\",\"default\":\"\"}", v);
    break;
  case 4:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":[\"null\",\"long\"],\"default\":null}", v);
    break;
  case 5:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":\"boolean\",\"default\":false}", v);
    break;
  default:
    buf_printf(b, ",{\"name\":\"extra_%d\",\"type\":\"double\",\"default\":0.5}", v);
    break;
  }
}

/* Version @p version (1-based) of the chain record. */
static char *gen_chain(int version) {
  bench_buf b = {0};
  buf_printf(
      &b,
      "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"bench.chain\",\"fields\":["
      "{\"name\":\"id\",\"type\":\"long\"},"
      "{\"name\":\"name\",\"type\":\"string\"},"
      "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null},"
      "{\"name\":\"created\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
      "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
      "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
      "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\","
      "\"symbols\":[\"ACTIVE\",\"INACTIVE\"]}},"
      "{\"name\":\"score\",\"type\":\"double\"},"
      "{\"name\":\"flags\",\"type\":\"int\",\"default\":0},"
      "{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}");
  for (int v = 2; v <= version; v++)
    chain_field(&b, v);
  buf_printf(&b, "]}");
  return b.data;
}

/* ---- timing ------------------------------------------------------------- */

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef struct bench_opts {
  long reps;       /* fixed repetitions, 0 = time-based */
  double min_time; /* seconds, when reps == 0 */
  bool table;
  const char *only; /* comma-separated operation names, NULL = all */
} bench_opts;

typedef struct bench_ctx {
  char *wide_old;
  char *wide_new;
  char *chain[CHAIN_VERSIONS];
  strata_schema *s_wide_old;
  strata_schema *s_wide_new;
  strata_schema *s_chain[CHAIN_VERSIONS];
} bench_ctx;

typedef bool (*bench_fn)(bench_ctx *ctx);

static strata_schema *parse_or_die(const char *text) {
  strata_schema *s = NULL;
  strata_diag diag;
  memset(&diag, 0, sizeof diag);
  strata_error err =
      strata_schema_parse(STRATA_SCHEMA_AVRO, text, strlen(text), NULL, 0, &s, &diag);
  if (err != STRATA_E_OK)
    bench_die("generated schema does not parse: %s (line %d, column %d, path '%s'): %s",
              strata_error_name(err), diag.line, diag.column, diag.path, diag.message);
  return s;
}

static bool check_or_die(strata_compat_level level, const strata_schema *cand,
                         const strata_schema *const *prev, size_t nprev) {
  strata_compat_result *res = NULL;
  strata_error err = strata_compat_check(level, cand, prev, NULL, nprev, &res);
  if (err != STRATA_E_OK)
    bench_die("strata_compat_check failed: %s", strata_error_name(err));
  bool ok = strata_compat_result_compatible(res);
  strata_compat_result_free(&res);
  return ok;
}

static bool op_parse_wide_old(bench_ctx *ctx) {
  strata_schema *s = parse_or_die(ctx->wide_old);
  strata_schema_free(&s);
  return true;
}

static bool op_parse_wide_new(bench_ctx *ctx) {
  strata_schema *s = parse_or_die(ctx->wide_new);
  strata_schema_free(&s);
  return true;
}

static bool op_parse_chain_all(bench_ctx *ctx) {
  for (int v = 0; v < CHAIN_VERSIONS; v++) {
    strata_schema *s = parse_or_die(ctx->chain[v]);
    strata_schema_free(&s);
  }
  return true;
}

static bool op_backward_wide(bench_ctx *ctx) {
  const strata_schema *prev[1] = {ctx->s_wide_old};
  return check_or_die(STRATA_COMPAT_BACKWARD, ctx->s_wide_new, prev, 1);
}

static bool op_backward_wide_with_parse(bench_ctx *ctx) {
  strata_schema *olds = parse_or_die(ctx->wide_old);
  strata_schema *news = parse_or_die(ctx->wide_new);
  const strata_schema *prev[1] = {olds};
  bool ok = check_or_die(STRATA_COMPAT_BACKWARD, news, prev, 1);
  strata_schema_free(&olds);
  strata_schema_free(&news);
  return ok;
}

static bool op_backward_transitive_chain(bench_ctx *ctx) {
  const strata_schema *prev[CHAIN_VERSIONS - 1];
  for (int v = 0; v < CHAIN_VERSIONS - 1; v++)
    prev[v] = ctx->s_chain[v];
  return check_or_die(STRATA_COMPAT_BACKWARD_TRANSITIVE, ctx->s_chain[CHAIN_VERSIONS - 1], prev,
                      CHAIN_VERSIONS - 1);
}

static bool op_backward_transitive_chain_with_parse(bench_ctx *ctx) {
  strata_schema *s[CHAIN_VERSIONS];
  for (int v = 0; v < CHAIN_VERSIONS; v++)
    s[v] = parse_or_die(ctx->chain[v]);
  const strata_schema *prev[CHAIN_VERSIONS - 1];
  for (int v = 0; v < CHAIN_VERSIONS - 1; v++)
    prev[v] = s[v];
  bool ok = check_or_die(STRATA_COMPAT_BACKWARD_TRANSITIVE, s[CHAIN_VERSIONS - 1], prev,
                         CHAIN_VERSIONS - 1);
  for (int v = 0; v < CHAIN_VERSIONS; v++)
    strata_schema_free(&s[v]);
  return ok;
}

/* A FULL check of the wide pair is not BACKWARD-only; it is reported for
 * information (removed fields without defaults make FORWARD fail). */
static bool op_full_wide(bench_ctx *ctx) {
  const strata_schema *prev[1] = {ctx->s_wide_old};
  return check_or_die(STRATA_COMPAT_FULL, ctx->s_wide_new, prev, 1);
}

typedef struct bench_op {
  const char *name;
  const char *what;
  bench_fn fn;
  int per_call; /* operations per call, the mean is per operation */
  int expect;   /* 1 compatible, 0 incompatible, -1 not a check */
} bench_op;

static const bench_op bench_ops[] = {
    {"parse_wide_old", "parse 1,000-field record", op_parse_wide_old, 1, -1},
    {"parse_wide_new", "parse evolved 1,000-field record", op_parse_wide_new, 1, -1},
    {"parse_chain_each", "parse one chain version (mean of 100)", op_parse_chain_all,
     CHAIN_VERSIONS, -1},
    {"backward_wide", "BACKWARD wide new vs old", op_backward_wide, 1, 1},
    {"backward_wide_with_parse", "parse both + BACKWARD wide", op_backward_wide_with_parse, 1, 1},
    {"backward_transitive_chain", "BACKWARD_TRANSITIVE v100 vs v1..v99",
     op_backward_transitive_chain, 1, 1},
    {"backward_transitive_chain_with_parse", "parse 100 + BACKWARD_TRANSITIVE chain",
     op_backward_transitive_chain_with_parse, 1, 1},
    {"full_wide", "FULL wide new vs old (info)", op_full_wide, 1, 0},
};

static void run_op(bench_ctx *ctx, const bench_op *op, const bench_opts *opts) {
  bool verdict = op->fn(ctx); /* warm-up, and the verdict */
  if (op->expect >= 0 && verdict != (op->expect == 1))
    bench_die("%s: expected %s, got %s", op->name, op->expect ? "compatible" : "incompatible",
              verdict ? "compatible" : "incompatible");
  long n = 0;
  double start = now_us(), elapsed = 0;
  for (;;) {
    op->fn(ctx);
    n++;
    elapsed = now_us() - start;
    if (opts->reps > 0 ? n >= opts->reps : (n >= 3 && elapsed >= opts->min_time * 1e6))
      break;
  }
  double mean = elapsed / (double)n / op->per_call;
  if (opts->table) {
    printf("%-38s %12.2f us/op  %8ld reps  %s\n", op->name, mean, n,
           op->expect < 0 ? "" : (verdict ? "compatible" : "incompatible"));
  } else {
    printf("{\"impl\":\"strata\",\"op\":\"%s\",\"what\":\"%s\",\"reps\":%ld,\"ops_per_rep\":%d,"
           "\"mean_us\":%.3f",
           op->name, op->what, n, op->per_call, mean);
    if (op->expect >= 0)
      printf(",\"compatible\":%s", verdict ? "true" : "false");
    printf("}\n");
  }
  fflush(stdout);
}

/* ---- main --------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);
  if (!path)
    bench_die("out of memory");
  snprintf(path, n, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    bench_die("%s: %s", path, strerror(errno));
  size_t len = strlen(text);
  if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF || fclose(f) != 0)
    bench_die("%s: write failed", path);
  free(path);
}

/* True when @p name is in the comma-separated @p list. */
static bool in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0)
      return true;
    p += len + (end ? 1 : 0);
  }
  return false;
}

static void usage(FILE *out) {
  fputs("usage: avro_bench [--reps N] [--min-time SECONDS] [--format json|table] [--only OP,...]\n"
        "       avro_bench --write DIR\n",
        out);
}

int main(int argc, char **argv) {
  bench_opts opts = {0, 1.0, false, NULL};
  const char *write_dir = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--write") && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (!strcmp(a, "--reps") && i + 1 < argc) {
      opts.reps = strtol(argv[++i], NULL, 10);
      if (opts.reps <= 0)
        bench_die("--reps wants a positive number");
    } else if (!strcmp(a, "--min-time") && i + 1 < argc) {
      opts.min_time = strtod(argv[++i], NULL);
    } else if (!strcmp(a, "--only") && i + 1 < argc) {
      opts.only = argv[++i];
    } else if (!strcmp(a, "--format") && i + 1 < argc) {
      const char *f = argv[++i];
      if (!strcmp(f, "table"))
        opts.table = true;
      else if (strcmp(f, "json") != 0)
        bench_die("unknown format '%s'", f);
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EXIT_SUCCESS;
    } else {
      usage(stderr);
      return EXIT_FAILURE;
    }
  }

  bench_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.wide_old = gen_wide(false);
  ctx.wide_new = gen_wide(true);
  for (int v = 0; v < CHAIN_VERSIONS; v++)
    ctx.chain[v] = gen_chain(v + 1);

  if (write_dir) {
    if (mkdir(write_dir, 0777) != 0 && errno != EEXIST)
      bench_die("%s: %s", write_dir, strerror(errno));
    write_file(write_dir, "wide_old.avsc", ctx.wide_old);
    write_file(write_dir, "wide_new.avsc", ctx.wide_new);
    for (int v = 0; v < CHAIN_VERSIONS; v++) {
      char name[32];
      snprintf(name, sizeof name, "chain_%03d.avsc", v + 1);
      write_file(write_dir, name, ctx.chain[v]);
    }
  } else {
    ctx.s_wide_old = parse_or_die(ctx.wide_old);
    ctx.s_wide_new = parse_or_die(ctx.wide_new);
    for (int v = 0; v < CHAIN_VERSIONS; v++)
      ctx.s_chain[v] = parse_or_die(ctx.chain[v]);
    if (opts.table)
      printf("libstrata-compat, Avro, mean time per operation\n");
    for (size_t i = 0; i < sizeof bench_ops / sizeof bench_ops[0]; i++)
      if (!opts.only || in_list(opts.only, bench_ops[i].name))
        run_op(&ctx, &bench_ops[i], &opts);
    strata_schema_free(&ctx.s_wide_old);
    strata_schema_free(&ctx.s_wide_new);
    for (int v = 0; v < CHAIN_VERSIONS; v++)
      strata_schema_free(&ctx.s_chain[v]);
  }

  free(ctx.wide_old);
  free(ctx.wide_new);
  for (int v = 0; v < CHAIN_VERSIONS; v++)
    free(ctx.chain[v]);
  return EXIT_SUCCESS;
}
