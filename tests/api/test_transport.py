#!/usr/bin/python3
"""Transport conventions (spec §1): media types, Accept negotiation, 404/405 shapes,
trailing slashes, percent-encoded subjects, boolean and integer query parameters,
body limits and malformed bodies."""
import json

import harness
from harness import V1, SR, JSON, q, record, compact, expect_equal, expect_true

SCHEMA = compact(record("T", [("a", "string")]))


def ctype(r):
    return r.content_type.split(";")[0].strip()


# -- request Content-Type (§1.1) ----------------------------------------------------------

@harness.fresh_server()
def test_unsupported_content_type_is_415(t):
    s = t.subj()
    for ct in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        t.post("/subjects/%s/versions" % q(s), {"schema": SCHEMA}, content_type=ct).expect_error(
            415, 415, "HTTP 415 Unsupported Media Type")
    t.put("/config", {"compatibility": "FULL"}, content_type="text/plain").expect_error(
        415, 415, "HTTP 415 Unsupported Media Type")
    # Nothing was stored by the refused requests.
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)
    t.get("/config").expect(200, {"compatibilityLevel": "BACKWARD"})


def test_accepted_content_types(t):
    for ct in (V1, SR, JSON, "application/octet-stream", JSON + "; charset=utf-8", None):
        s = t.subj()
        r = t.post("/subjects/%s/versions" % q(s), {"schema": SCHEMA}, content_type=ct)
        r.expect(200)
        expect_true(r, isinstance(r.data.get("id"), int), "register response needs an id")


def test_bodyless_requests_with_content_type(t):
    # kafkajs sends the v1 Content-Type on every request, also GET and DELETE.
    s = t.subj()
    t.register(s, SCHEMA)
    hdrs = {"Content-Type": V1}
    t.get("/subjects/%s/versions" % q(s), headers=hdrs).expect(200, [1])
    t.get("/subjects", headers={"Content-Type": "text/plain"}).expect(200)
    t.delete("/subjects/%s/versions/1" % q(s), headers=hdrs).expect(200, 1)


# -- Accept negotiation (§1.1) ----------------------------------------------------------

def test_response_content_type_negotiation(t):
    cases = [
        (None, V1),
        ("*/*", V1),
        ("application/*", V1),
        (V1, V1),
        (SR, SR),
        (JSON, JSON),
        ("%s, %s, %s" % (V1, SR, JSON), V1),  # the Python client
        ("text/html, application/json", JSON),
        ("application/json;q=0.9, text/plain", JSON),
    ]
    for accept, want in cases:
        hdrs = {} if accept is None else {"Accept": accept}
        r = t.get("/schemas/types", headers=hdrs).expect(200)
        expect_equal(r, ctype(r), want, "content type for Accept %r" % accept)


def test_unacceptable_accept_is_406(t):
    for accept in ("text/html", "application/xml", "image/png"):
        r = t.get("/subjects", headers={"Accept": accept})
        harness.expect_status(r, 406)
        expect_true(r, r.is_json and r.data == {"error_code": 406,
                                                "message": "HTTP 406 Not Acceptable"},
                    "406 body should be the Confluent error shape")


def test_error_content_type_follows_accept(t):
    r = t.get("/subjects/%s/versions" % q(t.subj()), headers={"Accept": JSON})
    r.expect_error(404, 40401)
    expect_equal(r, ctype(r), JSON, "error content type")
    r = t.get("/subjects/%s/versions" % q(t.subj()))
    r.expect_error(404, 40401)
    expect_equal(r, ctype(r), V1, "error content type without Accept")


# -- unknown routes and methods (§1.2) ---------------------------------------------------

def test_unknown_route_is_json_404(t):
    for path in ("/nope", "/subjects/x/nope", "/schemas/ids/1/nope", "/v2/subjects",
                 "/schemas/ids"):
        t.get(path).expect_error(404, 404, "HTTP 404 Not Found")
    t.post("/nope", {}).expect_error(404, 404, "HTTP 404 Not Found")


def test_wrong_method_is_json_405(t):
    for method, path in (("DELETE", "/schemas/types"), ("PUT", "/subjects"),
                         ("POST", "/schemas/ids/1"), ("PUT", "/subjects/x/versions"),
                         ("POST", "/contexts"), ("DELETE", "/schemas")):
        r = t.client.request(method, path, body={} if method in ("POST", "PUT") else None)
        r.expect_error(405, 405, "HTTP 405 Method Not Allowed")


# -- trailing slashes (§1.2) ------------------------------------------------------------

