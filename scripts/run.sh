#!/usr/bin/env bash
# The README's run command: installs what is missing (Debian packages), builds folio (Release)
# and starts `folio serve` with a ready "default" ledger, printing the endpoint, credentials and
# Node.js/boto3 examples. Extra arguments go to `folio serve` (see docs/server.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
FOLIO_SKIP_NPM=1 bash "$root/scripts/setup.sh"
exec bash "$root/scripts/serve.sh" "$@"
