// RUN: bf16-opt %s --split-input-file --bf16-convert-conv-to-gemm | FileCheck %s
// (f32 here; the pass is element-type generic. BF16 convolutions, bit-exact
// through the whole pipeline: test/Integration/Emulated/conv.test.)

// NCHW/FCHW: the im2col gather [N][C*KH*KW][OH*OW], the filter broadcast
// along the batch, one batch_matmul with the f32 accumulator.
// CHECK-LABEL: func.func @nchw
// CHECK: %[[F:.*]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : tensor<4x2x3x3xf32> into tensor<4x18xf32>
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x2x12x12xf32>) outs(%{{.*}} : tensor<2x18x100xf32>)
// CHECK: %[[B:.*]] = linalg.broadcast ins(%[[F]] : tensor<4x18xf32>) outs(%{{.*}} : tensor<2x4x18xf32>) dimensions = [0]
// CHECK: linalg.batch_matmul ins(%[[B]], %[[P]] : tensor<2x4x18xf32>, tensor<2x18x100xf32>) outs(%{{.*}} : tensor<2x4x100xf32>)
// CHECK-NOT: linalg.conv
func.func @nchw(%x: tensor<2x2x12x12xf32>, %k: tensor<4x2x3x3xf32>, %o: tensor<2x4x10x10xf32>) -> tensor<2x4x10x10xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %k : tensor<2x2x12x12xf32>, tensor<4x2x3x3xf32>) outs(%o : tensor<2x4x10x10xf32>) -> tensor<2x4x10x10xf32>
  return %r : tensor<2x4x10x10xf32>
}

// -----

// NHWC/HWCF: patches [N][OH*OW][KH*KW*C] times the broadcast filter.
// CHECK-LABEL: func.func @nhwc
// CHECK: linalg.broadcast ins(%{{.*}} : tensor<18x4xf32>) outs(%{{.*}} : tensor<2x18x4xf32>) dimensions = [0]
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x100x18xf32>, tensor<2x18x4xf32>) outs(%{{.*}} : tensor<2x100x4xf32>)
func.func @nhwc(%x: tensor<2x12x12x2xf32>, %k: tensor<3x3x2x4xf32>, %o: tensor<2x10x10x4xf32>) -> tensor<2x10x10x4xf32> {
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %k : tensor<2x12x12x2xf32>, tensor<3x3x2x4xf32>) outs(%o : tensor<2x10x10x4xf32>) -> tensor<2x10x10x4xf32>
  return %r : tensor<2x10x10x4xf32>
}

// -----

// No GEMM: dynamic shapes (left alone), a depthwise convolution (upstream's
// im2col makes it a batch_matvec, which is not a GEMM), and a contraction
// generic whose body is not a multiply-add (left alone).
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.batch_matvec
// CHECK: arith.maximumf
// CHECK-NOT: linalg.batch_matmul
func.func @left_alone(%x: tensor<?x2x12x12xf32>, %k: tensor<4x2x3x3xf32>, %o: tensor<?x4x10x10xf32>,
                      %dx: tensor<1x12x12x2xf32>, %dk: tensor<3x3x2xf32>, %do: tensor<1x10x10x2xf32>,
                      %a: tensor<4x9xf32>, %b: tensor<2x9x100xf32>, %c: tensor<2x4x100xf32>)
    -> (tensor<?x4x10x10xf32>, tensor<1x10x10x2xf32>, tensor<2x4x100xf32>) {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %k : tensor<?x2x12x12xf32>, tensor<4x2x3x3xf32>) outs(%o : tensor<?x4x10x10xf32>) -> tensor<?x4x10x10xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%dx, %dk : tensor<1x12x12x2xf32>, tensor<3x3x2xf32>) outs(%do : tensor<1x10x10x2xf32>) -> tensor<1x10x10x2xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x9xf32>, tensor<2x9x100xf32>) outs(%c : tensor<2x4x100xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.maximumf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4x100xf32>
  return %r, %d, %g : tensor<?x4x10x10xf32>, tensor<1x10x10x2xf32>, tensor<2x4x100xf32>
}
