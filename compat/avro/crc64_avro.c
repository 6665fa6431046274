/* crc64_avro.c - the CRC-64-AVRO (Rabin) fingerprint of the Avro specification. */
#include <strata/compat.h>

#include <pthread.h>

/* The specification's empty-fingerprint constant, also the polynomial. */
#define CRC64_AVRO_EMPTY 0xc15d213aa4d7a795ULL

static uint64_t crc64_table[256];
static pthread_once_t crc64_once = PTHREAD_ONCE_INIT;

static void crc64_table_init(void) {
  for (unsigned i = 0; i < 256; i++) {
    uint64_t fp = i;
    for (int j = 0; j < 8; j++) {
      fp = (fp >> 1) ^ (CRC64_AVRO_EMPTY & (0 - (fp & 1)));
    }
    crc64_table[i] = fp;
  }
}

uint64_t strata_crc64_avro(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t fp = CRC64_AVRO_EMPTY;
  pthread_once(&crc64_once, crc64_table_init);
  for (size_t i = 0; i < len; i++) {
    fp = (fp >> 8) ^ crc64_table[(fp ^ p[i]) & 0xff];
  }
  return fp;
}
