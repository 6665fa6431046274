#!/usr/bin/python3
"""Schemas by id and guid, raw schema text, /schemas/types and the /schemas listing
(spec §2.2, §3.2, §4.1, §4.2)."""
import hashlib
import json
import uuid

import harness
from harness import q, record, compact, expect_equal, expect_true, expect_keys, expect_no_empty


def rec(t, name, *fields):
    """A fresh record schema (canonical text) unique to this test."""
    return compact(record(name, list(fields) or [("a", "string")], namespace="ns." + t.name))


def expected_guid(canonical):
    # identity.h: MD5 over the canonical text (no references, no contract) as a UUID.
    return str(uuid.UUID(bytes=hashlib.md5(canonical.encode("utf-8")).digest()))


def test_schema_by_id_shape(t):
    s = t.subj()
    text = rec(t, "A")
    sid = t.register_id(s, text)
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_keys(r, r.data, required=("schema", "schemaType"),
                forbidden=("subject", "version", "references"))
    expect_equal(r, r.data["schema"], text, "schema")
    expect_equal(r, r.data["schemaType"], "AVRO", "schemaType")
    expect_no_empty(r, r.data)
    # With ?subject= the subject and version are reported (8.x).
    r = t.get("/schemas/ids/%d?subject=%s" % (sid, q(s))).expect(200)
    expect_equal(r, r.data.get("subject"), s, "subject")
    expect_equal(r, r.data.get("version"), 1, "version")
    expect_equal(r, r.data["schema"], text, "schema")


def test_subject_param_does_not_cause_404(t):
    s = t.subj()
    other = t.subj("other")
    sid = t.register_id(s, rec(t, "A"))
    t.register(other, rec(t, "B"))
    r = t.get("/schemas/ids/%d?subject=%s" % (sid, q(other))).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "A"), "schema")
    r = t.get("/schemas/ids/%d?subject=%s" % (sid, q(t.subj("nosuch")))).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "A"), "schema")


def test_unknown_id(t):
    t.get("/schemas/ids/2000000001").expect_error(404, 40403, "Schema 2000000001 not found")
    t.get("/schemas/ids/-5").expect_error(404, 40403)
    t.get("/schemas/ids/2000000001/schema").expect_error(404, 40403)
    t.get("/schemas/ids/2000000001/subjects").expect_error(404, 40403)
    t.get("/schemas/ids/2000000001/versions").expect_error(404, 40403)


def test_raw_schema_text(t):
    s = t.subj()
    text = rec(t, "Raw", ("a", "string"), ("n", "int", 3))
    sid = t.register_id(s, text)
    r = t.get("/schemas/ids/%d/schema" % sid).expect(200)
    expect_equal(r, r.text, text, "raw body (not a JSON-quoted string)")
    # A primitive's canonical text is itself JSON: "string".
    s2 = t.subj()
    sid2 = t.register_id(s2, '{"type": "string"}')
    r = t.get("/schemas/ids/%d/schema" % sid2).expect(200)
    expect_equal(r, r.text, '"string"', "raw body of a primitive")
    r = t.get("/schemas/ids/%d" % sid2).expect(200)
    expect_equal(r, r.data["schema"], '"string"', "canonical text")


def test_ids_shared_by_content(t):
    s1, s2, s3 = t.subj("a"), t.subj("b"), t.subj("c")
    text = rec(t, "Shared")
    id1 = t.register_id(s1, text)
    # Same content, other formatting: same id in another subject.
    pretty = json.dumps(json.loads(text), indent=4)
    r = t.register(s2, pretty)
    expect_equal(r, r.data["id"], id1, "id of the same schema in another subject")
    expect_equal(r, r.data.get("version"), 1, "version in the second subject")
    id3 = t.register_id(s3, rec(t, "Different"))
    expect_true(None, id3 > id1, "a new schema gets a new, larger id (%d after %d)" % (id3, id1))
    r = t.get("/schemas/ids/%d/subjects" % id1).expect(200, sorted([s1, s2]))
    r = t.get("/schemas/ids/%d/versions" % id1).expect(
        200, [{"subject": s, "version": 1} for s in sorted([s1, s2])])


