#!/usr/bin/python3
"""Differential test: Strata's Protobuf checker (Confluent's rules) against `buf breaking`.

Usage: buf_differential.py --tool STRATA_PROTO_DIFF [--buf BUF] [--vectors DIR] [-v]

Pairs: every case under tests/diff/buf/cases/<case>/{previous,current}/ and, when VECTORS_DIR
(default ../shared/vectors relative to the repository) is present, buf's own testdata
(buf/private/bufpkg/bufcheck/testdata/breaking/{previous,current}/<case>/). For each pair buf
runs once on the module (current --against previous) with the rules of the mapping table below,
and Strata runs on every .proto file present on both sides (BACKWARD: old = previous).

Only changes on which Confluent's and buf's wire rules agree are compared (README.md has the
table). A unit is one file (package, required fields) or one field (type). A unit on which
exactly one side reports a problem is a disagreement; it is "documented" when it falls into one
of the known rule differences (classify() below, README.md) and a failure otherwise.
Exit status: 0 when every disagreement is documented, 1 otherwise, 2 on bad usage or when a
tool cannot run.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DEFAULT_BUF = "/root/.cache/strata-peers/node_modules/.bin/buf"
TESTDATA = "buf/private/bufpkg/bufcheck/testdata/breaking"

# buf rule -> unit kind; Confluent difference types -> unit kind.
BUF_RULES = {
    "FILE_SAME_PACKAGE": "package",
    "MESSAGE_SAME_REQUIRED_FIELDS": "required",
    "FIELD_WIRE_COMPATIBLE_TYPE": "type",
}
STRATA_CODES = {
    "PACKAGE_CHANGED": "package",
    "REQUIRED_FIELD_ADDED": "required",
    "REQUIRED_FIELD_REMOVED": "required",
    "FIELD_KIND_CHANGED": "type",
    "FIELD_SCALAR_KIND_CHANGED": "type",
}
CONFIG = json.dumps({"version": "v2", "breaking": {"use": sorted(BUF_RULES)}})

INTEGERS = {"int32", "int64", "uint32", "uint64", "bool"}
SCALARS = INTEGERS | {"sint32", "sint64", "fixed32", "sfixed32", "fixed64", "sfixed64",
                      "float", "double", "string", "bytes"}

BUF_FIELD = re.compile(r'^Field "(\d+)" with name "[^"]*" on message "([^"]+)" changed type '
                       r'from "([^"]+)" to "([^"]+)"')
BUF_EXTENSION = re.compile(r'^Extension "')
STRATA_FIELD = re.compile(r"^(?:the (key|value) of map )?field (\d+) '([^']*)' of message '([^']+)' is "
                          r"(?:an? (\w+) field \()?([^ )]+)\)? in the old schema but "
                          r"(?:an? (\w+) field \()?([^ )]+)\)?")
MESSAGE_DECL = re.compile(r"^\s*message\s+(\w+)", re.M)


def map_entry_name(field):
    """protoc's name for the entry message of map field @field (foo_bar -> FooBarEntry)."""
    out, upper = [], True
    for ch in field:
        if ch == "_":
            upper = True
        elif upper:
            out.append(ch.upper())
            upper = False
        else:
            out.append(ch)
    return "".join(out) + "Entry"


def run(cmd):
    # from "/": buf refuses an input inside the (implicit) module of the working directory
    return subprocess.run(cmd, capture_output=True, text=True, cwd="/")


def buf_units(buf, prev, cur):
    """buf's findings as {unit: detail}; None when buf cannot build the pair."""
    r = run([buf, "breaking", cur, "--against", prev, "--config", CONFIG, "--against-config",
             CONFIG, "--error-format=json"])
    if r.returncode not in (0, 100):
        return None, r.stderr.strip()
    units = {}
    for line in r.stdout.splitlines():
        if not line.strip():
            continue
        a = json.loads(line)
        kind = BUF_RULES.get(a["type"])
        rel = os.path.relpath(a["path"], cur) if os.path.isabs(a["path"]) else a["path"]
        if kind == "type":
            m = BUF_FIELD.match(a["message"])
            if m:
                units[(rel, "type", m.group(2).split(".")[-1], int(m.group(1)))] = (
                    m.group(3), m.group(4))
            elif BUF_EXTENSION.match(a["message"]):
                units[(rel, "extension", a["message"])] = None
        elif kind is not None:
            units[(rel, kind)] = a["message"]
    return units, None


def strata_units(tool, prev, cur, rel):
    r = run([tool, "--check", "--old-import", prev, "--new-import", cur,
             os.path.join(prev, rel), os.path.join(cur, rel)])
    if r.returncode != 0:
        return None, r.stderr.strip()
    units = {}
    with open(os.path.join(cur, rel), encoding="utf-8") as f:
        declared = set(MESSAGE_DECL.findall(f.read()))
    for line in r.stdout.splitlines():
        head, _, sentence = line.partition("\t")
        direction, code, _path = head.split(" ", 2)
        kind = STRATA_CODES.get(code)
        if direction != "BACKWARD" or kind is None:
            continue
        if kind == "type":
            m = STRATA_FIELD.match(sentence)
            if not m:
                raise SystemExit("cannot read Strata's sentence: %r" % sentence)
            part, number, name, message = m.group(1), int(m.group(2)), m.group(3), m.group(4)
            if part is not None:
                message, number = map_entry_name(name), 1 if part == "key" else 2
            elif message.split(".")[-1] not in declared:
                # a referenced message of an import, diffed because the import changed: buf
                # reports it on the import's own file, which is compared on its own
                continue
            units[(rel, "type", message.split(".")[-1], number)] = (
                m.group(6), m.group(8), m.group(5), m.group(7))
        else:
            units[(rel, kind)] = code
    return units, None


