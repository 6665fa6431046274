/*
 * avro_model.h - PRIVATE: Strata's in-memory model of an Avro schema.
 *
 * Named types (record, enum, fixed) are defined once and shared by every
 * reference to them, as in Java's Schema objects, so a recursive schema is a
 * graph with cycles. All nodes are owned by the sav_schema that parsed them
 * (nodes reached through references are owned by the referenced schema).
 */
#ifndef STRATA_COMPAT_AVRO_MODEL_H
#define STRATA_COMPAT_AVRO_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "../compat_int.h"

typedef enum sav_kind {
  SAV_NULL,
  SAV_BOOLEAN,
  SAV_INT,
  SAV_LONG,
  SAV_FLOAT,
  SAV_DOUBLE,
  SAV_BYTES,
  SAV_STRING,
  SAV_RECORD,
  SAV_ENUM,
  SAV_ARRAY,
  SAV_MAP,
  SAV_UNION,
  SAV_FIXED
} sav_kind;

typedef enum sav_order {
  SAV_ORDER_ASCENDING,
  SAV_ORDER_DESCENDING,
  SAV_ORDER_IGNORE
} sav_order;

typedef struct sav_node sav_node;
typedef struct sav_schema sav_schema;

typedef struct sav_field {
  char *name;
  char *doc;
  sav_node *type;
  /** the field default (owned reference), NULL when the field has none */
  json_t *default_value;
  sav_order order;
  char **aliases;
  size_t naliases;
  /** custom properties in input order (owned), NULL when none */
  json_t *props;
} sav_field;

struct sav_node {
  sav_kind kind;
  /** the schema that defined this node */
  const sav_schema *owner;
  /** record declared as "error" */
  bool is_error;
  /* named types */
  char *name;
  char *space; /* NULL for the null namespace */
  char *fullname;
  char **aliases; /* fully qualified */
  size_t naliases;
  char *doc;
  /* record */
  sav_field *fields;
  size_t nfields;
  /* field index by name: open-addressed slots holding position + 1 (0 = empty) */
  size_t *field_slots;
  size_t field_slots_cap;
  /* enum */
  char **symbols;
  size_t nsymbols;
  char *enum_default;
  /* fixed */
  long long size;
  /* array items, map values */
  sav_node *child;
  /* union */
  sav_node **branches;
  size_t nbranches;
  /** custom properties including logicalType, in input order (owned), NULL when none */
  json_t *props;
  /** allocation chain of the owning schema */
  sav_node *next_owned;
};

struct sav_schema {
  sav_node *root;
  sav_node *owned;
  /* named types defined by this schema: open-addressed table by full name */
  sav_node **names;
  size_t names_cap;
  size_t names_count;
  /* named types from references, consulted after this schema's own */
  const sav_schema *const *refs;
  size_t nrefs;
};

/** True for record, enum and fixed. */
bool sav_is_named(sav_kind kind);
/** Avro's lower-case type name ("int", "record", ...). */
const char *sav_kind_name(sav_kind kind);
/** Java's upper-case Schema.Type name ("INT", "RECORD", ...). */
const char *sav_kind_java_name(sav_kind kind);
/** The field of @p record named @p name, or NULL. */
const sav_field *sav_record_field(const sav_node *record, const char *name);
/** Looks a full name up in @p schema and its references; NULL when absent. */
const sav_node *sav_lookup(const sav_schema *schema, const char *fullname);

strata_error sav_parse(const char *text, size_t len, const strata_schema *const *refs, size_t nrefs,
                       void **model, strata_diag *diag);
void sav_free(void *model);
/** Java Schema.toString(): the registry canonical text. New string or NULL. */
char *sav_canonical(const void *model);
/** Like sav_canonical(), with named types from references defined in full where first used. */
char *sav_resolved(const void *model);
/** Java's Schema.toString() of one node on its own (as for an exception
 * message). New string or NULL. */
char *sav_node_json(const sav_node *node);
/** The Parsing Canonical Form with every named type renamed T0, T1, ... in
 * order of definition: the same structure with no namespace questions, for
 * avro-c to confirm. New string or NULL. */
char *sav_structure_form(const sav_schema *schema);
/** The specification's Parsing Canonical Form. New string or NULL. */
char *sav_normal_form(const void *model);
strata_error sav_check(const void *new_model, const void *old_model, strata_compat_direction dir,
                       scm_sink *sink);
void sav_confluent_entry(const strata_compat_issue *issue, sjw_buf *out);

#endif /* STRATA_COMPAT_AVRO_MODEL_H */
