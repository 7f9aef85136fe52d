#!/bin/bash
# Compile time of bf16-opt (--bf16-train + --bf16-train-to-llvm), of
# mlir-translate + clang -O2 and of bf16-run's JIT against graph size: MLPs
# with 1..32 hidden layers and the bundled examples, on one pinned core, with
# a least-squares linear fit (benchmarks/README.md, "Compile-time scaling").
# Benchmarks are not tests: nothing here is part of check-bf16.
#
# usage: benchmarks/compile_time.sh [--core N] [compile_time.py options]
#   --core N            pin to core N (default 0)
#   --depths 1,2,4,8,16,32  --width 256  --batch 8  (the generated MLPs)
#   --rounding stochastic   --target host   --reps 3   --llvm-reps 1
#   --no-examples   --no-llvm (bf16-opt and mlir-translate only)
# Results (inputs, outputs, compile_time.json, table.md) go to $BF16_BENCH_OUT
# or build/benchmarks/results/compile-time-<date-time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
CORE=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --core) CORE=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-run > /dev/null
OUT=${BF16_BENCH_OUT:-$BUILD/benchmarks/results/compile-time-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c "$CORE" /usr/bin/python3 "$ROOT/benchmarks/compile_time.py" \
  --build "$BUILD" --out "$OUT" "${ARGS[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
