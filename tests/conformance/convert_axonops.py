#!/usr/bin/python3
"""Convert the AxonOps Schema Registry Gherkin REST scenarios into tests/conformance/cases.json.

usage: convert_axonops.py [--features DIR] [--out FILE] [--check]

Reads the Avro-relevant and format-independent feature files listed in FEATURE_FILES from DIR
(default: ../shared/vectors/axonops-schema-registry/tests/bdd/features next to the checkout) and
writes one case per scenario in our own JSON format (see SCHEMA below). Facts carry over (paths,
bodies, expected statuses, error codes and fields); the Gherkin prose does not, except the
scenario titles that name where each case came from. --check compares instead of writing and
exits 1 when cases.json is out of date.

Scenarios are skipped (listed under "skipped" with the reason) when they
  - register or check a JSON schema ("format not in this issue": Strata has no JSON Schema yet),
  - call an endpoint that is an AxonOps extension, not part of the Confluent REST API,
  - are tagged @axonops-only upstream (behaviour AxonOps documents as its own),
  - are listed in OVERRIDES with a skip reason.
A step text the converter does not know stops it with an error: every step is either converted
mechanically, converted through OVERRIDES, or dropped for a stated reason (DROPPED_STEPS).

SCHEMA of cases.json:
  {"source": {...}, "counts": {...},
   "scenarios": [{"name", "file", "line", "title", "dropped_steps": [{"line", "reason"}],
                  "steps": [STEP, ...]}],
   "skipped": [{"name", "file", "line", "title", "reason"}]}
  STEP = {"line": <feature line of the request step>, "method", "path" (may contain {{key}},
          replaced by a value stored earlier), "body" (JSON value sent as the request body, or
          absent),
          and any of the expectations, all about that request's response:
          "expect_status": int, "expect_error_code": int,
          "expect_json_subset": {field: value}   (top-level fields; numbers compare numerically),
          "expect_fields": [field], "expect_no_fields": [field],
          "expect_body_contains": [text], "expect_body_not_contains": [text],
          "expect_array_length": int, "expect_array_contains": [text]  (elements rendered as text),
          "expect_field_array_length": {field: int},
          "expect_field_equals_stored": {field: key}, "expect_field_not_equals_stored": {field: key},
          "store": {key: field}}
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_FEATURES = os.path.join(REPO, "..", "shared", "vectors", "axonops-schema-registry",
                                "tests", "bdd", "features")
DEFAULT_OUT = os.path.join(HERE, "cases.json")

UPSTREAM_REPO = "axonops/axonops-schema-registry"
UPSTREAM_COMMIT = "1e0f16ddfb3c"
UPSTREAM_DIR = "tests/bdd/features"

FEATURE_FILES = [
    "confluent_conformance.feature",
    "compatibility.feature",
    "compatibility_all_versions.feature",
    "compatibility_avro.feature",
    "avro_compatibility_exhaustive.feature",
    "compatibility_config_exhaustive.feature",
    "compatibility_modes.feature",
    "compatibility_transitive.feature",
    "compatibility_transitive_chain.feature",
    "compatibility_verbose.feature",
    "compatibility_groups.feature",
    "modeling_avro_compatibility.feature",
    "modeling_avro_conformance.feature",
    "rest_compatibility_analysis.feature",
    "compatibility_protobuf.feature",
    "modeling_protobuf_compatibility.feature",
    "modeling_protobuf_conformance.feature",
]

SKIP_FORMAT = "skipped: format not in this issue (%s schema)"
SKIP_EXTENSION = "skipped: AxonOps extension endpoint %s %s, not part of the Confluent REST API"
SKIP_AXONOPS_ONLY = "skipped: tagged @axonops-only upstream (AxonOps-specific behaviour)"

# Steps that carry no REST fact for us: dropped, with the reason recorded in the case.
DROPPED_STEPS = [
    (re.compile(r'^the audit log should contain an event:$'),
     "AxonOps audit log assertion, not observable through the REST API"),
    (re.compile(r'^the schema registry is running$'),
     "liveness precondition; every case starts its own fresh server"),
    (re.compile(r'^no subjects exist$'),
     "precondition; every case starts its own fresh server"),
]

# Hand conversions, keyed by (feature file, scenario title):
#   {"skip": reason}                          skip the scenario with that reason
# (Empty until a scenario needs one: every step of the listed files converts mechanically.)
OVERRIDES = {}

# Paths of the Confluent REST API (after removing the query string). Anything else is an
# AxonOps extension.
CONFLUENT_PATHS = re.compile(
    r'^/$'
    r'|^/schemas(/.*)?$'
    r'|^/subjects(/.*)?$'
    r'|^/config(/.*)?$'
    r'|^/mode(/.*)?$'
    r'|^/compatibility/subjects/[^/]+/versions(/[^/]+)?/?$'
    r'|^/contexts(/.*)?$'
    r'|^/v1/metadata/(id|version|deployment)$'
    r'|^/associations(/.*)?$')


class ConvertError(Exception):
    pass


# --------------------------------------------------------------------------- Gherkin reading

class Step:
    def __init__(self, keyword, text, line):
        self.keyword = keyword
        self.text = text
        self.line = line
        self.doc = None  # docstring content
        self.table = []  # rows of cells


class Scenario:
    def __init__(self, title, line, tags):
        self.title = title
        self.line = line
        self.tags = tags
        self.steps = []


STEP_RE = re.compile(r'^(Given|When|Then|And|But|\*)\s+(.*)$')


def parse_feature(path):
    """Returns (background steps, [Scenario]) of one .feature file (the subset of Gherkin the
    AxonOps files use: tags, Feature, Background, Scenario, steps, doc strings, tables)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    background = []
    scenarios = []
    current = None  # list receiving steps
    pending_tags = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        lineno = i + 1
        i += 1
        if not s or s.startswith("#"):
            continue
        if s.startswith("@"):
            pending_tags.extend(t for t in s.split() if t.startswith("@"))
            continue
        if s.startswith("Feature:"):
            pending_tags = []
            current = None
            continue
        if s.startswith("Background:"):
            current = background
            continue
        if s.startswith("Scenario Outline:") or s.startswith("Examples:"):
            raise ConvertError("%s:%d: Scenario Outline is not supported" % (path, lineno))
        if s.startswith("Scenario:"):
            sc = Scenario(s[len("Scenario:"):].strip(), lineno, pending_tags)
            pending_tags = []
            scenarios.append(sc)
            current = sc.steps
            continue
        if s.startswith('"""'):
            if current is None or not current:
                raise ConvertError("%s:%d: doc string without a step" % (path, lineno))
            indent = len(raw) - len(raw.lstrip())
            body = []
            while i < len(lines) and lines[i].strip() != '"""':
                text = lines[i]
                lead = len(text) - len(text.lstrip())
                body.append(text[min(indent, lead):])
                i += 1
            if i >= len(lines):
                raise ConvertError("%s:%d: unterminated doc string" % (path, lineno))
            i += 1
            current[-1].doc = "\n".join(body)
            continue
        if s.startswith("|"):
            if current is None or not current:
                raise ConvertError("%s:%d: table without a step" % (path, lineno))
            current[-1].table.append([c.strip() for c in s.strip("|").split("|")])
            continue
        m = STEP_RE.match(s)
        if m:
            if current is None:
                raise ConvertError("%s:%d: step outside a scenario" % (path, lineno))
            current.append(Step(m.group(1), m.group(2), lineno))
            continue
        if current is None:
            continue  # free text under Feature:
        raise ConvertError("%s:%d: unrecognised line %r" % (path, lineno, s))
    return background, scenarios


