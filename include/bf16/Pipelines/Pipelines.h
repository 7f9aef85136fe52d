//===- Pipelines.h - bf16-opt pass pipelines --------------------*- C++ -*-===//
//
// Part of bf16-opt. Pipeline builders that other MLIR tools can call on their
// own OpPassManager, plus their registration for bf16-opt / the plugin.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_PIPELINES_PIPELINES_H
#define BF16_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace bf16 {

/// Options of the `lowp-emulated-to-llvm` pipeline.
struct EmulatedToLLVMOptions
    : public PassPipelineOptions<EmulatedToLLVMOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Attach llvm.emit_c_interface to every public function "
                     "so that it gets a _mlir_ciface_ wrapper"),
      llvm::cl::init(false)};
};

/// Builds the portable lowering of a module that uses lowp ops on tensors,
/// vectors or scalars down to the LLVM dialect: convert-lowp-to-arith, then
/// one-shot bufferization across function boundaries (identity-layout
/// memrefs), linalg to loops, and the upstream conversions to LLVM. No
/// target-specific instruction is used, so the result runs on any x86-64.
/// Issue 4 adds the AVX512-BF16 pipeline next to it.
void buildEmulatedToLLVMPipeline(OpPassManager &pm,
                                 const EmulatedToLLVMOptions &options);

/// Registers every pipeline of this file with the global registry.
void registerPipelines();

} // namespace bf16
} // namespace mlir

#endif // BF16_PIPELINES_PIPELINES_H
