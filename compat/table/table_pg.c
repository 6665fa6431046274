/*
 * table_pg.c - the libpg_query glue of the table model: type names and
 * expressions normalised through PostgreSQL's own parser and libpg_query's
 * deparser, so that DDL and the JSON document spell them identically.
 *
 * An expression is normalised by deparsing `SELECT <expr>` built around its
 * parse-tree node and dropping the "SELECT " prefix; an expression given as
 * text is parsed as `SELECT <text>` first. A type given as text is parsed as
 * the type of a one-column CREATE TABLE.
 */
#include "table_model.h"
#include "table_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SELECT_PREFIX "SELECT "

const char *stb_pg_str(const char *s) {
  return s != NULL && s[0] != '\0' ? s : NULL;
}

const char *stb_pg_node_string(const PgQuery__Node *node) {
  if (node != NULL && node->node_case == PG_QUERY__NODE__NODE_STRING && node->string != NULL) {
    return node->string->sval;
  }
  return NULL;
}

PgQuery__ParseResult *stb_pg_parse(const char *sql, strata_diag *diag, const char *path,
                                   int *cursorpos) {
  PgQuery__ParseResult *tree = NULL;
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
  if (cursorpos != NULL) {
    *cursorpos = 0;
  }
  if (r.error != NULL) {
    if (cursorpos != NULL) {
      *cursorpos = r.error->cursorpos;
    }
    scm_diag_set(diag, 0, 0, path, "%s",
                 r.error->message != NULL ? r.error->message : "syntax error");
    goto cleanup;
  }
  tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
  if (tree == NULL) {
    scm_diag_set(diag, 0, 0, path, "out of memory");
  }

cleanup:
  pg_query_free_protobuf_parse_result(r);
  return tree;
}

void stb_pg_free(PgQuery__ParseResult *tree) {
  if (tree != NULL) {
    pg_query__parse_result__free_unpacked(tree, NULL);
  }
}

char *stb_expr_text(const stb_pg_node *expr) {
  char *text = NULL;
  PgQueryProtobuf pb = {0, NULL};

  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = (PgQuery__Node *)expr;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node *targets[1] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node select_node = PG_QUERY__NODE__INIT;
  select_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  select_node.select_stmt = &select;
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = &select_node;
  PgQuery__RawStmt *stmts[1] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.version = PG_VERSION_NUM;
  result.n_stmts = 1;
  result.stmts = stmts;

  if (expr == NULL) {
    return NULL;
  }
  pb.len = pg_query__parse_result__get_packed_size(&result);
  pb.data = malloc(pb.len > 0 ? pb.len : 1);
  if (pb.data == NULL) {
    return NULL;
  }
  pg_query__parse_result__pack(&result, (uint8_t *)pb.data);
  PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
  if (d.error == NULL && d.query != NULL &&
      strncmp(d.query, SELECT_PREFIX, strlen(SELECT_PREFIX)) == 0) {
    text = strdup(d.query + strlen(SELECT_PREFIX));
  }
  pg_query_free_deparse_result(d);
  free(pb.data);
  return text;
}

/* Depth-first search for the first ColumnRef through protobuf-c reflection. */
static const char *first_column(const ProtobufCMessage *msg, int depth) {
  if (msg == NULL || depth > 200) {
    return NULL;
  }
  if (msg->descriptor == &pg_query__column_ref__descriptor) {
    const PgQuery__ColumnRef *ref = (const PgQuery__ColumnRef *)msg;
    return ref->n_fields > 0 ? stb_pg_node_string(ref->fields[ref->n_fields - 1]) : NULL;
  }
  const ProtobufCMessageDescriptor *d = msg->descriptor;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
      continue;
    }
    const char *base = (const char *)msg;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)(base + f->quantifier_offset);
      const ProtobufCMessage *const *items =
          *(const ProtobufCMessage *const *const *)(base + f->offset);
      for (size_t k = 0; k < n; k++) {
        const char *found = first_column(items[k], depth + 1);
        if (found != NULL) {
          return found;
        }
      }
    } else {
      if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
          *(const uint32_t *)(base + f->quantifier_offset) != f->id) {
        continue;
      }
      const char *found =
          first_column(*(const ProtobufCMessage *const *)(base + f->offset), depth + 1);
      if (found != NULL) {
        return found;
      }
    }
  }
  return NULL;
}

const char *stb_expr_first_column(const stb_pg_node *expr) {
  return first_column((const ProtobufCMessage *)expr, 0);
}

