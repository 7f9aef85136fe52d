// Fuzz finding: crash | bf16-run | SIGSEGV in mlir::lowp::setArgRole(mlir::FunctionOpInterface, unsigned int, mlir::lowp::ArgRole)
// Pipeline: bf16-run
// Command (%s = this file): bf16-run %s --steps=1
//
// Status: fixed in the commit that made lowp.role / lowp.state enum
//   attributes (issue 12), before it was pushed: bf16-run now says (exit 1):
//   bf16-run: error: unsupported element type f6E3M2FN in @f; bf16-run supports f32, bf16, f64, index, i1, i8, i16, i32 and i64
// Kept as the input of test/Runtime/bf16-run-element-types.test;
// `fuzz.py --check-findings` checks that it stays fixed.
// What: with the roles as `#lowp<role ...>` attributes, bf16-detect-trained-
//   state created an ArgRoleAttr in a context where the lowp dialect was not
//   loaded yet (bf16-run parses a step without lowp ops, then runs the
//   detection), and the attribute's storage was not registered. The pass
//   now declares the lowp dialect as a dependent dialect.
// Found by test/Fuzz/mutation-fuzz.test (seed 1, 50 s), mutant #1 of
//   test/Training/demote-options-invalid.mlir (float_type_global twice).
func.func @f(%x: f6E3M2FN) -> f6E3M2FN {
  return %x : f6E3M2FN
}
