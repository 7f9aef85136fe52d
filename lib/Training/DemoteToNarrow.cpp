//===- DemoteToNarrow.cpp - FP32 -> BF16 demotion of a training step ------===//
//
// Part of bf16-opt. See the pass description in Passes.td and
// docs/Transforms.md.
//
// The demotion mutates types in place with an AttrTypeReplacer (f32 becomes
// the narrow type everywhere: values, block arguments, function types, type
// and float attributes), op by op, skipping the ops that must keep f32:
//   * keep-f32 ops and, in master-weights mode, the update chain ("kept");
//   * contractions/reductions under accumulate=f32 ("accumulators"), whose
//     body and result stay f32 while inputs become narrow;
//   * all-parallel generics under rounding-semantics=fused, whose body stays
//     f32 while inputs and results become narrow.
// Casts are then inserted at every boundary between a kept/f32 region and
// the narrow rest.
//
//===----------------------------------------------------------------------===//

#include "bf16/Numerics/Reference.h"
#include "bf16/Training/Passes.h"
#include "bf16/Training/TrainedState.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_DEMOTETONARROW
#include "bf16/Training/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using namespace mlir::bf16;

namespace {

bool containsF32(Type t) {
  bool found = false;
  t.walk([&](FloatType f) { found |= f.isF32(); });
  return found;
}

bool opUsesF32(Operation *op) {
  auto has = [](TypeRange types) { return llvm::any_of(types, containsF32); };
  if (has(op->getResultTypes()) || has(op->getOperandTypes()))
    return true;
  for (Region &r : op->getRegions())
    for (Block &b : r)
      if (has(b.getArgumentTypes()))
        return true;
  bool found = false;
  op->getAttrDictionary().walk([&](Type t) { found |= containsF32(t); });
  return found;
}

/// Widens (extf) or narrows (truncf) `v` to `to`; the types differ only in
/// their float element type.
Value castFloat(OpBuilder &b, Location loc, Value v, Type to) {
  if (v.getType() == to)
    return v;
  auto width = [](Type t) {
    return cast<FloatType>(getElementTypeOrSelf(t)).getWidth();
  };
  if (width(to) > width(v.getType()))
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

/// A reduction whose combiner and prelude are exact (max/min, selects,
/// casts) rounds nothing, so it needs no f32 accumulator.
bool hasRoundingArithmetic(linalg::LinalgOp op) {
  bool rounds = false;
  op.getBlock()->walk([&](Operation *inner) {
    if (isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
            arith::MinNumFOp, arith::CmpFOp, arith::SelectOp, arith::ExtFOp,
            arith::TruncFOp, arith::ConstantOp, linalg::YieldOp,
            linalg::IndexOp>(inner))
      return;
    if (llvm::any_of(inner->getResultTypes(),
                     [](Type t) { return isa<FloatType>(t); }))
      rounds = true;
  });
  return rounds;
}

/// Elementwise in the update-chain sense: arith/math on tensors, or an
/// all-parallel linalg op whose outputs and non-broadcast inputs use
/// identity maps (a transpose is not part of an update chain).
bool isElementwise(Operation *op) {
  if (OpTrait::hasElementwiseMappableTraits(op))
    return true;
  auto l = dyn_cast<linalg::LinalgOp>(op);
  if (!l || l.getNumReductionLoops() != 0)
    return false;
  return llvm::all_of(l->getOpOperands(), [&](OpOperand &operand) {
    AffineMap map = l.getMatchingIndexingMap(&operand);
    return map.isIdentity() ||
           (l.isDpsInput(&operand) && map.getNumResults() < map.getNumDims());
  });
}

/// Values read by `op`: operands plus values captured by its regions.
SmallVector<Value> readValues(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  llvm::append_range(values, captured);
  return values;
}

/// Top-level ops of `body` in the backward slice of `roots`.
llvm::DenseSet<Operation *> backwardSlice(Block &body, ArrayRef<Value> roots) {
  llvm::DenseSet<Operation *> slice;
  SmallVector<Value> work(roots.begin(), roots.end());
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !(def = body.findAncestorOpInBlock(*def)))
      continue;
    if (slice.insert(def).second)
      llvm::append_range(work, readValues(def));
  }
  return slice;
}

/// Makes the uses of `oldValue` inside `op`'s regions read `narrowValue`
/// widened to `wideType` (once per region, or per element for gathers).
void widenCapturedUses(Operation *op, Value oldValue, Value narrowValue,
                       Type wideType);

