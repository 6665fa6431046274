/*
 * avro_check.c - Avro reader/writer compatibility, following the resolution
 * rules of the specification exactly as Java's SchemaCompatibility applies
 * them (the checker Confluent's registry runs): the same incompatibility
 * types, locations (JSON pointers), messages and order, memoisation of
 * pairs of named types so recursive schemas terminate, and every issue
 * reported rather than the first. Union branches are tried in a verdict-only
 * mode that stops at the first issue and formats nothing.
 *
 * BACKWARD reads old data with the new schema (reader = new, writer = old);
 * FORWARD reads new data with an old schema (reader = old, writer = new).
 */
#include "avro_model.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum chk_code {
  CHK_NAME_MISMATCH,
  CHK_FIXED_SIZE_MISMATCH,
  CHK_MISSING_ENUM_SYMBOLS,
  CHK_READER_FIELD_MISSING_DEFAULT_VALUE,
  CHK_TYPE_MISMATCH,
  CHK_MISSING_UNION_BRANCH,
  CHK_AMBIGUOUS_FIELD_ALIAS
} chk_code;

static const char *const chk_code_names[] = {
    "NAME_MISMATCH",         "FIXED_SIZE_MISMATCH",
    "MISSING_ENUM_SYMBOLS",  "READER_FIELD_MISSING_DEFAULT_VALUE",
    "TYPE_MISMATCH",         "MISSING_UNION_BRANCH",
    "AMBIGUOUS_FIELD_ALIAS",
};

typedef struct chk_issue {
  chk_code code;
  char *location;
  char *detail;
  char *message;
} chk_issue;

/* A growable array of pointers. */
typedef struct ptr_vec {
  void **items;
  size_t len;
  size_t cap;
} ptr_vec;

typedef enum memo_state {
  MEMO_EMPTY,
  MEMO_IN_PROGRESS,
  /* computed in full: the issues are a range of memo_store */
  MEMO_DONE,
  /* only the verdict is known, from a trial */
  MEMO_VERDICT_OK,
  MEMO_VERDICT_FAIL
} memo_state;

typedef struct memo_entry {
  const sav_node *reader;
  const sav_node *writer;
  memo_state state;
  /* the pair's issues: a range of chk_ctx.memo_store */
  size_t start;
  size_t count;
} memo_entry;

typedef struct chk_ctx {
  /* "new" or "old" */
  const char *reader_label;
  const char *writer_label;
  /* location tokens; a nested check starts a fresh location at `base` */
  const char **tokens;
  size_t ntokens;
  size_t tokens_cap;
  /* pushes that failed for lack of memory, so pops stay balanced */
  size_t tokens_lost;
  size_t base;
  /* names of the reader fields being descended, for messages */
  ptr_vec field_names;
  /* issues of the calls in progress: each call's result is a suffix */
  ptr_vec out;
  /* every issue allocated, and every index token formatted, for freeing */
  ptr_vec all;
  ptr_vec strings;
  /* memoised pair results */
  memo_entry *memo;
  size_t memo_cap;
  size_t memo_count;
  ptr_vec memo_store;
  /* in a trial (a union branch being tried) only the verdict matters: the
   * first issue ends the trial and nothing is formatted */
  bool trial;
  bool trial_failed;
  bool failed;  /* out of memory */
  bool aborted; /* Java would have thrown: one issue replaces the result */
  chk_issue *abort_issue;
} chk_ctx;

static bool vec_push(chk_ctx *ctx, ptr_vec *vec, void *item) {
  if (vec->len == vec->cap) {
    size_t cap = vec->cap ? vec->cap * 2 : 16;
    void **grown = realloc(vec->items, cap * sizeof *grown);
    if (grown == NULL) {
      ctx->failed = true;
      return false;
    }
    vec->items = grown;
    vec->cap = cap;
  }
  vec->items[vec->len++] = item;
  return true;
}

static void token_push(chk_ctx *ctx, const char *token) {
  if (ctx->ntokens == ctx->tokens_cap) {
    size_t cap = ctx->tokens_cap ? ctx->tokens_cap * 2 : 32;
    const char **grown = realloc(ctx->tokens, cap * sizeof *grown);
    if (grown == NULL) {
      ctx->failed = true;
      ctx->tokens_lost++;
      return;
    }
    ctx->tokens = grown;
    ctx->tokens_cap = cap;
  }
  ctx->tokens[ctx->ntokens++] = token;
}

