// Fuzz finding: crash | bf16-run | glibc: *
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// Status: fixed in 41c6cdd; bf16-run now says (exit 1):
//   bf16-run: error: unsupported element type f80 in @step; bf16-run supports f32, bf16, f64, index, i1, i8, i16, i32 and i64
// Kept as the input of test/Runtime/bf16-run-element-types.test;
// `fuzz.py --check-findings` checks that it stays fixed.
// What: bf16-run corrupts the heap on a step with f80 tensors (glibc aborts
//   with `corrupted size vs. prev_size`, `munmap_chunk(): invalid pointer`,
//   `malloc(): smallbin double linked list corrupted`, ... and the process
//   then often hangs in LLVM's crash handler); printed values are garbage. i65
//   tensors do the same (`free(): invalid next size (fast)`), i17 tensors give
//   wrong values.
// Observed before the fix (build of 2026-12-05; no exit within 20 s: after
// glibc aborts, the process hangs in the crash handler; other runs exit with
// SIGABRT):
//   corrupted size vs. prev_size
//   PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace and instructions to reproduce the bug.
//   Stack dump:
//   0.	Program arguments: bf16-run bf16-run-f80-heap-overflow.mlir --steps=1
// Expected: correct buffers (LLVM stores f80 in 16 bytes, i65 in 16, i17 in 4)
//   or a diagnostic rejecting the type, exit 1; never heap corruption.
// Suspected cause: elementBytes() in lib/Runtime/StepRunner.cpp uses
//   getWidth() / 8 (f80: 10, i65: 8, i17: 2) instead of the LLVM data layout's
//   alloc size (16, 16, 4), so every buffer is too small and the JIT-compiled
//   step writes past it.
// Found by: a hand scan with the fuzzer's machinery: float_type_global f32 ->
//   f80 on examples/logreg_sgd.mlir and
//   test/Runtime/Inputs/constant-loss.mlir, every pipeline; reduced by hand.
func.func @step(%x: tensor<4xf80>) -> tensor<4xf80> {
  %c = arith.constant dense<1.0> : tensor<4xf80>
  %y = arith.addf %x, %c : tensor<4xf80>
  return %y : tensor<4xf80>
}
