// The logistic-regression training step of logreg_sgd.mlir (forward,
// backward, plain SGD) written in the TOSA dialect, as a TOSA-emitting
// frontend (e.g. torch-mlir's TOSA path, TFLite) would produce it. Same
// model, same signature and same results, so logreg_train.mlir drives it
// unchanged. Batch 8, 4 features, binary labels.
//
// Arguments: parameters (%w: 4, %b: scalar), the batch (%x: 8x4, %y: 8),
// the learning rate (f32; turned into a tensor<1xf32> by tensor.from_elements).
// Results: w', b', and the mean binary cross-entropy loss (tensor<f32>).
//   forward:   p = sigmoid(x.w + b);  loss = mean(-(y log p + (1-y) log(1-p)))
//   backward:  dz = p - y;  gw = x^T dz / N;  gb = sum(dz) / N
//   optimizer: w' = w - lr * gw;  b' = b - lr * gb
// The update ops are tosa.sub with the parameter argument as lhs (the /N of
// the gradients is folded into the step, lr/N, as in logreg_sgd.mlir).
// TOSA matmul is batched and 3-D, so x, w and dz are reshaped to 1xMxK.
//
// Lower to linalg/arith/tensor with upstream passes:
//   bf16-opt logreg_sgd_tosa.mlir --pass-pipeline="builtin.module(func.func(
//     tosa-to-linalg-named, tosa-to-linalg, tosa-to-arith, tosa-to-tensor))"

func.func @train_step(%w: tensor<4xf32>, %b: tensor<f32>,
                      %x: tensor<8x4xf32>, %y: tensor<8xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<f32>, tensor<f32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %one = "tosa.const"() {values = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %inv_n = "tosa.const"() {values = dense<0.125> : tensor<1xf32>} : () -> tensor<1xf32>
  %neg_inv_n = "tosa.const"() {values = dense<-0.125> : tensor<1xf32>} : () -> tensor<1xf32>
  %s_1x8x4 = tosa.const_shape {values = dense<[1, 8, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s_1x4x1 = tosa.const_shape {values = dense<[1, 4, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s_1x8x1 = tosa.const_shape {values = dense<[1, 8, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s_8 = tosa.const_shape {values = dense<8> : tensor<1xindex>} : () -> !tosa.shape<1>
  %s_4 = tosa.const_shape {values = dense<4> : tensor<1xindex>} : () -> !tosa.shape<1>
  %s_1 = tosa.const_shape {values = dense<1> : tensor<1xindex>} : () -> !tosa.shape<1>
  %s_0 = tosa.const_shape {values = dense<> : tensor<0xindex>} : () -> !tosa.shape<0>

  // Forward: z = x.w + b, p = sigmoid(z).
  %x3 = tosa.reshape %x, %s_1x8x4 : (tensor<8x4xf32>, !tosa.shape<3>) -> tensor<1x8x4xf32>
  %w3 = tosa.reshape %w, %s_1x4x1 : (tensor<4xf32>, !tosa.shape<3>) -> tensor<1x4x1xf32>
  %xw3 = tosa.matmul %x3, %w3, %zp, %zp
      : (tensor<1x8x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x1xf32>
  %xw = tosa.reshape %xw3, %s_8 : (tensor<1x8x1xf32>, !tosa.shape<1>) -> tensor<8xf32>
  %b1 = tosa.reshape %b, %s_1 : (tensor<f32>, !tosa.shape<1>) -> tensor<1xf32>
  %z = tosa.add %xw, %b1 : (tensor<8xf32>, tensor<1xf32>) -> tensor<8xf32>
  %p = tosa.sigmoid %z : (tensor<8xf32>) -> tensor<8xf32>

  // Loss: mean(-(y log p + (1-y) log(1-p))) = sum(y log p + (1-y) log(1-p)) * (-1/N).
  %logp = tosa.log %p : (tensor<8xf32>) -> tensor<8xf32>
  %q = tosa.sub %one, %p : (tensor<1xf32>, tensor<8xf32>) -> tensor<8xf32>
  %logq = tosa.log %q : (tensor<8xf32>) -> tensor<8xf32>
  %ny = tosa.sub %one, %y : (tensor<1xf32>, tensor<8xf32>) -> tensor<8xf32>
  %ylogp = tosa.mul %y, %logp, %shift : (tensor<8xf32>, tensor<8xf32>, tensor<1xi8>) -> tensor<8xf32>
  %nylogq = tosa.mul %ny, %logq, %shift : (tensor<8xf32>, tensor<8xf32>, tensor<1xi8>) -> tensor<8xf32>
  %ll = tosa.add %ylogp, %nylogq : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %llsum = tosa.reduce_sum %ll {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %loss1 = tosa.mul %llsum, %neg_inv_n, %shift : (tensor<1xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<1xf32>
  %loss = tosa.reshape %loss1, %s_0 : (tensor<1xf32>, !tosa.shape<0>) -> tensor<f32>

  // Backward: dz = p - y, gw = x^T dz, gb = sum(dz) (the 1/N is in the step).
  %dz = tosa.sub %p, %y : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %xt3 = tosa.transpose %x3 {perms = array<i32: 0, 2, 1>} : (tensor<1x8x4xf32>) -> tensor<1x4x8xf32>
  %dz3 = tosa.reshape %dz, %s_1x8x1 : (tensor<8xf32>, !tosa.shape<3>) -> tensor<1x8x1xf32>
  %gw3 = tosa.matmul %xt3, %dz3, %zp, %zp
      : (tensor<1x4x8xf32>, tensor<1x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x1xf32>
  %gw = tosa.reshape %gw3, %s_4 : (tensor<1x4x1xf32>, !tosa.shape<1>) -> tensor<4xf32>
  %gb1 = tosa.reduce_sum %dz {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %gb = tosa.reshape %gb1, %s_0 : (tensor<1xf32>, !tosa.shape<0>) -> tensor<f32>

  // Optimizer: plain SGD with step = lr / N. The tosa.sub ops are the update
  // ops (lhs = the parameter argument).
  %lr1 = tensor.from_elements %lr : tensor<1xf32>
  %step = tosa.mul %lr1, %inv_n, %shift : (tensor<1xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<1xf32>
  %uw = tosa.mul %step, %gw, %shift : (tensor<1xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %w_new = tosa.sub %w, %uw : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %step0 = tosa.reshape %step, %s_0 : (tensor<1xf32>, !tosa.shape<0>) -> tensor<f32>
  %ub = tosa.mul %step0, %gb, %shift : (tensor<f32>, tensor<f32>, tensor<1xi8>) -> tensor<f32>
  %b_new = tosa.sub %b, %ub : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %w_new, %b_new, %loss : tensor<4xf32>, tensor<f32>, tensor<f32>
}
