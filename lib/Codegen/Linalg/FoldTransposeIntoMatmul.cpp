//===- FoldTransposeIntoMatmul.cpp - transposes into GEMM maps ------------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md ("Contractions").
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_FOLDTRANSPOSEINTOMATMUL
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
/// The map of a GEMM operand with its two matrix dimensions (the last two
/// results) swapped.
AffineMap swapLastTwo(AffineMap map) {
  SmallVector<AffineExpr> results(map.getResults());
  std::swap(results[results.size() - 2], results.back());
  return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                        map.getContext());
}

/// True for a map whose results are distinct dimensions (a projected
/// permutation) of the expected rank: the operand maps of (batch_)matmul,
/// transposed or not. Broadcast maps are left alone.
bool isPlainOperandMap(AffineMap map, unsigned rank) {
  return map.getNumResults() == rank && map.isProjectedPermutation() &&
         llvm::all_of(map.getResults(), llvm::IsaPred<AffineDimExpr>);
}

template <typename OpTy> struct FoldTranspose : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    unsigned rank = std::is_same_v<OpTy, linalg::BatchMatmulOp> ? 3 : 2;
    SmallVector<int64_t> swap =
        rank == 3 ? SmallVector<int64_t>{0, 2, 1} : SmallVector<int64_t>{1, 0};
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs(op.getDpsInputs());
    if (inputs.size() != 2 || maps.size() != 3)
      return failure();
    bool changed = false;
    for (unsigned i = 0; i < 2; ++i) {
      auto transpose = inputs[i].template getDefiningOp<linalg::TransposeOp>();
      if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>(swap) ||
          !isPlainOperandMap(maps[i], rank))
        continue;
      inputs[i] = transpose.getInput();
      maps[i] = swapLastTwo(maps[i]);
      changed = true;
    }
    if (!changed)
      return rewriter.notifyMatchFailure(op, "no foldable transpose input");
    SmallVector<NamedAttribute> attrs;
    for (NamedAttribute a : op->getAttrs())
      if (a.getName() != op.getIndexingMapsAttrName())
        attrs.push_back(a);
    attrs.push_back(rewriter.getNamedAttr(
        op.getIndexingMapsAttrName(), rewriter.getAffineMapArrayAttr(maps)));
    auto folded = OpTy::create(rewriter, op.getLoc(), op->getResultTypes(),
                               inputs, op.getDpsInits(), attrs);
    rewriter.replaceOp(op, folded->getResults());
    return success();
  }
};

struct FoldTransposeIntoMatmulPass
    : public mlir::bf16::impl::FoldTransposeIntoMatmulBase<
          FoldTransposeIntoMatmulPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateFoldTransposeIntoMatmulPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::bf16::populateFoldTransposeIntoMatmulPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldTranspose<linalg::MatmulOp>,
               FoldTranspose<linalg::BatchMatmulOp>>(patterns.getContext());
}
