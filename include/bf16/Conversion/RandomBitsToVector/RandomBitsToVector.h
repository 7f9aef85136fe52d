//===- RandomBitsToVector.h - Blocked Philox for random_bits ----*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_RANDOMBITSTOVECTOR_RANDOMBITSTOVECTOR_H
#define BF16_CONVERSION_RANDOMBITSTOVECTOR_RANDOMBITSTOVECTOR_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace bf16 {

#define GEN_PASS_DECL_CONVERTRANDOMBITSTOVECTOR
#include "bf16/Conversion/Passes.h.inc"

/// Patterns that turn `lowp.random_bits` on static tensors into a loop
/// computing `lanes` Philox blocks per vector.
void populateRandomBitsToVectorPatterns(RewritePatternSet &patterns,
                                        int64_t lanes);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_RANDOMBITSTOVECTOR_RANDOMBITSTOVECTOR_H
