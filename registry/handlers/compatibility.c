/*
 * compatibility.c - POST /compatibility/subjects/{s}/versions[/{v}] (spec §3.4).
 */
#include <string.h>

#include "core/render.h"
#include "handlers/handlers.h"

/* Writes {"is_compatible":...[,"messages":[...]]}. */
static void answer(rq_reply *reply, bool compatible, strata_compat_result *result,
                   const char *parse_error, bool verbose) {
  sjw_buf buf = SJW_BUF_INIT;
  sjw_printf(&buf, "{\"is_compatible\":%s", compatible ? "true" : "false");
  if (verbose) {
    const char *const *messages = NULL;
    size_t count = 0;
    sjw_puts(&buf, ",\"messages\":[");
    if (parse_error != NULL) {
      sjw_string(&buf, parse_error);
    } else if (result != NULL &&
               strata_compat_result_messages(result, false, &messages, &count) == STRATA_E_OK) {
      for (size_t i = 0; i < count; i++) {
        sjw_puts(&buf, i > 0 ? "," : "");
        sjw_string(&buf, messages[i]);
      }
    }
    sjw_putc(&buf, ']');
  }
  sjw_putc(&buf, '}');
  rq_set_body(reply, rn_take(&buf));
}

/* Both endpoints: @p version is -1 for latest, 0 for "all versions". */
static void check(reg_registry *reg, const rq_request *req, int32_t version, rq_reply *reply) {
  sn_subject name = {0};
  js_schema_request body = {0};
  reg_candidate candidate = {0};
  strata_compat_result *result = NULL;
  bool verbose = rq_query_bool(req, "verbose");
  if (!reg_subject_parse(req->subject, &name, reply) ||
      !js_parse_schema_request(req, &body, reply)) {
    goto cleanup;
  }
  reg_read_begin(reg);
  ix_subject *subject = ix_subject_get(ix_context_get(&reg->ix, name.context), name.name);
  const ix_version *only = NULL;
  if (version > 0) {
    only = ix_version_get(subject, version);
    if (only == NULL || only->deleted) {
      rq_fail(reply, STRATA_E_VERSION_NOT_FOUND, "Version %d not found.", (int)version);
      goto unlock;
    }
  } else if (version == -1) {
    only = ix_latest_live(subject);
    if (only == NULL) {
      answer(reply, true, NULL, NULL, verbose);
      goto unlock;
    }
  }
  ix_version *latest = ix_latest_live(subject);
  if (!reg_candidate_parse(reg, name.context, &body, latest != NULL ? latest->schema : NULL,
                           &candidate, reply)) {
    if (verbose && reply->error == STRATA_E_INVALID_SCHEMA) {
      char message[sizeof reply->message];
      memcpy(message, reply->message, sizeof message);
      answer(reply, false, NULL, message, verbose);
    }
    goto unlock;
  }
  strata_compat_level level = reg_level_effective(reg, name.context, name.name);
  if (reg_check(reg, subject, &candidate, candidate.metadata, level, only, &result, reply)) {
    answer(reply, result == NULL || strata_compat_result_compatible(result), result, NULL, verbose);
  }
unlock:
  reg_read_end(reg);
cleanup:
  strata_compat_result_free(&result);
  reg_candidate_free(&candidate);
  js_schema_request_free(&body);
  sn_free(&name);
}

void h_compat_version(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  int32_t version;
  if (reg_version_parse(req->version, &version, reply)) {
    check(reg, req, version, reply);
  }
}

void h_compat_all(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  check(reg, req, 0, reply);
}
