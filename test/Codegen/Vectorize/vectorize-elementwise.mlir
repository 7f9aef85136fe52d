// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-vectorize-linalg-elementwise))' | FileCheck %s
// RUN: bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-vectorize-linalg-elementwise{width=8}))' | FileCheck %s --check-prefix=W8
// RUN: not bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-vectorize-linalg-elementwise{width=0}))' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: bf16-vectorize-linalg-elementwise: width=0 must be in [1, 64]

// An elementwise body with a lowp op: tiles of 16 along the innermost loop,
// the lowp.round and math.exp on vector<16xf32>. The tiles of an
// all-parallel op are independent: one scf.forall over rows and column tiles
// (bf16-parallelize-loops decides whether it runs on threads).
// CHECK-LABEL: func.func @round_exp
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (4, 32) step (1, 16) {
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} vector<16xf32>
// CHECK: %[[E:.*]] = math.exp %[[X]] : vector<16xf32>
// CHECK: lowp.round nearest_even_ftz %[[E]] : (vector<16xf32>) -> vector<16xbf16>
// CHECK: vector.transfer_write {{.*}} : vector<16xbf16>
// CHECK-NOT: linalg.generic
// W8-LABEL: func.func @round_exp
// W8: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (4, 32) step (1, 8) {
// W8: lowp.round nearest_even_ftz {{.*}} : (vector<8xf32>) -> vector<8xbf16>
func.func @round_exp(%x: memref<4x32xf32>, %y: memref<4x32xbf16>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x32xf32>) outs(%y : memref<4x32xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %e = math.exp %a : f32
    %r = lowp.round nearest_even_ftz %e : (f32) -> bf16
    linalg.yield %r : bf16
  }
  return
}

// Index-based bodies (the Philox of lowp.random_bits) vectorize too; the
// two-result arith.mului_extended ends up on a 1-D vector.
// CHECK-LABEL: func.func @philox_like
// CHECK: vector.step
// CHECK: arith.mului_extended {{.*}} : vector<16xi32>
func.func @philox_like(%y: memref<2x16xi32>) {
  %k = arith.constant 3528531795 : i32
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]} outs(%y : memref<2x16xi32>) {
  ^bb0(%o: i32):
    %i = linalg.index 1 : index
    %c = arith.index_castui %i : index to i32
    %lo, %hi = arith.mului_extended %c, %k : i32
    %r = arith.xori %lo, %hi : i32
    linalg.yield %r : i32
  }
  return
}

// A transpose tile reads a column of the input: a strided 1-D transfer with
// a permutation map, and writes a contiguous row.
// CHECK-LABEL: func.func @transpose
// CHECK: memref.subview %{{.*}}[%{{.*}}, %{{.*}}] [16, 1] [1, 1]
// CHECK: vector.transfer_read {{.*}}permutation_map{{.*}} : memref<16x1xbf16, strided<[4, 1], offset: ?>>, vector<16xbf16>
// CHECK: vector.transfer_write {{.*}} : vector<16xbf16>
func.func @transpose(%x: memref<16x4xbf16>, %y: memref<4x16xbf16>) {
  linalg.transpose ins(%x : memref<16x4xbf16>) outs(%y : memref<4x16xbf16>) permutation = [1, 0]
  return
}

// Left alone: a reduction over the innermost dimension, a dynamic shape, an
// innermost extent that is not a multiple of the width, and tensors.
// A reduction over an outer dimension (a bias gradient's column sums) is
// vectorized along the columns; the reduction loop is tiled by 1 and is
// an scf.for inside the column tiles, so each column accumulates its rows
// in order. The column tiles are independent (scf.parallel); the rows of one
// tile are not (scf.for).
// CHECK-LABEL: func.func @column_sums
// CHECK: scf.parallel (%[[C:.*]]) = (%c0) to (%c32) step (%c16)
// CHECK: scf.for %[[R:.*]] = %c0 to %c8 step %c1
// CHECK: arith.extf %{{.*}} : vector<16xbf16> to vector<16xf32>
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [0] : vector<1x16xf32> to vector<16xf32>
// W8-LABEL: func.func @column_sums
// W8: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [0] : vector<1x8xf32> to vector<8xf32>
func.func @column_sums(%a: memref<8x32xbf16>, %o: memref<32xf32>) {
  linalg.reduce ins(%a : memref<8x32xbf16>) outs(%o : memref<32xf32>) dimensions = [0]
    (%in: bf16, %init: f32) {
      %e = arith.extf %in : bf16 to f32
      %s = arith.addf %e, %init : f32
      linalg.yield %s : f32
    }
  return
}

// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.reduce
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @left_alone(%x: memref<4x32xf32>, %r: memref<4xf32>, %d: memref<?x32xf32>,
                      %odd: memref<4x10xf32>, %t: tensor<4x32xf32>) -> tensor<4x32xf32> {
  linalg.reduce ins(%x : memref<4x32xf32>) outs(%r : memref<4xf32>) dimensions = [1]
    (%a: f32, %b: f32) {
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%d : memref<?x32xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%odd : memref<4x10xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  }
  %e = tensor.empty() : tensor<4x32xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%t : tensor<4x32xf32>) outs(%e : tensor<4x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %g : tensor<4x32xf32>
}
