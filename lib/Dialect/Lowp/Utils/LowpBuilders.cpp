//===- LowpBuilders.cpp - Shared emitters of lowp semantics ---------------===//
//
// Part of bf16-opt. See include/bf16/Dialect/Lowp/Utils/LowpBuilders.h.
//
//===----------------------------------------------------------------------===//

#include "bf16/Dialect/Lowp/Utils/LowpBuilders.h"

#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;
using namespace mlir::bf16;

namespace {

/// Philox4x32-10 on the counter (ctr0, stream, lo32(step), hi32(step)) and
/// key (lo32(seed), hi32(seed)): one block per lane of `ctr0` (the shape of
/// `e`). The key schedule and the counter words 1-3 are scalars, broadcast
/// where they are used.
/// With `truncate` false the words are returned as they live in the rounds:
/// in the low 32 bits of i64 lanes, the high 32 bits undefined.
std::array<Value, 4> philoxBlock(ArithEmitter &e, Value ctr0, Value seed,
                                 Value stream, Value step,
                                 bool truncate = true) {
  ArithEmitter s(e.b, e.loc, e.b.getI32Type());
  // The words live zero-extended in i64 lanes: M * c is then one exact
  // 64-bit product, hi(M*c) its top half and lo(M*c) its bottom half (the
  // results of arith.mului_extended on i32). On vectors x86 selects
  // vpmuludq on the 64-bit lanes directly, and the masks of lo fold away;
  // mului_extended on vector<16xi32> makes LLVM widen and narrow every word
  // in every round (the blocked loop of bf16-convert-random-bits-to-vector ran
  // 2.5x slower with it).
  ArithEmitter w(e.b, e.loc, e.i64());
  Value c32 = w.c64(32), mask = w.c64(0xFFFFFFFFu);
  Value k0 = s.trunc(s.i32(), seed);
  Value k1 = s.trunc(s.i32(), s.shr(seed, s.c64(32)));
  auto wide = [&](Value scalar32) {
    return w.splat(s.zext(s.b.getI64Type(), scalar32));
  };
  std::array<Value, 4> c = {w.zext(w.i64(), ctr0), wide(stream),
                            wide(s.trunc(s.i32(), step)),
                            wide(s.trunc(s.i32(), s.shr(step, s.c64(32))))};
  Value m0 = w.c64(0xD2511F53u), m1 = w.c64(0xCD9E8D57u);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = s.add(k0, s.c32(0x9E3779B9u));
      k1 = s.add(k1, s.c32(0xBB67AE85u));
    }
    Value p0 = arith::MulIOp::create(e.b, e.loc, m0, c[0]);
    Value p1 = arith::MulIOp::create(e.b, e.loc, m1, c[2]);
    c = {w.bxor(w.bxor(w.shr(p1, c32), c[1]), wide(k0)), w.band(p1, mask),
         w.bxor(w.bxor(w.shr(p0, c32), c[3]), wide(k1)), w.band(p0, mask)};
  }
  if (truncate)
    for (Value &word : c)
      word = e.trunc(e.i32(), word);
  return c;
}

/// Where element `p` of a run of `blocks` Philox blocks (element order: block
/// p / 4, word p % 4) sits in the concatenation of the two zips
/// (w0[0], w1[0], w0[1], w1[1], ...) and (w2[0], w3[0], w2[1], w3[1], ...).
int64_t zipPosition(int64_t p, int64_t blocks) {
  int64_t block = p / 4, word = p % 4;
  return word < 2 ? 2 * block + word : 2 * blocks + 2 * block + word - 2;
}

