// The smallest training step: w' = w + u (u is an input, w a parameter).
func.func @step(%w: tensor<4xf32> {lowp.role = #lowp<role param>},
                %u: tensor<4xf32> {lowp.role = #lowp<role input>}) -> tensor<4xf32> {
  %w1 = arith.addf %w, %u : tensor<4xf32>
  return %w1 : tensor<4xf32>
}
