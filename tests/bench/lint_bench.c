/*
 * lint_bench.c - times the migration linter (compat/lint) on one file.
 *
 *   lint_bench FILE [RUNS]
 *
 * Lints FILE RUNS times (default 5) as `strata migrate lint` does and prints
 * "statements=N findings=M best_ms=T mean_ms=U". Not a test: run-lint-bench.sh
 * compares it with squawk on the same file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lint.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: lint_bench FILE [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *sql = malloc((size_t)size + 1);
  if (sql == NULL || fread(sql, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    free(sql);
    return 2;
  }
  fclose(f);
  mlint_options opts;
  mlint_options_init(&opts);
  double best = 0;
  double sum = 0;
  size_t statements = 0;
  size_t findings = 0;
  for (int i = 0; i < (runs > 0 ? runs : 1); i++) {
    mlint_findings *out = NULL;
    double t0 = now_ms();
    if (mlint_run(argv[1], sql, (size_t)size, &opts, &out) != STRATA_E_OK) {
      fprintf(stderr, "mlint_run failed\n");
      free(sql);
      return 1;
    }
    FILE *sink = fopen("/dev/null", "w");
    if (sink != NULL) {
      mlint_print(sink, MLINT_FORMAT_GCC, out);
      fclose(sink);
    }
    double t = now_ms() - t0;
    statements = out->statements;
    findings = out->count;
    mlint_findings_free(&out);
    best = i == 0 || t < best ? t : best;
    sum += t;
  }
  printf("statements=%zu findings=%zu best_ms=%.1f mean_ms=%.1f\n", statements, findings, best,
         sum / (runs > 0 ? runs : 1));
  free(sql);
  return 0;
}
