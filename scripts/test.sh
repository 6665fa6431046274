#!/usr/bin/env bash
# test.sh - build and test Strata the way CI does (this is the README's test command).
#
# Phases, stopping at the first failure:
#   1. install dependencies         scripts/install-deps.sh, scripts/install-test-peers.sh
#   2. build + ctest                build/        (-DSTRATA_WERROR=ON)
#   3. sanitizer build + ctest      build-asan/   (-DSTRATA_SANITIZE=address,undefined)
#   4. format check                 clang-format --dry-run --Werror
#   5. fuzz smoke run               build-fuzz/   (clang, -DSTRATA_FUZZ=ON), when clang exists
#
# Environment:
#   STRATA_SKIP_DEPS=1      skip phase 1 (e.g. not root, dependencies known to be there)
#   STRATA_SKIP_ASAN=1      skip phase 3
#   STRATA_SKIP_FORMAT=1    skip phase 4
#   STRATA_SKIP_FUZZ=1      skip phase 5
#   STRATA_FUZZ_SECONDS=N   run each fuzz target for N seconds (default 30)
#   STRATA_BUILD_TYPE=T     CMAKE_BUILD_TYPE of every build (default RelWithDebInfo)
#   STRATA_CTEST_JOBS=N     ctest parallelism (default 2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

JOBS="$(nproc 2>/dev/null || echo 2)"
CTEST_JOBS="${STRATA_CTEST_JOBS:-2}"
BUILD_TYPE="${STRATA_BUILD_TYPE:-RelWithDebInfo}"
FUZZ_SECONDS="${STRATA_FUZZ_SECONDS:-30}"
SANITIZERS="address,undefined"

phase_started=0
banner() {
  phase_started=$SECONDS
  printf '\n==============================================================================\n'
  printf '== %s\n' "$*"
  printf '==============================================================================\n'
}
done_phase() {
  printf '== ok: %s (%ds)\n' "$1" "$((SECONDS - phase_started))"
}
skip() {
  printf '\n== skipped: %s\n' "$*"
}
die() {
  printf '\n!! test.sh: %s\n' "$*" >&2
  exit 1
}

# configure_and_build <dir> [cmake args...]
configure_and_build() {
  local dir="$1"
  shift
  cmake -S "$ROOT" -B "$ROOT/$dir" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"
  cmake --build "$ROOT/$dir" -j "$JOBS"
}

# ---------------------------------------------------------------------------
if [[ "${STRATA_SKIP_DEPS:-0}" == 1 ]]; then
  skip "dependencies (STRATA_SKIP_DEPS=1)"
else
  banner "1/5 dependencies"
  "$ROOT/scripts/install-deps.sh"
  "$ROOT/scripts/install-test-peers.sh" # the real clients tests/interop drives the registry with
  done_phase "dependencies"
fi

# ---------------------------------------------------------------------------
banner "2/5 build and test (build/)"
configure_and_build build -DSTRATA_WERROR=ON
ctest --test-dir "$ROOT/build" --output-on-failure -j "$CTEST_JOBS"
done_phase "build and test"

# ---------------------------------------------------------------------------
if [[ "${STRATA_SKIP_ASAN:-0}" == 1 ]]; then
  skip "sanitizer build (STRATA_SKIP_ASAN=1)"
else
  banner "3/5 sanitizer build and test (build-asan/, $SANITIZERS)"
  configure_and_build build-asan -DSTRATA_WERROR=ON -DSTRATA_SANITIZE="$SANITIZERS"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --test-dir "$ROOT/build-asan" --output-on-failure -j "$CTEST_JOBS"
  done_phase "sanitizer build and test"
fi

# ---------------------------------------------------------------------------
if [[ "${STRATA_SKIP_FORMAT:-0}" == 1 ]]; then
  skip "format check (STRATA_SKIP_FORMAT=1)"
