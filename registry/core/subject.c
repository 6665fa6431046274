/*
 * subject.c - parsing and qualifying subject names with contexts (spec §4.12).
 */
#include "core/subject.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at @p s (1 to 4) with its code
 * point in *cp, or 0 when the bytes at @p s are not well-formed UTF-8
 * (overlong forms, surrogates, values past U+10FFFF, stray or missing
 * continuation bytes). @p s is NUL-terminated; a NUL is never a continuation
 * byte, so the scan stops at the terminator.
 */
static size_t sn_utf8_next(const unsigned char *s, uint32_t *cp) {
  unsigned char b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  size_t len;
  uint32_t value;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    value = b0 & 0x1fu;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    value = b0 & 0x0fu;
    if (b0 == 0xe0) {
      lo = 0xa0; /* no overlong forms */
    } else if (b0 == 0xed) {
      hi = 0x9f; /* no surrogates */
    }
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    value = b0 & 0x07u;
    if (b0 == 0xf0) {
      lo = 0x90;
    } else if (b0 == 0xf4) {
      hi = 0x8f; /* nothing past U+10FFFF */
    }
  } else {
    return 0;
  }
  for (size_t i = 1; i < len; i++) {
    unsigned char b = s[i];
    unsigned char min = i == 1 ? lo : 0x80;
    unsigned char max = i == 1 ? hi : 0xbf;
    if (b < min || b > max) {
      return 0;
    }
    value = (value << 6) | (b & 0x3fu);
  }
  *cp = value;
  return len;
}

/* True for the ISO control characters U+0000-U+001F and U+007F-U+009F. */
static bool sn_is_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* True when @p s is well-formed UTF-8 without control characters and, when
 * @p no_colon, without ':'. */
static bool sn_clean_text(const char *s, bool no_colon) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p != '\0') {
    uint32_t cp;
    size_t len = sn_utf8_next(p, &cp);
    if (len == 0 || sn_is_control(cp) || (no_colon && cp == ':')) {
      return false;
    }
    p += len;
  }
  return true;
}

bool sn_valid_context(const char *context) {
  return context != NULL && context[0] == '.' && sn_clean_text(context + 1, true);
}

/* Bytes the subject text takes in a message: malformed bytes become U+FFFD. */
static size_t sn_display_char(const unsigned char *p, size_t *advance) {
  uint32_t cp;
  size_t len = sn_utf8_next(p, &cp);
  if (len == 0) {
    *advance = 1;
    return 3;
  }
  *advance = len;
  return len;
}

/*
 * Writes Confluent's 42208 message for @p text into @p msg (@p msglen bytes):
 * "The specified subject '<text>' is not a valid.". Malformed UTF-8 in the
 * text is replaced by U+FFFD so the message stays valid UTF-8; a text too
 * long for the buffer is cut at a character boundary and ends in "...".
 */
static void sn_invalid_message(const char *text, char *msg, size_t msglen) {
  static const char prefix[] = "The specified subject '";
  static const char suffix[] = "' is not a valid.";
  static const char replacement[] = "\xef\xbf\xbd";
  if (msg == NULL || msglen == 0) {
    return;
  }
  const char *shown = text != NULL ? text : "null";
  size_t fixed = sizeof prefix - 1 + sizeof suffix - 1;
  if (msglen <= fixed) {
    /* too small for the sentence: keep what fits of its start */
    size_t n = msglen - 1 < sizeof prefix - 1 ? msglen - 1 : sizeof prefix - 1;
    memcpy(msg, prefix, n);
    msg[n] = '\0';
    return;
  }
  size_t budget = msglen - 1 - fixed;
  size_t needed = 0;
  const unsigned char *p = (const unsigned char *)shown;
  while (*p != '\0') {
    size_t advance;
    needed += sn_display_char(p, &advance);
    p += advance;
  }
  bool cut = needed > budget;
  if (cut) {
    budget = budget >= 3 ? budget - 3 : 0;
  }
  size_t pos = 0;
  memcpy(msg, prefix, sizeof prefix - 1);
  pos += sizeof prefix - 1;
  size_t used = 0;
  p = (const unsigned char *)shown;
  while (*p != '\0') {
    size_t advance;
    size_t width = sn_display_char(p, &advance);
    if (used + width > budget) {
      break;
    }
    if (width == advance) {
      memcpy(msg + pos, p, width);
    } else {
      memcpy(msg + pos, replacement, 3);
    }
    pos += width;
    used += width;
    p += advance;
  }
  if (cut && msglen - 1 - pos >= 3 + sizeof suffix - 1) {
    memcpy(msg + pos, "...", 3);
    pos += 3;
  }
  memcpy(msg + pos, suffix, sizeof suffix - 1);
  pos += sizeof suffix - 1;
  msg[pos] = '\0';
}

