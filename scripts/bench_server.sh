#!/bin/bash
# Whole-server benchmark (docs/perf/server.md): builds Release, starts `folio serve` (fsync on,
# SigV4 auth on), runs `folio bench` at each client count for durable single-document write
# transactions and for indexed-read transactions, then runs the PostgreSQL baseline
# (pg_baseline.sh: pgbench, fsync + synchronous_commit on) in the same run, and prints one table
# with the Folio/PostgreSQL ratio.
#
# Environment (defaults in brackets):
#   CLIENTS ["1 8 32"]   SECS [15] measured seconds per point   WARMUP [2]
#   BUILD_DIR [build/release]   JOBS [2]   SERVER_ARGS [""] extra `folio serve` flags
#   PG_BASELINE [/work/shared/bench/pg_baseline.sh]   SKIP_PG [0]   SKIP_BUILD [0]
#   PGDATA_DIR [/tmp/pgbase-folio-bench]   PGPORT [55433]   OUT [$BUILD_DIR/bench_server]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
JOBS=${JOBS:-2}
CLIENTS=${CLIENTS:-"1 8 32"}
SECS=${SECS:-15}
WARMUP=${WARMUP:-2}
SERVER_ARGS=${SERVER_ARGS:-""}
PG_BASELINE=${PG_BASELINE:-/work/shared/bench/pg_baseline.sh}
SKIP_PG=${SKIP_PG:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
OUT=${OUT:-$BUILD_DIR/bench_server}
export PGDATA_DIR=${PGDATA_DIR:-/tmp/pgbase-folio-bench}
export PGPORT=${PGPORT:-55433}

if [[ "$SKIP_BUILD" != 1 ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD_DIR" -j"$JOBS" folio
fi
FOLIO="$BUILD_DIR/src/main/folio"
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/pg.txt

# Same disk as PostgreSQL's data dir (/tmp here), so both pay the same fsync.
DATA=$(mktemp -d /tmp/folio-bench-server.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# --quiet: no per-request log line (a deployment would ship logs elsewhere; see docs).
# shellcheck disable=SC2086
"$FOLIO" serve --data-dir "$DATA" --listen 127.0.0.1:0 --quiet $SERVER_ARGS >"$DATA/banner" 2>"$DATA/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "metrics:" "$DATA/banner" 2>/dev/null && break
  sleep 0.1
done
ENDPOINT=$(awk '/endpoint:/ {print $2; exit}' "$DATA/banner")
[[ -n "$ENDPOINT" ]] || { echo "folio serve did not start:"; cat "$DATA/server.log"; exit 1; }
echo "== folio serve at $ENDPOINT (data dir $DATA, fsync on, auth on ${SERVER_ARGS:+, $SERVER_ARGS})"

for c in $CLIENTS; do
  "$FOLIO" bench --endpoint "$ENDPOINT" --data-dir "$DATA" --clients "$c" --duration "$SECS" \
    --warmup "$WARMUP" --json >"$OUT/write-$c.json"
  echo "folio write clients=$c $(cat "$OUT/write-$c.json")"
done
for c in $CLIENTS; do
  "$FOLIO" bench --endpoint "$ENDPOINT" --data-dir "$DATA" --clients "$c" --duration "$SECS" \
    --warmup "$WARMUP" --read-ratio 1 --preload 500 --json >"$OUT/read-$c.json"
  echo "folio read  clients=$c $(cat "$OUT/read-$c.json")"
done
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
echo "== load average after Folio: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ "$SKIP_PG" != 1 ]]; then
  CLIENTS="$CLIENTS" SECS="$SECS" bash "$PG_BASELINE" 2>/dev/null | tee "$OUT/pg.txt"
  echo "== load average after PostgreSQL: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

python3 - "$OUT" "$CLIENTS" <<'PY'
import json, os, re, sys
out, clients = sys.argv[1], sys.argv[2].split()
pg = {}
if os.path.exists(os.path.join(out, "pg.txt")):
    for line in open(os.path.join(out, "pg.txt")):
        m = re.match(r"(insert-1-doc|indexed-read) clients=(\d+) tps = ([\d.]+)", line)
        if m:
            pg[("write" if m[1] == "insert-1-doc" else "read", m[2])] = float(m[3])
print()
print("| workload | clients | Folio txn/s | Folio commit p50 / p99 ms | Folio txn p50 / p99 ms "
      "| PostgreSQL tps | Folio/PG |")
print("|---|---:|---:|---:|---:|---:|---:|")
for kind in ("write", "read"):
    for c in clients:
        d = json.load(open(os.path.join(out, f"{kind}-{c}.json")))
        rate = d["commits_per_s"] if kind == "write" else d["reads_per_s"]
        txn = d["write_txn"] if kind == "write" else d["read_txn"]
        commit = (f'{d["commit"]["p50_ms"]:.2f} / {d["commit"]["p99_ms"]:.2f}'
                  if kind == "write" else "-")
        p = pg.get((kind, c))
        ratio = f"{rate / p:.2f}" if p else "-"
        errs = f' ({d["errors"]} errors, {d["occ_conflicts"]} OCC)' if d["errors"] or d["occ_conflicts"] else ""
        print(f'| {"insert 1 doc" if kind == "write" else "indexed read"} | {c} | {rate:.0f}{errs} '
              f'| {commit} | {txn["p50_ms"]:.2f} / {txn["p99_ms"]:.2f} '
              f'| {p if p is None else f"{p:.0f}"} | {ratio} |')
PY
