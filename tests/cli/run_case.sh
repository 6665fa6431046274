#!/usr/bin/env bash
# run_case.sh STRATA CASE_DIR - runs one data-driven CLI case (see README.md).
#
# A case directory holds:
#   cmd              the arguments after `strata`, as shell-quoted words
#                    (file names relative to the case directory)
#   expected_status  the exit status, an integer
#   expected_stdout  (optional) the exact standard output
#   stdout_contains  (optional) substrings, one per line, that must all appear
#   stderr_contains  (optional) substrings, one per line, that must all appear
#   setup            (optional) strata command lines run first, one per line,
#                    each of which must exit 0 (e.g. registering versions)
#   registry         (optional, empty) marks a case that needs a registry:
#                    CMake runs it under tests/interop/run_with_registry.py,
#                    which sets STRATA_REGISTRY_URL to a fresh server
# plus the schema files the command reads. The command runs in CASE_DIR;
# $STRATA_REGISTRY_URL in cmd or setup expands to the server's URL.
# Exit status: 0 pass, 1 fail, 2 usage error or malformed case.
set -u

if [ $# -ne 2 ]; then
  echo "usage: run_case.sh STRATA CASE_DIR" >&2
  exit 2
fi
strata=$1
case_dir=$2
case "$strata" in
  /*) ;;
  *) strata=$PWD/$strata ;;
esac
name=$(basename "$case_dir")
cd "$case_dir" || { echo "$name: cannot enter $case_dir" >&2; exit 2; }
for f in cmd expected_status; do
  if [ ! -f "$f" ]; then
    echo "$name: malformed case: missing $f" >&2
    exit 2
  fi
done

# The words of cmd, shell-quoted as a user would type them (no expansions
# other than quote removal are intended).
cmd_line=$(tr '\n' ' ' < cmd)
cmd_line=${cmd_line% }
args=()
if ! eval "args=( $cmd_line )" 2>/dev/null; then
  echo "$name: malformed case: cannot split cmd: $cmd_line" >&2
  exit 2
fi
expected_status=$(tr -d ' \t\r\n' < expected_status)
case "$expected_status" in
  ''|*[!0-9]*) echo "$name: malformed case: expected_status is not an integer" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-cli-case.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export STRATA_CASE_TMP=$tmp

if [ -f setup ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    setup_args=()
    if ! eval "setup_args=( $line )" 2>/dev/null; then
      echo "$name: malformed case: cannot split setup line: $line" >&2
      exit 2
    fi
    if ! "$strata" "${setup_args[@]}" > "$tmp/setup.out" 2>&1 < /dev/null; then
      echo "FAIL $name: setup step failed: strata $line"
      sed 's/^/    | /' "$tmp/setup.out"
      exit 1
    fi
  done < setup
fi

"$strata" "${args[@]}" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
status=$?

failed=0
fail() {
  if [ $failed -eq 0 ]; then
    echo "FAIL $name: strata $cmd_line"
  fi
  failed=1
  echo "  $*"
}

if [ "$status" -ne "$expected_status" ]; then
  fail "exit status: expected $expected_status, got $status"
fi
if [ -f expected_stdout ]; then
  if ! cmp -s expected_stdout "$tmp/stdout"; then
    fail "stdout differs from expected_stdout (--- expected, +++ actual):"
    diff -u --label expected_stdout --label actual_stdout expected_stdout "$tmp/stdout" | sed 's/^/    /'
  fi
fi
for stream in stdout stderr; do
  list=${stream}_contains
  [ -f "$list" ] || continue
  while IFS= read -r needle || [ -n "$needle" ]; do
    [ -n "$needle" ] || continue
    if ! grep -qF -- "$needle" "$tmp/$stream"; then
      fail "$stream lacks: $needle"
    fi
  done < "$list"
done

if [ $failed -ne 0 ]; then
  for stream in stdout stderr; do
    echo "  --- actual $stream:"
    sed 's/^/    | /' "$tmp/$stream"
  done
  exit 1
fi
echo "PASS $name"
exit 0
