#!/usr/bin/python3
"""Regenerate the data-driven Avro compatibility corpus in tests/compat/avro/.

Usage: /usr/bin/python3 tests/compat/import_avro_vectors.py [VECTORS_DIR]

VECTORS_DIR defaults to ../shared/vectors relative to the repository root. It must hold the
public vectors catalogued in its INDEX.md. Every case becomes one folder

    tests/compat/avro/<case>/new.avsc        the candidate schema
    tests/compat/avro/<case>/old-N.avsc      previous schemas, oldest first (N = 1, 2, ...)
    tests/compat/avro/<case>/expect.json     {"source": ..., "checks": [...]} (see SOURCES.md)

Reader/writer pairs map to level BACKWARD: the reader is new.avsc and the writer old-1.avsc.
Folders with the prefixes rw-, levels-, edge- and apicurio- are deleted and rewritten; anything
else in tests/compat/avro/ is left alone. The generated folders are committed; CI never runs this
script.
"""

import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(HERE, "avro")
PREFIXES = ("rw-", "levels-", "edge-", "apicurio-")

RW_FILE = "_derived/avro-reader-writer-cases.json"
LEVELS_FILE = "_derived/avro-confluent-levels.json"
EDGE_FILE = "_derived/avro-edge-cases-inferred.json"
APICURIO_FILE = (
    "apicurio-registry/schema-util/avro/src/test/resources/io/apicurio/registry/rules/"
    "compatibility/avro/compatibility-test-data.json"
)

EXPECTED_COUNTS = {"rw": 151, "levels": 32, "edge": 29, "apicurio": 4}
LEVELS = (
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
)


