#!/usr/bin/python3
"""Schema references: Avro named types defined in another subject
(spec §2.1, §3.3 referencedby, §4.6, §4.10)."""
import json

import harness
from harness import q, compact, expect_equal, expect_true, expect_keys


class Refs:
    def __init__(self, t):
        self.ns = "ns." + t.name.replace("_", "")
        self.inner_name = self.ns + ".Inner"
        self.inner = compact({"type": "record", "name": "Inner", "namespace": self.ns,
                              "fields": [{"name": "x", "type": "int"}]})
        # Outer types live in another namespace, so the canonical text keeps the full name.
        self.ons = self.ns + ".o"
        self.outer = compact({"type": "record", "name": "Outer", "namespace": self.ons,
                              "fields": [{"name": "inner", "type": self.inner_name}]})
        self.outer2 = compact({"type": "record", "name": "Outer2", "namespace": self.ons,
                               "fields": [{"name": "i", "type": self.inner_name},
                                          {"name": "y", "type": "string"}]})


def setup(t):
    rf = Refs(t)
    inner_s = t.subj("inner")
    inner_id = t.register_id(inner_s, rf.inner)
    return rf, inner_s, inner_id


def ref(rf, subject, version):
    return [{"name": rf.inner_name, "subject": subject, "version": version}]


def test_register_with_reference(t):
    rf, inner_s, inner_id = setup(t)
    outer_s = t.subj("outer")
    r = t.register(outer_s, rf.outer, references=ref(rf, inner_s, 1))
    outer_id = r.data["id"]
    expect_true(r, outer_id != inner_id, "own id")
    expect_equal(r, r.data["version"], 1, "version")
    r = t.get("/subjects/%s/versions/1" % q(outer_s)).expect(200)
    expect_equal(r, r.data.get("references"), ref(rf, inner_s, 1), "references stored")
    expect_equal(r, r.data["schema"], rf.outer, "schema text keeps the reference by name")
    r = t.get("/schemas/ids/%d" % outer_id).expect(200)
    expect_equal(r, r.data.get("references"), ref(rf, inner_s, 1), "references by id")
    # Idempotent with the same references; lookup needs them too.
    r = t.register(outer_s, rf.outer, references=ref(rf, inner_s, 1))
    expect_equal(r, [r.data["id"], r.data["version"]], [outer_id, 1], "re-register")
    r = t.post("/subjects/%s" % q(outer_s), {"schema": rf.outer,
                                            "references": ref(rf, inner_s, 1)}).expect(200)
    expect_equal(r, [r.data["id"], r.data["version"]], [outer_id, 1], "lookup")
    # The referenced subject's version is unaffected.
    r = t.get("/subjects/%s/versions/1" % q(inner_s)).expect(200)
    expect_keys(r, r.data, forbidden=("references",))


def test_missing_reference_is_42201(t):
    rf, inner_s, _ = setup(t)
    outer_s = t.subj("outer")
    P = "/subjects/%s/versions" % q(outer_s)
    # No references: the named type is unknown.
    t.post(P, {"schema": rf.outer}).expect_error(422, 42201, message_contains=rf.inner_name)
    # A reference to a subject or version that does not exist.
    t.post(P, {"schema": rf.outer, "references": ref(rf, t.subj("nosuch"), 1)}).expect_error(
        422, 42201)
    t.post(P, {"schema": rf.outer, "references": ref(rf, inner_s, 7)}).expect_error(422, 42201)
    t.get(P).expect_error(404, 40401)


def test_latest_reference_rewritten(t):
    rf, inner_s, _ = setup(t)
    inner_v2 = compact({"type": "record", "name": "Inner", "namespace": rf.ns,
                        "fields": [{"name": "x", "type": "int"},
                                   {"name": "z", "type": "int", "default": 0}]})
    t.register(inner_s, inner_v2)
    outer_s = t.subj("outer")
    r = t.register(outer_s, rf.outer, references=ref(rf, inner_s, -1))
    sid = r.data["id"]
    r = t.get("/subjects/%s/versions/latest" % q(outer_s)).expect(200)
    expect_equal(r, r.data.get("references"), ref(rf, inner_s, 2), "version -1 stored as 2")
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r, r.data.get("references"), ref(rf, inner_s, 2), "by id")


def test_referencedby(t):
    rf, inner_s, _ = setup(t)
    a, b = t.subj("a"), t.subj("b")
    id_a = t.register_id(a, rf.outer, references=ref(rf, inner_s, 1))
    id_b = t.register_id(b, rf.outer2, references=ref(rf, inner_s, 1))
    RB = "/subjects/%s/versions/%%s/referencedby" % q(inner_s)
    t.get(RB % "1").expect(200, sorted([id_a, id_b]))
    t.get(RB % "latest").expect(200, sorted([id_a, id_b]))
    t.get("/subjects/%s/versions/1/referencedby" % q(a)).expect(200, [])
    t.get(RB % "5").expect_error(404, 40402, "Version 5 not found.")
    t.get("/subjects/%s/versions/1/referencedby" % q(t.subj("nosuch"))).expect_error(404, 40401)
    # Soft-deleted referrers only with deleted=true.
    t.delete("/subjects/%s" % q(b)).expect(200, [1])
    t.get(RB % "1").expect(200, [id_a])
    t.get((RB % "1") + "?deleted=true").expect(200, sorted([id_a, id_b]))
    t.get((RB % "1") + "?offset=1&limit=1&deleted=true").expect(200, sorted([id_a, id_b])[1:])


