#!/usr/bin/python3
"""Contexts: qualified subjects, separate id spaces, /contexts and the /contexts/{ctx}/ prefix
(spec §0, §3.7, §4.2, §4.12)."""
import harness
from harness import q, record, compact, expect_equal, expect_true


def rec(t, name, *fields):
    return compact(record(name, list(fields) or [("a", "string")], namespace="ns." + t.name))


@harness.fresh_server()
def test_separate_id_spaces(t):
    d1 = t.register_id("orders", rec(t, "Default1"))
    expect_equal(None, d1, 1, "first id in the default context")
    r = t.register(":.team-a:orders", rec(t, "CtxA1"))
    expect_equal(r, [r.data["id"], r.data["version"]], [1, 1], "first id in .team-a")
    r = t.register(":.team-a:payments", rec(t, "CtxA2"))
    expect_equal(r, r.data["id"], 2, "second id in .team-a")
    # Content known in the default context still gets an id of the context's own.
    r = t.register(":.team-a:copy", rec(t, "Default1"))
    expect_equal(r, r.data["id"], 3, "own id space")
    r = t.register("second", rec(t, "Default2"))
    expect_equal(r, r.data["id"], 2, "default context continues at 2")
    # By id: the context is chosen with ?subject= or the URL prefix.
    r = t.get("/schemas/ids/1").expect(200)
    expect_equal(r, r.data["schema"], rec(t, "Default1"), "id 1 in the default context")
    r = t.get("/schemas/ids/1?subject=%s" % q(":.team-a:")).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "CtxA1"), "id 1 in .team-a")
    r = t.get("/contexts/.team-a/schemas/ids/1").expect(200)
    expect_equal(r, r.data["schema"], rec(t, "CtxA1"), "id 1 under /contexts/.team-a")
    r = t.get("/schemas/ids/3?subject=%s" % q(":.team-a:copy")).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "Default1"), "id 3 in .team-a")
    # An unqualified id missing in the default context is searched in the others.
    r = t.get("/schemas/ids/3").expect(200)
    expect_equal(r, r.data["schema"], rec(t, "Default1"), "id 3 found in another context")
    t.get("/schemas/ids/4").expect_error(404, 40403, "Schema 4 not found")


@harness.fresh_server()
def test_qualified_subject_reads(t):
    s = ":.team-a:orders"
    sid = t.register_id(s, rec(t, "A"))
    t.register("orders", rec(t, "Plain"))
    r = t.get("/subjects").expect(200)
    expect_equal(r, sorted(r.data), r.data, "sorted")
    expect_equal(r, set(r.data), {s, "orders"}, "qualified form for the non-default context")
    r = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
    harness.expect_schema_entity(r, r.data, subject=s, version=1, sid=sid, schema=rec(t, "A"))
    r = t.get("/contexts/.team-a/subjects/orders/versions/1").expect(200)
    harness.expect_schema_entity(r, r.data, subject=s, version=1, sid=sid, schema=rec(t, "A"))
    t.get("/contexts/.team-a/subjects").expect(200, [s])
    t.get("/contexts/.team-a/subjects/orders/versions").expect(200, [1])
    t.get("/subjects?subjectPrefix=%s" % q(":.team-a:")).expect(200, [s])
    r = t.post("/contexts/.team-a/subjects/orders", {"schema": rec(t, "A")}).expect(200)
    expect_equal(r, [r.data["subject"], r.data["id"]], [s, sid], "lookup under the prefix")
    # The unqualified name is the default context's subject.
    r = t.get("/subjects/orders/versions/1").expect(200)
    expect_equal(r, r.data["schema"], rec(t, "Plain"), "default-context subject")
    # ":.:" names the default context explicitly.
    r = t.get("/subjects/%s/versions/1" % q(":.:orders")).expect(200)
    expect_equal(r, r.data["schema"], rec(t, "Plain"), ":.:orders is orders")


