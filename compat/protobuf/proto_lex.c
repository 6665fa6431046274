/*
 * proto_lex.c - the .proto tokenizer: identifiers, integers (decimal, hex,
 * octal), floats, quoted strings with C escapes, single-character symbols;
 * // and block comments. Lines and columns are counted as protoc counts them
 * (0-based, a tab advances the column to the next multiple of 8), so errors
 * print the same positions.
 */
#include "proto_model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(char c) {
  if (is_digit(c)) {
    return c - '0';
  }
  return (c | 0x20) - 'a' + 10;
}

static char peek(const pbc_lexer *lex, size_t ahead) {
  return lex->pos + ahead < lex->len ? lex->src[lex->pos + ahead] : '\0';
}

static bool at_end(const pbc_lexer *lex) {
  return lex->pos >= lex->len;
}

/* Consumes one byte, keeping line and column as protoc does. */
static void advance(pbc_lexer *lex) {
  char c = lex->src[lex->pos++];
  if (c == '\n') {
    lex->line++;
    lex->col = 0;
  } else if (c == '\t') {
    lex->col += 8 - lex->col % 8;
  } else {
    lex->col++;
  }
}

static strata_error skip_space_and_comments(pbc_lexer *lex) {
  while (!at_end(lex)) {
    char c = peek(lex, 0);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      advance(lex);
    } else if (c == '/' && peek(lex, 1) == '/') {
      while (!at_end(lex) && peek(lex, 0) != '\n') {
        advance(lex);
      }
    } else if (c == '/' && peek(lex, 1) == '*') {
      int line = lex->line;
      int col = lex->col;
      advance(lex);
      advance(lex);
      for (;;) {
        if (at_end(lex)) {
          pbc_fail(lex->err, lex->line, lex->col, "End-of-file inside block comment.");
          return pbc_fail(lex->err, line, col, "  Comment started here.");
        }
        if (peek(lex, 0) == '*' && peek(lex, 1) == '/') {
          advance(lex);
          advance(lex);
          break;
        }
        advance(lex);
      }
    } else {
      break;
    }
  }
  return STRATA_E_OK;
}

/* Scans a string literal, checking its escapes; the text keeps the quotes. */
static strata_error scan_string(pbc_lexer *lex) {
  char quote = peek(lex, 0);
  advance(lex);
  for (;;) {
    if (at_end(lex)) {
      return pbc_fail(lex->err, lex->line, lex->col, "Unexpected end of string.");
    }
    char c = peek(lex, 0);
    if (c == '\n') {
      return pbc_fail(lex->err, lex->line, lex->col,
                      "String literals cannot cross line boundaries.");
    }
    if (c == quote) {
      advance(lex);
      return STRATA_E_OK;
    }
    if (c == '\\') {
      advance(lex);
      char e = peek(lex, 0);
      if (at_end(lex)) {
        return pbc_fail(lex->err, lex->line, lex->col, "Unexpected end of string.");
      }
      if (strchr("abfnrtv\\?'\"", e) != NULL || (e >= '0' && e <= '7')) {
        advance(lex);
      } else if (e == 'x' || e == 'X') {
        advance(lex);
        if (!is_hex(peek(lex, 0))) {
          return pbc_fail(lex->err, lex->line, lex->col,
                          "Expected hex digits for escape sequence.");
        }
      } else if (e == 'u' || e == 'U') {
        int n = e == 'u' ? 4 : 8;
        advance(lex);
        for (int i = 0; i < n; i++) {
          if (!is_hex(peek(lex, 0))) {
            return pbc_fail(lex->err, lex->line, lex->col,
                            "Expected four hex digits for \\u escape sequence.");
          }
          advance(lex);
        }
      } else {
        return pbc_fail(lex->err, lex->line, lex->col,
                        "Invalid escape sequence in string literal.");
      }
      continue;
    }
    advance(lex);
  }
}

static strata_error scan_number(pbc_lexer *lex) {
  bool is_float = false;
  char c = peek(lex, 0);
  if (c == '0' && (peek(lex, 1) == 'x' || peek(lex, 1) == 'X')) {
    advance(lex);
    advance(lex);
    if (!is_hex(peek(lex, 0))) {
      return pbc_fail(lex->err, lex->line, lex->col, "\"0x\" must be followed by hex digits.");
    }
    while (is_hex(peek(lex, 0))) {
      advance(lex);
    }
  } else if (c == '0' && is_digit(peek(lex, 1))) {
    while (is_digit(peek(lex, 0))) {
      if (peek(lex, 0) > '7') {
        return pbc_fail(lex->err, lex->line, lex->col,
                        "Numbers starting with leading zero must be in octal.");
      }
      advance(lex);
    }
  } else {
    while (is_digit(peek(lex, 0))) {
      advance(lex);
    }
    if (peek(lex, 0) == '.') {
      is_float = true;
      advance(lex);
      while (is_digit(peek(lex, 0))) {
        advance(lex);
      }
    }
    if (peek(lex, 0) == 'e' || peek(lex, 0) == 'E') {
      is_float = true;
      advance(lex);
      if (peek(lex, 0) == '+' || peek(lex, 0) == '-') {
        advance(lex);
      }
      if (!is_digit(peek(lex, 0))) {
        return pbc_fail(lex->err, lex->line, lex->col, "\"e\" must be followed by exponent.");
      }
      while (is_digit(peek(lex, 0))) {
        advance(lex);
      }
    }
    if (is_float && (peek(lex, 0) == 'f' || peek(lex, 0) == 'F')) {
      advance(lex);
    }
  }
  if (is_letter(peek(lex, 0)) || peek(lex, 0) == '.') {
    return pbc_fail(lex->err, lex->line, lex->col,
                    peek(lex, 0) == '.' ? "Already saw decimal point or exponent; can't have "
                                          "another one."
                                        : "Need space between number and identifier.");
  }
  lex->cur.kind = is_float ? PBC_TOK_FLOAT : PBC_TOK_INT;
  return STRATA_E_OK;
}

