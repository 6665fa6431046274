/*
 * registry_fixture.h - a real strata-registry for a Check suite: started once
 * before the suite runs (127.0.0.1, an ephemeral port, a database in a fresh
 * temporary directory), stopped with SIGTERM at the end. The suite's main()
 * takes the binary's path as its argument (CMake passes
 * $<TARGET_FILE:strata-registry>).
 *
 * The server's stdout goes to a file in the temporary directory, so nothing
 * it prints later can fill a pipe; the fixture reads the file until the line
 * "strata-registry listening on http://127.0.0.1:PORT" appears.
 *
 * Define _XOPEN_SOURCE 700 before any include in the suite (nftw()).
 */
#ifndef STRATA_TESTS_REGISTRY_FIXTURE_H
#define STRATA_TESTS_REGISTRY_FIXTURE_H

#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct registry_fixture {
  pid_t pid;
  char dir[256];
  /* the base URL, e.g. "http://127.0.0.1:40123" */
  char url[128];
} registry_fixture;

static inline int registry_fixture_remove(const char *path, const struct stat *sb, int flag,
                                          struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Stops the server (SIGTERM, then waits for it) and removes its directory.
 * Returns the server's exit status, -1 when it did not exit normally. */
static inline int registry_fixture_stop(registry_fixture *f) {
  int result = 0;
  if (f->pid > 0) {
    int status = 0;
    kill(f->pid, SIGTERM);
    waitpid(f->pid, &status, 0);
    result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    f->pid = -1;
  }
  if (f->dir[0] != '\0') {
    nftw(f->dir, registry_fixture_remove, 16, FTW_DEPTH | FTW_PHYS);
    f->dir[0] = '\0';
  }
  return result;
}

/* Starts @p binary with @p threads worker threads (0: the server's default);
 * false (with a line on stderr) when it does not come up. Waiting for the
 * listening line is bounded at 60 s: that limit catches a server that never
 * starts, it is not a timing assertion. */
static inline bool registry_fixture_start(registry_fixture *f, const char *binary, int threads) {
  static const char marker[] = "listening on ";
  char db[320];
  char out[320];
  char nthreads[16];
  const char *tmp = getenv("TMPDIR");
  memset(f, 0, sizeof *f);
  f->pid = -1;
  snprintf(f->dir, sizeof f->dir, "%s/strata-fixture.XXXXXX", tmp != NULL ? tmp : "/tmp");
  if (mkdtemp(f->dir) == NULL) {
    perror("mkdtemp");
    f->dir[0] = '\0';
    return false;
  }
  snprintf(db, sizeof db, "%s/strata.db", f->dir);
  snprintf(out, sizeof out, "%s/stdout", f->dir);
  fflush(NULL);
  f->pid = fork();
  if (f->pid < 0) {
    perror("fork");
    return false;
  }
  if (f->pid == 0) {
    if (freopen(out, "w", stdout) == NULL) {
      _exit(127);
    }
    snprintf(nthreads, sizeof nthreads, "%d", threads);
    if (threads > 0) {
      execl(binary, binary, "--listen", "127.0.0.1:0", "--data", db, "--threads", nthreads,
            (char *)NULL);
    } else {
      execl(binary, binary, "--listen", "127.0.0.1:0", "--data", db, (char *)NULL);
    }
    _exit(127);
  }
  for (int i = 0; i < 3000; i++) {
    char line[256];
    FILE *file = fopen(out, "r");
    while (file != NULL && fgets(line, sizeof line, file) != NULL) {
      char *at = strstr(line, marker);
      if (at != NULL) {
        at += strlen(marker);
        at[strcspn(at, "\r\n")] = '\0';
        snprintf(f->url, sizeof f->url, "%s", at);
        fclose(file);
        return true;
      }
    }
    if (file != NULL) {
      fclose(file);
    }
    int status = 0;
    if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
      fprintf(stderr, "%s exited before listening\n", binary);
      f->pid = -1;
      return false;
    }
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 20 * 1000000L};
    nanosleep(&pause, NULL);
  }
  fprintf(stderr, "%s did not print its listening line\n", binary);
  return false;
}

#endif /* STRATA_TESTS_REGISTRY_FIXTURE_H */
