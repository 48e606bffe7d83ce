#!/bin/bash
# Engine benchmarks (docs/perf/engine.md).
#
#   scripts/bench_engine.sh [throughput|memory] [build_dir]
#
# throughput (default): runs folio_engine_bench (in-process, durable single-document insert
#   transactions and indexed point reads with 1, 8 and 32 threads) and then PostgreSQL's
#   baseline (/work/shared/bench/pg_baseline.sh, needs root and PostgreSQL 15) in the same run,
#   and prints both plus the Folio/PostgreSQL ratio. RUNS (default 1) repeats the pair and ends
#   with the median ratio per workload (both systems move 10-60% run to run on a shared VM). Env: SECS (default 15), CLIENTS
#   (default "1 8 32"), PG_BASELINE (default /work/shared/bench/pg_baseline.sh), BENCH_DIR
#   (engine data directory, default /tmp/folio_engine_bench), PGDATA_DIR/PGPORT (PostgreSQL's
#   data directory and port, default /tmp/folio_bench_pg and 55437).
# memory: loads DOCS (default 1000000) documents, 40 per transaction, with 8 loader threads
#   and prints VmRSS/VmHWM; the target is VmHWM < 1 GiB.
#
# build_dir defaults to build/release (cmake --preset release; ninja -C build/release
# folio_engine_bench).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-throughput}
BUILD=${2:-$ROOT/build/release}
BENCH=$BUILD/bench/folio_engine_bench
SECS=${SECS:-15}
CLIENTS=${CLIENTS:-"1 8 32"}
PG_BASELINE=${PG_BASELINE:-/work/shared/bench/pg_baseline.sh}
BENCH_DIR=${BENCH_DIR:-/tmp/folio_engine_bench}
DOCS=${DOCS:-1000000}
RUNS=${RUNS:-1}
# pg_baseline.sh's own defaults (/tmp/pgbase, port 55432) may be in use by someone else.
export PGDATA_DIR=${PGDATA_DIR:-/tmp/folio_bench_pg}
export PGPORT=${PGPORT:-55437}

if [ ! -x "$BENCH" ]; then
  echo "no $BENCH; build it: cmake --preset release && ninja -C build/release folio_engine_bench" >&2
  exit 1
fi

# Latency of one small synced write on the filesystem of BENCH_DIR: with one outstanding
# transaction per client, durable commit throughput is at most clients / this latency.
fsync_probe() {
  local f
  f="$(dirname "$BENCH_DIR")/folio_fsync_probe.$$"
  local start end
  start=$(date +%s%N)
  dd if=/dev/zero of="$f" bs=700 count=200 oflag=dsync status=none
  end=$(date +%s%N)
  rm -f "$f"
  awk -v ns=$((end - start)) 'BEGIN { printf "fsync probe: %.2f ms per 700-byte synced write\n", ns / 200 / 1e6 }'
}

echo "machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

case "$MODE" in
  memory)
    "$BENCH" memory --docs "$DOCS" --per-txn 40 --loaders 8 --dir "$BENCH_DIR"
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
    ;;
  throughput) ;;
  *)
    echo "unknown mode $MODE (throughput|memory)" >&2
    exit 2
    ;;
esac

# One measurement: Folio, then PostgreSQL, then the summary table; appends
# "kind threads ratio" lines to $RATIOS.
one_run() {
  fsync_probe
  echo "== folio (in-process, sync commits) =="
  folio_out=$("$BENCH" throughput --writers "${CLIENTS// /,}" --seconds "$SECS" --dir "$BENCH_DIR")
  echo "$folio_out"
  echo "load between: $(cut -d' ' -f1-3 /proc/loadavg)"
  fsync_probe
  echo "== postgresql ($PG_BASELINE) =="
  pg_out=$(CLIENTS="$CLIENTS" SECS="$SECS" bash "$PG_BASELINE")
  echo "$pg_out"
  fsync_probe
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== summary (transactions per second) =="
  printf '%-14s %8s %12s %12s %8s\n' workload threads folio postgresql ratio
  for kind in insert-1-doc indexed-read; do
    for c in $CLIENTS; do
      f=$(folio_tps "$kind" "$c")
      p=$(pg_tps "$kind" "$c")
      ratio=$(awk -v f="${f:-0}" -v p="${p:-0}" 'BEGIN { if (p > 0) printf "%.2f", f / p; else print "n/a" }')
      printf '%-14s %8s %12s %12s %8s\n' "$kind" "$c" "${f:-n/a}" "${p:-n/a}" "$ratio"
      echo "$kind $c $ratio" >> "$RATIOS"
    done
  done
}

# folio lines: bench=insert-1-doc writers=W ... tps=X; pg lines: insert-1-doc clients=C tps = X (...)
folio_tps() {  # kind threads
  echo "$folio_out" | awk -v kind="$1" -v n="$2" '
    $1 == "bench=" kind { split($2, w, "="); if (w[2] == n) for (i = 1; i <= NF; i++) if ($i ~ /^tps=/) { sub("tps=", "", $i); print $i } }'
}
pg_tps() {  # kind clients
  echo "$pg_out" | awk -v kind="$1" -v n="$2" '$1 == kind && $2 == "clients=" n { print $5 }'
}

RATIOS=$(mktemp)
trap 'rm -f "$RATIOS"' EXIT
for run in $(seq "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "==== run $run of $RUNS ===="
  one_run
done
if [ "$RUNS" -gt 1 ]; then
  # Both systems' results move run to run on a shared VM; the median ratio is the steadier figure.
  echo "== median Folio/PostgreSQL ratio over $RUNS runs (each run's ratios in order) =="
  for kind in insert-1-doc indexed-read; do
    for c in $CLIENTS; do
      awk -v kind="$kind" -v n="$c" '$1 == kind && $2 == n { print $3 }' "$RATIOS" |
        sort -g | awk -v kind="$kind" -v n="$c" '{ v[NR] = $1 } END {
          m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%-14s %8s   median %.2f   (min %.2f, max %.2f)\n", kind, n, m, v[1], v[NR] }'
    done
  done
fi
