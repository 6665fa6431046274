#!/usr/bin/env bash
# install-test-peers.sh - install the third-party clients the interop tests (tests/interop) drive
# a real strata-registry with, on Debian 12. Idempotent: whatever is already there is skipped,
# and on success the only output is one summary line.
#
#   Debian:  python3-confluent-kafka (its SchemaRegistryClient imports python3-requests),
#            python3-avro, python3-pip (only to fetch fastavro, below), nodejs + npm when
#            `node`/`npm` are missing.
#   PyPI:    fastavro, into PREFIX/python, when PyPI is reachable (not fatal otherwise). Debian 12
#            does not package it, and the AvroSerializer / AvroDeserializer of
#            python3-confluent-kafka import it. Tests put PREFIX/python on PYTHONPATH; nothing is
#            installed into the system Python.
#   npm:     @confluentinc/schemaregistry and @kafkajs/confluent-schema-registry (which brings
#            avsc), into PREFIX/node_modules; tests set NODE_PATH to it.
#
# PREFIX is $STRATA_PEERS_PREFIX, default $HOME/.cache/strata-peers (the default of the CMake
# cache variable STRATA_PEERS_PREFIX in tests/interop/CMakeLists.txt). Debian packages need root
# (or sudo); the PyPI and npm parts do not.
set -euo pipefail

prefix="${STRATA_PEERS_PREFIX:-$HOME/.cache/strata-peers}"

# Pinned so that every machine tests against the same client code.
FASTAVRO_VERSION=1.9.7
CONFLUENT_JS_VERSION=1.10.1
KAFKAJS_SR_VERSION=3.9.0
# buf (npm @bufbuild/buf): the oracle of tests/diff/buf (diff/protobuf-vs-buf) and the
# reference of tests/bench/run-proto-bench.sh; PREFIX/node_modules/.bin/buf.
BUF_VERSION=1.75.0
SQUAWK_VERSION=2.66.0 # squawk-cli: oracle of the migration-linter differential (tests/diff/squawk)

DEBIAN_PACKAGES=(python3 python3-confluent-kafka python3-requests python3-avro python3-pip)

log="$(mktemp "${TMPDIR:-/tmp}/install-test-peers.XXXXXX")"
trap 'rm -f "$log"' EXIT

die() {
  echo "install-test-peers: $*" >&2
  if [[ -s "$log" ]]; then
    echo "install-test-peers: output of the failing step:" >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}

# run CMD...: runs quietly; its output is kept in $log for die().
run() {
  "$@" >"$log" 2>&1
}

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

as_root=()
need_root() {
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages ($*); run as root or install sudo"
    as_root=(sudo)
  fi
}

apt_updated=0
apt_install() {
  need_root "$@"
  export DEBIAN_FRONTEND=noninteractive
  if ((apt_updated == 0)); then
    run "${as_root[@]}" apt-get update -qq || die "apt-get update failed"
    apt_updated=1
  fi
  run "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" ||
    die "apt-get install $* failed"
}

# 1. Debian packages.
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if ((${#missing[@]} > 0)); then
  apt_install "${missing[@]}"
fi

PY=/usr/bin/python3
[[ -x "$PY" ]] || die "$PY not found after installing python3"
mkdir -p "$prefix/python" "$prefix/node_modules"

# 2. fastavro for the AvroSerializer/AvroDeserializer of the Debian confluent_kafka. Best effort:
#    where PyPI is unreachable the Python interop test still runs a full Avro round trip through
#    confluent_kafka.avro (the Debian package's serializer on python3-avro) and says that the
#    fastavro-based part did not run.
fastavro_note=""
if ! PYTHONPATH="$prefix/python" "$PY" -c 'import fastavro' >/dev/null 2>&1; then
  if ! run "$PY" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --retries 0 --timeout 15 --only-binary=:all: --target "$prefix/python" \
    "fastavro==$FASTAVRO_VERSION"; then
    fastavro_note=" (fastavro not installed: pip could not fetch it from PyPI; the AvroSerializer part of interop/python will not run)"
  fi
fi

# 3. npm packages, unless both are already in the prefix.
have_npm_package() {
  [[ -f "$prefix/node_modules/$1/package.json" ]]
}
if ! have_npm_package @confluentinc/schemaregistry ||
  ! have_npm_package @kafkajs/confluent-schema-registry ||
  ! have_npm_package avsc; then
  run npm install --prefix "$prefix" --no-audit --no-fund --silent \
    "@confluentinc/schemaregistry@$CONFLUENT_JS_VERSION" \
    "@kafkajs/confluent-schema-registry@$KAFKAJS_SR_VERSION" ||
    die "npm install into $prefix failed"
fi
if ! have_npm_package @bufbuild/buf; then
  run npm install --prefix "$prefix" --no-audit --no-fund --silent "@bufbuild/buf@$BUF_VERSION" ||
    die "npm install of @bufbuild/buf into $prefix failed"
fi

# 3b. squawk (npm squawk-cli, a prebuilt binary in PREFIX/node_modules/.bin), the oracle of the
#     migration linter's differential test tests/diff/squawk.
if ! have_npm_package squawk-cli; then
  run npm install --prefix "$prefix" --no-audit --no-fund --silent "squawk-cli@$SQUAWK_VERSION" ||
    die "npm install squawk-cli into $prefix failed"
fi

# 4. Check that every client loads the way the tests load it.
run env PYTHONPATH="$prefix/python" "$PY" -c '
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.avro import CachedSchemaRegistryClient, MessageSerializer
import avro.schema' || die "the Python clients do not import with /usr/bin/python3"
run env NODE_PATH="$prefix/node_modules" node -e '
require("@confluentinc/schemaregistry");
require("@kafkajs/confluent-schema-registry");
require("avsc");' || die "the npm clients do not load with NODE_PATH=$prefix/node_modules"

versions="$(PYTHONPATH="$prefix/python" "$PY" -c '
import confluent_kafka
try:
    import fastavro
    fa = ", fastavro " + fastavro.__version__
except ImportError:
    fa = ""
print("confluent-kafka-python %s%s" % (confluent_kafka.version()[0], fa))')"
js_version() {
  node -p "require('$prefix/node_modules/$1/package.json').version"
}
echo "install-test-peers: ready in $prefix: $versions," \
  "@confluentinc/schemaregistry $(js_version @confluentinc/schemaregistry)," \
  "@kafkajs/confluent-schema-registry $(js_version @kafkajs/confluent-schema-registry)," \
  "node $(node --version)$fastavro_note"
