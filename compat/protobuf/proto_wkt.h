/*
 * proto_wkt.h - PRIVATE to the Protobuf module: the text of the well-known
 * .proto files of google/protobuf/, embedded at build time by
 * embed_wkt.cmake from libprotobuf-dev's copies.
 */
#ifndef STRATA_PROTO_WKT_H
#define STRATA_PROTO_WKT_H

#include <stddef.h>

typedef struct pbc_wkt_source {
  const char *name; /* import path, e.g. "google/protobuf/any.proto" */
  const char *text; /* NUL-terminated */
  size_t len;
} pbc_wkt_source;

extern const pbc_wkt_source pbc_wkt_sources[];
extern const size_t pbc_wkt_count;

#endif /* STRATA_PROTO_WKT_H */
