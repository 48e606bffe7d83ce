#!/usr/bin/env bash
# The README's test command (also what CI runs through .ci/run): installs what is missing,
# builds every target and runs the default suite: unit, golden, conformance and end-to-end tests
# (real Node.js driver and boto3 against a running server), plus a short libFuzzer run of every
# fuzz target. Long soaks and benchmarks have their own commands (see README.md).
#
#   scripts/test.sh            default suite
#   scripts/test.sh --asan     the same suite built with AddressSanitizer + UBSan
#   scripts/test.sh --tsan     engine tests built with ThreadSanitizer
# Environment: FOLIO_FUZZ_SECONDS (default 20 per target; 0 skips fuzzing), CTEST_ARGS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-default}"
bash "$root/scripts/setup.sh"
jobs="$(nproc)"

case "$mode" in
  default)
    build="$root/build/test"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOLIO_BUILD_BENCHMARKS=ON >/dev/null
    fuzz="${FOLIO_FUZZ_SECONDS:-20}"
    label_args=()
    ;;
  --asan)
    build="$root/build/asan"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFOLIO_SANITIZE="address;undefined" \
      -DFOLIO_BUILD_BENCHMARKS=OFF >/dev/null
    fuzz=0
    label_args=()
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ;;
  --tsan)
    build="$root/build/tsan"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_SANITIZE=thread \
      -DFOLIO_BUILD_BENCHMARKS=OFF >/dev/null
    fuzz=0
    label_args=(-R "folio_engine|folio_kv|folio_journal")
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tools/tsan.supp"
    ;;
  *) echo "usage: scripts/test.sh [--asan|--tsan]" >&2; exit 2 ;;
esac

ninja -C "$build" -j "$jobs"
fuzz_status=0
if [ "$fuzz" != 0 ]; then
  bash "$root/scripts/fuzz.sh" "$fuzz" || fuzz_status=$?
fi
# ctest's summary is the last thing printed: "100% tests passed, 0 tests failed out of N".
cd "$build"
ctest_status=0
ctest -j "$jobs" --output-on-failure "${label_args[@]}" ${CTEST_ARGS:-} || ctest_status=$?
if [ "$fuzz_status" != 0 ]; then
  echo "fuzzing FAILED (see the fuzz output above)" >&2
  exit "$fuzz_status"
fi
exit "$ctest_status"
