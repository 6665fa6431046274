/*
 * routes.h - the static route table of the REST API and a pure matcher.
 *
 * srt_match() takes a method name and a raw request path (still
 * percent-encoded, query string removed) and finds the handler and the path
 * parameters. It allocates nothing: decoded parameters are written into a
 * caller-provided scratch buffer of srt_scratch_size() bytes.
 *
 * Path rules (the Confluent registry's, on Jersey):
 *   - the path is split on '/', then each parameter segment is percent-decoded
 *     exactly once: "%2F" inside a segment is part of the value, "+" stays "+";
 *     an invalid escape or a decoded NUL makes the route not match (404),
 *     except a NUL in {subject}: the route matches and the subject is invalid
 *     (422, 42208, as Confluent's subject validation answers control characters);
 *   - one trailing slash is tolerated ("/subjects/" is "/subjects");
 *   - {id} matches only a decimal integer that fits in int64 (else 404);
 *   - "/contexts/{ctx}/<rest>", where <rest> is a subjects, schemas, config,
 *     mode or compatibility route, sets the context and matches <rest>; the
 *     {subject} of <rest> is qualified as ":{ctx}:{subject}" unless it already
 *     starts with ':', and "/contexts/{ctx}/config" and ".../mode" act on the
 *     context's own level (subject ":{ctx}:");
 *   - {ctx} is normalised as Confluent does: one leading and one trailing ':'
 *     are dropped, a '.' is prepended when missing (".team-a", "team-a" and
 *     ":.team-a:" are the same context); a ':' inside is a bad context (400);
 *     the default context "." qualifies nothing;
 *   - a path that some route matches with another method answers 405, any
 *     other path 404.
 */
#ifndef STRATA_REGISTRY_ROUTES_H
#define STRATA_REGISTRY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handlers/handlers.h"
#include "request.h"

/** What srt_match() found. */
typedef enum srt_status {
  SRT_ROUTE,              /**< a handler; the parameters are set */
  SRT_NOT_FOUND,          /**< no route: 404 */
  SRT_METHOD_NOT_ALLOWED, /**< the path exists with other methods: 405 */
  SRT_BAD_CONTEXT,        /**< a /contexts/{ctx} prefix with a bad name: 400 */
  SRT_INVALID_SUBJECT     /**< the route's {subject} decodes to a NUL byte: 422 (42208) */
} srt_status;

/** A matched route and its decoded parameters (borrowed from the scratch buffer). */
typedef struct srt_result {
  h_handler handler;
  rq_method method;
  /** {subject}, decoded and context-qualified; NULL when the route has none */
  const char *subject;
  /** {version}, decoded; NULL when the route has none */
  const char *version;
  /** {guid}, decoded; NULL when the route has none */
  const char *guid;
  /** the normalised context (".team-a", "." for the default one); NULL without one */
  const char *context;
  /** {id}; 0 when the route has none */
  int64_t id;
} srt_result;

/** The scratch size srt_match() needs for a path of @p path_len bytes. */
size_t srt_scratch_size(size_t path_len);

/**
 * Matches @p method (e.g. "GET"; any token) and @p path (borrowed; raw,
 * without the query). On SRT_ROUTE fills @p out, whose strings point into
 * @p scratch (at least srt_scratch_size(strlen(path)) bytes, borrowed; the
 * caller keeps it alive while it uses @p out). Allocates nothing.
 */
srt_status srt_match(const char *method, const char *path, char *scratch, size_t scratch_len,
                     srt_result *out);

/** The HTTP method @p name names, if the API uses it (case-sensitive, as HTTP is). */
bool srt_method_from_name(const char *name, rq_method *out);

/**
 * Percent-decodes @p len bytes at @p in into @p out (at least @p len + 1
 * bytes; NUL-terminated), turning '+' into a space when @p plus_is_space
 * (query strings) and keeping it otherwise (paths). Stores the decoded length
 * in @p out_len. Returns false for an invalid escape or a decoded NUL byte.
 */
bool srt_decode(const char *in, size_t len, bool plus_is_space, char *out, size_t *out_len);

/**
 * Parses a whole decimal integer (optional sign, digits only) that fits in
 * int64. Returns false for anything else ("", " 1", "1.0", "0x1", overflow).
 */
bool srt_parse_int64(const char *text, int64_t *out);

/** Number of entries in the route table (for tests). */
size_t srt_route_count(void);

/** Entry @p i of the route table: its method, pattern and handler (for tests). */
void srt_route_at(size_t i, rq_method *method, const char **pattern, h_handler *handler);

#endif /* STRATA_REGISTRY_ROUTES_H */