def test_delete_protection(t):
    rf, inner_s, _ = setup(t)
    outer_s = t.subj("outer")
    t.register(outer_s, rf.outer, references=ref(rf, inner_s, 1))
    msg = "One or more references exist to the schema {subject=%s,version=1}." % inner_s
    t.delete("/subjects/%s/versions/1" % q(inner_s)).expect_error(422, 42206, msg)
    t.delete("/subjects/%s" % q(inner_s)).expect_error(422, 42206)
    t.get("/subjects/%s/versions" % q(inner_s)).expect(200, [1])
    # A soft-deleted referrer no longer blocks a soft delete...
    t.delete("/subjects/%s" % q(outer_s)).expect(200, [1])
    t.delete("/subjects/%s/versions/1" % q(inner_s)).expect(200, 1)
    # ...but still blocks the permanent delete.
    t.delete("/subjects/%s/versions/1?permanent=true" % q(inner_s)).expect_error(422, 42206, msg)
    t.delete("/subjects/%s?permanent=true" % q(inner_s)).expect_error(422, 42206)
    # referencedby still finds the soft-deleted target; its referrer only with deleted=true.
    outer_id = t.get("/subjects/%s/versions/1?deleted=true" % q(outer_s)).expect(200).data["id"]
    t.get("/subjects/%s/versions/1/referencedby" % q(inner_s)).expect(200, [])
    t.get("/subjects/%s/versions/1/referencedby?deleted=true" % q(inner_s)).expect(200, [outer_id])
    t.delete("/subjects/%s?permanent=true" % q(outer_s)).expect(200, [1])
    t.delete("/subjects/%s/versions/1?permanent=true" % q(inner_s)).expect(200, 1)


def test_resolved_format_inlines_references(t):
    rf, inner_s, _ = setup(t)
    outer_s = t.subj("outer")
    sid = t.register_id(outer_s, rf.outer, references=ref(rf, inner_s, 1))
    for path in ("/schemas/ids/%d?format=resolved" % sid,
                 "/subjects/%s/versions/1?format=resolved" % q(outer_s)):
        r = t.get(path).expect(200)
        schema = json.loads(r.data["schema"])
        ftype = schema["fields"][0]["type"]
        expect_true(r, isinstance(ftype, dict) and ftype.get("type") == "record" and
                    ftype.get("name") in ("Inner", rf.inner_name),
                    "the referenced record is inlined with format=resolved")
    r = t.get("/schemas/ids/%d?format=unknown-format" % sid).expect(200)
    expect_equal(r, r.data["schema"], rf.outer, "unknown formats fall back to the canonical text")


def test_reference_to_soft_deleted_target(t):
    rf, inner_s, _ = setup(t)
    t.delete("/subjects/%s" % q(inner_s)).expect(200, [1])
    t.post("/subjects/%s/versions" % q(t.subj("outer")),
           {"schema": rf.outer, "references": ref(rf, inner_s, 1)}).expect_error(422, 42201)


def test_references_change_identity(t):
    rf, inner_s, _ = setup(t)
    inner2_s = t.subj("inner2")
    t.register(inner2_s, rf.inner)
    a, b = t.subj("a"), t.subj("b")
    id_a = t.register_id(a, rf.outer, references=ref(rf, inner_s, 1))
    id_b = t.register_id(b, rf.outer, references=ref(rf, inner2_s, 1))
    expect_true(None, id_a != id_b,
                "same text with references to different subjects: different ids (%d, %d)"
                % (id_a, id_b))
    id_c = t.register_id(t.subj("c"), rf.outer, references=ref(rf, inner_s, 1))
    expect_equal(None, id_c, id_a, "same text and references: same id")


def test_compatibility_with_references(t):
    rf, inner_s, _ = setup(t)
    outer_s = t.subj("outer")
    t.register(outer_s, rf.outer, references=ref(rf, inner_s, 1))
    added = compact({"type": "record", "name": "Outer", "namespace": rf.ons,
                     "fields": [{"name": "inner", "type": rf.inner_name},
                                {"name": "n", "type": "int"}]})
    r = t.post("/compatibility/subjects/%s/versions/latest" % q(outer_s),
               {"schema": added, "references": ref(rf, inner_s, 1)}).expect(200)
    expect_equal(r, r.data, {"is_compatible": False}, "new field without default")
    added_def = json.loads(added)
    added_def["fields"][1]["default"] = 0
    r = t.post("/compatibility/subjects/%s/versions/latest" % q(outer_s),
               {"schema": compact(added_def), "references": ref(rf, inner_s, 1)}).expect(200)
    expect_equal(r, r.data, {"is_compatible": True}, "new field with default")


harness.main(globals())
