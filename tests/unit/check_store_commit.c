/* check_store_commit.c - unit tests of the group committer (store/commit.h): many threads share
 * few transactions, one bad request does not fail its batch, and an acknowledged commit
 * survives SIGKILL. */
#include "store_fixture.h"

#include "store/commit.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define NTHREADS 16
#define NCOMMITS 200

typedef struct writer {
  src_committer *committer;
  int index;
  int failures;
} writer;

/* Commits NCOMMITS requests of (schema, version) each, one after the other. */
static void *writer_main(void *arg) {
  writer *w = arg;
  char subject[32];
  char schema[64];
  snprintf(subject, sizeof subject, "subject-%d", w->index);
  for (int i = 0; i < NCOMMITS; i++) {
    int64_t id = (int64_t)w->index * NCOMMITS + i + 1;
    snprintf(schema, sizeof schema, "{\"type\":\"fixed\",\"size\":%" PRId64 "}", id);
    srs_op ops[2] = {op_schema(".", id, schema), op_version(".", subject, i + 1, id)};
    char err[256];
    if (src_commit(w->committer, ops, 2, err, sizeof err) != STRATA_E_OK) {
      w->failures++;
    }
  }
  return NULL;
}

START_TEST(test_group_commit_many_threads) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  srs_store *store = fixture_open(path);
  src_committer *committer = NULL;
  ck_assert_int_eq(src_committer_new(store, &committer), STRATA_E_OK);

  pthread_t threads[NTHREADS];
  writer writers[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    writers[t] = (writer){committer, t, 0};
    ck_assert_int_eq(pthread_create(&threads[t], NULL, writer_main, &writers[t]), 0);
  }
  for (int t = 0; t < NTHREADS; t++) {
    ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    ck_assert_int_eq(writers[t].failures, 0);
  }
  uint64_t commits = (uint64_t)NTHREADS * NCOMMITS;
  uint64_t batches = src_committer_batches(committer);
  ck_assert_uint_eq(src_committer_requests(committer), commits);
  ck_assert_uint_eq(src_committer_queued(committer), 0);
  fprintf(stderr, "group commit: %" PRIu64 " commits in %" PRIu64 " transactions\n", commits,
          batches);
  /* every writer waits for the one in flight, so a batch holds about NTHREADS requests */
  ck_assert_msg(batches * 4 <= commits, "%" PRIu64 " transactions for %" PRIu64 " commits", batches,
                commits);
  src_committer_free(committer);
  srs_store_close(store);

  store = fixture_open(path);
  fixture_dump d = {0};
  fixture_load(store, &d);
  ck_assert_uint_eq(d.schemas, commits);
  ck_assert_uint_eq(d.versions, commits);
  free(d.text);
  srs_store_close(store);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

/* A store that wraps another and holds its first apply() until the test opens the gate, so the
 * test can line requests up behind it; it logs the size of every transaction. */
typedef struct gate_store {
  srs_store base;
  srs_store *inner;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool open;
  int entered;
  size_t calls;
  size_t nops[16];
} gate_store;

static strata_error gate_apply(srs_store *store, const srs_op *ops, size_t nops, char *err,
                               size_t errlen) {
  gate_store *g = (gate_store *)store;
  pthread_mutex_lock(&g->mu);
  if (g->calls < 16) {
    g->nops[g->calls] = nops;
  }
  g->calls++;
  g->entered++;
  pthread_cond_broadcast(&g->cond);
  while (!g->open) {
    pthread_cond_wait(&g->cond, &g->mu);
  }
  pthread_mutex_unlock(&g->mu);
  return g->inner->apply(g->inner, ops, nops, err, errlen);
}

typedef struct request {
  src_committer *committer;
  srs_op ops[2];
  size_t nops;
  strata_error rc;
  char err[256];
} request;

