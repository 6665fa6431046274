/*
 * mode.c - GET/PUT/DELETE /mode and /mode/{subject} (spec §3.6, §4.9).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/render.h"
#include "handlers/handlers.h"

static const char *const modes[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT",
                                    "FORWARD"};

/* The stored mode slot of a target (NULL when the subject does not exist yet). */
static char **mode_slot(reg_registry *reg, const sn_subject *target, bool create) {
  ix_context *ctx;
  ix_subject *subject;
  if (!reg_target_owner(reg, target, create, &ctx, &subject)) {
    return NULL;
  }
  return subject != NULL ? &subject->mode : &ctx->mode;
}

static void answer(rq_reply *reply, const char *mode) {
  sjw_buf buf = SJW_BUF_INIT;
  sjw_puts(&buf, "{\"mode\":");
  sjw_string(&buf, mode);
  sjw_putc(&buf, '}');
  rq_set_body(reply, rn_take(&buf));
}

void h_mode_get(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  if (!h_target(req, &target, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  char **slot = mode_slot(reg, &target, false);
  if (slot != NULL && *slot != NULL) {
    answer(reply, *slot);
  } else if (req->subject == NULL || target.name[0] == '\0' ||
             rq_query_bool(req, "defaultToGlobal")) {
    answer(reply, reg_mode_effective(reg, target.context, target.name));
  } else {
    rq_fail(reply, STRATA_E_SUBJECT_LEVEL_MODE_NOT_CONFIGURED,
            "Subject '%s' does not have subject-level mode configured", req->subject);
  }
  reg_read_end(reg);
cleanup:
  sn_free(&target);
}

typedef struct mode_job {
  reg_registry *reg;
  const sn_subject *target;
  const char *display;
  const char *mode; /* upper case; NULL: delete */
  bool force;
  rq_reply *reply;
} mode_job;

/* Whether the scope of @p target holds live subjects (switching to IMPORT needs none). */
static bool scope_has_live_subjects(reg_registry *reg, const sn_subject *target) {
  HM_FOREACH(&reg->ix.contexts, cslot) {
    ix_context *ctx = cslot->value;
    bool global = strcmp(target->context, SN_GLOBAL_CONTEXT) == 0;
    if (!global && strcmp(ctx->name, target->context) != 0) {
      continue;
    }
    HM_FOREACH(&ctx->subjects, sslot) {
      ix_subject *s = sslot->value;
      if ((target->name[0] == '\0' || strcmp(s->name, target->name) == 0) &&
          ix_latest_live(s) != NULL) {
        return true;
      }
    }
  }
  return false;
}

static strata_error mode_run(void *arg, wr_batch *batch) {
  mode_job *job = arg;
  reg_registry *reg = job->reg;
  const sn_subject *t = job->target;
  char **slot = mode_slot(reg, t, job->mode != NULL);
  if (job->mode == NULL) {
    if (slot == NULL || *slot == NULL) {
      if (job->display == NULL) {
        answer(job->reply, "READWRITE");
        return STRATA_E_OK;
      }
      rq_fail(job->reply, STRATA_E_SUBJECT_NOT_FOUND, "Subject '%s' not found.", job->display);
      return job->reply->error;
    }
    srs_op *op = wr_batch_op(batch);
    if (op == NULL) {
      return STRATA_E_OK;
    }
    op->kind = SRS_OP_DELETE_MODE;
    op->u.mode = (srs_mode_row){t->context, wr_batch_strdup(batch, t->name), NULL};
    answer(job->reply, *slot);
    free(*slot);
    *slot = NULL;
    if (t->name[0] != '\0') {
      ix_subject_prune(ix_subject_get(ix_context_get(&reg->ix, t->context), t->name));
    }
    return STRATA_E_OK;
  }
  char *copy = strdup(job->mode);
  srs_op *op = slot != NULL && copy != NULL ? wr_batch_op(batch) : NULL;
  if (op == NULL) {
    free(copy);
    rq_fail(job->reply, STRATA_E_NOMEM, NULL);
    return STRATA_E_NOMEM;
  }
  if (strcmp(job->mode, "IMPORT") == 0 && !job->force && scope_has_live_subjects(reg, t)) {
    free(copy);
    if (t->name[0] != '\0') {
      ix_subject_prune(ix_subject_get(ix_context_get(&reg->ix, t->context), t->name));
    }
    rq_fail(job->reply, STRATA_E_OPERATION_NOT_PERMITTED,
            "Cannot import since found existing subjects");
    return job->reply->error;
  }
  op->kind = SRS_OP_PUT_MODE;
  op->u.mode = (srs_mode_row){t->context, wr_batch_strdup(batch, t->name), copy};
  op->u.mode.mode = wr_batch_strdup(batch, copy);
  free(*slot);
  *slot = copy;
  return STRATA_E_OK;
}

void h_mode_put(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  js_mode_request body = {0};
  const char *mode = NULL;
  if (!h_target(req, &target, reply) || !js_parse_mode_request(req, &body, reply)) {
    goto cleanup;
  }
  for (size_t i = 0; body.mode != NULL && i < sizeof modes / sizeof modes[0]; i++) {
    if (strcasecmp(body.mode, modes[i]) == 0) {
      mode = modes[i];
    }
  }
  if (mode == NULL) {
    rq_fail(reply, STRATA_E_INVALID_MODE, NULL);
    goto cleanup;
  }
  if (strcmp(mode, "FORWARD") == 0 && req->subject != NULL &&
      !(strcmp(target.context, SN_GLOBAL_CONTEXT) == 0 && target.name[0] == '\0')) {
    rq_fail(reply, STRATA_E_INVALID_MODE, "Forward mode only supported on global level");
    goto cleanup;
  }
  mode_job job = {reg, &target, req->subject, mode, rq_query_bool(req, "force"), reply};
  if (reg_write(reg, mode_run, &job, reply)) {
    answer(reply, body.mode); /* Confluent echoes the mode as sent */
  }
cleanup:
  js_mode_request_free(&body);
  sn_free(&target);
}

void h_mode_delete(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject target = {0};
  if (h_target(req, &target, reply)) {
    mode_job job = {reg, &target, req->subject, NULL, false, reply};
    reg_write(reg, mode_run, &job, reply);
  }
  sn_free(&target);
}