def test_trailing_slashes(t):
    s = t.subj()
    r = t.post("/subjects/%s/versions/" % q(s), {"schema": SCHEMA}).expect(200)
    sid = r.data["id"]
    r = t.get("/subjects/").expect(200)
    expect_true(r, s in r.data, "subject listed under /subjects/")
    t.get("/subjects/%s/versions/" % q(s)).expect(200, [1])
    r = t.get("/schemas/types/").expect(200)
    expect_true(r, "AVRO" in r.data, "types listed under /schemas/types/")
    t.get("/schemas/ids/%d/" % sid).expect(200)
    # The Java client's "check against all versions" call.
    t.post("/compatibility/subjects/%s/versions/" % q(s), {"schema": SCHEMA}).expect(
        200, {"is_compatible": True})


# -- subjects in paths (§1.2) -----------------------------------------------------------

def test_percent_encoded_subject_with_slash_and_colon(t):
    s = t.subj("shared/x.proto:part")
    sid = t.register_id(s, compact(record("Slash", [("a", "string")], namespace="ns.slash")))
    r = t.get("/subjects").expect(200)
    expect_true(r, s in r.data, "decoded subject %r listed" % s)
    r = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
    expect_equal(r, r.data["subject"], s, "subject")
    expect_equal(r, r.data["id"], sid, "id")
    r = t.get("/schemas/ids/%d/subjects" % sid).expect(200, [s])


def test_percent_decoded_exactly_once(t):
    s = t.subj("a%2Fb")  # a literal percent sign in the name
    t.register(s, SCHEMA)
    r = t.get("/subjects").expect(200)
    expect_true(r, s in r.data, "subject %r (with a literal %%2F) listed" % s)
    expect_true(r, s.replace("%2F", "/") not in r.data, "decoded twice")
    r = t.get("/subjects/%s/versions/1" % q(s)).expect(200)
    expect_equal(r, r.data["subject"], s, "subject")


def test_plus_is_not_space(t):
    s = t.subj("x+y")
    r = t.post("/subjects/%s/versions" % s, {"schema": SCHEMA}).expect(200)  # '+' unencoded
    r = t.get("/subjects").expect(200)
    expect_true(r, s in r.data, "subject with '+' listed")
    expect_true(r, s.replace("+", " ") not in r.data, "'+' must not become a space")
    t.get("/subjects/%s/versions" % q(s)).expect(200, [1])
    t.get("/subjects/%s/versions" % q(s.replace("+", " "))).expect_error(404, 40401)


# -- query parameters (§1.3) ------------------------------------------------------------

def test_booleans_are_case_insensitive(t):
    live = t.subj("live")
    gone = t.subj("gone")
    t.register(live, SCHEMA)
    t.register(gone, SCHEMA)
    t.delete("/subjects/%s" % q(gone)).expect(200, [1])
    for value in ("true", "True", "TRUE", "tRuE"):
        r = t.get("/subjects?deleted=%s" % value).expect(200)
        expect_true(r, gone in r.data and live in r.data, "deleted=%s includes both" % value)
    for value in ("false", "False", "1", "yes", "", "on"):
        r = t.get("/subjects?deleted=%s" % value).expect(200)
        expect_true(r, gone not in r.data and live in r.data, "deleted=%s is false" % value)
    # The Python client's hand-built query strings.
    t.post("/subjects/%s?normalize=False&deleted=True" % q(gone), {"schema": SCHEMA}).expect(200)
    t.post("/subjects/%s?normalize=False&deleted=False" % q(gone),
           {"schema": SCHEMA}).expect_error(404, 40401)
    r = t.post("/compatibility/subjects/%s/versions/latest?normalize=False&verbose=True" % q(live),
               {"schema": SCHEMA}).expect(200)
    expect_equal(r, r.data, {"is_compatible": True, "messages": []}, "verbose=True")


def test_unknown_query_params_ignored(t):
    s = t.subj()
    t.register(s, SCHEMA)
    plain = t.get("/subjects").expect(200).data
    # The Python client sends subject= and deleted_only= to GET /subjects.
    r = t.get("/subjects?subject=&deleted_only=False&foo=bar").expect(200)
    expect_equal(r, r.data, plain, "list with unknown params")
    r = t.get("/subjects/%s/versions/1?fetchMaxId=false&whatever=1" % q(s)).expect(200)
    expect_equal(r, r.data["version"], 1, "version")


def test_non_integer_ids_are_404(t):
    for path in ("/schemas/ids/abc", "/schemas/ids/1.5", "/schemas/ids/1e3",
                 "/schemas/ids/99999999999999999999", "/schemas/ids/abc/schema",
                 "/schemas/ids/abc/subjects", "/schemas/ids/abc/versions", "/schemas/ids/"):
        t.get(path).expect_error(404, 404)
    for path in ("/subjects?offset=abc", "/subjects?limit=1.5", "/schemas?limit=x",
                 "/contexts?limit=ten"):
        t.get(path).expect_error(404, 404)


