/*
 * cli_output.c - registry results on stdout: version, id and level
 * arguments in, schema objects and lists out (the registry's JSON shape or a
 * stable text form), shared by the registry commands.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool cli_parse_version(const char *command, const char *arg, int *out) {
  if (strcasecmp(arg, "latest") == 0) {
    *out = STRATA_CLIENT_LATEST;
    return true;
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(arg, &end, 10);
  if (arg[0] < '0' || arg[0] > '9' || errno != 0 || *end != '\0' || v < 1 || v > INT_MAX) {
    cli_error("%s: version '%s' is not a number from 1 to %d or 'latest'", command, arg, INT_MAX);
    return false;
  }
  *out = (int)v;
  return true;
}

bool cli_parse_id(const char *command, const char *arg, int64_t *out) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(arg, &end, 10);
  if (arg[0] < '0' || arg[0] > '9' || errno != 0 || *end != '\0' || v < 1 || v > INT32_MAX) {
    cli_error("%s: id '%s' is not a number from 1 to %" PRId32, command, arg, INT32_MAX);
    return false;
  }
  *out = (int64_t)v;
  return true;
}

bool cli_parse_level(const char *command, const char *name, strata_compat_level *out) {
  if (strata_compat_level_from_name(name, out) != STRATA_E_OK) {
    cli_error("%s: unknown level '%s' (expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, "
              "FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE)",
              command, name);
    return false;
  }
  return true;
}

const char *cli_plural(size_t n) {
  return n == 1 ? "" : "s";
}

json_t *cli_ints_json(const strata_client_ints *list) {
  json_t *array = json_array();
  for (size_t i = 0; array != NULL && i < list->count; i++) {
    if (json_array_append_new(array, json_integer(list->items[i])) != 0) {
      json_decref(array);
      array = NULL;
    }
  }
  return array;
}

json_t *cli_strings_json(const strata_client_strings *list) {
  json_t *array = json_array();
  for (size_t i = 0; array != NULL && i < list->count; i++) {
    if (json_array_append_new(array, json_string(list->items[i])) != 0) {
      json_decref(array);
      array = NULL;
    }
  }
  return array;
}

bool cli_ints_contain(const strata_client_ints *list, int64_t value) {
  for (size_t i = 0; list != NULL && i < list->count; i++) {
    if (list->items[i] == value) {
      return true;
    }
  }
  return false;
}

/* Sets @p key of @p obj to the JSON text @p text parsed, or to the string
 * itself when it does not parse. Returns 0 or -1 (out of memory). */
static int set_json_text(json_t *obj, const char *key, const char *text) {
  json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
  if (value == NULL) {
    value = json_string(text);
  }
  return json_object_set_new(obj, key, value);
}

json_t *cli_schema_json(const strata_client_schema *schema, const char *subject) {
  json_t *obj = json_object();
  json_t *refs = NULL;
  json_t *result = NULL;
  const char *type = strata_schema_type_name(schema->type);

  if (obj == NULL) {
    goto cleanup;
  }
  if (schema->subject != NULL) {
    subject = schema->subject;
  }
  if (subject != NULL && json_object_set_new(obj, "subject", json_string(subject)) != 0) {
    goto cleanup;
  }
  if (schema->version > 0 &&
      json_object_set_new(obj, "version", json_integer(schema->version)) != 0) {
    goto cleanup;
  }
  if (schema->id > 0 && json_object_set_new(obj, "id", json_integer(schema->id)) != 0) {
    goto cleanup;
  }
  if (schema->guid != NULL && json_object_set_new(obj, "guid", json_string(schema->guid)) != 0) {
    goto cleanup;
  }
  if (type != NULL && json_object_set_new(obj, "schemaType", json_string(type)) != 0) {
    goto cleanup;
  }
  if (schema->reference_count > 0) {
    refs = json_array();
    if (refs == NULL) {
      goto cleanup;
    }
    for (size_t i = 0; i < schema->reference_count; i++) {
      const strata_client_reference *ref = &schema->references[i];
      json_t *item = json_pack("{s:s, s:s, s:i}", "name", ref->name, "subject", ref->subject,
                               "version", ref->version);
      if (item == NULL || json_array_append_new(refs, item) != 0) {
        goto cleanup;
      }
    }
    if (json_object_set(obj, "references", refs) != 0) {
      goto cleanup;
    }
  }
  if (schema->metadata != NULL && set_json_text(obj, "metadata", schema->metadata) != 0) {
    goto cleanup;
  }
  if (schema->rule_set != NULL && set_json_text(obj, "ruleSet", schema->rule_set) != 0) {
    goto cleanup;
  }
  if (schema->schema != NULL &&
      json_object_set_new(obj, "schema", json_string(schema->schema)) != 0) {
    goto cleanup;
  }
  if (schema->version > 0 &&
      json_object_set_new(obj, "deleted", json_boolean(schema->deleted)) != 0) {
    goto cleanup;
  }
  result = obj;
  obj = NULL;

cleanup:
  json_decref(refs);
  json_decref(obj);
  return result;
}

int cli_print_schema(const cli_ctx *ctx, const strata_client_schema *schema, const char *subject) {
  if (ctx->format == CLI_FORMAT_JSON) {
    return cli_print_json_steal(cli_schema_json(schema, subject));
  }
  const char *type = strata_schema_type_name(schema->type);
  const char *sep = "";
  if (schema->subject != NULL) {
    subject = schema->subject;
  }
  if (subject != NULL) {
    printf("subject %s", subject);
    sep = " ";
  }
  if (schema->version > 0) {
    printf("%sversion %d", sep, schema->version);
    sep = " ";
  }
  if (schema->id > 0) {
    printf("%sid %" PRId64, sep, schema->id);
    sep = " ";
  }
  printf("%stype %s%s\n", sep, type != NULL ? type : "UNKNOWN", schema->deleted ? " deleted" : "");
  for (size_t i = 0; i < schema->reference_count; i++) {
    const strata_client_reference *ref = &schema->references[i];
    printf("reference %s=%s:%d\n", ref->name, ref->subject, ref->version);
  }
  if (schema->metadata != NULL) {
    printf("metadata %s\n", schema->metadata);
  }
  if (schema->rule_set != NULL) {
    printf("ruleSet %s\n", schema->rule_set);
  }
  if (schema->schema != NULL) {
    size_t n = strlen(schema->schema);
    fputs(schema->schema, stdout);
    if (n == 0 || schema->schema[n - 1] != '\n') {
      putchar('\n');
    }
  }
  return CLI_EXIT_OK;
}
