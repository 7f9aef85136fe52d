// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic seed=42 rng-stream=v1" -canonicalize -cse | FileCheck %s --check-prefix=SR
// The default random stream is v2 (i16 bits); rng-stream=v2 spells it out.
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic seed=42" -canonicalize -cse | FileCheck %s --check-prefix=SR16
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic seed=42 rng-stream=v2" -canonicalize -cse | FileCheck %s --check-prefix=SR16
// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=kahan -canonicalize -cse | FileCheck %s --check-prefix=KAHAN
// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=split -canonicalize -cse | FileCheck %s --check-prefix=SPLIT
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=kahan apply-to=all-state state=globals" -canonicalize -cse | FileCheck %s --check-prefix=GLOBALS
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic state=globals rng-stream=v1" -canonicalize -cse | FileCheck %s --check-prefix=SRGLOBALS
// nearest changes nothing.
// RUN: bf16-opt %s > %t.in
// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=nearest > %t.nearest
// RUN: diff %t.in %t.nearest

#id = affine_map<(i) -> (i)>
func.func @step(%w: tensor<4xbf16> {lowp.role = #lowp<role param>},
                %b: tensor<4xbf16> {lowp.role = #lowp<role param>},
                %v: tensor<4xbf16> {lowp.role = #lowp<role optimizer_state>},
                %g: tensor<4xbf16> {lowp.role = #lowp<role input>},
                %lr: bf16 {lowp.role = #lowp<role input>})
    -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}, tensor<4xbf16> {lowp.tied_to = 1 : i64},
        tensor<4xbf16> {lowp.tied_to = 2 : i64}, bf16) {
  %v1 = arith.addf %v, %g : tensor<4xbf16>
  %w1 = arith.subf %w, %v1 : tensor<4xbf16>
  %b1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%g : tensor<4xbf16>) outs(%b : tensor<4xbf16>) {
  ^bb0(%gi: bf16, %bi: bf16):
    %u = arith.mulf %lr, %gi : bf16
    %n = arith.subf %bi, %u : bf16
    linalg.yield %n : bf16
  } -> tensor<4xbf16>
  return %w1, %b1, %v1, %lr : tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, bf16
}

// Stochastic: one rng step argument (appended last, returned incremented);
// the stream of each tensor is its argument index; the update op becomes
// lowp.sr_add inside a generic (the tensor-level subf was rebuilt as one).
// SR-LABEL: func.func @step
// SR-SAME: %[[W:[a-z0-9]+]]: tensor<4xbf16> {lowp.role = #lowp<role param>}
// SR-SAME: %[[B:[a-z0-9]+]]: tensor<4xbf16> {lowp.role = #lowp<role param>}
// SR-SAME: %[[STEP:[a-z0-9]+]]: i64 {lowp.state = #lowp<state rng_step>})
// SR-SAME: i64 {lowp.state = #lowp<state rng_step>, lowp.tied_to = 5 : i64})
// SR-DAG: %[[SEED:.*]] = arith.constant 42 : i64
// SR-DAG: %[[S0:.*]] = arith.constant 0 : i32
// SR-DAG: %[[S1:.*]] = arith.constant 1 : i32
// SR: %[[V1:.*]] = arith.addf %{{.*}}, %{{.*}} : tensor<4xbf16>
// SR: %[[R0:.*]] = lowp.random_bits %[[SEED]], %[[S0]], %[[STEP]] : tensor<4xi32>
// SR: linalg.generic {{.*}} ins(%[[W]], %[[V1]], %[[R0]] : tensor<4xbf16>, tensor<4xbf16>, tensor<4xi32>)
// SR: ^bb0(%[[WI:.*]]: bf16, %[[VI:.*]]: bf16, %[[RI:.*]]: i32, %{{.*}}: bf16):
// SR: %[[NEG:.*]] = arith.negf %[[VI]] : bf16
// SR: lowp.sr_add %[[WI]], %[[NEG]], %[[RI]] : bf16, bf16, i32
// SR: %[[R1:.*]] = lowp.random_bits %[[SEED]], %[[S1]], %[[STEP]] : tensor<4xi32>
// SR: linalg.generic {{.*}} ins(%{{.*}}, %[[R1]] : tensor<4xbf16>, tensor<4xi32>) outs(%[[B]] : tensor<4xbf16>)
// SR: lowp.sr_add
// SR-NOT: arith.subf
// SR: %[[NEXT:.*]] = arith.addi %[[STEP]], %{{.*}} : i64
// SR: return {{.*}}, %[[NEXT]] :

// Stream v2: the same structure with i16 bits.
// SR16-LABEL: func.func @step
// SR16-SAME: %[[STEP:[a-z0-9]+]]: i64 {lowp.state = #lowp<state rng_step>})
// SR16-DAG: %[[SEED:.*]] = arith.constant 42 : i64
// SR16-DAG: %[[S0:.*]] = arith.constant 0 : i32
// SR16-DAG: %[[S1:.*]] = arith.constant 1 : i32
// SR16: %[[R0:.*]] = lowp.random_bits %[[SEED]], %[[S0]], %[[STEP]] : tensor<4xi16>
// SR16: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[R0]] : tensor<4xbf16>, tensor<4xbf16>, tensor<4xi16>)
// SR16: ^bb0(%[[WI:.*]]: bf16, %[[VI:.*]]: bf16, %[[RI:.*]]: i16, %{{.*}}: bf16):
// SR16: lowp.sr_add %[[WI]], %{{.*}}, %[[RI]] : bf16, bf16, i16
// SR16: %[[R1:.*]] = lowp.random_bits %[[SEED]], %[[S1]], %[[STEP]] : tensor<4xi16>
// SR16: lowp.sr_add %{{.*}}, %{{.*}}, %{{.*}} : bf16, bf16, i16
// SR16-NOT: arith.subf
// SR16-NOT: xi32>
// SR16: %[[NEXT:.*]] = arith.addi %[[STEP]], %{{.*}} : i64
// SR16: return {{.*}}, %[[NEXT]] :

// Kahan: one compensation per parameter (the optimizer state is left alone
// with apply-to=params), appended in argument order and returned in the
// same order; the body reads the compensation through the init operand.
// KAHAN-LABEL: func.func @step
// KAHAN-SAME: %[[C0:[a-z0-9]+]]: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 0 : i64}
// KAHAN-SAME: %[[C1:[a-z0-9]+]]: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 1 : i64})
// KAHAN-SAME: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 0 : i64, lowp.tied_to = 5 : i64}
// KAHAN-SAME: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 1 : i64, lowp.tied_to = 6 : i64})
// KAHAN: %[[V1:.*]] = arith.addf %{{.*}}, %{{.*}} : tensor<4xbf16>
// KAHAN: %[[U0:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %[[C0]] : tensor<4xbf16>, tensor<4xbf16>)
// KAHAN: ^bb0(%[[WI:.*]]: bf16, %[[VI:.*]]: bf16, %{{.*}}: bf16, %[[CI:.*]]: bf16):
// KAHAN: %[[NEG:.*]] = arith.negf %[[VI]] : bf16
// KAHAN: lowp.kahan_update nearest_even %[[WI]], %[[CI]], %[[NEG]] : bf16
// KAHAN: %[[U1:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %[[C1]] : tensor<4xbf16>, tensor<4xbf16>)
// KAHAN: lowp.kahan_update nearest_even
// KAHAN: return %[[U0]]#0, %[[U1]]#0, %[[V1]], %{{.*}}, %[[U0]]#1, %[[U1]]#1 :

// Split: an i16 low half per parameter.
// SPLIT-LABEL: func.func @step
// SPLIT-SAME: tensor<4xi16> {lowp.state = #lowp<state low_half>, lowp.state_of = 0 : i64}
// SPLIT-SAME: tensor<4xi16> {lowp.state = #lowp<state low_half>, lowp.state_of = 1 : i64})
// SPLIT-COUNT-2: lowp.split_update %{{.*}}, %{{.*}}, %{{.*}} : bf16, i16, bf16
// SPLIT: return {{.*}} : tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, bf16, tensor<4xi16>, tensor<4xi16>

// Globals: the signature is unchanged; all three trained tensors (apply-to=
// all-state) get a zero-initialized compensation global, loaded at entry
// and stored before the return.
// GLOBALS-DAG: ml_program.global private mutable @step_lowp_compensation_0(dense<0.000000e+00> : tensor<4xbf16>) : tensor<4xbf16>
// GLOBALS-DAG: ml_program.global private mutable @step_lowp_compensation_1(dense<0.000000e+00> : tensor<4xbf16>) : tensor<4xbf16>
// GLOBALS-DAG: ml_program.global private mutable @step_lowp_compensation_2(dense<0.000000e+00> : tensor<4xbf16>) : tensor<4xbf16>
// GLOBALS: func.func @step({{.*}}%{{.*}}: bf16 {lowp.role = #lowp<role input>}) -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}, tensor<4xbf16> {lowp.tied_to = 1 : i64}, tensor<4xbf16> {lowp.tied_to = 2 : i64}, bf16)
// GLOBALS-COUNT-3: lowp.kahan_update nearest_even
// GLOBALS-DAG: ml_program.global_store @step_lowp_compensation_0 =
// GLOBALS-DAG: ml_program.global_store @step_lowp_compensation_1 =
// GLOBALS-DAG: ml_program.global_store @step_lowp_compensation_2 =
// GLOBALS: return

// SRGLOBALS: ml_program.global private mutable @step_lowp_rng_step(dense<0> : tensor<i64>) : tensor<i64>
// SRGLOBALS: %[[T:.*]] = ml_program.global_load @step_lowp_rng_step : tensor<i64>
// SRGLOBALS: %[[S:.*]] = tensor.extract %[[T]][] : tensor<i64>
// SRGLOBALS: lowp.random_bits %{{.*}}, %{{.*}}, %[[S]] : tensor<4xi32>
// SRGLOBALS: %[[N:.*]] = arith.addi %[[S]], %{{.*}} : i64
// SRGLOBALS: %[[NT:.*]] = tensor.from_elements %[[N]] : tensor<i64>
// SRGLOBALS: ml_program.global_store @step_lowp_rng_step = %[[NT]] : tensor<i64>



// A scalar parameter is rewritten in place.
// SR-LABEL: func.func @scalar
// SR: %[[R:.*]] = lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : i32
// SR: lowp.sr_add %{{.*}}, %{{.*}}, %[[R]] : bf16, bf16, i32
// SR16-LABEL: func.func @scalar
// SR16: %[[R:.*]] = lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : i16
// SR16: lowp.sr_add %{{.*}}, %{{.*}}, %[[R]] : bf16, bf16, i16
// KAHAN-LABEL: func.func @scalar
// KAHAN: lowp.kahan_update nearest_even %{{.*}}, %{{.*}}, %{{.*}} : bf16
// KAHAN: return %{{.*}}, %{{.*}} : bf16, bf16
func.func @scalar(%s: bf16 {lowp.role = #lowp<role param>}, %g: bf16 {lowp.role = #lowp<role input>})
    -> (bf16 {lowp.tied_to = 0 : i64}) {
  %e = math.exp %g : bf16
  %s1 = arith.subf %s, %e : bf16
  return %s1 : bf16
}