static void token_pop(chk_ctx *ctx) {
  if (ctx->tokens_lost > 0) {
    ctx->tokens_lost--;
  } else if (ctx->ntokens > 0) {
    ctx->ntokens--;
  }
}

/* Index tokens "0".."SMALL_INDEXES-1", formatted once per process. */
#define SMALL_INDEXES 4096
static char small_index_text[SMALL_INDEXES][6];
static pthread_once_t small_index_once = PTHREAD_ONCE_INIT;

static void small_index_init(void) {
  for (int i = 0; i < SMALL_INDEXES; i++) {
    snprintf(small_index_text[i], sizeof small_index_text[i], "%d", i);
  }
}

static const char *index_token(chk_ctx *ctx, size_t i) {
  if (i < SMALL_INDEXES) {
    pthread_once(&small_index_once, small_index_init);
    return small_index_text[i];
  }
  char *text = malloc(24);
  if (text == NULL) {
    ctx->failed = true;
    return "?";
  }
  snprintf(text, 24, "%zu", i);
  if (!vec_push(ctx, &ctx->strings, text)) {
    free(text);
    return "?";
  }
  return text;
}

/* In a trial, notes the failure and returns true: the caller formats nothing. */
static bool trial_fail(chk_ctx *ctx) {
  if (ctx->trial) {
    ctx->trial_failed = true;
    return true;
  }
  return false;
}

/* The current location as Java's getLocation() renders it. */
static char *location_text(const chk_ctx *ctx, const char *extra) {
  sjw_buf buf = SJW_BUF_INIT;
  sjw_putc(&buf, '/');
  bool first = true;
  for (size_t i = ctx->base; i <= ctx->ntokens; i++) {
    const char *token = i < ctx->ntokens ? ctx->tokens[i] : extra;
    if (token == NULL) {
      continue;
    }
    if (!first) {
      sjw_putc(&buf, '/');
    }
    first = false;
    for (const char *p = token; *p != '\0'; p++) {
      if (*p == '~') {
        sjw_puts(&buf, "~0");
      } else if (*p == '/') {
        sjw_puts(&buf, "~1");
      } else {
        sjw_putc(&buf, *p);
      }
    }
  }
  return sjw_take(&buf);
}

/* "field 'a.b'" or "the top-level schema", naming where an issue is. */
static void write_subject(sjw_buf *buf, const chk_ctx *ctx, const char *extra_field) {
  if (ctx->field_names.len == 0 && extra_field == NULL) {
    sjw_puts(buf, "the top-level schema");
    return;
  }
  sjw_puts(buf, "field '");
  for (size_t i = 0; i < ctx->field_names.len; i++) {
    if (i > 0) {
      sjw_putc(buf, '.');
    }
    sjw_puts(buf, ctx->field_names.items[i]);
  }
  if (extra_field != NULL) {
    if (ctx->field_names.len > 0) {
      sjw_putc(buf, '.');
    }
    sjw_puts(buf, extra_field);
  }
  sjw_putc(buf, '\'');
}

/* Records an issue at the current location (plus @p extra token) on the output. */
static chk_issue *issue_add(chk_ctx *ctx, chk_code code, const char *extra, const char *detail,
                            sjw_buf *message) {
  chk_issue *issue = calloc(1, sizeof *issue);
  if (issue == NULL || !vec_push(ctx, &ctx->all, issue)) {
    free(issue);
    sjw_release(message);
    ctx->failed = true;
    return NULL;
  }
  issue->code = code;
  issue->location = location_text(ctx, extra);
  issue->detail = strdup(detail);
  issue->message = sjw_take(message);
  if (issue->location == NULL || issue->detail == NULL || issue->message == NULL) {
    ctx->failed = true;
    return NULL;
  }
  if (!vec_push(ctx, &ctx->out, issue)) {
    return NULL;
  }
  return issue;
}

/* ---- memo of (reader, writer) pairs ------------------------------------------------ */

