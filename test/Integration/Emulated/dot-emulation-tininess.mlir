// The one documented difference between the FMA emulation of vdpbf16ps and
// the instruction (docs/Lowering.md, section 4; the pass description of
// bf16-convert-matmul-to-microkernel): the instruction (and the reference
// bf16::ref::dotBF16Pair / gemmBF16) flushes a step result whose exact value
// is tiny *before* rounding, the emulation decides on the rounded f32 FMA
// result. They differ only when the exact result x of a step has
// 2^-126 - 2^-150 <= |x| < 2^-126, which rounds up to 2^-126.
//
// C = 2^-126 (lane 1: 2^-126 + 2^-149), one K pair (a0, a1) = (0, 2^-75),
// (b0, b1) = (0, -2^-75): the exact step result is 2^-126 - 2^-150 (in the
// window) in every lane but lane 1, whose exact result 2^-126 + 2^-150 is
// not tiny and rounds (tie, to even) to 2^-126 on every path.
//
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%runner_utils_lib,%c_runner_utils_lib | FileCheck %s --check-prefix=EMU
// EMU: [8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608,   8388608]
//
// The reference library flushes: 0 (+0) in the window, 2^-126 in lane 1.
// RUN: %python -c "from bf16_opt import numerics as nx; print(nx.gemm_bf16(1, 16, 2, [0, 6656], [0] * 16 + [39424] * 16, [8388608, 8388609] + [8388608] * 14))" \
// RUN:   | FileCheck %s --check-prefix=REF
// REF: [0, 8388608, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
//
// And so does vdpbf16ps.
// RUN: %if avx512bf16 %{ bf16-opt %s --bf16-train-to-llvm=target=avx512bf16 \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%runner_utils_lib,%c_runner_utils_lib | FileCheck %s --check-prefix=NATIVE %}
// NATIVE: [0,   8388608,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0]

func.func @gemm(%a: tensor<1x2xbf16>, %b: tensor<2x16xbf16>, %c: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<1x2xbf16>, tensor<2x16xbf16>) outs(%c : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}
func.func @main() {
  %ai = arith.constant dense<[[0, 6656]]> : tensor<1x2xi16>
  %bi = arith.constant dense<[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [-26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112, -26112]]> : tensor<2x16xi16>
  %ci = arith.constant dense<[[8388608, 8388609, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608, 8388608]]> : tensor<1x16xi32>
  %a = arith.bitcast %ai : tensor<1x2xi16> to tensor<1x2xbf16>
  %b = arith.bitcast %bi : tensor<2x16xi16> to tensor<2x16xbf16>
  %c = arith.bitcast %ci : tensor<1x16xi32> to tensor<1x16xf32>
  %r = call @gemm(%a, %b, %c) : (tensor<1x2xbf16>, tensor<2x16xbf16>, tensor<1x16xf32>) -> tensor<1x16xf32>
  %ri = arith.bitcast %r : tensor<1x16xf32> to tensor<1x16xi32>
  %m = bufferization.to_buffer %ri : tensor<1x16xi32> to memref<1x16xi32>
  %u = memref.cast %m : memref<1x16xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
