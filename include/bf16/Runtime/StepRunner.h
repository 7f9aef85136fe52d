//===- StepRunner.h - JIT-run a training step repeatedly --------*- C++ -*-===//
//
// Part of bf16-opt. Compiles a module holding a training step with the MLIR
// ExecutionEngine and calls the step N times through its C interface
// (docs/Runtime.md), threading every result tied to an argument
// (`lowp.tied_to`) back into that argument. Parameters, inputs and state come
// from a deterministic initializer or from .npy files.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_RUNTIME_STEPRUNNER_H
#define BF16_RUNTIME_STEPRUNNER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
namespace bf16 {

struct StepRunnerOptions {
  /// The step function; empty: the only function with tied results, else the
  /// first public function with a body.
  std::string entry;
  /// Textual pass pipeline lowering the (tensor-level) module to the LLVM
  /// dialect. `emit-c-interface` must be on.
  std::string lowering = "lowp-emulated-to-llvm{emit-c-interface=1}";
  /// Seed of the deterministic initializer.
  uint64_t seed = 1;
  /// Parameters are drawn uniformly from [-paramScale, paramScale).
  double paramScale = 0.1;
  /// Scalar float arguments that are not set explicitly get this value.
  double defaultScalar = 0.01;
  /// Integer tensor inputs are drawn from [0, intRange).
  int64_t intRange = 4;
  /// Explicit values: argument index -> scalar value / .npy path.
  std::map<unsigned, double> scalars;
  std::map<unsigned, std::string> npyFiles;
  /// LLVM optimization level of the JIT (0-3).
  unsigned optLevel = 2;
  /// Register the JIT-compiled code with perf (LLVM's jitdump listener).
  bool perfJIT = false;
};

/// One argument or result of the step (tensor-level signature).
struct ValueInfo {
  mlir::Type type;     ///< tensor or scalar type before lowering
  std::string role;    ///< lowp.role / lowp.state, or "" for results
  int64_t tiedTo = -1; ///< results: the argument it feeds
};

class StepRunner {
public:
  /// Parses nothing: takes a tensor-level module, records the entry
  /// signature, lowers a clone and JIT-compiles it.
  static llvm::Expected<std::unique_ptr<StepRunner>>
  create(mlir::ModuleOp module, const StepRunnerOptions &options);
  ~StepRunner();

  /// Runs one step; afterwards tied results have been copied into their
  /// arguments. Returns the wall time in seconds.
  llvm::Expected<double> step();

  /// The first untied result as a double (the loss), if it is a scalar or a
  /// one-element tensor of a float type.
  std::optional<double> loss() const;

  const std::vector<ValueInfo> &arguments() const { return args; }
  const std::vector<ValueInfo> &results() const { return res; }
  /// Argument `i` as doubles (for inspection and tests).
  std::vector<double> argumentValues(unsigned i) const;

private:
  StepRunner() = default;
  llvm::Error initialize(const StepRunnerOptions &options);

  struct Buffer; // one memref argument or result
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string entry;
  std::vector<ValueInfo> args, res;
  std::vector<std::unique_ptr<Buffer>> argBuffers;    // per argument
  std::vector<uint64_t> scalarArgs;                   // per argument (raw bits)
  std::vector<std::unique_ptr<Buffer>> resultBuffers; // last step's results
  std::vector<size_t> resultOffsets; // in the C-interface result struct
  size_t resultStructSize = 0;
  bool resultsViaPointer = false;
  std::vector<uint64_t> scalarResults;
};

} // namespace bf16
} // namespace mlir

#endif // BF16_RUNTIME_STEPRUNNER_H
