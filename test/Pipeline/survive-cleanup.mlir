// The protected update survives cleanup and the lowering of the lowp ops:
// after bf16-train (which ends with canonicalize + cse) the Kahan op is there,
// and after bf16-convert-lowp-to-arith + canonicalize + cse its four rounded steps
// are: y = u - c, s = w + y, then (s - w) - y computed from the *rounded* s.
// RUN: bf16-opt %s --bf16-train=rounding=kahan | FileCheck %s --check-prefix=TRAIN
// RUN: bf16-opt %s --bf16-train=rounding=kahan --bf16-convert-lowp-to-arith -canonicalize -cse | FileCheck %s --check-prefix=ARITH
// RUN: bf16-opt %s --bf16-train=rounding=kahan --bf16-convert-lowp-to-arith | FileCheck %s --check-prefix=NOLOWP
// NOLOWP-NOT: {{= lowp\.}}
// RUN: bf16-opt %s --bf16-train=rounding=stochastic -canonicalize -cse | FileCheck %s --check-prefix=SR

// TRAIN: lowp.kahan_update nearest_even
// ARITH: %[[Y:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// ARITH: %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// ARITH: %[[SB:.*]] = arith.bitcast %[[S]] : f32 to i32
// ARITH: %[[SN:.*]] = arith.bitcast %{{.*}} : i16 to bf16
// ARITH: %[[SW:.*]] = arith.bitcast %{{.*}} : i32 to f32
// ARITH: %[[T:.*]] = arith.subf %[[SW]], %{{.*}} : f32
// ARITH: arith.subf %{{.*}}, %{{.*}} : f32
// ARITH: linalg.yield %[[SN]], %{{.*}} : bf16, bf16
// SR: lowp.random_bits
// SR: lowp.sr_add
func.func @step(%w: tensor<4xf32> {lowp.role = #lowp<role param>},
                %u: tensor<4xf32> {lowp.role = #lowp<role input>}) -> tensor<4xf32> {
  %w1 = arith.addf %w, %u : tensor<4xf32>
  return %w1 : tensor<4xf32>
}
