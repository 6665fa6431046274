/*
 * lint_map.c - a small open-addressing (linear probing) hash map from strings
 * to pointers, for the catalog one migration file builds up (tables created,
 * column types, constraints). Keys are copied; values are owned when the map
 * has a free_value function.
 */
#include "lint_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over the key's bytes. */
static uint64_t map_hash(const char *key) {
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
    h ^= *p;
    h *= 1099511628211ULL;
  }
  return h;
}

/* The slot holding @p key, or the empty slot where it would go. */
static size_t map_slot(char *const *keys, size_t cap, const char *key) {
  size_t i = (size_t)map_hash(key) & (cap - 1);
  while (keys[i] != NULL && strcmp(keys[i], key) != 0) {
    i = (i + 1) & (cap - 1);
  }
  return i;
}

void *mlint_map_get(const mlint_map *map, const char *key) {
  if (map->cap == 0) {
    return NULL;
  }
  size_t i = map_slot(map->keys, map->cap, key);
  return map->keys[i] != NULL ? map->values[i] : NULL;
}

static strata_error map_grow(mlint_map *map) {
  size_t cap = map->cap == 0 ? 16 : map->cap * 2;
  char **keys = calloc(cap, sizeof *keys);
  void **values = calloc(cap, sizeof *values);
  if (keys == NULL || values == NULL) {
    free(keys);
    free(values);
    return STRATA_E_NOMEM;
  }
  for (size_t i = 0; i < map->cap; i++) {
    if (map->keys[i] != NULL) {
      size_t j = map_slot(keys, cap, map->keys[i]);
      keys[j] = map->keys[i];
      values[j] = map->values[i];
    }
  }
  free(map->keys);
  free(map->values);
  map->keys = keys;
  map->values = values;
  map->cap = cap;
  return STRATA_E_OK;
}

static void map_free_value(const mlint_map *map, void *value) {
  if (map->free_value != NULL && value != NULL) {
    map->free_value(value);
  }
}

strata_error mlint_map_put(mlint_map *map, const char *key, void *value) {
  if ((map->count + 1) * 2 > map->cap && map_grow(map) != STRATA_E_OK) {
    map_free_value(map, value);
    return STRATA_E_NOMEM;
  }
  size_t i = map_slot(map->keys, map->cap, key);
  if (map->keys[i] != NULL) {
    map_free_value(map, map->values[i]);
    map->values[i] = value;
    return STRATA_E_OK;
  }
  map->keys[i] = strdup(key);
  if (map->keys[i] == NULL) {
    map_free_value(map, value);
    return STRATA_E_NOMEM;
  }
  map->values[i] = value;
  map->count++;
  return STRATA_E_OK;
}

void mlint_map_remove(mlint_map *map, const char *key) {
  if (map->cap == 0) {
    return;
  }
  size_t i = map_slot(map->keys, map->cap, key);
  if (map->keys[i] == NULL) {
    return;
  }
  free(map->keys[i]);
  map_free_value(map, map->values[i]);
  map->keys[i] = NULL;
  map->values[i] = NULL;
  map->count--;
  /* Re-insert the rest of the probe run so that lookups do not stop early. */
  for (size_t j = (i + 1) & (map->cap - 1); map->keys[j] != NULL; j = (j + 1) & (map->cap - 1)) {
    char *k = map->keys[j];
    void *v = map->values[j];
    map->keys[j] = NULL;
    map->values[j] = NULL;
    size_t slot = map_slot(map->keys, map->cap, k);
    map->keys[slot] = k;
    map->values[slot] = v;
  }
}

void mlint_map_clear(mlint_map *map) {
  for (size_t i = 0; i < map->cap; i++) {
    if (map->keys[i] != NULL) {
      free(map->keys[i]);
      map_free_value(map, map->values[i]);
    }
  }
  free(map->keys);
  free(map->values);
  map->keys = NULL;
  map->values = NULL;
  map->cap = 0;
  map->count = 0;
}
