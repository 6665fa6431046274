#!/usr/bin/python3
"""Interop: Debian's python3-confluent-kafka against a running strata-registry.

Run through run_with_registry.py, which starts the server and sets STRATA_REGISTRY_URL.
Uses the client's public API (confluent_kafka.schema_registry.SchemaRegistryClient). Where the
Debian version (1.7.0) has no method for a call (mode, permanent version delete), the call goes
through the client's own REST layer (SchemaRegistryClient._rest_client), so the requests still
carry the client's headers and its error handling (SchemaRegistryError) applies.

Avro round trips: confluent_kafka.avro's MessageSerializer (the Debian package's serializer on
python3-avro) always; confluent_kafka.schema_registry.avro's AvroSerializer/AvroDeserializer
with a SerializationContext when fastavro is importable (Debian 12 does not package it;
scripts/install-test-peers.sh fetches it from PyPI when it can).
"""

import json
import os
import struct
import sys
import traceback

INSTALL_HINT = "run scripts/install-test-peers.sh (as root) to install the interop peers"

try:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    from confluent_kafka.serialization import MessageField, SerializationContext
    import confluent_kafka
except ImportError as e:
    print("FAIL: cannot import confluent_kafka.schema_registry with %s (%s); %s"
          % (sys.executable, e, INSTALL_HINT))
    sys.exit(1)

try:
    import fastavro  # noqa: F401  (needed by confluent_kafka.schema_registry.avro)
    HAVE_FASTAVRO = True
except ImportError:
    HAVE_FASTAVRO = False

URL = os.environ.get("STRATA_REGISTRY_URL")
if not URL:
    print("FAIL: STRATA_REGISTRY_URL is not set (run through run_with_registry.py)")
    sys.exit(1)

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("  not ok: %s" % what)
    return cond


def client():
    """A fresh client, so that no cached answer hides what the server says."""
    return SchemaRegistryClient({"url": URL})


def expect_error(fn, status, code, what):
    """Calls fn() and checks that it raises SchemaRegistryError(status, code)."""
    try:
        got = fn()
    except SchemaRegistryError as e:
        return check(e.http_status_code == status and e.error_code == code,
                     "%s: expected HTTP %d / error_code %d, got HTTP %s / %s (%s)"
                     % (what, status, code, e.http_status_code, e.error_code, e.error_message))
    return check(False, "%s: expected HTTP %d / error_code %d, got success %r"
                 % (what, status, code, got))


def avro(schema_dict):
    return Schema(json.dumps(schema_dict), "AVRO")


def same_schema(text, schema_dict):
    try:
        return json.loads(text) == schema_dict
    except ValueError:
        return False


ORDER_V1 = {"type": "record", "name": "Order", "namespace": "interop.py",
            "fields": [{"name": "id", "type": "long"},
                       {"name": "amount", "type": "double"}]}
ORDER_V2 = {"type": "record", "name": "Order", "namespace": "interop.py",
            "fields": [{"name": "id", "type": "long"},
                       {"name": "amount", "type": "double"},
                       {"name": "note", "type": ["null", "string"], "default": None}]}
ORDER_V3 = {"type": "record", "name": "Order", "namespace": "interop.py",
            "fields": [{"name": "id", "type": "long"},
                       {"name": "amount", "type": "double"},
                       {"name": "note", "type": ["null", "string"], "default": None},
                       {"name": "currency", "type": "string", "default": "EUR"}]}
# Changing a field's type from long to string breaks BACKWARD.
ORDER_BAD = {"type": "record", "name": "Order", "namespace": "interop.py",
             "fields": [{"name": "id", "type": "string"},
                        {"name": "amount", "type": "double"}]}


