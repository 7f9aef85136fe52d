//===- EmitCInterface.cpp - C interfaces for public functions -------------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_EMITCINTERFACE
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct EmitCInterfacePass
    : public bf16::impl::EmitCInterfaceBase<EmitCInterfacePass> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    for (auto f : getOperation().getOps<func::FuncOp>())
      if (f.isPublic() && !f.isDeclaration())
        f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
  }
};
} // namespace
