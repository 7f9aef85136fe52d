//===- main.cpp - A downstream opt tool linking the installed bf16-opt ----===//
//
// Part of bf16-opt's install test (test/Install/downstream.test): what a
// frontend that wants our dialect and passes writes. Upstream MLIR is
// registered in full, as in tools/bf16-opt, then ours through bf16/InitAll.h.
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::bf16::registerPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::bf16::registerDialects(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "downstream-opt: links the installed bf16-opt\n", registry));
}