/* Parses `SELECT <text>` and returns the single target expression (borrowed from @p *tree). */
static const PgQuery__Node *parse_expr(const char *text, const char *path, strata_diag *diag,
                                       PgQuery__ParseResult **tree) {
  const PgQuery__Node *expr = NULL;
  size_t len = strlen(text);
  char *sql = malloc(len + sizeof SELECT_PREFIX);
  *tree = NULL;
  if (sql == NULL) {
    scm_diag_set(diag, 0, 0, path, "out of memory");
    goto cleanup;
  }
  memcpy(sql, SELECT_PREFIX, strlen(SELECT_PREFIX));
  memcpy(sql + strlen(SELECT_PREFIX), text, len + 1);
  *tree = stb_pg_parse(sql, diag, path, NULL);
  if (*tree == NULL) {
    goto cleanup;
  }
  const PgQuery__ParseResult *t = *tree;
  const PgQuery__SelectStmt *s = NULL;
  if (t->n_stmts == 1 && t->stmts[0]->stmt != NULL &&
      t->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
    s = t->stmts[0]->stmt->select_stmt;
  }
  if (s == NULL || s->n_target_list != 1 || s->n_from_clause > 0 || s->where_clause != NULL ||
      s->n_group_clause > 0 || s->having_clause != NULL || s->n_sort_clause > 0 ||
      s->limit_count != NULL || s->limit_offset != NULL || s->n_distinct_clause > 0 ||
      s->with_clause != NULL || s->n_window_clause > 0 || s->n_locking_clause > 0 ||
      s->into_clause != NULL || s->n_values_lists > 0 ||
      s->target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET ||
      stb_pg_str(s->target_list[0]->res_target->name) != NULL ||
      s->target_list[0]->res_target->val == NULL) {
    scm_diag_set(diag, 0, 0, path, "\"%s\" is not a single SQL expression", text);
    goto cleanup;
  }
  expr = s->target_list[0]->res_target->val;

cleanup:
  free(sql);
  if (expr == NULL) {
    stb_pg_free(*tree);
    *tree = NULL;
  }
  return expr;
}

char *stb_expr_normalise(const char *text, const char *path, strata_diag *diag) {
  PgQuery__ParseResult *tree = NULL;
  const PgQuery__Node *expr = parse_expr(text, path, diag, &tree);
  char *out = NULL;
  if (expr == NULL) {
    return NULL;
  }
  out = stb_expr_text(expr);
  if (out == NULL) {
    scm_diag_set(diag, 0, 0, path, "cannot normalise the expression \"%s\"", text);
  }
  stb_pg_free(tree);
  return out;
}

char *stb_expr_text_first_column(const char *text) {
  PgQuery__ParseResult *tree = NULL;
  const PgQuery__Node *expr = parse_expr(text, "", NULL, &tree);
  const char *col = expr != NULL ? stb_expr_first_column(expr) : NULL;
  char *out = col != NULL ? strdup(col) : NULL;
  stb_pg_free(tree);
  return out;
}

/* ---- types ---- */

typedef struct type_alias {
  const char *spelling;
  const char *canonical;
} type_alias;

/* PostgreSQL's internal and SQL spellings -> the names format_type() prints. */
static const type_alias type_aliases[] = {
    {"int2", "smallint"},
    {"smallint", "smallint"},
    {"int4", "integer"},
    {"int", "integer"},
    {"integer", "integer"},
    {"int8", "bigint"},
    {"bigint", "bigint"},
    {"float4", "real"},
    {"real", "real"},
    {"float8", "double precision"},
    {"float", "double precision"},
    {"double precision", "double precision"},
    {"numeric", "numeric"},
    {"decimal", "numeric"},
    {"bool", "boolean"},
    {"boolean", "boolean"},
    {"varchar", "character varying"},
    {"character varying", "character varying"},
    {"bpchar", "character"},
    {"char", "character"},
    {"character", "character"},
    {"timestamptz", "timestamp with time zone"},
    {"timestamp with time zone", "timestamp with time zone"},
    {"timestamp", "timestamp without time zone"},
    {"timestamp without time zone", "timestamp without time zone"},
    {"timetz", "time with time zone"},
    {"time with time zone", "time with time zone"},
    {"time", "time without time zone"},
    {"time without time zone", "time without time zone"},
    {"varbit", "bit varying"},
    {"bit varying", "bit varying"},
};

typedef struct serial_alias {
  const char *spelling;
  const char *canonical;
} serial_alias;

