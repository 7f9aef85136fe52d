//===- LowpFoldTest.cpp - lowp folders evaluate the reference -------------===//

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Numerics/Reference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
namespace ref = bf16::ref;

namespace {

TEST(LowpFold, RoundFoldsEveryModeOnScalars) {
  MLIRContext context;
  context.loadDialect<lowp::LowpDialect, arith::ArithDialect>();
  OpBuilder b(&context);
  auto module = ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = b.getUnknownLoc();
  for (uint32_t x :
       {0x3F808000u, 0x3F818001u, 0x00012345u, 0x7F800001u, 0xC2FFFFFFu}) {
    Value in = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(ref::f32FromBits(x)));
    Value bits = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0x9000));
    for (auto mode :
         {lowp::RoundingMode::nearest_even,
          lowp::RoundingMode::nearest_even_ftz, lowp::RoundingMode::toward_zero,
          lowp::RoundingMode::stochastic}) {
      bool sr = mode == lowp::RoundingMode::stochastic;
      auto op = lowp::RoundOp::create(b, loc, b.getBF16Type(), mode, in,
                                      sr ? bits : Value());
      ASSERT_TRUE(succeeded(op.verify()));
      SmallVector<Attribute> operands = {FloatAttr::get(
          b.getF32Type(), APFloat(APFloat::IEEEsingle(), APInt(32, x)))};
      if (sr)
        operands.push_back(b.getI32IntegerAttr(0x9000));
      SmallVector<OpFoldResult> results;
      ASSERT_TRUE(succeeded(op->fold(operands, results)));
      auto folded = cast<FloatAttr>(cast<Attribute>(results[0]));
      uint16_t got = static_cast<uint16_t>(
          folded.getValue().bitcastToAPInt().getZExtValue());
      EXPECT_EQ(
          got, ref::roundF32ToBF16(x, static_cast<ref::Rounding>(mode), 0x9000))
          << "x=0x" << std::hex << x << " mode "
          << lowp::stringifyRoundingMode(mode).str();
      op->erase();
    }
  }
  module->erase();
}

} // namespace
