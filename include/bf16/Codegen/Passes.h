//===- Passes.h - bf16-opt code generation passes ---------------*- C++ -*-===//
//
// Part of bf16-opt. The linalg-to-native passes of `bf16-train-to-llvm`
// (declared in Passes.td, one file per pass under lib/Codegen/<stage>), their
// pattern entry points and registration.
//
//===----------------------------------------------------------------------===//

#ifndef BF16_CODEGEN_PASSES_H
#define BF16_CODEGEN_PASSES_H

#include "bf16/Codegen/Options.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace bf16 {

/// Register tile and scheme of bf16-convert-matmul-to-microkernel.
struct MicrokernelConfig {
  BF16DotKind bf16Dot = BF16DotKind::Vdpbf16ps;
  int64_t mr = 6;  ///< rows of C per kernel
  int64_t nr = 64; ///< columns of C per kernel (multiple of 16)
  bool f32 = true; ///< also lower f32 x f32 -> f32 GEMMs (math.fma)
};

/// False (with the reason in `why`) when the tile does not fit the 32
/// AVX-512 registers or is malformed.
bool isValidMicrokernelConfig(const MicrokernelConfig &cfg, std::string &why);

/// Static-shape memref linalg.matmul / linalg.batch_matmul (default maps or
/// A and/or B stored transposed,
/// unit innermost strides; bf16 x bf16 -> f32, or f32) become packed,
/// register-tiled vector kernels. `cfg` must be valid.
void populateMatmulToMicrokernelPatterns(RewritePatternSet &patterns,
                                         const MicrokernelConfig &cfg);

/// A 2-D linalg.transpose (or batch [0, 2, 1]) feeding an input of a
/// linalg.matmul / linalg.batch_matmul is folded into the contraction's
/// indexing maps (matmul_transpose_a / _b form), so that the GEMM reads the
/// untransposed operand and no transposed copy is made.
void populateFoldTransposeIntoMatmulPatterns(RewritePatternSet &patterns);

/// 2-D convolutions (conv_2d_nchw_fchw, conv_2d_nhwc_hwcf, conv_2d_nhwc_fhwc
/// on static tensors) become upstream's im2col (a gathering linalg.generic)
/// and a linalg.batch_matmul, the filter broadcast along the batch.
void populateConvToGemmPatterns(RewritePatternSet &patterns);

/// A tensor linalg.fill of a tensor.empty that initializes several linalg
/// ops is cloned per op (fresh empty + fill right before it).
void populateDuplicateSharedFillsPatterns(RewritePatternSet &patterns);

/// Tiles an all-parallel, static-shape memref linalg op to 1 x .. x `width`
/// tiles (scf::tileUsingSCF) and vectorizes each tile (linalg::vectorize).
/// Fails without touching the IR when the op is not such an op, its
/// innermost loop is not a multiple of `width` or it does not vectorize.
LogicalResult vectorizeElementwiseOp(RewriterBase &rewriter,
                                     linalg::LinalgOp op, int64_t width);

/// lowp.random_bits on static-shape tensors becomes a loop that computes
/// `lanes` Philox blocks per vector<lanes x i32> and stores each block's four
/// words to four consecutive elements (bf16-convert-random-bits-to-vector).
void populateFuseRandomBitsPatterns(RewritePatternSet &patterns, int64_t lanes);

#define GEN_PASS_DECL
#include "bf16/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bf16/Codegen/Passes.h.inc"

} // namespace bf16
} // namespace mlir

#endif // BF16_CODEGEN_PASSES_H
