func.func @f(%w: bf16, %h: f16, %i: i32) {
  %a = lowp.sr_add %w, %h, %i : bf16, f16, i32
  return
}
