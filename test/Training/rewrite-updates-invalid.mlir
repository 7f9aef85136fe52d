// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=kahan -split-input-file -verify-diagnostics
// RUN: not bf16-opt %s --bf16-rewrite-updates=rounding=stochastic -split-input-file 2>&1 | FileCheck %s --check-prefix=SR

// No trained state at all: SR and Kahan need an update to rewrite.
// expected-error @+1 {{rounding=kahan needs a trained-state update to rewrite (apply-to=params), but none was found in the module; run bf16-detect-trained-state first or tie results to their arguments with lowp.tied_to}}
func.func @no_update(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %y = math.exp %x : tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// The tie names an argument, but the result is not an add/sub of it.
func.func @not_an_update(%w: tensor<4xbf16> {lowp.role = #lowp<role param>})
    -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}) {
  // expected-note @+1 {{the result is produced here}}
  %y = math.exp %w : tensor<4xbf16>
  // expected-error @+1 {{result #0 is tied to argument #0 but is not an elementwise add/sub update of it, so rounding=kahan has no update op to rewrite}}
  return %y : tensor<4xbf16>
}

// -----

// f32 state: demotion has not run (or master-weights kept it).
// expected-error @+1 {{argument #0 of @f32_state has type 'tensor<4xf32>': rounding=kahan rewrites 'bf16' state, so run bf16-demote first (master-weights keeps f32 masters and needs rounding=nearest)}}
func.func @f32_state(%w: tensor<4xf32> {lowp.role = #lowp<role param>}, %g: tensor<4xf32> {lowp.role = #lowp<role input>})
    -> (tensor<4xf32> {lowp.tied_to = 0 : i64}) {
  %y = arith.subf %w, %g : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// state=arguments would break the caller.
// expected-error @+1 {{@callee is called in this module; state=arguments would change its signature under its callers. Use state=globals, or call the step from outside the module}}
func.func @callee(%w: tensor<4xbf16> {lowp.role = #lowp<role param>}, %g: tensor<4xbf16> {lowp.role = #lowp<role input>})
    -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}) {
  %y = arith.subf %w, %g : tensor<4xbf16>
  return %y : tensor<4xbf16>
}
func.func @caller(%w: tensor<4xbf16>, %g: tensor<4xbf16>) -> tensor<4xbf16> {
  %r = call @callee(%w, %g) : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  return %r : tensor<4xbf16>
}

// -----

// Dynamic shapes: Kahan with state=arguments supports them (no diagnostic
// under rounding=kahan); stochastic rounding needs static shapes.
// SR: error: argument #0 has the dynamic shape 'tensor<?xbf16>': rounding=stochastic needs static shapes (lowp.random_bits); use static shapes
func.func @dynamic(%w: tensor<?xbf16> {lowp.role = #lowp<role param>}, %g: tensor<?xbf16> {lowp.role = #lowp<role input>})
    -> (tensor<?xbf16> {lowp.tied_to = 0 : i64}) {
  %y = arith.subf %w, %g : tensor<?xbf16>
  return %y : tensor<?xbf16>
}
