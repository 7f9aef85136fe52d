// RUN: not bf16-opt %s --bf16-rewrite-updates=rounding=fancy 2>&1 | FileCheck %s --check-prefix=ROUND
// ROUND: for the --rounding option: Cannot find option named 'fancy'!
// RUN: not bf16-opt %s --bf16-rewrite-updates=apply-to=weights 2>&1 | FileCheck %s --check-prefix=APPLY
// APPLY: for the --apply-to option: Cannot find option named 'weights'!
// RUN: not bf16-opt %s --bf16-rewrite-updates=state=heap 2>&1 | FileCheck %s --check-prefix=STATE
// STATE: for the --state option: Cannot find option named 'heap'!
// RUN: not bf16-opt %s --bf16-rewrite-updates="rounding=stochastic rng-stream=v3" 2>&1 | FileCheck %s --check-prefix=STREAM
// STREAM: for the --rng-stream option: Cannot find option named 'v3'!
// RUN: not bf16-opt %s --bf16-rewrite-updates=rng-stream=i16 2>&1 | FileCheck %s --check-prefix=STREAM16
// STREAM16: for the --rng-stream option: Cannot find option named 'i16'!
// RUN: not bf16-opt %s --bf16-rewrite-updates=seed=-1 2>&1 | FileCheck %s --check-prefix=SEED
// SEED: for the --seed option: '-1' value invalid
func.func @f(%x: f32) -> f32 {
  return %x : f32
}