def section_register_and_read():
    c = client()
    s = "py-orders-value"
    sid1 = c.register_schema(s, avro(ORDER_V1))
    check(isinstance(sid1, int) and sid1 > 0, "register_schema returns a positive int id (%r)" % sid1)
    check(client().register_schema(s, avro(ORDER_V1)) == sid1,
          "registering the same schema again returns the same id")

    got = client().get_schema(sid1)
    check(got.schema_type == "AVRO", "get_schema: schemaType AVRO (got %r)" % got.schema_type)
    check(same_schema(got.schema_str, ORDER_V1),
          "get_schema returns the registered schema (got %s)" % got.schema_str)

    latest = c.get_latest_version(s)
    check(latest.schema_id == sid1 and latest.version == 1 and latest.subject == s,
          "get_latest_version after one registration: id %s version 1 subject %s (got %s %s %s)"
          % (sid1, s, latest.schema_id, latest.version, latest.subject))

    sid2 = c.register_schema(s, avro(ORDER_V2))
    check(sid2 != sid1, "a new schema gets a new id (%s vs %s)" % (sid2, sid1))
    check(c.get_versions(s) == [1, 2], "get_versions == [1, 2] (got %r)" % c.get_versions(s))
    v1 = c.get_version(s, 1)
    v2 = c.get_version(s, 2)
    check(v1.schema_id == sid1 and v1.version == 1 and same_schema(v1.schema.schema_str, ORDER_V1),
          "get_version(1) is the first schema")
    check(v2.schema_id == sid2 and v2.version == 2 and same_schema(v2.schema.schema_str, ORDER_V2),
          "get_version(2) is the second schema")
    latest = c.get_latest_version(s)
    check(latest.version == 2 and latest.schema_id == sid2, "latest is now version 2")

    # The same schema under another subject keeps its id and starts at version 1 there.
    other = "py-orders-copy-value"
    check(client().register_schema(other, avro(ORDER_V1)) == sid1,
          "the same schema in another subject gets the same id")
    check(c.get_version(other, 1).schema_id == sid1, "...as version 1 of that subject")
    # Subject names with "/", "+" and a space travel percent-encoded (quote(safe='')).
    odd = "py/nested+sub name-value"
    check(client().register_schema(odd, avro(ORDER_V2)) == sid2,
          "registering under a subject with '/', '+' and a space")
    odd_latest = c.get_latest_version(odd)
    check(odd_latest.subject == odd and odd_latest.version == 1,
          "get_latest_version of that subject names it exactly (got %r)" % odd_latest.subject)
    subjects = c.get_subjects()
    check(odd in subjects, "get_subjects lists %r exactly (got %r)" % (odd, subjects))
    check(isinstance(subjects, list) and s in subjects and other in subjects,
          "get_subjects lists both subjects (got %r)" % subjects)
    check(subjects == sorted(subjects), "get_subjects is sorted (got %r)" % subjects)


def section_lookup():
    c = client()
    s = "py-lookup-value"
    sid = c.register_schema(s, avro(ORDER_V1))
    # Same schema, different formatting and member order inside the JSON text.
    spaced = Schema(json.dumps(ORDER_V1, indent=3, sort_keys=True), "AVRO")
    found = c.lookup_schema(s, spaced)
    check(found.schema_id == sid and found.version == 1 and found.subject == s,
          "lookup_schema of a reformatted schema finds id %s version 1 (got %s %s %s)"
          % (sid, found.schema_id, found.version, found.subject))
    check(same_schema(found.schema.schema_str, ORDER_V1), "lookup_schema returns the schema text")
    expect_error(lambda: c.lookup_schema(s, avro(ORDER_V3)), 404, 40403,
                 "lookup_schema of a schema not in the subject")
    expect_error(lambda: c.lookup_schema("py-no-such-subject", avro(ORDER_V1)), 404, 40401,
                 "lookup_schema in an unknown subject")
    expect_error(lambda: client().get_schema(987654), 404, 40403, "get_schema of an unknown id")
    expect_error(lambda: c.get_version(s, 7), 404, 40402, "get_version of an unknown version")
    expect_error(lambda: c.get_latest_version("py-no-such-subject"), 404, 40401,
                 "get_latest_version of an unknown subject")


