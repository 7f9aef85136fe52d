//===- RandomStreamTest.cpp - Stream v2 and unbiased SR on both streams ---===//
//
// Stream v2 of lowp.random_bits (i16 elements, one Philox4x32-10 block per 8
// elements): its counter layout, its independence of tiling, and a
// statistical test that stochastic rounding with either stream is unbiased
// and has the exact Bernoulli variance (docs/Numerics.md, "Random bits").
//
//===----------------------------------------------------------------------===//

#include "StreamOrder.h"
#include "bf16/Numerics/Reference.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <set>
#include <vector>

using namespace bf16::ref;

namespace {

TEST(PhiloxV2, FollowsDocumentedCounterLayout) {
  uint64_t seed = 0x0123456789ABCDEFull, step = 0x00000002FFFFFFF0ull;
  uint32_t stream = 77;
  for (uint64_t i : {0ull, 1ull, 2ull, 3ull, 7ull, 8ull, 9ull, 1001ull,
                     (1ull << 34) + 5, (1ull << 35) - 1}) {
    std::array<uint32_t, 4> ctr = {static_cast<uint32_t>(i >> 3), stream,
                                   static_cast<uint32_t>(step),
                                   static_cast<uint32_t>(step >> 32)};
    std::array<uint32_t, 2> key = {0x89ABCDEFu, 0x01234567u};
    uint32_t word = philox4x32_10(ctr, key)[(i & 7) >> 1];
    uint16_t want = (i & 1) ? word >> 16 : word & 0xFFFF;
    EXPECT_EQ(randomBits16(seed, stream, step, i), want) << "i=" << i;
  }
}

TEST(PhiloxV2, SplitsTheV1WordOfHalfTheIndex) {
  // v2 element i is half (i & 1), low first, of v1 element i >> 1.
  for (uint64_t i = 0; i < 4096; ++i) {
    uint32_t word = randomBits(42, 3, 1ull << 33, i >> 1);
    EXPECT_EQ(randomBits16(42, 3, 1ull << 33, i),
              static_cast<uint16_t>(word >> (16 * (i & 1))))
        << "i=" << i;
  }
}

TEST(PhiloxV2, IndependentOfEvaluationOrderAndTiling) {
  expectIndependentOfOrderAndTiling<uint16_t>(
      [](uint64_t i) { return randomBits16(9, 1, 5, i); },
      [](uint64_t first, uint16_t *out, size_t n) {
        randomBits16Fill(9, 1, 5, first, out, n);
      });
}

TEST(PhiloxV2, KeyedBySeedStreamAndStep) {
  // Pairs of adjacent draws (one 32-bit Philox word) under 18 keys/counters:
  // a collision among 18 random 32-bit values has probability ~4e-8.
  std::set<uint32_t> seen;
  for (uint64_t seed : {0ull, 1ull, 1ull << 32})
    for (uint32_t stream : {0u, 1u})
      for (uint64_t step : {0ull, 1ull, 1ull << 32})
        seen.insert(uint32_t(randomBits16(seed, stream, step, 10)) |
                    uint32_t(randomBits16(seed, stream, step, 11)) << 16);
  EXPECT_EQ(seen.size(), 18u);
}

TEST(PhiloxV2, Bits16RoughlyUniform) {
  // Chi-square over 16 buckets of the top 4 bits, and separately of the low
  // 4 bits, 2^20 draws; 15 degrees of freedom, 99.99% quantile ~ 44.3.
  const size_t n = 1 << 20;
  std::vector<uint16_t> bits(n);
  randomBits16Fill(2024, 3, 11, 0, bits.data(), n);
  for (int shift : {12, 0}) {
    std::array<double, 16> count{};
    for (uint16_t b : bits)
      count[(b >> shift) & 0xF] += 1;
    double expected = n / 16.0, chi2 = 0;
    for (double c : count)
      chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, 44.3) << "shift " << shift;
  }
}

//===----------------------------------------------------------------------===//
// Unbiasedness and variance of stochastic rounding on both streams
//===----------------------------------------------------------------------===//

enum class Stream { V1, V2 };

