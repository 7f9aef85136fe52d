// RUN: bf16-opt %s --bf16-set-num-threads | FileCheck %s
// RUN: bf16-opt %s --bf16-set-num-threads=threads=4 | FileCheck %s --check-prefix=FOUR
// RUN: not bf16-opt %s --bf16-set-num-threads=threads=-2 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: bf16-set-num-threads: threads=-2 must be in [0, 2^31)

// threads=0: every omp.parallel without a thread count asks
// @__bf16_num_threads (BF16_NUM_THREADS, else omp_get_max_threads, read once
// and cached); a region with its own count keeps it.
// CHECK-DAG: llvm.func @getenv(!llvm.ptr) -> !llvm.ptr
// CHECK-DAG: llvm.func @atoi(!llvm.ptr) -> i32
// CHECK-DAG: llvm.func @omp_get_max_threads() -> i32
// CHECK-LABEL: func.func @step
// CHECK: %[[N:.*]] = llvm.call @__bf16_num_threads() : () -> i32
// CHECK-NEXT: omp.parallel num_threads(%[[N]] : i32) {
// CHECK: %[[C:.*]] = arith.constant 5 : i32
// CHECK-NEXT: omp.parallel num_threads(%[[C]] : i32) {
// CHECK: llvm.mlir.global internal @__bf16_num_threads_value(0 : i32)
// CHECK: llvm.mlir.global internal constant @__bf16_num_threads_env("BF16_NUM_THREADS\00")
// CHECK-LABEL: llvm.func internal @__bf16_num_threads() -> i32
// CHECK: %[[CACHED:.*]] = llvm.load {{.*}} atomic monotonic {alignment = 4 : i64} : !llvm.ptr -> i32
// CHECK: llvm.icmp "sgt" %[[CACHED]]
// CHECK: %[[ENV:.*]] = llvm.call @getenv(
// CHECK: llvm.icmp "eq" %[[ENV]]
// CHECK: %[[PARSED:.*]] = llvm.call @atoi(%[[ENV]])
// CHECK: llvm.icmp "sgt" %[[PARSED]]
// CHECK: llvm.call @omp_get_max_threads()
// CHECK: llvm.store {{.*}} atomic monotonic
// CHECK: llvm.return
// A fixed count: a constant, no function.
// FOUR-NOT: __bf16_num_threads
// FOUR-LABEL: func.func @step
// FOUR: %[[N:.*]] = llvm.mlir.constant(4 : i32) : i32
// FOUR-NEXT: omp.parallel num_threads(%[[N]] : i32) {
// FOUR: omp.parallel num_threads(%{{.*}} : i32) {
// FOUR-NOT: __bf16_num_threads
func.func @step(%m: memref<64xf32>) {
  omp.parallel {
    omp.terminator
  }
  %c5 = arith.constant 5 : i32
  omp.parallel num_threads(%c5 : i32) {
    omp.terminator
  }
  return
}
