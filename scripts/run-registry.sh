#!/usr/bin/env bash
# run-registry.sh - install, build and start strata-registry (the README's run command).
#
# On a fresh Debian 12 machine, as root or a user with sudo:
#   1. installs the build dependencies       scripts/install-deps.sh
#   2. builds the server, Release            build-release/ (strata-registry only, no tests)
#   3. prints a curl example and runs         build-release/registry/strata-registry
#
# The server listens on 127.0.0.1:8081 and keeps its data in data/strata.db under the
# checkout, unless the arguments (or STRATA_LISTEN / STRATA_DATA / a config file) say
# otherwise. Every argument is passed on to strata-registry, e.g.
#   scripts/run-registry.sh --listen 0.0.0.0:8081 --data /var/lib/strata/strata.db
#   scripts/run-registry.sh --help
# Stop it with Ctrl-C (SIGINT) or SIGTERM; either shuts it down gracefully.
#
# Environment:
#   STRATA_SKIP_DEPS=1   skip step 1 (dependencies known to be installed, or not root)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-release"
DEFAULT_LISTEN="127.0.0.1:8081"
DEFAULT_DATA="$ROOT/data/strata.db"

if [[ "${STRATA_SKIP_DEPS:-0}" == 1 ]]; then
  echo "run-registry: skipping dependencies (STRATA_SKIP_DEPS=1)"
else
  "$ROOT/scripts/install-deps.sh"
fi

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSTRATA_BUILD_TESTS=OFF \
  -DSTRATA_WERROR=OFF >/dev/null
cmake --build "$BUILD" --target strata-registry -j "$(nproc 2>/dev/null || echo 2)"

# Add our defaults only for what the caller did not choose: a flag wins over the config
# file, which wins over the environment, so a default flag would hide the caller's choice.
listen=""
has_listen=0
has_data=0
has_config=0
[[ -n "${STRATA_LISTEN:-}" ]] && has_listen=1 && listen="$STRATA_LISTEN"
[[ -n "${STRATA_DATA:-}" ]] && has_data=1
[[ -n "${STRATA_CONFIG:-}" ]] && has_config=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
  --listen) has_listen=1 && listen="${args[i + 1]:-}" ;;
  --listen=*) has_listen=1 && listen="${args[i]#--listen=}" ;;
  --data | --data=*) has_data=1 ;;
  --config | --config=*) has_config=1 ;;
  --help | -h | --version) exec "$BUILD/registry/strata-registry" "$@" ;;
  --) break ;;
  esac
done
defaults=()
if ((has_listen == 0 && has_config == 0)); then
  defaults+=(--listen "$DEFAULT_LISTEN")
  listen="$DEFAULT_LISTEN"
fi
if ((has_data == 0 && has_config == 0)); then
  defaults+=(--data "$DEFAULT_DATA")
fi

base="http://${listen:-$DEFAULT_LISTEN}"
if [[ "$base" == *:0 ]]; then
  base="http://127.0.0.1:PORT" # an ephemeral port: the server prints the one it got
fi
cat <<EOF

Starting strata-registry. Once it prints its address, try (from another terminal):

  # register an Avro schema as version 1 of the subject "users-value"
  curl -s -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \\
    --data '{"schema": "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"}' \\
    $base/subjects/users-value/versions

  # fetch it back by the id the first call returned
  curl -s $base/schemas/ids/1

API reference: docs/api/README.md   Operations: docs/operations.md
Stop the server with Ctrl-C.

EOF

exec "$BUILD/registry/strata-registry" "${defaults[@]}" "$@"
