/*
 * proto_symbols.c - the names a .proto file defines (a hash table per file),
 * name lookup across a file and its imports with protoc's scoping rules, and
 * the table of source positions the text front end keeps for link errors.
 */
#include "proto_model.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

bool pbc_symtab_add(pbc_arena *arena, pbc_symtab *tab, const pbc_symbol *sym) {
  if ((tab->count + 1) * 2 > tab->cap) {
    size_t cap = tab->cap == 0 ? 64 : tab->cap * 2;
    pbc_symbol *slots = pbc_alloc(arena, cap * sizeof *slots);
    if (slots == NULL) {
      return false;
    }
    for (size_t i = 0; i < tab->cap; i++) {
      if (tab->slots[i].name != NULL) {
        size_t j = hash_bytes(tab->slots[i].name, strlen(tab->slots[i].name)) & (cap - 1);
        while (slots[j].name != NULL) {
          j = (j + 1) & (cap - 1);
        }
        slots[j] = tab->slots[i];
      }
    }
    tab->slots = slots;
    tab->cap = cap;
  }
  size_t n = strlen(sym->name);
  size_t j = hash_bytes(sym->name, n) & (tab->cap - 1);
  while (tab->slots[j].name != NULL) {
    if (strcmp(tab->slots[j].name, sym->name) == 0) {
      return true;
    }
    j = (j + 1) & (tab->cap - 1);
  }
  tab->slots[j] = *sym;
  tab->count++;
  return true;
}

const pbc_symbol *pbc_symtab_get(const pbc_symtab *tab, const char *name, size_t len) {
  if (tab->cap == 0) {
    return NULL;
  }
  size_t j = hash_bytes(name, len) & (tab->cap - 1);
  while (tab->slots[j].name != NULL) {
    if (strncmp(tab->slots[j].name, name, len) == 0 && tab->slots[j].name[len] == '\0') {
      return &tab->slots[j];
    }
    j = (j + 1) & (tab->cap - 1);
  }
  return NULL;
}

/* Depth-first over the import graph; @p seen guards against revisiting (small graphs). */
static const pbc_symbol *find_in(const pbc_file *file, const char *name, size_t len,
                                 const pbc_file **seen, size_t *nseen, size_t maxseen) {
  for (size_t i = 0; i < *nseen; i++) {
    if (seen[i] == file) {
      return NULL;
    }
  }
  if (*nseen < maxseen) {
    seen[(*nseen)++] = file;
  }
  const pbc_symbol *s = pbc_symtab_get(&file->symbols, name, len);
  if (s != NULL && s->kind != PBC_SYM_PACKAGE) {
    return s;
  }
  const pbc_symbol *pkg = s;
  for (size_t i = 0; file->deps != NULL && i < file->proto->n_dependency; i++) {
    if (file->deps[i] != NULL) {
      const pbc_symbol *d = find_in(file->deps[i], name, len, seen, nseen, maxseen);
      if (d != NULL && d->kind != PBC_SYM_PACKAGE) {
        return d;
      }
      if (pkg == NULL) {
        pkg = d;
      }
    }
  }
  return pkg;
}

const pbc_symbol *pbc_find_anywhere(const pbc_file *file, const char *name) {
  const pbc_file *seen[256];
  size_t nseen = 0;
  return find_in(file, name, strlen(name), seen, &nseen, 256);
}

/* The files whose names @p file may use: itself, its imports and their public imports. */
static size_t visible_files(const pbc_file *file, const pbc_file **out, size_t max) {
  size_t n = 0;
  out[n++] = file;
  for (size_t i = 0; file->deps != NULL && i < file->proto->n_dependency && n < max; i++) {
    if (file->deps[i] != NULL) {
      out[n++] = file->deps[i];
    }
  }
  /* public imports of visible imports, transitively */
  for (size_t k = 1; k < n; k++) {
    const pbc_file *d = out[k];
    for (size_t j = 0; j < d->proto->n_public_dependency && n < max; j++) {
      int32_t idx = d->proto->public_dependency[j];
      if (idx < 0 || (size_t)idx >= d->proto->n_dependency || d->deps == NULL ||
          d->deps[idx] == NULL) {
        continue;
      }
      bool dup = false;
      for (size_t m = 0; m < n && !dup; m++) {
        dup = out[m] == d->deps[idx];
      }
      if (!dup) {
        out[n++] = d->deps[idx];
      }
    }
  }
  return n;
}

#define PBC_MAX_VISIBLE 512

static const pbc_symbol *find_visible(const pbc_file *const *files, size_t nfiles, const char *name,
                                      size_t len) {
  const pbc_symbol *pkg = NULL;
  for (size_t i = 0; i < nfiles; i++) {
    const pbc_symbol *s = pbc_symtab_get(&files[i]->symbols, name, len);
    if (s != NULL && s->kind != PBC_SYM_PACKAGE) {
      return s;
    }
    if (s != NULL && pkg == NULL) {
      pkg = s;
    }
  }
  return pkg;
}

