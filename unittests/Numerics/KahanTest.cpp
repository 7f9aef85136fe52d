//===- KahanTest.cpp - Kahan update vs nearest and SR ---------------------===//

#include "bf16/Numerics/Reference.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace bf16::ref;

namespace {

const uint16_t kOne = 0x3F80;

uint16_t bf16Of(float f) { return rneIEEE(f32Bits(f)); }

// NUMERICS.md section 4: adding u = 2^-9 to w = 1 a thousand times. The
// exact answer is 1 + 1000/512 = 2.953125.
TEST(Kahan, RecoversSmallUpdatesWhereNearestStalls) {
  const uint16_t u = bf16Of(std::ldexp(1.0f, -9));
  ASSERT_EQ(bf16ToFloat(u), std::ldexp(1.0f, -9));
  uint16_t nearest = kOne;
  KahanResult k = {kOne, 0};
  for (int i = 0; i < 1000; ++i) {
    nearest = bf16Add(nearest, u, Rounding::NearestEven);
    k = kahanUpdate(k.w, k.c, u, Rounding::NearestEven);
  }
  EXPECT_EQ(bf16ToFloat(nearest), 1.0f);
  // The bf16 spacing at 2.95 is 2^-6; Kahan keeps w within one spacing.
  EXPECT_NEAR(bf16ToFloat(k.w), 2.953125, std::ldexp(1.0, -6));
  // And w - c recovers the running sum to within the compensation's own
  // rounding.
  EXPECT_NEAR(bf16ToFloat(k.w) - bf16ToFloat(k.c), 2.953125,
              std::ldexp(1.0, -9));
}

TEST(Kahan, StochasticRoundingAlsoRecovers) {
  // Each run's end point has a standard deviation of about 0.12 (most
  // steps happen where the spacing is 2^-6 = 8u); the mean of 32
  // independent runs (seeds) has about 0.02, so 0.1 is a 5-sigma bound.
  const uint16_t u = bf16Of(std::ldexp(1.0f, -9));
  double sum = 0;
  for (uint64_t seed = 0; seed < 32; ++seed) {
    uint16_t w = kOne;
    for (uint64_t i = 0; i < 1000; ++i)
      w = srAddBF16(w, u, randomBits(seed, /*stream=*/0, /*step=*/i, 0));
    sum += bf16ToFloat(w);
  }
  EXPECT_NEAR(sum / 32, 2.953125, 0.1);
}

TEST(Kahan, FourStepsAreEachRounded) {
  // w = 256, u = 1: the update is exactly half an ulp of w (ulp = 2 at 256),
  // a tie that rounds to even (256), so c records the lost +1 as -1.
  KahanResult k = kahanUpdate(bf16Of(256.0f), 0, bf16Of(1.0f));
  EXPECT_EQ(bf16ToFloat(k.w), 256.0f);
  EXPECT_EQ(bf16ToFloat(k.c), -1.0f);
  // Next step re-injects it: y = 1 - (-1) = 2, s = 258 exactly, c = 0.
  k = kahanUpdate(k.w, k.c, bf16Of(1.0f));
  EXPECT_EQ(bf16ToFloat(k.w), 258.0f);
  EXPECT_EQ(bf16ToFloat(k.c), 0.0f);
}

TEST(Kahan, FtzModeFlushesDenormalCompensation) {
  // A compensation that would be denormal is flushed under the hardware mode.
  uint16_t tiny = 0x0001; // smallest bf16 denormal
  KahanResult ieee = kahanUpdate(0, 0, tiny, Rounding::NearestEven);
  KahanResult ftz = kahanUpdate(0, 0, tiny, Rounding::NearestEvenFtz);
  EXPECT_EQ(ieee.w, tiny);
  EXPECT_EQ(ftz.w, 0);
}

} // namespace
