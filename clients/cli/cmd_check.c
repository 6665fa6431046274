/*
 * cmd_check.c - `strata check SUBJECT FILE ...` and `strata check --manifest
 * FILE`: would the registry accept these schema files? Prints the outcome as
 * text, as JSON (compat's object) or as GitHub Actions annotations.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "usage: strata check SUBJECT FILE [--type TYPE] [--ref NAME=SUBJECT:VERSION]... "
    "[--version V | --all] [--level LEVEL] [--format text|json|github]\n"
    "       strata check --manifest FILE [--format text|json|github]\n"
    "\n"
    "Checks whether the registry would accept the schema in FILE as a new version of\n"
    "SUBJECT: against the registered versions the subject's compatibility level asks\n"
    "for, locally; a type this build cannot check is checked by the registry.\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension)\n"
    "  --ref NAME=SUBJECT:VERSION\n"
    "                   a reference of the schema to a registered version (VERSION a\n"
    "                   number or latest); once per reference\n"
    "  --version V      check against version V only (a number or latest)\n"
    "  --all            check against every version, at the transitive form of the level\n"
    "  --level LEVEL    check at LEVEL instead of the subject's level: NONE, BACKWARD,\n"
    "                   BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or\n"
    "                   FULL_TRANSITIVE\n"
    "  --manifest FILE  check every schema the JSON manifest FILE lists\n"
    "  --format FORMAT  text (default); json: the object of strata compat (a manifest:\n"
    "                   {\"schemas\": [...], \"summary\": {...}}); github: workflow\n"
    "                   annotations, one ::error per issue\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 compatible, 1 incompatible, 2 usage or input error,\n"
    "3 registry unreachable or server error (a manifest: the worst of its schemas).\n";

/* The command line of one check. */
typedef struct check_args {
  const char *subject;
  const char *file;
  const char *type_name;
  const char *level_name;
  const char *version_arg;
  const char *manifest;
  bool all;
  cli_arg_list refs;
} check_args;

/* ------------------------------------------------------------------------ */
/* GitHub Actions annotations                                               */
/* ------------------------------------------------------------------------ */

/* Prints @p s escaped for a workflow command: its message, or (@p property) a property value. */
static void github_escaped(const char *s, bool property) {
  for (; *s != '\0'; s++) {
    switch (*s) {
    case '%':
      fputs("%25", stdout);
      break;
    case '\r':
      fputs("%0D", stdout);
      break;
    case '\n':
      fputs("%0A", stdout);
      break;
    case ':':
      fputs(property ? "%3A" : ":", stdout);
      break;
    case ',':
      fputs(property ? "%2C" : ",", stdout);
      break;
    default:
      putchar(*s);
      break;
    }
  }
}

/* "::KIND file=FILE,line=L[,col=C],title=TITLE::" (file and line only when @p file is set). */
static void github_start(const char *kind, const char *file, int line, int column,
                         const char *title) {
  printf("::%s ", kind);
  if (file != NULL) {
    fputs("file=", stdout);
    github_escaped(file, true);
    printf(",line=%d,", line > 0 ? line : 1);
    if (line > 0 && column > 0) {
      printf("col=%d,", column);
    }
  }
  fputs("title=", stdout);
  github_escaped(title, true);
  fputs("::", stdout);
}

/*
 * Where issue @p issue is in the entry's file: the element its path names.
 * The path points into the reading schema, which for a FORWARD issue is the
 * registered version, so it is first translated to the same element of FILE.
 */
static void github_issue_position(const chk_run *run, const chk_entry *e,
                                  const cli_compat_issue *issue, int *line, int *column) {
  char *translated = NULL;
  const char *pointer = issue->path;
  *line = 1;
  *column = 0;
  if (e->text == NULL || strcmp(issue->code, "REGISTRY") == 0 ||
      (e->type != STRATA_SCHEMA_AVRO && e->type != STRATA_SCHEMA_JSON)) {
    return;
  }
  if (issue->direction == STRATA_DIRECTION_FORWARD) {
    const char *old = chk_run_registered_text(run, e->subject, issue->version);
    translated = old != NULL ? cli_json_pointer_translate(old, e->text, issue->path) : NULL;
    pointer = translated;
  }
  if (pointer != NULL && cli_json_locate(e->text, e->len, pointer, line, column) < 0) {
    *line = 1;
    *column = 0;
  }
  free(translated);
}

