/*
 * root.c - GET / and POST /: an empty object (liveness).
 */
#include "handlers/handlers.h"

void h_root(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  (void)reg;
  (void)req;
  rq_set_text(reply, "{}", 2);
}
