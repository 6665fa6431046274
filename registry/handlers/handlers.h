/*
 * handlers.h - one handler per resource and verb, as the route table
 * (routes.c) names them. Each file in handlers/ holds one resource.
 *
 * A handler reads the request (borrowed), works on the registry core and
 * fills the reply. Handlers are called concurrently from the HTTP thread
 * pool; the core does the locking.
 */
#ifndef STRATA_REGISTRY_HANDLERS_H
#define STRATA_REGISTRY_HANDLERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ops.h"
#include "request.h"

/** The shape of every handler. */
typedef void (*h_handler)(reg_registry *reg, const rq_request *req, rq_reply *reply);

#define H_DECLARE(name) void name(reg_registry *reg, const rq_request *req, rq_reply *reply)

/* root.c: GET / and POST / */
H_DECLARE(h_root);

/* schemas.c */
H_DECLARE(h_schemas_list);       /* GET /schemas */
H_DECLARE(h_schemas_types);      /* GET /schemas/types */
H_DECLARE(h_schema_by_id);       /* GET /schemas/ids/{id} */
H_DECLARE(h_schema_by_id_text);  /* GET /schemas/ids/{id}/schema */
H_DECLARE(h_schema_id_subjects); /* GET /schemas/ids/{id}/subjects */
H_DECLARE(h_schema_id_versions); /* GET /schemas/ids/{id}/versions */
H_DECLARE(h_schema_by_guid);     /* GET /schemas/guids/{guid} */
H_DECLARE(h_schema_guid_ids);    /* GET /schemas/guids/{guid}/ids */

/* subjects.c */
H_DECLARE(h_subjects_list);    /* GET /subjects */
H_DECLARE(h_subject_lookup);   /* POST /subjects/{subject} */
H_DECLARE(h_subject_delete);   /* DELETE /subjects/{subject} */
H_DECLARE(h_subject_metadata); /* GET /subjects/{subject}/metadata */

/* subject_versions.c */
H_DECLARE(h_versions_list);        /* GET /subjects/{subject}/versions */
H_DECLARE(h_version_register);     /* POST /subjects/{subject}/versions */
H_DECLARE(h_version_get);          /* GET /subjects/{subject}/versions/{version} */
H_DECLARE(h_version_text);         /* GET /subjects/{subject}/versions/{version}/schema */
H_DECLARE(h_version_referencedby); /* GET /subjects/{subject}/versions/{version}/referencedby */
H_DECLARE(h_version_delete);       /* DELETE /subjects/{subject}/versions/{version} */

/* compatibility.c */
H_DECLARE(h_compat_version); /* POST /compatibility/subjects/{subject}/versions/{version} */
H_DECLARE(h_compat_all);     /* POST /compatibility/subjects/{subject}/versions */

/* config.c: {subject} is NULL for the global routes */
H_DECLARE(h_config_get);    /* GET /config, GET /config/{subject} */
H_DECLARE(h_config_put);    /* PUT /config, PUT /config/{subject} */
H_DECLARE(h_config_delete); /* DELETE /config, DELETE /config/{subject} */

/* mode.c: {subject} is NULL for the global routes */
H_DECLARE(h_mode_get);    /* GET /mode, GET /mode/{subject} */
H_DECLARE(h_mode_put);    /* PUT /mode, PUT /mode/{subject} */
H_DECLARE(h_mode_delete); /* DELETE /mode, DELETE /mode/{subject} */

/* contexts.c */
H_DECLARE(h_contexts_list);  /* GET /contexts */
H_DECLARE(h_context_delete); /* DELETE /contexts/{ctx} */

/* server_metadata.c */
H_DECLARE(h_metadata_id);         /* GET /v1/metadata/id */
H_DECLARE(h_metadata_version);    /* GET /v1/metadata/version */
H_DECLARE(h_metadata_deployment); /* GET /v1/metadata/deployment */

/* associations.c: GET /associations/resources/{ns}/{name}, /associations/resources/{id},
 * /associations/subjects/{subject}: always 200 [] (no associations are stored) */
H_DECLARE(h_associations_none);

/* params.c: query-parameter helpers the handlers share. */

/**
 * Reads "offset" and "limit": limit <= 0 or above @p max_limit (0: no
 * maximum) gives @p default_limit (0: unlimited). A non-integer value fills
 * 404 (as JAX-RS answers) and returns false.
 */
bool h_page(const rq_request *req, size_t default_limit, size_t max_limit, size_t *offset,
            size_t *limit, rq_reply *reply);

/** Whether item @p index (0-based, after filtering) falls in the page. */
static inline bool h_in_page(size_t index, size_t offset, size_t limit) {
  return index >= offset && (limit == 0 || index - offset < limit);
}

/**
 * For a writer job: once @p subject has no versions left, removes its own
 * config and mode (memory and store ops) and frees it. False on ENOMEM.
 */
bool h_forget_empty_subject(wr_batch *batch, ix_subject *subject);

/**
 * The (context, subject) a config or mode route acts on: {subject}, or the
 * default context's level when the route has none. False with 42208 filled.
 */
bool h_target(const rq_request *req, sn_subject *target, rq_reply *reply);

/** qsort() comparator of C strings (an array of char *). */
int h_compare_strings(const void *a, const void *b);

#endif /* STRATA_REGISTRY_HANDLERS_H */
