// RUN: not bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{bf16-dot=avx}))' 2>&1 | FileCheck %s --check-prefix=DOT
// RUN: not bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{mr=0}))' 2>&1 | FileCheck %s --check-prefix=MR
// RUN: not bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{nr=40}))' 2>&1 | FileCheck %s --check-prefix=NR
// RUN: not bf16-opt %s --pass-pipeline='builtin.module(func.func(bf16-convert-matmul-to-microkernel{mr=8 nr=64}))' 2>&1 | FileCheck %s --check-prefix=REGS

// DOT: for the --bf16-dot option: Cannot find option named 'avx'!
// MR: error: bf16-convert-matmul-to-microkernel: mr=0 must be in [1, 16]
// NR: error: bf16-convert-matmul-to-microkernel: nr=40 must be a multiple of 16 in [16, 128]
// REGS: error: bf16-convert-matmul-to-microkernel: the register tile mr=8 x nr=64 needs more than the 32 AVX-512 vector registers
func.func @f(%a: memref<6x32xbf16>, %b: memref<32x64xbf16>, %c: memref<6x64xf32>) {
  linalg.matmul ins(%a, %b : memref<6x32xbf16>, memref<32x64xbf16>) outs(%c : memref<6x64xf32>)
  return
}
