#!/usr/bin/env bash
# install-deps.sh - install Strata's build and test dependencies on Debian 12.
#
# Idempotent: packages that are already installed are skipped, and the package
# index is only refreshed when something is missing. Run as root, or as a user
# with sudo. Used by scripts/test.sh, .ci/run and the README.
set -euo pipefail

# Debian packages, one per line. Append new dependencies here (with a comment
# saying what needs them), e.g. libprotobuf-c-dev, libmicrohttpd-dev, ...
PACKAGES=(
  build-essential    # gcc, make, libc headers
  cmake              # build system (>= 3.25)
  pkg-config         # finds avro-c, jansson, check, ...
  clang              # libFuzzer targets (tests/fuzz)
  clang-format       # style check (.clang-format)
  libclang-rt-14-dev # libFuzzer and sanitizer runtimes for clang
  libavro-dev        # avro-c: Avro parsing (compat/avro)
  libjansson-dev     # jansson: JSON
  libprotobuf-c-dev  # protobuf-c runtime: the Protobuf model (compat/protobuf); linked before
                     # libpg_query, which carries its own copy
  protobuf-c-compiler # protoc-gen-c: generates descriptor.pb-c.[ch] at build time
  protobuf-compiler  # protoc: runs protoc-gen-c at build time; oracle of tests/diff/protoc
  libprotobuf-dev    # google/protobuf/*.proto: descriptor.proto and the built-in well-known types
  libmicrohttpd-dev  # libmicrohttpd: the registry's HTTP server
  libcurl4-openssl-dev # libcurl: libstrata-client's transport; tests and benchmarks
  libsqlite3-dev     # sqlite3: the registry's embedded store (registry/store/sqlite)
  libpg-query-dev    # libpg_query: PostgreSQL DDL parsing (compat/table, the migration linter)
  check              # Check: unit test framework (tests/unit)
  python3            # test drivers
  python3-avro       # differential oracle: avro.compatibility (tests/diff)
)

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! is_installed "$pkg"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root and sudo is not available; install them as root" >&2
    exit 1
  fi
fi

echo "install-deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
