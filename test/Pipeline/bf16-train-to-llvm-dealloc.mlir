// Temporaries of a step are freed and its update is made in place: the
// reduction's buffer %sum is the only allocation and is freed in the same
// call; %u is written into %b's buffer (bf16-update-in-place), which is
// returned as is. (The pipeline used to leak every temporary on every call:
// ~27 MB per MLP training step; and every update got a fresh buffer.)
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated | FileCheck %s
// CHECK-LABEL: llvm.func @step
// CHECK-COUNT-1: llvm.call @malloc
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.call @free
// CHECK-NOT: llvm.call @free
// CHECK: llvm.return
func.func @step(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %sum = linalg.reduce ins(%a : tensor<64xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  %e64 = tensor.empty() : tensor<64xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%b, %sum : tensor<64xf32>, tensor<f32>) outs(%e64 : tensor<64xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %r = arith.addf %x, %s : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %u : tensor<64xf32>
}
