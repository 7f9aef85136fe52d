//===- LowpToArith.cpp - Expand lowp ops into arith -------------------------===//
//
// Part of bf16-opt. The portable, bit-exact lowering of the lowp dialect; see
// the pass description in include/bf16/Conversion/Passes.td and the
// semantics in docs/Numerics.md.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/LowpToArith/LowpToArith.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTLOWPTOARITH
#include "bf16/Conversion/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using namespace mlir::lowp;

namespace {

//===----------------------------------------------------------------------===//
// Emitter: arith on scalars or vectors of one shape
//===----------------------------------------------------------------------===//

/// Builds arith ops whose operands all have the shape of `like` (a scalar or
/// a vector type); only the element type varies.
class Emitter {
public:
  Emitter(OpBuilder &b, Location loc, Type like) : b(b), loc(loc), like(like) {}

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

//===----------------------------------------------------------------------===//
// Bit recipes (docs/Numerics.md); mirror bf16/Numerics/Reference.h
//===----------------------------------------------------------------------===//

/// Rounds the FP32 bit pattern `bits` (i32) to a bf16 pattern held in the low
/// 16 bits of an i32. `random` is used by the stochastic mode only.
Value roundBits(Emitter &e, Value bits, RoundingMode mode, Value random) {
  Value c16 = e.c32(16);
  Value hi = e.shr(bits, c16);
  Value rounded;
  switch (mode) {
  case RoundingMode::nearest_even:
  case RoundingMode::nearest_even_ftz: {
    Value lsb = e.band(hi, e.c32(1));
    Value biased = e.add(e.add(bits, e.c32(0x7FFF)), lsb);
    rounded = e.shr(biased, c16);
    if (mode == RoundingMode::nearest_even_ftz) {
      // Zero exponent (denormal or zero): keep only the sign.
      Value expZero = e.cmp(arith::CmpIPredicate::eq,
                            e.band(bits, e.c32(0x7F800000)), e.c32(0));
      rounded = e.select(expZero, e.band(hi, e.c32(0x8000)), rounded);
    }
    break;
  }
  case RoundingMode::toward_zero:
    rounded = hi;
    break;
  case RoundingMode::stochastic:
    rounded = e.shr(e.add(bits, e.band(random, e.c32(0xFFFF))), c16);
    break;
  }
  // NaN bypasses every recipe and is quieted.
  Value isNaN = e.cmp(arith::CmpIPredicate::ugt,
                      e.band(bits, e.c32(0x7FFFFFFF)), e.c32(0x7F800000));
  Value quiet = e.bor(hi, e.c32(0x40));
  return e.select(isNaN, quiet, rounded);
}

/// Rounds an f32 value to bf16.
Value roundF32(Emitter &e, Value f32Value, RoundingMode mode, Value random) {
  Value bits = e.bitcast(e.i32(), f32Value);
  Value narrowed = e.trunc(e.i16(), roundBits(e, bits, mode, random));
  return e.bitcast(e.bf16(), narrowed);
}

/// Exact bf16 -> f32 widening: the bf16 pattern shifted left by 16.
Value widenBF16(Emitter &e, Value bf16Value) {
  Value bits = e.zext(e.i32(), e.bitcast(e.i16(), bf16Value));
  return e.bitcast(e.f32(), e.shl(bits, e.c32(16)));
}

/// One 16-bit-FPU op: widen both operands exactly, one FP32 op, round.
template <typename FloatOp>
Value narrowOp(Emitter &e, Value x, Value y, RoundingMode mode) {
  Value r = FloatOp::create(e.b, e.loc, widenBF16(e, x), widenBF16(e, y));
  return roundF32(e, r, mode, Value());
}

/// Philox4x32-10 on the counter (ctr0, stream, lo32(step), hi32(step)) and
/// key (lo32(seed), hi32(seed)): one block per lane of `ctr0` (the shape of
/// `e`). The key schedule and the counter words 1-3 are scalars, broadcast
/// where they are used.
std::array<Value, 4> philoxBlock(Emitter &e, Value ctr0, Value seed,
                                 Value stream, Value step) {
  Emitter s(e.b, e.loc, e.b.getI32Type());
  // The words live zero-extended in i64 lanes: M * c is then one exact
  // 64-bit product, hi(M*c) its top half and lo(M*c) its bottom half (the
  // results of arith.mului_extended on i32). On vectors x86 selects
  // vpmuludq on the 64-bit lanes directly, and the masks of lo fold away;
  // mului_extended on vector<16xi32> makes LLVM widen and narrow every word
  // in every round (the blocked loop of convert-random-bits-to-vector ran
  // 2.5x slower with it).
  Emitter w(e.b, e.loc, e.i64());
  Value c32 = w.c64(32), mask = w.c64(0xFFFFFFFFu);
  Value k0 = s.trunc(s.i32(), seed);
  Value k1 = s.trunc(s.i32(), s.shr(seed, s.c64(32)));
  auto wide = [&](Value scalar32) {
    return w.splat(s.zext(s.b.getI64Type(), scalar32));
  };
  std::array<Value, 4> c = {
      w.zext(w.i64(), ctr0), wide(stream), wide(s.trunc(s.i32(), step)),
      wide(s.trunc(s.i32(), s.shr(step, s.c64(32))))};
  Value m0 = w.c64(0xD2511F53u), m1 = w.c64(0xCD9E8D57u);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = s.add(k0, s.c32(0x9E3779B9u));
      k1 = s.add(k1, s.c32(0xBB67AE85u));
    }
    Value p0 = arith::MulIOp::create(e.b, e.loc, m0, c[0]);
    Value p1 = arith::MulIOp::create(e.b, e.loc, m1, c[2]);
    c = {w.bxor(w.bxor(w.shr(p1, c32), c[1]), wide(k0)), w.band(p1, mask),
         w.bxor(w.bxor(w.shr(p0, c32), c[3]), wide(k1)), w.band(p0, mask)};
  }
  for (Value &word : c)
    word = e.trunc(e.i32(), word);
  return c;
}

