// Fuzz finding: crash | bf16-run | SIGSEGV in JIT-compiled code
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// Status: fixed in 41c6cdd; bf16-run now says (exit 1):
//   bf16-run: error: unsupported element type f128 in @step; bf16-run supports f32, bf16, f64, index, i1, i8, i16, i32 and i64
// Kept as the input of test/Runtime/bf16-run-element-types.test;
// `fuzz.py --check-findings` checks that it stays fixed.
// What: bf16-run segfaults inside the JIT-compiled step when the step
//   returns an f128 scalar (this file), or uses an f128 scalar argument, e.g.
//     func.func @step(%x: tensor<4xf128>, %mu: f128) -> tensor<4xf128> {
//       %e = tensor.empty() : tensor<4xf128>
//       %m = linalg.fill ins(%mu : f128) outs(%e : tensor<4xf128>) -> tensor<4xf128>
//       %t = arith.mulf %x, %m : tensor<4xf128>
//       return %t : tensor<4xf128>
//     }
//   (f128 tensors do not crash, but their initial and printed values are all
//   0: encode() has no f128 case.)
// Observed before the fix (exit code -11, SIGSEGV, build of 2026-12-05):
//   PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace and instructions to reproduce the bug.
//   Stack dump:
//   0.	Program arguments: bf16-run bf16-run-f128-scalar-segv.mlir --steps=1
// Expected: the value printed, or a diagnostic rejecting the type, exit 1.
// Suspected cause: scalar arguments and the scalar return value live in
//   8-byte uint64_t slots (scalarArgs, scalarReturn in
//   lib/Runtime/StepRunner.cpp), which the packed C-interface call reads and
//   writes as 16-byte fp128 values; encode() handles only f32, bf16 and f64
//   (f16, f80 and f128 values get an integer's bits).
// Found by: fuzz.py --seed 4 --budget-seconds 600 (mutant #148:
//   float_type_global x3 on test/Training/demote-options-invalid.mlir gave
//   `func.func @f(%x: f128) -> f128`) and --seed 1 (mutant #584: f128
//   master-weights step with an f128 scalar argument); reduced by hand.
func.func @step() -> f128 {
  %c = arith.constant 1.0 : f128
  return %c : f128
}
