func.func @f(%s: i64, %st: i32) -> vector<[4]xi32> {
  %r = lowp.random_bits %s, %st, %s : vector<[4]xi32>
  return %r : vector<[4]xi32>
}
