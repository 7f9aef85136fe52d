// Bad option values give a located error and a non-zero exit.
// RUN: not bf16-opt %s --bf16-demote=accumulate=f16 2>&1 | FileCheck %s --check-prefix=ACC
// ACC: for the --accumulate option: Cannot find option named 'f16'!
// RUN: not bf16-opt %s --bf16-demote=rounding-semantics=fast 2>&1 | FileCheck %s --check-prefix=SEM
// SEM: for the --rounding-semantics option: Cannot find option named 'fast'!
// RUN: not bf16-opt %s --bf16-demote=narrow-type=f16 2>&1 | FileCheck %s --check-prefix=NARROW
// NARROW: for the --narrow-type option: Cannot find option named 'f16'!
// RUN: not bf16-opt %s --bf16-demote=keep-f32=math.nosuchop 2>&1 | FileCheck %s --check-prefix=KEEP
// KEEP: error: bf16-demote: invalid keep-f32='math.nosuchop'; expected names of registered ops, e.g. math.exp
func.func @f(%x: f32) -> f32 {
  return %x : f32
}
