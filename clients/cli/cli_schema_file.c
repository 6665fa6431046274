/*
 * cli_schema_file.c - a schema file and its --ref references as a registry
 * request, and the command line of the commands that send one.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool cli_parse_reference(const char *arg, strata_client_reference *ref, char **storage) {
  char *copy = strdup(arg);
  bool ok = false;

  if (copy == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  char *eq = strchr(copy, '=');
  char *colon = strrchr(copy, ':');
  if (eq == NULL || eq == copy || colon == NULL || colon < eq || colon == eq + 1 ||
      colon[1] == '\0') {
    cli_error("reference '%s' is not NAME=SUBJECT:VERSION", arg);
    goto cleanup;
  }
  *eq = '\0';
  *colon = '\0';
  const char *version = colon + 1;
  if (strcasecmp(version, "latest") == 0) {
    ref->version = STRATA_CLIENT_LATEST;
  } else {
    char *end = NULL;
    errno = 0;
    long v = strtol(version, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > INT_MAX) {
      cli_error("reference '%s': version '%s' is not a positive number or 'latest'", arg, version);
      goto cleanup;
    }
    ref->version = (int)v;
  }
  ref->name = copy;
  ref->subject = eq + 1;
  *storage = copy;
  copy = NULL;
  ok = true;

cleanup:
  free(copy);
  return ok;
}

bool cli_schema_file_load(cli_schema_file *file, const char *path, const char *type_name,
                          const char *const *ref_args, size_t nrefs) {
  size_t len = 0;
  bool ok = false;

  memset(file, 0, sizeof *file);
  if (!cli_schema_type(path, type_name, &file->input.type)) {
    goto cleanup;
  }
  file->text = cli_read_file(path, &len);
  if (file->text == NULL) {
    goto cleanup;
  }
  if (strlen(file->text) != len) {
    cli_error("%s: the schema text contains a NUL byte", path);
    goto cleanup;
  }
  file->input.schema = file->text;
  if (nrefs > 0) {
    file->refs = calloc(nrefs, sizeof *file->refs);
    file->ref_strings = calloc(nrefs, sizeof *file->ref_strings);
    if (file->refs == NULL || file->ref_strings == NULL) {
      cli_error("out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < nrefs; i++) {
      if (!cli_parse_reference(ref_args[i], &file->refs[i], &file->ref_strings[i])) {
        goto cleanup;
      }
      file->input.reference_count = i + 1;
    }
    file->input.references = file->refs;
  }
  ok = true;

cleanup:
  if (!ok) {
    cli_schema_file_release(file);
  }
  return ok;
}

void cli_schema_file_release(cli_schema_file *file) {
  for (size_t i = 0; file->ref_strings != NULL && i < file->input.reference_count; i++) {
    free(file->ref_strings[i]);
  }
  free(file->ref_strings);
  free(file->refs);
  free(file->text);
  memset(file, 0, sizeof *file);
}

bool cli_schema_args_parse(cli_ctx *ctx, const char *command, const char *usage, bool with_deleted,
                           int argc, char **argv, cli_schema_args *args, int *status) {
  const char *path = NULL;
  const char *type_name = NULL;
  const cli_option options[] = {CLI_FLAG("--normalize", &args->normalize),
                                CLI_LIST("--ref", &args->refs), CLI_VALUE("--type", &type_name),
                                /* last: a command without --deleted ends its table here */
                                CLI_FLAG(with_deleted ? "--deleted" : NULL, &args->deleted),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = command,
                             .usage = usage,
                             .options = options,
                             .formats = CLI_FORMAT_TEXT | CLI_FORMAT_JSON,
                             .operands = {&args->subject, &path},
                             .required = 2,
                             .missing = "needs a SUBJECT and a schema FILE"};

  memset(args, 0, sizeof *args);
  return cli_parse_args(ctx, &syntax, argc, argv, status) &&
         cli_schema_file_load(&args->file, path, type_name, args->refs.items, args->refs.count);
}

void cli_schema_args_release(cli_schema_args *args) {
  cli_schema_file_release(&args->file);
  free(args->refs.items);
  memset(args, 0, sizeof *args);
}
