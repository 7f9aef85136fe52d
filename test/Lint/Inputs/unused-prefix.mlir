// RUN: bf16-opt %s | FileCheck %s --check-prefix=FOO
// CHECK: func.func @f
func.func @f() { return }
