#!/usr/bin/env bash
# run.sh - CTest driver for the install test (tests/install/CMakeLists.txt).
#
# usage: run.sh <build-dir> <c-compiler> <cmake> [<config> [<sanitizers>]]
#
# Installs <build-dir> into a temporary prefix with `cmake --install`, then
# builds consumer/main.c (libstrata-compat) and consumer/client_main.c
# (libstrata-client) against the installed files three ways and runs each:
#   1. CMake: find_package(Strata) + Strata::compat, Strata::client   (shared)
#   2. CMake: find_package(Strata) + Strata::compat_static,
#      Strata::client_static                                          (static)
#   3. pkg-config --cflags --libs strata-compat / strata-client with the C compiler
# <sanitizers> is the build's STRATA_SANITIZE (e.g. address,undefined); the
# consumer is then built with the same -fsanitize flags, as it must be.
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 <build-dir> <c-compiler> <cmake> [<config> [<sanitizers>]]" >&2
  exit 2
fi
build="$1"
cc="$2"
cmake="$3"
config="${4:-}"
sanitize="${5:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-install-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

fail() {
  echo "install test: FAIL: $*" >&2
  exit 1
}

san_flags=()
if [[ -n "$sanitize" ]]; then
  san_flags=("-fsanitize=$sanitize" -fno-omit-frame-pointer)
fi

echo "== cmake --install $build --prefix $prefix"
config_args=()
[[ -n "$config" ]] && config_args=(--config "$config")
"$cmake" --install "$build" --prefix "$prefix" "${config_args[@]}"

# Where did things land? (lib/ or lib/<multiarch>/ depending on the prefix.)
[[ -f "$prefix/include/strata/compat.h" ]] || fail "include/strata/compat.h not installed"
[[ -f "$prefix/include/strata/version.h" ]] || fail "include/strata/version.h not installed"
[[ -f "$prefix/include/strata/client.h" ]] || fail "include/strata/client.h not installed"
pc_file="$(find "$prefix" -name strata-compat.pc -print -quit)"
[[ -n "$pc_file" ]] || fail "strata-compat.pc not installed"
client_pc_file="$(find "$prefix" -name strata-client.pc -print -quit)"
[[ -n "$client_pc_file" ]] || fail "strata-client.pc not installed"
config_file="$(find "$prefix" -name StrataConfig.cmake -print -quit)"
[[ -n "$config_file" ]] || fail "StrataConfig.cmake not installed"
shared_lib="$(find "$prefix" -name 'libstrata-compat.so*' -print -quit)"
[[ -n "$shared_lib" ]] || fail "libstrata-compat.so not installed"
client_shared_lib="$(find "$prefix" -name 'libstrata-client.so*' -print -quit)"
[[ -n "$client_shared_lib" ]] || fail "libstrata-client.so not installed"
libdir="$(dirname "$shared_lib")"
echo "installed: $pc_file"
echo "installed: $config_file"
echo "installed: $shared_lib"
echo "installed: $client_pc_file"
echo "installed: $client_shared_lib"

# run_consumer <label> <executable> [<expected output pattern>]
run_consumer() {
  local out
  local pattern="${3:-*normal form \"int\"}"
  echo "== run ($1): $2"
  if ! out="$(LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$2")"; then
    printf '%s\n' "$out"
    fail "$1 consumer exited non-zero"
  fi
  printf '%s\n' "$out"
  # shellcheck disable=SC2053 # $pattern is a glob on purpose
  [[ "$out" == $pattern ]] || fail "$1 consumer printed unexpected output"
}
client_pattern='*client created, ftp://registry.example refused: *ftp://registry.example*'

# build_with_cmake <label> <compat target> <client target>
build_with_cmake() {
  local dir="$tmp/cmake-$1"
  echo "== find_package(Strata) + $2, $3"
  "$cmake" -S "$here/consumer" -B "$dir" \
    -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE="$config" \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_FLAGS="${san_flags[*]}" \
    -DCMAKE_EXE_LINKER_FLAGS="${san_flags[*]}" \
    -DSTRATA_CONSUMER_TARGET="$2" \
    -DSTRATA_CONSUMER_CLIENT_TARGET="$3"
  # Make sure the package came from our prefix, not from the system.
  local found
  found="$(sed -n 's/^Strata_DIR:[A-Z]*=//p' "$dir/CMakeCache.txt")"
  [[ "$found" == "$prefix"/* ]] || fail "find_package(Strata) used $found, not $prefix"
  "$cmake" --build "$dir" --verbose
  run_consumer "$1" "$dir/consumer"
  run_consumer "$1 client" "$dir/client-consumer" "$client_pattern"
}

build_with_cmake shared Strata::compat Strata::client
build_with_cmake static Strata::compat_static Strata::client_static

echo "== pkg-config strata-compat"
PKG_CONFIG_PATH="$(dirname "$pc_file")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
pc_includedir="$(pkg-config --variable=includedir strata-compat)"
pc_libdir="$(pkg-config --variable=libdir strata-compat)"
[[ "$pc_includedir" -ef "$prefix/include" ]] ||
  fail "strata-compat.pc: includedir is $pc_includedir, expected $prefix/include"
[[ "$pc_libdir" -ef "$libdir" ]] ||
  fail "strata-compat.pc: libdir is $pc_libdir, expected $libdir"
read -r -a pc_flags <<<"$(pkg-config --cflags --libs strata-compat)"
echo "pkg-config --cflags --libs strata-compat: ${pc_flags[*]}"
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror "${san_flags[@]}" \
  -o "$tmp/consumer-pkgconfig" "$here/consumer/main.c" "${pc_flags[@]}"
run_consumer pkg-config "$tmp/consumer-pkgconfig"

echo "== pkg-config strata-client"
[[ "$(dirname "$client_pc_file")" -ef "$(dirname "$pc_file")" ]] ||
  fail "strata-client.pc and strata-compat.pc are in different directories"
[[ "$(pkg-config --variable=libdir strata-client)" -ef "$libdir" ]] ||
  fail "strata-client.pc: libdir is not $libdir"
read -r -a pc_client_flags <<<"$(pkg-config --cflags --libs strata-client)"
echo "pkg-config --cflags --libs strata-client: ${pc_client_flags[*]}"
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror "${san_flags[@]}" \
  -o "$tmp/client-consumer-pkgconfig" "$here/consumer/client_main.c" "${pc_client_flags[@]}"
run_consumer "pkg-config client" "$tmp/client-consumer-pkgconfig" "$client_pattern"

echo "install test: PASS"
