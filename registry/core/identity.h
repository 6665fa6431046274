/*
 * identity.h - the identity of a registered schema (spec §4.1): an MD5 over
 * the canonical text, the references and the data contract. Equal identity
 * within a context means the same schema id; the digest rendered as a UUID
 * is the schema's guid.
 */
#ifndef STRATA_REGISTRY_CORE_IDENTITY_H
#define STRATA_REGISTRY_CORE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

/** One reference as it takes part in the identity. Strings borrowed. */
typedef struct idn_ref {
  const char *name;
  const char *subject;
  int32_t version;
} idn_ref;

/**
 * The identity digest of a schema: MD5 over the UTF-8 canonical text, then
 * for each reference its name, subject and 4-byte big-endian version, then
 * (when not NULL) a 0x01 byte and the normal metadata text, then (when not
 * NULL) a 0x01 byte and the normal rule-set text. All inputs borrowed.
 */
void idn_digest(const char *canonical, size_t canonical_len, const idn_ref *refs, size_t nrefs,
                const char *metadata, const char *rule_set, unsigned char out[16]);

/** Lower-case hex of a digest: 32 characters and a NUL. */
void idn_hex(const unsigned char digest[16], char out[33]);

/** A digest as a UUID string "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and a NUL (37 bytes). */
void idn_guid(const unsigned char digest[16], char out[37]);

/** MD5 (RFC 1321) of @p len bytes at @p data. */
void idn_md5(const void *data, size_t len, unsigned char out[16]);

#endif /* STRATA_REGISTRY_CORE_IDENTITY_H */
