// Fuzz finding: crash | bf16-run | SIGSEGV in JIT-compiled code
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// Status: fixed in 41c6cdd; bf16-run now says (exit 1):
//   bf16-run: error: unsupported element type i4 in @step; bf16-run supports f32, bf16, f64, index, i1, i8, i16, i32 and i64
// Kept as the input of test/Runtime/bf16-run-element-types.test;
// `fuzz.py --check-findings` checks that it stays fixed.
// What: bf16-run segfaults inside the JIT-compiled step when a tensor
//   argument/result has a sub-byte element type (i2..i7, f4E2M1FN, f6*): the
//   buffers it allocates have 0 bytes per element.
// Observed before the fix (exit code -11, SIGSEGV, build of 2026-12-05):
//   PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace and instructions to reproduce the bug.
//   Stack dump:
//   0.	Program arguments: bf16-run bf16-run-i4-tensor-segv.mlir --steps=1
// Expected: a diagnostic naming the argument and its unsupported element type
//   (or buffers sized as LLVM's data layout stores the elements), exit 1.
// Suspected cause: same as bf16-run-i4-scalar-sigfpe: elementBytes() gives 0
//   for widths below 8, so StepRunner allocates empty buffers and the step
//   reads and writes past them.
// Found by: a hand scan of odd element types through bf16-run (the fuzzer's
//   type mutations applied to small steps), after the fuzzer's first sub-byte
//   and f80 findings; reduced by hand.
func.func @step(%x: tensor<4xi4>) -> tensor<4xi4> {
  %c = arith.constant dense<1> : tensor<4xi4>
  %y = arith.addi %x, %c : tensor<4xi4>
  return %y : tensor<4xi4>
}
