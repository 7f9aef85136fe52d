// RUN: bf16-opt %s --split-input-file --bf16-duplicate-shared-fills | FileCheck %s

// One zero accumulator shared by two GEMMs and an elementwise op: all but
// one of them (here the last) get their own empty + fill right before them.
// CHECK-LABEL: func.func @shared
// CHECK: %[[F0:.*]] = linalg.fill
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4x16xf32>
// CHECK-NEXT: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<4x16xf32>)
// CHECK-NEXT: linalg.matmul {{.*}} outs(%[[F1]] :
// CHECK: tensor.empty
// CHECK-NEXT: %[[F2:.*]] = linalg.fill
// CHECK-NEXT: linalg.matmul {{.*}} outs(%[[F2]] :
// CHECK: linalg.generic {{.*}} outs(%[[F0]] :
func.func @shared(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<8x16xf32>)
    -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m2 = linalg.matmul ins(%a, %c : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%m1 : tensor<4x16xf32>) outs(%f : tensor<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %m1, %m2, %g : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Left alone: a fill used once, and a fill of a function argument. A fill
// that is also read as an input keeps that use and gives its init use a
// copy.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-1: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: linalg.matmul
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2 : tensor<4x16xf32>)
// CHECK: linalg.matmul
// CHECK: linalg.matmul
func.func @left_alone(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %t: tensor<4x16xf32>)
    -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %ft = linalg.fill ins(%zero : f32) outs(%t : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m2 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%ft : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m3 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%ft : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %m1, %m2, %m3 : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @read_too
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: %[[F1:.*]] = linalg.fill
// CHECK: linalg.matmul {{.*}} outs(%[[F1]] :
// CHECK: return {{.*}}, %[[F]]
func.func @read_too(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %m, %f : tensor<4x16xf32>, tensor<4x16xf32>
}
