/*
 * contract.c - data contracts (spec §2.10, §2.11, §5): validation, normal
 * form, merging and text of "metadata" and "ruleSet" documents.
 *
 * Normal documents are built member by member in their documented order;
 * jansson objects iterate in insertion order (verified for jansson 2.14), so
 * sjw_value() writes them in that order. Maps and sets are sorted the way
 * Java's String.compareTo() sorts (UTF-16 code units), which is the order
 * Confluent's TreeMap/TreeSet give.
 */
#include "core/contract.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

/* Longest member path kept for a message; longer paths are cut. */
#define CT_PATH_MAX 512
/* Longest rule name, in UTF-16 code units as Java counts them. */
#define CT_RULE_NAME_MAX 256

/* ---- messages and paths ------------------------------------------------ */

/* Cuts a NUL-terminated string of @p len bytes back to a UTF-8 character
 * boundary when its last character is incomplete. */
static void ct_trim_utf8(char *s, size_t len) {
  size_t start = len;
  size_t back = 0;
  while (start > 0 && back < 4 && ((unsigned char)s[start - 1] & 0xc0) == 0x80) {
    start--;
    back++;
  }
  if (start == 0) {
    return;
  }
  unsigned char lead = (unsigned char)s[start - 1];
  size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (need > 1 && back + 1 < need) {
    s[start - 1] = '\0';
  }
}

static void ct_vformat(char *buf, size_t buflen, const char *fmt, va_list ap) {
  if (buf == NULL || buflen == 0) {
    return;
  }
  int n = vsnprintf(buf, buflen, fmt, ap);
  if (n < 0) {
    buf[0] = '\0';
  } else if ((size_t)n >= buflen) {
    ct_trim_utf8(buf, buflen - 1);
  }
}

/* printf-style text into @p buf (@p buflen bytes), cut at a character boundary. */
__attribute__((format(printf, 3, 4))) static void ct_format(char *buf, size_t buflen,
                                                            const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ct_vformat(buf, buflen, fmt, ap);
  va_end(ap);
}

/* Stores a message and returns @p err, so error sites read `return ct_fail(...)`. */
__attribute__((format(printf, 4, 5))) static strata_error
ct_fail(strata_error err, char *msg, size_t msglen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ct_vformat(msg, msglen, fmt, ap);
  va_end(ap);
  return err;
}

static strata_error ct_nomem(char *msg, size_t msglen) {
  return ct_fail(STRATA_E_NOMEM, msg, msglen, "Out of memory");
}

/* ---- ordering ---------------------------------------------------------- */

/*
 * The next character of @p *p as a key that orders like UTF-16 code units:
 * U+0000-U+DFFF, then supplementary characters (surrogate pairs, D800-DBFF
 * lead units), then U+E000-U+FFFF. Malformed bytes count as themselves.
 */
static uint32_t ct_next_key(const unsigned char **p) {
  const unsigned char *s = *p;
  uint32_t cp = s[0];
  size_t len = 1;
  if (s[0] >= 0xc0 && s[0] < 0xf8) {
    size_t need = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    uint32_t value = s[0] & (0x7fu >> need);
    size_t i = 1;
    while (i < need && (s[i] & 0xc0) == 0x80) {
      value = (value << 6) | (s[i] & 0x3fu);
      i++;
    }
    if (i == need) {
      cp = value;
      len = need;
    }
  }
  *p = s + len;
  if (cp >= 0xe000 && cp <= 0xffff) {
    return cp + 0x200000u;
  }
  return cp;
}

