//===- Reference.cpp - Philox and bulk helpers of the reference ---------===//
//
// Part of bf16-opt. See include/bf16/Numerics/Reference.h.
//
//===----------------------------------------------------------------------===//

#include "bf16/Numerics/Reference.h"

#include <cmath>

namespace bf16 {
namespace ref {

namespace {
constexpr uint32_t kM0 = 0xD2511F53u;
constexpr uint32_t kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u;
constexpr uint32_t kW1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t &hi, uint32_t &lo) {
  uint64_t p = uint64_t(a) * uint64_t(b);
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}
} // namespace

std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> c,
                                      std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += kW0;
      k[1] += kW1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, c[0], hi0, lo0);
    mulhilo(kM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
  }
  return c;
}

namespace {
/// The Philox block `block` of the stream (seed, stream, step): counter
/// (lo32(block), stream, lo32(step), hi32(step)), key (lo32(seed),
/// hi32(seed)). Shared by both stream versions.
std::array<uint32_t, 4> streamBlock(uint64_t seed, uint32_t stream,
                                    uint64_t step, uint64_t block) {
  std::array<uint32_t, 4> ctr = {static_cast<uint32_t>(block), stream,
                                 static_cast<uint32_t>(step),
                                 static_cast<uint32_t>(step >> 32)};
  std::array<uint32_t, 2> key = {static_cast<uint32_t>(seed),
                                 static_cast<uint32_t>(seed >> 32)};
  return philox4x32_10(ctr, key);
}

/// Element `j` (< perBlock) of a block: a whole word (v1, 4 per block) or a
/// 16-bit half, low half first (v2, 8 per block).
template <typename T>
T blockElement(const std::array<uint32_t, 4> &words, uint64_t j) {
  if constexpr (sizeof(T) == 4)
    return words[j];
  else
    return static_cast<T>(words[j >> 1] >> (16 * (j & 1)));
}

/// out[i] = element first + i of the stream, with one block call per whole
/// block and per-element calls for the unaligned head and tail.
template <typename T>
void fillStream(uint64_t seed, uint32_t stream, uint64_t step, uint64_t first,
                T *out, size_t n) {
  constexpr uint64_t perBlock = 16 / sizeof(T); // 4 words or 8 halves
  auto one = [&](uint64_t index) {
    return blockElement<T>(streamBlock(seed, stream, step, index / perBlock),
                           index % perBlock);
  };
  size_t i = 0;
  for (; i < n && (first + i) % perBlock != 0; ++i)
    out[i] = one(first + i);
  for (; i + perBlock <= n; i += perBlock) {
    std::array<uint32_t, 4> words =
        streamBlock(seed, stream, step, (first + i) / perBlock);
    for (uint64_t j = 0; j < perBlock; ++j)
      out[i + j] = blockElement<T>(words, j);
  }
  for (; i < n; ++i)
    out[i] = one(first + i);
}
} // namespace

uint32_t randomBits(uint64_t seed, uint32_t stream, uint64_t step,
                    uint64_t index) {
  return streamBlock(seed, stream, step, index >> 2)[index & 3];
}

void randomBitsFill(uint64_t seed, uint32_t stream, uint64_t step,
                    uint64_t first, uint32_t *out, size_t n) {
  fillStream(seed, stream, step, first, out, n);
}

uint16_t randomBits16(uint64_t seed, uint32_t stream, uint64_t step,
                      uint64_t index) {
  // ctr = index >> 3, word (index & 7) >> 1, half index & 1.
  uint32_t word = streamBlock(seed, stream, step, index >> 3)[(index & 7) >> 1];
  return static_cast<uint16_t>((index & 1) ? word >> 16 : word & 0xFFFFu);
}

void randomBits16Fill(uint64_t seed, uint32_t stream, uint64_t step,
                      uint64_t first, uint16_t *out, size_t n) {
  fillStream(seed, stream, step, first, out, n);
}

namespace {
constexpr float kMinNormal = 1.17549435e-38f; // 2^-126

float dazBF16(uint16_t h) {
  return (h & 0x7F80u) == 0 ? f32FromBits(uint32_t(h & 0x8000u) << 16)
                            : bf16ToFloat(h);
}

/// acc + a*b, one rounding, with the result flushed when the exact value is
/// below 2^-126 (tininess before rounding). The product of two BF16 values
/// is exact in double, and when the float result is exactly +-2^-126 the
/// double FMA decides the side: the exact value is then a multiple of at
/// least 2^-165, far coarser than a double ulp at 2^-126 (2^-178), so the
/// double result is below 2^-126 exactly when the exact value is.
float fmaFtzBeforeRounding(float a, float b, float acc) {
  float r = std::fma(a, b, acc);
  float mag = std::fabs(r);
  if (mag < kMinNormal)
    return std::copysign(0.0f, r);
  if (mag == kMinNormal &&
      std::fabs(std::fma(double(a), double(b), double(acc))) <
          double(kMinNormal))
    return std::copysign(0.0f, r);
  return r;
}
} // namespace

uint32_t dotBF16Pair(uint32_t accBits, uint16_t a0, uint16_t a1, uint16_t b0,
                     uint16_t b1) {
  float acc = isF32Denormal(accBits) ? f32FromBits(accBits & 0x80000000u)
                                     : f32FromBits(accBits);
  acc = fmaFtzBeforeRounding(dazBF16(a1), dazBF16(b1), acc);
  acc = fmaFtzBeforeRounding(dazBF16(a0), dazBF16(b0), acc);
  return f32Bits(acc);
}

void gemmBF16(size_t m, size_t n, size_t k, const uint16_t *a,
              const uint16_t *b, uint32_t *c) {
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      uint32_t acc = c[i * n + j];
      for (size_t p = 0; p < k; p += 2) {
        bool pair = p + 1 < k;
        acc = dotBF16Pair(acc, a[i * k + p], pair ? a[i * k + p + 1] : 0,
                          b[p * n + j], pair ? b[(p + 1) * n + j] : 0);
      }
      c[i * n + j] = acc;
    }
}

} // namespace ref
} // namespace bf16
