//===- RewriteUpdates.cpp - SR / Kahan / split weight updates -------------===//
//
// Part of bf16-opt. See the pass description in Passes.td and
// docs/TrainingABI.md for the state ABI.
//
//===----------------------------------------------------------------------===//

#include "bf16/Training/Passes.h"
#include "bf16/Training/TrainedState.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_REWRITEUPDATES
#include "bf16/Training/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using namespace mlir::bf16;

namespace {

using Mode = mlir::bf16::UpdateRounding;

/// One tied update to rewrite.
struct Item {
  unsigned arg;
  unsigned result;
  /// The added per-tensor state (compensation / low half): its value at
  /// entry, its new value, and where it lives.
  Value state, newState;
  std::optional<unsigned> stateArg;
  FlatSymbolRefAttr global;
};

lowp::StateKind stateKind(Mode mode) {
  return mode == Mode::Kahan ? lowp::StateKind::Compensation
                             : lowp::StateKind::LowHalf;
}

/// The type of the per-tensor state of a narrow state type `t`.
Type stateType(Mode mode, Type t) {
  if (mode == Mode::Kahan)
    return t;
  Type i16 = IntegerType::get(t.getContext(), 16);
  if (auto shaped = dyn_cast<ShapedType>(t))
    return shaped.clone(i16);
  return i16;
}

/// Stores `value` into the global `sym` (wrapping a scalar in a 0-d tensor).
static void storeGlobal(OpBuilder &b, Location loc, FlatSymbolRefAttr sym,
                        Value value) {
  if (!isa<ShapedType>(value.getType()))
    value = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({}, value.getType()), ValueRange{value});
  ml_program::GlobalStoreOp::create(b, loc, sym, value);
}

struct RewriteUpdatesPass
    : public mlir::bf16::impl::RewriteUpdatesBase<RewriteUpdatesPass> {
  using Base::Base;

  Mode mode = Mode::Nearest;
  Type narrow;
  /// The items of the function being rewritten.
  SmallVectorImpl<Item> *items = nullptr;

  void runOnOperation() override;
  LogicalResult rewriteFunction(func::FuncOp func, ArrayRef<unsigned> args,
                                ArrayRef<unsigned> results);
  LogicalResult checkItem(func::FuncOp func, func::ReturnOp ret,
                          const Item &item);
  LogicalResult rewriteItem(func::FuncOp func, Item &item, Value step);
  std::pair<FlatSymbolRefAttr, Value>
  createGlobalState(func::FuncOp func, StringRef suffix, Type type);
  /// Builds the protected update of `scalarOp` (an addf/subf of narrow or
  /// f32 scalars) at the current insertion point. `extra` is the random
  /// bits (stochastic) or the state at entry (kahan, split). Returns the new
  /// weight and the new state (null for stochastic).
  std::pair<Value, Value> buildUpdate(OpBuilder &b, Operation *scalarOp,
                                      unsigned stateOperand, Value extra);
  Value randomBits(OpBuilder &b, Location loc, Type like, unsigned stream,
                   Value step);
};

void RewriteUpdatesPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  narrow = BFloat16Type::get(ctx);
  mode = rounding;
  if (mode == Mode::Nearest)
    return;

  SmallVector<func::FuncOp> funcs;
  module.walk([&](func::FuncOp f) { funcs.push_back(f); });
  bool any = false, ok = true;
  for (func::FuncOp func : funcs) {
    func::ReturnOp ret = getSingleReturn(func);
    if (!ret)
      continue;
    SmallVector<unsigned> args, results;
    for (unsigned k = 0; k < func.getNumResults(); ++k) {
      int64_t a = getTiedArgument(func, k);
      if (a < 0 || func.getResultAttr(k, kStateAttr))
        continue;
      StringRef role = getRole(func, a);
      if (role != kRoleParam && !(applyTo == mlir::bf16::ApplyTo::AllState &&
                                  role == kRoleOptimizerState))
        continue;
      args.push_back(a);
      results.push_back(k);
    }
    if (args.empty())
      continue;
    any = true;
    if (failed(rewriteFunction(func, args, results)))
      ok = false;
  }
  if (!ok)
    return signalPassFailure();
  if (!any) {
    InFlightDiagnostic diag =
        funcs.empty() ? emitError(module.getLoc()) : funcs.front().emitError();
    diag << "rounding=" << stringify(rounding)
         << " needs a trained-state update to "
         << "rewrite (apply-to=" << stringify(applyTo)
         << "), but none was found in the "
         << "module; run bf16-detect-trained-state first or tie results to "
         << "their arguments with " << kTiedToAttr;
    signalPassFailure();
  }
}