def slugify(text, limit=60):
    """Lower-case, [a-z0-9-] only, cut at a dash boundary to at most limit characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        if "-" in cut and slug[limit] != "-":
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug or "case"


def summarise(schema, depth=0):
    """A few words naming an Avro schema, for folder names."""
    if isinstance(schema, str):
        return schema.rsplit(".", 1)[-1]
    if isinstance(schema, list):
        if not schema:
            return "empty-union"
        if depth > 0:
            return "union"
        return "union-" + "-".join(summarise(b, depth + 1) for b in schema[:4])
    if isinstance(schema, dict):
        kind = schema.get("type")
        if isinstance(kind, (dict, list)):
            return summarise(kind, depth)
        if kind in ("record", "error", "enum", "fixed"):
            return str(schema.get("name", kind)).rsplit(".", 1)[-1] if depth else "%s-%s" % (
                kind,
                str(schema.get("name", "")).rsplit(".", 1)[-1],
            )
        if kind == "array":
            return "array-" + summarise(schema.get("items"), depth + 1)
        if kind == "map":
            return "map-" + summarise(schema.get("values"), depth + 1)
        return str(kind)
    return "schema"


def rw_slug(reader, writer, expected):
    words = "%s-reads-%s" % (summarise(reader), summarise(writer))
    if expected.get("compatible"):
        words += "-ok"
    elif expected.get("incompatibilities"):
        words += "-" + expected["incompatibilities"][0]["type"]
    return slugify(words)


def issues_of(incompatibilities):
    """Java SchemaCompatibility incompatibilities -> our issue objects (BACKWARD, version 1)."""
    out = []
    for inc in incompatibilities:
        out.append(
            {
                "code": inc["type"],
                "path": inc["location"],
                "detail": inc["message"],
                "direction": "BACKWARD",
                "version": 1,
            }
        )
    return out


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(value, indent=2, ensure_ascii=False))
        f.write("\n")


def write_case(name, new_schema, old_schemas, expect):
    folder = os.path.join(OUT_DIR, name)
    if os.path.exists(folder):
        raise SystemExit("duplicate case folder: " + name)
    os.makedirs(folder)
    write_json(os.path.join(folder, "new.avsc"), new_schema)
    for i, old in enumerate(old_schemas, start=1):
        write_json(os.path.join(folder, "old-%d.avsc" % i), old)
    for check in expect["checks"]:
        if check["level"] not in LEVELS:
            raise SystemExit("%s: unknown level %r" % (name, check["level"]))
    write_json(os.path.join(folder, "expect.json"), expect)


def load(vectors, rel):
    with open(os.path.join(vectors, rel), encoding="utf-8") as f:
        return json.load(f)


def import_reader_writer(vectors):
    data = load(vectors, RW_FILE)
    count = 0
    for case in data["cases"]:
        exp = case["expected"]
        num = case["id"].rsplit("-", 1)[-1]
        if exp["compatible"] and exp["incompatibilities"]:
            raise SystemExit(case["id"] + ": compatible with incompatibilities")
        name = "rw-%s-%s" % (num, rw_slug(case["reader"], case["writer"], exp))
        expect = {
            "source": "shared/vectors/%s#%s" % (RW_FILE, case["id"]),
            "note": "%s; upstream: %s" % (case["details_status"], "; ".join(case["sources"])),
            "checks": [
                {
                    "level": "BACKWARD",
                    "compatible": bool(exp["compatible"]),
                    "issues": issues_of(exp["incompatibilities"]),
                }
            ],
        }
        write_case(name, case["reader"], [case["writer"]], expect)
        count += 1
    return count


def import_levels(vectors):
    data = load(vectors, LEVELS_FILE)
    schemas = data["schemas"]
    count = 0
    for i, case in enumerate(data["cases"], start=1):
        olds = case["previous_schemas_oldest_first"]
        short = lambda s: s.replace("schema", "s")  # noqa: E731
        words = "%s-on-%s" % (short(case["new_schema"]), "-".join(short(o) for o in olds))
        name = "levels-%02d-%s-%s" % (i, slugify(case["level"]), slugify(words))
        note = "new=%s, previous (oldest first)=%s" % (case["new_schema"], ", ".join(olds))
        if case.get("comment"):
            note += "; " + case["comment"]
        expect = {
            "source": "shared/vectors/%s#cases[%d]" % (LEVELS_FILE, i - 1),
            "note": note,
            "checks": [{"level": case["level"], "compatible": bool(case["expected_compatible"])}],
        }
        write_case(name, schemas[case["new_schema"]], [schemas[o] for o in olds], expect)
        count += 1
    return count


def import_edge(vectors):
    data = load(vectors, EDGE_FILE)
    count = 0
    for i, case in enumerate(data["cases"], start=1):
        exp = case["expected"]
        name = "edge-%02d-%s" % (i, slugify(case["description"], 48))
        note = "inferred from the Java source, no upstream assertion: " + case["description"]
        if "error" in exp:
            # Java throws; the Confluent wrapper reports one "Unexpected exception" message. The
            # vector gives no Java-format incompatibility, so only the verdict is asserted.
            note += " (expected Java error: %s)" % exp["error"]
            check = {"level": "BACKWARD", "compatible": False}
        else:
            if exp["compatible"] and exp["incompatibilities"]:
                raise SystemExit("edge %d: compatible with incompatibilities" % i)
            check = {
                "level": "BACKWARD",
                "compatible": bool(exp["compatible"]),
                "issues": issues_of(exp["incompatibilities"]),
            }
        expect = {
            "source": "shared/vectors/%s#cases[%d]" % (EDGE_FILE, i - 1),
            "note": note,
            "checks": [check],
        }
        write_case(name, case["reader"], [case["writer"]], expect)
        count += 1
    return count


# Apicurio CompatibilityTestExecutor checks BACKWARD and FORWARD of (original -> updated):
#   backward: BACKWARD compatible and FORWARD incompatible
#   both:     BACKWARD compatible and FORWARD compatible
#   none:     BACKWARD incompatible and FORWARD incompatible
APICURIO_LABELS = {"backward": (True, False), "both": (True, True), "none": (False, False)}


def import_apicurio(vectors):
    data = load(vectors, APICURIO_FILE)
    count = 0
    for i, case in enumerate(data["tests"], start=1):
        if not case.get("enabled", True):
            continue
        label = case["compatibility"]
        if label not in APICURIO_LABELS:
            raise SystemExit("apicurio %r: unknown label %r" % (case["id"], label))
        backward, forward = APICURIO_LABELS[label]
        slug = slugify(case["id"].replace("https://github.com/Apicurio/apicurio-registry/", ""))
        name = "apicurio-%02d-%s" % (i, slug)
        expect = {
            "source": "Apicurio/apicurio-registry@b40e01738287 %s#%s"
            % (APICURIO_FILE.split("/", 1)[1], case["id"]),
            "note": "labelled %r: BACKWARD %s, FORWARD %s"
            % (
                label,
                "compatible" if backward else "incompatible",
                "compatible" if forward else "incompatible",
            ),
            "checks": [
                {"level": "BACKWARD", "compatible": backward},
                {"level": "FORWARD", "compatible": forward},
            ],
        }
        write_case(name, case["updated"], [case["original"]], expect)
        count += 1
    return count


def main(argv):
    if len(argv) > 2:
        raise SystemExit(__doc__)
    vectors = argv[1] if len(argv) == 2 else os.path.join(REPO_ROOT, "..", "shared", "vectors")
    vectors = os.path.abspath(vectors)
    if not os.path.isfile(os.path.join(vectors, "INDEX.md")):
        raise SystemExit("not a vectors directory (no INDEX.md): " + vectors)

    os.makedirs(OUT_DIR, exist_ok=True)
    for entry in sorted(os.listdir(OUT_DIR)):
        if entry.startswith(PREFIXES) and os.path.isdir(os.path.join(OUT_DIR, entry)):
            shutil.rmtree(os.path.join(OUT_DIR, entry))

    counts = {
        "rw": import_reader_writer(vectors),
        "levels": import_levels(vectors),
        "edge": import_edge(vectors),
        "apicurio": import_apicurio(vectors),
    }
    for key, n in counts.items():
        print("%-9s %4d case folders" % (key, n))
    print("total     %4d" % sum(counts.values()))
    if counts != EXPECTED_COUNTS:
        raise SystemExit("unexpected counts, wanted %s" % EXPECTED_COUNTS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
