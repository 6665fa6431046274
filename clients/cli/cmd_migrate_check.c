/*
 * cmd_migrate_check.c - `strata migrate check [--subject-prefix P | --schema DDL_FILE...]
 * [--register] MIGRATION...`: replays SQL migrations onto the current table schemas (the
 * latest TABLE version of every subject P<table> in the registry, or local DDL files), checks
 * each table the migrations touch against its compatibility level plus the WRITER direction
 * (old producers can still write), and lints the migrations (compat/lint). With --register,
 * a clean check registers the new table versions.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static const char migrate_check_usage[] =
    "usage: strata migrate check [--subject-prefix P | --schema DDL_FILE...] [--register]\n"
    "       [--level LEVEL] [--no-writer] [--no-lint] [--format text|json] MIGRATION...\n"
    "\n"
    "Replays the SQL migrations MIGRATION... (in order) onto the current table schemas and,\n"
    "for every table they change, create or drop, checks the result against the table's\n"
    "compatibility level and the WRITER direction (producers built for the old schema can\n"
    "still write), and lints the migrations (see strata migrate lint).\n"
    "\n"
    "  --subject-prefix P  the tables are the registry's subjects P<table> (latest TABLE\n"
    "                      version, each at its own compatibility level); the registry is\n"
    "                      --registry or STRATA_REGISTRY_URL\n"
    "  --schema DDL_FILE   the current tables from local DDL (repeatable; a file may hold\n"
    "                      several CREATE TABLE statements)\n"
    "  --level LEVEL       the level for --schema tables (default BACKWARD)\n"
    "  --register          after a clean check, register each changed or created table\n"
    "                      as the next version of P<table> (needs --subject-prefix)\n"
    "  --no-writer         do not check the WRITER direction beyond what the level checks\n"
    "  --no-lint           do not lint the migrations\n"
    "  --format FORMAT     text (default) or json: one object {\"compatible\", \"tables\":\n"
    "                      [{\"table\", \"subject\", \"state\", \"level\", \"compatible\",\n"
    "                      \"issues\"}], \"lint\": [findings]}\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 clean, 1 incompatible or lint findings, 2 usage or input error,\n"
    "3 registry unreachable.\n";

/* One table of the check. */
typedef struct mc_table {
  /* the table's name when loaded or created (borrowed from the set or owned name) */
  char *name;
  /* the registry subject, NULL for --schema tables */
  char *subject;
  strata_compat_level level;
  /* earlier versions, oldest first, and their version numbers */
  strata_schema **previous;
  int *versions;
  size_t nprevious;
  strata_table_state state;
  strata_schema *result;
  strata_compat_result *compat;
  cli_compat_report report;
  int64_t registered_id;
  int registered_version;
} mc_table;

typedef struct mc_run {
  cli_ctx *ctx;
  const char *prefix;
  strata_compat_level level;
  bool writer;
  strata_client *client;
  strata_table_set *set;
  mc_table *tables;
  size_t ntables;
  /* the --schema texts, concatenated, for the linter */
  char *schema_sql;
  size_t schema_len;
} mc_run;

static void table_release(mc_table *t) {
  free(t->name);
  free(t->subject);
  for (size_t i = 0; i < t->nprevious; i++) {
    strata_schema_free(&t->previous[i]);
  }
  free(t->previous);
  free(t->versions);
  strata_schema_free(&t->result);
  strata_compat_result_free(&t->compat);
  cli_compat_report_release(&t->report);
  memset(t, 0, sizeof *t);
}

/* Appends an empty table named @p name; NULL after printing an error. */
static mc_table *table_push(mc_run *run, const char *name) {
  mc_table *grown = realloc(run->tables, (run->ntables + 1) * sizeof *grown);
  if (grown == NULL) {
    cli_error("out of memory");
    return NULL;
  }
  run->tables = grown;
  mc_table *t = &run->tables[run->ntables];
  memset(t, 0, sizeof *t);
  t->name = strdup(name);
  if (t->name == NULL) {
    cli_error("out of memory");
    return NULL;
  }
  run->ntables++;
  return t;
}