/// How far the sample statistics of Q(x) over N roundings are from the
/// exact ones, in standard deviations of the statistic.
///
/// With lo, hi the bf16 neighbours of x, ulp = hi - lo and
/// p = low16(x) / 65536 = P(Q = hi), Q is lo + ulp * Bernoulli(p): E[Q] = x
/// and Var[Q] = sigma^2 = p (1 - p) ulp^2 exactly. For the sample mean m and
/// the unbiased sample variance v of N independent draws (exact formulas):
///   sd(m) = ulp sqrt(p (1 - p) / N)
///   sd(v) = sqrt((mu4 - sigma^4) / N + 2 sigma^4 / (N (N - 1))),
///   mu4 = ulp^4 p (1 - p) (1 - 3p + 3p^2)
/// (the fourth central moment of a scaled Bernoulli variable; at p = 1/2
/// mu4 = sigma^4 and only the second term remains).
struct SRStats {
  double p = 0;
  double meanZ = 0;   ///< (m - x) / sd(m)
  double varZ = 0;    ///< (v - p(1-p) ulp^2) / sd(v)
  double var = 0;     ///< v / ulp^2
  double varSd = 0;   ///< sd(v) / ulp^2
  bool exact = false; ///< p is 0: every draw must equal x
  bool allExact = true;
};

/// Rounds x with `round(x, r)` for N = 2^16 element indices x 4 steps of
/// `stream`, keyed by (seed, streamId).
template <typename RoundFn>
SRStats measure(uint32_t x, Stream stream, uint32_t streamId, RoundFn round) {
  const uint64_t perStep = 1 << 16, steps = 4, n = perStep * steps;
  double lo = bf16ToFloat(static_cast<uint16_t>(x >> 16));
  double hi = bf16ToFloat(static_cast<uint16_t>((x >> 16) + 1));
  double ulp = std::fabs(hi - lo);
  double xf = f32FromBits(x);
  SRStats s;
  s.p = (x & 0xFFFFu) / 65536.0;
  s.exact = (x & 0xFFFFu) == 0;
  std::vector<uint32_t> bits32(perStep);
  std::vector<uint16_t> bits16(perStep);
  // Sums of d = (Q - x) / ulp (exact in double: Q and x are floats whose
  // difference is a small multiple of 2^-16 ulp).
  double sum = 0, sum2 = 0;
  for (uint64_t step = 0; step < steps; ++step) {
    if (stream == Stream::V1)
      randomBitsFill(0x5EED, streamId, step, 0, bits32.data(), perStep);
    else
      randomBits16Fill(0x5EED, streamId, step, 0, bits16.data(), perStep);
    for (uint64_t i = 0; i < perStep; ++i) {
      uint32_t r = stream == Stream::V1 ? bits32[i] : bits16[i];
      double q = bf16ToFloat(round(x, r));
      double d = (q - xf) / ulp;
      s.allExact &= q == xf;
      sum += d;
      sum2 += d * d;
    }
  }
  double mean = sum / n; // in ulps, relative to x
  double nd = static_cast<double>(n);
  double var = (sum2 / nd - mean * mean) * nd / (nd - 1); // unbiased
  double p = s.p;
  double sdMean = std::sqrt(p * (1 - p) / nd);
  double mu4 = p * (1 - p) * (1 - 3 * p + 3 * p * p);
  double sigma4 = p * p * (1 - p) * (1 - p);
  double sdVar = std::sqrt(std::max(mu4 - sigma4, 0.0) / nd +
                           2 * sigma4 / (nd * (nd - 1)));
  s.meanZ = sdMean > 0 ? mean / sdMean : (mean == 0 ? 0 : INFINITY);
  s.var = var;
  s.varSd = sdVar;
  double want = p * (1 - p);
  s.varZ = sdVar > 0 ? (var - want) / sdVar
                     : (std::fabs(var) < 1e-12 ? 0 : INFINITY);
  return s;
}

/// Values of x: around powers of two (where hi is in the next binade),
/// negative values, a denormal, and low 16 bits from 1 (p = 2^-16) through
/// 0x8000 (p = 1/2) to 0xFFFF; 0x0000 (exactly representable) must never
/// move.
std::vector<uint32_t> testValues() {
  return {
      0x3F800001u, // 1 + 2^-23: p = 2^-16, just above a power of two
      0x3FFFFFFFu, // just below 2: rounding up carries into the exponent
      0x3F7FFFFFu, // just below 1
      0x40008000u, // 2 + half a bf16 ulp: p = 1/2
      0x3F801234u, // various low bits
      0x3FAAAAABu, // 4/3
      0xC0490FDBu, // -pi
      0xBF80C000u, // negative, p = 3/4
      0x3A83126Fu, // 1e-3
      0x4640E6B7u, // 12345.678
      0x0000ABCDu, // a denormal
      0x3F800000u, // exactly 1: p = 0
  };
}

