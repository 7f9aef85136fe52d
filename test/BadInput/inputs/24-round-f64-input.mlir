func.func @f(%d: f64) {
  %a = lowp.round nearest_even %d : (f64) -> bf16
  return
}
