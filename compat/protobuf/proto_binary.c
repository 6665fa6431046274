/*
 * proto_binary.c - the second front end: a serialized FileDescriptorSet (as
 * `protoc --descriptor_set_out` or `buf build` write it) or one serialized
 * FileDescriptorProto. The last file of a set is the schema; the files before
 * it (and the built-in well-known files) are what it may import.
 */
#include "proto_model.h"

#include <stdlib.h>
#include <string.h>

typedef struct set_importer {
  pbc_importer base;
  pbc_file *root; /* owns the earlier files of the set */
} set_importer;

static strata_error set_import(pbc_importer *self, const char *path, const pbc_file **out,
                               pbc_errors *err) {
  set_importer *si = (set_importer *)self;
  (void)err;
  for (size_t i = 0; i < si->root->nowned; i++) {
    if (strcmp(si->root->owned[i]->name, path) == 0) {
      *out = si->root->owned[i];
      return STRATA_E_OK;
    }
  }
  *out = pbc_builtin(path);
  return *out != NULL ? STRATA_E_OK : STRATA_E_NOT_FOUND;
}

/* A serialized message is plausible as a descriptor: non-empty, every file named. */
static bool plausible(pbc_file_proto *const *files, size_t n) {
  if (n == 0) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (files[i]->name == NULL || files[i]->name[0] == '\0') {
      return false;
    }
  }
  return true;
}

/* True when @p name is a .proto identifier (a letter or '_', then letters, digits, '_'); with
 * @p dotted, a dot-separated list of them (a package). */
static bool identifier(const char *name, bool dotted) {
  if (name == NULL) {
    return false; /* every element of a descriptor has a name */
  }
  bool start = true;
  for (const char *p = name; *p != '\0'; p++) {
    char c = *p;
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (dotted && c == '.' && !start) {
      start = true;
    } else if (letter || (!start && c >= '0' && c <= '9')) {
      start = false;
    } else {
      return false;
    }
  }
  return !start;
}

/* A field needs a name and a type (a scalar type or a type name the linker resolves). */
static bool field_valid(const pbc_field *f) {
  if (!identifier(f->name, false)) {
    return false;
  }
  if (!f->has_type) {
    return f->type_name != NULL;
  }
  switch (f->type) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM:
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP:
    return f->type_name != NULL;
  default:
    return f->type >= GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE &&
           f->type <= GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64;
  }
}

static bool enum_names_valid(const pbc_enum *e) {
  if (!identifier(e->name, false)) {
    return false;
  }
  for (size_t i = 0; i < e->n_value; i++) {
    if (!identifier(e->value[i]->name, false)) {
      return false;
    }
  }
  return true;
}

/* The names of @p m and everything in it are identifiers: a serialized descriptor is not
 * checked by a grammar, and its names reappear in the canonical text. */
static bool message_names_valid(const pbc_message *m, int depth) {
  if (depth > 100 || !identifier(m->name, false)) {
    return false;
  }
  for (size_t i = 0; i < m->n_field; i++) {
    if (!field_valid(m->field[i])) {
      return false;
    }
  }
  for (size_t i = 0; i < m->n_extension; i++) {
    if (!field_valid(m->extension[i]) || m->extension[i]->extendee == NULL) {
      return false;
    }
  }
  for (size_t i = 0; i < m->n_oneof_decl; i++) {
    if (!identifier(m->oneof_decl[i]->name, false)) {
      return false;
    }
  }
  for (size_t i = 0; i < m->n_enum_type; i++) {
    if (!enum_names_valid(m->enum_type[i])) {
      return false;
    }
  }
  for (size_t i = 0; i < m->n_nested_type; i++) {
    if (!message_names_valid(m->nested_type[i], depth + 1)) {
      return false;
    }
  }
  return true;
}

static bool file_names_valid(const pbc_file_proto *f) {
  if (f->package != NULL && (f->package[0] == '\0' || !identifier(f->package, true))) {
    return false;
  }
  for (size_t i = 0; i < f->n_message_type; i++) {
    if (!message_names_valid(f->message_type[i], 0)) {
      return false;
    }
  }
  for (size_t i = 0; i < f->n_enum_type; i++) {
    if (!enum_names_valid(f->enum_type[i])) {
      return false;
    }
  }
  for (size_t i = 0; i < f->n_extension; i++) {
    if (!field_valid(f->extension[i]) || f->extension[i]->extendee == NULL) {
      return false;
    }
  }
  for (size_t i = 0; i < f->n_service; i++) {
    const pbc_service *svc = f->service[i];
    if (!identifier(svc->name, false)) {
      return false;
    }
    for (size_t k = 0; k < svc->n_method; k++) {
      const pbc_method *method = svc->method[k];
      if (!identifier(method->name, false) || method->input_type == NULL ||
          method->output_type == NULL) {
        return false;
      }
    }
  }
  return true;
}

strata_error pbc_parse_binary(const uint8_t *data, size_t len, pbc_file **out, pbc_errors *err) {
  strata_error rc = STRATA_E_OK;
  pbc_file *root = calloc(1, sizeof *root);
  pbc_file_proto **files = NULL;
  size_t nfiles = 0;

  *out = NULL;
  if (root == NULL) {
    return pbc_nomem(err);
  }
  ProtobufCAllocator alloc = pbc_arena_allocator(&root->arena);
  Google__Protobuf__FileDescriptorSet *set =
      google__protobuf__file_descriptor_set__unpack(&alloc, len, data);
  if (set != NULL && plausible(set->file, set->n_file)) {
    files = set->file;
    nfiles = set->n_file;
  } else {
    pbc_file_proto *one = google__protobuf__file_descriptor_proto__unpack(&alloc, len, data);
    if (one != NULL && plausible(&one, 1)) {
      files = pbc_alloc(&root->arena, sizeof *files);
      if (files == NULL) {
        rc = pbc_nomem(err);
        goto cleanup;
      }
      files[0] = one;
      nfiles = 1;
    }
  }
  if (files == NULL) {
    rc = pbc_fail(err, -1, -1, "not a .proto file nor a serialized FileDescriptorSet");
    goto cleanup;
  }
  root->owned = calloc(nfiles, sizeof *root->owned);
  if (root->owned == NULL) {
    rc = pbc_nomem(err);
    goto cleanup;
  }
  set_importer si = {{set_import}, root};
  for (size_t i = 0; i < nfiles; i++) {
    bool last = i + 1 == nfiles;
    pbc_file *f = last ? root : calloc(1, sizeof *f);
    if (f == NULL) {
      rc = pbc_nomem(err);
      goto cleanup;
    }
    f->proto = files[i];
    f->name = files[i]->name;
    pbc_errors ferr = {err->diag, f->name, false};
    if (!file_names_valid(files[i])) {
      rc = pbc_fail(&ferr, -1, -1,
                    "a name in the serialized descriptor is missing or not an identifier, or a "
                    "field has no type");
    } else {
      rc = pbc_link_binary(f, &si.base, &ferr);
    }
    if (!last) {
      root->owned[root->nowned++] = f;
    }
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
  }
  *out = root;
  root = NULL;

cleanup:
  pbc_file_free(root);
  return rc;
}
