/*
 * map.h - an open-addressing hash map from byte-string keys to pointers.
 *
 * The map never copies keys: each key must stay valid (and unchanged) while
 * its entry is in the map, which the index guarantees by pointing keys into
 * the values themselves (a subject's name, a schema's id or identity).
 */
#ifndef STRATA_REGISTRY_CORE_MAP_H
#define STRATA_REGISTRY_CORE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One slot; key NULL means empty. */
typedef struct hm_slot {
  const void *key;
  size_t len;
  uint64_t hash;
  void *value;
} hm_slot;

/** A map. Zero-initialise (HM_INIT) before use; release with hm_release(). */
typedef struct hm_map {
  hm_slot *slots;
  size_t cap; /* a power of two, or 0 */
  size_t count;
} hm_map;

#define HM_INIT                                                                                    \
  { NULL, 0, 0 }

/** The value stored under @p len bytes at @p key, or NULL. */
void *hm_get(const hm_map *map, const void *key, size_t len);

/** hm_get() with a NUL-terminated string key. */
void *hm_get_str(const hm_map *map, const char *key);

/**
 * Stores @p value under @p key (borrowed: it must live as long as the entry),
 * replacing any previous value. Returns false on ENOMEM (the map is unchanged).
 */
bool hm_put(hm_map *map, const void *key, size_t len, void *value);

/** hm_put() with a NUL-terminated string key. */
bool hm_put_str(hm_map *map, const char *key, void *value);

/** Removes the entry for @p key, if any; returns its value or NULL. */
void *hm_remove(hm_map *map, const void *key, size_t len);

/** hm_remove() with a NUL-terminated string key. */
void *hm_remove_str(hm_map *map, const char *key);

/** Frees the slots (not the keys or values) and resets @p map. */
void hm_release(hm_map *map);

/** Iteration: for (size_t i = 0; i < map->cap; i++) if (map->slots[i].key) ... */
#define HM_FOREACH(map, slot)                                                                      \
  for (hm_slot *slot = (map)->slots; slot != NULL && slot < (map)->slots + (map)->cap; slot++)     \
    if (slot->key != NULL)

#endif /* STRATA_REGISTRY_CORE_MAP_H */
