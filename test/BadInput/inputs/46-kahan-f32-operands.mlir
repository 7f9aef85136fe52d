func.func @f(%w: vector<4xf32>) {
  %a, %b = lowp.kahan_update nearest_even %w, %w, %w : vector<4xf32>
  return
}
