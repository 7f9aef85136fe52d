func.func @f(%t: tensor<4x8xf32) -> tensor<4x8xbf16> {
  %a = lowp.round toward_zero %t : (tensor<4x8xf32>) -> tensor<4x8xbf16>
  return %a : tensor<4x8xbf16>
}
