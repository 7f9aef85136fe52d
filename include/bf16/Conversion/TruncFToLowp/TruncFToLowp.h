//===- TruncFToLowp.h - arith.truncf to lowp.round --------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H
#define BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Support/EnumOption.h"

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace bf16 {

/// The roundings an f32 -> bf16 arith.truncf may become.
#define BF16_TRUNCF_ROUNDING(X)                                                \
  X(NearestEvenFtz, "nearest_even_ftz",                                        \
    "round to nearest even, denormal inputs flush (the hardware)")             \
  X(NearestEven, "nearest_even", "IEEE round to nearest even")
BF16_ENUM_OPTION(TruncFRounding, BF16_TRUNCF_ROUNDING)

#define GEN_PASS_DECL_CONVERTTRUNCFTOLOWP
#include "bf16/Conversion/Passes.h.inc"

/// Patterns that turn f32 -> bf16 `arith.truncf` into `lowp.round` in `mode`.
void populateTruncFToLowpPatterns(RewritePatternSet &patterns,
                                  lowp::RoundingMode mode);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_TRUNCFTOLOWP_TRUNCFTOLOWP_H
