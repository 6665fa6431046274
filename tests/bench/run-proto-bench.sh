#!/usr/bin/env bash
# run-proto-bench.sh - time Strata's Protobuf compatibility check against `buf breaking` on the
# same generated pair (a .proto with 500 messages and an evolved copy), in the same run.
#
# Usage: tests/bench/run-proto-bench.sh [BUILD_DIR] [MESSAGES]
#   BUILD_DIR  a configured and built tree (default: build); runs
#              BUILD_DIR/tests/compat/strata-proto-diff
#   MESSAGES   messages in the generated file (default 500)
#
# Strata: parse both files and check both directions (BACKWARD and FORWARD), measured in
# process over many runs (mean), and once as a whole process (exec included). buf: the mean
# wall time of `buf breaking new --against old` (WIRE_JSON rules) over several runs. Prints the
# times and the ratios; the target is buf / Strata >= 20x. Benchmarks are not tests: the exit
# status is 0 whether the target is met or not, non-zero only when something fails to run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
messages=${2:-500}
tool="$build/tests/compat/strata-proto-diff"
buf=${STRATA_BUF:-/root/.cache/strata-peers/node_modules/.bin/buf}
target=20
buf_runs=5

if [[ ! -x $tool ]]; then
  echo "run-proto-bench.sh: $tool not found; build the tree first (cmake --build $build)" >&2
  exit 2
fi
if [[ ! -x $buf ]]; then
  echo "run-proto-bench.sh: $buf not found (scripts/install-test-peers.sh installs it)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-proto-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/proto_bench_gen.py" "$tmp" "$messages"
config='{"version":"v2","breaking":{"use":["WIRE_JSON"]}}'

now_ns() { date +%s%N; }

# Strata in process: enough runs for about a second.
"$tool" --check --repeat 3 "$tmp/old/bench.proto" "$tmp/new/bench.proto" >"$tmp/strata.out" 2>"$tmp/warm.err"
warm=$(sed -n 's/^time_us //p' "$tmp/warm.err")
runs=$(/usr/bin/python3 -c "print(max(5, int(1e6 / max($warm, 1))))")
"$tool" --check --repeat "$runs" "$tmp/old/bench.proto" "$tmp/new/bench.proto" >/dev/null 2>"$tmp/strata.err"
strata_us=$(sed -n 's/^time_us //p' "$tmp/strata.err")

# Strata as one process, exec included.
t0=$(now_ns)
"$tool" --check "$tmp/old/bench.proto" "$tmp/new/bench.proto" >/dev/null
t1=$(now_ns)
strata_proc_us=$(( (t1 - t0) / 1000 ))

# buf: one warm-up, then the mean of buf_runs runs (exit status 100 = breaking changes found).
(cd / && "$buf" breaking "$tmp/new" --against "$tmp/old" --config "$config" --against-config "$config" \
  >"$tmp/buf.out" 2>&1) || [[ $? -eq 100 ]]
t0=$(now_ns)
for ((i = 0; i < buf_runs; i++)); do
  (cd / && "$buf" breaking "$tmp/new" --against "$tmp/old" --config "$config" --against-config "$config" \
    >/dev/null 2>&1) || [[ $? -eq 100 ]]
done
t1=$(now_ns)
buf_us=$(( (t1 - t0) / 1000 / buf_runs ))

/usr/bin/python3 - "$messages" "$strata_us" "$runs" "$strata_proc_us" "$buf_us" "$target" \
  "$(grep -c . "$tmp/strata.out" || true)" "$(grep -c . "$tmp/buf.out" || true)" <<'PY'
import sys
messages, strata_us, runs, strata_proc_us, buf_us, target, n_strata, n_buf = sys.argv[1:9]
strata_us, strata_proc_us, buf_us, target = float(strata_us), float(strata_proc_us), float(buf_us), float(target)
def ms(us):
    return "%.2f ms" % (us / 1000)
print("pair: %s messages, evolved copy (Strata: %s incompatible differences over both directions; "
      "buf WIRE_JSON: %s findings)" % (messages, n_strata, n_buf))
print("%-46s %12s" % ("Strata parse both + check (in process, %s runs)" % runs, ms(strata_us)))
print("%-46s %12s" % ("Strata one process (exec included)", ms(strata_proc_us)))
print("%-46s %12s" % ("buf breaking (one process, mean)", ms(buf_us)))
r1 = buf_us / strata_us
r2 = buf_us / max(strata_proc_us, 1)
print("ratio buf / Strata: %.1fx in process, %.1fx process to process; target >= %dx: %s"
      % (r1, r2, target, "MET" if min(r1, r2) >= target else ("MET in process only" if r1 >= target else "NOT MET")))
PY
