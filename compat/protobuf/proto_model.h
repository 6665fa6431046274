/*
 * proto_model.h - PRIVATE to the Protobuf module of libstrata-compat.
 *
 * The model is google/protobuf/descriptor.proto as protobuf-c structs
 * (descriptor.pb-c.h, generated at build time). A parsed file (pbc_file) owns
 * an arena holding its FileDescriptorProto and everything hanging off it,
 * a symbol table of the names it defines, and the files it imports.
 *
 * Front ends: the .proto text parser (proto_lex.c, proto_parse.c), then the
 * linker (proto_link.c: names, types, json_name, defaults) and the option
 * interpreter (proto_options.c); and binary FileDescriptorSet input
 * (proto_binary.c). proto_text.c renders the canonical and normalised text,
 * proto_format.c is the format-table entry and the import machinery.
 */
#ifndef STRATA_PROTO_MODEL_H
#define STRATA_PROTO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "compat_int.h"
#include "google/protobuf/descriptor.pb-c.h"

typedef Google__Protobuf__FileDescriptorProto pbc_file_proto;
typedef Google__Protobuf__DescriptorProto pbc_message;
typedef Google__Protobuf__FieldDescriptorProto pbc_field;
typedef Google__Protobuf__EnumDescriptorProto pbc_enum;
typedef Google__Protobuf__EnumValueDescriptorProto pbc_enum_value;
typedef Google__Protobuf__ServiceDescriptorProto pbc_service;
typedef Google__Protobuf__MethodDescriptorProto pbc_method;
typedef Google__Protobuf__OneofDescriptorProto pbc_oneof;
typedef Google__Protobuf__UninterpretedOption pbc_uopt;

/* Deepest nesting of messages, aggregate values and imports that is accepted. */
#define PBC_MAX_DEPTH 64
/* Largest field number (2^29 - 1). */
#define PBC_MAX_FIELD_NUMBER 536870911

/* ---- arena (proto_arena.c) ---------------------------------------------------- */

typedef struct pbc_chunk pbc_chunk;

/** A bump allocator; everything of one parsed file lives in one. Zero-initialise. */
typedef struct pbc_arena {
  pbc_chunk *head;
} pbc_arena;

/** @p n zeroed bytes from @p arena; NULL when out of memory. */
void *pbc_alloc(pbc_arena *arena, size_t n);
/** A NUL-terminated copy of @p n bytes at @p s in @p arena; NULL when out of memory. */
char *pbc_strndup(pbc_arena *arena, const char *s, size_t n);
/** A copy of @p s in @p arena; NULL when out of memory. */
char *pbc_strdup(pbc_arena *arena, const char *s);
/** Makes room for element @p count of *@p array (elements of @p size bytes). */
bool pbc_grow(pbc_arena *arena, void **array, size_t count, size_t size);
/** Frees every allocation of @p arena. */
void pbc_arena_free(pbc_arena *arena);
/** A protobuf-c allocator that allocates from @p arena (free is a no-op). */
ProtobufCAllocator pbc_arena_allocator(pbc_arena *arena);

/** Appends @p item to the arena array @p arr holding @p n elements; false when out of memory. */
#define PBC_APPEND(arena, arr, n, item)                                                            \
  (pbc_grow((arena), (void **)&(arr), (n), sizeof *(arr)) ? ((arr)[(n)++] = (item), true) : false)

/* ---- errors ------------------------------------------------------------------- */

/** Where errors of one file go: "file:line:col: message" like protoc. */
typedef struct pbc_errors {
  strata_diag *diag;
  const char *file;
  bool nomem;
} pbc_errors;

/** Reports an error at 0-based @p line / @p col (negative: no position); returns
 * STRATA_E_INVALID_SCHEMA. Only the first error is kept. */
