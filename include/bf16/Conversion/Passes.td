//===- Passes.td - bf16-opt conversion passes ------------------*- tablegen -*-===//
//
// Part of bf16-opt. All conversions of the project are declared here (CIRCT
// style); each lives in its own folder under lib/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CONVERSION_PASSES
#define BF16_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertLowpToArith : Pass<"convert-lowp-to-arith"> {
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
    * `lowp.random_bits` becomes Philox4x32-10 built from
      `arith.mului_extended`, `arith.xori` and constants.
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

    After (`-convert-lowp-to-arith -canonicalize`):

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
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // BF16_CONVERSION_PASSES
