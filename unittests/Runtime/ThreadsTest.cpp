//===- ThreadsTest.cpp - Bit-identical steps at 1, 2 and 3 threads --------===//
//
// Part of bf16-opt. Whole training steps (examples/mlp_sgd_momentum.mlir,
// every rounding mode, and the FP32 step) are JIT-compiled by StepRunner with
// `bf16-train-to-llvm{threads=N}` for N = 1 (no OpenMP), 2 and 3 and run for
// a few steps; every argument (parameters, optimizer state, compensations,
// the SR step counter) and every loss must be bit-identical across N
// (docs/Threads.md). Each compile also checks that the lowered module has
// (N > 1) or has not (N = 1) OpenMP parallel regions, so the comparison
// really involves threads.
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"
#include "bf16/Runtime/StepRunner.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mlir;

namespace {

class ThreadsTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    registerAllPasses();
    bf16::registerPasses();
  }

  void SetUp() override {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registerAllToLLVMIRTranslations(registry);
    bf16::registerDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
  }

  /// The example step after `pre` (a bf16-train pipeline, or none).
  OwningOpRef<ModuleOp> trainedStep(const std::string &pre) {
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(
        BF16_SOURCE_DIR "/examples/mlp_sgd_momentum.mlir", ctx.get());
    EXPECT_TRUE(module);
    if (!module || pre.empty())
      return module;
    PassManager pm(ctx.get(), ModuleOp::getOperationName());
    std::string errors;
    llvm::raw_string_ostream os(errors);
    EXPECT_TRUE(succeeded(parsePassPipeline(pre, pm, os))) << errors;
    EXPECT_TRUE(succeeded(pm.run(*module)));
    return module;
  }

  /// Counts the omp.parallel regions the lowering creates.
  int64_t parallelRegions(ModuleOp module, const std::string &lowering) {
    OwningOpRef<ModuleOp> clone(module.clone());
    PassManager pm(ctx.get(), ModuleOp::getOperationName());
    std::string errors;
    llvm::raw_string_ostream os(errors);
    EXPECT_TRUE(succeeded(parsePassPipeline(lowering, pm, os))) << errors;
    EXPECT_TRUE(succeeded(pm.run(*clone)));
    int64_t n = 0;
    clone->walk([&](omp::ParallelOp) { ++n; });
    return n;
  }

  /// Every argument and loss after `steps` steps at `threads` threads, as
  /// raw bits.
  std::vector<uint64_t> run(ModuleOp module, int threads, int steps) {
    bf16::StepRunnerOptions options;
    options.lowering = "bf16-train-to-llvm{emit-c-interface=1 threads=" +
                       std::to_string(threads) + "}";
    int64_t regions = parallelRegions(module, options.lowering);
    if (threads == 1)
      EXPECT_EQ(regions, 0);
    else
      EXPECT_GT(regions, 0);
    // The learning rate, momentum and weight decay of the example.
    options.scalars = {{10, 0.05}, {11, 0.9}, {12, 0.0005}};
    auto runner = bf16::StepRunner::create(module, options);
    if (!runner) {
      ADD_FAILURE() << llvm::toString(runner.takeError());
      return {};
    }
    std::vector<uint64_t> bits;
    auto push = [&](double v) {
      uint64_t b;
      std::memcpy(&b, &v, sizeof b);
      bits.push_back(b);
    };
    for (int s = 0; s < steps; ++s) {
      auto time = (*runner)->step();
      if (!time) {
        ADD_FAILURE() << llvm::toString(time.takeError());
        return {};
      }
      push((*runner)->loss().value_or(0.0));
    }
    for (unsigned i = 0; i < (*runner)->arguments().size(); ++i)
      for (double v : (*runner)->argumentValues(i))
        push(v);
    return bits;
  }

  void expectIdentical(const std::string &pre) {
    OwningOpRef<ModuleOp> module = trainedStep(pre);
    ASSERT_TRUE(module);
    std::vector<uint64_t> one = run(*module, 1, 4);
    ASSERT_GT(one.size(), 100000u); // the parameters are there
    for (int threads : {2, 3}) {
      std::vector<uint64_t> other = run(*module, threads, 4);
      ASSERT_EQ(one.size(), other.size());
      size_t differing = 0;
      for (size_t i = 0; i < one.size(); ++i)
        differing += one[i] != other[i];
      EXPECT_EQ(differing, 0u) << pre << " at " << threads << " threads";
    }
  }

  std::unique_ptr<MLIRContext> ctx;
};

TEST_F(ThreadsTest, FP32Step) { expectIdentical(""); }
TEST_F(ThreadsTest, Nearest) {
  expectIdentical("bf16-train{rounding=nearest}");
}
TEST_F(ThreadsTest, Stochastic) {
  expectIdentical("bf16-train{rounding=stochastic seed=7}");
}
TEST_F(ThreadsTest, Kahan) { expectIdentical("bf16-train{rounding=kahan}"); }
TEST_F(ThreadsTest, Split) { expectIdentical("bf16-train{rounding=split}"); }
TEST_F(ThreadsTest, MasterWeights) {
  expectIdentical("bf16-train{rounding=nearest master-weights=true}");
}

} // namespace
