// RUN: bf16-opt %s --bf16-train-to-llvm=target=avx512bf16 | FileCheck %s --check-prefix=NATIVE
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated | FileCheck %s --check-prefix=EMU
// RUN: bf16-opt %s --bf16-train-to-llvm=target=avx2 | FileCheck %s --check-prefix=EMU
// RUN: bf16-opt %s --bf16-train-to-llvm=target=avx512 | FileCheck %s --check-prefix=EMU
// RUN: not bf16-opt %s --bf16-train-to-llvm=target=sse 2>&1 | FileCheck %s --check-prefix=BAD
// Every top-level loop nest is its own private noinline function
// (bf16-outline-loop-nests) unless outline=false.
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated | FileCheck %s --check-prefix=OUTLINE
// OUTLINE: llvm.func @step_loop0({{.*}} attributes {passthrough = ["noinline"], sym_visibility = "private"}
// OUTLINE: llvm.func @step(
// OUTLINE: llvm.call @step_loop0(
// RUN: bf16-opt %s "--bf16-train-to-llvm=target=emulated outline=false" | FileCheck %s --check-prefix=NOOUTLINE
// NOOUTLINE-NOT: _loop
// NOOUTLINE: llvm.func @step(
// NOOUTLINE-NOT: _loop
// BAD: for the --target option: Cannot find option named 'sse'!
// Threads (docs/Threads.md): the default (threads=0) runs the loops worth it
// on OpenMP with the count read at run time; threads=1 emits no OpenMP at
// all; threads=N fixes the count; negative counts and a min-work below 1 are
// errors.
// RUN: bf16-opt %s "--bf16-train-to-llvm=target=emulated parallel-min-work=1" | FileCheck %s --check-prefix=THREADS
// THREADS: llvm.call @__bf16_num_threads()
// THREADS: omp.parallel num_threads(
// THREADS: omp.wsloop
// THREADS: llvm.func internal @__bf16_num_threads()
// RUN: bf16-opt %s "--bf16-train-to-llvm=target=emulated threads=1 parallel-min-work=1" | FileCheck %s --check-prefix=ONE
// ONE-NOT: omp.
// ONE-NOT: __bf16_num_threads
// RUN: bf16-opt %s "--bf16-train-to-llvm=target=emulated threads=2 parallel-min-work=1" | FileCheck %s --check-prefix=TWO
// TWO-NOT: __bf16_num_threads
// TWO: %[[N:.*]] = llvm.mlir.constant(2 : i32) : i32
// TWO-NEXT: omp.parallel num_threads(%[[N]] : i32)
// TWO-NOT: __bf16_num_threads
// RUN: not bf16-opt %s "--bf16-train-to-llvm=threads=-1" 2>&1 | FileCheck %s --check-prefix=BADTHREADS
// BADTHREADS: bf16-train-to-llvm: threads=-1 must be at least 0
// RUN: not bf16-opt %s "--bf16-train-to-llvm=parallel-min-work=0" 2>&1 | FileCheck %s --check-prefix=BADWORK
// BADWORK: bf16-train-to-llvm: parallel-min-work=0 must be at least 1

// bf16 arithmetic computes in f32 and every rounding to bf16 is emitted by
// us: vcvtneps2bf16 on AVX512-BF16, the integer recipe elsewhere; LLVM's
// default fptrunc to bfloat never appears.
// (The loops live in the outlined functions @step_loop<i>, before @step.)
// NATIVE: llvm.func @step_loop0(
// NATIVE: llvm.fadd %{{.*}} : f32
// NATIVE: llvm.call_intrinsic "llvm.x86.avx512bf16.cvtneps2bf16.256"
// NATIVE-NOT: llvm.fptrunc
// EMU: llvm.func @step_loop0(
// EMU: llvm.fadd %{{.*}} : f32
// EMU-NOT: avx512bf16
// EMU-NOT: llvm.fptrunc
// The Kahan update survives the lowering with its three f32 subtractions
// (y = u - c, s - w, (s - w) - y); on AVX512-BF16 its roundings are
// vcvtneps2bf16 too (the addition's and one per subtraction: 5 with the
// sum's, all of them, no integer recipe's bias constant 0x7FFF).
// RUN: bf16-opt %s --bf16-train-to-llvm=target=avx512bf16 | FileCheck %s --check-prefix=KAHAN
// KAHAN-COUNT-3: llvm.fsub %{{.*}} : f32
// RUN: bf16-opt %s --bf16-train-to-llvm=target=avx512bf16 | FileCheck %s --check-prefix=KAHANCVT
// KAHANCVT-COUNT-5: llvm.x86.avx512bf16.cvtneps2bf16
// KAHANCVT-NOT: 32767
func.func @step(%a: tensor<4xbf16>, %b: tensor<4xbf16>, %c: tensor<4xbf16>)
    -> (tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>) {
  %s = arith.addf %a, %b : tensor<4xbf16>
  %w, %k = lowp.kahan_update nearest_even_ftz %a, %c, %b : tensor<4xbf16>
  return %s, %w, %k : tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
}
