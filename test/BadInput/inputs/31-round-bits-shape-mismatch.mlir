func.func @f(%t: tensor<4x8xf32>, %b: tensor<8x4xi32>) {
  %a = lowp.round stochastic %t, %b : (tensor<4x8xf32>, tensor<8x4xi32>) -> tensor<4x8xbf16>
  return
}
