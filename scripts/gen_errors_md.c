/*
 * gen_errors_md.c - writes docs/errors.md from include/strata/errors.def.
 * Built by CMake; `cmake --build build --target errors-doc` regenerates the
 * page and the test docs/errors-md-up-to-date checks it is current.
 */
#include <stdio.h>

typedef struct doc_entry {
  const char *name;
  int code;
  int http;
  const char *message;
} doc_entry;

static const doc_entry entries[] = {
#define STRATA_ERROR(name, code, http, msg) {#name, code, http, msg},
#include <strata/errors.def>
#undef STRATA_ERROR
};

int main(void) {
  puts("# Errors");
  puts("");
  puts("Generated from `include/strata/errors.def` by `scripts/gen_errors_md.c`; do not edit.");
  puts("Regenerate with `cmake --build build --target errors-doc`.");
  puts("");
  puts(
      "Every error the registry returns has the body `{\"error_code\": N, \"message\": \"...\"}`.");
  puts("The numeric codes are Confluent Schema Registry's own, so existing clients understand");
  puts("them. Client mistakes are never answered with a 5xx status; 5xx means the server or its");
  puts("storage failed and a retry may help. In C, the enum value is `STRATA_E_<NAME>`;");
  puts("`strata_strerror()`, `strata_error_code()` and `strata_error_http_status()` map it.");
  puts("");
  puts("| Name | error_code | HTTP status | Default message |");
  puts("|---|---|---|---|");
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    printf("| `%s` | %d | %d | %s |\n", entries[i].name, entries[i].code, entries[i].http,
           entries[i].message);
  }
  return 0;
}
