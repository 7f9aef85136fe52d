//===- VerifyNarrow.cpp - Prove that the IR is BF16-only ------------------===//
//
// Part of bf16-opt. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Training/Passes.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_VERIFYNARROW
#include "bf16/Training/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

/// The wide float type found in `t`, if any (anything but the narrow type).
std::optional<Type> wideFloatIn(Type t, Type narrow) {
  std::optional<Type> found;
  t.walk([&](FloatType f) {
    if (f != narrow)
      found = f;
  });
  return found;
}

bool isAccumulator(Operation *op) {
  auto l = dyn_cast_or_null<linalg::LinalgOp>(op);
  return l && l.getNumReductionLoops() > 0;
}

/// Whether every user of `v` is an accumulator reading it as an init.
bool feedsOnlyAccumulatorInits(Value v) {
  return !v.use_empty() && llvm::all_of(v.getUses(), [](OpOperand &use) {
    auto l = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (l && isAccumulator(l))
      return l.isDpsInit(&use);
    // The f32 fill of an accumulator's init.
    auto fill = dyn_cast<linalg::FillOp>(use.getOwner());
    return fill && feedsOnlyAccumulatorInits(fill.getResult(0));
  });
}

struct VerifyNarrowPass
    : public mlir::bf16::impl::VerifyNarrowBase<VerifyNarrowPass> {
  using Base::Base;

  bool allowed(Operation *op) const {
    // lowp ops name their wide operands explicitly (lowp.round's input,
    // lowp.sr_add's f32 update); so do the widenings that feed only them.
    auto isLowp = [](Operation *user) {
      return isa_and_nonnull<lowp::LowpDialect>(user->getDialect());
    };
    if (isLowp(op))
      return true;
    if (isa<arith::ExtFOp, arith::ConstantOp>(op) && !op->use_empty() &&
        llvm::all_of(op->getUsers(), isLowp))
      return true;
    if (!allowAccumulators)
      return false;
    if (isAccumulator(op))
      return true;
    // Inside a linalg body: allowed when the linalg op is.
    if (auto parent = op->getParentOfType<linalg::LinalgOp>())
      return allowed(parent);
    if (isa<tensor::EmptyOp, linalg::FillOp, arith::ExtFOp, arith::ConstantOp>(
            op))
      return op->getNumResults() == 1 &&
             feedsOnlyAccumulatorInits(op->getResult(0));
    if (auto trunc = dyn_cast<arith::TruncFOp>(op))
      return isAccumulator(trunc.getIn().getDefiningOp());
    return false;
  }

  bool inLinalgBody(Operation *op) const {
    return op->getParentOfType<linalg::LinalgOp>() != nullptr;
  }

  void runOnOperation() override {
    Type narrow = BFloat16Type::get(&getContext());
    bool failedAny = false;
    getOperation().walk([&](Operation *op) {
      std::optional<Type> wide;
      auto scan = [&](TypeRange types) {
        for (Type t : types)
          if (!wide)
            wide = wideFloatIn(t, narrow);
      };
      scan(op->getResultTypes());
      scan(op->getOperandTypes());
      if (auto f = dyn_cast<FunctionOpInterface>(op)) {
        scan(f.getArgumentTypes());
        scan(f.getResultTypes());
      }
      if (!wide || allowed(op) || (allowF32InBodies && inLinalgBody(op)))
        return;
      // A constant (hoisted and shared by canonicalization/CSE) whose every
      // user is allowed to read f32.
      if (isa<arith::ConstantOp>(op) && !op->use_empty() &&
          llvm::all_of(op->getUsers(), [&](Operation *u) {
            return (allowF32InBodies && inLinalgBody(u)) ||
                   (allowAccumulators && isa<linalg::FillOp>(u) &&
                    feedsOnlyAccumulatorInits(u->getResult(0)));
          }))
        return;
      // Block arguments of linalg bodies are checked through their ops.
      op->emitError() << "'" << op->getName() << "' still uses " << *wide
                      << ": the IR is not " << narrow << "-only";
      failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
