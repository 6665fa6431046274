/*
 * cmd_lookup.c - `strata lookup SUBJECT FILE [--type T] [--ref ...]...`: is
 * the schema in FILE registered under SUBJECT, and as which version?
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lookup_usage[] =
    "usage: strata lookup SUBJECT FILE [--type TYPE] [--ref NAME=SUBJECT:VERSION]... "
    "[--normalize] [--deleted] [--format text|json]\n"
    "\n"
    "Looks the schema in FILE up among the versions of SUBJECT and prints\n"
    "'found SUBJECT version V with id N'. Formatting and attribute order do\n"
    "not matter. A schema that is not registered there exits with status 1.\n"
    "\n"
    "  --type TYPE      schema type (default: from the extension)\n"
    "  --ref NAME=SUBJECT:VERSION\n"
    "                   a reference to another subject's version (VERSION a\n"
    "                   number or 'latest'); repeat for several\n"
    "  --normalize      let the registry normalize the schema first\n"
    "  --deleted        also match soft-deleted versions\n"
    "  --format FORMAT  text (default) or json: the registry's schema "
    "object\n" CLI_GLOBAL_OPTIONS_HELP "\n"
    "Exit status: 0 found, 1 not found or refused by the registry, 2 usage or\n"
    "input error, 3 registry unreachable or server error.\n";

int cmd_lookup(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *type_name = NULL;
  const char *args[2] = {NULL, NULL};
  size_t nargs = 0;
  const char **refs = NULL;
  size_t nrefs = 0;
  bool normalize = false;
  bool deleted = false;
  bool options_done = false;
  cli_schema_file file;
  strata_client *client = NULL;
  strata_client_schema *found = NULL;
  strata_client_error err;

  memset(&file, 0, sizeof file);
  refs = calloc((size_t)argc, sizeof *refs);
  if (refs == NULL) {
    cli_error("out of memory");
    goto cleanup;
  }
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = NULL;
    int m = 0;
    if (!options_done && arg[0] == '-' && arg[1] != '\0') {
      if (strcmp(arg, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(lookup_usage, stdout);
        rc = CLI_EXIT_OK;
        goto cleanup;
      }
      if (strcmp(arg, "--normalize") == 0) {
        normalize = true;
        continue;
      }
      if (strcmp(arg, "--deleted") == 0) {
        deleted = true;
        continue;
      }
      if ((m = cli_option_value(argc, argv, &i, "--ref", &value)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        refs[nrefs++] = value;
        continue;
      }
      if ((m = cli_option_value(argc, argv, &i, "--type", &type_name)) != 0 ||
          (m = cli_global_option(ctx, argc, argv, &i)) != 0) {
        if (m < 0) {
          goto cleanup;
        }
        continue;
      }
      cli_error("lookup: unknown option '%s'", arg);
      fputs(lookup_usage, stderr);
      goto cleanup;
    }
    if (nargs == 2) {
      cli_error("lookup: unexpected argument '%s'", arg);
      fputs(lookup_usage, stderr);
      goto cleanup;
    }
    args[nargs++] = arg;
  }
  if (nargs < 2) {
    cli_error("lookup: needs a SUBJECT and a schema FILE");
    fputs(lookup_usage, stderr);
    goto cleanup;
  }
  if (!cli_format_allowed(ctx, "lookup", CLI_FORMAT_TEXT | CLI_FORMAT_JSON)) {
    goto cleanup;
  }
  if (!cli_schema_file_load(&file, args[1], type_name, refs, nrefs)) {
    goto cleanup;
  }
  client = cli_connect(ctx);
  if (client == NULL) {
    goto cleanup;
  }
  strata_error e =
      strata_client_lookup(client, args[0], &file.input, normalize, deleted, &found, &err);
  if (e != STRATA_E_OK) {
    rc = cli_client_failure("lookup", e, &err);
    goto cleanup;
  }
  if (ctx->format == CLI_FORMAT_JSON) {
    rc = cli_print_schema(ctx, found, args[0]);
    goto cleanup;
  }
  printf("found %s version %d with id %" PRId64 "%s\n",
         found->subject != NULL ? found->subject : args[0], found->version, found->id,
         found->deleted ? " (deleted)" : "");
  rc = CLI_EXIT_OK;

cleanup:
  strata_client_schema_free(&found);
  strata_client_free(&client);
  cli_schema_file_release(&file);
  free(refs);
  return rc;
}
