/*
 * subjects.c - /subjects: list, lookup (POST /subjects/{s}), delete and
 * GET /subjects/{s}/metadata (spec §3.3, §4.4, §4.6).
 */
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/render.h"
#include "handlers/handlers.h"

/* Whether the subject passes the deleted filters: live, or all soft-deleted when asked for. */
static bool subject_wanted(const ix_subject *s, bool deleted, bool deleted_only) {
  if (s->nversions == 0) {
    return false;
  }
  bool live = ix_latest_live(s) != NULL;
  return deleted_only ? !live : (live || deleted);
}

void h_subjects_list(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  bool deleted = rq_query_bool(req, "deleted");
  bool deleted_only = rq_query_bool(req, "deletedOnly");
  const char *prefix = rq_query(req, "subjectPrefix");
  char *context_prefix = NULL;
  sn_subject filter = {0};
  char **names = NULL;
  size_t n = 0;
  size_t offset;
  size_t limit;
  if (!h_page(req, 0, 0, &offset, &limit, reply)) {
    goto cleanup;
  }
  if (prefix == NULL && req->context != NULL) {
    context_prefix = sn_qualify(req->context, "");
    prefix = context_prefix;
  }
  bool all_contexts = prefix == NULL || strcmp(prefix, ":*:") == 0;
  if (!all_contexts && !reg_subject_parse(prefix, &filter, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  size_t cap = 0;
  HM_FOREACH(&reg->ix.contexts, cslot) {
    ix_context *ctx = cslot->value;
    if (!all_contexts && strcmp(ctx->name, filter.context) != 0) {
      continue;
    }
    if (cap < n + ctx->subjects.count) {
      cap = n + ctx->subjects.count;
      char **grown = realloc(names, (cap + 1) * sizeof *grown);
      if (grown == NULL) {
        break;
      }
      names = grown;
    }
    HM_FOREACH(&ctx->subjects, sslot) {
      ix_subject *s = sslot->value;
      if (subject_wanted(s, deleted, deleted_only) &&
          (all_contexts || strncmp(s->name, filter.name, strlen(filter.name)) == 0)) {
        names[n] = reg_subject_qualified(s);
        n += names[n] != NULL;
      }
    }
  }
  reg_read_end(reg);
  if (n > 1) {
    qsort(names, n, sizeof *names, h_compare_strings);
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  for (size_t i = 0; i < n; i++) {
    if (h_in_page(i, offset, limit)) {
      sjw_puts(&buf, buf.len > 1 ? "," : "");
      sjw_string(&buf, names[i]);
    }
  }
  sjw_putc(&buf, ']');
  rq_set_body(reply, rn_take(&buf));
cleanup:
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
  free(context_prefix);
  sn_free(&filter);
}

/* Whether stored @p schema matches the candidate (§4.4): same canonical text and references,
 * and the same metadata / rule set when the request gave them. */
static bool lookup_matches(const ix_schema *schema, const reg_candidate *c, const char *metadata,
                           const char *rule_set) {
  if (schema->type != c->type || strcmp(schema->text, strata_schema_canonical(c->schema)) != 0 ||
      schema->nrefs != c->nrefs) {
    return false;
  }
  for (size_t i = 0; i < c->nrefs; i++) {
    if (strcmp(schema->refs[i].name, c->refs[i].name) != 0 ||
        strcmp(schema->refs[i].subject, c->refs[i].subject) != 0 ||
        schema->refs[i].version != c->refs[i].version) {
      return false;
    }
  }
  if (metadata != NULL &&
      (schema->metadata_text == NULL || strcmp(schema->metadata_text, metadata) != 0)) {
    return false;
  }
  return rule_set == NULL ||
         (schema->rule_set_text != NULL && strcmp(schema->rule_set_text, rule_set) == 0);
}

void h_subject_lookup(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  js_schema_request body = {0};
  reg_candidate candidate = {0};
  char *metadata = NULL;
  char *rule_set = NULL;
  bool deleted = rq_query_bool(req, "deleted");
  if (!reg_subject_parse(req->subject, &name, reply) ||
      !js_parse_schema_request(req, &body, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = reg_subject_find_read(reg, &name, deleted, req->subject, reply);
  if (subject != NULL &&
      reg_candidate_parse(reg, subject->ctx->name, &body, NULL, &candidate, reply)) {
    metadata = ct_dump(candidate.metadata);
    rule_set = ct_dump(candidate.rule_set);
    const ix_version *found = NULL;
    for (size_t i = subject->nversions; i > 0 && found == NULL; i--) {
      const ix_version *v = &subject->versions[i - 1];
      if ((!v->deleted || deleted) && lookup_matches(v->schema, &candidate, metadata, rule_set)) {
        found = v;
      }
    }
    if (found != NULL) {
      sjw_buf buf = SJW_BUF_INIT;
      rn_version(&buf, subject, found);
      rq_set_body(reply, rn_take(&buf));
    } else {
      rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema not found");
    }
  }
  reg_read_end(reg);
cleanup:
  free(metadata);
  free(rule_set);
  reg_candidate_free(&candidate);
  js_schema_request_free(&body);
  sn_free(&name);
}

void h_subject_metadata(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  const char *keys[32];
  const char *values[32];
  bool deleted = rq_query_bool(req, "deleted");
  size_t nkeys = rq_query_all(req, "key", keys, 32);
  size_t nvalues = rq_query_all(req, "value", values, 32);
  if (!reg_subject_parse(req->subject, &name, reply)) {
    goto cleanup;
  }
  if (nkeys > 32 || nkeys != nvalues) {
    rq_fail(reply, STRATA_E_BAD_REQUEST,
            "key and value parameters must come in pairs (at most 32)");
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = reg_subject_find(reg, &name, deleted, req->subject, reply);
  const ix_version *found = NULL;
  for (size_t i = subject != NULL ? subject->nversions : 0; i > 0 && found == NULL; i--) {
    const ix_version *v = &subject->versions[i - 1];
    bool all = !v->deleted || deleted;
    for (size_t k = 0; k < nkeys && all; k++) {
      const char *value = ct_metadata_property(v->schema->metadata, keys[k]);
      all = value != NULL && strcmp(value, values[k]) == 0;
    }
    found = all ? v : NULL;
  }
  if (found != NULL) {
    sjw_buf buf = SJW_BUF_INIT;
    rn_version(&buf, subject, found);
    rq_set_body(reply, rn_take(&buf));
  } else if (subject != NULL) {
    rq_fail(reply, STRATA_E_SCHEMA_NOT_FOUND, "Schema not found");
  }
  reg_read_end(reg);
cleanup:
  sn_free(&name);
}

typedef struct delete_subject_job {
  reg_registry *reg;
  const sn_subject *name;
  const char *display;
  bool permanent;
  rq_reply *reply;
} delete_subject_job;

/* Whether a version of @p subject is referenced by a schema held in another subject. */
static bool referenced_elsewhere(reg_registry *reg, ix_subject *subject, bool include_deleted,
                                 int32_t *version) {
  for (size_t i = 0; i < subject->nversions; i++) {
    int64_t *ids = NULL;
    size_t n = reg_referrers(reg, subject->ctx, subject, subject->versions[i].version,
                             include_deleted, &ids);
    bool other = false;
    for (size_t k = 0; k < n && n != (size_t)-1 && !other; k++) {
      other = true;
      for (size_t j = 0; j < subject->nversions; j++) {
        other = other && subject->versions[j].schema->id != ids[k];
      }
    }
    free(ids);
    if (other) {
      *version = subject->versions[i].version;
      return true;
    }
  }
  return false;
}

static strata_error delete_subject_run(void *arg, wr_batch *batch) {
  delete_subject_job *job = arg;
  reg_registry *reg = job->reg;
  rq_reply *reply = job->reply;
  int32_t referenced = 0;
  ix_subject *subject = reg_subject_find(reg, job->name, true, job->display, reply);
  if (subject == NULL) {
    return reply->error;
  }
  bool live = ix_latest_live(subject) != NULL;
  if (reg_mode_readonly(reg_mode_effective(reg, job->name->context, job->name->name))) {
    rq_fail(reply, STRATA_E_OPERATION_NOT_PERMITTED,
            "Subject %s in context %s is in read-only mode", job->display,
            reg_context_display(job->name->context));
    return reply->error;
  }
  if (!job->permanent && !live) {
    rq_fail(reply, STRATA_E_SUBJECT_SOFT_DELETED,
            "Subject '%s' was soft deleted.Set permanent=true to delete permanently", job->display);
    return reply->error;
  }
  if (job->permanent && live) {
    rq_fail(reply, STRATA_E_SUBJECT_NOT_SOFT_DELETED,
            "Subject '%s' was not deleted first before being permanently deleted", job->display);
    return reply->error;
  }
  if (referenced_elsewhere(reg, subject, job->permanent, &referenced)) {
    rq_fail(reply, STRATA_E_REFERENCE_EXISTS,
            "One or more references exist to the schema {subject=%s,version=%d}.", job->display,
            (int)referenced);
    return reply->error;
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '[');
  const char *ctx = subject->ctx->name;
  const char *name = wr_batch_strdup(batch, subject->name);
  for (size_t i = 0; i < subject->nversions;) {
    ix_version *v = &subject->versions[i];
    if (!job->permanent && v->deleted) {
      i++;
      continue;
    }
    sjw_printf(&buf, "%s%d", buf.len > 1 ? "," : "", (int)v->version);
    srs_op *op = wr_batch_op(batch);
    if (op == NULL) {
      sjw_release(&buf);
      return STRATA_E_OK; /* the writer sees the failed batch and rebuilds the index */
    }
    op->u.version = (srs_version_row){ctx, name, v->version, v->schema->id, true, v->ts};
    if (job->permanent) {
      op->kind = SRS_OP_DELETE_VERSION;
      ix_version_remove(&reg->ix, subject, v->version);
    } else {
      op->kind = SRS_OP_SET_VERSION_DELETED;
      v->deleted = true;
      i++;
    }
  }
  sjw_putc(&buf, ']');
  ix_subject_touch(subject);
  rq_set_body(reply, rn_take(&buf));
  if (job->permanent) {
    h_forget_empty_subject(batch, subject);
  }
  return STRATA_E_OK;
}

void h_subject_delete(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  sn_subject name = {0};
  delete_subject_job job = {reg, &name, req->subject, rq_query_bool(req, "permanent"), reply};
  if (reg_subject_parse(req->subject, &name, reply)) {
    reg_write(reg, delete_subject_run, &job, reply);
  }
  sn_free(&name);
}