/// Records where a special op reads values from outside, with their types
/// before mutation, so that changed ones can be widened back.
struct Boundary {
  Operation *op;
  SmallVector<Type> operandTypes;
  SmallVector<std::pair<Value, Type>> captured;
};

Boundary recordBoundary(Operation *op) {
  Boundary b{op, llvm::to_vector(op->getOperandTypes()), {}};
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  for (Value v : captured)
    b.captured.push_back({v, v.getType()});
  return b;
}

class Demoter {
public:
  Demoter(ModuleOp module, FloatType narrow, bool accumulateF32, bool fused,
          bool masterWeights)
      : module(module), ctx(module.getContext()), narrow(narrow),
        accumulateF32(accumulateF32), fused(fused),
        masterWeights(masterWeights) {
    replacer.addReplacement([this](FloatType t) -> std::optional<Type> {
      if (t.isF32())
        return this->narrow;
      return std::nullopt;
    });
    replacer.addReplacement(
        [this](FloatAttr a) -> std::optional<std::pair<Attribute, WalkResult>> {
          if (!a.getType().isF32())
            return std::nullopt;
          return std::make_pair(
              FloatAttr::get(this->narrow, roundValue(a.getValue())),
              WalkResult::skip());
        });
    replacer.addReplacement(
        [this](DenseFPElementsAttr a)
            -> std::optional<std::pair<Attribute, WalkResult>> {
          if (!a.getElementType().isF32())
            return std::nullopt;
          Attribute mapped = a.mapValues(
              this->narrow, [](const APFloat &v) { return roundBits(v); });
          return std::make_pair(mapped, WalkResult::skip());
        });
  }

  /// Round-to-nearest-even of an f32 constant, through the reference
  /// library (IEEE semantics, denormals kept, NaN quieted).
  static APInt roundBits(const APFloat &v) {
    uint32_t bits = static_cast<uint32_t>(v.bitcastToAPInt().getZExtValue());
    return APInt(16, ::bf16::ref::rneIEEE(bits));
  }
  APFloat roundValue(const APFloat &v) const {
    return APFloat(narrow.getFloatSemantics(), roundBits(v));
  }

  Type convert(Type t) { return replacer.replace(t); }

  LogicalResult run(ArrayRef<OperationName> keepNames);

private:
  LogicalResult precheck(ArrayRef<OperationName> keepNames);
  void collectMasterWeightChains();
  void classify();
  void mutate();
  void fixAccumulatorInitsAndResults(linalg::LinalgOp op);
  void narrowFusedResults(linalg::GenericOp op);
  void fixBoundary(const Boundary &b);
  void narrowResultsForUsers(Operation *op, bool skipKeptUsers);
  void fixKeptArguments();
  void removeIdentityCasts();
  void updateFunctionTypes();
  void reconcileCalls();
  bool isKeptUser(Operation *user) const;

  ModuleOp module;
  MLIRContext *ctx;
  FloatType narrow;
  bool accumulateF32, fused, masterWeights;
  AttrTypeReplacer replacer;

  llvm::DenseSet<Operation *> keepF32Ops; // from keep-f32
  llvm::DenseSet<OperationName> reportedTosa;
  llvm::DenseSet<Operation *> kept;    // keep-f32 + master chains
  llvm::DenseSet<Operation *> skipped; // already-demoted groups
  llvm::SetVector<Operation *> accumulators;
  llvm::SetVector<Operation *> fusedGenerics;
  llvm::DenseMap<Value, Type> keptArgs; // master-weights state
  llvm::DenseMap<func::FuncOp, llvm::BitVector> keptResults;
  SmallVector<Boundary> boundaries;
};

bool isSupportedDialect(Operation *op) {
  Dialect *d = op->getDialect();
  return d &&
         isa<func::FuncDialect, arith::ArithDialect, math::MathDialect,
             tensor::TensorDialect, linalg::LinalgDialect, scf::SCFDialect,
             ml_program::MLProgramDialect, lowp::LowpDialect, BuiltinDialect>(
             d);
}

