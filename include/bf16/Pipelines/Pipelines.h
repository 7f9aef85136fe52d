//===- Pipelines.h - bf16-opt pass pipelines --------------------*- C++ -*-===//
//
// Part of bf16-opt. Pipeline builders that other MLIR tools can call on their
// own OpPassManager, plus their registration for bf16-opt / the plugin.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_PIPELINES_PIPELINES_H
#define BF16_PIPELINES_PIPELINES_H

#include "bf16/Codegen/Options.h"
#include "bf16/Training/Options.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace bf16 {

/// The `threads` option of both lowerings (docs/Threads.md).
inline constexpr const char *kThreadsOptionDesc =
    "Threads of the compiled code (OpenMP; results are bit-identical for "
    "every count): 0 = BF16_NUM_THREADS at run time, else all cores; 1 = "
    "single-threaded code without OpenMP; N > 1 = N threads";

/// Options of the `lowp-emulated-to-llvm` pipeline.
struct EmulatedToLLVMOptions
    : public PassPipelineOptions<EmulatedToLLVMOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Attach llvm.emit_c_interface to every public function "
                     "so that it gets a _mlir_ciface_ wrapper"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> threads{
      *this, "threads", llvm::cl::desc(kThreadsOptionDesc), llvm::cl::init(0)};
};

/// Builds the portable lowering of a module that uses lowp ops on tensors,
/// vectors or scalars down to the LLVM dialect: bf16-convert-lowp-to-arith,
/// then one-shot bufferization across function boundaries (identity-layout
/// memrefs), linalg to loops, and the upstream conversions to LLVM. No
/// target-specific instruction is used, so the result runs on any x86-64.
/// buildTrainToLLVMPipeline is the target-aware one (docs/Lowering.md).
void buildEmulatedToLLVMPipeline(OpPassManager &pm,
                                 const EmulatedToLLVMOptions &options);

/// Options of the `bf16-train-to-llvm` pipeline.
struct TrainToLLVMOptions : public PassPipelineOptions<TrainToLLVMOptions> {
  PassOptions::Option<Target> target{
      *this, "target",
      llvm::cl::desc("Instruction set; host detects AVX512-BF16"),
      llvm::cl::init(Target::Host), clValues(Target{})};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Attach llvm.emit_c_interface to every public function"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc(
          "Vectorize all-parallel linalg ops at 16 lanes "
          "(bf16-vectorize-linalg-elementwise) and lowp.random_bits on "
          "tensors (bf16-convert-random-bits-to-vector); results are "
          "unchanged"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> outline{
      *this, "outline",
      llvm::cl::desc("Outline every top-level loop nest into its own "
                     "noinline function (bf16-outline-loop-nests), so that "
                     "LLVM's compile time grows linearly with the step; "
                     "results are unchanged"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> threads{
      *this, "threads", llvm::cl::desc(kThreadsOptionDesc), llvm::cl::init(0)};
  PassOptions::Option<int64_t> parallelMinWork{
      *this, "parallel-min-work",
      llvm::cl::desc("Smallest estimated work (operations per entry) of a "
                     "loop that runs on threads (bf16-parallelize-loops "
                     "min-work); 1 parallelizes every parallel loop"),
      llvm::cl::init(32768)};
};

/// Builds `bf16-train-to-llvm`: BF16 (or FP32) tensor IR to the LLVM dialect.
/// Every bf16 arith/math op computes in f32 and every f32 -> bf16 rounding
/// is an explicit `lowp.round nearest_even_ftz` (hardware semantics on all
/// targets); on AVX512-BF16 targets it becomes `vcvtneps2bf16`, elsewhere the
/// integer recipe, so all targets give bit-identical results.
LogicalResult buildTrainToLLVMPipeline(
    OpPassManager &pm, const TrainToLLVMOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler);

/// Whether the host CPU has AVX512-BF16 (and AVX512VL).
bool hostHasAVX512BF16();

/// Options of the `bf16-train` pipeline (see docs/Passes/TrainingPasses.md
/// for each pass option it forwards).
struct TrainOptions : public PassPipelineOptions<TrainOptions> {
  PassOptions::Option<InputForm> input{
      *this, "input",
      llvm::cl::desc("Input form (tosa runs upstream tosa-to-linalg first)"),
      llvm::cl::init(InputForm::Linalg), clValues(InputForm{})};
  PassOptions::Option<UpdateRounding> rounding{
      *this, "rounding", llvm::cl::desc("Weight-update rounding"),
      llvm::cl::init(UpdateRounding::Nearest), clValues(UpdateRounding{})};
  PassOptions::Option<uint64_t> seed{
      *this, "seed", llvm::cl::desc("Seed of the stochastic-rounding RNG"),
      llvm::cl::init(0)};
  PassOptions::Option<RngStream> rngStream{
      *this, "rng-stream",
      llvm::cl::desc("Random-bit stream of stochastic rounding (v2: 16 bits "
                     "per element; v1: 32, as before)"),
      llvm::cl::init(RngStream::V2), clValues(RngStream{})};
  PassOptions::Option<ApplyTo> applyTo{
      *this, "apply-to", llvm::cl::desc("Which updates to protect"),
      llvm::cl::init(ApplyTo::Params), clValues(ApplyTo{})};
  PassOptions::Option<StateStorage> state{
      *this, "state", llvm::cl::desc("Where added state lives"),
      llvm::cl::init(StateStorage::Arguments), clValues(StateStorage{})};
  PassOptions::Option<Accumulate> accumulate{
      *this, "accumulate", llvm::cl::desc("Contraction/reduction accumulator"),
      llvm::cl::init(Accumulate::F32), clValues(Accumulate{})};
  PassOptions::Option<RoundingSemantics> roundingSemantics{
      *this, "rounding-semantics", llvm::cl::desc("Where narrow results round"),
      llvm::cl::init(RoundingSemantics::PerOp), clValues(RoundingSemantics{})};
  PassOptions::ListOption<std::string> keepF32{
      *this, "keep-f32", llvm::cl::desc("Op names that stay f32")};
  PassOptions::Option<bool> masterWeights{
      *this, "master-weights",
      llvm::cl::desc("Mixed-precision baseline: f32 trained state and update, "
                     "bf16 compute (needs rounding=nearest)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> diagnostics{
      *this, "diagnostics",
      llvm::cl::desc("Also return, per parameter, the number of non-zero and "
                     "of cancelled updates (bf16-count-cancelled-updates)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> remarks{
      *this, "remarks",
      llvm::cl::desc("Emit a remark per detected trained state"),
      llvm::cl::init(false)};
};

/// Builds `bf16-train`: [tosa-to-linalg] -> bf16-detect-trained-state ->
/// bf16-demote -> bf16-rewrite-updates -> [bf16-count-cancelled-updates] ->
/// canonicalize -> cse. Fails (with
/// `errorHandler`) on inconsistent options.
LogicalResult
buildTrainPipeline(OpPassManager &pm, const TrainOptions &options,
                   function_ref<LogicalResult(const Twine &)> errorHandler);

/// Registers every pipeline of this file with the global registry.
void registerPipelines();

} // namespace bf16
} // namespace mlir

#endif // BF16_PIPELINES_PIPELINES_H
