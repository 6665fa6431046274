/*
 * main.c - strata-registry: opens the registry, serves it over HTTP until
 * SIGTERM or SIGINT, then shuts down gracefully.
 *
 * Exit status: 0 after a graceful shutdown (and for --help/--version), 1 when
 * start-up fails (database, address in use), 2 for a bad option.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <strata/version.h>

#include "core/registry.h"
#include "options.h"
#include "server.h"

/* Raises the soft descriptor limit to the hard one: every connection needs a descriptor. */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int main(int argc, char **argv) {
  int status = 1;
  opt_options opts;
  reg_registry *reg = NULL;
  srv_server *srv = NULL;
  char err[512] = "";

  switch (opt_load(argc, argv, &opts, stdout, stderr)) {
  case OPT_RUN:
    break;
  case OPT_EXIT_SUCCESS:
    opt_free(&opts);
    return 0;
  case OPT_EXIT_USAGE:
    opt_free(&opts);
    return 2;
  }

  /* Block the stop signals before any thread starts, so that every thread
   * inherits the mask and only sigwait() below receives them. */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
    fprintf(stderr, "strata-registry: cannot block signals\n");
    goto cleanup;
  }
  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();

  reg_options ropts;
  memset(&ropts, 0, sizeof ropts);
  ropts.data_path = opts.data;
  ropts.cluster_id = opts.cluster_id;
  ropts.default_compatibility = opts.default_compatibility;
  strata_error rc = reg_registry_open(&ropts, &reg, err, sizeof err);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "strata-registry: cannot open the registry at %s: %s\n", opts.data,
            err[0] != '\0' ? err : strata_strerror(rc));
    goto cleanup;
  }

  srv_options sopts;
  memset(&sopts, 0, sizeof sopts);
  sopts.host = opts.host;
  sopts.port = opts.port;
  sopts.threads = opts.threads;
  sopts.max_body = opts.max_body;
  sopts.access_log = opts.access_log;
  rc = srv_start(&sopts, reg, &srv, err, sizeof err);
  if (rc != STRATA_E_OK) {
    fprintf(stderr, "strata-registry: %s\n", err);
    goto cleanup;
  }

  fprintf(stderr, "strata-registry %s: %zu schemas in %s, %u threads\n", STRATA_VERSION,
          reg_registry_schema_count(reg), opts.data, opts.threads);
  const char *open_bracket = strchr(opts.host, ':') != NULL ? "[" : "";
  const char *close_bracket = strchr(opts.host, ':') != NULL ? "]" : "";
  printf("strata-registry listening on http://%s%s%s:%u\n", open_bracket, opts.host, close_bracket,
         (unsigned)srv_port(srv));
  fflush(stdout);

  int sig = 0;
  if (sigwait(&stop_signals, &sig) != 0) {
    fprintf(stderr, "strata-registry: cannot wait for signals; stopping\n");
  }
  fprintf(stderr, "strata-registry: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  srv_stop(srv);
  srv = NULL;
  reg_registry_close(reg);
  reg = NULL;
  fprintf(stderr, "strata-registry stopped\n");
  status = 0;

cleanup:
  srv_stop(srv);
  reg_registry_close(reg);
  opt_free(&opts);
  return status;
}
