//===- TrainedState.cpp - Update matching for trained state ---------------===//
//
// Part of bf16-opt.
//
//===----------------------------------------------------------------------===//

#include "bf16/Training/TrainedState.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::bf16;

namespace {
/// Chains of scaling ops deeper than this are not followed (and a pathological
/// input cannot blow the stack).
constexpr int kMaxDepth = 64;

bool isFunctionArgument(Value v) {
  auto arg = dyn_cast<BlockArgument>(v);
  return arg && arg.getOwner()->isEntryBlock() &&
         isa<func::FuncOp>(arg.getOwner()->getParentOp());
}

/// An all-parallel linalg op whose operand `operand` reads element i of the
/// iteration space at position i (identity indexing map).
bool isIdentityOperand(linalg::LinalgOp op, OpOperand *operand) {
  return op.getMatchingIndexingMap(operand).isIdentity();
}

bool isAllParallel(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// Operands of a scaling/cast op through which state is carried.
SmallVector<Value, 2> scaledOperands(Operation *op) {
  if (isa<arith::MulFOp>(op))
    return {op->getOperand(0), op->getOperand(1)};
  if (isa<arith::DivFOp>(op))
    return {op->getOperand(0)};
  if (isa<arith::NegFOp, arith::ExtFOp, arith::TruncFOp>(op))
    return {op->getOperand(0)};
  return {};
}

void carriedTensor(Value v, llvm::SetVector<BlockArgument> &out, int depth);

void carriedScalar(Value s, linalg::LinalgOp owner,
                   llvm::SetVector<BlockArgument> &out, int depth) {
  if (depth > kMaxDepth)
    return;
  if (auto arg = dyn_cast<BlockArgument>(s)) {
    if (arg.getOwner() == owner.getBlock()) {
      OpOperand *operand = owner.getMatchingOpOperand(arg);
      if (operand && isIdentityOperand(owner, operand))
        carriedTensor(operand->get(), out, depth + 1);
      return;
    }
  }
  Operation *def = s.getDefiningOp();
  // A value captured from outside the body (e.g. a scalar hyper-parameter).
  if (!def || !owner->isProperAncestor(def)) {
    carriedTensor(s, out, depth + 1);
    return;
  }
  for (Value operand : scaledOperands(def))
    carriedScalar(operand, owner, out, depth + 1);
}

void carriedTensor(Value v, llvm::SetVector<BlockArgument> &out, int depth) {
  if (depth > kMaxDepth)
    return;
  if (isFunctionArgument(v)) {
    out.insert(cast<BlockArgument>(v));
    return;
  }
  Operation *def = v.getDefiningOp();
  if (!def)
    return;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def)) {
    if (!isAllParallel(linalgOp) || !linalgOp.hasPureTensorSemantics())
      return;
    unsigned r = cast<OpResult>(v).getResultNumber();
    OpOperand *init = linalgOp.getDpsInitOperand(r);
    if (!isIdentityOperand(linalgOp, init))
      return;
    Value yielded = linalgOp.getBlock()->getTerminator()->getOperand(r);
    carriedScalar(yielded, linalgOp, out, depth + 1);
    return;
  }
  for (Value operand : scaledOperands(def))
    carriedTensor(operand, out, depth + 1);
}

/// Strips exact widenings (extf) from a value.
Value stripExtF(Value v) {
  while (auto ext = v.getDefiningOp<arith::ExtFOp>())
    v = ext.getIn();
  return v;
}

/// Whether `v` (tensor level, or scalar inside `owner`'s body) is exactly
/// the argument `arg`, up to extf.
bool isDirect(Value v, BlockArgument arg, linalg::LinalgOp owner) {
  v = stripExtF(v);
  if (owner) {
    auto ba = dyn_cast<BlockArgument>(v);
    if (!ba || ba.getOwner() != owner.getBlock())
      return v == arg;
    OpOperand *operand = owner.getMatchingOpOperand(ba);
    return operand && isIdentityOperand(owner, operand) &&
           stripExtF(operand->get()) == arg;
  }
  return v == arg;
}

