// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=split apply-to=all-state" -verify-diagnostics

// Split needs the update to add to the stored high half itself; momentum
// (`mu * v + g`) adds to a scaled copy.
func.func @momentum(%v: tensor<4xbf16> {lowp.role = #lowp<role optimizer_state>},
                    %g: tensor<4xbf16> {lowp.role = #lowp<role input>}, %mu: tensor<4xbf16> {lowp.role = #lowp<role input>})
    -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}) {
  %mv = arith.mulf %mu, %v : tensor<4xbf16>
  // expected-error @+1 {{rounding=split needs the update to add to argument #0 itself (the bf16 half of the master), not a scaled copy of it}}
  %v1 = arith.addf %mv, %g : tensor<4xbf16>
  return %v1 : tensor<4xbf16>
}
