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
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/VectorInterfaces.h"

#include "bf16/Dialect/Lowp/IR/LowpOpsDialect.h.inc"
#include "bf16/Dialect/Lowp/IR/LowpEnums.h.inc"

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

} // namespace lowp
} // namespace mlir

#endif // BF16_DIALECT_LOWP_IR_LOWPDIALECT_H