def test_unknown_integer_id_is_40403(t):
    t.get("/schemas/ids/987654").expect_error(404, 40403, "Schema 987654 not found")
    t.get("/schemas/ids/987654/schema").expect_error(404, 40403)


# -- request bodies ---------------------------------------------------------------------

@harness.fresh_server("--max-body", "1024")
def test_body_over_max_body_is_413(t):
    s = t.subj()
    big = record("Big", [("a", "string")])
    big["doc"] = "x" * 4000
    r = t.post("/subjects/%s/versions" % q(s), {"schema": json.dumps(big)})
    r.expect_error(413, 413)
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)
    small = record("Small", [("a", "string")])
    small["doc"] = "y" * 500
    t.post("/subjects/%s/versions" % q(s), {"schema": json.dumps(small)}).expect(200)


def test_malformed_json_is_400(t):
    s = t.subj()
    path = "/subjects/%s/versions" % q(s)
    for body in ('{"schema":', "not json", '{"schema": "x"', "{'schema': 'x'}", '{"a":1}}'):
        t.post(path, body).expect_error(400, 400)
    for body in ("[1, 2]", '"string"', "42"):
        t.post(path, body).expect_error(400, 400)
    # Known fields with the wrong JSON type.
    for body in ({"schema": 5}, {"schema": SCHEMA, "version": "abc"},
                 {"schema": SCHEMA, "references": "x"}, {"schema": SCHEMA, "id": "7"},
                 {"schema": SCHEMA, "schemaType": 1}):
        t.post(path, body).expect_error(400, 400)
    for ep in ("/subjects/%s" % q(s), "/compatibility/subjects/%s/versions/latest" % q(s),
               "/compatibility/subjects/%s/versions" % q(s)):
        t.post(ep, '{"schema":').expect_error(400, 400)
    t.put("/config", "{bad").expect_error(400, 400)
    t.put("/mode", "{bad").expect_error(400, 400)
    t.put("/config/%s" % q(s), {"compatibility": 5}).expect_error(400, 400)
    t.get(path).expect_error(404, 40401)  # nothing stored


def test_empty_body_is_422(t):
    s = t.subj()
    t.post("/subjects/%s/versions" % q(s)).expect_error(422, 422)
    t.post("/subjects/%s/versions" % q(s), "").expect_error(422, 422)


def test_invalid_utf8_is_400(t):
    s = t.subj()
    body = b'{"schema": "{\\"type\\":\\"record\\",\\"name\\":\\"R\xff\\",\\"fields\\":[]}"}'
    t.post("/subjects/%s/versions" % q(s), body).expect_error(400, 400)
    t.post("/subjects/%s/versions" % q(s), b'{"schema":"\\"int\\"","x":"\xc3\x28"}').expect_error(
        400, 400)
    t.get("/subjects/%s/versions" % q(s)).expect_error(404, 40401)


def test_deeply_nested_json_is_400(t):
    s = t.subj()
    deep = '{"schema": %s, "extra": %s}' % (json.dumps(SCHEMA), "[" * 500 + "]" * 500)
    t.post("/subjects/%s/versions" % q(s), deep).expect_error(400, 400)
    deep_obj = '{"schema": %s, "extra": %s}' % (json.dumps(SCHEMA), '{"a":' * 300 + "1" + "}" * 300)
    t.post("/subjects/%s/versions" % q(s), deep_obj).expect_error(400, 400)
    # Nesting well under the limit is fine.
    ok = '{"schema": %s, "extra": %s}' % (json.dumps(SCHEMA), "[" * 10 + "]" * 10)
    t.post("/subjects/%s/versions" % q(s), ok).expect(200)


def test_unknown_body_fields_ignored(t):
    s = t.subj()
    body = {"schema": SCHEMA, "foo": 1, "schemaTagsToAdd": [{"schemaEntity": {
        "entityPath": "T.a", "entityType": "sr_field"}, "tags": ["PII"]}],
        "schemaTagsToRemove": [], "propagateSchemaTags": True, "bar": {"nested": [1, 2]}}
    r = t.post("/subjects/%s/versions" % q(s), body).expect(200)
    expect_equal(r, r.data.get("version"), 1, "version")
    # The .NET client sends metadata and ruleSet as null.
    s2 = t.subj()
    t.post("/subjects/%s/versions" % q(s2), {"schema": SCHEMA, "schemaType": "AVRO",
                                             "metadata": None, "ruleSet": None,
                                             "references": None}).expect(200)
    t.put("/config/%s" % q(s2), {"compatibility": "FULL", "unknownField": True}).expect(
        200, {"compatibility": "FULL"})
    t.post("/subjects/%s" % q(s), dict(body, whatever=[])).expect(200)


harness.main(globals())
