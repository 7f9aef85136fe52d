func.func @f(%u: tensor<*xf32>) {
  %a = lowp.round nearest_even %u : (tensor<*xf32>) -> tensor<*xbf16>
  return
}
