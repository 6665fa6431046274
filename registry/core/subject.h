/*
 * subject.h - qualified subject names and contexts (spec §4.12).
 *
 * A subject may carry a context: ":.team-a:orders" is the subject "orders"
 * in context ".team-a". An unqualified name, ":.:name" and ":.:" belong to the
 * default context ".". ":.ctx:" (empty name) names the context itself, which
 * config and mode use for context-level settings.
 */
#ifndef STRATA_REGISTRY_CORE_SUBJECT_H
#define STRATA_REGISTRY_CORE_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include <strata/error.h>

/** The default context. */
#define SN_DEFAULT_CONTEXT "."
/** The context whose config and mode apply to every context. */
#define SN_GLOBAL_CONTEXT ".__GLOBAL"

/** A parsed subject; both strings are owned (free with sn_free()). */
typedef struct sn_subject {
  char *context; /**< ".", ".team-a", ... */
  char *name;    /**< unqualified name; "" for the context itself */
} sn_subject;

/**
 * Parses @p text (borrowed) into @p out. Returns STRATA_E_OK,
 * STRATA_E_INVALID_SUBJECT (with Confluent's message "The specified subject
 * '<text>' is not a valid." in @p msg) or STRATA_E_NOMEM.
 *
 * Invalid: NULL; any ISO control character (U+0000-U+001F, U+007F-U+009F);
 * invalid UTF-8; a name equal to "__GLOBAL" or "__EMPTY"; a qualified form
 * whose context does not start with "." or contains ":" (":x:y", ":.a" with
 * no closing ":"). Registering into ".__GLOBAL" is refused by the caller,
 * not here (config and mode accept it).
 */
strata_error sn_parse(const char *text, sn_subject *out, char *msg, size_t msglen);

/** Frees the strings of @p subject (NULL-safe) and zeroes it. */
void sn_free(sn_subject *subject);

/**
 * The qualified text of (@p context, @p name): @p name itself in the default
 * context, else ":<context>:<name>". Returns a new string (free()), NULL on ENOMEM.
 */
char *sn_qualify(const char *context, const char *name);

/** True when @p context is a valid context name ("." or "." followed by characters other than ':'
 * and controls). */
bool sn_valid_context(const char *context);

#endif /* STRATA_REGISTRY_CORE_SUBJECT_H */
