#!/usr/bin/env python3
"""gen_cases.py - writes the table-compatibility corpus (tests/compat/table/<case>/).

Every row of the rule table in spec/tables-and-migrations.md §5.4 becomes one or more cases,
each written twice: as PostgreSQL DDL (`<case>-sql/old-1.sql`, `new.sql`) and as JSON table
documents (`<case>-json/old-1.json`, `new.json`) that spell types differently (int8 for bigint,
varchar(n), float8, ...), so both front ends and the type normalisation are exercised. The
`same-*` cases put a DDL file and a document for the same table side by side and assert an
identical canonical text and fingerprint.

Each case lists its expected issues in rule order as (code, path, detail, directions). The
runner checks the levels BACKWARD (B issues), FORWARD (F then W issues: FORWARD levels include
the WRITER direction for tables) and FULL (F, W, B), with the issue lists asserted exactly.

Run from anywhere: python3 tests/compat/table/gen_cases.py (rewrites the case folders).
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

# DDL spelling -> table-document spelling of the same type.
JSON_SPELLING = {
    "bigint": "int8",
    "integer": "int",
    "smallint": "int2",
    "double precision": "float8",
    "real": "float4",
    "boolean": "bool",
    "timestamp with time zone": "timestamptz",
    "timestamp(3) without time zone": "timestamp(3)",
    "character varying(100)": "varchar(100)",
    "character varying(200)": "varchar(200)",
    "character varying(50)": "varchar(50)",
    "character varying(20)": "varchar(20)",
    "decimal(10,2)": "numeric(10, 2)",
}


def col(name, type_, nn=False, default=None, generated=None, identity=None, collation=None):
    return {"name": name, "type": type_, "nn": nn, "default": default, "generated": generated,
            "identity": identity, "collation": collation}


def table(name, columns, pk=None, unique=(), checks=(), fks=(), enums=None, extra_sql=""):
    return {"name": name, "columns": list(columns), "pk": pk, "unique": list(unique),
            "checks": list(checks), "fks": list(fks), "enums": enums or {}, "extra_sql": extra_sql}


def ddl(t):
    out = []
    for ename, values in t["enums"].items():
        out.append("CREATE TYPE %s AS ENUM (%s);" % (ename, ", ".join("'%s'" % v for v in values)))
    elts = []
    for c in t["columns"]:
        s = "  %s %s" % (c["name"], c["type"])
        if c["collation"]:
            s += ' COLLATE "%s"' % c["collation"]
        if c["nn"]:
            s += " NOT NULL"
        if c["default"] is not None:
            s += " DEFAULT %s" % c["default"]
        if c["generated"] is not None:
            s += " GENERATED ALWAYS AS (%s) STORED" % c["generated"]
        if c["identity"] is not None:
            s += " GENERATED %s AS IDENTITY" % c["identity"]
        elts.append(s)
    if t["pk"]:
        elts.append("  PRIMARY KEY (%s)" % ", ".join(t["pk"]))
    for u in t["unique"]:
        elts.append("  UNIQUE (%s)" % ", ".join(u))
    for name, expr in t["checks"]:
        elts.append("  %sCHECK (%s)" % ("CONSTRAINT %s " % name if name else "", expr))
    for cols, ref, refcols, on_delete in t["fks"]:
        elts.append("  FOREIGN KEY (%s) REFERENCES %s (%s)%s" % (
            ", ".join(cols), ref, ", ".join(refcols), " ON DELETE " + on_delete if on_delete else ""))
    out.append("CREATE TABLE %s (\n%s\n);" % (t["name"], ",\n".join(elts)))
    if t["extra_sql"]:
        out.append(t["extra_sql"])
    return "\n".join(out) + "\n"


def document(t):
    cols = []
    for c in t["columns"]:
        d = {"name": c["name"], "type": JSON_SPELLING.get(c["type"], c["type"])}
        if c["nn"]:
            d["nullable"] = False
        if c["default"] is not None:
            d["default"] = c["default"]
        if c["generated"] is not None:
            d["generated"] = c["generated"]
        if c["identity"] is not None:
            d["identity"] = c["identity"]
        if c["collation"]:
            d["collation"] = c["collation"]
        cols.append(d)
    doc = {"name": t["name"], "columns": cols}
    if t["pk"]:
        doc["primaryKey"] = t["pk"]
    if t["unique"]:
        doc["unique"] = [list(u) for u in t["unique"]]
    if t["checks"]:
        doc["checks"] = [dict({"name": n} if n else {}, expression=e) for n, e in t["checks"]]
    if t["fks"]:
        doc["foreignKeys"] = [dict({"columns": list(c), "references": {"table": r, "columns": list(rc)}},
                                   **({"onDelete": d} if d else {}))
                              for c, r, rc, d in t["fks"]]
    if t["enums"]:
        doc["enums"] = t["enums"]
    return json.dumps(doc, indent=2) + "\n"


def base(**changes):
    """The users table most cases start from; keyword arguments replace columns by name."""
    columns = [
        col("id", "bigint", nn=True),
        col("email", "character varying(100)", nn=True),
        col("name", "text"),
        col("age", "integer"),
        col("created_at", "timestamp with time zone", nn=True, default="now()"),
    ]
    return table("users", columns, pk=["id"], **changes)


def with_columns(t, columns):
    t = dict(t)
    t["columns"] = columns
    return t


def replace_col(t, name, new):
    return with_columns(t, [new if c["name"] == name else c for c in t["columns"]])


def drop_col(t, name):
    return with_columns(t, [c for c in t["columns"] if c["name"] != name])


def add_col(t, new):
    return with_columns(t, t["columns"] + [new])


B, F, W = "B", "F", "W"
CASES = []


def case(slug, row, old, new, issues=(), note=""):
    CASES.append({"slug": slug, "row": row, "old": old, "new": new, "issues": list(issues),
                  "note": note})


U = base()

# Row 1-3: adding columns.
case("add-nullable-column", 1, U, add_col(U, col("nickname", "text")))
case("add-column-constant-default-not-null", 2, U,
     add_col(U, col("score", "integer", nn=True, default="0")))
case("add-column-constant-default-nullable", 2, U,
     add_col(U, col("country", "text", default="'NL'")))
case("add-identity-column", 2, U,
     add_col(U, col("seq", "bigint", identity="BY DEFAULT")),
     note="an identity column fills itself like a default")
case("add-not-null-column-without-default", 3, U,
     add_col(U, col("tenant_id", "bigint", nn=True)),
     [("COLUMN_ADDED_REQUIRED", "/columns/tenant_id",
       'column "tenant_id" was added as NOT NULL without a default', B + W)])

# Row 4: dropping columns.
case("drop-nullable-column", 4, U, drop_col(U, "age"),
     [("COLUMN_DROPPED", "/columns/age", 'column "age" was dropped', F + W)])
case("drop-not-null-column", 4, U, drop_col(U, "email"),
     [("COLUMN_DROPPED", "/columns/email", 'column "email" was dropped', F + W)])

# Row 5: a drop plus an add of the same type is a probable rename.
case("rename-column", 5, U,
     with_columns(U, [col("full_name", "text") if c["name"] == "name" else c for c in U["columns"]]),
     [("COLUMN_RENAMED", "/columns/name",
       'column "name" was dropped and column "full_name" of the same type (text) was added: '
       'probably a rename', B + F + W)])

# Row 6: renaming the table.
case("rename-table", 6, U, dict(U, name="people"),
     [("TABLE_RENAMED", "/name", 'table "users" was renamed to "people"', B + F + W)])

# Row 7: widening.
WIDEN = [
    ("int-to-bigint", "integer", "bigint", "integer", "bigint"),
    ("real-to-double", "real", "double precision", "real", "double precision"),
    ("varchar-longer", "character varying(50)", "character varying(200)",
     "character varying(50)", "character varying(200)"),
    ("varchar-to-text", "character varying(50)", "text", "character varying(50)", "text"),
    ("numeric-precision-up", "decimal(10,2)", "numeric(12,2)", "numeric(10,2)", "numeric(12,2)"),
    ("timestamp-precision-up", "timestamp(3) without time zone", "timestamp",
     "timestamp(3) without time zone", "timestamp without time zone"),
]
for slug, old_t, new_t, old_text, new_text in WIDEN:
    case("widen-" + slug, 7, replace_col(U, "age", col("age", old_t)),
         replace_col(U, "age", col("age", new_t)),
         [("COLUMN_TYPE_WIDENED", "/columns/age",
           'the type of column "age" was widened from %s to %s' % (old_text, new_text), F)])

# Row 8: narrowing.
NARROW = [
    ("bigint-to-int", "bigint", "integer", "bigint", "integer"),
    ("varchar-shorter", "character varying(100)", "character varying(50)",
     "character varying(100)", "character varying(50)"),
    ("text-to-varchar", "text", "character varying(20)", "text", "character varying(20)"),
    ("numeric-precision-down", "numeric(12,2)", "decimal(10,2)", "numeric(12,2)", "numeric(10,2)"),
]
for slug, old_t, new_t, old_text, new_text in NARROW:
    case("narrow-" + slug, 8, replace_col(U, "age", col("age", old_t)),
         replace_col(U, "age", col("age", new_t)),
         [("COLUMN_TYPE_NARROWED", "/columns/age",
           'the type of column "age" was narrowed from %s to %s' % (old_text, new_text), B + W)])

# Row 9: a change of type family or meaning.
MOOD = {"mood": ["sad", "ok", "happy"]}
CHANGE = [
    ("text-to-int", "text", "integer", "text", "integer", {}),
    ("json-to-jsonb", "json", "jsonb", "json", "jsonb", {}),
    ("timestamp-to-timestamptz", "timestamp", "timestamp with time zone",
     "timestamp without time zone", "timestamp with time zone", {}),
    ("int-to-numeric", "integer", "numeric", "integer", "numeric", {}),
    ("numeric-scale", "numeric(10,2)", "numeric(10,3)", "numeric(10,2)", "numeric(10,3)", {}),
    ("enum-to-text", "mood", "text", "mood", "text", MOOD),
    ("scalar-to-array", "text", "text[]", "text", "text[]", {}),
]
for slug, old_t, new_t, old_text, new_text, enums in CHANGE:
    case("change-" + slug, 9, replace_col(dict(U, enums=enums), "age", col("age", old_t)),
         replace_col(U, "age", col("age", new_t)),
         [("COLUMN_TYPE_CHANGED", "/columns/age",
           'the type of column "age" was changed from %s to %s' % (old_text, new_text), B + F + W)])

# Rows 10-13: nullability and defaults.
case("set-not-null", 10, U, replace_col(U, "name", col("name", "text", nn=True)),
     [("COLUMN_MADE_NOT_NULL", "/columns/name", 'column "name" was made NOT NULL', B + W)])
case("drop-not-null", 11, U, replace_col(U, "email", col("email", "character varying(100)")),
     [("COLUMN_MADE_NULLABLE", "/columns/email", 'column "email" was made nullable', F)])
case("add-default", 12, U, replace_col(U, "age", col("age", "integer", default="18")))
case("change-default", 12, U,
     replace_col(U, "created_at", col("created_at", "timestamp with time zone", nn=True,
                                      default="CURRENT_TIMESTAMP")))
case("drop-default-not-null", 13, U,
     replace_col(U, "created_at", col("created_at", "timestamp with time zone", nn=True)),
     [("COLUMN_DEFAULT_DROPPED", "/columns/created_at",
       'the default of NOT NULL column "created_at" was dropped', W)])
case("drop-default-nullable", 13, replace_col(U, "age", col("age", "integer", default="0")), U,
     note="a nullable column without a default is simply left NULL by old writers")

# Rows 14-15: constraints.
case("add-check", 14, U, dict(U, checks=[("age_positive", "age >= 0")]),
     [("CHECK_ADDED", "/checks/age_positive",
       'a CHECK constraint "age_positive" (age >= 0) was added', B + W)])
case("add-unique", 14, U, dict(U, unique=[["email"]]),
     [("UNIQUE_ADDED", "/unique/users_email_key",
       'a UNIQUE constraint "users_email_key" on (email) was added', B + W)])
case("add-foreign-key", 14, add_col(U, col("org_id", "bigint")),
     dict(add_col(U, col("org_id", "bigint")), fks=[(["org_id"], "orgs", ["id"], "CASCADE")]),
     [("FOREIGN_KEY_ADDED", "/foreignKeys/users_org_id_fkey",
       'a foreign key "users_org_id_fkey" on (org_id) referencing orgs was added', B + W)])
case("drop-check", 15, dict(U, checks=[(None, "age >= 0")]), U,
     [("CHECK_DROPPED", "/checks/users_age_check",
       'the CHECK constraint "users_age_check" (age >= 0) was dropped', F)])
case("drop-unique", 15, dict(U, unique=[["email"]]), U,
     [("UNIQUE_DROPPED", "/unique/users_email_key",
       'the UNIQUE constraint "users_email_key" on (email) was dropped', F)])
case("drop-foreign-key", 15,
     dict(add_col(U, col("org_id", "bigint")), fks=[(["org_id"], "orgs", ["id"], None)]),
     add_col(U, col("org_id", "bigint")),
     [("FOREIGN_KEY_DROPPED", "/foreignKeys/users_org_id_fkey",
       'the foreign key "users_org_id_fkey" on (org_id) referencing orgs was dropped', F)])

# Rows 16-18: the primary key.
case("add-primary-key", 16, dict(U, pk=None), U,
     [("PRIMARY_KEY_ADDED", "/primaryKey", "a primary key on (id) was added", B + W)])
case("drop-primary-key", 17, U, dict(U, pk=None),
     [("PRIMARY_KEY_DROPPED", "/primaryKey", "the primary key on (id) was dropped", F)])
case("change-primary-key", 18, U, dict(U, pk=["id", "email"]),
     [("PRIMARY_KEY_CHANGED", "/primaryKey",
       "the primary key changed from (id) to (id, email)", B + F + W)])

# Rows 19-20: enum types.
M = add_col(dict(U, enums={"mood": ["sad", "ok"]}), col("mood", "mood"))
case("enum-add-value", 19, M, dict(M, enums={"mood": ["sad", "ok", "happy"]}),
     [("ENUM_VALUE_ADDED", "/enums/mood", 'enum type "mood" gained the value happy', F)])
case("enum-remove-value", 20, M, dict(M, enums={"mood": ["sad"]}),
     [("ENUM_VALUE_REMOVED", "/enums/mood", 'enum type "mood" lost the value ok', B + W)])
case("enum-rename-value", 20, M, dict(M, enums={"mood": ["sad", "fine"]}),
     [("ENUM_VALUE_ADDED", "/enums/mood", 'enum type "mood" gained the value fine', F),
      ("ENUM_VALUE_REMOVED", "/enums/mood", 'enum type "mood" lost the value ok', B + W)])

# Rows 21-23: changes the name-based contract does not report.
case("reorder-columns", 21, U, with_columns(U, list(reversed(U["columns"]))),
     note="conditional row: safe for name-based clients, not reported")
case("change-collation", 22, U, replace_col(U, "name", col("name", "text", collation="C")),
     note="conditional row: ordering semantics shift, not reported")
case("comment-only", 23, U, dict(U, extra_sql="COMMENT ON TABLE users IS 'people';"),
     note="comments are not part of the contract (the JSON variant has no comment)")

# Beyond the table: a column becoming generated breaks old writers.
case("column-made-generated", 0, U,
     replace_col(U, "age", col("age", "integer", generated="EXTRACT(year FROM created_at)")),
     [("COLUMN_MADE_GENERATED", "/columns/age", 'column "age" became a generated column', W)])
# Several changes at once: all are reported, in rule order.
case("several-changes", 0, U,
     add_col(replace_col(drop_col(U, "age"), "email", col("email", "character varying(50)", nn=True)),
             col("tenant_id", "bigint", nn=True)),
     [("COLUMN_TYPE_NARROWED", "/columns/email",
       'the type of column "email" was narrowed from character varying(100) to '
       "character varying(50)", B + W),
      ("COLUMN_DROPPED", "/columns/age", 'column "age" was dropped', F + W),
      ("COLUMN_ADDED_REQUIRED", "/columns/tenant_id",
       'column "tenant_id" was added as NOT NULL without a default', B + W)])

# Same table, two spellings: DDL against the JSON document.
SAME = [
    ("serial-and-aliases", table("accounts", [
        col("id", "serial"), col("n", "int4"), col("big", "int8"), col("f", "float"),
        col("flag", "bool", nn=True, default="true"), col("at", "timestamptz"),
        col("code", "char(3)"), col("tags", "text[]")], pk=["id"]),
     {"name": "accounts", "columns": [
         {"name": "id", "type": "integer", "nullable": False,
          "default": "nextval('accounts_id_seq'::regclass)"},
         {"name": "n", "type": "integer"}, {"name": "big", "type": "bigint"},
         {"name": "f", "type": "double precision"},
         {"name": "flag", "type": "boolean", "nullable": False, "default": "TRUE"},
         {"name": "at", "type": "timestamp with time zone"},
         {"name": "code", "type": "character(3)"}, {"name": "tags", "type": "text[]"}],
      "primaryKey": {"name": "accounts_pkey", "columns": ["id"]}}),
    ("constraints-default-names", table("orders", [
        col("id", "bigint", nn=True), col("customer_id", "bigint", nn=True),
        col("total", "numeric(12,2)", default="0"), col("status", "order_status", nn=True)],
        pk=["id"], unique=[["customer_id", "id"]], checks=[(None, "total >= 0")],
        fks=[(["customer_id"], "customers", ["id"], "RESTRICT")],
        enums={"order_status": ["new", "paid", "shipped"], "unused": ["x"]}),
     {"name": "orders", "columns": [
         {"name": "id", "type": "int8", "nullable": False},
         {"name": "customer_id", "type": "int8", "nullable": False},
         {"name": "total", "type": "decimal(12,2)", "default": "(0)"},
         {"name": "status", "type": "order_status", "nullable": False}],
      "primaryKey": ["id"],
      "unique": [{"name": "orders_customer_id_id_key", "columns": ["customer_id", "id"]}],
      "checks": [{"expression": "(total >= 0)"}],
      "foreignKeys": [{"columns": ["customer_id"],
                       "references": {"table": "customers", "columns": ["id"]},
                       "onDelete": "restrict"}],
      "enums": {"order_status": ["new", "paid", "shipped"]}}),
]

LEVELS = (("BACKWARD", (B,)), ("FORWARD", (F, W)), ("FULL", (F, W, B)))
DIR_NAMES = {B: "BACKWARD", F: "FORWARD", W: "WRITER"}


def checks_for(issues):
    out = []
    for level, dirs in LEVELS:
        listed = []
        for d in dirs:
            for code, path, detail, mask in issues:
                if d in mask:
                    listed.append({"code": code, "path": path, "detail": detail,
                                   "direction": DIR_NAMES[d], "version": 1})
        out.append({"level": level, "compatible": not listed, "issues": listed})
    return out


def write(folder, files, expect):
    path = os.path.join(HERE, folder)
    os.makedirs(path)
    for name, text in files.items():
        with open(os.path.join(path, name), "w") as f:
            f.write(text)
    with open(os.path.join(path, "expect.json"), "w") as f:
        f.write(json.dumps(expect, indent=2) + "\n")


def main():
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)):
            shutil.rmtree(os.path.join(HERE, entry))
    for c in CASES:
        prefix = "row%02d-%s" % (c["row"], c["slug"]) if c["row"] else "extra-%s" % c["slug"]
        source = "spec/tables-and-migrations.md §5.4 row %d" % c["row"] if c["row"] else \
            "Strata rule beyond §5.4 (docs/compat-rules.md, Table section)"
        expect = {"source": source, "checks": checks_for(c["issues"])}
        if c["note"]:
            expect["note"] = c["note"]
        write(prefix + "-sql", {"old-1.sql": ddl(c["old"]), "new.sql": ddl(c["new"])}, expect)
        new_doc = c["new"] if not c["new"]["extra_sql"] else dict(c["new"], extra_sql="")
        write(prefix + "-json", {"old-1.json": document(c["old"]), "new.json": document(new_doc)},
              expect)
    for slug, t, doc in SAME:
        expect = {"source": "type and name normalisation (spec §5.4 implementation notes, §6.4)",
                  "identical": True, "checks": checks_for([])}
        write("same-" + slug, {"old-1.sql": ddl(t), "new.json": json.dumps(doc, indent=2) + "\n"},
              expect)


if __name__ == "__main__":
    main()
