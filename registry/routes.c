/*
 * routes.c - the static route table and the path matcher (routes.h).
 */
#include "routes.h"

#include <string.h>

/** One route: a method, a path pattern ("/subjects/{subject}/versions") and its handler. */
typedef struct srt_route {
  rq_method method;
  const char *pattern;
  h_handler handler;
} srt_route;

/*
 * Placeholders: {subject}, {version}, {guid}, {ctx} (decoded), {id} (a
 * decimal int64) and {any} (decoded, then ignored). Order only matters
 * between routes that could match the same path with the same method; there
 * are none.
 */
static const srt_route srt_routes[] = {
    {RQ_GET, "/", h_root},
    {RQ_POST, "/", h_root},

    {RQ_GET, "/schemas", h_schemas_list},
    {RQ_GET, "/schemas/types", h_schemas_types},
    {RQ_GET, "/schemas/ids/{id}", h_schema_by_id},
    {RQ_GET, "/schemas/ids/{id}/schema", h_schema_by_id_text},
    {RQ_GET, "/schemas/ids/{id}/subjects", h_schema_id_subjects},
    {RQ_GET, "/schemas/ids/{id}/versions", h_schema_id_versions},
    {RQ_GET, "/schemas/guids/{guid}", h_schema_by_guid},
    {RQ_GET, "/schemas/guids/{guid}/ids", h_schema_guid_ids},

    {RQ_GET, "/subjects", h_subjects_list},
    {RQ_POST, "/subjects/{subject}", h_subject_lookup},
    {RQ_DELETE, "/subjects/{subject}", h_subject_delete},
    {RQ_GET, "/subjects/{subject}/metadata", h_subject_metadata},
    {RQ_GET, "/subjects/{subject}/versions", h_versions_list},
    {RQ_POST, "/subjects/{subject}/versions", h_version_register},
    {RQ_GET, "/subjects/{subject}/versions/{version}", h_version_get},
    {RQ_DELETE, "/subjects/{subject}/versions/{version}", h_version_delete},
    {RQ_GET, "/subjects/{subject}/versions/{version}/schema", h_version_text},
    {RQ_GET, "/subjects/{subject}/versions/{version}/referencedby", h_version_referencedby},

    {RQ_POST, "/compatibility/subjects/{subject}/versions/{version}", h_compat_version},
    {RQ_POST, "/compatibility/subjects/{subject}/versions", h_compat_all},

    {RQ_GET, "/config", h_config_get},
    {RQ_PUT, "/config", h_config_put},
    {RQ_DELETE, "/config", h_config_delete},
    {RQ_GET, "/config/{subject}", h_config_get},
    {RQ_PUT, "/config/{subject}", h_config_put},
    {RQ_DELETE, "/config/{subject}", h_config_delete},

    {RQ_GET, "/mode", h_mode_get},
    {RQ_PUT, "/mode", h_mode_put},
    {RQ_DELETE, "/mode", h_mode_delete},
    {RQ_GET, "/mode/{subject}", h_mode_get},
    {RQ_PUT, "/mode/{subject}", h_mode_put},
    {RQ_DELETE, "/mode/{subject}", h_mode_delete},

    {RQ_GET, "/contexts", h_contexts_list},
    {RQ_DELETE, "/contexts/{ctx}", h_context_delete},

    {RQ_GET, "/v1/metadata/id", h_metadata_id},
    {RQ_GET, "/v1/metadata/version", h_metadata_version},
    {RQ_GET, "/v1/metadata/deployment", h_metadata_deployment},

    {RQ_GET, "/associations/resources/{any}/{any}", h_associations_none},
    {RQ_GET, "/associations/resources/{any}", h_associations_none},
    {RQ_GET, "/associations/subjects/{subject}", h_associations_none},
};

#define SRT_NROUTES (sizeof srt_routes / sizeof srt_routes[0])