else
  banner "4/5 format check (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))"
  dirs=()
  for d in compat clients include registry scripts tests; do
    [[ -d "$d" ]] && dirs+=("$d")
  done
  files=()
  if ((${#dirs[@]} > 0)); then
    # Build trees and fuzz corpora are not ours to format.
    mapfile -t files < <(find "${dirs[@]}" \
      \( -type d \( -name 'build' -o -name 'build-*' -o -name 'corpus' \) -prune \) \
      -o \( -type f \( -name '*.c' -o -name '*.h' \) -print \) | LC_ALL=C sort)
  fi
  bad=()
  for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror -style=file "$f" >/dev/null 2>&1; then
      bad+=("$f")
    fi
  done
  if ((${#bad[@]} > 0)); then
    printf 'Not clang-formatted (%d of %d files):\n' "${#bad[@]}" "${#files[@]}"
    printf '  %s\n' "${bad[@]}"
    printf 'First differences:\n'
    clang-format --dry-run --Werror -style=file "${bad[0]}" 2>&1 | head -20 || true
    printf 'Fix with: clang-format -i %s\n' "${bad[*]}"
    die "format check failed"
  fi
  printf '%d files checked\n' "${#files[@]}"
  done_phase "format check"
fi

# ---------------------------------------------------------------------------
if [[ "${STRATA_SKIP_FUZZ:-0}" == 1 ]]; then
  skip "fuzz run (STRATA_SKIP_FUZZ=1)"
elif ! command -v clang >/dev/null 2>&1; then
  skip "fuzz run (clang not found)"
elif [[ ! -f "$ROOT/tests/fuzz/CMakeLists.txt" ]]; then
  skip "fuzz run (no tests/fuzz/CMakeLists.txt yet)"
else
  banner "5/5 fuzz (build-fuzz/, ${FUZZ_SECONDS}s per target)"
  # tests/fuzz instruments its own copy of the library (fuzzer-no-link,
  # address, undefined), so STRATA_SANITIZE is not set here. Unix Makefiles so
  # that only the fuzz directory (and what it needs) is built.
  cmake -S "$ROOT" -B "$ROOT/build-fuzz" -G "Unix Makefiles" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
    -DSTRATA_FUZZ=ON -DSTRATA_WERROR=ON
  [[ -d "$ROOT/build-fuzz/tests/fuzz" ]] ||
    die "STRATA_FUZZ=ON did not configure build-fuzz/tests/fuzz"
  make -C "$ROOT/build-fuzz/tests/fuzz" -j "$JOBS"
  mapfile -t targets < <(find "$ROOT/build-fuzz/tests/fuzz" -maxdepth 2 -type f \
    -name 'fuzz_*' -perm -u+x | LC_ALL=C sort)
  ((${#targets[@]} > 0)) || die "no fuzz_* executables in build-fuzz/tests/fuzz"

  work="$(mktemp -d "${TMPDIR:-/tmp}/strata-fuzz.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  artifacts="$ROOT/build-fuzz/fuzz-artifacts"
  for bin in "${targets[@]}"; do
    name="$(basename "$bin")"
    short="${name#fuzz_}"
    corpus="$work/corpus-$name"
    mkdir -p "$corpus" "$artifacts/$name"
    # Seeds live in tests/fuzz/corpus/<target>/ (fuzz_x or x); copy them so
    # the fuzzer's new inputs never land in the repository.
    for seeds in "tests/fuzz/corpus/$name" "tests/fuzz/corpus/$short"; do
      if [[ -d "$seeds" ]]; then
        cp -R "$seeds/." "$corpus/"
      fi
    done
    # Dictionary: tests/fuzz/<target>.dict, or the format's (avro.dict for
    # fuzz_avro_schema).
    extra=()
    for dict in "tests/fuzz/$name.dict" "tests/fuzz/$short.dict" "tests/fuzz/${short%%_*}.dict"; do
      if [[ -f "$dict" ]]; then
        extra+=("-dict=$ROOT/$dict")
        break
      fi
    done
    printf -- '-- %s (%d seeds)\n' "$name" "$(find "$corpus" -type f | wc -l)"
    if ! (cd "$work" &&
      ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$name/" \
        "${extra[@]}" "$corpus"); then
      printf 'Crashing input(s) in %s:\n' "$artifacts/$name"
      ls -l "$artifacts/$name" || true
      die "fuzz target $name failed"
    fi
  done
  done_phase "fuzz"
fi

printf '\n== all phases passed\n'
