/*
 * cmd_proto.c - `strata proto compile FILE.proto... [-I DIR]... [--include-imports] -o OUT`:
 * .proto files to a FileDescriptorSet, as `protoc --descriptor_set_out` writes it.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char proto_usage[] =
    "usage: strata proto compile FILE.proto... [-I DIR]... [--include-imports] -o OUT.binpb\n"
    "\n"
    "  compile            parse FILE.proto... and write their FileDescriptorSet to OUT.binpb\n"
    "                     (what protoc --descriptor_set_out writes, without source info)\n"
    "\n"
    "  -I, --proto-path DIR  directory to search for imports, in order given (default: .);\n"
    "                     each FILE must lie in one, which gives its import name\n"
    "  --include-imports  also write every file the FILEs import, dependencies first\n"
    "  -o, --output OUT   the file to write\n"
    "\n"
    "Exit status: 0 success, 2 usage or input error (the message names file, line and column).\n";

/* Parses FILE (the command line's name) into *out. False after printing an error. */
static bool compile_one(const cli_arg_list *dirs, const char *file, strata_schema **out) {
  bool ok = false;
  const char *name = cli_proto_import_name(dirs, file);
  char *text = NULL;
  size_t len = 0;
  strata_diag diag;

  if (name == NULL || access(file, R_OK) != 0) {
    /* as protoc: a name found below an -I directory is a virtual path */
    if (cli_proto_import_loader((void *)dirs, file, &text, &len) == STRATA_E_OK) {
      name = file;
    } else if (name == NULL) {
      cli_error("%s: File does not reside within any path specified using -I", file);
      goto cleanup;
    }
  }
  if (text == NULL) {
    text = cli_read_file(file, &len);
  }
  if (text == NULL) {
    goto cleanup;
  }
  if (strata_proto_parse_file(name, text, len, cli_proto_import_loader, (void *)dirs, out, &diag) !=
      STRATA_E_OK) {
    cli_error("%s", diag.message[0] != '\0' ? diag.message : "out of memory");
    goto cleanup;
  }
  ok = true;

cleanup:
  free(text);
  return ok;
}

static int compile(const cli_arg_list *dirs, const char *const *files, size_t nfiles,
                   bool include_imports, const char *output) {
  int rc = CLI_EXIT_USAGE;
  strata_schema **schemas = calloc(nfiles + 1, sizeof *schemas);
  uint8_t *bytes = NULL;
  size_t len = 0;
  FILE *out = NULL;

  if (schemas == NULL) {
    cli_error("proto: out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < nfiles; i++) {
    if (!compile_one(dirs, files[i], &schemas[i])) {
      goto cleanup;
    }
  }
  if (strata_proto_descriptor_set((const strata_schema *const *)schemas, nfiles, include_imports,
                                  &bytes, &len) != STRATA_E_OK) {
    cli_error("proto: out of memory");
    goto cleanup;
  }
  out = fopen(output, "wb");
  if (out == NULL) {
    cli_error("%s: %s", output, strerror(errno));
    goto cleanup;
  }
  bool ok = fwrite(bytes, 1, len, out) == len;
  int closed = fclose(out);
  out = NULL;
  if (closed != 0 || !ok) {
    cli_error("%s: write failed", output);
    goto cleanup;
  }
  rc = CLI_EXIT_OK;

cleanup:
  if (out != NULL) {
    fclose(out);
  }
  free(bytes);
  for (size_t i = 0; schemas != NULL && i < nfiles; i++) {
    strata_schema_free(&schemas[i]);
  }
  free(schemas);
  return rc;
}

int cmd_proto(cli_ctx *ctx, int argc, char **argv) {
  int rc = CLI_EXIT_USAGE;
  const char *output = NULL;
  bool include_imports = false;
  cli_arg_list dirs = {0};
  cli_arg_list operands = {0};
  const char *default_dirs[] = {"."};
  const cli_option options[] = {CLI_LIST("-I", &dirs),
                                CLI_LIST("--proto-path", &dirs),
                                CLI_VALUE("-o", &output),
                                CLI_VALUE("--output", &output),
                                CLI_FLAG("--include-imports", &include_imports),
                                CLI_OPTIONS_END};
  const cli_syntax syntax = {.command = "proto",
                             .usage = proto_usage,
                             .options = options,
                             .no_global_options = true,
                             .operand_list = &operands,
                             .required = 1,
                             .missing = "needs an action (compile)"};

  if (!cli_parse_args(ctx, &syntax, argc, argv, &rc)) {
    goto cleanup;
  }
  rc = CLI_EXIT_USAGE;
  if (strcmp(operands.items[0], "compile") != 0) {
    cli_usage_error(&syntax, "unknown action '%s' (expected compile)", operands.items[0]);
    goto cleanup;
  }
  if (operands.count < 2 || output == NULL) {
    cli_usage_error(&syntax, operands.count < 2 ? "compile needs at least one .proto file"
                                                : "compile needs -o OUT");
    goto cleanup;
  }
  cli_arg_list search = dirs;
  if (search.count == 0) {
    search.items = default_dirs;
    search.count = 1;
  }
  rc = compile(&search, operands.items + 1, operands.count - 1, include_imports, output);

cleanup:
  free(dirs.items);
  free(operands.items);
  return rc;
}
