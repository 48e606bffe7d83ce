#!/usr/bin/env bash
# Installs every Debian package Folio needs to build, test and benchmark. Idempotent; run as root
# on Debian 12. Packages already present are left alone, so a second run costs a few seconds.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  librocksdb-dev libboost-dev libssl-dev libgmp-dev rapidjson-dev libcli11-dev libfmt-dev
  libedit-dev libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
  python3 python3-boto3 tmux postgresql procps
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the end-to-end test clients. A machine may already have them from another
# source (whose nodejs package bundles npm and conflicts with Debian's npm): install Debian's
# only when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# End-to-end test clients (pinned in tests/e2e/node/package.json + package-lock.json).
if [ "${FOLIO_SKIP_NPM:-0}" != 1 ]; then
  here="$(cd "$(dirname "$0")/.." && pwd)"
  if [ -f "$here/tests/e2e/node/package.json" ] && [ ! -d "$here/tests/e2e/node/node_modules/amazon-qldb-driver-nodejs" ]; then
    (cd "$here/tests/e2e/node" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
