func.func @f(%s: i64, %st: i32) {
  %a = lowp.random_bits %s, %st, %s : tensor<4xi64>
  return
}
