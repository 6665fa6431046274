/*
 * json_spec.c - request bodies of the API, parsed and type-checked (json_spec.h).
 *
 * jansson parses recursively, so the nesting depth is measured on the raw
 * bytes first: a body nested deeper than JS_MAX_DEPTH is refused before the
 * parser sees it, whatever its size.
 */
#include "json_spec.h"

#include "core/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Java's Integer range: Confluent's version and id fields are ints. */
#define JS_INT_MIN (-2147483647LL - 1)
#define JS_INT_MAX 2147483647LL

/* What the depth scan found. */
typedef enum js_scan {
  JS_SCAN_OK,
  JS_SCAN_EMPTY,
  JS_SCAN_TOO_DEEP
} js_scan;

/*
 * Scans @p len bytes for the deepest nesting of '[' and '{' outside strings.
 * Stops as soon as the depth passes JS_MAX_DEPTH. Reports JS_SCAN_EMPTY when
 * the body is only whitespace.
 */
static js_scan js_scan_depth(const char *text, size_t len) {
  int depth = 0;
  bool in_string = false;
  bool any = false;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        i++; /* the escaped character cannot end the string */
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      break;
    case '"':
      in_string = true;
      any = true;
      break;
    case '[':
    case '{':
      any = true;
      if (++depth > JS_MAX_DEPTH) {
        return JS_SCAN_TOO_DEEP;
      }
      break;
    case ']':
    case '}':
      if (depth > 0) {
        depth--;
      }
      break;
    default:
      any = true;
      break;
    }
  }
  return any ? JS_SCAN_OK : JS_SCAN_EMPTY;
}

/*
 * Parses the request body into a JSON object. On failure fills @p reply and
 * returns NULL. The result is new (json_decref()).
 */
static json_t *js_parse_object(const rq_request *req, rq_reply *reply) {
  const char *text = req->body != NULL ? req->body : "";
  size_t len = req->body != NULL ? req->body_len : 0;
  switch (js_scan_depth(text, len)) {
  case JS_SCAN_EMPTY:
    rq_fail(reply, STRATA_E_UNPROCESSABLE, "Request body is missing");
    return NULL;
  case JS_SCAN_TOO_DEEP:
    rq_fail(reply, STRATA_E_BAD_REQUEST, "Request body is nested deeper than %d levels",
            JS_MAX_DEPTH);
    return NULL;
  case JS_SCAN_OK:
    break;
  }
  json_error_t error;
  json_t *doc = json_loadb(text, len, JSON_DECODE_ANY, &error);
  if (doc == NULL) {
    rq_fail(reply, STRATA_E_BAD_REQUEST, "Invalid JSON at line %d, column %d: %s", error.line,
            error.column, error.text);
    return NULL;
  }
  if (json_is_null(doc)) {
    json_decref(doc);
    rq_fail(reply, STRATA_E_UNPROCESSABLE, "Request body is missing");
    return NULL;
  }
  if (!json_is_object(doc)) {
    json_decref(doc);
    rq_fail(reply, STRATA_E_BAD_REQUEST, "Request body must be a JSON object");
    return NULL;
  }
  return doc;
}

static const char *js_type_name(const json_t *value) {
  switch (json_typeof(value)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "an array";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_REAL:
    return "a number with a fraction or exponent";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  case JSON_NULL:
    return "null";
  }
  return "a value";
}

static void js_wrong_type(rq_reply *reply, const char *field, const char *expected,
                          const json_t *value) {
  rq_fail(reply, STRATA_E_BAD_REQUEST, "Invalid value for field \"%s\": expected %s, got %s", field,
          expected, js_type_name(value));
}

/*
 * The value of member @p field when it is present and not null, else NULL;
 * @p ok is false (and the reply filled) when it has another type than @p type.
 */
static json_t *js_member(json_t *obj, const char *field, json_type type, const char *expected,
                         rq_reply *reply, bool *ok) {
  json_t *value = json_object_get(obj, field);
  if (value == NULL || json_is_null(value)) {
    return NULL;
  }
  bool match =
      json_typeof(value) == type || (type == JSON_TRUE && json_typeof(value) == JSON_FALSE);
  if (!match) {
    js_wrong_type(reply, field, expected, value);
    *ok = false;
    return NULL;
  }
  return value;
}

/*
 * An int-range integer member @p key, named @p field in messages: stores it
 * and sets *has; false (reply filled) on a bad value.
 */
static bool js_int_member(json_t *obj, const char *key, const char *field, bool *has, int64_t *out,
                          rq_reply *reply) {
  *has = false;
  *out = 0;
  json_t *value = json_object_get(obj, key);
  if (value == NULL || json_is_null(value)) {
    return true;
  }
  if (!json_is_integer(value)) {
    js_wrong_type(reply, field, "an integer", value);
    return false;
  }
  json_int_t v = json_integer_value(value);
  if (v < JS_INT_MIN || v > JS_INT_MAX) {
    rq_fail(reply, STRATA_E_BAD_REQUEST,
            "Invalid value for field \"%s\": %lld is out of the range of an int", field,
            (long long)v);
    return false;
  }
  *has = true;
  *out = v;
  return true;
}

