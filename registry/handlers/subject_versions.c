/*
 * subject_versions.c - /subjects/{subject}/versions...: list, register,
 * get, raw schema, referencedby and delete (spec §3.3, §4.3, §4.5, §4.6).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/contract.h"
#include "core/ops.h"
#include "core/render.h"
#include "handlers/handlers.h"

void h_versions_list(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  bool deleted = rq_query_bool(req, "deleted");
  bool deleted_only = rq_query_bool(req, "deletedOnly");
  bool negative = rq_query_bool(req, "deletedAsNegative");
  size_t offset;
  size_t limit;
  if (!h_page(req, 0, 0, &offset, &limit, reply) ||
      !reg_subject_parse(req->subject, &name, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject =
      reg_subject_find(reg, &name, deleted || deleted_only || negative, req->subject, reply);
  if (subject != NULL) {
    sjw_buf buf = SJW_BUF_INIT;
    size_t index = 0;
    sjw_putc(&buf, '[');
    for (size_t i = 0; i < subject->nversions; i++) {
      const ix_version *v = &subject->versions[i];
      bool wanted = negative || (deleted_only ? v->deleted : (!v->deleted || deleted));
      if (!wanted || !h_in_page(index++, offset, limit)) {
        continue;
      }
      sjw_printf(&buf, "%s%d", buf.len > 1 ? "," : "",
                 negative && v->deleted ? -(int)v->version : (int)v->version);
    }
    sjw_putc(&buf, ']');
    rq_set_body(reply, rn_take(&buf));
  }
  reg_read_end(reg);
cleanup:
  sn_free(&name);
}

/* Finds (subject, version) for the GET routes; fills the reply on a miss. */
static ix_version *find_version(reg_registry *reg, const rq_request *req, const sn_subject *name,
                                int32_t version, bool deleted, ix_subject **subject_out,
                                rq_reply *reply) {
  ix_subject *subject = reg_subject_find_read(reg, name, deleted, req->subject, reply);
  *subject_out = subject;
  return subject != NULL ? reg_version_find(subject, version, deleted, reply) : NULL;
}