/* Java String.compareTo() order of two UTF-8 strings. */
static int ct_cmp(const char *a, const char *b) {
  const unsigned char *p = (const unsigned char *)a;
  const unsigned char *q = (const unsigned char *)b;
  while (*p != '\0' && *q != '\0') {
    uint32_t x = ct_next_key(&p);
    uint32_t y = ct_next_key(&q);
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  if (*p == '\0' && *q == '\0') {
    /* equal keys; only malformed bytes can get here with different texts */
    return strcmp(a, b);
  }
  return *p == '\0' ? -1 : 1;
}

static int ct_qsort_cmp(const void *x, const void *y) {
  return ct_cmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- sorted sets and maps ---------------------------------------------- */

/* A new array of the strings @p items (borrowed; sorted in place) sorted and
 * de-duplicated; NULL on ENOMEM. */
static json_t *ct_set_from(const char **items, size_t n) {
  json_t *set = json_array();
  if (set != NULL && n > 1) {
    qsort(items, n, sizeof items[0], ct_qsort_cmp);
  }
  for (size_t i = 0; set != NULL && i < n; i++) {
    bool repeated = i > 0 && strcmp(items[i - 1], items[i]) == 0;
    if (!repeated && json_array_append_new(set, json_string(items[i])) != 0) {
      json_decref(set);
      set = NULL;
    }
  }
  return set;
}

/* The sorted union of the string arrays @p a and @p b (either may be NULL);
 * a new array, NULL on ENOMEM. */
static json_t *ct_set_union(const json_t *a, const json_t *b) {
  size_t na = json_array_size(a);
  size_t nb = json_array_size(b);
  const char **items = malloc((na + nb + 1) * sizeof *items);
  if (items == NULL) {
    return NULL;
  }
  size_t n = 0;
  for (size_t i = 0; i < na; i++) {
    const char *s = json_string_value(json_array_get(a, i));
    if (s != NULL) {
      items[n++] = s;
    }
  }
  for (size_t i = 0; i < nb; i++) {
    const char *s = json_string_value(json_array_get(b, i));
    if (s != NULL) {
      items[n++] = s;
    }
  }
  json_t *set = ct_set_from(items, n);
  free(items);
  return set;
}

/* A new object with the members of @p map (borrowed) in sorted key order,
 * values deep-copied; NULL on ENOMEM. */
static json_t *ct_sorted_copy(const json_t *map) {
  json_t *sorted = NULL;
  size_t n = json_object_size(map);
  const char **keys = malloc((n + 1) * sizeof *keys);
  if (keys == NULL) {
    goto cleanup;
  }
  size_t count = 0;
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)map, key, value) {
    keys[count++] = key;
  }
  if (count > 1) {
    qsort(keys, count, sizeof keys[0], ct_qsort_cmp);
  }
  sorted = json_object();
  if (sorted == NULL) {
    goto cleanup;
  }
  for (size_t i = 0; i < count; i++) {
    json_t *copy = json_deep_copy(json_object_get(map, keys[i]));
    if (copy == NULL || json_object_set_new(sorted, keys[i], copy) != 0) {
      json_decref(sorted);
      sorted = NULL;
      goto cleanup;
    }
  }

cleanup:
  free(keys);
  return sorted;
}

/* A new sorted object: the members of @p base overridden key-wise by those of
 * @p top (either may be NULL); NULL on ENOMEM. */
static json_t *ct_map_merge(const json_t *base, const json_t *top) {
  json_t *merged = json_object();
  json_t *sorted = NULL;
  if (merged == NULL) {
    goto cleanup;
  }
  if (json_is_object(base) && json_object_update(merged, (json_t *)base) != 0) {
    goto cleanup;
  }
  if (json_is_object(top) && json_object_update(merged, (json_t *)top) != 0) {
    goto cleanup;
  }
  sorted = ct_sorted_copy(merged);

cleanup:
  json_decref(merged);
  return sorted;
}

/* Sets @p key of @p obj to @p value (stolen) when @p value is a non-empty
 * array or object or a non-empty string; drops it otherwise. False on ENOMEM. */
