/*
 * proto_format.c - the Protobuf entry of the format table, and how imports
 * are found: the built-in well-known files (the .proto files of google/protobuf/, parsed
 * once per process), references (earlier parsed schemas, matched by their
 * file name), or a loader callback (the CLI's -I directories).
 *
 * A schema's text is .proto source; when it does not parse as such, a
 * serialized FileDescriptorSet or FileDescriptorProto (raw or base64, as
 * Confluent accepts) is tried before the text error is reported.
 */
#include "proto_check.h"
#include "proto_model.h"
#include "proto_wkt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NAME "schema.proto"

/* ---- files -------------------------------------------------------------------- */

void pbc_file_free(pbc_file *file) {
  if (file == NULL || file->builtin) {
    return;
  }
  for (size_t i = 0; i < file->nowned; i++) {
    pbc_file_free(file->owned[i]);
  }
  free(file->owned);
  free(file->positions.slots);
  pbc_arena_free(&file->arena);
  free(file);
}

static strata_error closure_visit(const pbc_file *f, const pbc_file ***out, size_t *count,
                                  size_t *cap, int depth) {
  for (size_t i = 0; i < *count; i++) {
    if ((*out)[i] == f) {
      return STRATA_E_OK;
    }
  }
  if (depth > PBC_MAX_DEPTH) {
    return STRATA_E_INVALID_SCHEMA;
  }
  for (size_t i = 0; f->deps != NULL && i < f->proto->n_dependency; i++) {
    if (f->deps[i] != NULL) {
      strata_error rc = closure_visit(f->deps[i], out, count, cap, depth + 1);
      if (rc != STRATA_E_OK) {
        return rc;
      }
    }
  }
  if (*count == *cap) {
    size_t ncap = *cap == 0 ? 8 : *cap * 2;
    const pbc_file **grown = realloc(*out, ncap * sizeof *grown);
    if (grown == NULL) {
      return STRATA_E_NOMEM;
    }
    *out = grown;
    *cap = ncap;
  }
  (*out)[(*count)++] = f;
  return STRATA_E_OK;
}

strata_error pbc_file_closure(const pbc_file *root, const pbc_file ***out, size_t *count) {
  size_t cap = 0;
  *out = NULL;
  *count = 0;
  strata_error rc = closure_visit(root, out, count, &cap, 0);
  if (rc != STRATA_E_OK) {
    free(*out);
    *out = NULL;
    *count = 0;
  }
  return rc;
}

/* ---- built-in well-known files ------------------------------------------------------ */

typedef struct builtin_importer {
  pbc_importer base;
  pbc_file **files; /* one per pbc_wkt_sources entry */
  bool *in_progress;
} builtin_importer;

static pbc_file **builtin_files;
static bool builtin_failed;
/* while the built-ins are built: descriptor.proto (first built) for the option interpreter */
static const pbc_file *builtin_descriptor;
static _Thread_local bool in_builtin_init;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static strata_error builtin_build(builtin_importer *bi, size_t i, pbc_errors *err);

static strata_error builtin_import(pbc_importer *self, const char *path, const pbc_file **out,
                                   pbc_errors *err) {
  builtin_importer *bi = (builtin_importer *)self;
  for (size_t i = 0; i < pbc_wkt_count; i++) {
    if (strcmp(pbc_wkt_sources[i].name, path) == 0) {
      strata_error rc = builtin_build(bi, i, err);
      *out = bi->files[i];
      return rc;
    }
  }
  return STRATA_E_NOT_FOUND;
}

static strata_error builtin_build(builtin_importer *bi, size_t i, pbc_errors *err) {
  if (bi->files[i] != NULL) {
    return STRATA_E_OK;
  }
  if (bi->in_progress[i]) {
    return STRATA_E_INVALID_SCHEMA;
  }
  bi->in_progress[i] = true;
  pbc_file *file = NULL;
  pbc_errors ferr = {err->diag, pbc_wkt_sources[i].name, false};
  strata_error rc = pbc_parse_text(pbc_wkt_sources[i].name, pbc_wkt_sources[i].text,
                                   pbc_wkt_sources[i].len, &file, &ferr);
  if (rc == STRATA_E_OK) {
    rc = pbc_link(file, &bi->base, &ferr);
  }
  bi->in_progress[i] = false;
  if (rc != STRATA_E_OK) {
    pbc_file_free(file);
    return rc;
  }
  file->builtin = true;
  bi->files[i] = file;
  return STRATA_E_OK;
}