LogicalResult RewriteUpdatesPass::checkItem(func::FuncOp func,
                                            func::ReturnOp ret,
                                            const Item &item) {
  BlockArgument arg = func.getArgument(item.arg);
  Type type = arg.getType();
  if (getElementTypeOrSelf(type) != narrow)
    return emitError(arg.getLoc())
           << "argument #" << item.arg << " of @" << func.getName()
           << " has type " << type << ": rounding=" << stringify(rounding)
           << " rewrites " << narrow << " state, so run bf16-demote first "
           << "(master-weights keeps f32 masters and needs rounding=nearest)";
  auto shaped = dyn_cast<ShapedType>(type);
  if (shaped && !isa<RankedTensorType>(shaped))
    return emitError(arg.getLoc()) << "argument #" << item.arg
                                   << " must be a scalar or a ranked tensor";
  if (shaped && !shaped.hasStaticShape() &&
      (mode == Mode::Stochastic || state == mlir::bf16::StateStorage::Globals))
    return emitError(arg.getLoc())
           << "argument #" << item.arg << " has the dynamic shape " << type
           << ": "
           << (mode == Mode::Stochastic
                   ? "rounding=stochastic needs static shapes "
                     "(lowp.random_bits)"
                   : "state=globals needs static shapes")
           << "; use static shapes"
           << (mode == Mode::Stochastic ? "" : " or state=arguments");
  FailureOr<UpdateMatch> match = matchUpdate(ret.getOperand(item.result), arg);
  if (failed(match)) {
    InFlightDiagnostic diag =
        ret.emitError() << "result #" << item.result << " is tied to argument #"
                        << item.arg << " but is not an elementwise add/sub "
                        << "update of it, so rounding=" << stringify(rounding)
                        << " has no update op to rewrite";
    if (Operation *def = ret.getOperand(item.result).getDefiningOp())
      diag.attachNote(def->getLoc()) << "the result is produced here";
    return diag;
  }
  if (mode == Mode::Split && !match->stateIsDirect)
    return emitError(match->op->getLoc())
           << "rounding=split needs the update to add to argument #" << item.arg
           << " itself (the bf16 half of the master), not a scaled copy of it";
  return success();
}

LogicalResult RewriteUpdatesPass::rewriteFunction(func::FuncOp func,
                                                  ArrayRef<unsigned> args,
                                                  ArrayRef<unsigned> results) {
  func::ReturnOp ret = getSingleReturn(func);
  SmallVector<Item> items;
  for (auto [a, k] : llvm::zip(args, results))
    items.push_back({a, k, {}, {}, std::nullopt, {}});
  llvm::sort(items, [](const Item &x, const Item &y) { return x.arg < y.arg; });
  for (const Item &item : items)
    if (failed(checkItem(func, ret, item)))
      return failure();
  bool globals = state == mlir::bf16::StateStorage::Globals;
  if (!globals && !SymbolTable::symbolKnownUseEmpty(
                      func, func->getParentOfType<ModuleOp>()))
    return func.emitError()
           << "@" << func.getName() << " is called in this module; "
           << "state=arguments would change its signature under its callers. "
           << "Use state=globals, or call the step from outside the module";

  Builder b(func.getContext());
  Type i64 = b.getI64Type();
  auto attrs = [&](lowp::StateKind kind, std::optional<unsigned> of) {
    SmallVector<NamedAttribute> list = {
        lowp::getStateKindNamedAttr(b.getContext(), kind)};
    if (of)
      list.push_back(b.getNamedAttr(kStateOfAttr, b.getI64IntegerAttr(*of)));
    return list;
  };
  auto addArgument = [&](Type type, ArrayRef<NamedAttribute> list,
                         Location loc) -> FailureOr<unsigned> {
    unsigned idx = func.getNumArguments();
    if (failed(func.insertArgument(idx, type, b.getDictionaryAttr(list), loc)))
      return failure();
    return idx;
  };

  // 1. The added state: per-tensor compensation / low half, then the step.
  Value step;
  std::optional<unsigned> stepArg;
  FlatSymbolRefAttr stepGlobal;
  if (mode != Mode::Stochastic) {
    for (Item &item : items) {
      BlockArgument arg = func.getArgument(item.arg);
      Type type = stateType(mode, arg.getType());
      if (globals) {
        std::tie(item.global, item.state) = createGlobalState(
            func,
            (Twine(lowp::stringify(stateKind(mode))) + "_" + Twine(item.arg))
                .str(),
            type);
        continue;
      }
      FailureOr<unsigned> idx =
          addArgument(type, attrs(stateKind(mode), item.arg), arg.getLoc());
      if (failed(idx))
        return failure();
      item.stateArg = *idx;
      item.state = func.getArgument(*idx);
    }
  } else if (globals) {
    std::tie(stepGlobal, step) =
        createGlobalState(func, lowp::stringify(lowp::StateKind::RngStep), i64);
  } else {
    FailureOr<unsigned> idx = addArgument(
        i64, attrs(lowp::StateKind::RngStep, std::nullopt), func.getLoc());
    if (failed(idx))
      return failure();
    stepArg = *idx;
    step = func.getArgument(*idx);
  }

  // 2. The updates.
  this->items = &items;
  for (Item &item : items)
    if (failed(rewriteItem(func, item, step)))
      return failure();

  // 3. The new state leaves through results (documented order) or globals.
  ret = getSingleReturn(func);
  OpBuilder ob(ret);
  Location loc = func.getLoc();
  Value nextStep;
  if (mode == Mode::Stochastic)
    nextStep = arith::AddIOp::create(
        ob, loc, step, arith::ConstantIntOp::create(ob, loc, i64, 1));
  if (globals) {
    for (Item &item : items)
      if (item.global)
        storeGlobal(ob, loc, item.global, item.newState);
    if (stepGlobal)
      storeGlobal(ob, loc, stepGlobal, nextStep);
    return success();
  }
  auto addResult = [&](Value value, SmallVector<NamedAttribute> list,
                       unsigned tiedArg) -> LogicalResult {
    list.push_back(b.getNamedAttr(kTiedToAttr, b.getI64IntegerAttr(tiedArg)));
    if (failed(func.insertResult(func.getNumResults(), value.getType(),
                                 b.getDictionaryAttr(list))))
      return failure();
    ret->insertOperands(ret->getNumOperands(), value);
    return success();
  };
  for (Item &item : items)
    if (item.stateArg &&
        failed(addResult(item.newState, attrs(stateKind(mode), item.arg),
                         *item.stateArg)))
      return failure();
  if (stepArg &&
      failed(addResult(nextStep, attrs(lowp::StateKind::RngStep, std::nullopt),
                       *stepArg)))
    return failure();
  return success();
}