static bool ct_set_non_empty(json_t *obj, const char *key, json_t *value) {
  bool empty = value == NULL || (json_is_array(value) && json_array_size(value) == 0) ||
               (json_is_object(value) && json_object_size(value) == 0) ||
               (json_is_string(value) && json_string_length(value) == 0);
  if (empty) {
    json_decref(value);
    return true;
  }
  return json_object_set_new(obj, key, value) == 0;
}

/* ---- input checks ------------------------------------------------------ */

/* True for a JSON string without embedded NUL characters. */
static bool ct_is_text(const json_t *value) {
  return json_is_string(value) && strlen(json_string_value(value)) == json_string_length(value);
}

/* True when a member is absent or JSON null (both mean "not set"). */
static bool ct_absent(const json_t *value) {
  return value == NULL || json_is_null(value);
}

/* Checks that @p value is a string (or, when @p optional, absent/null). */
static strata_error ct_check_text(const json_t *value, bool optional, const char *path, char *msg,
                                  size_t msglen) {
  if (optional && ct_absent(value)) {
    return STRATA_E_OK;
  }
  if (!json_is_string(value)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must be a string", path);
  }
  if (!ct_is_text(value)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must not contain NUL characters", path);
  }
  return STRATA_E_OK;
}

/*
 * Validates an array of strings at @p path (absent/null allowed) and stores
 * its sorted, de-duplicated copy in @p out (an empty array when absent).
 */
static strata_error ct_string_set(const json_t *in, const char *path, json_t **out, char *msg,
                                  size_t msglen) {
  strata_error err = STRATA_E_OK;
  const char **items = NULL;
  *out = NULL;
  if (!ct_absent(in) && !json_is_array(in)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must be an array of strings", path);
  }
  size_t n = json_array_size(in);
  items = malloc((n + 1) * sizeof *items);
  if (items == NULL) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_array_get(in, i);
    char elem[CT_PATH_MAX];
    ct_format(elem, sizeof elem, "%s[%zu]", path, i);
    err = ct_check_text(item, false, elem, msg, msglen);
    if (err != STRATA_E_OK) {
      goto cleanup;
    }
    items[i] = json_string_value(item);
  }
  *out = ct_set_from(items, n);
  if (*out == NULL) {
    err = ct_nomem(msg, msglen);
  }

cleanup:
  free(items);
  return err;
}

/* Validates an object at @p path whose members are checked by @p member
 * (absent/null allowed): strings ("properties", "params") or string sets
 * ("tags"). Stores the sorted normal copy in @p out (empty when absent). */
static strata_error ct_string_map(const json_t *in, const char *path, bool values_are_sets,
                                  json_t **out, char *msg, size_t msglen) {
  strata_error err = STRATA_E_OK;
  json_t *normal = NULL;
  *out = NULL;
  if (!ct_absent(in) && !json_is_object(in)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must be an object", path);
  }
  normal = json_object();
  if (normal == NULL) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  const char *key;
  size_t key_len;
  json_t *value;
  json_object_keylen_foreach((json_t *)in, key, key_len, value) {
    char member[CT_PATH_MAX];
    ct_format(member, sizeof member, "%s.%s", path, key);
    if (strlen(key) != key_len) {
      err = ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s keys must not contain NUL characters",
                    path);
      goto cleanup;
    }
    json_t *copy = NULL;
    if (values_are_sets) {
      err = ct_string_set(value, member, &copy, msg, msglen);
      if (err == STRATA_E_OK && ct_absent(value)) {
        /* a null tag list is an error like any other non-array */
        json_decref(copy);
        copy = NULL;
        err = ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must be an array of strings", member);
      }
    } else {
      err = ct_check_text(value, false, member, msg, msglen);
      if (err == STRATA_E_OK) {
        copy = json_string(json_string_value(value));
        if (copy == NULL) {
          err = ct_nomem(msg, msglen);
        }
      }
    }
    if (err != STRATA_E_OK) {
      goto cleanup;
    }
    /* a key with an empty tag list says nothing: drop it */
    if (values_are_sets && json_array_size(copy) == 0) {
      json_decref(copy);
      continue;
    }
    if (json_object_set_new(normal, key, copy) != 0) {
      err = ct_nomem(msg, msglen);
      goto cleanup;
    }
  }
  *out = ct_sorted_copy(normal);
  if (*out == NULL) {
    err = ct_nomem(msg, msglen);
  }

