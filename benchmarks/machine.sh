#!/bin/bash
# Benchmarks on the whole machine (issue 14 part 4), side by side in one run
# (benchmarks/README.md, "Whole machine"): the machine's peaks and triad on 1
# core and on every core at once; the MLP 784-1024-1024-10 step on T threads
# and on 1 (ours in every mode, PyTorch 1.13 BF16 / FP32) against the T-core
# FLOP bound; the GEMMs on T threads and 1 against oneDNN; the SR update
# against the same run's triad (each random-bit stream --bf16-train offers);
# the 2-process data-parallel step against one process. Each table has a
# "target / status" column computed from the figures. Not a test.
#
# usage: benchmarks/machine.sh [--quick] [--threads T] [--sections LIST]
#   --quick          small budgets (a few minutes): a smoke test, NOT for
#                    reporting
#   --threads T      threads of the whole-machine rows (default: every core)
#   --sections LIST  subset of mlp,gemm,sr,dp (the peaks always run)
# Results (machine.md, machine.json, every child's log and JSON) go to
# $BF16_BENCH_OUT or build/benchmarks/results/machine-<date-time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
# The drivers import bf16_opt (bf16_opt.testing: tool paths, runs, parsing).
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
PY=/usr/bin/python3 # Debian's python3 with python3-torch, not pyenv's
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,17p' "$0"; exit 0 ;; esac
done
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-run bf16-bench > /dev/null
OUT=${BF16_BENCH_OUT:-$BUILD/benchmarks/results/machine-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores online"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
set +e
"$PY" "$ROOT/benchmarks/machine.py" --build "$BUILD" --out "$OUT" "$@"
RC=$?
set -e
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall time: $(( $(date +%s) - START )) s; results in $OUT"
exit $RC
