//===- Passes.td - bf16-opt code generation passes ---------*- tablegen -*-===//
//
// Part of bf16-opt. The linalg-to-native half of `bf16-train-to-llvm`:
// linalg rewrites (Codegen/Linalg), post-bufferization buffer passes
// (Codegen/Bufferization), the GEMM microkernel (Codegen/Microkernel),
// vectorization (Codegen/Vectorize) and the preparation for LLVM
// (Codegen/LLVMPrep). One file per pass under lib/Codegen/<stage>.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CODEGEN_PASSES
#define BF16_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def ConvertConvToGemm : Pass<"bf16-convert-conv-to-gemm", "::mlir::func::FuncOp"> {
  let summary = "2-D convolutions as im2col + linalg.batch_matmul";
  let description = [{
    Rewrites `linalg.conv_2d_nchw_fchw`, `linalg.conv_2d_nhwc_hwcf` and
    `linalg.conv_2d_nhwc_fhwc` on static tensors with upstream's im2col
    (`linalg::populateConvertConv2DToImg2ColPatterns`): a gathering
    `linalg.generic` materializes the input patches as a
    `[batch][C*KH*KW][OH*OW]` (NCHW) tensor, and the convolution becomes a
    contraction with the filter. That contraction, a `linalg.generic` whose
    filter operand has no batch dimension, then becomes a
    `linalg.batch_matmul` on the filter broadcast along the batch, which
    `bf16-convert-matmul-to-microkernel` lowers to `vdpbf16ps` kernels.

    The reduction index of the GEMM is `k = (c * KH + kh) * KW + kw` for
    NCHW and `(kh * KW + kw) * C + c` for NHWC, so each output element is
    accumulated in f32 in that order, in the GEMM kernel's arithmetic (for
    BF16 the `vdpbf16ps` pair order of `bf16::ref::gemmBF16`;
    docs/Lowering.md), and rounded once. Convolutions with
    dynamic shapes and other layouts are left alone (loops); upstream's
    patterns also turn a depthwise convolution into im2col + a
    `linalg.batch_matvec`, which is not a GEMM and stays loops. The im2col
    tensor costs `C*KH*KW*OH*OW` elements per image.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def DuplicateSharedFills
    : Pass<"bf16-duplicate-shared-fills", "::mlir::func::FuncOp"> {
  let summary = "Give every linalg op its own fill of its init tensor";
  let description = [{
    A `linalg.fill` of a `tensor.empty` on tensors that is the init of
    several linalg ops (one zero accumulator shared by several GEMMs, as
    frontends write it) is cloned: each further op gets a fresh
    `tensor.empty` and `linalg.fill` right before it. One-shot
    bufferization would otherwise fill one buffer and copy it for every
    GEMM writing in place into its own buffer; with a fill each,
    `bf16-convert-matmul-to-microkernel` absorbs the fill (its accumulators start
    at the constant and C is never read). Values are unchanged.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FoldTransposeIntoMatmul
    : Pass<"bf16-fold-transpose-into-matmul", "::mlir::func::FuncOp"> {
  let summary = "Fold linalg.transpose producers of GEMM inputs into the "
                "GEMM's indexing maps";
  let description = [{
    A `linalg.matmul` or `linalg.batch_matmul` whose A or B input is the
    result of a `linalg.transpose` that swaps the two matrix dimensions
    (permutation `[1, 0]`, or `[0, 2, 1]` with a batch dimension) reads the
    transpose's input instead, through transposed indexing maps (the maps of
    `matmul_transpose_a` / `matmul_transpose_b`; a second transpose of an
    already transposed operand restores the default map). The transposed
    copy disappears when nothing else uses it.

    This is the form `bf16-convert-matmul-to-microkernel` packs directly: a
    transposed B is transposed while it is packed, a transposed A is packed
    like B. Backward passes (`dW = X^T dY`, `dX = dY W^T`) are written this
    way by `--bf16-train`'s frontends. Works on tensors and memrefs; other
    contractions and other permutations are left alone. Pure
    restructuring: every C element is accumulated in the same order.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def UpdateInPlace : Pass<"bf16-update-in-place", "::mlir::func::FuncOp"> {
  let summary = "Let returned updates write into the argument they replace";
  let description = [{
    Before one-shot bufferization: for every value a function returns that a
    linalg op computes into a `tensor.empty` init, if one of the op's inputs
    is a function argument of the same type read with the same indexing map
    as that result (an elementwise update `w' = f(w, ...)`), the init
    becomes that argument. Destination-passing style then lets one-shot
    bufferization write the new value into the argument's buffer, so the
    function result aliases the argument and no parameter, optimizer state
    or compensation buffer is copied per step.

    The rewrite is always correct: tensors are values, and where writing in
    place would clobber a value still read later, the bufferization
    analysis inserts a copy instead. An argument is chosen for at most one
    result.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FreeTemporaries : Pass<"bf16-free-temporaries", "::mlir::func::FuncOp"> {
  let summary = "Free every memref.alloc after its last use unless it "
                "escapes";
  let description = [{
    After bufferization: for every `memref.alloc` without a `memref.dealloc`,
    follows its aliases (results of memref type of every op that uses it:
    views, casts, calls) and, unless one of them is returned, yielded or
    already deallocated, inserts a `memref.dealloc` right after the last op
    of the alloc's block that uses any of them.

    Unlike upstream's ownership-based deallocation, a function that returns
    an argument (an update made in place by `bf16-update-in-place`) returns
    it as is rather than a clone, which keeps the C ABI's aliasing of tied
    results and avoids one copy of every parameter per step. Buffers that
    escape (returned, yielded out of a loop, or reachable through a call's
    result that is returned) are left to the caller.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ConvertMatmulToMicrokernel
    : Pass<"bf16-convert-matmul-to-microkernel", "::mlir::func::FuncOp"> {
  let summary = "Lower static-shape memref GEMMs to packed, register-tiled "
                "vector kernels (vdpbf16ps for BF16)";
  let description = [{
    Rewrites `linalg.matmul` and `linalg.batch_matmul` on memrefs (after
    bufferization) with default or transposed-operand indexing maps (A as
    `[k][m]` and/or B as `[n][k]`, the maps of `matmul_transpose_a` /
    `_b`), static shapes and unit innermost strides, whose inputs are both
    `bf16` (or both `f32`) and whose accumulator is `f32`, into:

    1. packing of B into a 64-byte aligned buffer of `N/nr` column panels
       in which each 32-bit lane holds the two K-adjacent BF16 values that
       `vdpbf16ps` multiplies (VNNI layout; K padded to even with zeros,
       columns past N padded with zeros);
    2. for every panel and every block of `mr` rows of C, an `mr x nr/16`
       tile of `vector<16xf32>` accumulators loaded from C, one loop over K
       whose body loads `nr/16` packed B vectors, broadcasts one A pair per
       row and issues `mr * nr/16` multiply-accumulates, and the stores back
       to C (masked for an N remainder; M remainders get a smaller tile).
    3. a B stored `[n][k]` is transposed while it is packed (16 x 16 blocks
       of 32-bit lanes: 16 row loads, 64 two-source shuffles, 16 stores),
       giving the same packed layout; an A stored `[k][m]` with BF16 pairs
       is packed like B in panels of 16 rows, so that each row's pair is one
       32-bit load (f32 A elements are loaded in place);
    4. a constant `linalg.fill` of C right before the GEMM (only
       side-effect-free ops in between) is absorbed: the accumulators start
       from the constant and C is not read;
    5. an output rounding is stored by the kernel: when C is a
       `memref.alloc` used only by the GEMM, its fill and one later
       `linalg.generic` `D = lowp.round <mode> C` (identity maps, no random
       bits) into a `memref.alloc` D that nothing uses before it, each
       accumulator is rounded (`lowp.round` on `vector<16xf32>`) and stored
       into D, D's allocation moves above the kernel, and the rounding op
       goes away; with the fill absorbed too, C is never written and its
       allocation goes away. The rounding is the same op on the same
       values, so D gets the same bits; a training step's GEMM writes its
       bf16 result once instead of an f32 C that is read back.

    `bf16-dot=vdpbf16ps` uses `x86vector.avx512.dot` (needs AVX512-BF16).
    `bf16-dot=fma` emulates it with FP32 `math.fma` on the widened pair
    elements, odd element first, flushing denormal operands and results:
    the same bits as `vdpbf16ps`, except that the emulation detects
    tininess after rounding where the instruction does so before it
    (docs/Lowering.md gives the exact window). Both accumulate every C
    element in the order of `bf16::ref::gemmBF16`. `f32` GEMMs use
    `math.fma` with K in increasing order.

    Other contractions (dynamic shapes, a transposed C or broadcast maps,
    other element types, convolutions) are left alone for
    `convert-linalg-to-loops`. Packing is restructuring only: every C
    element is accumulated in the same order whatever the operand layout.
  }];
  let options = [
    Option<"bf16Dot", "bf16-dot", "::mlir::bf16::BF16DotKind",
           /*default=*/"::mlir::bf16::BF16DotKind::Vdpbf16ps",
           "How BF16 dot products are computed",
           "::mlir::bf16::clValues(::mlir::bf16::BF16DotKind{})">,
    Option<"mr", "mr", "int64_t", /*default=*/"6",
           "rows of C per register tile, 1 to 16">,
    Option<"nr", "nr", "int64_t", /*default=*/"64",
           "columns of C per register tile, a multiple of 16 up to 128; "
           "mr * nr/16 + nr/16 must not exceed 31 registers">,
    Option<"f32", "f32", "bool", /*default=*/"true",
           "also lower f32 x f32 -> f32 GEMMs (FMA kernel)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect",
    "::mlir::lowp::LowpDialect"
  ];
}

def FuseRandomBitsIntoElementwise
    : Pass<"bf16-fuse-random-bits-into-elementwise"> {
  let summary = "Draw the random bits of an elementwise linalg op in "
                "registers instead of reading them from a tensor";
  let description = [{
    Stochastic rounding reads 32 (stream v1, i32) or 16 (stream v2, i16)
    random bits per element. When a
    `linalg.generic` on tensors (every iterator parallel, every indexing map
    the identity, static shape, no `linalg.index`) takes an input from a
    tensor `lowp.random_bits`, and every op of its body is elementwise
    mappable (arith, math, lowp) on scalars, this pass rewrites it into a loop
    that computes the bits where they are used, so they never exist as an
    array in memory (which costs 4 (v1) or 2 (v2) bytes of writes and as
    many of reads per element on top of the update's own traffic).

    * The operands are flattened to 1-D (`tensor.collapse_shape`). An
      `scf.for` over runs of `lanes` Philox blocks -- `4 * lanes` elements
      for v1 bits, `8 * lanes` when an input is a v2 (i16) stream -- with
      the outputs as `iter_args`, computes the run's bits with the blocked
      Philox of `bf16-convert-random-bits-to-vector` (`lanes` blocks per
      `vector<lanes x i32>`, transposed into element order; v2: the words
      bitcast to i16 halves), then applies the generic's body to each of the
      run's four (v1) or eight (v2) slices of `lanes` elements, with every op of the body on `vector<lanes x T>` (values
      from outside the body are broadcast): `vector.transfer_read`s at the
      slice's offset, the body's ops, `vector.transfer_write`s into the
      `iter_args`.
    * An input that is also an output (an update in place, as
      `bf16-update-in-place` arranges) is read from the loop's `iter_args`,
      so bufferization keeps the update in place.
    * The last `r = n mod run` elements are one straight-line run on
      `vector<r x T>`.
    * Ops with fewer than one run of elements are left alone
      (`bf16-convert-random-bits-to-vector` handles their bits).

    Element `i` gets exactly the bits `lowp.random_bits` gives it (v1: word
    `i & 3` of block `i >> 2`; v2: half `i & 1` of word `(i & 7) >> 1` of
    block `i >> 3`), so the result is the same as without the fusion. A `lowp.random_bits` left without uses is erased.

    Before:

    ```mlir
    %r = lowp.random_bits %seed, %stream, %step : tensor<4x32xi32>
    %n = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%u, %r : tensor<4x32xbf16>, tensor<4x32xi32>) outs(%w : tensor<4x32xbf16>) {
    ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
      %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i32
      linalg.yield %s : bf16
    } -> tensor<4x32xbf16>
    ```

    After (`lanes=16`; 128 elements = 2 runs of 64):

    ```mlir
    %w1 = tensor.collapse_shape %w [[0, 1]] : tensor<4x32xbf16> into tensor<128xbf16>
    %l = scf.for %off = %c0 to %c128 step %c64 iter_args(%t = %w1) -> (tensor<128xbf16>) {
      ...   // Philox: 16 blocks on vector<16xi64> products, 4 vector<16xi32> in element order
      %o0 = ... %off + 0
      %u0 = vector.transfer_read %u1[%o0], ... : tensor<128xbf16>, vector<16xbf16>
      %w0 = vector.transfer_read %t[%o0], ... : tensor<128xbf16>, vector<16xbf16>
      %s0 = lowp.sr_add %w0, %u0, %bits0 : vector<16xbf16>, vector<16xbf16>, vector<16xi32>
      ...   // written back into %t; 3 more slices
      scf.yield %t4 : tensor<128xbf16>
    }
    %n = tensor.expand_shape %l [[0, 1]] output_shape [4, 32] : tensor<128xbf16> into tensor<4x32xbf16>
    ```

    With v2 bits (`tensor<4x32xi16>`) the same 128 elements are one run of
    16 blocks. When every other operand has 16-bit elements (bf16, i16, as
    in the SR update of `--bf16-train`), the run is processed in the *pair
    layout*: each slice of `2 * lanes` elements is read as `lanes` 32-bit
    pairs (`vector.bitcast`), the body runs once on the even elements (the
    low halves, `arith.trunci`) and once on the odd ones (the high halves),
    and the results are paired again (`arith.ori` of the shifted halves).
    The bits come as `vector<lanes x i32>` words in element order (words 0
    and 1 of each block packed in one i64, interleaved with words 2 and 3):
    word `q` holds exactly the bits of elements `2q` and `2q + 1`, so they
    need no shuffle, and no operand is widened or narrowed lane by lane.
    Otherwise each vector of words is `vector.bitcast` to twice as many i16
    bits, one slice of `lanes` elements per half.

    `bf16-train-to-llvm` runs it before bufferization when it vectorizes
    (the default), right after `bf16-update-in-place`.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "Philox blocks per vector, and the vector width of the body (the "
           "loop step is 4 * lanes elements, 8 * lanes with i16 bits), 1 to "
           "64">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def VectorizeElementwise
    : Pass<"bf16-vectorize-linalg-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Tile and vectorize memref linalg ops whose innermost loop "
                "is parallel (elementwise bodies, lowp ops, outer "
                "reductions) to vector<width>";
  let description = [{
    For every linalg op on memrefs whose innermost loop is parallel (all
    loops parallel, or reductions over outer dimensions such as the column
    sums of a bias gradient), whose iteration space is static and whose
    innermost loop is a multiple of `width`: tiles it to `1 x ... x 1 x width` with upstream
    `scf::tileUsingSCF` and vectorizes each tile with upstream
    `linalg::vectorize` (elementwise bodies, broadcasts, transposes and
    fills; `lowp` ops are `ElementwiseMappable` and are vectorized like
    arith ops, as is the Philox body of `lowp.random_bits` through
    `linalg.index`). Leading unit vector dimensions are then cast away, so
    the tiles compute on `vector<width x T>`. Ops that do not qualify, and
    tiles that do not vectorize, stay scalar linalg ops for
    `convert-linalg-to-loops`. A `linalg.transpose` tile reads its input
    with a strided 1-D transfer (a permutation map), which
    `convert-vector-to-scf{full-unroll}` later turns into scalar loads.

    The tiles of an all-parallel op are independent, so their loop is an
    `scf.forall`. A reduction is tiled with its parallel dimensions outside
    its reduction dimensions; the outermost loop (over output tiles) is an
    `scf.parallel` and the reduction loops are `scf.for` inside it.
    `bf16-parallelize-loops` decides which of these run on threads.

    The rewrite changes no arithmetic: every element sees the same ops in
    the same order (reduction loops are tiled by 1 and keep their relative
    order inside each output tile, so each output element accumulates its
    terms in the scalar loops' order), so results are bit-identical to the
    scalar loops (the lowp kernel tests and
    `Integration/Emulated/colsum.test` compare them).
    Reductions over the innermost dimension (and GEMMs, see
    `bf16-convert-matmul-to-microkernel`) are not touched.
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"16",
           "elements per vector (innermost tile size), 1 to 64">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ParallelizeLoops : Pass<"bf16-parallelize-loops", "::mlir::func::FuncOp"> {
  let summary = "Choose which scf.parallel / scf.forall loops run on threads; "
                "serialize the rest";
  let description = [{
    Code generation states where iterations are independent: the GEMM
    microkernel emits its packing and panel / row-block loops as
    `scf.parallel`, `bf16-vectorize-linalg-elementwise` and
    `bf16-fuse-random-bits-into-elementwise` tile all-parallel ops with
    `scf.forall`, and `convert-linalg-to-parallel-loops` turns the parallel
    dimensions of the remaining linalg ops into `scf.parallel` (reduction
    dimensions stay `scf.for`, in order). This pass decides which of them
    become OpenMP work-sharing loops (`convert-scf-to-openmp`):

    * every `scf.forall` without shared outputs (bufferized) first becomes an
      `scf.parallel`;
    * walking from the outside in, an `scf.parallel` with at least 2
      iterations whose estimated work (operations executed per entry,
      counting nested loop trip counts) is at least `min-work` stays
      parallel, and every `scf.parallel` nested in it becomes `scf.for`
      loops (one parallel region per nest, no nested parallelism);
    * any other `scf.parallel` becomes nested `scf.for` loops, and the walk
      continues inside it;
    * with `threads=1` every `scf.parallel` becomes `scf.for` loops.

    Only where an iteration runs changes, never what it computes: an
    iteration of a parallel loop writes elements that no other iteration
    reads or writes, reductions keep their order inside one iteration, and
    random bits are keyed by element index. So the results are bit-identical
    for every thread count (`test/Integration/Threads`).

    ```mlir
    scf.parallel (%i) = (%c0) to (%c1024) step (%c16) {
      ... 1024 ops ...
    }
    // stays parallel (64 x 1024 ops >= min-work); with threads=1 it becomes
    scf.for %i = %c0 to %c1024 step %c16 {
      ... 1024 ops ...
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "1: serialize every loop; 0 or more than 1: keep the loops worth "
           "running on threads (the thread count is set by "
           "bf16-set-num-threads)">,
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "smallest estimated work (operations per entry of the loop) "
           "worth a parallel region; at least 1">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def SetNumThreads : Pass<"bf16-set-num-threads", "::mlir::ModuleOp"> {
  let summary = "Give every omp.parallel its thread count: a constant, or "
                "BF16_NUM_THREADS / all cores at run time";
  let description = [{
    Sets the `num_threads` operand of every `omp.parallel` that has none
    (those that `convert-scf-to-openmp` creates from `scf.parallel`).

    * `threads=N` with `N >= 1`: the constant `N`.
    * `threads=0` (the default): the value of
      `@__bf16_num_threads()`, an internal LLVM-dialect function that this
      pass adds to the module. On its first call it reads the environment
      variable `BF16_NUM_THREADS`; a positive integer is the thread count,
      anything else (unset, empty, not a positive number) means
      `omp_get_max_threads()` (OpenMP's default: `OMP_NUM_THREADS` if set,
      otherwise every core the process may run on). The value is cached
      for the life of the process, so it applies to compiled code loaded
      ahead of time (AOT objects, the frontend's shared libraries) and to
      JIT-compiled code alike.

    Thread counts never change results (see `bf16-parallelize-loops`).

    ```mlir
    omp.parallel {
      omp.wsloop { omp.loop_nest ... }
    }
    // becomes, with threads=0,
    %n = llvm.call @__bf16_num_threads() : () -> i32
    omp.parallel num_threads(%n : i32) {
      omp.wsloop { omp.loop_nest ... }
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "0: BF16_NUM_THREADS at run time, or all cores; N >= 1: N threads">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::omp::OpenMPDialect"];
}

def OutlineLoopNests : Pass<"bf16-outline-loop-nests", "::mlir::ModuleOp"> {
  let summary = "Outline each top-level loop nest of a function into its "
                "own private, non-inlinable function";
  let description = [{
    A whole training step is one function, and LLVM's per-function passes
    (instruction selection, scheduling, register allocation) grow faster
    than linearly with a function's size, so compiling a step of `n` ops
    took time growing like `n^2`. This pass moves every `scf.for` or
    `scf.parallel` directly in the body of a function with a single-block body into a new private
    function `@<name>_loop<i>` (upstream `outlineSingleBlockRegion` of SCF/Utils),
    called in its place with the values it uses from outside (memrefs,
    scalars) as arguments and its results as results. Constants it uses are
    cloned into it instead of being passed. The new functions carry
    `passthrough = ["noinline"]`, which `convert-to-llvm` and
    `mlir-translate` turn into LLVM's `noinline` (func.func's own
    `no_inline` is dropped by `convert-to-llvm` in MLIR 22), so that LLVM's
    inliner does not rebuild the big function. Each nest then compiles on its own:
    the work per nest is bounded by the nest, and the total grows linearly
    with the number of nests.

    Only what runs where changes: every loop executes the same operations
    in the same order, so results are bit-identical. Functions without
    top-level loops, declarations and multi-block bodies are left alone.

    ```mlir
    func.func @step(%a: memref<64xf32>) {
      scf.for %i = %c0 to %c64 step %c16 { ... %a ... }
      return
    }
    // becomes
    func.func @step(%a: memref<64xf32>) {
      call @step_loop0(%a) : (memref<64xf32>) -> ()
      return
    }
    func.func private @step_loop0(%a: memref<64xf32>) attributes {passthrough = ["noinline"]} {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c64 step %c16 { ... %a ... }
      return
    }
    ```

    `bf16-train-to-llvm` runs it after `bf16-parallelize-loops`, when every
    loop nest is an `scf.for` or an `scf.parallel` (before
    `convert-scf-to-openmp`, so a parallel nest's OpenMP region is outlined
    with it).
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

def GeneralizeNarrowNamedOps
    : Pass<"bf16-generalize-narrow-named-ops", "::mlir::func::FuncOp"> {
  let summary = "Generalize named linalg ops whose bodies compute in bf16";
  let description = [{
    Rewrites every named linalg op (matmul, batch_matmul, conv, ...) whose
    body has an `arith` op with a float result narrower than 32 bits into a
    `linalg.generic` with the same body: for example a matmul with a bf16
    accumulator from `--bf16-train="accumulate=bf16"`. `bf16-train-to-llvm`
    then rewrites those bodies to compute in f32 with explicit roundings
    (`arith-emulate-unsupported-floats`), which a named op's verifier
    rejects. Named ops that compute in f32 (bf16 inputs widened by
    `arith.extf`) stay named, for `bf16-convert-matmul-to-microkernel`.

    ```mlir
    %r = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x2xbf16>)
                       outs(%c : tensor<4x2xbf16>) -> tensor<4x2xbf16>
    // becomes a linalg.generic with the matmul's indexing maps and body
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DropConversionFastMath
    : Pass<"bf16-drop-conversion-fastmath", "::mlir::func::FuncOp"> {
  let summary = "Unset the fast-math flags of arith.extf and arith.truncf";
  let description = [{
    `arith-emulate-unsupported-floats` gives the `arith.extf` / `arith.truncf`
    it creates `fastmath<contract>`. Under `contract` arith's folder rewrites
    `extf(truncf(x))` to `x`, so the next greedy rewrite would drop the bf16
    rounding of every intermediate value of a chain of bf16 ops
    (`test/Integration/Emulated/intermediate-rounding.mlir`); and MLIR 22's
    arith-to-llvm copies the flags onto `llvm.fpext`/`llvm.fptrunc`, which
    stock `mlir-translate` rejects (llvm-project issue #156692). This pass
    unsets the attribute (not `none`: a set attribute is copied) before
    anything folds, so the pipeline performs exactly the roundings the IR
    has.
  }];
}

def StripStateAttributes
    : Pass<"bf16-strip-state-attributes", "::mlir::ModuleOp"> {
  let summary = "Drop the lowp.* trained-state ABI attributes of functions";
  let description = [{
    Removes every `lowp` dialect attribute (`lowp.role`, `lowp.tied_to`,
    `lowp.state`, `lowp.state_of`) from function arguments and results. They
    describe the tensor-level signature (`docs/TrainingABI.md`) and mean
    nothing to LLVM, whose translation would warn about them. Other
    attributes are kept.
  }];
}

def EmitCInterface : Pass<"bf16-emit-c-interface", "::mlir::ModuleOp"> {
  let summary = "Mark public functions with llvm.emit_c_interface";
  let description = [{
    Adds `llvm.emit_c_interface` to every public `func.func` with a body, so
    that the LLVM lowering emits `_mlir_ciface_<name>` wrappers with the C
    ABI of `docs/Runtime.md` (memref descriptors by pointer, results through
    a leading struct pointer). Private functions and declarations are left
    alone.
  }];
}

#endif // BF16_CODEGEN_PASSES
