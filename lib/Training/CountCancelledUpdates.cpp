//===- CountCancelledUpdates.cpp - Count updates that rounding cancels ----===//
//
// Part of bf16-opt. See the pass description in Passes.td and the
// `lowp.update_stats_of` result of docs/TrainingABI.md.
//
//===----------------------------------------------------------------------===//

#include "bf16/Training/Passes.h"
#include "bf16/Training/TrainedState.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_COUNTCANCELLEDUPDATES
#include "bf16/Training/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using namespace mlir::bf16;

namespace {

/// Per-element classes of the flag tensor.
enum Flag : int8_t { kZeroUpdate = 0, kApplied = 1, kCancelled = 2 };

/// What one element's update reads and writes, inside the update's body.
struct ElementUpdate {
  /// The update added to the stored value (never null).
  Value update;
  /// Stored values before and after: the narrow/f32 value, and for split
  /// updates the low half too.
  Value oldValue, newValue, oldLow, newLow;
};

/// Strips value-preserving casts between the body's yield and the update.
Value stripTruncF(Value v) {
  while (auto t = v.getDefiningOp<arith::TruncFOp>())
    v = t.getIn();
  return v;
}

struct CountCancelledUpdatesPass
    : public mlir::bf16::impl::CountCancelledUpdatesBase<
          CountCancelledUpdatesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    module.walk([&](func::FuncOp func) {
      if (failed(countFunction(func)))
        ok = false;
    });
    if (!ok)
      signalPassFailure();
  }

  LogicalResult countFunction(func::FuncOp func);
  LogicalResult countParameter(func::FuncOp func, unsigned result,
                               unsigned arg);
};

LogicalResult CountCancelledUpdatesPass::countFunction(func::FuncOp func) {
  func::ReturnOp ret = getSingleReturn(func);
  if (!ret)
    return success();
  // The parameters and their new values, before any result is appended.
  SmallVector<std::pair<unsigned, unsigned>> params;
  for (unsigned k = 0; k < func.getNumResults(); ++k) {
    int64_t a = getTiedArgument(func, k);
    if (a < 0 || func.getResultAttr(k, kStateAttr) ||
        getRole(func, a) != kRoleParam)
      continue;
    for (unsigned r = 0; r < func.getNumResults(); ++r)
      if (auto of = func.getResultAttrOfType<IntegerAttr>(
              r, lowp::kUpdateStatsOfAttrName);
          of && of.getInt() == a)
        return func.emitError()
               << "the updates of argument #" << a
               << " are already counted (result #" << r << " has "
               << lowp::kUpdateStatsOfAttrName << "); run "
               << "bf16-count-cancelled-updates once";
    params.push_back({k, static_cast<unsigned>(a)});
  }
  for (auto [k, a] : params)
    if (failed(countParameter(func, k, a)))
      return failure();
  return success();
}

/// Finds, in the body of the generic `g`, how its result `index` updates
/// the stored value read through the block argument `old`.
static FailureOr<ElementUpdate>
matchElementUpdate(linalg::GenericOp g, unsigned index, BlockArgument old,
                   Value returned, BlockArgument arg) {
  auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
  Value yielded = yield->getOperand(index);
  Value core = stripTruncF(yielded);
  ElementUpdate e;
  e.oldValue = old;
  e.newValue = yielded;
  if (auto sr = core.getDefiningOp<lowp::SRAddOp>()) {
    e.update = sr.getU();
    return e;
  }
  if (auto k = core.getDefiningOp<lowp::KahanUpdateOp>()) {
    if (core != k.getNewW())
      return failure();
    e.update = k.getU();
    return e;
  }
  if (auto s = core.getDefiningOp<lowp::SplitUpdateOp>()) {
    if (core != s.getNewHi())
      return failure();
    auto lo = dyn_cast<BlockArgument>(s.getLo());
    if (!lo || lo.getOwner() != g.getBody())
      return failure();
    e.update = s.getU();
    e.oldLow = lo;
    e.newLow = s.getNewLo();
    return e;
  }
  // A plain add/sub (rounding=nearest, master weights, or FP32).
  FailureOr<UpdateMatch> m = matchUpdate(returned, arg);
  if (failed(m) || m->op != g.getOperation() || m->resultIndex != index)
    return failure();
  e.update = m->scalarOp->getOperand(1 - m->stateOperand);
  return e;
}