def test_id_usages_with_deletes(t):
    s1, s2 = t.subj("a"), t.subj("b")
    text = rec(t, "Used")
    sid = t.register_id(s1, text)
    t.register(s2, text)
    t.delete("/subjects/%s" % q(s2)).expect(200, [1])
    t.get("/schemas/ids/%d/subjects" % sid).expect(200, [s1])
    t.get("/schemas/ids/%d/subjects?deleted=true" % sid).expect(200, sorted([s1, s2]))
    t.get("/schemas/ids/%d/versions" % sid).expect(200, [{"subject": s1, "version": 1}])
    t.get("/schemas/ids/%d/versions?deleted=true" % sid).expect(
        200, [{"subject": s, "version": 1} for s in sorted([s1, s2])])
    t.delete("/subjects/%s" % q(s1)).expect(200, [1])
    # Every usage soft-deleted: the id still resolves, the usage lists are empty.
    t.get("/schemas/ids/%d/subjects" % sid).expect(200, [])
    t.get("/schemas/ids/%d/versions" % sid).expect(200, [])
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r, r.data["schema"], text, "soft-deleted schema still resolves by id")
    t.get("/schemas/ids/%d/schema" % sid).expect(200)
    # Hard-deleted everywhere: the id is gone.
    t.delete("/subjects/%s?permanent=true" % q(s1)).expect(200, [1])
    t.get("/schemas/ids/%d" % sid).expect(200)  # s2 still holds it (soft-deleted)
    t.delete("/subjects/%s?permanent=true" % q(s2)).expect(200, [1])
    t.get("/schemas/ids/%d" % sid).expect_error(404, 40403, "Schema %d not found" % sid)
    t.get("/schemas/ids/%d/subjects" % sid).expect_error(404, 40403)
    t.get("/schemas/ids/%d/versions" % sid).expect_error(404, 40403)


def test_id_usage_pagination(t):
    subjects = sorted(t.subj(c) for c in "abcd")
    text = rec(t, "Paged")
    sid = None
    for s in subjects:
        sid = t.register_id(s, text)
    t.get("/schemas/ids/%d/subjects?offset=1&limit=2" % sid).expect(200, subjects[1:3])
    t.get("/schemas/ids/%d/subjects?limit=-1" % sid).expect(200, subjects)


def test_types(t):
    r = t.get("/schemas/types").expect(200)
    expect_true(r, isinstance(r.data, list) and "AVRO" in r.data, "AVRO must be listed")
    expect_true(r, len(set(r.data)) == len(r.data), "no duplicates")
    # Confluent's type names, plus Strata's TABLE (test_tables.py)
    expect_true(r, set(r.data) <= {"AVRO", "JSON", "PROTOBUF", "TABLE"}, "only known type names")
    # A type the server lists is one it accepts; one it does not list is refused.
    s = t.subj()
    for typ in ("JSON", "PROTOBUF"):
        r2 = t.post("/subjects/%s/versions" % q(s), {"schema": "}{", "schemaType": typ})
        r2.expect_error(422, 42201)
        invalid_type = r2.data["message"].startswith("Invalid schema type")
        expect_true(r2, invalid_type == (typ not in r.data),
                    "%s is %slisted by /schemas/types but the register error is %r"
                    % (typ, "" if typ in r.data else "not ", r2.data["message"]))


