func.func @f(%w: bf16) {
  %a, %b = lowp.kahan_update toward_zero %w, %w, %w : bf16
  return
}
