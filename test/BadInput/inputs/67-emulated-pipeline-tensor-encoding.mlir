func.func @f(%t: tensor<4xf32, "enc">) -> tensor<4xbf16, "enc"> {
  %a = lowp.round nearest_even %t : (tensor<4xf32, "enc">) -> tensor<4xbf16, "enc">
  return %a : tensor<4xbf16, "enc">
}
