//===- Passes.td - bf16-opt training passes ----------------*- tablegen -*-===//
//
// Part of bf16-opt. The passes that turn an FP32 training step into
// BF16-only IR: trained-state detection, demotion, the protected update
// rewrite and the BF16-only checker. Each lives in its own file under
// lib/Training and is chained by the `bf16-train` pipeline (lib/Pipelines).
//
//===----------------------------------------------------------------------===//

#ifndef BF16_TRAINING_PASSES
#define BF16_TRAINING_PASSES

include "mlir/Pass/PassBase.td"

def DetectTrainedState : Pass<"bf16-detect-trained-state", "::mlir::ModuleOp"> {
  let summary = "Find the trained state of each training step and tie it to "
                "the results that update it";
  let description = [{
    Annotates every `func.func` with a body:

    * each argument gets `lowp.role = #lowp<role param>` (or `optimizer_state`, `input`);
    * each result that is the new value of an argument gets
      `lowp.tied_to = <argument index>`.

    A result is tied to an argument when the returned value is formed by an
    **update op**: an elementwise `add`/`sub` (a tensor or scalar
    `arith.addf`/`arith.subf`, or an all-parallel linalg op such as
    `linalg.add`/`linalg.sub`/`linalg.generic` whose yielded value is an
    `arith.addf`/`arith.subf`) with one operand that *carries* the argument:
    the argument itself, or the argument scaled by `mulf`/`divf`/`negf` (and
    widened/narrowed by `extf`/`truncf`), at tensor level or inside the
    linalg body through an identity indexing map. For a subtraction the
    argument must be the left operand. This covers SGD (`w - lr*g`),
    momentum (`mu*v + g`) and Adam moments (`b1*m + (1-b1)*g`).

    A tied argument is a **param** when a result that is not tied (the loss,
    metrics) depends on it, and **optimizer state** otherwise. If the step
    returns no untied result, an argument is a param when it flows into a
    contraction or reduction. Every other argument is an **input**.

    Explicit attributes override the detection: `lowp.role` on an argument
    sets its role (`input` keeps it from being trained state), and
    `lowp.tied_to` on a result sets the tie. The pass fails, with a located
    error, on an ambiguous tie: an update whose two operands both carry state,
    an operand carrying two arguments, or an argument updated by two results.

    Before:

    ```mlir
    func.func @sgd(%w: tensor<4xf32>, %g: tensor<4xf32>, %lr: f32)
        -> (tensor<4xf32>, tensor<f32>) { ... }
    ```

    After:

    ```mlir
    func.func @sgd(%w: tensor<4xf32> {lowp.role = #lowp<role param>},
                   %g: tensor<4xf32> {lowp.role = #lowp<role input>},
                   %lr: f32 {lowp.role = #lowp<role input>})
        -> (tensor<4xf32> {lowp.tied_to = 0 : i64}, tensor<f32>) { ... }
    ```
  }];
  // It writes #lowp<role ...> attributes.
  let dependentDialects = ["::mlir::lowp::LowpDialect"];
  let options = [
    Option<"emitRemarks", "remarks", "bool", /*default=*/"false",
           "Emit one remark per trained state: its role, the result that "
           "updates it and the update op">
  ];
}