static size_t pair_hash(const sav_node *r, const sav_node *w) {
  uint64_t v = (uint64_t)(uintptr_t)r * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)w;
  v ^= v >> 31;
  v *= 0xBF58476D1CE4E5B9ULL;
  v ^= v >> 29;
  return (size_t)v;
}

static memo_entry *memo_find(chk_ctx *ctx, const sav_node *r, const sav_node *w, bool insert) {
  if (insert && (ctx->memo_count + 1) * 2 > ctx->memo_cap) {
    size_t cap = ctx->memo_cap ? ctx->memo_cap * 2 : 64;
    memo_entry *table = calloc(cap, sizeof *table);
    if (table == NULL) {
      ctx->failed = true;
      return NULL;
    }
    for (size_t i = 0; i < ctx->memo_cap; i++) {
      memo_entry *e = &ctx->memo[i];
      if (e->state != MEMO_EMPTY) {
        size_t j = pair_hash(e->reader, e->writer) & (cap - 1);
        while (table[j].state != MEMO_EMPTY) {
          j = (j + 1) & (cap - 1);
        }
        table[j] = *e;
      }
    }
    free(ctx->memo);
    ctx->memo = table;
    ctx->memo_cap = cap;
  }
  if (ctx->memo_cap == 0) {
    return NULL;
  }
  size_t mask = ctx->memo_cap - 1;
  for (size_t i = pair_hash(r, w) & mask;; i = (i + 1) & mask) {
    memo_entry *e = &ctx->memo[i];
    if (e->state == MEMO_EMPTY) {
      if (!insert) {
        return NULL;
      }
      e->reader = r;
      e->writer = w;
      ctx->memo_count++;
      return e;
    }
    if (e->reader == r && e->writer == w) {
      return e;
    }
  }
}

/* ---- the checker ------------------------------------------------------------------- */

static void check_pair(chk_ctx *ctx, const char *token, const sav_node *reader,
                       const sav_node *writer);

/* Java's nested getCompatibility(reader, writer): a check with a fresh
 * location whose issues are dropped; only whether it passes is kept. */
static bool compatible_alone(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  size_t saved_base = ctx->base;
  bool saved_trial = ctx->trial;
  bool saved_failed = ctx->trial_failed;
  size_t mark = ctx->out.len;

  ctx->base = ctx->ntokens;
  ctx->trial = true;
  ctx->trial_failed = false;
  check_pair(ctx, NULL, reader, writer);
  bool compatible = !ctx->trial_failed && ctx->out.len == mark;
  if (!ctx->aborted) {
    ctx->out.len = mark;
  }
  ctx->base = saved_base;
  ctx->trial = saved_trial;
  ctx->trial_failed = saved_failed;
  return compatible;
}

static void type_mismatch(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  if (trial_fail(ctx)) {
    return;
  }
  char detail[128];
  sjw_buf msg = SJW_BUF_INIT;
  snprintf(detail, sizeof detail, "reader type: %s not compatible with writer type: %s",
           sav_kind_java_name(reader->kind), sav_kind_java_name(writer->kind));
  write_subject(&msg, ctx, NULL);
  sjw_printf(&msg,
             " is %s in the %s schema but %s in the %s schema, and %s data cannot be read as %s",
             sav_is_named(reader->kind) ? reader->fullname : sav_kind_name(reader->kind),
             ctx->reader_label,
             sav_is_named(writer->kind) ? writer->fullname : sav_kind_name(writer->kind),
             ctx->writer_label, sav_kind_name(writer->kind), sav_kind_name(reader->kind));
  issue_add(ctx, CHK_TYPE_MISMATCH, NULL, detail, &msg);
}

static void missing_union_branch(chk_ctx *ctx, const sav_node *writer_branch) {
  if (trial_fail(ctx)) {
    return;
  }
  char detail[128];
  sjw_buf msg = SJW_BUF_INIT;
  snprintf(detail, sizeof detail, "reader union lacking writer type: %s",
           sav_kind_java_name(writer_branch->kind));
  write_subject(&msg, ctx, NULL);
  sjw_printf(&msg,
             ": the union in the %s schema has no branch that can read %s written by the %s "
             "schema",
             ctx->reader_label,
             sav_is_named(writer_branch->kind) ? writer_branch->fullname
                                               : sav_kind_name(writer_branch->kind),
             ctx->writer_label);
  issue_add(ctx, CHK_MISSING_UNION_BRANCH, NULL, detail, &msg);
}

