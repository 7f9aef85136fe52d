//===- FuseRandomBits.cpp - Random bits drawn where the update uses them --===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md.
//
// A parallel, identity-indexed linalg.generic on tensors that reads a tensor
// lowp.random_bits becomes a loop over runs of `lanes` Philox blocks: 4 *
// lanes flattened elements for stream v1 (i32 bits), 8 * lanes for v2 (i16).
// Each iteration computes the run's bits with the blocked Philox of
// bf16-convert-random-bits-to-vector and applies the generic's body, with every
// op on vector<lanes x T>, to the run's four (v1) or eight (v2) slices of
// `lanes` elements: the bits stay in registers instead of going through an
// array.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"
#include "bf16/Dialect/Lowp/Utils/LowpBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_FUSERANDOMBITSINTOELEMENTWISE
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// How each input of the generic is fed inside the loop.
struct InputPlan {
  lowp::RandomBitsOp bits; // drawn in registers, or
  int64_t tiedInit = -1;   // read from this output's iter_arg, or
                           // (neither) a slice of the flattened input.
};

struct FuseRandomBits : public OpRewritePattern<linalg::GenericOp> {
  FuseRandomBits(MLIRContext *ctx, int64_t lanes)
      : OpRewritePattern(ctx), lanes(lanes) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumLoops() == 0 ||
        op.getNumParallelLoops() != op.getNumLoops() || op.hasIndexSemantics())
      return rewriter.notifyMatchFailure(op, "not a parallel elementwise op");
    if (!llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap m) { return m.isIdentity(); }))
      return rewriter.notifyMatchFailure(op, "indexing maps not identities");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t n = 1;
    for (int64_t r : ranges)
      n *= r;

    SmallVector<InputPlan> plan;
    bool anyBits = false;
    // A run is `lanes` Philox blocks of the densest stream read: 4 * lanes
    // elements for stream v1 (i32), 8 * lanes for v2 (i16).
    int64_t perBlock = 4;
    for (OpOperand *in : op.getDpsInputOperands()) {
      InputPlan p;
      p.bits = in->get().getDefiningOp<lowp::RandomBitsOp>();
      if (p.bits) {
        anyBits = true;
        perBlock = std::max(perBlock, bf16::elementsPerPhiloxBlock(p.bits));
      } else {
        for (OpOperand &init : op.getDpsInitsMutable())
          if (init.get() == in->get()) {
            p.tiedInit = init.getOperandNumber() - op.getNumDpsInputs();
            break;
          }
      }
      plan.push_back(p);
    }
    if (!anyBits)
      return rewriter.notifyMatchFailure(op, "no lowp.random_bits input");
    int64_t run = perBlock * lanes, whole = n / run * run;
    if (whole == 0)
      return rewriter.notifyMatchFailure(op, "fewer elements than one run");
    for (Operation &inner : op.getBody()->without_terminator())
      if (inner.getNumRegions() != 0 ||
          !OpTrait::hasElementwiseMappableTraits(&inner) ||
          llvm::any_of(inner.getOperandTypes(), llvm::IsaPred<ShapedType>) ||
          llvm::any_of(inner.getResultTypes(), llvm::IsaPred<ShapedType>))
        return rewriter.notifyMatchFailure(op, "body not elementwise");

    Location loc = op.getLoc();
    auto index = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    int64_t rank = ranges.size();
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    auto flatten = [&](Value v) -> Value {
      if (rank == 1)
        return v;
      return tensor::CollapseShapeOp::create(
          rewriter, loc, v, ArrayRef<ReassociationIndices>{all});
    };
    SmallVector<Value> inputs, inits;
    for (auto [in, p] : llvm::zip(op.getDpsInputs(), plan))
      inputs.push_back(p.bits || p.tiedInit >= 0 ? Value() : flatten(in));
    for (Value init : op.getDpsInits())
      inits.push_back(flatten(init));

    Block *body = op.getBody();
    int64_t numInputs = op.getNumDpsInputs();
    // The generic's body on the `len` elements at `off` of the flattened
    // operands, on vector<len x T>, with the bits of each lowp.random_bits
    // input given as vectors; returns the updated outputs. Values from
    // outside the body are broadcast.
    auto applyBody = [&](OpBuilder &b, Value off, int64_t len,
                         ArrayRef<Value> bits,
                         ValueRange outs) -> SmallVector<Value> {
      auto vecOf = [&](Type t) { return VectorType::get({len}, t); };
      auto read = [&](Value t) -> Value {
        auto type = cast<RankedTensorType>(t.getType());
        return vector::TransferReadOp::create(
            b, loc, vecOf(type.getElementType()), t, ValueRange{off},
            std::nullopt, ArrayRef<bool>{true});
      };
      IRMapping map;
      SmallVector<Value> outVecs;
      for (Value o : outs)
        outVecs.push_back(read(o));
      for (auto [i, p] : llvm::enumerate(plan))
        map.map(body->getArgument(i), p.bits            ? bits[i]
                                      : p.tiedInit >= 0 ? outVecs[p.tiedInit]
                                                        : read(inputs[i]));
      for (auto [j, v] : llvm::enumerate(outVecs))
        map.map(body->getArgument(numInputs + j), v);
      auto lookup = [&](Value v) -> Value {
        if (Value mapped = map.lookupOrNull(v))
          return mapped;
        return vector::BroadcastOp::create(b, loc, vecOf(v.getType()), v);
      };
      for (Operation &inner : body->without_terminator()) {
        OperationState state(inner.getLoc(), inner.getName());
        state.addAttributes(inner.getAttrs());
        for (Value v : inner.getOperands())
          state.addOperands(lookup(v));
        for (Type t : inner.getResultTypes())
          state.addTypes(vecOf(t));
        Operation *vectorized = b.create(state);
        map.map(inner.getResults(), vectorized->getResults());
      }
      SmallVector<Value> updated;
      for (auto [v, o] : llvm::zip(body->getTerminator()->getOperands(), outs))
        updated.push_back(vector::TransferWriteOp::create(b, loc, lookup(v), o,
                                                          ValueRange{off},
                                                          ArrayRef<bool>{true})
                              .getResult());
      return updated;
    };
    // The bits of the run of `count` elements at `off`, per slice of
    // `width` elements: slices[s][i] is the vector of input i's bits (null
    // for the inputs that are not random_bits).
    auto drawRun = [&](OpBuilder &b, Value off, int64_t count, int64_t width) {
      SmallVector<SmallVector<Value>> slices(llvm::divideCeil(count, width),
                                             SmallVector<Value>(numInputs));
      for (auto [i, p] : llvm::enumerate(plan)) {
        if (!p.bits)
          continue;
        for (auto [s, v] : llvm::enumerate(
                 bf16::buildPhiloxRun(b, loc, p.bits, off, count, width)))
          slices[s][i] = v;
      }
      return slices;
    };

    auto loop =
        scf::ForOp::create(rewriter, loc, index(rewriter, 0),
                           index(rewriter, whole), index(rewriter, run), inits);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      Block *loopBody = loop.getBody();
      if (!loopBody->empty())
        rewriter.eraseOp(loopBody->getTerminator());
      rewriter.setInsertionPointToEnd(loopBody);
      Value iv = loop.getInductionVar();
      SmallVector<Value> outs(loop.getRegionIterArgs());
      SmallVector<SmallVector<Value>> slices =
          drawRun(rewriter, iv, run, lanes);
      for (auto [s, bits] : llvm::enumerate(slices)) {
        Value off = arith::AddIOp::create(rewriter, loc, iv,
                                          index(rewriter, s * lanes));
        outs = applyBody(rewriter, off, lanes, bits, outs);
      }
      scf::YieldOp::create(rewriter, loc, outs);
    }
    SmallVector<Value> results(loop.getResults());
    if (whole < n) {
      // The last elements: one straight-line run on vector<rest x T>.
      int64_t rest = n - whole;
      Value off = index(rewriter, whole);
      results = applyBody(rewriter, off, rest,
                          drawRun(rewriter, off, rest, rest).front(), results);
    }
    SmallVector<Value> replacements;
    for (auto [res, old] : llvm::zip(results, op.getResults()))
      replacements.push_back(rank == 1
                                 ? res
                                 : tensor::ExpandShapeOp::create(
                                       rewriter, loc, old.getType(), res,
                                       ArrayRef<ReassociationIndices>{all})
                                       .getResult());
    SmallVector<lowp::RandomBitsOp> used;
    for (InputPlan &p : plan)
      if (p.bits && !llvm::is_contained(used, p.bits))
        used.push_back(p.bits);
    rewriter.replaceOp(op, replacements);
    for (lowp::RandomBitsOp bitsOp : used)
      if (bitsOp->use_empty())
        rewriter.eraseOp(bitsOp);
    return success();
  }

  int64_t lanes;
};

struct FuseRandomBitsPass
    : public mlir::bf16::impl::FuseRandomBitsIntoElementwiseBase<
          FuseRandomBitsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (lanes < 1 || lanes > 64) {
      getOperation()->emitError()
          << "bf16-fuse-random-bits-into-elementwise: lanes="
          << static_cast<int64_t>(lanes) << " must be in [1, 64]";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateFuseRandomBitsPatterns(patterns, lanes);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::bf16::populateFuseRandomBitsPatterns(RewritePatternSet &patterns,
                                                int64_t lanes) {
  patterns.add<FuseRandomBits>(patterns.getContext(), lanes);
}
