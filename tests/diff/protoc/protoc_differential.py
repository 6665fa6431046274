#!/usr/bin/env python3
"""protoc_differential.py - Strata's .proto parser against protoc.

For every .proto file below each import root, compiles the file alone with
`protoc --descriptor_set_out` and with `strata proto compile` (same -I, imports
not included), then compares the two FileDescriptorSets: byte for byte, and
if the bytes differ, as decoded by `protoc --decode` (the field-by-field
view the report shows). A file protoc rejects must be rejected by Strata too, with
protoc's first error message ("file:line:col: message").

Roots: /usr/include (google/protobuf/**/*.proto), every case directory of the
buf breaking-rule vectors (../shared/vectors/buf/...: each is an import root),
Confluent's protobuf test files and confluent/meta.proto, Karapace's fixtures,
and tests/diff/protoc/cases (Strata's own cases: custom options, aggregates,
groups, defaults). Files written in editions syntax are compiled by Strata but
not compared when this protoc predates editions (it rejects `edition = ...`);
they are counted separately.

Exit status 0 when every compared file matches, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DESCRIPTOR = "google/protobuf/descriptor.proto"


def proto_files(root, under=""):
    base = os.path.join(root, under)
    for dirpath, _, names in os.walk(base):
        for n in sorted(names):
            if n.endswith(".proto"):
                yield os.path.relpath(os.path.join(dirpath, n), root)


def decode(protoc, data):
    r = subprocess.run([protoc, "-I/usr/include", "--decode=google.protobuf.FileDescriptorSet",
                        DESCRIPTOR], input=data, capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else "<undecodable>"


def is_editions(path):
    with open(path, "rb") as f:
        head = f.read(4096).decode("utf-8", "replace")
    for line in head.splitlines():
        s = line.strip()
        if s.startswith("edition"):
            return True
        if s and not s.startswith("//"):
            return False
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata", required=True)
    ap.add_argument("--protoc", default="protoc")
    ap.add_argument("--vectors", default=os.path.join(HERE, "..", "..", "..", "..", "shared",
                                                      "vectors", "buf"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    roots = [("/usr/include", "google/protobuf", [])]
    vec = os.path.abspath(args.vectors)
    if not os.path.isdir(vec):
        print(f"FAIL: vector directory {vec} not found")
        return 1
    for side in ("previous", "current"):
        base = os.path.join(vec, "private/bufpkg/bufcheck/testdata/breaking", side)
        for case in sorted(os.listdir(base)):
            roots.append((os.path.join(base, case), "", []))
    shared = os.path.dirname(vec)
    types = os.path.join(shared, "schema-registry/protobuf-types/src/main/proto")
    roots.append((types, "", []))
    roots.append((os.path.join(shared, "schema-registry/protobuf-provider/src/test/resources/"
                                       "io/confluent/kafka/schemaregistry/protobuf/diff"), "",
                  [types]))
    roots.append((os.path.join(shared, "karapace/go/protopace/fixtures"), "", []))
    roots.append((os.path.join(HERE, "cases"), "", []))

    counts = {"equal": 0, "both-rejected": 0, "editions-unsupported-by-protoc": 0,
              "mismatch": 0}
    mismatches = []
    with tempfile.TemporaryDirectory() as tmp:
        ours = os.path.join(tmp, "ours.binpb")
        theirs = os.path.join(tmp, "theirs.binpb")
        for root, under, extra in roots:
            for rel in proto_files(root, under):
                for p in (ours, theirs):
                    if os.path.exists(p):
                        os.unlink(p)
                # protoc needs the well-known types on its path; Strata has them built in
                inc = ["-I" + root] + ["-I" + d for d in extra]
                strata_inc = list(inc)
                inc += ["-I/usr/include"] if root != "/usr/include" else []
                pr = subprocess.run([args.protoc] + inc + ["--descriptor_set_out=" + theirs, rel],
                                    cwd=tmp, capture_output=True)
                sr = subprocess.run([args.strata, "proto", "compile"] + strata_inc + [rel, "-o", ours],
                                    cwd=tmp, capture_output=True, timeout=60)
                name = os.path.join(root, rel)
                serr = sr.stderr.decode("utf-8", "replace").strip()
                if pr.returncode != 0:
                    if is_editions(name):
                        if sr.returncode == 0:
                            counts["editions-unsupported-by-protoc"] += 1
                        else:
                            counts["mismatch"] += 1
                            mismatches.append((name, "editions file rejected: " + serr))
                        continue
                    perr = [ln for ln in pr.stderr.decode("utf-8", "replace").splitlines()
                            if ln and not ln.startswith("[libprotobuf")]
                    first = perr[0] if perr else ""
                    ours_msg = serr[len("strata: "):] if serr.startswith("strata: ") else serr
                    if sr.returncode != 0 and ours_msg == first:
                        counts["both-rejected"] += 1
                    elif sr.returncode != 0:
                        counts["mismatch"] += 1
                        mismatches.append((name, f"both reject, different error:\n  protoc: "
                                                 f"{first}\n  strata: {ours_msg}"))
                        if args.verbose:
                            print(f"both rejected {name}:\n  protoc: "
                                  f"{pr.stderr.decode().strip()}\n  strata: {serr}")
                    else:
                        counts["mismatch"] += 1
                        mismatches.append((name, "protoc rejects, strata accepts: " +
                                           pr.stderr.decode("utf-8", "replace").strip()))
                    continue
                if sr.returncode != 0:
                    counts["mismatch"] += 1
                    mismatches.append((name, "strata rejects: " + serr))
                    continue
                a = open(ours, "rb").read()
                b = open(theirs, "rb").read()
                if a == b:
                    counts["equal"] += 1
                    continue
                da, db = decode(args.protoc, a), decode(args.protoc, b)
                if da == db:
                    counts["equal"] += 1  # same message, different byte order
                    continue
                counts["mismatch"] += 1
                import difflib
                diff = "".join(list(difflib.unified_diff(db.splitlines(True), da.splitlines(True),
                                                         "protoc", "strata"))[:40])
                mismatches.append((name, "descriptor sets differ:\n" + diff))
    for name, why in mismatches:
        print(f"MISMATCH {name}: {why}")
    total = sum(counts.values())
    print(f"{total} files: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if counts["mismatch"] else 0


if __name__ == "__main__":
    sys.exit(main())
