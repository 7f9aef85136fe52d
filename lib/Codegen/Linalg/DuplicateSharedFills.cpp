//===- DuplicateSharedFills.cpp - one fill per destination-passing use ----===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_DUPLICATESHAREDFILLS
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
/// A tensor linalg.fill of a tensor.empty used as the init of several linalg
/// ops: every such init gets its own empty + fill right before its op, except
/// one when the fill has no other use (it keeps the original).
struct DuplicateSharedFill : public OpRewritePattern<linalg::FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::FillOp fill,
                                PatternRewriter &rewriter) const override {
    if (!fill.hasPureTensorSemantics() ||
        !fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      return rewriter.notifyMatchFailure(fill, "not a fill of tensor.empty");
    auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
    SmallVector<OpOperand *> inits;
    size_t uses = 0;
    for (OpOperand &use : fill.getResult(0).getUses()) {
      ++uses;
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      if (user && user.isDpsInit(&use))
        inits.push_back(&use);
    }
    // The original stays with one init when nothing else uses it.
    size_t keep = inits.size() == uses ? 1 : 0;
    if (inits.size() <= keep)
      return rewriter.notifyMatchFailure(fill, "no init to give a copy");
    for (OpOperand *use : llvm::drop_begin(inits, keep)) {
      rewriter.setInsertionPoint(use->getOwner());
      auto newEmpty = tensor::EmptyOp::create(
          rewriter, empty.getLoc(), empty.getType().getShape(),
          empty.getType().getElementType(), empty.getDynamicSizes());
      auto newFill =
          linalg::FillOp::create(rewriter, fill.getLoc(), fill.getInputs(),
                                 ValueRange{newEmpty.getResult()});
      rewriter.modifyOpInPlace(use->getOwner(),
                               [&] { use->set(newFill.getResult(0)); });
    }
    return success();
  }
};

struct DuplicateSharedFillsPass
    : public mlir::bf16::impl::DuplicateSharedFillsBase<
          DuplicateSharedFillsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateDuplicateSharedFillsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::bf16::populateDuplicateSharedFillsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DuplicateSharedFill>(patterns.getContext());
}
