//===- VectorizeElementwise.cpp - Elementwise linalg ops to vectors -------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
// Upstream building blocks only: every memref linalg op with a static
// iteration space whose innermost loop is parallel (all-parallel ops, and
// reductions over outer dimensions) is tiled with scf::tileUsingSCF to
// 1 x ... x 1 x W tiles and each tile is vectorized with linalg::vectorize; the
// leading unit dimensions are then cast away so that the bodies compute on
// vector<Wx..>.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

/// The tile sizes for `op` (1 everywhere, `width` innermost), or failure if
/// the op is not a candidate: all-parallel ops, and reductions whose
/// innermost loop is parallel (e.g. the column sums of a bias gradient).
/// Reduction loops are tiled by 1 and nest in their original order, so every
/// output element still accumulates its terms in the order of the scalar
/// loops: the same bits.
static FailureOr<SmallVector<int64_t>> tileSizesFor(linalg::LinalgOp op,
                                                    int64_t width) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0)
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators.back() != utils::IteratorType::parallel ||
      llvm::any_of(iterators, [](utils::IteratorType t) {
        return t != utils::IteratorType::parallel &&
               t != utils::IteratorType::reduction;
      }))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic) || ranges.back() % width != 0)
    return failure();
  SmallVector<int64_t> sizes(ranges.size(), 1);
  sizes.back() = width;
  return sizes;
}

/// Replaces `loop` (no loop-carried values; its iterations independent) by
/// an scf.parallel with the same bounds and body.
static scf::ParallelOp toParallelLoop(RewriterBase &rewriter, scf::ForOp loop) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(loop);
  auto par = scf::ParallelOp::create(
      rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *body = par.getBody();
  rewriter.eraseOp(loop.getBody()->getTerminator());
  rewriter.inlineBlockBefore(loop.getBody(), body->getTerminator(),
                             par.getInductionVars());
  rewriter.eraseOp(loop);
  return par;
}

LogicalResult mlir::bf16::vectorizeElementwiseOp(RewriterBase &rewriter,
                                                 linalg::LinalgOp op,
                                                 int64_t width) {
  FailureOr<SmallVector<int64_t>> sizes = tileSizesFor(op, width);
  if (failed(sizes))
    return failure();
  // The tiles must vectorize: check on the op itself with the tile's sizes
  // before anything is rewritten.
  auto tiling = dyn_cast<TilingInterface>(op.getOperation());
  if (!tiling || failed(linalg::vectorizeOpPrecondition(op)))
    return failure();
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions options;
  options.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), ArrayRef<int64_t>(*sizes)));
  // The tiles of an all-parallel op are independent: scf.forall, which
  // bf16-parallelize-loops may run on threads. A reduction's loops are
  // scf.for with the parallel dimensions outside the reduction ones; the
  // outermost (over output tiles) then becomes an scf.parallel below. Each
  // output element still accumulates its terms in the scalar loops' order.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool reduction = op.getNumParallelLoops() != op.getNumLoops();
  if (!reduction) {
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  } else {
    SmallVector<int64_t> order;
    for (auto kind :
         {utils::IteratorType::parallel, utils::IteratorType::reduction})
      for (auto [d, t] : llvm::enumerate(iterators))
        if (t == kind)
          order.push_back(d);
    options.setInterchange(order);
  }
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, tiling, options);
  if (failed(tiled))
    return failure();
  rewriter.eraseOp(op);
  if (reduction && !tiled->loops.empty())
    if (auto outer = dyn_cast<scf::ForOp>(tiled->loops.front().getOperation()))
      if (outer.getNumRegionIterArgs() == 0)
        (void)toParallelLoop(rewriter, outer);
  for (Operation *tile : tiled->tiledOps) {
    rewriter.setInsertionPoint(tile);
    FailureOr<linalg::VectorizationResult> vectorized =
        linalg::vectorize(rewriter, tile);
    // A tile that does not vectorize stays a (correct) scalar linalg op.
    if (succeeded(vectorized))
      rewriter.eraseOp(tile);
  }
  return success();
}

namespace {
/// vector<1x..x1xN> -> vector<N> for elementwise ops with several results
/// (lowp.kahan_update, arith.mului_extended): upstream's cast-away patterns
/// handle single-result ops only, and the LLVM lowering wants 1-D vectors.
struct FlattenMultiResultElementwise final : RewritePattern {
  FlattenMultiResultElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  static VectorType flat(Type t) {
    auto v = dyn_cast<VectorType>(t);
    if (!v || v.getRank() < 2 || v.isScalable() ||
        llvm::any_of(v.getShape().drop_back(),
                     [](int64_t d) { return d != 1; }))
      return {};
    return VectorType::get({v.getShape().back()}, v.getElementType());
  }
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() < 2 || op->getNumRegions() != 0 ||
        !OpTrait::hasElementwiseMappableTraits(op) ||
        !llvm::all_of(op->getResultTypes(), [](Type t) { return flat(t); }) ||
        !llvm::all_of(op->getOperandTypes(), [](Type t) { return flat(t); }))
      return failure();
    SmallVector<Value> operands;
    for (Value v : op->getOperands())
      operands.push_back(vector::ShapeCastOp::create(rewriter, op->getLoc(),
                                                     flat(v.getType()), v));
    SmallVector<Type> types;
    for (Type t : op->getResultTypes())
      types.push_back(flat(t));
    Operation *newOp =
        rewriter.create(op->getLoc(), op->getName().getIdentifier(), operands,
                        types, op->getAttrs());
    SmallVector<Value> results;
    for (auto [res, old] : llvm::zip(newOp->getResults(), op->getResults()))
      results.push_back(vector::ShapeCastOp::create(rewriter, op->getLoc(),
                                                    old.getType(), res));
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct VectorizeElementwisePass
    : public mlir::bf16::impl::VectorizeElementwiseBase<
          VectorizeElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    if (width < 1 || width > 64) {
      getOperation()->emitError()
          << "bf16-vectorize-linalg-elementwise: width="
          << static_cast<int64_t>(width) << " must be in [1, 64]";
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (succeeded(tileSizesFor(op, width)))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates)
      (void)mlir::bf16::vectorizeElementwiseOp(rewriter, op, width);
    // vector<1x..x1xWx..> -> vector<Wx..>, so that 1-D patterns (such as
    // the vcvtneps2bf16 one) and the LLVM lowering see flat vectors.
    RewritePatternSet patterns(&getContext());
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    vector::populateDropUnitDimWithShapeCastPatterns(patterns);
    patterns.add<FlattenMultiResultElementwise>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
