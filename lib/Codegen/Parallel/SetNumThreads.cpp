//===- SetNumThreads.cpp - Thread count of every omp.parallel -------------===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Threads.md.
//
// With threads=0 the count comes from an internal LLVM-dialect function that
// reads BF16_NUM_THREADS once (getenv + atoi) and otherwise asks OpenMP for
// its default (omp_get_max_threads).
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_SETNUMTHREADS
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;

namespace {

constexpr StringLiteral kFunc = "__bf16_num_threads";
constexpr StringLiteral kCache = "__bf16_num_threads_value";
constexpr StringLiteral kEnvName = "__bf16_num_threads_env";
constexpr StringLiteral kEnvVar = "BF16_NUM_THREADS";

/// An external declaration of the C function `name`, unless the module has
/// one.
static LLVM::LLVMFuncOp declare(OpBuilder &b, ModuleOp module, StringRef name,
                                Type result, ArrayRef<Type> args) {
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return f;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name,
                                  LLVM::LLVMFunctionType::get(result, args));
}

/// Builds @__bf16_num_threads (see the pass description):
///   cached > 0 ? cached : cached = (atoi(getenv(..)) > 0 ? it
///                                   : omp_get_max_threads())
static LLVM::LLVMFuncOp buildNumThreadsFunc(OpBuilder &b, ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  Type i32 = IntegerType::get(ctx, 32);
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  auto getenv = declare(b, module, "getenv", ptr, {ptr});
  auto atoi = declare(b, module, "atoi", i32, {ptr});
  auto maxThreads = declare(b, module, "omp_get_max_threads", i32, {});

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto cache = LLVM::GlobalOp::create(b, loc, i32, /*isConstant=*/false,
                                      LLVM::Linkage::Internal, kCache,
                                      b.getI32IntegerAttr(0));
  std::string env = (kEnvVar + Twine('\0')).str();
  auto envName = LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), env.size()),
      /*isConstant=*/true, LLVM::Linkage::Internal, kEnvName,
      b.getStringAttr(env));
  auto func = LLVM::LLVMFuncOp::create(b, loc, kFunc,
                                       LLVM::LLVMFunctionType::get(i32, {}),
                                       LLVM::Linkage::Internal);
  Block *entry = func.addEntryBlock(b);
  Block *init = b.createBlock(&func.getBody());
  Block *parse = b.createBlock(&func.getBody());
  Block *fallback = b.createBlock(&func.getBody());
  Block *store = b.createBlock(&func.getBody(), {}, {i32}, {loc});
  Block *done = b.createBlock(&func.getBody(), {}, {i32}, {loc});

  b.setInsertionPointToEnd(entry);
  Value zero = LLVM::ConstantOp::create(b, loc, i32, 0);
  Value cacheAddr = LLVM::AddressOfOp::create(b, loc, cache);
  // (Relaxed atomics: concurrent first calls may both compute the same
  // value.)
  Value cached = LLVM::LoadOp::create(b, loc, i32, cacheAddr, /*alignment=*/4,
                                      /*isVolatile=*/false,
                                      /*isNonTemporal=*/false,
                                      /*isInvariant=*/false,
                                      /*isInvariantGroup=*/false,
                                      LLVM::AtomicOrdering::monotonic);
  Value known =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::sgt, cached, zero);
  LLVM::CondBrOp::create(b, loc, known, done, ValueRange{cached}, init,
                         ValueRange{});

  b.setInsertionPointToEnd(init);
  Value name = LLVM::AddressOfOp::create(b, loc, envName);
  Value text =
      LLVM::CallOp::create(b, loc, getenv, ValueRange{name}).getResult();
  Value null = LLVM::ZeroOp::create(b, loc, ptr);
  Value unset =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, text, null);
  LLVM::CondBrOp::create(b, loc, unset, fallback, parse);

  b.setInsertionPointToEnd(parse);
  Value n = LLVM::CallOp::create(b, loc, atoi, ValueRange{text}).getResult();
  Value positive =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::sgt, n, zero);
  LLVM::CondBrOp::create(b, loc, positive, store, ValueRange{n}, fallback,
                         ValueRange{});

  b.setInsertionPointToEnd(fallback);
  Value dflt =
      LLVM::CallOp::create(b, loc, maxThreads, ValueRange{}).getResult();
  LLVM::BrOp::create(b, loc, ValueRange{dflt}, store);

  b.setInsertionPointToEnd(store);
  LLVM::StoreOp::create(b, loc, store->getArgument(0), cacheAddr,
                        /*alignment=*/4, /*isVolatile=*/false,
                        /*isNonTemporal=*/false, /*isInvariantGroup=*/false,
                        LLVM::AtomicOrdering::monotonic);
  LLVM::BrOp::create(b, loc, ValueRange{store->getArgument(0)}, done);

  b.setInsertionPointToEnd(done);
  LLVM::ReturnOp::create(b, loc, done->getArgument(0));
  return func;
}

struct SetNumThreadsPass
    : public mlir::bf16::impl::SetNumThreadsBase<SetNumThreadsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (threads < 0 || threads > std::numeric_limits<int32_t>::max()) {
      module.emitError() << "bf16-set-num-threads: threads="
                         << static_cast<int64_t>(threads)
                         << " must be in [0, 2^31)";
      return signalPassFailure();
    }
    SmallVector<omp::ParallelOp> regions;
    module.walk([&](omp::ParallelOp op) {
      if (!op.getNumThreads())
        regions.push_back(op);
    });
    if (regions.empty())
      return;
    OpBuilder b(&getContext());
    LLVM::LLVMFuncOp func;
    if (threads == 0) {
      if (module.lookupSymbol(kFunc) || module.lookupSymbol(kCache) ||
          module.lookupSymbol(kEnvName)) {
        module.emitError() << "bf16-set-num-threads: the module already "
                              "defines a symbol named like '"
                           << kFunc << "'";
        return signalPassFailure();
      }
      func = buildNumThreadsFunc(b, module);
    }
    for (omp::ParallelOp op : regions) {
      b.setInsertionPoint(op);
      Value n = func ? LLVM::CallOp::create(b, op.getLoc(), func, ValueRange{})
                           .getResult()
                     : LLVM::ConstantOp::create(b, op.getLoc(), b.getI32Type(),
                                                threads)
                           .getResult();
      op.getNumThreadsMutable().assign(n);
    }
  }
};
} // namespace
