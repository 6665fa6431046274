/*
 * cache.c - a bounded, thread-safe LRU map: a hash table of chained entries
 * plus a doubly linked recency list, under one mutex. Values are a schema
 * (stored and handed out as deep copies) or an id.
 */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *key;
  size_t key_len;
  uint64_t hash;
  strata_client_schema *schema; /* NULL for an id entry */
  int64_t id;
  struct entry *chain; /* next in the bucket */
  struct entry *newer;
  struct entry *older;
} entry;

struct sclc_cache {
  pthread_mutex_t lock;
  size_t capacity;
  size_t count;
  entry **buckets;
  size_t nbuckets; /* a power of two */
  entry *newest;
  entry *oldest;
};

/* FNV-1a, 64 bits. */
static uint64_t key_hash(const char *key, size_t len) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)key[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

sclc_cache *sclc_cache_new(size_t capacity) {
  sclc_cache *cache = calloc(1, sizeof *cache);
  if (cache == NULL) {
    return NULL;
  }
  cache->capacity = capacity;
  cache->nbuckets = 16;
  while (cache->nbuckets < capacity && cache->nbuckets < ((size_t)1 << 20)) {
    cache->nbuckets *= 2;
  }
  cache->buckets = calloc(cache->nbuckets, sizeof *cache->buckets);
  if (cache->buckets == NULL || pthread_mutex_init(&cache->lock, NULL) != 0) {
    free(cache->buckets);
    free(cache);
    return NULL;
  }
  return cache;
}

static void entry_free(entry *e) {
  free(e->key);
  strata_client_schema_free(&e->schema);
  free(e);
}

static void unlink_recency(sclc_cache *cache, entry *e) {
  if (e->newer != NULL) {
    e->newer->older = e->older;
  } else {
    cache->newest = e->older;
  }
  if (e->older != NULL) {
    e->older->newer = e->newer;
  } else {
    cache->oldest = e->newer;
  }
  e->newer = e->older = NULL;
}

static void push_newest(sclc_cache *cache, entry *e) {
  e->older = cache->newest;
  e->newer = NULL;
  if (cache->newest != NULL) {
    cache->newest->newer = e;
  }
  cache->newest = e;
  if (cache->oldest == NULL) {
    cache->oldest = e;
  }
}

/* Removes @p e from its bucket and the recency list and frees it. */
static void remove_entry(sclc_cache *cache, entry *e) {
  entry **link = &cache->buckets[e->hash & (cache->nbuckets - 1)];
  while (*link != e) {
    link = &(*link)->chain;
  }
  *link = e->chain;
  unlink_recency(cache, e);
  cache->count--;
  entry_free(e);
}

static entry *find(sclc_cache *cache, const char *key, size_t len, uint64_t hash) {
  for (entry *e = cache->buckets[hash & (cache->nbuckets - 1)]; e != NULL; e = e->chain) {
    if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0) {
      return e;
    }
  }
  return NULL;
}

void sclc_cache_clear(sclc_cache *cache) {
  if (cache == NULL) {
    return;
  }
  pthread_mutex_lock(&cache->lock);
  while (cache->oldest != NULL) {
    remove_entry(cache, cache->oldest);
  }
  pthread_mutex_unlock(&cache->lock);
}

void sclc_cache_free(sclc_cache *cache) {
  if (cache == NULL) {
    return;
  }
  sclc_cache_clear(cache);
  pthread_mutex_destroy(&cache->lock);
  free(cache->buckets);
  free(cache);
}

size_t sclc_cache_count(sclc_cache *cache) {
  pthread_mutex_lock(&cache->lock);
  size_t n = cache->count;
  pthread_mutex_unlock(&cache->lock);
  return n;
}

/* Moves @p e to the newest end of the recency list. */
static void make_newest(sclc_cache *cache, entry *e) {
  unlink_recency(cache, e);
  push_newest(cache, e);
}

/* Inserts or replaces @p key with (@p schema, @p id); takes ownership of
 * @p schema in every case. A key whose building failed is skipped. */
static void put(sclc_cache *cache, sclc_buf *key, strata_client_schema *schema, int64_t id) {
  const char *text = sclc_buf_text(key);
  entry *e = NULL;

  if (cache->capacity == 0 || text == NULL) {
    strata_client_schema_free(&schema);
    return;
  }
  uint64_t hash = key_hash(text, key->len);
  pthread_mutex_lock(&cache->lock);
  e = find(cache, text, key->len, hash);
  if (e != NULL) {
    strata_client_schema_free(&e->schema);
    e->schema = schema;
    e->id = id;
    schema = NULL;
    make_newest(cache, e);
    goto cleanup;
  }
  e = calloc(1, sizeof *e);
  if (e == NULL || (e->key = malloc(key->len)) == NULL) {
    free(e);
    goto cleanup;
  }
  memcpy(e->key, text, key->len);
  e->key_len = key->len;
  e->hash = hash;
  e->schema = schema;
  e->id = id;
  schema = NULL;
  while (cache->count >= cache->capacity && cache->oldest != NULL) {
    remove_entry(cache, cache->oldest);
  }
  e->chain = cache->buckets[hash & (cache->nbuckets - 1)];
  cache->buckets[hash & (cache->nbuckets - 1)] = e;
  push_newest(cache, e);
  cache->count++;

cleanup:
  pthread_mutex_unlock(&cache->lock);
  strata_client_schema_free(&schema);
}

/* Looks up @p key and makes a found entry the newest. With @p schema set only
 * a schema entry hits, and *schema gets a new copy of it; else *id gets the
 * entry's id. */
static bool get(sclc_cache *cache, sclc_buf *key, strata_client_schema **schema, int64_t *id) {
  const char *text = sclc_buf_text(key);
  bool hit = false;

  if (cache->capacity == 0 || text == NULL) {
    return false;
  }
  pthread_mutex_lock(&cache->lock);
  entry *e = find(cache, text, key->len, key_hash(text, key->len));
  if (e != NULL && (schema == NULL || e->schema != NULL)) {
    if (schema != NULL) {
      *schema = sclr_schema_copy(e->schema);
      hit = *schema != NULL;
    } else {
      *id = e->id;
      hit = true;
    }
    make_newest(cache, e);
  }
  pthread_mutex_unlock(&cache->lock);
  return hit;
}

bool sclc_cache_get_schema(sclc_cache *cache, sclc_buf *key, strata_client_schema **out) {
  *out = NULL;
  return get(cache, key, out, NULL);
}

void sclc_cache_put_schema(sclc_cache *cache, sclc_buf *key, const strata_client_schema *schema) {
  if (cache->capacity == 0) {
    return;
  }
  /* Copy outside the lock; put() frees the copy when it cannot keep it. */
  strata_client_schema *copy = sclr_schema_copy(schema);
  if (copy != NULL) {
    put(cache, key, copy, copy->id);
  }
}

bool sclc_cache_get_id(sclc_cache *cache, sclc_buf *key, int64_t *id) {
  return get(cache, key, NULL, id);
}

void sclc_cache_put_id(sclc_cache *cache, sclc_buf *key, int64_t id) {
  put(cache, key, NULL, id);
}
