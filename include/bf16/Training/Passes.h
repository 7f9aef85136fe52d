//===- Passes.h - bf16-opt training passes -------------*- C++ -*-===//
//
// Part of bf16-opt. The passes that rewrite an FP32 training step into
// BF16-only IR (declared in Passes.td; one file per pass in lib/Training).
//
//===----------------------------------------------------------------------===//

#ifndef BF16_TRAINING_PASSES_H
#define BF16_TRAINING_PASSES_H

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Training/Options.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace bf16 {

#define GEN_PASS_DECL
#include "bf16/Training/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bf16/Training/Passes.h.inc"

} // namespace bf16
} // namespace mlir

#endif // BF16_TRAINING_PASSES_H
