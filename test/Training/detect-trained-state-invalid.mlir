// RUN: bf16-opt %s --bf16-detect-trained-state -split-input-file -verify-diagnostics

// Both operands of the add carry an argument of the result's type.
func.func @two_candidates(%a: tensor<4xf32>, %b: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<f32>) {
  // expected-note @+1 {{the update op}}
  %r = arith.addf %a, %b : tensor<4xf32>
  %z = tensor.empty() : tensor<f32>
  %l = linalg.reduce ins(%a : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  // expected-error @+1 {{ambiguous tie: result #0 is an add/sub whose operands carry argument #0 and argument #1; set lowp.tied_to = <argument index> on the result or lowp.role = #lowp<role input> on the other arguments}}
  return %r, %l : tensor<4xf32>, tensor<f32>
}

// -----

// One argument updated by two results.
func.func @updated_twice(%w: tensor<4xf32>, %g: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>) {
  %e = math.exp %g : tensor<4xf32>
  %r1 = arith.subf %w, %e : tensor<4xf32>
  %r2 = arith.addf %w, %e : tensor<4xf32>
  // expected-error @+1 {{ambiguous tie: argument #0 is updated by both result #0 and result #1}}
  return %r1, %r2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A role that no result backs up.
// expected-error @+1 {{argument #0 is marked lowp.role = #lowp<role param> but no result updates it; add lowp.tied_to = 0 to the result that does}}
func.func @role_without_update(%w: tensor<4xf32> {lowp.role = #lowp<role param>}) -> tensor<4xf32> {
  %e = math.exp %w : tensor<4xf32>
  return %e : tensor<4xf32>
}

// -----

// A tie to an argument marked as an input.
func.func @tie_to_input(%w: tensor<4xf32> {lowp.role = #lowp<role input>}, %g: tensor<4xf32>)
    -> (tensor<4xf32> {lowp.tied_to = 0 : i64}) {
  %e = math.exp %g : tensor<4xf32>
  %r = arith.subf %w, %e : tensor<4xf32>
  // expected-error @+1 {{result #0 is tied to argument #0, which is marked lowp.role = #lowp<role input>}}
  return %r : tensor<4xf32>
}

// -----

// Annotated, but not a single-block function.
// expected-error @+1 {{trained-state detection needs a single-block function body ending in func.return}}
func.func @multi_block(%w: tensor<4xf32> {lowp.role = #lowp<role param>}, %c: i1) -> tensor<4xf32> {
  cf.cond_br %c, ^a, ^b
^a:
  return %w : tensor<4xf32>
^b:
  return %w : tensor<4xf32>
}