/* Unqualified names equal, or the writer's full name among the reader's aliases. */
static bool names_match(const sav_node *reader, const sav_node *writer) {
  if (strcmp(reader->name, writer->name) == 0) {
    return true;
  }
  for (size_t i = 0; i < reader->naliases; i++) {
    if (strcmp(reader->aliases[i], writer->fullname) == 0) {
      return true;
    }
  }
  return false;
}

/* NAME_MISMATCH at /name unless names_match(). */
static void check_names(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  if (names_match(reader, writer)) {
    return;
  }
  if (trial_fail(ctx)) {
    return;
  }
  char *detail = malloc(strlen(writer->fullname) + 16);
  sjw_buf msg = SJW_BUF_INIT;
  if (detail == NULL) {
    ctx->failed = true;
    return;
  }
  sprintf(detail, "expected: %s", writer->fullname);
  write_subject(&msg, ctx, NULL);
  sjw_printf(&msg,
             ": the %s schema names the %s '%s' where the %s schema has '%s'; the names "
             "differ and '%s' is not among its aliases",
             ctx->reader_label, sav_kind_name(reader->kind), reader->fullname, ctx->writer_label,
             writer->fullname, writer->fullname);
  issue_add(ctx, CHK_NAME_MISMATCH, "name", detail, &msg);
  free(detail);
}

