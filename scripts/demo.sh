#!/bin/bash
# The main job (README command 1), run by ./build.sh demo after the build.
#  1. bf16-opt parses, verifies and cleans up the bundled FP32 training step
#     (examples/logreg_sgd.mlir) and prints it.
#  2. The same step, with a driver, is lowered by bf16-opt's portable
#     pipeline to LLVM and trained for 20 steps under stock mlir-runner.
#  3. The update-cancellation experiment of NUMERICS.md section 4 runs with
#     the lowp ops: nearest rounding stalls, Kahan and SR do not.
# The FP32 -> BF16 rewrite (--bf16-train) and the AVX512-BF16 lowering are
# the next issues; this demo grows with them.
set -euo pipefail
BUILD=${1:-$(dirname "$0")/../build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPT="$BUILD/bin/bf16-opt"
LLVM=/usr/lib/llvm-22
RUNNER_LIBS=$LLVM/lib/libmlir_runner_utils.so,$LLVM/lib/libmlir_c_runner_utils.so
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "== $("$OPT" --version | head -1)"
echo
echo "== 1. FP32 training step (examples/logreg_sgd.mlir) after bf16-opt -canonicalize -cse"
"$OPT" "$ROOT/examples/logreg_sgd.mlir" -canonicalize -cse
echo
echo "== 2. Compile the step with --lowp-emulated-to-llvm and train 20 steps (mlir-runner)"
cat "$ROOT/examples/logreg_sgd.mlir" "$ROOT/examples/logreg_train.mlir" > "$TMP/train.mlir"
"$OPT" "$TMP/train.mlir" --lowp-emulated-to-llvm > "$TMP/train.llvm.mlir"
$LLVM/bin/mlir-runner "$TMP/train.llvm.mlir" -e main -entry-point-result=void \
  -shared-libs=$RUNNER_LIBS
echo
echo "== 3. 1000 updates of 2^-9 to w = 1.0 in BF16 (examples/update_cancellation.mlir)"
"$OPT" "$ROOT/examples/update_cancellation.mlir" --lowp-emulated-to-llvm \
  | $LLVM/bin/mlir-runner -e main -entry-point-result=void -shared-libs=$RUNNER_LIBS
echo "   (exact FP32 answer: 1 + 1000 * 2^-9 = 2.953125)"