cleanup:
  json_decref(normal);
  return err;
}

/* ---- metadata ---------------------------------------------------------- */

/* The normal metadata object of the given members (all stolen; empty ones
 * dropped), NULL when nothing is left or on ENOMEM (then *nomem is set). */
static json_t *ct_metadata_build(json_t *tags, json_t *properties, json_t *sensitive, bool *nomem) {
  json_t *doc = json_object();
  bool ok = doc != NULL;
  if (doc != NULL) {
    /* ct_set_non_empty() steals its value whatever happens */
    ok = ct_set_non_empty(doc, "tags", tags);
    ok = ct_set_non_empty(doc, "properties", properties) && ok;
    ok = ct_set_non_empty(doc, "sensitive", sensitive) && ok;
  } else {
    json_decref(tags);
    json_decref(properties);
    json_decref(sensitive);
  }
  if (doc != NULL && (!ok || json_object_size(doc) == 0)) {
    json_decref(doc);
    doc = NULL;
  }
  *nomem = !ok;
  return doc;
}

strata_error ct_metadata_normal(const json_t *in, json_t **out, char *msg, size_t msglen) {
  strata_error err = STRATA_E_OK;
  json_t *tags = NULL;
  json_t *properties = NULL;
  json_t *sensitive = NULL;
  *out = NULL;
  if (ct_absent(in)) {
    return STRATA_E_OK;
  }
  if (!json_is_object(in)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "metadata must be an object");
  }
  err = ct_string_map(json_object_get(in, "tags"), "metadata.tags", true, &tags, msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  err = ct_string_map(json_object_get(in, "properties"), "metadata.properties", false, &properties,
                      msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  err = ct_string_set(json_object_get(in, "sensitive"), "metadata.sensitive", &sensitive, msg,
                      msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  bool nomem;
  *out = ct_metadata_build(tags, properties, sensitive, &nomem);
  tags = properties = sensitive = NULL;
  if (nomem) {
    err = ct_nomem(msg, msglen);
  }

cleanup:
  json_decref(tags);
  json_decref(properties);
  json_decref(sensitive);
  return err;
}

json_t *ct_metadata_merge(const json_t *base, const json_t *top, bool *nomem) {
  bool failed = false;
  json_t *doc = NULL;
  if (ct_absent(base) && ct_absent(top)) {
    goto cleanup;
  }
  json_t *tags = ct_map_merge(json_object_get(base, "tags"), json_object_get(top, "tags"));
  json_t *properties =
      ct_map_merge(json_object_get(base, "properties"), json_object_get(top, "properties"));
  json_t *sensitive =
      ct_set_union(json_object_get(base, "sensitive"), json_object_get(top, "sensitive"));
  if (tags == NULL || properties == NULL || sensitive == NULL) {
    json_decref(tags);
    json_decref(properties);
    json_decref(sensitive);
    failed = true;
    goto cleanup;
  }
  doc = ct_metadata_build(tags, properties, sensitive, &failed);

cleanup:
  if (nomem != NULL) {
    *nomem = failed;
  }
  return doc;
}

const char *ct_metadata_property(const json_t *metadata, const char *key) {
  if (metadata == NULL || key == NULL) {
    return NULL;
  }
  return json_string_value(json_object_get(json_object_get(metadata, "properties"), key));
}

json_t *ct_metadata_with_property(const json_t *metadata, const char *key, const char *value) {
  json_t *single = NULL;
  json_t *doc = NULL;
  if (key == NULL || value == NULL) {
    return ct_absent(metadata) ? NULL : json_deep_copy(metadata);
  }
  single = json_object();
  if (single == NULL || json_object_set_new(single, key, json_string(value)) != 0) {
    goto cleanup;
  }
  json_t *properties = ct_map_merge(json_object_get(metadata, "properties"), single);
  json_t *tags = ct_map_merge(json_object_get(metadata, "tags"), NULL);
  json_t *sensitive = ct_set_union(json_object_get(metadata, "sensitive"), NULL);
  if (properties == NULL || tags == NULL || sensitive == NULL) {
    json_decref(properties);
    json_decref(tags);
    json_decref(sensitive);
    goto cleanup;
  }
  bool nomem;
  doc = ct_metadata_build(tags, properties, sensitive, &nomem);

cleanup:
  json_decref(single);
  return doc;
}

/* ---- rule sets --------------------------------------------------------- */

/* The three rule lists, in normal member order. */
typedef enum ct_list {
  CT_MIGRATION,
  CT_DOMAIN,
  CT_ENCODING,
  CT_NLISTS
} ct_list;

static const char *const ct_list_names[CT_NLISTS] = {"migrationRules", "domainRules",
                                                     "encodingRules"};

static const char *const ct_list_modes_message[CT_NLISTS] = {
    "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN",
    "Domain rules can only be WRITE, READ, WRITEREAD",
    "Encoding rules can only be WRITE, READ, WRITEREAD"};

static bool ct_one_of(const char *value, const char *const *allowed) {
  for (size_t i = 0; allowed[i] != NULL; i++) {
    if (strcmp(value, allowed[i]) == 0) {
      return true;
    }
  }
  return false;
}

static bool ct_mode_allowed(ct_list list, const char *mode) {
  static const char *const migration[] = {"UPGRADE", "DOWNGRADE", "UPDOWN", NULL};
  static const char *const domain[] = {"WRITE", "READ", "WRITEREAD", NULL};
  return ct_one_of(mode, list == CT_MIGRATION ? migration : domain);
}

static bool ct_ascii_letter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Confluent's rule-name rules: 1 to 256 UTF-16 units, a letter or '_' first,
 * then letters, digits, '_' and '-'. Letters are ASCII letters here. */
static strata_error ct_check_rule_name(const char *name, char *msg, size_t msglen) {
  if (name == NULL) {
    return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Missing rule name");
  }
  if (name[0] == '\0') {
    return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Empty rule name");
  }
  size_t units = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
    if ((*p & 0xc0) != 0x80) {
      units += *p >= 0xf0 ? 2 : 1; /* supplementary characters take a surrogate pair */
    }
  }
  if (units > CT_RULE_NAME_MAX) {
    return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Rule name too long");
  }
  unsigned char first = (unsigned char)name[0];
  if (!(ct_ascii_letter(first) || first == '_')) {
    return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen,
                   "Illegal initial character in rule name: %s", name);
  }
  for (const unsigned char *p = (const unsigned char *)name + 1; *p != '\0'; p++) {
    if (!(ct_ascii_letter(*p) || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
      return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Illegal character in rule name: %s",
                     name);
    }
  }
  return STRATA_E_OK;
}

