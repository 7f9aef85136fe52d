//===- OutlineLoopNests.cpp - One function per top-level loop nest --------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md.
//
// Every scf.for or scf.parallel directly in a function's body is wrapped in an
// scf.execute_region, the constants it uses are cloned into it, and the
// region is outlined with upstream's outlineSingleBlockRegion into a
// private function marked `noinline` for LLVM, so that LLVM compiles each loop
// nest as a function of its own.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_OUTLINELOOPNESTS
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// Wraps `loop` in an scf.execute_region that yields its results, with the
/// constants it uses cloned inside, and returns the region.
static Region &wrap(RewriterBase &rewriter, Operation *loop) {
  Location loc = loop->getLoc();
  rewriter.setInsertionPoint(loop);
  auto exec =
      scf::ExecuteRegionOp::create(rewriter, loc, loop->getResultTypes());
  Block *block = rewriter.createBlock(&exec.getRegion());
  rewriter.moveOpBefore(loop, block, block->end());
  rewriter.setInsertionPointToEnd(block);
  auto yield = scf::YieldOp::create(rewriter, loc, loop->getResults());
  for (auto [from, to] : llvm::zip(loop->getResults(), exec->getResults()))
    rewriter.replaceUsesWithIf(from, to, [&](OpOperand &use) {
      return use.getOwner() != yield.getOperation();
    });
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(exec.getRegion(), captured);
  rewriter.setInsertionPointToStart(block);
  for (Value v : captured) {
    Operation *def = v.getDefiningOp();
    if (!def || !def->hasTrait<OpTrait::ConstantLike>())
      continue;
    Operation *copy = rewriter.clone(*def);
    rewriter.replaceUsesWithIf(v, copy->getResult(0), [&](OpOperand &use) {
      return exec.getRegion().isAncestor(use.getOwner()->getParentRegion());
    });
  }
  return exec.getRegion();
}

struct OutlineLoopNestsPass
    : public mlir::bf16::impl::OutlineLoopNestsBase<OutlineLoopNestsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isDeclaration() || !func.getBody().hasOneBlock())
        continue;
      // Sequential and parallel nests alike (bf16-parallelize-loops leaves
      // the nests worth threads as scf.parallel).
      SmallVector<Operation *> loops;
      for (Operation &op : func.getBody().front())
        if (isa<scf::ForOp, scf::ParallelOp>(op))
          loops.push_back(&op);
      for (auto [i, loop] : llvm::enumerate(loops)) {
        Region &region = wrap(rewriter, loop);
        std::string name = (func.getSymName() + "_loop" + Twine(i)).str();
        while (symbols.lookup(name))
          name += "_";
        Operation *exec = region.getParentOp();
        func::CallOp call;
        FailureOr<func::FuncOp> outlined = mlir::outlineSingleBlockRegion(
            rewriter, loop->getLoc(), region, name, &call);
        if (failed(outlined)) {
          loop->emitError("bf16-outline-loop-nests: could not outline this "
                          "loop nest");
          return signalPassFailure();
        }
        // The wrapper now holds the call only: put the call in its place.
        rewriter.moveOpBefore(call, exec);
        rewriter.replaceOp(exec, call->getResults());
        outlined->setPrivate();
        // (func.func's own `no_inline` does not survive func-to-llvm;
        // `passthrough` becomes the LLVM function attribute as is.)
        (*outlined)->setAttr(
            "passthrough",
            rewriter.getArrayAttr({rewriter.getStringAttr("noinline")}));
        symbols.insert(*outlined);
      }
    }
  }
};
} // namespace