static void builtin_init(void) {
  builtin_importer bi = {{builtin_import}, NULL, NULL};
  bi.files = calloc(pbc_wkt_count + 1, sizeof *bi.files);
  bi.in_progress = calloc(pbc_wkt_count + 1, sizeof *bi.in_progress);
  if (bi.files == NULL || bi.in_progress == NULL) {
    builtin_failed = true;
    free(bi.files);
    free(bi.in_progress);
    return;
  }
  strata_diag diag;
  memset(&diag, 0, sizeof diag);
  pbc_errors err = {&diag, "", false};
  in_builtin_init = true;
  for (size_t pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < pbc_wkt_count; i++) {
      bool is_descriptor = strcmp(pbc_wkt_sources[i].name, "google/protobuf/descriptor.proto") == 0;
      if ((pass == 0) != is_descriptor || bi.files[i] != NULL) {
        continue;
      }
      if (builtin_build(&bi, i, &err) != STRATA_E_OK) {
        /* a built-in that does not parse is a build problem; leave it out */
        fprintf(stderr, "strata: built-in %s does not parse: %s\n", pbc_wkt_sources[i].name,
                diag.message);
        memset(&diag, 0, sizeof diag);
      }
      if (is_descriptor) {
        builtin_descriptor = bi.files[i];
      }
    }
  }
  in_builtin_init = false;
  free(bi.in_progress);
  builtin_files = bi.files;
}

const pbc_file *pbc_builtin(const char *path) {
  pthread_once(&builtin_once, builtin_init);
  if (builtin_failed || builtin_files == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < pbc_wkt_count; i++) {
    if (strcmp(pbc_wkt_sources[i].name, path) == 0) {
      return builtin_files[i];
    }
  }
  return NULL;
}

const pbc_file *pbc_descriptor_file(void) {
  if (in_builtin_init) {
    return builtin_descriptor;
  }
  return pbc_builtin("google/protobuf/descriptor.proto");
}

/* ---- imports from references ---------------------------------------------------------- */

typedef struct refs_importer {
  pbc_importer base;
  const strata_schema *const *refs;
  const char *const *names; /* the import path of each ref; NULL: the ref's own file name */
  size_t nrefs;
} refs_importer;

static strata_error refs_import(pbc_importer *self, const char *path, const pbc_file **out,
                                pbc_errors *err) {
  refs_importer *ri = (refs_importer *)self;
  (void)err;
  for (size_t i = 0; i < ri->nrefs; i++) {
    const pbc_file *f = scm_schema_model(ri->refs[i]);
    const char *name = ri->names != NULL && ri->names[i] != NULL ? ri->names[i]
                       : f != NULL                               ? f->name
                                                                 : NULL;
    if (f != NULL && strcmp(name, path) == 0) {
      *out = f;
      return STRATA_E_OK;
    }
  }
  *out = pbc_builtin(path);
  return *out != NULL ? STRATA_E_OK : STRATA_E_NOT_FOUND;
}

/* ---- imports through a loader ------------------------------------------------------------ */

typedef struct loader_importer {
  pbc_importer base;
  strata_proto_loader loader;
  void *ctx;
  pbc_file *root;                           /* owns every loaded file */
  const pbc_file *stack[PBC_MAX_DEPTH + 1]; /* the files being linked, root first */
  size_t depth;
} loader_importer;

