//===- TruncFToLowp.h - arith.truncf to lowp.round ---------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H
#define BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace bf16 {

#define GEN_PASS_DECL_CONVERTTRUNCFTOLOWP
#include "bf16/Conversion/Passes.h.inc"

/// Patterns that turn f32 -> bf16 `arith.truncf` into `lowp.round` in `mode`.
void populateTruncFToLowpPatterns(RewritePatternSet &patterns,
                                  lowp::RoundingMode mode);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H