std::pair<FlatSymbolRefAttr, Value>
RewriteUpdatesPass::createGlobalState(func::FuncOp func, StringRef suffix,
                                      Type type) {
  auto module = func->getParentOfType<ModuleOp>();
  OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
  Builder b(func.getContext());
  // Scalars live in 0-d tensor globals.
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    shaped = RankedTensorType::get({}, type);
  Type elt = shaped.getElementType();
  Attribute zero =
      isa<FloatType>(elt)
          ? DenseElementsAttr::get(shaped, FloatAttr::get(elt, 0.0))
          : DenseElementsAttr::get(shaped, IntegerAttr::get(elt, 0));
  std::string name = (func.getName() + "_lowp_" + suffix).str();
  auto global = ml_program::GlobalOp::create(
      mb, func.getLoc(), b.getStringAttr(name), TypeAttr::get(shaped),
      b.getUnitAttr(), zero, b.getStringAttr("private"));
  // Re-inserting renames the global if the name is taken.
  global->remove();
  SymbolTable(module).insert(global, module.getBody()->begin());
  auto sym = FlatSymbolRefAttr::get(global.getSymNameAttr());
  OpBuilder fb = OpBuilder::atBlockBegin(&func.getBody().front());
  Value loaded =
      ml_program::GlobalLoadOp::create(fb, func.getLoc(), shaped, sym);
  if (shaped != type)
    loaded = tensor::ExtractOp::create(fb, func.getLoc(), loaded, ValueRange{});
  return {sym, loaded};
}

Value RewriteUpdatesPass::randomBits(OpBuilder &b, Location loc, Type like,
                                     unsigned stream, Value step) {
  Type i32 = b.getI32Type();
  // Stream v2 draws 16 bits per element (i16), v1 32 (i32).
  Type bits = rngStream == mlir::bf16::RngStream::V2 ? b.getI16Type() : i32;
  Type type = bits;
  if (auto shaped = dyn_cast<ShapedType>(like))
    type = shaped.clone(bits);
  Value seedValue = arith::ConstantIntOp::create(
      b, loc, b.getI64Type(), static_cast<int64_t>(seed.getValue()));
  Value streamValue = arith::ConstantIntOp::create(b, loc, i32, stream);
  return lowp::RandomBitsOp::create(b, loc, type, seedValue, streamValue, step);
}

