//===- Options.h - Enumerated options of the training passes ----*- C++ -*-===//
//
// Part of bf16-opt. The enumerated options of bf16-demote,
// bf16-rewrite-updates and the bf16-train pipeline, each declared once
// (bf16/Support/EnumOption.h) and validated by the option parser.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_TRAINING_OPTIONS_H
#define BF16_TRAINING_OPTIONS_H

#include "bf16/Support/EnumOption.h"

namespace mlir {
namespace bf16 {

#define BF16_UPDATE_ROUNDING(X)                                                \
  X(Nearest, "nearest", "round every update to nearest even")                  \
  X(Stochastic, "stochastic", "stochastic rounding (lowp.sr_add)")             \
  X(Kahan, "kahan", "Kahan-compensated updates (lowp.kahan_update)")           \
  X(Split, "split", "split f32 masters: bf16 high half + i16 low half")
BF16_ENUM_OPTION(UpdateRounding, BF16_UPDATE_ROUNDING)

#define BF16_RNG_STREAM(X)                                                     \
  X(V1, "v1", "32 random bits per element, one Philox block per 4 (i32)")      \
  X(V2, "v2", "16 random bits per element, one Philox block per 8 (i16)")
BF16_ENUM_OPTION(RngStream, BF16_RNG_STREAM)

#define BF16_APPLY_TO(X)                                                       \
  X(Params, "params", "protect parameter updates only")                        \
  X(AllState, "all-state", "also protect optimizer-state updates")
BF16_ENUM_OPTION(ApplyTo, BF16_APPLY_TO)

#define BF16_STATE_STORAGE(X)                                                  \
  X(Arguments, "arguments", "added state is appended to the signature")        \
  X(Globals, "globals", "added state lives in ml_program globals")
BF16_ENUM_OPTION(StateStorage, BF16_STATE_STORAGE)

#define BF16_ACCUMULATE(X)                                                     \
  X(F32, "f32", "contractions and reductions accumulate in f32")               \
  X(BF16, "bf16", "every accumulation step rounds to bf16")
BF16_ENUM_OPTION(Accumulate, BF16_ACCUMULATE)

#define BF16_ROUNDING_SEMANTICS(X)                                             \
  X(PerOp, "per-op", "round after every op")                                   \
  X(Fused, "fused", "round once per fused elementwise generic")
BF16_ENUM_OPTION(RoundingSemantics, BF16_ROUNDING_SEMANTICS)

#define BF16_NARROW_TYPE(X) X(BF16, "bf16", "bfloat16 (the only one today)")
BF16_ENUM_OPTION(NarrowType, BF16_NARROW_TYPE)

#define BF16_INPUT_FORM(X)                                                     \
  X(Linalg, "linalg", "func/linalg/tensor/arith/math")                         \
  X(Tosa, "tosa", "TOSA (upstream tosa-to-linalg runs first)")
BF16_ENUM_OPTION(InputForm, BF16_INPUT_FORM)

} // namespace bf16
} // namespace mlir

#endif // BF16_TRAINING_OPTIONS_H
