//===- MatmulToMicrokernel.cpp - GEMMs to packed register-tiled kernels ---===//
//
// Part of bf16-opt. See the pass description in Codegen/Passes.td and
// docs/Lowering.md ("Contractions").
//
// A memref linalg.matmul / linalg.batch_matmul with static shapes becomes
//
//   Bp = alloc  [ceil(N/NR)][ceil(K/P)][NR*P]   // B packed: N panels of NR
//                                               // columns, P = 2 K-adjacent
//                                               // BF16 values per 32-bit
//                                               // lane (VNNI), P = 1 for f32
//   for each batch: pack B into Bp
//     for each N panel (NR columns), for each MR-row block of C:
//       MR x NR/16 accumulators (vector<16xf32>) <- C
//       for each K step: NR/16 vector loads of Bp, one broadcast of A per
//                        row, MR*NR/16 multiply-accumulates
//       C <- accumulators
//   dealloc Bp
//
// M and N remainders get their own (static) kernel instances with fewer rows
// and masked C loads/stores; an odd K gets a peeled last step whose missing
// pair element is a zero. The multiply-accumulate for BF16 is either
// vdpbf16ps (x86vector.avx512.dot) or a bit-identical emulation with FP32
// FMAs (widen, odd element first, flush denormals); for f32 it is math.fma.
//
// Every C element is accumulated in the same order on every path: K steps
// in increasing order, and within a BF16 pair the odd element first - the
// order of bf16::ref::gemmBF16.
//
//===----------------------------------------------------------------------===//

#include "bf16/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace bf16 {
#define GEN_PASS_DEF_CONVERTMATMULTOMICROKERNEL
#include "bf16/Codegen/Passes.h.inc"
} // namespace bf16
} // namespace mlir

using namespace mlir;
using mlir::bf16::MicrokernelConfig;

namespace {
constexpr int64_t kLanes = 16; // f32 lanes of one 512-bit accumulator

/// What one multiply-accumulate step consumes and does.
enum class Scheme {
  BF16Dot,      ///< vdpbf16ps on a broadcast A pair and a VNNI B vector
  BF16Emulated, ///< the same lanes with FP32 FMAs (no AVX512-BF16)
  F32Fma,       ///< f32: broadcast A element, B vector, FMA
};

/// A matched GEMM: C[b][m][n] += A[b][m][k] * B[b][k][n] (no b for matmul).
/// With transA, A is stored as [b][k][m]; with transB, B as [b][n][k].
struct Gemm {
  Value a, b, c;
  bool batched;
  bool transA = false, transB = false;
  int64_t batch, m, n, k;
  Scheme scheme;
  /// A linalg.fill of C with a constant right before the GEMM (only
  /// side-effect-free ops in between): the kernel starts its accumulators
  /// from the constant instead of loading C, and the fill goes away.
  linalg::FillOp fill;
  Value fillValue;
  /// The elementwise rounding that consumes C right after the GEMM
  /// (`D = lowp.round <mode> C`, C a temporary): the kernel stores each
  /// accumulator rounded into D and never writes C.
  linalg::GenericOp rounding;
  lowp::RoundingModeAttr roundMode;
  Value roundDest;
};

/// The fill of `c` that the GEMM `op` can absorb, if any.
static linalg::FillOp fusableFill(Operation *op, Value c) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.hasPureBufferSemantics() &&
          fill.getDpsInitOperand(0)->get() == c &&
          fill.getInputs()[0].getType().isF32() &&
          fill.getInputs()[0].getDefiningOp<arith::ConstantOp>())
        return fill;
      return {};
    }
    if (!isMemoryEffectFree(prev) && !isa<memref::AllocOp>(prev))
      return {};
  }
  return {};
}

