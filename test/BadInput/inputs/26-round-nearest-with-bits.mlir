func.func @f(%x: f32, %t: tensor<4x8xf32>, %r: tensor<4x8xi32>, %v: vector<8xf32>, %vr: vector<8xi32>, %i: i32) {
  %a = lowp.round nearest_even %t, %r : (tensor<4x8xf32>, tensor<4x8xi32>) -> tensor<4x8xbf16>
  return
}
