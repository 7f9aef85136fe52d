// RUN: bf16-opt %s --bf16-detect-trained-state=remarks -split-input-file -verify-diagnostics | FileCheck %s

// SGD with momentum at tensor level: w is a parameter (the loss reads it), v
// is optimizer state (only the updates read it), g/mu/lr are inputs. The
// scalar hyper-parameters scale the state but never become state.
// CHECK-LABEL: func.func @momentum
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role param>}
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role optimizer_state>}
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role input>}
// CHECK-SAME: %{{[a-z0-9_]+}}: f32 {lowp.role = #lowp<role input>}
// CHECK-SAME: %{{[a-z0-9_]+}}: f32 {lowp.role = #lowp<role input>}
// CHECK-SAME: -> (tensor<4xf32> {lowp.tied_to = 0 : i64}, tensor<4xf32> {lowp.tied_to = 1 : i64}, tensor<f32>)
func.func @momentum(
    // expected-remark @+1 {{trained state: argument #0 of @momentum is a parameter, updated by result #0 through 'arith.subf'}}
    %w: tensor<4xf32>,
    // expected-remark @+1 {{trained state: argument #1 of @momentum is optimizer state, updated by result #1 through 'arith.addf'}}
    %v: tensor<4xf32>,
    %g: tensor<4xf32>, %mu: f32, %lr: f32)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<f32>) {
  %e = tensor.empty() : tensor<4xf32>
  %mub = linalg.fill ins(%mu : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %lrb = linalg.fill ins(%lr : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %mv = arith.mulf %mub, %v : tensor<4xf32>
  %gg = math.exp %g : tensor<4xf32>
  // expected-note @+1 {{update op}}
  %v1 = arith.addf %mv, %gg : tensor<4xf32>
  %d = arith.mulf %lrb, %v1 : tensor<4xf32>
  // expected-note @+1 {{update op}}
  %w1 = arith.subf %w, %d : tensor<4xf32>
  %z = tensor.empty() : tensor<f32>
  %loss = linalg.reduce ins(%w : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %w1, %v1, %loss : tensor<4xf32>, tensor<4xf32>, tensor<f32>
}

// -----

// The update inside a linalg.generic body, with the state read through the
// init operand's block argument and a hyper-parameter captured from above;
// a scalar parameter updated by a scalar subf. A scalar learning rate has
// the type of the scalar state, so it is marked as an input by hand.
// CHECK-LABEL: func.func @generic_and_scalar
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<8xf32> {lowp.role = #lowp<role param>}
// CHECK-SAME: %{{[a-z0-9_]+}}: f32 {lowp.role = #lowp<role param>}
// CHECK-SAME: -> (tensor<8xf32> {lowp.tied_to = 0 : i64}, f32 {lowp.tied_to = 1 : i64}, f32)
#id = affine_map<(i) -> (i)>
func.func @generic_and_scalar(
    // expected-remark @+1 {{argument #0 of @generic_and_scalar is a parameter, updated by result #0 through 'linalg.generic'}}
    %w: tensor<8xf32>,
    // expected-remark @+1 {{argument #1 of @generic_and_scalar is a parameter, updated by result #1 through 'arith.subf'}}
    %s: f32,
    %g: tensor<8xf32>, %lr: f32 {lowp.role = #lowp<role input>}) -> (tensor<8xf32>, f32, f32) {
  %gs = math.exp %g : tensor<8xf32>
  // expected-note @+1 {{update op}}
  %w1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%gs : tensor<8xf32>) outs(%w : tensor<8xf32>) {
  ^bb0(%gi: f32, %wi: f32):
    %u = arith.mulf %lr, %gi : f32
    %n = arith.subf %wi, %u : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  %c0 = arith.constant 0 : index
  %x = tensor.extract %w[%c0] : tensor<8xf32>
  %loss = arith.mulf %x, %s : f32
  %gsc = math.exp %loss : f32
  %d = arith.mulf %lr, %gsc : f32
  // expected-note @+1 {{update op}}
  %s1 = arith.subf %s, %d : f32
  return %w1, %s1, %loss : tensor<8xf32>, f32, f32
}

// -----

// Explicit attributes override detection: %a is forced to be an input (so
// the add is not its update), and result #0 is tied by hand to %b.
// CHECK-LABEL: func.func @explicit
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role input>}
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role param>}
// CHECK-SAME: -> (tensor<4xf32> {lowp.tied_to = 1 : i64}, tensor<4xf32>)
func.func @explicit(%a: tensor<4xf32> {lowp.role = #lowp<role input>},
                    // expected-remark @+1 {{argument #1 of @explicit is a parameter, updated by result #0 through 'arith.addf'}}
                    %b: tensor<4xf32> {lowp.role = #lowp<role param>})
    -> (tensor<4xf32> {lowp.tied_to = 1 : i64}, tensor<4xf32>) {
  %e = math.exp %a : tensor<4xf32>
  // expected-note @+1 {{update op}}
  %r = arith.addf %b, %e : tensor<4xf32>
  %l = arith.mulf %a, %b : tensor<4xf32>
  return %r, %l : tensor<4xf32>, tensor<4xf32>
}

// -----

// Without an untied result, a tied argument that flows into a reduction is
// a parameter; `x - w` is not an update of w.
// CHECK-LABEL: func.func @no_loss
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role param>}
// CHECK-SAME: %{{[a-z0-9_]+}}: tensor<4xf32> {lowp.role = #lowp<role input>}
// CHECK-SAME: -> (tensor<4xf32> {lowp.tied_to = 0 : i64}, tensor<4xf32>)
func.func @no_loss(
    // expected-remark @+1 {{argument #0 of @no_loss is a parameter}}
    %w: tensor<4xf32>, %x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %z = tensor.empty() : tensor<f32>
  %s = linalg.reduce ins(%w : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32
    }
  %e = tensor.empty() : tensor<4xf32>
  %sb = linalg.broadcast ins(%s : tensor<f32>) outs(%e : tensor<4xf32>) dimensions = [0]
  // expected-note @+1 {{update op}}
  %w1 = arith.subf %w, %sb : tensor<4xf32>
  %xm = math.exp %x : tensor<4xf32>
  %r = arith.subf %xm, %w : tensor<4xf32>
  return %w1, %r : tensor<4xf32>, tensor<4xf32>
}

// -----

// Declarations are skipped.
// CHECK-LABEL: func.func private @decl(tensor<4xf32>) -> tensor<4xf32>
func.func private @decl(tensor<4xf32>) -> tensor<4xf32>