def section_compatibility():
    c = client()
    s = "py-compat-value"
    c.register_schema(s, avro(ORDER_V1))
    check(c.test_compatibility(s, avro(ORDER_V2)) is True,
          "test_compatibility: adding an optional field is BACKWARD compatible")
    check(c.test_compatibility(s, avro(ORDER_BAD)) is False,
          "test_compatibility: long -> string is not BACKWARD compatible")
    check(c.test_compatibility(s, avro(ORDER_V2), version=1) is True,
          "test_compatibility against version 1")
    try:
        client().register_schema(s, avro(ORDER_BAD))
        check(False, "registering an incompatible schema must fail")
    except SchemaRegistryError as e:
        check(e.http_status_code == 409 and e.error_code in (409, 40901),
              "incompatible registration: HTTP 409 with error_code 409/40901 (got %s/%s)"
              % (e.http_status_code, e.error_code))

    # Subject level.
    expect_error(lambda: c.get_compatibility(s), 404, 40408,
                 "get_compatibility of a subject without its own level")
    r = c.set_compatibility(subject_name=s, level="none")
    check(r == {"compatibility": "NONE"}, "set_compatibility(subject) answers "
          "{'compatibility': 'NONE'} (got %r)" % (r,))
    check(c.get_compatibility(s) == "NONE", "get_compatibility(subject) == NONE")
    check(c.test_compatibility(s, avro(ORDER_BAD)) is True,
          "with NONE, any schema is compatible")
    check(client().register_schema(s, avro(ORDER_BAD)) > 0,
          "with NONE, the formerly incompatible schema registers")

    # Global level.
    check(c.get_compatibility() == "BACKWARD", "the global level defaults to BACKWARD")
    r = c.set_compatibility(level="FULL_TRANSITIVE")
    check(r == {"compatibility": "FULL_TRANSITIVE"},
          "set_compatibility(global) answers {'compatibility': 'FULL_TRANSITIVE'} (got %r)" % (r,))
    check(c.get_compatibility() == "FULL_TRANSITIVE", "get_compatibility() == FULL_TRANSITIVE")
    check(c.get_compatibility(s) == "NONE", "the subject keeps its own level")
    expect_error(lambda: c.set_compatibility(level="SIDEWAYS"), 422, 42203,
                 "set_compatibility with an unknown level")
    c.set_compatibility(level="BACKWARD")
    check(c.get_compatibility() == "BACKWARD", "global level restored to BACKWARD")


def section_mode():
    c = client()
    rest = c._rest_client  # 1.7.0 has no mode methods
    s = "py-mode-value"
    check(rest.get("mode") == {"mode": "READWRITE"}, "GET mode == READWRITE")
    c.register_schema(s, avro(ORDER_V1))
    check(rest.put("mode/" + s, {"mode": "READONLY"}) == {"mode": "READONLY"},
          "PUT mode/{subject} READONLY echoes the mode")
    check(rest.get("mode/" + s) == {"mode": "READONLY"}, "GET mode/{subject} == READONLY")
    expect_error(lambda: client().register_schema(s, avro(ORDER_V2)), 422, 42205,
                 "registering into a READONLY subject")
    check(rest.put("mode/" + s, {"mode": "READWRITE"}) == {"mode": "READWRITE"},
          "PUT mode/{subject} READWRITE")
    check(client().register_schema(s, avro(ORDER_V2)) > 0, "registering works again")

    check(rest.put("mode", {"mode": "READONLY"}) == {"mode": "READONLY"},
          "PUT mode READONLY (global) echoes the mode")
    check(rest.get("mode") == {"mode": "READONLY"}, "GET mode == READONLY")
    expect_error(lambda: client().register_schema("py-mode-other-value", avro(ORDER_V1)), 422,
                 42205, "registering while the registry is READONLY")
    expect_error(lambda: rest.put("mode", {"mode": "SOMETIMES"}), 422, 42204,
                 "PUT mode with an unknown mode")
    check(rest.put("mode", {"mode": "READWRITE"}) == {"mode": "READWRITE"},
          "PUT mode READWRITE (global)")
    check(client().register_schema("py-mode-other-value", avro(ORDER_V1)) > 0,
          "registering works again after READWRITE")


