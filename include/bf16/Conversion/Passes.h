//===- Passes.h - bf16-opt conversion passes --------------------*- C++ -*-===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_PASSES_H
#define BF16_CONVERSION_PASSES_H

#include "bf16/Conversion/LowpToArith/LowpToArith.h"

namespace mlir {
namespace bf16 {

#define GEN_PASS_REGISTRATION
#include "bf16/Conversion/Passes.h.inc"

} // namespace bf16
} // namespace mlir

#endif // BF16_CONVERSION_PASSES_H