/// Collects the candidates of an add/sub `scalarOp` whose operands are
/// tensor-level values (owner == null) or scalars of `owner`'s body.
void collect(Operation *op, unsigned resultIndex, Operation *scalarOp,
             linalg::LinalgOp owner, SmallVectorImpl<UpdateMatch> &matches,
             SmallVectorImpl<BlockArgument> &args) {
  bool isSub = isa<arith::SubFOp>(scalarOp);
  llvm::SetVector<BlockArgument> carried[2];
  for (unsigned i = 0; i < 2; ++i) {
    Value operand = scalarOp->getOperand(i);
    if (owner)
      carriedScalar(operand, owner, carried[i], 0);
    else
      carriedTensor(operand, carried[i], 0);
  }
  // `x - w` does not update w: a subtraction needs the state on the left.
  Type type = op->getResult(resultIndex).getType();
  if (isSub && llvm::none_of(carried[0], [&](BlockArgument a) {
        return a.getType() == type;
      }))
    return;
  // State has the type of its new value: this drops scalar hyper-parameters
  // (lr, mu, ...) that scale tensor state.
  for (unsigned i = 0; i < 2; ++i)
    for (BlockArgument arg : carried[i]) {
      if (arg.getType() != type)
        continue;
      UpdateMatch m;
      m.op = op;
      m.resultIndex = resultIndex;
      m.scalarOp = scalarOp;
      m.stateOperand = i;
      m.stateIsDirect = isDirect(scalarOp->getOperand(i), arg, owner);
      matches.push_back(m);
      args.push_back(arg);
    }
}
} // namespace

void mlir::bf16::findUpdateCandidates(Value returned,
                                      SmallVectorImpl<UpdateMatch> &matches,
                                      SmallVectorImpl<BlockArgument> &args) {
  Operation *def = returned.getDefiningOp();
  if (!def)
    return;
  if (isa<arith::AddFOp, arith::SubFOp>(def)) {
    collect(def, 0, def, nullptr, matches, args);
    return;
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(def);
  if (!linalgOp || !isAllParallel(linalgOp) ||
      !linalgOp.hasPureTensorSemantics())
    return;
  unsigned r = cast<OpResult>(returned).getResultNumber();
  if (!isIdentityOperand(linalgOp, linalgOp.getDpsInitOperand(r)))
    return;
  Value yielded = linalgOp.getBlock()->getTerminator()->getOperand(r);
  if (auto trunc = yielded.getDefiningOp<arith::TruncFOp>())
    yielded = trunc.getIn();
  Operation *scalarOp = yielded.getDefiningOp();
  if (!scalarOp || !linalgOp->isProperAncestor(scalarOp) ||
      !isa<arith::AddFOp, arith::SubFOp>(scalarOp))
    return;
  collect(def, r, scalarOp, linalgOp, matches, args);
}

FailureOr<UpdateMatch> mlir::bf16::matchUpdate(Value returned,
                                               BlockArgument arg) {
  SmallVector<UpdateMatch> matches;
  SmallVector<BlockArgument> args;
  findUpdateCandidates(returned, matches, args);
  // Arguments marked as inputs are never the state of an update.
  auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
  std::optional<UpdateMatch> found;
  for (auto [m, a] : llvm::zip(matches, args)) {
    if (getRole(func, a.getArgNumber()) == kRoleInput)
      continue;
    if (found || a != arg)
      return failure();
    found = m;
  }
  if (!found)
    return failure();
  return *found;
}

func::ReturnOp mlir::bf16::getSingleReturn(func::FuncOp func) {
  if (func.isDeclaration() || !func.getBody().hasOneBlock())
    return nullptr;
  return dyn_cast<func::ReturnOp>(func.getBody().front().getTerminator());
}

int64_t mlir::bf16::getTiedArgument(func::FuncOp func, unsigned resultIndex) {
  auto attr = func.getResultAttrOfType<IntegerAttr>(resultIndex, kTiedToAttr);
  return attr ? attr.getInt() : -1;
}

StringRef mlir::bf16::getRole(func::FuncOp func, unsigned argIndex) {
  std::optional<lowp::ArgRole> role = lowp::getArgRole(func, argIndex);
  return role ? lowp::stringify(*role) : StringRef();
}

linalg::GenericOp mlir::bf16::elementwiseToGeneric(RewriterBase &rewriter,
                                                   Operation *op) {
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<Value> dynSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynSizes.push_back(
          tensor::DimOp::create(rewriter, loc, op->getOperand(0), d));
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                       type.getElementType(), dynSizes);
  SmallVector<AffineMap> maps(op->getNumOperands() + 1,
                              rewriter.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{type}, op->getOperands(), ValueRange{init}, maps,
      iterators, [&](OpBuilder &b, Location l, ValueRange args) {
        OperationState state(l, op->getName());
        state.addOperands(args.drop_back());
        state.addTypes(type.getElementType());
        state.addAttributes(op->getAttrs());
        Operation *scalar = b.create(state);
        linalg::YieldOp::create(b, l, scalar->getResults());
      });
  rewriter.replaceOp(op, generic.getResults());
  return generic;
}

