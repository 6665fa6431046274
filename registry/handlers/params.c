/*
 * params.c - query-parameter helpers the handlers share (handlers.h).
 */
#include <string.h>

#include "handlers/handlers.h"

bool h_page(const rq_request *req, size_t default_limit, size_t max_limit, size_t *offset,
            size_t *limit, rq_reply *reply) {
  int64_t off = 0;
  int64_t lim = -1;
  if (!rq_query_int(req, "offset", 0, &off) || !rq_query_int(req, "limit", -1, &lim)) {
    rq_fail(reply, STRATA_E_NOT_FOUND, NULL);
    return false;
  }
  *offset = off > 0 ? (size_t)off : 0;
  *limit = lim <= 0 || (max_limit > 0 && (uint64_t)lim > max_limit) ? default_limit : (size_t)lim;
  return true;
}

int h_compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}