static void sn_set_message(char *msg, size_t msglen, const char *text) {
  if (msg == NULL || msglen == 0) {
    return;
  }
  size_t n = strlen(text);
  if (n >= msglen) {
    n = msglen - 1; /* ASCII text: any cut is a character boundary */
  }
  memcpy(msg, text, n);
  msg[n] = '\0';
}

static char *sn_strndup(const char *s, size_t n) {
  char *copy = malloc(n + 1);
  if (copy != NULL) {
    memcpy(copy, s, n);
    copy[n] = '\0';
  }
  return copy;
}

strata_error sn_parse(const char *text, sn_subject *out, char *msg, size_t msglen) {
  strata_error err = STRATA_E_INVALID_SUBJECT;
  char *context = NULL;
  char *name = NULL;
  out->context = NULL;
  out->name = NULL;
  if (text == NULL || !sn_clean_text(text, false)) {
    goto cleanup;
  }
  const char *ctx_start = SN_DEFAULT_CONTEXT;
  size_t ctx_len = strlen(SN_DEFAULT_CONTEXT);
  const char *name_start = text;
  if (text[0] == ':') {
    const char *close = strchr(text + 1, ':');
    if (close == NULL) {
      goto cleanup; /* ":.a" never closes its context */
    }
    ctx_start = text + 1;
    ctx_len = (size_t)(close - ctx_start);
    name_start = close + 1;
    if (ctx_len == 0 || ctx_start[0] != '.') {
      goto cleanup; /* ":x:y", "::y" */
    }
  }
  if (strcmp(name_start, "__GLOBAL") == 0 || strcmp(name_start, "__EMPTY") == 0) {
    goto cleanup;
  }
  err = STRATA_E_NOMEM;
  context = sn_strndup(ctx_start, ctx_len);
  name = sn_strndup(name_start, strlen(name_start));
  if (context == NULL || name == NULL) {
    goto cleanup;
  }
  out->context = context;
  out->name = name;
  context = NULL;
  name = NULL;
  err = STRATA_E_OK;

cleanup:
  free(context);
  free(name);
  if (err == STRATA_E_INVALID_SUBJECT) {
    sn_invalid_message(text, msg, msglen);
  } else if (err == STRATA_E_NOMEM) {
    sn_set_message(msg, msglen, "Out of memory");
  }
  return err;
}

void sn_free(sn_subject *subject) {
  if (subject == NULL) {
    return;
  }
  free(subject->context);
  free(subject->name);
  subject->context = NULL;
  subject->name = NULL;
}

char *sn_qualify(const char *context, const char *name) {
  const char *unqualified = name != NULL ? name : "";
  size_t name_len = strlen(unqualified);
  if (context == NULL || strcmp(context, SN_DEFAULT_CONTEXT) == 0) {
    return sn_strndup(unqualified, name_len);
  }
  size_t ctx_len = strlen(context);
  char *text = malloc(ctx_len + name_len + 3);
  if (text == NULL) {
    return NULL;
  }
  text[0] = ':';
  memcpy(text + 1, context, ctx_len);
  text[1 + ctx_len] = ':';
  memcpy(text + 2 + ctx_len, unqualified, name_len + 1);
  return text;
}
