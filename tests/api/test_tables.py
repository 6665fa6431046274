#!/usr/bin/python3
"""TABLE schemas in the registry: /schemas/types, registration from DDL and from a table
document (same id), lookup, canonical text, compatibility by level (with the WRITER direction
under FORWARD/FULL), the 409 on an incompatible registration, and invalid DDL."""
import json

import harness
from harness import q, expect_equal, expect_true

V1_DDL = """
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email varchar(100) NOT NULL,
  name text,
  mood mood
);
"""

V1_DOC = {
    "name": "users",
    "columns": [
        {"name": "id", "type": "int8", "nullable": False,
         "default": "nextval('users_id_seq'::regclass)"},
        {"name": "email", "type": "character varying(100)", "nullable": False},
        {"name": "name", "type": "text"},
        {"name": "mood", "type": "mood"},
    ],
    "primaryKey": ["id"],
    "enums": {"mood": ["sad", "ok"]},
}

CANONICAL = ('{"name":"users","columns":['
             '{"name":"id","type":"bigint","nullable":false,'
             '"default":"nextval(\'users_id_seq\'::regclass)"},'
             '{"name":"email","type":"character varying(100)","nullable":false},'
             '{"name":"name","type":"text","nullable":true},'
             '{"name":"mood","type":"mood","nullable":true}],'
             '"primaryKey":{"name":"users_pkey","columns":["id"]},'
             '"enums":{"mood":["sad","ok"]}}')


def table(**extra):
    """V1 with extra columns (name -> ddl snippet)."""
    cols = "".join(",\n  %s %s" % (n, d) for n, d in extra.items())
    return V1_DDL.replace("  mood mood\n", "  mood mood%s\n" % cols)


def register(t, s, text, status=200):
    return t.post("/subjects/%s/versions" % q(s), {"schema": text, "schemaType": "TABLE"})


def set_level(t, s, level):
    t.put("/config/%s" % q(s), {"compatibility": level}).expect(200, {"compatibility": level})


def test_types_list_table(t):
    r = t.get("/schemas/types").expect(200)
    expect_true(r, "TABLE" in r.data, "TABLE must be listed")


def test_ddl_and_document_share_one_id(t):
    s = t.subj()
    r = register(t, s, V1_DDL).expect(200)
    sid = r.data["id"]
    r2 = register(t, s, json.dumps(V1_DOC)).expect(200)
    expect_equal(r2, r2.data["id"], sid, "the document gets the DDL's id")
    r3 = t.get("/subjects/%s/versions/latest" % q(s)).expect(200)
    expect_equal(r3, r3.data["version"], 1, "one version only")
    expect_equal(r3, r3.data["schemaType"], "TABLE", "schemaType")
    expect_equal(r3, r3.data["schema"], CANONICAL, "canonical text")
    r4 = t.get("/schemas/ids/%d" % sid).expect(200)
    expect_equal(r4, r4.data["schema"], CANONICAL, "schema by id")
    # lookup with the DDL spelled differently
    other = V1_DDL.replace("bigserial", "serial8").replace("varchar(100)",
                                                           "character varying(100)")
    r5 = t.post("/subjects/%s" % q(s), {"schema": other, "schemaType": "TABLE"}).expect(200)
    expect_equal(r5, r5.data["id"], sid, "lookup finds the same id")
    expect_equal(r5, r5.data["version"], 1, "lookup version")


def test_backward_level(t):
    s = t.subj()
    set_level(t, s, "BACKWARD")
    register(t, s, V1_DDL).expect(200)
    # a NOT NULL column without a default breaks BACKWARD: 409 with the issue in the message
    r = register(t, s, table(tenant_id="bigint NOT NULL"))
    r.expect_error(409, 40901)
    expect_true(r, "COLUMN_ADDED_REQUIRED" in r.data["message"], "issue code in the message")
    expect_true(r, "tenant_id" in r.data["message"], "column named in the message")
    # dropping a column is BACKWARD compatible (new readers do not need it)
    dropped = V1_DDL.replace("  name text,\n", "")
    register(t, s, dropped).expect(200)


def test_forward_level_includes_writer(t):
    s = t.subj()
    set_level(t, s, "FORWARD")
    register(t, s, V1_DDL).expect(200)
    path = "/compatibility/subjects/%s/versions/latest?verbose=true" % q(s)
    # dropping the default of a NOT NULL column breaks only old writers (WRITER)
    no_default = V1_DDL.replace("id bigserial PRIMARY KEY", "id bigint PRIMARY KEY")
    r = t.post(path, {"schema": no_default, "schemaType": "TABLE"}).expect(200)
    expect_equal(r, r.data["is_compatible"], False, "WRITER issue fails FORWARD")
    expect_true(r, any("COLUMN_DEFAULT_DROPPED" in m for m in r.data["messages"]),
                "the WRITER issue is in the messages: %r" % r.data["messages"])
    # a nullable column is fine in every direction
    r = t.post(path, {"schema": table(note="text"), "schemaType": "TABLE"}).expect(200)
    expect_equal(r, r.data["is_compatible"], True, "nullable column")
    # a widened type breaks FORWARD
    widened = V1_DDL.replace("varchar(100)", "varchar(200)")
    r = t.post(path, {"schema": widened, "schemaType": "TABLE"}).expect(200)
    expect_equal(r, r.data["is_compatible"], False, "widening breaks FORWARD")
    expect_true(r, any("COLUMN_TYPE_WIDENED" in m for m in r.data["messages"]), "widened")


def test_full_level_enum_value(t):
    s = t.subj()
    set_level(t, s, "FULL")
    register(t, s, V1_DDL).expect(200)
    more = V1_DDL.replace("('sad', 'ok')", "('sad', 'ok', 'happy')")
    r = register(t, s, more)
    r.expect_error(409, 40901)
    expect_true(r, "ENUM_VALUE_ADDED" in r.data["message"], "enum value added breaks FORWARD")
    set_level(t, s, "BACKWARD")
    register(t, s, more).expect(200)


def test_invalid_ddl(t):
    s = t.subj()
    r = register(t, s, "CREATE TABLE broken (id int,, x text);")
    r.expect_error(422, 42201)
    expect_true(r, "syntax error" in r.data["message"], "parser message: %r" % r.data["message"])
    r = register(t, s, "CREATE TABLE a (id int); CREATE TABLE b (id int);")
    r.expect_error(422, 42201)
    expect_true(r, "exactly one CREATE TABLE" in r.data["message"], r.data["message"])
    r = register(t, s, json.dumps({"name": "x", "columns": [{"name": "a", "type": "int); x"}]}))
    r.expect_error(422, 42201)


harness.main(globals())
