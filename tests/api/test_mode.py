#!/usr/bin/python3
"""Modes: READWRITE, READONLY, IMPORT, global and per subject (spec §2.8, §3.6, §4.3, §4.9)."""
import harness
from harness import q, record, compact, expect_equal, expect_true

INVALID_MODE = "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD."


def rec(t, *fields):
    return compact(record("R", list(fields) or [("a", "string")], namespace="ns." + t.name))


def evolve(t, n):
    return rec(t, ("a", "string"), *[("f%d" % i, "int", i) for i in range(1, n)])


@harness.fresh_server()
def test_global_mode_lifecycle(t):
    t.get("/mode").expect(200, {"mode": "READWRITE"})
    t.put("/mode", {"mode": "READONLY"}).expect(200, {"mode": "READONLY"})
    t.get("/mode").expect(200, {"mode": "READONLY"})
    t.delete("/mode").expect(200, {"mode": "READONLY"})
    t.get("/mode").expect(200, {"mode": "READWRITE"})
    # Case-insensitive; the response echoes the body as sent.
    t.put("/mode", {"mode": "readonly"}).expect(200, {"mode": "readonly"})
    t.get("/mode").expect(200, {"mode": "READONLY"})
    t.put("/mode", {"mode": "ReadWrite"}).expect(200, {"mode": "ReadWrite"})
    t.get("/mode").expect(200, {"mode": "READWRITE"})


@harness.fresh_server()
def test_invalid_mode_42204(t):
    s = t.subj()
    for bad in ("WRITEONLY", "", "READ_ONLY"):
        t.put("/mode", {"mode": bad}).expect_error(422, 42204, INVALID_MODE)
        t.put("/mode/%s" % q(s), {"mode": bad}).expect_error(422, 42204, INVALID_MODE)
    # FORWARD only at the global level.
    t.put("/mode/%s" % q(s), {"mode": "FORWARD"}).expect_error(422, 42204)
    t.get("/mode").expect(200, {"mode": "READWRITE"})
    t.get("/mode/%s" % q(s)).expect_error(404, 40409)