# --------------------------------------------------------------------------- step conversion

class Skip(Exception):
    pass


def need_doc(step):
    if step.doc is None:
        raise ConvertError("line %d: step needs a doc string" % step.line)
    return step.doc


def json_doc(step):
    try:
        return json.loads(need_doc(step))
    except ValueError as e:
        raise ConvertError("line %d: doc string is not JSON: %s" % (step.line, e))


def register_body(schema, schema_type=None):
    body = {"schema": schema}
    if schema_type is not None:
        check_type(schema_type)
        body["schemaType"] = schema_type
    return body


def check_type(schema_type):
    if schema_type.upper() == "JSON":
        raise Skip(SKIP_FORMAT % schema_type.upper())


def q(s):
    return s  # subjects are pasted into paths verbatim, as upstream does


# Request steps: regex -> function(match, step) -> (method, path, body or None, implied checks)
REQUESTS = [
    (r'^subject "([^"]*)" has schema:$',
     lambda m, st: ("POST", "/subjects/%s/versions" % q(m[1]), register_body(need_doc(st)),
                    {"expect_status": 200})),
    (r'^subject "([^"]*)" has "([^"]*)" schema:$',
     lambda m, st: ("POST", "/subjects/%s/versions" % q(m[1]),
                    register_body(need_doc(st), m[2]), {"expect_status": 200})),
    (r'^the global compatibility level is "([^"]*)"$',
     lambda m, st: ("PUT", "/config", {"compatibility": m[1]}, {})),
    (r'^subject "([^"]*)" has compatibility level "([^"]*)"$',
     lambda m, st: ("PUT", "/config/%s" % q(m[1]), {"compatibility": m[2]}, {})),
    (r'^I GET "([^"]*)"$', lambda m, st: ("GET", m[1], None, {})),
    (r'^I POST "([^"]*)" with body:$', lambda m, st: ("POST", m[1], json_doc(st), {})),
    (r'^I PUT "([^"]*)" with body:$', lambda m, st: ("PUT", m[1], json_doc(st), {})),
    (r'^I DELETE "([^"]*)"$', lambda m, st: ("DELETE", m[1], None, {})),
    (r'^I register a schema under subject "([^"]*)":$',
     lambda m, st: ("POST", "/subjects/%s/versions" % q(m[1]), register_body(need_doc(st)), {})),
    (r'^I register a "([^"]*)" schema under subject "([^"]*)":$',
     lambda m, st: ("POST", "/subjects/%s/versions" % q(m[2]),
                    register_body(need_doc(st), m[1]), {})),
    (r'^I check compatibility of schema against subject "([^"]*)":$',
     lambda m, st: ("POST", "/compatibility/subjects/%s/versions/latest" % q(m[1]),
                    register_body(need_doc(st)), {})),
    (r'^I check compatibility of schema against subject "([^"]*)" version (\d+):$',
     lambda m, st: ("POST", "/compatibility/subjects/%s/versions/%s" % (q(m[1]), m[2]),
                    register_body(need_doc(st)), {})),
    (r'^I check compatibility of "([^"]*)" schema against subject "([^"]*)":$',
     lambda m, st: ("POST", "/compatibility/subjects/%s/versions/latest" % q(m[2]),
                    register_body(need_doc(st), m[1]), {})),
    (r'^I check compatibility of schema against all versions of subject "([^"]*)":$',
     lambda m, st: ("POST", "/compatibility/subjects/%s/versions" % q(m[1]),
                    register_body(need_doc(st)), {})),
    (r'^I get the global config$', lambda m, st: ("GET", "/config", None, {})),
    (r'^I set the global (?:config|compatibility level) to "([^"]*)"$',
     lambda m, st: ("PUT", "/config", {"compatibility": m[1]}, {})),
    (r'^I get the config for subject "([^"]*)"$',
     lambda m, st: ("GET", "/config/%s" % q(m[1]), None, {})),
    (r'^I set the config for subject "([^"]*)" to "([^"]*)"$',
     lambda m, st: ("PUT", "/config/%s" % q(m[1]), {"compatibility": m[2]}, {})),
    (r'^I delete the config for subject "([^"]*)"$',
     lambda m, st: ("DELETE", "/config/%s" % q(m[1]), None, {})),
    (r'^I get the global mode$', lambda m, st: ("GET", "/mode", None, {})),
    (r'^I set the global mode to "([^"]*)"$',
     lambda m, st: ("PUT", "/mode", {"mode": m[1]}, {})),
    (r'^I get version (\d+) of subject "([^"]*)"$',
     lambda m, st: ("GET", "/subjects/%s/versions/%s" % (q(m[2]), m[1]), None, {})),
    (r'^I get the latest version of subject "([^"]*)"$',
     lambda m, st: ("GET", "/subjects/%s/versions/latest" % q(m[1]), None, {})),
    (r'^I get the raw schema for subject "([^"]*)" version (\d+)$',
     lambda m, st: ("GET", "/subjects/%s/versions/%s/schema" % (q(m[1]), m[2]), None, {})),
    (r'^I get the subjects for the stored schema ID$',
     lambda m, st: ("GET", "/schemas/ids/{{schema_id}}/subjects", None, {})),
    # An assertion upstream, but it is answered by its own request.
    (r'^subject "([^"]*)" should have exactly (\d+) versions$',
     lambda m, st: ("GET", "/subjects/%s/versions" % q(m[1]), None,
                    {"expect_status": 200, "expect_array_length": int(m[2])})),
]
REQUESTS = [(re.compile(p), f) for p, f in REQUESTS]


