// Stock mlir-opt (Debian's, linked to libMLIR.so) loads our dialect and pass
// plugin, parses and verifies lowp IR, and runs one of our passes.
// RUN: %mlir_opt %s --load-dialect-plugin=%bf16_libs/libBF16Plugin%shlibext \
// RUN:   --load-pass-plugin=%bf16_libs/libBF16Plugin%shlibext \
// RUN:   | FileCheck %s --check-prefix=PARSE
// RUN: %mlir_opt %s --load-dialect-plugin=%bf16_libs/libBF16Plugin%shlibext \
// RUN:   --load-pass-plugin=%bf16_libs/libBF16Plugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(bf16-convert-lowp-to-arith)" \
// RUN:   | FileCheck %s --check-prefix=PASS
// The verifier comes with the plugin too.
// RUN: not %mlir_opt %S/Inputs/plugin-invalid.mlir \
// RUN:   --load-dialect-plugin=%bf16_libs/libBF16Plugin%shlibext 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VERIFY
// Without the plugin, stock mlir-opt does not know the dialect: the plugin is
// what makes the difference.
// RUN: not %mlir_opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// PARSE-LABEL: func.func @step
// PARSE: lowp.round nearest_even_ftz %{{.*}} : (f32) -> bf16
// PARSE: lowp.kahan_update nearest_even
// PASS-LABEL: func.func @step
// PASS-NOT: lowp.
// PASS: arith.bitcast %{{.*}} : f32 to i32
// PASS: arith.subf
// VERIFY: error: 'lowp.round' op rounding mode 'stochastic' requires a random-bits operand
// NOPLUGIN: error: Dialect `lowp' not found for custom op 'lowp.round'
func.func @step(%x: f32, %w: bf16, %c: bf16, %u: bf16) -> (bf16, bf16, bf16) {
  %0 = lowp.round nearest_even_ftz %x : (f32) -> bf16
  %w1, %c1 = lowp.kahan_update nearest_even %w, %c, %u : bf16
  return %0, %w1, %c1 : bf16, bf16, bf16
}