static bool is_aggregate(pbc_sym_kind k) {
  return k == PBC_SYM_MESSAGE || k == PBC_SYM_PACKAGE || k == PBC_SYM_ENUM || k == PBC_SYM_SERVICE;
}

const pbc_symbol *pbc_resolve(const pbc_file *file, const char *scope, const char *name,
                              bool types_only) {
  if (name == NULL || scope == NULL) {
    return NULL; /* a serialized descriptor may leave a reference out */
  }
  const pbc_file *files[PBC_MAX_VISIBLE];
  size_t nfiles = visible_files(file, files, PBC_MAX_VISIBLE);
  if (name[0] == '.') {
    return find_visible(files, nfiles, name + 1, strlen(name + 1));
  }
  size_t name_len = strlen(name);
  const char *dot = strchr(name, '.');
  size_t first_len = dot != NULL ? (size_t)(dot - name) : name_len;
  size_t scope_len = strlen(scope);
  char buf[1024];
  if (scope_len + name_len + 2 > sizeof buf) {
    return NULL;
  }
  memcpy(buf, scope, scope_len);
  size_t cur = scope_len;
  for (;;) {
    /* drop the last component of the scope */
    while (cur > 0 && buf[cur - 1] != '.') {
      cur--;
    }
    bool at_root = cur == 0;
    if (!at_root) {
      cur--; /* the dot */
    }
    size_t base = cur;
    size_t n = base;
    if (!at_root) {
      buf[n++] = '.';
    }
    memcpy(buf + n, name, first_len);
    n += first_len;
    const pbc_symbol *s = find_visible(files, nfiles, buf, n);
    if (s != NULL) {
      if (first_len < name_len) {
        if (is_aggregate(s->kind)) {
          memcpy(buf + n, name + first_len, name_len - first_len);
          n += name_len - first_len;
          return find_visible(files, nfiles, buf, n);
        }
      } else if (!types_only || s->kind == PBC_SYM_MESSAGE || s->kind == PBC_SYM_ENUM) {
        return s;
      }
    }
    if (at_root) {
      return NULL;
    }
    cur = base;
  }
}

/* ---- positions ----------------------------------------------------------------- */

/* A node's address and aspect mixed into every bit (the splitmix64 finaliser): arena
 * addresses differ only in a few low bytes, which a byte-wise hash spreads poorly. */
static size_t pos_hash(const void *node, int aspect) {
  uint64_t v = (uint64_t)(uintptr_t)node ^ ((uint64_t)aspect << 59);
  v ^= v >> 30;
  v *= 0xbf58476d1ce4e5b9ULL;
  v ^= v >> 27;
  v *= 0x94d049bb133111ebULL;
  v ^= v >> 31;
  return (size_t)v;
}

/* Moves the position table into @p cap slots (a power of two, more than its entries). The table
 * is malloc'd, not in the arena, so an outgrown one is freed at once (pbc_file_free() frees the
 * last one). */
static bool posmap_resize(pbc_posmap *m, size_t cap) {
  pbc_posmap_entry *slots = calloc(cap, sizeof *slots);
  if (slots == NULL) {
    return false;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (m->slots[i].node != NULL) {
      size_t j = pos_hash(m->slots[i].node, m->slots[i].aspect) & (cap - 1);
      while (slots[j].node != NULL) {
        j = (j + 1) & (cap - 1);
      }
      slots[j] = m->slots[i];
    }
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return true;
}

bool pbc_pos_reserve(pbc_file *file, size_t text_len) {
  pbc_posmap *m = &file->positions;
  size_t cap = 256;
  /* about one noted position per 6 bytes of .proto text, at a load of at most 1/2 */
  while (cap < text_len / 3 && cap < ((size_t)1 << 24)) {
    cap *= 2;
  }
  return m->cap >= cap || posmap_resize(m, cap);
}

bool pbc_pos_set(pbc_file *file, const void *node, pbc_aspect aspect, int line, int col) {
  pbc_posmap *m = &file->positions;
  if ((m->count + 1) * 2 > m->cap && !posmap_resize(m, m->cap == 0 ? 256 : m->cap * 2)) {
    return false;
  }
  size_t j = pos_hash(node, (int)aspect) & (m->cap - 1);
  while (m->slots[j].node != NULL &&
         !(m->slots[j].node == node && m->slots[j].aspect == (int)aspect)) {
    j = (j + 1) & (m->cap - 1);
  }
  if (m->slots[j].node == NULL) {
    m->count++;
  }
  m->slots[j] = (pbc_posmap_entry){node, (int)aspect, line, col};
  return true;
}

bool pbc_pos_get(const pbc_file *file, const void *node, pbc_aspect aspect, int *line, int *col) {
  const pbc_posmap *m = &file->positions;
  *line = -1;
  *col = -1;
  if (m->cap == 0) {
    return false;
  }
  size_t j = pos_hash(node, (int)aspect) & (m->cap - 1);
  while (m->slots[j].node != NULL) {
    if (m->slots[j].node == node && m->slots[j].aspect == (int)aspect) {
      *line = m->slots[j].line;
      *col = m->slots[j].col;
      return true;
    }
    j = (j + 1) & (m->cap - 1);
  }
  return false;
}