def DemoteToNarrow : Pass<"bf16-demote", "::mlir::ModuleOp"> {
  let summary = "Rewrite every f32 value of the module to the narrow float "
                "type (BF16-only IR)";
  let description = [{
    Turns every f32 type of the module (tensors, scalars, function
    signatures, `linalg.generic` bodies, globals) into the narrow type, so
    that every op rounds its result to bf16 like a 16-bit FPU. Float
    constants are rounded to nearest even (IEEE, denormals kept, with the
    reference numerics library). Integer, index and other non-float values
    are untouched, `extf`/`truncf` pairs that become no-ops are removed, and
    the pass is idempotent.

    * `accumulate=f32` (default): every contraction or reduction (a linalg op
      with a reduction loop whose body does arithmetic, such as matmul,
      batch_matmul, conv, matvec, `linalg.reduce` sums) keeps its body and its
      accumulator in f32: the bf16 inputs are widened exactly inside the
      body, the init is an f32 tensor (a `linalg.fill` of the bf16 value into
      an f32 `tensor.empty`, or an `arith.extf` of a bf16 init) and the result
      is rounded once by an `arith.truncf` to bf16. This is the `vdpbf16ps`
      semantics. Max/min reductions are exact and stay bf16.
      `accumulate=bf16`: every accumulation step rounds to bf16.
    * `rounding-semantics=per-op` (default): every original op rounds its
      result. `fused`: elementwise tensor ops are first converted to
      `linalg.generic` and producer/consumer chains fused (upstream
      elementwise fusion); each all-parallel generic then computes its body
      in f32 and rounds once per yielded value (excess precision inside the
      fused chain, one rounding per tensor that reaches memory).
    * `lowp` ops keep their wide (f32) operands, fed by exact `arith.extf`
      of the demoted producers.
    * `keep-f32=<op names>`: ops of these kinds stay f32; their bf16 operands
      are widened with `arith.extf` and their results rounded with
      `arith.truncf`, and each one gets a remark. Ops outside the supported
      dialects (func, arith, math, tensor, linalg, scf, ml_program, lowp) that
      use f32 are errors unless listed here.
    * `master-weights`: the mixed-precision baseline. The trained state
      (`lowp.role` = param or optimizer_state, from
      `bf16-detect-trained-state`) and the elementwise update chain that
      computes its new value stay f32; the compute reads a bf16 copy
      (`arith.truncf`) of each parameter and the gradients are widened into
      the f32 update.

    f64 and other float types are rejected with an error.

    Before:

    ```mlir
    %y = arith.mulf %x, %cst : tensor<4xf32>
    ```

    After:

    ```mlir
    %y = arith.mulf %x, %cst : tensor<4xbf16>
    ```
  }];
  let options = [
    Option<"narrowType", "narrow-type", "::mlir::bf16::NarrowType",
           /*default=*/"::mlir::bf16::NarrowType::BF16",
           "The narrow float type",
           "::mlir::bf16::clValues(::mlir::bf16::NarrowType{})">,
    Option<"accumulate", "accumulate", "::mlir::bf16::Accumulate",
           /*default=*/"::mlir::bf16::Accumulate::F32",
           "Accumulator type of contractions and reductions",
           "::mlir::bf16::clValues(::mlir::bf16::Accumulate{})">,
    Option<"roundingSemantics", "rounding-semantics", "::mlir::bf16::RoundingSemantics",
           /*default=*/"::mlir::bf16::RoundingSemantics::PerOp",
           "Where narrow results round",
           "::mlir::bf16::clValues(::mlir::bf16::RoundingSemantics{})">,
    ListOption<"keepF32", "keep-f32", "std::string",
               "Op names (e.g. math.exp,linalg.softmax) that stay f32">,
    Option<"masterWeights", "master-weights", "bool", /*default=*/"false",
           "Keep the trained state and its update in f32 (mixed-precision "
           "baseline)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def RewriteUpdates : Pass<"bf16-rewrite-updates", "::mlir::ModuleOp"> {
  let summary = "Protect the weight update from bf16 rounding (stochastic "
                "rounding, Kahan, split master weights)";
  let description = [{
    Rewrites the update op of every trained state tied by
    `bf16-detect-trained-state` (run after `bf16-demote`):

    * `rounding=nearest`: nothing changes (plain bf16 round to nearest).
    * `rounding=stochastic`: the add/sub becomes `lowp.sr_add %w, %u, %bits`
      with `%bits = lowp.random_bits %seed, %stream, %step`, where `%stream`
      is the index of the updated argument (the tensor id) and `%step` an
      explicit i64 step counter that the step returns incremented.
      `rng-stream=v2` (default) draws `%bits` as i16 (stream v2: 16 bits per
      element, one Philox4x32-10 block per 8 elements, half the Philox work);
      `rng-stream=v1` as i32 (stream v1: one block per 4 elements), the
      stream of earlier releases, to reproduce their results. Both give
      unbiased stochastic rounding (docs/Numerics.md).
    * `rounding=kahan`: `lowp.kahan_update nearest_even %w, %c, %u` with one
      bf16 compensation tensor `%c` per updated tensor (zero at the start).
    * `rounding=split`: `lowp.split_update %hi, %lo, %u`: the argument is the
      bf16 upper half of an FP32 master whose lower 16 bits live in an `i16`
      tensor (zero at the start); the update is exact FP32.

    `apply-to=params` (default) rewrites the updates of parameters;
    `apply-to=all-state` also those of optimizer state (momentum, Adam
    moments). Updates inside a `linalg.generic` are rewritten in its body (the
    generic gains inputs/outputs); tensor-level `arith` updates first become
    a `linalg.generic`.

    `state=arguments` (default) appends the new state to the signature, in
    this order: for each rewritten argument in increasing index, its
    compensation (kahan) or low half (split); then the rng step (stochastic).
    The new results follow the same order. Each new argument carries
    `lowp.state = #lowp<state compensation>` (or `low_half`, `rng_step`) and (except the
    step) `lowp.state_of = <argument index>`; each new result carries the
    same plus `lowp.tied_to`. A function with call sites in the module is
    rejected (its callers would need the new state): use `state=globals`.
    `state=globals` keeps the signature and holds the state in private
    mutable `ml_program.global`s, zero-initialized, loaded at entry and
    stored before the return.

    The pass fails with a located error when a mode other than `nearest`
    finds no tied update in the module, when a tied result is not an add/sub
    update, or when the state is not bf16.

    Before (`rounding=kahan`):

    ```mlir
    func.func @sgd(%w: tensor<4xbf16> {lowp.role = #lowp<role param>}, %d: tensor<4xbf16>)
        -> (tensor<4xbf16> {lowp.tied_to = 0 : i64}) {
      %0 = arith.subf %w, %d : tensor<4xbf16>
      return %0 : tensor<4xbf16>
    }
    ```

    After:

    ```mlir
    func.func @sgd(%w: tensor<4xbf16> {lowp.role = #lowp<role param>}, %d: tensor<4xbf16>,
                   %c: tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 0 : i64})
        -> (tensor<4xbf16> {lowp.tied_to = 0 : i64},
            tensor<4xbf16> {lowp.state = #lowp<state compensation>, lowp.state_of = 0 : i64, lowp.tied_to = 2 : i64}) {
      %0:2 = linalg.generic ... ins(%w, %d, %c ...) outs(...) {
      ^bb0(%wi: bf16, %di: bf16, %ci: bf16, %o0: bf16, %o1: bf16):
        %n = arith.negf %di : bf16
        %w1, %c1 = lowp.kahan_update nearest_even %wi, %ci, %n : bf16
        linalg.yield %w1, %c1 : bf16, bf16
      } -> (tensor<4xbf16>, tensor<4xbf16>)
      return %0#0, %0#1 : tensor<4xbf16>, tensor<4xbf16>
    }
    ```
  }];
  let options = [
    Option<"rounding", "rounding", "::mlir::bf16::UpdateRounding",
           /*default=*/"::mlir::bf16::UpdateRounding::Nearest",
           "How a trained-state update rounds",
           "::mlir::bf16::clValues(::mlir::bf16::UpdateRounding{})">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Seed of the counter-based RNG (stochastic)">,
    Option<"rngStream", "rng-stream", "::mlir::bf16::RngStream",
           /*default=*/"::mlir::bf16::RngStream::V2",
           "Version of the random-bit stream (stochastic): v2 = i16 bits, "
           "one Philox block per 8 elements; v1 = i32 bits, one per 4",
           "::mlir::bf16::clValues(::mlir::bf16::RngStream{})">,
    Option<"applyTo", "apply-to", "::mlir::bf16::ApplyTo",
           /*default=*/"::mlir::bf16::ApplyTo::Params",
           "Which updates to protect",
           "::mlir::bf16::clValues(::mlir::bf16::ApplyTo{})">,
    Option<"state", "state", "::mlir::bf16::StateStorage",
           /*default=*/"::mlir::bf16::StateStorage::Arguments",
           "Where compensations, low halves and the rng step live",
           "::mlir::bf16::clValues(::mlir::bf16::StateStorage{})">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::lowp::LowpDialect",
    "::mlir::ml_program::MLProgramDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def CountCancelledUpdates : Pass<"bf16-count-cancelled-updates",
                                 "::mlir::ModuleOp"> {
  let summary = "Count, per parameter and step, the non-zero updates and the "
                "updates that rounding cancelled";
  let description = [{
    Update-cancellation diagnostics (docs/TrainingABI.md). For every
    parameter (`lowp.role = #lowp<role param>`) whose new value is a tied result, the
    step also returns a `tensor<2xi64>` with

    * `[0]`: the number of elements whose update is non-zero (a NaN update
      counts as non-zero, `-0.0` as zero);
    * `[1]`: among those, the elements whose stored value did not change
      (`new == old` as floats; for `rounding=split` the low half must not
      change either): the update was cancelled by rounding.

    The new result carries `lowp.update_stats_of = <argument index>` and is
    not tied to an argument. The update is found as `bf16-rewrite-updates`
    leaves it: `lowp.sr_add`, `lowp.kahan_update` (the stored value is the
    weight, not the compensation), `lowp.split_update`, or the plain
    `arith.addf`/`arith.subf` of `rounding=nearest`, master weights or an
    FP32 step. Run it after `bf16-rewrite-updates`; `--bf16-train` runs it
    with `diagnostics=true`.

    The counts are exact integers. The update op writes one `i8` flag per
    element; two reductions count them (per last-dimension column in `i32`,
    then in `i64`). A step without this pass computes nothing extra.

    A parameter whose update cannot be found is an error naming it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def VerifyNarrow : Pass<"bf16-verify-narrow", "::mlir::ModuleOp"> {
  let summary = "Check that no f32 value is left outside accumulators "
                "(BF16-only IR)";
  let description = [{
    Emits an error at every op that still produces, consumes or holds an f32
    value (or f64/f16), except:

    * the wide operands of `lowp` ops (e.g. the f32 input of `lowp.round`)
      and the `arith.extf`/constants that feed only them;

    * with `allow-accumulators` (default true): an accumulator group of
      `accumulate=f32`, i.e. a linalg op with a reduction loop, its body, the
      `tensor.empty`/`linalg.fill`/`arith.extf` that build its f32 init and
      the `arith.truncf` that rounds its result;
    * with `allow-f32-in-bodies`: scalar f32 inside linalg bodies (the excess
      precision of `rounding-semantics=fused`).

    Use it after `bf16-train` to prove that the output is BF16-only.
  }];
  let options = [
    Option<"allowAccumulators", "allow-accumulators", "bool",
           /*default=*/"true", "Allow f32 in accumulator groups">,
    Option<"allowF32InBodies", "allow-f32-in-bodies", "bool",
           /*default=*/"false", "Allow f32 scalars inside linalg op bodies">
  ];
}

#endif // BF16_TRAINING_PASSES
