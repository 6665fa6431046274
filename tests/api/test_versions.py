#!/usr/bin/python3
"""Subject versions: register, get, list, raw text, delete rules
(spec §2.1, §2.4, §3.3, §4.3, §4.5, §4.6)."""
import json

import harness
from harness import q, record, compact, expect_equal, expect_true, expect_keys, \
    expect_schema_entity

BAD_VERSION = ("The specified version '%s' is not a valid version id. Allowed values are "
               "between [1, 2^31-1] and the string \"latest\"")


def rec(t, name, *fields):
    return compact(record(name, list(fields) or [("a", "string")], namespace="ns." + t.name))


def evolve(t, n):
    """Version n of a record that stays BACKWARD compatible: fields f1..fn with defaults."""
    return rec(t, "E", ("a", "string"), *[("f%d" % i, "int", i) for i in range(1, n)])


def test_register_response(t):
    s = t.subj()
    text = rec(t, "R")
    r = t.register(s, text)
    expect_keys(r, r.data, required=("id", "version"), forbidden=("references",))
    expect_equal(r, r.data["version"], 1, "version")
    expect_true(r, type(r.data["id"]) is int and r.data["id"] > 0, "positive integer id")
    if "schemaType" in r.data:
        expect_equal(r, r.data["schemaType"], "AVRO", "schemaType")
    if "schema" in r.data:
        expect_equal(r, r.data["schema"], text, "schema")
    harness.expect_no_empty(r, r.data)


def test_get_version_shape(t):
    s = t.subj()
    text = rec(t, "R")
    sid = t.register_id(s, text)
    r = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
    expect_schema_entity(r, r.data, subject=s, version=1, sid=sid, schema=text)
    expect_keys(r, r.data, forbidden=("references", "metadata", "ruleSet"))
    expect_equal(r, r.data.get("deleted"), False, "deleted (8.x emits false)")
    if "ts" in r.data:
        expect_true(r, type(r.data["ts"]) is int and r.data["ts"] > 1600000000000,
                    "ts in milliseconds")


def test_canonical_text_stored(t):
    s = t.subj()
    t.register(s, '{"type": "string"}')
    r = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
    expect_equal(r, r.data["schema"], '"string"', "canonical form of a primitive")
    s2 = t.subj()
    pretty = ('{\n  "fields": [ {"type": "string", "name": "a"},\n {"name":"b", "default": 1, '
              '"type": "int"} ],\n  "name": "R", "type": "record", "namespace": "ns.%s"\n}'
              % t.name)
    t.register(s2, pretty)
    r = t.get("/subjects/%s/versions/latest" % q(s2)).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "R", ("a", "string"), ("b", "int", 1)),
                 "canonical text (attribute order, no whitespace)")
    r = t.get("/subjects/%s/versions/1/schema" % q(s2)).expect(200)
    expect_equal(r, r.text, rec(t, "R", ("a", "string"), ("b", "int", 1)), "raw text")


def test_ids_shared_across_subjects(t):
    a, b = t.subj("a"), t.subj("b")
    t.register(a, evolve(t, 1))
    r1 = t.register(a, evolve(t, 2))
    expect_equal(r1, r1.data["version"], 2, "version in a")
    r2 = t.register(b, evolve(t, 2))
    expect_equal(r2, r2.data["id"], r1.data["id"], "same content, same id")
    expect_equal(r2, r2.data["version"], 1, "version in b")
    r3 = t.register(b, evolve(t, 3))
    expect_true(r3, r3.data["id"] > r1.data["id"], "new content, new larger id")


def test_idempotent_register(t):
    s = t.subj()
    v1, v2 = evolve(t, 1), evolve(t, 2)
    r = t.register(s, v1)
    id1 = r.data["id"]
    r = t.register(s, v1)
    expect_equal(r, [r.data["id"], r.data["version"]], [id1, 1], "re-register: same id, version")
    id2 = t.register_id(s, v2)
    # Re-posting the older schema returns the older registration; no version 3.
    r = t.register(s, json.dumps(json.loads(v1), indent=2))
    expect_equal(r, [r.data["id"], r.data["version"]], [id1, 1], "older version returned")
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1, 2])
    r = t.get("/subjects/%s/versions/latest" % q(s)).expect(200)
    expect_equal(r, r.data["id"], id2, "latest unchanged")
    # schemaType AVRO explicitly is the same schema.
    r = t.register(s, v2, schemaType="AVRO")
    expect_equal(r, [r.data["id"], r.data["version"]], [id2, 2], "explicit AVRO")


