// bf16-run rejects private entries and memref signatures (bf16-run.test).
func.func private @p(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @m(%x: memref<4xf32>) {
  return
}
