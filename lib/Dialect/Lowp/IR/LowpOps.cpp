//===- LowpOps.cpp - lowp op verifiers and folders ------------------------===//
//
// Part of bf16-opt. Folders evaluate the reference numerics library
// (bf16/Numerics/Reference.h) on constant operands, so every fold is
// bit-exact by construction.
//
//===----------------------------------------------------------------------===//

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Numerics/Reference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::lowp;
namespace ref = bf16::ref;

//===----------------------------------------------------------------------===//
// Shared verification helpers
//===----------------------------------------------------------------------===//

namespace {
/// A named operand or result type, for diagnostics.
struct NamedType {
  StringRef name;
  Type type;
};
} // namespace

static StringRef containerKind(Type t) {
  if (isa<VectorType>(t))
    return "vector";
  if (isa<RankedTensorType>(t))
    return "ranked tensor";
  return "scalar";
}

/// All types must be the same kind of container (scalar, vector, ranked
/// tensor) with exactly the same shape. Elementwise ops of this dialect do
/// not broadcast: a scalar operand next to a tensor is an error.
static LogicalResult verifySameContainer(Operation *op,
                                         ArrayRef<NamedType> types) {
  for (const NamedType &t : types)
    if (auto tensor = dyn_cast<RankedTensorType>(t.type);
        tensor && tensor.getEncoding())
      return op->emitOpError()
             << "'" << t.name << "' has type " << t.type
             << "; tensors with an encoding are not supported";
  const NamedType &first = types.front();
  for (const NamedType &other : types.drop_front()) {
    bool sameKind = containerKind(first.type) == containerKind(other.type);
    bool sameShape = true;
    if (sameKind) {
      if (auto a = dyn_cast<VectorType>(first.type)) {
        auto b = cast<VectorType>(other.type);
        sameShape = a.getShape() == b.getShape() &&
                    a.getScalableDims() == b.getScalableDims();
      } else if (auto a = dyn_cast<RankedTensorType>(first.type)) {
        sameShape =
            a.getShape() == cast<RankedTensorType>(other.type).getShape();
      }
    }
    if (!sameKind || !sameShape)
      return op->emitOpError()
             << "'" << other.name << "' has type " << other.type << " but '"
             << first.name << "' has type " << first.type
             << "; all operands and results must be the same kind of value "
                "(scalar, vector or ranked tensor) with the same shape";
  }
  return success();
}

static LogicalResult verifyNarrowElement(Operation *op, StringRef name,
                                         Type type) {
  Type elt = getElementTypeOrSelf(type);
  if (!isSupportedNarrowType(elt))
    return op->emitOpError()
           << "'" << name << "' element type must be a supported narrow float, "
           << supportedNarrowTypesDescription() << "; got " << elt;
  return success();
}

static LogicalResult verifyWideElement(Operation *op, StringRef name,
                                       Type type) {
  Type elt = getElementTypeOrSelf(type);
  if (!isSupportedWideType(elt))
    return op->emitOpError()
           << "'" << name << "' element type must be f32; got " << elt;
  return success();
}

//===----------------------------------------------------------------------===//
// Shared constant folding
//===----------------------------------------------------------------------===//

/// The raw bit pattern of an integer or float scalar attribute value.
static uint32_t rawBits(const APInt &v) {
  return static_cast<uint32_t>(v.getZExtValue());
}

namespace {
/// Reads element `i` of a constant operand (scalar or dense, splat or not)
/// as a raw bit pattern.
class ConstantBits {
public:
  static std::optional<ConstantBits> get(Attribute attr) {
    ConstantBits c;
    if (auto f = dyn_cast_or_null<FloatAttr>(attr)) {
      c.scalar = f.getValue().bitcastToAPInt();
      return c;
    }
    if (auto i = dyn_cast_or_null<IntegerAttr>(attr)) {
      c.scalar = i.getValue();
      return c;
    }
    if (auto d = dyn_cast_or_null<DenseElementsAttr>(attr)) {
      if (d.isSplat()) {
        if (isa<FloatType>(d.getElementType()))
          c.elements.push_back(d.getSplatValue<APFloat>().bitcastToAPInt());
        else if (d.getElementType().isInteger())
          c.elements.push_back(d.getSplatValue<APInt>());
        else
          return std::nullopt;
      } else if (isa<FloatType>(d.getElementType())) {
        for (const APFloat &v : d.getValues<APFloat>())
          c.elements.push_back(v.bitcastToAPInt());
      } else if (d.getElementType().isInteger()) {
        for (const APInt &v : d.getValues<APInt>())
          c.elements.push_back(v);
      } else {
        return std::nullopt;
      }
      c.dense = true;
      return c;
    }
    return std::nullopt;
  }
  uint32_t at(size_t i) const { return rawBits(dense ? elements[i] : scalar); }
  bool isDense() const { return dense; }
  size_t size() const { return dense ? elements.size() : 1; }

private:
  bool dense = false;
  APInt scalar;
  SmallVector<APInt> elements;
};
} // namespace

