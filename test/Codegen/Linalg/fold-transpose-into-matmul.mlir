// RUN: bf16-opt %s --bf16-fold-transpose-into-matmul | FileCheck %s

// The backward-pass GEMMs dW = X^T dY and dX = dY W^T: the transposes fold
// into the maps and disappear.
// CHECK: #[[$A_T:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$B_T:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$BA_T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[$BB_T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$BC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @backward
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [#[[$A_T]], #[[$B]], #[[$C]]] ins(%arg0, %arg1 : tensor<256x784xf32>, tensor<256x1024xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[$A]], #[[$B_T]], #[[$C]]] ins(%arg1, %arg2 : tensor<256x1024xf32>, tensor<784x1024xf32>)
func.func @backward(%x: tensor<256x784xf32>, %dy: tensor<256x1024xf32>, %w: tensor<784x1024xf32>,
                    %c1: tensor<784x1024xf32>, %c2: tensor<256x784xf32>) -> (tensor<784x1024xf32>, tensor<256x784xf32>) {
  %e1 = tensor.empty() : tensor<784x256xf32>
  %xt = linalg.transpose ins(%x : tensor<256x784xf32>) outs(%e1 : tensor<784x256xf32>) permutation = [1, 0]
  %dw = linalg.matmul ins(%xt, %dy : tensor<784x256xf32>, tensor<256x1024xf32>) outs(%c1 : tensor<784x1024xf32>) -> tensor<784x1024xf32>
  %e2 = tensor.empty() : tensor<1024x784xf32>
  %wt = linalg.transpose ins(%w : tensor<784x1024xf32>) outs(%e2 : tensor<1024x784xf32>) permutation = [1, 0]
  %dx = linalg.matmul ins(%dy, %wt : tensor<256x1024xf32>, tensor<1024x784xf32>) outs(%c2 : tensor<256x784xf32>) -> tensor<256x784xf32>
  return %dw, %dx : tensor<784x1024xf32>, tensor<256x784xf32>
}

// Both operands of a batch_matmul; a transpose of an already transposed
// operand restores the default map; the transposed copy stays when
// something else uses it.
// CHECK-LABEL: func.func @batch_and_twice
// CHECK: linalg.batch_matmul indexing_maps = [#[[$BA_T]], #[[$BB_T]], #[[$BC]]] ins(%arg0, %arg1 :
// CHECK: %[[AT:.*]] = linalg.transpose ins(%arg3
// CHECK: linalg.matmul ins(%arg3, %arg4 : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK: return {{.*}}, %[[AT]]
func.func @batch_and_twice(%a: tensor<2x8x4xf32>, %b: tensor<2x16x8xf32>, %c: tensor<2x4x16xf32>,
                           %a2: tensor<4x8xf32>, %b2: tensor<8x16xf32>, %c2: tensor<4x16xf32>)
    -> (tensor<2x4x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>) {
  %ea = tensor.empty() : tensor<2x4x8xf32>
  %at = linalg.transpose ins(%a : tensor<2x8x4xf32>) outs(%ea : tensor<2x4x8xf32>) permutation = [0, 2, 1]
  %eb = tensor.empty() : tensor<2x8x16xf32>
  %bt = linalg.transpose ins(%b : tensor<2x16x8xf32>) outs(%eb : tensor<2x8x16xf32>) permutation = [0, 2, 1]
  %r = linalg.batch_matmul ins(%at, %bt : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%c : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %a2t = linalg.transpose ins(%a2 : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %r2 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a2t, %b2 : tensor<8x4xf32>, tensor<8x16xf32>) outs(%c2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r, %r2, %a2t : tensor<2x4x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>
}

// Left alone: a transpose feeding C, a broadcast operand map, and a batch
// permutation that moves the batch dimension.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.transpose
// CHECK: linalg.matmul ins(%arg4, %arg1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%
// CHECK: linalg.transpose
// CHECK: linalg.batch_matmul ins(%{{.*}}, %arg3 :
func.func @left_alone(%ct: tensor<16x4xf32>, %b: tensor<8x16xf32>, %a3: tensor<4x2x8xf32>, %b3: tensor<2x8x16xf32>,
                      %a: tensor<4x8xf32>) -> (tensor<4x16xf32>, tensor<2x4x16xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %c = linalg.transpose ins(%ct : tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e3 = tensor.empty() : tensor<2x4x8xf32>
  %a3t = linalg.transpose ins(%a3 : tensor<4x2x8xf32>) outs(%e3 : tensor<2x4x8xf32>) permutation = [1, 0, 2]
  %c3 = tensor.empty() : tensor<2x4x16xf32>
  %r3 = linalg.batch_matmul ins(%a3t, %b3 : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%c3 : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %r, %r3 : tensor<4x16xf32>, tensor<2x4x16xf32>
}
