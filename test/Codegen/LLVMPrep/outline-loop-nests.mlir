// RUN: bf16-opt %s --bf16-outline-loop-nests --split-input-file | FileCheck %s

// Each top-level scf.for becomes a private noinline function called in its
// place: captured memrefs and scalars are arguments, constants are cloned
// in, loop results are returned. Nested loops stay in their nest; the
// other ops stay in the caller.
// CHECK-LABEL: func.func private @step_loop0
// CHECK-SAME: (%[[A:.*]]: memref<64xf32>, %[[S:.*]]: f32) attributes {passthrough = ["noinline"]}
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.for %[[I:.*]] = %[[C0]] to %[[C64]]
// CHECK: scf.for
// CHECK: arith.mulf %{{.*}}, %[[S]] : f32
// CHECK: return
// CHECK-LABEL: func.func private @step_loop1
// CHECK-SAME: (%[[A:.*]]: memref<64xf32>) -> f32 attributes {passthrough = ["noinline"]}
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[Z]]) -> (f32)
// CHECK: return %[[R]] : f32
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[A:.*]]: memref<64xf32>, %[[S:.*]]: f32) -> f32
// CHECK-NOT: scf.for
// CHECK: call @step_loop0(%[[A]], %[[S]]) : (memref<64xf32>, f32) -> ()
// CHECK: %[[R:.*]] = call @step_loop1(%[[A]]) : (memref<64xf32>) -> f32
// CHECK: %[[T:.*]] = arith.addf %[[R]], %[[S]] : f32
// CHECK: return %[[T]] : f32
func.func @step(%a: memref<64xf32>, %s: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c8 {
    scf.for %j = %c0 to %c8 step %c1 {
      %k = arith.addi %i, %j : index
      %v = memref.load %a[%k] : memref<64xf32>
      %w = arith.mulf %v, %s : f32
      memref.store %w, %a[%k] : memref<64xf32>
    }
  }
  %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %z) -> f32 {
    %v = memref.load %a[%i] : memref<64xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  %t = arith.addf %r, %s : f32
  return %t : f32
}

// -----

// Names never collide with existing symbols; declarations, functions
// without loops and loops inside other ops (scf.if) are left alone.
// CHECK-LABEL: func.func @f_loop0()
// CHECK-LABEL: func.func private @f_loop0_() attributes {passthrough = ["noinline"]}
// CHECK: scf.for
// CHECK-LABEL: func.func @f(
// CHECK: call @f_loop0_()
// CHECK: scf.if
// CHECK-NEXT: scf.for
// CHECK-LABEL: func.func private @ext
// CHECK-NOT: _loop
func.func @f_loop0() {
  return
}
func.func @f(%p: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    func.call @f_loop0() : () -> ()
  }
  scf.if %p {
    scf.for %i = %c0 to %c1 step %c1 {
      func.call @f_loop0() : () -> ()
    }
  }
  return
}
func.func private @ext(%x: i32)

// -----

// A top-level scf.parallel (a nest that bf16-parallelize-loops keeps for
// threads) is outlined like an scf.for, so its OpenMP region is created
// inside the outlined function.
// CHECK-LABEL: func.func private @par_loop0
// CHECK-SAME: (%[[A:.*]]: memref<64xf32>) attributes {passthrough = ["noinline"]}
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK: return
// CHECK-LABEL: func.func @par
// CHECK-NOT: scf.parallel
// CHECK: call @par_loop0(%{{.*}}) : (memref<64xf32>) -> ()
func.func @par(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %one, %a[%i] : memref<64xf32>
    scf.reduce
  }
  return
}
