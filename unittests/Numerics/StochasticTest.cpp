//===- StochasticTest.cpp - SR exactness and unbiasedness -----------------===//

#include "bf16/Numerics/Reference.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <vector>

using namespace bf16::ref;

namespace {

/// Inputs for the exhaustive-in-r test: specials plus pseudo-random finite
/// patterns of both signs across the whole exponent range.
std::vector<uint32_t> srInputs() {
  std::vector<uint32_t> xs = {
      0x3F800000u, 0x3F80FFFFu, 0x3F808000u, 0x3F800001u, 0xBF80ABCDu,
      0x00000001u, 0x0000FFFFu, 0x807F1234u, 0x7F7FFFFFu, 0xFF7F0001u,
      0x00800000u, 0x7F800000u, 0x00000000u, 0x80000000u};
  std::mt19937 gen(12345);
  while (xs.size() < 3000) {
    uint32_t b = gen();
    if (!isF32NaN(b))
      xs.push_back(b);
  }
  return xs;
}

TEST(Stochastic, RoundUpCountEqualsLow16Exhaustive) {
  for (uint32_t x : srInputs()) {
    uint32_t down = x >> 16;
    uint32_t ups = 0;
    for (uint32_t r = 0; r < 65536; ++r) {
      uint16_t q = sr(x, r);
      if (q != down) {
        ASSERT_EQ(q, down + 1) << "x=0x" << std::hex << x << " r=" << r;
        ++ups;
      }
    }
    ASSERT_EQ(ups, x & 0xFFFFu) << "x=0x" << std::hex << x;
  }
}

TEST(Stochastic, OnlyLow16BitsOfRandomWordMatter) {
  for (uint32_t x : {0x3F80ABCDu, 0xC1234567u})
    for (uint32_t r : {0u, 0x1234u, 0xFFFFu})
      EXPECT_EQ(sr(x, r), sr(x, r | 0xABCD0000u));
}

TEST(Stochastic, UnbiasedUnderPhiloxBits) {
  // For each x, draw N rounding decisions from the generator and compare the
  // mean with x. With p = P(up), the mean of N draws has standard deviation
  // ulp*sqrt(p(1-p)/N); we require |mean - x| < 6 of those (a false alarm
  // probability below 1e-8 per x).
  const uint64_t n = 1 << 18;
  std::vector<uint32_t> bits(n);
  uint32_t stream = 0;
  for (float xf : {1.0f + 1.0f / 3.0f, -3.14159265f, 1e-3f, 12345.678f,
                   2.0f + 1.0f / 1024.0f, 1e-40f /* denormal */}) {
    uint32_t x = f32Bits(xf);
    randomBitsFill(/*seed=*/0xC0FFEE, ++stream, /*step=*/7, 0, bits.data(), n);
    double lo = bf16ToFloat(static_cast<uint16_t>(x >> 16));
    double hi = bf16ToFloat(static_cast<uint16_t>((x >> 16) + 1));
    double ulp = std::fabs(hi - lo);
    double p = (x & 0xFFFFu) / 65536.0;
    double sum = 0;
    uint64_t ups = 0;
    for (uint64_t i = 0; i < n; ++i) {
      uint16_t q = sr(x, bits[i]);
      ups += q != (x >> 16);
      sum += bf16ToFloat(q);
    }
    double mean = sum / n;
    double sigma = ulp * std::sqrt(p * (1 - p) / n);
    EXPECT_LT(std::fabs(mean - xf), 6 * sigma + 1e-3 * ulp / n)
        << "x=" << xf << " mean=" << mean;
    double upSigma = std::sqrt(n * p * (1 - p));
    EXPECT_LT(std::fabs(double(ups) - n * p), 6 * upSigma + 1) << "x=" << xf;
  }
}

TEST(Stochastic, SRAddFormsSumInFP32First) {
  // w = 1.0, u = 2^-9 (a quarter bf16 ulp at 1.0): the FP32 sum is exact,
  // 0x3F804000, so P(up) = 0x4000 / 65536 = 1/4.
  uint16_t w = 0x3F80;
  uint32_t u = f32Bits(std::ldexp(1.0f, -9));
  EXPECT_EQ(srAddF32(w, u, 0xBFFF), 0x3F80);
  EXPECT_EQ(srAddF32(w, u, 0xC000), 0x3F81);
  EXPECT_EQ(srAddBF16(w, static_cast<uint16_t>(u >> 16), 0xC000), 0x3F81);
}

} // namespace
