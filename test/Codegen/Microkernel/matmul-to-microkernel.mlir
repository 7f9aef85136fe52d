// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel))' | FileCheck %s
// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{bf16-dot=fma}))' | FileCheck %s --check-prefix=FMA
// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{mr=2 nr=32}))' | FileCheck %s --check-prefix=TILE
// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{f32=false}))' | FileCheck %s --check-prefix=NOF32

// A 6x64 tile over K = 32: B packed into one panel of 16 VNNI steps, one
// loop over the steps with 24 accumulators, 4 B loads, 6 A-pair broadcasts
// and 24 vdpbf16ps per step; no masks (no remainders). The packing loops
// over panels and K steps are scf.parallel (their iterations write disjoint
// parts of the packed buffer; bf16-parallelize-loops picks the ones that run
// on threads).
// CHECK-LABEL: func.func @exact
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x128xbf16>
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c1) step (%c1)
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c16) step (%c1)
// CHECK: vector.shuffle {{.*}} [0, 16, 1, 17, 2, 18
// CHECK: vector.store {{.*}}, %[[P]]{{.*}} : memref<1x16x128xbf16>, vector<32xbf16>
// CHECK: scf.for {{.*}} iter_args(
// CHECK-COUNT-4: vector.load %[[P]]{{.*}} : memref<1x16x128xbf16>, vector<32xbf16>
// CHECK-COUNT-24: x86vector.avx512.dot
// CHECK: scf.yield
// CHECK-NOT: vector.maskedstore
// CHECK-COUNT-24: vector.store {{.*}} : memref<6x64xf32>, vector<16xf32>
// CHECK: memref.dealloc %[[P]]
// CHECK-NOT: linalg.matmul
// FMA-LABEL: func.func @exact
// FMA-NOT: x86vector
// FMA: scf.for
// FMA-COUNT-48: math.fma
// FMA: scf.yield
// With mr=2 the 6 rows are 3 row blocks, each an iteration of a parallel
// loop (each writes its own rows of C), inside the parallel loop over the 2
// column panels of nr=32.
// TILE-LABEL: func.func @exact
// TILE: scf.parallel (%{{.*}}) = (%c0) to (%c2) step (%c1)
// TILE: scf.parallel (%{{.*}}) = (%c0) to (%c6) step (%c2)
// TILE: scf.for
// TILE-COUNT-4: x86vector.avx512.dot
// TILE-NOT: x86vector.avx512.dot
// TILE: scf.yield
func.func @exact(%a: memref<6x32xbf16>, %b: memref<32x64xbf16>, %c: memref<6x64xf32>) {
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c : memref<6x64xf32>)
  return
}

// Remainders: M = 7 (one 6-row tile + one 1-row tile), N = 20 (one panel,
// only 32 columns wide, 16 + 4 valid columns: the second vector of each row
// is masked), K = 3
// (one full step and a peeled step whose A pair is read with zero padding).
// CHECK-LABEL: func.func @remainders
// CHECK: %[[MASK:.*]] = arith.constant dense<[true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x2x64xbf16>
// CHECK: vector.transfer_read %{{.*}} : memref<3x20xbf16>, vector<16xbf16>
// CHECK: vector.maskedload %{{.*}}, %[[MASK]]
// CHECK: vector.transfer_read %{{.*}} : memref<7x3xbf16>, vector<2xbf16>
// CHECK: vector.maskedstore %{{.*}}, %[[MASK]]
func.func @remainders(%a: memref<7x3xbf16>, %b: memref<3x20xbf16>, %c: memref<7x20xf32>) {
  linalg.matmul ins(%a, %b : memref<7x3xbf16>, memref<3x20xbf16>) outs(%c : memref<7x20xf32>)
  return
}

// batch_matmul: one loop over the batch around packing and kernels; the
// packed buffer (one 16-column panel: N = 16) is reused across the batch.
// CHECK-LABEL: func.func @batched
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x4x32xbf16>
// CHECK: scf.for %[[BT:.*]] = %c0 to %c3
// CHECK: x86vector.avx512.dot
// CHECK: memref.dealloc
func.func @batched(%a: memref<3x4x8xbf16>, %b: memref<3x8x16xbf16>, %c: memref<3x4x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x4x8xbf16>, memref<3x8x16xbf16>) outs(%c : memref<3x4x16xf32>)
  return
}

// f32 GEMMs use the FMA kernel with K steps of one (packed panels of f32).
// CHECK-LABEL: func.func @f32
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x5x64xf32>
// CHECK: math.fma
// NOF32-LABEL: func.func @f32
// NOF32: linalg.matmul
func.func @f32(%a: memref<2x5xf32>, %b: memref<5x64xf32>, %c: memref<2x64xf32>) {
  linalg.matmul ins(%a, %b : memref<2x5xf32>, memref<5x64xf32>) outs(%c : memref<2x64xf32>)
  return
}

