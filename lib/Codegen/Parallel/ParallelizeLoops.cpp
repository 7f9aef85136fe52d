//===- ParallelizeLoops.cpp - Choose the loops that run on threads --------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Threads.md.
//
// Codegen marks independent iterations with scf.parallel / scf.forall; this
// pass keeps, per loop nest, the outermost parallel loop whose work pays for
// a parallel region and turns every other one into scf.for loops.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// Trip count of one loop dimension; loops with dynamic bounds count as
/// `kUnknownTrips` iterations.
constexpr int64_t kUnknownTrips = 16;

static int64_t satMul(int64_t x, int64_t y) {
  int64_t r;
  return __builtin_mul_overflow(x, y, &r) ? INT64_MAX : r;
}
static int64_t satAdd(int64_t x, int64_t y) {
  int64_t r;
  return __builtin_add_overflow(x, y, &r) ? INT64_MAX : r;
}

static int64_t tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb);
  std::optional<int64_t> u = getConstantIntValue(ub);
  std::optional<int64_t> s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return kUnknownTrips;
  return *u <= *l ? 0 : (*u - *l + *s - 1) / *s;
}

static int64_t tripCount(scf::ParallelOp op) {
  int64_t n = 1;
  for (auto [lb, ub, step] :
       llvm::zip(op.getLowerBound(), op.getUpperBound(), op.getStep()))
    n = satMul(n, tripCount(lb, ub, step));
  return n;
}

/// Operations executed by one run of `block`, nested loops counted with
/// their trip counts (saturating).
static int64_t work(Block &block) {
  int64_t total = 0;
  for (Operation &op : block) {
    int64_t inner = 0;
    for (Region &region : op.getRegions())
      for (Block &b : region)
        inner = satAdd(inner, work(b));
    if (auto loop = dyn_cast<scf::ForOp>(op))
      inner = satMul(inner, tripCount(loop.getLowerBound(),
                                      loop.getUpperBound(), loop.getStep()));
    else if (auto par = dyn_cast<scf::ParallelOp>(op))
      inner = satMul(inner, tripCount(par));
    total = satAdd(total, satAdd(inner, 1));
  }
  return total;
}

struct ParallelizeLoopsPass
    : public mlir::bf16::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (threads < 0 || minWork < 1) {
      getOperation()->emitError()
          << "bf16-parallelize-loops: "
          << (threads < 0
                  ? "threads=" + std::to_string(threads) + " must be at least 0"
                  : "min-work=" + std::to_string(minWork) +
                        " must be at least 1");
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    // Bufferized scf.forall loops (no shared outputs) are scf.parallel
    // loops.
    SmallVector<scf::ForallOp> foralls;
    getOperation().walk([&](scf::ForallOp op) { foralls.push_back(op); });
    for (scf::ForallOp op : foralls) {
      if (!op.getOutputs().empty() ||
          failed(scf::forallToParallelLoop(rewriter, op))) {
        op.emitError("bf16-parallelize-loops: an scf.forall with shared "
                     "outputs (tensors) must be bufferized first");
        return signalPassFailure();
      }
    }
    if (failed(visit(rewriter, getOperation().getBody())))
      signalPassFailure();
  }

  /// Serializes `op` into nested scf.for loops and returns the outermost.
  FailureOr<Operation *> serialize(RewriterBase &rewriter, scf::ParallelOp op) {
    if (op.getNumReductions() != 0) {
      op.emitError("bf16-parallelize-loops: scf.parallel with reductions is "
                   "not supported (the order of the partial results would "
                   "depend on the threads)");
      return failure();
    }
    FailureOr<scf::LoopNest> nest = scf::parallelForToNestedFors(rewriter, op);
    if (failed(nest) || nest->loops.empty()) {
      op.emitError("bf16-parallelize-loops: could not serialize this loop");
      return failure();
    }
    return nest->loops.front().getOperation();
  }

  /// Serializes every scf.parallel nested in `op`.
  LogicalResult serializeNested(RewriterBase &rewriter, Operation *op) {
    SmallVector<scf::ParallelOp> nested;
    op->walk([&](scf::ParallelOp p) {
      if (p != op)
        nested.push_back(p);
    });
    // (walk is post-order: inner loops are serialized first.)
    for (scf::ParallelOp p : nested)
      if (failed(serialize(rewriter, p)))
        return failure();
    return success();
  }

  LogicalResult visit(RewriterBase &rewriter, Region &region) {
    for (Block &block : region) {
      for (Operation &op : llvm::make_early_inc_range(block)) {
        auto par = dyn_cast<scf::ParallelOp>(op);
        if (par && threads != 1 && par.getNumReductions() == 0 &&
            tripCount(par) >= 2 &&
            satMul(tripCount(par), work(*par.getBody())) >= minWork) {
          if (failed(serializeNested(rewriter, par)))
            return failure();
          continue;
        }
        Operation *inner = &op;
        if (par) {
          rewriter.setInsertionPoint(par);
          FailureOr<Operation *> loop = serialize(rewriter, par);
          if (failed(loop))
            return failure();
          inner = *loop;
        }
        for (Region &r : inner->getRegions())
          if (failed(visit(rewriter, r)))
            return failure();
      }
    }
    return success();
  }
};
} // namespace