/* A string member of a rule, or NULL when absent, null (or not a string,
 * which ct_rule_types() has already refused). */
static const char *ct_rule_text(const json_t *rule, const char *member) {
  return json_string_value(json_object_get(rule, member));
}

/* Checks the JSON types of a rule's members. */
static strata_error ct_rule_types(const json_t *rule, const char *path, char *msg, size_t msglen) {
  static const char *const texts[] = {"name", "doc",       "kind",      "mode", "type",
                                      "expr", "onSuccess", "onFailure", NULL};
  char member[CT_PATH_MAX];
  for (size_t i = 0; texts[i] != NULL; i++) {
    ct_format(member, sizeof member, "%s.%s", path, texts[i]);
    strata_error err = ct_check_text(json_object_get(rule, texts[i]), true, member, msg, msglen);
    if (err != STRATA_E_OK) {
      return err;
    }
  }
  json_t *disabled = json_object_get(rule, "disabled");
  if (!ct_absent(disabled) && !json_is_boolean(disabled)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s.disabled must be a boolean", path);
  }
  return STRATA_E_OK;
}

/* Checks a non-migration-compatible multi-action string ("NONE,ERROR"). */
static strata_error ct_check_actions(const char *mode, const char *action, char *msg,
                                     size_t msglen) {
  if (action != NULL && strchr(action, ',') != NULL && strcmp(mode, "WRITEREAD") != 0 &&
      strcmp(mode, "UPDOWN") != 0) {
    return ct_fail(STRATA_E_INVALID_RULESET, msg, msglen,
                   "Multiple actions only valid with WRITEREAD and UPDOWN");
  }
  return STRATA_E_OK;
}

