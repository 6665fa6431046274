/*
 * fuzz_proto_parse.c - libFuzzer target for the .proto parser, linker,
 * option interpreter and canonical text (and the binary descriptor front end:
 * input that is not .proto text is tried as a FileDescriptorSet).
 *
 * The input is one .proto file, named "schema.proto". Imports are served from
 * a loader that knows two small files ("a.proto", "b.proto") and, for any
 * other name, returns the input itself (so self-imports and cycles are
 * exercised). When it parses, these invariants must hold (a violation calls
 * abort()):
 *   - canonical text and normal form are non-NULL;
 *   - the canonical text parses again (with the same loader) to the same
 *     canonical text and normal form;
 *   - the descriptor set of the schema serializes and parses back;
 *   - the schema is FULL compatible with itself.
 * On a parse failure the diag must be filled and *out must be NULL.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strata/compat.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_files {
  const char *self;
  size_t self_len;
} fuzz_files;

static strata_error fuzz_load(void *ctx, const char *path, char **text, size_t *len) {
  const fuzz_files *f = ctx;
  const char *src = f->self;
  size_t n = f->self_len;
  if (strcmp(path, "a.proto") == 0) {
    src = "syntax = \"proto3\";\npackage a;\nmessage A { int64 id = 1; }\n";
    n = strlen(src);
  } else if (strcmp(path, "b.proto") == 0) {
    src = "syntax = \"proto2\";\npackage b;\nimport public \"a.proto\";\n"
          "enum E { X = 1; }\nmessage B { optional a.A a = 1; extensions 10 to 20; }\n";
    n = strlen(src);
  }
  *text = malloc(n + 1);
  if (*text == NULL) {
    return STRATA_E_NOMEM;
  }
  memcpy(*text, src, n);
  (*text)[n] = '\0';
  *len = n;
  return STRATA_E_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT) {
    return 0;
  }
  fuzz_files files = {(const char *)data, size};
  strata_schema *s = (strata_schema *)&files;
  strata_diag diag;
  strata_error rc = strata_proto_parse_file("schema.proto", (const char *)data, size, fuzz_load,
                                            &files, &s, &diag);
  if (rc != STRATA_E_OK) {
    FUZZ_CHECK(s == NULL, "failed parse left *out set");
    FUZZ_CHECK(rc == STRATA_E_INVALID_SCHEMA || rc == STRATA_E_NOMEM, "unexpected error %s",
               strata_error_name(rc));
    fuzz_check_diag(&diag);
    return 0;
  }
  const char *canon = strata_schema_canonical(s);
  const char *nf = strata_schema_normal_form(s);
  FUZZ_CHECK(canon != NULL && nf != NULL, "no canonical text");

  strata_schema *again = NULL;
  fuzz_files files2 = {canon, strlen(canon)};
  rc = strata_proto_parse_file("schema.proto", canon, strlen(canon), fuzz_load, &files2, &again,
                               &diag);
  FUZZ_CHECK(rc == STRATA_E_OK, "canonical text does not parse: %s\n%s", diag.message, canon);
  FUZZ_CHECK(strcmp(strata_schema_canonical(again), canon) == 0,
             "canonical text is not idempotent:\n%s\n---\n%s", canon,
             strata_schema_canonical(again));
  FUZZ_CHECK(strcmp(strata_schema_normal_form(again), nf) == 0, "normal form changed");
  strata_schema_free(&again);

  uint8_t *bytes = NULL;
  size_t len = 0;
  const strata_schema *list[] = {s};
  rc = strata_proto_descriptor_set(list, 1, true, &bytes, &len);
  FUZZ_CHECK(rc == STRATA_E_OK, "descriptor set failed: %s", strata_error_name(rc));
  strata_schema *bin = NULL;
  rc = strata_schema_parse(STRATA_SCHEMA_PROTOBUF, (const char *)bytes, len, NULL, 0, &bin, &diag);
  FUZZ_CHECK(rc == STRATA_E_OK, "descriptor set does not parse back: %s", diag.message);
  strata_schema_free(&bin);
  free(bytes);

  strata_compat_result *res = NULL;
  const strata_schema *prev[] = {s};
  rc = strata_compat_check(STRATA_COMPAT_FULL, s, prev, NULL, 1, &res);
  FUZZ_CHECK(rc == STRATA_E_OK, "self check failed: %s", strata_error_name(rc));
  FUZZ_CHECK(strata_compat_result_compatible(res), "schema is not compatible with itself");
  strata_compat_result_free(&res);
  strata_schema_free(&s);
  return 0;
}
