//===- Pipelines.cpp - bf16-opt pass pipelines ----------------------------===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#include "bf16/Pipelines/Pipelines.h"
#include "bf16/Codegen/Passes.h"
#include "bf16/Conversion/Passes.h"
#include "bf16/Training/Passes.h"

#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::bf16;

/// The stages shared by the lowerings after the lowp ops are gone:
/// bufferization (in place, across functions), loops, LLVM.
/// With `codegen`, bf16-train-to-llvm's code generation runs on the
/// bufferized IR: GEMM microkernels, vectorized elementwise ops, then the
/// lowp ops (native roundings first when `x86vector`).
static void addBufferizeAndLowerToLLVM(
    OpPassManager &pm, bool x86vector,
    std::optional<bf16::ConvertMatmulToMicrokernelOptions> codegen =
        std::nullopt,
    bool vectorize = true, bool outline = true, int64_t threads = 1,
    int64_t minWork = 32768) {
  // Remaining elementwise ops on tensors (arith, math) become linalg so that
  // one-shot bufferization can handle them.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  // Convolutions become im2col + batch_matmul, and GEMMs read transposed
  // operands in place (the microkernel transposes while packing) instead of
  // a transposed copy.
  if (codegen) {
    pm.addNestedPass<func::FuncOp>(bf16::createConvertConvToGemm());
    pm.addNestedPass<func::FuncOp>(bf16::createDuplicateSharedFills());
    pm.addNestedPass<func::FuncOp>(bf16::createFoldTransposeIntoMatmul());
  }
  // Returned updates write into the argument they replace (in place when
  // the bufferization analysis allows), so tied results alias arguments.
  pm.addNestedPass<func::FuncOp>(bf16::createUpdateInPlace());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // GEMMs become packed, register-tiled vector kernels; the remaining linalg
  // ops become loops.
  if (codegen) {
    pm.addNestedPass<func::FuncOp>(
        bf16::createConvertMatmulToMicrokernel(*codegen));
    if (vectorize)
      pm.addNestedPass<func::FuncOp>(bf16::createVectorizeElementwise());
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(
        VectorTransferToSCFOptions().enableFullUnroll()));
    if (x86vector)
      pm.addPass(bf16::createConvertLowpToX86());
    pm.addPass(bf16::createConvertLowpToArith());
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  }
  // Every temporary is freed after its last use (without this a training
  // step leaked its temporaries on every call); returned buffers, including
  // arguments updated in place, are left to the caller as they are.
  pm.addNestedPass<func::FuncOp>(bf16::createFreeTemporaries());
  // The parallel dimensions of the remaining linalg ops become scf.parallel
  // (reductions stay scf.for loops, in order); bf16-parallelize-loops keeps
  // the outermost parallel loop of each nest that is worth a parallel region
  // and serializes every other one (all of them for threads=1).
  bool parallel = threads != 1;
  if (parallel)
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  else
    pm.addPass(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(
      bf16::createParallelizeLoops(ParallelizeLoopsOptions{threads, minWork}));
  // One function per loop nest, so that LLVM's per-function work stays
  // bounded by a nest and the compile time grows linearly with the step.
  if (codegen && outline)
    pm.addPass(bf16::createOutlineLoopNests());
  // Parallel loops become OpenMP work-sharing loops (libomp), with the
  // thread count fixed or read from BF16_NUM_THREADS at run time.
  if (parallel) {
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(bf16::createSetNumThreads(SetNumThreadsOptions{threads}));
    // (convert-scf-to-openmp wraps each iteration in memref.alloca_scope;
    // the canonicalizer inlines the scopes that allocate nothing, which
    // must go before scf-to-cf makes their bodies multi-block.)
    pm.addPass(createCanonicalizerPass());
  }
  // Convolution and pooling loops index with affine.apply.
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = x86vector;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(memref::createExpandStridedMetadataPass());
  // (The offsets of the vectorized tiles' subviews are affine.apply ops.)
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertToLLVMPass());
  if (parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

bool mlir::bf16::hostHasAVX512BF16() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup("avx512bf16") && features.lookup("avx512vl");
}

