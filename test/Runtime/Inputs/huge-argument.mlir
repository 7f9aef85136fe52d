// One argument larger than any machine's memory.
func.func @train_step(%w: tensor<4000000000000xf32>, %g: tensor<4000000000000xf32>)
    -> (tensor<4000000000000xf32> {lowp.tied_to = 0 : i64}) {
  %w1 = arith.subf %w, %g : tensor<4000000000000xf32>
  return %w1 : tensor<4000000000000xf32>
}
