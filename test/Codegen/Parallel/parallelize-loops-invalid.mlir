// RUN: bf16-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops))'
// RUN: not bf16-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops{threads=-1}))' 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not bf16-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(bf16-parallelize-loops{min-work=0}))' 2>&1 | FileCheck %s --check-prefix=WORK
// THREADS: error: bf16-parallelize-loops: threads=-1 must be at least 0
// WORK: error: bf16-parallelize-loops: min-work=0 must be at least 1

// An scf.forall on tensors (shared outputs) is not bufferized yet.
func.func @tensor_forall(%t: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{bf16-parallelize-loops: an scf.forall with shared outputs (tensors) must be bufferized first}}
  %r = scf.forall (%i) = (0) to (64) step (16) shared_outs(%o = %t) -> (tensor<64xf32>) {
    %s = tensor.extract_slice %o[%i] [16] [1] : tensor<64xf32> to tensor<16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i] [16] [1] : tensor<16xf32> into tensor<64xf32>
    }
  }
  return %r : tensor<64xf32>
}

// -----

// A parallel reduction would combine partial results in an order that
// depends on the threads: rejected.
func.func @reduction(%m: memref<64xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{bf16-parallelize-loops: scf.parallel with reductions is not supported (the order of the partial results would depend on the threads)}}
  %s = scf.parallel (%i) = (%c0) to (%c64) step (%c1) init (%zero) -> f32 {
    %x = memref.load %m[%i] : memref<64xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %y = arith.addf %a, %b : f32
      scf.reduce.return %y : f32
    }
  }
  return %s : f32
}