/* GET a version: its Schema entity, or with @p raw its schema text alone. */
static void get_version(reg_registry *reg, const rq_request *req, bool raw, rq_reply *reply) {
  sn_subject name = {0};
  int32_t version;
  bool deleted = rq_query_bool(req, "deleted");
  if (!reg_subject_parse(req->subject, &name, reply) ||
      !reg_version_parse(req->version, &version, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = NULL;
  ix_version *v = find_version(reg, req, &name, version, deleted, &subject, reply);
  char *text = v != NULL ? reg_schema_format_text(reg, v->schema, rq_query(req, "format")) : NULL;
  ix_schema shown;
  ix_version at;
  if (text != NULL) {
    /* The same entity around the text in the requested format. */
    shown = *v->schema;
    at = *v;
    shown.text = text;
    shown.text_len = strlen(text);
    at.schema = &shown;
    v = &at;
    version = v->version;
  }
  if (v != NULL && raw) {
    rq_set_text(reply, v->schema->text, v->schema->text_len);
  } else if (v != NULL && version == -1) {
    rq_set_body(reply, rn_latest_body(subject, v)); /* the hot path: a cached body */
  } else if (v != NULL) {
    sjw_buf buf = SJW_BUF_INIT;
    rn_version(&buf, subject, v);
    rq_set_body(reply, rn_take(&buf));
  }
  reg_read_end(reg);
  free(text);
cleanup:
  sn_free(&name);
}

void h_version_get(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  get_version(reg, req, false, reply);
}

void h_version_text(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  get_version(reg, req, true, reply);
}

void h_version_referencedby(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  int32_t version;
  size_t offset;
  size_t limit;
  int64_t *ids = NULL;
  bool deleted = rq_query_bool(req, "deleted");
  if (!reg_subject_parse(req->subject, &name, reply) ||
      !reg_version_parse(req->version, &version, reply) ||
      !h_page(req, (size_t)reg->search_limit, (size_t)reg->search_limit, &offset, &limit, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = NULL;
  ix_version *v = find_version(reg, req, &name, version, true, &subject, reply);
  if (v != NULL) {
    size_t n = reg_referrers(reg, subject->ctx, subject, v->version, deleted, &ids);
    if (n == (size_t)-1) {
      rq_fail(reply, STRATA_E_NOMEM, NULL);
    } else {
      sjw_buf buf = SJW_BUF_INIT;
      sjw_putc(&buf, '[');
      for (size_t i = 0; i < n; i++) {
        if (h_in_page(i, offset, limit)) {
          sjw_printf(&buf, "%s%lld", buf.len > 1 ? "," : "", (long long)ids[i]);
        }
      }
      sjw_putc(&buf, ']');
      rq_set_body(reply, rn_take(&buf));
    }
  }
  reg_read_end(reg);
cleanup:
  free(ids);
  sn_free(&name);
}

/* ---- registration ---- */

typedef struct register_job {
  reg_registry *reg;
  const sn_subject *name;
  const char *display;
  const js_schema_request *req;
  reg_candidate *candidate;
  bool force;
  rq_reply *reply;
} register_job;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The metadata and rule set a registration stores (§4.3 step 5, §5). New references. */
static bool effective_contract(register_job *job, ix_subject *subject, bool import,
                               json_t **metadata, json_t **rule_set, int32_t new_version) {
  reg_candidate *c = job->candidate;
  json_t *md = json_incref(c->metadata);
  json_t *rs = json_incref(c->rule_set);
  bool nomem = false;
  if (!import) {
    ix_version *latest = ix_latest_live(subject);
    if (md == NULL && latest != NULL) {
      md = json_incref(latest->schema->metadata);
    }
    if (rs == NULL && latest != NULL) {
      rs = json_incref(latest->schema->rule_set);
    }
    /* Config defaults go underneath what the request or the previous version gives, overrides
     * on top. */
    const char *ctx = job->name->context;
    const char *name = job->name->name;
    json_t *next =
        ct_metadata_merge(reg_config_member(job->reg, ctx, name, "defaultMetadata"), md, &nomem);
    json_decref(md);
    md =
        ct_metadata_merge(next, reg_config_member(job->reg, ctx, name, "overrideMetadata"), &nomem);
    json_decref(next);
    next = ct_rule_set_merge(reg_config_member(job->reg, ctx, name, "defaultRuleSet"), rs, &nomem);
    json_decref(rs);
    rs = ct_rule_set_merge(next, reg_config_member(job->reg, ctx, name, "overrideRuleSet"), &nomem);
    json_decref(next);
  }
  /* confluent:version follows the version when the request pinned one or it is already there;
   * IMPORT stores what it is given. */
  if (!import && ((job->req->has_version && job->req->version > 0) ||
                  ct_metadata_property(md, "confluent:version") != NULL)) {
    char text[16];
    snprintf(text, sizeof text, "%d", (int)new_version);
    json_t *next = ct_metadata_with_property(md, "confluent:version", text);
    nomem = nomem || next == NULL;
    json_decref(md);
    md = next;
  }
  *metadata = md;
  *rule_set = rs;
  if (nomem) {
    rq_fail(job->reply, STRATA_E_NOMEM, NULL);
  }
  return !nomem;
}

/* Appends the op storing @p schema. */
static bool op_put_schema(wr_batch *batch, const ix_schema *schema) {
  srs_op *op = wr_batch_op(batch);
  if (op == NULL) {
    return false;
  }
  op->kind = SRS_OP_PUT_SCHEMA;
  /* Copies: a later job of the same batch may free the schema before the commit. */
  op->u.schema = (srs_schema_row){
      wr_batch_strdup(batch, schema->ctx->name),     schema->id,
      strata_schema_type_name(schema->type),         wr_batch_strdup(batch, schema->text),
      wr_batch_strdup(batch, schema->refs_json),     wr_batch_strdup(batch, schema->metadata_text),
      wr_batch_strdup(batch, schema->rule_set_text), wr_batch_strdup(batch, schema->identity),
      wr_batch_strdup(batch, schema->guid)};
  return true;
}

/* Whether any schema (live or soft-deleted) references (subject, version); ENOMEM counts as yes. */
static bool is_referenced(reg_registry *reg, ix_subject *subject, int32_t version) {
  int64_t *ids = NULL;
  size_t n = reg_referrers(reg, subject->ctx, subject, version, true, &ids);
  free(ids);
  return n != 0;
}

static strata_error register_run(void *arg, wr_batch *batch) {
  register_job *job = arg;
  reg_registry *reg = job->reg;
  rq_reply *reply = job->reply;
  const js_schema_request *req = job->req;
  json_t *metadata = NULL;
  json_t *rule_set = NULL;
  strata_compat_result *result = NULL;
  strata_error rc = STRATA_E_OK;
  char identity[33];
  char guid[37];
  ix_context *ctx = ix_context_get(&reg->ix, job->name->context);
  ix_subject *subject = ix_subject_get(ctx, job->name->name);
  const char *mode = reg_mode_effective(reg, job->name->context, job->name->name);
  bool import = reg_mode_import(mode);
  int32_t next_version = ix_max_version(subject) + 1;
  int32_t version =
      import && req->has_version && req->version > 0 ? (int32_t)req->version : next_version;
  const char *ctx_display = reg_context_display(job->name->context);
  bool wants_id = req->has_id && req->id >= 0;

  if (!effective_contract(job, subject, import, &metadata, &rule_set, version)) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  reg_identity(job->candidate, metadata, rule_set, identity, guid);

  /* Already registered here: answer with the existing version (§4.3 step 2). */
  for (size_t i = subject != NULL ? subject->nversions : 0; i > 0; i--) {
    ix_version *v = &subject->versions[i - 1];
    if (!v->deleted && strcmp(v->schema->identity, identity) == 0 &&
        (!req->has_version || req->version == -1 || req->version == v->version) &&
        (!wants_id || req->id == v->schema->id)) {
      sjw_buf buf = SJW_BUF_INIT;
      rn_version(&buf, subject, v);
      rq_set_body(reply, rn_take(&buf));
      goto cleanup;
    }
  }
  if (reg_mode_readonly(mode)) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Subject %s in context %s is in read-only mode", job->display, ctx_display);
    goto cleanup;
  }
  if (wants_id && !import) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Subject %s in context %s is not in import mode", job->display, ctx_display);
    goto cleanup;
  }
  if (!wants_id && import) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Subject %s in context %s is not in read-write mode", job->display,
            ctx_display);
    goto cleanup;
  }
  if (!import && !job->force) {
    strata_compat_level level = reg_level_effective(reg, job->name->context, job->name->name);
    if (!reg_check(reg, subject, job->candidate, metadata, level, NULL, &result, reply)) {
      rc = reply->error;
      goto cleanup;
    }
    if (result != NULL && !strata_compat_result_compatible(result)) {
      reg_fail_incompatible(reply, job->display, result);
      rc = STRATA_E_INCOMPATIBLE_SCHEMA;
      goto cleanup;
    }
  }
  if (!import && req->has_version && req->version > 0 && req->version != next_version) {
    rc = STRATA_E_INVALID_SCHEMA;
    rq_fail(reply, rc, "Version is not one more than previous version");
    goto cleanup;
  }
  if (import && ix_version_get(subject, version) != NULL) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Overwrite of version %d of subject %s in context %s is not permitted.",
            (int)version, job->display, ctx_display);
    goto cleanup;
  }
  /* The id: an explicit one (IMPORT), the id of the same content, or the next one. */
  ix_schema *schema = NULL;
  if (wants_id) {
    schema = ix_schema_by_id(ctx, req->id);
    if (schema != NULL && strcmp(schema->identity, identity) != 0) {
      rc = STRATA_E_OPERATION_NOT_PERMITTED;
      rq_fail(reply, rc, "Overwrite new schema with id %lld in context %s is not permitted.",
              (long long)req->id, ctx_display);
      goto cleanup;
    }
  } else {
    schema = ix_schema_by_identity(ctx, identity);
  }
  ctx = ix_context_ensure(&reg->ix, job->name->context);
  if (ctx == NULL) {
    rc = STRATA_E_NOMEM;
    rq_fail(reply, rc, NULL);
    goto cleanup;
  }
  bool new_schema = schema == NULL;
  if (new_schema) {
    int64_t id = wants_id ? req->id : ctx->max_id + 1;
    schema = ix_schema_add(&reg->ix, ctx, id, job->candidate->type,
                           strata_schema_canonical(job->candidate->schema), job->candidate->refs,
                           job->candidate->nrefs, json_incref(metadata), json_incref(rule_set),
                           identity, guid);
    if (schema == NULL) {
      rc = STRATA_E_NOMEM;
      rq_fail(reply, rc, NULL);
      goto cleanup;
    }
  }
  subject = ix_subject_ensure(ctx, job->name->name);
  int64_t ts = now_ms();
  if (subject == NULL || !ix_version_add(subject, version, schema, false, ts)) {
    if (new_schema) {
      ix_schema_remove(&reg->ix, schema);
    }
    ix_subject_prune(subject);
    rc = STRATA_E_NOMEM;
    rq_fail(reply, rc, NULL);
    goto cleanup;
  }
  if (new_schema && !op_put_schema(batch, schema)) {
    goto cleanup; /* the batch records the failure; the writer rebuilds the index */
  }
  srs_op *op = wr_batch_op(batch);
  if (op == NULL) {
    goto cleanup;
  }
  op->kind = SRS_OP_PUT_VERSION;
  op->u.version = (srs_version_row){
      ctx->name, wr_batch_strdup(batch, subject->name), version, schema->id, false, ts};
  /* Soft-deleted older versions with the same id give way to the new one (§4.3 step 11). */
  for (size_t i = 0; i < subject->nversions;) {
    ix_version *v = &subject->versions[i];
    if (!v->deleted || v->schema != schema || is_referenced(reg, subject, v->version)) {
      i++;
      continue;
    }
    op = wr_batch_op(batch);
    if (op == NULL) {
      goto cleanup;
    }
    op->kind = SRS_OP_DELETE_VERSION;
    op->u.version = (srs_version_row){
        ctx->name, wr_batch_strdup(batch, subject->name), v->version, 0, false, 0};
    ix_version_remove(&reg->ix, subject, v->version);
  }
  sjw_buf buf = SJW_BUF_INIT;
  rn_version(&buf, subject, ix_version_get(subject, version));
  rq_set_body(reply, rn_take(&buf));
