func.func @f(%x: f32) -> f32 {
  %a = "frobnicate.round"(%x) : (f32) -> f32
  return %a : f32
}
