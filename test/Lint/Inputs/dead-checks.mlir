// RUN: bf16-opt %s -verify-diagnostics
// CHECK: this line is never checked
func.func @f() { return }
