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
    rc = pbc_link_binary(f, &si.base, &ferr);
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
