/*
 * table_model.h - PRIVATE: Strata's model of a table schema (schemaType
 * TABLE): one PostgreSQL table with its columns, keys, constraints and the
 * enum types it uses, built from CREATE TABLE DDL or from a JSON table
 * document, and the operations that replay migrations onto it.
 *
 * Every string and array is owned by the stb_table that holds it. Type names
 * and expressions are normalised when the model is built (through
 * libpg_query's parser and deparser), so two inputs describing the same table
 * give equal models and the same canonical text.
 */
#ifndef STRATA_COMPAT_TABLE_MODEL_H
#define STRATA_COMPAT_TABLE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../compat_int.h"

/** A list of owned names. */
typedef struct stb_names {
  char **v;
  size_t n;
} stb_names;

/** A normalised column type. */
typedef struct stb_type {
  /** canonical base name: "integer", "character varying", "mood", "public.mood" */
  char *base;
  /** type modifiers (length, precision, scale); nmods 0..2 */
  int mods[2];
  int nmods;
  /** number of array dimensions, 0 for a scalar */
  int array_dims;
  /** canonical spelling: "character varying(100)", "timestamp(3) with time zone", "text[]" */
  char *text;
} stb_type;

typedef struct stb_column {
  char *name;
  stb_type type;
  bool not_null;
  /** normalised default expression, NULL when the column has none */
  char *default_expr;
  /** normalised expression of a stored generated column, NULL otherwise */
  char *generated;
  /** "ALWAYS" or "BY DEFAULT" for an identity column, NULL otherwise */
  char *identity;
  /** collation name, NULL for the default */
  char *collation;
} stb_column;

typedef struct stb_key {
  char *name;
  stb_names columns;
} stb_key;

typedef struct stb_check {
  char *name;
  char *expr;
} stb_check;

typedef struct stb_fkey {
  char *name;
  stb_names columns;
  char *ref_table;
  stb_names ref_columns;
  /** "NO ACTION", "CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT" */
  char *on_delete;
  char *on_update;
} stb_fkey;

typedef struct stb_enum {
  char *name;
  stb_names values;
} stb_enum;

typedef struct stb_table {
  /** the table name as written, possibly schema-qualified ("public.users") */
  char *name;
  stb_column *cols;
  size_t ncols;
  /** primary key; pk.name NULL and no columns when the table has none */
  stb_key pk;
  stb_key *uniques;
  size_t nuniques;
  stb_check *checks;
  size_t nchecks;
  stb_fkey *fkeys;
  size_t nfkeys;
  stb_enum *enums;
  size_t nenums;
} stb_table;

/* ---- model (table_model.c) ---- */

/** A new empty table named @p name; NULL when out of memory. */
stb_table *stb_table_new(const char *name);
/** Frees a table; NULL is a no-op. */
void stb_table_free(stb_table *t);
/** A new deep copy; NULL when out of memory. */
stb_table *stb_table_copy(const stb_table *t);
/** The table's name without its schema qualification (borrowed). */
const char *stb_table_relname(const stb_table *t);
/** Index of column @p name, or -1. */
int stb_column_index(const stb_table *t, const char *name);
/** The enum type named @p name, or NULL. */
const stb_enum *stb_enum_find(const stb_table *t, const char *name);
/** Sorts keys, checks, foreign keys and enums by name (the canonical order). */
void stb_table_sort(stb_table *t);

void stb_names_free(stb_names *names);
/** Appends a copy of @p s; false when out of memory. */
bool stb_names_push(stb_names *names, const char *s);
bool stb_names_equal(const stb_names *a, const stb_names *b);
bool stb_names_contains(const stb_names *names, const char *s);
bool stb_names_copy(stb_names *dst, const stb_names *src);
void stb_column_release(stb_column *c);
void stb_key_release(stb_key *k);
void stb_check_release(stb_check *c);
void stb_fkey_release(stb_fkey *f);
void stb_enum_release(stb_enum *e);
void stb_type_release(stb_type *type);
bool stb_type_copy(stb_type *dst, const stb_type *src);

/** A new string "<table>_<cols joined by _>_<suffix>", PostgreSQL's default constraint name. */
char *stb_default_name(const stb_table *t, const stb_names *cols, const char *suffix);

/* ---- libpg_query glue (table_pg.c) ---- */

/* Opaque protobuf nodes (PgQuery__Node), so callers need not include pg_query.pb-c.h. */
typedef struct PgQuery__Node stb_pg_node;
typedef struct PgQuery__TypeName stb_pg_typename;

/** Deparses an expression node into a new normalised string; NULL on failure. */
char *stb_expr_text(const stb_pg_node *expr);
/** The first column an expression refers to (borrowed from the node), or NULL. */
const char *stb_expr_first_column(const stb_pg_node *expr);
/**
 * Normalises an expression written as text (the JSON document's defaults and
 * checks): a new string, or NULL with @p diag filled.
 */
char *stb_expr_normalise(const char *text, const char *path, strata_diag *diag);
/** The first column a textual expression refers to, as a new string; NULL when none. */
char *stb_expr_text_first_column(const char *text);

/**
 * Fills @p out from a parsed type name. @p serial is set when the type was
 * serial/bigserial/smallserial (normalised to the integer type). Returns
 * false when out of memory.
 */
