/*
 * contexts.c - GET /contexts and DELETE /contexts/{ctx} (spec §3.7, §4.12).
 */
#include <stdlib.h>
#include <string.h>

#include "core/render.h"
#include "handlers/handlers.h"

/* Whether a context holds any subject with versions (live or soft-deleted). */
static bool context_used(const ix_context *ctx) {
  HM_FOREACH(&ctx->subjects, slot) {
    if (((const ix_subject *)slot->value)->nversions > 0) {
      return true;
    }
  }
  return false;
}

void h_contexts_list(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  size_t offset;
  size_t limit;
  const char **names = NULL;
  size_t n = 0;
  const char *prefix = rq_query(req, "contextPrefix");
  if (!h_page(req, 0, 0, &offset, &limit, reply)) {
    return;
  }
  reg_read_begin(reg);
  names = calloc(reg->ix.contexts.count + 1, sizeof *names);
  if (names == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    goto unlock;
  }
  HM_FOREACH(&reg->ix.contexts, slot) {
    const ix_context *ctx = slot->value;
    if (strcmp(ctx->name, SN_DEFAULT_CONTEXT) != 0 && context_used(ctx)) {
      names[n++] = ctx->name;
    }
  }
  qsort(names, n, sizeof *names, h_compare_strings);
  sjw_buf buf = SJW_BUF_INIT;
  size_t index = 0;
  sjw_putc(&buf, '[');
  for (size_t i = 0; i <= n; i++) {
    const char *name = i == 0 ? SN_DEFAULT_CONTEXT : names[i - 1];
    if (prefix != NULL && strncmp(name, prefix, strlen(prefix)) != 0) {
      continue;
    }
    if (h_in_page(index++, offset, limit)) {
      sjw_puts(&buf, buf.len > 1 ? "," : "");
      sjw_string(&buf, name);
    }
  }
  sjw_putc(&buf, ']');
  rq_set_body(reply, rn_take(&buf));
unlock:
  reg_read_end(reg);
  free(names);
}

void h_context_delete(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  const char *name = req->context != NULL ? req->context : "";
  if (!sn_valid_context(name)) {
    rq_fail(reply, STRATA_E_BAD_REQUEST, "Invalid context '%s'", name);
    return;
  }
  reg_read_begin(reg);
  const ix_context *ctx = ix_context_get(&reg->ix, name);
  if (ctx != NULL && context_used(ctx)) {
    rq_fail(reply, STRATA_E_CONTEXT_NOT_EMPTY, "The specified context ':%s:' is not empty.", name);
  } else {
    reply->status = 204;
    rq_set_text(reply, "", 0);
  }
  reg_read_end(reg);
}
