//===- bf16-run.cpp - JIT-run a training step for N steps -----------------===//
//
// Part of bf16-opt. Usage:
//   bf16-run step.mlir [--pre=<pipeline>] [--steps=N] [--entry=NAME]
//            [--set=IDX=VALUE ...] [--npy=IDX=FILE ...] [--print-arg=IDX]
// Parses the module, optionally runs a pass pipeline on it (e.g.
// "bf16-train{rounding=kahan}"), lowers it (default: the portable
// lowp-emulated-to-llvm pipeline), JIT-compiles it and calls the step N times,
// feeding every result tied to an argument (lowp.tied_to) back. Prints the
// loss (the first untied result) and the wall time of every step.
// See docs/Runtime.md.
//
//===----------------------------------------------------------------------===//

#include "bf16/InitAll.h"
#include "bf16/Runtime/StepRunner.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("bf16-run options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<step.mlir>"),
                                      cl::Required, cl::cat(runCategory));
static cl::opt<std::string>
    prePipeline("pre",
                cl::desc("Pass pipeline run before lowering, e.g. "
                         "'bf16-train{rounding=kahan}'"),
                cl::init(""), cl::cat(runCategory));
static cl::opt<std::string>
    lowering("lowering",
             cl::desc("Pass pipeline lowering to the LLVM "
                      "dialect (must emit C interfaces)"),
             cl::init("lowp-emulated-to-llvm{emit-c-interface=1}"),
             cl::cat(runCategory));
static cl::opt<std::string> entryName("entry", cl::desc("Step function"),
                                      cl::init(""), cl::cat(runCategory));
static cl::opt<unsigned> steps("steps", cl::desc("Number of steps"),
                               cl::init(10), cl::cat(runCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Initializer seed"), cl::init(1),
                              cl::cat(runCategory));
static cl::opt<double> paramScale("param-scale",
                                  cl::desc("Parameters ~ U[-s, s)"),
                                  cl::init(0.1), cl::cat(runCategory));
static cl::opt<double>
    defaultScalar("default-scalar",
                  cl::desc("Value of float scalar arguments not set"),
                  cl::init(0.01), cl::cat(runCategory));
static cl::opt<int64_t> intRange("int-range",
                                 cl::desc("Integer inputs ~ U{0..n-1}"),
                                 cl::init(4), cl::cat(runCategory));
static cl::list<std::string> sets("set",
                                  cl::desc("IDX=VALUE for a scalar "
                                           "argument"),
                                  cl::cat(runCategory));
static cl::list<std::string> npys("npy",
                                  cl::desc("IDX=FILE.npy for a "
                                           "tensor argument"),
                                  cl::cat(runCategory));
static cl::list<unsigned> printArgs("print-arg",
                                    cl::desc("Print argument IDX at the end"),
                                    cl::cat(runCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("JIT optimization level"),
                                  cl::init(2), cl::cat(runCategory));
static cl::opt<bool>
    perfJIT("perf-jit",
            cl::desc("Register the JIT-compiled code with perf (jitdump), for "
                     "`perf record -k 1` + `perf inject --jit`"),
            cl::init(false), cl::cat(runCategory));

static int error(const llvm::Twine &message) {
  llvm::errs() << "bf16-run: error: " << message << "\n";
  return 1;
}

static bool splitAssignment(StringRef text, unsigned &index, StringRef &rest) {
  auto [lhs, rhs] = text.split('=');
  return !lhs.getAsInteger(10, index) && !rhs.empty() && (rest = rhs, true);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  bf16::registerPasses();
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(argc, argv, "bf16-opt training-step runner\n");
  if (optLevel > 3)
    return error("-O must be 0, 1, 2 or 3, got " + llvm::Twine(optLevel));
  if (intRange <= 0)
    return error("--int-range must be at least 1, got " +
                 llvm::Twine(intRange));

  bf16::StepRunnerOptions options;
  options.entry = entryName;
  options.lowering = lowering;
  options.seed = seed;
  options.paramScale = paramScale;
  options.defaultScalar = defaultScalar;
  options.intRange = intRange;
  options.optLevel = optLevel;
  options.perfJIT = perfJIT;
  for (const std::string &s : sets) {
    unsigned i;
    StringRef v;
    double value;
    if (!splitAssignment(s, i, v) || v.getAsDouble(value))
      return error("--set expects IDX=VALUE, got '" + s + "'");
    options.scalars[i] = value;
  }
  for (const std::string &s : npys) {
    unsigned i;
    StringRef v;
    if (!splitAssignment(s, i, v))
      return error("--npy expects IDX=FILE, got '" + s + "'");
    options.npyFiles[i] = v.str();
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  bf16::registerDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string openError;
  auto file = openInputFile(inputFile, &openError);
  if (!file)
    return error(openError);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  if (!prePipeline.empty()) {
    PassManager pm(&context, ModuleOp::getOperationName());
    std::string errors;
    llvm::raw_string_ostream os(errors);
    if (failed(parsePassPipeline(prePipeline, pm, os)))
      return error("invalid --pre pipeline: " + errors);
    if (failed(pm.run(*module)))
      return 1;
  }
  auto runner = bf16::StepRunner::create(*module, options);
  if (!runner)
    return error(llvm::toString(runner.takeError()));
  std::vector<double> times;
  for (unsigned s = 0; s < steps; ++s) {
    auto seconds = (*runner)->step();
    if (!seconds)
      return error(llvm::toString(seconds.takeError()));
    times.push_back(*seconds * 1e3);
    llvm::outs() << "step " << s;
    if (auto loss = (*runner)->loss())
      llvm::outs() << " loss " << llvm::format("%.9g", *loss);
    llvm::outs() << " time_ms " << llvm::format("%.3f", times.back()) << "\n";
  }
  for (unsigned i : printArgs) {
    if (i >= (*runner)->arguments().size())
      return error("--print-arg " + llvm::Twine(i) + " is out of range");
    llvm::outs() << "arg " << i << ":";
    for (double v : (*runner)->argumentValues(i))
      llvm::outs() << " " << llvm::format("%.9g", v);
    llvm::outs() << "\n";
  }
  if (!times.empty()) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    llvm::outs() << "steps " << times.size() << " median_ms "
                 << llvm::format("%.3f", sorted[sorted.size() / 2]) << "\n";
  }
  return 0;
}
