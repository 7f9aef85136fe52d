// Folds are exact (they evaluate the reference numerics); Kahan is never
// folded, and nothing simplifies a rounding away.
// RUN: bf16-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @fold_modes
// 1 + 2^-8 is a tie: nearest even goes down, stochastic with r = 0x8000 up.
// CHECK-DAG: arith.constant 1.000000e+00 : bf16
// CHECK-DAG: arith.constant 1.007810e+00 : bf16
// CHECK-NOT: lowp.round
func.func @fold_modes() -> (bf16, bf16, bf16) {
  %x = arith.constant 1.00390625 : f32
  %r = arith.constant 32768 : i32
  %a = lowp.round nearest_even %x : (f32) -> bf16
  %b = lowp.round stochastic %x, %r : (f32, i32) -> bf16
  %c = lowp.round toward_zero %x : (f32) -> bf16
  return %a, %b, %c : bf16, bf16, bf16
}

// -----

// CHECK-LABEL: func.func @fold_ftz
// CHECK: %[[Z:.*]] = arith.constant dense<[0.000000e+00, -0.000000e+00, 1.175490e-38]> : tensor<3xbf16>
// CHECK: return %[[Z]]
func.func @fold_ftz() -> tensor<3xbf16> {
  %x = arith.constant dense<[0x00400000, 0x80400000, 0x00800000]> : tensor<3xf32>
  %a = lowp.round nearest_even_ftz %x : (tensor<3xf32>) -> tensor<3xbf16>
  return %a : tensor<3xbf16>
}

// -----

// A splat stays a splat.
// CHECK-LABEL: func.func @fold_splat
// CHECK: arith.constant dense<1.000000e+00> : tensor<1024x1024xbf16>
func.func @fold_splat() -> tensor<1024x1024xbf16> {
  %x = arith.constant dense<1.0> : tensor<1024x1024xf32>
  %a = lowp.round nearest_even %x : (tensor<1024x1024xf32>) -> tensor<1024x1024xbf16>
  return %a : tensor<1024x1024xbf16>
}

// -----

// CHECK-LABEL: func.func @fold_sr_add
// 1.0 + 2^-9 = 0x3F804000: r = 0xBFFF stays at 1.0, r = 0xC000 rounds up.
// CHECK: arith.constant 1.000000e+00 : bf16
// CHECK: arith.constant 1.007810e+00 : bf16
func.func @fold_sr_add() -> (bf16, bf16) {
  %w = arith.constant 1.0 : bf16
  %u = arith.constant 0.001953125 : f32
  %r0 = arith.constant 49151 : i32
  %r1 = arith.constant 49152 : i32
  %a = lowp.sr_add %w, %u, %r0 : bf16, f32, i32
  %b = lowp.sr_add %w, %u, %r1 : bf16, f32, i32
  return %a, %b : bf16, bf16
}

// -----

// Kahan is opaque to canonicalization, even on constants and zeros.
// CHECK-LABEL: func.func @kahan_not_folded
// CHECK: lowp.kahan_update nearest_even
func.func @kahan_not_folded(%w: bf16) -> (bf16, bf16) {
  %z = arith.constant 0.0 : bf16
  %w1, %c1 = lowp.kahan_update nearest_even %w, %z, %z : bf16
  return %w1, %c1 : bf16, bf16
}

// -----

// Rounding is not undone: extf(round(x)) is not folded back to x.
// CHECK-LABEL: func.func @no_round_trip_fold
// CHECK: lowp.round nearest_even
// CHECK: arith.extf
func.func @no_round_trip_fold(%x: f32) -> f32 {
  %a = lowp.round nearest_even %x : (f32) -> bf16
  %b = arith.extf %a : bf16 to f32
  return %b : f32
}