static void check_fixed(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  check_names(ctx, reader, writer);
  if (reader->size != writer->size && !trial_fail(ctx)) {
    char detail[96];
    sjw_buf msg = SJW_BUF_INIT;
    snprintf(detail, sizeof detail, "expected: %lld, found: %lld", writer->size, reader->size);
    write_subject(&msg, ctx, NULL);
    sjw_printf(&msg, ": fixed '%s' is %lld bytes in the %s schema but %lld bytes in the %s schema",
               reader->fullname, reader->size, ctx->reader_label, writer->size, ctx->writer_label);
    issue_add(ctx, CHK_FIXED_SIZE_MISMATCH, "size", detail, &msg);
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_enum(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  const char **missing = NULL;
  size_t nmissing = 0;
  sjw_buf detail = SJW_BUF_INIT;
  sjw_buf msg = SJW_BUF_INIT;

  check_names(ctx, reader, writer);
  if (writer->nsymbols > 0) {
    missing = malloc(writer->nsymbols * sizeof *missing);
    if (missing == NULL) {
      ctx->failed = true;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < writer->nsymbols; i++) {
    bool found = false;
    for (size_t j = 0; j < reader->nsymbols && !found; j++) {
      found = strcmp(writer->symbols[i], reader->symbols[j]) == 0;
    }
    if (!found) {
      missing[nmissing++] = writer->symbols[i];
    }
  }
  /* a reader default (always one of its symbols after validation) absorbs them */
  if (nmissing == 0 || reader->enum_default != NULL || trial_fail(ctx)) {
    goto cleanup;
  }
  qsort(missing, nmissing, sizeof *missing, cmp_str);
  sjw_putc(&detail, '[');
  for (size_t i = 0; i < nmissing; i++) {
    sjw_puts(&detail, i > 0 ? ", " : "");
    sjw_puts(&detail, missing[i]);
  }
  sjw_putc(&detail, ']');
  write_subject(&msg, ctx, NULL);
  sjw_printf(&msg,
             ": enum '%s' in the %s schema lacks the symbols %s that the %s schema may "
             "write, and has no default symbol to read them as",
             reader->fullname, ctx->reader_label, detail.data != NULL ? detail.data : "",
             ctx->writer_label);
  if (!detail.failed) {
    issue_add(ctx, CHK_MISSING_ENUM_SYMBOLS, "symbols", detail.data, &msg);
  } else {
    ctx->failed = true;
  }

cleanup:
  sjw_release(&detail);
  sjw_release(&msg);
  free(missing);
}

/* Java's lookupWriterField: by name and by each reader alias; more than one
 * match throws. Returns the match (or NULL) and sets *ambiguous. */
static const sav_field *lookup_writer_field(const sav_node *writer, const sav_field *reader_field,
                                            bool *ambiguous) {
  const sav_field *match = sav_record_field(writer, reader_field->name);
  size_t matches = match != NULL ? 1 : 0;
  for (size_t i = 0; i < reader_field->naliases; i++) {
    const sav_field *f = sav_record_field(writer, reader_field->aliases[i]);
    if (f != NULL) {
      match = f;
      matches++;
    }
  }
  *ambiguous = matches > 1;
  return match;
}

static void abort_ambiguous(chk_ctx *ctx, const sav_node *writer, const sav_field *reader_field,
                            size_t pos) {
  sjw_buf detail = SJW_BUF_INIT;
  sjw_buf msg = SJW_BUF_INIT;
  char *writer_json = sav_node_json(writer);
  if (writer_json == NULL) {
    ctx->failed = true;
    goto cleanup;
  }
  /* Java's AvroRuntimeException text, with Field.toString() and the writer record */
  sjw_printf(&detail,
             "Reader record field %s type:%s pos:%zu matches multiple fields in writer "
             "record schema %s",
             reader_field->name, sav_kind_java_name(reader_field->type->kind), pos, writer_json);
  write_subject(&msg, ctx, reader_field->name);
  sjw_printf(&msg,
             " of the %s schema matches fields of the %s schema more than once through its "
             "name and aliases (Java's checker fails on this; remove the extra alias)",
             ctx->reader_label, ctx->writer_label);
  if (detail.failed) {
    ctx->failed = true;
    goto cleanup;
  }
  ctx->abort_issue = issue_add(ctx, CHK_AMBIGUOUS_FIELD_ALIAS, NULL, detail.data, &msg);
  ctx->aborted = true;

cleanup:
  free(writer_json);
  sjw_release(&detail);
  sjw_release(&msg);
}

static void check_record(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  check_names(ctx, reader, writer);
  for (size_t i = 0; i < reader->nfields && !ctx->aborted; i++) {
    const sav_field *rf = &reader->fields[i];
    bool ambiguous = false;
    token_push(ctx, "fields");
    token_push(ctx, index_token(ctx, i));
    const sav_field *wf = lookup_writer_field(writer, rf, &ambiguous);
    if (ambiguous) {
      abort_ambiguous(ctx, writer, rf, i);
    } else if (wf == NULL) {
      if (rf->default_value == NULL) {
        if (rf->type->kind == SAV_ENUM && rf->type->enum_default != NULL) {
          /* Java compares the enum with the writer record itself here */
          vec_push(ctx, &ctx->field_names, rf->name);
          check_pair(ctx, "type", rf->type, writer);
          ctx->field_names.len--;
        } else if (!trial_fail(ctx)) {
          sjw_buf msg = SJW_BUF_INIT;
          write_subject(&msg, ctx, rf->name);
          sjw_printf(&msg,
                     " is in the %s schema without a default value and is missing from the "
                     "%s schema, so there is no value to read for it; give it a default",
                     ctx->reader_label, ctx->writer_label);
          issue_add(ctx, CHK_READER_FIELD_MISSING_DEFAULT_VALUE, NULL, rf->name, &msg);
        }
      }
    } else {
      if (vec_push(ctx, &ctx->field_names, rf->name)) {
        check_pair(ctx, "type", rf->type, wf->type);
        ctx->field_names.len--;
      }
    }
    token_pop(ctx);
    token_pop(ctx);
  }
}

static bool promotable(sav_kind reader, sav_kind writer) {
  switch (reader) {
  case SAV_LONG:
    return writer == SAV_INT;
  case SAV_FLOAT:
    return writer == SAV_INT || writer == SAV_LONG;
  case SAV_DOUBLE:
    return writer == SAV_INT || writer == SAV_LONG || writer == SAV_FLOAT;
  case SAV_BYTES:
    return writer == SAV_STRING;
  case SAV_STRING:
    return writer == SAV_BYTES;
  default:
    return false;
  }
}

/* False when @p reader certainly cannot read @p writer (a non-union): its
 * check would fail at once with TYPE_MISMATCH or NAME_MISMATCH. Trying only
 * the other branches of a reader union gives the same verdict and keeps wide
 * unions of named types from costing a full trial per branch pair. */
static bool may_read(const sav_node *reader, const sav_node *writer) {
  if (reader->kind == writer->kind) {
    return !sav_is_named(reader->kind) || names_match(reader, writer);
  }
  return promotable(reader->kind, writer->kind);
}

static void calculate(chk_ctx *ctx, const sav_node *reader, const sav_node *writer) {
  if (reader->kind == writer->kind) {
    switch (reader->kind) {
    case SAV_ARRAY:
      check_pair(ctx, "items", reader->child, writer->child);
      return;
    case SAV_MAP:
      check_pair(ctx, "values", reader->child, writer->child);
      return;
    case SAV_FIXED:
      check_fixed(ctx, reader, writer);
      return;
    case SAV_ENUM:
      check_enum(ctx, reader, writer);
      return;
    case SAV_RECORD:
      check_record(ctx, reader, writer);
      return;
    case SAV_UNION:
      /* every writer branch must be readable by the reader union */
      for (size_t i = 0; i < writer->nbranches && !ctx->aborted; i++) {
        token_push(ctx, index_token(ctx, i));
        if (!compatible_alone(ctx, reader, writer->branches[i])) {
          missing_union_branch(ctx, writer->branches[i]);
        }
        token_pop(ctx);
      }
      return;
    default:
      return; /* same primitive */
    }
  }
  if (writer->kind == SAV_UNION) {
    /* each branch the writer may use must be readable */
    for (size_t i = 0; i < writer->nbranches && !ctx->aborted; i++) {
      check_pair(ctx, index_token(ctx, i), reader, writer->branches[i]);
    }
    return;
  }
  if (reader->kind == SAV_UNION) {
    for (size_t i = 0; i < reader->nbranches && !ctx->aborted; i++) {
      if (may_read(reader->branches[i], writer) &&
          compatible_alone(ctx, reader->branches[i], writer)) {
        return;
      }
    }
    missing_union_branch(ctx, writer);
    return;
  }
  if (!promotable(reader->kind, writer->kind)) {
    type_mismatch(ctx, reader, writer);
  }
}

/* Java's getCompatibility(token, reader, writer, location). Pairs of named
 * types are memoised by identity (only named types are shared, so this is
 * what makes recursive schemas terminate); a pair already in progress counts
 * as compatible. */
static void check_pair(chk_ctx *ctx, const char *token, const sav_node *reader,
                       const sav_node *writer) {
  memo_entry *memo = NULL;
  bool memoise = sav_is_named(reader->kind) && sav_is_named(writer->kind);

  if (ctx->failed || ctx->aborted || (ctx->trial && ctx->trial_failed)) {
    return;
  }
  if (token != NULL) {
    token_push(ctx, token);
  }
  if (memoise) {
    memo = memo_find(ctx, reader, writer, true);
    if (memo == NULL || memo->state == MEMO_IN_PROGRESS) {
      goto done;
    }
    if (memo->state == MEMO_DONE) {
      if (ctx->trial) {
        ctx->trial_failed = memo->count > 0;
      } else {
        for (size_t i = 0; i < memo->count; i++) {
          vec_push(ctx, &ctx->out, ctx->memo_store.items[memo->start + i]);
        }
      }
      goto done;
    }
    if (ctx->trial && memo->state != MEMO_EMPTY) {
      ctx->trial_failed = memo->state == MEMO_VERDICT_FAIL;
      goto done;
    }
    memo->state = MEMO_IN_PROGRESS;
  }
  size_t mark = ctx->out.len;
  calculate(ctx, reader, writer);
  if (!memoise || ctx->failed) {
    goto done;
  }
  /* the table may have grown: find the entry again */
  memo = memo_find(ctx, reader, writer, false);
  if (memo == NULL) {
    goto done;
  }
  if (ctx->trial) {
    memo->state = ctx->trial_failed ? MEMO_VERDICT_FAIL : MEMO_VERDICT_OK;
    goto done;
  }
  memo->state = MEMO_DONE;
  memo->start = ctx->memo_store.len;
  memo->count = ctx->out.len - mark;
  for (size_t i = mark; i < ctx->out.len; i++) {
    vec_push(ctx, &ctx->memo_store, ctx->out.items[i]);
  }

done:
  if (token != NULL) {
    token_pop(ctx);
  }
}

static void ctx_release(chk_ctx *ctx) {
  for (size_t i = 0; i < ctx->all.len; i++) {
    chk_issue *issue = ctx->all.items[i];
    free(issue->location);
    free(issue->detail);
    free(issue->message);
    free(issue);
  }
  for (size_t i = 0; i < ctx->strings.len; i++) {
    free(ctx->strings.items[i]);
  }
  free(ctx->strings.items);
  free(ctx->all.items);
  free(ctx->out.items);
  free(ctx->field_names.items);
  free(ctx->memo_store.items);
  free(ctx->memo);
  free(ctx->tokens);
}

strata_error sav_check(const void *new_model, const void *old_model, strata_compat_direction dir,
                       scm_sink *sink) {
  strata_error rc = STRATA_E_OK;
  const sav_schema *new_schema = new_model;
  const sav_schema *old_schema = old_model;
  const sav_node *reader = dir == STRATA_DIRECTION_BACKWARD ? new_schema->root : old_schema->root;
  const sav_node *writer = dir == STRATA_DIRECTION_BACKWARD ? old_schema->root : new_schema->root;
  chk_ctx ctx = {0};

  ctx.reader_label = dir == STRATA_DIRECTION_BACKWARD ? "new" : "old";
  ctx.writer_label = dir == STRATA_DIRECTION_BACKWARD ? "old" : "new";
  check_pair(&ctx, NULL, reader, writer);
  if (ctx.failed) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  if (ctx.aborted && ctx.abort_issue != NULL) {
    const chk_issue *issue = ctx.abort_issue;
    rc = scm_sink_add(sink, chk_code_names[issue->code], issue->location, issue->message,
                      issue->detail);
    goto cleanup;
  }
  for (size_t i = 0; i < ctx.out.len && rc == STRATA_E_OK; i++) {
    const chk_issue *issue = ctx.out.items[i];
    rc = scm_sink_add(sink, chk_code_names[issue->code], issue->location, issue->message,
                      issue->detail);
  }

cleanup:
  ctx_release(&ctx);
  return rc;
}

/* ---- Confluent's verbose message entries ---------------------------------------------- */

void sav_confluent_entry(const strata_compat_issue *issue, sjw_buf *out) {
  /* BACKWARD: the first placeholder is the new schema; FORWARD: the old one. */
  const char *first = issue->direction == STRATA_DIRECTION_BACKWARD ? "new" : "old";
  const char *second = issue->direction == STRATA_DIRECTION_BACKWARD ? "old" : "new";
  const char *code = issue->code;
  const char *loc = issue->path;

  if (strcmp(code, "AMBIGUOUS_FIELD_ALIAS") == 0) {
    sjw_printf(out, "Unexpected exception during compatibility check: %s", issue->detail);
    return;
  }
  sjw_printf(out, "{errorType:'%s', description:'", code);
  if (strcmp(code, "FIXED_SIZE_MISMATCH") == 0) {
    sjw_printf(out,
               "The size of FIXED type field at path '%s' in the %s schema does not match "
               "with the %s schema",
               loc, first, second);
  } else if (strcmp(code, "TYPE_MISMATCH") == 0) {
    sjw_printf(out,
               "The type (path '%s') of a field in the %s schema does not match with the %s "
               "schema",
               loc, first, second);
  } else if (strcmp(code, "NAME_MISMATCH") == 0) {
    sjw_printf(out, "The name of the schema has changed (path '%s')", loc);
  } else if (strcmp(code, "MISSING_ENUM_SYMBOLS") == 0) {
    sjw_printf(out, "The %s schema is missing enum symbols '%s' at path '%s' in the %s schema",
               first, issue->detail, loc, second);
  } else if (strcmp(code, "MISSING_UNION_BRANCH") == 0) {
    sjw_printf(out,
               "The %s schema is missing a type inside a union field at path '%s' in the %s "
               "schema",
               first, loc, second);
  } else if (strcmp(code, "READER_FIELD_MISSING_DEFAULT_VALUE") == 0) {
    sjw_printf(out,
               "The field '%s' at path '%s' in the %s schema has no default value and is "
               "missing in the %s schema",
               issue->detail, loc, first, second);
  }
  sjw_printf(out, "', additionalInfo:'%s'}", issue->detail);
}