def set_once(step, key, value, line):
    if key in step and step[key] != value:
        raise ConvertError("line %d: conflicting %s (%r vs %r)" % (line, key, step[key], value))
    step[key] = value


def add_to(step, key, value):
    step.setdefault(key, []).append(value)


def put_in(step, key, field, value, line):
    d = step.setdefault(key, {})
    if field in d and d[field] != value:
        raise ConvertError("line %d: conflicting %s[%s]" % (line, key, field))
    d[field] = value


def apply_assertion(text, step, line):
    """Adds the expectation `text` states to the request step `step`; False if unknown."""
    m = re.match(r'^the response status should be (\d+)$', text)
    if m:
        set_once(step, "expect_status", int(m[1]), line)
        return True
    m = re.match(r'^the response (?:body )?should contain "([^"]*)"$', text)
    if m:
        add_to(step, "expect_body_contains", m[1])
        return True
    m = re.match(r'^the response body should not contain "([^"]*)"$', text)
    if m:
        add_to(step, "expect_body_not_contains", m[1])
        return True
    m = re.match(r'^the response should have field "([^"]*)"$', text)
    if m:
        add_to(step, "expect_fields", m[1])
        return True
    m = re.match(r'^the response should not have field "([^"]*)"$', text)
    if m:
        add_to(step, "expect_no_fields", m[1])
        return True
    m = re.match(r'^the response field "([^"]*)" should be an array of length (\d+)$', text)
    if m:
        put_in(step, "expect_field_array_length", m[1], int(m[2]), line)
        return True
    m = re.match(r'^the response field "([^"]*)" should be "([^"]*)"$', text)
    if m:
        put_in(step, "expect_json_subset", m[1], m[2], line)
        return True
    m = re.match(r'^the response field "([^"]*)" should be (true|false)$', text)
    if m:
        put_in(step, "expect_json_subset", m[1], m[2] == "true", line)
        return True
    m = re.match(r'^the response field "([^"]*)" should be (\d+)$', text)
    if m:
        put_in(step, "expect_json_subset", m[1], int(m[2]), line)
        return True
    m = re.match(r'^the response should be an array of length (\d+)$', text)
    if m:
        set_once(step, "expect_array_length", int(m[1]), line)
        return True
    m = re.match(r'^the response array should contain "([^"]*)"$', text)
    if m:
        add_to(step, "expect_array_contains", m[1])
        return True
    m = re.match(r'^the response should have error code (\d+)$', text)
    if m:
        set_once(step, "expect_error_code", int(m[1]), line)
        return True
    m = re.match(r'^I store the response field "([^"]*)" as "([^"]*)"$', text)
    if m:
        put_in(step, "store", m[2], m[1], line)
        return True
    m = re.match(r'^the response field "([^"]*)" should (not )?equal stored "([^"]*)"$', text)
    if m:
        key = "expect_field_not_equals_stored" if m[2] else "expect_field_equals_stored"
        put_in(step, key, m[1], m[3], line)
        return True
    m = re.match(r'^the compatibility check should be (compatible|incompatible)$', text)
    if m:
        set_once(step, "expect_status", 200, line)
        put_in(step, "expect_json_subset", "is_compatible", m[1] == "compatible", line)
        return True
    return False


