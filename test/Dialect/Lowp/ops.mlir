// Round-trip of every lowp op, in custom and in generic form.
// RUN: bf16-opt %s | bf16-opt | FileCheck %s
// RUN: bf16-opt %s --mlir-print-op-generic | bf16-opt | FileCheck %s
// RUN: bf16-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @round_modes
// GENERIC-LABEL: sym_name = "round_modes"
func.func @round_modes(%x: f32, %v: vector<16xf32>, %t: tensor<4x8xf32>,
                       %r: tensor<4x8xi32>, %d: tensor<?x3xf32>)
    -> (bf16, vector<16xbf16>, tensor<4x8xbf16>, tensor<4x8xbf16>, tensor<?x3xbf16>) {
  // CHECK: lowp.round nearest_even %{{.*}} : (f32) -> bf16
  // GENERIC: "lowp.round"(%{{.*}}) <{mode = #lowp<rounding nearest_even>}> : (f32) -> bf16
  %0 = lowp.round nearest_even %x : (f32) -> bf16
  // CHECK: lowp.round nearest_even_ftz %{{.*}} : (vector<16xf32>) -> vector<16xbf16>
  // GENERIC: "lowp.round"(%{{.*}}) <{mode = #lowp<rounding nearest_even_ftz>}>
  %1 = lowp.round nearest_even_ftz %v : (vector<16xf32>) -> vector<16xbf16>
  // CHECK: lowp.round toward_zero %{{.*}} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
  // GENERIC: "lowp.round"(%{{.*}}) <{mode = #lowp<rounding toward_zero>}>
  %2 = lowp.round toward_zero %t : (tensor<4x8xf32>) -> tensor<4x8xbf16>
  // CHECK: lowp.round stochastic %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<4x8xi32>) -> tensor<4x8xbf16>
  // GENERIC: "lowp.round"(%{{.*}}, %{{.*}}) <{mode = #lowp<rounding stochastic>}>
  %3 = lowp.round stochastic %t, %r : (tensor<4x8xf32>, tensor<4x8xi32>) -> tensor<4x8xbf16>
  // CHECK: lowp.round nearest_even %{{.*}} : (tensor<?x3xf32>) -> tensor<?x3xbf16>
  %4 = lowp.round nearest_even %d : (tensor<?x3xf32>) -> tensor<?x3xbf16>
  return %0, %1, %2, %3, %4 : bf16, vector<16xbf16>, tensor<4x8xbf16>, tensor<4x8xbf16>, tensor<?x3xbf16>
}

// CHECK-LABEL: func.func @sr_add
// GENERIC-LABEL: sym_name = "sr_add"
func.func @sr_add(%w: tensor<8xbf16>, %u: tensor<8xbf16>, %u32: tensor<8xf32>,
                  %r: tensor<8xi32>, %ws: bf16, %us: f32, %rs: i32)
    -> (tensor<8xbf16>, tensor<8xbf16>, bf16) {
  // CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %{{.*}} : tensor<8xbf16>, tensor<8xbf16>, tensor<8xi32>
  // GENERIC: "lowp.sr_add"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<8xbf16>, tensor<8xbf16>, tensor<8xi32>) -> tensor<8xbf16>
  %0 = lowp.sr_add %w, %u, %r : tensor<8xbf16>, tensor<8xbf16>, tensor<8xi32>
  // CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %{{.*}} : tensor<8xbf16>, tensor<8xf32>, tensor<8xi32>
  %1 = lowp.sr_add %w, %u32, %r : tensor<8xbf16>, tensor<8xf32>, tensor<8xi32>
  // CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %{{.*}} : bf16, f32, i32
  %2 = lowp.sr_add %ws, %us, %rs : bf16, f32, i32
  return %0, %1, %2 : tensor<8xbf16>, tensor<8xbf16>, bf16
}

// CHECK-LABEL: func.func @kahan
// GENERIC-LABEL: sym_name = "kahan"
func.func @kahan(%w: tensor<2x3xbf16>, %c: tensor<2x3xbf16>, %u: tensor<2x3xbf16>,
                 %vw: vector<8xbf16>)
    -> (tensor<2x3xbf16>, tensor<2x3xbf16>, vector<8xbf16>, vector<8xbf16>) {
  // CHECK: %{{.*}}, %{{.*}} = lowp.kahan_update nearest_even %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xbf16>
  // GENERIC: "lowp.kahan_update"(%{{.*}}, %{{.*}}, %{{.*}}) <{mode = #lowp<rounding nearest_even>}> : (tensor<2x3xbf16>, tensor<2x3xbf16>, tensor<2x3xbf16>) -> (tensor<2x3xbf16>, tensor<2x3xbf16>)
  %w1, %c1 = lowp.kahan_update nearest_even %w, %c, %u : tensor<2x3xbf16>
  // CHECK: lowp.kahan_update nearest_even_ftz %{{.*}}, %{{.*}}, %{{.*}} : vector<8xbf16>
  %w2, %c2 = lowp.kahan_update nearest_even_ftz %vw, %vw, %vw : vector<8xbf16>
  return %w1, %c1, %w2, %c2 : tensor<2x3xbf16>, tensor<2x3xbf16>, vector<8xbf16>, vector<8xbf16>
}