static void print_github(const chk_run *run, const chk_entry *e, const chk_outcome *out) {
  const cli_compat_report *report = &out->report;
  if (out->status != CLI_EXIT_OK && out->status != CLI_EXIT_FAILED) {
    github_start("error", e->file, out->line, out->column, "strata check");
    github_escaped(out->message, false);
    putchar('\n');
    return;
  }
  if (report->issue_count == 0) {
    char text[600];
    snprintf(text, sizeof text, "%s: compatible with %s (%s, %zu previous version%s)", e->file,
             e->subject, strata_compat_level_name(report->level), report->previous_count,
             report->previous_count == 1 ? "" : "s");
    github_start("notice", NULL, 0, 0, "strata check");
    github_escaped(text, false);
    putchar('\n');
    return;
  }
  for (size_t i = 0; i < report->issue_count; i++) {
    const cli_compat_issue *issue = &report->issues[i];
    int line;
    int column;
    github_issue_position(run, e, issue, &line, &column);
    github_start("error", e->file, line, column, issue->code);
    printf("%s against %s version %d: ", strata_compat_direction_name(issue->direction), e->subject,
           issue->version);
    github_escaped(issue->message, false);
    putchar('\n');
  }
}

/* ------------------------------------------------------------------------ */
/* Text and JSON                                                            */
/* ------------------------------------------------------------------------ */

static const char *outcome_status_name(int status) {
  return status == CLI_EXIT_OK       ? "compatible"
         : status == CLI_EXIT_FAILED ? "incompatible"
                                     : "error";
}

