/*
 * compat_int.h - PRIVATE to libstrata-compat: the format table every schema
 * format module fills in, and the internals of schemas and results.
 *
 * Adding a format = one module that defines a `const scm_format` and one
 * entry in scm_formats[] (compat.c).
 */
#ifndef STRATA_COMPAT_INT_H
#define STRATA_COMPAT_INT_H

#include <strata/compat.h>

#include "json_writer.h"

/** Where a format's check records issues: one direction against one version. */
typedef struct scm_sink {
  strata_compat_result *result;
  strata_compat_direction direction;
  int version;
} scm_sink;

/**
 * Records one issue. All strings are copied; @p detail may be NULL.
 * Returns STRATA_E_OK or STRATA_E_NOMEM.
 */
strata_error scm_sink_add(scm_sink *sink, const char *code, const char *path, const char *message,
                          const char *detail);

/** One schema format. */
typedef struct scm_format {
  strata_schema_type type;
  /** Parses text into a new model (freed with free_model); fills diag on error. */
  strata_error (*parse)(const char *text, size_t len, const strata_schema *const *refs,
                        size_t nrefs, void **model, strata_diag *diag);
  void (*free_model)(void *model);
  /** The registry's canonical text: a new string, NULL when out of memory. */
  char *(*canonical)(const void *model);
  /** The canonical text with referenced types written out in full: a new string; NULL fn when
   * the format has no such form. */
  char *(*resolved)(const void *model);
  /** The normal form for fingerprints: a new string; NULL fn when the format has none. */
  char *(*normal_form)(const void *model);
  /** Records in @p sink what breaks when @p new_model and @p old_model meet in @p dir. */
  strata_error (*check)(const void *new_model, const void *old_model, strata_compat_direction dir,
                        scm_sink *sink);
  /** Appends the Confluent verbose-message entry for @p issue to @p out. */
  void (*confluent_entry)(const strata_compat_issue *issue, sjw_buf *out);
  /** The format also checks STRATA_DIRECTION_WRITER (FORWARD and FULL levels include it). */
  bool writer_direction;
} scm_format;

struct strata_schema {
  const scm_format *format;
  void *model;
  char *canonical;
  char *normal_form;
  uint64_t fingerprint;
};

/** A new empty (compatible) result for a check of @p format at @p level; NULL on OOM. */
strata_compat_result *scm_result_new(strata_compat_level level, const scm_format *format);
/** Records that @p version failed; only the first (newest) call is kept. */
strata_error scm_result_note_failure(strata_compat_result *result, int version,
                                     const char *old_canonical);

/**
 * A schema around @p model (steals it, also on failure) of @p format: computes its canonical
 * text, normal form and fingerprint. Every front end of a format ends here. On success *out is
 * new; STRATA_E_NOMEM otherwise (with @p diag filled).
 */
strata_error scm_schema_wrap(const scm_format *format, void *model, strata_schema **out,
                             strata_diag *diag);

/** The model of @p schema, for a format module reading its references. */
const void *scm_schema_model(const strata_schema *schema);

/** Fills @p diag (may be NULL) with a formatted message. */
void scm_diag_set(strata_diag *diag, int line, int column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

extern const scm_format scm_avro_format;
extern const scm_format scm_protobuf_format;
extern const scm_format scm_table_format;

#endif /* STRATA_COMPAT_INT_H */
