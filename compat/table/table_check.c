/*
 * table_check.c - compatibility of two table schemas, from the rule table of
 * spec/tables-and-migrations.md §5.4, in three directions:
 *
 *   BACKWARD  new readers <- old data: every row valid under the old schema
 *             is valid and readable under the new one;
 *   FORWARD   old readers <- new data: consumers built for the old schema can
 *             read what the new table holds (SQL has no reader-side default,
 *             so a dropped column breaks them);
 *   WRITER    old writers -> new table: INSERTs and UPDATEs of producers built
 *             for the old schema still succeed.
 *
 * Each change is one finding with a stable code, a JSON pointer
 * (/columns/<name>, /primaryKey, /unique/<name>, /checks/<name>,
 * /foreignKeys/<name>, /enums/<name>, /name), the set of directions it
 * breaks, and per direction the reason. Conditional rows of the table
 * (column order, collation) are not reported: the contract is name-based.
 */
#include "table_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chk_ctx {
  strata_compat_direction dir;
  scm_sink *sink;
  strata_error rc;
} chk_ctx;

/* Appends @p s to @p out as a JSON-pointer segment (~ -> ~0, / -> ~1). */
static void pointer(char *out, size_t size, const char *prefix, const char *s) {
  size_t at = (size_t)snprintf(out, size, "%s/", prefix);
  for (; *s != '\0' && at + 3 < size; s++) {
    if (*s == '~' || *s == '/') {
      out[at++] = '~';
      out[at++] = *s == '~' ? '0' : '1';
    } else {
      out[at++] = *s;
    }
  }
  out[at < size ? at : size - 1] = '\0';
}

/*
 * Records a finding when it breaks the direction being checked: the message
 * is "<what>: <reason for this direction>", the detail is <what>. The
 * reasons are given in B, F, W order; NULL where the change is compatible.
 */
static void emit(chk_ctx *ctx, const char *code, const char *path, const char *what,
                 const char *why_b, const char *why_f, const char *why_w) {
  const char *why = ctx->dir == STRATA_DIRECTION_BACKWARD  ? why_b
                    : ctx->dir == STRATA_DIRECTION_FORWARD ? why_f
                                                           : why_w;
  if (ctx->rc != STRATA_E_OK || why == NULL) {
    return;
  }
  size_t len = strlen(what) + strlen(why) + 3;
  char *message = malloc(len);
  if (message == NULL) {
    ctx->rc = STRATA_E_NOMEM;
    return;
  }
  snprintf(message, len, "%s: %s", what, why);
  ctx->rc = scm_sink_add(ctx->sink, code, path, message, what);
  free(message);
}

