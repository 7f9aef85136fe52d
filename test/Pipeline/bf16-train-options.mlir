// Inconsistent or unknown options are rejected with a diagnostic.
// RUN: not bf16-opt %s --bf16-train="master-weights rounding=kahan" 2>&1 | FileCheck %s --check-prefix=MASTER
// MASTER: error: bf16-train: master-weights keeps FP32 master weights and updates them in FP32, so it needs rounding=nearest (got rounding=kahan)
// RUN: not bf16-opt %s --bf16-train=input=onnx 2>&1 | FileCheck %s --check-prefix=INPUT
// INPUT: for the --input option: Cannot find option named 'onnx'!
// RUN: not bf16-opt %s --bf16-train=rounding=round-up 2>&1 | FileCheck %s --check-prefix=ROUND
// ROUND: for the --rounding option: Cannot find option named 'round-up'!
// RUN: not bf16-opt %s --bf16-train="rounding=stochastic rng-stream=v0" 2>&1 | FileCheck %s --check-prefix=STREAM
// STREAM: for the --rng-stream option: Cannot find option named 'v0'!
// RUN: not bf16-opt %s --pass-pipeline="builtin.module(func.func(bf16-train))" 2>&1 | FileCheck %s --check-prefix=NESTED
// NESTED: pipeline 'bf16-train' must run on 'builtin.module', not nested under 'func.func'
// RUN: not bf16-opt %s --bf16-train=diagnostics=maybe 2>&1 | FileCheck %s --check-prefix=DIAG
// DIAG: for the --diagnostics option: 'maybe' is invalid value for boolean argument

// diagnostics=true counts the detected parameter's updates; stock mlir-opt
// with the plugin verifies the counts result.
// RUN: bf16-opt %s --bf16-train="diagnostics rounding=stochastic" | %mlir_opt --load-dialect-plugin=%bf16_libs/libBF16Plugin%shlibext | FileCheck %s --check-prefix=COUNTS
// COUNTS: tensor<2xi64> {lowp.update_stats_of = 0 : i64}
// COUNTS: lowp.sr_add

// rng-stream reaches bf16-rewrite-updates: v2 (the default) draws i16 bits,
// v1 i32 bits.
// RUN: bf16-opt %s --bf16-train="rounding=stochastic" | FileCheck %s --check-prefix=RNGV2
// RNGV2: lowp.random_bits {{.*}} : tensor<4xi16>
// RNGV2: lowp.sr_add {{.*}} : bf16, bf16, i16
// RUN: bf16-opt %s --bf16-train="rounding=stochastic rng-stream=v1" | FileCheck %s --check-prefix=RNGV1
// RNGV1: lowp.random_bits {{.*}} : tensor<4xi32>
// RNGV1: lowp.sr_add {{.*}} : bf16, bf16, i32

// The remarks option reaches the detection pass.
// RUN: bf16-opt %s --bf16-train="remarks rounding=kahan" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// REMARK: remark: trained state: argument #0 of @step is a parameter, updated by result #0 through 'arith.subf'

// The output is upstream dialects plus lowp, and stock mlir-opt verifies
// it with the plugin.
// RUN: bf16-opt %s --bf16-train="rounding=kahan" | %mlir_opt --load-dialect-plugin=%bf16_libs/libBF16Plugin%shlibext | FileCheck %s --check-prefix=STOCK
// STOCK: lowp.kahan_update nearest_even

// TOSA input goes through upstream tosa-to-linalg first.
// RUN: bf16-opt %bf16_src/examples/logreg_sgd_tosa.mlir --bf16-train="input=tosa rounding=kahan" | FileCheck %s --check-prefix=TOSA
// TOSA-NOT: tosa.
// TOSA-COUNT-2: lowp.kahan_update nearest_even
// TOSA-NOT: tosa.
func.func @step(%w: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %e = math.exp %g : tensor<4xf32>
  %w1 = arith.subf %w, %e : tensor<4xf32>
  %z = tensor.empty() : tensor<f32>
  %l = linalg.reduce ins(%w : tensor<4xf32>) outs(%z : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %w1, %l : tensor<4xf32>, tensor<f32>
}
