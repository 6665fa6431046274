/*
 * lint_rules.c - the rule table (names, defaults, what, why, safe
 * alternative) and the options that select rules and the PostgreSQL version.
 */
#include "lint_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct rule_info {
  const char *name;
  bool on;
  const char *title;
} rule_info;

static const rule_info rule_infos[MLINT_RULE__COUNT] = {
#define MLINT_RULE(id, name, on, title) [MLINT_RULE_##id] = {name, on, title},
#include "lint_rules.def"
#undef MLINT_RULE
};

typedef struct rule_text {
  const char *why;
  const char *help;
} rule_text;

static const rule_text rule_texts[MLINT_RULE__COUNT] = {
    [MLINT_RULE_SYNTAX_ERROR] = {"PostgreSQL will reject the statement and the migration fails "
                                 "at this point.",
                                 "Fix the statement; the rest of the file was still linted."},
    [MLINT_RULE_REQUIRE_CONCURRENT_INDEX_CREATION] =
        {"A plain CREATE INDEX holds a SHARE lock on the table for the whole build: every "
         "INSERT, UPDATE and DELETE waits until it ends.",
         "Use CREATE INDEX CONCURRENTLY (outside a transaction), and drop the INVALID index left "
         "behind if the build fails before retrying."},
    [MLINT_RULE_REQUIRE_CONCURRENT_INDEX_DELETION] =
        {"A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait "
         "behind it, and behind any long query it waits for.",
         "Use DROP INDEX CONCURRENTLY (outside a transaction)."},
    [MLINT_RULE_BAN_CONCURRENT_INDEX_CREATION_IN_TRANSACTION] =
        {"PostgreSQL refuses CONCURRENTLY inside a transaction block, so the migration fails.",
         "Put the concurrent index in its own migration that the runner does not wrap in a "
         "transaction (Flyway does this by itself; golang-migrate and others skip the "
         "transaction for a file with a single statement)."},
    [MLINT_RULE_ADDING_REQUIRED_FIELD] =
        {"The statement fails on a table that has rows, and INSERTs from application versions "
         "that do not know the column fail once it exists.",
         "Expand-contract: add the column nullable (or with a constant default on PostgreSQL 11+), "
         "deploy writers that set it, backfill, then add NOT NULL through a validated CHECK "
         "(see adding-not-nullable-field)."},
    [MLINT_RULE_ADDING_FIELD_WITH_DEFAULT] =
        {"The table is rewritten under an ACCESS EXCLUSIVE lock, blocking reads and writes for "
         "its whole duration. From PostgreSQL 11 only a non-volatile default avoids the rewrite.",
         "Add the column without a default, SET DEFAULT for new rows, backfill existing rows in "
         "batches; for a generated column use a plain column filled by a trigger."},
    [MLINT_RULE_CHANGING_COLUMN_TYPE] =
        {"Most type changes rewrite the table and rebuild its indexes under an ACCESS EXCLUSIVE "
         "lock, and clients reading the column may break on the new type.",
         "Only widenings PostgreSQL knows are binary-compatible avoid the rewrite (varchar(n) to "
         "varchar(m>n) or text, numeric precision up at the same scale, cidr to inet, ...). "
         "Otherwise expand-contract: add a new column, write both from the application or a "
         "trigger, backfill in batches, move readers, then drop the old column."},
    [MLINT_RULE_ADDING_NOT_NULLABLE_FIELD] =
        {"SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, and writers that "
         "still send NULL start failing.",
         "Add CHECK (col IS NOT NULL) NOT VALID, backfill, VALIDATE CONSTRAINT in a separate "
         "transaction; on PostgreSQL 12+ SET NOT NULL then uses the validated check and skips "
         "the scan; finally drop the check."},
    [MLINT_RULE_CONSTRAINT_MISSING_NOT_VALID] =
        {"Adding a CHECK or FOREIGN KEY validates every row while writes are blocked; "
         "validating in the same transaction as the NOT VALID add keeps the strong lock for the "
         "whole scan.",
         "Add the constraint with NOT VALID (only new rows are checked), then run VALIDATE "
         "CONSTRAINT in a separate transaction, which only takes a SHARE UPDATE EXCLUSIVE lock."},
    [MLINT_RULE_ADDING_FOREIGN_KEY_CONSTRAINT] =
        {"A new foreign key takes SHARE ROW EXCLUSIVE locks on both tables and scans the "
         "referencing table, blocking writes to both.",
         "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a separate "
         "transaction."},
    [MLINT_RULE_DISALLOWED_UNIQUE_CONSTRAINT] =
        {"ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock, blocking reads and "
         "writes while it is built.",
         "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX."},
    [MLINT_RULE_ADDING_SERIAL_PRIMARY_KEY_FIELD] =
        {"ADD PRIMARY KEY builds its index (and checks NOT NULL) under an ACCESS EXCLUSIVE lock, "
         "blocking reads and writes.",
         "CREATE UNIQUE INDEX CONCURRENTLY on NOT NULL columns, then ADD CONSTRAINT ... PRIMARY "
         "KEY USING INDEX."},
    [MLINT_RULE_BAN_DROP_COLUMN] =
        {"Running application versions, queries and downstream consumers that read or write "
         "the column fail as soon as it is gone (SQL has no reader-side default).",
         "Expand-contract: stop reading and writing the column in every client and deploy, "
         "then drop it in a later migration with `-- strata-ignore ban-drop-column: reason`."},
    [MLINT_RULE_BAN_DROP_TABLE] =
        {"Every client of the table breaks, and the data is gone.",
         "Remove every use of the table first, keep a backup, then drop it in a later migration "
         "with `-- strata-ignore ban-drop-table: reason`."},
    [MLINT_RULE_BAN_DROP_NOT_NULL] =
        {"Readers written for the NOT NULL column (application code, consumers, PL/pgSQL) start "
         "seeing NULLs they never handled.",
         "Move readers to handle NULL first, or keep the column NOT NULL with a sentinel value; "
         "or add a new nullable column and migrate to it."},
    [MLINT_RULE_RENAMING_COLUMN] =
        {"During a rolling deploy the old application version still uses the old name, and "
         "every query naming it fails.",
         "Expand-contract: add the new column, write both (application or trigger), backfill, "
         "move readers, then drop the old column; or rename only in the ORM mapping."},
    [MLINT_RULE_RENAMING_TABLE] =
        {"The old application version and every consumer still use the old name.",
         "Create the new table name as a view or a copy kept in sync by triggers, move clients, "
         "then remove the old name in a later migration."},
    [MLINT_RULE_REQUIRE_LOCK_TIMEOUT] =
        {"A DDL statement waiting for its lock queues every later query on the table behind it, "
         "so a long-running transaction elsewhere turns the migration into an outage.",
         "Start the migration with `SET lock_timeout = '2s';` and retry on timeout; ignore the "
         "rule if the runner or the role already sets it."},
    [MLINT_RULE_REQUIRE_STATEMENT_TIMEOUT] =
        {"A statement that runs far longer than expected holds its locks the whole time.",
         "Start the migration with `SET statement_timeout = '5min';` (or what the slowest "
         "expected step needs); ignore the rule if the runner or the role already sets it."},
    [MLINT_RULE_TRANSACTION_NESTING] =
        {"PostgreSQL has no nested transactions: a BEGIN inside one only warns, and the first "
         "COMMIT ends the runner's transaction early, so later statements run outside it.",
         "Remove the explicit BEGIN/COMMIT when the runner wraps the file, or split the file."},
    [MLINT_RULE_BAN_UNCOMMITTED_TRANSACTION] =
        {"The migration reports success but its changes are rolled back when the session ends.",
         "Add COMMIT at the end of the transaction."},
    [MLINT_RULE_PREFER_ROBUST_STMTS] =
        {"Outside a transaction a migration that fails part way leaves the earlier statements "
         "applied, and re-running it fails on them.",
         "Wrap the file in a transaction, or make each statement re-runnable: IF NOT EXISTS on "
         "CREATE and ADD COLUMN, IF EXISTS on DROP, DROP CONSTRAINT IF EXISTS before ADD "
         "CONSTRAINT."},
    [MLINT_RULE_INVALID_IGNORE] =
        {"A suppression that names no known rule or gives no reason does not say why the change "
         "is safe, and suppresses nothing.",
         "Write `-- strata-ignore RULE[, RULE...]: reason` with rule ids from "
         "docs/migration-rules.md."},
};

