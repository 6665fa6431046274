/*
 * contract.h - data contracts (spec §2.10, §2.11, §5): the "metadata" and
 * "ruleSet" of a schema version and of configs. The server stores, merges,
 * validates and hashes them; it never runs rules.
 *
 * Every function that returns a json_t returns a new reference (the caller
 * json_decref()s it); inputs are borrowed. "Normal" documents have a fixed
 * member order, sorted maps, sorted de-duplicated sets and no empty members,
 * so that equal contracts serialise to equal bytes (they are part of the
 * schema identity).
 */
#ifndef STRATA_REGISTRY_CORE_CONTRACT_H
#define STRATA_REGISTRY_CORE_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <strata/error.h>

/**
 * Validates a metadata object {"tags":{k:[s...]}, "properties":{k:s},
 * "sensitive":[s...]} (unknown members ignored) and stores its normal form
 * in @p out: members in the order tags, properties, sensitive; keys sorted;
 * tag lists and sensitive sorted and de-duplicated; empty members dropped;
 * *out is NULL when nothing is left. @p in NULL or JSON null gives NULL.
 * Returns STRATA_E_OK, STRATA_E_BAD_REQUEST (wrong JSON type, message in
 * @p msg naming the member) or STRATA_E_NOMEM.
 */
strata_error ct_metadata_normal(const json_t *in, json_t **out, char *msg, size_t msglen);

/**
 * Validates a rule set and stores its normal form in @p out (NULL when it
 * has no rules and no enableAt). Members in the order migrationRules,
 * domainRules, encodingRules, enableAt; empty lists dropped; rules keep
 * their order; each rule's members in the order name, doc, kind, mode,
 * type, tags (sorted set), params (sorted map), expr, onSuccess, onFailure,
 * disabled (only when true); kind defaults to "TRANSFORM" and mode to
 * "WRITEREAD" for domain/encoding rules and "UPGRADE" for migration rules
 * when absent.
 * Returns STRATA_E_OK, STRATA_E_INVALID_RULESET (42210) with Confluent's
 * message in @p msg, STRATA_E_BAD_REQUEST for wrong JSON types, or
 * STRATA_E_NOMEM. The 42210 checks: name required, at most 256 characters,
 * starting with a letter or '_', only letters, digits, '_' and '-' ("Missing
 * rule name", "Invalid rule name 'x'"); names unique within the set ("Found
 * rule with duplicate name 'x'"); type required ("Missing rule type");
 * kind CONDITION or TRANSFORM; mode allowed for the list ("Migration rules
 * can only be UPGRADE, DOWNGRADE, UPDOWN", "Domain rules can only be WRITE,
 * READ, WRITEREAD, UPGRADE, DOWNGRADE, UPDOWN" ...); onSuccess/onFailure
 * with two comma-separated actions only for WRITEREAD and UPDOWN
 * ("Multiple actions only allowed for WRITEREAD or UPDOWN modes" ...).
 */
strata_error ct_rule_set_normal(const json_t *in, json_t **out, char *msg, size_t msglen);

/**
 * Merges two normal metadata documents: maps key-wise (@p top wins), sets
 * unioned. Either may be NULL. Returns a new normal document or NULL when
 * both are NULL (or on ENOMEM, with *nomem set when @p nomem is not NULL).
 */
json_t *ct_metadata_merge(const json_t *base, const json_t *top, bool *nomem);

/**
 * Merges two normal rule sets: per list, rules of @p top replace rules of
 * @p base with the same name and are appended otherwise; enableAt from
 * @p top when set. Either may be NULL. Same return convention as
 * ct_metadata_merge().
 */
json_t *ct_rule_set_merge(const json_t *base, const json_t *top, bool *nomem);

/**
 * The value of property @p key of a normal metadata document, borrowed;
 * NULL when @p metadata is NULL or has no such property.
 */
const char *ct_metadata_property(const json_t *metadata, const char *key);

/**
 * A copy of normal metadata @p metadata (NULL allowed) with property
 * @p key set to @p value, still normal. New reference; NULL on ENOMEM.
 */
json_t *ct_metadata_with_property(const json_t *metadata, const char *key, const char *value);

/**
 * The compact text of a normal document (members in their stored order),
 * a new string (free()); NULL when @p doc is NULL or on ENOMEM.
 */
char *ct_dump(const json_t *doc);

#endif /* STRATA_REGISTRY_CORE_CONTRACT_H */
