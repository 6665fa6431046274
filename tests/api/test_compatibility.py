#!/usr/bin/python3
"""Compatibility endpoints and compatibility on registration
(spec §3.4, §4.3 step 8, §4.7, §2.9)."""
import harness
from harness import q, record, compact, expect_equal, expect_true, expect_keys

LEVELS = ("NONE", "BACKWARD", "FORWARD", "FULL", "BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE",
          "FULL_TRANSITIVE")
INCOMPATIBLE_PREFIX = ('Schema being registered is incompatible with an earlier schema for '
                       'subject "%s", details: [')


class S:
    """The schemas of one test, in the test's own namespace."""

    def __init__(self, t):
        ns = "ns." + t.name
        r = lambda *f: compact(record("R", list(f), namespace=ns))  # noqa: E731
        self.v1 = r(("a", "string"))
        self.add_nodef = r(("a", "string"), ("b", "int"))          # BACKWARD no, FORWARD yes
        self.drop = r(("b", "int", 0))                             # BACKWARD yes, FORWARD no
        self.add_def = r(("a", "string"), ("b", "int", 0))         # compatible both ways
        # For transitive levels: x is compatible with t2 both ways, with t1 neither way.
        self.t1 = r(("a", "string"), ("c", "int"))
        self.t2 = r(("a", "string"), ("b", "int", 0), ("c", "int", 0))
        self.x = r(("a", "string"), ("b", "int"))


def set_level(t, s, level):
    t.put("/config/%s" % q(s), {"compatibility": level}).expect(200, {"compatibility": level})


def check(t, s, schema, version=None, verbose=False):
    path = "/compatibility/subjects/%s/versions" % q(s)
    if version is not None:
        path += "/" + q(str(version))
    if verbose:
        path += "?verbose=true"
    r = t.post(path, {"schema": schema}).expect(200)
    expect_keys(r, r.data, required=("is_compatible",))
    if verbose:
        expect_true(r, isinstance(r.data.get("messages"), list), "verbose needs a messages list")
    else:
        expect_keys(r, r.data, forbidden=("messages",))
    return r


def test_non_transitive_levels(t):
    sc = S(t)
    want = {  # level: (add_nodef, drop, add_def)
        "NONE": (True, True, True),
        "BACKWARD": (False, True, True),
        "FORWARD": (True, False, True),
        "FULL": (False, False, True),
        "BACKWARD_TRANSITIVE": (False, True, True),
        "FORWARD_TRANSITIVE": (True, False, True),
        "FULL_TRANSITIVE": (False, False, True),
    }
    for level in LEVELS:
        s = t.subj(level.lower())
        t.register(s, sc.v1)
        set_level(t, s, level)
        for schema, expected in zip((sc.add_nodef, sc.drop, sc.add_def), want[level]):
            for version in (None, "latest", "1", "-1"):
                r = check(t, s, schema, version)
                expect_equal(r, r.data["is_compatible"], expected,
                             "is_compatible at %s against %s" % (level, version or "all"))


def test_transitive_levels(t):
    sc = S(t)
    want = {"NONE": True, "BACKWARD": True, "FORWARD": True, "FULL": True,
            "BACKWARD_TRANSITIVE": False, "FORWARD_TRANSITIVE": False, "FULL_TRANSITIVE": False}
    for level in LEVELS:
        s = t.subj(level.lower())
        t.register(s, sc.t1)
        t.register(s, sc.t2)
        set_level(t, s, level)
        r = check(t, s, sc.x)
        expect_equal(r, r.data["is_compatible"], want[level], "all versions at %s" % level)
        # Against one version the level degenerates to its non-transitive form.
        r = check(t, s, sc.x, "latest")
        expect_equal(r, r.data["is_compatible"], True, "against latest at %s" % level)
        r = check(t, s, sc.x, "2")
        expect_equal(r, r.data["is_compatible"], True, "against version 2 at %s" % level)
        r = check(t, s, sc.x, "1")
        expect_equal(r, r.data["is_compatible"], level == "NONE", "against version 1 at %s" % level)
        # Registration applies the same rule.
        r = t.post("/subjects/%s/versions" % q(s), {"schema": sc.x})
        if want[level]:
            r.expect(200)
            expect_equal(r, r.data["version"], 3, "version")
        else:
            r.expect_error(409, 40901, message_prefix=INCOMPATIBLE_PREFIX % s)
            t.get("/subjects/%s/versions" % q(s)).expect(200, [1, 2])


def test_register_incompatible_is_409(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    r = t.post("/subjects/%s/versions" % q(s), {"schema": sc.add_nodef})
    r.expect_error(409, 40901, message_prefix=INCOMPATIBLE_PREFIX % s,
                   message_contains=["READER_FIELD_MISSING_DEFAULT_VALUE", "b"])
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1])
    r = t.register(s, sc.add_def)
    expect_equal(r, r.data["version"], 2, "compatible change registered")


