func.func @f(%w: tensor<4xbf16>, %c: tensor<8xbf16>) {
  %a, %b = "lowp.kahan_update"(%w, %c, %w) {mode = #lowp<rounding nearest_even>} : (tensor<4xbf16>, tensor<8xbf16>, tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xbf16>)
  return
}