static strata_error loader_import(pbc_importer *self, const char *path, const pbc_file **out,
                                  pbc_errors *err) {
  loader_importer *li = (loader_importer *)self;
  *out = pbc_builtin(path);
  if (*out != NULL) {
    return STRATA_E_OK;
  }
  for (size_t i = 0; i < li->root->nowned; i++) {
    if (strcmp(li->root->owned[i]->name, path) == 0) {
      *out = li->root->owned[i];
      return STRATA_E_OK;
    }
  }
  for (size_t i = 0; i < li->depth; i++) {
    if (strcmp(li->stack[i]->name, path) == 0) {
      /* as protoc: at the import in the file that is imported again */
      char chain[400];
      size_t n = 0;
      chain[0] = '\0';
      for (size_t k = i; k < li->depth && n < sizeof chain; k++) {
        int w = snprintf(chain + n, sizeof chain - n, "%s -> ", li->stack[k]->name);
        n += w > 0 ? (size_t)w : 0;
      }
      const pbc_file *again = li->stack[i];
      const char *next_name = i + 1 < li->depth ? li->stack[i + 1]->name : path;
      int line = -1, col = -1;
      for (size_t k = 0; k < again->proto->n_dependency; k++) {
        if (strcmp(again->proto->dependency[k], next_name) == 0) {
          pbc_pos_get(again, again->proto->dependency[k], PBC_AT_NAME, &line, &col);
        }
      }
      pbc_errors cyc = {err->diag, again->name, false};
      return pbc_fail(&cyc, line, col, "File recursively imports itself: %s%s", chain, path);
    }
  }
  if (li->depth >= PBC_MAX_DEPTH) {
    pbc_errors deep = {err->diag, path, false};
    return pbc_fail(&deep, -1, -1, "Imports are nested too deeply.");
  }
  if (li->loader == NULL) {
    return STRATA_E_NOT_FOUND;
  }
  char *text = NULL;
  size_t len = 0;
  strata_error rc = li->loader(li->ctx, path, &text, &len);
  if (rc != STRATA_E_OK) {
    free(text);
    if (rc == STRATA_E_NOMEM) {
      return pbc_nomem(err);
    }
    pbc_errors nf = {err->diag, path, false};
    pbc_fail(&nf, -1, -1, "File not found.");
    return STRATA_E_NOT_FOUND;
  }
  pbc_file *file = NULL;
  pbc_errors ferr = {err->diag, path, false};
  rc = pbc_parse_text(path, text, len, &file, &ferr);
  free(text);
  if (rc == STRATA_E_OK) {
    li->stack[li->depth++] = file;
    rc = pbc_link(file, self, &ferr);
    li->depth--;
  }
  if (rc == STRATA_E_OK) {
    pbc_file **grown = realloc(li->root->owned, (li->root->nowned + 1) * sizeof *grown);
    if (grown == NULL) {
      rc = pbc_nomem(err);
    } else {
      li->root->owned = grown;
      li->root->owned[li->root->nowned++] = file;
      *out = file;
      file = NULL;
    }
  }
  pbc_file_free(file);
  if (ferr.nomem) {
    err->nomem = true;
  }
  return rc;
}

/* ---- parsing ----------------------------------------------------------------------------- */

/* True when @p text could be base64 (Confluent accepts a base64 FileDescriptorProto). */
static bool looks_base64(const char *text, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '/' || c == '=') {
      n++;
    } else if (c != '\n' && c != '\r') {
      return false;
    }
  }
  return n >= 4;
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  return c == '+' ? 62 : (c == '/' ? 63 : -1);
}

/* Decodes base64 into a new buffer; NULL when it is not base64 or out of memory. */
static uint8_t *b64_decode(const char *text, size_t len, size_t *outlen) {
  uint8_t *out = malloc(len / 4 * 3 + 3);
  if (out == NULL) {
    return NULL;
  }
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '=' || text[i] == '\n' || text[i] == '\r') {
      continue;
    }
    int v = b64_value(text[i]);
    if (v < 0) {
      free(out);
      return NULL;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (uint8_t)(acc >> bits);
    }
  }
  *outlen = n;
  return out;
}

/* Imports of a re-read binary file: the files its descriptor was linked against. */
typedef struct deps_importer {
  pbc_importer base;
  const pbc_file *file;
} deps_importer;

static strata_error deps_import(pbc_importer *self, const char *path, const pbc_file **out,
                                pbc_errors *err) {
  const pbc_file *f = ((deps_importer *)self)->file;
  (void)err;
  for (size_t i = 0; f->deps != NULL && i < f->proto->n_dependency; i++) {
    if (f->deps[i] != NULL && strcmp(f->proto->dependency[i], path) == 0) {
      *out = f->deps[i];
      return STRATA_E_OK;
    }
  }
  *out = pbc_builtin(path);
  return *out != NULL ? STRATA_E_OK : STRATA_E_NOT_FOUND;
}

