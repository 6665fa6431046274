/*
 * config.c - compatibility config documents (ops.h, spec §2.6-2.7, §4.8).
 *
 * A stored config is an object with the level under "compatibilityLevel"
 * (upper case) and the other members under their API names, each present
 * only when set.
 */
#include <stdio.h>
#include <string.h>

#include "core/contract.h"
#include "core/ops.h"

/* Every member a config holds, in the order responses list them. */
const cf_member cf_members[] = {
    {"compatibility", CF_LEVEL, JSON_STRING},        {"compatibilityGroup", CF_STRING, JSON_STRING},
    {"compatibilityPolicy", CF_STRING, JSON_STRING}, {"normalize", CF_BOOL, JSON_TRUE},
    {"validateFields", CF_BOOL, JSON_TRUE},          {"validateNewSchemas", CF_BOOL, JSON_TRUE},
    {"validateRules", CF_BOOL, JSON_TRUE},           {"alias", CF_STRING, JSON_STRING},
    {"aliasForDeks", CF_STRING, JSON_STRING},        {"defaultMetadata", CF_METADATA, JSON_OBJECT},
    {"overrideMetadata", CF_METADATA, JSON_OBJECT},  {"defaultRuleSet", CF_RULE_SET, JSON_OBJECT},
    {"overrideRuleSet", CF_RULE_SET, JSON_OBJECT},
};
const size_t cf_nmembers = sizeof cf_members / sizeof cf_members[0];

#define LEVEL_KEY "compatibilityLevel"

/* The stored key of a member. */
static const char *stored_key(const cf_member *m) {
  return m->kind == CF_LEVEL ? LEVEL_KEY : m->name;
}

/* Normalises one member value of an update into @p out; false with the reply filled. */
static bool member_value(const cf_member *m, json_t *value, json_t **out, rq_reply *reply) {
  char msg[512] = "";
  strata_error rc = STRATA_E_OK;
  *out = NULL;
  switch (m->kind) {
  case CF_LEVEL: {
    strata_compat_level level;
    if (!json_is_string(value) ||
        strata_compat_level_from_name(json_string_value(value), &level) != STRATA_E_OK) {
      rq_fail(reply, STRATA_E_INVALID_COMPATIBILITY_LEVEL, NULL);
      return false;
    }
    *out = json_string(strata_compat_level_name(level));
    break;
  }
  case CF_STRING:
  case CF_BOOL:
    *out = json_incref(value);
    break;
  case CF_METADATA:
    rc = ct_metadata_normal(value, out, msg, sizeof msg);
    break;
  case CF_RULE_SET:
    rc = ct_rule_set_normal(value, out, msg, sizeof msg);
    break;
  }
  if (rc != STRATA_E_OK) {
    rq_fail(reply, rc, "%s", msg[0] != '\0' ? msg : strata_strerror(rc));
    return false;
  }
  return true;
}

bool cf_update(const json_t *stored, const json_t *update, json_t **out, rq_reply *reply) {
  json_t *result = json_object();
  bool ok = false;
  *out = NULL;
  if (result == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    goto cleanup;
  }
  for (size_t i = 0; i < cf_nmembers; i++) {
    const cf_member *m = &cf_members[i];
    json_t *value = json_object_get(update, m->name);
    json_t *normal = NULL;
    if (value == NULL) {
      json_t *kept = json_object_get(stored, stored_key(m));
      if (kept != NULL) {
        json_object_set(result, stored_key(m), kept);
      }
      continue;
    }
    if (json_is_null(value)) {
      continue; /* cleared */
    }
    if (!member_value(m, value, &normal, reply)) {
      goto cleanup;
    }
    if (normal != NULL) {
      json_object_set_new(result, stored_key(m), normal);
    }
  }
  *out = result;
  result = NULL;
  ok = true;
cleanup:
  json_decref(result);
  return ok;
}

json_t *cf_render(const json_t *stored, bool update_shape) {
  json_t *out = json_object();
  for (size_t i = 0; out != NULL && i < cf_nmembers; i++) {
    const cf_member *m = &cf_members[i];
    json_t *value = json_object_get(stored, stored_key(m));
    if (value != NULL) {
      json_object_set(out, m->kind == CF_LEVEL && !update_shape ? LEVEL_KEY : m->name, value);
    }
  }
  return out;
}

json_t *cf_merge(const json_t *base, const json_t *top) {
  json_t *out = json_object();
  for (size_t i = 0; out != NULL && i < cf_nmembers; i++) {
    const char *key = stored_key(&cf_members[i]);
    json_t *value = json_object_get(top, key);
    if (value == NULL) {
      value = json_object_get(base, key);
    }
    if (value != NULL) {
      json_object_set(out, key, value);
    }
  }
  return out;
}
