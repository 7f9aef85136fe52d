//===- Passes.h - bf16-opt conversion passes --------------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_PASSES_H
#define BF16_CONVERSION_PASSES_H

#include "bf16/Conversion/LowpToArith/LowpToArith.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace bf16 {

/// arith.truncf f32 -> bf16 becomes lowp.round `mode`.
void populateTruncFToLowpPatterns(RewritePatternSet &patterns,
                                  lowp::RoundingMode mode);
/// lowp.round nearest_even_ftz on scalars and vector<8|16xf32> becomes
/// x86vector.avx512.cvt.packed.f32_to_bf16 (AVX512-BF16 targets only).
void populateLowpToX86Patterns(RewritePatternSet &patterns);

#define GEN_PASS_DECL_CONVERTTRUNCFTOLOWP
#define GEN_PASS_DECL_CONVERTLOWPTOX86
#include "bf16/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bf16/Conversion/Passes.h.inc"

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_PASSES_H
