// RUN: bf16-opt %s --bf16-drop-conversion-fastmath | FileCheck %s
// RUN: bf16-opt %s --bf16-drop-conversion-fastmath --canonicalize | FileCheck %s --check-prefix=FOLD

// The flags of extf/truncf are unset (not `none`), other ops keep theirs.
// CHECK-LABEL: func.func @chain
// CHECK: %[[T:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT: %[[E:.*]] = arith.extf %[[T]] : bf16 to f32
// CHECK-NEXT: arith.addf %[[E]], %{{.*}} fastmath<contract> : f32
// Without the flags, canonicalization keeps the rounding extf(truncf(x)).
// FOLD-LABEL: func.func @chain
// FOLD: arith.truncf
// FOLD: arith.extf
func.func @chain(%x: f32, %y: f32) -> f32 {
  %t = arith.truncf %x fastmath<contract> : f32 to bf16
  %e = arith.extf %t fastmath<contract> : bf16 to f32
  %r = arith.addf %e, %y fastmath<contract> : f32
  return %r : f32
}
