// RUN: bf16-opt %s --bf16-verify-narrow -split-input-file -verify-diagnostics
// RUN: not bf16-opt %s --bf16-verify-narrow=allow-accumulators=false -split-input-file 2>&1 | FileCheck %s --check-prefix=STRICT

// An accumulator group (f32 fill/init, contraction, one truncf) is allowed.
// STRICT: error: 'linalg.matmul' still uses 'f32': the IR is not 'bf16'-only
func.func @accumulator(%a: tensor<2x2xbf16>, %b: tensor<2x2xbf16>) -> tensor<2x2xbf16> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%a, %b : tensor<2x2xbf16>, tensor<2x2xbf16>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %t = arith.truncf %m : tensor<2x2xf32> to tensor<2x2xbf16>
  return %t : tensor<2x2xbf16>
}

// -----

// An f32 value outside an accumulator group is reported where it appears.
func.func @leak(%a: tensor<2xbf16>) -> tensor<2xbf16> {
  // expected-error @+1 {{'arith.extf' still uses 'f32': the IR is not 'bf16'-only}}
  %w = arith.extf %a : tensor<2xbf16> to tensor<2xf32>
  // expected-error @+1 {{'math.exp' still uses 'f32'}}
  %e = math.exp %w : tensor<2xf32>
  // expected-error @+1 {{'arith.truncf' still uses 'f32'}}
  %t = arith.truncf %e : tensor<2xf32> to tensor<2xbf16>
  return %t : tensor<2xbf16>
}

// -----

// expected-error @+1 {{'func.func' still uses 'f32'}}
func.func @signature(%a: f32) -> bf16 {
  // expected-error @+1 {{'arith.truncf' still uses 'f32'}}
  %t = arith.truncf %a : f32 to bf16
  return %t : bf16
}

// -----

// expected-error @+1 {{'func.func' still uses 'f64'}}
func.func private @f64(f64)
