// RUN: bf16-opt %s --bf16-demote -split-input-file -verify-diagnostics

// expected-error @+1 {{'func.func' uses 'f64', which bf16-demote does not handle: the input must be f32 (values already in 'bf16' are kept)}}
func.func @f64_signature(%x: tensor<4xf64>) -> tensor<4xf64> {
  %y = arith.addf %x, %x : tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

func.func @f64_inside(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'arith.extf' uses 'f64'}}
  %y = arith.extf %x : tensor<4xf32> to tensor<4xf64>
  // expected-error @+1 {{'arith.truncf' uses 'f64'}}
  %z = arith.truncf %y : tensor<4xf64> to tensor<4xf32>
  return %z : tensor<4xf32>
}

// -----

// An op outside the supported dialects (the documented behaviour: an error,
// unless keep-f32 lists it; see keep-f32.mlir).
func.func @unsupported(%v: vector<4xf32>) -> f32 {
  // expected-error @+1 {{'vector.reduction' is not from a dialect that bf16-demote supports and cannot be demoted; list it in keep-f32 to keep it in f32 with casts around it}}
  %r = vector.reduction <add>, %v : vector<4xf32> into f32
  return %r : f32
}

// -----

func.func @bitcast(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{'arith.bitcast' reinterprets f32 bits and cannot be demoted}}
  %y = arith.bitcast %x : tensor<4xf32> to tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// expected-error @+1 {{external function @ext has f32 in its signature; its body is not in the module, so calls to it cannot be demoted}}
func.func private @ext(f32) -> f32

// -----

func.func @tosa(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.abs' is TOSA: convert TOSA to linalg first (bf16-train input=tosa, or upstream tosa-to-linalg)}}
  %y = tosa.abs %x : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
