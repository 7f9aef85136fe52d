//===- RoundingTest.cpp - RNE / RTZ reference checks ----------------------===//
//
// Exhaustive (all 2^32 FP32 inputs) checks of the hardware-semantics RNE
// reference: against vcvtneps2bf16 when the CPU has AVX512-BF16 (otherwise
// that test is SKIPPED, never passed), and always against an independent
// formulation that rounds with FP32 arithmetic instead of integer bit tricks.
//
//===----------------------------------------------------------------------===//

#include "HardwareCvt.h"
#include "bf16/Numerics/Reference.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace bf16::ref;

namespace {

/// Independent RNE: for finite x, adding C = 2^(q+23) (q = exponent of the
/// bf16 spacing at |x|) in FP32 rounds |x| to a multiple of 2^q, ties to
/// even, with the FPU's own rounding; subtracting C is then exact. Large
/// magnitudes are scaled by 2^-64 first (exact for them) so C stays finite.
uint16_t rneByFloatArithmetic(uint32_t b, bool flushDenormals) {
  if (isF32NaN(b))
    return static_cast<uint16_t>((b >> 16) | 0x40);
  uint32_t sign = b & 0x80000000u;
  uint32_t mag = b & 0x7FFFFFFFu;
  if (mag == 0x7F800000u)
    return static_cast<uint16_t>(b >> 16);
  int biasedExp = static_cast<int>(mag >> 23);
  if (biasedExp == 0 && flushDenormals)
    return static_cast<uint16_t>(sign >> 16);
  float x = f32FromBits(mag);
  int e = biasedExp == 0 ? -126 : biasedExp - 127; // exponent of the binade
  float scale = 1.0f;
  if (e > 100) {
    x *= 0x1p-64f; // exact: x is far from the denormal range
    e -= 64;
    scale = 0x1p64f;
  }
  float c = f32FromBits(static_cast<uint32_t>(e + 16 + 127) << 23); // 2^(e+16)
  float sum = x + c;
  float rounded = (sum - c) * scale; // may overflow to +Inf: correct RNE
  return static_cast<uint16_t>((f32Bits(rounded) | sign) >> 16);
}

TEST(Rounding, HardwareRNEMatchesVcvtneps2bf16Exhaustive) {
  if (!bf16test::cpuHasAvx512Bf16())
    GTEST_SKIP() << "CPU lacks avx512_bf16: the exhaustive comparison with "
                    "vcvtneps2bf16 cannot run here; "
                    "Rounding.HardwareRNEMatchesIndependentExhaustive covers "
                    "the reference instead";
  alignas(64) uint32_t in[16];
  alignas(64) uint16_t hw[16];
  uint64_t mismatches = 0;
  uint32_t firstBad = 0;
  for (uint64_t base = 0; base < (uint64_t(1) << 32); base += 16) {
    for (uint32_t i = 0; i < 16; ++i)
      in[i] = static_cast<uint32_t>(base + i);
    bf16test::hwCvtNeps2Bf16x16(in, hw);
    for (uint32_t i = 0; i < 16; ++i) {
      if (rneFTZ(in[i]) != hw[i]) {
        if (mismatches++ == 0)
          firstBad = in[i];
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << "first mismatch at 0x" << std::hex << firstBad
                            << ": reference 0x" << rneFTZ(firstBad);
}

TEST(Rounding, HardwareRNEMatchesIndependentExhaustive) {
  uint64_t mismatches = 0;
  uint32_t firstBad = 0;
  for (uint64_t v = 0; v < (uint64_t(1) << 32); ++v) {
    uint32_t b = static_cast<uint32_t>(v);
    if (rneFTZ(b) != rneByFloatArithmetic(b, /*flushDenormals=*/true)) {
      if (mismatches++ == 0)
        firstBad = b;
    }
  }
  EXPECT_EQ(mismatches, 0u) << "first mismatch at 0x" << std::hex << firstBad;
}

TEST(Rounding, IEEERNEMatchesIndependentOnDenormalsAndSample) {
  // Every FP32 denormal (both signs) plus a stride over everything else.
  uint64_t mismatches = 0;
  for (uint32_t m = 1; m < 0x00800000u; ++m)
    for (uint32_t sign : {0u, 0x80000000u}) {
      uint32_t b = sign | m;
      mismatches += rneIEEE(b) != rneByFloatArithmetic(b, false);
    }
  for (uint64_t v = 0; v < (uint64_t(1) << 32); v += 251) {
    uint32_t b = static_cast<uint32_t>(v);
    mismatches += rneIEEE(b) != rneByFloatArithmetic(b, false);
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(Rounding, SpecialValues) {
  // NaNs are quieted with sign and top payload kept.
  EXPECT_EQ(rneIEEE(0x7F800001u), 0x7FC0u); // sNaN with low payload only
  EXPECT_EQ(rneIEEE(0xFFA00000u), 0xFFE0u); // negative sNaN
  EXPECT_EQ(rneIEEE(0x7FC00000u), 0x7FC0u);
  EXPECT_EQ(rtz(0x7F800001u), 0x7FC0u);
  EXPECT_EQ(sr(0x7F800001u, 0xFFFFu), 0x7FC0u);
  // Infinities and overflow.
  EXPECT_EQ(rneIEEE(0x7F800000u), 0x7F80u);
  EXPECT_EQ(rneIEEE(0xFF800000u), 0xFF80u);
  EXPECT_EQ(rneIEEE(0x7F7FFFFFu), 0x7F80u); // FLT_MAX rounds to +Inf
  EXPECT_EQ(rneIEEE(0x7F7F7FFFu), 0x7F7Fu); // just below the halfway point
  EXPECT_EQ(rneIEEE(0x7F7F8000u), 0x7F80u); // tie, odd -> up to Inf
  EXPECT_EQ(rtz(0x7F7FFFFFu), 0x7F7Fu);
  // Ties to even.
  EXPECT_EQ(rneIEEE(0x3F808000u), 0x3F80u); // tie, even -> down
  EXPECT_EQ(rneIEEE(0x3F818000u), 0x3F82u); // tie, odd -> up
  EXPECT_EQ(rneIEEE(0x3F808001u), 0x3F81u);
  // Denormals: kept by IEEE, flushed (signed) by FTZ.
  EXPECT_EQ(rneIEEE(0x00000001u), 0x0000u);
  EXPECT_EQ(rneIEEE(0x00008000u), 0x0000u); // tie to even 0
  EXPECT_EQ(rneIEEE(0x00018000u), 0x0002u);
  EXPECT_EQ(rneIEEE(0x007FFFFFu), 0x0080u); // rounds up to the min normal
  EXPECT_EQ(rneFTZ(0x007FFFFFu), 0x0000u);
  EXPECT_EQ(rneFTZ(0x807FFFFFu), 0x8000u);
  EXPECT_EQ(rneFTZ(0x00800000u), 0x0080u);
  // Signed zeros.
  EXPECT_EQ(rneIEEE(0x80000000u), 0x8000u);
  EXPECT_EQ(rneFTZ(0x80000000u), 0x8000u);
  // Dispatcher.
  EXPECT_EQ(roundF32ToBF16(0x3F818000u, Rounding::TowardZero), 0x3F81u);
  EXPECT_EQ(roundF32ToBF16(0x3F818000u, Rounding::Stochastic, 0x8000u),
            0x3F82u);
}

TEST(Rounding, TowardZeroNeverIncreasesMagnitude) {
  for (uint64_t v = 0; v < (uint64_t(1) << 32); v += 65521) {
    uint32_t b = static_cast<uint32_t>(v);
    if (isF32NaN(b))
      continue;
    float x = f32FromBits(b);
    float r = bf16ToFloat(rtz(b));
    ASSERT_LE(std::fabs(r), std::fabs(x)) << std::hex << b;
    ASSERT_EQ(std::signbit(r), std::signbit(x)) << std::hex << b;
  }
}

} // namespace
