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
    // The pair layout (applyBodyPaired below) when every bits input is
    // stream v2 and every other operand has 16-bit elements.
    auto is16 = [](Value v) {
      Type elt = getElementTypeOrSelf(v.getType());
      return elt.isIntOrFloat() && elt.getIntOrFloatBitWidth() == 16;
    };
    bool paired =
        lanes % 2 == 0 && perBlock == 8 &&
        llvm::all_of(plan,
                     [](const InputPlan &p) {
                       return !p.bits ||
                              bf16::elementsPerPhiloxBlock(p.bits) == 8;
                     }) &&
        llvm::all_of(op.getDpsInputs(),
                     [&](Value v) {
                       return v.getDefiningOp<lowp::RandomBitsOp>() || is16(v);
                     }) &&
        llvm::all_of(op.getDpsInits(), is16);
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
    // The generic's body on vectors of `len` elements: `args` are the
    // values of the body's block arguments (inputs, then outputs); returns
    // the yielded values. Values from outside the body are broadcast.
    auto cloneBody = [&](OpBuilder &b, int64_t len,
                         ArrayRef<Value> args) -> SmallVector<Value> {
      auto vecOf = [&](Type t) { return VectorType::get({len}, t); };
      IRMapping map;
      map.map(body->getArguments(), args);
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
      return llvm::map_to_vector(body->getTerminator()->getOperands(), lookup);
    };
    auto readAt = [&](OpBuilder &b, Value t, Value off, int64_t len) -> Value {
      auto type = cast<RankedTensorType>(t.getType());
      return vector::TransferReadOp::create(
          b, loc, VectorType::get({len}, type.getElementType()), t,
          ValueRange{off}, std::nullopt, ArrayRef<bool>{true});
    };
    // The body on the `len` elements at `off` of the flattened operands,
    // with the bits of each lowp.random_bits input given as vectors;
    // returns the updated outputs.
    // `outs` are read and written at `outOff` (the run's slices of the
    // outputs, or the whole outputs with outOff = off).
    auto applyBody = [&](OpBuilder &b, Value off, Value outOff, int64_t len,
                         ArrayRef<Value> bits,
                         ValueRange outs) -> SmallVector<Value> {
      SmallVector<Value> outVecs;
      for (Value o : outs)
        outVecs.push_back(readAt(b, o, outOff, len));
      SmallVector<Value> args;
      for (auto [i, p] : llvm::enumerate(plan))
        args.push_back(p.bits            ? bits[i]
                       : p.tiedInit >= 0 ? outVecs[p.tiedInit]
                                         : readAt(b, inputs[i], off, len));
      args.append(outVecs);
      SmallVector<Value> updated;
      for (auto [v, o] : llvm::zip(cloneBody(b, len, args), outs))
        updated.push_back(vector::TransferWriteOp::create(b, loc, v, o,
                                                          ValueRange{outOff},
                                                          ArrayRef<bool>{true})
                              .getResult());
      return updated;
    };
    // Pair layout (stream v2 bits, every other operand 16 bits wide): the
    // 2 * lanes elements at `off` are read as `lanes` 32-bit pairs; the body
    // runs once on the even elements (the low halves) and once on the odd
    // ones (the high halves), and the results are paired again. Word q of
    // the v2 bits holds exactly the bits of elements 2q (low half) and
    // 2q + 1 (high half), so the bits need no shuffle at all, and no
    // operand is widened or narrowed lane by lane.
    auto applyBodyPaired = [&](OpBuilder &b, Value off, Value outOff,
                               ArrayRef<Value> words,
                               ValueRange outs) -> SmallVector<Value> {
      bf16::ArithEmitter e(b, loc, VectorType::get({lanes}, b.getI32Type()));
      Value c16 = e.c32(16);
      auto split = [&](Value x32, Type elt) -> std::pair<Value, Value> {
        Value even = e.trunc(e.i16(), x32);
        Value odd = e.trunc(e.i16(), e.shr(x32, c16));
        if (!elt.isInteger(16)) {
          even = e.bitcast(e.shaped(elt), even);
          odd = e.bitcast(e.shaped(elt), odd);
        }
        return {even, odd};
      };
      auto readPairs = [&](Value t, Value at) -> Value {
        auto type = cast<RankedTensorType>(t.getType());
        Value v = readAt(b, t, at, 2 * lanes);
        if (!type.getElementType().isInteger(16))
          v = arith::BitcastOp::create(
              b, loc, VectorType::get({2 * lanes}, b.getI16Type()), v);
        return vector::BitCastOp::create(b, loc, cast<VectorType>(e.i32()), v);
      };
      SmallVector<Value> evenArgs, oddArgs;
      auto addArg = [&](std::pair<Value, Value> eo) {
        evenArgs.push_back(eo.first);
        oddArgs.push_back(eo.second);
      };
      SmallVector<Value> outPairs;
      for (Value o : outs)
        outPairs.push_back(readPairs(o, outOff));
      for (auto [i, p] : llvm::enumerate(plan)) {
        if (p.bits)
          addArg(split(words[i], b.getI16Type()));
        else if (p.tiedInit >= 0)
          addArg(split(outPairs[p.tiedInit], body->getArgument(i).getType()));
        else
          addArg(
              split(readPairs(inputs[i], off), body->getArgument(i).getType()));
      }
      for (auto [j, o] : llvm::enumerate(outPairs))
        addArg(split(o, body->getArgument(numInputs + j).getType()));
      SmallVector<Value> even = cloneBody(b, lanes, evenArgs);
      SmallVector<Value> odd = cloneBody(b, lanes, oddArgs);
      SmallVector<Value> updated;
      for (auto [ev, od, o] : llvm::zip(even, odd, outs)) {
        auto widen = [&](Value v) {
          if (!getElementTypeOrSelf(v.getType()).isInteger(16))
            v = e.bitcast(e.i16(), v);
          return e.zext(e.i32(), v);
        };
        Value pairs = e.bor(widen(ev), e.shl(widen(od), c16));
        auto type = cast<RankedTensorType>(o.getType());
        Value v = vector::BitCastOp::create(
            b, loc, VectorType::get({2 * lanes}, b.getI16Type()), pairs);
        if (!type.getElementType().isInteger(16))
          v = arith::BitcastOp::create(
              b, loc, VectorType::get({2 * lanes}, type.getElementType()), v);
        updated.push_back(vector::TransferWriteOp::create(b, loc, v, o,
                                                          ValueRange{outOff},
                                                          ArrayRef<bool>{true})
                              .getResult());
      }
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

    // The runs are independent (each writes its own elements, and its bits
    // depend on the element index only): scf.forall, each run updating its
    // slice of the outputs, which bf16-parallelize-loops may run on threads.
    auto loop = scf::ForallOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(whole)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(run)}, inits,
        std::nullopt);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(loop.getTerminator());
      Value iv = loop.getInductionVar(0);
      SmallVector<OpFoldResult> offsets{iv}, sizes{rewriter.getIndexAttr(run)},
          strides{rewriter.getIndexAttr(1)};
      SmallVector<Value> outs;
      for (Value shared : loop.getRegionIterArgs())
        outs.push_back(tensor::ExtractSliceOp::create(rewriter, loc, shared,
                                                      offsets, sizes, strides));
      if (paired) {
        // Words of `lanes` i32, each covering 2 * lanes elements.
        SmallVector<SmallVector<Value>> words(run / (2 * lanes),
                                              SmallVector<Value>(numInputs));
        for (auto [i, p] : llvm::enumerate(plan))
          if (p.bits)
            for (auto [s, v] : llvm::enumerate(bf16::buildPhiloxWordRunV2(
                     rewriter, loc, p.bits, iv, run, lanes)))
              words[s][i] = v;
        for (auto [s, w] : llvm::enumerate(words)) {
          Value off = arith::AddIOp::create(rewriter, loc, iv,
                                            index(rewriter, 2 * s * lanes));
          outs = applyBodyPaired(rewriter, off, index(rewriter, 2 * s * lanes),
                                 w, outs);
        }
      } else {
        SmallVector<SmallVector<Value>> slices =
            drawRun(rewriter, iv, run, lanes);
        for (auto [s, bits] : llvm::enumerate(slices)) {
          Value off = arith::AddIOp::create(rewriter, loc, iv,
                                            index(rewriter, s * lanes));
          outs = applyBody(rewriter, off, index(rewriter, s * lanes), lanes,
                           bits, outs);
        }
      }
      rewriter.setInsertionPointToStart(loop.getTerminator().getBody());
      for (auto [slice, shared] : llvm::zip(outs, loop.getRegionIterArgs()))
        tensor::ParallelInsertSliceOp::create(rewriter, loc, slice, shared,
                                              offsets, sizes, strides);
    }
    SmallVector<Value> results(loop.getResults());
    if (whole < n) {
      // The last elements: one straight-line run on vector<rest x T>.
      int64_t rest = n - whole;
      Value off = index(rewriter, whole);
      results = applyBody(rewriter, off, off, rest,
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
