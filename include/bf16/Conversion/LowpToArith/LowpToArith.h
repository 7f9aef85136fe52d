//===- LowpToArith.h - lowp to arith conversion -----------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H
#define BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H

#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <array>
#include <utility>

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

/// Emits Philox4x32-10 as `lowp.random_bits` uses it (docs/Numerics.md):
/// counter (ctr0, stream, lo32(step), hi32(step)), key (lo32(seed),
/// hi32(seed)), from `arith` ops: each 32x32->64-bit product is an
/// `arith.muli` on words zero-extended to i64, hi and lo its halves.
/// `ctr0` is i32 or a vector of i32 holding one block per lane; `seed` (i64),
/// `stream` (i32) and `step` (i64) are scalars, broadcast to ctr0's shape.
/// Returns the four output words, each of ctr0's type.
std::array<Value, 4> buildPhilox4x32_10(OpBuilder &b, Location loc, Value ctr0,
                                        Value seed, Value stream, Value step);

/// The four 16-bit-FPU steps of `lowp.kahan_update` in their defined order
/// (docs/Numerics.md): y = u - c, s = w + y, c' = (s - w) - y; returns
/// (s, c'). `step(isAdd, x, y)` emits one narrow operation (widen, f32 add
/// or subtract, round). Every lowering of the op goes through this order.
std::pair<Value, Value>
buildKahanSteps(Value w, Value c, Value u,
                llvm::function_ref<Value(bool isAdd, Value x, Value y)> step);

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_LOWPTOARITH_LOWPTOARITH_H
