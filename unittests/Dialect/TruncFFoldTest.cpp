//===- TruncFFoldTest.cpp - IEEE RNE reference vs arith.truncf folding ----===//
//
// The `nearest_even` (IEEE) and `toward_zero` references must equal what
// MLIR itself computes when it folds `arith.truncf` f32 -> bf16 with the
// matching rounding mode, on every special class and on a dense sample.
//
//===----------------------------------------------------------------------===//

#include "bf16/Numerics/Reference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>
#include <optional>
#include <vector>

using namespace mlir;
namespace ref = bf16::ref;

namespace {

class TruncFFold : public ::testing::Test {
public:
  TruncFFold() : builder(&context) {
    context.loadDialect<arith::ArithDialect>();
    module = ModuleOp::create(UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// Folds a scalar `arith.truncf %x <mode> : f32 to bf16` with %x bound to
  /// the constant `bits`. Returns nothing when MLIR declines to fold.
  std::optional<uint16_t> fold(uint32_t bits, arith::RoundingMode mode) {
    Location loc = builder.getUnknownLoc();
    if (!operand)
      operand = arith::ConstantOp::create(builder, loc,
                                          builder.getF32FloatAttr(0.0f));
    auto trunc =
        arith::TruncFOp::create(builder, loc, builder.getBF16Type(), operand,
                                arith::RoundingModeAttr::get(&context, mode),
                                arith::FastMathFlagsAttr());
    Attribute attr = FloatAttr::get(
        builder.getF32Type(), APFloat(APFloat::IEEEsingle(), APInt(32, bits)));
    SmallVector<OpFoldResult> results;
    std::optional<uint16_t> out;
    if (succeeded(trunc->fold(ArrayRef<Attribute>{attr}, results)) &&
        results.size() == 1)
      if (auto f = dyn_cast_or_null<FloatAttr>(dyn_cast<Attribute>(results[0])))
        out =
            static_cast<uint16_t>(f.getValue().bitcastToAPInt().getZExtValue());
    trunc->erase();
    return out;
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  Value operand;
};

/// One representative of every FP32 class, both signs.
std::vector<uint32_t> specialClasses() {
  std::vector<uint32_t> s = {
      0x00000000, // zero
      0x00000001, // smallest denormal
      0x00008000, // denormal tie (to even 0)
      0x00018000, // denormal tie (to even up)
      0x00010000, // denormal exactly representable in bf16
      0x007FFFFF, // largest denormal (rounds to min normal)
      0x00800000, // smallest normal
      0x3F800000, // 1.0
      0x3F808000, // tie, even
      0x3F818000, // tie, odd
      0x3F80FFFF, // above a tie
      0x7F7F0000, // largest finite bf16
      0x7F7F7FFF, // largest that stays finite
      0x7F7F8000, // overflow tie -> Inf
      0x7F7FFFFF, // FLT_MAX -> Inf
      0x7F800000, // Inf
  };
  size_t n = s.size();
  for (size_t i = 0; i < n; ++i)
    s.push_back(s[i] | 0x80000000u);
  return s;
}

std::vector<uint32_t> sample(uint32_t stride) {
  std::vector<uint32_t> s = specialClasses();
  for (uint64_t v = 0; v < (uint64_t(1) << 32); v += stride) {
    uint32_t b = static_cast<uint32_t>(v);
    if (!ref::isF32NaN(b))
      s.push_back(b);
    // Also the exactly representable neighbour, which MLIR does fold.
    if (!ref::isF32NaN(b & 0xFFFF0000u))
      s.push_back(b & 0xFFFF0000u);
  }
  return s;
}

/// What arith.truncf's folder evaluates: APFloat::convert.
uint16_t apfloatConvert(uint32_t bits, llvm::RoundingMode mode) {
  APFloat v(APFloat::IEEEsingle(), APInt(32, bits));
  bool lost;
  (void)v.convert(APFloat::BFloat(), mode, &lost);
  return static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue());
}

// MLIR 22 folds arith.truncf only when the conversion is exact (it declines
// whenever information would be lost). So the folder is checked in two ways:
//  1. it folds exactly the inputs the reference says are exact, and where it
//     folds it gives the reference's bits;
//  2. the conversion it evaluates (APFloat::convert, RNE or toward zero)
//     equals the reference on every special class and a dense sample,
//     including all the inexact inputs the folder declines.
void checkFolder(TruncFFold &t, arith::RoundingMode mode,
                 uint16_t (*reference)(uint32_t)) {
  size_t folded = 0, mismatches = 0;
  for (uint32_t b : sample(65521)) {
    std::optional<uint16_t> f = t.fold(b, mode);
    bool exact = ref::bf16ToF32Bits(reference(b)) == b;
    EXPECT_EQ(f.has_value(), exact) << "input 0x" << std::hex << b;
    if (f) {
      ++folded;
      if (*f != reference(b) && mismatches++ < 5)
        ADD_FAILURE() << "input 0x" << std::hex << b << " folds to 0x" << *f
                      << ", reference 0x" << reference(b);
    }
  }
  EXPECT_GT(folded, 60000u);
  EXPECT_EQ(mismatches, 0u);
}

void checkConvert(llvm::RoundingMode mode, uint16_t (*reference)(uint32_t)) {
  size_t mismatches = 0;
  for (uint32_t b : sample(1021))
    if (apfloatConvert(b, mode) != reference(b) && mismatches++ < 5)
      ADD_FAILURE() << "input 0x" << std::hex << b << ": APFloat 0x"
                    << apfloatConvert(b, mode) << ", reference 0x"
                    << reference(b);
  EXPECT_EQ(mismatches, 0u);
}

TEST_F(TruncFFold, NearestEvenFolder) {
  checkFolder(*this, arith::RoundingMode::to_nearest_even, ref::rneIEEE);
}

TEST_F(TruncFFold, TowardZeroFolder) {
  checkFolder(*this, arith::RoundingMode::toward_zero, ref::rtz);
}

TEST(TruncFConvert, NearestEvenDenseSample) {
  checkConvert(llvm::RoundingMode::NearestTiesToEven, ref::rneIEEE);
}

TEST(TruncFConvert, TowardZeroDenseSample) {
  checkConvert(llvm::RoundingMode::TowardZero, ref::rtz);
}

// NaNs: whatever MLIR does with them, a folded result must be the reference
// quiet NaN; APFloat's conversion keeps the sign and yields a NaN.
TEST_F(TruncFFold, NaNs) {
  for (uint32_t b : {0x7FC00000u, 0xFFC00000u, 0x7FA00000u, 0x7F800001u,
                     0xFFFFFFFFu, 0x7FBFFFFFu}) {
    std::optional<uint16_t> f = fold(b, arith::RoundingMode::to_nearest_even);
    if (f) {
      EXPECT_EQ(*f, ref::rneIEEE(b)) << "NaN 0x" << std::hex << b;
    }
    uint16_t a = apfloatConvert(b, llvm::RoundingMode::NearestTiesToEven);
    EXPECT_TRUE(ref::isBF16NaN(a));
    EXPECT_TRUE(ref::isBF16NaN(ref::rneIEEE(b)));
    EXPECT_EQ(a & 0x8000, ref::rneIEEE(b) & 0x8000);
  }
}

} // namespace