LogicalResult mlir::bf16::buildTrainToLLVMPipeline(
    OpPassManager &pm, const TrainToLLVMOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  bool native = options.target == Target::AVX512BF16 ||
                (options.target == Target::Host && hostHasAVX512BF16());
  if (options.emitCInterface)
    pm.addPass(bf16::createEmitCInterface());
  pm.addPass(bf16::createStripStateAttributes());
  // bf16 arithmetic and math compute in f32 and round explicitly.
  pm.addNestedPass<func::FuncOp>(bf16::createGeneralizeNarrowNamedOps());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16"};
  pm.addNestedPass<func::FuncOp>(
      arith::createArithEmulateUnsupportedFloats(emulate));
  pm.addNestedPass<func::FuncOp>(math::createMathExtendToSupportedTypes());
  pm.addNestedPass<func::FuncOp>(bf16::createDropConversionFastMath());
  // (No canonicalization before the lowp ops are lowered: their folders
  // would compute constant roundings at compile time, hiding the path that
  // runs.)
  pm.addPass(createConvertTruncFToLowp());
  // When vectorizing, lowp.random_bits on tensors computes each Philox block
  // once, 16 blocks per vector<16xi32>, and stores its four words to four
  // consecutive elements (a quarter of the per-element body's work), or
  // its eight 16-bit halves to eight (stream v2).
  // Before that, an elementwise update that reads a tensor of random bits
  // draws them itself, in registers (no bits array): 32 Philox blocks per
  // iteration, i.e. 128 elements (v1) or 256 (v2); 32 rather than 16 blocks
  // give the ten dependent Philox rounds twice the independent multiplies,
  // which made the v2 SR update about 15% faster (benchmarks/README.md).
  // bf16-update-in-place runs first so that the fused loop carries the
  // argument it updates (it runs again below for what comes later).
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(bf16::createUpdateInPlace());
    bf16::FuseRandomBitsIntoElementwiseOptions fuse;
    fuse.lanes = 32;
    pm.addNestedPass<func::FuncOp>(
        bf16::createFuseRandomBitsIntoElementwise(fuse));
    pm.addPass(bf16::createConvertRandomBitsToVector());
  }
  // lowp ops on tensors become linalg bodies that keep the scalar lowp ops;
  // they are vectorized with the other elementwise ops after bufferization,
  // and only then do the roundings become vcvtneps2bf16 (AVX512-BF16) or
  // the exact integer recipes.
  pm.addPass(createConvertLowpToArith(ConvertLowpToArithOptions{true}));
  bf16::ConvertMatmulToMicrokernelOptions codegen;
  codegen.bf16Dot = native ? BF16DotKind::Vdpbf16ps : BF16DotKind::Fma;
  if (options.threads < 0)
    return errorHandler(
        "bf16-train-to-llvm: threads=" + Twine(options.threads.getValue()) +
        " must be at least 0 (0: BF16_NUM_THREADS or all "
        "cores at run time)");
  if (options.parallelMinWork < 1)
    return errorHandler("bf16-train-to-llvm: parallel-min-work=" +
                        Twine(options.parallelMinWork.getValue()) +
                        " must be at least 1");
  addBufferizeAndLowerToLLVM(pm, native, codegen, options.vectorize,
                             options.outline, options.threads,
                             options.parallelMinWork);
  return success();
}

void mlir::bf16::buildEmulatedToLLVMPipeline(
    OpPassManager &pm, const EmulatedToLLVMOptions &options) {
  if (options.emitCInterface)
    pm.addPass(bf16::createEmitCInterface());
  pm.addPass(bf16::createStripStateAttributes());
  pm.addPass(createConvertLowpToArith());
  addBufferizeAndLowerToLLVM(pm, /*x86vector=*/false, std::nullopt,
                             /*vectorize=*/false, /*outline=*/false,
                             options.threads);
}