static const serial_alias serial_aliases[] = {
    {"serial", "integer"}, {"serial4", "integer"},      {"bigserial", "bigint"},
    {"serial8", "bigint"}, {"smallserial", "smallint"}, {"serial2", "smallint"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* True when @p part must be double-quoted to read back as itself: anything but a lower-case
 * identifier, or a keyword (found by asking the parser). */
static bool needs_quotes(const char *part) {
  if (part[0] == '\0' || (part[0] >= '0' && part[0] <= '9')) {
    return true;
  }
  for (const char *p = part; *p != '\0'; p++) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
      return true;
    }
  }
  static const char head[] = "CREATE TABLE strata_t (strata_c ";
  size_t len = sizeof head + strlen(part) + 2;
  char *sql = malloc(len);
  bool quote = true;
  if (sql == NULL) {
    return true;
  }
  snprintf(sql, len, "%s%s)", head, part);
  PgQuery__ParseResult *tree = stb_pg_parse(sql, NULL, "", NULL);
  if (tree != NULL && tree->n_stmts == 1 &&
      tree->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
    const PgQuery__CreateStmt *c = tree->stmts[0]->stmt->create_stmt;
    if (c->n_table_elts == 1 && c->table_elts[0]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      const PgQuery__TypeName *tn = c->table_elts[0]->column_def->type_name;
      quote = tn == NULL || tn->n_names != 1 || tn->n_typmods > 0 ||
              stb_pg_node_string(tn->names[0]) == NULL ||
              strcmp(stb_pg_node_string(tn->names[0]), part) != 0;
    }
  }
  stb_pg_free(tree);
  free(sql);
  return quote;
}

/* The name parts of @p tn from @p first, quoted where needed and joined with '.': a new string. */
static char *quoted_name(const stb_pg_typename *tn, size_t first) {
  size_t len = 1;
  for (size_t i = first; i < tn->n_names; i++) {
    const char *s = stb_pg_node_string(tn->names[i]);
    len += 2 * (s != NULL ? strlen(s) : 0) + 3;
  }
  char *out = calloc(1, len);
  size_t at = 0;
  for (size_t i = first; out != NULL && i < tn->n_names; i++) {
    const char *s = stb_pg_node_string(tn->names[i]);
    s = s != NULL ? s : "";
    if (i > first) {
      out[at++] = '.';
    }
    bool quote = needs_quotes(s);
    if (quote) {
      out[at++] = '"';
    }
    for (; *s != '\0'; s++) {
      if (*s == '"') {
        out[at++] = '"';
      }
      out[at++] = *s;
    }
    if (quote) {
      out[at++] = '"';
    }
  }
  return out;
}

/* Writes the canonical spelling of @p t, its base spelled @p spelled, into a new string. */
static char *type_spelling(const stb_type *t, const char *spelled) {
  char mods[48] = "";
  if (t->nmods == 1) {
    snprintf(mods, sizeof mods, "(%d)", t->mods[0]);
  } else if (t->nmods == 2) {
    snprintf(mods, sizeof mods, "(%d,%d)", t->mods[0], t->mods[1]);
  }
  /* "timestamp(3) with time zone": the precision goes after the first word */
  const char *space = NULL;
  if (strncmp(spelled, "timestamp ", 10) == 0 || strncmp(spelled, "time ", 5) == 0) {
    space = strchr(spelled, ' ');
  }
  size_t len = strlen(spelled) + strlen(mods) + 2 * (size_t)t->array_dims + 1;
  char *out = malloc(len);
  if (out == NULL) {
    return NULL;
  }
  if (space != NULL) {
    snprintf(out, len, "%.*s%s%s", (int)(space - spelled), spelled, mods, space);
  } else {
    snprintf(out, len, "%s%s", spelled, mods);
  }
  for (int i = 0; i < t->array_dims; i++) {
    strcat(out, "[]");
  }
  return out;
}