LogicalResult mlir::bf16::normalizeUpdateToGeneric(RewriterBase &rewriter,
                                                   Operation *op) {
  if (!op)
    return success();
  rewriter.setInsertionPoint(op);
  if (OpTrait::hasElementwiseMappableTraits(op) && op->getNumResults() == 1 &&
      isa<RankedTensorType>(op->getResult(0).getType())) {
    elementwiseToGeneric(rewriter, op);
    return success();
  }
  auto l = dyn_cast<linalg::LinalgOp>(op);
  if (!l || isa<linalg::GenericOp>(op) || !l.hasPureTensorSemantics())
    return success();
  return linalg::generalizeNamedOp(rewriter, l);
}

linalg::GenericOp mlir::bf16::appendGenericOperands(RewriterBase &rewriter,
                                                    linalg::GenericOp generic,
                                                    ValueRange extraInputs,
                                                    ValueRange extraInits) {
  Location loc = generic.getLoc();
  AffineMap identity = rewriter.getMultiDimIdentityMap(generic.getNumLoops());
  SmallVector<Value> inputs(generic.getInputs());
  SmallVector<Value> outputs(generic.getOutputs());
  SmallVector<AffineMap> maps;
  for (OpOperand *in : generic.getDpsInputOperands())
    maps.push_back(generic.getMatchingIndexingMap(in));
  llvm::append_range(inputs, extraInputs);
  maps.append(extraInputs.size(), identity);
  for (OpOperand &out : generic.getDpsInitsMutable())
    maps.push_back(generic.getMatchingIndexingMap(&out));
  llvm::append_range(outputs, extraInits);
  maps.append(extraInits.size(), identity);
  SmallVector<Type> resultTypes(generic->getResultTypes());
  llvm::append_range(resultTypes, extraInits.getTypes());
  auto newGeneric =
      linalg::GenericOp::create(rewriter, loc, resultTypes, inputs, outputs,
                                maps, generic.getIteratorTypesArray());
  newGeneric->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  for (Value v : llvm::concat<Value>(inputs, outputs)) {
    argTypes.push_back(getElementTypeOrSelf(v.getType()));
    argLocs.push_back(loc);
  }
  Block *oldBody = generic.getBody();
  Block *body =
      rewriter.createBlock(&newGeneric.getRegion(), {}, argTypes, argLocs);
  SmallVector<Value> mapped;
  unsigned numInputs = generic.getNumDpsInputs();
  for (unsigned i = 0; i < oldBody->getNumArguments(); ++i)
    mapped.push_back(
        body->getArgument(i < numInputs ? i : i + extraInputs.size()));
  rewriter.mergeBlocks(oldBody, body, mapped);
  return newGeneric;
}