def test_version_numbering_after_soft_delete(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.register(s, evolve(t, 2))
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    r = t.register(s, evolve(t, 3))
    expect_equal(r, r.data["version"], 3, "versions are never reused")
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1, 3])
    t.get("/subjects/%s/versions?deleted=true" % q(s)).expect(200, [1, 2, 3])
    t.get("/subjects/%s/versions?deletedOnly=true" % q(s)).expect(200, [2])


def test_version_numbering_after_subject_delete(t):
    s = t.subj()
    for n in (1, 2, 3):
        t.register(s, evolve(t, n))
    t.delete("/subjects/%s" % q(s)).expect(200, [1, 2, 3])
    r = t.register(s, evolve(t, 4))
    expect_equal(r, r.data["version"], 4, "delete v1..v3 then register => v4")


def test_version_numbering_after_hard_delete(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.register(s, evolve(t, 2))
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    t.delete("/subjects/%s/versions/2?permanent=true" % q(s)).expect(200, 2)
    r = t.register(s, evolve(t, 3))
    # Confluent numbers a new version after the highest version still stored (live or
    # soft-deleted); a hard-deleted number is gone from the store and is taken again, and a
    # subject whose every version was hard-deleted starts over at 1 (the axonops conformance
    # scenarios, recorded against Confluent 8.1.1, expect exactly that).
    expect_equal(r, r.data["version"], 2, "next version after the highest stored one")


def test_hard_deleted_id_not_reused(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    gone = t.register_id(s, evolve(t, 2))
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    t.delete("/subjects/%s/versions/2?permanent=true" % q(s)).expect(200, 2)
    r = t.register(t.subj("other"), evolve(t, 5))
    expect_true(r, r.data["id"] > gone,
                "ids never decrease and a hard-deleted id (%d) is not reused (§4.2)" % gone)


def test_reregister_soft_deleted_schema(t):
    s = t.subj()
    v1 = evolve(t, 1)
    id1 = t.register_id(s, v1)
    t.register(s, evolve(t, 2))
    t.delete("/subjects/%s/versions/1" % q(s)).expect(200, 1)
    # A new version with the same id (§4.6).
    r = t.register(s, v1)
    expect_equal(r, [r.data["id"], r.data["version"]], [id1, 3], "new version, same id")
    # §4.3 step 11: the soft-deleted older version with that id is removed.
    t.get("/subjects/%s/versions?deleted=true" % q(s)).expect(200, [2, 3])


def test_invalid_schema_42201(t):
    s = t.subj()
    path = "/subjects/%s/versions" % q(s)
    t.post(path, {"schema": '{"type":"record","name":"R","fields":[{"name":"f","type":"strin"}]}'}
           ).expect_error(422, 42201, message_contains="strin")
    t.post(path, {"schema": '{"type":"record","name":"R"'}).expect_error(422, 42201)
    t.post(path, {"schema": '{"type":"enum","name":"E","symbols":["A","A"]}'}).expect_error(
        422, 42201)
    t.post(path, {"schema": '"notatype"'}).expect_error(422, 42201, message_contains="notatype")
    t.post(path, {"schema": ""}).expect_error(422, 42201, "Empty schema")
    t.post(path, {}).expect_error(422, 42201, "Empty schema")
    t.get(path).expect_error(404, 40401)  # never stored
    t.get("/subjects?subjectPrefix=%s&deleted=true" % q(s)).expect(200, [])


def test_unsupported_schema_type(t):
    s = t.subj()
    path = "/subjects/%s/versions" % q(s)
    t.post(path, {"schema": "<a/>", "schemaType": "XML"}).expect_error(
        422, 42201, "Invalid schema type XML")
    # schemaType is case-sensitive on input.
    t.post(path, {"schema": '"int"', "schemaType": "avro"}).expect_error(
        422, 42201, message_prefix="Invalid schema type")
    types = t.get("/schemas/types").expect(200).data
    if "PROTOBUF" not in types:
        t.post(path, {"schema": 'syntax = "proto3";\nmessage M { string a = 1; }\n',
                      "schemaType": "PROTOBUF"}).expect_error(
            422, 42201, message_prefix="Invalid schema type PROTOBUF")
    t.get(path).expect_error(404, 40401)
    t.post("/compatibility/subjects/%s/versions" % q(s),
           {"schema": "<a/>", "schemaType": "XML"}).expect_error(422, 42201)
    t.register(s, '"int"')
    t.post("/subjects/%s" % q(s), {"schema": "<a/>", "schemaType": "XML"}).expect_error(
        422, 42201)


def test_explicit_version_outside_import(t):
    s = t.subj()
    r = t.register(s, evolve(t, 1), version=1)
    expect_equal(r, r.data["version"], 1, "version 1 given explicitly")
    t.post("/subjects/%s/versions" % q(s), {"schema": evolve(t, 2), "version": 5}).expect_error(
        422, 42201, "Version is not one more than previous version")
    r = t.register(s, evolve(t, 2), version=2)
    expect_equal(r, r.data["version"], 2, "next version given explicitly")
    r = t.register(s, evolve(t, 3), version=-1)
    expect_equal(r, r.data["version"], 3, "version -1 means next")


def test_explicit_id_outside_import_is_42205(t):
    s = t.subj()
    t.post("/subjects/%s/versions" % q(s), {"schema": evolve(t, 1), "id": 4242}).expect_error(
        422, 42205)
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)


def test_bad_versions_42202(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    for v in ("0", "-2", "abc", "2147483648", "1.0", "-0x1", "99999999999999999999"):
        t.get("/subjects/%s/versions/%s" % (q(s), q(v))).expect_error(
            422, 42202, BAD_VERSION % v)
        t.get("/subjects/%s/versions/%s/schema" % (q(s), q(v))).expect_error(422, 42202)
        t.delete("/subjects/%s/versions/%s" % (q(s), q(v))).expect_error(422, 42202)
        t.get("/subjects/%s/versions/%s/referencedby" % (q(s), q(v))).expect_error(422, 42202)
    t.get("/subjects/%s/versions/2147483647" % q(s)).expect_error(
        404, 40402, "Version 2147483647 not found.")


def test_latest_and_minus_one(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    id2 = t.register_id(s, evolve(t, 2))
    for v in ("latest", "-1", "LATEST", "Latest"):
        r = t.get("/subjects/%s/versions/%s" % (q(s), v)).expect(200)
        expect_equal(r, [r.data["version"], r.data["id"]], [2, id2], "version %s" % v)
    r = t.get("/subjects/%s/versions/%s" % (q(s), q(" latest "))).expect(200)
    expect_equal(r, r.data["version"], 2, "latest after trimming")
    r = t.get("/subjects/%s/versions/latest/schema" % q(s)).expect(200)
    expect_equal(r, r.text, evolve(t, 2), "raw text of latest")
    # latest is the newest live version.
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    r = t.get("/subjects/%s/versions/latest" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 1, "latest after deleting v2")
    r = t.get("/subjects/%s/versions/-1?deleted=true" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 1, "latest is the newest live one even with deleted=true")


def test_version_not_found(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.get("/subjects/%s/versions/3" % q(s)).expect_error(404, 40402, "Version 3 not found.")
    t.get("/subjects/%s/versions/3/schema" % q(s)).expect_error(404, 40402, "Version 3 not found.")
    missing = t.subj("missing")
    t.get("/subjects/%s/versions/1" % q(missing)).expect_error(
        404, 40401, "Subject '%s' not found." % missing)
    t.get("/subjects/%s/versions/latest" % q(missing)).expect_error(404, 40401)
    t.get("/subjects/%s/versions" % q(missing)).expect_error(
        404, 40401, "Subject '%s' not found." % missing)


def test_soft_deleted_version_reads(t):
    s = t.subj()
    id1 = t.register_id(s, evolve(t, 1))
    t.register(s, evolve(t, 2))
    t.delete("/subjects/%s/versions/1" % q(s)).expect(200, 1)
    t.get("/subjects/%s/versions/1" % q(s)).expect_error(404, 40402, "Version 1 not found.")
    r = t.get("/subjects/%s/versions/1?deleted=true" % q(s)).expect(200)
    expect_equal(r, [r.data["version"], r.data["id"]], [1, id1], "soft-deleted version")
    expect_equal(r, r.data.get("deleted"), True, "deleted flag")
    r = t.get("/subjects/%s/versions/1/schema?deleted=true" % q(s)).expect(200)
    expect_equal(r, r.text, evolve(t, 1), "raw text of a soft-deleted version")
    r = t.get("/schemas/ids/%d" % id1).expect(200)
    # All versions soft-deleted: the subject is gone unless deleted=true.
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)
    t.get("/subjects/%s/versions/latest" % q(s)).expect_error(404, 40401)
    t.get("/subjects/%s/versions?deleted=true" % q(s)).expect(200, [1, 2])


def test_delete_version_rules(t):
    s = t.subj()
    for n in (1, 2, 3):
        t.register(s, evolve(t, n))
    P = "/subjects/%s/versions/" % q(s)
    t.delete(P + "2?permanent=true").expect_error(
        404, 40407, "Subject '%s' Version 2 was not deleted first before being permanently deleted"
        % s)
    t.delete(P + "2").expect(200, 2)
    t.delete(P + "2").expect_error(
        404, 40406, "Subject '%s' Version 2 was soft deleted.Set permanent=true to delete "
        "permanently" % s)
    t.delete(P + "2?permanent=true").expect(200, 2)
    t.delete(P + "2?permanent=true").expect_error(404, 40402, "Version 2 not found.")
    t.get(P + "2?deleted=true").expect_error(404, 40402)
    t.delete(P + "7").expect_error(404, 40402, "Version 7 not found.")
    # latest resolves to the newest live version, so latest+permanent is 40407.
    t.delete(P + "latest?permanent=true").expect_error(404, 40407)
    t.delete(P + "latest").expect(200, 3)
    t.delete(P + "-1").expect(200, 1)
    missing = t.subj("missing")
    t.delete("/subjects/%s/versions/1" % q(missing)).expect_error(
        404, 40401, "Subject '%s' not found." % missing)


def test_delete_subject_rules(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.register(s, evolve(t, 2))
    t.delete("/subjects/%s?permanent=true" % q(s)).expect_error(
        404, 40405, "Subject '%s' was not deleted first before being permanently deleted" % s)
    t.delete("/subjects/%s" % q(s)).expect(200, [1, 2])
    t.delete("/subjects/%s" % q(s)).expect_error(
        404, 40404, "Subject '%s' was soft deleted.Set permanent=true to delete permanently" % s)
    t.delete("/subjects/%s?permanent=true" % q(s)).expect(200, [1, 2])
    t.delete("/subjects/%s" % q(s)).expect_error(404, 40401, "Subject '%s' not found." % s)
    t.delete("/subjects/%s?permanent=true" % q(s)).expect_error(404, 40401)
    t.get("/subjects/%s/versions?deleted=true" % q(s)).expect_error(404, 40401)
    missing = t.subj("missing")
    t.delete("/subjects/%s" % q(missing)).expect_error(
        404, 40401, "Subject '%s' not found." % missing)


def test_partially_deleted_subject(t):
    s = t.subj()
    for n in (1, 2, 3):
        t.register(s, evolve(t, n))
    t.delete("/subjects/%s/versions/2" % q(s)).expect(200, 2)
    # Soft delete of the subject deletes the live versions; permanent returns all that existed.
    t.delete("/subjects/%s" % q(s)).expect(200, [1, 3])
    t.delete("/subjects/%s?permanent=true" % q(s)).expect(200, [1, 2, 3])


def test_hard_delete_frees_the_id(t):
    s = t.subj()
    sid = t.register_id(s, evolve(t, 1))
    t.delete("/subjects/%s/versions/1" % q(s)).expect(200, 1)
    t.get("/schemas/ids/%d" % sid).expect(200)
    t.delete("/subjects/%s/versions/1?permanent=true" % q(s)).expect(200, 1)
    t.get("/schemas/ids/%d" % sid).expect_error(404, 40403, "Schema %d not found" % sid)


def test_version_list_pagination(t):
    s = t.subj()
    for n in (1, 2, 3, 4):
        t.register(s, evolve(t, n))
    t.get("/subjects/%s/versions?offset=1&limit=2" % q(s)).expect(200, [2, 3])
    t.get("/subjects/%s/versions?limit=-1" % q(s)).expect(200, [1, 2, 3, 4])
    t.get("/subjects/%s/versions?offset=3" % q(s)).expect(200, [4])


harness.main(globals())