LogicalResult Demoter::precheck(ArrayRef<OperationName> keepNames) {
  bool ok = true;
  module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (llvm::is_contained(keepNames, op->getName())) {
      keepF32Ops.insert(op);
      return WalkResult::skip();
    }
    // Other float formats.
    std::optional<Type> bad;
    auto check = [&](Type t) {
      t.walk([&](FloatType f) {
        if (!f.isF32() && f != narrow)
          bad = f;
      });
    };
    for (Type t : op->getResultTypes())
      check(t);
    for (Type t : op->getOperandTypes())
      check(t);
    for (Region &r : op->getRegions())
      for (Block &b : r)
        for (Type t : b.getArgumentTypes())
          check(t);
    if (auto f = dyn_cast<func::FuncOp>(op))
      check(f.getFunctionType());
    if (bad) {
      op->emitError() << "'" << op->getName() << "' uses " << *bad
                      << ", which bf16-demote does not handle: the input must "
                         "be f32 (values already in "
                      << narrow << " are kept)";
      ok = false;
      return WalkResult::skip();
    }
    if (!opUsesF32(op))
      return WalkResult::advance();
    // lowp ops already say which operands are wide (lowp.round's input,
    // sr_add's f32 update): they keep them, fed by exact widenings.
    if (isa_and_nonnull<lowp::LowpDialect>(op->getDialect())) {
      kept.insert(op);
      return WalkResult::skip();
    }
    if (auto f = dyn_cast<func::FuncOp>(op); f && f.isDeclaration()) {
      op->emitError() << "external function @" << f.getName()
                      << " has f32 in its signature; its body is not in the "
                         "module, so calls to it cannot be demoted";
      ok = false;
      return WalkResult::skip();
    }
    bool reinterprets = isa<arith::BitcastOp, tensor::BitcastOp>(op);
    if (isa_and_nonnull<tosa::TosaDialect>(op->getDialect())) {
      // One error per op kind: TOSA needs converting first.
      if (reportedTosa.insert(op->getName()).second)
        op->emitError() << "'" << op->getName()
                        << "' is TOSA: convert TOSA to linalg first "
                           "(bf16-train input=tosa, or upstream "
                           "tosa-to-linalg)";
      ok = false;
      return WalkResult::skip();
    }
    if (!isSupportedDialect(op) || reinterprets) {
      op->emitError() << "'" << op->getName() << "' "
                      << (reinterprets ? "reinterprets f32 bits"
                                       : "is not from a dialect that "
                                         "bf16-demote supports")
                      << " and cannot be demoted; list it in keep-f32 to keep "
                         "it in f32 with casts around it";
      ok = false;
      return WalkResult::skip();
    }
    // Elements attributes whose data the replacer cannot convert.
    bool opaque = false;
    op->getAttrDictionary().walk([&](ElementsAttr e) {
      if (!isa<DenseFPElementsAttr, DenseIntElementsAttr>(e) &&
          containsF32(e.getShapedType()))
        opaque = true;
    });
    if (opaque) {
      op->emitError() << "f32 constant data in an encoding other than dense "
                         "(e.g. dense_resource or sparse) is not supported";
      ok = false;
    }
    return WalkResult::advance();
  });
  return success(ok);
}

void Demoter::collectMasterWeightChains() {
  module.walk([&](func::FuncOp func) {
    func::ReturnOp ret = getSingleReturn(func);
    if (!ret)
      return;
    Block &body = func.getBody().front();
    llvm::DenseSet<Value> state;
    for (unsigned a = 0; a < func.getNumArguments(); ++a) {
      StringRef role = getRole(func, a);
      if (role == kRoleParam || role == kRoleOptimizerState)
        state.insert(func.getArgument(a));
    }
    if (state.empty())
      return;
    SmallVector<Value> tiedRoots, untiedRoots;
    llvm::BitVector tiedResults(func.getNumResults());
    for (unsigned k = 0; k < func.getNumResults(); ++k) {
      bool tied = getTiedArgument(func, k) >= 0;
      tiedResults[k] = tied;
      (tied ? tiedRoots : untiedRoots).push_back(ret.getOperand(k));
    }
    keptResults[func] = tiedResults;
    llvm::DenseSet<Operation *> toTied = backwardSlice(body, tiedRoots);
    llvm::DenseSet<Operation *> toLoss = backwardSlice(body, untiedRoots);
    llvm::DenseSet<Value> chainValues = state;
    llvm::DenseSet<Operation *> updateOps;
    for (Value v : tiedRoots)
      if (Operation *def = v.getDefiningOp())
        updateOps.insert(def);
    for (Operation &op : body) {
      // The update chain: elementwise ops on the way from the state to its
      // new value, not shared with the loss, plus the ops that form the new
      // values themselves (even when they also compute a loss term).
      if (!isElementwise(&op) ||
          !(updateOps.contains(&op) ||
            (toTied.contains(&op) && !toLoss.contains(&op))))
        continue;
      if (!llvm::any_of(readValues(&op),
                        [&](Value v) { return chainValues.contains(v); }))
        continue;
      kept.insert(&op);
      for (Value r : op.getResults())
        chainValues.insert(r);
    }
    for (Value v : state)
      keptArgs[v] = v.getType();
  });
}

