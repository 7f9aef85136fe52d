func.func @bad(%x: f32) -> bf16 {
  %0 = lowp.round stochastic %x : (f32) -> bf16
  return %0 : bf16
}