// Not lowered (left for convert-linalg-to-loops): tensors, dynamic shapes,
// a non-unit innermost stride, a transposed C, an f16 input and a bf16
// accumulator.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-6: linalg.matmul
// CHECK-NOT: x86vector
func.func @left_alone(%t: tensor<4x8xbf16>, %tb: tensor<8x16xbf16>, %tc: tensor<4x16xf32>,
                      %d: memref<?x8xbf16>, %db: memref<8x16xbf16>, %dc: memref<?x16xf32>,
                      %s: memref<4x8xbf16, strided<[16, 2]>>,
                      %ct: memref<16x4xf32>,
                      %h: memref<4x8xf16>, %hb: memref<8x16xf16>, %c: memref<4x16xf32>,
                      %a: memref<4x8xbf16>, %cb: memref<4x16xbf16>) -> tensor<4x16xf32> {
  %r = linalg.matmul ins(%t, %tb : tensor<4x8xbf16>, tensor<8x16xbf16>) outs(%tc : tensor<4x16xf32>) -> tensor<4x16xf32>
  linalg.matmul ins(%d, %db : memref<?x8xbf16>, memref<8x16xbf16>) outs(%dc : memref<?x16xf32>)
  linalg.matmul ins(%s, %db : memref<4x8xbf16, strided<[16, 2]>>, memref<8x16xbf16>) outs(%c : memref<4x16xf32>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (n, m)>]
      ins(%a, %db : memref<4x8xbf16>, memref<8x16xbf16>) outs(%ct : memref<16x4xf32>)
  linalg.matmul ins(%h, %hb : memref<4x8xf16>, memref<8x16xf16>) outs(%c : memref<4x16xf32>)
  linalg.matmul ins(%a, %db : memref<4x8xbf16>, memref<8x16xbf16>) outs(%cb : memref<4x16xbf16>)
  return %r : tensor<4x16xf32>
}

// A constant fill of C right before the GEMM is absorbed: the accumulators
// start from the constant (no load of C) and the fill is gone. A fill with a
// store to C in between is kept.
// CHECK-LABEL: func.func @fused_fill
// CHECK-NOT: linalg.fill
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[Z]]
// CHECK-NOT: vector.load %{{.*}} : memref<6x64xf32>
// CHECK: vector.store {{.*}} : memref<6x64xf32>, vector<16xf32>
func.func @fused_fill(%a: memref<6x32xbf16>, %b: memref<32x64xbf16>, %c: memref<6x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<6x64xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c : memref<6x64xf32>)
  return
}
// CHECK-LABEL: func.func @kept_fill
// CHECK: linalg.fill
// CHECK: memref.store
// CHECK: vector.load %{{.*}} : memref<6x64xf32>, vector<16xf32>
func.func @kept_fill(%a: memref<6x32xbf16>, %b: memref<32x64xbf16>, %c: memref<6x64xf32>, %i: index) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<6x64xf32>)
  memref.store %one, %c[%i, %i] : memref<6x64xf32>
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c : memref<6x64xf32>)
  return
}

// B stored [n][k] (matmul_transpose_b maps): packed to the same VNNI panels
// by 16 x 16 transposes of 32-bit lanes (BF16 pairs): 16 row loads of B, 4
// butterfly stages of 16 two-source shuffles each, 16 stores per block of
// 16 columns x 16 K steps; K = 40 is 20 steps: one full block and a partial
// one of 4 steps whose row reads are padded (not in bounds).
// CHECK-LABEL: func.func @transposed_b
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x20x64xbf16>
// CHECK: scf.parallel
// CHECK-COUNT-16: vector.transfer_read {{.*}} {in_bounds = [true]} : memref<32x40xbf16>, vector<32xbf16>
// CHECK-COUNT-64: vector.shuffle
// CHECK-COUNT-16: vector.store {{.*}} : memref<1x20x64xbf16>, vector<32xbf16>
// CHECK: vector.transfer_read {{.*}} : memref<32x40xbf16>, vector<32xbf16>
// CHECK: x86vector.avx512.dot
func.func @transposed_b(%a: memref<6x40xbf16>, %b: memref<32x40xbf16>, %c: memref<6x32xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<6x40xbf16>, memref<32x40xbf16>) outs(%c : memref<6x32xf32>)
  return
}

// A stored [k][m] (matmul_transpose_a maps): its pairs are packed like B in
// panels of 16 rows of C, and each row's pair is one 32-bit load from there.
// CHECK-LABEL: func.func @transposed_a
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x4x32xbf16>
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x4x128xbf16>
// CHECK: arith.divui
// CHECK: arith.remui
// CHECK: vector.load {{.*}} : memref<1x4x32xbf16>, vector<2xbf16>
// CHECK: x86vector.avx512.dot
// CHECK-DAG: memref.dealloc {{.*}} : memref<1x4x128xbf16>
// CHECK-DAG: memref.dealloc {{.*}} : memref<1x4x32xbf16>
func.func @transposed_a(%a: memref<7x6xbf16>, %b: memref<7x64xbf16>, %c: memref<6x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<7x6xbf16>, memref<7x64xbf16>) outs(%c : memref<6x64xf32>)
  return
}

// f32 with both operands transposed: A elements are loaded at [k][m], B is
// transposed while packing (16 f32 lanes per row load).
// CHECK-LABEL: func.func @f32_transposed
// CHECK: vector.shuffle
// CHECK: memref.load {{.*}} : memref<5x2xf32>
// CHECK: math.fma
func.func @f32_transposed(%a: memref<5x2xf32>, %b: memref<16x5xf32>, %c: memref<2x16xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<5x2xf32>, memref<16x5xf32>) outs(%c : memref<2x16xf32>)
  return
}
