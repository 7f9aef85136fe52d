//===- Options.h - Enumerated options of code generation --------*- C++ -*-===//
//
// Part of bf16-opt. The enumerated options of the code-generation passes and
// of bf16-train-to-llvm, each declared once (bf16/Support/EnumOption.h) and
// validated by the option parser.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CODEGEN_OPTIONS_H
#define BF16_CODEGEN_OPTIONS_H

#include "bf16/Support/EnumOption.h"

namespace mlir {
namespace bf16 {

/// How a BF16 GEMM microkernel computes its dot products.
#define BF16_DOT_KIND(X)                                                       \
  X(Vdpbf16ps, "vdpbf16ps", "x86vector.avx512.dot (AVX512-BF16)")              \
  X(Fma, "fma",                                                                \
    "FP32 FMAs on widened pairs, bit-identical to vdpbf16ps except where "     \
    "docs/Lowering.md says otherwise")
BF16_ENUM_OPTION(BF16DotKind, BF16_DOT_KIND)

/// The instruction set bf16-train-to-llvm generates code for.
#define BF16_TARGET(X)                                                         \
  X(Host, "host", "detect the host CPU")                                       \
  X(AVX512BF16, "avx512bf16", "vcvtneps2bf16 and vdpbf16ps")                   \
  X(AVX512, "avx512", "integer rounding recipes, FMA dot products")            \
  X(AVX2, "avx2", "integer rounding recipes, FMA dot products")                \
  X(Emulated, "emulated", "integer rounding recipes, FMA dot products")
BF16_ENUM_OPTION(Target, BF16_TARGET)

} // namespace bf16
} // namespace mlir

#endif // BF16_CODEGEN_OPTIONS_H
