/* check_writer.c - unit tests of the registry's writer (core/writer.h) over a real SQLite store:
 * the jobs of many threads share few transactions, a failing job is dropped from its batch while
 * the others commit, a failing transaction reloads the index and fails the whole batch, jobs run
 * under the exclusive lock, shutting down finishes the queued work, and an acknowledged job
 * survives SIGKILL. */
#include "store_fixture.h"

#include "core/writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>

/* The largest schema id a test uses, plus one. */
#define MAX_IDS 2048

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* A store that wraps the SQLite one: it logs the size of every transaction, can sleep before
 * each (so that jobs pile up behind it) and can hold every transaction until the test opens the
 * gate (so that the test lines jobs up behind the one in flight). */
typedef struct wrap_store {
  srs_store base;
  srs_store *inner;
  long delay_ms;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool gated;
  bool open;
  size_t calls;
  size_t nops[64];
} wrap_store;

static strata_error wrap_load(srs_store *store, const srs_loader *loader, char *err,
                              size_t errlen) {
  wrap_store *w = (wrap_store *)store;
  return w->inner->load(w->inner, loader, err, errlen);
}

static strata_error wrap_apply(srs_store *store, const srs_op *ops, size_t nops, char *err,
                               size_t errlen) {
  wrap_store *w = (wrap_store *)store;
  pthread_mutex_lock(&w->mu);
  if (w->calls < sizeof w->nops / sizeof w->nops[0]) {
    w->nops[w->calls] = nops;
  }
  w->calls++;
  pthread_cond_broadcast(&w->cond);
  while (w->gated && !w->open) {
    pthread_cond_wait(&w->cond, &w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  if (w->delay_ms > 0) {
    sleep_ms(w->delay_ms);
  }
  return w->inner->apply(w->inner, ops, nops, err, errlen);
}

static size_t wrap_calls(wrap_store *w) {
  pthread_mutex_lock(&w->mu);
  size_t calls = w->calls;
  pthread_mutex_unlock(&w->mu);
  return calls;
}

/* Blocks until at least @p n transactions have entered the store. */
static void wrap_wait_calls(wrap_store *w, size_t n) {
  pthread_mutex_lock(&w->mu);
  while (w->calls < n) {
    pthread_cond_wait(&w->cond, &w->mu);
  }
  pthread_mutex_unlock(&w->mu);
}

static void wrap_open_gate(wrap_store *w) {
  pthread_mutex_lock(&w->mu);
  w->open = true;
  pthread_cond_broadcast(&w->cond);
  pthread_mutex_unlock(&w->mu);
}

/* What the registry's index is to the writer, reduced to the set of schema ids: jobs check and
 * change it under the exclusive lock, and the reload callback rebuilds it from the store. */
typedef struct rig {
  char *dir;
  char *path;
  wrap_store store;
  pthread_rwlock_t lock;
  wr_writer *writer;
  bool ids[MAX_IDS];
  size_t nids;
  int runs;           /* jobs run so far */
  int reloads;        /* reload callbacks */
  int reload_lock_rc; /* pthread_rwlock_tryrdlock() inside the last reload */
  strata_error reload_rc;
} rig;

static strata_error reload_schema(void *arg, const srs_schema_row *row) {
  rig *r = arg;
  if (row->id < 0 || row->id >= MAX_IDS) {
    return STRATA_E_INTERNAL;
  }
  r->ids[row->id] = true;
  r->nids++;
  return STRATA_E_OK;
}

static void rig_reload(void *arg) {
  rig *r = arg;
  r->reloads++;
  r->reload_lock_rc = pthread_rwlock_tryrdlock(&r->lock);
  if (r->reload_lock_rc == 0) {
    pthread_rwlock_unlock(&r->lock);
  }
  memset(r->ids, 0, sizeof r->ids);
  r->nids = 0;
  srs_loader loader = {r, reload_schema, NULL, NULL, NULL};
  char err[256];
  r->reload_rc = r->store.base.load(&r->store.base, &loader, err, sizeof err);
}

/* Opens the store at r->path and starts a writer over it; no Check assertion, so that a forked
 * child can use it too. */
static strata_error rig_start(rig *r, bool gated, long delay_ms) {
  char err[256];
  r->store = (wrap_store){.base = {.name = "wrap", .load = wrap_load, .apply = wrap_apply},
                          .delay_ms = delay_ms,
                          .gated = gated};
  strata_error rc = srs_sqlite_open(r->path, &r->store.inner, err, sizeof err);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  pthread_mutex_init(&r->store.mu, NULL);
  pthread_cond_init(&r->store.cond, NULL);
  pthread_rwlock_init(&r->lock, NULL);
  return wr_writer_new(&r->store.base, &r->lock, rig_reload, r, &r->writer);
}

static void rig_open(rig *r, bool gated, long delay_ms) {
  memset(r, 0, sizeof *r);
  r->dir = fixture_tmpdir();
  r->path = fixture_path(r->dir, "strata.db");
  ck_assert_int_eq(rig_start(r, gated, delay_ms), STRATA_E_OK);
}

static void rig_close(rig *r) {
  wr_writer_free(r->writer);
  r->writer = NULL;
  srs_store_close(r->store.inner);
  pthread_rwlock_destroy(&r->lock);
  pthread_cond_destroy(&r->store.cond);
  pthread_mutex_destroy(&r->store.mu);
  free(r->path);
  fixture_rmdir(r->dir);
}

/* Reopens the database of @p r with a fresh connection and dumps it into @p d. */
static void rig_reopen_dump(rig *r, fixture_dump *d) {
  srs_store *store = fixture_open(r->path);
  fixture_load(store, d);
  srs_store_close(store);
}

typedef enum job_kind {
  JOB_PUT,           /* claims schema id (fails if the index has it) and stores it */
  JOB_PUT_UNCHECKED, /* stores schema id without asking the index (a broken precondition) */
  JOB_PUT_THEN_FAIL, /* appends the ops of a put, then fails without changing the index */
  JOB_NOTHING        /* succeeds without changing anything */
} job_kind;

#define JOB_FAILURE STRATA_E_INVALID_SCHEMA

/* One job and what happened to it. */
typedef struct job {
  rig *rig;
  job_kind kind;
  int64_t id;
  const char *subject; /* non-NULL: also store version @p version of it -> id */
  int32_t version;
  /* set on the writer thread */
  atomic_bool ran;
  int seq;       /* rig->runs after it ran: the order of jobs */
  size_t batch;  /* transactions the store had entered when it ran: equal within a batch */
  int lock_rc;   /* pthread_rwlock_tryrdlock() while it ran */
  bool null_dup; /* wr_batch_strdup(NULL) gave NULL */
  /* set by the submitting thread */
  atomic_bool submitting;
  strata_error rc;
  char err[256];
} job;

static strata_error job_run(void *arg, wr_batch *batch) {
  job *j = arg;
  rig *r = j->rig;
  j->seq = ++r->runs;
  j->batch = wrap_calls(&r->store);
  j->lock_rc = pthread_rwlock_tryrdlock(&r->lock);
  if (j->lock_rc == 0) {
    pthread_rwlock_unlock(&r->lock);
  }
  atomic_store(&j->ran, true);
  if (j->kind == JOB_NOTHING) {
    j->null_dup = wr_batch_strdup(batch, NULL) == NULL;
    return STRATA_E_OK;
  }
  if (j->id < 0 || j->id >= MAX_IDS) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  if (j->kind == JOB_PUT && r->ids[j->id]) {
    return STRATA_E_ID_DOES_NOT_MATCH;
  }
  /* the text lives on this stack frame: the batch must keep its own copy until the commit */
  char text[64];
  snprintf(text, sizeof text, "\"schema %" PRId64 "\"", j->id);
  const char *copy = wr_batch_strdup(batch, text);
  srs_op *op = wr_batch_op(batch);
  if (copy == NULL || op == NULL) {
    return STRATA_E_NOMEM;
  }
  *op = op_schema(".", j->id, copy);
  if (j->subject != NULL) {
    op = wr_batch_op(batch);
    if (op == NULL) {
      return STRATA_E_NOMEM;
    }
    *op = op_version(".", j->subject, j->version, j->id);
  }
  if (j->kind == JOB_PUT_THEN_FAIL) {
    return JOB_FAILURE;
  }
  if (!r->ids[j->id]) {
    r->ids[j->id] = true;
    r->nids++;
  }
  return STRATA_E_OK;
}

static strata_error job_submit(job *j) {
  return wr_submit(j->rig->writer, job_run, j, j->err, sizeof j->err);
}

static void *job_thread(void *arg) {
  job *j = arg;
  atomic_store(&j->submitting, true);
  j->rc = job_submit(j);
  return NULL;
}

static void wait_submitting(job *j) {
  for (int waited = 0; !atomic_load(&j->submitting); waited++) {
    ck_assert_int_lt(waited, 10000);
    sleep_ms(1);
  }
}

/*
 * Runs jobs[0] alone, held in the gated store, while jobs[1..n-1] are submitted one after the
 * other (@p pause_ms apart) so that they queue behind it; then opens the gate and waits for all.
 * The writer offers no way to see its queue, so the lining up relies on the pauses: returns
 * whether jobs[1..n-1] did run in one batch, in order (the caller retries with longer pauses).
 */
static bool run_lined_up(rig *r, job *jobs, size_t n, long pause_ms) {
  pthread_t threads[8];
  ck_assert_uint_le(n, 8);
  ck_assert_int_eq(pthread_create(&threads[0], NULL, job_thread, &jobs[0]), 0);
  wrap_wait_calls(&r->store, 1);
  for (size_t i = 1; i < n; i++) {
    ck_assert_int_eq(pthread_create(&threads[i], NULL, job_thread, &jobs[i]), 0);
    wait_submitting(&jobs[i]);
    sleep_ms(pause_ms);
  }
  wrap_open_gate(&r->store);
  for (size_t i = 0; i < n; i++) {
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
  }
  ck_assert_int_eq(jobs[0].rc, STRATA_E_OK);
  ck_assert_uint_eq(jobs[0].batch, 0);
  bool lined_up = true;
  for (size_t i = 1; i < n; i++) {
    ck_assert(atomic_load(&jobs[i].ran));
    lined_up = lined_up && jobs[i].batch == 1 && jobs[i].seq == (int)i + 1;
  }
  if (!lined_up) {
    fprintf(stderr, "jobs did not line up in one batch after %ld ms pauses; retrying\n", pause_ms);
  }
  return lined_up;
}

#define NTHREADS 16
#define NJOBS    100

typedef struct submitter {
  rig *rig;
  int index;
  int failures;
} submitter;

/* Submits NJOBS jobs of (schema, version) one after the other. */
static void *submitter_main(void *arg) {
  submitter *s = arg;
  char subject[32];
  snprintf(subject, sizeof subject, "subject-%d", s->index);
  for (int i = 0; i < NJOBS; i++) {
    job j = {.rig = s->rig,
             .kind = JOB_PUT,
             .id = (int64_t)s->index * NJOBS + i + 1,
             .subject = subject,
             .version = i + 1};
    if (job_submit(&j) != STRATA_E_OK || j.lock_rc != EBUSY) {
      s->failures++;
    }
  }
  return NULL;
}

START_TEST(test_group_commit_many_threads) {
  rig r;
  /* each transaction takes at least 1 ms, so the jobs of the other threads pile up meanwhile */
  rig_open(&r, false, 1);
  pthread_t threads[NTHREADS];
  submitter subs[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    subs[t] = (submitter){&r, t, 0};
    ck_assert_int_eq(pthread_create(&threads[t], NULL, submitter_main, &subs[t]), 0);
  }
  for (int t = 0; t < NTHREADS; t++) {
    ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    ck_assert_int_eq(subs[t].failures, 0);
  }
  uint64_t jobs = (uint64_t)NTHREADS * NJOBS;
  uint64_t commits = wr_writer_commits(r.writer);
  fprintf(stderr, "writer: %" PRIu64 " jobs in %" PRIu64 " transactions\n", jobs, commits);
  ck_assert_uint_ge(commits, 1);
  /* each thread waits for its job in flight, so a batch holds up to NTHREADS jobs */
  ck_assert_msg(commits * 4 <= jobs, "%" PRIu64 " transactions for %" PRIu64 " jobs", commits,
                jobs);
  ck_assert_uint_eq(wrap_calls(&r.store), commits);
  ck_assert_int_eq(r.runs, (int)jobs);
  ck_assert_uint_eq(r.nids, jobs);
  ck_assert_int_eq(r.reloads, 0);
  wr_writer_free(r.writer);
  r.writer = NULL;

  fixture_dump d = {0};
  rig_reopen_dump(&r, &d);
  ck_assert_uint_eq(d.schemas, jobs);
  ck_assert_uint_eq(d.versions, jobs);
  ck_assert_ptr_nonnull(strstr(d.text, "S . 1 AVRO \"schema 1\" "));
  ck_assert_ptr_nonnull(strstr(d.text, "S . 1600 AVRO \"schema 1600\" "));
  ck_assert_ptr_nonnull(strstr(d.text, "V . subject-0 1 1 0 1001\n"));
  ck_assert_ptr_nonnull(strstr(d.text, "V . subject-15 100 1600 0 1100\n"));
  free(d.text);
  rig_close(&r);
}
END_TEST

START_TEST(test_failing_job_dropped_from_batch) {
  bool lined_up = false;
  for (int attempt = 0; attempt < 5 && !lined_up; attempt++) {
    rig r;
    rig_open(&r, true, 0);
    job jobs[4] = {
        {.rig = &r, .kind = JOB_PUT, .id = 1},
        {.rig = &r, .kind = JOB_PUT, .id = 2, .subject = "b", .version = 1},
        {.rig = &r, .kind = JOB_PUT_THEN_FAIL, .id = 99, .subject = "x", .version = 1},
        {.rig = &r, .kind = JOB_PUT, .id = 3},
    };
    lined_up = run_lined_up(&r, jobs, 4, 20L << attempt);
    if (lined_up) {
      ck_assert_int_eq(jobs[1].rc, STRATA_E_OK);
      ck_assert_int_eq(jobs[2].rc, JOB_FAILURE);
      ck_assert_int_eq(jobs[3].rc, STRATA_E_OK);
      for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(jobs[i].err, "");
      }
      /* the blocker alone, then jobs 1 and 3 together without the two ops of job 2 */
      ck_assert_uint_eq(wrap_calls(&r.store), 2);
      ck_assert_uint_eq(r.store.nops[0], 1);
      ck_assert_uint_eq(r.store.nops[1], 3);
      ck_assert_uint_eq(wr_writer_commits(r.writer), 2);
      ck_assert_int_eq(r.reloads, 0);
      ck_assert_uint_eq(r.nids, 3);
      ck_assert(!r.ids[99]);
      wr_writer_free(r.writer);
      r.writer = NULL;
      fixture_dump d = {0};
      rig_reopen_dump(&r, &d);
      ck_assert_str_eq(d.text, "S . 1 AVRO \"schema 1\" <NULL> <NULL> <NULL> "
                               "d41d8cd98f00b204e9800998ecf8427e g\n"
                               "S . 2 AVRO \"schema 2\" <NULL> <NULL> <NULL> "
                               "d41d8cd98f00b204e9800998ecf8427e g\n"
                               "S . 3 AVRO \"schema 3\" <NULL> <NULL> <NULL> "
                               "d41d8cd98f00b204e9800998ecf8427e g\n"
                               "V . b 1 2 0 1001\n");
      free(d.text);
    }
    rig_close(&r);
  }
  ck_assert_msg(lined_up, "the jobs never ran in one batch");
}
END_TEST

START_TEST(test_failing_commit_reloads_and_fails_batch) {
  bool lined_up = false;
  for (int attempt = 0; attempt < 5 && !lined_up; attempt++) {
    rig r;
    rig_open(&r, true, 0);
    job jobs[4] = {
        {.rig = &r, .kind = JOB_PUT, .id = 1, .subject = "a", .version = 1},
        {.rig = &r, .kind = JOB_PUT, .id = 10, .subject = "b", .version = 1},
        {.rig = &r, .kind = JOB_PUT_UNCHECKED, .id = 1}, /* id 1 is stored: the commit fails */
        {.rig = &r, .kind = JOB_PUT_THEN_FAIL, .id = 11},
    };
    lined_up = run_lined_up(&r, jobs, 4, 20L << attempt);
    if (lined_up) {
      ck_assert_int_eq(jobs[1].rc, STRATA_E_STORE_ERROR);
      ck_assert_int_eq(jobs[2].rc, STRATA_E_STORE_ERROR);
      ck_assert_msg(strstr(jobs[1].err, "UNIQUE") != NULL, "%s", jobs[1].err);
      ck_assert_str_eq(jobs[2].err, jobs[1].err);
      /* the job that failed by itself keeps its own error */
      ck_assert_int_eq(jobs[3].rc, JOB_FAILURE);
      ck_assert_str_eq(jobs[3].err, "");
      ck_assert_uint_eq(wrap_calls(&r.store), 2);
      ck_assert_uint_eq(r.store.nops[1], 3);
      /* the index was rebuilt from the store, once, under the exclusive lock */
      ck_assert_int_eq(r.reloads, 1);
      ck_assert_int_eq(r.reload_lock_rc, EBUSY);
      ck_assert_int_eq(r.reload_rc, STRATA_E_OK);
      ck_assert_uint_eq(r.nids, 1);
      ck_assert(r.ids[1]);
      ck_assert(!r.ids[10]);

      /* later jobs work, against the reloaded index */
      job again = {.rig = &r, .kind = JOB_PUT, .id = 10, .subject = "b", .version = 1};
      ck_assert_int_eq(job_submit(&again), STRATA_E_OK);
      job taken = {.rig = &r, .kind = JOB_PUT, .id = 1};
      ck_assert_int_eq(job_submit(&taken), STRATA_E_ID_DOES_NOT_MATCH);
      ck_assert_int_eq(r.reloads, 1);
      ck_assert_uint_eq(wr_writer_commits(r.writer), 3);
      wr_writer_free(r.writer);
      r.writer = NULL;
      fixture_dump d = {0};
      rig_reopen_dump(&r, &d);
      ck_assert_str_eq(d.text, "S . 1 AVRO \"schema 1\" <NULL> <NULL> <NULL> "
                               "d41d8cd98f00b204e9800998ecf8427e g\n"
                               "S . 10 AVRO \"schema 10\" <NULL> <NULL> <NULL> "
                               "d41d8cd98f00b204e9800998ecf8427e g\n"
                               "V . a 1 1 0 1001\n"
                               "V . b 1 10 0 1001\n");
      free(d.text);
    }
    rig_close(&r);
  }
  ck_assert_msg(lined_up, "the jobs never ran in one batch");
}
END_TEST

START_TEST(test_jobs_run_under_exclusive_lock) {
  rig r;
  rig_open(&r, false, 0);
  job first = {.rig = &r, .kind = JOB_PUT, .id = 1};
  ck_assert_int_eq(job_submit(&first), STRATA_E_OK);
  ck_assert_int_eq(first.lock_rc, EBUSY);

  /* while a reader holds the lock, a submitted job does not run */
  ck_assert_int_eq(pthread_rwlock_rdlock(&r.lock), 0);
  job held = {.rig = &r, .kind = JOB_PUT, .id = 2};
  pthread_t thread;
  ck_assert_int_eq(pthread_create(&thread, NULL, job_thread, &held), 0);
  wait_submitting(&held);
  sleep_ms(100);
  ck_assert(!atomic_load(&held.ran));
  ck_assert_int_eq(pthread_rwlock_unlock(&r.lock), 0);
  ck_assert_int_eq(pthread_join(thread, NULL), 0);
  ck_assert(atomic_load(&held.ran));
  ck_assert_int_eq(held.rc, STRATA_E_OK);
  ck_assert_int_eq(held.lock_rc, EBUSY);
  ck_assert_uint_eq(wr_writer_commits(r.writer), 2);
  rig_close(&r);
}
END_TEST

START_TEST(test_jobs_without_changes_do_not_commit) {
  rig r;
  rig_open(&r, false, 0);
  job nothing = {.rig = &r, .kind = JOB_NOTHING};
  ck_assert_int_eq(job_submit(&nothing), STRATA_E_OK);
  ck_assert(atomic_load(&nothing.ran));
  ck_assert(nothing.null_dup);
  job failing = {.rig = &r, .kind = JOB_PUT_THEN_FAIL, .id = 5, .subject = "s", .version = 1};
  ck_assert_int_eq(job_submit(&failing), JOB_FAILURE);
  job refused = {.rig = &r, .kind = JOB_PUT, .id = MAX_IDS};
  ck_assert_int_eq(job_submit(&refused), STRATA_E_INVALID_ARGUMENT);
  ck_assert_uint_eq(wr_writer_commits(r.writer), 0);
  ck_assert_uint_eq(wrap_calls(&r.store), 0);
  ck_assert_int_eq(r.runs, 3);
  wr_writer_free(r.writer);
  r.writer = NULL;
  wr_writer_free(NULL);
  fixture_dump d = {0};
  rig_reopen_dump(&r, &d);
  ck_assert_str_eq(d.text, "");
  free(d.text);
  rig_close(&r);
}
END_TEST

typedef struct freer {
  wr_writer *writer;
  atomic_bool done;
} freer;

static void *freer_main(void *arg) {
  freer *f = arg;
  wr_writer_free(f->writer);
  atomic_store(&f->done, true);
  return NULL;
}

START_TEST(test_free_finishes_queued_jobs) {
  rig r;
  rig_open(&r, true, 0);
  job jobs[4] = {
      {.rig = &r, .kind = JOB_PUT, .id = 1, .subject = "s", .version = 1},
      {.rig = &r, .kind = JOB_PUT, .id = 2, .subject = "s", .version = 2},
      {.rig = &r, .kind = JOB_PUT, .id = 3, .subject = "s", .version = 3},
      {.rig = &r, .kind = JOB_PUT, .id = 4, .subject = "s", .version = 4},
  };
  pthread_t threads[4];
  /* job 0 is held in the store; jobs 1-3 queue behind it */
  ck_assert_int_eq(pthread_create(&threads[0], NULL, job_thread, &jobs[0]), 0);
  wrap_wait_calls(&r.store, 1);
  for (int i = 1; i < 4; i++) {
    ck_assert_int_eq(pthread_create(&threads[i], NULL, job_thread, &jobs[i]), 0);
    wait_submitting(&jobs[i]);
  }
  sleep_ms(200);
  /* the writer is freed while it has a batch in flight and three jobs queued */
  freer f = {.writer = r.writer};
  r.writer = NULL;
  pthread_t free_thread;
  ck_assert_int_eq(pthread_create(&free_thread, NULL, freer_main, &f), 0);
  sleep_ms(200);
  ck_assert(!atomic_load(&f.done));
  wrap_open_gate(&r.store);
  ck_assert_int_eq(pthread_join(free_thread, NULL), 0);
  ck_assert(atomic_load(&f.done));
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
    ck_assert_int_eq(jobs[i].rc, STRATA_E_OK);
  }
  ck_assert_uint_eq(wrap_calls(&r.store), 2);
  ck_assert_uint_eq(r.store.nops[1], 6);
  fixture_dump d = {0};
  rig_reopen_dump(&r, &d);
  ck_assert_uint_eq(d.schemas, 4);
  ck_assert_uint_eq(d.versions, 4);
  ck_assert_ptr_nonnull(strstr(d.text, "V . s 4 4 0 1004\n"));
  free(d.text);
  rig_close(&r);
}
END_TEST