/* A new "%s"-formatted string; NULL when out of memory (the caller checks ctx->rc). */
static char *fmt(chk_ctx *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
static char *fmt(chk_ctx *ctx, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(NULL, 0, format, ap);
  va_end(ap);
  char *out = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (out == NULL) {
    ctx->rc = STRATA_E_NOMEM;
    return NULL;
  }
  va_start(ap, format);
  vsnprintf(out, (size_t)n + 1, format, ap);
  va_end(ap);
  return out;
}

/* "a, b" for a list of names: a new string. */
static char *joined(chk_ctx *ctx, const stb_names *names) {
  size_t len = 1;
  for (size_t i = 0; i < names->n; i++) {
    len += strlen(names->v[i]) + 2;
  }
  char *out = calloc(1, len);
  if (out == NULL) {
    ctx->rc = STRATA_E_NOMEM;
    return NULL;
  }
  for (size_t i = 0; i < names->n; i++) {
    if (i > 0) {
      strcat(out, ", ");
    }
    strcat(out, names->v[i]);
  }
  return out;
}

/* ---- types: the widening lattice ---- */

typedef enum type_change {
  TYPE_SAME,
  TYPE_WIDENED,
  TYPE_NARROWED,
  TYPE_CHANGED
} type_change;

typedef enum type_family {
  FAM_OTHER,
  FAM_INT,
  FAM_FLOAT,
  FAM_NUMERIC,
  FAM_STRING,
  FAM_CHAR,
  FAM_BIT_VARYING,
  FAM_TIMESTAMP,
  FAM_TIMESTAMPTZ,
  FAM_TIME,
  FAM_TIMETZ
} type_family;

/* The family of a type and its size within it; a size of -1 means unbounded. */
static type_family family_of(const stb_type *t, long *size) {
  static const struct {
    const char *base;
    type_family family;
    long rank;
  } ranked[] = {{"smallint", FAM_INT, 1},
                {"integer", FAM_INT, 2},
                {"bigint", FAM_INT, 3},
                {"real", FAM_FLOAT, 1},
                {"double precision", FAM_FLOAT, 2},
                {"text", FAM_STRING, -1}};
  static const struct {
    const char *base;
    type_family family;
    long unbounded;
  } sized[] = {{"character varying", FAM_STRING, -1},
               {"character", FAM_CHAR, -1},
               {"bit varying", FAM_BIT_VARYING, -1},
               {"timestamp without time zone", FAM_TIMESTAMP, 6},
               {"timestamp with time zone", FAM_TIMESTAMPTZ, 6},
               {"time without time zone", FAM_TIME, 6},
               {"time with time zone", FAM_TIMETZ, 6}};
  for (size_t i = 0; i < sizeof ranked / sizeof ranked[0]; i++) {
    if (strcmp(t->base, ranked[i].base) == 0) {
      *size = ranked[i].rank;
      return ranked[i].family;
    }
  }
  for (size_t i = 0; i < sizeof sized / sizeof sized[0]; i++) {
    if (strcmp(t->base, sized[i].base) == 0) {
      *size = t->nmods > 0 ? t->mods[0] : sized[i].unbounded;
      return sized[i].family;
    }
  }
  if (strcmp(t->base, "numeric") == 0) {
    *size = t->nmods > 0 ? t->mods[0] : -1;
    return FAM_NUMERIC;
  }
  *size = 0;
  return FAM_OTHER;
}

static type_change compare_types(const stb_type *old, const stb_type *new_type) {
  if (strcmp(old->text, new_type->text) == 0) {
    return TYPE_SAME;
  }
  if (old->array_dims != new_type->array_dims) {
    return TYPE_CHANGED;
  }
  long old_size = 0;
  long new_size = 0;
  type_family f_old = family_of(old, &old_size);
  type_family f_new = family_of(new_type, &new_size);
  if (f_old != f_new || f_old == FAM_OTHER) {
    return TYPE_CHANGED;
  }
  if (f_old == FAM_NUMERIC && old_size >= 0 && new_size >= 0) {
    /* numeric(p,s) -> numeric(p',s'): only a precision change at the same scale is ordered */
    int old_scale = old->nmods > 1 ? old->mods[1] : 0;
    int new_scale = new_type->nmods > 1 ? new_type->mods[1] : 0;
    if (old_scale != new_scale) {
      return TYPE_CHANGED;
    }
  }
  if (old_size == new_size) {
    return TYPE_SAME; /* varchar = text, timestamp = timestamp(6) */
  }
  if (old_size < 0) {
    return TYPE_NARROWED;
  }
  if (new_size < 0) {
    return TYPE_WIDENED;
  }
  return new_size > old_size ? TYPE_WIDENED : TYPE_NARROWED;
}

/* ---- the rules ---- */

static bool fills_itself(const stb_column *c) {
  return c->default_expr != NULL || c->identity != NULL || c->generated != NULL;
}

static void check_table_name(chk_ctx *ctx, const stb_table *new_t, const stb_table *old) {
  if (strcmp(new_t->name, old->name) == 0) {
    return;
  }
  char *what = fmt(ctx, "table \"%s\" was renamed to \"%s\"", old->name, new_t->name);
  char *why_f = fmt(ctx, "readers built for the old schema still query \"%s\"", old->name);
  char *why_w = fmt(ctx, "writers built for the old schema still write to \"%s\"", old->name);
  if (what != NULL && why_f != NULL && why_w != NULL) {
    emit(ctx, "TABLE_RENAMED", "/name", what,
         "readers of the new schema query a name under which the old data does not exist", why_f,
         why_w);
  }
  free(what);
  free(why_f);
  free(why_w);
}

static void report_rename(chk_ctx *ctx, const stb_column *old_c, const stb_column *new_c) {
  char path[300];
  pointer(path, sizeof path, "/columns", old_c->name);
  char *what = fmt(ctx,
                   "column \"%s\" was dropped and column \"%s\" of the same type (%s) was added: "
                   "probably a rename",
                   old_c->name, new_c->name, new_c->type.text);
  char *why_b =
      fmt(ctx, "readers of the new schema select \"%s\", which old rows do not have", new_c->name);
  char *why_f = fmt(ctx, "readers built for the old schema still select \"%s\"", old_c->name);
  char *why_w = fmt(ctx, "writers built for the old schema still write \"%s\"", old_c->name);
  if (what != NULL && why_b != NULL && why_f != NULL && why_w != NULL) {
    emit(ctx, "COLUMN_RENAMED", path, what, why_b, why_f, why_w);
  }
  free(what);
  free(why_b);
  free(why_f);
  free(why_w);
}

static void check_common_column(chk_ctx *ctx, const stb_column *old_c, const stb_column *new_c) {
  char path[300];
  char *what = NULL;
  pointer(path, sizeof path, "/columns", old_c->name);

  type_change change = compare_types(&old_c->type, &new_c->type);
  if (change != TYPE_SAME) {
    static const char *const verbs[] = {"", "widened", "narrowed", "changed"};
    what = fmt(ctx, "the type of column \"%s\" was %s from %s to %s", old_c->name, verbs[change],
               old_c->type.text, new_c->type.text);
    char *why_f = fmt(ctx, "readers built for the old schema expect %s values", old_c->type.text);
    char *why_w = fmt(ctx, "writers built for the old schema may write values that do not fit %s",
                      new_c->type.text);
    if (what != NULL && why_f != NULL && why_w != NULL) {
      if (change == TYPE_WIDENED) {
        emit(ctx, "COLUMN_TYPE_WIDENED", path, what, NULL,
             "readers built for the old schema may receive values that do not fit their type",
             NULL);
      } else if (change == TYPE_NARROWED) {
        emit(ctx, "COLUMN_TYPE_NARROWED", path, what,
             "existing values may not fit the new type (the ALTER fails or truncates)", NULL,
             why_w);
      } else {
        emit(ctx, "COLUMN_TYPE_CHANGED", path, what,
             "existing values change representation or meaning", why_f,
             "writers built for the old schema write values of the old type");
      }
    }
    free(why_f);
    free(why_w);
    free(what);
    what = NULL;
  }
  if (!old_c->not_null && new_c->not_null) {
    what = fmt(ctx, "column \"%s\" was made NOT NULL", old_c->name);
    if (what != NULL) {
      emit(ctx, "COLUMN_MADE_NOT_NULL", path, what, "existing rows may hold NULL in it", NULL,
           "writers built for the old schema may write NULL into it");
    }
  } else if (old_c->not_null && !new_c->not_null) {
    what = fmt(ctx, "column \"%s\" was made nullable", old_c->name);
    if (what != NULL) {
      emit(ctx, "COLUMN_MADE_NULLABLE", path, what, NULL,
           "readers built for the old schema assume it is never NULL", NULL);
    }
  }
  free(what);
  what = NULL;
  if (old_c->default_expr != NULL && new_c->default_expr == NULL && new_c->not_null &&
      new_c->identity == NULL && new_c->generated == NULL) {
    what = fmt(ctx, "the default of NOT NULL column \"%s\" was dropped", old_c->name);
    if (what != NULL) {
      emit(ctx, "COLUMN_DEFAULT_DROPPED", path, what, NULL, NULL,
           "writers built for the old schema that omit it relied on the default and now "
           "violate NOT NULL");
    }
  }
  free(what);
  what = NULL;
  if (old_c->generated == NULL && new_c->generated != NULL) {
    what = fmt(ctx, "column \"%s\" became a generated column", old_c->name);
    if (what != NULL) {
      emit(ctx, "COLUMN_MADE_GENERATED", path, what, NULL, NULL,
           "writers built for the old schema still write it, and a generated column cannot be "
           "written");
    }
  }
  free(what);
}

static void check_columns(chk_ctx *ctx, const stb_table *new_t, const stb_table *old) {
  /* pair[i] = index of the added new column taken as the rename of dropped old column i */
  int *pair = calloc(old->ncols + 1, sizeof *pair);
  bool *taken = calloc(new_t->ncols + 1, sizeof *taken);
  if (pair == NULL || taken == NULL) {
    ctx->rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  for (size_t i = 0; i < old->ncols; i++) {
    pair[i] = -1;
    if (stb_column_index(new_t, old->cols[i].name) >= 0) {
      continue;
    }
    for (size_t k = 0; k < new_t->ncols; k++) {
      const stb_column *c = &new_t->cols[k];
      if (!taken[k] && stb_column_index(old, c->name) < 0 &&
          strcmp(c->type.text, old->cols[i].type.text) == 0) {
        taken[k] = true;
        pair[i] = (int)k;
        break;
      }
    }
  }
  for (size_t i = 0; i < old->ncols && ctx->rc == STRATA_E_OK; i++) {
    const stb_column *old_c = &old->cols[i];
    int k = stb_column_index(new_t, old_c->name);
    if (k >= 0) {
      check_common_column(ctx, old_c, &new_t->cols[k]);
    } else if (pair[i] >= 0) {
      report_rename(ctx, old_c, &new_t->cols[pair[i]]);
    } else {
      char path[300];
      pointer(path, sizeof path, "/columns", old_c->name);
      char *what = fmt(ctx, "column \"%s\" was dropped", old_c->name);
      if (what != NULL) {
        emit(ctx, "COLUMN_DROPPED", path, what, NULL,
             "readers built for the old schema still select it, and SQL has no reader-side "
             "default",
             "writers built for the old schema still write it");
      }
      free(what);
    }
  }
  for (size_t k = 0; k < new_t->ncols && ctx->rc == STRATA_E_OK; k++) {
    const stb_column *c = &new_t->cols[k];
    if (taken[k] || stb_column_index(old, c->name) >= 0 || !c->not_null || fills_itself(c)) {
      continue;
    }
    char path[300];
    pointer(path, sizeof path, "/columns", c->name);
    char *what = fmt(ctx, "column \"%s\" was added as NOT NULL without a default", c->name);
    if (what != NULL) {
      emit(ctx, "COLUMN_ADDED_REQUIRED", path, what,
           "existing rows have no value for it (the ALTER fails on a non-empty table)", NULL,
           "writers built for the old schema do not supply it, so their INSERTs fail");
    }
    free(what);
  }

cleanup:
  free(pair);
  free(taken);
}

static void check_primary_key(chk_ctx *ctx, const stb_table *new_t, const stb_table *old) {
  bool had = old->pk.name != NULL;
  bool has = new_t->pk.name != NULL;
  char *cols_old = had ? joined(ctx, &old->pk.columns) : NULL;
  char *cols_new = has ? joined(ctx, &new_t->pk.columns) : NULL;
  char *what = NULL;
  if ((had && cols_old == NULL) || (has && cols_new == NULL)) {
    goto cleanup;
  }
  if (!had && has) {
    what = fmt(ctx, "a primary key on (%s) was added", cols_new);
    if (what != NULL) {
      emit(ctx, "PRIMARY_KEY_ADDED", "/primaryKey", what,
           "existing rows may hold duplicates or NULLs in those columns", NULL,
           "writers built for the old schema may write duplicates or NULLs");
    }
  } else if (had && !has) {
    what = fmt(ctx, "the primary key on (%s) was dropped", cols_old);
    if (what != NULL) {
      emit(ctx, "PRIMARY_KEY_DROPPED", "/primaryKey", what, NULL,
           "readers built for the old schema rely on it to key, deduplicate or upsert rows", NULL);
    }
  } else if (had && has && !stb_names_equal(&old->pk.columns, &new_t->pk.columns)) {
    what = fmt(ctx, "the primary key changed from (%s) to (%s)", cols_old, cols_new);
    if (what != NULL) {
      emit(ctx, "PRIMARY_KEY_CHANGED", "/primaryKey", what,
           "existing rows may not be unique on the new key",
           "readers built for the old schema key rows on the old columns",
           "writers built for the old schema upsert on the old key");
    }
  }

cleanup:
  free(what);
  free(cols_old);
  free(cols_new);
}

static bool has_unique(const stb_table *t, const stb_names *cols) {
  for (size_t i = 0; i < t->nuniques; i++) {
    if (stb_names_equal(&t->uniques[i].columns, cols)) {
      return true;
    }
  }
  return false;
}

static void check_uniques(chk_ctx *ctx, const stb_table *a, const stb_table *b, bool added) {
  for (size_t i = 0; i < a->nuniques && ctx->rc == STRATA_E_OK; i++) {
    if (has_unique(b, &a->uniques[i].columns)) {
      continue;
    }
    char path[300];
    pointer(path, sizeof path, "/unique", a->uniques[i].name);
    char *cols = joined(ctx, &a->uniques[i].columns);
    char *what = cols != NULL
                     ? fmt(ctx, "%s UNIQUE constraint \"%s\" on (%s) was %s", added ? "a" : "the",
                           a->uniques[i].name, cols, added ? "added" : "dropped")
                     : NULL;
    if (what != NULL && added) {
      emit(ctx, "UNIQUE_ADDED", path, what, "existing rows may hold duplicates", NULL,
           "writers built for the old schema may write duplicates");
    } else if (what != NULL) {
      emit(ctx, "UNIQUE_DROPPED", path, what, NULL,
           "readers built for the old schema rely on the uniqueness", NULL);
    }
    free(cols);
    free(what);
  }
}

static bool has_check(const stb_table *t, const char *expr) {
  for (size_t i = 0; i < t->nchecks; i++) {
    if (strcmp(t->checks[i].expr, expr) == 0) {
      return true;
    }
  }
  return false;
}

static void check_checks(chk_ctx *ctx, const stb_table *a, const stb_table *b, bool added) {
  for (size_t i = 0; i < a->nchecks && ctx->rc == STRATA_E_OK; i++) {
    if (has_check(b, a->checks[i].expr)) {
      continue;
    }
    char path[300];
    pointer(path, sizeof path, "/checks", a->checks[i].name);
    char *what = fmt(ctx, "%s CHECK constraint \"%s\" (%s) was %s", added ? "a" : "the",
                     a->checks[i].name, a->checks[i].expr, added ? "added" : "dropped");
    if (what != NULL && added) {
      emit(ctx, "CHECK_ADDED", path, what, "existing rows may violate it", NULL,
           "writers built for the old schema may write rows that violate it");
    } else if (what != NULL) {
      emit(ctx, "CHECK_DROPPED", path, what, NULL,
           "readers built for the old schema rely on the guarantee", NULL);
    }
    free(what);
  }
}

static bool same_fkey(const stb_fkey *a, const stb_fkey *b) {
  return stb_names_equal(&a->columns, &b->columns) && strcmp(a->ref_table, b->ref_table) == 0 &&
         stb_names_equal(&a->ref_columns, &b->ref_columns);
}

static void check_fkeys(chk_ctx *ctx, const stb_table *a, const stb_table *b, bool added) {
  for (size_t i = 0; i < a->nfkeys && ctx->rc == STRATA_E_OK; i++) {
    bool found = false;
    for (size_t k = 0; k < b->nfkeys && !found; k++) {
      found = same_fkey(&a->fkeys[i], &b->fkeys[k]);
    }
    if (found) {
      continue;
    }
    char path[300];
    pointer(path, sizeof path, "/foreignKeys", a->fkeys[i].name);
    char *cols = joined(ctx, &a->fkeys[i].columns);
    char *what = cols != NULL ? fmt(ctx, "%s foreign key \"%s\" on (%s) referencing %s was %s",
                                    added ? "a" : "the", a->fkeys[i].name, cols,
                                    a->fkeys[i].ref_table, added ? "added" : "dropped")
                              : NULL;
    if (what != NULL && added) {
      emit(ctx, "FOREIGN_KEY_ADDED", path, what, "existing rows may reference missing rows", NULL,
           "writers built for the old schema may write references to missing rows");
    } else if (what != NULL) {
      emit(ctx, "FOREIGN_KEY_DROPPED", path, what, NULL,
           "readers built for the old schema rely on every reference resolving", NULL);
    }
    free(cols);
    free(what);
  }
}

/* The values of @p a missing from @p b, joined: a new string, NULL when there are none. */
static char *missing_values(chk_ctx *ctx, const stb_enum *a, const stb_enum *b, size_t *count) {
  stb_names missing = {NULL, 0};
  char *out = NULL;
  *count = 0;
  for (size_t i = 0; i < a->values.n; i++) {
    if (!stb_names_contains(&b->values, a->values.v[i])) {
      if (!stb_names_push(&missing, a->values.v[i])) {
        ctx->rc = STRATA_E_NOMEM;
        goto cleanup;
      }
    }
  }
  *count = missing.n;
  if (missing.n > 0) {
    out = joined(ctx, &missing);
  }

cleanup:
  stb_names_free(&missing);
  return out;
}

static void check_enums(chk_ctx *ctx, const stb_table *new_t, const stb_table *old) {
  for (size_t i = 0; i < old->nenums && ctx->rc == STRATA_E_OK; i++) {
    const stb_enum *eo = &old->enums[i];
    const stb_enum *en = stb_enum_find(new_t, eo->name);
    if (en == NULL) {
      continue; /* the columns' type changed: reported there */
    }
    char path[300];
    pointer(path, sizeof path, "/enums", eo->name);
    size_t n = 0;
    char *added = missing_values(ctx, en, eo, &n);
    if (added != NULL) {
      char *what =
          fmt(ctx, "enum type \"%s\" gained the value%s %s", eo->name, n > 1 ? "s" : "", added);
      if (what != NULL) {
        emit(ctx, "ENUM_VALUE_ADDED", path, what, NULL,
             "readers built for the old schema may meet a label they do not know", NULL);
      }
      free(what);
    }
    char *removed = missing_values(ctx, eo, en, &n);
    if (removed != NULL) {
      char *what =
          fmt(ctx, "enum type \"%s\" lost the value%s %s", eo->name, n > 1 ? "s" : "", removed);
      if (what != NULL) {
        emit(ctx, "ENUM_VALUE_REMOVED", path, what, "existing rows may hold it", NULL,
             "writers built for the old schema may still write it");
      }
      free(what);
    }
    free(added);
    free(removed);
  }
}

strata_error stb_compat_check(const void *new_model, const void *old_model,
                              strata_compat_direction dir, scm_sink *sink) {
  const stb_table *new_t = new_model;
  const stb_table *old = old_model;
  chk_ctx ctx = {dir, sink, STRATA_E_OK};

  check_table_name(&ctx, new_t, old);
  check_columns(&ctx, new_t, old);
  check_primary_key(&ctx, new_t, old);
  check_uniques(&ctx, new_t, old, true);
  check_uniques(&ctx, old, new_t, false);
  check_checks(&ctx, new_t, old, true);
  check_checks(&ctx, old, new_t, false);
  check_fkeys(&ctx, new_t, old, true);
  check_fkeys(&ctx, old, new_t, false);
  check_enums(&ctx, new_t, old);
  return ctx.rc;
}

void stb_confluent_entry(const strata_compat_issue *issue, sjw_buf *out) {
  sjw_printf(out, "{errorType:'%s', description:'%s', additionalInfo:'%s'}", issue->code,
             issue->message, issue->path);
}
