/*
 * proto_check.h - PRIVATE to libstrata-compat: Protobuf compatibility as
 * Confluent's protobuf schema diff computes it (io.confluent...protobuf.diff,
 * current master incl. the 2026 oneof rewrite).
 *
 * The diff walks an *original* file to an *update* file and lists
 * differences, each a Confluent Difference.Type with a path such as
 * "#/TestMessage/2". A fixed set of types is compatible; the rest are the
 * issues. BACKWARD = diff(old -> new), FORWARD = diff(new -> old), judged
 * with the same compatible set (compatibility.md §0.1, §2.1).
 *
 * Input files are descriptor.proto structs as protoc (or Strata's own
 * parser) fills them: type names resolved and fully qualified with a
 * leading '.', map fields with their map-entry messages, proto3 `optional`
 * with its synthetic oneof.
 */
#ifndef STRATA_COMPAT_PROTO_CHECK_H
#define STRATA_COMPAT_PROTO_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "compat_int.h"
#include "google/protobuf/descriptor.pb-c.h"

/**
 * A .proto file and every file it imports, directly or through other
 * imports (well-known types included when they are imported). Types are
 * looked up in all of them; only @p file's own types are diffed at the top
 * level. All pointers are borrowed for the duration of a call.
 */
typedef struct pbc_files {
  const Google__Protobuf__FileDescriptorProto *file;
  const Google__Protobuf__FileDescriptorProto *const *deps;
  size_t ndeps;
} pbc_files;

/** Confluent's Difference.Type values, in Confluent's declaration order. */
typedef enum pbc_diff_type {
  PBC_PACKAGE_CHANGED,
  PBC_MESSAGE_ADDED,
  PBC_MESSAGE_REMOVED,
  PBC_MESSAGE_MOVED,
  PBC_ENUM_ADDED,
  PBC_ENUM_REMOVED,
  PBC_ENUM_CONST_ADDED,
  PBC_ENUM_CONST_CHANGED,
  PBC_ENUM_CONST_REMOVED,
  PBC_FIELD_ADDED,
  PBC_FIELD_REMOVED,
  PBC_FIELD_NAME_CHANGED,
  PBC_FIELD_KIND_CHANGED,
  PBC_FIELD_SCALAR_KIND_CHANGED,
  PBC_FIELD_NAMED_TYPE_CHANGED,
  PBC_FIELD_NUMERIC_LABEL_CHANGED,
  PBC_FIELD_STRING_OR_BYTES_LABEL_CHANGED,
  PBC_REQUIRED_FIELD_ADDED,
  PBC_REQUIRED_FIELD_REMOVED,
  PBC_ONEOF_ADDED,
  PBC_ONEOF_REMOVED,
  PBC_ONEOF_FIELD_ADDED,
  PBC_ONEOF_FIELD_REMOVED,
  PBC_ONEOF_FIELD_MOVED_TO_TOP_LEVEL,
  PBC_MULTIPLE_FIELDS_MOVED_TO_ONEOF,
  PBC_FIELD_MOVED_TO_EXISTING_ONEOF,
  PBC_DIFF_TYPE_COUNT
} pbc_diff_type;

/** The Confluent name of @p type ("FIELD_ADDED", ...): borrowed static string, NULL when out of
 * range. */
const char *pbc_diff_type_name(pbc_diff_type type);

/** True when Confluent counts @p type as a compatible change. */
bool pbc_diff_type_compatible(pbc_diff_type type);

/**
 * Receives one difference: its type, Confluent path ("#/Msg/3") and a
 * sentence naming the element (borrowed, valid during the call only; the
 * sentence calls the two files "original" and "update" unless labels were
 * given). A non-OK return stops the diff and is returned by pbc_diff().
 */
typedef strata_error (*pbc_diff_fn)(void *ctx, pbc_diff_type type, const char *path,
                                    const char *message);

/**
 * Computes Confluent's diff from @p original to @p update and passes every
 * difference, compatible or not, to @p fn in Confluent's order (Java hash
 * iteration order emulated where Confluent iterates hash sets).
 * @p original_label and @p update_label (may be NULL) name the two files in
 * the sentences, e.g. "old" and "new". All inputs are borrowed.
 * Returns STRATA_E_OK, STRATA_E_NOMEM, STRATA_E_INVALID_ARGUMENT or what @p fn
 * returned.
 */
strata_error pbc_diff(const pbc_files *original, const pbc_files *update,
                      const char *original_label, const char *update_label, pbc_diff_fn fn,
                      void *ctx);

/**
 * Records in @p sink the incompatible differences between @p new_files and
 * @p old_files for direction @p dir (BACKWARD: diff(old -> new); FORWARD:
 * diff(new -> old)). Each issue: code = the Difference.Type name, path =
 * Confluent's path, message = a sentence naming the element, detail =
 * Confluent's description with new/old filled in (empty for a type Confluent
 * has no description for). All inputs are borrowed.
 * Returns STRATA_E_OK, STRATA_E_NOMEM or STRATA_E_INVALID_ARGUMENT.
 */
strata_error pbc_check_files(const pbc_files *new_files, const pbc_files *old_files,
                             strata_compat_direction dir, scm_sink *sink);

/**
 * pbc_check_files() for two files without imports (types from imports are
 * then unknown and compared by name only).
 */
strata_error pbc_check(const Google__Protobuf__FileDescriptorProto *new_file,
                       const Google__Protobuf__FileDescriptorProto *old_file,
                       strata_compat_direction dir, scm_sink *sink);

/**
 * Appends Confluent's verbose-message entry for a Protobuf @p issue to @p out:
 * {errorType:"<TYPE>", description:"<detail>"} (the format table's
 * confluent_entry).
 */
void pbc_confluent_entry(const strata_compat_issue *issue, sjw_buf *out);

#endif /* STRATA_COMPAT_PROTO_CHECK_H */