#define DURABLE_ROWS 100

/* In a child: submit jobs for rows 1..DURABLE_ROWS one at a time and SIGKILL itself the moment
 * the job of row @p k is acknowledged. */
static void child_submit_and_die(const char *path, int k) {
  static rig r;
  r.path = (char *)path;
  if (rig_start(&r, false, 0) != STRATA_E_OK) {
    _exit(2);
  }
  for (int i = 1; i <= DURABLE_ROWS; i++) {
    job j = {.rig = &r, .kind = JOB_PUT, .id = i, .subject = "s", .version = i};
    if (job_submit(&j) != STRATA_E_OK) {
      _exit(3);
    }
    if (i == k) {
      kill(getpid(), SIGKILL);
    }
  }
  _exit(4);
}

START_TEST(test_acknowledged_job_survives_sigkill) {
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
      child_submit_and_die(run, k);
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

static Suite *writer_suite(void) {
  Suite *s = suite_create("writer");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 100);
  tcase_add_test(tc, test_group_commit_many_threads);
  tcase_add_test(tc, test_failing_job_dropped_from_batch);
  tcase_add_test(tc, test_failing_commit_reloads_and_fails_batch);
  tcase_add_test(tc, test_jobs_run_under_exclusive_lock);
  tcase_add_test(tc, test_jobs_without_changes_do_not_commit);
  tcase_add_test(tc, test_free_finishes_queued_jobs);
  tcase_add_test(tc, test_acknowledged_job_survives_sigkill);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(writer_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
