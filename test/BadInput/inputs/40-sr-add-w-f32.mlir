func.func @f(%x: f32, %i: i32) {
  %a = lowp.sr_add %x, %x, %i : f32, f32, i32
  return
}
