//===- bf16-plugin.cpp - bf16-opt as an mlir-opt plugin -------------------===//
//
// Part of bf16-opt. Load with
//   mlir-opt --load-dialect-plugin=libBF16Plugin.so \
//            --load-pass-plugin=libBF16Plugin.so
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "BF16Dialects", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::bf16::registerDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "BF16Passes", LLVM_VERSION_STRING,
          []() { mlir::bf16::registerPasses(); }};
}
