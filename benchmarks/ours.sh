#!/bin/bash
# bf16-opt's own kernels next to the machine peaks, measured in the same run
# on one pinned core (benchmarks/README.md, section "bf16-opt's kernels").
# usage: benchmarks/ours.sh [TARGET]   (TARGET of --bf16-train-to-llvm, default host)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
LLVM=/usr/lib/llvm-22
TARGET=${1:-host}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-bench-peak > /dev/null
"$BUILD/bin/bf16-opt" "$ROOT/benchmarks/ours/kernels.mlir" \
  --bf16-train-to-llvm="target=$TARGET" \
  | $LLVM/bin/mlir-translate --mlir-to-llvmir -o "$TMP/kernels.ll"
$LLVM/bin/clang -O3 -march=native -Wno-override-module -c "$TMP/kernels.ll" -o "$TMP/kernels.o"
$LLVM/bin/clang -O2 "$ROOT/benchmarks/ours/bench_ours.c" "$TMP/kernels.o" -o "$TMP/bench"
export OMP_NUM_THREADS=1
taskset -c 0 "$BUILD/bin/bf16-bench-peak" --only peaks > "$TMP/peaks.txt"
taskset -c 0 "$BUILD/bin/bf16-bench-peak" --only triad > "$TMP/triad.txt"
taskset -c 0 "$TMP/bench" > "$TMP/ours.txt"
/usr/bin/python3 - "$TMP" "$TARGET" <<'PY'
import re, sys
d, target = sys.argv[1], sys.argv[2]
text = open(d + "/peaks.txt").read() + open(d + "/triad.txt").read()
def grab(pattern):
    m = re.search(pattern, text, re.M)
    return float(m.group(1)) if m else float("nan")
peak = grab(r"vdpbf16ps.*?([0-9.]+)\s*GFLOP/s")
triad = grab(r"^.*triad.*?([0-9.]+)\s*GB/s")
ours = dict((l.split()[0], l.split()[1:]) for l in open(d + "/ours.txt"))
print(f"bf16-opt kernels (--bf16-train-to-llvm target={target}) vs this machine, one pinned core")
print(f"{'figure':34} {'value':>10} {'unit':8} {'vs peak':>8}")
print(f"{'vdpbf16ps peak (same run)':34} {peak:10.1f} {'GFLOP/s':8} {1:8.3f}")
print(f"{'STREAM triad (same run)':34} {triad:10.1f} {'GB/s':8} {1:8.3f}")
g = float(ours['gemm_1024'][0])
print(f"{'bf16-opt BF16 GEMM 1024^3':34} {g:10.3f} {'GFLOP/s':8} {g/peak:8.4f}")
for k, label in (('rne', 'RNE f32->bf16, 6 B/elt'), ('sr_add', 'SR add (Philox v1), 6 B/elt'),
                 ('sr16_add', 'SR add (Philox v2), 6 B/elt'), ('kahan', 'Kahan, 10 B/elt')):
    v = float(ours[k][0])
    print(f"{'bf16-opt ' + label:34} {v:10.2f} {'GB/s':8} {v/triad:8.3f}")
print(f"{'updates in place':34} {ours['in_place'][0]:>10}")
PY
