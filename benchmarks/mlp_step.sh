#!/bin/bash
# Whole MLP training step (MLP 784-1024-1024-10, batch 256, SGD momentum):
# bf16-opt's BF16+SR / nearest / Kahan / FP32 steps (bf16-run, JIT), PyTorch
# 1.13 eager BF16 / FP32, and the FLOP bound from the same run's vdpbf16ps
# peak, all on one pinned core (benchmarks/README.md, "Whole MLP training
# step"). Benchmarks are not tests: nothing here is part of check-bf16.
#
# usage: benchmarks/mlp_step.sh [--core N] [--threads T] [mlp_step.py options]
#   --core N          pin to core N (default 0)
#   --threads T       T threads on cores N..N+T-1 (default 1): BF16_NUM_THREADS
#                     for ours, torch.set_num_threads for PyTorch, and the
#                     FLOP bound at the peak of the T cores at once
#   --steps N|auto    timed steps of our steps (default auto: 5, or up to 50
#                     when they fit in --budget seconds, default 10)
#   --warmup N        untimed steps of ours (default 1)
#   --variants LIST   of sr,nearest,kahan,fp32 (default all), or none
#   --torch-steps N, --torch-warmup N, --no-torch, --no-netlib
#   --sizes 784,1024,1024,10  --batch 256  --target host|avx512bf16|emulated
# Results (mlp.mlir, peak.json, mlp_step.json, table.md) go to $BF16_BENCH_OUT
# or build/benchmarks/results/mlp-step-<date-time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
PY=/usr/bin/python3 # Debian's python3 with python3-torch, not pyenv's
CORE=0
THREADS=1
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --core) CORE=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-run bf16-bench > /dev/null
OUT=${BF16_BENCH_OUT:-$BUILD/benchmarks/results/mlp-step-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
export OMP_NUM_THREADS=$THREADS BF16_NUM_THREADS=$THREADS
CORES=$CORE-$((CORE + THREADS - 1))
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c "$CORES" "$PY" "$ROOT/benchmarks/mlp_step.py" --build "$BUILD" \
  --core "$CORE" --threads "$THREADS" --out "$OUT" "${ARGS[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
