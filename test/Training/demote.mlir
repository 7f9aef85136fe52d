// RUN: bf16-opt %s --bf16-demote -split-input-file | FileCheck %s --check-prefixes=CHECK,ACC32
// RUN: bf16-opt %s --bf16-demote="accumulate=bf16" -split-input-file | FileCheck %s --check-prefixes=CHECK,ACC16
// RUN: bf16-opt %s --bf16-demote="rounding-semantics=fused accumulate=bf16" -split-input-file | FileCheck %s --check-prefix=FUSED
// With accumulate=bf16 nothing f32 may remain, anywhere.
// RUN: bf16-opt %s --bf16-demote="accumulate=bf16" -split-input-file | FileCheck %s --check-prefix=NOF32
// NOF32-NOT: f32
// Idempotence: a second run changes nothing (per-op: byte for byte; fused:
// after canonicalization, since fused mode re-runs upstream fusion, which
// also cleans up).
// RUN: bf16-opt %s --bf16-demote -split-input-file > %t.once
// RUN: bf16-opt %t.once --bf16-demote -split-input-file > %t.twice
// RUN: diff %t.once %t.twice
// RUN: bf16-opt %s --bf16-demote=rounding-semantics=fused -split-input-file | bf16-opt -canonicalize -split-input-file > %t.fonce
// RUN: bf16-opt %t.fonce --bf16-demote=rounding-semantics=fused -split-input-file | bf16-opt -canonicalize -split-input-file > %t.ftwice
// RUN: diff %t.fonce %t.ftwice

#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xbf16>, %[[W:.*]]: tensor<3x4xbf16>, %[[S:.*]]: bf16) -> (tensor<2x4xbf16>, tensor<2x4xbf16>, bf16)
func.func @step(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %s: f32) -> (tensor<2x4xf32>, tensor<2x4xf32>, f32) {
  %c = arith.constant 0.1 : f32
  %dense = arith.constant dense<[[1.0e-3, 3.0, 1.0e+39, 5.9e-39]]> : tensor<1x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%acc : tensor<2x4xf32>) -> tensor<2x4xf32>
  %ex = math.exp %m : tensor<2x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%ex : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.mulf %in, %c : f32
    %u = arith.addf %t, %s : f32
    linalg.yield %u : f32
  } -> tensor<2x4xf32>
  %b = arith.truncf %s : f32 to bf16
  %bb = arith.extf %b : bf16 to f32
  return %m, %r, %bb : tensor<2x4xf32>, tensor<2x4xf32>, f32
}
// Constants are rounded to nearest even (0.1 -> 0x3DCD = 0.10009765625),
// overflow stays Inf and an f32 denormal stays a bf16 denormal.
// CHECK-DAG: arith.constant 1.000980e-01 : bf16
// CHECK-DAG: arith.constant dense<{{\[\[}}9.994500e-04, 3.000000e+00, 0x7F80, 5.877470e-39]]> : tensor<1x4xbf16>
// accumulate=f32: f32 accumulator inside the contraction, one rounding at
// its output.
// ACC32: %[[E32:.*]] = tensor.empty() : tensor<2x4xf32>
// ACC32: %[[F32:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E32]] : tensor<2x4xf32>)
// ACC32: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<2x3xbf16>, tensor<3x4xbf16>) outs(%[[F32]] : tensor<2x4xf32>)
// ACC32: %[[M:.*]] = arith.truncf %[[MM]] : tensor<2x4xf32> to tensor<2x4xbf16>
// ACC16: %[[M:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<2x3xbf16>, tensor<3x4xbf16>) outs(%{{.*}} : tensor<2x4xbf16>)
// CHECK: math.exp %[[M]] : tensor<2x4xbf16>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK: %[[T:.*]] = arith.mulf %[[IN]], %{{.*}} : bf16
// CHECK: arith.addf %[[T]], %[[S]] : bf16
// The truncf/extf pair of the input became a no-op and is gone.
// CHECK-NOT: arith.extf %{{.*}} : bf16 to bf16
// CHECK: return %[[M]], %{{.*}}, %[[S]] : tensor<2x4xbf16>, tensor<2x4xbf16>, bf16

