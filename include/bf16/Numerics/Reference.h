//===- Reference.h - Exact reference numerics for narrow floats -*- C++ -*-===//
//
// Part of bf16-opt. The scalar oracle that every lowering of the `lowp`
// dialect is checked against. Plain C++17, no MLIR or LLVM dependency: it is
// linked by the dialect (for folding), by unit tests, by runtimes and, through
// the C ABI in bf16-c/Numerics.h, by Python.
//
// All values are raw bit patterns (FP32 as uint32_t, BF16 as uint16_t). The
// exact semantics of every function are specified in docs/Numerics.md.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_NUMERICS_REFERENCE_H
#define BF16_NUMERICS_REFERENCE_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace bf16 {
namespace ref {

/// Rounding modes. The numeric values match the `lowp` dialect's
/// `RoundingMode` enum and the LOWP_ROUND_* constants of the C ABI.
enum class Rounding : uint32_t {
  NearestEven = 0,    ///< IEEE RNE, denormals kept (arith.truncf semantics).
  NearestEvenFtz = 1, ///< RNE with denormal inputs flushed to +-0
                      ///< (vcvtneps2bf16 semantics).
  TowardZero = 2,     ///< Truncation of the low 16 bits.
  Stochastic = 3,     ///< Add 16 random bits, truncate.
};

inline uint32_t f32Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
inline float f32FromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

inline bool isF32NaN(uint32_t b) { return (b & 0x7FFFFFFFu) > 0x7F800000u; }
inline bool isF32Denormal(uint32_t b) {
  return (b & 0x7F800000u) == 0 && (b & 0x007FFFFFu) != 0;
}
inline bool isBF16NaN(uint16_t h) { return (h & 0x7FFFu) > 0x7F80u; }

/// NaN -> quiet NaN: keep the sign and the top payload bits, set the quiet
/// bit. Shared by every rounding mode.
inline uint16_t quietNaNToBF16(uint32_t b) {
  return static_cast<uint16_t>((b >> 16) | 0x0040u);
}

/// BF16 -> FP32 is exact: the BF16 pattern is the upper half of the FP32 one.
inline uint32_t bf16ToF32Bits(uint16_t h) { return uint32_t(h) << 16; }
inline float bf16ToFloat(uint16_t h) { return f32FromBits(bf16ToF32Bits(h)); }

/// Round to nearest, ties to even, IEEE semantics: denormals are rounded like
/// any other value; overflow goes to +-Inf; NaN is quieted.
inline uint16_t rneIEEE(uint32_t b) {
  if (isF32NaN(b))
    return quietNaNToBF16(b);
  uint32_t lsb = (b >> 16) & 1u;
  return static_cast<uint16_t>((b + 0x7FFFu + lsb) >> 16);
}

/// Round to nearest, ties to even, with the hardware semantics of
/// vcvtneps2bf16: like rneIEEE, except that FP32 denormal inputs become a
/// zero of the same sign.
inline uint16_t rneFTZ(uint32_t b) {
  if (isF32Denormal(b))
    return static_cast<uint16_t>((b >> 16) & 0x8000u);
  return rneIEEE(b);
}

/// Round toward zero (truncate). NaN is quieted (a NaN whose payload lives
/// only in the low 16 bits would otherwise become Inf).
inline uint16_t rtz(uint32_t b) {
  if (isF32NaN(b))
    return quietNaNToBF16(b);
  return static_cast<uint16_t>(b >> 16);
}

/// Stochastic rounding from given bits: add the low 16 bits of `r` to the
/// FP32 pattern and keep the upper 16 bits. NaN is quieted and bypasses the
/// addition; +-Inf is unchanged (its low bits are zero). Magnitudes above the
/// largest finite BF16 value carry into +-Inf with probability
/// proportional to their distance, exactly as the bit recipe gives.
/// Denormals are kept. P(round away from zero) = low16(b) / 65536.
inline uint16_t sr(uint32_t b, uint32_t r) {
  if (isF32NaN(b))
    return quietNaNToBF16(b);
  return static_cast<uint16_t>((b + (r & 0xFFFFu)) >> 16);
}

/// Dispatch on a mode. `r` is used only for Rounding::Stochastic.
inline uint16_t roundF32ToBF16(uint32_t b, Rounding mode, uint32_t r = 0) {
  switch (mode) {
  case Rounding::NearestEven:
    return rneIEEE(b);
  case Rounding::NearestEvenFtz:
    return rneFTZ(b);
  case Rounding::TowardZero:
    return rtz(b);
  case Rounding::Stochastic:
    return sr(b, r);
  }
  return 0xFFFFu;
}

/// A BF16 arithmetic op as a 16-bit FPU performs it: widen both operands
/// exactly, compute in IEEE FP32 (round to nearest even, no FTZ), round the
/// result to BF16 with `mode`. For + - * this equals a correctly rounded
/// BF16 op under NearestEven, since 24 >= 2*8+2 makes the double rounding
/// innocuous.
inline uint16_t bf16Add(uint16_t a, uint16_t b, Rounding mode) {
  float s = bf16ToFloat(a) + bf16ToFloat(b);
  return roundF32ToBF16(f32Bits(s), mode);
}
inline uint16_t bf16Sub(uint16_t a, uint16_t b, Rounding mode) {
  float s = bf16ToFloat(a) - bf16ToFloat(b);
  return roundF32ToBF16(f32Bits(s), mode);
}

/// lowp.sr_add: s = fl32(w + u) with IEEE FP32 round-to-nearest-even
/// addition of the exactly widened operands, then SR(s, r).
inline uint16_t srAddF32(uint16_t w, uint32_t uF32Bits, uint32_t r) {
  float s = bf16ToFloat(w) + f32FromBits(uF32Bits);
  return sr(f32Bits(s), r);
}
inline uint16_t srAddBF16(uint16_t w, uint16_t u, uint32_t r) {
  return srAddF32(w, bf16ToF32Bits(u), r);
}

struct KahanResult {
  uint16_t w;
  uint16_t c;
};

/// lowp.kahan_update: the four steps of NUMERICS.md section 4, each one a
/// BF16 op (FP32 op, then rounding with `mode`, which must be NearestEven or
/// NearestEvenFtz):
///   y = u - c;  s = w + y;  c' = (s - w) - y;  w' = s.
inline KahanResult kahanUpdate(uint16_t w, uint16_t c, uint16_t u,
                               Rounding mode = Rounding::NearestEven) {
  uint16_t y = bf16Sub(u, c, mode);
  uint16_t s = bf16Add(w, y, mode);
  uint16_t t = bf16Sub(s, w, mode);
  uint16_t cNew = bf16Sub(t, y, mode);
  return {s, cNew};
}

struct SplitResult {
  uint16_t hi; ///< BF16 pattern: the upper half of the FP32 master.
  uint16_t lo; ///< The lower 16 bits of the FP32 master.
};

/// lowp.split_update, the IPEX "split SGD" 16+16 master weight: the FP32
/// master m = f32((hi << 16) | lo) is reconstructed exactly, the update is
/// one IEEE FP32 addition s = fl32(m + u) (RNE, denormals kept) and s is
/// split again: hi' = the upper 16 bits of s (truncation, so hi':lo'
/// reconstructs s exactly), lo' = the lower 16 bits. A NaN s gets a quiet hi'
/// (as rtz), so the BF16 half never turns a NaN into an infinity.
inline SplitResult splitUpdate(uint16_t hi, uint16_t lo, uint32_t uF32Bits) {
  float m = f32FromBits((uint32_t(hi) << 16) | lo);
  uint32_t s = f32Bits(m + f32FromBits(uF32Bits));
  return {rtz(s), static_cast<uint16_t>(s & 0xFFFFu)};
}

/// One FP32 lane of vdpbf16ps (AVX512-BF16), NUMERICS.md section 7, as
/// measured on this project's reference CPU (unittests/Numerics/DotTest.cpp;
/// docs/Lowering.md, section 4): the odd pair element first, then the even
/// one,
///   acc = ftz(acc + a1*b1);  acc = ftz(acc + a0*b0),
/// each step one exactly rounded FP32 fused multiply-add (RNE, MXCSR
/// ignored). Denormal inputs (the BF16 operands and the incoming accumulator)
/// count as zero, and a step whose *exact* result is smaller than 2^-126 in
/// magnitude is flushed to a zero of the same sign (tininess is detected
/// before rounding: a result that rounds up to 2^-126 is still flushed).
uint32_t dotBF16Pair(uint32_t accBits, uint16_t a0, uint16_t a1, uint16_t b0,
                     uint16_t b1);

/// C[m][n] (FP32 bits) += sum_k A[m][k] * B[k][n] in the order vdpbf16ps
/// accumulates when B is packed in VNNI pairs: for k = 0, 2, 4, ...
///   C[m][n] = dotBF16Pair(C[m][n], A[m][k], A[m][k+1], B[k][n], B[k+1][n]),
/// with an odd K padded by one zero pair element (A[m][K] = B[K][n] = +0).
/// Row-major, dense: A is M x K, B is K x N, C is M x N.
void gemmBF16(size_t m, size_t n, size_t k, const uint16_t *a,
              const uint16_t *b, uint32_t *c);

/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
/// easy as 1, 2, 3", SC'11), as in Random123 / cuRAND / JAX.
/// Multipliers M0 = 0xD2511F53, M1 = 0xCD9E8D57; Weyl key increments
/// W0 = 0x9E3779B9, W1 = 0xBB67AE85; 10 rounds, key bumped between rounds.
std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> ctr,
                                      std::array<uint32_t, 2> key);

