#!/usr/bin/python3
"""Config: global and subject-level compatibility settings (spec §2.6, §2.7, §3.5, §4.8)."""
import harness
from harness import q, record, compact, expect_equal, expect_keys

INVALID_LEVEL = ("Invalid compatibility level. Valid values are none, backward, forward, full, "
                 "backward_transitive, forward_transitive, and full_transitive")


def rec(t, *fields):
    return compact(record("R", list(fields), namespace="ns." + t.name))


@harness.fresh_server()
def test_global_default_and_put(t):
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    t.get("/config?defaultToGlobal=true").expect(200, {"compatibilityLevel": "BACKWARD"})
    t.put("/config", {"compatibility": "full"}).expect(200, {"compatibility": "FULL"})
    t.get("/config").expect(200, {"compatibilityLevel": "FULL"})
    t.put("/config", {"compatibility": "Forward_Transitive"}).expect(
        200, {"compatibility": "FORWARD_TRANSITIVE"})
    t.get("/config").expect(200, {"compatibilityLevel": "FORWARD_TRANSITIVE"})
    # compatibilityLevel in a PUT is ignored: the stored level stays.
    r = t.put("/config", {"compatibilityLevel": "NONE"}).expect(200)
    expect_equal(r, r.data.get("compatibility"), "FORWARD_TRANSITIVE", "level unchanged")
    expect_keys(r, r.data, forbidden=("compatibilityLevel",))
    t.get("/config").expect(200, {"compatibilityLevel": "FORWARD_TRANSITIVE"})
    # DELETE returns the previous config and restores the default.
    t.delete("/config").expect(200, {"compatibilityLevel": "FORWARD_TRANSITIVE"})
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    t.delete("/config").expect(200, {"compatibilityLevel": "BACKWARD"})


@harness.fresh_server("--default-compatibility", "full_transitive")
def test_server_default_level(t):
    t.get("/config").expect(200, {"compatibilityLevel": "FULL_TRANSITIVE"})
    s = t.subj()
    t.get("/config/%s?defaultToGlobal=true" % q(s)).expect(
        200, {"compatibilityLevel": "FULL_TRANSITIVE"})
    t.register(s, rec(t, ("a", "string")))
    # FULL_TRANSITIVE: a new field without a default is refused.
    t.post("/subjects/%s/versions" % q(s), {"schema": rec(t, ("a", "string"), ("b", "int"))}
           ).expect_error(409, 40901)


@harness.fresh_server()
def test_all_levels_accepted(t):
    for level in ("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
                  "FULL", "FULL_TRANSITIVE"):
        for spelling in (level, level.lower()):
            t.put("/config", {"compatibility": spelling}).expect(200, {"compatibility": level})
            t.get("/config").expect(200, {"compatibilityLevel": level})
            s = t.subj()
            t.put("/config/%s" % q(s), {"compatibility": spelling}).expect(
                200, {"compatibility": level})
            t.get("/config/%s" % q(s)).expect(200, {"compatibilityLevel": level})


@harness.fresh_server()
def test_invalid_level_42203(t):
    s = t.subj()
    for bad in ("SIDEWAYS", "", "BACKWARDS", "full transitive"):
        t.put("/config", {"compatibility": bad}).expect_error(422, 42203, INVALID_LEVEL)
        t.put("/config/%s" % q(s), {"compatibility": bad}).expect_error(422, 42203, INVALID_LEVEL)
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    t.get("/config/%s" % q(s)).expect_error(404, 40408)


def test_subject_config_lifecycle(t):
    s = t.subj()
    t.get("/config/%s" % q(s)).expect_error(
        404, 40408, "Subject '%s' does not have subject-level compatibility configured" % s)
    t.get("/config/%s?defaultToGlobal=true" % q(s)).expect(200, {"compatibilityLevel": "BACKWARD"})
    t.get("/config/%s?defaultToGlobal=True" % q(s)).expect(200, {"compatibilityLevel": "BACKWARD"})
    # The subject need not exist.
    t.put("/config/%s" % q(s), {"compatibility": "none"}).expect(200, {"compatibility": "NONE"})
    t.get("/config/%s" % q(s)).expect(200, {"compatibilityLevel": "NONE"})
    t.get("/config/%s?defaultToGlobal=true" % q(s)).expect(200, {"compatibilityLevel": "NONE"})
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    t.delete("/config/%s" % q(s)).expect(200, {"compatibilityLevel": "NONE"})
    t.get("/config/%s" % q(s)).expect_error(404, 40408)
    t.delete("/config/%s" % q(s)).expect_error(404, 40401, "Subject '%s' not found." % s)


def test_subject_config_survives_soft_delete(t):
    s = t.subj()
    t.register(s, rec(t, ("a", "string")))
    t.put("/config/%s" % q(s), {"compatibility": "FULL"}).expect(200, {"compatibility": "FULL"})
    # [8.1+] a soft delete keeps the subject-level config, a permanent delete removes it.
    t.delete("/subjects/%s" % q(s)).expect(200, [1])
    t.get("/config/%s" % q(s)).expect(200, {"compatibilityLevel": "FULL"})
    t.delete("/subjects/%s?permanent=true" % q(s)).expect(200, [1])
    t.get("/config/%s" % q(s)).expect_error(404, 40408)
    # The same when the last version goes by a version delete.
    s2 = t.subj()
    t.register(s2, rec(t, ("a", "string")))
    t.put("/config/%s" % q(s2), {"compatibility": "NONE"}).expect(200)
    t.delete("/subjects/%s/versions/1" % q(s2)).expect(200, 1)
    t.get("/config/%s" % q(s2)).expect(200, {"compatibilityLevel": "NONE"})
    t.delete("/subjects/%s/versions/1?permanent=true" % q(s2)).expect(200, 1)
    t.get("/config/%s" % q(s2)).expect_error(404, 40408)


