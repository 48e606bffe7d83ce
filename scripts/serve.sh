#!/usr/bin/env bash
# Builds folio (Release) and runs `folio serve`. Extra arguments go to `folio serve`, e.g.
#   scripts/serve.sh --listen 0.0.0.0:8777 --tls-self-signed
# Defaults: data in ./.folio-data, listening on 127.0.0.1:8777, ledger "default" created.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FOLIO_BUILD_DIR:-$root/build/release}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOLIO_BUILD_TESTS=OFF \
  -DFOLIO_BUILD_BENCHMARKS=OFF >/dev/null
ninja -C "$build" folio
exec "$build/src/main/folio" serve "$@"