/// Philox4x32-10 word for the element index `index` (i64, shape of `like`):
/// the whole block of element `index`, of which word `index & 3` is kept.
Value philoxBits(Emitter &e, Value index, Value seed, Value stream,
                 Value step) {
  Value ctr0 = e.trunc(e.i32(), e.shr(index, e.c64(2)));
  std::array<Value, 4> c = philoxBlock(e, ctr0, seed, stream, step);
  Value lane = e.trunc(e.i32(), e.band(index, e.c64(3)));
  Value result = c[3];
  for (int w = 2; w >= 0; --w)
    result = e.select(e.cmp(arith::CmpIPredicate::eq, lane, e.c32(w)), c[w],
                      result);
  return result;
}

bool hasTensorType(Operation *op) {
  auto isTensor = [](Type t) { return isa<TensorType>(t); };
  return llvm::any_of(op->getOperandTypes(), isTensor) ||
         llvm::any_of(op->getResultTypes(), isTensor);
}

//===----------------------------------------------------------------------===//
// Scalar / vector patterns
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct ScalarOrVectorPattern : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult precondition(OpTy op, ConversionPatternRewriter &rewriter) const {
    if (hasTensorType(op))
      return rewriter.notifyMatchFailure(op, "tensors go through linalg first");
    return success();
  }
};

struct RoundLowering : ScalarOrVectorPattern<RoundOp> {
  using ScalarOrVectorPattern::ScalarOrVectorPattern;
  LogicalResult
  matchAndRewrite(RoundOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(precondition(op, rewriter)))
      return failure();
    Emitter e(rewriter, op.getLoc(), op.getType());
    rewriter.replaceOp(op, roundF32(e, adaptor.getInput(), op.getMode(),
                                    adaptor.getBits()));
    return success();
  }
};

struct SRAddLowering : ScalarOrVectorPattern<SRAddOp> {
  using ScalarOrVectorPattern::ScalarOrVectorPattern;
  LogicalResult
  matchAndRewrite(SRAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(precondition(op, rewriter)))
      return failure();
    Emitter e(rewriter, op.getLoc(), op.getType());
    Value u = adaptor.getU();
    if (getElementTypeOrSelf(u.getType()) != rewriter.getF32Type())
      u = widenBF16(e, u);
    Value sum = arith::AddFOp::create(rewriter, op.getLoc(),
                                      widenBF16(e, adaptor.getW()), u);
    rewriter.replaceOp(op, roundF32(e, sum, RoundingMode::stochastic,
                                    adaptor.getBits()));
    return success();
  }
};

struct KahanUpdateLowering : ScalarOrVectorPattern<KahanUpdateOp> {
  using ScalarOrVectorPattern::ScalarOrVectorPattern;
  LogicalResult
  matchAndRewrite(KahanUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(precondition(op, rewriter)))
      return failure();
    Emitter e(rewriter, op.getLoc(), op.getW().getType());
    RoundingMode mode = op.getMode();
    auto [s, cNew] = bf16::buildKahanSteps(
        adaptor.getW(), adaptor.getC(), adaptor.getU(),
        [&](bool isAdd, Value x, Value y) {
          return isAdd ? narrowOp<arith::AddFOp>(e, x, y, mode)
                       : narrowOp<arith::SubFOp>(e, x, y, mode);
        });
    rewriter.replaceOp(op, ValueRange{s, cNew});
    return success();
  }
};

struct SplitUpdateLowering : ScalarOrVectorPattern<SplitUpdateOp> {
  using ScalarOrVectorPattern::ScalarOrVectorPattern;
  LogicalResult
  matchAndRewrite(SplitUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(precondition(op, rewriter)))
      return failure();
    Emitter e(rewriter, op.getLoc(), op.getHi().getType());
    // m = f32((hi << 16) | lo), exactly.
    Value hiBits = e.zext(e.i32(), e.bitcast(e.i16(), adaptor.getHi()));
    Value loBits = e.zext(e.i32(), adaptor.getLo());
    Value master =
        e.bitcast(e.f32(), e.bor(e.shl(hiBits, e.c32(16)), loBits));
    Value u = adaptor.getU();
    if (getElementTypeOrSelf(u.getType()) != rewriter.getF32Type())
      u = widenBF16(e, u);
    Value sum = arith::AddFOp::create(rewriter, op.getLoc(), master, u);
    Value newHi = roundF32(e, sum, RoundingMode::toward_zero, Value());
    Value newLo = e.trunc(e.i16(), e.bitcast(e.i32(), sum));
    rewriter.replaceOp(op, ValueRange{newHi, newLo});
    return success();
  }
};

