#!/usr/bin/env bash
# run-avro-bench.sh - compare Strata's Avro compatibility checker with Apache
# Avro's Python checker (python3-avro) on the same generated schemas.
#
# Usage: tests/bench/run-avro-bench.sh [BUILD_DIR] [MIN_TIME_SECONDS]
#   BUILD_DIR         a configured and built tree (default: build); this script
#                     builds nothing, it runs BUILD_DIR/tests/bench/avro_bench
#   MIN_TIME_SECONDS  minimum run time of each operation on each side
#                     (default 1 for Strata, 2 for Python)
#
# Prints one table: operation, Strata time/op, Python time/op, ratio
# (Python / Strata), and for compatibility checks the target (>= 100x) and
# whether it is met; then the peak RSS of each process when /usr/bin/time is
# available. Benchmarks are not tests: the exit status is 0 whether the target
# is met or not, and non-zero only when something fails to run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
min_time=${2:-}
bench="$build/tests/bench/avro_bench"
python=/usr/bin/python3
target=100

if [[ ! -x $bench ]]; then
  echo "run-avro-bench.sh: $bench not found; build the tree first (cmake --build $build)" >&2
  exit 2
fi
if ! "$python" -c 'import avro.compatibility' 2>/dev/null; then
  echo "run-avro-bench.sh: $python cannot import avro.compatibility (install python3-avro)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-avro-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bench" --write "$tmp/schemas"

strata_args=()
python_args=()
if [[ -n $min_time ]]; then
  strata_args=(--min-time "$min_time")
  python_args=(--min-time "$min_time")
fi

if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
  have_time=1
else
  have_time=0
fi

run() { # run NAME OUTFILE CMD...
  local name=$1 out=$2
  shift 2
  echo "running $name ..." >&2
  if ((have_time)); then
    /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$out"
  else
    "$@" >"$out"
  fi
}

run strata "$tmp/strata.jsonl" "$bench" "${strata_args[@]}"
run python "$tmp/python.jsonl" "$python" "$here/avro_bench_python.py" "${python_args[@]}" "$tmp/schemas"

rss() { # rss NAME -> kB or empty
  if ((have_time)) && [[ -f $tmp/$1.time ]]; then
    sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): *//p' "$tmp/$1.time"
  fi
}

"$python" - "$tmp/strata.jsonl" "$tmp/python.jsonl" "$target" "$(rss strata)" "$(rss python)" <<'EOF'
import json
import sys

strata_file, python_file, target, rss_strata, rss_python = sys.argv[1:6]
target = float(target)


def load(path):
    with open(path, encoding="utf-8") as f:
        return {r["op"]: r for r in (json.loads(line) for line in f if line.strip())}


strata = load(strata_file)
python = load(python_file)


def fmt_us(us):
    if us >= 1e6:
        return "%.2f s" % (us / 1e6)
    if us >= 1e3:
        return "%.2f ms" % (us / 1e3)
    return "%.2f us" % us


# the checks the target is set for (the issue's "time per check": schemas
# already parsed, as the registry holds them); other rows, including the
# *_with_parse ones that add parsing every schema from text, are for information
TARGET_OPS = {"backward_wide", "backward_transitive_chain"}
rows = []
met_all = True
checks = 0
for op, s in strata.items():
    p = python.get(op)
    if p is None:
        continue
    ratio = p["mean_us"] / s["mean_us"] if s["mean_us"] > 0 else float("inf")
    is_check = "compatible" in s
    note = ""
    if is_check and s["compatible"] != p.get("compatible"):
        note = "  VERDICT DIFFERS (strata %s, python %s)" % (s["compatible"], p.get("compatible"))
    if op in TARGET_OPS:
        checks += 1
        met = ratio >= target
        met_all = met_all and met
        tgt, ok = ">= %dx" % target, ("yes" if met else "NO")
    else:
        tgt, ok = "-", "-"
    rows.append((op, fmt_us(s["mean_us"]), fmt_us(p["mean_us"]), "%.1fx" % ratio, tgt, ok + note))

head = ("check", "strata/op", "python/op", "ratio", "target", "met")
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, head))
print(line)
print("-" * len(line))
for r in rows:
    print("  ".join("%-*s" % (w, c) if i == 0 else "%*s" % (w, c) if i < 5 else "%-*s" % (w, c)
                    for i, (w, c) in enumerate(zip(widths, r))))
print()
print("ratio = python time / strata time; target for the BACKWARD checks: %s (%d checks)"
      % ("MET" if met_all else "NOT MET", checks))
if rss_strata and rss_python:
    print("peak RSS (whole process, /usr/bin/time -v): strata %.1f MB, python %.1f MB (%.1fx)"
          % (int(rss_strata) / 1024, int(rss_python) / 1024, int(rss_python) / max(int(rss_strata), 1)))
else:
    print("peak RSS: skipped (/usr/bin/time -v not available)")
EOF
