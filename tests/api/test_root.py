#!/usr/bin/python3
"""Root and server metadata: GET/POST / and /v1/metadata/* (spec §3.1, §3.8, §2.12)."""
import re

import harness
from harness import expect_equal, expect_keys, expect_true


def test_get_root_is_empty_object(t):
    r = t.get("/").expect(200, {})
    ct = r.content_type.split(";")[0].strip()
    expect_equal(r, ct, harness.V1, "content type without Accept")


def test_post_root_is_empty_object(t):
    t.post("/").expect(200, {})
    t.post("/", {}).expect(200, {})


def test_root_with_client_headers(t):
    # What the Java client sends on every call.
    t.get("/", headers={"Content-Type": harness.V1,
                        "Confluent-Accept-Unknown-Properties": "true",
                        "Confluent-Client-Version": "java/8.0.0"}).expect(200, {})


def test_metadata_id(t):
    r = t.get("/v1/metadata/id").expect(200)
    d = r.data
    expect_keys(r, d, required=("scope",), forbidden=("id",))
    scope = d["scope"]
    expect_keys(r, scope, required=("path", "clusters"))
    expect_equal(r, scope["path"], [], "scope.path")
    clusters = scope["clusters"]
    expect_equal(r, sorted(clusters), ["kafka-cluster", "schema-registry-cluster"],
                 "cluster keys")
    # registry.h: defaults "strata" and "schema-registry" (Confluent's group id default).
    expect_equal(r, clusters["kafka-cluster"], "strata", "kafka-cluster")
    expect_equal(r, clusters["schema-registry-cluster"], "schema-registry",
                 "schema-registry-cluster")


@harness.fresh_server("--cluster-id", "lkc-test-42")
def test_metadata_id_with_cluster_id(t):
    r = t.get("/v1/metadata/id").expect(200)
    expect_equal(r, r.data["scope"]["clusters"].get("kafka-cluster"), "lkc-test-42",
                 "kafka-cluster from --cluster-id")


def test_metadata_version(t):
    r = t.get("/v1/metadata/version").expect(200)
    expect_keys(r, r.data, required=("version",))
    expect_true(r, set(r.data) <= {"version", "commitId"},
                "only version and commitId expected, got %s" % sorted(r.data))
    expect_true(r, isinstance(r.data["version"], str) and
                re.match(r"^\d+\.\d+\.\d+", r.data["version"]) is not None,
                "version should be a dotted version string")
    if "commitId" in r.data:
        expect_true(r, isinstance(r.data["commitId"], str) and r.data["commitId"] != "",
                    "commitId should be a non-empty string when present")


def test_metadata_deployment(t):
    r = t.get("/v1/metadata/deployment").expect(200)
    expect_true(r, isinstance(r.data, dict), "deployment should be an object")
    if "attributes" in r.data:
        expect_true(r, isinstance(r.data["attributes"], list), "attributes should be a list")


def test_metadata_wrong_method(t):
    t.post("/v1/metadata/id", {}).expect_error(405, 405, "HTTP 405 Method Not Allowed")
    t.delete("/v1/metadata/version").expect_error(405, 405, "HTTP 405 Method Not Allowed")


def test_root_wrong_method(t):
    t.delete("/").expect_error(405, 405, "HTTP 405 Method Not Allowed")


harness.main(globals())
