func.func @f(%t: tensor<99999999999999999999xf32>) -> tensor<99999999999999999999xbf16> {
  %a = lowp.round nearest_even %t : (tensor<99999999999999999999xf32>) -> tensor<99999999999999999999xbf16>
  return %a : tensor<99999999999999999999xbf16>
}
