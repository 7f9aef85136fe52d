//===- GeneralizeNarrowNamedOps.cpp - Generalize bf16-computing named ops -===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_GENERALIZENARROWNAMEDOPS
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct GeneralizeNarrowNamedOpsPass
    : public bf16::impl::GeneralizeNarrowNamedOpsBase<
          GeneralizeNarrowNamedOpsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> named;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::GenericOp>(op) || op->getNumRegions() != 1)
        return;
      bool narrow = false;
      op->getRegion(0).walk([&](Operation *inner) {
        if (isa_and_nonnull<arith::ArithDialect>(inner->getDialect()) &&
            !isa<arith::ExtFOp, arith::TruncFOp>(inner))
          for (Type t : inner->getResultTypes())
            narrow |= isa<FloatType>(t) && t.getIntOrFloatBitWidth() < 32;
      });
      if (narrow)
        named.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op)))
        return signalPassFailure();
    }
  }
};
} // namespace