def section_deletes():
    c = client()
    rest = c._rest_client
    s = "py-delete-value"
    # A schema only this subject uses, so that its id disappears with the subject.
    only_here = {"type": "record", "name": "Deletable", "namespace": "interop.py",
                 "fields": [{"name": "k", "type": "string"}]}
    only_here_v2 = dict(only_here, fields=only_here["fields"] + [
        {"name": "n", "type": "int", "default": 0}])
    only_here_v3 = dict(only_here, fields=only_here_v2["fields"] + [
        {"name": "m", "type": "int", "default": 1}])
    id1 = c.register_schema(s, avro(only_here))
    c.register_schema(s, avro(only_here_v2))
    c.register_schema(s, avro(only_here_v3))
    check(c.get_versions(s) == [1, 2, 3], "three versions registered")

    check(c.delete_version(s, 2) == 2, "delete_version (soft) returns the version number")
    check(c.get_versions(s) == [1, 3], "after a soft delete get_versions == [1, 3] (got %r)"
          % c.get_versions(s))
    expect_error(lambda: c.get_version(s, 2), 404, 40402, "get_version of a soft-deleted version")
    expect_error(lambda: c.delete_version(s, 2), 404, 40406,
                 "soft-deleting an already soft-deleted version")
    expect_error(lambda: rest.delete("subjects/%s/versions/3?permanent=true" % s), 404, 40407,
                 "permanently deleting a live version")
    check(rest.delete("subjects/%s/versions/2?permanent=true" % s) == 2,
          "permanently deleting the soft-deleted version returns 2")
    expect_error(lambda: c.delete_version(s, 2), 404, 40402,
                 "deleting a permanently deleted version")

    expect_error(lambda: rest.delete("subjects/%s?permanent=true" % s), 404, 40405,
                 "permanently deleting a subject that was not soft-deleted first")
    check(c.delete_subject(s) == [1, 3], "delete_subject (soft) returns [1, 3]")
    check(s not in c.get_subjects(), "a soft-deleted subject is not listed")
    expect_error(lambda: c.get_versions(s), 404, 40401, "get_versions of a soft-deleted subject")
    check(same_schema(client().get_schema(id1).schema_str, only_here),
          "the id of a soft-deleted schema still resolves")
    expect_error(lambda: c.delete_subject(s), 404, 40404, "soft-deleting a soft-deleted subject")
    check(rest.delete("subjects/%s?permanent=true" % s) == [1, 3],
          "permanent delete_subject returns [1, 3]")
    expect_error(lambda: client().get_schema(id1), 404, 40403,
                 "the id of a permanently deleted schema no longer resolves")

    # delete_subject(permanent=True) is the client's soft-then-hard sequence.
    t = "py-delete-both-value"
    c.register_schema(t, avro(ORDER_V1))
    check(c.delete_subject(t, permanent=True) == [1], "delete_subject(permanent=True) == [1]")
    check(t not in rest.get("subjects", {"deleted": "true"}),
          "a permanently deleted subject is not listed even with deleted=true")
    # Versions continue after a soft delete (they are never reused).
    u = "py-delete-again-value"
    c.register_schema(u, avro(ORDER_V1))
    c.delete_subject(u)
    client().register_schema(u, avro(ORDER_V2))
    check(c.get_versions(u) == [2], "re-registering after a soft delete continues at version 2 "
          "(got %r)" % c.get_versions(u))


