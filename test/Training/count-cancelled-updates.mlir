// RUN: bf16-opt %s --bf16-count-cancelled-updates | FileCheck %s --check-prefix=PLAIN
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic seed=3 rng-stream=v1" --bf16-count-cancelled-updates | FileCheck %s --check-prefix=SR
// RUN: bf16-opt %s --bf16-rewrite-updates="rounding=stochastic seed=3" --bf16-count-cancelled-updates | FileCheck %s --check-prefix=SR16
// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=kahan --bf16-count-cancelled-updates | FileCheck %s --check-prefix=KAHAN
// RUN: bf16-opt %s --bf16-rewrite-updates=rounding=split --bf16-count-cancelled-updates | FileCheck %s --check-prefix=SPLIT
// The pipeline option runs the pass after the rewrite (and only then).
// RUN: bf16-opt %s --bf16-train="rounding=kahan diagnostics=true" | FileCheck %s --check-prefix=PIPE
// RUN: bf16-opt %s --bf16-train="rounding=kahan" | FileCheck %s --check-prefix=OFF

#id = affine_map<(i, j) -> (i, j)>
func.func @step(%w: tensor<4x8xbf16> {lowp.role = #lowp<role param>},
                %b: tensor<8xbf16> {lowp.role = #lowp<role param>},
                %v: tensor<8xbf16> {lowp.role = #lowp<role optimizer_state>},
                %g: tensor<4x8xbf16> {lowp.role = #lowp<role input>},
                %gb: tensor<8xbf16> {lowp.role = #lowp<role input>},
                %lr: bf16 {lowp.role = #lowp<role input>})
    -> (tensor<4x8xbf16> {lowp.tied_to = 0 : i64}, tensor<8xbf16> {lowp.tied_to = 1 : i64},
        tensor<8xbf16> {lowp.tied_to = 2 : i64}) {
  %w1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<4x8xbf16>) outs(%w : tensor<4x8xbf16>) {
  ^bb0(%gi: bf16, %wi: bf16):
    %u = arith.mulf %lr, %gi : bf16
    %n = arith.subf %wi, %u : bf16
    linalg.yield %n : bf16
  } -> tensor<4x8xbf16>
  %v1 = arith.addf %v, %gb : tensor<8xbf16>
  %b1 = arith.subf %b, %v1 : tensor<8xbf16>
  return %w1, %b1, %v1 : tensor<4x8xbf16>, tensor<8xbf16>, tensor<8xbf16>
}

// One tensor<2xi64> result per parameter (not for the optimizer state),
// after the original results, naming the parameter's argument.
// PLAIN-LABEL: func.func @step
// PLAIN-SAME: -> (tensor<4x8xbf16> {lowp.tied_to = 0 : i64}, tensor<8xbf16> {lowp.tied_to = 1 : i64}, tensor<8xbf16> {lowp.tied_to = 2 : i64}, tensor<2xi64> {lowp.update_stats_of = 0 : i64}, tensor<2xi64> {lowp.update_stats_of = 1 : i64})
// The update op also yields a flag: 0 zero update, 1 applied, 2 cancelled.
// PLAIN: %[[W1:.*]]:2 = linalg.generic
// PLAIN-SAME: outs(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<4x8xi8>)
// PLAIN-NEXT: ^bb0(%[[GI:.*]]: bf16, %[[WI:.*]]: bf16, %{{.*}}: i8):
// PLAIN: %[[U:.*]] = arith.mulf
// PLAIN: %[[N:.*]] = arith.subf %[[WI]], %[[U]] : bf16
// PLAIN: %[[NZ:.*]] = arith.cmpf une, %[[U]], %{{.*}} : bf16
// PLAIN: %[[SAME:.*]] = arith.cmpf oeq, %[[N]], %[[WI]] : bf16
// PLAIN: %[[APPLIED:.*]] = arith.select %[[SAME]], %c2_i8, %c1_i8 : i8
// PLAIN: %[[FLAG:.*]] = arith.select %[[NZ]], %[[APPLIED]], %c0_i8 : i8
// PLAIN: linalg.yield %[[N]], %[[FLAG]] : bf16, i8
// Rank 2: per-column i32 counts, then i64 totals.
// PLAIN: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[W1]]#1 : tensor<4x8xi8>) outs(%{{.*}}, %{{.*}} : tensor<8xi32>, tensor<8xi32>)
// PLAIN: arith.cmpi ne, %{{.*}}, %c0_i8 : i8
// PLAIN: arith.cmpi eq, %{{.*}}, %c2_i8 : i8
// PLAIN: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}}, %{{.*}} : tensor<8xi32>, tensor<8xi32>) outs(%{{.*}}, %{{.*}} : tensor<i64>, tensor<i64>)
// PLAIN: %[[WSTATS:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
// The tensor-level bias update became a generic; rank 1 counts in i64 at once.
// PLAIN: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<8xbf16>, tensor<8xi8>)
// PLAIN: arith.subf
// PLAIN: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}} : tensor<8xi8>) outs(%{{.*}}, %{{.*}} : tensor<i64>, tensor<i64>)
// PLAIN: %[[BSTATS:.*]] = tensor.from_elements
// PLAIN: return %{{.*}}, %{{.*}}, %{{.*}}, %[[WSTATS]], %[[BSTATS]]

// Stochastic rounding: the update is lowp.sr_add, its result is compared with
// the stored value.
// SR-LABEL: func.func @step
// SR: ^bb0(%{{.*}}: bf16, %{{.*}}: i32, %[[WI:.*]]: bf16, %{{.*}}: i8):
// SR: %[[N:.*]] = lowp.sr_add %[[WI]], %[[U:.*]], %{{.*}} :
// SR: arith.cmpf une, %[[U]]
// SR: arith.cmpf oeq, %[[N]], %[[WI]] : bf16
// SR: linalg.yield %[[N]], %{{.*}} : bf16, i8
// The same with the default stream v2 (i16 bits).
// SR16-LABEL: func.func @step
// SR16: ^bb0(%{{.*}}: bf16, %{{.*}}: i16, %[[WI:.*]]: bf16, %{{.*}}: i8):
// SR16: %[[N:.*]] = lowp.sr_add %[[WI]], %[[U:.*]], %{{.*}} : bf16, bf16, i16
// SR16: arith.cmpf une, %[[U]]
// SR16: arith.cmpf oeq, %[[N]], %[[WI]] : bf16
// SR16: linalg.yield %[[N]], %{{.*}} : bf16, i8

// Kahan compares the weight, not the compensation.
// KAHAN-LABEL: func.func @step
// KAHAN: ^bb0(%{{.*}}: bf16, %[[WI:.*]]: bf16, %{{.*}}: bf16, %{{.*}}: i8):
// KAHAN: %[[NEW:.*]], %{{.*}} = lowp.kahan_update nearest_even %[[WI]], %{{.*}}, %[[U:.*]] : bf16
// KAHAN: arith.cmpf une, %[[U]]
// KAHAN: arith.cmpf oeq, %[[NEW]], %[[WI]] : bf16

// Split updates also compare the low half.
// SPLIT-LABEL: func.func @step
// SPLIT: ^bb0(%{{.*}}: bf16, %[[WI:.*]]: bf16, %[[LO:.*]]: i16, %{{.*}}: i8):
// SPLIT: %[[HI:.*]], %[[NLO:.*]] = lowp.split_update %[[WI]], %[[LO]], %{{.*}}
// SPLIT: %[[SAMEHI:.*]] = arith.cmpf oeq, %[[HI]], %[[WI]] : bf16
// SPLIT: %[[SAMELO:.*]] = arith.cmpi eq, %[[NLO]], %[[LO]] : i16
// SPLIT: arith.andi %[[SAMEHI]], %[[SAMELO]] : i1

// PIPE-LABEL: func.func @step
// PIPE-SAME: tensor<2xi64> {lowp.update_stats_of = 0 : i64}, tensor<2xi64> {lowp.update_stats_of = 1 : i64})
// PIPE: lowp.kahan_update
// OFF-LABEL: func.func @step
// OFF-NOT: update_stats_of
// OFF-NOT: i8