/* No route has more segments than this (the context prefix adds two). */
#define SRT_MAX_SEGS 12

/** A path segment: raw bytes, not NUL-terminated. */
typedef struct srt_seg {
  const char *p;
  size_t n;
} srt_seg;

/** Where decoded values go: a bump allocator over the caller's scratch. */
typedef struct srt_scratch {
  char *base;
  size_t cap;
  size_t used;
} srt_scratch;

/** The context a /contexts/{ctx}/ prefix set. */
typedef struct srt_ctx {
  /** normalised name (".team-a"), NUL-terminated; NULL without a prefix */
  const char *name;
  /** true for a non-default context: subjects get ":{name}:" in front */
  bool qualify;
} srt_ctx;

size_t srt_route_count(void) {
  return SRT_NROUTES;
}

void srt_route_at(size_t i, rq_method *method, const char **pattern, h_handler *handler) {
  *method = srt_routes[i].method;
  *pattern = srt_routes[i].pattern;
  *handler = srt_routes[i].handler;
}

size_t srt_scratch_size(size_t path_len) {
  return 3 * path_len + 32;
}

bool srt_method_from_name(const char *name, rq_method *out) {
  if (strcmp(name, "GET") == 0) {
    *out = RQ_GET;
  } else if (strcmp(name, "POST") == 0) {
    *out = RQ_POST;
  } else if (strcmp(name, "PUT") == 0) {
    *out = RQ_PUT;
  } else if (strcmp(name, "DELETE") == 0) {
    *out = RQ_DELETE;
  } else {
    return false;
  }
  return true;
}

static int srt_hex(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/*
 * Percent-decodes as srt_decode() does; a decoded NUL fails unless @p had_nul
 * is given, which is then set (the output is cut at the NUL).
 */
static bool srt_decode_ex(const char *in, size_t len, bool plus_is_space, char *out,
                          size_t *out_len, bool *had_nul) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= len) {
        return false;
      }
      int hi = srt_hex(in[i + 1]);
      int lo = srt_hex(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return false;
      }
      c = (char)(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') {
      if (had_nul == NULL) {
        return false;
      }
      *had_nul = true;
    }
    out[o++] = c;
  }
  out[o] = '\0';
  *out_len = o;
  return true;
}

bool srt_decode(const char *in, size_t len, bool plus_is_space, char *out, size_t *out_len) {
  return srt_decode_ex(in, len, plus_is_space, out, out_len, NULL);
}

bool srt_parse_int64(const char *text, int64_t *out) {
  const char *p = text;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    p++;
  }
  if (*p == '\0') {
    return false;
  }
  /* Accumulate as a negative number so that INT64_MIN fits. */
  int64_t value = 0;
  for (; *p != '\0'; p++) {
    if (*p < '0' || *p > '9') {
      return false;
    }
    int digit = *p - '0';
    if (value < (INT64_MIN + digit) / 10) {
      return false;
    }
    value = value * 10 - digit;
  }
  if (!negative) {
    if (value == INT64_MIN) {
      return false;
    }
    value = -value;
  }
  *out = value;
  return true;
}

static bool srt_token_is(const char *token, size_t n, const char *literal) {
  return strlen(literal) == n && memcmp(token, literal, n) == 0;
}

static bool srt_seg_is(srt_seg seg, const char *literal) {
  size_t n = strlen(literal);
  return seg.n == n && memcmp(seg.p, literal, n) == 0;
}

/*
 * Decodes a path segment into the scratch; NULL when it is empty or does not
 * decode. A decoded NUL fails too, unless @p had_nul is given (see srt_decode_ex()).
 */
static char *srt_decode_seg(srt_scratch *s, srt_seg seg, size_t *len, bool *had_nul) {
  if (seg.n == 0 || s->cap - s->used < seg.n + 1) {
    return NULL;
  }
  char *out = s->base + s->used;
  if (!srt_decode_ex(seg.p, seg.n, false, out, len, had_nul)) {
    return NULL;
  }
  s->used += *len + 1;
  return out;
}

