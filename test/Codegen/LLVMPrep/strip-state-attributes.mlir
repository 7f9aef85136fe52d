// RUN: bf16-opt %s --bf16-strip-state-attributes | FileCheck %s

// Every lowp.* argument and result attribute goes; others stay.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%{{.*}}: tensor<4xbf16>, %{{.*}}: tensor<4xbf16> {llvm.noalias}, %{{.*}}: i64)
// CHECK-SAME: -> (tensor<4xbf16>, tensor<4xbf16> {llvm.noalias}, i64)
// CHECK-NOT: lowp.
func.func @train_step(%w: tensor<4xbf16> {lowp.role = #lowp<role param>},
                      %c: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 0 : i64, llvm.noalias},
                      %s: i64 {lowp.state = #lowp<state rng_step>})
    -> (tensor<4xbf16> {lowp.tied_to = 0 : i64},
        tensor<4xbf16> {lowp.tied_to = 1 : i64, llvm.noalias},
        i64 {lowp.tied_to = 2 : i64}) {
  return %w, %c, %s : tensor<4xbf16>, tensor<4xbf16>, i64
}

// A function without attributes is unchanged.
// CHECK-LABEL: func.func @plain(%{{.*}}: f32) -> f32
func.func @plain(%x: f32) -> f32 {
  return %x : f32
}
