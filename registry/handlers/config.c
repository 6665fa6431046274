/*
 * config.c - GET/PUT/DELETE /config and /config/{subject} (spec §3.5, §4.8).
 *
 * The target of a request is a (context, subject) pair: subject "" is the
 * context level. /config is the default context's level; /config/:.ctx: is
 * the context's level and /config/:.__GLOBAL: the level above all contexts.
 */
#include <stdlib.h>
#include <string.h>

#include "core/render.h"
#include "handlers/handlers.h"

/* Resolves the target of a config or mode route; false with the reply filled. */
bool h_target(const rq_request *req, sn_subject *target, rq_reply *reply) {
  const char *text = req->subject != NULL ? req->subject : "";
  return reg_subject_parse(text, target, reply);
}

/* The stored config slot of a target (NULL when the subject does not exist yet). */
static json_t **config_slot(reg_registry *reg, const sn_subject *target, bool create) {
  ix_context *ctx;
  ix_subject *subject;
  if (!reg_target_owner(reg, target, create, &ctx, &subject)) {
    return NULL;
  }
  return subject != NULL ? &subject->config : &ctx->config;
}

/* Renders a stored config for GET/DELETE, reporting the default level when it has none. */
static json_t *render_with_level(reg_registry *reg, const json_t *stored) {
  json_t *out = cf_render(stored, false);
  if (out != NULL && json_object_get(out, "compatibilityLevel") == NULL) {
    json_t *with = json_object();
    json_object_set_new(with, "compatibilityLevel",
                        json_string(strata_compat_level_name(reg->default_level)));
    json_object_update(with, out);
    json_decref(out);
    out = with;
  }
  return out;
}

void h_config_get(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  bool to_global = rq_query_bool(req, "defaultToGlobal");
  if (!h_target(req, &target, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  json_t **slot = config_slot(reg, &target, false);
  bool top = req->subject == NULL || strcmp(target.context, SN_DEFAULT_CONTEXT) == 0 ||
             target.name[0] == '\0';
  if (to_global) {
    json_t *effective = reg_config_effective(reg, target.context, target.name);
    rq_set_json(reply, render_with_level(reg, effective));
    json_decref(effective);
  } else if (slot != NULL && *slot != NULL) {
    rq_set_json(reply, render_with_level(reg, *slot));
  } else if (top && target.name[0] == '\0') {
    rq_set_json(reply, render_with_level(reg, NULL));
  } else {
    rq_fail(reply, STRATA_E_SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
            "Subject '%s' does not have subject-level compatibility configured", req->subject);
  }
  reg_read_end(reg);
cleanup:
  sn_free(&target);
}

typedef struct config_job {
  reg_registry *reg;
  const sn_subject *target;
  const char *display;
  const json_t *update; /* NULL: delete */
  rq_reply *reply;
} config_job;

static strata_error config_run(void *arg, wr_batch *batch) {
  config_job *job = arg;
  reg_registry *reg = job->reg;
  rq_reply *reply = job->reply;
  json_t *updated = NULL;
  char *text = NULL;
  strata_error rc = STRATA_E_OK;
  const sn_subject *t = job->target;
  if (reg_mode_readonly(reg_mode_effective(reg, t->context, t->name))) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Subject %s in context %s is in read-only mode",
            job->display != NULL ? job->display : "", reg_context_display(t->context));
    goto cleanup;
  }
  json_t **slot = config_slot(reg, t, job->update != NULL);
  if (job->update == NULL) {
    if (slot == NULL || *slot == NULL) {
      if (t->name[0] == '\0' && job->display == NULL) {
        rq_set_json(reply, render_with_level(reg, NULL)); /* DELETE /config with nothing set */
        goto cleanup;
      }
      rc = STRATA_E_SUBJECT_NOT_FOUND;
      rq_fail(reply, rc, "Subject '%s' not found.", job->display != NULL ? job->display : "");
      goto cleanup;
    }
    srs_op *op = wr_batch_op(batch);
    if (op == NULL) {
      goto cleanup;
    }
    op->kind = SRS_OP_DELETE_CONFIG;
    op->u.config = (srs_config_row){t->context, wr_batch_strdup(batch, t->name), NULL};
    rq_set_json(reply, render_with_level(reg, *slot));
    json_decref(*slot);
    *slot = NULL;
    if (t->name[0] != '\0') {
      ix_subject_prune(ix_subject_get(ix_context_get(&reg->ix, t->context), t->name));
    }
    goto cleanup;
  }
  if (slot == NULL) {
    rc = STRATA_E_NOMEM;
    rq_fail(reply, rc, NULL);
    goto cleanup;
  }
  if (!cf_update(*slot, job->update, &updated, reply)) {
    rc = reply->error;
    if (t->name[0] != '\0') {
      ix_subject_prune(ix_subject_get(ix_context_get(&reg->ix, t->context), t->name));
    }
    goto cleanup;
  }
  text = json_dumps(updated, JSON_COMPACT | JSON_PRESERVE_ORDER);
  srs_op *op = wr_batch_op(batch);
  if (op == NULL || text == NULL) {
    goto cleanup;
  }
  op->kind = SRS_OP_PUT_CONFIG;
  op->u.config =
      (srs_config_row){t->context, wr_batch_strdup(batch, t->name), wr_batch_strdup(batch, text)};
  rq_set_json(reply, cf_render(updated, true));
  json_decref(*slot);
  *slot = updated;
  updated = NULL;
cleanup:
  free(text);
  json_decref(updated);
  return rc;
}

void h_config_put(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  js_config_request body = {0};
  if (h_target(req, &target, reply) && js_parse_config_request(req, &body, reply)) {
    config_job job = {reg, &target, req->subject, body.doc, reply};
    reg_write(reg, config_run, &job, reply);
  }
  js_config_request_free(&body);
  sn_free(&target);
}

void h_config_delete(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  if (h_target(req, &target, reply)) {
    config_job job = {reg, &target, req->subject, NULL, reply};
    reg_write(reg, config_run, &job, reply);
  }
  sn_free(&target);
}
