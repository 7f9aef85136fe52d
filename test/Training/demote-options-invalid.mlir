// Bad option values give a located error and a non-zero exit.
// RUN: not bf16-opt %s --bf16-demote=accumulate=f16 2>&1 | FileCheck %s --check-prefix=ACC
// ACC: error: bf16-demote: invalid accumulate='f16'; expected f32 or bf16
// RUN: not bf16-opt %s --bf16-demote=rounding-semantics=fast 2>&1 | FileCheck %s --check-prefix=SEM
// SEM: error: bf16-demote: invalid rounding-semantics='fast'; expected per-op or fused
// RUN: not bf16-opt %s --bf16-demote=narrow-type=f16 2>&1 | FileCheck %s --check-prefix=NARROW
// NARROW: error: bf16-demote: invalid narrow-type='f16'; expected bf16 (f16 and f8 formats are planned but not supported yet)
// RUN: not bf16-opt %s --bf16-demote=keep-f32=math.nosuchop 2>&1 | FileCheck %s --check-prefix=KEEP
// KEEP: error: bf16-demote: invalid keep-f32='math.nosuchop'; expected names of registered ops, e.g. math.exp
func.func @f(%x: f32) -> f32 {
  return %x : f32
}