void Demoter::classify() {
  module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (kept.contains(op))
      return WalkResult::skip();
    auto l = dyn_cast<linalg::LinalgOp>(op);
    if (!l || !l.hasPureTensorSemantics())
      return WalkResult::advance();
    // Fused mode: every all-parallel generic is a rounding unit, also one
    // that an earlier run already demoted (idempotence).
    if (fused && isa<linalg::GenericOp>(op) && l.getNumReductionLoops() == 0) {
      fusedGenerics.insert(op);
      return WalkResult::skip();
    }
    if (!opUsesF32(op))
      return WalkResult::advance();
    if (l.getNumReductionLoops() > 0) {
      if (!accumulateF32 || !hasRoundingArithmetic(l))
        return WalkResult::advance();
      // Already an accumulator group (second run): narrow inputs, f32 init.
      // Only a group whose f32 inits are made here (fill, empty, extf) is
      // complete; an f32 init from elsewhere (an argument) is demoted with
      // everything else, so the op is an accumulator to fix like any other.
      bool inputsNarrow = llvm::none_of(
          l.getDpsInputs(), [](Value v) { return containsF32(v.getType()); });
      bool initsLocal = llvm::all_of(l.getDpsInits(), [](Value v) {
        Operation *def = v.getDefiningOp();
        return def && isa<linalg::FillOp, tensor::EmptyOp, arith::ExtFOp>(def);
      });
      if (inputsNarrow && initsLocal) {
        skipped.insert(op);
        for (OpOperand &init : l.getDpsInitsMutable())
          if (Operation *def = init.get().getDefiningOp();
              def && isa<linalg::FillOp, tensor::EmptyOp, arith::ExtFOp>(def)) {
            skipped.insert(def);
            if (auto fill = dyn_cast<linalg::FillOp>(def)) {
              if (Operation *e = fill.getOutputs()[0].getDefiningOp())
                skipped.insert(e);
              // The widened fill value (an extf, or the f32 constant that
              // canonicalization folded it into).
              Value v = fill.getInputs()[0];
              if (Operation *c = v.getDefiningOp();
                  c && isa<arith::ExtFOp, arith::ConstantOp>(c))
                skipped.insert(c);
            }
          }
        return WalkResult::skip();
      }
      accumulators.insert(op);
      return WalkResult::skip();
    }
    return WalkResult::advance();
  });
  for (Operation *op : kept)
    boundaries.push_back(recordBoundary(op));
  for (Operation *op : accumulators)
    boundaries.push_back(recordBoundary(op));
  for (Operation *op : fusedGenerics)
    boundaries.push_back(recordBoundary(op));
}

void Demoter::mutate() {
  module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (kept.contains(op) || skipped.contains(op) ||
        accumulators.contains(op) || fusedGenerics.contains(op))
      return WalkResult::skip();
    replacer.replaceElementsIn(op, /*replaceAttrs=*/true,
                               /*replaceLocs=*/false, /*replaceTypes=*/true);
    return WalkResult::advance();
  });
  // Master-weights state keeps its f32 type.
  for (auto [v, type] : keptArgs)
    v.setType(type);
}

bool Demoter::isKeptUser(Operation *user) const {
  for (Operation *p = user; p; p = p->getParentOp())
    if (kept.contains(p))
      return true;
  return false;
}

void Demoter::fixBoundary(const Boundary &b) {
  Operation *op = b.op;
  OpBuilder builder(op);
  for (auto [operand, type] : llvm::zip(op->getOpOperands(), b.operandTypes)) {
    if (operand.get().getType() == type || accumulators.contains(op) ||
        fusedGenerics.contains(op))
      continue;
    // An uninitialized destination needs no widening: make a wide one.
    if (auto empty = operand.get().getDefiningOp<tensor::EmptyOp>())
      operand.set(tensor::EmptyOp::create(builder, empty.getLoc(),
                                          cast<RankedTensorType>(type),
                                          empty.getDynamicSizes()));
    else
      operand.set(castFloat(builder, op->getLoc(), operand.get(), type));
  }
  // Captured values that became narrow: widen them where they are read.
  for (auto [value, type] : b.captured)
    if (value.getType() != type)
      widenCapturedUses(op, value, value, type);
}

