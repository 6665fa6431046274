/*
 * body.h - an immutable, reference-counted response body.
 *
 * Hot responses (GET /schemas/ids/{id}, GET /subjects/{s}/versions/latest)
 * are rendered once and cached in the in-memory index; every request that
 * sends one takes a reference, and the HTTP layer drops it when the bytes
 * have been written. Reference counting is atomic, so a body may be shared
 * between threads freely.
 */
#ifndef STRATA_REGISTRY_BODY_H
#define STRATA_REGISTRY_BODY_H

#include <stddef.h>

/** A reference-counted byte buffer (opaque). */
typedef struct rb_body rb_body;

/** A new body holding a copy of @p len bytes at @p data (one reference; NULL on ENOMEM). */
rb_body *rb_copy(const char *data, size_t len);

/**
 * A new body that steals @p data (malloc'ed, @p len bytes, freed with free()
 * when the last reference goes). On ENOMEM frees @p data and returns NULL.
 */
rb_body *rb_adopt(char *data, size_t len);

/** Takes one more reference to @p body (NULL-safe) and returns it. */
rb_body *rb_ref(rb_body *body);

/** Drops one reference (NULL-safe); the last one frees the body. */
void rb_unref(rb_body *body);

/** The bytes; borrowed while the caller holds a reference. NUL-terminated. */
const char *rb_data(const rb_body *body);

/** The length in bytes (without the terminating NUL). */
size_t rb_len(const rb_body *body);

#endif /* STRATA_REGISTRY_BODY_H */
