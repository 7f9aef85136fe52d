// Fuzz finding: crash | bf16-run | SIGFPE in mlir::bf16::StepRunner::initialize(mlir::bf16::StepRunnerOptions const&)
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// Status: fixed in 41c6cdd; bf16-run now says (exit 1):
//   bf16-run: error: unsupported element type i4 in @step; bf16-run supports f32, bf16, f64, index, i1, i8, i16, i32 and i64
// Kept as the input of test/Runtime/bf16-run-element-types.test;
// `fuzz.py --check-findings` checks that it stays fixed.
// What: bf16-run dies of SIGFPE (integer division by zero) in
//   StepRunner::initialize on a step with a scalar result of a sub-byte
//   integer type (i2..i7; also f4E2M1FN, f6E2M3FN, ... floats).
// Observed before the fix (exit code -8, SIGFPE, build of 2026-12-05):
//   PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace and instructions to reproduce the bug.
//   Stack dump:
//   0.	Program arguments: bf16-run bf16-run-i4-scalar-sigfpe.mlir --steps=1
//    #4 0x0000560b3ded58c5 mlir::bf16::StepRunner::initialize(mlir::bf16::StepRunnerOptions const&)
//    #5 0x0000560b3dedbba5 mlir::bf16::StepRunner::create(mlir::ModuleOp, mlir::bf16::StepRunnerOptions const&)
// Expected: a diagnostic naming the result and its unsupported type (or
//   support: one byte per element, as LLVM stores them), exit 1.
// Suspected cause: elementBytes() in lib/Runtime/StepRunner.cpp returns
//   getWidth() / 8, i.e. 0 bytes for widths 2..7 (only i1 is special-cased),
//   and a later division/modulo by the element size traps.
// Found by: fuzz.py --seed 1 (mutant #67: float_type_global x2 on
//   test/Training/rewrite-updates-options-invalid.mlir gave `func.func @f(%x:
//   f6E2M3FN) -> f6E2M3FN`; also the 2026-12-05 long run), then a hand scan of
//   sub-byte types; reduced by hand.
func.func @step(%x: tensor<4xf32>) -> i4 {
  %c = arith.constant 1 : i4
  return %c : i4
}
