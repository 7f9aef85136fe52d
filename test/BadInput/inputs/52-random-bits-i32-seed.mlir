func.func @f(%s: i64, %st: i32) {
  %a = lowp.random_bits %st, %st, %s : tensor<4xi32>
  return
}