bool stb_type_from_pg(const stb_pg_typename *tn, stb_type *out, bool *serial);
/** Normalises a type written as text ("int", "varchar(20)"); false with @p diag filled. */
bool stb_type_parse_text(const char *text, const char *path, stb_type *out, bool *serial,
                         strata_diag *diag);

/* ---- inputs and output ---- */

/** Parses DDL (CREATE TYPE ... AS ENUM, one CREATE TABLE, ALTER TABLE on it). */
strata_error stb_parse_ddl(const char *text, size_t len, stb_table **out, strata_diag *diag);
/** Parses a JSON table document. */
strata_error stb_parse_json(const char *text, size_t len, stb_table **out, strata_diag *diag);
/** The canonical JSON text: a new string, NULL when out of memory. */
char *stb_canonical_text(const stb_table *t);

/* ---- the format table entry (table_format.c) ---- */

strata_error stb_parse(const char *text, size_t len, const strata_schema *const *refs, size_t nrefs,
                       void **model, strata_diag *diag);
void stb_free(void *model);
char *stb_canonical(const void *model);
char *stb_normal_form(const void *model);

/* ---- compatibility (table_check.c) ---- */

strata_error stb_compat_check(const void *new_model, const void *old_model,
                              strata_compat_direction dir, scm_sink *sink);
void stb_confluent_entry(const strata_compat_issue *issue, sjw_buf *out);

/**
 * Completes column @p c after its type is known and appends it to @p t
 * (table_model.c): a serial type becomes NOT NULL with its nextval() default;
 * an identity column becomes NOT NULL. Steals the contents of @p c (then
 * zeroed) on success; on failure @p c keeps them for the caller to release.
 * False when out of memory.
 */
bool stb_table_add_column(stb_table *t, stb_column *c, bool serial);

/* ---- constraints shared by DDL and the JSON document (table_constraints.c) ---- */

/**
 * Adds a primary key (@p primary) or a unique constraint on @p cols (copied);
 * @p name NULL gives PostgreSQL's default name. The primary key's columns
 * become NOT NULL. STRATA_E_INVALID_SCHEMA (diag at @p path) for an unknown
 * column, a duplicate name or a second primary key.
 */
strata_error stb_table_add_key(stb_table *t, bool primary, const char *name, const stb_names *cols,
                               const char *path, strata_diag *diag);
/** Adds a CHECK with normalised expression @p expr (steals it, also on failure); @p first_col
 * (may be NULL) names the default "<table>_<col>_check". */
strata_error stb_table_add_check(stb_table *t, const char *name, char *expr, const char *first_col,
                                 const char *path, strata_diag *diag);
/** Adds a foreign key; steals the contents of @p fk (also on failure); fk->name NULL gives the
 * default name and NULL actions mean NO ACTION. */
strata_error stb_table_add_fkey(stb_table *t, stb_fkey *fk, const char *path, strata_diag *diag);
/** Removes the constraint named @p name; false when there is none. */
bool stb_table_drop_constraint(stb_table *t, const char *name);
/** Keeps in t->enums exactly the enum types its columns use, copied from @p enums when missing. */
bool stb_table_sync_enums(stb_table *t, const stb_enum *enums, size_t nenums);
/** True when a type name refers to the enum named @p enum_name ("public." optional). */
bool stb_type_is_enum(const stb_type *type, const char *enum_name);

/* ---- replaying DDL onto a catalog of tables (table_ddl.c) ---- */

/** One table of a catalog. */
typedef struct stb_entry {
  /** the name the table had when it entered the catalog (owned) */
  char *key;
  /** the current state, NULL once dropped */
  stb_table *table;
  /** created by the replayed SQL rather than loaded */
  bool created;
  /** changed by the replayed SQL */
  bool touched;
} stb_entry;

/** A unique index created by the replayed SQL (for ADD ... USING INDEX). */
typedef struct stb_index {
  char *name;
  char *table;
  stb_names columns;
} stb_index;

/** The tables and enum types DDL is replayed onto. Zero-initialise. */
typedef struct stb_catalog {
  stb_entry *entries;
  size_t nentries;
  stb_enum *enums;
  size_t nenums;
  stb_index *indexes;
  size_t nindexes;
} stb_catalog;

/** Adds a copy of @p t (and its enum types) as a loaded table. */
strata_error stb_catalog_add(stb_catalog *cat, const stb_table *t);
/** The entry whose current table is named @p name ("public." optional), or NULL. */
stb_entry *stb_catalog_find(stb_catalog *cat, const char *name);
/**
 * Replays @p len bytes of SQL: CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD/RENAME
 * VALUE, CREATE TABLE, ALTER TABLE (columns, defaults, NOT NULL, types,
 * constraints, rename), RENAME, DROP TABLE, CREATE UNIQUE INDEX; other
 * statements are ignored. On error fills @p diag (1-based line and column of
 * the statement or the syntax error) and returns STRATA_E_INVALID_SCHEMA;
 * the catalog may then hold part of the changes.
 */
strata_error stb_catalog_apply(stb_catalog *cat, const char *sql, size_t len, strata_diag *diag);
void stb_catalog_release(stb_catalog *cat);

#endif /* STRATA_COMPAT_TABLE_MODEL_H */
