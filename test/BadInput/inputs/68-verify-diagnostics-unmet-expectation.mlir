func.func @f(%x: f32) -> bf16 {
  // expected-error @+1 {{this diagnostic is never emitted}}
  %a = lowp.round nearest_even %x : (f32) -> bf16
  return %a : bf16
}
