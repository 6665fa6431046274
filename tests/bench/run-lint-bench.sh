#!/usr/bin/env bash
# run-lint-bench.sh BUILD_DIR [STATEMENTS] - the migration linter against squawk.
#
# Generates a migration of STATEMENTS (default 10000) mixed DDL statements
# (CREATE TABLE, ADD COLUMN with and without defaults, indexes, constraints,
# type changes, drops, renames, SETs), then in the same run times
#   - BUILD_DIR/tests/bench/lint_bench (the linter library, best of 5), and
#   - squawk --reporter gcc on the same file (npm squawk-cli, best of 5 runs),
# and prints both times and the ratio squawk/strata (> 1: Strata is faster).
# Not a test: nothing is asserted on the times.
set -euo pipefail

build=${1:?usage: run-lint-bench.sh BUILD_DIR [STATEMENTS]}
count=${2:-10000}
squawk="${STRATA_PEERS_PREFIX:-$HOME/.cache/strata-peers}/node_modules/.bin/squawk"
bench="$build/tests/bench/lint_bench"
[[ -x "$bench" ]] || { echo "run-lint-bench: build lint_bench first ($bench)" >&2; exit 2; }
[[ -x "$squawk" ]] || { echo "run-lint-bench: squawk not found ($squawk); run scripts/install-test-peers.sh" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file="$work/V1__bench.sql"

/usr/bin/python3 - "$count" "$file" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
templates = [
    "CREATE TABLE IF NOT EXISTS t{i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now())",
    "ALTER TABLE t{j} ADD COLUMN c{i} text",
    "ALTER TABLE t{j} ADD COLUMN d{i} bigint NOT NULL DEFAULT 0",
    "ALTER TABLE t{j} ADD COLUMN u{i} uuid DEFAULT gen_random_uuid()",
    "CREATE INDEX i{i} ON t{j} (name, created_at)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ci{i} ON t{j} (lower(name))",
    "ALTER TABLE t{j} ADD CONSTRAINT k{i} CHECK (char_length(name) < 200) NOT VALID",
    "ALTER TABLE t{j} VALIDATE CONSTRAINT k{i}",
    "ALTER TABLE t{j} ALTER COLUMN name TYPE varchar(300)",
    "ALTER TABLE t{j} ALTER COLUMN name SET NOT NULL",
    "ALTER TABLE t{j} DROP COLUMN IF EXISTS old{i}",
    "ALTER TABLE t{j} RENAME COLUMN a{i} TO b{i}",
    "SET lock_timeout = '2s'",
    "UPDATE t{j} SET name = 'x' WHERE id IN (SELECT id FROM t{j} WHERE name IS NULL LIMIT 1000)",
    "ALTER TABLE t{j} ADD CONSTRAINT f{i} FOREIGN KEY (id) REFERENCES t{k} (id) NOT VALID",
    "DROP INDEX CONCURRENTLY IF EXISTS i{k}",
]
with open(path, "w") as f:
    for i in range(n):
        t = templates[i % len(templates)]
        f.write(t.format(i=i, j=i % 97, k=(i * 7) % 89) + ";\n")
PY

echo "migration: $count statements, $(wc -c < "$file") bytes"
ours=$("$bench" "$file" 5)
echo "strata lint_bench: $ours"
best_squawk=""
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$squawk" --reporter gcc "$file" > "$work/squawk.out" || true
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [[ -z "$best_squawk" || $ms -lt $best_squawk ]]; then best_squawk=$ms; fi
done
echo "squawk $("$squawk" --version): best_ms=$best_squawk findings=$(wc -l < "$work/squawk.out")"
ours_ms=${ours##*best_ms=}
ours_ms=${ours_ms%% *}
/usr/bin/python3 -c "import sys; o=float(sys.argv[1]); s=float(sys.argv[2]); print(f'ratio squawk/strata: {s/o:.2f}x ' + ('(strata faster)' if s > o else '(squawk faster)'))" "$ours_ms" "$best_squawk"
