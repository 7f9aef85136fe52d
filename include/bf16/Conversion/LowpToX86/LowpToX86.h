//===- LowpToX86.h - lowp roundings to AVX512-BF16 --------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_LOWPTOX86_LOWPTOX86_H
#define BF16_CONVERSION_LOWPTOX86_LOWPTOX86_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace bf16 {

#define GEN_PASS_DECL_CONVERTLOWPTOX86
#include "bf16/Conversion/Passes.h.inc"

/// Patterns that turn nearest-even-ftz roundings (and the Kahan update's
/// roundings) into x86vector's vcvtneps2bf16.
void populateLowpToX86Patterns(RewritePatternSet &patterns);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_LOWPTOX86_LOWPTOX86_H
