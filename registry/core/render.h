/*
 * render.h - the JSON entities of responses (prefix rn_, spec §2), written
 * with compat's json_writer in Confluent 8.x field order and inclusion rules
 * (empty members omitted, schemaType always present).
 */
#ifndef STRATA_REGISTRY_CORE_RENDER_H
#define STRATA_REGISTRY_CORE_RENDER_H

#include <stdint.h>

#include "body.h"
#include "core/index.h"
#include "json_writer.h"

/** Appends the Schema entity (§2.1) of @p version of @p subject (borrowed). */
void rn_version(sjw_buf *buf, const ix_subject *subject, const ix_version *version);

/**
 * Appends the SchemaString entity (§2.2) of @p schema: with @p subject (may
 * be NULL) and its @p version when given, with "maxId" when @p max_id >= 0.
 */
void rn_schema_string(sjw_buf *buf, const ix_schema *schema, const char *subject, int32_t version,
                      int64_t max_id);

/** Appends the "references" array of @p schema (callers check nrefs > 0). */
void rn_references(sjw_buf *buf, const ix_schema *schema);

/**
 * The cached body of GET /schemas/ids/{id} without parameters: a new
 * reference (rb_unref() it), built on first use; NULL on ENOMEM.
 */
rb_body *rn_schema_body(ix_schema *schema);

/** The cached body of GET /subjects/{s}/versions/latest: a new reference; NULL on ENOMEM. */
rb_body *rn_latest_body(ix_subject *subject, const ix_version *latest);

/** A body made of @p buf's text (taking it); NULL on ENOMEM. */
rb_body *rn_take(sjw_buf *buf);

#endif /* STRATA_REGISTRY_CORE_RENDER_H */
