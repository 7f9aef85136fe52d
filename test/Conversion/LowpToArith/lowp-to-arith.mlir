// RUN: bf16-opt %s --bf16-convert-lowp-to-arith --split-input-file | FileCheck %s
// The expansion must survive cleanup: the rounding recipes and Kahan's
// compensation arithmetic are still there after -canonicalize -cse.
// RUN: bf16-opt %s --bf16-convert-lowp-to-arith -canonicalize -cse --split-input-file \
// RUN:   | FileCheck %s --check-prefix=CLEAN

// CHECK-LABEL: func.func @rne_scalar
// CHECK-NOT: lowp.
// CHECK: %[[B:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[HI:.*]] = arith.shrui %[[B]], %{{.*}} : i32
// CHECK: %[[LSB:.*]] = arith.andi %[[HI]], %{{.*}} : i32
// CHECK: %[[T:.*]] = arith.addi %[[B]], %{{.*}} : i32
// CHECK: %[[T2:.*]] = arith.addi %[[T]], %[[LSB]] : i32
// CHECK: %[[R:.*]] = arith.shrui %[[T2]], %{{.*}} : i32
// CHECK: %[[NAN:.*]] = arith.cmpi ugt
// CHECK: %[[Q:.*]] = arith.ori %[[HI]]
// CHECK: %[[SEL:.*]] = arith.select %[[NAN]], %[[Q]], %[[R]] : i32
// CHECK: %[[TR:.*]] = arith.trunci %[[SEL]] : i32 to i16
// CHECK: %[[OUT:.*]] = arith.bitcast %[[TR]] : i16 to bf16
// CHECK: return %[[OUT]]
// (Canonicalization hoists the constants in either order.)
// CLEAN-LABEL: func.func @rne_scalar
// CLEAN-DAG: arith.constant 32767 : i32
// CLEAN-DAG: arith.constant 2139095040 : i32
// CLEAN-NOT: arith.truncf
// CLEAN: arith.trunci
func.func @rne_scalar(%x: f32) -> bf16 {
  %0 = lowp.round nearest_even %x : (f32) -> bf16
  return %0 : bf16
}

// -----

// CHECK-LABEL: func.func @ftz_vector
// CHECK: arith.bitcast %{{.*}} : vector<16xf32> to vector<16xi32>
// CHECK: %[[EXPMASK:.*]] = arith.constant dense<2139095040> : vector<16xi32>
// CHECK: %[[EXP:.*]] = arith.andi %{{.*}}, %[[EXPMASK]] : vector<16xi32>
// CHECK: %[[Z:.*]] = arith.cmpi eq, %[[EXP]], %{{.*}} : vector<16xi32>
// CHECK: arith.select %[[Z]], %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xi32>
// CHECK: arith.bitcast %{{.*}} : vector<16xi16> to vector<16xbf16>
func.func @ftz_vector(%x: vector<16xf32>) -> vector<16xbf16> {
  %0 = lowp.round nearest_even_ftz %x : (vector<16xf32>) -> vector<16xbf16>
  return %0 : vector<16xbf16>
}

// -----

// CHECK-LABEL: func.func @sr_tensor
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4x?xf32>, tensor<4x?xi32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[R:.*]]: i32, %{{.*}}: bf16):
// CHECK: %[[XB:.*]] = arith.bitcast %[[X]] : f32 to i32
// Stochastic rounding tests for NaN with one unordered self-comparison.
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[LOW:.*]] = arith.andi %[[R]], %{{.*}} : i32
// CHECK: arith.addi %[[XB]], %[[LOW]] : i32
// CHECK: arith.select %[[NAN]]
// CHECK: linalg.yield
func.func @sr_tensor(%x: tensor<4x?xf32>, %r: tensor<4x?xi32>) -> tensor<4x?xbf16> {
  %0 = lowp.round stochastic %x, %r : (tensor<4x?xf32>, tensor<4x?xi32>) -> tensor<4x?xbf16>
  return %0 : tensor<4x?xbf16>
}

// -----

// CHECK-LABEL: func.func @kahan
// CHECK-NOT: lowp.kahan_update
// CHECK: %[[Y:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: %[[T:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// CHECK: %[[C:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// CLEAN-LABEL: func.func @kahan
// CLEAN-COUNT-3: arith.subf
// CLEAN-NOT: fastmath
// CLEAN: return
func.func @kahan(%w: bf16, %c: bf16, %u: bf16) -> (bf16, bf16) {
  %w1, %c1 = lowp.kahan_update nearest_even %w, %c, %u : bf16
  return %w1, %c1 : bf16, bf16
}

// -----

// CHECK-LABEL: func.func @random_bits_tensor
// CHECK: tensor.empty() : tensor<3x5xi32>
// CHECK: linalg.generic
// CHECK-SAME: outs(
// CHECK: linalg.index 0 : index
// CHECK: linalg.index 1 : index
// CHECK: arith.index_castui %{{.*}} : index to i64
// Philox's 20 32x32->64-bit products, on words zero-extended to i64.
// CHECK-COUNT-20: arith.muli %{{.*}}, %{{.*}} : i64
// CHECK-NOT: arith.muli
// CHECK: linalg.yield
// CLEAN-LABEL: func.func @random_bits_tensor
// CLEAN-COUNT-20: arith.muli %{{.*}}, %{{.*}} : i64
func.func @random_bits_tensor(%seed: i64, %stream: i32, %step: i64) -> tensor<3x5xi32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// Ops of other dialects, including elementwise arith on tensors, are left
// alone.
// CHECK-LABEL: func.func @untouched
// CHECK-NEXT: arith.addf %{{.*}}, %{{.*}} : tensor<4xf32>
// CHECK-NEXT: arith.truncf %{{.*}} : tensor<4xf32> to tensor<4xbf16>
// CHECK-NEXT: return
func.func @untouched(%a: tensor<4xf32>) -> tensor<4xbf16> {
  %0 = arith.addf %a, %a : tensor<4xf32>
  %1 = arith.truncf %0 : tensor<4xf32> to tensor<4xbf16>
  return %1 : tensor<4xbf16>
}

// -----

// Stream v2 (i16): block index >> 3, word (index >> 1) & 3, half index & 1.
// CHECK-LABEL: func.func @random_bits16_tensor
// CHECK: tensor.empty() : tensor<3x5xi16>
// CHECK: linalg.generic
// CHECK: arith.index_castui %{{.*}} : index to i64
// CHECK: %[[C3:.*]] = arith.constant 3 : i64
// CHECK: arith.shrui %{{.*}}, %[[C3]] : i64
// CHECK-COUNT-20: arith.muli %{{.*}}, %{{.*}} : i64
// CHECK-NOT: arith.muli
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK: %[[H:.*]] = arith.trunci %{{.*}} : i32 to i16
// CHECK: linalg.yield %[[H]] : i16
func.func @random_bits16_tensor(%seed: i64, %stream: i32, %step: i64) -> tensor<3x5xi16> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<3x5xi16>
  return %0 : tensor<3x5xi16>
}

// -----

// i16 bits are zero-extended and added whole (no mask); i32 bits are masked
// to their low 16 bits.
// CHECK-LABEL: func.func @sr16
// CHECK: %[[B:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[R:.*]] = arith.extui %{{.*}} : i16 to i32
// CHECK: %[[S:.*]] = arith.addi %[[B]], %[[R]] : i32
// CHECK: arith.shrui %[[S]], %{{.*}} : i32
// CHECK: return
func.func @sr16(%x: f32, %r: i16) -> bf16 {
  %0 = lowp.round stochastic %x, %r : (f32, i16) -> bf16
  return %0 : bf16
}