/* A descriptor from binary input is accepted only when its canonical text reads back as a
 * .proto file: what the registry stores must parse again. A descriptor no protoc would write
 * (a type from a file that is not imported, say) fails here with the reason. */
static strata_error check_expressible(const char *name, const pbc_file *file, pbc_errors *err) {
  strata_error rc = STRATA_E_NOMEM;
  pbc_file *again = NULL;
  strata_diag diag;
  memset(&diag, 0, sizeof diag);
  pbc_errors again_err = {&diag, name, false};
  deps_importer di = {{deps_import}, file};
  char *text = pbc_render(file, false);
  if (text == NULL) {
    goto cleanup;
  }
  rc = pbc_parse_text(name, text, strlen(text), &again, &again_err);
  if (rc == STRATA_E_OK) {
    rc = pbc_link(again, &di.base, &again_err);
  }
  if (again_err.nomem) {
    rc = STRATA_E_NOMEM;
  } else if (rc != STRATA_E_OK) {
    rc = pbc_fail(err, -1, -1, "the descriptor cannot be written as a .proto file: %s",
                  diag.message);
  }

cleanup:
  pbc_file_free(again);
  free(text);
  return rc;
}

/* Standard base64 (with padding) of @p len bytes: a new string, NULL when out of memory. */
static char *b64_encode(const uint8_t *data, size_t len) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc((len + 2) / 3 * 4 + 1);
  char *p = out;
  if (out == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16;
    v |= i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0;
    v |= i + 2 < len ? (uint32_t)data[i + 2] : 0;
    *p++ = alphabet[(v >> 18) & 63];
    *p++ = alphabet[(v >> 12) & 63];
    *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
    *p++ = i + 2 < len ? alphabet[v & 63] : '=';
  }
  *p = '\0';
  return out;
}

/* Text first; binary (raw or base64) when the text does not parse. */
static strata_error parse_any(const char *name, const char *text, size_t len,
                              pbc_importer *importer, pbc_file **out, strata_diag *diag) {
  pbc_errors err = {diag, name, false};
  pbc_file *file = NULL;
  strata_error rc = pbc_parse_text(name, text, len, &file, &err);
  if (rc == STRATA_E_OK) {
    if (importer != NULL && importer->import == loader_import) {
      ((loader_importer *)importer)->root = file;
      ((loader_importer *)importer)->stack[0] = file;
      ((loader_importer *)importer)->depth = 1;
    }
    rc = pbc_link(file, importer, &err);
    if (rc != STRATA_E_OK) {
      pbc_file_free(file);
      file = NULL;
    }
  } else if (rc == STRATA_E_INVALID_SCHEMA) {
    strata_diag bdiag;
    memset(&bdiag, 0, sizeof bdiag);
    pbc_errors berr = {&bdiag, name, false};
    strata_error brc = pbc_parse_binary((const uint8_t *)text, len, &file, &berr);
    if (brc != STRATA_E_OK && looks_base64(text, len)) {
      size_t blen = 0;
      uint8_t *bytes = b64_decode(text, len, &blen);
      if (bytes != NULL) {
        brc = pbc_parse_binary(bytes, blen, &file, &berr);
        free(bytes);
      }
    }
    if (brc == STRATA_E_OK) {
      rc = check_expressible(name, file, &err);
    }
  }
  if (err.nomem) {
    rc = STRATA_E_NOMEM;
  }
  if (rc != STRATA_E_OK) {
    pbc_file_free(file);
    return rc;
  }
  *out = file;
  return STRATA_E_OK;
}

static strata_error pb_parse_named(const char *name, const char *text, size_t len,
                                   const strata_schema *const *refs, const char *const *ref_names,
                                   size_t nrefs, void **model, strata_diag *diag) {
  refs_importer ri = {{refs_import}, refs, ref_names, nrefs};
  pbc_file *file = NULL;
  strata_error rc = parse_any(name, text, len, &ri.base, &file, diag);
  *model = file;
  return rc;
}

