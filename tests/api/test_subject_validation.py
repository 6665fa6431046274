#!/usr/bin/python3
"""Subject name validation: control characters and reserved names => 42208 (spec §1.4, §4.12)."""
import harness
from harness import q, record, compact, expect_equal, expect_true

SCHEMA = compact(record("V", [("a", "string")]))


def test_control_characters(t):
    for ch in ("\x01", "\x1f", "\x7f", "\u0085", "\u009f", "\n", "\t"):
        s = "bad" + ch + t.subj()
        t.post("/subjects/%s/versions" % q(s), {"schema": SCHEMA}).expect_error(
            422, 42208, "The specified subject '%s' is not a valid." % s)
    r = t.get("/subjects?deleted=true").expect(200)
    expect_true(r, not any(x.startswith("bad") for x in r.data), "nothing stored")


def test_nul_character(t):
    # NUL is a control character too; it must not silently truncate the name either.
    s = "bad\x00" + t.subj()
    t.post("/subjects/%s/versions" % q(s), {"schema": SCHEMA}).expect_error(422, 42208)
    r = t.get("/subjects?deleted=true").expect(200)
    expect_true(r, not any(x.startswith("bad") for x in r.data), "nothing stored")


def test_reserved_names(t):
    for s in ("__GLOBAL", "__EMPTY", ":.ctx:__GLOBAL", ":.__GLOBAL:x"):
        t.post("/subjects/%s/versions" % q(s), {"schema": SCHEMA}).expect_error(422, 42208)


def test_invalid_utf8_subject(t):
    t.post("/subjects/bad%FF%FE/versions", {"schema": SCHEMA}).expect_error(422, 42208)


def test_unusual_but_valid_subjects(t):
    base = t.subj()
    for s in (base + " with spaces", base + "/ünïcødé/日本", base + ".dots.and-dashes_",
              base + "*", base + "'quote\"", base + "?&=#"):
        r = t.register(s, SCHEMA)
        r2 = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
        expect_equal(r2, r2.data["subject"], s, "subject round trip")
        expect_equal(r2, r2.data["id"], r.data["id"], "id")


def test_long_subject(t):
    s = t.subj() + "x" * 2000
    t.register(s, SCHEMA)
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1])


harness.main(globals())
