/*
 * writer.h - the registry's single writer thread and group commit
 * (prefix wr_).
 *
 * A request that changes the registry submits a job and blocks. The writer
 * thread takes every job waiting at that moment, takes the registry's
 * exclusive lock, runs each job in turn (a job checks its preconditions
 * against the index, updates the index and appends the matching store
 * operations to the batch), commits all the batch's operations in ONE
 * store transaction, and only then releases the lock and wakes the jobs. So
 * readers never see a change that is not durable, and N concurrent writes
 * cost one fsync.
 *
 * A batch whose jobs appended no operations runs no transaction.
 *
 * If the transaction fails, the index is rebuilt from the store (which still
 * holds the previous state), and every job of the batch that had succeeded
 * gets STRATA_E_STORE_ERROR.
 */
#ifndef STRATA_REGISTRY_CORE_WRITER_H
#define STRATA_REGISTRY_CORE_WRITER_H

#include <pthread.h>
#include <stddef.h>

#include "store/store.h"

/** The operations of one batch under construction (opaque). */
typedef struct wr_batch wr_batch;

/**
 * Appends a zeroed operation to the batch and returns it (borrowed until the
 * batch commits), or NULL on ENOMEM.
 */
srs_op *wr_batch_op(wr_batch *batch);

/**
 * A copy of @p text owned by the batch (valid until it commits), for op
 * strings whose index object may go away before the commit; NULL on ENOMEM.
 * NULL @p text gives NULL.
 */
const char *wr_batch_strdup(wr_batch *batch, const char *text);

/**
 * A job: runs on the writer thread with the exclusive lock held. It must
 * either fail without having changed the index (return the error; any ops
 * it appended are dropped), or change the index and append the ops that
 * persist exactly that change (return STRATA_E_OK).
 */
typedef strata_error (*wr_job_fn)(void *arg, wr_batch *batch);

/** Rebuilds the index from the store after a failed commit; runs under the lock. */
typedef void (*wr_reload_fn)(void *arg);

typedef struct wr_writer wr_writer;

/**
 * Starts a writer over @p store and @p lock (both borrowed; they outlive the
 * writer). @p reload (with @p reload_arg) is called after a failed commit.
 * Returns a new writer in @p out (free with wr_writer_free()).
 */
strata_error wr_writer_new(srs_store *store, pthread_rwlock_t *lock, wr_reload_fn reload,
                           void *reload_arg, wr_writer **out);

/**
 * Runs @p fn(@p arg, batch) on the writer thread and waits until its changes
 * are durable. Returns the job's error, STRATA_E_STORE_ERROR when the commit
 * failed (message in @p err), or STRATA_E_INTERNAL when shutting down.
 */
strata_error wr_submit(wr_writer *writer, wr_job_fn fn, void *arg, char *err, size_t errlen);

/** Transactions committed so far. */
uint64_t wr_writer_commits(wr_writer *writer);

/** Finishes the queued jobs, stops the thread and frees the writer (NULL-safe). */
void wr_writer_free(wr_writer *writer);

#endif /* STRATA_REGISTRY_CORE_WRITER_H */