/// The rounding of C that the GEMM `op` can store directly: a memref
/// linalg.generic D = lowp.round <mode> C (identity maps, no random bits)
/// later in the same block, where C is a memref.alloc used only by the GEMM,
/// its fill, that generic and deallocs, and D is a memref.alloc of C's shape
/// that nothing uses before the generic.
static linalg::GenericOp fusableRounding(linalg::LinalgOp op, Value c,
                                         linalg::FillOp fill) {
  auto alloc = c.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return {};
  linalg::GenericOp consumer;
  for (Operation *user : c.getUsers()) {
    if (user == op.getOperation() || user == fill.getOperation() ||
        isa<memref::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || consumer)
      return {};
    consumer = generic;
  }
  if (!consumer || consumer->getBlock() != op->getBlock() ||
      !op->isBeforeInBlock(consumer) || !consumer.hasPureBufferSemantics() ||
      consumer.getNumDpsInputs() != 1 || consumer.getNumDpsInits() != 1 ||
      consumer.getDpsInputOperand(0)->get() != c ||
      consumer.getNumParallelLoops() != consumer.getNumLoops() ||
      !llvm::all_of(consumer.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return {};
  Block *body = consumer.getBody();
  auto round = dyn_cast<lowp::RoundOp>(&body->front());
  if (!round || round.getBits() || round.getInput() != body->getArgument(0) ||
      body->getTerminator() != round->getNextNode() ||
      body->getTerminator()->getOperands() != ValueRange{round.getResult()})
    return {};
  Value d = consumer.getDpsInitOperand(0)->get();
  auto dAlloc = d.getDefiningOp<memref::AllocOp>();
  auto dType = cast<MemRefType>(d.getType());
  if (!dAlloc || dAlloc->getBlock() != op->getBlock() ||
      !dAlloc.getDynamicSizes().empty() ||
      !dAlloc.getSymbolOperands().empty() ||
      dType.getShape() != cast<MemRefType>(c.getType()).getShape() ||
      !dType.getLayout().isIdentity())
    return {};
  for (Operation *user : d.getUsers()) {
    Operation *at = op->getBlock()->findAncestorOpInBlock(*user);
    if (user != consumer.getOperation() &&
        (!at || !consumer->isBeforeInBlock(at)))
      return {};
  }
  return consumer;
}

/// The innermost stride is 1 and the layout is strided (other strides may be
/// dynamic: every access indexes the memref).
bool unitInnerStride(MemRefType t) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

/// Which operands of a matmul / batch_matmul are stored transposed, from its
/// indexing maps: A (m, k) or (k, m), B (k, n) or (n, k), C (m, n), after the
/// batch dimension if any. Anything else (broadcasts, a transposed C) fails.
static LogicalResult classifyMaps(linalg::LinalgOp op, bool batched,
                                  bool &transA, bool &transB) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps.size() != 3)
    return failure();
  MLIRContext *ctx = op->getContext();
  unsigned o = batched ? 1 : 0;
  unsigned dims = o + 3;
  auto make = [&](unsigned x, unsigned y) {
    SmallVector<AffineExpr> e;
    if (batched)
      e.push_back(getAffineDimExpr(0, ctx));
    e.push_back(getAffineDimExpr(o + x, ctx));
    e.push_back(getAffineDimExpr(o + y, ctx));
    return AffineMap::get(dims, 0, e, ctx);
  };
  // `map` is (x, y) or, with `transposed` set, (y, x).
  auto orientation = [&](AffineMap map, unsigned x, unsigned y,
                         bool &transposed) {
    transposed = map == make(y, x);
    return transposed || map == make(x, y);
  };
  const unsigned m = 0, n = 1, k = 2;
  return success(maps[2] == make(m, n) && orientation(maps[0], m, k, transA) &&
                 orientation(maps[1], k, n, transB));
}

