// A driver for logreg_sgd.mlir: 20 SGD steps on a fixed, linearly separable
// batch, printing the loss of every step. Concatenated with the step by the
// demo (scripts/demo.sh) and run with stock mlir-runner.
func.func @main() {
  %w0 = arith.constant dense<0.0> : tensor<4xf32>
  %b0 = arith.constant dense<0.0> : tensor<f32>
  %x = arith.constant dense<[[ 1.0,  0.5, -0.2,  0.1], [ 0.9,  0.4,  0.0, -0.1],
                             [ 1.2, -0.1,  0.3,  0.2], [ 0.8,  0.6, -0.3,  0.0],
                             [-1.0, -0.4,  0.2,  0.1], [-0.7, -0.6,  0.1, -0.2],
                             [-1.1,  0.2, -0.1,  0.0], [-0.9, -0.3,  0.4,  0.3]]> : tensor<8x4xf32>
  %y = arith.constant dense<[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]> : tensor<8xf32>
  %lr = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c20 = arith.constant 20 : index
  %r:2 = scf.for %i = %c0 to %c20 step %c1
      iter_args(%w = %w0, %b = %b0) -> (tensor<4xf32>, tensor<f32>) {
    %w1, %b1, %loss = func.call @train_step(%w, %b, %x, %y, %lr)
        : (tensor<4xf32>, tensor<f32>, tensor<8x4xf32>, tensor<8xf32>, f32)
        -> (tensor<4xf32>, tensor<f32>, tensor<f32>)
    %l = tensor.extract %loss[] : tensor<f32>
    vector.print str "loss "
    vector.print %l : f32
    scf.yield %w1, %b1 : tensor<4xf32>, tensor<f32>
  }
  return
}
