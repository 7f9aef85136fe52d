//===- DotTest.cpp - vdpbf16ps reference semantics ------------------------===//
//
// The reference dotBF16Pair / gemmBF16 against cases whose results follow
// from the documented semantics alone, and (on AVX512-BF16 CPUs) against the
// instruction itself, lane by lane and as a whole GEMM.
//
//===----------------------------------------------------------------------===//

#include "HardwareCvt.h"
#include "bf16/Numerics/Reference.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace bf16::ref;

namespace {
constexpr uint16_t kOne = 0x3F80, kMinusOne = 0xBF80;
/// BF16 2^e for a normal exponent e.
uint16_t pow2(int e) { return static_cast<uint16_t>((127 + e) << 7); }
uint32_t f32(float x) { return f32Bits(x); }

TEST(DotBF16Pair, OddElementFirst) {
  // acc = 1: odd first gives (1 - 1) + 2^-30 = 2^-30; even first would give
  // (1 + 2^-30) - 1 = 0, since 1 + 2^-30 rounds to 1.
  EXPECT_EQ(dotBF16Pair(f32(1.0f), pow2(-30), kMinusOne, kOne, kOne),
            f32(0x1p-30f));
}

TEST(DotBF16Pair, EachStepIsAFusedMultiplyAdd) {
  // 1 + (1+2^-7)^2 = 2 + 2^-6 + 2^-14 exactly: one rounding keeps 2^-14.
  uint16_t x = 0x3F81; // 1 + 2^-7
  EXPECT_EQ(dotBF16Pair(f32(1.0f), 0, x, 0, x), f32(2.0f + 0x1p-6f + 0x1p-14f));
}

TEST(DotBF16Pair, DenormalsAreFlushed) {
  // A denormal BF16 operand counts as zero.
  EXPECT_EQ(dotBF16Pair(0, 0, 0x0001, 0, 0x7F00), 0u);
  // A denormal accumulator counts as zero.
  EXPECT_EQ(dotBF16Pair(0x00400000u, 0, 0, 0, 0), 0u);
  // An intermediate denormal is flushed before the even step:
  // 1.5*2^-126 - 2^-126 = 2^-127 -> 0, then + 2^-126.
  EXPECT_EQ(dotBF16Pair(0x00C00000u, pow2(-63), pow2(-63), pow2(-63),
                        pow2(-63) | 0x8000),
            0x00800000u);
  // Tininess before rounding: 2^-126 - 2^-150 rounds (ties to even) up to
  // 2^-126, but the exact value is tiny, so the step flushes it to +0.
  EXPECT_EQ(dotBF16Pair(0x00800000u, 0, pow2(-75), 0, pow2(-75) | 0x8000), 0u);
  // Just above the threshold nothing is flushed: 2^-126 + 2^-149 - 2^-150
  // is normal and ties to the even 2^-126.
  EXPECT_EQ(dotBF16Pair(0x00800001u, 0, pow2(-75), 0, pow2(-75) | 0x8000),
            0x00800000u);
}

TEST(GemmBF16, OddKPadsWithZero) {
  // 1x1 output, K = 3: pairs (k0, k1) then (k2, 0).
  std::vector<uint16_t> a = {kOne, pow2(-30), kMinusOne};
  std::vector<uint16_t> b = {kOne, kOne, kOne};
  uint32_t c = f32(1.0f);
  gemmBF16(1, 1, 3, a.data(), b.data(), &c);
  // ((1 + 2^-30) + 1) = 2, then + (-1) = 1.
  EXPECT_EQ(c, f32(1.0f));
}

/// Random BF16 operands of mixed magnitude: all bit patterns (NaN/Inf
/// excluded), small-exponent ones (denormal and underflowing products) and
/// values near 1 (cancellation).
struct Gen {
  std::mt19937 rng{12345};
  uint16_t bf16() {
    uint32_t r = rng();
    uint16_t h;
    switch (r % 4) {
    case 0:
      h = static_cast<uint16_t>(r >> 16);
      break;
    case 1: // exponents near the bottom of the range
      h = static_cast<uint16_t>(((r >> 16) & 0x807F) | (((r >> 8) % 70) << 7));
      break;
    default: // exponents near 1
      h = static_cast<uint16_t>(((r >> 16) & 0x807F) |
                                ((120 + (r >> 8) % 16) << 7));
      break;
    }
    if ((h & 0x7F80) == 0x7F80)
      h &= 0xBFFF; // no Inf/NaN
    return h;
  }
  uint32_t f32acc() {
    uint32_t r = rng();
    uint32_t e = (r % 3 == 0) ? (r >> 8) % 40 : 100 + (r >> 8) % 40;
    return (rng() & 0x807FFFFFu) | (e << 23);
  }
};

TEST(DotBF16Pair, MatchesVdpbf16ps) {
  if (!bf16test::cpuHasAvx512Bf16())
    GTEST_SKIP() << "no AVX512_BF16 on this CPU (the reference is checked "
                    "against hardware only where the instruction exists)";
  Gen g;
  size_t mismatches = 0, flushed = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    uint32_t acc[16];
    uint16_t a[32], b[32];
    for (int i = 0; i < 32; ++i) {
      a[i] = g.bf16();
      b[i] = g.bf16();
    }
    for (uint32_t &v : acc)
      v = g.f32acc();
    uint32_t hw[16];
    std::copy(acc, acc + 16, hw);
    bf16test::hwDpbf16psx16(hw, a, b);
    for (int i = 0; i < 16; ++i) {
      uint32_t ref =
          dotBF16Pair(acc[i], a[2 * i], a[2 * i + 1], b[2 * i], b[2 * i + 1]);
      flushed += (ref & 0x7FFFFFFFu) == 0;
      if (ref != hw[i] && ++mismatches <= 5)
        ADD_FAILURE() << std::hex << "acc=" << acc[i] << " a=" << a[2 * i]
                      << "," << a[2 * i + 1] << " b=" << b[2 * i] << ","
                      << b[2 * i + 1] << " hw=" << hw[i] << " ref=" << ref;
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(flushed, 100u) << "the inputs should exercise flushing";
}

TEST(DotBF16Pair, EdgeCasesMatchVdpbf16ps) {
  if (!bf16test::cpuHasAvx512Bf16())
    GTEST_SKIP() << "no AVX512_BF16 on this CPU";
  struct Case {
    uint32_t acc;
    uint16_t a0, a1, b0, b1;
  } cases[] = {
      {0x00800000u, 0, pow2(-75), 0, uint16_t(pow2(-75) | 0x8000)},
      {0x00800001u, 0, pow2(-75), 0, uint16_t(pow2(-75) | 0x8000)},
      {0x80800000u, 0, pow2(-75), 0, pow2(-75)},
      {0x00C00000u, pow2(-63), pow2(-63), pow2(-63),
       uint16_t(pow2(-63) | 0x8000)},
      {0x80000000u, 0, 0x8000, 0, 0},
      {0x00400000u, 0, kOne, 0, kOne},
      {f32(1.0f), pow2(-30), kMinusOne, kOne, kOne},
  };
  for (const Case &c : cases) {
    uint32_t acc[16] = {c.acc};
    uint16_t a[32] = {c.a0, c.a1}, b[32] = {c.b0, c.b1};
    bf16test::hwDpbf16psx16(acc, a, b);
    EXPECT_EQ(acc[0], dotBF16Pair(c.acc, c.a0, c.a1, c.b0, c.b1))
        << std::hex << "acc=" << c.acc;
  }
}

TEST(GemmBF16, MatchesVdpbf16psGemm) {
  if (!bf16test::cpuHasAvx512Bf16())
    GTEST_SKIP() << "no AVX512_BF16 on this CPU";
  const size_t m = 5, n = 32, k = 37;
  Gen g;
  std::vector<uint16_t> a(m * k), b(k * n);
  std::vector<uint32_t> c(m * n);
  for (auto &v : a)
    v = g.bf16();
  for (auto &v : b)
    v = g.bf16();
  for (auto &v : c)
    v = g.f32acc();
  std::vector<uint32_t> hw = c;
  // Straightforward VNNI GEMM with the instruction: B pairs interleaved,
  // A pairs broadcast, K padded with zeros.
  for (size_t i = 0; i < m; ++i)
    for (size_t j0 = 0; j0 < n; j0 += 16)
      for (size_t p = 0; p < k; p += 2) {
        uint16_t av[32], bv[32];
        for (int l = 0; l < 16; ++l) {
          av[2 * l] = a[i * k + p];
          av[2 * l + 1] = p + 1 < k ? a[i * k + p + 1] : 0;
          bv[2 * l] = b[p * n + j0 + l];
          bv[2 * l + 1] = p + 1 < k ? b[(p + 1) * n + j0 + l] : 0;
        }
        bf16test::hwDpbf16psx16(&hw[i * n + j0], av, bv);
      }
  gemmBF16(m, n, k, a.data(), b.data(), c.data());
  EXPECT_EQ(c, hw);
}
} // namespace
