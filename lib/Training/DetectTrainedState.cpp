//===- DetectTrainedState.cpp - Find and tie the trained state ------------===//
//
// Part of bf16-opt. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Training/Passes.h"
#include "bf16/Training/TrainedState.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_DETECTTRAINEDSTATE
#include "bf16/Training/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using namespace mlir::bf16;

namespace {

/// What flows forward from one argument: the results it reaches and whether
/// it passes through a contraction/reduction.
struct Reach {
  llvm::BitVector results;
  bool throughReduction = false;
};

Reach computeReach(func::FuncOp func, func::ReturnOp ret, Value arg) {
  Reach reach;
  reach.results.resize(ret.getNumOperands());
  Block &body = func.getBody().front();
  llvm::DenseSet<Operation *> visited;
  SmallVector<Value> work{arg};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *top = body.findAncestorOpInBlock(*use.getOwner());
      if (!top)
        continue;
      if (top == ret.getOperation()) {
        reach.results.set(use.getOperandNumber());
        continue;
      }
      if (!visited.insert(top).second)
        continue;
      if (auto l = dyn_cast<linalg::LinalgOp>(top))
        reach.throughReduction |= l.getNumReductionLoops() > 0;
      llvm::append_range(work, top->getResults());
    }
  }
  return reach;
}

struct DetectTrainedStatePass
    : public bf16::impl::DetectTrainedStateBase<DetectTrainedStatePass> {
  using Base::Base;

  void runOnOperation() override {
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (failed(annotate(func)))
        failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }

  LogicalResult annotate(func::FuncOp func) {
    if (func.isDeclaration())
      return success();
    func::ReturnOp ret = getSingleReturn(func);
    unsigned numArgs = func.getNumArguments();
    unsigned numResults = func.getNumResults();
    if (!ret) {
      bool annotated = false;
      for (unsigned i = 0; i < numArgs; ++i)
        annotated |= !getRole(func, i).empty();
      for (unsigned k = 0; k < numResults; ++k)
        annotated |= getTiedArgument(func, k) >= 0;
      if (annotated)
        return func.emitError()
               << "trained-state detection needs a single-block function "
                  "body ending in func.return";
      return success();
    }

    SmallVector<int64_t> tiedResultOf(numArgs, -1); // arg -> result
    SmallVector<int64_t> tiedArgOf(numResults, -1); // result -> arg
    SmallVector<Operation *> updateOpOf(numResults, nullptr);
    auto tie = [&](unsigned k, unsigned a) -> LogicalResult {
      if (tiedResultOf[a] >= 0)
        return ret.emitError()
               << "ambiguous tie: argument #" << a << " is updated by both "
               << "result #" << tiedResultOf[a] << " and result #" << k
               << "; set " << kTiedToAttr << " on one of them and " << kRoleAttr
               << " = #lowp<role input> where needed";
      tiedResultOf[a] = k;
      tiedArgOf[k] = a;
      return success();
    };

    for (unsigned k = 0; k < numResults; ++k) {
      Value returned = ret.getOperand(k);
      int64_t explicitArg = getTiedArgument(func, k);
      SmallVector<UpdateMatch> matches;
      SmallVector<BlockArgument> args;
      findUpdateCandidates(returned, matches, args);
      if (explicitArg >= 0) {
        if (getRole(func, explicitArg) == kRoleInput)
          return ret.emitError()
                 << "result #" << k << " is tied to argument #" << explicitArg
                 << ", which is marked " << kRoleAttr << " = #lowp<role input>";
        if (failed(tie(k, explicitArg)))
          return failure();
        for (auto [m, a] : llvm::zip(matches, args))
          if (a.getArgNumber() == explicitArg)
            updateOpOf[k] = m.op;
        continue;
      }
      // Drop arguments explicitly marked as inputs.
      SmallVector<std::pair<UpdateMatch, BlockArgument>> candidates;
      for (auto [m, a] : llvm::zip(matches, args))
        if (getRole(func, a.getArgNumber()) != kRoleInput)
          candidates.push_back({m, a});
      if (candidates.empty())
        continue;
      if (candidates.size() > 1) {
        InFlightDiagnostic diag = ret.emitError()
                                  << "ambiguous tie: result #" << k
                                  << " is an add/sub whose operands carry ";
        llvm::interleave(
            candidates, diag,
            [&](auto &c) { diag << "argument #" << c.second.getArgNumber(); },
            " and ");
        diag << "; set " << kTiedToAttr << " = <argument index> on the result "
             << "or " << kRoleAttr
             << " = #lowp<role input> on the other arguments";
        diag.attachNote(candidates.front().first.op->getLoc())
            << "the update op";
        return failure();
      }
      if (failed(tie(k, candidates.front().second.getArgNumber())))
        return failure();
      updateOpOf[k] = candidates.front().first.op;
    }

    // Roles.
    bool anyUntied = llvm::any_of(tiedArgOf, [](int64_t a) { return a < 0; });
    MLIRContext *ctx = func.getContext();
    for (unsigned a = 0; a < numArgs; ++a) {
      StringRef role = getRole(func, a);
      if (tiedResultOf[a] < 0) {
        if (!role.empty() && role != kRoleInput)
          return func.emitError()
                 << "argument #" << a << " is marked " << kRoleAttr
                 << " = #lowp<role " << role
                 << "> but no result updates it; add " << kTiedToAttr << " = "
                 << a << " to the result that does";
        lowp::setArgRole(func, a, lowp::ArgRole::Input);
        continue;
      }
      if (role.empty()) {
        Reach reach = computeReach(func, ret, func.getArgument(a));
        bool feedsLoss = false;
        for (unsigned k = 0; k < numResults; ++k)
          feedsLoss |= tiedArgOf[k] < 0 && reach.results.test(k);
        bool isParam = anyUntied ? feedsLoss : reach.throughReduction;
        lowp::ArgRole r =
            isParam ? lowp::ArgRole::Param : lowp::ArgRole::OptimizerState;
        lowp::setArgRole(func, a, r);
        role = lowp::stringify(r);
      }
      unsigned k = tiedResultOf[a];
      func.setResultAttr(k, kTiedToAttr,
                         IntegerAttr::get(IntegerType::get(ctx, 64), a));
      if (emitRemarks) {
        InFlightDiagnostic remark =
            emitRemark(func.getArgument(a).getLoc())
            << "trained state: argument #" << a << " of @" << func.getName()
            << " is "
            << (role == kRoleParam ? "a parameter" : "optimizer state")
            << ", updated by result #" << k;
        if (Operation *update = updateOpOf[k]) {
          remark << " through '" << update->getName() << "'";
          remark.attachNote(update->getLoc()) << "update op";
        } else {
          remark << " (explicit tie; no add/sub update op found)";
        }
      }
    }
    return success();
  }
};

} // namespace
