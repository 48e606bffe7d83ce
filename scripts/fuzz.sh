#!/usr/bin/env bash
# Builds the libFuzzer targets with the `fuzz` preset (clang, ASan+UBSan) and runs each for a
# bounded time with a seed corpus from testdata/ion-tests. Exits non-zero if any fuzzer finds a
# crash, leak, timeout or round-trip violation (the crashing input is left in the work dir).
#
# Usage: scripts/fuzz.sh [seconds-per-target]   (default 30; env FUZZ_JOBS=N for parallel jobs)
set -euo pipefail

SECONDS_PER_TARGET="${1:-30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/fuzz"
TESTDATA="$ROOT/../shared/testdata/ion-tests/iontestdata"
WORK="${FUZZ_WORK_DIR:-$BUILD/fuzz-work}"
# target -> binary path under the fuzz build dir
declare -A TARGET_PATHS=(
  [fuzz_ion_text_reader]=src/ion/fuzz/fuzz_ion_text_reader
  [fuzz_ion_binary_reader]=src/ion/fuzz/fuzz_ion_binary_reader
  [fuzz_partiql_parser]=src/partiql/fuzz_partiql_parser
  [fuzz_protocol_requests]=src/protocol/fuzz_protocol_requests
)
TARGETS=(fuzz_ion_text_reader fuzz_ion_binary_reader fuzz_partiql_parser fuzz_protocol_requests)

cd "$ROOT"
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake --preset fuzz >/dev/null
fi
ninja -C "$BUILD" -j"${FUZZ_BUILD_JOBS:-2}" "${TARGETS[@]}"

mkdir -p "$WORK"
status=0
for target in "${TARGETS[@]}"; do
  corpus="$WORK/corpus-$target"
  mkdir -p "$corpus"
  case "$target" in
    *text*) find "$TESTDATA" -name '*.ion' -exec cp -n {} "$corpus/" \; ;;
    *binary*) find "$TESTDATA" -name '*.10n' -exec cp -n {} "$corpus/" \; ;;
    *partiql*)
      # One seed per statement line of the golden files.
      n=0
      while IFS= read -r line; do
        n=$((n + 1)); printf '%s' "$line" >"$corpus/golden-$n.pqt"
      done < <(grep -hvE '^(#|----|statement|query|begin|commit|abort|restart|verify|\?|$)' \
                 "$ROOT"/tests/golden/*/*.pqt 2>/dev/null | head -500) ;;
    *protocol*) cp -n "$ROOT"/src/protocol/fuzz/corpus/* "$corpus/" ;;
  esac
  echo "== $target for ${SECONDS_PER_TARGET}s (corpus: $(ls "$corpus" | wc -l) files)"
  if ! (cd "$WORK" && "$BUILD/${TARGET_PATHS[$target]}" "$corpus" \
          -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
          -max_len=65536 -print_final_stats=1 -artifact_prefix="$WORK/$target-" \
          >"$WORK/$target.log" 2>&1); then
    echo "!! $target FAILED; log: $WORK/$target.log"
    grep -E "ERROR|violation|SUMMARY|Test unit written" "$WORK/$target.log" | head -20 || true
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$WORK/$target.log" | tail -2 || true
    echo "ok $target"
  fi
done
exit "$status"
