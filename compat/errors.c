/* errors.c - strata_strerror() and the error mappings, generated from errors.def. */
#include <strata/error.h>

#include <stddef.h>

typedef struct error_entry {
  const char *name;
  int code;
  int http;
  const char *message;
} error_entry;

static const error_entry error_table[] = {
#define STRATA_ERROR(name, code, http, msg) {#name, code, http, msg},
#include <strata/errors.def>
#undef STRATA_ERROR
};

static const error_entry *error_lookup(strata_error err) {
  if ((int)err < 0 || err >= STRATA_E__COUNT) {
    return NULL;
  }
  return &error_table[err];
}

const char *strata_strerror(strata_error err) {
  const error_entry *e = error_lookup(err);
  return e != NULL ? e->message : "Unknown error";
}

const char *strata_error_name(strata_error err) {
  const error_entry *e = error_lookup(err);
  return e != NULL ? e->name : "UNKNOWN";
}

int strata_error_code(strata_error err) {
  const error_entry *e = error_lookup(err);
  return e != NULL ? e->code : 500;
}

int strata_error_http_status(strata_error err) {
  const error_entry *e = error_lookup(err);
  return e != NULL ? e->http : 500;
}
