// RUN: bf16-opt %s -split-input-file -verify-diagnostics --bf16-count-cancelled-updates

// A parameter whose new value is not an elementwise update of it.
// expected-error @+1 {{cannot count the updates of parameter argument #0 of @matmul_update: its new value is not produced by an elementwise linalg.generic}}
func.func @matmul_update(%w: tensor<4x4xf32> {lowp.role = #lowp<role param>},
                         %g: tensor<4x4xf32> {lowp.role = #lowp<role input>})
    -> (tensor<4x4xf32> {lowp.tied_to = 0 : i64}) {
  %r = linalg.matmul ins(%g, %g : tensor<4x4xf32>, tensor<4x4xf32>)
                     outs(%w : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// A scalar parameter.
// expected-error @+1 {{cannot count the updates of parameter argument #0 of @scalar: only ranked float tensor parameters are counted}}
func.func @scalar(%w: f32 {lowp.role = #lowp<role param>}, %g: f32 {lowp.role = #lowp<role input>})
    -> (f32 {lowp.tied_to = 0 : i64}) {
  %r = arith.subf %w, %g : f32
  return %r : f32
}

// -----

// The new value is an elementwise op, but not an add/sub of the parameter.
// expected-error @+1 {{cannot count the updates of parameter argument #0 of @mul: no add/sub, lowp.sr_add, lowp.kahan_update or lowp.split_update forms its new value}}
func.func @mul(%w: tensor<4xf32> {lowp.role = #lowp<role param>},
               %g: tensor<4xf32> {lowp.role = #lowp<role input>})
    -> (tensor<4xf32> {lowp.tied_to = 0 : i64}) {
  %r = arith.mulf %w, %g : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Counted twice.
// expected-error @+1 {{the updates of argument #0 are already counted (result #1 has lowp.update_stats_of); run bf16-count-cancelled-updates once}}
func.func @twice(%w: tensor<4xf32> {lowp.role = #lowp<role param>},
                 %g: tensor<4xf32> {lowp.role = #lowp<role input>},
                 %s: tensor<2xi64> {lowp.role = #lowp<role input>})
    -> (tensor<4xf32> {lowp.tied_to = 0 : i64}, tensor<2xi64> {lowp.update_stats_of = 0 : i64}) {
  %r = arith.subf %w, %g : tensor<4xf32>
  return %r, %s : tensor<4xf32>, tensor<2xi64>
}

// -----

// Functions without trained parameters are left alone; declarations too.
func.func private @decl(tensor<4xf32> {lowp.role = #lowp<role param>}) -> (tensor<4xf32> {lowp.tied_to = 0 : i64})
func.func @no_params(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
