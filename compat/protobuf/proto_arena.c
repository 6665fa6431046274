/*
 * proto_arena.c - the bump allocator a parsed .proto file lives in, and the
 * protobuf-c allocator on top of it (binary input is unpacked into it too).
 */
#include "proto_model.h"

#include <stdlib.h>
#include <string.h>

#define PBC_CHUNK_SIZE 16384

struct pbc_chunk {
  pbc_chunk *next;
  size_t used;
  size_t size;
  max_align_t data[];
};

void *pbc_alloc(pbc_arena *arena, size_t n) {
  size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  if (need < n) {
    return NULL;
  }
  pbc_chunk *c = arena->head;
  if (c == NULL || c->size - c->used < need) {
    size_t size = need > PBC_CHUNK_SIZE ? need : PBC_CHUNK_SIZE;
    if (size > SIZE_MAX - sizeof(pbc_chunk)) {
      return NULL;
    }
    pbc_chunk *fresh = malloc(sizeof(pbc_chunk) + size);
    if (fresh == NULL) {
      return NULL;
    }
    fresh->used = 0;
    fresh->size = size;
    if (c != NULL && need > PBC_CHUNK_SIZE) {
      /* a big block: keep filling the current chunk afterwards */
      fresh->next = c->next;
      c->next = fresh;
    } else {
      fresh->next = c;
      arena->head = fresh;
    }
    c = fresh;
  }
  void *p = (char *)c->data + c->used;
  c->used += need;
  memset(p, 0, n);
  return p;
}

char *pbc_strndup(pbc_arena *arena, const char *s, size_t n) {
  if (n == SIZE_MAX) {
    return NULL;
  }
  char *p = pbc_alloc(arena, n + 1);
  if (p != NULL) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

char *pbc_strdup(pbc_arena *arena, const char *s) {
  return pbc_strndup(arena, s, strlen(s));
}

bool pbc_grow(pbc_arena *arena, void **array, size_t count, size_t size) {
  /* capacities are powers of two from 4; grow when count reaches one */
  if (count >= 4 && (count & (count - 1)) != 0) {
    return true;
  }
  if (count != 0 && count < 4) {
    return true;
  }
  size_t cap = count == 0 ? 4 : count * 2;
  if (cap > SIZE_MAX / size) {
    return false;
  }
  void *fresh = pbc_alloc(arena, cap * size);
  if (fresh == NULL) {
    return false;
  }
  if (count > 0) {
    memcpy(fresh, *array, count * size);
  }
  *array = fresh;
  return true;
}

void pbc_arena_free(pbc_arena *arena) {
  pbc_chunk *c = arena->head;
  while (c != NULL) {
    pbc_chunk *next = c->next;
    free(c);
    c = next;
  }
  arena->head = NULL;
}

static void *arena_pb_alloc(void *data, size_t size) {
  return pbc_alloc(data, size);
}

static void arena_pb_free(void *data, void *p) {
  (void)data;
  (void)p;
}

ProtobufCAllocator pbc_arena_allocator(pbc_arena *arena) {
  ProtobufCAllocator a = {arena_pb_alloc, arena_pb_free, arena};
  return a;
}
