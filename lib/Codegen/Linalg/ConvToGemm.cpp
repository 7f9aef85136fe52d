//===- ConvToGemm.cpp - 2-D convolutions as im2col + batch_matmul ---------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md ("Contractions").
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTCONVTOGEMM
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
/// True when `body` is  yield(out + mul(x, y)) (either addition order) with
/// x, y the two input arguments, each used as is or through one arith.extf.
bool isMulAddBody(Block &body) {
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1 || body.getNumArguments() != 3)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body.getArgument(2);
  Value prod = add.getLhs() == out   ? add.getRhs()
               : add.getRhs() == out ? add.getLhs()
                                     : Value();
  auto mul = prod ? prod.getDefiningOp<arith::MulFOp>() : arith::MulFOp();
  if (!mul)
    return false;
  auto input = [&](Value v) -> Value {
    if (auto ext = v.getDefiningOp<arith::ExtFOp>())
      v = ext.getIn();
    return v;
  };
  Value x = input(mul.getLhs()), y = input(mul.getRhs());
  return x == body.getArgument(0) && y == body.getArgument(1) &&
         body.getOperations().size() ==
             size_t(3) + (x != mul.getLhs()) + (y != mul.getRhs());
}

/// The contraction im2col leaves:
///   C[b][m][n] += A[(b)][m][k] * B[(b)][k][n]
/// with exactly one of A and B not indexed by b (the filter), as a
/// linalg.generic. It becomes a linalg.batch_matmul whose unbatched operand
/// is broadcast along b (a small tensor: the filter), which
/// bf16-convert-matmul-to-microkernel lowers. Same accumulation order: k
/// increasing for every C element, one add of the product per step.
struct GenericToBatchMatmul : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || op.getNumLoops() != 4 ||
        op.getNumReductionLoops() != 1 ||
        op.getIteratorTypesArray()[3] != utils::IteratorType::reduction ||
        !isMulAddBody(*op.getBlock()))
      return rewriter.notifyMatchFailure(op, "not a mul-add contraction");
    MLIRContext *ctx = op.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto map = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(4, 0, e, ctx);
    };
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (maps[2] != map({d(0), d(1), d(2)}))
      return rewriter.notifyMatchFailure(op, "output map");
    bool aBatched = maps[0] == map({d(0), d(1), d(3)});
    bool bBatched = maps[1] == map({d(0), d(3), d(2)});
    if ((!aBatched && maps[0] != map({d(1), d(3)})) ||
        (!bBatched && maps[1] != map({d(3), d(2)})) || aBatched == bBatched)
      return rewriter.notifyMatchFailure(op, "operand maps");
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    auto outType = cast<RankedTensorType>(op.getResult(0).getType());
    int64_t batch = outType.getDimSize(0);
    if (ShapedType::isDynamic(batch))
      return rewriter.notifyMatchFailure(op, "dynamic batch");
    auto broadcast = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      if (!t.hasStaticShape())
        return Value();
      SmallVector<int64_t> shape{batch};
      llvm::append_range(shape, t.getShape());
      Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), shape,
                                           t.getElementType());
      return linalg::BroadcastOp::create(rewriter, op.getLoc(), v, init,
                                         ArrayRef<int64_t>{0})
          ->getResult(0);
    };
    if (!aBatched && !(a = broadcast(a)))
      return rewriter.notifyMatchFailure(op, "dynamic operand");
    if (!bBatched && !(b = broadcast(b)))
      return rewriter.notifyMatchFailure(op, "dynamic operand");
    rewriter.replaceOpWithNewOp<linalg::BatchMatmulOp>(
        op, TypeRange{outType}, ValueRange{a, b}, op.getDpsInits());
    return success();
  }
};

struct ConvertConvToGemmPass
    : public mlir::bf16::impl::ConvertConvToGemmBase<ConvertConvToGemmPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateConvToGemmPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::bf16::populateConvToGemmPatterns(RewritePatternSet &patterns) {
  linalg::populateConvertConv2DToImg2ColPatterns(patterns);
  patterns.add<GenericToBatchMatmul>(patterns.getContext());
}
