func.func @f(%x: f32) -> bf16 {
  %a = lowp.round nearest_even %x : (f32) -> bf16
  return %a : bf16
