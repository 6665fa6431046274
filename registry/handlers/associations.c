/*
 * associations.c - the associations family (spec §3.9). Strata stores no
 * associations, so every query answers 200 []: Java serializers (8.3+) and
 * the Confluent JS client then fall back to the topic name strategy.
 */
#include "handlers/handlers.h"

void h_associations_none(reg_registry *reg, const rq_request *req, rq_reply *reply) {
  (void)reg;
  (void)req;
  rq_set_text(reply, "[]", 2);
}
