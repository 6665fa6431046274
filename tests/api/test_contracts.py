#!/usr/bin/python3
"""Data contracts: metadata and rule sets on versions and configs
(spec §2.10, §2.11, §4.3, §5)."""
import harness
from harness import q, record, compact, expect_equal, expect_true, expect_keys

META = {"tags": {"R.a": ["PII"]}, "properties": {"owner": "alice"}, "sensitive": ["a"]}
RULES = {"domainRules": [{"name": "checkA", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
                          "expr": "message.a != ''"}]}


def rec(t, *fields):
    return compact(record("R", list(fields) or [("a", "string")], namespace="ns." + t.name))


def evolve(t, n):
    return rec(t, ("a", "string"), *[("f%d" % i, "int", i) for i in range(1, n)])


def version(t, s, v):
    return t.get("/subjects/%s/versions/%s" % (q(s), v)).expect(200)


def test_stored_and_returned(t):
    s = t.subj()
    r = t.register(s, evolve(t, 1), metadata=META, ruleSet=RULES)
    sid = r.data["id"]
    r = version(t, s, 1)
    expect_equal(r, r.data.get("metadata"), META, "metadata")
    expect_equal(r, r.data.get("ruleSet"), RULES, "ruleSet")
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r, r.data.get("metadata"), META, "metadata by id")
    expect_equal(r, r.data.get("ruleSet"), RULES, "ruleSet by id")
    r = t.post("/subjects/%s" % q(s), {"schema": evolve(t, 1), "metadata": META,
                                      "ruleSet": RULES}).expect(200)
    expect_equal(r, [r.data["id"], r.data["version"]], [sid, 1], "lookup with the contract")


def test_normal_form(t):
    s = t.subj()
    meta = {"properties": {"z": "1", "a": "2"}, "sensitive": ["b", "a", "b"], "tags": {}}
    rules = {"domainRules": [{"name": "r1", "type": "CEL", "expr": "true", "disabled": False,
                              "params": {"y": "1", "x": "2"}}], "migrationRules": []}
    t.register(s, evolve(t, 1), metadata=meta, ruleSet=rules)
    r = version(t, s, 1)
    expect_equal(r, r.data.get("metadata"), {"properties": {"a": "2", "z": "1"},
                                             "sensitive": ["a", "b"]}, "normal metadata")
    rule = r.data["ruleSet"]["domainRules"][0]
    expect_equal(r, list(r.data["ruleSet"]), ["domainRules"], "empty lists dropped")
    expect_equal(r, [rule.get("kind"), rule.get("mode")], ["TRANSFORM", "WRITEREAD"],
                 "kind and mode defaults of a domain rule")
    expect_keys(r, rule, forbidden=("disabled",))
    expect_equal(r, list(rule["params"]), ["x", "y"], "params sorted")


def test_ruleset_lowercase_alias(t):
    s = t.subj()
    t.register(s, evolve(t, 1), ruleset=RULES)
    r = version(t, s, 1)
    expect_equal(r, r.data.get("ruleSet"), RULES, "ruleset accepted, ruleSet returned")
    expect_keys(r, r.data, forbidden=("ruleset",))


def test_inherited_by_next_version(t):
    s = t.subj()
    t.register(s, evolve(t, 1), metadata=META, ruleSet=RULES)
    r = t.register(s, evolve(t, 2))
    expect_equal(r, r.data["version"], 2, "version")
    r = version(t, s, 2)
    expect_equal(r, r.data.get("metadata"), META, "metadata inherited")
    expect_equal(r, r.data.get("ruleSet"), RULES, "ruleSet inherited")
    meta2 = {"properties": {"owner": "bob"}}
    t.register(s, evolve(t, 3), metadata=meta2)
    r = version(t, s, 3)
    expect_equal(r, r.data.get("metadata"), meta2, "metadata replaced when given")
    expect_equal(r, r.data.get("ruleSet"), RULES, "ruleSet still inherited")
    # Re-posting v3's schema without a contract finds v3 (the inherited contract is merged).
    r = t.register(s, evolve(t, 3))
    expect_equal(r, r.data["version"], 3, "idempotent with the inherited contract")
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1, 2, 3])


