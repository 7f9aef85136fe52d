//===- TrainedState.h - Trained-state ABI and update matching ---*- C++ -*-===//
//
// Part of bf16-opt. The attribute names of the trained-state ABI and the
// matcher that finds the update op forming a returned value. Shared by
// bf16-detect-trained-state, bf16-demote and bf16-rewrite-updates, and usable
// by other tools that consume the annotations.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_TRAINING_TRAINEDSTATE_H
#define BF16_TRAINING_TRAINEDSTATE_H

#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SetVector.h"

namespace mlir {
namespace bf16 {

/// The ABI attribute names (defined, and verified, by the lowp dialect).
inline constexpr llvm::StringLiteral kRoleAttr = lowp::kRoleAttrName;
inline constexpr llvm::StringLiteral kTiedToAttr = lowp::kTiedToAttrName;
inline constexpr llvm::StringLiteral kStateAttr = lowp::kStateAttrName;
inline constexpr llvm::StringLiteral kStateOfAttr = lowp::kStateOfAttrName;

// The role spellings, from the dialect's ArgRole enum (LowpOps.td).
inline const llvm::StringRef kRoleParam = stringify(lowp::ArgRole::Param);
inline const llvm::StringRef kRoleOptimizerState =
    stringify(lowp::ArgRole::OptimizerState);
inline const llvm::StringRef kRoleInput = stringify(lowp::ArgRole::Input);

/// A matched update op. `op` is either a scalar/tensor `arith.addf`/`subf`
/// (then `scalarOp == op`) or an all-parallel linalg op whose yielded value
/// number `resultIndex` is (possibly a `truncf` of) `scalarOp`.
struct UpdateMatch {
  Operation *op = nullptr;
  unsigned resultIndex = 0;
  Operation *scalarOp = nullptr;
  /// Which operand of `scalarOp` carries the state (0 or 1; 0 for subf).
  unsigned stateOperand = 0;
  /// True when that operand is exactly the state (no scaling in between,
  /// only exact extf).
  bool stateIsDirect = false;
};

/// The candidate updates of the value `returned` (a return operand): the
/// defining op is an elementwise add/sub and each returned match names the
/// argument carried by one operand. More than one entry means ambiguity.
/// `args` receives, per match, the carried argument. An operand carries a
/// function argument of the result's type when it is that argument, or the
/// argument scaled by mulf/divf(lhs)/negf or cast by extf/truncf, at tensor
/// level or inside all-parallel linalg bodies through identity maps.
void findUpdateCandidates(Value returned, SmallVectorImpl<UpdateMatch> &matches,
                          SmallVectorImpl<BlockArgument> &args);

/// The update op by which `returned` updates `arg`, if there is exactly one
/// candidate among the arguments not marked `lowp.role = "input"`.
FailureOr<UpdateMatch> matchUpdate(Value returned, BlockArgument arg);

/// Rebuilds a tensor-level elementwise op (`arith` on ranked tensors) as a
/// `linalg.generic` with identity maps and replaces it; the scalar op in the
/// body keeps the op's attributes.
linalg::GenericOp elementwiseToGeneric(RewriterBase &rewriter, Operation *op);

/// Rebuilds the update op `op` as a `linalg.generic` when it is a
/// tensor-level elementwise op (`elementwiseToGeneric`) or a named linalg op
/// on tensors (generalized); anything else is left alone. Fails only when a
/// named op cannot be generalized. Callers match the update again afterwards.
LogicalResult normalizeUpdateToGeneric(RewriterBase &rewriter, Operation *op);

/// Creates, at the rewriter's insertion point, a copy of `generic` with
/// `extraInputs` appended to its inputs and `extraInits` to its inits (all
/// with identity maps and the result types of the inits), and moves the old
/// body into it: the new block arguments of the extra operands come after
/// the old inputs and after the old inits respectively. The body still
/// yields only the old results, so the caller must append the yields of the
/// extra inits and then replace `generic` with the leading results.
linalg::GenericOp appendGenericOperands(RewriterBase &rewriter,
                                        linalg::GenericOp generic,
                                        ValueRange extraInputs,
                                        ValueRange extraInits);

/// The single func.return of `func`, or null (declarations, several blocks).
func::ReturnOp getSingleReturn(func::FuncOp func);

/// Reads `lowp.tied_to` of result `i`, or -1.
int64_t getTiedArgument(func::FuncOp func, unsigned resultIndex);
/// Reads `lowp.role` of argument `i`, or an empty string.
StringRef getRole(func::FuncOp func, unsigned argIndex);

} // namespace bf16
} // namespace mlir

#endif // BF16_TRAINING_TRAINEDSTATE_H
