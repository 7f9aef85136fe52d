#!/bin/bash
# The main job (README command 1), run by ./build.sh demo after the build.
#  1. bf16-opt parses, verifies and cleans up the bundled FP32 training step
#     (examples/logreg_sgd.mlir) and prints it.
#  2. The same step, with a driver, is lowered by bf16-opt's portable
#     pipeline to LLVM and trained for 20 steps under stock mlir-runner.
#  3. The update-cancellation experiment of NUMERICS.md section 4 runs with
#     the lowp ops: nearest rounding stalls, Kahan and SR do not.
#  4. --bf16-train rewrites the FP32 MLP step (examples/mlp_sgd_momentum.mlir)
#     into BF16-only IR with Kahan-compensated updates; bf16-verify-narrow
#     proves no f32 is left outside the f32 accumulators.
#  5. The same rewrite, in every rounding mode, of the step w' = w + u,
#     compiled and run 1000 times: nearest cancels, kahan/split are exact,
#     stochastic rounding is right on average.
# The AVX512-BF16 lowering is the next issue; this demo grows with it.
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
echo
echo "== 4. --bf16-train=\"rounding=kahan\" on the MLP step: signature and update ops"
"$OPT" "$ROOT/examples/mlp_sgd_momentum.mlir" --bf16-train="rounding=kahan remarks" \
  > "$TMP/mlp.bf16.mlir" 2> "$TMP/remarks.txt"
grep -c "remark: trained state" "$TMP/remarks.txt" | sed 's/^/   trained-state remarks: /'
grep -o "func.func @train_step(.*) -> " "$TMP/mlp.bf16.mlir" \
  | grep -o '%arg[0-9]*: tensor<[^>]*> {lowp.state = "[a-z_]*", lowp.state_of = [0-9]*' \
  | sed 's/^/   added argument: /'
grep -o "lowp.kahan_update nearest_even [^:]*: bf16" "$TMP/mlp.bf16.mlir" \
  | sed 's/^/   /'
"$OPT" "$TMP/mlp.bf16.mlir" --bf16-verify-narrow > /dev/null \
  && echo "   bf16-verify-narrow: BF16-only (f32 only inside accumulators)"
echo
echo "== 5. w' = w + u, rewritten by --bf16-train in each mode, run 1000 times (u = 2^-9, w = 1)"
for m in nearest kahan split stochastic; do
  "$OPT" "$ROOT/test/Integration/Train/Inputs/accumulate_step.mlir" \
    --bf16-train="rounding=$m" > "$TMP/step.$m.mlir"
  /usr/bin/python3 "$ROOT/test/Integration/Train/Inputs/gen_driver.py" "$m" \
    "$TMP/step.$m.mlir" | "$OPT" --lowp-emulated-to-llvm \
    | $LLVM/bin/mlir-runner -e main -entry-point-result=void \
        -shared-libs=$RUNNER_LIBS | sed "s/^/   $m: /"
done
