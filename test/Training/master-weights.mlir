// RUN: bf16-opt %s --bf16-demote=master-weights -canonicalize | FileCheck %s

// The mixed-precision baseline: the parameter w and the momentum v stay f32
// with their whole update chain; the forward/backward compute reads a bf16
// copy of w; the gradient (a bf16 matmul with an f32 accumulator, rounded
// once) is widened into the f32 update; the loss is bf16.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[W:.*]]: tensor<4x4xf32> {lowp.role = #lowp<role param>}, %[[V:.*]]: tensor<4x4xf32> {lowp.role = #lowp<role optimizer_state>}, %[[X:.*]]: tensor<4x4xbf16> {lowp.role = #lowp<role input>}, %[[MU:.*]]: bf16 {lowp.role = #lowp<role input>})
// CHECK-SAME: -> (tensor<4x4xf32> {lowp.tied_to = 0 : i64}, tensor<4x4xf32> {lowp.tied_to = 1 : i64}, tensor<4x4xbf16>)
// CHECK: %[[COPY:.*]] = arith.truncf %[[W]] : tensor<4x4xf32> to tensor<4x4xbf16>
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[COPY]] : tensor<4x4xbf16>, tensor<4x4xbf16>) outs(%{{.*}} : tensor<4x4xf32>)
// CHECK: %[[YN:.*]] = arith.truncf %[[Y]] : tensor<4x4xf32> to tensor<4x4xbf16>
// CHECK: %[[G:.*]] = linalg.matmul ins(%[[X]], %{{.*}} : tensor<4x4xbf16>, tensor<4x4xbf16>) outs(%{{.*}} : tensor<4x4xf32>)
// CHECK: %[[GN:.*]] = arith.truncf %[[G]] : tensor<4x4xf32> to tensor<4x4xbf16>
// CHECK-DAG: %[[GW:.*]] = arith.extf %[[GN]] : tensor<4x4xbf16> to tensor<4x4xf32>
// CHECK-DAG: %[[MV:.*]] = arith.mulf %{{.*}}, %[[V]] : tensor<4x4xf32>
// CHECK: %[[V1:.*]] = arith.addf %[[MV]], %[[GW]] : tensor<4x4xf32>
// CHECK: %[[W1:.*]] = arith.subf %[[W]], %[[V1]] : tensor<4x4xf32>
// CHECK: return %[[W1]], %[[V1]], %[[YN]] : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xbf16>
func.func @step(%w: tensor<4x4xf32> {lowp.role = #lowp<role param>},
                %v: tensor<4x4xf32> {lowp.role = #lowp<role optimizer_state>},
                %x: tensor<4x4xf32> {lowp.role = #lowp<role input>}, %mu: f32 {lowp.role = #lowp<role input>})
    -> (tensor<4x4xf32> {lowp.tied_to = 0 : i64}, tensor<4x4xf32> {lowp.tied_to = 1 : i64}, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32>
  %t = math.tanh %y : tensor<4x4xf32>
  %g = linalg.matmul ins(%x, %t : tensor<4x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32>
  %mub = linalg.fill ins(%mu : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %mv = arith.mulf %mub, %v : tensor<4x4xf32>
  %v1 = arith.addf %mv, %g : tensor<4x4xf32>
  %w1 = arith.subf %w, %v1 : tensor<4x4xf32>
  return %w1, %v1, %y : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