/// Folds an elementwise op with a single bf16 result when every operand is
/// constant: `compute` maps the raw bits of one element of each operand to
/// the raw bf16 result bits.
static OpFoldResult
foldElementwiseToBF16(ArrayRef<Attribute> operands, Type resultType,
                      function_ref<uint16_t(ArrayRef<uint32_t>)> compute) {
  Type resultElt = getElementTypeOrSelf(resultType);
  if (!resultElt.isBF16())
    return {};
  SmallVector<ConstantBits> inputs;
  for (Attribute a : operands) {
    std::optional<ConstantBits> c = ConstantBits::get(a);
    if (!c)
      return {};
    inputs.push_back(std::move(*c));
  }
  auto makeBF16 = [](uint16_t bits) {
    return APFloat(APFloat::BFloat(), APInt(16, bits));
  };
  SmallVector<uint32_t> lane(inputs.size());
  auto shaped = dyn_cast<ShapedType>(resultType);
  if (!shaped) {
    for (auto [i, in] : llvm::enumerate(inputs)) {
      if (in.isDense())
        return {};
      lane[i] = in.at(0);
    }
    return FloatAttr::get(resultElt, makeBF16(compute(lane)));
  }
  if (!shaped.hasStaticShape())
    return {};
  // All operands splat: the result is a splat too (never materialize it).
  if (llvm::all_of(inputs, [](const ConstantBits &in) {
        return in.isDense() && in.size() == 1;
      })) {
    for (auto [i, in] : llvm::enumerate(inputs))
      lane[i] = in.at(0);
    APFloat value = makeBF16(compute(lane));
    return DenseElementsAttr::get(shaped, ArrayRef<APFloat>(value));
  }
  size_t n = shaped.getNumElements();
  SmallVector<APFloat> out;
  out.reserve(n);
  for (size_t e = 0; e < n; ++e) {
    for (auto [i, in] : llvm::enumerate(inputs)) {
      if (!in.isDense())
        return {};
      lane[i] = in.at(in.size() == 1 ? 0 : e);
    }
    out.push_back(makeBF16(compute(lane)));
  }
  return DenseElementsAttr::get(shaped, out);
}

//===----------------------------------------------------------------------===//
// RoundOp
//===----------------------------------------------------------------------===//

LogicalResult RoundOp::verify() {
  if (failed(verifyWideElement(*this, "input", getInput().getType())) ||
      failed(verifyNarrowElement(*this, "result", getType())))
    return failure();
  SmallVector<NamedType> types = {{"input", getInput().getType()},
                                  {"result", getType()}};
  bool stochastic = getMode() == RoundingMode::stochastic;
  if (stochastic && !getBits())
    return emitOpError("rounding mode 'stochastic' requires a random-bits "
                       "operand (i32 or i16 elements, same shape as the "
                       "input)");
  if (!stochastic && getBits())
    return emitOpError() << "a random-bits operand is only allowed with "
                            "rounding mode 'stochastic', not '"
                         << stringifyRoundingMode(getMode()) << "'";
  if (getBits())
    types.push_back({"bits", getBits().getType()});
  return verifySameContainer(*this, types);
}

OpFoldResult RoundOp::fold(FoldAdaptor adaptor) {
  auto mode = static_cast<ref::Rounding>(getMode());
  SmallVector<Attribute> operands = {adaptor.getInput()};
  if (getBits())
    operands.push_back(adaptor.getBits());
  return foldElementwiseToBF16(operands, getType(),
                               [&](ArrayRef<uint32_t> v) -> uint16_t {
                                 uint32_t r = v.size() > 1 ? v[1] : 0;
                                 return ref::roundF32ToBF16(v[0], mode, r);
                               });
}

