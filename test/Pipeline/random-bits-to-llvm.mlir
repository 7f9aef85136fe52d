// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated | FileCheck %s --check-prefix=VEC
// RUN: bf16-opt %s --bf16-train-to-llvm="target=emulated vectorize=false" \
// RUN:   | FileCheck %s --check-prefix=NOVEC
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated --dump-pass-pipeline \
// RUN:   2>&1 >/dev/null | FileCheck %s --check-prefix=PIPE
// RUN: bf16-opt %s --bf16-train-to-llvm="target=emulated vectorize=false" \
// RUN:   --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPE-NOVEC

// bf16-train-to-llvm lowers lowp.random_bits on tensors with one Philox
// block per four elements when it vectorizes (the default), before
// bufferization.
// PIPE: bf16-convert-random-bits-to-vector{lanes=16},
// PIPE-NEXT: bf16-convert-lowp-to-arith{tensors-only=true},
// PIPE: one-shot-bufferize
// PIPE-NOVEC-NOT: bf16-convert-random-bits-to-vector

// 1000 elements: a loop over 15 runs of 64 (16 blocks; each of the 20
// 32x32->64-bit products is one multiply on vector<16xi64>), then 40
// elements from 10 blocks (the first product has constant operands and
// folds), then the words are transposed into element order.
// VEC-LABEL: llvm.func @bits
// VEC-COUNT-20: llvm.mul %{{.*}}, %{{.*}} : vector<16xi64>
// VEC: llvm.shufflevector %{{.*}}, %{{.*}} [0, 16, 1, 17, {{.*}}, 15, 31] : vector<16xi32>
// VEC: llvm.shufflevector %{{.*}}, %{{.*}} [0, 1, 32, 33, 2, 3, 34, 35, {{.*}}] : vector<32xi32>
// VEC-COUNT-19: llvm.mul %{{.*}}, %{{.*}} : vector<10xi64>
// VEC-NOT: llvm.mul
// VEC: llvm.return
// Without vectorization: the per-element body, a whole block per element.
// NOVEC-LABEL: llvm.func @bits
// NOVEC-COUNT-20: llvm.mul %{{.*}}, %{{.*}} : i64
// NOVEC-NOT: llvm.shufflevector
// NOVEC: llvm.return
func.func @bits(%step: i64) -> tensor<8x125xi32> {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 3 : i32
  %r = lowp.random_bits %seed, %stream, %step : tensor<8x125xi32>
  return %r : tensor<8x125xi32>
}