def is_enum(t):
    return t not in SCALARS and t not in ("message", "group")


def moved_between_files(prev, rel, message):
    """Is @message (a name, or buf's finding naming one) missing from the previous file @rel?"""
    m = re.search(r'Message "([^"]+)"', message or "") or re.match(r"^(\w+)$", message or "")
    if not m:
        return False
    try:
        with open(os.path.join(prev, rel), encoding="utf-8") as f:
            declared = set(MESSAGE_DECL.findall(f.read()))
    except OSError:
        declared = set()
    return m.group(1).split(".")[-1] not in declared


def classify(unit, buf_detail, strata_detail, prev):
    """The documented rule difference that explains a disagreement, or None."""
    if unit[1] == "extension":
        return "extensions (Confluent does not compare extensions)"
    if unit[1] == "required" and buf_detail is not None and strata_detail is None:
        if moved_between_files(prev, unit[0], buf_detail):
            return "message moved to another file (Confluent checks one file, buf the module)"
        return None
    if unit[1] != "type":
        return None
    if strata_detail is not None and buf_detail is None:
        kinds = {strata_detail[2], strata_detail[3]}
        if kinds == {"map", "message"}:
            return "map <-> repeated entry message (Confluent: different kinds; buf: same wire)"
        return None
    if buf_detail is not None and strata_detail is None:
        if "delimited" in buf_detail[0] or "delimited" in buf_detail[1]:
            return "proto2 groups / delimited encoding (invisible to Confluent's parser)"
        if moved_between_files(prev, unit[0], unit[2]):
            return "message moved to another file (Confluent checks one file, buf the module)"
        old, new = buf_detail[0], buf_detail[1]
        if (old in INTEGERS and is_enum(new)) or (is_enum(old) and new in INTEGERS):
            return "integer <-> enum (Confluent: one scalar group; buf: different types)"
        if old == "bytes" and new == "string":
            return "bytes -> string (Confluent: one group; buf: only string -> bytes)"
        if is_enum(old) and is_enum(new):
            return "enum -> other enum (Confluent: same scalar group; buf: value by value)"
        if "group" in (old, new) or old.endswith("Group") or new.endswith("Group"):
            return "proto2 groups (invisible to Confluent's parser)"
    return None


def pairs(vectors):
    own = os.path.join(HERE, "cases")
    for name in sorted(os.listdir(own)):
        yield ("own/" + name, os.path.abspath(os.path.join(own, name, "previous")),
               os.path.abspath(os.path.join(own, name, "current")))
    base = os.path.abspath(os.path.join(vectors, TESTDATA))
    if os.path.isdir(base):
        for name in sorted(os.listdir(os.path.join(base, "current"))):
            prev = os.path.join(base, "previous", name)
            if os.path.isdir(prev):
                yield "buf/" + name, prev, os.path.join(base, "current", name)


def proto_files(d):
    out = set()
    for root, _dirs, files in os.walk(d):
        for f in files:
            if f.endswith(".proto"):
                out.add(os.path.relpath(os.path.join(root, f), d))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--buf", default=DEFAULT_BUF)
    ap.add_argument("--vectors", default=os.path.join(ROOT, "..", "shared", "vectors"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.tool = os.path.abspath(args.tool)
    if not os.access(args.buf, os.X_OK):
        print("FAIL: buf not found at %s (scripts/install-test-peers.sh installs it)" % args.buf)
        return 2

    counts = collections.Counter()
    documented = collections.Counter()
    failures = []
    for name, prev, cur in pairs(args.vectors):
        bunits, berr = buf_units(args.buf, prev, cur)
        if bunits is None:
            counts["pairs skipped (buf cannot build them)"] += 1
            if args.verbose:
                print("skip %s: buf: %s" % (name, berr.splitlines()[0] if berr else "?"))
            continue
        counts["pairs"] += 1
        sunits = {}
        files = sorted(proto_files(prev) & proto_files(cur))
        for rel in files:
            u, serr = strata_units(args.tool, prev, cur, rel)
            if u is None:
                counts["files Strata could not parse"] += 1
                if args.verbose:
                    print("skip %s/%s: strata: %s" % (name, rel, serr))
                # buf's file-level findings in that file cannot be compared
                bunits = {k: v for k, v in bunits.items() if k[0] != rel}
                continue
            counts["files"] += 1
            sunits.update(u)
        for unit in sorted(set(bunits) | set(sunits), key=str):
            in_buf, in_strata = unit in bunits, unit in sunits
            if in_buf and in_strata:
                counts["agree: both flag"] += 1
                continue
            why = classify(unit, bunits.get(unit), sunits.get(unit), prev)
            if why:
                documented[why] += 1
            else:
                failures.append((name, unit, bunits.get(unit), sunits.get(unit)))
        # units flagged by neither side: every compared file's package and required units
        counts["agree: neither flags (file units)"] += sum(
            1 for rel in files for kind in ("package", "required")
            if (rel, kind) not in bunits and (rel, kind) not in sunits)

    for k in sorted(counts):
        print("%-45s %d" % (k, counts[k]))
    for k in sorted(documented):
        print("documented difference: %-60s %d" % (k, documented[k]))
    for name, unit, b, s in failures:
        print("DISAGREE %s %s: buf=%s strata=%s" % (name, unit, b, s))
    print("undocumented disagreements: %d" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
