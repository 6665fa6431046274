/*
 * table_pg.h - PRIVATE to compat/table: libpg_query's protobuf parse tree as
 * the table modules use it.
 */
#ifndef STRATA_COMPAT_TABLE_PG_H
#define STRATA_COMPAT_TABLE_PG_H

#include <stdbool.h>
#include <stddef.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <strata/compat.h>

/** @p s, or NULL when it is NULL or empty (protobuf-c unpacks absent strings as ""). */
const char *stb_pg_str(const char *s);
/** The value of a String node (borrowed), NULL for any other node. */
const char *stb_pg_node_string(const PgQuery__Node *node);
/**
 * Parses @p sql into a new protobuf tree (free with stb_pg_free()). On a
 * syntax error returns NULL, fills @p diag (path @p path, no position) and
 * stores libpg_query's 1-based character cursor in @p cursorpos (may be NULL).
 */
PgQuery__ParseResult *stb_pg_parse(const char *sql, strata_diag *diag, const char *path,
                                   int *cursorpos);
void stb_pg_free(PgQuery__ParseResult *tree);
/**
 * The 1-based line and column of @p offset in @p text: a byte offset, or
 * (@p characters) a count of UTF-8 characters as libpg_query's cursorpos.
 */
void stb_pg_line_col(const char *text, size_t len, size_t offset, bool characters, int *line,
                     int *col);

#endif /* STRATA_COMPAT_TABLE_PG_H */