RECORD_SCHEMA = {
    "type": "record", "name": "Payment", "namespace": "interop.py.serde",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "amount", "type": "double"},
        {"name": "payer", "type": "string"},
        {"name": "memo", "type": ["null", "string"], "default": None},
        {"name": "status", "type": {"type": "enum", "name": "Status",
                                    "symbols": ["NEW", "PAID", "VOID"]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "int"}},
        {"name": "raw", "type": "bytes"},
        {"name": "ok", "type": "boolean"},
    ]}
RECORD = {"id": 1234567890123, "amount": 19.75, "payer": "Zoë", "memo": None,
          "status": "PAID", "tags": ["a", "b"], "attrs": {"x": 1, "y": -2}, "raw": b"\x00\xff",
          "ok": True}


def wire_id(payload):
    magic, sid = struct.unpack(">bI", payload[:5])
    check(magic == 0, "Confluent wire format starts with magic byte 0 (got %d)" % magic)
    return sid


def section_serde_legacy():
    from confluent_kafka.avro import CachedSchemaRegistryClient, loads
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    topic = "py-legacy"
    ser = MessageSerializer(CachedSchemaRegistryClient({"url": URL}))
    data = ser.encode_record_with_schema(topic, loads(json.dumps(RECORD_SCHEMA)), RECORD)
    sid = wire_id(data)
    latest = client().get_latest_version(topic + "-value")
    check(latest.schema_id == sid, "the legacy serializer registered %s-value with the id in "
          "the message (%s vs %s)" % (topic, sid, latest.schema_id))
    back = MessageSerializer(CachedSchemaRegistryClient({"url": URL})).decode_message(data)
    check(back == RECORD, "legacy MessageSerializer round trip (got %r)" % (back,))


def section_serde():
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    topic = "py-serde"
    ctx = SerializationContext(topic, MessageField.VALUE)
    ser = AvroSerializer(client(), json.dumps(RECORD_SCHEMA))
    data = ser(RECORD, ctx)
    sid = wire_id(data)
    check(client().get_latest_version(topic + "-value").schema_id == sid,
          "AvroSerializer registered %s-value with the id in the message" % topic)
    back = AvroDeserializer(client())(data, ctx)
    check(back == RECORD, "AvroSerializer/AvroDeserializer round trip (got %r)" % (back,))

    # auto.register.schemas=False: the serializer looks the (reformatted) schema up instead.
    lookup = AvroSerializer(client(), json.dumps(RECORD_SCHEMA, indent=2),
                            conf={"auto.register.schemas": False})
    check(wire_id(lookup(RECORD, ctx)) == sid, "a lookup-only serializer finds the same id")
    unknown = dict(RECORD_SCHEMA, name="NeverRegistered")
    try:
        AvroSerializer(client(), json.dumps(unknown),
                       conf={"auto.register.schemas": False})(RECORD, ctx)
        check(False, "a lookup-only serializer with an unregistered schema must fail")
    except SchemaRegistryError as e:
        check(e.http_status_code == 404 and e.error_code == 40403,
              "lookup-only serializer, unregistered schema: 404/40403 (got %s/%s)"
              % (e.http_status_code, e.error_code))


def main():
    print("confluent-kafka-python %s against %s" % (confluent_kafka.version()[0], URL))
    sections = [section_register_and_read, section_lookup, section_compatibility, section_mode,
                section_deletes, section_serde_legacy]
    if HAVE_FASTAVRO:
        sections.append(section_serde)
    for fn in sections:
        name = fn.__name__[len("section_"):]
        before = len(failures)
        try:
            fn()
        except Exception as e:  # one broken section must not hide the others
            failures.append("%s: unexpected %s: %s" % (name, type(e).__name__, e))
            traceback.print_exc()
        print("%s %s" % ("ok  " if len(failures) == before else "FAIL", name), flush=True)
    if not HAVE_FASTAVRO:
        print("note: AvroSerializer/AvroDeserializer part not run: fastavro is not importable "
              "(Debian 12 does not package it); %s to fetch it" % INSTALL_HINT)
    print("%d checks, %d failed" % (checks, len(failures)))
    for f in failures:
        print("  - " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
