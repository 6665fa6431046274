#!/usr/bin/python3
"""GET /subjects filters, POST /subjects/{s} lookup, GET /subjects/{s}/metadata
(spec §3.3, §4.4)."""
import json

import harness
from harness import q, record, compact, expect_equal, expect_true, expect_schema_entity


def rec(t, name, *fields):
    return compact(record(name, list(fields) or [("a", "string")], namespace="ns." + t.name))


def test_list_filters(t):
    prefix = t.subj("p")
    live, gone, half = prefix + "-live", prefix + "-gone", prefix + "-half"
    t.register(live, rec(t, "L"))
    t.register(gone, rec(t, "G"))
    t.register(half, rec(t, "H", ("a", "string")))
    t.register(half, rec(t, "H", ("a", "string"), ("b", "int", 1)))
    t.delete("/subjects/%s" % q(gone)).expect(200, [1])
    t.delete("/subjects/%s/versions/1" % q(half)).expect(200, 1)
    P = "subjectPrefix=%s" % q(prefix)
    t.get("/subjects?" + P).expect(200, sorted([live, half]))
    t.get("/subjects?deleted=true&" + P).expect(200, sorted([live, gone, half]))
    # A subject counts as deleted only when all of its versions are.
    t.get("/subjects?deletedOnly=true&" + P).expect(200, [gone])
    t.get("/subjects?deletedOnly=true&deleted=false&" + P).expect(200, [gone])
    t.get("/subjects?deletedOnly=true&deleted=true&" + P).expect(200, [gone])
    r = t.get("/subjects").expect(200)
    expect_true(r, live in r.data and half in r.data and gone not in r.data,
                "unfiltered list: live subjects only")
    expect_true(r, r.data == sorted(r.data), "list sorted")
    t.get("/subjects?offset=1&limit=1&deleted=true&" + P).expect(
        200, sorted([live, gone, half])[1:2])
    # Hard-deleted subjects never appear.
    t.delete("/subjects/%s?permanent=true" % q(gone)).expect(200, [1])
    t.get("/subjects?deleted=true&" + P).expect(200, sorted([live, half]))
    t.get("/subjects?deletedOnly=true&" + P).expect(200, [])


def test_prefix_filter_is_a_prefix(t):
    base = t.subj("pre")
    t.register(base + "x", rec(t, "A"))
    t.register(base + "y", rec(t, "A"))
    t.register("zz-" + base, rec(t, "A"))
    t.get("/subjects?subjectPrefix=%s" % q(base)).expect(200, [base + "x", base + "y"])
    t.get("/subjects?subjectPrefix=%s" % q(base + "y")).expect(200, [base + "y"])


def test_lookup_found(t):
    s = t.subj()
    text = rec(t, "R", ("a", "string"), ("b", "int", 5))
    sid = t.register_id(s, text)
    r = t.post("/subjects/%s" % q(s), {"schema": text}).expect(200)
    expect_schema_entity(r, r.data, subject=s, version=1, sid=sid, schema=text)


def test_lookup_matches_equivalent_formatting(t):
    s = t.subj()
    text = rec(t, "R", ("a", "string"), ("b", "int", 5))
    sid = t.register_id(s, text)
    t.register(s, rec(t, "R", ("a", "string"), ("b", "int", 5), ("c", "long", 0)))
    # Whitespace, and attribute order different from the canonical order.
    obj = json.loads(text)
    fields = [{"default": f["default"], "type": f["type"], "name": f["name"]} if "default" in f
              else {"type": f["type"], "name": f["name"]} for f in obj["fields"]]
    variant = '{\n  "fields" : %s,\n\t"namespace":"%s" , "name" : "R",   "type":"record"\n}' % (
        json.dumps(fields, indent=3), obj["namespace"])
    r = t.post("/subjects/%s" % q(s), {"schema": variant}).expect(200)
    expect_schema_entity(r, r.data, subject=s, version=1, sid=sid, schema=text)
    # A primitive written as an object matches its canonical string form.
    s2 = t.subj()
    pid = t.register_id(s2, '"long"')
    r = t.post("/subjects/%s" % q(s2), {"schema": '{ "type" : "long" }'}).expect(200)
    expect_schema_entity(r, r.data, subject=s2, version=1, sid=pid, schema='"long"')


