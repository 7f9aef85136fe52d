//===- LowpToX86.cpp - lowp.round ftz to vcvtneps2bf16 --------------------===//
//
// Part of bf16-opt. See the pass description in Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/LowpToX86/LowpToX86.h"
#include "bf16/Conversion/LowpToArith/LowpToArith.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Dialect/Lowp/Utils/LowpBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTLOWPTOX86
#include "bf16/Conversion/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct RoundToCvtNePs2Bf16 : public OpRewritePattern<lowp::RoundOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(lowp::RoundOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getMode() != lowp::RoundingMode::nearest_even_ftz)
      return rewriter.notifyMatchFailure(op, "not nearest_even_ftz");
    Location loc = op.getLoc();
    if (auto v = dyn_cast<VectorType>(op.getInput().getType())) {
      if (v.getRank() != 1 || v.isScalable() ||
          (v.getNumElements() != 8 && v.getNumElements() != 16) ||
          !cast<VectorType>(op.getType()).getElementType().isBF16())
        return rewriter.notifyMatchFailure(op, "not vector<8|16xf32>");
      rewriter.replaceOpWithNewOp<x86vector::CvtPackedF32ToBF16Op>(
          op, op.getType(), op.getInput());
      return success();
    }
    if (!op.getType().isBF16() || !op.getInput().getType().isF32())
      return rewriter.notifyMatchFailure(op, "not an f32 -> bf16 scalar");
    auto wide = VectorType::get({8}, rewriter.getF32Type());
    auto narrow = VectorType::get({8}, rewriter.getBF16Type());
    Value splat =
        vector::BroadcastOp::create(rewriter, loc, wide, op.getInput());
    Value cvt =
        x86vector::CvtPackedF32ToBF16Op::create(rewriter, loc, narrow, splat);
    rewriter.replaceOpWithNewOp<vector::ExtractOp>(op, cvt,
                                                   ArrayRef<int64_t>{0});
    return success();
  }
};

/// lowp.kahan_update nearest_even_ftz on bf16 vectors of 8 or 16 lanes (or
/// scalars) as its four 16-bit-FPU steps -- exact widening, one f32 op,
/// lowp.round -- so that RoundToCvtNePs2Bf16 turns each rounding into
/// vcvtneps2bf16 (bf16-convert-lowp-to-arith would use the integer recipe).
/// Both lowerings take the step order from bf16::buildKahanSteps: same bits.
struct DecomposeKahanUpdate : public OpRewritePattern<lowp::KahanUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(lowp::KahanUpdateOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getW().getType();
    if (op.getMode() != lowp::RoundingMode::nearest_even_ftz ||
        !getElementTypeOrSelf(t).isBF16() || op.getU().getType() != t)
      return rewriter.notifyMatchFailure(op, "not a bf16 nearest_even_ftz "
                                             "update");
    auto v = dyn_cast<VectorType>(t);
    if (isa<TensorType>(t) ||
        (v && (v.getRank() != 1 || v.isScalable() ||
               (v.getNumElements() != 8 && v.getNumElements() != 16))))
      return rewriter.notifyMatchFailure(op, "not a scalar or vector<8|16>");
    Location loc = op.getLoc();
    Type wide = v ? Type(VectorType::get(v.getShape(), rewriter.getF32Type()))
                  : Type(rewriter.getF32Type());
    auto mode = lowp::RoundingModeAttr::get(
        rewriter.getContext(), lowp::RoundingMode::nearest_even_ftz);
    auto [s, c] = bf16::buildKahanSteps(
        op.getW(), op.getC(), op.getU(), [&](bool isAdd, Value x, Value y) {
          Value wx = arith::ExtFOp::create(rewriter, loc, wide, x);
          Value wy = arith::ExtFOp::create(rewriter, loc, wide, y);
          Value r =
              isAdd ? arith::AddFOp::create(rewriter, loc, wx, wy).getResult()
                    : arith::SubFOp::create(rewriter, loc, wx, wy).getResult();
          return lowp::RoundOp::create(rewriter, loc, t, mode, r, Value())
              .getResult();
        });
    rewriter.replaceOp(op, ValueRange{s, c});
    return success();
  }
};

struct ConvertLowpToX86Pass
    : public mlir::bf16::impl::ConvertLowpToX86Base<ConvertLowpToX86Pass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateLowpToX86Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::bf16::populateLowpToX86Patterns(RewritePatternSet &patterns) {
  patterns.add<RoundToCvtNePs2Bf16, DecomposeKahanUpdate>(
      patterns.getContext());
}