const char *mlint_rule_name(mlint_rule_id rule) {
  return rule >= 0 && rule < MLINT_RULE__COUNT ? rule_infos[rule].name : "unknown";
}

const char *mlint_rule_title(mlint_rule_id rule) {
  return rule >= 0 && rule < MLINT_RULE__COUNT ? rule_infos[rule].title : "";
}

const char *mlint_rule_why(mlint_rule_id rule) {
  return rule >= 0 && rule < MLINT_RULE__COUNT ? rule_texts[rule].why : "";
}

const char *mlint_rule_help(mlint_rule_id rule) {
  return rule >= 0 && rule < MLINT_RULE__COUNT ? rule_texts[rule].help : "";
}

bool mlint_rule_default_on(mlint_rule_id rule) {
  return rule >= 0 && rule < MLINT_RULE__COUNT && rule_infos[rule].on;
}

bool mlint_rule_lookup(const char *name, size_t len, mlint_rule_id *out) {
  for (int r = 0; r < MLINT_RULE__COUNT; r++) {
    const char *n = rule_infos[r].name;
    if (strlen(n) == len && strncmp(n, name, len) == 0) {
      *out = (mlint_rule_id)r;
      return true;
    }
  }
  return false;
}

void mlint_options_init(mlint_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->pg_version = 1500;
  for (int r = 0; r < MLINT_RULE__COUNT; r++) {
    opts->enabled[r] = rule_infos[r].on;
  }
}

