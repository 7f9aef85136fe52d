//===- FreeTemporaries.cpp - dealloc after the last use -------------------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md (stage 9).
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_FREETEMPORARIES
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
/// The last op of the alloc's block that uses the buffer or an alias of it,
/// or null when the buffer escapes (returned, yielded, already freed).
Operation *lastUseInBlock(memref::AllocOp alloc) {
  Block *block = alloc->getBlock();
  Operation *last = alloc;
  SmallVector<Value> work{alloc.getResult()};
  llvm::SmallPtrSet<Value, 8> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::DeallocOp>(user))
        return nullptr;
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()))
          work.push_back(r);
      Operation *anc = block->findAncestorOpInBlock(*user);
      if (!anc)
        return nullptr;
      if (last->isBeforeInBlock(anc))
        last = anc;
    }
  }
  return last;
}

struct FreeTemporariesPass
    : public mlir::bf16::impl::FreeTemporariesBase<FreeTemporariesPass> {
  void runOnOperation() override {
    SmallVector<std::pair<memref::AllocOp, Operation *>> frees;
    getOperation().walk([&](memref::AllocOp alloc) {
      if (Operation *last = lastUseInBlock(alloc))
        frees.push_back({alloc, last});
    });
    for (auto [alloc, last] : frees) {
      OpBuilder b(last->getContext());
      b.setInsertionPointAfter(last);
      memref::DeallocOp::create(b, alloc.getLoc(), alloc.getResult());
    }
  }
};
} // namespace
