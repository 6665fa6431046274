/*
 * commit.h - the group committer: many writer threads, one store transaction
 * per batch.
 *
 * A durable commit costs one fsync, whatever it holds. Writers call
 * src_commit() and block; one background thread takes every request waiting
 * at that moment and applies them all in ONE store transaction. If that
 * transaction fails, it applies each request of the batch alone, so one bad
 * request cannot fail the others. Each caller gets its own result.
 */
#ifndef STRATA_REGISTRY_COMMIT_H
#define STRATA_REGISTRY_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/** A group committer (opaque). */
typedef struct src_committer src_committer;

/**
 * Starts a committer on @p store (borrowed: it must outlive the committer,
 * and nobody else may use it until src_committer_free() returns).
 * Returns a new committer in @p out (free with src_committer_free()),
 * STRATA_E_NOMEM, or STRATA_E_INTERNAL if the thread cannot start.
 */
strata_error src_committer_new(srs_store *store, src_committer **out);

/**
 * Applies @p nops ops (borrowed until the call returns) in one store
 * transaction shared with other waiting writers, and blocks until they are
 * durable or have failed. Thread-safe. On failure none of this request's ops
 * is stored, and @p err (optional, @p errlen bytes) receives the store's
 * message. Returns STRATA_E_OK, the store's error, or STRATA_E_INTERNAL once
 * the committer is shutting down.
 */
strata_error src_commit(src_committer *committer, const srs_op *ops, size_t nops, char *err,
                        size_t errlen);

/** The number of store transactions the committer has run so far (batches and retries). */
uint64_t src_committer_batches(src_committer *committer);

/** The number of requests that src_commit() calls have made so far. */
uint64_t src_committer_requests(src_committer *committer);

/** The number of requests waiting for the committer thread at this moment. */
size_t src_committer_queued(src_committer *committer);

/**
 * Stops accepting requests, commits every request already queued, joins the
 * thread and frees @p committer (NULL-safe). Does not close the store.
 */
void src_committer_free(src_committer *committer);

#endif /* STRATA_REGISTRY_COMMIT_H */
