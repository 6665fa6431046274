/*
 * issues.c - compatibility results: the issue list, its accessors, and the
 * Confluent registry's verbose `messages` rendering.
 */
#include "compat_int.h"

#include <stdlib.h>
#include <string.h>

/* Confluent truncates the old schema in messages to 10 KiB. */
#define SCM_OLD_SCHEMA_LIMIT 10240

struct strata_compat_result {
  strata_compat_level level;
  const scm_format *format;
  strata_compat_issue *issues;
  size_t nissues;
  size_t cap;
  /* the newest version that failed, for the messages list */
  bool has_failure;
  int failure_version;
  char *failure_old_canonical;
  /* messages, built on demand for one value of validate_fields */
  char **messages;
  size_t nmessages;
  bool messages_built;
  bool messages_validate_fields;
};

strata_compat_result *scm_result_new(strata_compat_level level, const scm_format *format) {
  strata_compat_result *result = calloc(1, sizeof *result);
  if (result != NULL) {
    result->level = level;
    result->format = format;
  }
  return result;
}

strata_error scm_result_note_failure(strata_compat_result *result, int version,
                                     const char *old_canonical) {
  if (result->has_failure) {
    return STRATA_E_OK;
  }
  result->failure_old_canonical = strdup(old_canonical != NULL ? old_canonical : "");
  if (result->failure_old_canonical == NULL) {
    return STRATA_E_NOMEM;
  }
  result->has_failure = true;
  result->failure_version = version;
  return STRATA_E_OK;
}

static void issue_release(strata_compat_issue *issue) {
  free((char *)issue->code);
  free((char *)issue->path);
  free((char *)issue->message);
  free((char *)issue->detail);
}

strata_error scm_sink_add(scm_sink *sink, const char *code, const char *path, const char *message,
                          const char *detail) {
  strata_error rc = STRATA_E_OK;
  strata_compat_result *result = sink->result;
  strata_compat_issue issue = {0};

  if (result->nissues == result->cap) {
    size_t cap = result->cap ? result->cap * 2 : 8;
    strata_compat_issue *grown = realloc(result->issues, cap * sizeof *grown);
    if (grown == NULL) {
      rc = STRATA_E_NOMEM;
      goto cleanup;
    }
    result->issues = grown;
    result->cap = cap;
  }
  issue.code = strdup(code);
  issue.path = strdup(path);
  issue.message = strdup(message);
  issue.detail = strdup(detail != NULL ? detail : "");
  if (issue.code == NULL || issue.path == NULL || issue.message == NULL || issue.detail == NULL) {
    rc = STRATA_E_NOMEM;
    goto cleanup;
  }
  issue.direction = sink->direction;
  issue.version = sink->version;
  result->issues[result->nissues++] = issue;
  memset(&issue, 0, sizeof issue);

cleanup:
  issue_release(&issue);
  return rc;
}

bool strata_compat_result_compatible(const strata_compat_result *result) {
  return result->nissues == 0;
}

strata_compat_level strata_compat_result_level(const strata_compat_result *result) {
  return result->level;
}

size_t strata_compat_result_issue_count(const strata_compat_result *result) {
  return result->nissues;
}

const strata_compat_issue *strata_compat_result_issue(const strata_compat_result *result,
                                                      size_t i) {
  return i < result->nissues ? &result->issues[i] : NULL;
}

static void messages_release(strata_compat_result *result) {
  for (size_t i = 0; i < result->nmessages; i++) {
    free(result->messages[i]);
  }
  free(result->messages);
  result->messages = NULL;
  result->nmessages = 0;
  result->messages_built = false;
}

/* Appends the text of @p buf as the next message; the buffer is consumed. */
static strata_error messages_push(strata_compat_result *result, sjw_buf *buf) {
  char *text = sjw_take(buf);
  char **grown = NULL;
  if (text == NULL) {
    return STRATA_E_NOMEM;
  }
  grown = realloc(result->messages, (result->nmessages + 1) * sizeof *grown);
  if (grown == NULL) {
    free(text);
    return STRATA_E_NOMEM;
  }
  result->messages = grown;
  result->messages[result->nmessages++] = text;
  return STRATA_E_OK;
}

/* The number of bytes of @p s to keep so that at most @p limit bytes remain
 * and no UTF-8 sequence is cut. */
static size_t utf8_prefix(const char *s, size_t limit) {
  size_t n = strlen(s);
  if (n <= limit) {
    return n;
  }
  while (limit > 0 && ((unsigned char)s[limit] & 0xC0) == 0x80) {
    limit--;
  }
  return limit;
}

