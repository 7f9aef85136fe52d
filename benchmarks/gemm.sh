#!/bin/bash
# BF16 GEMMs of bf16-opt vs oneDNN vs the vdpbf16ps peak, same run, one
# pinned core (benchmarks/README.md, "GEMMs").
# usage: benchmarks/gemm.sh [--core N] [--target T] [--min-time S]
#                           [--threads T] [--json FILE]
#   --threads T: ours and torch on T threads, pinned to cores N..N+T-1,
#   against the peak of those T cores at once (default 1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
CORE=0; TARGET=host; MIN=0.2; THREADS=1; JSON=()
while [ $# -gt 0 ]; do
  case "$1" in
    --core) CORE=$2; shift 2 ;;
    --target) TARGET=$2; shift 2 ;;
    --min-time) MIN=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --json) JSON=(--json "$2"); shift 2 ;;
    *) echo "usage: $0 [--core N] [--target T] [--min-time S] [--threads T] [--json FILE]" >&2; exit 2 ;;
  esac
done
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-bench-peak > /dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMP_NUM_THREADS=$THREADS BF16_NUM_THREADS=$THREADS
CORES=$CORE-$((CORE + THREADS - 1))
taskset -c "$CORES" "$BUILD/bin/bf16-bench-peak" --core "$CORE" \
  --threads "$THREADS" --only peaks --json "$TMP/peak.json" > /dev/null
taskset -c "$CORES" /usr/bin/python3 "$ROOT/benchmarks/gemm_bench.py" \
  --bf16-opt "$BUILD/bin/bf16-opt" --peak-json "$TMP/peak.json" \
  --target "$TARGET" --min-time "$MIN" --threads "$THREADS" "${JSON[@]}"
