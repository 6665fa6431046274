#!/usr/bin/python3
"""Converts the public Protobuf compatibility vectors into tests/compat/protobuf/<case>/.

Usage: /usr/bin/python3 tests/compat/import_protobuf_vectors.py [VECTORS_DIR]
(VECTORS_DIR defaults to ../shared/vectors relative to the repository root.)

Only facts are carried over: schema pairs, import files, Confluent's difference lists and
verdicts. The folder layout and expect.json format are Strata's own (see SOURCES.md).
Generated folders are committed; CI does not run this script.
"""
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "protobuf")

# Confluent's compatible Difference.Type set (SchemaDiff.COMPATIBLE_CHANGES, current master).
COMPATIBLE = {
    "MESSAGE_ADDED", "MESSAGE_MOVED", "ENUM_ADDED", "ENUM_REMOVED", "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED", "ENUM_CONST_REMOVED", "FIELD_ADDED", "FIELD_REMOVED",
    "FIELD_NAME_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED", "ONEOF_ADDED", "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
}

CONFLUENT_REPO = "confluentinc/schema-registry@794611bd86d1"
KARAPACE_REPO = "Aiven-Open/karapace@3bbc1f8d30d7"

# Files Strata has built in (the well-known types): never copied into a case.
BUILT_IN = re.compile(r"^google/protobuf/")


def slug(text, limit=60):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def issues_of(changes, direction="BACKWARD"):
    out = []
    for change in changes:
        code, path = change.split(" ", 1)
        if code not in COMPATIBLE:
            out.append({"code": code, "path": path, "direction": direction, "version": 1})
    return out


def schema_text(value, resources):
    if value.endswith(".proto") and "\n" not in value:
        with open(os.path.join(resources, value), encoding="utf-8") as f:
            return f.read()
    return value


def write_imports(case_dir, side, deps, proto_types):
    """Writes one side's import files under <side>-imports/<import path>."""
    names = []
    for dep in deps or []:
        name = dep["name"]
        if BUILT_IN.match(name):
            names.append(name + " (built in)")
            continue
        text = dep.get("dependency")
        if text is None:
            with open(os.path.join(proto_types, name), encoding="utf-8") as f:
                text = f.read()
        write(os.path.join(case_dir, side + "-imports", name), text)
        names.append(name)
    return names


def convert_confluent(vectors, file_name, prefix, start):
    resources = os.path.join(vectors, "schema-registry/protobuf-provider/src/test/resources")
    proto_types = os.path.join(vectors, "schema-registry/protobuf-types/src/main/proto")
    with open(os.path.join(resources, file_name), encoding="utf-8") as f:
        cases = json.load(f)
    made = []
    for n, case in enumerate(cases, start):
        name = "%s-%02d-%s" % (prefix, n, slug(case["description"]))
        case_dir = os.path.join(OUT, name)
        write(os.path.join(case_dir, "old-1.proto"), schema_text(case["original_schema"], resources))
        write(os.path.join(case_dir, "new.proto"), schema_text(case["update_schema"], resources))
        old_imports = write_imports(case_dir, "old-1", case.get("original_dependencies"),
                                    proto_types)
        new_imports = write_imports(case_dir, "new", case.get("update_dependencies"), proto_types)
        issues = issues_of(case["changes"])
        if bool(issues) == bool(case["compatible"]):
            raise SystemExit("%s: verdict and change list disagree" % name)
        expect = {
            "source": "%s protobuf-provider/src/test/resources/%s#%d (%s)"
                      % (CONFLUENT_REPO, file_name, n - start + 1, case["description"]),
            "changes": case["changes"],
            "checks": [{"level": "BACKWARD", "compatible": case["compatible"], "issues": issues}],
        }
        refs = {}
        for side, key in (("old-1", "original_references"), ("new", "update_references")):
            if case.get(key):
                refs[side] = ["%s -> %s v%s" % (r["name"], r["subject"], r["version"])
                              for r in case[key]]
        if refs:
            expect["references"] = refs
        if old_imports or new_imports:
            expect["imports"] = {"old-1": old_imports, "new": new_imports}
        if case.get("original_metadata") or case.get("update_metadata"):
            expect["note"] = ("the vector also carries registry metadata %s; it only matters with "
                              "validateFields=true, which this check does not use"
                              % json.dumps(case.get("update_metadata")))
        write(os.path.join(case_dir, "expect.json"), json.dumps(expect, indent=2))
        made.append(name)
    return made


