//===- LowpToArith.cpp - Expand lowp ops into arith -----------------------===//
//
// Part of bf16-opt. The portable, bit-exact lowering of the lowp dialect; see
// the pass description in include/bf16/Conversion/Passes.td and the
// semantics in docs/Numerics.md.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/LowpToArith/LowpToArith.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Dialect/Lowp/Utils/LowpBuilders.h"

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

using Emitter = bf16::ArithEmitter;

//===----------------------------------------------------------------------===//
// Bit recipes (docs/Numerics.md); mirror bf16/Numerics/Reference.h
//===----------------------------------------------------------------------===//

/// Rounds the FP32 bit pattern `bits` (i32) to a bf16 pattern held in the low
/// 16 bits of an i32. `random` is used by the stochastic mode only. `isNaN`,
/// if given, is an i1 that is true exactly for NaN `bits` (else the integer
/// test below computes it).
Value roundBits(Emitter &e, Value bits, RoundingMode mode, Value random,
                Value isNaN = Value()) {
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
    // i32 bits (stream v1): their low 16 bits; i16 bits (stream v2): all.
    if (getElementTypeOrSelf(random.getType()).isInteger(16))
      random = e.zext(e.i32(), random);
    else
      random = e.band(random, e.c32(0xFFFF));
    rounded = e.shr(e.add(bits, random), c16);
    break;
  }
  // NaN bypasses every recipe and is quieted.
  if (!isNaN)
    isNaN = e.cmp(arith::CmpIPredicate::ugt, e.band(bits, e.c32(0x7FFFFFFF)),
                  e.c32(0x7F800000));
  Value quiet = e.bor(hi, e.c32(0x40));
  return e.select(isNaN, quiet, rounded);
}

/// Rounds an f32 value to bf16.
Value roundF32(Emitter &e, Value f32Value, RoundingMode mode, Value random) {
  Value bits = e.bitcast(e.i32(), f32Value);
  // Stochastic rounding (the SR update, memory-bound when vectorized) tests
  // for NaN with one unordered self-comparison (x86: one vcmpps) instead of
  // the integer mask-and-compare; both are true exactly for NaN.
  Value isNaN;
  if (mode == RoundingMode::stochastic)
    isNaN = arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::UNO,
                                  f32Value, f32Value);
  Value narrowed = e.trunc(e.i16(), roundBits(e, bits, mode, random, isNaN));
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

/// Philox4x32-10 word for the element index `index` (i64, shape of `like`):
/// the whole block of element `index`, of which word `index & 3` is kept.
Value philoxBits(Emitter &e, Value index, Value seed, Value stream,
                 Value step) {
  Value ctr0 = e.trunc(e.i32(), e.shr(index, e.c64(2)));
  std::array<Value, 4> c =
      bf16::buildPhilox4x32_10(e.b, e.loc, ctr0, seed, stream, step);
  Value lane = e.trunc(e.i32(), e.band(index, e.c64(3)));
  Value result = c[3];
  for (int w = 2; w >= 0; --w)
    result =
        e.select(e.cmp(arith::CmpIPredicate::eq, lane, e.c32(w)), c[w], result);
  return result;
}

/// Stream v2: the 16 random bits of the element index `index` (i64, shape
/// of `e`): half `index & 1` (low half first) of word `(index & 7) >> 1` of
/// the Philox block `index >> 3`.
Value philoxBits16(Emitter &e, Value index, Value seed, Value stream,
                   Value step) {
  Value ctr0 = e.trunc(e.i32(), e.shr(index, e.c64(3)));
  std::array<Value, 4> c =
      bf16::buildPhilox4x32_10(e.b, e.loc, ctr0, seed, stream, step);
  Value lane = e.trunc(e.i32(), e.band(e.shr(index, e.c64(1)), e.c64(3)));
  Value word = c[3];
  for (int w = 2; w >= 0; --w)
    word =
        e.select(e.cmp(arith::CmpIPredicate::eq, lane, e.c32(w)), c[w], word);
  Value shift = e.trunc(e.i32(), e.shl(e.band(index, e.c64(1)), e.c64(4)));
  return e.trunc(e.i16(), e.shr(word, shift));
}

/// The bits of `op`'s stream (v1 for i32 results, v2 for i16) for `index`.
Value randomBitsAt(Emitter &e, RandomBitsOp op, Value index, Value seed,
                   Value stream, Value step) {
  if (getElementTypeOrSelf(op.getType()).isInteger(16))
    return philoxBits16(e, index, seed, stream, step);
  return philoxBits(e, index, seed, stream, step);
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
  LogicalResult precondition(OpTy op,
                             ConversionPatternRewriter &rewriter) const {
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
    rewriter.replaceOp(
        op, roundF32(e, adaptor.getInput(), op.getMode(), adaptor.getBits()));
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
    rewriter.replaceOp(
        op, roundF32(e, sum, RoundingMode::stochastic, adaptor.getBits()));
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
    Value master = e.bitcast(e.f32(), e.bor(e.shl(hiBits, e.c32(16)), loBits));
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
      index = arith::ConstantOp::create(rewriter, op.getLoc(), idxType,
                                        DenseElementsAttr::get(idxType, iota));
    } else {
      index = e.c64(0);
    }
    rewriter.replaceOp(op,
                       randomBitsAt(e, op, index, adaptor.getSeed(),
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
            Value dim =
                arith::ConstantIndexOp::create(b, l, type.getDimSize(d));
            Value idx = linalg::IndexOp::create(b, l, d);
            linear = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, linear, dim), idx);
          }
          Value index64 =
              arith::IndexCastUIOp::create(b, l, b.getI64Type(), linear);
          Emitter e(b, l, b.getI32Type());
          linalg::YieldOp::create(
              b, l, randomBitsAt(e, op, index64, seed, stream, step));
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
               SplitUpdateLowering, RandomBitsLowering>(patterns.getContext());
}

void mlir::bf16::populateLowpToArithLegality(ConversionTarget &target) {
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  target.addIllegalDialect<LowpDialect>();
  target.addLegalDialect<arith::ArithDialect, vector::VectorDialect>();
}
