/*
 * cmd_schema.c - `strata schema validate|canonical|fingerprint [--type T] FILE`
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char schema_usage[] =
    "usage: strata schema validate [--type TYPE] FILE\n"
    "       strata schema canonical [--type TYPE] FILE\n"
    "       strata schema fingerprint [--type TYPE] FILE\n"
    "\n"
    "  validate     check that FILE is a valid schema; print its type\n"
    "  canonical    print the Parsing Canonical Form (Avro specification)\n"
    "  fingerprint  print the CRC-64-AVRO fingerprint of the canonical form as\n"
    "               16 hex digits (the 64-bit value, most significant first)\n"
    "\n"
    "  --type TYPE  schema type (default: from the extension)\n"
    "\n"
    "Exit status: 0 success, 2 usage or input error (the message names the file).\n";

int cmd_schema(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *type_name = NULL;
  const char *action = NULL;
  const char *path = NULL;
  strata_schema *schema = NULL;
  strata_schema_type type;
  const cli_option options[] = {CLI_VALUE("--type", &type_name), CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "schema",
                             .usage = schema_usage,
                             .options = options,
                             .no_global_options = true,
                             .operands = {&action, &path},
                             .required = 2,
                             .missing = "needs an action and a file",
                             .too_many = "too many arguments"};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  if (strcmp(action, "validate") != 0 && strcmp(action, "canonical") != 0 &&
      strcmp(action, "fingerprint") != 0) {
    cli_error("schema: unknown action '%s' (expected validate, canonical or fingerprint)", action);
    goto cleanup;
  }
  if (!cli_schema_type(path, type_name, &type)) {
    goto cleanup;
  }
  if (!strata_schema_type_supported(type)) {
    cli_error("schema: schema type %s is not supported by this build",
              strata_schema_type_name(type));
    goto cleanup;
  }
  schema = cli_load_schema(path, type);
  if (schema == NULL) {
    goto cleanup;
  }
  if (strcmp(action, "validate") == 0) {
    printf("%s: valid %s schema\n", path, strata_schema_type_name(type));
  } else if (strata_schema_normal_form(schema) == NULL) {
    cli_error("schema: %s schemas have no canonical form or fingerprint",
              strata_schema_type_name(type));
    goto cleanup;
  } else if (strcmp(action, "canonical") == 0) {
    puts(strata_schema_normal_form(schema));
  } else {
    printf("%016" PRIx64 "\n", strata_schema_fingerprint(schema));
  }
  rc = CLI_EXIT_OK;

cleanup:
  strata_schema_free(&schema);
  return rc;
}