def test_contract_change_is_new_id(t):
    s, other = t.subj(), t.subj("other")
    r1 = t.register(s, evolve(t, 1), metadata={"properties": {"owner": "alice"}})
    r2 = t.register(s, evolve(t, 1), metadata={"properties": {"owner": "bob"}})
    expect_true(r2, r2.data["id"] != r1.data["id"], "metadata change => new id")
    expect_equal(r2, r2.data["version"], 2, "new version")
    g1 = version(t, s, 1).data.get("guid")
    g2 = version(t, s, 2).data.get("guid")
    expect_true(None, g1 and g2 and g1 != g2, "different guids (%s, %s)" % (g1, g2))
    r3 = t.register(s, evolve(t, 1), metadata={"properties": {"owner": "bob"}},
                    ruleSet=RULES)
    expect_true(r3, r3.data["id"] not in (r1.data["id"], r2.data["id"]), "ruleSet => new id")
    # The same schema and contract elsewhere shares the id.
    r4 = t.register(other, evolve(t, 1), metadata={"properties": {"owner": "bob"}})
    expect_equal(r4, r4.data["id"], r2.data["id"], "same schema and contract, same id")
    # Without any contract it is yet another id.
    r5 = t.register(t.subj("plain"), evolve(t, 1))
    expect_true(r5, r5.data["id"] not in (r1.data["id"], r2.data["id"], r3.data["id"]),
                "no contract, own id")


def test_metadata_only_update(t):
    s = t.subj()
    r1 = t.register(s, evolve(t, 1), metadata={"properties": {"owner": "alice"}})
    r = t.post("/subjects/%s/versions" % q(s), {"metadata": {"properties": {"owner": "carol"}}})
    r.expect(200)
    expect_equal(r, r.data.get("version"), 2, "new version")
    expect_true(r, r.data["id"] != r1.data["id"], "new id")
    r = version(t, s, 2)
    expect_equal(r, r.data["schema"], evolve(t, 1), "schema reused from the previous version")
    expect_equal(r, r.data.get("metadata"), {"properties": {"owner": "carol"}}, "new metadata")


def test_confluent_version_property(t):
    s = t.subj()
    # §5: an explicit version is recorded as the confluent:version property...
    t.register(s, evolve(t, 1), version=1, metadata={"properties": {"owner": "alice"}})
    r = version(t, s, 1)
    expect_equal(r, r.data.get("metadata"),
                 {"properties": {"confluent:version": "1", "owner": "alice"}}, "metadata of v1")
    # ...and kept equal to the version when the (inherited) metadata already has it.
    t.register(s, evolve(t, 2))
    r = version(t, s, 2)
    expect_equal(r, r.data.get("metadata"),
                 {"properties": {"confluent:version": "2", "owner": "alice"}}, "metadata of v2")
    # Without it nothing is added.
    s2 = t.subj()
    t.register(s2, evolve(t, 1), metadata={"properties": {"owner": "bob"}})
    r = version(t, s2, 1)
    expect_equal(r, r.data.get("metadata"), {"properties": {"owner": "bob"}}, "no version given")


def test_config_default_and_override_metadata(t):
    s = t.subj()
    t.put("/config/%s" % q(s), {
        "defaultMetadata": {"properties": {"team": "core", "owner": "nobody"}},
        "overrideMetadata": {"properties": {"owner": "ops"}, "sensitive": ["x"]}}).expect(200)
    t.register(s, evolve(t, 1), metadata={"properties": {"owner": "alice", "app": "a"},
                                          "sensitive": ["y"]})
    r = version(t, s, 1)
    expect_equal(r, r.data.get("metadata"),
                 {"properties": {"app": "a", "owner": "ops", "team": "core"},
                  "sensitive": ["x", "y"]}, "default < request < override; sets unioned")
    s2 = t.subj()
    t.put("/config/%s" % q(s2), {"defaultMetadata": {"properties": {"team": "core"}}}).expect(200)
    t.register(s2, evolve(t, 1))
    r = version(t, s2, 1)
    expect_equal(r, r.data.get("metadata"), {"properties": {"team": "core"}},
                 "default metadata alone")