/* The manifest form of one outcome: a new object, NULL when out of memory. */
static json_t *entry_json(const chk_entry *e, const chk_outcome *out) {
  json_t *obj = json_pack("{s:s, s:s, s:s}", "file", e->file, "subject", e->subject, "status",
                          outcome_status_name(out->status));
  if (obj == NULL) {
    return NULL;
  }
  json_t *detail = NULL;
  if (out->status == CLI_EXIT_OK || out->status == CLI_EXIT_FAILED) {
    detail = cli_compat_report_json(&out->report);
    if (detail == NULL || json_object_set_new(obj, "result", detail) != 0) {
      json_decref(obj);
      return NULL;
    }
    return obj;
  }
  if (json_object_set_new(obj, "exit_status", json_integer(out->status)) != 0 ||
      json_object_set_new(obj, "error", json_string(out->message)) != 0 ||
      json_object_set_new(obj, "line", json_integer(out->line)) != 0 ||
      json_object_set_new(obj, "column", json_integer(out->column)) != 0) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

static void print_text_error(const chk_entry *e, const chk_outcome *out) {
  if (out->line > 0 && out->column > 0) {
    printf("%s:%d:%d: error: %s\n", e->file, out->line, out->column, out->message);
  } else if (out->line > 0) {
    printf("%s:%d: error: %s\n", e->file, out->line, out->message);
  } else {
    printf("%s: error: %s\n", e->file, out->message);
  }
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

/* Checks every entry and prints the outcomes; returns the worst exit status. */
static int check_entries(const cli_ctx *ctx, chk_entry *entries, size_t count, bool manifest) {
  chk_run *run = NULL;
  json_t *list = NULL;
  json_t *root = NULL;
  size_t tally[4] = {0, 0, 0, 0}; /* compatible, incompatible, errors */
  int worst = CLI_EXIT_OK;
  chk_outcome out;

  memset(&out, 0, sizeof out);
  run = chk_run_new(ctx, entries, count);
  if (run == NULL) {
    worst = CLI_EXIT_USAGE;
    goto cleanup;
  }
  if (manifest && ctx->format == CLI_FORMAT_JSON) {
    list = json_array();
    if (list == NULL) {
      cli_error("out of memory");
      worst = CLI_EXIT_USAGE;
      goto cleanup;
    }
  }
  for (size_t i = 0; i < count; i++) {
    const chk_entry *e = &entries[i];
    chk_run_entry(run, i, &out);
    bool checked = out.status == CLI_EXIT_OK || out.status == CLI_EXIT_FAILED;
    tally[checked ? out.status : 2]++;
    if (out.status > worst) {
      worst = out.status;
    }
    if (ctx->format == CLI_FORMAT_GITHUB) {
      print_github(run, e, &out);
    } else if (ctx->format == CLI_FORMAT_JSON && list != NULL) {
      json_t *item = entry_json(e, &out);
      if (item == NULL || json_array_append_new(list, item) != 0) {
        cli_error("out of memory");
        worst = CLI_EXIT_USAGE;
        goto cleanup;
      }
    } else if (ctx->format == CLI_FORMAT_JSON && checked) {
      if (cli_compat_print_json(&out.report) != CLI_EXIT_OK) {
        worst = CLI_EXIT_USAGE;
        goto cleanup;
      }
    } else if (checked) {
      cli_compat_print_text(&out.report, e->file, e->subject);
    } else if (manifest) {
      print_text_error(e, &out);
    }
    chk_outcome_release(&out);
    fflush(stdout);
  }
  if (!manifest) {
    goto cleanup;
  }
  if (list != NULL) {
    root = json_pack("{s:O, s:{s:I, s:I, s:I, s:I, s:i}}", "schemas", list, "summary", "checked",
                     (json_int_t)count, "compatible", (json_int_t)tally[0], "incompatible",
                     (json_int_t)tally[1], "errors", (json_int_t)tally[2], "exit_status", worst);
    if (root == NULL || cli_print_json(root) != CLI_EXIT_OK) {
      cli_error("out of memory");
      worst = CLI_EXIT_USAGE;
    }
    goto cleanup;
  }
  printf("%zu schema%s checked: %zu compatible, %zu incompatible", count, count == 1 ? "" : "s",
         tally[0], tally[1]);
  if (tally[2] > 0) {
    printf(", %zu error%s", tally[2], tally[2] == 1 ? "" : "s");
  }
  putchar('\n');

cleanup:
  chk_outcome_release(&out);
  json_decref(root);
  json_decref(list);
  chk_run_free(&run);
  return worst;
}

/* The one entry of `strata check SUBJECT FILE ...`; false after printing an error. */
static bool entry_from_args(const check_args *args, chk_entry *e) {
  memset(e, 0, sizeof *e);
  e->file = strdup(args->file);
  e->subject = strdup(args->subject);
  if (e->file == NULL || e->subject == NULL) {
    cli_error("out of memory");
    return false;
  }
  if (!cli_schema_type(args->file, args->type_name, &e->type)) {
    return false;
  }
  if (args->level_name != NULL) {
    if (!cli_parse_level("check", args->level_name, &e->level)) {
      return false;
    }
    e->has_level = true;
  }
  if (args->version_arg != NULL) {
    if (!cli_parse_version("check", args->version_arg, &e->version)) {
      return false;
    }
    e->scope = CHK_SCOPE_VERSION;
  } else if (args->all) {
    e->scope = CHK_SCOPE_ALL;
  }
  if (args->refs.count > 0) {
    e->refs = calloc(args->refs.count, sizeof *e->refs);
    if (e->refs == NULL) {
      cli_error("out of memory");
      return false;
    }
  }
  for (size_t i = 0; i < args->refs.count; i++) {
    strata_client_reference ref;
    char *storage = NULL;
    if (!cli_parse_reference(args->refs.items[i], &ref, &storage)) {
      return false;
    }
    chk_ref *r = &e->refs[e->nrefs];
    r->name = strdup(ref.name);
    r->subject = strdup(ref.subject);
    r->version = ref.version;
    r->entry = -1;
    free(storage);
    e->nrefs++;
    if (r->name == NULL || r->subject == NULL) {
      cli_error("out of memory");
      return false;
    }
  }
  return true;
}

/* Reads the arguments after `check` into @p args. False when done: *status is then the exit status.
 */
static bool parse_args(cli_ctx *ctx, int argc, char **argv, check_args *args, int *status) {
  const cli_option options[] = {CLI_FLAG("--all", &args->all),
                                CLI_LIST("--ref", &args->refs),
                                CLI_VALUE("--type", &args->type_name),
                                CLI_VALUE("--level", &args->level_name),
                                CLI_VALUE("--version", &args->version_arg),
                                CLI_VALUE("--manifest", &args->manifest),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "check",
                             .usage = check_usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON | CLI_FORMAT_GITHUB,
                             .operands = {&args->subject, &args->file}};

  if (!cli_parse_args(ctx, &syntax, argc, argv, status)) {
    return false;
  }
  if (args->manifest != NULL) {
    if (args->subject != NULL || args->type_name != NULL || args->level_name != NULL ||
        args->version_arg != NULL || args->all || args->refs.count > 0) {
      cli_error("check: --manifest takes no SUBJECT, FILE, --type, --ref, --version, --all or "
                "--level; give them per schema in the manifest");
      return false;
    }
  } else if (args->file == NULL) {
    cli_usage_error(&syntax, "needs a SUBJECT and a schema FILE (or --manifest FILE)");
    return false;
  }
  if (args->version_arg != NULL && args->all) {
    cli_error("check: --version and --all exclude each other");
    return false;
  }
  return true;
}

int cmd_check(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  check_args args;
  chk_entry *entries = NULL;
  size_t count = 0;

  memset(&args, 0, sizeof args);
  if (!parse_args(ctx, argc, argv, &args, &rc)) {
    goto cleanup;
  }
  if (args.manifest != NULL) {
    if (!chk_manifest_load(args.manifest, &entries, &count)) {
      goto cleanup;
    }
  } else {
    entries = calloc(1, sizeof *entries);
    if (entries == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    count = 1;
    if (!entry_from_args(&args, &entries[0])) {
      goto cleanup;
    }
  }
  rc = check_entries(ctx, entries, count, args.manifest != NULL);

cleanup:
  chk_entries_free(entries, count);
  free(args.refs.items);
  return rc;
}