def path_only(path):
    return path.split("?", 1)[0]


def convert_scenario(fname, background, sc):
    """Returns (case dict) or raises Skip(reason)."""
    override = OVERRIDES.get((fname, sc.title))
    if override and "skip" in override:
        raise Skip("skipped: " + override["skip"])
    if "@axonops-only" in sc.tags:
        raise Skip(SKIP_AXONOPS_ONLY)
    steps = []
    dropped = []
    for st in background + sc.steps:
        reason = next((r for rx, r in DROPPED_STEPS if rx.match(st.text)), None)
        if reason:
            dropped.append({"line": st.line, "reason": reason})
            continue
        req = next(((rx.match(st.text), fn) for rx, fn in REQUESTS if rx.match(st.text)), None)
        if req:
            m, fn = req
            method, path, body, implied = fn(m, st)
            if not CONFLUENT_PATHS.match(path_only(path)):
                raise Skip(SKIP_EXTENSION % (method, path_only(path)))
            if isinstance(body, dict) and isinstance(body.get("schemaType"), str):
                check_type(body["schemaType"])
            step = {"line": st.line, "method": method, "path": path}
            if body is not None:
                step["body"] = body
            for k, v in implied.items():
                set_once(step, k, v, st.line)
            steps.append(step)
            continue
        if not steps:
            raise ConvertError("%s:%d: assertion before any request: %r" % (fname, st.line, st.text))
        if not apply_assertion(st.text, steps[-1], st.line):
            raise ConvertError("%s:%d: unknown step %r" % (fname, st.line, st.text))
    if not steps:
        raise ConvertError("%s:%d: scenario without requests" % (fname, sc.line))
    return {"steps": steps, "dropped_steps": dropped}