static strata_error messages_push_schema_lines(strata_compat_result *result) {
  strata_error rc = STRATA_E_OK;
  sjw_buf buf = SJW_BUF_INIT;
  const char *old = result->failure_old_canonical;
  size_t keep = utf8_prefix(old, SCM_OLD_SCHEMA_LIMIT);

  sjw_printf(&buf, "{oldSchemaVersion: %d}", result->failure_version);
  rc = messages_push(result, &buf);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  sjw_puts(&buf, "{oldSchema: '");
  sjw_put(&buf, old, keep);
  if (keep < strlen(old)) {
    sjw_puts(&buf, "<truncated>");
  }
  sjw_puts(&buf, "'}");
  rc = messages_push(result, &buf);

cleanup:
  sjw_release(&buf);
  return rc;
}

static strata_error messages_push_issues(strata_compat_result *result, strata_compat_direction dir,
                                         size_t *pushed) {
  strata_error rc = STRATA_E_OK;
  sjw_buf buf = SJW_BUF_INIT;

  *pushed = 0;
  for (size_t i = 0; i < result->nissues; i++) {
    const strata_compat_issue *issue = &result->issues[i];
    if (issue->version != result->failure_version || issue->direction != dir) {
      continue;
    }
    if (strcmp(issue->code, "SCHEMA_TYPE_MISMATCH") == 0) {
      sjw_puts(&buf, issue->detail);
    } else {
      result->format->confluent_entry(issue, &buf);
    }
    rc = messages_push(result, &buf);
    if (rc != STRATA_E_OK) {
      goto cleanup;
    }
    (*pushed)++;
  }

cleanup:
  sjw_release(&buf);
  return rc;
}

static strata_error messages_build(strata_compat_result *result, bool validate_fields) {
  strata_error rc = STRATA_E_OK;
  sjw_buf buf = SJW_BUF_INIT;
  size_t forward = 0;
  size_t backward = 0;
  bool full = result->level == STRATA_COMPAT_FULL || result->level == STRATA_COMPAT_FULL_TRANSITIVE;

  messages_release(result);
  if (!result->has_failure) {
    goto done;
  }
  rc = messages_push_issues(result, STRATA_DIRECTION_FORWARD, &forward);
  if (rc == STRATA_E_OK) {
    /* TABLE's WRITER issues go with the forward ones (the levels that check them) */
    size_t writer = 0;
    rc = messages_push_issues(result, STRATA_DIRECTION_WRITER, &writer);
    forward += writer;
  }
  if (rc == STRATA_E_OK) {
    rc = messages_push_issues(result, STRATA_DIRECTION_BACKWARD, &backward);
  }
  /* Under FULL the schema lines follow only a non-empty backward list. */
  if (rc == STRATA_E_OK && (full ? backward > 0 : forward + backward > 0)) {
    rc = messages_push_schema_lines(result);
  }
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }
  sjw_printf(&buf, "{validateFields: '%s', compatibility: '%s'}",
             validate_fields ? "true" : "false", strata_compat_level_name(result->level));
  rc = messages_push(result, &buf);
  if (rc != STRATA_E_OK) {
    goto cleanup;
  }

done:
  result->messages_built = true;
  result->messages_validate_fields = validate_fields;

cleanup:
  sjw_release(&buf);
  if (rc != STRATA_E_OK) {
    messages_release(result);
  }
  return rc;
}

strata_error strata_compat_result_messages(strata_compat_result *result, bool validate_fields,
                                           const char *const **messages, size_t *count) {
  strata_error rc = STRATA_E_OK;
  if (result == NULL || messages == NULL || count == NULL) {
    return STRATA_E_INVALID_ARGUMENT;
  }
  if (!result->messages_built || result->messages_validate_fields != validate_fields) {
    rc = messages_build(result, validate_fields);
  }
  if (rc == STRATA_E_OK) {
    *messages = (const char *const *)result->messages;
    *count = result->nmessages;
  }
  return rc;
}

void strata_compat_result_free(strata_compat_result **result) {
  if (result == NULL || *result == NULL) {
    return;
  }
  strata_compat_result *r = *result;
  for (size_t i = 0; i < r->nissues; i++) {
    issue_release(&r->issues[i]);
  }
  free(r->issues);
  free(r->failure_old_canonical);
  messages_release(r);
  free(r);
  *result = NULL;
}
