//===- LowpDialect.cpp - lowp dialect registration ------------------------===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::lowp;

#include "bf16/Dialect/Lowp/IR/LowpEnums.cpp.inc"
#include "bf16/Dialect/Lowp/IR/LowpOpsDialect.cpp.inc"

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

Operation *LowpDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
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

//===----------------------------------------------------------------------===//
// Trained-state ABI attributes
//===----------------------------------------------------------------------===//

/// "#lowp<mnemonic a>, #lowp<mnemonic b> or ..." for every value of
/// the enum, up to `maxValue`.
template <typename EnumT>
static std::string oneOf(StringRef mnemonic, uint64_t maxValue) {
  std::string out;
  for (uint64_t v = 0; v <= maxValue; ++v) {
    if (v)
      out += v == maxValue ? " or " : ", ";
    out += ("#lowp<" + mnemonic + " " + stringify(static_cast<EnumT>(v)) + ">")
               .str();
  }
  return out;
}

std::optional<ArgRole> mlir::lowp::getArgRole(FunctionOpInterface func,
                                              unsigned arg) {
  auto a = func.getArgAttrOfType<ArgRoleAttr>(arg, kRoleAttrName);
  return a ? std::optional<ArgRole>(a.getValue()) : std::nullopt;
}

void mlir::lowp::setArgRole(FunctionOpInterface func, unsigned arg,
                            ArgRole role) {
  func.setArgAttr(arg, kRoleAttrName,
                  ArgRoleAttr::get(func->getContext(), role));
}

std::optional<StateKind> mlir::lowp::getArgStateKind(FunctionOpInterface func,
                                                     unsigned arg) {
  auto a = func.getArgAttrOfType<StateKindAttr>(arg, kStateAttrName);
  return a ? std::optional<StateKind>(a.getValue()) : std::nullopt;
}

std::optional<StateKind>
mlir::lowp::getResultStateKind(FunctionOpInterface func, unsigned result) {
  auto a = func.getResultAttrOfType<StateKindAttr>(result, kStateAttrName);
  return a ? std::optional<StateKind>(a.getValue()) : std::nullopt;
}

NamedAttribute mlir::lowp::getStateKindNamedAttr(MLIRContext *ctx,
                                                 StateKind kind) {
  return NamedAttribute(StringAttr::get(ctx, kStateAttrName),
                        StateKindAttr::get(ctx, kind));
}

std::optional<int64_t> mlir::lowp::getResultTiedTo(FunctionOpInterface func,
                                                   unsigned result) {
  auto i = func.getResultAttrOfType<IntegerAttr>(result, kTiedToAttrName);
  return i ? std::optional<int64_t>(i.getInt()) : std::nullopt;
}

/// Checks the attributes shared by arguments and results. `count` is the
/// number of arguments of the function (for index checks).
static LogicalResult verifyStateAttr(Operation *op, NamedAttribute attr,
                                     unsigned numArgs, StringRef where) {
  StringRef name = attr.getName().getValue();
  auto emit = [&]() {
    return op->emitOpError() << where << " attribute '" << name << "' ";
  };
  if (name == kStateAttrName) {
    if (!isa<StateKindAttr>(attr.getValue()))
      return emit() << "must be "
                    << oneOf<StateKind>("state", getMaxEnumValForStateKind());
    return success();
  }
  if (name == kStateOfAttrName || name == kTiedToAttrName ||
      name == kUpdateStatsOfAttrName) {
    auto i = dyn_cast<IntegerAttr>(attr.getValue());
    if (!i || !i.getType().isInteger())
      return emit() << "must be an integer argument index";
    if (i.getValue().isNegative() || i.getValue().uge(numArgs))
      return emit() << "names argument " << i << " but the function has "
                    << numArgs << " argument(s)";
    return success();
  }
  return op->emitOpError() << "unknown lowp " << where << " attribute '" << name
                           << "'";
}

static unsigned numFunctionArgs(Operation *op) {
  if (auto f = dyn_cast<FunctionOpInterface>(op))
    return f.getNumArguments();
  return 0;
}

LogicalResult LowpDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                    unsigned,
                                                    NamedAttribute attr) {
  if (attr.getName().getValue() == kRoleAttrName) {
    if (!isa<ArgRoleAttr>(attr.getValue()))
      return op->emitOpError()
             << "argument attribute '" << kRoleAttrName << "' must be "
             << oneOf<ArgRole>("role", getMaxEnumValForArgRole());
    return success();
  }
  for (StringRef resultOnly : {kTiedToAttrName, kUpdateStatsOfAttrName})
    if (attr.getName().getValue() == resultOnly)
      return op->emitOpError()
             << "'" << resultOnly << "' belongs on a result, not an argument";
  return verifyStateAttr(op, attr, numFunctionArgs(op), "argument");
}

LogicalResult LowpDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                       unsigned result,
                                                       NamedAttribute attr) {
  if (attr.getName().getValue() == kRoleAttrName)
    return op->emitOpError()
           << "'" << kRoleAttrName << "' belongs on an argument, not a result";
  if (attr.getName().getValue() == kUpdateStatsOfAttrName)
    if (auto f = dyn_cast<FunctionOpInterface>(op)) {
      Type i64 = IntegerType::get(op->getContext(), 64);
      if (f.getResultTypes()[result] != RankedTensorType::get({2}, i64))
        return op->emitOpError()
               << "result attribute '" << kUpdateStatsOfAttrName
               << "' needs a tensor<2xi64> result, not "
               << f.getResultTypes()[result];
    }
  return verifyStateAttr(op, attr, numFunctionArgs(op), "result");
}
