// RUN: bf16-opt %s --bf16-demote="keep-f32=math.exp,vector.reduction" -verify-diagnostics | FileCheck %s

// Listed ops stay f32: their operands are widened and their results rounded,
// with a remark each.
// CHECK-LABEL: func.func @keep(%{{.*}}: tensor<4xbf16>, %{{.*}}: vector<4xbf16>) -> (tensor<4xbf16>, bf16)
func.func @keep(%x: tensor<4xf32>, %v: vector<4xf32>) -> (tensor<4xf32>, f32) {
  // CHECK: %[[A:.*]] = arith.addf %{{.*}} : tensor<4xbf16>
  %a = arith.addf %x, %x : tensor<4xf32>
  // CHECK: %[[W:.*]] = arith.extf %[[A]] : tensor<4xbf16> to tensor<4xf32>
  // CHECK: %[[E:.*]] = math.exp %[[W]] : tensor<4xf32>
  // CHECK: %[[N:.*]] = arith.truncf %[[E]] : tensor<4xf32> to tensor<4xbf16>
  // expected-remark @+1 {{kept in f32 (keep-f32): its 'bf16' operands are widened with arith.extf and its results rounded with arith.truncf}}
  %e = math.exp %a : tensor<4xf32>
  // CHECK: arith.mulf %[[N]], %[[N]] : tensor<4xbf16>
  %m = arith.mulf %e, %e : tensor<4xf32>
  // CHECK: %[[VW:.*]] = arith.extf %{{.*}} : vector<4xbf16> to vector<4xf32>
  // CHECK: %[[R:.*]] = vector.reduction <add>, %[[VW]] : vector<4xf32> into f32
  // CHECK: %[[RN:.*]] = arith.truncf %[[R]] : f32 to bf16
  // expected-remark @+1 {{kept in f32 (keep-f32)}}
  %r = vector.reduction <add>, %v : vector<4xf32> into f32
  // CHECK: return %{{.*}}, %[[RN]] : tensor<4xbf16>, bf16
  return %m, %r : tensor<4xf32>, f32
}