static strata_error pb_parse(const char *text, size_t len, const strata_schema *const *refs,
                             size_t nrefs, void **model, strata_diag *diag) {
  return pb_parse_named(DEFAULT_NAME, text, len, refs, NULL, nrefs, model, diag);
}

static void pb_free(void *model) {
  pbc_file_free(model);
}

static char *pb_canonical(const void *model) {
  return pbc_render(model, false);
}

static char *pb_normal_form(const void *model) {
  return pbc_render(model, true);
}

/* The file and everything it imports, as the checker wants them. */
static strata_error files_of(const pbc_file *file, pbc_files *out,
                             const Google__Protobuf__FileDescriptorProto ***deps) {
  const pbc_file **closure = NULL;
  size_t n = 0;
  strata_error rc = pbc_file_closure(file, &closure, &n);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  *deps = calloc(n + 1, sizeof **deps);
  if (*deps == NULL) {
    free(closure);
    return STRATA_E_NOMEM;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (closure[i] != file) {
      (*deps)[k++] = closure[i]->proto;
    }
  }
  free(closure);
  out->file = file->proto;
  out->deps = *deps;
  out->ndeps = k;
  return STRATA_E_OK;
}

static strata_error pb_check(const void *new_model, const void *old_model,
                             strata_compat_direction dir, scm_sink *sink) {
  pbc_files nf, of;
  const Google__Protobuf__FileDescriptorProto **ndeps = NULL, **odeps = NULL;
  strata_error rc = files_of(new_model, &nf, &ndeps);
  if (rc == STRATA_E_OK) {
    rc = files_of(old_model, &of, &odeps);
  }
  if (rc == STRATA_E_OK) {
    rc = pbc_check_files(&nf, &of, dir, sink);
  }
  free(ndeps);
  free(odeps);
  return rc;
}

const scm_format scm_protobuf_format = {
    .type = STRATA_SCHEMA_PROTOBUF,
    .parse = pb_parse,
    .free_model = pb_free,
    .canonical = pb_canonical,
    .resolved = NULL,
    .normal_form = pb_normal_form,
    .check = pb_check,
    .confluent_entry = pbc_confluent_entry,
};

const pbc_file *pbc_schema_file(const strata_schema *schema) {
  return scm_schema_model(schema);
}

/* ---- public entry points ------------------------------------------------------------------ */

/* A schema around a parsed model, with canonical text, normal form and fingerprint. */

