#!/usr/bin/python3
"""Reference side of the Avro benchmark: Apache Avro's Python checker.

Loads the schemas written by `avro_bench --write DIR` and times
avro.compatibility.ReaderWriterCompatibilityChecker on the same checks that
avro_bench times for Strata, printing one JSON object per line with the same
"op" names:

  parse_wide_old / parse_wide_new    avro.schema.parse of the wide record
  parse_chain_each                   one chain version (mean over the 100)
  backward_wide                      reader = wide_new, writer = wide_old
  backward_wide_with_parse           the same, parsing both texts each time
  backward_transitive_chain          reader = v100, writer = each of v1..v99
  backward_transitive_chain_with_parse  the same, parsing all 100 texts
  full_wide                          both directions of the wide pair (info)

The checker memoises (reader, writer) pairs, so a fresh
ReaderWriterCompatibilityChecker is created for every check, as a registry
would. Run with Debian's interpreter: /usr/bin/python3 (python3-avro).
Benchmarks are not tests: nothing here asserts a time.
"""

import argparse
import json
import os
import sys
import time

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

CHAIN_VERSIONS = 100


def parse(text):
    return avro.schema.parse(text)


def compatible(reader, writer):
    result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    return result.compatibility is SchemaCompatibilityType.compatible


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="directory written by avro_bench --write")
    ap.add_argument("--reps", type=int, default=0, help="fixed repetitions per operation")
    ap.add_argument("--min-time", type=float, default=2.0,
                    help="seconds per operation when --reps is not given (default 2)")
    ap.add_argument("--format", choices=("json", "table"), default="json")
    args = ap.parse_args()

    def read(name):
        with open(os.path.join(args.dir, name), encoding="utf-8") as f:
            return f.read()

    wide_old_text = read("wide_old.avsc")
    wide_new_text = read("wide_new.avsc")
    chain_texts = [read("chain_%03d.avsc" % (v + 1)) for v in range(CHAIN_VERSIONS)]

    wide_old = parse(wide_old_text)
    wide_new = parse(wide_new_text)
    chain = [parse(t) for t in chain_texts]

    def op_parse_wide_old():
        parse(wide_old_text)

    def op_parse_wide_new():
        parse(wide_new_text)

    def op_parse_chain_all():
        for t in chain_texts:
            parse(t)

    def op_backward_wide():
        return compatible(wide_new, wide_old)

    def op_backward_wide_with_parse():
        return compatible(parse(wide_new_text), parse(wide_old_text))

    def transitive(schemas):
        new = schemas[-1]
        ok = True
        # newest first, as a registry reports; every version is checked
        for old in reversed(schemas[:-1]):
            if not compatible(new, old):
                ok = False
        return ok

    def op_backward_transitive_chain():
        return transitive(chain)

    def op_backward_transitive_chain_with_parse():
        return transitive([parse(t) for t in chain_texts])

    def op_full_wide():
        backward = compatible(wide_new, wide_old)
        forward = compatible(wide_old, wide_new)
        return backward and forward

    ops = [
        ("parse_wide_old", op_parse_wide_old, 1, None),
        ("parse_wide_new", op_parse_wide_new, 1, None),
        ("parse_chain_each", op_parse_chain_all, CHAIN_VERSIONS, None),
        ("backward_wide", op_backward_wide, 1, True),
        ("backward_wide_with_parse", op_backward_wide_with_parse, 1, True),
        ("backward_transitive_chain", op_backward_transitive_chain, 1, True),
        ("backward_transitive_chain_with_parse", op_backward_transitive_chain_with_parse, 1, True),
        ("full_wide", op_full_wide, 1, False),
    ]

    status = 0
    if args.format == "table":
        print("python3-avro %s, mean time per operation" % getattr(avro, "__version__", "?"))
    for name, fn, per_call, expect in ops:
        verdict = fn()  # warm-up, and the verdict
        if expect is not None and verdict != expect:
            print("avro_bench_python: %s: expected %s, got %s" % (name, expect, verdict), file=sys.stderr)
            status = 1
        n = 0
        start = time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if (n >= args.reps) if args.reps > 0 else (n >= 3 and elapsed >= args.min_time):
                break
        mean_us = elapsed / n / per_call * 1e6
        if args.format == "table":
            print("%-38s %12.2f us/op  %8d reps  %s" % (
                name, mean_us, n, "" if expect is None else ("compatible" if verdict else "incompatible")))
        else:
            rec = {"impl": "python-avro", "op": name, "reps": n, "ops_per_rep": per_call,
                   "mean_us": round(mean_us, 3)}
            if expect is not None:
                rec["compatible"] = verdict
            print(json.dumps(rec))
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
