/*
 * commit.c - the group committer (commit.h): a queue of requests under one
 * mutex, and one thread that drains the whole queue into one transaction.
 */
#include "commit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One waiting src_commit() call; lives on the caller's stack. */
typedef struct src_request {
  const srs_op *ops;
  size_t nops;
  char *err;
  size_t errlen;
  strata_error rc;
  bool done;
  pthread_cond_t cond; /* signalled when done is set */
  struct src_request *next;
} src_request;

struct src_committer {
  srs_store *store;
  pthread_mutex_t mu;
  pthread_cond_t work; /* signalled when a request arrives or stop is set */
  src_request *head;   /* queue of waiting requests, oldest first */
  src_request *tail;
  size_t queued;
  bool stop;
  pthread_t thread;
  uint64_t batches;
  uint64_t requests;
  /* the committer thread's buffer for a batch's concatenated ops */
  srs_op *ops;
  size_t ops_cap;
};

/* Applies one request alone; records its result. Counts one transaction. */
static void apply_alone(src_committer *c, src_request *req, uint64_t *txs) {
  req->rc = c->store->apply(c->store, req->ops, req->nops, req->err, req->errlen);
  (*txs)++;
}

/* Commits the batch @p list (a NULL-terminated chain): one transaction for all; if it fails,
 * one per request. Runs without the mutex; returns the number of transactions. */
static uint64_t commit_batch(src_committer *c, src_request *list) {
  uint64_t txs = 0;
  size_t nreq = 0;
  size_t total = 0;
  for (src_request *r = list; r != NULL; r = r->next) {
    nreq++;
    total += r->nops;
  }
  if (nreq == 1) {
    apply_alone(c, list, &txs);
    return txs;
  }
  if (total > c->ops_cap) {
    size_t cap = c->ops_cap > 0 ? c->ops_cap : 64;
    while (cap < total) {
      cap *= 2;
    }
    srs_op *grown = realloc(c->ops, cap * sizeof *grown);
    if (grown != NULL) {
      c->ops = grown;
      c->ops_cap = cap;
    }
  }
  if (total <= c->ops_cap) {
    size_t n = 0;
    for (src_request *r = list; r != NULL; r = r->next) {
      if (r->nops > 0) {
        memcpy(c->ops + n, r->ops, r->nops * sizeof *r->ops);
        n += r->nops;
      }
    }
    strata_error rc = c->store->apply(c->store, c->ops, n, NULL, 0);
    txs++;
    if (rc == STRATA_E_OK) {
      for (src_request *r = list; r != NULL; r = r->next) {
        r->rc = STRATA_E_OK;
      }
      return txs;
    }
  }
  /* The batch failed (or its buffer could not grow): isolate the bad requests. */
  for (src_request *r = list; r != NULL; r = r->next) {
    apply_alone(c, r, &txs);
  }
  return txs;
}

static void *committer_main(void *arg) {
  src_committer *c = arg;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (c->head == NULL && !c->stop) {
      pthread_cond_wait(&c->work, &c->mu);
    }
    if (c->head == NULL) {
      break; /* stopping and drained */
    }
    src_request *list = c->head;
    c->head = c->tail = NULL;
    c->queued = 0;
    pthread_mutex_unlock(&c->mu);

    uint64_t txs = commit_batch(c, list);

    pthread_mutex_lock(&c->mu);
    c->batches += txs;
    for (src_request *r = list, *next; r != NULL; r = next) {
      next = r->next; /* r's storage may vanish once done is seen */
      r->done = true;
      pthread_cond_signal(&r->cond);
    }
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

strata_error src_committer_new(srs_store *store, src_committer **out) {
  src_committer *c = NULL;
  strata_error rc = STRATA_E_OK;
  bool mu_ok = false;
  bool cond_ok = false;
  if (store == NULL || out == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  c = calloc(1, sizeof *c);
  if (c == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  c->store = store;
  if (pthread_mutex_init(&c->mu, NULL) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  mu_ok = true;
  if (pthread_cond_init(&c->work, NULL) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  cond_ok = true;
  if (pthread_create(&c->thread, NULL, committer_main, c) != 0) {
    rc = STRATA_E_INTERNAL;
    goto cleanup;
  }
  *out = c;
  c = NULL;

cleanup:
  if (c != NULL) {
    if (cond_ok) {
      pthread_cond_destroy(&c->work);
    }
    if (mu_ok) {
      pthread_mutex_destroy(&c->mu);
    }
    free(c);
  }
  return rc;
}

strata_error src_commit(src_committer *c, const srs_op *ops, size_t nops, char *err,
                        size_t errlen) {
  if (err != NULL && errlen > 0) {
    err[0] = '\0';
  }
  if (c == NULL || (ops == NULL && nops > 0)) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  src_request req = {.ops = ops, .nops = nops, .err = err, .errlen = errlen};
  if (pthread_cond_init(&req.cond, NULL) != 0) {
    return STRATA_E_INTERNAL;
  }
  pthread_mutex_lock(&c->mu);
  if (c->stop) {
    pthread_mutex_unlock(&c->mu);
    pthread_cond_destroy(&req.cond);
    if (err != NULL && errlen > 0) {
      snprintf(err, errlen, "the committer is shutting down");
    }
    return STRATA_E_INTERNAL;
  }
  if (c->tail != NULL) {
    c->tail->next = &req;
  } else {
    c->head = &req;
  }
  c->tail = &req;
  c->queued++;
  c->requests++;
  pthread_cond_signal(&c->work);
  while (!req.done) {
    pthread_cond_wait(&req.cond, &c->mu);
  }
  pthread_mutex_unlock(&c->mu);
  pthread_cond_destroy(&req.cond);
  return req.rc;
}

uint64_t src_committer_batches(src_committer *c) {
  pthread_mutex_lock(&c->mu);
  uint64_t n = c->batches;
  pthread_mutex_unlock(&c->mu);
  return n;
}

uint64_t src_committer_requests(src_committer *c) {
  pthread_mutex_lock(&c->mu);
  uint64_t n = c->requests;
  pthread_mutex_unlock(&c->mu);
  return n;
}

size_t src_committer_queued(src_committer *c) {
  pthread_mutex_lock(&c->mu);
  size_t n = c->queued;
  pthread_mutex_unlock(&c->mu);
  return n;
}

void src_committer_free(src_committer *c) {
  if (c == NULL) {
    return;
  }
  pthread_mutex_lock(&c->mu);
  c->stop = true;
  pthread_cond_signal(&c->work);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->thread, NULL);
  pthread_cond_destroy(&c->work);
  pthread_mutex_destroy(&c->mu);
  free(c->ops);
  free(c);
}