/* Adds @p schema (stolen, also on failure) as the single earlier version @p version of @p t. */
static bool table_add_previous(mc_table *t, strata_schema *schema, int version) {
  strata_schema **grown = realloc(t->previous, (t->nprevious + 1) * sizeof *grown);
  int *versions =
      grown != NULL ? realloc(t->versions, (t->nprevious + 1) * sizeof *versions) : NULL;
  if (grown != NULL) {
    t->previous = grown;
  }
  if (versions == NULL) {
    strata_schema_free(&schema);
    cli_error("out of memory");
    return false;
  }
  t->versions = versions;
  t->previous[t->nprevious] = schema;
  t->versions[t->nprevious] = version;
  t->nprevious++;
  return true;
}

static void print_diag(const char *file, const strata_diag *diag) {
  if (diag->line > 0) {
    cli_error("migrate check: %s:%d:%d: %s", file, diag->line, diag->column, diag->message);
  } else {
    cli_error("migrate check: %s: %s", file, diag->message);
  }
}

/* --schema files: every table they create is a table of the check. */
static int load_local(mc_run *run, const cli_arg_list *files) {
  int rc = CLI_EXIT_USAGE;
  strata_table_set *base = strata_table_set_new();
  strata_diag diag;
  if (base == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < files->count; i++) {
    size_t len = 0;
    char *text = cli_read_file(files->items[i], &len);
    if (text == NULL) {
      goto cleanup;
    }
    strata_error err = strata_table_set_apply(base, text, len, &diag);
    char *grown = err == STRATA_E_OK ? realloc(run->schema_sql, run->schema_len + len + 3) : NULL;
    if (grown != NULL) {
      run->schema_sql = grown;
      memcpy(run->schema_sql + run->schema_len, text, len);
      memcpy(run->schema_sql + run->schema_len + len, ";\n", 3);
      run->schema_len += len + 2;
    }
    free(text);
    if (err != STRATA_E_OK) {
      print_diag(files->items[i], &diag);
      goto cleanup;
    }
    if (grown == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
  }
  for (size_t i = 0; i < strata_table_set_count(base); i++) {
    strata_schema *schema = NULL;
    if (strata_table_set_schema(base, i, &schema) != STRATA_E_OK) {
      continue; /* dropped within the schema files */
    }
    mc_table *t = table_push(run, strata_table_set_name(base, i));
    if (t == NULL || !table_add_previous(t, schema, 1)) {
      goto cleanup;
    }
    t->level = run->level;
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_table_set_free(&base);
  return rc;
}

static bool level_transitive(strata_compat_level level) {
  return level == STRATA_COMPAT_BACKWARD_TRANSITIVE || level == STRATA_COMPAT_FORWARD_TRANSITIVE ||
         level == STRATA_COMPAT_FULL_TRANSITIVE;
}

/* Fetches version @p version of @p subject and parses it; NULL (with *rc set) on failure,
 * NULL with *rc OK when the version is not a TABLE schema. */
static strata_schema *fetch_table(mc_run *run, const char *subject, int version, int *number,
                                  int *rc) {
  strata_client_schema *got = NULL;
  strata_client_error err;
  strata_schema *schema = NULL;
  strata_diag diag;
  strata_error e = strata_client_get_version(run->client, subject, version, false, &got, &err);
  *rc = CLI_EXIT_OK;
  if (e != STRATA_E_OK) {
    *rc = cli_client_failure("migrate check", e, &err);
    return NULL;
  }
  if (got->type == STRATA_SCHEMA_TABLE) {
    e = strata_schema_parse(STRATA_SCHEMA_TABLE, got->schema, strlen(got->schema), NULL, 0, &schema,
                            &diag);
    if (e != STRATA_E_OK) {
      cli_error("migrate check: %s version %d: %s", subject, got->version, diag.message);
      *rc = CLI_EXIT_USAGE;
    }
    *number = got->version;
  }
  strata_client_schema_free(&got);
  return schema;
}

/* The registry's subjects P<table>: latest version (all versions for transitive levels). */
static int load_registry(mc_run *run) {
  int rc = CLI_EXIT_OK;
  strata_client_strings *subjects = NULL;
  strata_client_ints *versions = NULL;
  strata_client_config *config = NULL;
  strata_client_error err;

  run->client = cli_connect(run->ctx);
  if (run->client == NULL) {
    return CLI_EXIT_USAGE;
  }
  strata_error e = strata_client_list_subjects(run->client, run->prefix, false, &subjects, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("migrate check", e, &err);
    goto cleanup;
  }
  for (size_t i = 0; i < subjects->count && rc == CLI_EXIT_OK; i++) {
    const char *subject = subjects->items[i];
    if (strncmp(subject, run->prefix, strlen(run->prefix)) != 0) {
      continue;
    }
    int number = 0;
    strata_schema *latest = fetch_table(run, subject, STRATA_CLIENT_LATEST, &number, &rc);
    if (latest == NULL) {
      continue; /* not a TABLE subject, or rc says why */
    }
    e = strata_client_get_config(run->client, subject, true, &config, &err);
    if (e != STRATA_E_OK) {
      strata_schema_free(&latest);
      rc = cli_client_failure("migrate check", e, &err);
      goto cleanup;
    }
    strata_compat_level level = STRATA_COMPAT_BACKWARD;
    if (config->compatibility_level != NULL) {
      (void)strata_compat_level_from_name(config->compatibility_level, &level);
    }
    strata_client_config_free(&config);
    mc_table *t = table_push(run, subject + strlen(run->prefix));
    if (t == NULL || (t->subject = strdup(subject)) == NULL) {
      strata_schema_free(&latest);
      rc = CLI_EXIT_USAGE;
      goto cleanup;
    }
    t->level = level;
    if (level_transitive(level)) {
      e = strata_client_list_versions(run->client, subject, false, &versions, &err);
      if (e != STRATA_E_OK) {
        strata_schema_free(&latest);
        rc = cli_client_failure("migrate check", e, &err);
        goto cleanup;
      }
      for (size_t k = 0; k + 1 < versions->count && rc == CLI_EXIT_OK; k++) {
        int n = 0;
        strata_schema *old = fetch_table(run, subject, versions->items[k], &n, &rc);
        if (old != NULL && !table_add_previous(t, old, n)) {
          rc = CLI_EXIT_USAGE;
        }
      }
      strata_client_ints_free(&versions);
    }
    if (rc != CLI_EXIT_OK || !table_add_previous(t, latest, number)) {
      rc = rc != CLI_EXIT_OK ? rc : CLI_EXIT_USAGE;
      goto cleanup;
    }
  }

cleanup:
  strata_client_ints_free(&versions);
  strata_client_config_free(&config);
  strata_client_strings_free(&subjects);
  return rc;
}

/* Whether @p level checks @p dir (WRITER: also when run->writer). */
static bool direction_checked(const mc_run *run, strata_compat_level level,
                              strata_compat_direction dir) {
  bool backward = level == STRATA_COMPAT_BACKWARD || level == STRATA_COMPAT_BACKWARD_TRANSITIVE ||
                  level == STRATA_COMPAT_FULL || level == STRATA_COMPAT_FULL_TRANSITIVE;
  bool forward = level == STRATA_COMPAT_FORWARD || level == STRATA_COMPAT_FORWARD_TRANSITIVE ||
                 level == STRATA_COMPAT_FULL || level == STRATA_COMPAT_FULL_TRANSITIVE;
  switch (dir) {
  case STRATA_DIRECTION_BACKWARD:
    return backward;
  case STRATA_DIRECTION_FORWARD:
    return forward;
  default:
    return forward || run->writer;
  }
}

/* Checks one table after the replay; false after printing an error. */
static bool check_table(mc_run *run, mc_table *t, size_t index) {
  t->state = strata_table_set_state(run->set, index);
  cli_compat_report_init(&t->report, t->level);
  t->report.previous_count = t->nprevious;
  if (t->state == STRATA_TABLE_DROPPED) {
    static const strata_compat_direction dirs[] = {
        STRATA_DIRECTION_FORWARD, STRATA_DIRECTION_WRITER, STRATA_DIRECTION_BACKWARD};
    static const char *const why[] = {
        "the table was dropped: readers built for the old schema still query it",
        "the table was dropped: writers built for the old schema still write to it",
        "the table was dropped: readers of the new schema find no table"};
    int version = t->nprevious > 0 ? t->versions[t->nprevious - 1] : 0;
    for (size_t d = 0; d < 3; d++) {
      cli_compat_issue issue = {"TABLE_DROPPED", "/name", why[d], dirs[d], version, t->subject};
      if (direction_checked(run, t->level, dirs[d]) && !cli_compat_report_add(&t->report, &issue)) {
        return false;
      }
    }
    return true;
  }
  if (t->state == STRATA_TABLE_UNCHANGED) {
    return true;
  }
  strata_error e = strata_table_set_schema(run->set, index, &t->result);
  if (e != STRATA_E_OK) {
    cli_error("migrate check: table %s: %s", t->name, strata_strerror(e));
    return false;
  }
  if (t->state == STRATA_TABLE_CREATED || t->nprevious == 0) {
    return true;
  }
  if (strcmp(strata_schema_canonical(t->result),
             strata_schema_canonical(t->previous[t->nprevious - 1])) == 0) {
    t->state = STRATA_TABLE_UNCHANGED; /* changed and changed back */
    return true;
  }
  strata_compat_level all =
      level_transitive(t->level) ? STRATA_COMPAT_FULL_TRANSITIVE : STRATA_COMPAT_FULL;
  e = strata_compat_check(all, t->result, (const strata_schema *const *)t->previous, t->versions,
                          t->nprevious, &t->compat);
  if (e != STRATA_E_OK) {
    cli_error("migrate check: table %s: %s", t->name, strata_strerror(e));
    return false;
  }
  for (size_t i = 0; i < strata_compat_result_issue_count(t->compat); i++) {
    const strata_compat_issue *s = strata_compat_result_issue(t->compat, i);
    cli_compat_issue issue = {s->code, s->path, s->message, s->direction, s->version, t->subject};
    if (direction_checked(run, t->level, s->direction) &&
        !cli_compat_report_add(&t->report, &issue)) {
      return false;
    }
  }
  return true;
}

static const char *state_name(strata_table_state state) {
  static const char *const names[] = {"unchanged", "changed", "created", "dropped"};
  return (unsigned)state < 4 ? names[state] : "?";
}

static void print_table_text(const mc_run *run, const mc_table *t) {
  const char *level = strata_compat_level_name(t->level);
  printf("%s", t->name);
  if (t->subject != NULL) {
    printf(" (subject %s", t->subject);
  } else {
    printf(" (");
  }
  if (t->state == STRATA_TABLE_CREATED) {
    printf("%snew table)", t->subject != NULL ? ", " : "");
  } else {
    printf("%s%s%s", t->subject != NULL ? ", " : "", level, run->writer ? " + WRITER" : "");
    if (t->nprevious > 0) {
      printf(", against version %d", t->versions[t->nprevious - 1]);
    }
    printf(", %s)", state_name(t->state));
  }
  if (t->report.issue_count == 0) {
    printf(": compatible\n");
  } else {
    printf(": incompatible, %zu issue%s\n", t->report.issue_count,
           t->report.issue_count == 1 ? "" : "s");
  }
  for (size_t i = 0; i < t->report.issue_count; i++) {
    const cli_compat_issue *issue = &t->report.issues[i];
    printf("  %s against version %d: %s %s\n    %s\n",
           strata_compat_direction_name(issue->direction), issue->version, issue->code, issue->path,
           issue->message);
  }
  if (t->registered_id > 0) {
    printf("  registered %s version %d (id %lld)\n", t->subject, t->registered_version,
           (long long)t->registered_id);
  }
}

static json_t *table_json(const mc_run *run, const mc_table *t) {
  json_t *obj = cli_compat_report_json(&t->report);
  if (obj == NULL) {
    return NULL;
  }
  bool ok = json_object_set_new(obj, "table", json_string(t->name)) == 0 &&
            json_object_set_new(obj, "state", json_string(state_name(t->state))) == 0 &&
            json_object_set_new(obj, "writer", json_boolean(run->writer)) == 0;
  if (ok && t->subject != NULL) {
    ok = json_object_set_new(obj, "subject", json_string(t->subject)) == 0;
  }
  if (ok && t->registered_id > 0) {
    ok = json_object_set_new(obj, "registered",
                             json_pack("{s:I, s:i}", "id", (json_int_t)t->registered_id, "version",
                                       t->registered_version)) == 0;
  }
  if (!ok) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

/* Registers every changed or created table; an exit status. */
static int register_tables(mc_run *run) {
  for (size_t i = 0; i < run->ntables; i++) {
    mc_table *t = &run->tables[i];
    if (t->result == NULL || t->state == STRATA_TABLE_UNCHANGED) {
      continue;
    }
    strata_client_schema_input input = {0};
    input.type = STRATA_SCHEMA_TABLE;
    input.schema = strata_schema_canonical(t->result);
    strata_client_schema *out = NULL;
    strata_client_error err;
    strata_error e = strata_client_register(run->client, t->subject, &input, false, &out, &err);
    if (e != STRATA_E_OK) {
      return cli_client_failure("migrate check", e, &err);
    }
    t->registered_id = out->id;
    t->registered_version = out->version;
    if (t->registered_version == 0) {
      strata_client_schema *found = NULL;
      if (strata_client_lookup(run->client, t->subject, &input, false, false, &found, &err) ==
          STRATA_E_OK) {
        t->registered_version = found->version;
      }
      strata_client_schema_free(&found);
    }
    strata_client_schema_free(&out);
  }
  return CLI_EXIT_OK;
}

int migrate_check_main(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  mc_run run = {0};
  cli_arg_list schema_files = {NULL, 0};
  cli_arg_list migrations = {NULL, 0};
  const char *level_name = NULL;
  bool do_register = false;
  bool no_writer = false;
  bool no_lint = false;
  mlint_findings **findings = NULL;
  size_t nfindings = 0;
  json_t *root = NULL;
  const cli_option options[] = {CLI_VALUE("--subject-prefix", &run.prefix),
                                CLI_LIST("--schema", &schema_files),
                                CLI_VALUE("--level", &level_name),
                                CLI_FLAG("--register", &do_register),
                                CLI_FLAG("--no-writer", &no_writer),
                                CLI_FLAG("--no-lint", &no_lint),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "migrate check",
                             .usage = migrate_check_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operand_list = &migrations};

  run.ctx = ctx;
  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  run.writer = !no_writer;
  if (migrations.count == 0 || (run.prefix == NULL) == (schema_files.count == 0)) {
    cli_usage_error(&syntax, "needs MIGRATION files and either --subject-prefix or --schema");
    goto cleanup;
  }
  if (do_register && run.prefix == NULL) {
    cli_error("migrate check: --register needs --subject-prefix");
    goto cleanup;
  }
  if (level_name != NULL && run.prefix != NULL) {
    cli_error("migrate check: --level is for --schema tables; registry subjects use their own "
              "level");
    goto cleanup;
  }
  run.level = STRATA_COMPAT_BACKWARD;
  if (level_name != NULL && strata_compat_level_from_name(level_name, &run.level) != STRATA_E_OK) {
    cli_error("migrate check: unknown level '%s'", level_name);
    goto cleanup;
  }
  findings = calloc(migrations.count, sizeof *findings);
  if (findings == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  rc = run.prefix != NULL ? load_registry(&run) : load_local(&run, &schema_files);
  if (rc != CLI_EXIT_OK) {
    goto cleanup;
  }
  rc = CLI_EXIT_USAGE;
  run.set = strata_table_set_new();
  if (run.set == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < run.ntables; i++) {
    const mc_table *t = &run.tables[i];
    if (strata_table_set_add(run.set, t->previous[t->nprevious - 1]) != STRATA_E_OK) {
      cli_error("migrate check: table %s is defined twice", t->name);
      goto cleanup;
    }
  }
  for (size_t i = 0; i < migrations.count; i++) {
    size_t len = 0;
    strata_diag diag;
    char *text = cli_read_file(migrations.items[i], &len);
    if (text == NULL) {
      goto cleanup;
    }
    strata_error e = strata_table_set_apply(run.set, text, len, &diag);
    if (e == STRATA_E_OK && !no_lint) {
      mlint_options opts;
      mlint_options_init(&opts);
      opts.schema_sql = run.schema_sql;
      opts.schema_len = run.schema_len;
      e = mlint_run(migrations.items[i], text, len, &opts, &findings[nfindings]);
      nfindings += e == STRATA_E_OK ? 1 : 0;
    }
    free(text);
    if (e == STRATA_E_NOMEM) {
      cli_error("out of memory");
      goto cleanup;
    }
    if (e != STRATA_E_OK) {
      print_diag(migrations.items[i], &diag);
      goto cleanup;
    }
  }
  /* tables the migrations created join the check */
  size_t loaded = run.ntables;
  for (size_t i = loaded; i < strata_table_set_count(run.set); i++) {
    const char *name = strata_table_set_name(run.set, i);
    mc_table *t = table_push(&run, name);
    if (t == NULL) {
      goto cleanup;
    }
    t->level = run.level;
    if (run.prefix != NULL) {
      size_t len = strlen(run.prefix) + strlen(name) + 1;
      t->subject = malloc(len);
      if (t->subject == NULL) {
        cli_error("out of memory");
        goto cleanup;
      }
      snprintf(t->subject, len, "%s%s", run.prefix, name);
    }
  }
  bool clean = true;
  for (size_t i = 0; i < run.ntables; i++) {
    if (!check_table(&run, &run.tables[i], i)) {
      goto cleanup;
    }
    clean = clean && run.tables[i].report.issue_count == 0;
  }
  size_t lint_count = 0;
  for (size_t i = 0; i < nfindings; i++) {
    lint_count += findings[i]->count;
  }
  clean = clean && lint_count == 0;
  if (do_register && clean) {
    rc = register_tables(&run);
    if (rc != CLI_EXIT_OK) {
      goto cleanup;
    }
  }
  size_t touched = 0;
  size_t incompatible = 0;
  for (size_t i = 0; i < run.ntables; i++) {
    touched += run.tables[i].state != STRATA_TABLE_UNCHANGED;
    incompatible += run.tables[i].report.issue_count > 0;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    json_t *tables = json_array();
    json_t *lint_array = json_array();
    root = json_object();
    bool ok = tables != NULL && lint_array != NULL && root != NULL;
    for (size_t i = 0; ok && i < run.ntables; i++) {
      if (run.tables[i].state != STRATA_TABLE_UNCHANGED) {
        json_t *item = table_json(&run, &run.tables[i]);
        ok = item != NULL && json_array_append_new(tables, item) == 0;
      }
    }
    for (size_t i = 0; ok && i < nfindings; i++) {
      ok = mlint_findings_json(findings[i], lint_array) == STRATA_E_OK;
    }
    ok = ok && json_object_set_new(root, "compatible", json_boolean(incompatible == 0)) == 0 &&
         json_object_set(root, "tables", tables) == 0 &&
         json_object_set(root, "lint", lint_array) == 0;
    json_decref(tables);
    json_decref(lint_array);
    if (!ok) {
      cli_error("out of memory");
      goto cleanup;
    }
    if (cli_print_json(root) != CLI_EXIT_OK) {
      goto cleanup;
    }
  } else {
    for (size_t i = 0; i < run.ntables; i++) {
      if (run.tables[i].state != STRATA_TABLE_UNCHANGED) {
        print_table_text(&run, &run.tables[i]);
      }
    }
    for (size_t i = 0; i < nfindings; i++) {
      if (findings[i]->count > 0) {
        mlint_print(stdout, MLINT_FORMAT_TEXT, findings[i]);
      }
    }
    if (!no_lint) {
      printf("%zu table%s changed, %zu incompatible; %zu lint finding%s\n", touched,
             touched == 1 ? "" : "s", incompatible, lint_count, lint_count == 1 ? "" : "s");
    } else {
      printf("%zu table%s changed, %zu incompatible; lint skipped\n", touched,
             touched == 1 ? "" : "s", incompatible);
    }
  }
  rc = clean ? CLI_EXIT_OK : CLI_EXIT_FAILED;

cleanup:
  json_decref(root);
  for (size_t i = 0; i < nfindings; i++) {
    mlint_findings_free(&findings[i]);
  }
  free(findings);
  for (size_t i = 0; i < run.ntables; i++) {
    table_release(&run.tables[i]);
  }
  free(run.tables);
  strata_table_set_free(&run.set);
  strata_client_free(&run.client);
  free(run.schema_sql);
  free(schema_files.items);
  free(migrations.items);
  return rc;
}
