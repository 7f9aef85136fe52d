// A plain BF16 matmul with an f32 accumulator, rounded once, exported with
// the C interface (docs/Runtime.md). Used by c-harness.test.
func.func @matmul(%a: tensor<4x8xbf16>, %b: tensor<8x3xbf16>) -> tensor<4x3xbf16>
    attributes {llvm.emit_c_interface} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x3xbf16>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = arith.truncf %m : tensor<4x3xf32> to tensor<4x3xbf16>
  return %r : tensor<4x3xbf16>
}
