#!/bin/bash
# Build and run bf16-opt's benchmark harness on one pinned core
# (benchmarks/README.md). Benchmarks are not tests: nothing here is part of
# check-bf16.
#
# usage: benchmarks/run.sh [-n RUNS] [--core N] [--quick] [--no-peers]
#   -n RUNS     repeat the whole measurement RUNS times (default 1); the
#               combined table shows the best run and the spread
#   --core N    pin to core N (default 0)
#   --quick     short runs with small arrays: a smoke test, not for reporting
#   --no-peers  skip the PyTorch peers (peers.py)
# Results (raw logs, JSON, table.txt, table.md) go to $BF16_BENCH_OUT or
# build/benchmarks/results/<date-time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
PY=/usr/bin/python3 # Debian's python3 with python3-torch, not pyenv's

RUNS=1
CORE=0
QUICK=()
PEERS=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=$2; shift 2 ;;
    --core) CORE=$2; shift 2 ;;
    --quick) QUICK=(--quick); shift ;;
    --no-peers) PEERS=0; shift ;;
    *) sed -n '5,13p' "$0" >&2; exit 2 ;;
  esac
done

# Set up and configure exactly as the project's build does.
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-bench

OUT=${BF16_BENCH_OUT:-$BUILD/benchmarks/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
echo "results in $OUT"
# One thread everywhere (torch, OpenMP in oneDNN); every process is pinned.
export OMP_NUM_THREADS=1
{
  date -u '+%Y-%m-%d %H:%M:%S UTC'
  grep -m1 'model name' /proc/cpuinfo
  field() { grep -m1 "^$1\s*:" /proc/cpuinfo | cut -d: -f2; }
  echo "family/model/stepping:$(field "cpu family") /$(field model)" \
    "/$(field stepping)"
  echo "kernel: $(uname -r); cores online: $(nproc --all); pinned to core $CORE"
  lscpu | grep -E '^(Hypervisor vendor|L2 cache|L3 cache):' | tr -s ' '
  grep -m1 CMAKE_CXX_COMPILER: "$BUILD/CMakeCache.txt" | cut -d= -f2 |
    xargs -I{} sh -c '{} --version | head -1'
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

for i in $(seq 1 "$RUNS"); do
  echo "=== run $i/$RUNS"
  taskset -c "$CORE" "$BUILD/bin/bf16-bench-peak" --core "$CORE" \
    --json "$OUT/peak-$i.json" "${QUICK[@]}" | tee "$OUT/peak-$i.txt"
  if [ "$PEERS" = 1 ]; then
    taskset -c "$CORE" "$PY" "$ROOT/benchmarks/peers.py" \
      --peak-json "$OUT/peak-$i.json" --json "$OUT/peers-$i.json" \
      --sgemm-shim "$BUILD/lib/libbf16-bench-sgemm-shim.so" "${QUICK[@]}" \
      | tee "$OUT/peers-$i.txt"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" |
  tee -a "$OUT/machine.txt"

FILES=("$OUT"/peak-*.json)
[ "$PEERS" = 1 ] && FILES+=("$OUT"/peers-*.json)
echo
"$PY" "$ROOT/benchmarks/report.py" "${FILES[@]}" | tee "$OUT/table.txt"
"$PY" "$ROOT/benchmarks/report.py" --markdown "${FILES[@]}" > "$OUT/table.md"
echo "markdown table: $OUT/table.md"