class SRUnbiased : public ::testing::TestWithParam<Stream> {};

// 6 standard deviations: a false alarm probability of about 2e-9 per
// statistic (normal approximation; N = 2^18 draws).
constexpr double kZ = 6.0;

TEST_P(SRUnbiased, MeanAndVarianceMatchTheExactBernoulli) {
  uint32_t streamId = 100;
  for (uint32_t x : testValues()) {
    SRStats s = measure(x, GetParam(), ++streamId, sr);
    if (s.exact) {
      EXPECT_TRUE(s.allExact) << std::hex << "x=0x" << x;
      continue;
    }
    EXPECT_LT(std::fabs(s.meanZ), kZ) << std::hex << "x=0x" << x << std::dec
                                      << " p=" << s.p << " mean z=" << s.meanZ;
    EXPECT_LT(std::fabs(s.varZ), kZ)
        << std::hex << "x=0x" << x << std::dec << " p=" << s.p
        << " var/ulp^2=" << s.var << " want " << s.p * (1 - s.p)
        << " z=" << s.varZ;
  }
}

TEST_P(SRUnbiased, SRAddIsUnbiasedToo) {
  // sr_add(w, u) rounds s = fl32(w + u): E[result] = s. w = 1, u = 2^-9 +
  // 2^-12 (exact sum, p = 0x4800 / 65536).
  uint16_t w = 0x3F80;
  uint32_t u = f32Bits(1.0f / 512 + 1.0f / 4096);
  uint32_t s = f32Bits(bf16ToFloat(w) + f32FromBits(u));
  SRStats st = measure(s, GetParam(), 7,
                       [&](uint32_t, uint32_t r) { return srAddF32(w, u, r); });
  EXPECT_NEAR(st.p, 0x4800 / 65536.0, 0);
  EXPECT_LT(std::fabs(st.meanZ), kZ) << st.meanZ;
  EXPECT_LT(std::fabs(st.varZ), kZ) << st.varZ;
}

TEST_P(SRUnbiased, TheTestDetectsBiasedRounding) {
  // Sanity: the same statistics reject truncation (always rounds down) and
  // a rounding that uses only 15 of the 16 bits (P(up) off by up to 1/2).
  for (uint32_t x : {0x3F801234u, 0x40008000u, 0xC0490FDBu}) {
    SRStats t =
        measure(x, GetParam(), 3, [](uint32_t b, uint32_t) { return rtz(b); });
    EXPECT_GT(std::fabs(t.meanZ), kZ) << std::hex << "x=0x" << x;
    SRStats h = measure(x, GetParam(), 4, [](uint32_t b, uint32_t r) {
      return sr(b, r & 0x7FFFu);
    });
    EXPECT_GT(std::fabs(h.meanZ), kZ) << std::hex << "x=0x" << x;
  }
}

INSTANTIATE_TEST_SUITE_P(Streams, SRUnbiased,
                         ::testing::Values(Stream::V1, Stream::V2),
                         [](const ::testing::TestParamInfo<Stream> &info) {
                           return info.param == Stream::V1 ? "v1" : "v2";
                         });

TEST(SRStreams, V2VarianceMatchesV1) {
  // The sample variances of the two streams differ by less than 6 standard
  // deviations of their difference, sqrt(sd1^2 + sd2^2) (independent
  // samples: different stream ids).
  uint32_t streamId = 500;
  for (uint32_t x : testValues()) {
    if ((x & 0xFFFFu) == 0)
      continue;
    SRStats a = measure(x, Stream::V1, ++streamId, sr);
    SRStats b = measure(x, Stream::V2, ++streamId, sr);
    double sd = std::sqrt(a.varSd * a.varSd + b.varSd * b.varSd);
    EXPECT_LT(std::fabs(a.var - b.var), kZ * sd)
        << std::hex << "x=0x" << x << std::dec << " v1 " << a.var << " v2 "
        << b.var;
  }
}

} // namespace
