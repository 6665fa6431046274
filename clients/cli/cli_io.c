/*
 * cli_io.c - the commands' input: their command lines (one declarative
 * parser, cli_parse_args()), files and schemas.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("strata: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value) {
  const char *arg = argv[*i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) {
    return 0;
  }
  if (arg[n] == '=') {
    *value = arg + n + 1;
    return 1;
  }
  if (arg[n] != '\0') {
    if (n == 2 && name[0] == '-' && name[1] != '-') {
      *value = arg + n; /* a short option's attached value: "-Idir" */
      return 1;
    }
    return 0;
  }
  if (*i + 1 >= argc) {
    cli_error("option %s needs a value", name);
    return -1;
  }
  *value = argv[++*i];
  return 1;
}

void cli_usage_error(const cli_syntax *syntax, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "strata: %s: ", syntax->command);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fputs(syntax->usage, stderr);
}

/* Appends @p value to @p list, whose array holds up to @p argc values (as
 * many as a command line can give). False after printing an error. */
static bool arg_list_append(cli_arg_list *list, int argc, const char *value) {
  if (list->items == NULL) {
    list->items = calloc((size_t)argc, sizeof *list->items);
    if (list->items == NULL) {
      cli_error("out of memory");
      return false;
    }
  }
  list->items[list->count++] = value;
  return true;
}

/* Takes argv[*i] when it is one of the command's own options (advancing *i
 * past a separate value). Returns 1 when taken, 0 when it is none of them,
 * -1 after printing an error. */
static int take_option(const cli_syntax *syntax, int argc, char **argv, int *i) {
  for (const cli_option *option = syntax->options; option != NULL && option->name != NULL;
       option++) {
    const char *value = NULL;
    int m = 0;
    switch (option->kind) {
    case CLI_OPTION_FLAG:
      if (strcmp(argv[*i], option->name) == 0) {
        *option->flag = true;
        m = 1;
      }
      break;
    case CLI_OPTION_VALUE:
      m = cli_option_value(argc, argv, i, option->name, option->value);
      break;
    case CLI_OPTION_LIST:
      m = cli_option_value(argc, argv, i, option->name, &value);
      if (m > 0 && !arg_list_append(option->list, argc, value)) {
        m = -1;
      }
      break;
    case CLI_OPTION_SET:
      if (strcmp(argv[*i], option->name) == 0) {
        *option->setting = option->set_to;
        m = 1;
      }
      break;
    }
    if (m != 0) {
      return m;
    }
  }
  return 0;
}

/* Stores the operand @p arg, the (*count + 1)th. False after printing an error. */
static bool take_operand(const cli_syntax *syntax, int argc, const char *arg, size_t *count) {
  if (syntax->operand_list != NULL) {
    if (!arg_list_append(syntax->operand_list, argc, arg)) {
      return false;
    }
    (*count)++;
    return true;
  }
  if (*count == CLI_MAX_OPERANDS || syntax->operands[*count] == NULL) {
    if (syntax->too_many != NULL && *count > 0) {
      cli_usage_error(syntax, "%s ('%s' and '%s')", syntax->too_many, *syntax->operands[*count - 1],
                      arg);
    } else {
      cli_usage_error(syntax, "unexpected argument '%s'", arg);
    }
    return false;
  }
  *syntax->operands[(*count)++] = arg;
  return true;
}

bool cli_parse_args(cli_ctx *ctx, const cli_syntax *syntax, int argc, char **argv, int *status) {
  bool options_done = false;
  size_t count = 0;

  *status = CLI_EXIT_USAGE;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (options_done || arg[0] != '-' || arg[1] == '\0') {
      if (!take_operand(syntax, argc, arg, &count)) {
        return false;
      }
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(syntax->usage, stdout);
      *status = CLI_EXIT_OK;
      return false;
    }
    int m = take_option(syntax, argc, argv, &i);
    if (m == 0 && !syntax->no_global_options) {
      m = cli_global_option(ctx, argc, argv, &i);
    }
    if (m < 0) {
      return false;
    }
    if (m == 0) {
      cli_usage_error(syntax, "unknown option '%s'", arg);
      return false;
    }
  }
  if (count < syntax->required) {
    cli_usage_error(syntax, "%s", syntax->missing);
    return false;
  }
  return syntax->formats == 0 || cli_format_allowed(ctx, syntax->command, syntax->formats);
}

