/*
 * identity.c - the identity digest of a registered schema (spec §4.1) and an
 * MD5 written from the algorithm's description in RFC 1321: the message is
 * padded to 448 bits modulo 512, its length in bits appended as 64-bit
 * little-endian, and each 512-bit block mixed into four 32-bit words by four
 * rounds of sixteen operations.
 */
#include "core/identity.h"

#include <string.h>

/* An MD5 computation in progress. */
typedef struct idn_md5_ctx {
  uint32_t state[4];       /* A, B, C, D */
  uint64_t total;          /* message bytes seen so far */
  unsigned char block[64]; /* the partial block */
  size_t fill;             /* bytes in block */
} idn_md5_ctx;

/* T[i] = floor(2^32 * |sin(i + 1)|) (RFC 1321 §3.4, i counted from 0). */
static const uint32_t idn_md5_t[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u,
    0xfd469501u, 0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u,
    0xa679438eu, 0x49b40821u, 0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du,
    0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u, 0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au, 0xfffa3942u, 0x8771f681u, 0x6d9d6122u,
    0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u, 0x289b7ec6u, 0xeaa127fau,
    0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u, 0xf4292244u,
    0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu,
    0xeb86d391u};

/* Left-rotation amounts, four per round. */
static const unsigned idn_md5_shift[4][4] = {
    {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t idn_rotl(uint32_t x, unsigned n) {
  return (x << n) | (x >> (32u - n));
}

static void idn_md5_init(idn_md5_ctx *ctx) {
  /* word A = 01 23 45 67 (low-order byte first), B = 89 ab cd ef, ... */
  ctx->state[0] = 0x67452301u;
  ctx->state[1] = 0xefcdab89u;
  ctx->state[2] = 0x98badcfeu;
  ctx->state[3] = 0x10325476u;
  ctx->total = 0;
  ctx->fill = 0;
}

/* Mixes one 64-byte block into the state. */
static void idn_md5_block(uint32_t state[4], const unsigned char block[64]) {
  uint32_t x[16];
  for (int i = 0; i < 16; i++) {
    const unsigned char *p = block + 4 * i;
    x[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  }
  uint32_t a = state[0];
  uint32_t b = state[1];
  uint32_t c = state[2];
  uint32_t d = state[3];
  for (unsigned i = 0; i < 64; i++) {
    unsigned round = i / 16;
    uint32_t f;
    unsigned k;
    switch (round) {
    case 0: /* F(X,Y,Z) = XY v not(X) Z, words in order */
      f = (b & c) | (~b & d);
      k = i;
      break;
    case 1: /* G(X,Y,Z) = XZ v Y not(Z), words 1, 6, 11, ... */
      f = (b & d) | (c & ~d);
      k = (1 + 5 * i) % 16;
      break;
    case 2: /* H(X,Y,Z) = X xor Y xor Z, words 5, 8, 11, ... */
      f = b ^ c ^ d;
      k = (5 + 3 * i) % 16;
      break;
    default: /* I(X,Y,Z) = Y xor (X v not(Z)), words 0, 7, 14, ... */
      f = c ^ (b | ~d);
      k = (7 * i) % 16;
      break;
    }
    uint32_t sum = a + f + x[k] + idn_md5_t[i];
    uint32_t next = b + idn_rotl(sum, idn_md5_shift[round][i % 4]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

static void idn_md5_update(idn_md5_ctx *ctx, const void *data, size_t len) {
  const unsigned char *p = data;
  ctx->total += len;
  if (ctx->fill > 0) {
    size_t take = 64 - ctx->fill;
    if (take > len) {
      take = len;
    }
    memcpy(ctx->block + ctx->fill, p, take);
    ctx->fill += take;
    p += take;
    len -= take;
    if (ctx->fill < 64) {
      return;
    }
    idn_md5_block(ctx->state, ctx->block);
    ctx->fill = 0;
  }
  while (len >= 64) {
    idn_md5_block(ctx->state, p);
    p += 64;
    len -= 64;
  }
  if (len > 0) {
    memcpy(ctx->block, p, len);
    ctx->fill = len;
  }
}

static void idn_md5_final(idn_md5_ctx *ctx, unsigned char out[16]) {
  uint64_t bits = ctx->total * 8u;
  unsigned char pad[72];
  /* one 1 bit, then 0 bits up to 448 mod 512, then the 64-bit length */
  size_t padlen = ctx->fill < 56 ? 56 - ctx->fill : 120 - ctx->fill;
  memset(pad, 0, sizeof pad);
  pad[0] = 0x80;
  for (int i = 0; i < 8; i++) {
    pad[padlen + (size_t)i] = (unsigned char)(bits >> (8 * i));
  }
  idn_md5_update(ctx, pad, padlen + 8);
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      out[4 * i + j] = (unsigned char)(ctx->state[i] >> (8 * j));
    }
  }
}

void idn_md5(const void *data, size_t len, unsigned char out[16]) {
  idn_md5_ctx ctx;
  idn_md5_init(&ctx);
  if (len > 0) {
    idn_md5_update(&ctx, data, len);
  }
  idn_md5_final(&ctx, out);
}

static void idn_md5_text(idn_md5_ctx *ctx, const char *text) {
  if (text != NULL) {
    idn_md5_update(ctx, text, strlen(text));
  }
}

void idn_digest(const char *canonical, size_t canonical_len, const idn_ref *refs, size_t nrefs,
                const char *metadata, const char *rule_set, unsigned char out[16]) {
  static const unsigned char present = 0x01;
  idn_md5_ctx ctx;
  idn_md5_init(&ctx);
  if (canonical != NULL && canonical_len > 0) {
    idn_md5_update(&ctx, canonical, canonical_len);
  }
  for (size_t i = 0; refs != NULL && i < nrefs; i++) {
    uint32_t version = (uint32_t)refs[i].version;
    unsigned char be[4] = {(unsigned char)(version >> 24), (unsigned char)(version >> 16),
                           (unsigned char)(version >> 8), (unsigned char)version};
    idn_md5_text(&ctx, refs[i].name);
    idn_md5_text(&ctx, refs[i].subject);
    idn_md5_update(&ctx, be, sizeof be);
  }
  if (metadata != NULL) {
    idn_md5_update(&ctx, &present, 1);
    idn_md5_text(&ctx, metadata);
  }
  if (rule_set != NULL) {
    idn_md5_update(&ctx, &present, 1);
    idn_md5_text(&ctx, rule_set);
  }
  idn_md5_final(&ctx, out);
}

static const char idn_hexdigits[] = "0123456789abcdef";

void idn_hex(const unsigned char digest[16], char out[33]) {
  for (int i = 0; i < 16; i++) {
    out[2 * i] = idn_hexdigits[digest[i] >> 4];
    out[2 * i + 1] = idn_hexdigits[digest[i] & 0x0f];
  }
  out[32] = '\0';
}

void idn_guid(const unsigned char digest[16], char out[37]) {
  size_t pos = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out[pos++] = '-';
    }
    out[pos++] = idn_hexdigits[digest[i] >> 4];
    out[pos++] = idn_hexdigits[digest[i] & 0x0f];
  }
  out[pos] = '\0';
}