struct RandomBitsLowering : ScalarOrVectorPattern<RandomBitsOp> {
  using ScalarOrVectorPattern::ScalarOrVectorPattern;
  LogicalResult
  matchAndRewrite(RandomBitsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(precondition(op, rewriter)))
      return failure();
    Type type = op.getType();
    Emitter e(rewriter, op.getLoc(), type);
    Value index;
    if (auto v = dyn_cast<VectorType>(type)) {
      if (v.isScalable())
        return rewriter.notifyMatchFailure(op, "scalable vectors");
      SmallVector<APInt> iota;
      for (int64_t i = 0, n = v.getNumElements(); i < n; ++i)
        iota.push_back(APInt(64, i));
      auto idxType = cast<VectorType>(e.i64());
      index = arith::ConstantOp::create(
          rewriter, op.getLoc(), idxType,
          DenseElementsAttr::get(idxType, iota));
    } else {
      index = e.c64(0);
    }
    rewriter.replaceOp(op, philoxBits(e, index, adaptor.getSeed(),
                                      adaptor.getStream(), adaptor.getStep()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Tensor -> linalg for random_bits
//===----------------------------------------------------------------------===//

struct RandomBitsOnTensor : OpConversionPattern<RandomBitsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RandomBitsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static ranked tensor");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value seed = adaptor.getSeed(), stream = adaptor.getStream(),
          step = adaptor.getStep();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange) {
          // Row-major linear index of this element.
          Value linear = arith::ConstantIndexOp::create(b, l, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value dim = arith::ConstantIndexOp::create(b, l, type.getDimSize(d));
            Value idx = linalg::IndexOp::create(b, l, d);
            linear = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, linear, dim), idx);
          }
          Value index64 =
              arith::IndexCastUIOp::create(b, l, b.getI64Type(), linear);
          Emitter e(b, l, b.getI32Type());
          linalg::YieldOp::create(b, l,
                                  philoxBits(e, index64, seed, stream, step));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct ConvertLowpToArithPass
    : public bf16::impl::ConvertLowpToArithBase<ConvertLowpToArithPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    {
      ConversionTarget target(*ctx);
      bf16::populateLowpTensorToLinalgLegality(target);
      RewritePatternSet patterns(ctx);
      bf16::populateLowpTensorToLinalgPatterns(patterns);
      if (failed(applyPartialConversion(getOperation(), target,
                                        std::move(patterns))))
        return signalPassFailure();
    }
    if (tensorsOnly)
      return;
    ConversionTarget target(*ctx);
    bf16::populateLowpToArithLegality(target);
    RewritePatternSet patterns(ctx);
    bf16::populateLowpToArithPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

std::array<Value, 4> mlir::bf16::buildPhilox4x32_10(OpBuilder &b, Location loc,
                                                   Value ctr0, Value seed,
                                                   Value stream, Value step) {
  Emitter e(b, loc, ctr0.getType());
  return philoxBlock(e, ctr0, seed, stream, step);
}

void mlir::bf16::populateLowpTensorToLinalgPatterns(
    RewritePatternSet &patterns) {
  // The upstream pattern matches any elementwise-mappable op on tensors; the
  // legality below confines it to lowp ops.
  linalg::populateElementwiseToLinalgConversionPatterns(patterns);
  patterns.add<RandomBitsOnTensor>(patterns.getContext());
}

void mlir::bf16::populateLowpTensorToLinalgLegality(ConversionTarget &target) {
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  target.addDynamicallyLegalDialect<LowpDialect>(
      [](Operation *op) { return !hasTensorType(op); });
}

void mlir::bf16::populateLowpToArithPatterns(RewritePatternSet &patterns) {
  patterns.add<RoundLowering, SRAddLowering, KahanUpdateLowering,
               SplitUpdateLowering,
               RandomBitsLowering>(patterns.getContext());
}

void mlir::bf16::populateLowpToArithLegality(ConversionTarget &target) {
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  target.addIllegalDialect<LowpDialect>();
  target.addLegalDialect<arith::ArithDialect, vector::VectorDialect>();
}

std::pair<Value, Value> mlir::bf16::buildKahanSteps(
    Value w, Value c, Value u,
    llvm::function_ref<Value(bool isAdd, Value x, Value y)> step) {
  Value y = step(/*isAdd=*/false, u, c);
  Value s = step(/*isAdd=*/true, w, y);
  Value t = step(/*isAdd=*/false, s, w);
  return {s, step(/*isAdd=*/false, t, y)};
}
