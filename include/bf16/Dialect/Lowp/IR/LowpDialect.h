//===- LowpDialect.h - The lowp dialect -------------------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_DIALECT_LOWP_IR_LOWPDIALECT_H
#define BF16_DIALECT_LOWP_IR_LOWPDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/VectorInterfaces.h"

#include "bf16/Dialect/Lowp/IR/LowpEnums.h.inc"
#include "bf16/Dialect/Lowp/IR/LowpOpsDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "bf16/Dialect/Lowp/IR/LowpAttrs.h.inc"

#define GET_OP_CLASSES
#include "bf16/Dialect/Lowp/IR/LowpOps.h.inc"

namespace mlir {
namespace lowp {

/// The float formats the dialect can narrow to. Today only bf16; the dialect
/// is written against this predicate so that f16/f8 can be added in one place.
bool isSupportedNarrowType(Type elementType);

/// The wide (source) float formats. Today only f32.
bool isSupportedWideType(Type elementType);

/// A human-readable list of the supported narrow formats, for diagnostics.
StringRef supportedNarrowTypesDescription();

/// Names of the trained-state ABI attributes (docs/TrainingABI.md). The
/// dialect verifies them on function arguments and results; their values
/// are spelled once, in the ArgRole and StateKind tables below, and read
/// through the typed accessors that follow.
/// Argument: an ArgRole.
inline constexpr llvm::StringLiteral kRoleAttrName = "lowp.role";
/// Result: index of the argument whose new value the result is.
inline constexpr llvm::StringLiteral kTiedToAttrName = "lowp.tied_to";
/// Added argument/result: a StateKind.
inline constexpr llvm::StringLiteral kStateAttrName = "lowp.state";
/// Added argument/result: the argument the added state belongs to.
inline constexpr llvm::StringLiteral kStateOfAttrName = "lowp.state_of";
/// Added result (`tensor<2xi64>`, bf16-count-cancelled-updates): the update
/// counts [non-zero, cancelled] of the argument this names.
inline constexpr llvm::StringLiteral kUpdateStatsOfAttrName =
    "lowp.update_stats_of";

/// The spellings of the ABI enums (`ArgRole`, `StateKind`: ODS enum
/// attributes `#lowp<role ...>`, `#lowp<state ...>`, see LowpOps.td).
inline llvm::StringRef stringify(ArgRole value) {
  return stringifyArgRole(value);
}
inline llvm::StringRef stringify(StateKind value) {
  return stringifyStateKind(value);
}

/// Typed accessors of the ABI attributes (std::nullopt when absent; the
/// dialect verifier rejects values of another attribute kind).
std::optional<ArgRole> getArgRole(FunctionOpInterface func, unsigned arg);
void setArgRole(FunctionOpInterface func, unsigned arg, ArgRole role);
std::optional<StateKind> getArgStateKind(FunctionOpInterface func,
                                         unsigned arg);
std::optional<StateKind> getResultStateKind(FunctionOpInterface func,
                                            unsigned result);
std::optional<int64_t> getResultTiedTo(FunctionOpInterface func,
                                       unsigned result);
/// The `lowp.state = #lowp<state kind>` attribute.
NamedAttribute getStateKindNamedAttr(MLIRContext *ctx, StateKind kind);

} // namespace lowp
} // namespace mlir

#endif // BF16_DIALECT_LOWP_IR_LOWPDIALECT_H