static bool js_parse_references(json_t *array, js_schema_request *out, rq_reply *reply) {
  size_t n = json_array_size(array);
  if (n == 0) {
    return true;
  }
  out->refs = calloc(n, sizeof *out->refs);
  if (out->refs == NULL) {
    rq_fail(reply, STRATA_E_NOMEM, NULL);
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *entry = json_array_get(array, i);
    char field[64];
    if (!json_is_object(entry)) {
      snprintf(field, sizeof field, "references[%zu]", i);
      js_wrong_type(reply, field, "an object", entry);
      return false;
    }
    js_reference *ref = &out->refs[i];
    static const char *const names[] = {"name", "subject"};
    for (size_t k = 0; k < 2; k++) {
      json_t *value = json_object_get(entry, names[k]);
      snprintf(field, sizeof field, "references[%zu].%s", i, names[k]);
      if (value == NULL || json_is_null(value)) {
        rq_fail(reply, STRATA_E_BAD_REQUEST, "Missing field \"%s\"", field);
        return false;
      }
      if (!json_is_string(value)) {
        js_wrong_type(reply, field, "a string", value);
        return false;
      }
      if (json_string_length(value) == 0) {
        rq_fail(reply, STRATA_E_BAD_REQUEST, "Field \"%s\" must not be empty", field);
        return false;
      }
      if (k == 0) {
        ref->name = json_string_value(value);
      } else {
        ref->subject = json_string_value(value);
      }
    }
    snprintf(field, sizeof field, "references[%zu].version", i);
    bool has = false;
    if (!js_int_member(entry, "version", field, &has, &ref->version, reply)) {
      return false;
    }
    if (!has) {
      rq_fail(reply, STRATA_E_BAD_REQUEST, "Missing field \"%s\"", field);
      return false;
    }
    out->nrefs++;
  }
  return true;
}

bool js_parse_schema_request(const rq_request *req, js_schema_request *out, rq_reply *reply) {
  memset(out, 0, sizeof *out);
  json_t *doc = js_parse_object(req, reply);
  if (doc == NULL) {
    return false;
  }
  out->doc = doc;
  bool ok = true;
  json_t *schema = js_member(doc, "schema", JSON_STRING, "a string", reply, &ok);
  if (!ok) {
    goto cleanup;
  }
  if (schema != NULL && json_string_length(schema) > 0) {
    out->schema = json_string_value(schema);
    out->schema_len = json_string_length(schema);
  }
  json_t *type = js_member(doc, "schemaType", JSON_STRING, "a string", reply, &ok);
  if (!ok) {
    goto cleanup;
  }
  out->schema_type = type != NULL ? json_string_value(type) : NULL;
  json_t *refs = js_member(doc, "references", JSON_ARRAY, "an array", reply, &ok);
  if (!ok) {
    goto cleanup;
  }
  if (refs != NULL && !js_parse_references(refs, out, reply)) {
    ok = false;
    goto cleanup;
  }
  if (!js_int_member(doc, "version", "version", &out->has_version, &out->version, reply) ||
      !js_int_member(doc, "id", "id", &out->has_id, &out->id, reply)) {
    ok = false;
    goto cleanup;
  }
  out->metadata = js_member(doc, "metadata", JSON_OBJECT, "an object", reply, &ok);
  if (!ok) {
    goto cleanup;
  }
  const char *rule_field = json_object_get(doc, "ruleSet") != NULL ? "ruleSet" : "ruleset";
  out->rule_set = js_member(doc, rule_field, JSON_OBJECT, "an object", reply, &ok);

cleanup:
  if (!ok) {
    js_schema_request_free(out);
  }
  return ok;
}

void js_schema_request_free(js_schema_request *request) {
  if (request == NULL) {
    return;
  }
  free(request->refs);
  json_decref(request->doc);
  memset(request, 0, sizeof *request);
}

bool js_parse_config_request(const rq_request *req, js_config_request *out, rq_reply *reply) {
  memset(out, 0, sizeof *out);
  json_t *doc = js_parse_object(req, reply);
  if (doc == NULL) {
    return false;
  }
  out->doc = doc;
  bool ok = true;
  for (size_t i = 0; ok && i < cf_nmembers; i++) {
    json_type type = cf_members[i].type;
    const char *expected = type == JSON_STRING ? "a string"
                           : type == JSON_TRUE ? "a boolean"
                                               : "an object";
    (void)js_member(doc, cf_members[i].name, type, expected, reply, &ok);
  }
  if (!ok) {
    js_config_request_free(out);
  }
  return ok;
}

void js_config_request_free(js_config_request *request) {
  if (request == NULL) {
    return;
  }
  json_decref(request->doc);
  request->doc = NULL;
}

bool js_parse_mode_request(const rq_request *req, js_mode_request *out, rq_reply *reply) {
  memset(out, 0, sizeof *out);
  json_t *doc = js_parse_object(req, reply);
  if (doc == NULL) {
    return false;
  }
  out->doc = doc;
  bool ok = true;
  json_t *mode = js_member(doc, "mode", JSON_STRING, "a string", reply, &ok);
  if (!ok) {
    js_mode_request_free(out);
    return false;
  }
  out->mode = mode != NULL ? json_string_value(mode) : NULL;
  return true;
}

void js_mode_request_free(js_mode_request *request) {
  if (request == NULL) {
    return;
  }
  json_decref(request->doc);
  request->doc = NULL;
  request->mode = NULL;
}
