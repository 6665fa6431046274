/*
 * writer.c - the writer thread and group commit (writer.h).
 */
#include "core/writer.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One waiting wr_submit() call; lives on the caller's stack. */
typedef struct wr_job {
  wr_job_fn fn;
  void *arg;
  char *err;
  size_t errlen;
  strata_error rc;
  bool done;
  pthread_cond_t cond;
  struct wr_job *next;
} wr_job;

/* A block of batch-owned string storage. */
typedef struct wr_chunk {
  struct wr_chunk *next;
  char text[];
} wr_chunk;

struct wr_batch {
  srs_op *ops;
  size_t nops;
  size_t cap;
  wr_chunk *strings;
  bool failed; /* an allocation failed */
};

struct wr_writer {
  srs_store *store;
  pthread_rwlock_t *lock;
  wr_reload_fn reload;
  void *reload_arg;
  pthread_mutex_t mu;
  pthread_cond_t work;
  wr_job *head;
  wr_job *tail;
  bool stop;
  pthread_t thread;
  _Atomic uint64_t commits;
  wr_batch batch;
};

srs_op *wr_batch_op(wr_batch *batch) {
  if (batch->nops == batch->cap) {
    size_t cap = batch->cap == 0 ? 16 : batch->cap * 2;
    srs_op *grown = realloc(batch->ops, cap * sizeof *grown);
    if (grown == NULL) {
      batch->failed = true;
      return NULL;
    }
    batch->ops = grown;
    batch->cap = cap;
  }
  srs_op *op = &batch->ops[batch->nops++];
  memset(op, 0, sizeof *op);
  return op;
}

const char *wr_batch_strdup(wr_batch *batch, const char *text) {
  if (text == NULL) {
    return NULL;
  }
  size_t len = strlen(text);
  wr_chunk *chunk = malloc(sizeof *chunk + len + 1);
  if (chunk == NULL) {
    batch->failed = true;
    return NULL;
  }
  memcpy(chunk->text, text, len + 1);
  chunk->next = batch->strings;
  batch->strings = chunk;
  return chunk->text;
}

static void batch_reset(wr_batch *batch) {
  while (batch->strings != NULL) {
    wr_chunk *next = batch->strings->next;
    free(batch->strings);
    batch->strings = next;
  }
  batch->nops = 0;
  batch->failed = false;
}

/* Runs the jobs of @p list and commits them; called with the exclusive lock held. */
static void run_batch(wr_writer *w, wr_job *list) {
  wr_batch *batch = &w->batch;
  bool changed = false;
  for (wr_job *job = list; job != NULL; job = job->next) {
    size_t mark = batch->nops;
    batch->failed = false;
    job->rc = job->fn(job->arg, batch);
    if (job->rc == STRATA_E_OK && batch->failed) {
      /* The job changed the index but its ops are incomplete: rebuild below. */
      job->rc = STRATA_E_NOMEM;
      changed = true;
      batch->nops = mark;
      break;
    }
    if (job->rc != STRATA_E_OK) {
      batch->nops = mark;
    } else if (batch->nops > mark) {
      changed = true;
    }
  }
  if (!changed) {
    batch_reset(batch);
    return;
  }
  char err[256] = "";
  strata_error rc = w->store->apply(w->store, batch->ops, batch->nops, err, sizeof err);
  w->commits++;
  batch_reset(batch);
  bool failed = rc != STRATA_E_OK;
  for (wr_job *job = list; job != NULL; job = job->next) {
    failed = failed || job->rc == STRATA_E_NOMEM;
  }
  if (!failed) {
    return;
  }
  /* The store still holds the state before this batch: make the index match it. */
  w->reload(w->reload_arg);
  for (wr_job *job = list; job != NULL; job = job->next) {
    if (job->rc == STRATA_E_OK) {
      job->rc = STRATA_E_STORE_ERROR;
      if (job->err != NULL && job->errlen > 0) {
        snprintf(job->err, job->errlen, "%s", err[0] != '\0' ? err : "store transaction failed");
      }
    }
  }
}

static void *writer_main(void *arg) {
  wr_writer *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (w->head == NULL && !w->stop) {
      pthread_cond_wait(&w->work, &w->mu);
    }
    if (w->head == NULL) {
      break;
    }
    wr_job *list = w->head;
    w->head = w->tail = NULL;
    pthread_mutex_unlock(&w->mu);
    pthread_rwlock_wrlock(w->lock);
    run_batch(w, list);
    pthread_rwlock_unlock(w->lock);
    pthread_mutex_lock(&w->mu);
    for (wr_job *job = list, *next; job != NULL; job = next) {
      next = job->next; /* the job's storage may vanish once done is seen */
      job->done = true;
      pthread_cond_signal(&job->cond);
    }
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

strata_error wr_writer_new(srs_store *store, pthread_rwlock_t *lock, wr_reload_fn reload,
                           void *reload_arg, wr_writer **out) {
  strata_error rc = STRATA_E_OK;
  int stage = 0;
  wr_writer *w = calloc(1, sizeof *w);
  *out = NULL;
  if (w == NULL) {
    return STRATA_E_NOMEM;
  }
  w->store = store;
  w->lock = lock;
  w->reload = reload;
  w->reload_arg = reload_arg;
  if (pthread_mutex_init(&w->mu, NULL) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  stage = 1;
  if (pthread_cond_init(&w->work, NULL) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  stage = 2;
  if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  *out = w;
  w = NULL;
cleanup:
  if (w != NULL) {
    if (stage >= 2) {
      pthread_cond_destroy(&w->work);
    }
    if (stage >= 1) {
      pthread_mutex_destroy(&w->mu);
    }
    free(w);
  }
  return rc;
}

strata_error wr_submit(wr_writer *w, wr_job_fn fn, void *arg, char *err, size_t errlen) {
  wr_job job = {fn, arg, err, errlen, STRATA_E_OK, false, PTHREAD_COND_INITIALIZER, NULL};
  pthread_mutex_lock(&w->mu);
  if (w->stop) {
    pthread_mutex_unlock(&w->mu);
    return STRATA_E_INTERNAL;
  }
  if (w->tail != NULL) {
    w->tail->next = &job;
  } else {
    w->head = &job;
  }
  w->tail = &job;
  pthread_cond_signal(&w->work);
  while (!job.done) {
    pthread_cond_wait(&job.cond, &w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  pthread_cond_destroy(&job.cond);
  return job.rc;
}

uint64_t wr_writer_commits(wr_writer *w) {
  return atomic_load(&w->commits);
}

void wr_writer_free(wr_writer *w) {
  if (w == NULL) {
    return;
  }
  pthread_mutex_lock(&w->mu);
  w->stop = true;
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->work);
  pthread_mutex_destroy(&w->mu);
  batch_reset(&w->batch);
  free(w->batch.ops);
  free(w);
}
