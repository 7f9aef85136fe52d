func.func @f(%s: i64, %st: i32) {
  %a = lowp.random_bits %s, %st, %s : tensor<?x8xi32>
  return
}