strata_error strata_schema_parse_named(strata_schema_type type, const char *name, const char *text,
                                       size_t len, const strata_schema *const *refs,
                                       const char *const *ref_names, size_t nrefs,
                                       strata_schema **out, strata_diag *diag) {
  if (type != STRATA_SCHEMA_PROTOBUF) {
    return strata_schema_parse(type, text, len, refs, nrefs, out, diag);
  }
  if (name == NULL) {
    name = DEFAULT_NAME;
  }
  if (diag != NULL) {
    memset(diag, 0, sizeof *diag);
  }
  if (out == NULL || (text == NULL && len > 0) || (refs == NULL && nrefs > 0)) {
    scm_diag_set(diag, 0, 0, "", "invalid arguments to strata_schema_parse_named");
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  for (size_t i = 0; i < nrefs; i++) {
    if (refs[i] == NULL || strata_schema_get_type(refs[i]) != STRATA_SCHEMA_PROTOBUF) {
      scm_diag_set(diag, 0, 0, "", "reference %zu is not a PROTOBUF schema", i + 1);
      return STRATA_E_INVALID_SCHEMA;
    }
  }
  void *model = NULL;
  strata_error rc =
      pb_parse_named(name, text != NULL ? text : "", len, refs, ref_names, nrefs, &model, diag);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  return scm_schema_wrap(&scm_protobuf_format, model, out, diag);
}

strata_error strata_proto_parse_file(const char *name, const char *text, size_t len,
                                     strata_proto_loader loader, void *ctx, strata_schema **out,
                                     strata_diag *diag) {
  if (diag != NULL) {
    memset(diag, 0, sizeof *diag);
  }
  if (out == NULL || name == NULL || (text == NULL && len > 0)) {
    scm_diag_set(diag, 0, 0, "", "invalid arguments to strata_proto_parse_file");
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  loader_importer li;
  memset(&li, 0, sizeof li);
  li.base.import = loader_import;
  li.loader = loader;
  li.ctx = ctx;
  pbc_file *file = NULL;
  strata_error rc = parse_any(name, text != NULL ? text : "", len, &li.base, &file, diag);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  return scm_schema_wrap(&scm_protobuf_format, file, out, diag);
}

/* Adds @p f after its dependencies (all of them, or only those named in @p only), by name. */
static strata_error set_visit(const pbc_file *f, const pbc_file *const *only, size_t nonly,
                              const pbc_file ***list, size_t *n, int depth) {
  for (size_t i = 0; i < *n; i++) {
    if (strcmp((*list)[i]->name, f->name) == 0) {
      return STRATA_E_OK;
    }
  }
  if (depth > PBC_MAX_DEPTH) {
    return STRATA_E_INVALID_SCHEMA;
  }
  for (size_t i = 0; f->deps != NULL && i < f->proto->n_dependency; i++) {
    const pbc_file *d = f->deps[i];
    bool wanted = only == NULL;
    for (size_t k = 0; d != NULL && k < nonly && !wanted; k++) {
      /* by name: an input may import another input loaded as its own copy; never the file
       * itself (registry references all carry the default name) */
      if (only[k] != f && strcmp(only[k]->name, d->name) == 0) {
        d = only[k];
        wanted = true;
      }
    }
    if (d != NULL && wanted) {
      strata_error rc = set_visit(d, only, nonly, list, n, depth + 1);
      if (rc != STRATA_E_OK) {
        return rc;
      }
    }
  }
  const pbc_file **grown = realloc(*list, (*n + 1) * sizeof *grown);
  if (grown == NULL) {
    return STRATA_E_NOMEM;
  }
  *list = grown;
  (*list)[(*n)++] = f;
  return STRATA_E_OK;
}

char *strata_proto_serialized(const strata_schema *schema) {
  if (schema == NULL || strata_schema_get_type(schema) != STRATA_SCHEMA_PROTOBUF) {
    return NULL;
  }
  const pbc_file *file = scm_schema_model(schema);
  size_t size = google__protobuf__file_descriptor_proto__get_packed_size(file->proto);
  uint8_t *bytes = malloc(size + 1);
  char *text = NULL;
  if (bytes != NULL) {
    google__protobuf__file_descriptor_proto__pack(file->proto, bytes);
    text = b64_encode(bytes, size);
  }
  free(bytes);
  return text;
}

strata_error strata_proto_descriptor_set(const strata_schema *const *files, size_t nfiles,
                                         bool include_imports, uint8_t **out, size_t *len) {
  strata_error rc = STRATA_E_OK;
  const pbc_file **list = NULL;
  const pbc_file **inputs = NULL;
  size_t n = 0;
  Google__Protobuf__FileDescriptorSet set = GOOGLE__PROTOBUF__FILE_DESCRIPTOR_SET__INIT;

  if (out == NULL || len == NULL || (files == NULL && nfiles > 0)) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  *out = NULL;
  *len = 0;
  inputs = calloc(nfiles + 1, sizeof *inputs);
  if (inputs == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < nfiles; i++) {
    if (files[i] == NULL || strata_schema_get_type(files[i]) != STRATA_SCHEMA_PROTOBUF) {
      rc = STRATA_E_INVALID_ARGUMENT;
      goto cleanup;
    }
    inputs[i] = scm_schema_model(files[i]);
  }
  /* as protoc: dependencies before dependents, each file once */
  for (size_t i = 0; i < nfiles; i++) {
    rc = set_visit(inputs[i], include_imports ? NULL : inputs, nfiles, &list, &n, 0);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
  }
  set.n_file = n;
  set.file = calloc(n + 1, sizeof *set.file);
  if (set.file == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    set.file[i] = list[i]->proto;
  }
  size_t size = google__protobuf__file_descriptor_set__get_packed_size(&set);
  *out = malloc(size + 1);
  if (*out == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  *len = google__protobuf__file_descriptor_set__pack(&set, *out);

cleanup:
  free(set.file);
  free(list);
  free(inputs);
  return rc;
}
