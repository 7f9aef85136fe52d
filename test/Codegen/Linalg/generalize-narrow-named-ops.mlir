// RUN: bf16-opt %s --bf16-generalize-narrow-named-ops | FileCheck %s

// A matmul accumulating in bf16 becomes a generic with the same body.
// CHECK-LABEL: func.func @narrow
// CHECK-NOT: linalg.matmul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.mulf %{{.*}}, %{{.*}} : bf16
// CHECK: arith.addf %{{.*}}, %{{.*}} : bf16
func.func @narrow(%a: tensor<4x8xbf16>, %b: tensor<8x2xbf16>, %c: tensor<4x2xbf16>) -> tensor<4x2xbf16> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x2xbf16>)
                     outs(%c : tensor<4x2xbf16>) -> tensor<4x2xbf16>
  return %r : tensor<4x2xbf16>
}

// bf16 inputs widened into an f32 accumulator stay a named matmul (for the
// GEMM microkernel), and so do f32 ops.
// CHECK-LABEL: func.func @wide
// CHECK: linalg.matmul
// CHECK-NOT: linalg.generic
func.func @wide(%a: tensor<4x8xbf16>, %b: tensor<8x2xbf16>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x2xbf16>)
                     outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
// CHECK-LABEL: func.func @f32
// CHECK: linalg.matmul
func.func @f32(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>)
                     outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
