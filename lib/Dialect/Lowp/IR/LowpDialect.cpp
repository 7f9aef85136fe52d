//===- LowpDialect.cpp - lowp dialect registration -------------------------===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::lowp;

#include "bf16/Dialect/Lowp/IR/LowpOpsDialect.cpp.inc"
#include "bf16/Dialect/Lowp/IR/LowpEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "bf16/Dialect/Lowp/IR/LowpAttrs.cpp.inc"

void LowpDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "bf16/Dialect/Lowp/IR/LowpAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "bf16/Dialect/Lowp/IR/LowpOps.cpp.inc"
      >();
}

Operation *LowpDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  if (!arith::ConstantOp::isBuildableWith(typed, type))
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}

bool mlir::lowp::isSupportedNarrowType(Type t) { return t.isBF16(); }
bool mlir::lowp::isSupportedWideType(Type t) { return t.isF32(); }
StringRef mlir::lowp::supportedNarrowTypesDescription() {
  return "bf16 (f16 and f8 formats are planned but not supported yet)";
}
