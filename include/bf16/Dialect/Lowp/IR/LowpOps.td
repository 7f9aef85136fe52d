//===- LowpOps.td - The lowp dialect ---------------------------*- tablegen -*-===//
//
// Part of bf16-opt. The `lowp` (low-precision) dialect: exact rounding,
// stochastically rounded accumulation, Kahan-compensated updates and a
// counter-based random-bits generator, generic over the narrow float format
// (bf16 today; f16 and f8 are planned and rejected by the verifiers until then).
//
//===----------------------------------------------------------------------===//

#ifndef LOWP_OPS_TD
#define LOWP_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/VectorInterfaces.td"

//===----------------------------------------------------------------------===//
// Dialect
//===----------------------------------------------------------------------===//

def Lowp_Dialect : Dialect {
  let name = "lowp";
  let cppNamespace = "::mlir::lowp";
  let summary = "Exact low-precision rounding, stochastic rounding, Kahan "
                "updates and counter-based random bits";
  let description = [{
    The `lowp` dialect carries the numerics that 16-bit-FPU training needs and
    that upstream MLIR does not express:

    * `lowp.round`: FP32 to a narrow float with an explicit rounding mode,
      including the hardware (`vcvtneps2bf16`) flavour of round-to-nearest-even
      that flushes denormals, and stochastic rounding from explicit bits;
    * `lowp.sr_add`: `w + u` rounded stochastically;
    * `lowp.kahan_update`: a Kahan-compensated weight update that no rewrite
      can reassociate away;
    * `lowp.split_update`: an exact FP32 update of a 16+16 split master
      weight (BF16 upper half plus a 16-bit lower half);
    * `lowp.random_bits`: Philox4x32-10 bits keyed by (seed, stream, step,
      element index).

    The namespace is `lowp` rather than `bf16` so that `lowp.round ... -> bf16`
    never reads as the builtin `bf16` type, and because the dialect is meant
    to serve f16 and f8 formats too. Every op is elementwise (except
    `lowp.random_bits`, which is index-addressed) and works on scalars, vectors
    and ranked tensors. Every op's semantics are defined bit-exactly by the
    reference numerics library (`include/bf16/Numerics/Reference.h`), which
    the folders call directly.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // The trained-state ABI attributes (lowp.role, lowp.tied_to, lowp.state,
  // lowp.state_of) on function arguments and results.
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// Enums and attributes
//===----------------------------------------------------------------------===//

def Lowp_NearestEven : I32EnumAttrCase<"nearest_even", 0>;
def Lowp_NearestEvenFtz : I32EnumAttrCase<"nearest_even_ftz", 1>;
def Lowp_TowardZero : I32EnumAttrCase<"toward_zero", 2>;
def Lowp_Stochastic : I32EnumAttrCase<"stochastic", 3>;

def Lowp_RoundingMode : I32EnumAttr<"RoundingMode",
    "rounding mode of a narrowing float conversion",
    [Lowp_NearestEven, Lowp_NearestEvenFtz, Lowp_TowardZero,
     Lowp_Stochastic]> {
  let cppNamespace = "::mlir::lowp";
  let genSpecializedAttr = 0;
}

def Lowp_RoundingModeAttr : EnumAttr<Lowp_Dialect, Lowp_RoundingMode,
                                     "rounding"> {
  let summary = "rounding mode: nearest_even | nearest_even_ftz | "
                "toward_zero | stochastic";
}

// The trained-state ABI (docs/TrainingABI.md): the role of a training-step
// argument (`lowp.role`) and the kind of state bf16-rewrite-updates adds
// (`lowp.state`), e.g. `{lowp.role = #lowp<role param>}`.
def Lowp_ArgRole : I32EnumAttr<"ArgRole",
    "role of a training-step argument",
    [I32EnumAttrCase<"Param", 0, "param">,
     I32EnumAttrCase<"OptimizerState", 1, "optimizer_state">,
     I32EnumAttrCase<"Input", 2, "input">]> {
  let cppNamespace = "::mlir::lowp";
  let genSpecializedAttr = 0;
}

def Lowp_ArgRoleAttr : EnumAttr<Lowp_Dialect, Lowp_ArgRole, "role"> {
  let summary = "role of a training-step argument: param (a trained "
                "parameter) | optimizer_state (optimizer state or a buffer) | "
                "input (batch, hyper-parameter or untrained value)";
}

def Lowp_StateKind : I32EnumAttr<"StateKind",
    "kind of state bf16-rewrite-updates adds",
    [I32EnumAttrCase<"Compensation", 0, "compensation">,
     I32EnumAttrCase<"LowHalf", 1, "low_half">,
     I32EnumAttrCase<"RngStep", 2, "rng_step">]> {
  let cppNamespace = "::mlir::lowp";
  let genSpecializedAttr = 0;
}

def Lowp_StateKindAttr : EnumAttr<Lowp_Dialect, Lowp_StateKind, "state"> {
  let summary = "kind of added state: compensation (Kahan) | low_half (low "
                "16 bits of a split f32 master) | rng_step (step counter of "
                "the stochastic-rounding stream)";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Scalars, vectors and ranked tensors of the given element types. The exact
// element types (f32 source, bf16 narrow format, ...) are checked by the C++
// verifiers so that their messages can say what is supported.
class Lowp_ScalarVectorOrRankedTensorOf<list<Type> allowed> :
    AnyTypeOf<[AnyTypeOf<allowed>, VectorOfAnyRankOf<allowed>,
               RankedTensorOf<allowed>]>;

def Lowp_FloatLike : Lowp_ScalarVectorOrRankedTensorOf<[AnyFloat]>;
// Random bits: i32 (stream v1, 32 bits per element) or i16 (stream v2, 16
// bits per element); see lowp.random_bits.
def Lowp_BitsLike : Lowp_ScalarVectorOrRankedTensorOf<[I16, I32]>;
def Lowp_LowHalfLike : Lowp_ScalarVectorOrRankedTensorOf<[I16]>;

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

class Lowp_Op<string mnemonic, list<Trait> traits = []> :
    Op<Lowp_Dialect, mnemonic, traits>;

def Lowp_RoundOp : Lowp_Op<"round", [Pure, ElementwiseMappable]> {
  let summary = "FP32 to narrow float conversion with an explicit rounding mode";
  let description = [{
    Converts each element of `$input` (f32) to the narrow float type of the
    result (today: bf16) with the rounding mode `$mode`. Let `b` be the FP32
    bit pattern and `hi(b) = b >> 16`:

    | mode | result |
    |---|---|
    | `nearest_even` | NaN: `hi(b) \| 0x40` (quieted). Otherwise `hi(b + 0x7FFF + (hi(b) & 1))`. Denormals are rounded, overflow goes to ±Inf. Equals `arith.truncf` (IEEE RNE). |
    | `nearest_even_ftz` | as `nearest_even`, except an FP32 denormal input gives ±0 (its sign kept). Equals `vcvtneps2bf16`. |
    | `toward_zero` | NaN: `hi(b) \| 0x40`. Otherwise `hi(b)`. |
    | `stochastic` | NaN: `hi(b) \| 0x40`. Otherwise `hi(b + (r & 0xFFFF))`, where `r` is the element of `$bits` (zero-extended when it is i16). So `P(round away from zero) = (b & 0xFFFF) / 65536` and `E[result] = x` for uniform `r`. ±Inf stays ±Inf; finite values above the largest finite bf16 carry into ±Inf with that same probability. Denormals are kept. |

    `$bits` (i32 or i16 elements, same shape as `$input`) must be present
    exactly when the mode is `stochastic`; only its low 16 bits are used, so
    the 16-bit random stream (`lowp.random_bits ... : ...xi16`, stream v2)
    gives the same rounding from half the random bits.

    The op never raises FP exceptions. It folds when all operands are
    constants, by evaluating the reference numerics, so the fold is exact.

    Example:

    ```mlir
    %a = lowp.round nearest_even %x : (f32) -> bf16
    %b = lowp.round nearest_even_ftz %v : (vector<16xf32>) -> vector<16xbf16>
    %c = lowp.round stochastic %t, %r
           : (tensor<4x8xf32>, tensor<4x8xi32>) -> tensor<4x8xbf16>
    %d = lowp.round stochastic %t, %r16
           : (tensor<4x8xf32>, tensor<4x8xi16>) -> tensor<4x8xbf16>
    ```
  }];
  let arguments = (ins Lowp_RoundingModeAttr:$mode, Lowp_FloatLike:$input,
                       Optional<Lowp_BitsLike>:$bits);
  let results = (outs Lowp_FloatLike:$result);
  let assemblyFormat = [{
    `` $mode $input (`,` $bits^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Lowp_SRAddOp : Lowp_Op<"sr_add", [Pure, ElementwiseMappable,
                                      AllTypesMatch<["w", "result"]>]> {
  let summary = "stochastically rounded addition `w + u`";
  let description = [{
    Adds the update `$u` to `$w` and rounds the sum stochastically to the
    narrow type of `$w`:

    ```
    s      = fl32(f32(w) + f32(u))      // one IEEE FP32 addition, RNE,
                                         // denormals kept, widening exact
    result = round<stochastic>(s, bits)  // see lowp.round
    ```

    `$u` is either the narrow type of `$w` (16-bit-FPU training, where the
    optimizer's update is itself bf16) or f32 (an FP32 update). Because the
    widening is exact and a single FP32 addition is correctly rounded, the
    only rounding besides SR is that FP32 addition, which is exact whenever
    the exponents of `w` and `u` differ by at most 16 (an 8-bit plus an
    8-bit significand fit in 24 bits).

    `$bits` has i32 (stream v1) or i16 (stream v2) elements; only the low 16
    bits of each element are used. The op folds when all operands are
    constants.

    Example:

    ```mlir
    %w1 = lowp.sr_add %w, %u, %r
            : tensor<256x10xbf16>, tensor<256x10xbf16>, tensor<256x10xi32>
    %w2 = lowp.sr_add %w, %u, %r16
            : tensor<256x10xbf16>, tensor<256x10xbf16>, tensor<256x10xi16>
    ```
  }];
  let arguments = (ins Lowp_FloatLike:$w, Lowp_FloatLike:$u,
                       Lowp_BitsLike:$bits);
  let results = (outs Lowp_FloatLike:$result);
  let assemblyFormat = [{
    $w `,` $u `,` $bits attr-dict `:` type($w) `,` type($u) `,` type($bits)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Lowp_KahanUpdateOp : Lowp_Op<"kahan_update", [Pure, ElementwiseMappable,
    AllTypesMatch<["w", "c", "u", "new_w", "new_c"]>]> {
  let summary = "Kahan-compensated update `(w, c, u) -> (w', c')`";
  let description = [{
    Applies the update `$u` to `$w` with the compensation `$c`, all in the
    narrow type, exactly as the four steps of Kahan summation
    (NUMERICS.md section 4):

    ```
    y  = u - c        // re-inject the error lost last step
    s  = w + y        // the rounding step that would lose small updates
    c' = (s - w) - y  // what was added minus what was wanted
    w' = s
    ```

    Each of the four operations is one narrow-float op: both operands are
    widened exactly to f32, the operation is one IEEE FP32 operation (RNE),
    and the result is rounded to the narrow type with `$mode`, which must be
    `nearest_even` (IEEE) or `nearest_even_ftz` (hardware). For bf16 and
    `nearest_even` this equals a correctly rounded bf16 operation
    (24 >= 2*8 + 2 makes the double rounding innocuous).

    The op is opaque to every fold and canonicalization: the rounding of `s`
    happens before `c'` is computed, so `(s - w) - y` can never be
    simplified to 0. Lowerings must preserve this (no reassociation, no
    fast-math).

    Example:

    ```mlir
    %w1, %c1 = lowp.kahan_update nearest_even %w, %c, %u : tensor<784x256xbf16>
    ```
  }];
  let arguments = (ins Lowp_RoundingModeAttr:$mode, Lowp_FloatLike:$w,
                       Lowp_FloatLike:$c, Lowp_FloatLike:$u);
  let results = (outs Lowp_FloatLike:$new_w, Lowp_FloatLike:$new_c);
  let assemblyFormat = [{
    `` $mode $w `,` $c `,` $u attr-dict `:` type($w)
  }];
  let hasVerifier = 1;
}

def Lowp_SplitUpdateOp : Lowp_Op<"split_update", [Pure, ElementwiseMappable,
    AllTypesMatch<["hi", "new_hi"]>, AllTypesMatch<["lo", "new_lo"]>]> {
  let summary = "FP32 update of a 16+16 split master weight";
  let description = [{
    `$hi` (the narrow weight that the forward and backward passes read) and
    `$lo` (the lower 16 bits of the FP32 master, as an `i16`) together hold
    an FP32 master weight exactly (IPEX "split SGD", NUMERICS.md section 5):

    ```
    m   = f32((bits(hi) << 16) | lo)   // exact reconstruction
    s   = fl32(m + u)                  // one IEEE FP32 addition (RNE)
    hi' = upper 16 bits of s           // truncation: hi':lo' == s exactly
    lo' = lower 16 bits of s
    ```

    `$u` is the narrow type or f32, with the same shape. A NaN `s` gets a
    quiet-NaN `hi'` (like `toward_zero` rounding) so that the narrow half
    never turns a NaN into an infinity. The update is therefore exactly an
    FP32 master-weight update at 4 bytes per parameter. The op is never
    folded.

    Example:

    ```mlir
    %hi1, %lo1 = lowp.split_update %hi, %lo, %u
        : tensor<256xbf16>, tensor<256xi16>, tensor<256xbf16>
    ```
  }];
  let arguments = (ins Lowp_FloatLike:$hi, Lowp_LowHalfLike:$lo,
                       Lowp_FloatLike:$u);
  let results = (outs Lowp_FloatLike:$new_hi, Lowp_LowHalfLike:$new_lo);
  let assemblyFormat = [{
    $hi `,` $lo `,` $u attr-dict `:` type($hi) `,` type($lo) `,` type($u)
  }];
  let hasVerifier = 1;
}

def Lowp_RandomBitsOp : Lowp_Op<"random_bits", [Pure]> {
  let summary = "counter-based random bits (Philox4x32-10)";
  let description = [{
    Produces uniformly distributed random bits, one draw per element. The
    result's element type selects the stream version:

    * **i32, stream v1**: 32 bits per element, one Philox block per 4
      elements. For the element with row-major linear index `i` (scalars
      have `i = 0`):

      ```
      key  = (lo32(seed), hi32(seed))
      ctr  = (lo32(i >> 2), stream, lo32(step), hi32(step))
      bits = Philox4x32_10(ctr, key)[i & 3]
      ```

    * **i16, stream v2**: 16 bits per element, one Philox block per 8
      elements (half the Philox work of v1; stochastic rounding to bf16 uses
      16 bits):

      ```
      key    = (lo32(seed), hi32(seed))
      ctr    = (lo32(i >> 3), stream, lo32(step), hi32(step))
      word   = Philox4x32_10(ctr, key)[(i & 7) >> 1]
      bits16 = (i & 1) ? word >> 16 : word & 0xFFFF
      ```

      Equivalently, element `i` of v2 is half `i & 1` (low half first) of
      element `i >> 1` of v1 with the same (seed, stream, step): do not use
      both versions with the same stream id in one step, their bits overlap.

    Philox4x32-10 is the counter-based generator of Salmon, Moraes, Dror and
    Shaw ("Parallel random numbers: as easy as 1, 2, 3", SC'11), as in
    Random123, cuRAND, JAX and PyTorch: ten rounds of
    `(c0, c1, c2, c3) <- (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1,
    lo(M0*c0))` with `M0 = 0xD2511F53`, `M1 = 0xCD9E8D57`, the key bumped by
    `(0x9E3779B9, 0xBB67AE85)` between rounds.

    Each element's bits depend only on `(seed, stream, step, i)` (and the
    version): never on tiling, vector width, thread count or evaluation
    order. Within one version, distinct `(stream, step, i)` never share a
    Philox block position for a given seed. The result may hold at most
    2^34 (v1) or 2^35 (v2) elements. `$stream` names the tensor (a tensor
    id), `$step` the training step.

    Example:

    ```mlir
    %r = lowp.random_bits %seed, %stream, %step : tensor<784x256xi32>
    %r16 = lowp.random_bits %seed, %stream, %step : tensor<784x256xi16>
    ```
  }];
  let arguments = (ins I64:$seed, I32:$stream, I64:$step);
  let results = (outs Lowp_BitsLike:$result);
  let assemblyFormat = [{
    $seed `,` $stream `,` $step attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOWP_OPS_TD