/// Counter word 0 of the `blocks` Philox blocks from element `offset` (an
/// index, a multiple of `perBlock`) on: lo32(offset / perBlock) + lane, as a
/// vector<blocks x i32> (truncation commutes with adding the lane number).
Value blockCounters(OpBuilder &b, Location loc, Value offset, int64_t perBlock,
                    int64_t blocks) {
  auto vecType = VectorType::get({blocks}, b.getI32Type());
  Value first = arith::ShRUIOp::create(
      b, loc, offset,
      arith::ConstantIndexOp::create(b, loc, llvm::Log2_64(perBlock)));
  Value first32 = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), first);
  SmallVector<int32_t> iota(blocks);
  std::iota(iota.begin(), iota.end(), 0);
  Value lanes = arith::ConstantOp::create(
      b, loc, vecType, DenseIntElementsAttr::get(vecType, iota));
  return arith::AddIOp::create(
      b, loc, vector::BroadcastOp::create(b, loc, vecType, first32), lanes);
}

} // namespace

std::array<Value, 4> mlir::bf16::buildPhilox4x32_10(OpBuilder &b, Location loc,
                                                    Value ctr0, Value seed,
                                                    Value stream, Value step) {
  ArithEmitter e(b, loc, ctr0.getType());
  return philoxBlock(e, ctr0, seed, stream, step);
}

SmallVector<Value> mlir::bf16::buildPhiloxWordRunV2(OpBuilder &b, Location loc,
                                                    lowp::RandomBitsOp op,
                                                    Value offset, int64_t count,
                                                    int64_t wordWidth) {
  int64_t words = llvm::divideCeil(count, 2);
  int64_t blocks = llvm::divideCeil(words, 4);
  Value ctr0 = blockCounters(b, loc, offset, /*perBlock=*/8, blocks);
  ArithEmitter e(b, loc, ctr0.getType());
  std::array<Value, 4> w = philoxBlock(e, ctr0, op.getSeed(), op.getStream(),
                                       op.getStep(), /*truncate=*/false);
  // In the i64 lanes, pair the words of each block: q01 = (w0, w1) is
  // words 0 and 1 of the block (little-endian: w0 in the low half), q23
  // words 2 and 3; then the blocks' q01 and q23 alternate in element order.
  // This replaces the truncations and the 4 x blocks transpose of stream
  // v1. The pairing is a shuffle of the low 32-bit halves of the lanes, not
  // `w0 | w1 << 32`: LLVM folds that shift into the last round's multiply
  // (a 64-bit vpmullq by M << 32) instead of a vpmuludq.
  auto halves = VectorType::get({2 * blocks}, b.getI32Type());
  auto lanes64 = VectorType::get({blocks}, b.getI64Type());
  SmallVector<int64_t> lowHalves;
  for (int64_t j = 0; j < blocks; ++j)
    lowHalves.append({2 * j, 2 * blocks + 2 * j});
  auto pairWords = [&](Value lo, Value hi) -> Value {
    Value p = vector::ShuffleOp::create(
        b, loc, vector::BitCastOp::create(b, loc, halves, lo),
        vector::BitCastOp::create(b, loc, halves, hi), lowHalves);
    return vector::BitCastOp::create(b, loc, lanes64, p);
  };
  Value q01 = pairWords(w[0], w[1]);
  Value q23 = pairWords(w[2], w[3]);
  SmallVector<Value> run;
  // A vector of `wordWidth` words covers wordWidth / 2 pairs (the last
  // vector may be shorter; an odd word count ends with half a pair).
  assert(wordWidth >= 2 && wordWidth % 2 == 0 && "an even word width");
  int64_t pairWidth = wordWidth / 2;
  for (int64_t start = 0; start < words; start += 2 * pairWidth) {
    int64_t len = std::min(2 * pairWidth, words - start);
    SmallVector<int64_t> mask;
    for (int64_t p = start / 2; p < (start + len + 1) / 2; ++p)
      mask.push_back(p % 2 == 0 ? p / 2 : blocks + p / 2);
    Value pairs = vector::ShuffleOp::create(b, loc, q01, q23, mask);
    auto wordsType = VectorType::get({2 * static_cast<int64_t>(mask.size())},
                                     b.getI32Type());
    Value v = vector::BitCastOp::create(b, loc, wordsType, pairs);
    if (len != wordsType.getNumElements())
      v = vector::ExtractStridedSliceOp::create(b, loc, v, ArrayRef<int64_t>{0},
                                                ArrayRef<int64_t>{len},
                                                ArrayRef<int64_t>{1});
    run.push_back(v);
  }
  return run;
}

