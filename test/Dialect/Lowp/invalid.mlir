// Every verifier error of the lowp dialect.
// RUN: bf16-opt %s -split-input-file -verify-diagnostics

func.func @round_wide_not_f32(%x: f64) -> bf16 {
  // expected-error @+1 {{'input' element type must be f32; got 'f64'}}
  %0 = lowp.round nearest_even %x : (f64) -> bf16
  return %0 : bf16
}

// -----

func.func @round_unsupported_narrow(%x: f32) -> f16 {
  // expected-error @+1 {{'result' element type must be a supported narrow float, bf16 (f16 and f8 formats are planned but not supported yet); got 'f16'}}
  %0 = lowp.round nearest_even %x : (f32) -> f16
  return %0 : f16
}

// -----

func.func @round_f8(%x: vector<4xf32>) -> vector<4xf8E4M3FN> {
  // expected-error @+1 {{'result' element type must be a supported narrow float}}
  %0 = lowp.round toward_zero %x : (vector<4xf32>) -> vector<4xf8E4M3FN>
  return %0 : vector<4xf8E4M3FN>
}

// -----

func.func @round_stochastic_without_bits(%x: f32) -> bf16 {
  // expected-error @+1 {{rounding mode 'stochastic' requires a random-bits operand}}
  %0 = lowp.round stochastic %x : (f32) -> bf16
  return %0 : bf16
}

// -----

func.func @round_bits_without_stochastic(%x: f32, %r: i32) -> bf16 {
  // expected-error @+1 {{a random-bits operand is only allowed with rounding mode 'stochastic', not 'nearest_even_ftz'}}
  %0 = lowp.round nearest_even_ftz %x, %r : (f32, i32) -> bf16
  return %0 : bf16
}

// -----

func.func @round_shape_mismatch(%x: tensor<4xf32>) -> tensor<8xbf16> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = lowp.round nearest_even %x : (tensor<4xf32>) -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

func.func @round_tensor_vs_vector(%x: tensor<4xf32>) -> vector<4xbf16> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = lowp.round nearest_even %x : (tensor<4xf32>) -> vector<4xbf16>
  return %0 : vector<4xbf16>
}

// -----