LogicalResult mlir::bf16::buildTrainPipeline(
    OpPassManager &pm, const TrainOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  if (options.masterWeights && options.rounding != UpdateRounding::Nearest)
    return errorHandler(
        "bf16-train: master-weights keeps FP32 master weights and updates "
        "them in FP32, so it needs rounding=nearest (got rounding=" +
        stringify(options.rounding) + ")");
  if (options.input == InputForm::Tosa) {
    // tosa-to-linalg(-named) for the compute, then the constants and
    // shape ops that it leaves to tosa-to-arith / tosa-to-tensor.
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions());
    pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
    pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(
      createDetectTrainedState(DetectTrainedStateOptions{options.remarks}));
  DemoteToNarrowOptions demote;
  demote.accumulate = options.accumulate;
  demote.roundingSemantics = options.roundingSemantics;
  demote.keepF32.assign(options.keepF32.begin(), options.keepF32.end());
  demote.masterWeights = options.masterWeights;
  pm.addPass(createDemoteToNarrow(demote));
  RewriteUpdatesOptions rewrite;
  rewrite.rounding = options.rounding;
  rewrite.seed = options.seed;
  rewrite.rngStream = options.rngStream;
  rewrite.applyTo = options.applyTo;
  rewrite.state = options.state;
  pm.addPass(createRewriteUpdates(rewrite));
  if (options.diagnostics)
    pm.addPass(createCountCancelledUpdates());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  return success();
}

/// Registers a module-level pipeline. Unlike PassPipelineRegistration, the
/// registration rejects a nested anchor (e.g. `func.func(<pipeline>)`) with a
/// diagnostic: adding module passes to a function pass manager would
/// otherwise abort the process.
template <typename Options>
static void registerModulePipeline(
    StringRef arg, StringRef description,
    std::function<LogicalResult(OpPassManager &, const Options &,
                                function_ref<LogicalResult(const Twine &)>)>
        builder) {
  std::string name = arg.str();
  registerPassPipeline(
      arg, description,
      [builder, name](OpPassManager &pm, StringRef optionsStr,
                      function_ref<LogicalResult(const Twine &)> errorHandler) {
        StringRef anchor = pm.getOpAnchorName();
        if (anchor != ModuleOp::getOperationName())
          return errorHandler("pipeline '" + name +
                              "' must run on 'builtin.module', not nested "
                              "under '" +
                              anchor + "'");
        Options options;
        if (failed(options.parseFromString(optionsStr)))
          return failure();
        return builder(pm, options, errorHandler);
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void mlir::bf16::registerPipelines() {
  registerModulePipeline<EmulatedToLLVMOptions>(
      "lowp-emulated-to-llvm",
      "Portable lowering of lowp + tensor/linalg IR to the LLVM dialect "
      "(no AVX512-BF16 instructions)",
      [](OpPassManager &pm, const EmulatedToLLVMOptions &options,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        if (options.threads < 0)
          return errorHandler("lowp-emulated-to-llvm: threads=" +
                              Twine(options.threads.getValue()) +
                              " must be at least 0 (0: BF16_NUM_THREADS or "
                              "all cores at run time)");
        buildEmulatedToLLVMPipeline(pm, options);
        return success();
      });
  registerModulePipeline<TrainToLLVMOptions>(
      "bf16-train-to-llvm",
      "Lower BF16 (or FP32) tensor IR to the LLVM dialect; f32->bf16 "
      "roundings use vcvtneps2bf16 on AVX512-BF16 targets and bit-identical "
      "integer recipes elsewhere",
      buildTrainToLLVMPipeline);
  registerModulePipeline<TrainOptions>(
      "bf16-train",
      "Rewrite FP32 training steps into BF16-only IR with protected weight "
      "updates (detect trained state, demote, rewrite updates, cleanup)",
      buildTrainPipeline);
}
