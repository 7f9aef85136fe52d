func.func @f(%s: i64, %st: i32) {
  %a = lowp.random_bits %s, %st, %s : tensor<4611686018427387904x2xi32>
  return
}