FailureOr<Gemm> matchGemm(linalg::LinalgOp op, const MicrokernelConfig &cfg,
                          PatternRewriter &rewriter) {
  if (!op.hasPureBufferSemantics())
    return rewriter.notifyMatchFailure(op, "not on memrefs");
  Gemm g;
  g.batched = isa<linalg::BatchMatmulOp>(op);
  if (failed(classifyMaps(op, g.batched, g.transA, g.transB)))
    return rewriter.notifyMatchFailure(
        op, "indexing maps are not those of a (batch) matmul with "
            "optionally transposed A and B");
  unsigned rank = g.batched ? 3 : 2;
  g.a = op.getDpsInputOperand(0)->get();
  g.b = op.getDpsInputOperand(1)->get();
  g.c = op.getDpsInitOperand(0)->get();
  auto ta = dyn_cast<MemRefType>(g.a.getType());
  auto tb = dyn_cast<MemRefType>(g.b.getType());
  auto tc = dyn_cast<MemRefType>(g.c.getType());
  if (!ta || !tb || !tc || ta.getRank() != rank || tb.getRank() != rank ||
      tc.getRank() != rank)
    return rewriter.notifyMatchFailure(op, "unexpected operand ranks");
  if (!ta.hasStaticShape() || !tb.hasStaticShape() || !tc.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "dynamic shape");
  if (!unitInnerStride(ta) || !unitInnerStride(tb) || !unitInnerStride(tc))
    return rewriter.notifyMatchFailure(op, "innermost stride is not 1");
  Type ea = ta.getElementType(), eb = tb.getElementType(),
       ec = tc.getElementType();
  if (!ec.isF32())
    return rewriter.notifyMatchFailure(op, "accumulator is not f32");
  if (ea.isBF16() && eb.isBF16())
    g.scheme = cfg.bf16Dot == bf16::BF16DotKind::Vdpbf16ps
                   ? Scheme::BF16Dot
                   : Scheme::BF16Emulated;
  else if (ea.isF32() && eb.isF32() && cfg.f32)
    g.scheme = Scheme::F32Fma;
  else
    return rewriter.notifyMatchFailure(op, "unsupported element types");
  unsigned o = g.batched ? 1 : 0;
  g.batch = g.batched ? tc.getDimSize(0) : 1;
  g.m = tc.getDimSize(o);
  g.n = tc.getDimSize(o + 1);
  g.k = ta.getDimSize(g.transA ? o : o + 1);
  if (g.m == 0 || g.n == 0 || g.k == 0 || g.batch == 0)
    return rewriter.notifyMatchFailure(op, "empty iteration space");
  if ((g.fill = fusableFill(op, g.c)))
    g.fillValue = g.fill.getInputs()[0];
  if ((g.rounding = fusableRounding(op, g.c, g.fill))) {
    g.roundMode =
        cast<lowp::RoundOp>(&g.rounding.getBody()->front()).getModeAttr();
    g.roundDest = g.rounding.getDpsInitOperand(0)->get();
  }
  return g;
}

/// Emits the loops of one matched GEMM in front of the op.
class GemmEmitter {
public:
  GemmEmitter(PatternRewriter &b, Location loc, const Gemm &g,
              const MicrokernelConfig &cfg)
      : b(b), loc(loc), g(g), mr(cfg.mr),
        // A narrow B needs no more than its own width (rounded to vectors).
        nr(std::min(cfg.nr, ceilDiv(g.n, kLanes) * kLanes)),
        p(g.scheme == Scheme::F32Fma ? 1 : 2) {
    elem = g.scheme == Scheme::F32Fma ? b.getF32Type() : b.getBF16Type();
    accType = VectorType::get({kLanes}, b.getF32Type());
    bVecType = VectorType::get({kLanes * p}, elem);
    i32Vec = VectorType::get({kLanes}, b.getI32Type());
  }