strata_error mlint_options_set_rules(mlint_options *opts, const char *list, bool on,
                                     const char **bad) {
  bool change[MLINT_RULE__COUNT] = {false};
  const char *p = list;
  while (*p != '\0') {
    while (*p == ',' || isspace((unsigned char)*p)) {
      p++;
    }
    const char *b = p;
    while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p)) {
      p++;
    }
    if (p == b) {
      break;
    }
    mlint_rule_id rule;
    if ((size_t)(p - b) == 3 && strncmp(b, "all", 3) == 0) {
      for (int r = 0; r < MLINT_RULE__COUNT; r++) {
        change[r] = true;
      }
    } else if (mlint_rule_lookup(b, (size_t)(p - b), &rule)) {
      change[rule] = true;
    } else {
      if (bad != NULL) {
        *bad = b;
      }
      return STRATA_E_INVALID_ARGUMENT;
    }
  }
  for (int r = 0; r < MLINT_RULE__COUNT; r++) {
    if (change[r]) {
      opts->enabled[r] = on;
    }
  }
  return STRATA_E_OK;
}

bool mlint_parse_pg_version(const char *text, int *out) {
  char *end = NULL;
  if (!isdigit((unsigned char)text[0])) {
    return false;
  }
  long major = strtol(text, &end, 10);
  long minor = 0;
  if (*end == '.') {
    const char *m = end + 1;
    if (!isdigit((unsigned char)*m)) {
      return false;
    }
    minor = strtol(m, &end, 10);
  }
  if (*end != '\0' || major < 9 || major > 99 || minor < 0 || minor > 99) {
    return false;
  }
  *out = (int)(major * 100 + minor);
  return true;
}
