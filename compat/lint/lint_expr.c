/*
 * lint_expr.c - what the rules need to know about expressions and types:
 * whether a column default is volatile (adding-field-with-default), and
 * which column type changes PostgreSQL performs without a table rewrite
 * (changing-column-type's allow-list).
 */
#include "lint_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Type spellings -> one canonical name (the pg_catalog name). */
static const struct {
  const char *alias;
  const char *name;
} type_aliases[] = {
    {"integer", "int4"},
    {"int", "int4"},
    {"bigint", "int8"},
    {"smallint", "int2"},
    {"character varying", "varchar"},
    {"character", "bpchar"},
    {"char", "bpchar"},
    {"decimal", "numeric"},
    {"real", "float4"},
    {"float", "float8"},
    {"double precision", "float8"},
    {"boolean", "bool"},
    {"timestamp without time zone", "timestamp"},
    {"timestamp with time zone", "timestamptz"},
    {"time without time zone", "time"},
    {"time with time zone", "timetz"},
    {"bit varying", "varbit"},
    {"serial", "int4"},
    {"serial4", "int4"},
    {"bigserial", "int8"},
    {"serial8", "int8"},
    {"smallserial", "int2"},
    {"serial2", "int2"},
};

static const char *node_string(const PgQuery__Node *n) {
  return n != NULL && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

void mlint_type_from_ast(const PgQuery__TypeName *tn, mlint_type *out) {
  memset(out, 0, sizeof *out);
  const char *name = tn != NULL && tn->n_names > 0 ? node_string(tn->names[tn->n_names - 1]) : NULL;
  if (name == NULL) {
    name = "?";
  }
  for (size_t i = 0; i < sizeof type_aliases / sizeof type_aliases[0]; i++) {
    if (strcasecmp(name, type_aliases[i].alias) == 0) {
      name = type_aliases[i].name;
      break;
    }
  }
  snprintf(out->name, sizeof out->name, "%s", name);
  for (size_t i = 0; tn != NULL && i < tn->n_typmods; i++) {
    const PgQuery__Node *m = tn->typmods[i];
    if (i >= 2 || m->node_case != PG_QUERY__NODE__NODE_A_CONST ||
        m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL) {
      out->ntypmods = -1;
      break;
    }
    out->typmods[out->ntypmods++] = m->a_const->ival->ival;
  }
  out->array_dims = tn != NULL ? (int)tn->n_array_bounds : 0;
}

void mlint_type_format(const mlint_type *t, char *buf, size_t size) {
  int n;
  if (t->ntypmods == 1) {
    n = snprintf(buf, size, "%s(%d)", t->name, t->typmods[0]);
  } else if (t->ntypmods == 2) {
    n = snprintf(buf, size, "%s(%d,%d)", t->name, t->typmods[0], t->typmods[1]);
  } else {
    n = snprintf(buf, size, "%s", t->name);
  }
  for (int d = 0; d < t->array_dims && n >= 0 && (size_t)n + 2 < size; d++) {
    buf[n++] = '[';
    buf[n++] = ']';
    buf[n] = '\0';
  }
}

static bool type_is(const mlint_type *t, const char *name) {
  return strcmp(t->name, name) == 0;
}

/* A length or precision limit relaxed or removed: old (n) -> new (m >= n) or no limit. */
static bool typmod_relaxed(const mlint_type *from, const mlint_type *to) {
  if (to->ntypmods == 0) {
    return true;
  }
  return from->ntypmods == 1 && to->ntypmods == 1 && to->typmods[0] >= from->typmods[0];
}

bool mlint_type_change_is_safe(const mlint_type *from, const mlint_type *to, int pg_version) {
  (void)pg_version; /* the allowed changes below hold from PostgreSQL 9.2 on */
  if (from->ntypmods < 0 || to->ntypmods < 0 || from->array_dims != to->array_dims) {
    return false;
  }
  if (strcmp(from->name, to->name) == 0) {
    if (from->ntypmods == to->ntypmods &&
        memcmp(from->typmods, to->typmods, sizeof from->typmods) == 0) {
      return true; /* no change at all */
    }
    if (type_is(from, "varchar") || type_is(from, "varbit") || type_is(from, "timestamp") ||
        type_is(from, "timestamptz") || type_is(from, "time") || type_is(from, "timetz") ||
        type_is(from, "interval")) {
      return typmod_relaxed(from, to);
    }
    if (type_is(from, "numeric")) {
      /* precision up at the same scale, or unconstrained */
      if (to->ntypmods == 0) {
        return true;
      }
      int fs = from->ntypmods == 2 ? from->typmods[1] : 0;
      int ts = to->ntypmods == 2 ? to->typmods[1] : 0;
      return from->ntypmods >= 1 && to->typmods[0] >= from->typmods[0] && fs == ts;
    }
    return false;
  }
  if (type_is(from, "varchar") && type_is(to, "text")) {
    return true;
  }
  if (type_is(from, "text") && type_is(to, "varchar") && to->ntypmods == 0) {
    return true;
  }
  if (type_is(from, "cidr") && type_is(to, "inet")) {
    return true;
  }
  return false;
}

bool mlint_type_is_serial(const PgQuery__TypeName *tn) {
  if (tn == NULL || tn->n_names != 1) {
    return false;
  }
  const char *name = node_string(tn->names[0]);
  return name != NULL && (strcmp(name, "serial") == 0 || strcmp(name, "bigserial") == 0 ||
                          strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0 ||
                          strcmp(name, "serial4") == 0 || strcmp(name, "serial8") == 0);
}

/*
 * Built-in functions that are not VOLATILE (provolatile 'i' or 's' in
 * pg_proc), which a default may call without forcing a rewrite. A function
 * not in this list counts as volatile, as it may be.
 */
static const char *const nonvolatile_functions[] = {
    "abs",
    "array_length",
    "btrim",
    "ceil",
    "coalesce",
    "concat",
    "concat_ws",
    "current_database",
    "current_date",
    "current_schema",
    "current_setting",
    "current_time",
    "current_timestamp",
    "current_user",
    "date_part",
    "date_trunc",
    "floor",
    "greatest",
    "initcap",
    "json_build_array",
    "json_build_object",
    "jsonb_build_array",
    "jsonb_build_object",
    "least",
    "left",
    "length",
    "localtime",
    "localtimestamp",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "make_interval",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "md5",
    "now",
    "nullif",
    "replace",
    "right",
    "round",
    "rpad",
    "rtrim",
    "session_user",
    "sign",
    "split_part",
    "sqrt",
    "statement_timestamp",
    "substr",
    "substring",
    "to_char",
    "to_date",
    "to_json",
    "to_jsonb",
    "to_number",
    "to_timestamp",
    "transaction_timestamp",
    "trim",
    "trunc",
    "upper",
};

static bool function_nonvolatile(const PgQuery__FuncCall *fc) {
  if (fc->n_funcname == 0) {
    return false;
  }
  /* pg_catalog.now() or now(); another schema is a user function */
  if (fc->n_funcname == 2) {
    const char *schema = node_string(fc->funcname[0]);
    if (schema == NULL || strcmp(schema, "pg_catalog") != 0) {
      return false;
    }
  } else if (fc->n_funcname != 1) {
    return false;
  }
  const char *name = node_string(fc->funcname[fc->n_funcname - 1]);
  if (name == NULL) {
    return false;
  }
  for (size_t i = 0; i < sizeof nonvolatile_functions / sizeof nonvolatile_functions[0]; i++) {
    if (strcmp(name, nonvolatile_functions[i]) == 0) {
      return true;
    }
  }
  return false;
}

static const char *expr_list_volatile(PgQuery__Node *const *items, size_t n, char *buf,
                                      size_t size) {
  for (size_t i = 0; i < n; i++) {
    const char *v = mlint_expr_volatile(items[i], buf, size);
    if (v != NULL) {
      return v;
    }
  }
  return NULL;
}

const char *mlint_expr_volatile(const PgQuery__Node *expr, char *buf, size_t size) {
  if (expr == NULL) {
    return NULL;
  }
  switch (expr->node_case) {
  case PG_QUERY__NODE__NODE_A_CONST:
  case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
  case PG_QUERY__NODE__NODE_STRING:
  case PG_QUERY__NODE__NODE_INTEGER:
  case PG_QUERY__NODE__NODE_FLOAT:
  case PG_QUERY__NODE__NODE_BOOLEAN:
    return NULL;
  case PG_QUERY__NODE__NODE_TYPE_CAST:
    return mlint_expr_volatile(expr->type_cast->arg, buf, size);
  case PG_QUERY__NODE__NODE_A_EXPR:
    if (expr->a_expr->lexpr != NULL) {
      const char *v = mlint_expr_volatile(expr->a_expr->lexpr, buf, size);
      if (v != NULL) {
        return v;
      }
    }
    return mlint_expr_volatile(expr->a_expr->rexpr, buf, size);
  case PG_QUERY__NODE__NODE_LIST:
    return expr_list_volatile(expr->list->items, expr->list->n_items, buf, size);
  case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
    return expr_list_volatile(expr->a_array_expr->elements, expr->a_array_expr->n_elements, buf,
                              size);
  case PG_QUERY__NODE__NODE_COALESCE_EXPR:
    return expr_list_volatile(expr->coalesce_expr->args, expr->coalesce_expr->n_args, buf, size);
  case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
    return expr_list_volatile(expr->min_max_expr->args, expr->min_max_expr->n_args, buf, size);
  case PG_QUERY__NODE__NODE_BOOL_EXPR:
    return expr_list_volatile(expr->bool_expr->args, expr->bool_expr->n_args, buf, size);
  case PG_QUERY__NODE__NODE_NULL_TEST:
    return mlint_expr_volatile(expr->null_test->arg, buf, size);
  case PG_QUERY__NODE__NODE_FUNC_CALL: {
    const PgQuery__FuncCall *fc = expr->func_call;
    if (!function_nonvolatile(fc)) {
      const char *name = fc->n_funcname > 0 ? node_string(fc->funcname[fc->n_funcname - 1]) : NULL;
      snprintf(buf, size, "%s()", name != NULL ? name : "a function");
      return buf;
    }
    return expr_list_volatile(fc->args, fc->n_args, buf, size);
  }
  default:
    snprintf(buf, size, "an expression that may be volatile");
    return buf;
  }
}
