func.func @step(%w: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  %r = arith.subf %w, %g : tensor<4xf32>
  return %r : tensor<4xf32>
}