static void *request_main(void *arg) {
  request *r = arg;
  r->rc = src_commit(r->committer, r->ops, r->nops, r->err, sizeof r->err);
  return NULL;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

START_TEST(test_bad_request_does_not_fail_batch) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  gate_store gate = {.base = {.name = "gate", .apply = gate_apply}};
  gate.inner = fixture_open(path);
  pthread_mutex_init(&gate.mu, NULL);
  pthread_cond_init(&gate.cond, NULL);
  src_committer *committer = NULL;
  ck_assert_int_eq(src_committer_new(&gate.base, &committer), STRATA_E_OK);

  request reqs[4] = {{.nops = 1}, {.nops = 2}, {.nops = 1}, {.nops = 1}};
  reqs[0].ops[0] = op_schema(".", 1, "\"a\"");
  reqs[1].ops[0] = op_schema(".", 2, "\"b\"");
  reqs[1].ops[1] = op_version(".", "b", 1, 2);
  reqs[2].ops[0] = op_schema(".", 1, "\"duplicate id\""); /* fails: id 1 is taken */
  reqs[3].ops[0] = op_schema(".", 3, "\"c\"");
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) {
    reqs[i].committer = committer;
  }
  /* request 0 enters the store and is held there... */
  ck_assert_int_eq(pthread_create(&threads[0], NULL, request_main, &reqs[0]), 0);
  pthread_mutex_lock(&gate.mu);
  while (gate.entered == 0) {
    pthread_cond_wait(&gate.cond, &gate.mu);
  }
  pthread_mutex_unlock(&gate.mu);
  /* ...while the other three queue up behind it */
  for (int i = 1; i < 4; i++) {
    ck_assert_int_eq(pthread_create(&threads[i], NULL, request_main, &reqs[i]), 0);
  }
  for (int waited = 0; src_committer_queued(committer) < 3; waited++) {
    ck_assert_int_lt(waited, 10000);
    sleep_ms(1);
  }
  pthread_mutex_lock(&gate.mu);
  gate.open = true;
  pthread_cond_broadcast(&gate.cond);
  pthread_mutex_unlock(&gate.mu);
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
  }

  ck_assert_int_eq(reqs[0].rc, STRATA_E_OK);
  ck_assert_int_eq(reqs[1].rc, STRATA_E_OK);
  ck_assert_int_eq(reqs[2].rc, STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(reqs[2].err, "UNIQUE") != NULL, "%s", reqs[2].err);
  ck_assert_str_eq(reqs[1].err, "");
  ck_assert_int_eq(reqs[3].rc, STRATA_E_OK);
  /* transactions: request 0 alone, the batch of three (4 ops, failed), then each alone */
  ck_assert_uint_eq(gate.calls, 5);
  ck_assert_uint_eq(gate.nops[0], 1);
  ck_assert_uint_eq(gate.nops[1], 4);
  ck_assert_uint_eq(src_committer_batches(committer), 5);
  src_committer_free(committer);

  fixture_dump d = {0};
  fixture_load(gate.inner, &d);
  ck_assert_str_eq(d.text,
                   "S . 1 AVRO \"a\" <NULL> <NULL> <NULL> d41d8cd98f00b204e9800998ecf8427e g\n"
                   "S . 2 AVRO \"b\" <NULL> <NULL> <NULL> d41d8cd98f00b204e9800998ecf8427e g\n"
                   "S . 3 AVRO \"c\" <NULL> <NULL> <NULL> d41d8cd98f00b204e9800998ecf8427e g\n"
                   "V . b 1 2 0 1001\n");
  free(d.text);
  srs_store_close(gate.inner);
  pthread_cond_destroy(&gate.cond);
  pthread_mutex_destroy(&gate.mu);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

START_TEST(test_commit_after_free_and_errors) {
  char *dir = fixture_tmpdir();
  char *path = fixture_path(dir, "strata.db");
  srs_store *store = fixture_open(path);
  src_committer *committer = NULL;
  ck_assert_int_eq(src_committer_new(store, &committer), STRATA_E_OK);
  char err[256];
  ck_assert_int_eq(src_commit(committer, NULL, 0, err, sizeof err), STRATA_E_OK);
  srs_op bad = op_version(".", "s", 1, 42); /* no schema 42 */
  ck_assert_int_eq(src_commit(committer, &bad, 1, err, sizeof err), STRATA_E_STORE_ERROR);
  ck_assert_msg(strstr(err, "FOREIGN KEY") != NULL, "%s", err);
  srs_op good = op_schema(".", 42, "\"x\"");
  ck_assert_int_eq(src_commit(committer, &good, 1, NULL, 0), STRATA_E_OK);
  src_committer_free(committer);
  src_committer_free(NULL);
  fixture_dump d = {0};
  fixture_load(store, &d);
  ck_assert_uint_eq(d.schemas, 1);
  free(d.text);
  srs_store_close(store);
  free(path);
  fixture_rmdir(dir);
}
END_TEST

#define DURABLE_ROWS 100

/* In a child: commit rows 1..DURABLE_ROWS one at a time and SIGKILL itself the moment the
 * commit of row @p k is acknowledged. */
static void child_commit_and_die(const char *path, int k) {
  srs_store *store = NULL;
  src_committer *committer = NULL;
  char err[256];
  if (srs_sqlite_open(path, &store, err, sizeof err) != STRATA_E_OK ||
      src_committer_new(store, &committer) != STRATA_E_OK) {
    _exit(2);
  }
  for (int i = 1; i <= DURABLE_ROWS; i++) {
    char schema[32];
    snprintf(schema, sizeof schema, "\"row %d\"", i);
    srs_op ops[2] = {op_schema(".", i, schema), op_version(".", "s", i, i)};
    if (src_commit(committer, ops, 2, err, sizeof err) != STRATA_E_OK) {
      _exit(3);
    }
    if (i == k) {
      kill(getpid(), SIGKILL);
    }
  }
  _exit(4);
}

START_TEST(test_acknowledged_commit_survives_sigkill) {
  char *dir = fixture_tmpdir();
  const int ks[] = {1, 37, 64};
  for (size_t n = 0; n < sizeof ks / sizeof ks[0]; n++) {
    char name[64];
    snprintf(name, sizeof name, "run-%zu/data/strata.db", n);
    char *run = fixture_path(dir, name);
    int k = ks[n];
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
      child_commit_and_die(run, k);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);

    srs_store *store = fixture_open(run);
    fixture_dump d = {0};
    fixture_load(store, &d);
    /* nothing after row k was ever submitted */
    ck_assert_uint_eq(d.schemas, (size_t)k);
    ck_assert_uint_eq(d.versions, d.schemas);
    for (int i = 1; i <= k; i++) {
      char line[64];
      snprintf(line, sizeof line, "V . s %d %d 0 %d\n", i, i, 1000 + i);
      ck_assert_msg(strstr(d.text, line) != NULL, "row %d of %d missing after SIGKILL", i, k);
    }
    free(d.text);
    srs_store_close(store);
    free(run);
  }
  fixture_rmdir(dir);
}
END_TEST

static Suite *store_commit_suite(void) {
  Suite *s = suite_create("store_commit");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_group_commit_many_threads);
  tcase_add_test(tc, test_bad_request_does_not_fail_batch);
  tcase_add_test(tc, test_commit_after_free_and_errors);
  tcase_add_test(tc, test_acknowledged_commit_survives_sigkill);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(store_commit_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
