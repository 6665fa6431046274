#!/usr/bin/python3
"""Associations stub: Java 8.3+ serializers and Confluent JS >= 1.9 probe it first
(spec §3.9, §11 item 10)."""
import harness
from harness import q, record, compact


def test_topic_probe_is_empty_list(t):
    # The exact call a Java 8.3+ serializer makes before its first serialize.
    for assoc in ("value", "key"):
        r = t.get("/associations/resources/-/topic?resourceType=topic&associationType=%s"
                  "&offset=0&limit=-1" % assoc).expect(200, [])
        ct = r.content_type.split(";")[0].strip()
        harness.expect_equal(r, ct, harness.V1, "content type")
    t.get("/associations/resources/-/topic?resourceType=topic").expect(200, [])
    t.get("/associations/resources/lkc-123/orders").expect(200, [])


def test_topic_probe_with_registered_subject(t):
    topic = t.subj()
    t.register(topic + "-value", compact(record("A", [("a", "string")])))
    t.get("/associations/resources/-/%s?resourceType=topic&associationType=value" % q(topic)
          ).expect(200, [])


def test_other_association_lookups(t):
    t.get("/associations/resources/some-resource-id").expect(200, [])
    t.get("/associations/subjects/%s" % q(t.subj())).expect(200, [])


harness.main(globals())
