#!/usr/bin/python3
"""Writes the Protobuf benchmark pair: OUT/old/bench.proto (N messages) and OUT/new/bench.proto,
an evolved copy (fields added, renamed, widened, moved into oneofs, every 50th message with an
incompatible type change). Usage: proto_bench_gen.py OUT [N=500]"""
import os
import sys


def message(i, n, evolved):
    other = "M%04d" % ((i + 1) % n)
    lines = ["message M%04d {" % i,
             "  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }",
             "  message Detail { string note = 1; int64 at = 2; }"]
    lines.append("  string id = 1;")
    lines.append("  %s count = 2;" % ("int64" if evolved else "int32"))
    lines.append("  double amount = 3;")
    lines.append("  %s name = 4;" % ("int32" if evolved and i % 50 == 0 else "string"))
    lines.append("  Kind kind = 5;")
    lines.append("  Detail detail = 6;")
    lines.append("  repeated string tags = 7;")
    lines.append("  map<string, int64> totals = 8;")
    lines.append("  %s next = 9;" % other)
    if evolved:
        lines.append("  oneof choice { string code = 10; sint64 delta = 11; bytes raw = 12; }")
        lines.append("  optional bool flagged_v2 = 13;")
    else:
        lines.append("  oneof choice { string code = 10; sint64 delta = 11; }")
        lines.append("  optional bool flagged = 13;")
    lines.append("}")
    return "\n".join(lines)


def write(path, n, evolved):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write('syntax = "proto3";\n\npackage bench.v1;\n\n')
        for i in range(n):
            f.write(message(i, n, evolved) + "\n\n")
        if evolved:
            f.write("message Added { string id = 1; }\n")


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    write(os.path.join(out, "old", "bench.proto"), n, False)
    write(os.path.join(out, "new", "bench.proto"), n, True)


if __name__ == "__main__":
    main()