void widenCapturedUses(Operation *op, Value oldValue, Value narrowValue,
                       Type wideType) {
  llvm::DenseMap<Region *, Value> widened;
  for (OpOperand &use : llvm::make_early_inc_range(oldValue.getUses())) {
    Operation *user = use.getOwner();
    if (!op->isProperAncestor(user) || llvm::any_of(widened, [&](auto &entry) {
          return entry.second.getDefiningOp() == user;
        }))
      continue;
    // A gather from a captured tensor reads one narrow element and widens
    // that scalar (never the whole tensor per iteration).
    if (auto extract = dyn_cast<tensor::ExtractOp>(user);
        extract && use.getOperandNumber() == 0) {
      use.set(narrowValue);
      Type wideElt = extract.getType();
      extract.getResult().setType(getElementTypeOrSelf(narrowValue.getType()));
      OpBuilder b(extract->getContext());
      b.setInsertionPointAfter(extract);
      Value ext = castFloat(b, extract.getLoc(), extract.getResult(), wideElt);
      extract.getResult().replaceAllUsesExcept(ext, ext.getDefiningOp());
      continue;
    }
    Region *region = nullptr;
    for (Region &r : op->getRegions())
      if (r.isAncestor(user->getParentRegion()))
        region = &r;
    Value &wide = widened[region];
    if (!wide) {
      OpBuilder rb = OpBuilder::atBlockBegin(&region->front());
      wide = castFloat(rb, op->getLoc(), narrowValue, wideType);
    }
    use.set(wide);
  }
}

void Demoter::narrowResultsForUsers(Operation *op, bool skipKeptUsers) {
  OpBuilder builder(op->getContext());
  builder.setInsertionPointAfter(op);
  for (OpResult result : op->getResults()) {
    Type narrowType = convert(result.getType());
    if (narrowType == result.getType())
      continue;
    Value rounded;
    for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
      Operation *user = use.getOwner();
      if ((skipKeptUsers && isKeptUser(user)) ||
          (rounded && user == rounded.getDefiningOp()))
        continue;
      if (auto ret = dyn_cast<func::ReturnOp>(user)) {
        auto it = keptResults.find(ret->getParentOfType<func::FuncOp>());
        if (it != keptResults.end() && it->second.test(use.getOperandNumber()))
          continue;
      }
      if (!rounded)
        rounded = castFloat(builder, op->getLoc(), result, narrowType);
      use.set(rounded);
    }
  }
}

/// Gives `op`'s body block arguments the (now narrow) type of their operand
/// and widens them exactly at the body entry, so the body keeps computing in
/// f32. Inits are skipped when `inputsOnly`.
static void widenBodyArguments(linalg::LinalgOp op, bool inputsOnly) {
  OpBuilder bodyBuilder = OpBuilder::atBlockBegin(op.getBlock());
  for (OpOperand &operand : op->getOpOperands()) {
    if (inputsOnly && !op.isDpsInput(&operand))
      continue;
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    Type operandElt = getElementTypeOrSelf(operand.get().getType());
    if (!arg || operandElt == arg.getType() || !isa<FloatType>(operandElt))
      continue;
    Type wide = arg.getType();
    arg.setType(operandElt);
    if (arg.use_empty())
      continue;
    auto ext = arith::ExtFOp::create(bodyBuilder, op.getLoc(), wide, arg);
    arg.replaceAllUsesExcept(ext, ext);
  }
}