def slug(text):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:80].rstrip("-")


def convert(features_dir):
    scenarios = []
    skipped = []
    names = set()
    per_file = {}
    for fname in FEATURE_FILES:
        path = os.path.join(features_dir, fname)
        background, parsed = parse_feature(path)
        stem = fname[:-len(".feature")]
        counts = {"scenarios": len(parsed), "converted": 0, "skipped": 0}
        for sc in parsed:
            name = "%s/%s" % (stem, slug(sc.title))
            base, n = name, 2
            while name in names:
                name = "%s-%d" % (base, n)
                n += 1
            names.add(name)
            head = {"name": name, "file": fname, "line": sc.line, "title": sc.title}
            try:
                case = convert_scenario(fname, background, sc)
            except Skip as e:
                skipped.append(dict(head, reason=str(e)))
                counts["skipped"] += 1
                continue
            scenarios.append(dict(head, **case))
            counts["converted"] += 1
        per_file[fname] = counts
    return {
        "generated_by": "tests/conformance/convert_axonops.py (do not edit by hand)",
        "source": {"repository": UPSTREAM_REPO, "commit": UPSTREAM_COMMIT,
                   "directory": UPSTREAM_DIR, "files": FEATURE_FILES},
        "counts": {"scenarios": len(scenarios) + len(skipped), "converted": len(scenarios),
                   "skipped": len(skipped), "per_file": per_file},
        "scenarios": scenarios,
        "skipped": skipped,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--features", default=DEFAULT_FEATURES, help="directory of .feature files")
    ap.add_argument("--out", default=DEFAULT_OUT, help="cases file to write")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    args = ap.parse_args()
    try:
        data = convert(args.features)
    except (ConvertError, OSError) as e:
        print("convert_axonops: %s" % e, file=sys.stderr)
        return 2
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    c = data["counts"]
    summary = "%d scenarios: %d converted, %d skipped" % (c["scenarios"], c["converted"],
                                                          c["skipped"])
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                same = f.read() == text
        except OSError:
            same = False
        print("%s; %s is %s" % (summary, args.out, "up to date" if same else "OUT OF DATE"))
        return 0 if same else 1
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("%s -> %s" % (summary, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
