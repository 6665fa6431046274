/* error.h - Strata error codes, generated from errors.def. */
#ifndef STRATA_ERROR_H
#define STRATA_ERROR_H

#include <strata/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Every error Strata can report; see errors.def for codes and messages. */
typedef enum strata_error {
#define STRATA_ERROR(name, code, http, msg) STRATA_E_##name,
#include <strata/errors.def>
#undef STRATA_ERROR
  STRATA_E__COUNT
} strata_error;

/**
 * The default message of @p err.
 * Returns a borrowed static string; never NULL (unknown values give
 * "Unknown error").
 */
STRATA_EXTERN const char *strata_strerror(strata_error err);

/** The name of @p err without prefix, e.g. "INVALID_SCHEMA"; borrowed static. */
STRATA_EXTERN const char *strata_error_name(strata_error err);

/** The Confluent-compatible numeric error_code of @p err (e.g. 42201). */
STRATA_EXTERN int strata_error_code(strata_error err);

/** The HTTP status a response carrying @p err uses (e.g. 422). */
STRATA_EXTERN int strata_error_http_status(strata_error err);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_ERROR_H */
