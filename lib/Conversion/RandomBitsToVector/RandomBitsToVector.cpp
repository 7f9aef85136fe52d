//===- RandomBitsToVector.cpp - Blocked Philox for lowp.random_bits -------===//
//
// Part of bf16-opt. See the pass description in Conversion/Passes.td and
// docs/Numerics.md.
//
// lowp.random_bits on a static-shape tensor becomes a loop over its flattened
// elements that computes `lanes` Philox4x32-10 blocks at once, one per lane
// of a vector<lanes x i32> counter, and stores the four words of each block
// to four consecutive i32 elements (stream v1) or their eight 16-bit halves
// to eight consecutive i16 elements (stream v2): one block per four or eight
// elements, where the per-element linalg body of bf16-convert-lowp-to-arith
// computes one per element.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/RandomBitsToVector/RandomBitsToVector.h"
#include "bf16/Dialect/Lowp/Utils/LowpBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTRANDOMBITSTOVECTOR
#include "bf16/Conversion/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// Writes the random bits of the elements [offset, offset + count) into the
/// 1-D i32 or i16 tensor `dest` at `offset` and returns the new tensor
/// (in_bounds stores of at most `storeWidth` elements).
Value fillRun(OpBuilder &b, Location loc, lowp::RandomBitsOp op, Value dest,
              Value offset, int64_t count, int64_t storeWidth) {
  SmallVector<Value> run =
      bf16::buildPhiloxRun(b, loc, op, offset, count, storeWidth);
  for (auto [k, v] : llvm::enumerate(run)) {
    Value at = arith::AddIOp::create(
        b, loc, offset, arith::ConstantIndexOp::create(b, loc, k * storeWidth));
    dest = vector::TransferWriteOp::create(b, loc, v, dest, ValueRange{at},
                                           ArrayRef<bool>{true})
               .getResult();
  }
  return dest;
}

struct RandomBitsToVector : public OpRewritePattern<lowp::RandomBitsOp> {
  RandomBitsToVector(MLIRContext *ctx, int64_t lanes)
      : OpRewritePattern(ctx), lanes(lanes) {}

  LogicalResult matchAndRewrite(lowp::RandomBitsOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static ranked tensor");
    Location loc = op.getLoc();
    int64_t n = type.getNumElements();
    if (n == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    Value flat = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{n},
                                         type.getElementType());
    // Whole runs of `lanes` Philox blocks (4 * lanes elements for stream
    // v1, 8 * lanes for v2) in a loop, then one shorter run.
    int64_t run = bf16::elementsPerPhiloxBlock(op) * lanes,
            whole = n / run * run;
    if (whole > 0) {
      auto loop = scf::ForOp::create(
          rewriter, loc, index(0), index(whole), index(run), ValueRange{flat},
          [&](OpBuilder &b, Location l, Value offset, ValueRange iter) {
            scf::YieldOp::create(
                b, l, fillRun(b, l, op, iter[0], offset, run, lanes));
          });
      flat = loop.getResult(0);
    }
    if (whole < n)
      flat = fillRun(rewriter, loc, op, flat, index(whole), n - whole, lanes);

    Value result = flat;
    if (type.getRank() == 0) {
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, type, flat, ArrayRef<ReassociationIndices>{});
    } else if (type.getRank() > 1) {
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      result = tensor::ExpandShapeOp::create(rewriter, loc, type, flat,
                                             ArrayRef{all});
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  int64_t lanes;
};

struct ConvertRandomBitsToVectorPass
    : public mlir::bf16::impl::ConvertRandomBitsToVectorBase<
          ConvertRandomBitsToVectorPass> {
  using Base::Base;
  void runOnOperation() override {
    if (lanes < 1 || lanes > 64) {
      getOperation()->emitError()
          << "bf16-convert-random-bits-to-vector: lanes="
          << static_cast<int64_t>(lanes) << " must be in [1, 64]";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateRandomBitsToVectorPatterns(patterns, lanes);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::bf16::populateRandomBitsToVectorPatterns(RewritePatternSet &patterns,
                                                    int64_t lanes) {
  patterns.add<RandomBitsToVector>(patterns.getContext(), lanes);
}
