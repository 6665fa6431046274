/*
 * server_metadata.c - GET /v1/metadata/id, /version and /deployment (spec §3.8).
 */
#include <strata/version.h>

#include "core/ops.h"
#include "core/render.h"
#include "handlers/handlers.h"

void h_metadata_id(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  (void)req;
  sjw_buf buf = SJW_BUF_INIT;
  sjw_puts(&buf, "{\"scope\":{\"path\":[],\"clusters\":{\"kafka-cluster\":");
  sjw_string(&buf, reg->cluster_id);
  sjw_puts(&buf, ",\"schema-registry-cluster\":");
  sjw_string(&buf, reg->group_id);
  sjw_puts(&buf, "}}}");
  rq_set_body(reply, rn_take(&buf));
}

void h_metadata_version(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  (void)reg;
  (void)req;
  static const char body[] =
      "{\"version\":\"" STRATA_VERSION "\",\"commitId\":\"strata-" STRATA_VERSION "\"}";
  rq_set_text(reply, body, sizeof body - 1);
}

void h_metadata_deployment(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  (void)reg;
  (void)req;
  static const char body[] = "{\"attributes\":[\"strata\"]}";
  rq_set_text(reply, body, sizeof body - 1);
}