@harness.fresh_server()
def test_register_under_context_prefix(t):
    r = t.post("/contexts/.team-b/subjects/billing/versions", {"schema": rec(t, "B")}).expect(200)
    expect_equal(r, r.data["id"], 1, "first id of .team-b")
    t.get("/subjects").expect(200, [":.team-b:billing"])
    r = t.get("/subjects/%s/versions/latest" % q(":.team-b:billing")).expect(200)
    expect_equal(r, r.data["subject"], ":.team-b:billing", "qualified subject")


# An unqualified subject missing in the default context is searched in the others (§3.3, §4.12).

@harness.fresh_server()
def test_unqualified_get_version_searches_contexts(t):
    t.register(":.team-c:billing", rec(t, "B"))
    r = t.get("/subjects/billing/versions/1").expect(200)
    expect_equal(r, [r.data["subject"], r.data["id"]], [":.team-c:billing", 1], "found in .team-c")
    r = t.get("/subjects/billing/versions/latest").expect(200)
    expect_equal(r, r.data["subject"], ":.team-c:billing", "latest found in .team-c")


@harness.fresh_server()
def test_unqualified_lookup_searches_contexts(t):
    t.register(":.team-c:billing", rec(t, "B"))
    r = t.post("/subjects/billing", {"schema": rec(t, "B")}).expect(200)
    expect_equal(r, [r.data["subject"], r.data["id"]], [":.team-c:billing", 1], "lookup")


@harness.fresh_server()
def test_contexts_listing(t):
    t.get("/contexts").expect(200, ["."])
    t.register(":.zeta:s", rec(t, "Z"))
    t.register(":.alpha:s", rec(t, "A"))
    t.register("plain", rec(t, "P"))
    t.register(":.mid.dotted:s", rec(t, "M"))
    t.get("/contexts").expect(200, [".", ".alpha", ".mid.dotted", ".zeta"])
    t.get("/contexts?offset=1&limit=2").expect(200, [".alpha", ".mid.dotted"])


@harness.fresh_server()
def test_delete_context(t):
    s = ":.gone:x"
    t.register(s, rec(t, "G"))
    t.delete("/contexts/.gone").expect_error(
        422, 42211, "The specified context ':.gone:' is not empty.")
    t.delete("/subjects/%s" % q(s)).expect(200, [1])
    # Soft-deleted subjects still count.
    t.delete("/contexts/.gone").expect_error(422, 42211)
    t.delete("/subjects/%s?permanent=true" % q(s)).expect(200, [1])
    r = t.delete("/contexts/.gone")
    harness.expect_status(r, 204)
    expect_equal(r, r.raw, b"", "204 has no body")
    r = t.get("/contexts").expect(200)
    expect_true(r, ".gone" not in r.data, "deleted context not listed")
    r = t.delete("/contexts/.never-existed")
    harness.expect_status(r, 204)


@harness.fresh_server()
def test_context_config(t):
    s = ":.cfg:s"
    t.register(s, rec(t, "C"))
    t.post("/subjects/%s/versions" % q(s), {"schema": '"int"'}).expect_error(409, 40901)
    t.put("/config/%s" % q(":.cfg:"), {"compatibility": "NONE"}).expect(
        200, {"compatibility": "NONE"})
    t.get("/config/%s" % q(":.cfg:")).expect(200, {"compatibilityLevel": "NONE"})
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})
    r = t.register(s, '"int"')
    expect_equal(r, r.data["version"], 2, "context-level NONE applies to its subjects")
    # Default-context subjects are not affected.
    t.register("plain", rec(t, "C"))
    t.post("/subjects/plain/versions", {"schema": '"int"'}).expect_error(409, 40901)
    t.get("/contexts/.cfg/config").expect(200, {"compatibilityLevel": "NONE"})


def test_invalid_context_names(t):
    for subj in (":x:y", ":.a", ":.a:b:c\x01"):
        t.post("/subjects/%s/versions" % q(subj), {"schema": rec(t, "I")}).expect_error(422, 42208)
    t.post("/subjects/%s/versions" % q(":.__GLOBAL:s"), {"schema": rec(t, "I")}).expect_error(
        422, 42208)


harness.main(globals())