cleanup:
  strata_compat_result_free(&result);
  json_decref(metadata);
  json_decref(rule_set);
  return rc;
}

void h_version_register(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  js_schema_request body = {0};
  reg_candidate candidate = {0};
  if (!reg_subject_parse(req->subject, &name, reply) ||
      !js_parse_schema_request(req, &body, reply)) {
    goto cleanup;
  }
  if (name.name[0] == '\0' || strcmp(name.context, SN_GLOBAL_CONTEXT) == 0) {
    rq_fail(reply, STRATA_E_INVALID_SUBJECT, "The specified subject '%s' is not a valid.",
            req->subject);
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = ix_subject_get(ix_context_get(&reg->ix, name.context), name.name);
  ix_version *latest = ix_latest_live(subject);
  bool parsed = reg_candidate_parse(reg, name.context, &body,
                                    latest != NULL ? latest->schema : NULL, &candidate, reply);
  reg_read_end(reg);
  if (!parsed) {
    goto cleanup;
  }
  register_job job = {reg,  &name, req->subject, &body, &candidate, rq_query_bool(req, "force"),
                      reply};
  reg_write(reg, register_run, &job, reply);
cleanup:
  reg_candidate_free(&candidate);
  js_schema_request_free(&body);
  sn_free(&name);
}

/* ---- delete ---- */

typedef struct delete_job {
  reg_registry *reg;
  const sn_subject *name;
  const char *display;
  int32_t version;
  bool permanent;
  rq_reply *reply;
} delete_job;

bool h_forget_empty_subject(wr_batch *batch, ix_subject *subject) {
  if (subject->nversions > 0) {
    return true;
  }
  const char *ctx = subject->ctx->name;
  const char *name = wr_batch_strdup(batch, subject->name);
  srs_op *op = wr_batch_op(batch);
  if (op == NULL) {
    return false;
  }
  op->kind = SRS_OP_DELETE_CONFIG;
  op->u.config = (srs_config_row){ctx, name, NULL};
  op = wr_batch_op(batch);
  if (op == NULL) {
    return false;
  }
  op->kind = SRS_OP_DELETE_MODE;
  op->u.mode = (srs_mode_row){ctx, name, NULL};
  json_decref(subject->config);
  subject->config = NULL;
  free(subject->mode);
  subject->mode = NULL;
  ix_subject_prune(subject);
  return true;
}

static strata_error delete_version_run(void *arg, wr_batch *batch) {
  delete_job *job = arg;
  reg_registry *reg = job->reg;
  rq_reply *reply = job->reply;
  int64_t *ids = NULL;
  strata_error rc = STRATA_E_OK;
  ix_subject *subject = reg_subject_find(reg, job->name, true, job->display, reply);
  if (subject == NULL) {
    rc = reply->error;
    goto cleanup;
  }
  if (reg_mode_readonly(reg_mode_effective(reg, job->name->context, job->name->name))) {
    rc = STRATA_E_OPERATION_NOT_PERMITTED;
    rq_fail(reply, rc, "Subject %s in context %s is in read-only mode", job->display,
            reg_context_display(job->name->context));
    goto cleanup;
  }
  ix_version *v = reg_version_find(subject, job->version, true, reply);
  if (v == NULL) {
    rc = reply->error;
    goto cleanup;
  }
  int32_t version = v->version;
  if (!job->permanent && v->deleted) {
    rc = STRATA_E_SCHEMAVERSION_SOFT_DELETED;
    rq_fail(reply, rc,
            "Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently",
            job->display, (int)version);
    goto cleanup;
  }
  if (job->permanent && !v->deleted) {
    rc = STRATA_E_SCHEMAVERSION_NOT_SOFT_DELETED;
    rq_fail(reply, rc,
            "Subject '%s' Version %d was not deleted first before being permanently deleted",
            job->display, (int)version);
    goto cleanup;
  }
  size_t n = reg_referrers(reg, subject->ctx, subject, version, job->permanent, &ids);
  if (n == (size_t)-1) {
    rc = STRATA_E_NOMEM;
    rq_fail(reply, rc, NULL);
    goto cleanup;
  }
  if (n > 0) {
    rc = STRATA_E_REFERENCE_EXISTS;
    rq_fail(reply, rc, "One or more references exist to the schema {subject=%s,version=%d}.",
            job->display, (int)version);
    goto cleanup;
  }
  srs_op *op = wr_batch_op(batch);
  if (op == NULL) {
    goto cleanup;
  }
  op->u.version = (srs_version_row){subject->ctx->name,
                                    wr_batch_strdup(batch, subject->name),
                                    version,
                                    v->schema->id,
                                    true,
                                    v->ts};
  if (job->permanent) {
    op->kind = SRS_OP_DELETE_VERSION;
    ix_version_remove(&reg->ix, subject, version);
    if (!h_forget_empty_subject(batch, subject)) {
      goto cleanup;
    }
  } else {
    op->kind = SRS_OP_SET_VERSION_DELETED;
    v->deleted = true;
    ix_subject_touch(subject);
  }
  char text[16];
  int len = snprintf(text, sizeof text, "%d", (int)version);
  rq_set_text(reply, text, (size_t)len);
cleanup:
  free(ids);
  return rc;
}

void h_version_delete(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  delete_job job = {reg, &name, req->subject, 0, rq_query_bool(req, "permanent"), reply};
  if (reg_subject_parse(req->subject, &name, reply) &&
      reg_version_parse(req->version, &job.version, reply)) {
    reg_write(reg, delete_version_run, &job, reply);
  }
  sn_free(&name);
}
