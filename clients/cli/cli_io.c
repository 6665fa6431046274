/* cli_io.c - option values, file reading and schema loading shared by the commands. */
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
    return 0;
  }
  if (*i + 1 >= argc) {
    cli_error("option %s needs a value", name);
    return -1;
  }
  *value = argv[++*i];
  return 1;
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
  const char *dot = strrchr(path, '.');
  if (dot != NULL && strcasecmp(dot, ".avsc") == 0) {
    *out = STRATA_SCHEMA_AVRO;
    return true;
  }
  if (dot != NULL && strcasecmp(dot, ".proto") == 0) {
    *out = STRATA_SCHEMA_PROTOBUF;
    return true;
  }
  cli_error("cannot tell the schema type of %s from its extension (.avsc is Avro); pass --type",
            path);
  return false;
}

strata_schema *cli_load_schema(const char *path, strata_schema_type type) {
  size_t len = 0;
  char *text = cli_read_file(path, &len);
  strata_schema *schema = NULL;
  strata_diag diag;

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