def test_schemas_listing(t):
    prefix = t.subj("p")
    pa, pb = prefix + "-a", prefix + "-b"
    a1 = t.register_id(pa, rec(t, "A", ("a", "string")))
    a2 = t.register_id(pa, rec(t, "A", ("a", "string"), ("b", "int", 0)))
    b1 = t.register_id(pb, rec(t, "B"))
    r = t.get("/schemas?subjectPrefix=%s" % q(prefix)).expect(200)
    got = [(x["subject"], x["version"], x["id"]) for x in r.data]
    expect_equal(r, got, [(pa, 1, a1), (pa, 2, a2), (pb, 1, b1)], "(subject, version, id) sorted")
    for item in r.data:
        harness.expect_schema_entity(r, item)
    expect_equal(r, r.data[1]["schema"], rec(t, "A", ("a", "string"), ("b", "int", 0)), "schema")
    r = t.get("/schemas?subjectPrefix=%s&latestOnly=true" % q(prefix)).expect(200)
    expect_equal(r, [(x["subject"], x["version"]) for x in r.data], [(pa, 2), (pb, 1)],
                 "latestOnly")
    r = t.get("/schemas?subjectPrefix=%s&offset=1&limit=1" % q(prefix)).expect(200)
    expect_equal(r, [(x["subject"], x["version"]) for x in r.data], [(pa, 2)], "offset/limit")
    r = t.get("/schemas?subjectPrefix=%s&limit=0" % q(prefix)).expect(200)
    expect_equal(r, len(r.data), 3, "limit=0 means the default limit")
    t.get("/schemas?subjectPrefix=%s&offset=10" % q(prefix)).expect(200, [])
    # The unfiltered listing holds them too.
    r = t.get("/schemas").expect(200)
    keys = {(x["subject"], x["version"]) for x in r.data}
    expect_true(r, {(pa, 1), (pa, 2), (pb, 1)} <= keys, "unfiltered listing has them")
    pairs = [(x["subject"], x["version"]) for x in r.data]
    expect_true(r, pairs == sorted(pairs), "unfiltered listing sorted by (subject, version)")
    # Soft-deleted versions only with deleted=true.
    t.delete("/subjects/%s" % q(pb)).expect(200, [1])
    r = t.get("/schemas?subjectPrefix=%s" % q(prefix)).expect(200)
    expect_equal(r, [(x["subject"], x["version"]) for x in r.data], [(pa, 1), (pa, 2)],
                 "soft-deleted hidden")
    r = t.get("/schemas?subjectPrefix=%s&deleted=true" % q(prefix)).expect(200)
    expect_equal(r, [(x["subject"], x["version"]) for x in r.data], [(pa, 1), (pa, 2), (pb, 1)],
                 "deleted=true includes soft-deleted")
    t.get("/schemas?subjectPrefix=%s" % q(t.subj("nothing"))).expect(200, [])


def test_guid(t):
    s1, s2 = t.subj("a"), t.subj("b")
    text = rec(t, "G")
    sid = t.register_id(s1, text)
    t.register(s2, text)
    r = t.get("/subjects/%s/versions/1" % q(s1)).expect(200)
    expect_keys(r, r.data, required=("guid",))
    guid = r.data["guid"]
    expect_equal(r, guid, expected_guid(text), "guid = MD5 of the canonical text as a UUID")
    r = t.get("/subjects/%s/versions/1" % q(s2)).expect(200)
    expect_equal(r, r.data.get("guid"), guid, "same content, same guid")
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r, r.data.get("guid"), guid, "guid by id")
    r = t.get("/schemas/guids/%s" % guid).expect(200)
    expect_keys(r, r.data, required=("schema",), forbidden=("subject", "version"))
    expect_equal(r, r.data["schema"], text, "schema by guid")
    expect_equal(r, r.data.get("schemaType"), "AVRO", "schemaType")
    t.get("/schemas/guids/%s/ids" % guid).expect(200, [{"context": ".", "id": sid}])
    t.get("/schemas/guids/%s" % str(uuid.UUID(int=12345))).expect_error(404, 40403)


def test_fetch_max_id(t):
    s = t.subj()
    sid = t.register_id(s, rec(t, "M"))
    later = t.register_id(t.subj(), rec(t, "N"))
    r = t.get("/schemas/ids/%d?fetchMaxId=true" % sid).expect(200)
    expect_true(r, isinstance(r.data.get("maxId"), int) and r.data["maxId"] >= later,
                "maxId should be at least %d" % later)
    r = t.get("/schemas/ids/%d?fetchMaxId=false" % sid).expect(200)
    expect_keys(r, r.data, forbidden=("maxId",))


harness.main(globals())