func.func @round_scalar_bits_tensor_input(%x: tensor<4xf32>, %r: i32) -> tensor<4xbf16> {
  // expected-error @+1 {{'bits' has type 'i32' but 'input' has type 'tensor<4xf32>'; all operands and results must be the same kind of value (scalar, vector or ranked tensor) with the same shape}}
  %0 = lowp.round stochastic %x, %r : (tensor<4xf32>, i32) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @round_dynamic_mismatch(%x: tensor<?xf32>) -> tensor<4xbf16> {
  // expected-error @+1 {{'result' has type 'tensor<4xbf16>' but 'input' has type 'tensor<?xf32>'}}
  %0 = lowp.round nearest_even %x : (tensor<?xf32>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @round_unranked(%x: tensor<*xf32>) -> tensor<*xbf16> {
  // expected-error @+1 {{operand #0 must be floating-point or vector of floating-point values or ranked tensor of floating-point values, but got 'tensor<*xf32>'}}
  %0 = lowp.round nearest_even %x : (tensor<*xf32>) -> tensor<*xbf16>
  return %0 : tensor<*xbf16>
}

// -----

func.func @round_bits_not_i16_or_i32(%x: f32, %r: i8) -> bf16 {
  // expected-error @+1 {{operand #1 must be 16-bit signless integer or 32-bit signless integer or vector of 16-bit signless integer or 32-bit signless integer values or ranked tensor of 16-bit signless integer or 32-bit signless integer values, but got 'i8'}}
  %0 = lowp.round stochastic %x, %r : (f32, i8) -> bf16
  return %0 : bf16
}

// -----

func.func @sr_add_bits_i64(%w: bf16, %u: bf16, %r: i64) -> bf16 {
  // expected-error @+1 {{operand #2 must be 16-bit signless integer or 32-bit signless integer or vector of 16-bit signless integer or 32-bit signless integer values or ranked tensor of 16-bit signless integer or 32-bit signless integer values, but got 'i64'}}
  %0 = lowp.sr_add %w, %u, %r : bf16, bf16, i64
  return %0 : bf16
}

// -----

func.func @round_bits16_shape_mismatch(%x: tensor<4xf32>, %r: tensor<8xi16>) -> tensor<4xbf16> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = lowp.round stochastic %x, %r : (tensor<4xf32>, tensor<8xi16>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @round_bad_mode(%x: f32) -> bf16 {
  // expected-error @+2 {{expected ::mlir::lowp::RoundingMode to be one of: nearest_even, nearest_even_ftz, toward_zero, stochastic}}
  // expected-error @+1 {{failed to parse Lowp_RoundingModeAttr parameter 'value'}}
  %0 = lowp.round to_nearest_away %x : (f32) -> bf16
  return %0 : bf16
}

// -----

func.func @sr_add_w_not_narrow(%w: f32, %u: f32, %r: i32) -> f32 {
  // expected-error @+1 {{'w' element type must be a supported narrow float}}
  %0 = lowp.sr_add %w, %u, %r : f32, f32, i32
  return %0 : f32
}

// -----

func.func @sr_add_u_bad(%w: bf16, %u: f64, %r: i32) -> bf16 {
  // expected-error @+1 {{'u' element type must be 'bf16' (the type of 'w') or f32; got 'f64'}}
  %0 = lowp.sr_add %w, %u, %r : bf16, f64, i32
  return %0 : bf16
}

// -----

func.func @sr_add_shape(%w: tensor<4xbf16>, %u: tensor<4xbf16>, %r: tensor<5xi32>) -> tensor<4xbf16> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = lowp.sr_add %w, %u, %r : tensor<4xbf16>, tensor<4xbf16>, tensor<5xi32>
  return %0 : tensor<4xbf16>
}

// -----

func.func @sr_add_scalar_update(%w: tensor<4xbf16>, %u: bf16, %r: tensor<4xi32>) -> tensor<4xbf16> {
  // expected-error @+1 {{'u' has type 'bf16' but 'w' has type 'tensor<4xbf16>'}}
  %0 = lowp.sr_add %w, %u, %r : tensor<4xbf16>, bf16, tensor<4xi32>
  return %0 : tensor<4xbf16>
}

// -----

func.func @kahan_stochastic(%w: bf16) -> bf16 {
  // expected-error @+1 {{rounding mode must be 'nearest_even' or 'nearest_even_ftz' (each Kahan step rounds to nearest); got 'stochastic'}}
  %0, %1 = lowp.kahan_update stochastic %w, %w, %w : bf16
  return %0 : bf16
}

// -----

func.func @kahan_toward_zero(%w: bf16) -> bf16 {
  // expected-error @+1 {{rounding mode must be 'nearest_even' or 'nearest_even_ftz'}}
  %0, %1 = lowp.kahan_update toward_zero %w, %w, %w : bf16
  return %0 : bf16
}

// -----

func.func @kahan_f32(%w: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'w' element type must be a supported narrow float}}
  %0, %1 = lowp.kahan_update nearest_even %w, %w, %w : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @kahan_mixed(%w: tensor<4xbf16>, %c: tensor<4xf32>) -> tensor<4xbf16> {
  // expected-error @+1 {{failed to verify that all of {w, c, u, new_w, new_c} have same type}}
  %0:2 = "lowp.kahan_update"(%w, %c, %w) <{mode = #lowp<rounding nearest_even>}> : (tensor<4xbf16>, tensor<4xf32>, tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xbf16>)
  return %0#0 : tensor<4xbf16>
}

// -----

func.func @split_f32_hi(%hi: f32, %lo: i16) -> f32 {
  // expected-error @+1 {{'hi' element type must be a supported narrow float}}
  %0, %1 = lowp.split_update %hi, %lo, %hi : f32, i16, f32
  return %0 : f32
}

// -----

func.func @split_f16_update(%hi: bf16, %lo: i16, %u: f16) -> bf16 {
  // expected-error @+1 {{'u' element type must be 'bf16' (the type of 'hi') or f32; got 'f16'}}
  %0, %1 = lowp.split_update %hi, %lo, %u : bf16, i16, f16
  return %0 : bf16
}

// -----

func.func @split_shape_mismatch(%hi: tensor<4xbf16>, %lo: tensor<8xi16>) -> tensor<4xbf16> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0, %1 = lowp.split_update %hi, %lo, %hi : tensor<4xbf16>, tensor<8xi16>, tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @split_lo_i32(%hi: bf16, %lo: i32) -> bf16 {
  // expected-error @+1 {{operand #1 must be}}
  %0, %1 = lowp.split_update %hi, %lo, %hi : bf16, i32, bf16
  return %0 : bf16
}

// -----

func.func @random_bits_dynamic(%s: i64, %t: i32) -> tensor<?xi32> {
  // expected-error @+1 {{result type 'tensor<?xi32>' must have a static shape: the op has no operands to size dynamic dimensions}}
  %0 = lowp.random_bits %s, %t, %s : tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

func.func @random_bits_too_many(%s: i64, %t: i32) -> tensor<262144x262144xi32> {
  // expected-error @+1 {{result type 'tensor<262144x262144xi32>' has more than 2^34 elements, the most the Philox counter layout can address}}
  %0 = lowp.random_bits %s, %t, %s : tensor<262144x262144xi32>
  return %0 : tensor<262144x262144xi32>
}

// -----

func.func @random_bits_f32(%s: i64, %t: i32) -> tensor<4xf32> {
  // expected-error @+1 {{result #0 must be 16-bit signless integer or 32-bit signless integer or vector of 16-bit signless integer or 32-bit signless integer values or ranked tensor of 16-bit signless integer or 32-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = lowp.random_bits %s, %t, %s : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @random_bits_seed_i32(%s: i32, %t: i32) -> i32 {
  // expected-error @+1 {{operand #0 must be 64-bit signless integer, but got 'i32'}}
  %0 = "lowp.random_bits"(%s, %t, %t) : (i32, i32, i32) -> i32
  return %0 : i32
}

// -----

func.func @round_missing_mode(%x: f32) -> bf16 {
  // expected-error @+1 {{requires attribute 'mode'}}
  %0 = "lowp.round"(%x) : (f32) -> bf16
  return %0 : bf16
}

// -----

func.func @random_bits16_too_many(%s: i64, %t: i32) -> tensor<8x4294967297xi16> {
  // expected-error @+1 {{result type 'tensor<8x4294967297xi16>' has more than 2^35 elements, the most the Philox counter layout can address (stream v2, i16)}}
  %0 = lowp.random_bits %s, %t, %s : tensor<8x4294967297xi16>
  return %0 : tensor<8x4294967297xi16>
}

// -----

// 2^35 elements of stream v1 (i32): fine for v2, too many for v1.
func.func @random_bits32_2e35(%s: i64, %t: i32) -> tensor<8x4294967296xi32> {
  // expected-error @+1 {{result type 'tensor<8x4294967296xi32>' has more than 2^34 elements, the most the Philox counter layout can address (stream v1, i32)}}
  %0 = lowp.random_bits %s, %t, %s : tensor<8x4294967296xi32>
  return %0 : tensor<8x4294967296xi32>
}

// -----

func.func @random_bits_wraps(%s: i64, %t: i32) -> tensor<4294967296x4294967297xi32> {
  // expected-error @+1 {{has more than 2^34 elements}}
  %0 = lowp.random_bits %s, %t, %s : tensor<4294967296x4294967297xi32>
  return %0 : tensor<4294967296x4294967297xi32>
}

// -----

func.func @random_bits_scalable(%s: i64, %t: i32) -> vector<[4]xi32> {
  // expected-error @+1 {{must not be a scalable vector}}
  %0 = lowp.random_bits %s, %t, %s : vector<[4]xi32>
  return %0 : vector<[4]xi32>
}

// -----

#enc = {sparse = 1}
func.func @round_encoding(%x: tensor<4xf32, #enc>) -> tensor<4xbf16, #enc> {
  // expected-error @+1 {{tensors with an encoding are not supported}}
  %0 = lowp.round nearest_even %x : (tensor<4xf32, #enc>) -> tensor<4xbf16, #enc>
  return %0 : tensor<4xbf16, #enc>
}