void Demoter::fixAccumulatorInitsAndResults(linalg::LinalgOp op) {
  OpBuilder builder(op);
  for (OpOperand &operand : op.getDpsInitsMutable()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    Type operandElt = getElementTypeOrSelf(operand.get().getType());
    if (operandElt == arg.getType() || !isa<FloatType>(operandElt))
      continue;
    // Build an f32 accumulator: a wide fill of the same value, or a
    // widening of the narrow init.
    Type wideTensor = op.getTiedOpResult(&operand).getType();
    Value init = operand.get();
    if (auto fill = init.getDefiningOp<linalg::FillOp>();
        fill && fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      auto wideEmpty = tensor::EmptyOp::create(
          builder, empty.getLoc(), cast<RankedTensorType>(wideTensor),
          empty.getDynamicSizes());
      Type wideElt = cast<RankedTensorType>(wideTensor).getElementType();
      Value value =
          castFloat(builder, fill.getLoc(), fill.getInputs()[0], wideElt);
      auto wideFill = linalg::FillOp::create(
          builder, fill.getLoc(), ValueRange{value}, ValueRange{wideEmpty});
      operand.set(wideFill.getResult(0));
    } else {
      operand.set(castFloat(builder, op.getLoc(), init, wideTensor));
    }
  }
  narrowResultsForUsers(op, /*skipKeptUsers=*/false);
}

void Demoter::narrowFusedResults(linalg::GenericOp op) {
  // Results become narrow; the yield rounds once per value.
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  OpBuilder yieldBuilder(yield);
  for (OpResult result : op->getResults()) {
    Type narrowType = convert(result.getType());
    result.setType(narrowType);
    OpOperand &yielded = yield->getOpOperand(result.getResultNumber());
    Type narrowElt = getElementTypeOrSelf(narrowType);
    yielded.set(castFloat(yieldBuilder, op.getLoc(), yielded.get(), narrowElt));
  }
}

void Demoter::fixKeptArguments() {
  for (auto [arg, type] : keptArgs) {
    auto func =
        cast<func::FuncOp>(cast<BlockArgument>(arg).getOwner()->getParentOp());
    OpBuilder builder = OpBuilder::atBlockBegin(&func.getBody().front());
    Type narrowType = convert(arg.getType());
    // The bf16 copy of the FP32 master that feeds the compute.
    Value copy = castFloat(builder, arg.getLoc(), arg, narrowType);
    llvm::SetVector<Operation *> f32Bodies;
    for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
      Operation *user = use.getOwner();
      if (isKeptUser(user) || isa<func::ReturnOp>(user) ||
          user == copy.getDefiningOp())
        continue;
      // Bodies that compute in f32 read the copy widened (below).
      Operation *f32Body = nullptr;
      for (Operation *p = user->getParentOp(); p; p = p->getParentOp())
        if (accumulators.contains(p) || fusedGenerics.contains(p))
          f32Body = p;
      if (f32Body)
        f32Bodies.insert(f32Body);
      else
        use.set(copy);
    }
    for (Operation *body : f32Bodies)
      widenCapturedUses(body, arg, copy, type);
    if (copy.use_empty())
      copy.getDefiningOp()->erase();
  }
}

void Demoter::removeIdentityCasts() {
  module.walk([](Operation *op) {
    if (!isa<arith::ExtFOp, arith::TruncFOp>(op) ||
        op->getOperand(0).getType() != op->getResult(0).getType())
      return;
    op->getResult(0).replaceAllUsesWith(op->getOperand(0));
    op->erase();
  });
}

void Demoter::updateFunctionTypes() {
  module.walk([](func::FuncOp func) {
    if (func.isDeclaration())
      return;
    SmallVector<Type> results;
    func.walk([&](func::ReturnOp ret) {
      if (results.empty() && ret->getParentOp() == func.getOperation())
        results = llvm::to_vector(ret.getOperandTypes());
    });
    if (func.getNumResults() && results.empty())
      return;
    func.setType(FunctionType::get(
        func.getContext(), func.getBody().front().getArgumentTypes(), results));
  });
}

void Demoter::reconcileCalls() {
  SymbolTableCollection symbols;
  module.walk([&](func::CallOp call) {
    auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee)
      return;
    FunctionType type = callee.getFunctionType();
    if (type.getNumInputs() != call.getNumOperands() ||
        type.getNumResults() != call.getNumResults())
      return;
    OpBuilder builder(call);
    for (auto [operand, want] :
         llvm::zip(call->getOpOperands(), type.getInputs()))
      if (operand.get().getType() != want)
        operand.set(castFloat(builder, call.getLoc(), operand.get(), want));
    builder.setInsertionPointAfter(call);
    for (auto [result, want] :
         llvm::zip(call->getResults(), type.getResults())) {
      Type have = result.getType();
      if (have == want)
        continue;
      result.setType(want);
      Value cast = castFloat(builder, call.getLoc(), result, have);
      result.replaceAllUsesExcept(cast, cast.getDefiningOp());
    }
  });
}

