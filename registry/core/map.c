/*
 * map.c - linear-probing hash map with backward-shift deletion (map.h).
 */
#include "map.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64 bit. */
static uint64_t hash_bytes(const void *key, size_t len) {
  const unsigned char *p = key;
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static hm_slot *find_slot(const hm_map *map, const void *key, size_t len, uint64_t hash) {
  size_t mask = map->cap - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    hm_slot *slot = &map->slots[i];
    if (slot->key == NULL ||
        (slot->hash == hash && slot->len == len && memcmp(slot->key, key, len) == 0)) {
      return slot;
    }
  }
}

void *hm_get(const hm_map *map, const void *key, size_t len) {
  if (map->cap == 0) {
    return NULL;
  }
  hm_slot *slot = find_slot(map, key, len, hash_bytes(key, len));
  return slot->key != NULL ? slot->value : NULL;
}

void *hm_get_str(const hm_map *map, const char *key) {
  return hm_get(map, key, strlen(key));
}

static bool grow(hm_map *map) {
  size_t cap = map->cap == 0 ? 16 : map->cap * 2;
  hm_slot *slots = calloc(cap, sizeof *slots);
  if (slots == NULL) {
    return false;
  }
  hm_map grown = {slots, cap, map->count};
  for (size_t i = 0; i < map->cap; i++) {
    if (map->slots[i].key != NULL) {
      *find_slot(&grown, map->slots[i].key, map->slots[i].len, map->slots[i].hash) = map->slots[i];
    }
  }
  free(map->slots);
  *map = grown;
  return true;
}

bool hm_put(hm_map *map, const void *key, size_t len, void *value) {
  if ((map->count + 1) * 4 > map->cap * 3 && !grow(map)) {
    return false;
  }
  uint64_t hash = hash_bytes(key, len);
  hm_slot *slot = find_slot(map, key, len, hash);
  if (slot->key == NULL) {
    map->count++;
  }
  slot->key = key;
  slot->len = len;
  slot->hash = hash;
  slot->value = value;
  return true;
}

bool hm_put_str(hm_map *map, const char *key, void *value) {
  return hm_put(map, key, strlen(key), value);
}

void *hm_remove(hm_map *map, const void *key, size_t len) {
  if (map->cap == 0) {
    return NULL;
  }
  size_t mask = map->cap - 1;
  hm_slot *slot = find_slot(map, key, len, hash_bytes(key, len));
  if (slot->key == NULL) {
    return NULL;
  }
  void *value = slot->value;
  /* Backward-shift: move later members of the probe run into the hole. */
  size_t hole = (size_t)(slot - map->slots);
  for (size_t i = (hole + 1) & mask; map->slots[i].key != NULL; i = (i + 1) & mask) {
    size_t home = map->slots[i].hash & mask;
    /* The entry at i may move to hole iff hole lies cyclically in [home, i). */
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      map->slots[hole] = map->slots[i];
      hole = i;
    }
  }
  map->slots[hole].key = NULL;
  map->count--;
  return value;
}

void *hm_remove_str(hm_map *map, const char *key) {
  return hm_remove(map, key, strlen(key));
}

void hm_release(hm_map *map) {
  free(map->slots);
  map->slots = NULL;
  map->cap = 0;
  map->count = 0;
}
