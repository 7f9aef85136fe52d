//===- bf16-opt.cpp - The bf16-opt driver ---------------------------------===//
//
// Part of bf16-opt. An opt-style driver (MlirOptMain) with every upstream
// dialect, extension and pass plus everything of ours. Upstream is registered
// in full because bf16-opt links the libMLIR.so dylib, where that costs
// nothing at link time, and because the lowering pipelines need most of it.
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

static void printVersion(llvm::raw_ostream &os) {
  os << "bf16-opt version " << BF16_OPT_VERSION << "\n"
     << "  built against MLIR/LLVM " << LLVM_VERSION_STRING << "\n";
}

static int runOptMain(int argc, char **argv) {

  mlir::registerAllPasses();
  mlir::bf16::registerPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::bf16::registerDialects(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "bf16-opt: FP32 training steps to BF16-only IR\n", registry));
}

/// MLIR's parser and verifier recurse once per nesting level (about 1.2 KB
/// of stack each). On the default 8 MB stack, ~7000 nested brackets crash
/// the process, so the driver runs on a thread with a 1 GiB stack (reserved,
/// committed only as touched), which handles nesting in the hundreds of
/// thousands.
static constexpr unsigned kDriverStackBytes = 1u << 30;

int main(int argc, char **argv) {
  llvm::cl::SetVersionPrinter(printVersion);
  int rc = 1;
  llvm::thread driver(std::optional<unsigned>(kDriverStackBytes),
                      [&] { rc = runOptMain(argc, argv); });
  driver.join();
  return rc;
}