int64_t mlir::bf16::elementsPerPhiloxBlock(lowp::RandomBitsOp op) {
  return getElementTypeOrSelf(op.getType()).isInteger(16) ? 8 : 4;
}

SmallVector<Value> mlir::bf16::buildPhiloxRun(OpBuilder &b, Location loc,
                                              lowp::RandomBitsOp op,
                                              Value offset, int64_t count,
                                              int64_t width) {
  // Stream v2 (i16) is stream v1's word sequence with each 32-bit word
  // split into two 16-bit draws, low half first: element p of the run is
  // half p % 2 of word p / 2 in v1 element order (docs/Numerics.md).
  bool v2 = elementsPerPhiloxBlock(op) == 8;
  if (v2 && width % 4 == 0) {
    // Each vector of width / 2 words in element order is, bitcast to i16,
    // the next `width` elements (little-endian: low half first).
    SmallVector<Value> run;
    int64_t start = 0;
    for (Value wordVec :
         buildPhiloxWordRunV2(b, loc, op, offset, count, width / 2)) {
      int64_t n = cast<VectorType>(wordVec.getType()).getNumElements();
      int64_t len = std::min(2 * n, count - start);
      auto halves = VectorType::get({2 * n}, b.getI16Type());
      Value v = vector::BitCastOp::create(b, loc, halves, wordVec);
      if (len != 2 * n)
        v = vector::ExtractStridedSliceOp::create(
            b, loc, v, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{len},
            ArrayRef<int64_t>{1});
      run.push_back(v);
      start += len;
    }
    return run;
  }
  int64_t words = v2 ? llvm::divideCeil(count, 2) : count;
  int64_t blocks = llvm::divideCeil(words, 4);
  Value ctr0 = blockCounters(b, loc, offset, v2 ? 8 : 4, blocks);
  std::array<Value, 4> w = bf16::buildPhilox4x32_10(
      b, loc, ctr0, op.getSeed(), op.getStream(), op.getStep());

  // Transpose the 4 x blocks words into element order: zip (w0, w1) and
  // (w2, w3), then pick each vector's elements from the two zips (the
  // unpack-low/high pattern of a 4x4 transpose).
  SmallVector<int64_t> zip;
  for (int64_t j = 0; j < blocks; ++j)
    zip.append({j, blocks + j});
  Value t01 = vector::ShuffleOp::create(b, loc, w[0], w[1], zip);
  Value t23 = vector::ShuffleOp::create(b, loc, w[2], w[3], zip);
  SmallVector<Value> run;
  if (!v2) {
    for (int64_t start = 0; start < count; start += width) {
      SmallVector<int64_t> mask;
      for (int64_t p = start; p < std::min(start + width, count); ++p)
        mask.push_back(zipPosition(p, blocks));
      run.push_back(vector::ShuffleOp::create(b, loc, t01, t23, mask));
    }
    return run;
  }
  // Other widths (not a multiple of 4: vectors straddle words): pick the
  // 16-bit halves from the zips bitcast to i16.
  auto halfType = VectorType::get({4 * blocks}, b.getI16Type());
  Value h01 = vector::BitCastOp::create(b, loc, halfType, t01);
  Value h23 = vector::BitCastOp::create(b, loc, halfType, t23);
  for (int64_t start = 0; start < count; start += width) {
    SmallVector<int64_t> mask;
    for (int64_t p = start; p < std::min(start + width, count); ++p)
      mask.push_back(2 * zipPosition(p / 2, blocks) + p % 2);
    run.push_back(vector::ShuffleOp::create(b, loc, h01, h23, mask));
  }
  return run;
}

std::pair<Value, Value> mlir::bf16::buildKahanSteps(
    Value w, Value c, Value u,
    llvm::function_ref<Value(bool isAdd, Value x, Value y)> step) {
  Value y = step(/*isAdd=*/false, u, c);
  Value s = step(/*isAdd=*/true, w, y);
  Value t = step(/*isAdd=*/false, s, w);
  return {s, step(/*isAdd=*/false, t, y)};
}
