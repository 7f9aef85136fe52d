//===- TruncFToLowp.cpp - arith.truncf f32->bf16 as lowp.round ------------===//
//
// Part of bf16-opt. See the pass description in Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/TruncFToLowp/TruncFToLowp.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTTRUNCFTOLOWP
#include "bf16/Conversion/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct TruncFToRound : public OpRewritePattern<arith::TruncFOp> {
  TruncFToRound(MLIRContext *ctx, lowp::RoundingMode mode)
      : OpRewritePattern(ctx), mode(mode) {}
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (!lowp::isSupportedWideType(
            getElementTypeOrSelf(op.getIn().getType())) ||
        !lowp::isSupportedNarrowType(getElementTypeOrSelf(op.getType())))
      return rewriter.notifyMatchFailure(op, "not f32 -> narrow");
    rewriter.replaceOpWithNewOp<lowp::RoundOp>(op, op.getType(), mode,
                                               op.getIn(), Value());
    return success();
  }
  lowp::RoundingMode mode;
};

struct ConvertTruncFToLowpPass
    : public mlir::bf16::impl::ConvertTruncFToLowpBase<
          ConvertTruncFToLowpPass> {
  using Base::Base;
  void runOnOperation() override {
    lowp::RoundingMode m = mode == mlir::bf16::TruncFRounding::NearestEven
                               ? lowp::RoundingMode::nearest_even
                               : lowp::RoundingMode::nearest_even_ftz;
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateTruncFToLowpPatterns(patterns, m);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::bf16::populateTruncFToLowpPatterns(RewritePatternSet &patterns,
                                              lowp::RoundingMode mode) {
  patterns.add<TruncFToRound>(patterns.getContext(), mode);
}
