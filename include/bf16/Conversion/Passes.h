//===- Passes.h - bf16-opt dialect conversions ------------------*- C++ -*-===//
//
// Part of bf16-opt. The dialect conversions (declared in Passes.td), one
// header per conversion, and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_PASSES_H
#define BF16_CONVERSION_PASSES_H

#include "bf16/Conversion/LowpToArith/LowpToArith.h"
#include "bf16/Conversion/LowpToX86/LowpToX86.h"
#include "bf16/Conversion/RandomBitsToVector/RandomBitsToVector.h"
#include "bf16/Conversion/TruncFToLowp/TruncFToLowp.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace bf16 {

#define GEN_PASS_REGISTRATION
#include "bf16/Conversion/Passes.h.inc"

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_PASSES_H
