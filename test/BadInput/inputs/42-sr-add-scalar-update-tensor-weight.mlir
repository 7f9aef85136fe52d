func.func @f(%w: tensor<4xbf16>, %s: bf16, %r: tensor<4xi32>) {
  %a = lowp.sr_add %w, %s, %r : tensor<4xbf16>, bf16, tensor<4xi32>
  return
}
