/*
 * replay_main.c - runs a libFuzzer target without libFuzzer.
 *
 * Linked with one fuzz_*.c file, it feeds every file named on the command
 * line, and every regular file in every directory named there (not
 * recursively, hidden files skipped, in name order), to
 * LLVMFuzzerTestOneInput() once. This keeps the seed corpus and the saved
 * crash reproducers exercised by every ordinary and sanitizer build; a
 * violated invariant aborts, which CTest reports as a failure.
 *
 * Usage: replay-<target> [-v] PATH...
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_verbose;

/* Runs the target on one file; returns 0, or -1 when it cannot be read. */
static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  int rc = -1;
  if (!buf)
    goto cleanup;
  for (;;) {
    if (len == cap) {
      uint8_t *p = realloc(buf, cap * 2);
      if (!p)
        goto cleanup;
      buf = p;
      cap *= 2;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  if (ferror(f)) {
    fprintf(stderr, "replay: %s: read error\n", path);
    goto cleanup;
  }
  /* An exact-size copy, so that AddressSanitizer sees reads past the end. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact)
    goto cleanup;
  memcpy(exact, buf, len);
  if (replay_verbose)
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  rc = 0;
cleanup:
  if (rc != 0 && !buf)
    fprintf(stderr, "replay: %s: out of memory\n", path);
  free(buf);
  fclose(f);
  return rc;
}

static int replay_skip_hidden(const struct dirent *e) {
  return e->d_name[0] != '.';
}

/* Runs every regular file of @p dir; returns the number run, or -1. */
static long replay_dir(const char *dir) {
  struct dirent **names = NULL;
  int n = scandir(dir, &names, replay_skip_hidden, alphasort);
  if (n < 0) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  long count = 0;
  int failed = 0;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
    char *path = malloc(len);
    struct stat st;
    if (!path) {
      failed = 1;
    } else {
      snprintf(path, len, "%s/%s", dir, names[i]->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (replay_file(path) == 0)
          count++;
        else
          failed = 1;
      }
    }
    free(path);
    free(names[i]);
  }
  free(names);
  return failed ? -1 : count;
}

int main(int argc, char **argv) {
  long total = 0;
  int failed = 0, npaths = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (strcmp(argv[i], "-v") == 0) {
      replay_verbose = 1;
      continue;
    }
    npaths++;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      long n = replay_dir(argv[i]);
      if (n < 0)
        failed = 1;
      else
        total += n;
    } else if (replay_file(argv[i]) == 0) {
      total++;
    } else {
      failed = 1;
    }
  }
  if (npaths == 0) {
    fprintf(stderr, "usage: %s [-v] FILE-OR-DIRECTORY...\n", argv[0]);
    return 2;
  }
  printf("replay: %ld input(s) run\n", total);
  if (total == 0) {
    fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  return failed ? 1 : 0;
}