def test_lookup_misses(t):
    s = t.subj()
    t.register(s, rec(t, "R"))
    missing = t.subj("missing")
    t.post("/subjects/%s" % q(missing), {"schema": rec(t, "R")}).expect_error(
        404, 40401, "Subject '%s' not found." % missing)
    t.post("/subjects/%s" % q(s), {"schema": rec(t, "Other")}).expect_error(
        404, 40403, "Schema not found")
    # Registered elsewhere, not in this subject: still 40403.
    other = t.subj("other")
    t.register(other, rec(t, "Elsewhere"))
    t.post("/subjects/%s" % q(s), {"schema": rec(t, "Elsewhere")}).expect_error(404, 40403)


def test_lookup_invalid_schema(t):
    s = t.subj()
    t.register(s, rec(t, "R"))
    r = t.post("/subjects/%s" % q(s), {"schema": '{"type":"record","name":"R","fields":'
                                                 '[{"name":"f","type":"strin"}]}'})
    r.expect_error(422, 42201, message_contains="strin")
    t.post("/subjects/%s" % q(s), {"schema": "{not json"}).expect_error(422, 42201)


def test_lookup_with_deleted(t):
    s = t.subj()
    v1 = rec(t, "R", ("a", "string"))
    v2 = rec(t, "R", ("a", "string"), ("b", "int", 1))
    id1 = t.register_id(s, v1)
    t.register(s, v2)
    t.delete("/subjects/%s/versions/1" % q(s)).expect(200, 1)
    t.post("/subjects/%s" % q(s), {"schema": v1}).expect_error(404, 40403)
    r = t.post("/subjects/%s?deleted=true" % q(s), {"schema": v1}).expect(200)
    expect_equal(r, [r.data["version"], r.data["id"]], [1, id1], "soft-deleted match")
    # Whole subject soft-deleted: 40401 unless deleted=true.
    t.delete("/subjects/%s" % q(s)).expect(200, [2])
    t.post("/subjects/%s" % q(s), {"schema": v2}).expect_error(
        404, 40401, "Subject '%s' not found." % s)
    r = t.post("/subjects/%s?deleted=true" % q(s), {"schema": v2}).expect(200)
    expect_equal(r, r.data["version"], 2, "version")


def test_metadata_lookup(t):
    s = t.subj()
    t.register(s, rec(t, "R", ("a", "string")),
               metadata={"properties": {"owner": "alice", "major": "1"}})
    t.register(s, rec(t, "R", ("a", "string"), ("b", "int", 0)),
               metadata={"properties": {"owner": "bob", "major": "1"}})
    t.register(s, rec(t, "R", ("a", "string"), ("b", "int", 0), ("c", "int", 0)),
               metadata={"properties": {"owner": "alice", "major": "2"}})
    r = t.get("/subjects/%s/metadata?key=owner&value=alice" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 3, "newest version with owner=alice")
    expect_equal(r, r.data["subject"], s, "subject")
    expect_equal(r, r.data["metadata"]["properties"], {"owner": "alice", "major": "2"},
                 "metadata")
    r = t.get("/subjects/%s/metadata?key=owner&value=alice&key=major&value=1" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 1, "both pairs must match")
    r = t.get("/subjects/%s/metadata?key=major&value=1" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 2, "newest with major=1")
    t.get("/subjects/%s/metadata?key=owner&value=carol" % q(s)).expect_error(404, 40403)
    missing = t.subj("missing")
    t.get("/subjects/%s/metadata?key=owner&value=alice" % q(missing)).expect_error(
        404, 40401, "Subject '%s' not found." % missing)


harness.main(globals())
