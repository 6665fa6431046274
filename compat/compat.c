/*
 * compat.c - the format-independent entry points of libstrata-compat: schema
 * types and levels, parsing through the format table, and the level logic of
 * compatibility checks (which versions, which directions).
 */
#include "compat_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The format table: one entry per supported schema type. */
static const scm_format *const scm_formats[] = {
    &scm_avro_format,
    &scm_protobuf_format,
    &scm_table_format,
};

static const char *const schema_type_names[] = {"AVRO", "PROTOBUF", "JSON", "TABLE"};

static const char *const level_names[] = {
    "NONE", "BACKWARD",        "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE",
};

static const scm_format *format_for(strata_schema_type type) {
  for (size_t i = 0; i < COUNT_OF(scm_formats); i++) {
    if (scm_formats[i]->type == type) {
      return scm_formats[i];
    }
  }
  return NULL;
}

/* names[value], or NULL when value is out of range. */
static const char *name_of(const char *const *names, size_t count, int value) {
  return value >= 0 && (size_t)value < count ? names[value] : NULL;
}

/* The index of @p name in @p names, compared case-insensitively; -1 if absent. */
static int index_of(const char *const *names, size_t count, const char *name) {
  for (size_t i = 0; name != NULL && i < count; i++) {
    if (strcasecmp(name, names[i]) == 0) {
      return (int)i;
    }
  }
  return -1;
}

const char *strata_schema_type_name(strata_schema_type type) {
  return name_of(schema_type_names, COUNT_OF(schema_type_names), (int)type);
}

