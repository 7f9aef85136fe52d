// Fuzz finding: crash | bf16-run | SIGSEGV in JIT-compiled code
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// OPEN BUG, to be fixed (listed in utils/fuzz/known-open.txt until then).
// What: bf16-run segfaults inside the JIT-compiled step when the step returns
//   an f128 scalar (f128 arguments and f128 tensors work).
// Observed (exit code -11, SIGSEGV, build of 2026-12-05):
//   PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace and instructions to reproduce the bug.
//   Stack dump:
//   0.	Program arguments: bf16-run bf16-run-f128-scalar-result-segv.mlir --steps=1
// Expected: the value printed, or a diagnostic rejecting the result type, exit
//   1.
// Suspected cause: not analysed; the result struct that StepRunner passes to
//   the C interface is a std::vector<uint64_t> (8-byte aligned) while LLVM's {
//   fp128 } needs 16-byte alignment, and the JIT code stores with an aligned
//   SSE move.
// Found by: fuzz.py --seed 4 --budget-seconds 600 (mutant #148 of
//   test/Training/demote-options-invalid.mlir: float_type_global x3 -> f128),
//   reduced by hand.
func.func @step() -> f128 {
  %c = arith.constant 1.0 : f128
  return %c : f128
}