std::pair<Value, Value> RewriteUpdatesPass::buildUpdate(OpBuilder &b,
                                                        Operation *scalarOp,
                                                        unsigned stateOperand,
                                                        Value extra) {
  Location loc = scalarOp->getLoc();
  Value w = scalarOp->getOperand(stateOperand);
  Value u = scalarOp->getOperand(1 - stateOperand);
  if (isa<arith::SubFOp>(scalarOp))
    u = arith::NegFOp::create(b, loc, u); // exact
  // The weight operand in the narrow type (exactly, when it was widened).
  if (getElementTypeOrSelf(w.getType()) != narrow) {
    auto ext = w.getDefiningOp<arith::ExtFOp>();
    if (ext && getElementTypeOrSelf(ext.getIn().getType()) == narrow)
      w = ext.getIn();
    else
      w = arith::TruncFOp::create(b, loc, narrow, w);
  }
  switch (mode) {
  case Mode::Stochastic:
    return {lowp::SRAddOp::create(b, loc, w.getType(), w, u, extra), Value()};
  case Mode::Kahan: {
    if (getElementTypeOrSelf(u.getType()) != narrow)
      u = arith::TruncFOp::create(b, loc, narrow, u);
    auto k = lowp::KahanUpdateOp::create(b, loc, w.getType(), w.getType(),
                                         lowp::RoundingMode::nearest_even, w,
                                         extra, u);
    return {k.getNewW(), k.getNewC()};
  }
  case Mode::Split: {
    auto sp = lowp::SplitUpdateOp::create(b, loc, w.getType(), extra.getType(),
                                          w, extra, u);
    return {sp.getNewHi(), sp.getNewLo()};
  }
  case Mode::Nearest:
    break;
  }
  return {w, Value()};
}

/// Erases `v`'s defining op chain inside a body if it became dead.
static void eraseIfDead(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!def->use_empty() || def->getNumOperands() == 0)
      return;
    Value next = isa<arith::TruncFOp>(def) ? def->getOperand(0) : Value();
    def->erase();
    if (!next)
      return;
    v = next;
  }
}

LogicalResult RewriteUpdatesPass::rewriteItem(func::FuncOp func, Item &item,
                                              Value step) {
  IRRewriter rewriter(func.getContext());
  BlockArgument arg = func.getArgument(item.arg);
  auto rematch = [&]() {
    return matchUpdate(getSingleReturn(func).getOperand(item.result), arg);
  };
  FailureOr<UpdateMatch> m = rematch();
  if (failed(m))
    return getSingleReturn(func).emitError()
           << "lost the update op of argument #" << item.arg;
  // Normalize: tensor updates are rewritten inside a linalg.generic body.
  Operation *op = m->op;
  bool isTensor = isa<ShapedType>(op->getResult(0).getType());
  if (failed(normalizeUpdateToGeneric(rewriter, op)))
    return op->emitError() << "cannot generalize the update op";
  m = rematch();
  if (failed(m))
    return getSingleReturn(func).emitError()
           << "lost the update op of argument #" << item.arg
           << " while normalizing it";
  op = m->op;
  Location loc = op->getLoc();

  if (!isTensor) {
    // A scalar update: rewrite in place.
    rewriter.setInsertionPoint(op);
    Value extra = mode == Mode::Stochastic
                      ? randomBits(rewriter, loc, arg.getType(), item.arg, step)
                      : item.state;
    auto [newW, newState] = buildUpdate(rewriter, op, m->stateOperand, extra);
    rewriter.replaceAllUsesWith(op->getResult(0), newW);
    rewriter.eraseOp(op);
    item.newState = newState;
    return success();
  }

  auto generic = cast<linalg::GenericOp>(op);
  rewriter.setInsertionPoint(generic);
  SmallVector<Value> extraInputs, extraInits;
  if (mode == Mode::Stochastic) {
    Type like = generic->getResult(m->resultIndex).getType();
    extraInputs.push_back(randomBits(rewriter, loc, like, item.arg, step));
  } else {
    // The state tensor is both the init of its new value and, through the
    // init's block argument, the value read by the body (in place).
    extraInits.push_back(item.state);
  }
  linalg::GenericOp newGeneric =
      appendGenericOperands(rewriter, generic, extraInputs, extraInits);
  Block *body = newGeneric.getBody();
  unsigned numInputs = generic.getNumDpsInputs();
  Operation *scalarOp = m->scalarOp;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Value extra = mode == Mode::Stochastic
                    ? body->getArgument(numInputs)
                    : body->getArgument(body->getNumArguments() - 1);
  rewriter.setInsertionPointAfter(scalarOp);
  auto [newW, newState] =
      buildUpdate(rewriter, scalarOp, m->stateOperand, extra);
  Value oldYielded = yield->getOperand(m->resultIndex);
  yield->setOperand(m->resultIndex, newW);
  if (newState)
    yield->insertOperands(yield->getNumOperands(), newState);
  eraseIfDead(oldYielded);
  // State of earlier items that this generic already produced moves to the
  // new generic (same result numbers).
  for (Item &other : *items)
    if (other.newState && other.newState.getDefiningOp() == generic)
      other.newState = newGeneric->getResult(
          cast<OpResult>(other.newState).getResultNumber());
  rewriter.replaceOp(
      generic, newGeneric.getResults().take_front(generic->getNumResults()));
  if (mode != Mode::Stochastic)
    item.newState = newGeneric->getResults().back();
  return success();
}

} // namespace