/* Sets a string member when @p value is a non-empty string. False on ENOMEM. */
static bool ct_put_text(json_t *obj, const char *key, const char *value) {
  if (value == NULL || value[0] == '\0') {
    return true;
  }
  return json_object_set_new(obj, key, json_string(value)) == 0;
}

/*
 * Validates rule @p index of @p list and stores its normal form in @p out.
 * @p names (borrowed) collects the names seen in the whole rule set.
 */
static strata_error ct_rule_normal(const json_t *rule, ct_list list, size_t index, json_t *names,
                                   json_t **out, char *msg, size_t msglen) {
  static const char *const kinds[] = {"CONDITION", "TRANSFORM", NULL};
  static const char *const modes[] = {"UPGRADE", "DOWNGRADE", "UPDOWN", "WRITE",
                                      "READ",    "WRITEREAD", NULL};
  strata_error err = STRATA_E_OK;
  json_t *tags = NULL;
  json_t *params = NULL;
  json_t *normal = NULL;
  char path[CT_PATH_MAX];
  char member[CT_PATH_MAX];
  *out = NULL;
  ct_format(path, sizeof path, "ruleSet.%s[%zu]", ct_list_names[list], index);
  if (!json_is_object(rule)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "%s must be an object", path);
  }
  err = ct_rule_types(rule, path, msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  ct_format(member, sizeof member, "%s.tags", path);
  err = ct_string_set(json_object_get(rule, "tags"), member, &tags, msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  ct_format(member, sizeof member, "%s.params", path);
  err = ct_string_map(json_object_get(rule, "params"), member, false, &params, msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }

  const char *name = ct_rule_text(rule, "name");
  const char *kind = ct_rule_text(rule, "kind");
  const char *mode = ct_rule_text(rule, "mode");
  const char *type = ct_rule_text(rule, "type");
  const char *on_success = ct_rule_text(rule, "onSuccess");
  const char *on_failure = ct_rule_text(rule, "onFailure");
  if (kind == NULL) {
    kind = "TRANSFORM";
  } else if (!ct_one_of(kind, kinds)) {
    err = ct_fail(STRATA_E_INVALID_RULESET, msg, msglen,
                  "Rule kind can only be CONDITION, TRANSFORM");
    goto cleanup;
  }
  if (mode == NULL) {
    mode = list == CT_MIGRATION ? "UPGRADE" : "WRITEREAD";
  } else if (!ct_one_of(mode, modes)) {
    err = ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "%s", ct_list_modes_message[list]);
    goto cleanup;
  }

  /* the checks of Confluent's RuleSet.validate(), in its order */
  if (name != NULL && json_object_get(names, name) != NULL) {
    err =
        ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Found rule with duplicate name '%s'", name);
    goto cleanup;
  }
  err = ct_check_rule_name(name, msg, msglen);
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  if (json_object_set_new(names, name, json_null()) != 0) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  if (type == NULL || type[0] == '\0') {
    err = ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "Missing rule type");
    goto cleanup;
  }
  err = ct_check_actions(mode, on_success, msg, msglen);
  if (err == STRATA_E_OK) {
    err = ct_check_actions(mode, on_failure, msg, msglen);
  }
  if (err != STRATA_E_OK) {
    goto cleanup;
  }
  if (!ct_mode_allowed(list, mode)) {
    err = ct_fail(STRATA_E_INVALID_RULESET, msg, msglen, "%s", ct_list_modes_message[list]);
    goto cleanup;
  }

  normal = json_object();
  if (normal == NULL) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  bool ok = ct_put_text(normal, "name", name) &&
            ct_put_text(normal, "doc", ct_rule_text(rule, "doc")) &&
            ct_put_text(normal, "kind", kind) && ct_put_text(normal, "mode", mode) &&
            ct_put_text(normal, "type", type);
  /* ct_set_non_empty() steals its value whatever happens */
  ok = ct_set_non_empty(normal, "tags", tags) && ok;
  tags = NULL;
  ok = ct_set_non_empty(normal, "params", params) && ok;
  params = NULL;
  ok = ok && ct_put_text(normal, "expr", ct_rule_text(rule, "expr")) &&
       ct_put_text(normal, "onSuccess", on_success) && ct_put_text(normal, "onFailure", on_failure);
  if (ok && json_is_true(json_object_get(rule, "disabled"))) {
    ok = json_object_set_new(normal, "disabled", json_true()) == 0;
  }
  if (!ok) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  *out = normal;
  normal = NULL;

