// RUN: bf16-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops))' | FileCheck %s
// RUN: bf16-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops{threads=1}))' | FileCheck %s --check-prefix=SERIAL
// RUN: bf16-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops{min-work=1}))' | FileCheck %s --check-prefix=ALL

// A big loop (64 x 1026 operations) stays parallel, and the parallel loop
// nested in it becomes an scf.for (one parallel region per nest).
// CHECK-LABEL: func.func @big
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c1024) step (%c16) {
// CHECK-NOT: scf.parallel
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c1 {
// CHECK: memref.store
// CHECK: scf.reduce
// With threads=1 nothing is parallel.
// SERIAL-LABEL: func.func @big
// SERIAL-NOT: scf.parallel
// SERIAL: scf.for %{{.*}} = %c0 to %c1024 step %c16 {
// SERIAL: scf.for %{{.*}} = %c0 to %c16 step %c1 {
// SERIAL-NOT: scf.parallel
// ALL-LABEL: func.func @big
// ALL: scf.parallel (%{{.*}}) = (%c0) to (%c1024) step (%c16) {
// ALL: scf.for %{{.*}} = %c0 to %c16 step %c1 {
func.func @big(%m: memref<1024xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i) = (%c0) to (%c1024) step (%c16) {
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %k = arith.addi %i, %j : index
      %x = memref.load %m[%k] : memref<1024xf32>
      %y = arith.addf %x, %v : f32
      %z = arith.mulf %y, %v : f32
      %w = arith.subf %z, %v : f32
      memref.store %w, %m[%k] : memref<1024xf32>
      scf.reduce
    }
    %a = arith.constant 1.0 : f32
    %b0 = arith.addf %a, %v : f32
    %b1 = arith.addf %b0, %v : f32
    %b2 = arith.addf %b1, %v : f32
    %b3 = arith.addf %b2, %v : f32
    %b4 = arith.addf %b3, %v : f32
    %b5 = arith.addf %b4, %v : f32
    %b6 = arith.addf %b5, %v : f32
    %b7 = arith.addf %b6, %v : f32
    scf.for %r = %c0 to %c1024 step %c1 {
      %q = memref.load %m[%r] : memref<1024xf32>
      %q1 = arith.addf %q, %b7 : f32
      memref.store %q1, %m[%r] : memref<1024xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Too little work for a parallel region (8 x 4 operations): both loops
// become scf.for, unless min-work=1. A single-iteration parallel loop is
// never worth it: the walk continues inside it and parallelizes the inner
// loop.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.parallel
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c1 {
// CHECK: scf.for %{{.*}} = %c0 to %c1 step %c1 {
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// ALL-LABEL: func.func @small
// ALL: scf.parallel (%{{.*}}) = (%c0) to (%c8) step (%c1) {
// ALL: scf.for %{{.*}} = %c0 to %c1 step %c1 {
// ALL-NEXT: scf.parallel (%{{.*}}) = (%c0) to (%c2) step (%c1) {
func.func @small(%m: memref<8xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %m[%i] : memref<8xf32>
    %y = arith.addf %x, %v : f32
    memref.store %y, %m[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c2) step (%c1) {
      %x = memref.load %m[%j] : memref<8xf32>
      memref.store %x, %m[%i] : memref<8xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// A bufferized scf.forall (no shared outputs) is an scf.parallel, with all
// its dimensions.
// ALL-LABEL: func.func @forall
// ALL-NOT: scf.forall
// ALL: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) {
// SERIAL-LABEL: func.func @forall
// SERIAL-NOT: scf.forall
// SERIAL: scf.for
// SERIAL: scf.for
func.func @forall(%m: memref<4x32xf32>, %v: f32) {
  scf.forall (%i, %j) = (0, 0) to (4, 32) step (1, 16) {
    %x = memref.load %m[%i, %j] : memref<4x32xf32>
    %y = arith.addf %x, %v : f32
    memref.store %y, %m[%i, %j] : memref<4x32xf32>
  }
  return
}
