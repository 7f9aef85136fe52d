func.func @f(%x: f32, %t: tensor<4x8xf32>, %r: tensor<4x8xi32>) -> (bf16, tensor<4x8xbf16>) {
  %a = lowp.round nearest_even %x : (f32) -> bf16
  %b = lowp.round stochastic %t, %r : (tensor<4x8xf32>, tensor<4x8xi32>) -> tensor<4x8xbf16>
  return %a, %b : bf16, tensor<4x8xbf16>
}
