// Kernels compiled by bf16-opt for benchmarks/ours.sh (not a test).
// GEMM: bf16 inputs, f32 accumulator inside, one rounding (accumulate=f32).
// Updates: in place on the weight (outs = the argument), n = 2^24.
#id = affine_map<(i) -> (i)>
func.func @gemm(%a: tensor<1024x1024xbf16>, %b: tensor<1024x1024xbf16>) -> tensor<1024x1024xbf16>
    attributes {llvm.emit_c_interface} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x1024xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1024x1024xbf16>, tensor<1024x1024xbf16>)
                     outs(%acc : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %r = arith.truncf %m : tensor<1024x1024xf32> to tensor<1024x1024xbf16>
  return %r : tensor<1024x1024xbf16>
}
func.func @rne(%x: tensor<16777216xf32>, %y: tensor<16777216xbf16>) -> tensor<16777216xbf16>
    attributes {llvm.emit_c_interface} {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<16777216xf32>) outs(%y : tensor<16777216xbf16>) {
  ^bb0(%in: f32, %o: bf16):
    %b = lowp.round nearest_even_ftz %in : (f32) -> bf16
    linalg.yield %b : bf16
  } -> tensor<16777216xbf16>
  return %r : tensor<16777216xbf16>
}
func.func @sr(%w: tensor<16777216xbf16>, %u: tensor<16777216xbf16>, %step: i64) -> tensor<16777216xbf16>
    attributes {llvm.emit_c_interface} {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 0 : i32
  // As --bf16-train writes it: the bits of the whole tensor, consumed by an
  // elementwise update (bf16-fuse-random-bits-into-elementwise draws them inside
  // the update loop, so they never reach memory).
  %r = lowp.random_bits %seed, %stream, %step : tensor<16777216xi32>
  %n = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%u, %r : tensor<16777216xbf16>, tensor<16777216xi32>) outs(%w : tensor<16777216xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i32
    linalg.yield %s : bf16
  } -> tensor<16777216xbf16>
  return %n : tensor<16777216xbf16>
}
// The same update on random-bit stream v2 (i16 bits, one Philox block per
// 8 elements), the default of --bf16-train since rng-stream existed.
func.func @sr16(%w: tensor<16777216xbf16>, %u: tensor<16777216xbf16>, %step: i64) -> tensor<16777216xbf16>
    attributes {llvm.emit_c_interface} {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 0 : i32
  %r = lowp.random_bits %seed, %stream, %step : tensor<16777216xi16>
  %n = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%u, %r : tensor<16777216xbf16>, tensor<16777216xi16>) outs(%w : tensor<16777216xbf16>) {
  ^bb0(%ui: bf16, %ri: i16, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i16
    linalg.yield %s : bf16
  } -> tensor<16777216xbf16>
  return %n : tensor<16777216xbf16>
}
func.func @kahan(%w: tensor<16777216xbf16>, %c: tensor<16777216xbf16>, %u: tensor<16777216xbf16>)
    -> (tensor<16777216xbf16>, tensor<16777216xbf16>) attributes {llvm.emit_c_interface} {
  %r:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%u : tensor<16777216xbf16>) outs(%w, %c : tensor<16777216xbf16>, tensor<16777216xbf16>) {
  ^bb0(%ui: bf16, %wi: bf16, %ci: bf16):
    %nw, %nc = lowp.kahan_update nearest_even_ftz %wi, %ci, %ui : bf16
    linalg.yield %nw, %nc : bf16, bf16
  } -> (tensor<16777216xbf16>, tensor<16777216xbf16>)
  return %r#0, %r#1 : tensor<16777216xbf16>, tensor<16777216xbf16>
}
