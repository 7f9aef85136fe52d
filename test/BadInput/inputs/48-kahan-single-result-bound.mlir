func.func @f(%w: bf16) {
  %a = lowp.kahan_update nearest_even %w, %w, %w : bf16
  return
}