@harness.fresh_server()
def test_readonly_blocks_writes(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.put("/mode", {"mode": "READONLY"}).expect(200, {"mode": "READONLY"})
    P = "/subjects/%s" % q(s)
    t.post(P + "/versions", {"schema": evolve(t, 2)}).expect_error(422, 42205)
    # Re-posting a registered schema is answered from the existing registration (§4.3 step 2
    # comes before the mode check).
    r = t.register(s, evolve(t, 1))
    expect_equal(r, r.data["version"], 1, "existing registration returned in READONLY")
    t.delete(P + "/versions/1").expect_error(422, 42205)
    t.delete(P).expect_error(422, 42205)
    t.put("/config", {"compatibility": "NONE"}).expect_error(422, 42205)
    t.put("/config/%s" % q(s), {"compatibility": "NONE"}).expect_error(422, 42205)
    t.post("/subjects/%s/versions" % q(t.subj("new")), {"schema": evolve(t, 1)}).expect_error(
        422, 42205)
    # Reads keep working.
    t.get(P + "/versions").expect(200, [1])
    t.get(P + "/versions/latest").expect(200)
    t.post(P, {"schema": evolve(t, 1)}).expect(200)
    t.post("/compatibility/subjects/%s/versions" % q(s), {"schema": evolve(t, 2)}).expect(
        200, {"is_compatible": True})
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    # Mode changes are still allowed.
    t.put("/mode", {"mode": "READWRITE"}).expect(200, {"mode": "READWRITE"})
    r = t.register(s, evolve(t, 2))
    expect_equal(r, r.data["version"], 2, "writes work again")
    t.get(P + "/versions").expect(200, [1, 2])


@harness.fresh_server()
def test_subject_mode(t):
    s, other = t.subj(), t.subj("other")
    t.get("/mode/%s" % q(s)).expect_error(
        404, 40409, "Subject '%s' does not have subject-level mode configured" % s)
    t.get("/mode/%s?defaultToGlobal=true" % q(s)).expect(200, {"mode": "READWRITE"})
    t.put("/mode/%s" % q(s), {"mode": "READONLY"}).expect(200, {"mode": "READONLY"})
    t.get("/mode/%s" % q(s)).expect(200, {"mode": "READONLY"})
    t.get("/mode").expect(200, {"mode": "READWRITE"})
    t.post("/subjects/%s/versions" % q(s), {"schema": evolve(t, 1)}).expect_error(422, 42205)
    t.register(other, evolve(t, 1))
    t.delete("/mode/%s" % q(s)).expect(200, {"mode": "READONLY"})
    t.delete("/mode/%s" % q(s)).expect_error(404, 40401, "Subject '%s' not found." % s)
    t.get("/mode/%s" % q(s)).expect_error(404, 40409)
    t.register(s, evolve(t, 1))
    # A subject mode wins over the global mode.
    t.put("/mode", {"mode": "READONLY"}).expect(200)
    t.put("/mode/%s" % q(s), {"mode": "READWRITE"}).expect(200, {"mode": "READWRITE"})
    r = t.register(s, evolve(t, 2))
    expect_equal(r, r.data["version"], 2, "subject READWRITE under global READONLY")
    t.post("/subjects/%s/versions" % q(other), {"schema": evolve(t, 2)}).expect_error(422, 42205)
    t.get("/mode/%s?defaultToGlobal=true" % q(other)).expect(200, {"mode": "READONLY"})


def test_subject_mode_survives_soft_delete(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.put("/mode/%s" % q(s), {"mode": "READONLY"}).expect(200)
    t.put("/mode/%s" % q(s), {"mode": "READWRITE"}).expect(200)
    t.delete("/subjects/%s" % q(s)).expect(200, [1])
    t.get("/mode/%s" % q(s)).expect(200, {"mode": "READWRITE"})
    t.delete("/subjects/%s?permanent=true" % q(s)).expect(200, [1])
    t.get("/mode/%s" % q(s)).expect_error(404, 40409)


@harness.fresh_server()
def test_import_mode(t):
    s, s2 = t.subj("a"), t.subj("b")
    t.put("/mode", {"mode": "IMPORT"}).expect(200, {"mode": "IMPORT"})
    # IMPORT requires an explicit id.
    t.post("/subjects/%s/versions" % q(s), {"schema": evolve(t, 1)}).expect_error(422, 42205)
    r = t.register(s, evolve(t, 1), id=100)
    expect_equal(r, [r.data["id"], r.data.get("version")], [100, 1], "explicit id")
    # Versions may have gaps; compatibility is not checked (b without default).
    r = t.register(s, rec(t, ("a", "string"), ("b", "int")), id=101, version=5)
    expect_equal(r, [r.data["id"], r.data.get("version")], [101, 5], "gap and incompatible")
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1, 5])
    r = t.get("/subjects/%s/versions/5" % q(s)).expect(200)
    expect_equal(r, [r.data["id"], r.data["schema"]], [101, rec(t, ("a", "string"), ("b", "int"))],
                 "imported version 5")
    # An explicit id with different content is refused; the same content is fine.
    t.post("/subjects/%s/versions" % q(s2), {"schema": evolve(t, 3), "id": 100}).expect_error(
        422, 42205, "Overwrite new schema with id 100 in context  is not permitted.")
    r = t.register(s2, evolve(t, 1), id=100)
    expect_equal(r, [r.data["id"], r.data.get("version")], [100, 1], "same content, same id")
    r = t.register(s2, evolve(t, 2), id=102)
    expect_equal(r, [r.data["id"], r.data.get("version")], [102, 2], "version defaults to next")
    t.get("/schemas/ids/%d/versions" % 100).expect(
        200, sorted([{"subject": s, "version": 1}, {"subject": s2, "version": 1}],
                    key=lambda x: x["subject"]))
    # Back to READWRITE: ids continue after the largest imported one.
    t.put("/mode", {"mode": "READWRITE"}).expect(200)
    r = t.register(s, rec(t, ("a", "string"), ("b", "int"), ("c", "int", 0)))
    expect_equal(r, r.data.get("version"), 6, "version after the imported ones")
    expect_true(r, r.data["id"] > 102, "new id above the imported ids")
    t.post("/subjects/%s/versions" % q(s), {"schema": evolve(t, 4), "id": 500}).expect_error(
        422, 42205)


@harness.fresh_server()
def test_entering_import_needs_empty_or_force(t):
    s = t.subj()
    t.register(s, evolve(t, 1))
    t.put("/mode", {"mode": "IMPORT"}).expect_error(
        422, 42205, "Cannot import since found existing subjects")
    t.get("/mode").expect(200, {"mode": "READWRITE"})
    t.put("/mode?force=true", {"mode": "IMPORT"}).expect(200, {"mode": "IMPORT"})
    t.get("/mode").expect(200, {"mode": "IMPORT"})
    r = t.register(s, evolve(t, 2), id=77)
    expect_equal(r, r.data["id"], 77, "imported id")


@harness.fresh_server()
def test_import_subject_mode(t):
    s, other = t.subj(), t.subj("other")
    t.register(other, evolve(t, 1))
    # The subject itself is empty, so no force is needed.
    t.put("/mode/%s" % q(s), {"mode": "IMPORT"}).expect(200, {"mode": "IMPORT"})
    r = t.register(s, evolve(t, 1), id=900, version=3)
    expect_equal(r, [r.data["id"], r.data.get("version")], [900, 3], "import into one subject")
    t.post("/subjects/%s/versions" % q(other), {"schema": evolve(t, 2), "id": 901}).expect_error(
        422, 42205)
    r = t.register(other, evolve(t, 2))
    expect_equal(r, r.data["version"], 2, "other subject still READWRITE")


harness.main(globals())
