#!/bin/bash
# bf16-opt's own kernels next to the machine peaks, measured in the same run
# on one pinned core (benchmarks/README.md, section "bf16-opt's kernels").
# usage: benchmarks/ours.sh [--threads T] [--json FILE] [TARGET]
#   TARGET of --bf16-train-to-llvm, default host; --threads T: the kernels on
#   T threads (BF16_NUM_THREADS) pinned to cores 0..T-1, against the peak and
#   triad of those T cores at once (bf16-bench-peak --threads T); default 1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
LLVM=/usr/lib/llvm-22
TARGET=host; THREADS=1; JSON=
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    -*) sed -n '4,7p' "$0" >&2; exit 2 ;;
    *) TARGET=$1; shift ;;
  esac
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -f "$BUILD/build.ninja" ] || BF16_BUILD_DIR=$BUILD "$ROOT/build.sh" build
ninja -C "$BUILD" bf16-opt bf16-bench-peak > /dev/null
"$BUILD/bin/bf16-opt" "$ROOT/benchmarks/ours/kernels.mlir" \
  --bf16-train-to-llvm="target=$TARGET" \
  | $LLVM/bin/mlir-translate --mlir-to-llvmir -o "$TMP/kernels.ll"
$LLVM/bin/clang -O3 -march=native -Wno-override-module -c "$TMP/kernels.ll" -o "$TMP/kernels.o"
# The kernels run their parallel loops on LLVM's libomp (docs/Threads.md).
$LLVM/bin/clang -O2 "$ROOT/benchmarks/ours/bench_ours.c" "$TMP/kernels.o" -o "$TMP/bench" \
  -L$LLVM/lib -lomp -Wl,-rpath,$LLVM/lib
export OMP_NUM_THREADS=$THREADS BF16_NUM_THREADS=$THREADS
CORES=0-$((THREADS - 1))
taskset -c "$CORES" "$BUILD/bin/bf16-bench-peak" --threads "$THREADS" --only peaks > "$TMP/peaks.txt"
taskset -c "$CORES" "$BUILD/bin/bf16-bench-peak" --threads "$THREADS" --only triad > "$TMP/triad.txt"
# bench pins itself to core 0 unless told not to (then taskset's cores).
taskset -c "$CORES" "$TMP/bench" $([ "$THREADS" = 1 ] || echo --no-pin) > "$TMP/ours.txt"
/usr/bin/python3 - "$TMP" "$TARGET" "$THREADS" "$JSON" <<'PY'
import json, re, sys
d, target, threads, json_out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(d + "/peaks.txt").read() + open(d + "/triad.txt").read()
def grab(pattern):
    m = re.search(pattern, text, re.M)
    return float(m.group(1)) if m else float("nan")
# With --threads T > 1: the rows of the T cores at once (bf16-bench-peak).
peak = grab(r"vdpbf16ps.*?%s.*?([0-9.]+)\s*GFLOP/s" % ("" if threads == 1 else "all cores"))
triad = grab(r"^.*triad%s.*?([0-9.]+)\s*GB/s" % ("" if threads == 1 else ", all cores"))
ours = dict((l.split()[0], l.split()[1:]) for l in open(d + "/ours.txt"))
print(f"bf16-opt kernels (--bf16-train-to-llvm target={target}) vs this machine, "
      + ("one pinned core" if threads == 1 else f"{threads} threads on cores 0-{threads - 1}"))
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
if json_out:
    json.dump({"target": target, "threads": threads, "peak_gflops": peak,
               "triad_gbs": triad, "in_place": ours["in_place"][0],
               "kernels": {k: {"value": float(v[0]), "unit": v[1]}
                           for k, v in ours.items() if k != "in_place"}},
              open(json_out, "w"), indent=1)
PY
