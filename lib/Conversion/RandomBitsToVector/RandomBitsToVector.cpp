//===- RandomBitsToVector.cpp - Blocked Philox for lowp.random_bits --------===//
//
// Part of bf16-opt. See the pass description in Conversion/Passes.td and
// docs/Numerics.md.
//
// lowp.random_bits on a static-shape tensor becomes a loop over its flattened
// elements that computes `lanes` Philox4x32-10 blocks at once, one per lane
// of a vector<lanes x i32> counter, and stores the four words of each block
// to four consecutive elements: one block per four elements, where the
// per-element linalg body of convert-lowp-to-arith computes one per element.
//
//===----------------------------------------------------------------------===//

#include "bf16/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <numeric>

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTRANDOMBITSTOVECTOR
#include "bf16/Conversion/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// Where element `p` of a run of `blocks` Philox blocks (element order: block
/// p / 4, word p % 4) sits in the concatenation of the two zips
/// (w0[0], w1[0], w0[1], w1[1], ...) and (w2[0], w3[0], w2[1], w3[1], ...).
int64_t zipPosition(int64_t p, int64_t blocks) {
  int64_t block = p / 4, word = p % 4;
  return word < 2 ? 2 * block + word : 2 * blocks + 2 * block + word - 2;
}

/// Writes the random bits of the elements [offset, offset + count) into the
/// 1-D i32 tensor `dest` at `offset` and returns the new tensor (in_bounds
/// stores of at most `storeWidth` elements).
Value fillRun(OpBuilder &b, Location loc, lowp::RandomBitsOp op, Value dest,
              Value offset, int64_t count, int64_t storeWidth) {
  SmallVector<Value> run =
      bf16::buildPhiloxRun(b, loc, op, offset, count, storeWidth);
  for (auto [k, v] : llvm::enumerate(run)) {
    Value at = arith::AddIOp::create(
        b, loc, offset,
        arith::ConstantIndexOp::create(b, loc, k * storeWidth));
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
    // Whole runs of 4 * lanes elements in a loop, then one shorter run.
    int64_t run = 4 * lanes, whole = n / run * run;
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
          << "convert-random-bits-to-vector: lanes="
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

SmallVector<Value> mlir::bf16::buildPhiloxRun(OpBuilder &b, Location loc,
                                              lowp::RandomBitsOp op,
                                              Value offset, int64_t count,
                                              int64_t width) {
  int64_t blocks = llvm::divideCeil(count, 4);
  auto vecType = VectorType::get({blocks}, b.getI32Type());
  // Counter word 0 is lo32(block index); truncation commutes with adding
  // the lane number, so lo32(offset / 4) + lane is exact.
  Value first = arith::ShRUIOp::create(
      b, loc, offset, arith::ConstantIndexOp::create(b, loc, 2));
  Value first32 =
      arith::IndexCastUIOp::create(b, loc, b.getI32Type(), first);
  SmallVector<int32_t> iota(blocks);
  std::iota(iota.begin(), iota.end(), 0);
  Value lanes = arith::ConstantOp::create(
      b, loc, vecType, DenseIntElementsAttr::get(vecType, iota));
  Value ctr0 = arith::AddIOp::create(
      b, loc, vector::BroadcastOp::create(b, loc, vecType, first32), lanes);
  std::array<Value, 4> w = bf16::buildPhilox4x32_10(
      b, loc, ctr0, op.getSeed(), op.getStream(), op.getStep());

  // Transpose the 4 x blocks words into element order: zip (w0, w1) and
  // (w2, w3), then pick each vector's elements from the two zips (the
  // unpack-low/high pattern of a 4x4 transpose).
  SmallVector<int64_t> zip;
  for (int64_t j = 0; j < blocks; ++j)
    zip.append({j, blocks + j});
  Value t01 = vector::ShuffleOp::create(b, loc, w[0], w[1], zip);
  Value t23 = vector::ShuffleOp::create(b, loc, w[2], w[3], zip);
  SmallVector<Value> run;
  for (int64_t start = 0; start < count; start += width) {
    SmallVector<int64_t> mask;
    for (int64_t p = start; p < std::min(start + width, count); ++p)
      mask.push_back(zipPosition(p, blocks));
    run.push_back(vector::ShuffleOp::create(b, loc, t01, t23, mask));
  }
  return run;
}
