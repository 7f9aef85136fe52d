//===- Passes.td - bf16-opt conversion passes ------------------*- tablegen -*-===//
//
// Part of bf16-opt. The dialect conversions of the project (CIRCT style): each lives in
// its own folder under lib/Conversion with its own header.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_PASSES
#define BF16_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertLowpToArith : Pass<"bf16-convert-lowp-to-arith"> {
  let summary = "Expand lowp ops into exact integer/float arith arithmetic";
  let description = [{
    Lowers every `lowp` op to upstream `arith` (plus `linalg`/`tensor` for
    tensors and `vector.broadcast` for vectors), bit-exactly as the reference
    numerics library defines them. This is the portable ("emulated") path: it
    needs no AVX512-BF16 and every target can compile it.

    * Roundings become the integer bit recipes of docs/Numerics.md on the
      FP32 bit pattern (`arith.bitcast`, `arith.addi`, `arith.shrui`,
      `arith.select`, ...). No `arith.truncf` is emitted, so neither
      `vcvtneps2bf16`'s denormal flushing nor a library call can creep in,
      and no fold of `extf(truncf(x))` can remove a rounding.
    * `lowp.sr_add` widens `w` exactly (shift left by 16), adds in FP32 with
      `arith.addf` (no fast-math flags) and applies the SR recipe.
    * `lowp.kahan_update` becomes its four steps, each an FP32 `arith.addf`
      or `arith.subf` followed by an integer rounding; the rounded `s` feeds
      `(s - w) - y`, so no canonicalization can fold the compensation away.
    * `lowp.random_bits` becomes Philox4x32-10 built from `arith.muli`,
      `arith.shrui`, `arith.andi`, `arith.xori` and constants: the words are
      held zero-extended in i64, so each 32x32->64-bit product is one exact
      64-bit multiply (x86: `vpmuludq` on vectors) whose halves are hi and
      lo. On tensors each element computes its whole block and keeps one
      word (i32, stream v1) or one 16-bit half of a word (i16, stream v2); `bf16-convert-random-bits-to-vector` is the blocked alternative that
      `bf16-train-to-llvm` uses when it vectorizes.
    * Ops on tensors first become `linalg.generic` ops whose bodies hold the
      scalar op (upstream elementwise-to-linalg, restricted to `lowp` ops;
      `lowp.random_bits` uses `linalg.index` for the element index), then the
      bodies are expanded. Other ops are never touched.

    Before:

    ```mlir
    func.func @f(%x: f32) -> bf16 {
      %r = lowp.round toward_zero %x : (f32) -> bf16
      return %r : bf16
    }
    ```

    After (`-bf16-convert-lowp-to-arith -canonicalize`):

    ```mlir
    func.func @f(%x: f32) -> bf16 {
      %c16 = arith.constant 16 : i32
      ...
      %b = arith.bitcast %x : f32 to i32
      %hi = arith.shrui %b, %c16 : i32
      ...  // NaN check and quieting
      %t = arith.trunci %sel : i32 to i16
      %r = arith.bitcast %t : i16 to bf16
      return %r : bf16
    }
    ```
  }];
  let options = [
    Option<"tensorsOnly", "tensors-only", "bool", /*default=*/"false",
           "Only move lowp ops on tensors into linalg bodies (so that a "
           "target-specific lowering can take the scalar ops first)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertRandomBitsToVector : Pass<"bf16-convert-random-bits-to-vector"> {
  let summary = "Lower lowp.random_bits on tensors to Philox on vectors, "
                "one block per four (i32) or eight (i16) elements";
  let description = [{
    Rewrites `lowp.random_bits` on a static-shape ranked tensor (any rank,
    including 0) into IR over its flattened row-major elements that
    computes each Philox4x32-10 block once and uses its four words for the
    four consecutive elements that the op assigns to it (docs/Numerics.md).
    The bits are exactly those of the op: element `i` gets word `i & 3` of
    block `i >> 2` (i32, stream v1), or half `i & 1` of word `(i & 7) >> 1`
    of block `i >> 3` (i16, stream v2: each block serves eight elements; the
    loop runs `8 * lanes` elements per iteration, counters
    `lo32(offset / 8) + lane`, and each vector of words in element order is
    `vector.bitcast` to twice as many i16 elements, low half first).

    * An `scf.for` over runs of `4 * lanes` elements. Each iteration
      computes `lanes` blocks from the counters
      `lo32(offset / 4) + [0, 1, ..., lanes-1]` (`vector<lanes x i32>`) with
      the arith ops of `bf16-convert-lowp-to-arith` (words zero-extended to
      `vector<lanes x i64>` for the 32x32->64-bit products; key schedule on
      scalars, broadcast), transposes the four word vectors into element
      order with `vector.shuffle` (zip of words 0/1 and 2/3, then one
      shuffle per store) and writes 4 vectors of `lanes` elements with
      in-bounds `vector.transfer_write`s into a `tensor.empty`.
    * The last `r = n mod (4 * lanes)` elements (all of them when there are
      fewer) are one straight-line run of `ceil(r / 4)` blocks whose last
      store is shorter: no masks, no out-of-bounds accesses.
    * The flat tensor is reshaped to the op's type (`tensor.expand_shape`,
      or `tensor.collapse_shape` for rank 0). Empty tensors become a
      `tensor.empty`.

    This is the per-element linalg body of `bf16-convert-lowp-to-arith` (which
    computes a whole block for every element and selects one word) with a
    quarter of the Philox work. `bf16-train-to-llvm` runs it before
    bufferization when it vectorizes (the default); with `vectorize=false`
    it keeps the per-element lowering. Scalars, vectors and the other lowp
    ops are left alone; the consumer of the bits is irrelevant.

    Before:

    ```mlir
    %r = lowp.random_bits %seed, %stream, %step : tensor<2x50xi32>
    ```

    After (`lanes=16`; 100 = 64 + 36 elements):

    ```mlir
    %e = tensor.empty() : tensor<100xi32>
    %l = scf.for %off = %c0 to %c64 step %c64 iter_args(%t = %e) -> (tensor<100xi32>) {
      %b = arith.shrui %off, %c2 : index
      %b32 = arith.index_castui %b : index to i32
      %ctr0 = arith.addi (vector.broadcast %b32), dense<[0, ..., 15]> : vector<16xi32>
      ...   // 10 Philox rounds on vector<16xi64>, words %w0 .. %w3 : vector<16xi32>
      %t01 = vector.shuffle %w0, %w1 [0, 16, 1, 17, ...] : vector<16xi32>, vector<16xi32>
      %t23 = vector.shuffle %w2, %w3 [0, 16, 1, 17, ...] : vector<16xi32>, vector<16xi32>
      %v0 = vector.shuffle %t01, %t23 [0, 1, 32, 33, 2, 3, 34, 35, ...] : vector<32xi32>, vector<32xi32>
      %t1 = vector.transfer_write %v0, %t[%off] {in_bounds = [true]} : vector<16xi32>, tensor<100xi32>
      ...   // 3 more stores of 16
      scf.yield %t4 : tensor<100xi32>
    }
    ...     // 9 blocks on vector<9xi32>, stores of 16, 16 and 4 at 64, 80, 96
    %r = tensor.expand_shape %f [[0, 1]] output_shape [2, 50] : tensor<100xi32> into tensor<2x50xi32>
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "Philox blocks per vector (each gives 4 i32 or 8 i16 elements; "
           "the loop step is 4 * lanes or 8 * lanes elements), 1 to 64">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertTruncFToLowp : Pass<"bf16-convert-truncf-to-lowp"> {
  let summary = "Make every f32 -> bf16 arith.truncf an explicit lowp.round";
  let description = [{
    Replaces `arith.truncf` from f32 to bf16 (scalars, vectors, tensors) by
    `lowp.round <mode>`, so that the rounding is emitted by this project
    (integer recipe or `vcvtneps2bf16`) and never by LLVM's default
    `fptrunc ... to bfloat` lowering, which scalarizes into library calls on
    targets without AVX512-BF16 and whose result differs between targets.
    `mode=nearest_even_ftz` (default) is the hardware semantics that
    `bf16-train-to-llvm` uses on every target; `nearest_even` keeps IEEE
    denormals.

    ```mlir
    %b = arith.truncf %x : vector<16xf32> to vector<16xbf16>
    // becomes
    %b = lowp.round nearest_even_ftz %x : (vector<16xf32>) -> vector<16xbf16>
    ```
  }];
  let options = [
    Option<"mode", "mode", "::mlir::bf16::TruncFRounding",
           /*default=*/"::mlir::bf16::TruncFRounding::NearestEvenFtz",
           "The lowp.round mode that replaces arith.truncf",
           "::mlir::bf16::clValues(::mlir::bf16::TruncFRounding{})">
  ];
  let dependentDialects = ["::mlir::lowp::LowpDialect"];
}

def ConvertLowpToX86 : Pass<"bf16-convert-lowp-to-x86"> {
  let summary = "Lower lowp.round nearest_even_ftz to vcvtneps2bf16 "
                "(AVX512-BF16)";
  let description = [{
    Rewrites `lowp.round nearest_even_ftz` on `vector<8xf32>` and
    `vector<16xf32>` into `x86vector.avx512.cvt.packed.f32_to_bf16`, and on
    scalars into the 256-bit form on a broadcast vector (lane 0 is
    extracted). `vcvtneps2bf16` has exactly the `nearest_even_ftz`
    semantics (docs/Numerics.md): NaN quieted, denormal inputs flushed,
    round to nearest even. `lowp.kahan_update nearest_even_ftz` on bf16
    scalars and `vector<8|16xbf16>` is first split into its four steps
    (exact `arith.extf`, one f32 op, `lowp.round`: the order and ops of
    `bf16-convert-lowp-to-arith`'s lowering), so its roundings become
    `vcvtneps2bf16` too. Other lowp ops, other widths and tensors are
    left for `bf16-convert-lowp-to-arith`. Only for targets with AVX512-BF16
    (`+avx512bf16,+avx512vl`).

    ```mlir
    %b = lowp.round nearest_even_ftz %x : (f32) -> bf16
    // becomes
    %v = vector.broadcast %x : f32 to vector<8xf32>
    %c = x86vector.avx512.cvt.packed.f32_to_bf16 %v : vector<8xf32> -> vector<8xbf16>
    %b = vector.extract %c[0] : bf16 from vector<8xbf16>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect"
  ];
}

#endif // BF16_CONVERSION_PASSES
