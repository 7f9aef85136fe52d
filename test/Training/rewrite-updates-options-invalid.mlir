// RUN: not bf16-opt %s --bf16-rewrite-updates=rounding=fancy 2>&1 | FileCheck %s --check-prefix=ROUND
// ROUND: error: bf16-rewrite-updates: invalid rounding='fancy'; expected nearest, stochastic, kahan or split
// RUN: not bf16-opt %s --bf16-rewrite-updates=apply-to=weights 2>&1 | FileCheck %s --check-prefix=APPLY
// APPLY: error: bf16-rewrite-updates: invalid apply-to='weights'; expected params or all-state
// RUN: not bf16-opt %s --bf16-rewrite-updates=state=heap 2>&1 | FileCheck %s --check-prefix=STATE
// STATE: error: bf16-rewrite-updates: invalid state='heap'; expected arguments or globals
// RUN: not bf16-opt %s --bf16-rewrite-updates=seed=-1 2>&1 | FileCheck %s --check-prefix=SEED
// SEED: for the --seed option: '-1' value invalid
func.func @f(%x: f32) -> f32 {
  return %x : f32
}