cleanup:
  json_decref(tags);
  json_decref(params);
  json_decref(normal);
  return err;
}

strata_error ct_rule_set_normal(const json_t *in, json_t **out, char *msg, size_t msglen) {
  static const char *const enable_at[] = {"ALL", "CLIENT", "GATEWAY", "SERVER", "NONE", NULL};
  strata_error err = STRATA_E_OK;
  json_t *names = NULL;
  json_t *doc = NULL;
  json_t *lists[CT_NLISTS] = {NULL, NULL, NULL};
  *out = NULL;
  if (ct_absent(in)) {
    return STRATA_E_OK;
  }
  if (!json_is_object(in)) {
    return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "ruleSet must be an object");
  }
  /* JSON types first, as a JSON mapper would refuse them before validation */
  for (int l = 0; l < CT_NLISTS; l++) {
    json_t *rules = json_object_get(in, ct_list_names[l]);
    if (!ct_absent(rules) && !json_is_array(rules)) {
      return ct_fail(STRATA_E_BAD_REQUEST, msg, msglen, "ruleSet.%s must be an array",
                     ct_list_names[l]);
    }
  }
  json_t *at = json_object_get(in, "enableAt");
  err = ct_check_text(at, true, "ruleSet.enableAt", msg, msglen);
  if (err != STRATA_E_OK) {
    return err;
  }
  const char *at_value = json_string_value(at);

  names = json_object();
  if (names == NULL) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  for (int l = 0; l < CT_NLISTS; l++) {
    json_t *rules = json_object_get(in, ct_list_names[l]);
    lists[l] = json_array();
    if (lists[l] == NULL) {
      err = ct_nomem(msg, msglen);
      goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(rules); i++) {
      json_t *normal;
      err = ct_rule_normal(json_array_get(rules, i), (ct_list)l, i, names, &normal, msg, msglen);
      if (err != STRATA_E_OK) {
        goto cleanup;
      }
      if (json_array_append_new(lists[l], normal) != 0) {
        err = ct_nomem(msg, msglen);
        goto cleanup;
      }
    }
  }
  if (at_value != NULL && !ct_one_of(at_value, enable_at)) {
    err = ct_fail(STRATA_E_INVALID_RULESET, msg, msglen,
                  "enableAt can only be ALL, CLIENT, GATEWAY, SERVER, NONE");
    goto cleanup;
  }

  doc = json_object();
  if (doc == NULL) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  bool ok = true;
  for (int l = 0; l < CT_NLISTS; l++) {
    ok = ct_set_non_empty(doc, ct_list_names[l], lists[l]) && ok;
    lists[l] = NULL;
  }
  if (ok && at_value != NULL) {
    ok = json_object_set_new(doc, "enableAt", json_string(at_value)) == 0;
  }
  if (!ok) {
    err = ct_nomem(msg, msglen);
    goto cleanup;
  }
  if (json_object_size(doc) > 0) {
    *out = doc;
    doc = NULL;
  }

