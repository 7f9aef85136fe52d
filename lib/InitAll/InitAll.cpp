//===- InitAll.cpp - Register everything of bf16-opt ----------------------===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"
#include "bf16/Codegen/Passes.h"
#include "bf16/Conversion/Passes.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Pipelines/Pipelines.h"
#include "bf16/Training/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::bf16::registerDialects(DialectRegistry &registry) {
  registry.insert<lowp::LowpDialect>();
}

void mlir::bf16::registerPasses() {
  registerBF16ConversionPasses();
  registerBF16TrainingPasses();
  registerBF16CodegenPasses();
  registerPipelines();
}
