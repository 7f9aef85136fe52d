// RUN: bf16-opt %s --bf16-convert-lowp-to-x86 | FileCheck %s

// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: f32, %[[V8:.*]]: vector<8xf32>, %[[V16:.*]]: vector<16xf32>, %[[V4:.*]]: vector<4xf32>)
func.func @f(%x: f32, %v8: vector<8xf32>, %v16: vector<16xf32>, %v4: vector<4xf32>)
    -> (bf16, vector<8xbf16>, vector<16xbf16>, vector<4xbf16>, bf16) {
  // A scalar goes through lane 0 of the 256-bit form.
  // CHECK: %[[B:.*]] = vector.broadcast %[[X]] : f32 to vector<8xf32>
  // CHECK: %[[C:.*]] = x86vector.avx512.cvt.packed.f32_to_bf16 %[[B]] : vector<8xf32> -> vector<8xbf16>
  // CHECK: vector.extract %[[C]][0] : bf16 from vector<8xbf16>
  %0 = lowp.round nearest_even_ftz %x : (f32) -> bf16
  // CHECK: x86vector.avx512.cvt.packed.f32_to_bf16 %[[V8]] : vector<8xf32> -> vector<8xbf16>
  %1 = lowp.round nearest_even_ftz %v8 : (vector<8xf32>) -> vector<8xbf16>
  // CHECK: x86vector.avx512.cvt.packed.f32_to_bf16 %[[V16]] : vector<16xf32> -> vector<16xbf16>
  %2 = lowp.round nearest_even_ftz %v16 : (vector<16xf32>) -> vector<16xbf16>
  // Other widths and the IEEE flavour (which keeps denormals, unlike the
  // instruction) stay for bf16-convert-lowp-to-arith.
  // CHECK: lowp.round nearest_even_ftz %[[V4]] : (vector<4xf32>) -> vector<4xbf16>
  %3 = lowp.round nearest_even_ftz %v4 : (vector<4xf32>) -> vector<4xbf16>
  // CHECK: lowp.round nearest_even %[[X]] : (f32) -> bf16
  %4 = lowp.round nearest_even %x : (f32) -> bf16
  return %0, %1, %2, %3, %4 : bf16, vector<8xbf16>, vector<16xbf16>, vector<4xbf16>, bf16
}

// lowp.kahan_update nearest_even_ftz on bf16 vectors of 16 (or 8) lanes and
// on scalars becomes its four steps (exact widening, f32 op, rounding), and
// each rounding vcvtneps2bf16: y = u - c, s = w + y, (s - w) - y.
// CHECK-LABEL: func.func @kahan
// CHECK-SAME: (%[[W:.*]]: vector<16xbf16>, %[[C:.*]]: vector<16xbf16>, %[[U:.*]]: vector<16xbf16>
// CHECK-NOT: lowp.kahan_update {{.*}} vector<16xbf16>
// CHECK: arith.subf
// CHECK: %[[Y:.*]] = x86vector.avx512.cvt.packed.f32_to_bf16 {{.*}} : vector<16xf32> -> vector<16xbf16>
// CHECK: arith.addf
// CHECK: %[[S:.*]] = x86vector.avx512.cvt.packed.f32_to_bf16
// CHECK: arith.subf
// CHECK: x86vector.avx512.cvt.packed.f32_to_bf16
// CHECK: arith.subf
// CHECK: %[[NC:.*]] = x86vector.avx512.cvt.packed.f32_to_bf16
// Left alone: 4 lanes, another rounding mode.
// CHECK: lowp.kahan_update nearest_even_ftz {{.*}} : vector<4xbf16>
// CHECK: lowp.kahan_update nearest_even {{.*}} : vector<16xbf16>
// CHECK: return %[[S]], %[[NC]]
func.func @kahan(%w: vector<16xbf16>, %c: vector<16xbf16>, %u: vector<16xbf16>,
                 %w4: vector<4xbf16>, %c4: vector<4xbf16>, %u4: vector<4xbf16>)
    -> (vector<16xbf16>, vector<16xbf16>, vector<4xbf16>, vector<16xbf16>) {
  %a, %b = lowp.kahan_update nearest_even_ftz %w, %c, %u : vector<16xbf16>
  %a4, %b4 = lowp.kahan_update nearest_even_ftz %w4, %c4, %u4 : vector<4xbf16>
  %a2, %b2 = lowp.kahan_update nearest_even %w, %c, %u : vector<16xbf16>
  return %a, %b, %a4, %a2 : vector<16xbf16>, vector<16xbf16>, vector<4xbf16>, vector<16xbf16>
}
