//===- InitAll.h - Register everything of bf16-opt --------------*- C++ -*-===//
//
// Part of bf16-opt. Shared by bf16-opt, the mlir-opt plugin and the unit
// tests so that they all see the same dialects and passes.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_INITALL_H
#define BF16_INITALL_H

namespace mlir {
class DialectRegistry;
namespace bf16 {

/// Inserts the dialects defined by bf16-opt (today: lowp).
void registerDialects(DialectRegistry &registry);

/// Registers every pass and pipeline defined by bf16-opt.
void registerPasses();

} // namespace bf16
} // namespace mlir

#endif // BF16_INITALL_H
