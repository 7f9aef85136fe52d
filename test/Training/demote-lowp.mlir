// RUN: bf16-opt %s --bf16-demote | FileCheck %s
// RUN: bf16-opt %s --bf16-demote | bf16-opt --bf16-verify-narrow=allow-accumulators=false

// lowp ops keep their wide operands: the demoted producer is widened
// exactly (the rounding the op describes is still the one that happens).
// CHECK-LABEL: func.func @lowp_ops
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>, %[[W:.*]]: tensor<4xbf16>, %[[R:.*]]: tensor<4xi32>)
func.func @lowp_ops(%x: tensor<4xf32>, %w: tensor<4xbf16>, %r: tensor<4xi32>) -> (tensor<4xbf16>, tensor<4xbf16>) {
  // CHECK: %[[E:.*]] = math.exp %[[X]] : tensor<4xbf16>
  %e = math.exp %x : tensor<4xf32>
  // CHECK: %[[EW:.*]] = arith.extf %[[E]] : tensor<4xbf16> to tensor<4xf32>
  // CHECK: lowp.round nearest_even %[[EW]] : (tensor<4xf32>) -> tensor<4xbf16>
  %a = lowp.round nearest_even %e : (tensor<4xf32>) -> tensor<4xbf16>
  // CHECK: %[[EW2:.*]] = arith.extf %[[E]] : tensor<4xbf16> to tensor<4xf32>
  // CHECK: lowp.sr_add %[[W]], %[[EW2]], %[[R]] : tensor<4xbf16>, tensor<4xf32>, tensor<4xi32>
  %b = lowp.sr_add %w, %e, %r : tensor<4xbf16>, tensor<4xf32>, tensor<4xi32>
  return %a, %b : tensor<4xbf16>, tensor<4xbf16>
}
