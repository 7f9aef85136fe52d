func.func @f(%t: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %a = lowp.round nearest_even %t : (tensor<4x8xf32>) -> tensor<4x8x