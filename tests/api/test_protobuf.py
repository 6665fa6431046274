#!/usr/bin/python3
"""Protobuf schemas through the REST API: register, identity by canonical text, lookup,
references as imports, compatibility with Confluent's messages, format=serialized, errors
(spec §2.1-§3.4, §4.10; compatibility.md §2)."""
import base64
import subprocess
import tempfile

import harness
from harness import q, expect_equal, expect_true

PB = {"schemaType": "PROTOBUF"}


def proto(package, body, imports=()):
    head = 'syntax = "proto3";\npackage %s;\n' % package
    head += "".join('import "%s";\n' % i for i in imports)
    return head + body + "\n"


def test_register_and_fetch(t):
    s = t.subj("user")
    text = proto("shop.v1", "message User { int64 id = 1; string name = 2; }")
    r = t.register(s, text, **PB)
    sid = r.data["id"]
    expect_equal(r, r.data.get("schemaType"), "PROTOBUF", "schemaType")
    r = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r, r.data.get("schemaType"), "PROTOBUF", "schemaType by id")
    expect_true(r, "message User {" in r.data["schema"], "canonical text keeps the message")
    # The same schema written differently is the same schema (canonical text).
    spaced = proto("shop.v1", "message User {\n  int64  id = 1;\n\n  string name = 2;\n}")
    r = t.register(s, spaced, **PB)
    expect_equal(r, [r.data["id"], r.data["version"]], [sid, 1], "re-register is idempotent")
    r = t.post("/subjects/%s" % q(s), dict(PB, schema=spaced)).expect(200)
    expect_equal(r, [r.data["id"], r.data["version"]], [sid, 1], "lookup")
    r = t.get("/schemas/types").expect(200)
    expect_true(r, "PROTOBUF" in r.data, "types list PROTOBUF")


def test_references_are_imports(t):
    base_s = t.subj("base") + ".proto"
    base = proto("shop.common", "message Money { int64 units = 1; string currency = 2; }")
    t.register(base_s, base, **PB)
    order_s = t.subj("order")
    order = proto("shop.v1", "message Order { shop.common.Money total = 1; }",
                  imports=["shop/money.proto"])
    refs = [{"name": "shop/money.proto", "subject": base_s, "version": 1}]
    r = t.register(order_s, order, references=refs, **PB)
    order_id = r.data["id"]
    r = t.get("/subjects/%s/versions/1" % q(order_s)).expect(200)
    expect_equal(r, r.data.get("references"), refs, "references stored")
    # Without the reference the import cannot be found.
    r = t.register(t.subj("orphan"), order, expect_status=422, **PB)
    r.expect_error(422, 42201, message_contains='Import "shop/money.proto" was not found')
    # The serialized form is the FileDescriptorProto, which protoc can decode.
    r = t.get("/schemas/ids/%d?format=serialized" % order_id).expect(200)
    raw = base64.b64decode(r.data["schema"], validate=True)
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(raw)
        f.flush()
        out = subprocess.run(["protoc", "--decode=google.protobuf.FileDescriptorProto",
                              "-I/usr/include", "/usr/include/google/protobuf/descriptor.proto"],
                             stdin=open(f.name, "rb"), capture_output=True, text=True)
    expect_equal(r, out.returncode, 0, "protoc decodes the FileDescriptorProto: " + out.stderr)
    expect_true(r, 'dependency: "shop/money.proto"' in out.stdout, "import kept")
    expect_true(r, 'type_name: ".shop.common.Money"' in out.stdout, "type resolved")


def test_compatibility_messages(t):
    s = t.subj("evolve")
    t.register(s, proto("shop.v1", "message Item { string sku = 1; int32 qty = 2; }"), **PB)
    changed = proto("shop.v1", "message Item { string sku = 1; string qty = 2; }")
    r = t.post("/compatibility/subjects/%s/versions/latest?verbose=true" % q(s),
               dict(PB, schema=changed)).expect(200)
    expect_equal(r, r.data["is_compatible"], False, "is_compatible")
    expect_true(r, any("FIELD_SCALAR_KIND_CHANGED" in m and "#/Item/2" in m
                       for m in r.data["messages"]), "Confluent's difference type and path")
    r = t.register(s, changed, expect_status=409, **PB)
    r.expect_error(409, 40901, message_contains="FIELD_SCALAR_KIND_CHANGED")
    added = proto("shop.v1", "message Item { string sku = 1; int32 qty = 2; string note = 3; }")
    r = t.register(s, added, **PB)
    expect_equal(r, r.data["version"], 2, "a compatible change is version 2")


def test_invalid_proto_is_42201(t):
    r = t.register(t.subj("bad"), 'syntax = "proto3";\nmessage X { int32 a = 1 }\n',
                   expect_status=422, **PB)
    r.expect_error(422, 42201, message_contains='schema.proto:2:25: Expected ";"')


harness.main(globals())