bool stb_type_from_pg(const stb_pg_typename *tn, stb_type *out, bool *serial) {
  memset(out, 0, sizeof *out);
  *serial = false;
  size_t first = 0;
  if (tn->n_names >= 2 && stb_pg_node_string(tn->names[0]) != NULL &&
      strcmp(stb_pg_node_string(tn->names[0]), "pg_catalog") == 0) {
    first = 1;
  }
  /* the joined name, as written ("public.mood") */
  size_t len = 1;
  for (size_t i = first; i < tn->n_names; i++) {
    const char *s = stb_pg_node_string(tn->names[i]);
    len += (s != NULL ? strlen(s) : 0) + 1;
  }
  char *name = calloc(1, len);
  if (name == NULL) {
    return false;
  }
  for (size_t i = first; i < tn->n_names; i++) {
    const char *s = stb_pg_node_string(tn->names[i]);
    if (i > first) {
      strcat(name, ".");
    }
    strcat(name, s != NULL ? s : "");
  }
  const char *canonical = name;
  bool builtin = false;
  if (tn->n_names - first == 1) {
    for (size_t i = 0; i < COUNT_OF(type_aliases); i++) {
      if (strcmp(name, type_aliases[i].spelling) == 0) {
        canonical = type_aliases[i].canonical;
        builtin = true;
      }
    }
    for (size_t i = 0; i < COUNT_OF(serial_aliases); i++) {
      if (strcmp(name, serial_aliases[i].spelling) == 0) {
        canonical = serial_aliases[i].canonical;
        *serial = true;
        builtin = true;
      }
    }
  }
  out->base = strdup(canonical);
  free(name);
  if (out->base == NULL) {
    return false;
  }
  /* Built-in types without modifiers (PostgreSQL refuses "int8(3)" when the table is
   * created): the modifiers are dropped, so the canonical text stays a valid type. */
  static const char *const unmodified[] = {"bigint",  "boolean", "double precision",
                                           "integer", "real",    "smallint"};
  bool takes_mods = true;
  for (size_t i = 0; builtin && i < COUNT_OF(unmodified); i++) {
    takes_mods = takes_mods && strcmp(out->base, unmodified[i]) != 0;
  }
  for (size_t i = 0; takes_mods && i < tn->n_typmods && out->nmods < 2; i++) {
    const PgQuery__Node *m = tn->typmods[i];
    if (m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      out->mods[out->nmods++] = m->a_const->ival->ival;
    }
  }
  /* char without a length is char(1) */
  if (strcmp(out->base, "character") == 0 && out->nmods == 0) {
    out->mods[out->nmods++] = 1;
  }
  out->array_dims = (int)tn->n_array_bounds;
  char *spelled = builtin ? strdup(out->base) : quoted_name(tn, first);
  out->text = spelled != NULL ? type_spelling(out, spelled) : NULL;
  free(spelled);
  if (out->text == NULL) {
    stb_type_release(out);
    return false;
  }
  return true;
}

bool stb_type_parse_text(const char *text, const char *path, stb_type *out, bool *serial,
                         strata_diag *diag) {
  static const char head[] = "CREATE TABLE strata_t (strata_c ";
  bool ok = false;
  PgQuery__ParseResult *tree = NULL;
  size_t len = strlen(text);
  char *sql = malloc(sizeof head + len + 2);
  memset(out, 0, sizeof *out);
  if (sql == NULL) {
    scm_diag_set(diag, 0, 0, path, "out of memory");
    goto cleanup;
  }
  snprintf(sql, sizeof head + len + 2, "%s%s)", head, text);
  tree = stb_pg_parse(sql, NULL, path, NULL);
  const PgQuery__CreateStmt *c = NULL;
  if (tree != NULL && tree->n_stmts == 1 && tree->stmts[0]->stmt != NULL &&
      tree->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
    c = tree->stmts[0]->stmt->create_stmt;
  }
  if (c == NULL || c->n_table_elts != 1 ||
      c->table_elts[0]->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF ||
      c->table_elts[0]->column_def->n_constraints > 0 ||
      c->table_elts[0]->column_def->coll_clause != NULL ||
      c->table_elts[0]->column_def->type_name == NULL) {
    scm_diag_set(diag, 0, 0, path, "\"%s\" is not a PostgreSQL type name", text);
    goto cleanup;
  }
  if (!stb_type_from_pg(c->table_elts[0]->column_def->type_name, out, serial)) {
    scm_diag_set(diag, 0, 0, path, "out of memory");
    goto cleanup;
  }
  ok = true;

cleanup:
  free(sql);
  stb_pg_free(tree);
  return ok;
}

void stb_pg_line_col(const char *text, size_t len, size_t offset, bool characters, int *line,
                     int *col) {
  int l = 1;
  int c = 1;
  size_t units = 0;
  for (size_t i = 0; i < len && units < offset; i++) {
    unsigned char ch = (unsigned char)text[i];
    bool continuation = (ch & 0xC0) == 0x80;
    if (!characters || !continuation) {
      units++;
    }
    if (ch == '\n') {
      l++;
      c = 1;
    } else if (!continuation) {
      c++;
    }
  }
  *line = l;
  *col = c;
}