LogicalResult CountCancelledUpdatesPass::countParameter(func::FuncOp func,
                                                        unsigned result,
                                                        unsigned a) {
  BlockArgument arg = func.getArgument(a);
  auto type = dyn_cast<RankedTensorType>(arg.getType());
  auto fail = [&](const Twine &why) {
    return emitError(arg.getLoc())
           << "cannot count the updates of parameter argument #" << a << " of @"
           << func.getName() << ": " << why;
  };
  if (!type || !isa<FloatType>(type.getElementType()))
    return fail("only ranked float tensor parameters are counted");
  IRRewriter rewriter(func.getContext());
  func::ReturnOp ret = getSingleReturn(func);
  Value returned = ret.getOperand(result);
  // Normalize, as bf16-rewrite-updates does: the update is counted inside a
  // linalg.generic body.
  if (failed(normalizeUpdateToGeneric(rewriter, returned.getDefiningOp())))
    return fail("its update op cannot be generalized");
  returned = getSingleReturn(func).getOperand(result);
  auto g = returned.getDefiningOp<linalg::GenericOp>();
  if (!g || !g.hasPureTensorSemantics() ||
      g.getNumParallelLoops() != g.getNumLoops())
    return fail("its new value is not produced by an elementwise "
                "linalg.generic");
  unsigned index = cast<OpResult>(returned).getResultNumber();
  // The stored value is read through an identity-mapped operand.
  AffineMap identity = rewriter.getMultiDimIdentityMap(g.getNumLoops());
  BlockArgument old;
  for (OpOperand &operand : g->getOpOperands())
    if (operand.get() == arg &&
        g.getMatchingIndexingMap(&operand) == identity) {
      old = g.getMatchingBlockArgument(&operand);
      break;
    }
  if (!old || g.getNumLoops() != static_cast<unsigned>(type.getRank()))
    return fail("the update op does not read the parameter elementwise");
  FailureOr<ElementUpdate> e = matchElementUpdate(g, index, old, returned, arg);
  if (failed(e))
    return fail("no add/sub, lowp.sr_add, lowp.kahan_update or "
                "lowp.split_update forms its new value");

  // 1. The update op also writes an i8 flag per element.
  Location loc = g.getLoc();
  rewriter.setInsertionPoint(g);
  Type i8 = rewriter.getI8Type();
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, returned);
  Value flagsInit = tensor::EmptyOp::create(rewriter, loc, sizes, i8);
  // Values of *e that are block arguments of the old body: no input is
  // appended, so their numbers stay valid in the new body.
  Block *oldBody = g.getBody();
  auto argNumber = [&](Value v) -> std::optional<unsigned> {
    auto b = dyn_cast_or_null<BlockArgument>(v);
    if (!b || b.getOwner() != oldBody)
      return std::nullopt;
    return b.getArgNumber();
  };
  SmallVector<Value *> fields = {&e->update, &e->oldValue, &e->newValue,
                                 &e->oldLow, &e->newLow};
  SmallVector<std::optional<unsigned>> numbers;
  for (Value *v : fields)
    numbers.push_back(argNumber(*v));
  linalg::GenericOp counted =
      appendGenericOperands(rewriter, g, {}, {flagsInit});
  Block *body = counted.getBody();
  for (auto [v, n] : llvm::zip(fields, numbers))
    if (n)
      *v = body->getArgument(*n);
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  rewriter.setInsertionPoint(yield);
  Value u = e->update;
  Value zero = arith::ConstantOp::create(
      rewriter, loc, rewriter.getFloatAttr(u.getType(), 0.0));
  // NaN updates count as non-zero; -0.0 counts as zero.
  Value nonzero =
      arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNE, u, zero);
  Value same = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OEQ,
                                     e->newValue, e->oldValue);
  if (e->oldLow)
    same = arith::AndIOp::create(rewriter, loc, same,
                                 arith::CmpIOp::create(rewriter, loc,
                                                       arith::CmpIPredicate::eq,
                                                       e->newLow, e->oldLow));
  auto c8 = [&](int8_t v) {
    return arith::ConstantIntOp::create(rewriter, loc, i8, v);
  };
  Value flag = arith::SelectOp::create(
      rewriter, loc, nonzero,
      arith::SelectOp::create(rewriter, loc, same, c8(kCancelled),
                              c8(kApplied)),
      c8(kZeroUpdate));
  yield->insertOperands(yield->getNumOperands(), flag);
  rewriter.setInsertionPointAfter(counted);
  rewriter.replaceOp(g, counted.getResults().take_front(g->getNumResults()));
  Value flags = counted->getResults().back();

  // 2. Count. A flag tensor of rank >= 2 is first summed into one i32 pair
  // per column of its last dimension (the inner loop runs over contiguous
  // flags and vectorizes), then the columns into i64; rank 0 and 1 go to
  // i64 directly.
  Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
  using Body = function_ref<std::pair<Value, Value>(OpBuilder &, Location,
                                                    ValueRange, Type)>;
  auto reduce = [&](ValueRange inputs, bool keepLast, Type accType,
                    Body contributions) -> std::pair<Value, Value> {
    auto inType = cast<RankedTensorType>(inputs.front().getType());
    int64_t rank = inType.getRank();
    SmallVector<OpFoldResult> outSizes;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    if (keepLast) {
      outSizes.push_back(
          tensor::getMixedSize(rewriter, loc, inputs.front(), rank - 1));
      outExprs.push_back(rewriter.getAffineDimExpr(rank - 1));
      iterators.back() = utils::IteratorType::parallel;
    }
    Value accZero = arith::ConstantIntOp::create(rewriter, loc, accType, 0);
    auto zeros = [&]() {
      Value empty = tensor::EmptyOp::create(rewriter, loc, outSizes, accType);
      return linalg::FillOp::create(rewriter, loc, accZero, empty).getResult(0);
    };
    SmallVector<Value> inits = {zeros(), zeros()};
    SmallVector<AffineMap> maps(inputs.size(),
                                rewriter.getMultiDimIdentityMap(rank));
    maps.append(2, AffineMap::get(rank, 0, outExprs, rewriter.getContext()));
    auto gen = linalg::GenericOp::create(
        rewriter, loc, ValueRange(inits).getTypes(), inputs, inits, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          auto [nz, cc] = contributions(b, l, args.drop_back(2), accType);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::AddIOp::create(b, l, args[args.size() - 2], nz),
                         arith::AddIOp::create(b, l, args.back(), cc)});
        });
    return {gen.getResult(0), gen.getResult(1)};
  };
  auto fromFlags = [&](OpBuilder &b, Location l, ValueRange args,
                       Type accType) -> std::pair<Value, Value> {
    auto flagIs = [&](arith::CmpIPredicate p, int8_t v) -> Value {
      Value c = arith::ConstantIntOp::create(b, l, i8, v);
      Value bit = arith::CmpIOp::create(b, l, p, args[0], c);
      return arith::ExtUIOp::create(b, l, accType, bit);
    };
    return {flagIs(arith::CmpIPredicate::ne, kZeroUpdate),
            flagIs(arith::CmpIPredicate::eq, kCancelled)};
  };
  std::pair<Value, Value> counts;
  if (type.getRank() >= 2) {
    auto columns = reduce({flags}, /*keepLast=*/true, i32, fromFlags);
    counts = reduce({columns.first, columns.second}, /*keepLast=*/false, i64,
                    [&](OpBuilder &b, Location l, ValueRange args,
                        Type accType) -> std::pair<Value, Value> {
                      return {arith::ExtUIOp::create(b, l, accType, args[0]),
                              arith::ExtUIOp::create(b, l, accType, args[1])};
                    });
  } else {
    counts = reduce({flags}, /*keepLast=*/false, i64, fromFlags);
  }

  // 3. [nonzero, cancelled] leaves as a new result.
  Value nz =
      tensor::ExtractOp::create(rewriter, loc, counts.first, ValueRange{});
  Value cc =
      tensor::ExtractOp::create(rewriter, loc, counts.second, ValueRange{});
  Value stats = tensor::FromElementsOp::create(
      rewriter, loc, RankedTensorType::get({2}, i64), ValueRange{nz, cc});
  ret = getSingleReturn(func);
  unsigned k = func.getNumResults();
  if (failed(func.insertResult(
          k, stats.getType(),
          rewriter.getDictionaryAttr(rewriter.getNamedAttr(
              lowp::kUpdateStatsOfAttrName, rewriter.getI64IntegerAttr(a))))))
    return fail("cannot append its counts to the results");
  ret->insertOperands(ret->getNumOperands(), stats);
  return success();
}

} // namespace