/// lowp.random_bits for one element with row-major linear index `index`
/// (index < 2^34):
///   key = (lo32(seed), hi32(seed))
///   ctr = (lo32(index >> 2), stream, lo32(step), hi32(step))
///   bits = philox4x32_10(ctr, key)[index & 3]
/// The value depends only on (seed, stream, step, index): never on shape,
/// tiling, vector width or evaluation order.
uint32_t randomBits(uint64_t seed, uint32_t stream, uint64_t step,
                    uint64_t index);

/// The largest element count a single lowp.random_bits may produce.
constexpr uint64_t kMaxRandomBitsElements = uint64_t(1) << 34;

/// Fill out[i] = randomBits(seed, stream, step, first + i), i < n.
void randomBitsFill(uint64_t seed, uint32_t stream, uint64_t step,
                    uint64_t first, uint32_t *out, size_t n);

/// lowp.random_bits with i16 elements, stream v2: one Philox4x32-10 block
/// serves 8 elements, 16 bits each. For the element with row-major linear
/// index `index` (index < 2^35):
///   key    = (lo32(seed), hi32(seed))
///   ctr    = (lo32(index >> 3), stream, lo32(step), hi32(step))
///   word   = philox4x32_10(ctr, key)[(index & 7) >> 1]
///   bits16 = (index & 1) ? word >> 16 : word & 0xFFFF
/// Equivalently, bits16(index) is half (index & 1) of the v1 word
/// randomBits(seed, stream, step, index >> 1): v2 is v1 with every 32-bit
/// word split into two 16-bit draws, low half first. Like v1 it depends only
/// on (seed, stream, step, index).
uint16_t randomBits16(uint64_t seed, uint32_t stream, uint64_t step,
                      uint64_t index);

/// The largest element count a single v2 (i16) lowp.random_bits may produce.
constexpr uint64_t kMaxRandomBits16Elements = uint64_t(1) << 35;

/// Fill out[i] = randomBits16(seed, stream, step, first + i), i < n.
void randomBits16Fill(uint64_t seed, uint32_t stream, uint64_t step,
                      uint64_t first, uint16_t *out, size_t n);

} // namespace ref
} // namespace bf16

#endif // BF16_NUMERICS_REFERENCE_H
