// RUN: bf16-opt %s --split-input-file --bf16-update-in-place | FileCheck %s
// RUN: bf16-opt %s --split-input-file --bf16-update-in-place \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   | FileCheck %s --check-prefix=BUF

// An SGD step: w' = w - lr g and v' = mu v + g are computed into their own
// arguments; after bufferization both results are the arguments' buffers.
// CHECK-LABEL: func.func @sgd
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg2 : tensor<16xf32>, tensor<16xf32>) outs(%arg0 : tensor<16xf32>)
// CHECK: linalg.generic {{.*}} ins(%arg1, %arg2 : tensor<16xf32>, tensor<16xf32>) outs(%arg1 : tensor<16xf32>)
// BUF-LABEL: func.func @sgd
// BUF-NOT: memref.alloc
// BUF: return %arg0, %arg1
#id = affine_map<(i) -> (i)>
func.func @sgd(%w: tensor<16xf32>, %v: tensor<16xf32>, %g: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %e = tensor.empty() : tensor<16xf32>
  %w2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%w, %g : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %v2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%v, %g : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %w2, %v2 : tensor<16xf32>, tensor<16xf32>
}

// -----

// Left alone: a result whose inputs are not arguments, and an argument
// read through another map (a transpose).
// CHECK-LABEL: func.func @left_alone
// CHECK: outs(%{{.*}} : tensor<4x4xf32>)
// CHECK-NOT: outs(%arg0 : tensor<4x4xf32>) -> tensor<4x4xf32>
#id2 = affine_map<(i, j) -> (i, j)>
#tr = affine_map<(i, j) -> (j, i)>
func.func @left_alone(%a: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = tensor.empty() : tensor<4x4xf32>
  %t = linalg.generic {indexing_maps = [#tr, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<4x4xf32>
  %n = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.negf %x : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  return %t, %n : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// The argument is read again later: the rewrite is correct anyway (the
// bufferization analysis allocates instead of clobbering it), and the second
// result does not reuse the argument already chosen for the first.
// CHECK-LABEL: func.func @read_after
// CHECK: outs(%arg0 : tensor<16xf32>)
// CHECK: outs(%{{[0-9]+}} : tensor<16xf32>)
// BUF-LABEL: func.func @read_after
// BUF: memref.alloc
// BUF: return
func.func @read_after(%w: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %e = tensor.empty() : tensor<16xf32>
  %w2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%w : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %w3 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%w, %w2 : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %w2, %w3 : tensor<16xf32>, tensor<16xf32>
}
