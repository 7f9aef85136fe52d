// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel))' --split-input-file | FileCheck %s

// The output rounding of a training step's GEMM (a zero-filled f32
// temporary, then D = lowp.round C into a bf16 buffer) happens in the
// kernel: each accumulator is rounded and stored into D, D's allocation
// moves above the kernel, and C, its fill and the rounding op are gone.
// 6x70: the last column vector is masked for C and for D alike.
#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @rounded
// CHECK-SAME: (%[[A:.*]]: memref<6x32xbf16>, %[[B:.*]]: memref<32x70xbf16>)
// CHECK: %[[D:.*]] = memref.alloc() : memref<6x70xbf16>
// CHECK-NOT: memref<6x70xf32>
// CHECK-NOT: linalg.
// CHECK: x86vector.avx512.dot
// CHECK: %[[R:.*]] = lowp.round nearest_even_ftz %{{.*}} : (vector<16xf32>) -> vector<16xbf16>
// CHECK: vector.store %[[R]], %[[D]][%{{.*}}, %{{.*}}] : memref<6x70xbf16>, vector<16xbf16>
// CHECK: lowp.round nearest_even_ftz %{{.*}} : (vector<16xf32>) -> vector<16xbf16>
// CHECK: vector.maskedstore %[[D]][%{{.*}}, %{{.*}}], %{{.*}}, %{{.*}} : memref<6x70xbf16>, vector<16xi1>, vector<16xbf16>
// CHECK-NOT: memref<6x70xf32>
// CHECK-NOT: linalg.
// CHECK: return %[[D]]
func.func @rounded(%a: memref<6x32xbf16>, %b: memref<32x70xbf16>) -> memref<6x70xbf16> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<6x70xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<6x70xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x70xbf16>) outs(%c : memref<6x70xf32>)
  %d = memref.alloc() : memref<6x70xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<6x70xf32>) outs(%d : memref<6x70xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %r = lowp.round nearest_even_ftz %in : (f32) -> bf16
    linalg.yield %r : bf16
  }
  return %d : memref<6x70xbf16>
}

// -----

// Any rounding mode without random bits, a batch_matmul, an accumulator
// filled with a nonzero constant (the kernel starts from it).
#id3 = affine_map<(b, i, j) -> (b, i, j)>
// CHECK-LABEL: func.func @rtz_batch
// CHECK: %[[INIT:.*]] = arith.constant dense<1.500000e+00> : vector<16xf32>
// CHECK: %[[D:.*]] = memref.alloc() : memref<2x6x64xbf16>
// CHECK-NOT: memref<2x6x64xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]],
// CHECK: lowp.round toward_zero %{{.*}} : (vector<16xf32>) -> vector<16xbf16>
// CHECK: vector.store %{{.*}}, %[[D]]{{.*}} : memref<2x6x64xbf16>, vector<16xbf16>
// CHECK-NOT: memref<2x6x64xf32>
// CHECK-NOT: linalg.
// CHECK: return %[[D]]
func.func @rtz_batch(%a: memref<2x6x32xbf16>, %b: memref<2x32x64xbf16>) -> memref<2x6x64xbf16> {
  %init = arith.constant 1.5 : f32
  %c = memref.alloc() : memref<2x6x64xf32>
  linalg.fill ins(%init : f32) outs(%c : memref<2x6x64xf32>)
  linalg.batch_matmul ins(%a, %b : memref<2x6x32xbf16>, memref<2x32x64xbf16>) outs(%c : memref<2x6x64xf32>)
  %d = memref.alloc() : memref<2x6x64xbf16>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%c : memref<2x6x64xf32>) outs(%d : memref<2x6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %r = lowp.round toward_zero %in : (f32) -> bf16
    linalg.yield %r : bf16
  }
  return %d : memref<2x6x64xbf16>
}

// -----

// Left alone (the kernel stores C and the rounding stays): C is an
// argument; C is also returned; the consumer does more than round; D is
// used between the GEMM and the rounding; stochastic rounding (bits).
#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-5: linalg.generic
func.func @kept(%a: memref<6x32xbf16>, %b: memref<32x64xbf16>, %carg: memref<6x64xf32>,
                %bits: memref<6x64xi32>, %s: f32)
    -> (memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %i0 = arith.constant 0 : index
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%carg : memref<6x64xf32>)
  %d0 = memref.alloc() : memref<6x64xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%carg : memref<6x64xf32>) outs(%d0 : memref<6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %r = lowp.round nearest_even_ftz %in : (f32) -> bf16
    linalg.yield %r : bf16
  }
  %c1 = memref.alloc() : memref<6x64xf32>
  linalg.fill ins(%zero : f32) outs(%c1 : memref<6x64xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c1 : memref<6x64xf32>)
  %d1 = memref.alloc() : memref<6x64xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c1 : memref<6x64xf32>) outs(%d1 : memref<6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %r = lowp.round nearest_even_ftz %in : (f32) -> bf16
    linalg.yield %r : bf16
  }
  %c2 = memref.alloc() : memref<6x64xf32>
  linalg.fill ins(%zero : f32) outs(%c2 : memref<6x64xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c2 : memref<6x64xf32>)
  %d2 = memref.alloc() : memref<6x64xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c2 : memref<6x64xf32>) outs(%d2 : memref<6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %m = arith.mulf %in, %s : f32
    %r = lowp.round nearest_even_ftz %m : (f32) -> bf16
    linalg.yield %r : bf16
  }
  %c3 = memref.alloc() : memref<6x64xf32>
  %d3 = memref.alloc() : memref<6x64xbf16>
  linalg.fill ins(%zero : f32) outs(%c3 : memref<6x64xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c3 : memref<6x64xf32>)
  %peek = memref.load %d3[%i0, %i0] : memref<6x64xbf16>
  memref.store %peek, %d3[%i0, %i0] : memref<6x64xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c3 : memref<6x64xf32>) outs(%d3 : memref<6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %r = lowp.round nearest_even_ftz %in : (f32) -> bf16
    linalg.yield %r : bf16
  }
  %c4 = memref.alloc() : memref<6x64xf32>
  linalg.fill ins(%zero : f32) outs(%c4 : memref<6x64xf32>)
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c4 : memref<6x64xf32>)
  %d4 = memref.alloc() : memref<6x64xbf16>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c4, %bits : memref<6x64xf32>, memref<6x64xi32>) outs(%d4 : memref<6x64xbf16>) {
  ^bb0(%in: f32, %q: i32, %out: bf16):
    %r = lowp.round stochastic %in, %q : (f32, i32) -> bf16
    linalg.yield %r : bf16
  }
  return %d0, %d1, %d2, %d3, %d4, %c1 : memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xbf16>, memref<6x64xf32>
}
