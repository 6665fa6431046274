/*
 * json_spec.h - request bodies of the API, parsed and type-checked.
 *
 * Each parser reads rq_request.body as JSON and fills a typed request, or
 * fills the reply with Confluent's error and returns false:
 *   - not JSON, invalid UTF-8, nested deeper than JS_MAX_DEPTH, or not an
 *     object: 400 (STRATA_E_BAD_REQUEST) naming the problem (and line/column);
 *   - a known field with the wrong JSON type (e.g. "version":"abc"): 400 naming
 *     the field;
 *   - an empty body where one is required: 422 (STRATA_E_UNPROCESSABLE).
 * Unknown fields are ignored. Strings are borrowed from @c doc, which the
 * caller releases with the matching *_free function.
 */
#ifndef STRATA_REGISTRY_JSON_SPEC_H
#define STRATA_REGISTRY_JSON_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "request.h"

/** Nesting limit of request bodies (objects and arrays). */
#define JS_MAX_DEPTH 64

/** One entry of "references". */
typedef struct js_reference {
  const char *name;    /**< required, non-empty */
  const char *subject; /**< required, non-empty */
  int64_t version;     /**< required; -1 means latest */
} js_reference;

/** RegisterSchemaRequest: body of register, lookup and both compatibility endpoints. */
typedef struct js_schema_request {
  /** "schema"; NULL when absent, null or "" (a metadata-only update) */
  const char *schema;
  size_t schema_len;
  /** "schemaType" as sent (case-sensitive); NULL when absent or null (AVRO) */
  const char *schema_type;
  /** "references"; new array of nrefs entries (NULL when none) */
  js_reference *refs;
  size_t nrefs;
  /** "version": has_version is false when absent or null */
  bool has_version;
  int64_t version;
  /** "id": has_id is false when absent or null */
  bool has_id;
  int64_t id;
  /** "metadata" object; borrowed from doc; NULL when absent or null */
  json_t *metadata;
  /** "ruleSet" (or "ruleset") object; borrowed from doc; NULL when absent or null */
  json_t *rule_set;
  /** the parsed body; owns the strings above */
  json_t *doc;
} js_schema_request;

/**
 * ConfigUpdateRequest (PUT /config, PUT /config/{s}). The fields are left in
 * @c doc; the parser only checks their JSON types: "compatibility",
 * "compatibilityGroup", "compatibilityPolicy", "alias" strings;
 * "normalize", "validateFields", "validateRules", "validateNewSchemas"
 * booleans; "defaultMetadata", "overrideMetadata", "defaultRuleSet",
 * "overrideRuleSet" objects; each may also be null (clear the field).
 */
typedef struct js_config_request {
  json_t *doc; /**< the parsed body, an object */
} js_config_request;

/** ModeUpdateRequest (PUT /mode, PUT /mode/{s}). */
typedef struct js_mode_request {
  /** "mode" as sent (any case); NULL when absent or null */
  const char *mode;
  json_t *doc;
} js_mode_request;

/** Parses a RegisterSchemaRequest; on false the reply holds the error. */
bool js_parse_schema_request(const rq_request *req, js_schema_request *out, rq_reply *reply);
/** Releases what js_parse_schema_request() allocated (NULL-safe, idempotent). */
void js_schema_request_free(js_schema_request *request);

/** Parses a ConfigUpdateRequest; on false the reply holds the error. */
bool js_parse_config_request(const rq_request *req, js_config_request *out, rq_reply *reply);
void js_config_request_free(js_config_request *request);

/** Parses a ModeUpdateRequest; on false the reply holds the error. */
bool js_parse_mode_request(const rq_request *req, js_mode_request *out, rq_reply *reply);
void js_mode_request_free(js_mode_request *request);

#endif /* STRATA_REGISTRY_JSON_SPEC_H */