  void emit() {
    int64_t panels = ceilDiv(g.n, nr);
    int64_t steps = ceilDiv(g.k, p);
    auto packedType = MemRefType::get({panels, steps, nr * p}, elem);
    Value packed =
        memref::AllocOp::create(b, loc, packedType, b.getI64IntegerAttr(64));
    // A stored [k][m] with BF16 pairs: its pairs are packed like B's, in
    // panels of 16 rows of C, so that a row's pair is one 32-bit load.
    if (g.transA && p == 2) {
      auto aType =
          MemRefType::get({ceilDiv(g.m, kLanes), steps, kLanes * p}, elem);
      aPacked = memref::AllocOp::create(b, loc, aType, b.getI64IntegerAttr(64));
    }
    if (g.batched) {
      auto loop = scf::ForOp::create(b, loc, idx(0), idx(g.batch), idx(1));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      emitBatch(packed, loop.getInductionVar());
    } else {
      emitBatch(packed, Value());
    }
    memref::DeallocOp::create(b, loc, packed);
    if (aPacked)
      memref::DeallocOp::create(b, loc, aPacked);
  }

private:
  static int64_t ceilDiv(int64_t x, int64_t y) { return (x + y - 1) / y; }
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  /// A loop over [lb, ub) whose iterations are independent (each writes its
  /// own panel, K steps or rows of the packed buffer or of C), emitted as
  /// scf.parallel: bf16-parallelize-loops chooses which of these run on
  /// threads. Every element is computed by the same operations whatever the
  /// thread count, so the results do not depend on it.
  scf::ParallelOp parallelLoop(int64_t lb, int64_t ub, int64_t step) {
    return scf::ParallelOp::create(b, loc, ValueRange{idx(lb)},
                                   ValueRange{idx(ub)}, ValueRange{idx(step)});
  }
  Value add(Value x, int64_t c) {
    return c == 0 ? x : arith::AddIOp::create(b, loc, x, idx(c)).getResult();
  }
  Value mul(Value x, int64_t c) {
    return c == 1 ? x : arith::MulIOp::create(b, loc, x, idx(c)).getResult();
  }
  /// Indices into A, B or C: the batch index (if any) then `rest`.
  SmallVector<Value> at(Value batchIv, std::initializer_list<Value> rest) {
    SmallVector<Value> v;
    if (g.batched)
      v.push_back(batchIv);
    v.append(rest.begin(), rest.end());
    return v;
  }
  Value i32Const(uint32_t v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i32Vec, b.getI32IntegerAttr(v)));
  }

  /// Flushes f32 lanes whose exponent field is zero to a zero of the same
  /// sign (denormal inputs to zero, tiny results to zero).
  Value flush(Value v) {
    Value bits = vector::BitCastOp::create(b, loc, i32Vec, v);
    Value exp = arith::AndIOp::create(b, loc, bits, i32Const(0x7F800000u));
    Value tiny = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp,
                                       i32Const(0));
    Value sign = arith::AndIOp::create(b, loc, bits, i32Const(0x80000000u));
    Value sel = arith::SelectOp::create(b, loc, tiny, sign, bits);
    return vector::BitCastOp::create(b, loc, accType, sel);
  }
  /// The even (low) and odd (high) BF16 of each 32-bit lane, widened to f32
  /// and flushed.
  std::pair<Value, Value> widenPairs(Value v) {
    Value bits = vector::BitCastOp::create(b, loc, i32Vec, v);
    Value even = arith::ShLIOp::create(b, loc, bits, i32Const(16));
    Value odd = arith::AndIOp::create(b, loc, bits, i32Const(0xFFFF0000u));
    return {flush(vector::BitCastOp::create(b, loc, accType, even)),
            flush(vector::BitCastOp::create(b, loc, accType, odd))};
  }

  // ---- packing ----------------------------------------------------------

  /// packed[panel][step][...] <- the `width` columns of the K-major operand
  /// `src` ([k][cols]: B, or a transposed A) starting at panel*width, rows
  /// step*P .. step*P+P-1 (interleaved for P = 2; a missing odd row of an
  /// odd K and columns past `cols` are zeros).
  void emitPack(Value src, Value packed, Value batchIv, int64_t cols,
                int64_t width) {
    int64_t panels = ceilDiv(cols, width);
    int64_t fullSteps = g.k / p;
    bool nInBounds = cols % width == 0;
    auto rowType = VectorType::get({kLanes}, elem);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
    Value zeroRow = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(rowType, b.getZeroAttr(elem)));
    SmallVector<int64_t> interleave;
    for (int64_t l = 0; l < kLanes; ++l) {
      interleave.push_back(l);
      interleave.push_back(l + kLanes);
    }
    auto packStep = [&](Value panel, Value step, bool hasSecondRow) {
      Value col0 = mul(panel, width);
      Value row = mul(step, p);
      for (int64_t j = 0; j < width / kLanes; ++j) {
        Value col = add(col0, j * kLanes);
        auto read = [&](Value r) -> Value {
          return vector::TransferReadOp::create(b, loc, rowType, src,
                                                at(batchIv, {r, col}), zero,
                                                ArrayRef<bool>{nInBounds});
        };
        Value v = read(row);
        if (p == 2) {
          Value second = hasSecondRow ? read(add(row, 1)) : zeroRow;
          v = vector::ShuffleOp::create(b, loc, v, second,
                                        b.getDenseI64ArrayAttr(interleave));
        }
        vector::StoreOp::create(b, loc, v, packed,
                                ValueRange{panel, step, idx(j * kLanes * p)});
      }
    };
    auto panelLoop = parallelLoop(0, panels, 1);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(panelLoop.getBody()->getTerminator());
    Value panel = panelLoop.getInductionVars()[0];
    if (fullSteps > 0) {
      auto stepLoop = parallelLoop(0, fullSteps, 1);
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPoint(stepLoop.getBody()->getTerminator());
      packStep(panel, stepLoop.getInductionVars()[0], /*hasSecondRow=*/true);
    }
    if (g.k % p != 0)
      packStep(panel, idx(fullSteps), /*hasSecondRow=*/false);
  }

  /// Transposes 16 vectors of 16 x i32 (rows[i][c] -> result[c][i]): four
  /// butterfly stages; stage d exchanges the off-diagonal d x d blocks of
  /// every 2d x 2d block with one two-source shuffle per row.
  SmallVector<Value> transpose16(SmallVector<Value> rows) {
    for (int64_t d = kLanes / 2; d >= 1; d /= 2) {
      SmallVector<int64_t> lo, hi;
      for (int64_t c = 0; c < kLanes; ++c) {
        bool first = (c & d) == 0;
        lo.push_back(first ? c : kLanes + c - d);
        hi.push_back(first ? c + d : kLanes + c);
      }
      SmallVector<Value> next(rows.size());
      for (int64_t i = 0; i < kLanes; ++i) {
        if (i & d)
          continue;
        next[i] = vector::ShuffleOp::create(b, loc, rows[i], rows[i + d],
                                            b.getDenseI64ArrayAttr(lo));
        next[i + d] = vector::ShuffleOp::create(b, loc, rows[i], rows[i + d],
                                                b.getDenseI64ArrayAttr(hi));
      }
      rows = std::move(next);
    }
    return rows;
  }

  /// Bp as in emitPack, from B stored [n][k]: a block of 16 columns x 16
  /// steps is 16 row loads of B (16 32-bit lanes: a BF16 pair or an f32
  /// each), one 16 x 16 transpose and 16 stores. Rows past N and K past its
  /// end read as zeros, so the layout is exactly emitPack's.
  void emitPackTransposed(Value packed, Value batchIv) {
    int64_t panels = ceilDiv(g.n, nr);
    int64_t steps = ceilDiv(g.k, p);
    int64_t fullBlocks = steps / kLanes;
    auto loadType = VectorType::get({kLanes * p}, elem);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
    Value zeroRow = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i32Vec, b.getI32IntegerAttr(0)));
    // validCols: columns of this panel that exist (static for the last).
    auto packBlock = [&](Value panel, Value block, int64_t blockSteps,
                         int64_t validCols) {
      Value k0 = mul(block, kLanes * p);
      Value step0 = mul(block, kLanes);
      for (int64_t j = 0; j * kLanes < validCols; ++j) {
        Value col0 = add(mul(panel, nr), j * kLanes);
        SmallVector<Value> rows;
        for (int64_t i = 0; i < kLanes; ++i) {
          if (j * kLanes + i >= validCols) {
            rows.push_back(zeroRow);
            continue;
          }
          Value v = vector::TransferReadOp::create(
              b, loc, loadType, g.b, at(batchIv, {add(col0, i), k0}), zero,
              ArrayRef<bool>{blockSteps == kLanes &&
                             fullBlocks * kLanes * p <= g.k});
          rows.push_back(vector::BitCastOp::create(b, loc, i32Vec, v));
        }
        SmallVector<Value> cols = transpose16(rows);
        for (int64_t c = 0; c < blockSteps; ++c)
          vector::StoreOp::create(
              b, loc, vector::BitCastOp::create(b, loc, bVecType, cols[c]),
              packed, ValueRange{panel, add(step0, c), idx(j * kLanes * p)});
      }
      // Columns of the panel past N: zero lanes.
      for (int64_t j = ceilDiv(validCols, kLanes); j < nr / kLanes; ++j)
        for (int64_t c = 0; c < blockSteps; ++c)
          vector::StoreOp::create(
              b, loc, vector::BitCastOp::create(b, loc, bVecType, zeroRow),
              packed, ValueRange{panel, add(step0, c), idx(j * kLanes * p)});
    };
    auto forPanel = [&](Value panel, int64_t validCols) {
      if (fullBlocks > 0) {
        auto loop = parallelLoop(0, fullBlocks, 1);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(loop.getBody()->getTerminator());
        packBlock(panel, loop.getInductionVars()[0], kLanes, validCols);
      }
      if (steps % kLanes != 0)
        packBlock(panel, idx(fullBlocks), steps % kLanes, validCols);
    };
    int64_t fullPanels = g.n / nr;
    if (fullPanels > 0) {
      auto loop = parallelLoop(0, fullPanels, 1);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      forPanel(loop.getInductionVars()[0], nr);
    }
    if (panels > fullPanels)
      forPanel(idx(fullPanels), g.n - fullPanels * nr);
  }

  // ---- the register-tiled kernel ----------------------------------------

  /// The A operand of step `step` for row `row`: the BF16 pair broadcast to
  /// every 32-bit lane, or the f32 element broadcast.
  Value broadcastA(Value batchIv, Value row, Value step, bool lastOddStep) {
    Value col = mul(step, p);
    if (p == 1) {
      Value s = memref::LoadOp::create(
          b, loc, g.a,
          at(batchIv, g.transA ? std::initializer_list<Value>{col, row}
                               : std::initializer_list<Value>{row, col}));
      return vector::BroadcastOp::create(b, loc, accType, s);
    }
    auto pairType = VectorType::get({2}, elem);
    Value pair;
    if (g.transA) {
      // The pair of `row` in the packed A (zero-padded for an odd K).
      Value panel = arith::DivUIOp::create(b, loc, row, idx(kLanes));
      Value lane = arith::RemUIOp::create(b, loc, row, idx(kLanes));
      pair = vector::LoadOp::create(b, loc, pairType, aPacked,
                                    ValueRange{panel, step, mul(lane, p)});
    } else if (lastOddStep) {
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
      pair = vector::TransferReadOp::create(b, loc, pairType, g.a,
                                            at(batchIv, {row, col}), zero,
                                            ArrayRef<bool>{false});
    } else {
      pair = vector::LoadOp::create(b, loc, pairType, g.a,
                                    at(batchIv, {row, col}));
    }
    auto oneI32 = VectorType::get({1}, b.getI32Type());
    Value asI32 = vector::BitCastOp::create(b, loc, oneI32, pair);
    Value scalar =
        vector::ExtractOp::create(b, loc, asI32, ArrayRef<int64_t>{0});
    Value splat = vector::BroadcastOp::create(b, loc, i32Vec, scalar);
    return vector::BitCastOp::create(b, loc, bVecType, splat);
  }

  /// One K step of the kernel: loads the B vectors, then for every row the
  /// A broadcast and the multiply-accumulates, in place on `accs`
  /// (row-major, `cols` vectors per row).
  void emitStep(Value packed, Value batchIv, Value panel, Value m0,
                int64_t rows, int64_t cols, Value step, bool lastOddStep,
                SmallVectorImpl<Value> &accs) {
    SmallVector<Value> bv, bEven, bOdd;
    for (int64_t j = 0; j < cols; ++j) {
      bv.push_back(
          vector::LoadOp::create(b, loc, bVecType, packed,
                                 ValueRange{panel, step, idx(j * kLanes * p)}));
      if (g.scheme == Scheme::BF16Emulated) {
        auto [even, odd] = widenPairs(bv.back());
        bEven.push_back(even);
        bOdd.push_back(odd);
      }
    }
    for (int64_t r = 0; r < rows; ++r) {
      Value a = broadcastA(batchIv, add(m0, r), step, lastOddStep);
      Value aEven, aOdd;
      if (g.scheme == Scheme::BF16Emulated)
        std::tie(aEven, aOdd) = widenPairs(a);
      for (int64_t j = 0; j < cols; ++j) {
        Value &acc = accs[r * cols + j];
        switch (g.scheme) {
        case Scheme::BF16Dot:
          acc = x86vector::DotBF16Op::create(b, loc, acc, a, bv[j]);
          break;
        case Scheme::BF16Emulated:
          acc = flush(math::FmaOp::create(b, loc, aOdd, bOdd[j], acc));
          acc = flush(math::FmaOp::create(b, loc, aEven, bEven[j], acc));
          break;
        case Scheme::F32Fma:
          acc = math::FmaOp::create(b, loc, a, bv[j], acc);
          break;
        }
      }
    }
  }

  /// C[m0 .. m0+rows)[panel*NR .. +validCols) += A * B over all of K.
  void emitKernel(Value packed, Value batchIv, Value panel, Value m0,
                  int64_t rows, int64_t validCols) {
    int64_t cols = ceilDiv(validCols, kLanes);
    int64_t lastLanes = validCols - (cols - 1) * kLanes;
    Value mask;
    if (lastLanes != kLanes) {
      SmallVector<bool> bits(kLanes, false);
      std::fill(bits.begin(), bits.begin() + lastLanes, true);
      mask = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({kLanes}, b.getI1Type()),
                                 ArrayRef<bool>(bits)));
    }
    Value col0 = mul(panel, nr);
    Value zeroAcc = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accType, b.getF32FloatAttr(0.0f)));
    auto cIndices = [&](int64_t r, int64_t j) {
      return at(batchIv, {add(m0, r), add(col0, j * kLanes)});
    };
    SmallVector<Value> accs;
    Value init;
    if (g.fillValue)
      init = vector::BroadcastOp::create(b, loc, accType, g.fillValue);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j) {
        if (init) {
          accs.push_back(g.scheme == Scheme::BF16Emulated ? flush(init) : init);
          continue;
        }
        Value v =
            (mask && j == cols - 1)
                ? vector::MaskedLoadOp::create(b, loc, accType, g.c,
                                               cIndices(r, j), mask, zeroAcc)
                      .getResult()
                : vector::LoadOp::create(b, loc, accType, g.c, cIndices(r, j))
                      .getResult();
        // vdpbf16ps reads a denormal accumulator as zero.
        accs.push_back(g.scheme == Scheme::BF16Emulated ? flush(v) : v);
      }
    int64_t fullSteps = g.k / p;
    if (fullSteps > 0) {
      auto loop = scf::ForOp::create(
          b, loc, idx(0), idx(fullSteps), idx(1), accs,
          [&](OpBuilder &, Location, Value step, ValueRange iter) {
            SmallVector<Value> inner(iter.begin(), iter.end());
            emitStep(packed, batchIv, panel, m0, rows, cols, step,
                     /*lastOddStep=*/false, inner);
            scf::YieldOp::create(b, loc, inner);
          });
      accs.assign(loop.getResults().begin(), loop.getResults().end());
    }
    if (g.k % p != 0)
      emitStep(packed, batchIv, panel, m0, rows, cols, idx(fullSteps),
               /*lastOddStep=*/true, accs);
    // C, or its rounding straight into the rounding's destination.
    Value out = g.c;
    VectorType narrow;
    if (g.rounding) {
      out = g.roundDest;
      narrow = VectorType::get(
          {kLanes}, cast<MemRefType>(out.getType()).getElementType());
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j) {
        Value v = accs[r * cols + j];
        if (g.rounding)
          v = lowp::RoundOp::create(b, loc, narrow, g.roundMode, v, Value());
        if (mask && j == cols - 1)
          vector::MaskedStoreOp::create(b, loc, out, cIndices(r, j), mask, v);
        else
          vector::StoreOp::create(b, loc, v, out, cIndices(r, j));
      }
  }

  /// All row blocks of one column panel with `validCols` columns.
  void emitRowBlocks(Value packed, Value batchIv, Value panel,
                     int64_t validCols) {
    int64_t fullRows = g.m / mr * mr;
    if (fullRows > 0) {
      auto loop = parallelLoop(0, fullRows, mr);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      emitKernel(packed, batchIv, panel, loop.getInductionVars()[0], mr,
                 validCols);
    }
    if (g.m % mr != 0)
      emitKernel(packed, batchIv, panel, idx(fullRows), g.m % mr, validCols);
  }

  void emitBatch(Value packed, Value batchIv) {
    if (g.transB)
      emitPackTransposed(packed, batchIv);
    else
      emitPack(g.b, packed, batchIv, g.n, nr);
    if (aPacked)
      emitPack(g.a, aPacked, batchIv, g.m, kLanes);
    int64_t fullPanels = g.n / nr;
    if (fullPanels > 0) {
      auto loop = parallelLoop(0, fullPanels, 1);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      emitRowBlocks(packed, batchIv, loop.getInductionVars()[0], nr);
    }
    if (g.n % nr != 0)
      emitRowBlocks(packed, batchIv, idx(fullPanels), g.n % nr);
  }

  PatternRewriter &b;
  Location loc;
  const Gemm &g;
  int64_t mr, nr, p;
  Value aPacked; ///< A's pairs, packed like B, when A is stored [k][m]
  Type elem;
  VectorType accType, bVecType, i32Vec;
};