def test_subject_config_governs_registration(t):
    s = t.subj()
    t.register(s, rec(t, ("a", "string")))
    t.post("/subjects/%s/versions" % q(s), {"schema": rec(t, ("a", "string"), ("b", "int"))}
           ).expect_error(409, 40901)
    t.put("/config/%s" % q(s), {"compatibility": "NONE"}).expect(200, {"compatibility": "NONE"})
    r = t.register(s, rec(t, ("a", "string"), ("b", "int")))
    expect_equal(r, r.data["version"], 2, "registered under NONE")
    # FORWARD: dropping a field without default breaks old readers.
    t.put("/config/%s" % q(s), {"compatibility": "FORWARD"}).expect(
        200, {"compatibility": "FORWARD"})
    t.post("/subjects/%s/versions" % q(s), {"schema": rec(t, ("b", "int"))}).expect_error(
        409, 40901)


@harness.fresh_server()
def test_global_config_governs_registration(t):
    s = t.subj()
    t.register(s, rec(t, ("a", "string")))
    t.put("/config", {"compatibility": "NONE"}).expect(200, {"compatibility": "NONE"})
    r = t.register(s, '"int"')
    expect_equal(r, r.data["version"], 2, "registered under global NONE")
    # A subject-level setting wins over the global one.
    t.put("/config/%s" % q(s), {"compatibility": "BACKWARD"}).expect(
        200, {"compatibility": "BACKWARD"})
    t.post("/subjects/%s/versions" % q(s), {"schema": '"string"'}).expect_error(409, 40901)


def test_config_fields_and_null_clears(t):
    s = t.subj()
    body = {"compatibility": "FULL", "normalize": True, "compatibilityGroup": "app.major",
            "defaultMetadata": {"properties": {"owner": "team-a"}},
            "overrideMetadata": {"properties": {"tier": "gold"}}}
    r = t.put("/config/%s" % q(s), body).expect(200)
    expect_equal(r, r.data, body, "PUT response echoes the stored config")
    want = dict(body)
    want["compatibilityLevel"] = want.pop("compatibility")
    t.get("/config/%s" % q(s)).expect(200, want)
    # Absent fields keep their value; null clears one field.
    r = t.put("/config/%s" % q(s), {"normalize": None}).expect(200)
    del want["normalize"]
    t.get("/config/%s" % q(s)).expect(200, want)
    t.put("/config/%s" % q(s), {"compatibilityGroup": None, "overrideMetadata": None}).expect(200)
    del want["compatibilityGroup"]
    del want["overrideMetadata"]
    t.get("/config/%s" % q(s)).expect(200, want)
    r = t.put("/config/%s" % q(s), {"compatibility": "NONE"}).expect(200)
    expect_equal(r, r.data, {"compatibility": "NONE",
                             "defaultMetadata": {"properties": {"owner": "team-a"}}},
                 "PUT response is the resulting config")
    t.delete("/config/%s" % q(s)).expect(
        200, {"compatibilityLevel": "NONE", "defaultMetadata": {"properties": {"owner": "team-a"}}})


def test_subject_config_without_level(t):
    s = t.subj()
    r = t.put("/config/%s" % q(s), {"normalize": True}).expect(200)
    expect_equal(r, r.data.get("normalize"), True, "normalize")
    r = t.get("/config/%s" % q(s)).expect(200)
    expect_equal(r, r.data, {"compatibilityLevel": "BACKWARD", "normalize": True},
                 "a config created without a level reports the server default")


@harness.fresh_server()
def test_default_context_subject_is_global(t):
    # {s} equal to the default context (":.:") acts on the global config (§3.5).
    t.put("/config/%s" % q(":.:"), {"compatibility": "NONE"}).expect(200, {"compatibility": "NONE"})
    t.get("/config").expect(200, {"compatibilityLevel": "NONE"})
    t.get("/config/%s" % q(":.:")).expect(200, {"compatibilityLevel": "NONE"})


@harness.fresh_server()
def test_default_to_global_merges_fields(t):
    s = t.subj()
    t.put("/config", {"compatibility": "FULL", "normalize": True}).expect(
        200, {"compatibility": "FULL", "normalize": True})
    t.get("/config").expect(200, {"compatibilityLevel": "FULL", "normalize": True})
    t.get("/config/%s?defaultToGlobal=true" % q(s)).expect(
        200, {"compatibilityLevel": "FULL", "normalize": True})
    t.put("/config/%s" % q(s), {"compatibility": "NONE"}).expect(200, {"compatibility": "NONE"})
    t.get("/config/%s?defaultToGlobal=true" % q(s)).expect(
        200, {"compatibilityLevel": "NONE", "normalize": True})
    t.get("/config/%s" % q(s)).expect(200, {"compatibilityLevel": "NONE"})


def test_normalize_config_applies_to_lookup(t):
    s = t.subj()
    t.put("/config/%s" % q(s), {"normalize": True}).expect(200)
    text = rec(t, ("a", "string"))
    sid = t.register_id(s, text)
    r = t.post("/subjects/%s" % q(s), {"schema": text}).expect(200)
    expect_equal(r, r.data["id"], sid, "lookup with normalize config")


def test_invalid_subject_in_config(t):
    t.put("/config/%s" % q("bad\x01subject"), {"compatibility": "NONE"}).expect_error(422, 42208)


harness.main(globals())
