func.func @f(%w: bf16, %i: i32) {
  %a = "lowp.sr_add"(%w, %w, %i) : (bf16, bf16, i32) -> f32
  return
}
