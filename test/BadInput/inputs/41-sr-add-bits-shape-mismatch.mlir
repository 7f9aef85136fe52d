func.func @f(%w: tensor<4xbf16>, %r: tensor<8xi32>) {
  %a = lowp.sr_add %w, %w, %r : tensor<4xbf16>, tensor<4xbf16>, tensor<8xi32>
  return
}
