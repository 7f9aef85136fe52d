//===- CAPITest.cpp - The C ABI agrees with the C++ API -------------------===//

#include "bf16-c/Numerics.h"
#include "bf16/Numerics/Reference.h"

#include <gtest/gtest.h>
#include <vector>

using namespace bf16::ref;

namespace {

TEST(CAPI, AgreesWithCpp) {
  EXPECT_EQ(lowp_numerics_abi_version(), LOWP_NUMERICS_ABI_VERSION);
  for (uint64_t v = 0; v < (uint64_t(1) << 32); v += 104729) {
    uint32_t b = static_cast<uint32_t>(v);
    uint32_t r = b * 2654435761u;
    int ok = 0;
    EXPECT_EQ(lowp_round_f32_to_bf16(b, LOWP_ROUND_NEAREST_EVEN, 0, &ok),
              rneIEEE(b));
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(lowp_rne_ftz(b), rneFTZ(b));
    EXPECT_EQ(lowp_rtz(b), rtz(b));
    EXPECT_EQ(lowp_sr(b, r), sr(b, r));
    uint16_t w = static_cast<uint16_t>(r >> 16), c = 0, u = b >> 16;
    uint16_t w1 = 0, c1 = 0;
    ASSERT_EQ(lowp_kahan_update(w, c, u, LOWP_ROUND_NEAREST_EVEN, &w1, &c1), 0);
    KahanResult k = kahanUpdate(w, c, u);
    EXPECT_EQ(w1, k.w);
    EXPECT_EQ(c1, k.c);
    EXPECT_EQ(lowp_sr_add(w, b, 1, r), srAddF32(w, b, r));
  }
}

TEST(CAPI, RejectsBadModes) {
  int ok = 1;
  EXPECT_EQ(lowp_round_f32_to_bf16(0x3F800000u, 17, 0, &ok), 0xFFFFu);
  EXPECT_EQ(ok, 0);
  uint16_t w, c;
  EXPECT_EQ(lowp_kahan_update(0, 0, 0, LOWP_ROUND_STOCHASTIC, &w, &c), -1);
}

TEST(CAPI, FillMatchesElementwise) {
  std::vector<uint32_t> out(37);
  lowp_random_bits_fill(5, 6, 7, 3, out.data(), out.size());
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_EQ(out[i], lowp_random_bits(5, 6, 7, 3 + i));
  std::vector<uint16_t> out16(37);
  lowp_random_bits16_fill(5, 6, 7, 3, out16.data(), out16.size());
  for (size_t i = 0; i < out16.size(); ++i)
    EXPECT_EQ(out16[i], lowp_random_bits16(5, 6, 7, 3 + i));
}

} // namespace
