//===- LowpToArith.h - lowp to arith conversion -----------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H
#define BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H

#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class ConversionTarget;
class RewritePatternSet;

namespace bf16 {

#define GEN_PASS_DECL_CONVERTLOWPTOARITH
#include "bf16/Conversion/Passes.h.inc"

/// Patterns that turn `lowp` ops on ranked tensors into `linalg.generic` ops
/// whose bodies hold the scalar `lowp` op (elementwise ops) or compute the
/// element index with `linalg.index` (`lowp.random_bits`).
void populateLowpTensorToLinalgPatterns(RewritePatternSet &patterns);

/// Marks `lowp` ops on ranked tensors illegal (everything else legal), for
/// use with populateLowpTensorToLinalgPatterns.
void populateLowpTensorToLinalgLegality(ConversionTarget &target);

/// Patterns that expand `lowp` ops on scalars and vectors into `arith` ops,
/// bit-exactly as the reference numerics define them.
void populateLowpToArithPatterns(RewritePatternSet &patterns);

/// Marks the `lowp` dialect illegal and `arith`/`vector` legal.
void populateLowpToArithLegality(ConversionTarget &target);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H
