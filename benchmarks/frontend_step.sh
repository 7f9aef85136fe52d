#!/bin/bash
# The MLP 784-1024-1024-10 training step (batch 256, cross-entropy, SGD lr 0.05
# momentum 0.9) through the PyTorch frontend (bf16_opt.frontend.compile_step),
# the same exported IR through bf16-run, and PyTorch 1.13 eager BF16 / FP32,
# side by side on one pinned core, with the frontend's per-call overhead over
# bf16-run (benchmarks/README.md, "PyTorch frontend step"). Benchmarks are not
# tests: nothing here is part of check-bf16.
#
# usage: benchmarks/frontend_step.sh [--core N] [frontend_step.py options]
#   --core N           pin to core N (default 0)
#   --variants LIST    of fp32,sr,nearest,kahan (default all)
#   --regimes LIST     of default,tuned (glibc malloc as is / thresholds raised)
#   --steps N          timed steps per measurement (default 40), --warmup N (3)
#   --profile N        cProfile N calls of step() per variant (default 20, 0: off)
#   --no-torch, --no-netlib, --netlib-steps N
# Results (step.mlir, data/, frontend_step.json, table.md, profile-*.txt) go to
# $BF16_BENCH_OUT or build/benchmarks/results/frontend-step-<date-time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
PY=/usr/bin/python3 # Debian's python3 with python3-torch, not pyenv's
CORE=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --core) CORE=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-run bf16-bench > /dev/null
OUT=${BF16_BENCH_OUT:-$BUILD/benchmarks/results/frontend-step-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c "$CORE" "$PY" "$ROOT/benchmarks/frontend_step.py" --build "$BUILD" \
  --out "$OUT" "${ARGS[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
