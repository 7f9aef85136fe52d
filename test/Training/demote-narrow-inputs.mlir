// RUN: bf16-opt %s --bf16-demote | FileCheck %s
// RUN: bf16-opt %s --bf16-demote | bf16-opt --bf16-demote | FileCheck %s
// RUN: bf16-opt %s --bf16-train | bf16-opt --bf16-verify-narrow | FileCheck %s --check-prefix=TRAIN

// A contraction that already reads bf16 inputs into an f32 accumulator that
// comes from outside (an argument): the argument is demoted, so the op
// becomes an accumulator group (widened init, one rounding). This used to
// fail the verifier without a location.
// CHECK-LABEL: func.func @wide
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<4x2xbf16>
// CHECK: %[[W:.*]] = arith.extf %[[C]] : tensor<4x2xbf16> to tensor<4x2xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<8x2xbf16>) outs(%[[W]] : tensor<4x2xf32>)
// CHECK: %[[R:.*]] = arith.truncf %[[M]] : tensor<4x2xf32> to tensor<4x2xbf16>
// CHECK: return %[[R]]
// TRAIN-LABEL: func.func @wide
// TRAIN: linalg.matmul
func.func @wide(%a: tensor<4x8xbf16>, %b: tensor<8x2xbf16>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x2xbf16>)
                     outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
