//===- UpdateInPlace.cpp - returned updates write into their argument -----===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md (stage 8).
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_UPDATEINPLACE
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct UpdateInPlacePass
    : public mlir::bf16::impl::UpdateInPlaceBase<UpdateInPlacePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isDeclaration())
      return;
    llvm::SmallPtrSet<Value, 8> chosen;
    func.walk([&](func::ReturnOp ret) {
      for (Value v : ret.getOperands()) {
        auto op = v.getDefiningOp<linalg::LinalgOp>();
        if (!op || !op.hasPureTensorSemantics())
          continue;
        OpOperand *init =
            op.getDpsInitOperand(cast<OpResult>(v).getResultNumber());
        if (!init->get().getDefiningOp<tensor::EmptyOp>())
          continue;
        AffineMap outMap = op.getMatchingIndexingMap(init);
        for (OpOperand *input : op.getDpsInputOperands()) {
          auto arg = dyn_cast<BlockArgument>(input->get());
          if (!arg || arg.getOwner()->getParentOp() != func ||
              arg.getType() != v.getType() || chosen.contains(arg) ||
              op.getMatchingIndexingMap(input) != outMap)
            continue;
          init->set(arg);
          chosen.insert(arg);
          break;
        }
      }
    });
  }
};
} // namespace
