//===- PhiloxTest.cpp - Philox4x32-10 and lowp.random_bits ----------------===//

#include "StreamOrder.h"
#include "bf16/Numerics/Reference.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <set>
#include <vector>

using namespace bf16::ref;

namespace {

// Known-answer vectors: Random123 tests/kat_vectors, "philox4x32 10" lines
// (counter words, key words, expected output words).
struct Kat {
  std::array<uint32_t, 4> ctr;
  std::array<uint32_t, 2> key;
  std::array<uint32_t, 4> out;
};
const Kat kKats[] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

TEST(Philox, KnownAnswerVectors) {
  for (const Kat &k : kKats)
    EXPECT_EQ(philox4x32_10(k.ctr, k.key), k.out);
}

TEST(Philox, RandomBitsFollowsDocumentedCounterLayout) {
  uint64_t seed = 0x0123456789ABCDEFull, step = 0x00000002FFFFFFF0ull;
  uint32_t stream = 77;
  for (uint64_t i : {0ull, 1ull, 2ull, 3ull, 4ull, 1001ull, (1ull << 34) - 1}) {
    std::array<uint32_t, 4> ctr = {static_cast<uint32_t>(i >> 2), stream,
                                   static_cast<uint32_t>(step),
                                   static_cast<uint32_t>(step >> 32)};
    std::array<uint32_t, 2> key = {0x89ABCDEFu, 0x01234567u};
    EXPECT_EQ(randomBits(seed, stream, step, i),
              philox4x32_10(ctr, key)[i & 3]);
  }
}

TEST(Philox, Deterministic) {
  std::vector<uint32_t> a(1000), b(1000);
  randomBitsFill(1, 2, 3, 0, a.data(), a.size());
  randomBitsFill(1, 2, 3, 0, b.data(), b.size());
  EXPECT_EQ(a, b);
}

TEST(Philox, IndependentOfEvaluationOrderAndTiling) {
  expectIndependentOfOrderAndTiling<uint32_t>(
      [](uint64_t i) { return randomBits(9, 1, 5, i); },
      [](uint64_t first, uint32_t *out, size_t n) {
        randomBitsFill(9, 1, 5, first, out, n);
      });
}

TEST(Philox, KeyedBySeedStreamAndStep) {
  std::set<uint32_t> seen;
  for (uint64_t seed : {0ull, 1ull, 1ull << 32})
    for (uint32_t stream : {0u, 1u})
      for (uint64_t step : {0ull, 1ull, 1ull << 32})
        seen.insert(randomBits(seed, stream, step, 5));
  // 18 distinct keys/counters; a collision among 18 random 32-bit words
  // has probability ~4e-8.
  EXPECT_EQ(seen.size(), 18u);
}

TEST(Philox, Low16BitsRoughlyUniform) {
  // Chi-square over 16 buckets of the top 4 of the 16 low bits (the bits SR
  // consumes), 2^20 draws; 15 degrees of freedom, 99.99% quantile ~ 44.3.
  const size_t n = 1 << 20;
  std::vector<uint32_t> bits(n);
  randomBitsFill(2024, 3, 11, 0, bits.data(), n);
  std::array<double, 16> count{};
  for (uint32_t b : bits)
    count[(b >> 12) & 0xF] += 1;
  double expected = n / 16.0, chi2 = 0;
  for (double c : count)
    chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 44.3);
}

} // namespace