// CHECK-LABEL: func.func @split_update
// GENERIC-LABEL: sym_name = "split_update"
func.func @split_update(%hi: tensor<4xbf16>, %lo: tensor<4xi16>, %u: tensor<4xbf16>,
                        %uf: f32, %shi: bf16, %slo: i16)
    -> (tensor<4xbf16>, tensor<4xi16>, bf16, i16) {
  // CHECK: lowp.split_update %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xbf16>, tensor<4xi16>, tensor<4xbf16>
  // GENERIC: "lowp.split_update"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4xbf16>, tensor<4xi16>, tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xi16>)
  %h1, %l1 = lowp.split_update %hi, %lo, %u : tensor<4xbf16>, tensor<4xi16>, tensor<4xbf16>
  // CHECK: lowp.split_update %{{.*}}, %{{.*}}, %{{.*}} : bf16, i16, f32
  %h2, %l2 = lowp.split_update %shi, %slo, %uf : bf16, i16, f32
  return %h1, %l1, %h2, %l2 : tensor<4xbf16>, tensor<4xi16>, bf16, i16
}

// Stream v2: i16 bits for lowp.round stochastic and lowp.sr_add.
// CHECK-LABEL: func.func @bits16
// GENERIC-LABEL: sym_name = "bits16"
func.func @bits16(%t: tensor<4x8xf32>, %r: tensor<4x8xi16>, %w: bf16, %u: bf16,
                  %rs: i16, %v: vector<16xf32>, %rv: vector<16xi16>)
    -> (tensor<4x8xbf16>, bf16, vector<16xbf16>) {
  // CHECK: lowp.round stochastic %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<4x8xi16>) -> tensor<4x8xbf16>
  // GENERIC: "lowp.round"(%{{.*}}, %{{.*}}) <{mode = #lowp<rounding stochastic>}> : (tensor<4x8xf32>, tensor<4x8xi16>) -> tensor<4x8xbf16>
  %0 = lowp.round stochastic %t, %r : (tensor<4x8xf32>, tensor<4x8xi16>) -> tensor<4x8xbf16>
  // CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %{{.*}} : bf16, bf16, i16
  %1 = lowp.sr_add %w, %u, %rs : bf16, bf16, i16
  // CHECK: lowp.round stochastic %{{.*}}, %{{.*}} : (vector<16xf32>, vector<16xi16>) -> vector<16xbf16>
  %2 = lowp.round stochastic %v, %rv : (vector<16xf32>, vector<16xi16>) -> vector<16xbf16>
  return %0, %1, %2 : tensor<4x8xbf16>, bf16, vector<16xbf16>
}

// CHECK-LABEL: func.func @random_bits
// GENERIC-LABEL: sym_name = "random_bits"
func.func @random_bits(%seed: i64, %stream: i32, %step: i64)
    -> (i32, vector<4x4xi32>, tensor<784x256xi32>) {
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : i32
  // GENERIC: "lowp.random_bits"(%{{.*}}, %{{.*}}, %{{.*}}) : (i64, i32, i64) -> i32
  %0 = lowp.random_bits %seed, %stream, %step : i32
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : vector<4x4xi32>
  %1 = lowp.random_bits %seed, %stream, %step : vector<4x4xi32>
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : tensor<784x256xi32>
  %2 = lowp.random_bits %seed, %stream, %step : tensor<784x256xi32>
  return %0, %1, %2 : i32, vector<4x4xi32>, tensor<784x256xi32>
}

// Stream v2 (i16 elements), up to 2^35 elements.
// CHECK-LABEL: func.func @random_bits16
// GENERIC-LABEL: sym_name = "random_bits16"
func.func @random_bits16(%seed: i64, %stream: i32, %step: i64)
    -> (i16, vector<4x4xi16>, tensor<784x256xi16>, tensor<8x4294967296xi16>) {
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : i16
  // GENERIC: "lowp.random_bits"(%{{.*}}, %{{.*}}, %{{.*}}) : (i64, i32, i64) -> i16
  %0 = lowp.random_bits %seed, %stream, %step : i16
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : vector<4x4xi16>
  %1 = lowp.random_bits %seed, %stream, %step : vector<4x4xi16>
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : tensor<784x256xi16>
  %2 = lowp.random_bits %seed, %stream, %step : tensor<784x256xi16>
  // CHECK: lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : tensor<8x4294967296xi16>
  %3 = lowp.random_bits %seed, %stream, %step : tensor<8x4294967296xi16>
  return %0, %1, %2, %3 : i16, vector<4x4xi16>, tensor<784x256xi16>, tensor<8x4294967296xi16>
}