strata_error strata_schema_type_from_name(const char *name, strata_schema_type *out) {
  int i = index_of(schema_type_names, COUNT_OF(schema_type_names), name);
  if (i < 0 || out == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = (strata_schema_type)i;
  return STRATA_E_OK;
}

bool strata_schema_type_supported(strata_schema_type type) {
  return format_for(type) != NULL;
}

const char *strata_compat_level_name(strata_compat_level level) {
  return name_of(level_names, COUNT_OF(level_names), (int)level);
}

strata_error strata_compat_level_from_name(const char *name, strata_compat_level *out) {
  int i = index_of(level_names, COUNT_OF(level_names), name);
  if (i < 0 || out == NULL) {
    return STRATA_E_INVALID_COMPATIBILITY_LEVEL;
  }
  *out = (strata_compat_level)i;
  return STRATA_E_OK;
}

const char *strata_compat_direction_name(strata_compat_direction dir) {
  return dir == STRATA_DIRECTION_FORWARD  ? "FORWARD"
         : dir == STRATA_DIRECTION_WRITER ? "WRITER"
                                          : "BACKWARD";
}

void scm_diag_set(strata_diag *diag, int line, int column, const char *path, const char *fmt, ...) {
  if (diag == NULL) {
    return;
  }
  diag->line = line;
  diag->column = column;
  snprintf(diag->path, sizeof diag->path, "%s", path != NULL ? path : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(diag->message, sizeof diag->message, fmt, ap);
  va_end(ap);
}

const void *scm_schema_model(const strata_schema *schema) {
  return schema->model;
}

strata_error strata_schema_parse(strata_schema_type type, const char *text, size_t len,
                                 const strata_schema *const *refs, size_t nrefs,
                                 strata_schema **out, strata_diag *diag) {
  strata_error rc = STRATA_E_OK;

  if (diag != NULL) {
    memset(diag, 0, sizeof *diag);
  }
  if (out == NULL || (text == NULL && len > 0) || (refs == NULL && nrefs > 0)) {
    rc = STRATA_E_INVALID_ARGUMENT;
    scm_diag_set(diag, 0, 0, "", "invalid arguments to strata_schema_parse");
    goto cleanup;
  }
  *out = NULL;
  const scm_format *format = format_for(type);
  if (format == NULL) {
    rc = STRATA_E_UNSUPPORTED;
    scm_diag_set(diag, 0, 0, "", "schema type %s is not supported by this build of Strata",
                 strata_schema_type_name(type) != NULL ? strata_schema_type_name(type) : "?");
    goto cleanup;
  }
  for (size_t i = 0; i < nrefs; i++) {
    if (refs[i] == NULL || refs[i]->format != format) {
      rc = STRATA_E_INVALID_SCHEMA;
      scm_diag_set(diag, 0, 0, "", "reference %zu is not a %s schema", i + 1,
                   strata_schema_type_name(type));
      goto cleanup;
    }
  }
  void *model = NULL;
  rc = format->parse(text != NULL ? text : "", len, refs, nrefs, &model, diag);
  if (rc == STRATA_E_OK) {
    return scm_schema_wrap(format, model, out, diag);
  }

cleanup:
  return rc;
}

strata_error scm_schema_wrap(const scm_format *format, void *model, strata_schema **out,
                             strata_diag *diag) {
  strata_error rc = STRATA_E_OK;
  strata_schema *schema = calloc(1, sizeof *schema);
  if (schema == NULL) {
    format->free_model(model);
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  schema->format = format;
  schema->model = model;
  schema->canonical = format->canonical(schema->model);
  if (schema->canonical == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (format->normal_form != NULL) {
    schema->normal_form = format->normal_form(schema->model);
    if (schema->normal_form == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    schema->fingerprint = strata_crc64_avro(schema->normal_form, strlen(schema->normal_form));
  }
  *out = schema;
  schema = NULL;

cleanup:
  if (rc == STRATA_E_NOMEM) {
    scm_diag_set(diag, 0, 0, "", "out of memory");
  }
  strata_schema_free(&schema);
  return rc;
}

void strata_schema_free(strata_schema **schema) {
  if (schema == NULL || *schema == NULL) {
    return;
  }
  strata_schema *s = *schema;
  if (s->model != NULL) {
    s->format->free_model(s->model);
  }
  free(s->canonical);
  free(s->normal_form);
  free(s);
  *schema = NULL;
}

strata_schema_type strata_schema_get_type(const strata_schema *schema) {
  return schema->format->type;
}

const char *strata_schema_canonical(const strata_schema *schema) {
  return schema->canonical;
}

char *strata_schema_resolved_text(const strata_schema *schema) {
  return schema->format->resolved != NULL ? schema->format->resolved(schema->model) : NULL;
}

const char *strata_schema_normal_form(const strata_schema *schema) {
  return schema->normal_form;
}

uint64_t strata_schema_fingerprint(const strata_schema *schema) {
  return schema->fingerprint;
}

strata_error strata_compat_check(strata_compat_level level, const strata_schema *candidate,
                                 const strata_schema *const *previous, const int *versions,
                                 size_t nprevious, strata_compat_result **out) {
  strata_error rc = STRATA_E_OK;
  strata_compat_result *result = NULL;

  if (out == NULL || candidate == NULL || (previous == NULL && nprevious > 0) ||
      strata_compat_level_name(level) == NULL) {
    rc = STRATA_E_INVALID_ARGUMENT;
    goto cleanup;
  }
  *out = NULL;
  result = scm_result_new(level, candidate->format);
  if (result == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (level != STRATA_COMPAT_NONE && nprevious > 0) {
    bool transitive = level == STRATA_COMPAT_BACKWARD_TRANSITIVE ||
                      level == STRATA_COMPAT_FORWARD_TRANSITIVE ||
                      level == STRATA_COMPAT_FULL_TRANSITIVE;
    bool forward = level != STRATA_COMPAT_BACKWARD && level != STRATA_COMPAT_BACKWARD_TRANSITIVE;
    bool backward = level != STRATA_COMPAT_FORWARD && level != STRATA_COMPAT_FORWARD_TRANSITIVE;
    size_t stop = transitive ? 0 : nprevious - 1;
    /* Newest first, as the registry walks versions. */
    for (size_t i = nprevious; i-- > stop;) {
      const strata_schema *old = previous[i];
      if (old == NULL) {
        rc = STRATA_E_INVALID_ARGUMENT;
        goto cleanup;
      }
      int version = versions != NULL ? versions[i] : (int)i + 1;
      size_t before = strata_compat_result_issue_count(result);
      scm_sink sink = {result, STRATA_DIRECTION_BACKWARD, version};
      if (old->format != candidate->format) {
        rc = scm_sink_add(&sink, "SCHEMA_TYPE_MISMATCH", "/",
                          "the new schema and the old schema are of different schema types",
                          "Incompatible because of different schema type");
      } else {
        /* FULL reports the forward direction first, as Confluent does. */
        if (rc == STRATA_E_OK && forward) {
          sink.direction = STRATA_DIRECTION_FORWARD;
          rc = candidate->format->check(candidate->model, old->model, STRATA_DIRECTION_FORWARD,
                                        &sink);
        }
        /* Tables: old writers must keep working wherever old readers must (expand first). */
        if (rc == STRATA_E_OK && forward && candidate->format->writer_direction) {
          sink.direction = STRATA_DIRECTION_WRITER;
          rc = candidate->format->check(candidate->model, old->model, STRATA_DIRECTION_WRITER,
                                        &sink);
        }
        if (rc == STRATA_E_OK && backward) {
          sink.direction = STRATA_DIRECTION_BACKWARD;
          rc = candidate->format->check(candidate->model, old->model, STRATA_DIRECTION_BACKWARD,
                                        &sink);
        }
      }
      if (rc != STRATA_E_OK) {
        goto cleanup;
      }
      if (strata_compat_result_issue_count(result) > before) {
        rc = scm_result_note_failure(result, version, old->canonical);
        if (rc != STRATA_E_OK) {
          goto cleanup;
        }
      }
    }
  }
  *out = result;
  result = NULL;

cleanup:
  strata_compat_result_free(&result);
  return rc;
}