strata_error pbc_fail(pbc_errors *err, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Records out of memory; returns STRATA_E_NOMEM. */
strata_error pbc_nomem(pbc_errors *err);

/* ---- tokenizer (proto_lex.c) -------------------------------------------------- */

typedef enum pbc_tok_kind {
  PBC_TOK_EOF = 0,
  PBC_TOK_IDENT,
  PBC_TOK_INT,
  PBC_TOK_FLOAT,
  PBC_TOK_STRING,
  PBC_TOK_SYMBOL
} pbc_tok_kind;

typedef struct pbc_token {
  pbc_tok_kind kind;
  const char *text; /* raw text in the source (strings with their quotes) */
  size_t len;
  int line; /* 0-based, as protoc counts them (a tab advances to the next multiple of 8) */
  int col;
} pbc_token;

typedef struct pbc_lexer {
  const char *src;
  size_t len;
  size_t pos;
  int line;
  int col;
  pbc_token cur;
  pbc_errors *err;
} pbc_lexer;

/** Starts tokenizing @p len bytes at @p src and reads the first token. */
strata_error pbc_lex_init(pbc_lexer *lex, const char *src, size_t len, pbc_errors *err);
/** Moves to the next token; STRATA_E_INVALID_SCHEMA (reported) on a lexical error. */
strata_error pbc_lex_next(pbc_lexer *lex);
/** True when the current token is the symbol or identifier @p text. */
bool pbc_lex_is(const pbc_lexer *lex, const char *text);
/** Decodes a string token (escapes resolved) into @p arena: *out (NUL-terminated), *outlen. */
strata_error pbc_lex_string(pbc_lexer *lex, const pbc_token *tok, pbc_arena *arena, char **out,
                            size_t *outlen);
/** The value of an integer token; false when it does not fit in 64 bits. */
bool pbc_lex_uint(const pbc_token *tok, uint64_t *out);
/** The value of a number token (integer or float) as a double. */
double pbc_lex_double(const pbc_token *tok);

/* ---- files, symbols ----------------------------------------------------------- */

typedef enum pbc_sym_kind {
  PBC_SYM_PACKAGE = 0,
  PBC_SYM_MESSAGE,
  PBC_SYM_ENUM,
  PBC_SYM_ENUM_VALUE,
  PBC_SYM_FIELD,
  PBC_SYM_ONEOF,
  PBC_SYM_EXTENSION,
  PBC_SYM_SERVICE,
  PBC_SYM_METHOD
} pbc_sym_kind;

typedef struct pbc_file pbc_file;

/** A name a file defines. */
typedef struct pbc_symbol {
  const char *name; /* fully qualified, no leading dot */
  pbc_sym_kind kind;
  const void *node;   /* pbc_message *, pbc_enum *, pbc_field *, ... (NULL for packages) */
  const void *parent; /* the enum of an enum value, the message of a field */
  const pbc_file *file;
} pbc_symbol;

typedef struct pbc_symtab {
  pbc_symbol *slots;
  size_t cap;
  size_t count;
} pbc_symtab;

/** Source positions of model nodes, kept by the text front end for link errors. */
typedef enum pbc_aspect {
  PBC_AT_NAME = 0,
  PBC_AT_TYPE,
  PBC_AT_EXTENDEE,
  PBC_AT_INPUT,
  PBC_AT_OUTPUT,
  PBC_AT_DEFAULT,
  PBC_AT_NUMBER,
  PBC_AT_VALUE,
  PBC_AT_LABEL
} pbc_aspect;

typedef struct pbc_posmap_entry {
  const void *node;
  int aspect;
  int line;
  int col;
} pbc_posmap_entry;

typedef struct pbc_posmap {
  pbc_posmap_entry *slots;
  size_t cap;
  size_t count;
} pbc_posmap;

/** One parsed (and linked) .proto file. */
struct pbc_file {
  pbc_arena arena;
  pbc_file_proto *proto;
  /** the file of each proto->dependency entry (borrowed: built-ins, references, owned) */
  const pbc_file **deps;
  /** imports loaded for this file that it frees (all of a compile's loaded files) */
  pbc_file **owned;
  size_t nowned;
  pbc_symtab symbols;
  pbc_posmap positions;
  /** the name rendered in the descriptor (import path, or the root's name) */
  const char *name;
  /** a built-in well-known file: never freed */
  bool builtin;
};

/** Adds @p sym; false when out of memory. A name already present is not replaced. */
bool pbc_symtab_add(pbc_arena *arena, pbc_symtab *tab, const pbc_symbol *sym);
/** The symbol called @p name (no leading dot) in @p tab, or NULL. */
const pbc_symbol *pbc_symtab_get(const pbc_symtab *tab, const char *name, size_t len);
/** Finds @p name (no leading dot) in @p file or anything it imports, recursively. */
const pbc_symbol *pbc_find_anywhere(const pbc_file *file, const char *name);

/** Records the position of @p node's @p aspect (0-based). False when out of memory. */
bool pbc_pos_set(pbc_file *file, const void *node, pbc_aspect aspect, int line, int col);
/** Sizes the position table for @p text_len bytes of .proto text, so that parsing it rarely
 * grows the table. False when out of memory. */
bool pbc_pos_reserve(pbc_file *file, size_t text_len);
/** Looks up a position; false (and -1/-1) when none was recorded. */
bool pbc_pos_get(const pbc_file *file, const void *node, pbc_aspect aspect, int *line, int *col);

/* ---- the import machinery (proto_format.c) ------------------------------------- */

/**
 * Supplies imported files: stores a linked file for @p path in *out (borrowed
 * from the loader, or added to its owner). Returns STRATA_E_OK, or an error
 * (reported through @p err) when the import cannot be found or parsed.
 */
typedef struct pbc_importer {
  strata_error (*import)(struct pbc_importer *self, const char *path, const pbc_file **out,
                         pbc_errors *err);
} pbc_importer;

/** The built-in well-known file called @p path, or NULL. Thread-safe. */
const pbc_file *pbc_builtin(const char *path);
/** The built-in google/protobuf/descriptor.proto (NULL only when out of memory). */
const pbc_file *pbc_descriptor_file(void);

/* ---- text front end ------------------------------------------------------------ */

/** Parses .proto text into a new unlinked file (proto_parse.c). */
strata_error pbc_parse_text(const char *name, const char *text, size_t len, pbc_file **out,
                            pbc_errors *err);

/**
 * Resolves imports through @p importer, then links @p file (proto_link.c):
 * symbols, type names, json_name, defaults, options (proto_options.c).
 */
strata_error pbc_link(pbc_file *file, pbc_importer *importer, pbc_errors *err);

/** Links a file read from a descriptor set: imports, symbols, type names (no options). */
strata_error pbc_link_binary(pbc_file *file, pbc_importer *importer, pbc_errors *err);

/** Interprets the options of every element of a resolved @p file (proto_options.c). */
strata_error pbc_interpret_options(pbc_file *file, pbc_errors *err);

/** The field number of the editions FeatureSet in options message @p options_message
 * ("google.protobuf.FieldOptions"), 0 for none. */
uint32_t pbc_features_field(const char *options_message);
/** The names of FeatureSet field @p number with enum @p value; false when unknown. */
bool pbc_feature_names(uint32_t number, uint64_t value, const char **feature, const char **name);

/**
 * Resolves @p name as protoc does, relative to the scope @p scope (a full name,
 * no leading dot; the name of the element that uses it). @p types_only: only
 * messages and enums count as a match of the last component. NULL if not found.
 */
const pbc_symbol *pbc_resolve(const pbc_file *file, const char *scope, const char *name,
                              bool types_only);

/** The lowerCamel JSON name protoc derives from a field name, in @p arena. */
/** @p name with underscores dropped and the letter after each upper-cased (the first too with
 * @p upper_first), then @p suffix: a new string in @p arena, NULL when out of memory. */
char *pbc_camel_case(pbc_arena *arena, const char *name, bool upper_first, const char *suffix);
char *pbc_json_name(pbc_arena *arena, const char *name);

/* ---- binary front end (proto_binary.c) ------------------------------------------ */

/**
 * Reads a serialized FileDescriptorSet (or one FileDescriptorProto): the last
 * file becomes *out, the others (and built-ins) its imports. STRATA_E_INVALID_SCHEMA
 * when @p data is not one.
 */
strata_error pbc_parse_binary(const uint8_t *data, size_t len, pbc_file **out, pbc_errors *err);

/* ---- files -------------------------------------------------------------------- */

/** Frees a file made by a front end and the imports it owns. NULL is a no-op. */
void pbc_file_free(pbc_file *file);

/** Every file of @p root's import graph, dependencies first, each once (new array). */
strata_error pbc_file_closure(const pbc_file *root, const pbc_file ***out, size_t *count);

/* ---- text output (proto_text.c) ------------------------------------------------- */

/** The canonical .proto rendering of @p file (new string), or the normalised one. */
char *pbc_render(const pbc_file *file, bool normalize);

/** C-escapes @p len bytes as protoc does for bytes defaults (octal for non-printables). */
void pbc_c_escape(sjw_buf *out, const char *s, size_t len);

/* ---- format-table glue (proto_format.c) ----------------------------------------- */

/** The file of a parsed PROTOBUF schema (borrowed). */
const pbc_file *pbc_schema_file(const strata_schema *schema);

extern const scm_format scm_protobuf_format;

#endif /* STRATA_PROTO_MODEL_H */