template <typename OpTy> struct LowerGemm : public OpRewritePattern<OpTy> {
  LowerGemm(MLIRContext *ctx, const MicrokernelConfig &cfg)
      : OpRewritePattern<OpTy>(ctx), cfg(cfg) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Gemm> g = matchGemm(op, cfg, rewriter);
    if (failed(g))
      return failure();
    // The kernel writes the rounding's destination, so it must exist first.
    if (g->rounding) {
      Operation *dAlloc = g->roundDest.getDefiningOp();
      if (op->isBeforeInBlock(dAlloc))
        rewriter.moveOpBefore(dAlloc, op);
    }
    GemmEmitter(rewriter, op.getLoc(), *g, cfg).emit();
    rewriter.eraseOp(op);
    // Every element of C is written by the kernels, so the fill is dead.
    if (g->fill)
      rewriter.eraseOp(g->fill);
    if (g->rounding) {
      rewriter.eraseOp(g->rounding);
      // With the fill absorbed too, C is never read or written.
      Operation *cAlloc = g->c.getDefiningOp();
      if (llvm::all_of(cAlloc->getUsers(), llvm::IsaPred<memref::DeallocOp>)) {
        for (Operation *user : llvm::make_early_inc_range(cAlloc->getUsers()))
          rewriter.eraseOp(user);
        rewriter.eraseOp(cAlloc);
      }
    }
    return success();
  }
  MicrokernelConfig cfg;
};

