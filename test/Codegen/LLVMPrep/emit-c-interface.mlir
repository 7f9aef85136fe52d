// RUN: bf16-opt %s --bf16-emit-c-interface | FileCheck %s

// Public functions with a body get llvm.emit_c_interface; private functions
// and declarations do not.
// CHECK-LABEL: func.func @step
// CHECK-SAME: attributes {llvm.emit_c_interface}
func.func @step(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: llvm.emit_c_interface
// CHECK: return
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
// CHECK: func.func private @external(f32) -> f32
// CHECK-NOT: emit_c_interface
func.func private @external(f32) -> f32
