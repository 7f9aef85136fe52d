func.func @f(%s: i64, %st: i32) {
  %a = lowp.random_bits %s, %st, %s : tensor<4294967296x4294967297xi32>
  return
}
