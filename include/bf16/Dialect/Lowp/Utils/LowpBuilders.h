//===- LowpBuilders.h - Shared emitters of lowp semantics -------*- C++ -*-===//
//
// Part of bf16-opt. The pieces of lowp semantics that several libraries
// emit (the conversions to arith and x86, and the fused random-bit loop):
// an arith emitter over scalars or vectors, Philox4x32-10, a blocked run of
// Philox words in element order, and the step order of the Kahan update.
// docs/Numerics.md defines the semantics.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_DIALECT_LOWP_UTILS_LOWPBUILDERS_H
#define BF16_DIALECT_LOWP_UTILS_LOWPBUILDERS_H

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <array>
#include <utility>

namespace mlir {
namespace bf16 {

/// Builds arith ops whose operands all have the shape of `like` (a scalar or
/// a vector type); only the element type varies.
class ArithEmitter {
public:
  ArithEmitter(OpBuilder &b, Location loc, Type like)
      : b(b), loc(loc), like(like) {}

  Type shaped(Type elt) const {
    if (auto v = dyn_cast<VectorType>(like))
      return v.clone(elt);
    return elt;
  }
  Type i16() const { return shaped(b.getI16Type()); }
  Type i32() const { return shaped(b.getI32Type()); }
  Type i64() const { return shaped(b.getI64Type()); }
  Type f32() const { return shaped(b.getF32Type()); }
  Type bf16() const { return shaped(b.getBF16Type()); }

  Value constant(Type type, uint64_t value) {
    Type elt = getElementTypeOrSelf(type);
    Attribute scalar = b.getIntegerAttr(elt, value);
    if (auto v = dyn_cast<VectorType>(type))
      return arith::ConstantOp::create(
          b, loc, v, DenseElementsAttr::get(v, ArrayRef<Attribute>{scalar}));
    return arith::ConstantOp::create(b, loc, elt, cast<TypedAttr>(scalar));
  }
  Value c32(uint32_t v) { return constant(i32(), v); }
  Value c64(uint64_t v) { return constant(i64(), v); }

  /// Broadcasts a scalar to the shape of `like` (no-op for scalars).
  Value splat(Value scalar) {
    if (auto v = dyn_cast<VectorType>(like))
      return vector::BroadcastOp::create(b, loc, v.clone(scalar.getType()),
                                         scalar);
    return scalar;
  }

  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value band(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value bxor(Value x, Value y) { return arith::XOrIOp::create(b, loc, x, y); }
  Value shr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value trunc(Type t, Value x) { return arith::TruncIOp::create(b, loc, t, x); }
  Value zext(Type t, Value x) { return arith::ExtUIOp::create(b, loc, t, x); }
  Value bitcast(Type t, Value x) {
    return arith::BitcastOp::create(b, loc, t, x);
  }

  OpBuilder &b;
  Location loc;
  Type like;
};

/// Emits Philox4x32-10 as `lowp.random_bits` uses it (docs/Numerics.md):
/// counter (ctr0, stream, lo32(step), hi32(step)), key (lo32(seed),
/// hi32(seed)), from `arith` ops: each 32x32->64-bit product is an
/// `arith.muli` on words zero-extended to i64, hi and lo its halves.
/// `ctr0` is i32 or a vector of i32 holding one block per lane; `seed` (i64),
/// `stream` (i32) and `step` (i64) are scalars, broadcast to ctr0's shape.
/// Returns the four output words, each of ctr0's type.
std::array<Value, 4> buildPhilox4x32_10(OpBuilder &b, Location loc, Value ctr0,
                                        Value seed, Value stream, Value step);

/// Stream v2 (`op` has i16 elements): the 32-bit words that hold the bits of
/// the `count` elements starting at element `offset` (a multiple of 8), in
/// element order -- word q holds elements 2q (low half) and 2q + 1 (high
/// half) of the run -- as vectors of at most `wordWidth` i32 (even, at least
/// 2). One Philox block per eight elements.
SmallVector<Value> buildPhiloxWordRunV2(OpBuilder &b, Location loc,
                                        lowp::RandomBitsOp op, Value offset,
                                        int64_t count, int64_t wordWidth);

/// How many elements one Philox block of `op`'s stream serves: 4 for i32
/// results (stream v1), 8 for i16 results (stream v2).
int64_t elementsPerPhiloxBlock(lowp::RandomBitsOp op);

/// The random bits of the `count` elements starting at element `offset`
/// (index; a multiple of elementsPerPhiloxBlock(op)) of `op`'s stream, in
/// element order, as vectors of at most `width` elements of the result's
/// element type: i32 words with one Philox block per four elements (v1), or
/// i16 halves with one block per eight elements (v2).
SmallVector<Value> buildPhiloxRun(OpBuilder &b, Location loc,
                                  lowp::RandomBitsOp op, Value offset,
                                  int64_t count, int64_t width);

/// The four 16-bit-FPU steps of `lowp.kahan_update` in their defined order
/// (docs/Numerics.md): y = u - c, s = w + y, c' = (s - w) - y; returns
/// (s, c'). `step(isAdd, x, y)` emits one narrow operation (widen, f32 add
/// or subtract, round). Every lowering of the op goes through this order.
std::pair<Value, Value>
buildKahanSteps(Value w, Value c, Value u,
                llvm::function_ref<Value(bool isAdd, Value x, Value y)> step);

} // namespace bf16
} // namespace mlir

#endif // BF16_DIALECT_LOWP_UTILS_LOWPBUILDERS_H