def test_default_level_is_backward(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    expect_equal(None, check(t, s, sc.add_nodef).data["is_compatible"], False, "BACKWARD default")
    expect_equal(None, check(t, s, sc.drop).data["is_compatible"], True, "BACKWARD default")


def test_verbose_messages(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    r = check(t, s, sc.add_nodef, "latest", verbose=True)
    expect_equal(r, r.data["is_compatible"], False, "is_compatible")
    msgs = r.data["messages"]
    expect_true(r, all(isinstance(m, str) for m in msgs), "messages are strings")
    expect_true(r, any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in msgs),
                "an entry names READER_FIELD_MISSING_DEFAULT_VALUE")
    expect_true(r, "{oldSchemaVersion: 1}" in msgs, "{oldSchemaVersion: 1} entry")
    expect_true(r, ("{oldSchema: '%s'}" % sc.v1) in msgs, "{oldSchema: '...'} entry")
    expect_equal(r, msgs[-1], "{validateFields: 'false', compatibility: 'BACKWARD'}",
                 "last entry")
    r = check(t, s, sc.add_nodef, verbose=True)
    expect_equal(r, r.data["is_compatible"], False, "all versions, verbose")
    expect_true(r, len(r.data["messages"]) >= 2, "messages for all versions")
    r = check(t, s, sc.add_def, "latest", verbose=True)
    expect_equal(r, r.data, {"is_compatible": True, "messages": []}, "compatible, verbose")


def test_deleted_versions_ignored(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.t1)
    t.register(s, sc.t2)
    set_level(t, s, "BACKWARD_TRANSITIVE")
    expect_equal(None, check(t, s, sc.x).data["is_compatible"], False, "before delete")
    t.delete("/subjects/%s/versions/1" % q(s)).expect(200, 1)
    expect_equal(None, check(t, s, sc.x).data["is_compatible"], True, "v1 soft-deleted")
    # The soft-deleted version cannot be named either.
    t.post("/compatibility/subjects/%s/versions/1" % q(s), {"schema": sc.x}).expect_error(
        404, 40402, "Version 1 not found.")
    r = t.register(s, sc.x)
    expect_equal(r, r.data["version"], 3, "registered once v1 is deleted")
    # Non-transitive: latest is the newest live version.
    s2 = t.subj()
    t.register(s2, sc.v1)
    t.register(s2, sc.add_def)
    t.delete("/subjects/%s/versions/2" % q(s2)).expect(200, 2)
    expect_equal(None, check(t, s2, sc.drop, "latest").data["is_compatible"], True,
                 "against v1 after deleting v2")
    # Whole subject soft-deleted: nothing to check against.
    t.delete("/subjects/%s" % q(s2)).expect(200, [1])
    expect_equal(None, check(t, s2, sc.add_nodef).data["is_compatible"], True, "all deleted")
    expect_equal(None, check(t, s2, sc.add_nodef, "latest").data["is_compatible"], True,
                 "latest of an all-deleted subject")


def test_unknown_subject(t):
    sc = S(t)
    s = t.subj("nosuch")
    expect_equal(None, check(t, s, sc.v1).data["is_compatible"], True, "all versions")
    expect_equal(None, check(t, s, sc.v1, "latest").data["is_compatible"], True, "latest")
    expect_equal(None, check(t, s, sc.v1, "-1").data["is_compatible"], True, "-1")
    t.post("/compatibility/subjects/%s/versions/1" % q(s), {"schema": sc.v1}).expect_error(
        404, 40402, "Version 1 not found.")
    # Nothing was created.
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)


def test_missing_and_bad_versions(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    t.post("/compatibility/subjects/%s/versions/5" % q(s), {"schema": sc.v1}).expect_error(
        404, 40402, "Version 5 not found.")
    for v in ("0", "-2", "abc", "2147483648"):
        t.post("/compatibility/subjects/%s/versions/%s" % (q(s), v),
               {"schema": sc.v1}).expect_error(
            422, 42202, "The specified version '%s' is not a valid version id. Allowed values are "
            "between [1, 2^31-1] and the string \"latest\"" % v)


def test_unparsable_schema(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    bad = '{"type":"record","name":"R","fields":[{"name":"f","type":"strin"}]}'
    for path in ("/compatibility/subjects/%s/versions/latest" % q(s),
                 "/compatibility/subjects/%s/versions" % q(s)):
        t.post(path, {"schema": bad}).expect_error(422, 42201, message_contains="strin")
        r = t.post(path + "?verbose=true", {"schema": bad}).expect(200)
        expect_equal(r, r.data.get("is_compatible"), False, "is_compatible")
        msgs = r.data.get("messages")
        expect_true(r, isinstance(msgs, list) and any("strin" in m for m in msgs),
                    "messages should carry the parse error")


def test_none_always_compatible(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    set_level(t, s, "NONE")
    r = check(t, s, '"int"', verbose=True)
    expect_equal(r, r.data, {"is_compatible": True, "messages": []}, "NONE")
    r = t.register(s, '"int"')
    expect_equal(r, r.data["version"], 2, "any schema under NONE")


def test_type_change_is_incompatible(t):
    sc = S(t)
    s = t.subj()
    t.register(s, sc.v1)
    for level in ("BACKWARD", "FORWARD", "FULL"):
        set_level(t, s, level)
        expect_equal(None, check(t, s, '"string"').data["is_compatible"], False,
                     "record -> string at %s" % level)


def test_promotion_directions(t):
    # int -> long is a BACKWARD-only change for a field (reader long reads writer int).
    ns = "ns." + t.name
    old = compact(record("P", [("n", "int")], namespace=ns))
    new = compact(record("P", [("n", "long")], namespace=ns))
    for level, expected in (("BACKWARD", True), ("FORWARD", False), ("FULL", False)):
        s = t.subj(level.lower())
        t.register(s, old)
        set_level(t, s, level)
        expect_equal(None, check(t, s, new).data["is_compatible"], expected,
                     "int -> long at %s" % level)


harness.main(globals())