// fused: the elementwise chain (exp, mul, add) is one generic computing in
// f32 and rounding once.
// FUSED-LABEL: func.func @step
// FUSED: linalg.generic
// FUSED: %[[A:.*]] = arith.extf %{{.*}} : bf16 to f32
// FUSED: math.exp %{{.*}} : f32
// FUSED: arith.mulf %{{.*}} : f32
// FUSED: %[[R:.*]] = arith.addf %{{.*}} : f32
// FUSED: %[[N:.*]] = arith.truncf %[[R]] : f32 to bf16
// FUSED: linalg.yield %[[N]] : bf16

// -----

// Reductions: a sum gets an f32 accumulator (accumulate=f32), a max
// reduction is exact and stays bf16; a dynamic shape is fine.
// CHECK-LABEL: func.func @reductions
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xbf16>
func.func @reductions(%a: tensor<?x8xf32>, %init: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  // ACC32: %[[I:.*]] = arith.extf %{{.*}} : tensor<?xbf16> to tensor<?xf32>
  // ACC32: %[[SUM:.*]] = linalg.reduce ins(%[[A]] : tensor<?x8xbf16>) outs(%[[I]] : tensor<?xf32>)
  // ACC32: arith.extf %{{.*}} : bf16 to f32
  // ACC32: arith.addf %{{.*}} : f32
  // ACC32: arith.truncf %[[SUM]] : tensor<?xf32> to tensor<?xbf16>
  // ACC16: linalg.reduce ins(%[[A]] : tensor<?x8xbf16>) outs(%{{.*}} : tensor<?xbf16>)
  // ACC16: arith.addf %{{.*}} : bf16
  %s = linalg.reduce ins(%a : tensor<?x8xf32>) outs(%init : tensor<?xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32
    }
  // CHECK: linalg.reduce ins(%[[A]] : tensor<?x8xbf16>) outs(%{{.*}} : tensor<?xbf16>)
  // CHECK: arith.maximumf %{{.*}} : bf16
  %m = linalg.reduce ins(%a : tensor<?x8xf32>) outs(%init : tensor<?xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %t = arith.maximumf %in, %acc : f32
      linalg.yield %t : f32
    }
  return %s, %m : tensor<?xf32>, tensor<?xf32>
}

// -----

// Calls, globals, integers and indices.
// CHECK-LABEL: ml_program.global private mutable @g(dense<2.500000e-01> : tensor<2xbf16>) : tensor<2xbf16>
ml_program.global private mutable @g(dense<0.25> : tensor<2xf32>) : tensor<2xf32>
// CHECK-LABEL: func.func @callee(%{{.*}}: tensor<2xbf16>, %{{.*}}: tensor<2xi32>, %{{.*}}: index) -> tensor<2xbf16>
func.func @callee(%x: tensor<2xf32>, %i: tensor<2xi32>, %n: index) -> tensor<2xf32> {
  // CHECK: ml_program.global_load @g : tensor<2xbf16>
  %g = ml_program.global_load @g : tensor<2xf32>
  // CHECK: arith.sitofp %{{.*}} : tensor<2xi32> to tensor<2xbf16>
  %f = arith.sitofp %i : tensor<2xi32> to tensor<2xf32>
  %y = arith.addf %x, %f : tensor<2xf32>
  %z = arith.mulf %y, %g : tensor<2xf32>
  return %z : tensor<2xf32>
}
// CHECK-LABEL: func.func @caller
// CHECK: call @callee(%{{.*}}) : (tensor<2xbf16>, tensor<2xi32>, index) -> tensor<2xbf16>
func.func @caller(%x: tensor<2xf32>, %i: tensor<2xi32>, %n: index) -> tensor<2xf32> {
  %r = func.call @callee(%x, %i, %n) : (tensor<2xf32>, tensor<2xi32>, index) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
