func.func @f(%w: tensor<4xbf16>) {
  %a, %b = lowp.kahan_update stochastic %w, %w, %w : tensor<4xbf16>
  return
}