char *cli_read_file(const char *path, size_t *len) {
  FILE *f = NULL;
  char *data = NULL;
  size_t cap = 0;
  size_t n = 0;
  char *result = NULL;

  f = fopen(path, "rb");
  if (f == NULL) {
    cli_error("cannot read %s: %s", path, strerror(errno));
    goto cleanup;
  }
  while (true) {
    if (n + 4096 + 1 > cap) {
      size_t grown_cap = cap ? cap * 2 : 8192;
      char *grown = realloc(data, grown_cap);
      if (grown == NULL) {
        cli_error("cannot read %s: out of memory", path);
        goto cleanup;
      }
      data = grown;
      cap = grown_cap;
    }
    size_t got = fread(data + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) {
      break;
    }
  }
  if (ferror(f)) {
    cli_error("cannot read %s: %s", path, strerror(errno));
    goto cleanup;
  }
  data[n] = '\0';
  *len = n;
  result = data;
  data = NULL;

cleanup:
  if (f != NULL) {
    fclose(f);
  }
  free(data);
  return result;
}

bool cli_schema_type(const char *path, const char *type_name, strata_schema_type *out) {
  if (type_name != NULL) {
    if (strata_schema_type_from_name(type_name, out) != STRATA_E_OK) {
      cli_error("unknown schema type '%s' (expected avro, protobuf, json or table)", type_name);
      return false;
    }
    return true;
  }
  static const struct {
    const char *extension;
    strata_schema_type type;
  } by_extension[] = {{".avsc", STRATA_SCHEMA_AVRO},
                      {".proto", STRATA_SCHEMA_PROTOBUF},
                      {".sql", STRATA_SCHEMA_TABLE},
                      {".json", STRATA_SCHEMA_JSON}};
  const char *dot = strrchr(path, '.');
  for (size_t i = 0; dot != NULL && i < sizeof by_extension / sizeof by_extension[0]; i++) {
    if (strcasecmp(dot, by_extension[i].extension) == 0) {
      *out = by_extension[i].type;
      return true;
    }
  }
  cli_error("cannot tell the schema type of %s from its extension (.avsc, .proto, .sql or "
            ".json); pass --type",
            path);
  return false;
}

strata_schema *cli_load_schema(const char *path, strata_schema_type type) {
  return cli_load_schema_imports(path, type, NULL);
}

strata_schema *cli_load_schema_imports(const char *path, strata_schema_type type,
                                       const cli_arg_list *import_dirs) {
  size_t len = 0;
  char *text = NULL;
  strata_schema *schema = NULL;
  strata_diag diag;

  if (type == STRATA_SCHEMA_PROTOBUF) {
    return cli_proto_load(path, import_dirs);
  }
  text = cli_read_file(path, &len);
  if (text == NULL) {
    goto cleanup;
  }
  strata_error rc = strata_schema_parse(type, text, len, NULL, 0, &schema, &diag);
  if (rc != STRATA_E_OK) {
    if (diag.line > 0 && diag.column > 0) {
      cli_error("%s:%d:%d: %s", path, diag.line, diag.column, diag.message);
    } else if (diag.line > 0) {
      cli_error("%s:%d: %s", path, diag.line, diag.message);
    } else {
      cli_error("%s: %s", path, diag.message[0] != '\0' ? diag.message : strata_strerror(rc));
    }
  }

cleanup:
  free(text);
  return schema;
}
