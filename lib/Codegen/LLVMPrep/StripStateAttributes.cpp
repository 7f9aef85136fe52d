//===- StripStateAttributes.cpp - Drop the lowp ABI attributes ------------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_STRIPSTATEATTRIBUTES
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {
struct StripStateAttributesPass
    : public bf16::impl::StripStateAttributesBase<StripStateAttributesPass> {
  void runOnOperation() override {
    Dialect *lowp = getContext().getLoadedDialect("lowp");
    auto strip = [&](DictionaryAttr dict) -> DictionaryAttr {
      if (!dict || !lowp)
        return dict;
      SmallVector<NamedAttribute> kept;
      for (NamedAttribute a : dict)
        if (a.getNameDialect() != lowp)
          kept.push_back(a);
      return DictionaryAttr::get(&getContext(), kept);
    };
    getOperation().walk([&](func::FuncOp f) {
      for (unsigned i = 0; i < f.getNumArguments(); ++i)
        f.setArgAttrs(i, strip(f.getArgAttrDict(i)));
      for (unsigned k = 0; k < f.getNumResults(); ++k)
        f.setResultAttrs(k, strip(f.getResultAttrDict(k)));
    });
  }
};
} // namespace