strata_error pbc_lex_next(pbc_lexer *lex) {
  strata_error rc = skip_space_and_comments(lex);
  if (rc != STRATA_E_OK) {
    return rc;
  }
  lex->cur.line = lex->line;
  lex->cur.col = lex->col;
  lex->cur.text = lex->src + lex->pos;
  if (at_end(lex)) {
    lex->cur.kind = PBC_TOK_EOF;
    lex->cur.len = 0;
    return STRATA_E_OK;
  }
  size_t start = lex->pos;
  char c = peek(lex, 0);
  if (is_letter(c)) {
    while (is_letter(peek(lex, 0)) || is_digit(peek(lex, 0))) {
      advance(lex);
    }
    lex->cur.kind = PBC_TOK_IDENT;
  } else if (is_digit(c) || (c == '.' && is_digit(peek(lex, 1)))) {
    rc = scan_number(lex);
  } else if (c == '"' || c == '\'') {
    lex->cur.kind = PBC_TOK_STRING;
    rc = scan_string(lex);
  } else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
    rc = pbc_fail(lex->err, lex->line, lex->col,
                  (unsigned char)c < 0x20 ? "Invalid control characters encountered in text."
                                          : "Interpreting non ascii codepoint %d.",
                  (unsigned char)c);
  } else {
    advance(lex);
    lex->cur.kind = PBC_TOK_SYMBOL;
  }
  lex->cur.len = lex->pos - start;
  return rc;
}

strata_error pbc_lex_init(pbc_lexer *lex, const char *src, size_t len, pbc_errors *err) {
  memset(lex, 0, sizeof *lex);
  lex->src = src;
  lex->len = len;
  lex->err = err;
  return pbc_lex_next(lex);
}

bool pbc_lex_is(const pbc_lexer *lex, const char *text) {
  size_t n = strlen(text);
  return (lex->cur.kind == PBC_TOK_SYMBOL || lex->cur.kind == PBC_TOK_IDENT) && lex->cur.len == n &&
         memcmp(lex->cur.text, text, n) == 0;
}

/* Appends code point @p cp as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | ((cp >> 18) & 0x07));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

strata_error pbc_lex_string(pbc_lexer *lex, const pbc_token *tok, pbc_arena *arena, char **out,
                            size_t *outlen) {
  /* the decoded text is never longer than the literal */
  char *buf = pbc_alloc(arena, tok->len + 1);
  if (buf == NULL) {
    return pbc_nomem(lex->err);
  }
  size_t n = 0;
  const char *s = tok->text + 1;
  const char *end = tok->text + tok->len - 1;
  while (s < end) {
    if (*s != '\\') {
      buf[n++] = *s++;
      continue;
    }
    s++;
    char e = *s++;
    switch (e) {
    case 'a':
      buf[n++] = '\a';
      break;
    case 'b':
      buf[n++] = '\b';
      break;
    case 'f':
      buf[n++] = '\f';
      break;
    case 'n':
      buf[n++] = '\n';
      break;
    case 'r':
      buf[n++] = '\r';
      break;
    case 't':
      buf[n++] = '\t';
      break;
    case 'v':
      buf[n++] = '\v';
      break;
    case 'x':
    case 'X': {
      int v = 0;
      for (int i = 0; i < 2 && s < end && is_hex(*s); i++) {
        v = v * 16 + hex_value(*s++);
      }
      buf[n++] = (char)v;
      break;
    }
    case 'u':
    case 'U': {
      uint32_t cp = 0;
      for (int i = 0; i < (e == 'u' ? 4 : 8); i++) {
        cp = cp * 16 + (uint32_t)hex_value(*s++);
      }
      if (cp > 0x10ffff) {
        cp = 0xfffd;
      }
      n += put_utf8(buf + n, cp);
      break;
    }
    default:
      if (e >= '0' && e <= '7') {
        int v = e - '0';
        for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; i++) {
          v = v * 8 + (*s++ - '0');
        }
        buf[n++] = (char)v;
      } else {
        buf[n++] = e; /* \\ \? \' \" */
      }
      break;
    }
  }
  buf[n] = '\0';
  *out = buf;
  *outlen = n;
  return STRATA_E_OK;
}

bool pbc_lex_uint(const pbc_token *tok, uint64_t *out) {
  const char *s = tok->text;
  size_t len = tok->len;
  unsigned base = 10;
  size_t i = 0;
  if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (len > 1 && s[0] == '0') {
    base = 8;
    i = 1;
  }
  uint64_t v = 0;
  for (; i < len; i++) {
    unsigned d = (unsigned)hex_value(s[i]);
    if (v > (UINT64_MAX - d) / base) {
      return false;
    }
    v = v * base + d;
  }
  *out = v;
  return true;
}

double pbc_lex_double(const pbc_token *tok) {
  if (tok->kind == PBC_TOK_INT) {
    uint64_t v = 0;
    if (pbc_lex_uint(tok, &v)) {
      return (double)v;
    }
    /* protoc reads an integer too big for 64 bits as a decimal double */
  }
  char buf[512];
  size_t n = tok->len < sizeof buf - 1 ? tok->len : sizeof buf - 1;
  memcpy(buf, tok->text, n);
  if (n > 0 && (buf[n - 1] == 'f' || buf[n - 1] == 'F')) {
    n--;
  }
  buf[n] = '\0';
  return strtod(buf, NULL);
}