# Karapace's verdicts where Confluent's rules give another one (compatibility.md §2.2).
KARAPACE_CONFLUENT_VERDICT = {
    "test_compatibility_package": (False, "Karapace treats a package change as compatible; "
                                          "Confluent reports PACKAGE_CHANGED (incompatible)"),
    "test_compatibility_field_tag_change": (True, "Karapace flags the renumbering as "
                                                  "FIELD_TAG_ALTER; Confluent sees FIELD_REMOVED + "
                                                  "FIELD_ADDED, both compatible"),
    "test_changing_field_number_is_incompatible": (True, "Karapace flags the renumbering; "
                                                         "Confluent sees FIELD_REMOVED + "
                                                         "FIELD_ADDED, both compatible"),
}

# Karapace cases Strata cannot run: protoc (and Strata's parser, which follows it) rejects them.
KARAPACE_SKIPPED = {
    "test_compatibility_ordering_change_msg": "uses field number 0, which protoc rejects",
}


def convert_karapace(vectors):
    with open(os.path.join(vectors, "_derived/karapace-protobuf-cases.json"), encoding="utf-8") as f:
        data = json.load(f)
    made = []
    for n, case in enumerate(data["cases"], 1):
        test = case["source"].rsplit("::", 1)[-1]
        if test in KARAPACE_SKIPPED:
            continue
        name = "karapace-%02d-%s" % (n, slug(test.replace("test_", "", 1)))
        case_dir = os.path.join(OUT, name)
        write(os.path.join(case_dir, "old-1.proto"), case["old_schema"])
        write(os.path.join(case_dir, "new.proto"), case["new_schema"])
        compatible = case["expected_backward_compatible"]
        expect = {"source": "%s %s (via _derived/karapace-protobuf-cases.json#%d)"
                            % (KARAPACE_REPO, case["source"].split(" ", 1)[-1], n)}
        if test in KARAPACE_CONFLUENT_VERDICT:
            compatible, why = KARAPACE_CONFLUENT_VERDICT[test]
            expect["note"] = "verdict changed to Confluent's: " + why
        expect["checks"] = [{"level": "BACKWARD", "compatible": compatible}]
        write(os.path.join(case_dir, "expect.json"), json.dumps(expect, indent=2))
        made.append(name)

    # protopace's fixture pair: field 5 changes from string to int32.
    fixtures = os.path.join(vectors, "karapace/go/protopace/fixtures")
    name = "karapace-%02d-protopace-fixture-string-to-int32" % (len(data["cases"]) + 1)
    case_dir = os.path.join(OUT, name)
    with open(os.path.join(fixtures, "test_previous.proto"), encoding="utf-8") as f:
        write(os.path.join(case_dir, "old-1.proto"), f.read())
    with open(os.path.join(fixtures, "test.proto"), encoding="utf-8") as f:
        write(os.path.join(case_dir, "new.proto"), f.read())
    with open(os.path.join(fixtures, "dependency.proto"), encoding="utf-8") as f:
        dep = f.read()
    for side in ("old-1", "new"):
        write(os.path.join(case_dir, side + "-imports/my/awesome/customer/v1/nested_value.proto"),
              dep)
    expect = {
        "source": "%s go/protopace/fixtures/{test_previous,test,dependency}.proto" % KARAPACE_REPO,
        "note": "Karapace's buf-based check reports the type change of field 5; the change list "
                "is derived from Confluent's rules (string and int32 are different scalar kinds)",
        "changes": ["FIELD_SCALAR_KIND_CHANGED #/EventValue/5"],
        "imports": {"old-1": ["my/awesome/customer/v1/nested_value.proto",
                              "google/protobuf/timestamp.proto (built in)"],
                    "new": ["my/awesome/customer/v1/nested_value.proto",
                            "google/protobuf/timestamp.proto (built in)"]},
        "checks": [{"level": "BACKWARD", "compatible": False,
                    "issues": issues_of(["FIELD_SCALAR_KIND_CHANGED #/EventValue/5"])}],
    }
    write(os.path.join(case_dir, "expect.json"), json.dumps(expect, indent=2))
    made.append(name)
    return made


def main():
    vectors = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "vectors")
    for entry in os.listdir(OUT) if os.path.isdir(OUT) else []:
        if entry.startswith(("confluent-", "karapace-")):
            shutil.rmtree(os.path.join(OUT, entry))
    made = convert_confluent(vectors, "diff-schema-examples.json", "confluent", 1)
    made += convert_confluent(vectors, "diff-schema-examples-with-meta.json", "confluent-meta", 1)
    made += convert_karapace(vectors)
    print("wrote %d cases under %s" % (len(made), OUT))


if __name__ == "__main__":
    main()