cleanup:
  for (int l = 0; l < CT_NLISTS; l++) {
    json_decref(lists[l]);
  }
  json_decref(names);
  json_decref(doc);
  return err;
}

/* True when @p rules (an array of rule objects, may be NULL) has a rule named @p name. */
static bool ct_has_rule(const json_t *rules, const char *name) {
  for (size_t i = 0; name != NULL && i < json_array_size(rules); i++) {
    const char *other = json_string_value(json_object_get(json_array_get(rules, i), "name"));
    if (other != NULL && strcmp(other, name) == 0) {
      return true;
    }
  }
  return false;
}

/* Appends a deep copy of @p rule to @p list. False on ENOMEM. */
static bool ct_append_copy(json_t *list, const json_t *rule) {
  return json_array_append_new(list, json_deep_copy(rule)) == 0;
}

/*
 * Confluent's merge of one list: the rules of @p base whose names @p top
 * does not use, in their order, then all rules of @p top. A new array; NULL
 * on ENOMEM.
 */
static json_t *ct_rules_merge(const json_t *base, const json_t *top) {
  json_t *merged = json_array();
  bool ok = merged != NULL;
  for (size_t i = 0; ok && i < json_array_size(base); i++) {
    const json_t *rule = json_array_get(base, i);
    if (!ct_has_rule(top, json_string_value(json_object_get(rule, "name")))) {
      ok = ct_append_copy(merged, rule);
    }
  }
  for (size_t i = 0; ok && i < json_array_size(top); i++) {
    ok = ct_append_copy(merged, json_array_get(top, i));
  }
  if (!ok) {
    json_decref(merged);
    merged = NULL;
  }
  return merged;
}

json_t *ct_rule_set_merge(const json_t *base, const json_t *top, bool *nomem) {
  bool failed = false;
  json_t *doc = NULL;
  if (ct_absent(base) && ct_absent(top)) {
    goto cleanup;
  }
  doc = json_object();
  if (doc == NULL) {
    failed = true;
    goto cleanup;
  }
  for (int l = 0; l < CT_NLISTS; l++) {
    json_t *merged = ct_rules_merge(json_object_get(base, ct_list_names[l]),
                                    json_object_get(top, ct_list_names[l]));
    if (merged == NULL || !ct_set_non_empty(doc, ct_list_names[l], merged)) {
      failed = true;
      goto cleanup;
    }
  }
  const char *at = json_string_value(json_object_get(top, "enableAt"));
  if (at == NULL) {
    at = json_string_value(json_object_get(base, "enableAt"));
  }
  if (at != NULL && json_object_set_new(doc, "enableAt", json_string(at)) != 0) {
    failed = true;
    goto cleanup;
  }

cleanup:
  if (doc != NULL && (failed || json_object_size(doc) == 0)) {
    json_decref(doc);
    doc = NULL;
  }
  if (nomem != NULL) {
    *nomem = failed;
  }
  return doc;
}

/* ---- text -------------------------------------------------------------- */

char *ct_dump(const json_t *doc) {
  if (doc == NULL) {
    return NULL;
  }
  sjw_buf buf = SJW_BUF_INIT;
  sjw_value(&buf, doc);
  return sjw_take(&buf);
}