LogicalResult Demoter::run(ArrayRef<OperationName> keepNames) {
  if (failed(precheck(keepNames)))
    return failure();
  kept.insert(keepF32Ops.begin(), keepF32Ops.end());
  if (masterWeights)
    collectMasterWeightChains();
  classify();
  mutate();
  fixKeptArguments();
  // First every producer gets its final type: fused generics and
  // accumulators round their results (for every user; kept users widen them
  // back below, so an FP32 update never reads an unrounded accumulator).
  for (Operation *op : fusedGenerics)
    narrowFusedResults(cast<linalg::GenericOp>(op));
  for (Operation *op : accumulators)
    fixAccumulatorInitsAndResults(cast<linalg::LinalgOp>(op));
  for (Operation *op : kept)
    narrowResultsForUsers(op, /*skipKeptUsers=*/true);
  // Then the bodies that compute in f32 widen their narrow arguments.
  for (Operation *op : accumulators)
    widenBodyArguments(cast<linalg::LinalgOp>(op), /*inputsOnly=*/true);
  for (Operation *op : fusedGenerics)
    widenBodyArguments(cast<linalg::LinalgOp>(op), /*inputsOnly=*/false);
  for (const Boundary &b : boundaries)
    fixBoundary(b);
  removeIdentityCasts();
  updateFunctionTypes();
  reconcileCalls();
  for (Operation *op : keepF32Ops)
    op->emitRemark() << "kept in f32 (keep-f32): its " << narrow
                     << " operands are widened with arith.extf and its "
                        "results rounded with arith.truncf";
  return success();
}

/// Fused mode: tensor elementwise ops become linalg.generic and
/// producer/consumer chains are fused, so that each generic is one rounding
/// unit.
LogicalResult fuseElementwise(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  // Elementwise tensor ops become generics, except the extf/truncf casts of
  // an accumulator group (so that a second run is a no-op).
  SmallVector<Operation *> elementwise;
  module.walk([&](Operation *op) {
    if (OpTrait::hasElementwiseMappableTraits(op) &&
        !isa<arith::ExtFOp, arith::TruncFOp>(op) &&
        llvm::any_of(op->getResultTypes(), llvm::IsaPred<RankedTensorType>))
      elementwise.push_back(op);
  });
  RewritePatternSet toLinalg(ctx);
  linalg::populateElementwiseToLinalgConversionPatterns(toLinalg);
  GreedyRewriteConfig strict;
  strict.setStrictness(GreedyRewriteStrictness::ExistingOps);
  if (failed(applyOpPatternsGreedily(elementwise, std::move(toLinalg), strict)))
    return failure();
  RewritePatternSet patterns(ctx);
  linalg::populateElementwiseOpsFusionPatterns(patterns, [](OpOperand *fused) {
    Operation *producer = fused->get().getDefiningOp();
    return producer && producer->hasOneUse();
  });
  return applyPatternsGreedily(module, std::move(patterns));
}

struct DemoteToNarrowPass
    : public mlir::bf16::impl::DemoteToNarrowBase<DemoteToNarrowPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto bad = [&](StringRef option, StringRef value, StringRef expected) {
      emitError(module.getLoc()) << "bf16-demote: invalid " << option << "='"
                                 << value << "'; expected " << expected;
      signalPassFailure();
    };
    SmallVector<OperationName> keepNames;
    for (const std::string &name : keepF32) {
      std::optional<RegisteredOperationName> op =
          RegisteredOperationName::lookup(name, ctx);
      if (!op && !ctx->allowsUnregisteredDialects())
        return bad("keep-f32", name, "names of registered ops, e.g. math.exp");
      keepNames.push_back(op ? OperationName(*op) : OperationName(name, ctx));
    }
    bool fused = roundingSemantics == mlir::bf16::RoundingSemantics::Fused;
    if (fused && failed(fuseElementwise(module))) {
      emitError(module.getLoc()) << "bf16-demote: elementwise fusion did not "
                                    "converge";
      return signalPassFailure();
    }
    Demoter demoter(module, BFloat16Type::get(ctx),
                    accumulate == mlir::bf16::Accumulate::F32, fused,
                    masterWeights);
    if (failed(demoter.run(keepNames)) || failed(verify(module)))
      return signalPassFailure();
  }
};

} // namespace