def test_invalid_ruleset_42210(t):
    s = t.subj()
    P = "/subjects/%s/versions" % q(s)

    def rules(*rs, kind="domainRules"):
        return {kind: list(rs)}

    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules({"type": "CEL", "expr": "true"})}
           ).expect_error(422, 42210, "Missing rule name")
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules(
        {"name": "r", "type": "CEL", "expr": "true"},
        {"name": "r", "type": "CEL", "expr": "false"})}
    ).expect_error(422, 42210, "Found rule with duplicate name 'r'")
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules(
        {"name": "m", "type": "JSONATA", "mode": "WRITE", "expr": "$"}, kind="migrationRules")}
    ).expect_error(422, 42210, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN")
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules({"name": "r", "expr": "true"})}
           ).expect_error(422, 42210)
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules(
        {"name": "1bad name", "type": "CEL", "expr": "true"})}).expect_error(422, 42210)
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules(
        {"name": "r", "type": "CEL", "kind": "MAYBE", "expr": "true"})}).expect_error(422, 42210)
    t.post(P, {"schema": evolve(t, 1), "ruleSet": rules(
        {"name": "r", "type": "CEL", "mode": "WRITE", "onFailure": "ERROR,DLQ", "expr": "true"})}
    ).expect_error(422, 42210)
    t.get(P).expect_error(404, 40401)  # nothing stored
    t.put("/config/%s" % q(s), {"defaultRuleSet": rules({"type": "CEL"})}).expect_error(422, 42210)
    t.get("/config/%s" % q(s)).expect_error(404, 40408)
    # Rule types are not validated.
    r = t.register(s, evolve(t, 1), ruleSet=rules(
        {"name": "custom_1-x", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "MY_OWN_TYPE",
         "onFailure": "ERROR,NONE"}))
    expect_equal(r, r.data["version"], 1, "custom rule type accepted")


def test_wrong_metadata_types_400(t):
    s = t.subj()
    P = "/subjects/%s/versions" % q(s)
    t.post(P, {"schema": evolve(t, 1), "metadata": "owner"}).expect_error(400, 400)
    t.post(P, {"schema": evolve(t, 1), "metadata": {"properties": {"k": 5}}}).expect_error(400, 400)
    t.post(P, {"schema": evolve(t, 1), "ruleSet": [1]}).expect_error(400, 400)
    t.get(P).expect_error(404, 40401)


def test_compatibility_group(t):
    s = t.subj()
    t.put("/config/%s" % q(s), {"compatibilityGroup": "application.major.version"}).expect(200)
    t.register(s, rec(t, ("a", "string")),
               metadata={"properties": {"application.major.version": "1"}})
    # A breaking change in a new major version is not checked against major 1.
    r = t.register(s, rec(t, ("b", "long")),
                   metadata={"properties": {"application.major.version": "2"}})
    expect_equal(r, r.data["version"], 2, "new major version accepted")
    # Within major 2 the BACKWARD rule applies.
    t.post("/subjects/%s/versions" % q(s), {
        "schema": rec(t, ("b", "long"), ("c", "int")),
        "metadata": {"properties": {"application.major.version": "2"}}}).expect_error(409, 40901)
    r = t.register(s, rec(t, ("b", "long"), ("c", "int", 0)),
                   metadata={"properties": {"application.major.version": "2"}})
    expect_equal(r, r.data["version"], 3, "compatible within major 2")


harness.main(globals())