//===----------------------------------------------------------------------===//
// SRAddOp
//===----------------------------------------------------------------------===//

/// Checks an update `(target, u)` of sr_add / split_update: `target` has a
/// supported narrow element type and `u` the same one or f32.
static LogicalResult verifyNarrowUpdate(Operation *op, StringRef name,
                                        Type targetType, Type uType) {
  if (failed(verifyNarrowElement(op, name, targetType)))
    return failure();
  Type tElt = getElementTypeOrSelf(targetType);
  Type uElt = getElementTypeOrSelf(uType);
  if (uElt != tElt && !isSupportedWideType(uElt))
    return op->emitOpError()
           << "'u' element type must be " << tElt << " (the type of '" << name
           << "') or f32; got " << uElt;
  return success();
}

LogicalResult SRAddOp::verify() {
  if (failed(
          verifyNarrowUpdate(*this, "w", getW().getType(), getU().getType())))
    return failure();
  return verifySameContainer(*this, {{"w", getW().getType()},
                                     {"u", getU().getType()},
                                     {"bits", getBits().getType()}});
}

OpFoldResult SRAddOp::fold(FoldAdaptor adaptor) {
  bool uIsNarrow = getElementTypeOrSelf(getU().getType()) ==
                   getElementTypeOrSelf(getW().getType());
  return foldElementwiseToBF16(
      {adaptor.getW(), adaptor.getU(), adaptor.getBits()}, getType(),
      [&](ArrayRef<uint32_t> v) -> uint16_t {
        auto w = static_cast<uint16_t>(v[0]);
        return uIsNarrow ? ref::srAddBF16(w, static_cast<uint16_t>(v[1]), v[2])
                         : ref::srAddF32(w, v[1], v[2]);
      });
}

//===----------------------------------------------------------------------===//
// KahanUpdateOp
//===----------------------------------------------------------------------===//

LogicalResult KahanUpdateOp::verify() {
  if (getMode() != RoundingMode::nearest_even &&
      getMode() != RoundingMode::nearest_even_ftz)
    return emitOpError() << "rounding mode must be 'nearest_even' or "
                            "'nearest_even_ftz' (each Kahan step rounds to "
                            "nearest); got '"
                         << stringifyRoundingMode(getMode()) << "'";
  return verifyNarrowElement(*this, "w", getW().getType());
}

//===----------------------------------------------------------------------===//
// SplitUpdateOp
//===----------------------------------------------------------------------===//

LogicalResult SplitUpdateOp::verify() {
  if (failed(
          verifyNarrowUpdate(*this, "hi", getHi().getType(), getU().getType())))
    return failure();
  return verifySameContainer(*this, {{"hi", getHi().getType()},
                                     {"lo", getLo().getType()},
                                     {"u", getU().getType()}});
}

//===----------------------------------------------------------------------===//
// RandomBitsOp
//===----------------------------------------------------------------------===//

LogicalResult RandomBitsOp::verify() {
  auto shaped = dyn_cast<ShapedType>(getType());
  if (shaped && !shaped.hasStaticShape())
    return emitOpError() << "result type " << getType()
                         << " must have a static shape: the op has no "
                            "operands to size dynamic dimensions";
  if (auto v = dyn_cast<VectorType>(getType()); v && v.isScalable())
    return emitOpError() << "result type " << getType()
                         << " must not be a scalable vector: element indices "
                            "must be known at compile time";
  if (!shaped)
    return success();
  // Multiply with an overflow check: a wrapped product must not pass.
  // Stream v1 (i32) has 4 elements per 32-bit block counter, v2 (i16) 8.
  bool v2 = getElementTypeOrSelf(getType()).isInteger(16);
  uint64_t limit =
      v2 ? ref::kMaxRandomBits16Elements : ref::kMaxRandomBitsElements;
  uint64_t count = 1;
  for (int64_t d : shaped.getShape()) {
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(d), &count) ||
        count > limit)
      return emitOpError() << "result type " << getType() << " has more than "
                           << (v2 ? "2^35" : "2^34")
                           << " elements, the most the Philox counter layout "
                              "can address (stream "
                           << (v2 ? "v2, i16" : "v1, i32") << ")";
  }
  return success();
}

#define GET_OP_CLASSES
#include "bf16/Dialect/Lowp/IR/LowpOps.cpp.inc"
