//===- StreamOrder.h - Order/tiling independence of a random stream -------===//
//
// Part of bf16-opt. Shared by the v1 (PhiloxTest) and v2 (RandomStreamTest)
// stream tests: a stream's bits depend on the element index only, never on
// the order of evaluation or on how the range is tiled.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_UNITTESTS_NUMERICS_STREAMORDER_H
#define BF16_UNITTESTS_NUMERICS_STREAMORDER_H

#include <algorithm>
#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <vector>

/// `one(i)` is element i; `fill(first, out, n)` writes elements
/// [first, first + n). n = 4099 is not a multiple of any block or tile.
template <typename T, typename One, typename Fill>
void expectIndependentOfOrderAndTiling(One one, Fill fill) {
  const size_t n = 4099;
  std::vector<T> whole(n);
  fill(0, whole.data(), n);
  // Element by element, reversed.
  std::vector<T> reversed(n);
  for (size_t i = n; i-- > 0;)
    reversed[i] = one(i);
  EXPECT_EQ(whole, reversed);
  // A random permutation.
  std::vector<size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), std::mt19937(3));
  std::vector<T> shuffled(n);
  for (size_t i : perm)
    shuffled[i] = one(i);
  EXPECT_EQ(whole, shuffled);
  // Tiles of several widths with unaligned starts.
  for (size_t tile : {1, 3, 7, 16, 33, 128, 1000}) {
    std::vector<T> tiled(n);
    for (size_t start = 0; start < n; start += tile)
      fill(start, tiled.data() + start, std::min(tile, n - start));
    EXPECT_EQ(whole, tiled) << "tile " << tile;
  }
}

#endif // BF16_UNITTESTS_NUMERICS_STREAMORDER_H