/* Copies the parts into the scratch as one NUL-terminated string. */
static char *srt_concat(srt_scratch *s, const char *a, const char *b, const char *c,
                        const char *d) {
  const char *parts[4] = {a, b, c, d};
  size_t total = 0;
  for (size_t i = 0; i < 4; i++) {
    total += strlen(parts[i]);
  }
  if (s->cap - s->used < total + 1) {
    return NULL;
  }
  char *out = s->base + s->used;
  char *w = out;
  for (size_t i = 0; i < 4; i++) {
    size_t n = strlen(parts[i]);
    memcpy(w, parts[i], n);
    w += n;
  }
  *w = '\0';
  s->used += total + 1;
  return out;
}

/*
 * Matches the segments against one pattern and, if its shape fits, decodes
 * the parameters into @p out. Returns false when the route does not match.
 */
static bool srt_bind(const char *pattern, const srt_seg *segs, size_t nsegs, const srt_ctx *ctx,
                     srt_scratch *s, srt_result *out, bool *nul_subject) {
  const char *p = pattern + 1; /* after the leading '/' */
  size_t i = 0;
  /* First the shape: literals, the segment count and non-empty parameters. */
  for (const char *q = p; *q != '\0';) {
    const char *end = strchr(q, '/');
    size_t n = end != NULL ? (size_t)(end - q) : strlen(q);
    if (i >= nsegs) {
      return false;
    }
    if (q[0] == '{') {
      if (segs[i].n == 0) {
        return false;
      }
    } else if (segs[i].n != n || memcmp(segs[i].p, q, n) != 0) {
      return false;
    }
    i++;
    q += n;
    if (*q == '/') {
      q++;
    }
  }
  if (i != nsegs) {
    return false;
  }
  /* Then the parameters. */
  memset(out, 0, sizeof *out);
  i = 0;
  for (const char *q = p; *q != '\0'; i++) {
    const char *end = strchr(q, '/');
    size_t n = end != NULL ? (size_t)(end - q) : strlen(q);
    if (q[0] == '{') {
      size_t len = 0;
      bool is_subject = srt_token_is(q, n, "{subject}");
      char *value = srt_decode_seg(s, segs[i], &len, is_subject ? nul_subject : NULL);
      if (value == NULL) {
        return false;
      }
      if (is_subject) {
        if (ctx->qualify && value[0] != ':') {
          value = srt_concat(s, ":", ctx->name, ":", value);
          if (value == NULL) {
            return false;
          }
        }
        out->subject = value;
      } else if (srt_token_is(q, n, "{version}")) {
        out->version = value;
      } else if (srt_token_is(q, n, "{guid}")) {
        out->guid = value;
      } else if (srt_token_is(q, n, "{id}")) {
        if (!srt_parse_int64(value, &out->id)) {
          return false;
        }
      } else if (srt_token_is(q, n, "{ctx}")) {
        out->context = value;
      }
    }
    q += n;
    if (*q == '/') {
      q++;
    }
  }
  return true;
}

/* Tries every route on the segments. */
static srt_status srt_match_table(const srt_seg *segs, size_t nsegs, bool method_known,
                                  rq_method method, const srt_ctx *ctx, srt_scratch *s,
                                  srt_result *out) {
  bool path_known = false;
  size_t mark = s->used;
  for (size_t r = 0; r < SRT_NROUTES; r++) {
    srt_result candidate;
    bool nul_subject = false;
    s->used = mark;
    if (!srt_bind(srt_routes[r].pattern, segs, nsegs, ctx, s, &candidate, &nul_subject)) {
      continue;
    }
    if (method_known && srt_routes[r].method == method) {
      if (nul_subject) {
        return SRT_INVALID_SUBJECT;
      }
      candidate.handler = srt_routes[r].handler;
      candidate.method = method;
      *out = candidate;
      return SRT_ROUTE;
    }
    path_known = true;
  }
  return path_known ? SRT_METHOD_NOT_ALLOWED : SRT_NOT_FOUND;
}

