func.func @f(%t: tensor<4x8xf32>, %b: tensor<4x8xi8>) {
  %a = lowp.round stochastic %t, %b : (tensor<4x8xf32>, tensor<4x8xi8>) -> tensor<4x8xbf16>
  return
}