struct ConvertMatmulToMicrokernelPass
    : public mlir::bf16::impl::ConvertMatmulToMicrokernelBase<
          ConvertMatmulToMicrokernelPass> {
  using Base::Base;
  void runOnOperation() override {
    MicrokernelConfig cfg;
    cfg.bf16Dot = bf16Dot;
    cfg.mr = mr;
    cfg.nr = nr;
    cfg.f32 = f32;
    std::string why;
    if (!mlir::bf16::isValidMicrokernelConfig(cfg, why)) {
      getOperation()->emitError()
          << "bf16-convert-matmul-to-microkernel: " << why;
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    mlir::bf16::populateMatmulToMicrokernelPatterns(patterns, cfg);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

bool mlir::bf16::isValidMicrokernelConfig(const MicrokernelConfig &cfg,
                                          std::string &why) {
  if (cfg.mr < 1 || cfg.mr > 16) {
    why = "mr=" + std::to_string(cfg.mr) + " must be in [1, 16]";
    return false;
  }
  if (cfg.nr < kLanes || cfg.nr > 8 * kLanes || cfg.nr % kLanes != 0) {
    why = "nr=" + std::to_string(cfg.nr) +
          " must be a multiple of 16 in [16, 128]";
    return false;
  }
  // Accumulators plus the B vectors of one step must fit the 32 vector
  // registers of AVX-512, with one left for the A broadcast.
  if (cfg.mr * (cfg.nr / kLanes) + cfg.nr / kLanes > 31) {
    why = "the register tile mr=" + std::to_string(cfg.mr) +
          " x nr=" + std::to_string(cfg.nr) +
          " needs more than the 32 AVX-512 vector registers";
    return false;
  }
  return true;
}

void mlir::bf16::populateMatmulToMicrokernelPatterns(
    RewritePatternSet &patterns, const MicrokernelConfig &cfg) {
  patterns.add<LowerGemm<linalg::MatmulOp>, LowerGemm<linalg::BatchMatmulOp>>(
      patterns.getContext(), cfg);
}