/*
 * Normalises a decoded context name as Confluent does: drops one leading and
 * one trailing ':', refuses any other ':', and prepends '.' when missing.
 */
static const char *srt_normalize_context(srt_scratch *s, char *raw, bool *bad) {
  *bad = false;
  size_t len = strlen(raw);
  if (len > 0 && raw[0] == ':') {
    raw++;
    len--;
  }
  if (len > 0 && raw[len - 1] == ':') {
    raw[--len] = '\0';
  }
  if (memchr(raw, ':', len) != NULL) {
    *bad = true;
    return NULL;
  }
  return srt_concat(s, raw[0] == '.' ? "" : ".", raw, "", "");
}

srt_status srt_match(const char *method, const char *path, char *scratch, size_t scratch_len,
                     srt_result *out) {
  memset(out, 0, sizeof *out);
  rq_method m = RQ_GET;
  bool method_known = srt_method_from_name(method, &m);
  if (path[0] != '/') {
    return SRT_NOT_FOUND;
  }
  size_t len = strlen(path);
  if (scratch_len < srt_scratch_size(len)) {
    return SRT_NOT_FOUND;
  }
  if (len > 1 && path[len - 1] == '/') {
    len--;
  }
  srt_seg segs[SRT_MAX_SEGS];
  size_t nsegs = 0;
  if (len > 1) {
    const char *p = path + 1;
    const char *end = path + len;
    while (p <= end) {
      const char *slash = memchr(p, '/', (size_t)(end - p));
      const char *stop = slash != NULL ? slash : end;
      if (nsegs == SRT_MAX_SEGS) {
        return SRT_NOT_FOUND;
      }
      segs[nsegs].p = p;
      segs[nsegs].n = (size_t)(stop - p);
      nsegs++;
      p = stop + 1;
    }
  }

  srt_scratch s = {scratch, scratch_len, 0};
  srt_ctx ctx = {NULL, false};
  if (nsegs >= 2 && srt_seg_is(segs[0], "contexts")) {
    size_t raw_len = 0;
    char *raw = srt_decode_seg(&s, segs[1], &raw_len, NULL);
    if (raw == NULL) {
      return SRT_NOT_FOUND;
    }
    bool bad = false;
    ctx.name = srt_normalize_context(&s, raw, &bad);
    if (bad) {
      return SRT_BAD_CONTEXT;
    }
    if (ctx.name == NULL) {
      return SRT_NOT_FOUND;
    }
    if (nsegs == 2) {
      srt_ctx none = {NULL, false};
      srt_status st = srt_match_table(segs, nsegs, method_known, m, &none, &s, out);
      if (st == SRT_ROUTE) {
        out->context = ctx.name;
      }
      return st;
    }
    srt_seg family = segs[2];
    bool config_or_mode = srt_seg_is(family, "config") || srt_seg_is(family, "mode");
    if (!config_or_mode && !srt_seg_is(family, "subjects") && !srt_seg_is(family, "schemas") &&
        !srt_seg_is(family, "compatibility")) {
      return SRT_NOT_FOUND;
    }
    ctx.qualify = strcmp(ctx.name, ".") != 0;
    srt_status st = srt_match_table(segs + 2, nsegs - 2, method_known, m, &ctx, &s, out);
    if (st != SRT_ROUTE) {
      return st;
    }
    out->context = ctx.name;
    if (config_or_mode && out->subject == NULL && ctx.qualify) {
      out->subject = srt_concat(&s, ":", ctx.name, ":", "");
      if (out->subject == NULL) {
        return SRT_NOT_FOUND;
      }
    }
    return SRT_ROUTE;
  }
  return srt_match_table(segs, nsegs, method_known, m, &ctx, &s, out);
}
