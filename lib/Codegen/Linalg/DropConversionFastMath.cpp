//===- DropConversionFastMath.cpp - No fast-math on extf/truncf -----------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_DROPCONVERSIONFASTMATH
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct DropConversionFastMathPass
    : public bf16::impl::DropConversionFastMathBase<
          DropConversionFastMathPass> {
  void runOnOperation() override {
    // Unset (not `none`): a set attribute, whatever its value, is copied.
    getOperation().walk([&](Operation *op) {
      if (auto ext = dyn_cast<arith::ExtFOp>(op))
        ext.getProperties().fastmath = nullptr;
      else if (auto trunc = dyn_cast<arith::TruncFOp>(op))
        trunc.getProperties().fastmath = nullptr;
    });
  }
};
} // namespace
