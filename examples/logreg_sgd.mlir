// Logistic regression, one complete FP32 training step with plain SGD, in
// the func/linalg/tensor/arith/math form that torch-mlir/IREE-style
// frontends emit. Batch 8, 4 features, binary labels.
//
// Arguments: parameters (%w, %b), the batch (%x, %y), the learning rate.
// Results: the updated parameters and the mean binary cross-entropy loss.
//   forward:   p = sigmoid(x.w + b);  loss = mean(-(y log p + (1-y) log(1-p)))
//   backward:  dz = p - y;  gw = x^T dz / N;  gb = sum(dz) / N
//   optimizer: w' = w - lr * gw;  b' = b - lr * gb     (the update ops)

#id1 = affine_map<(i) -> (i)>
#bcast = affine_map<(i) -> ()>
#scalar = affine_map<() -> ()>

func.func @train_step(%w: tensor<4xf32>, %b: tensor<f32>,
                      %x: tensor<8x4xf32>, %y: tensor<8xf32>, %lr: f32)
    -> (tensor<4xf32>, tensor<f32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %e8 = tensor.empty() : tensor<8xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %e0 = tensor.empty() : tensor<f32>
  %acc8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %acc4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %acc0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>

  // Forward.
  %z = linalg.matvec ins(%x, %w : tensor<8x4xf32>, tensor<4xf32>)
                     outs(%acc8 : tensor<8xf32>) -> tensor<8xf32>
  %l, %dz = linalg.generic
      {indexing_maps = [#id1, #bcast, #id1, #id1, #id1],
       iterator_types = ["parallel"]}
      ins(%z, %b, %y : tensor<8xf32>, tensor<f32>, tensor<8xf32>)
      outs(%e8, %e8 : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%zi: f32, %bi: f32, %yi: f32, %o0: f32, %o1: f32):
    %one = arith.constant 1.0 : f32
    %t = arith.addf %zi, %bi : f32
    %nt = arith.negf %t : f32
    %ex = math.exp %nt : f32
    %den = arith.addf %one, %ex : f32
    %p = arith.divf %one, %den : f32
    %logp = math.log %p : f32
    %q = arith.subf %one, %p : f32
    %logq = math.log %q : f32
    %ny = arith.subf %one, %yi : f32
    %a = arith.mulf %yi, %logp : f32
    %c = arith.mulf %ny, %logq : f32
    %s = arith.addf %a, %c : f32
    %li = arith.negf %s : f32
    %dzi = arith.subf %p, %yi : f32
    linalg.yield %li, %dzi : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  %lsum = linalg.reduce ins(%l : tensor<8xf32>) outs(%acc0 : tensor<f32>)
      dimensions = [0]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }

  // Backward.
  %et = tensor.empty() : tensor<4x8xf32>
  %xt = linalg.transpose ins(%x : tensor<8x4xf32>) outs(%et : tensor<4x8xf32>)
      permutation = [1, 0]
  %gw = linalg.matvec ins(%xt, %dz : tensor<4x8xf32>, tensor<8xf32>)
                      outs(%acc4 : tensor<4xf32>) -> tensor<4xf32>
  %gb = linalg.reduce ins(%dz : tensor<8xf32>) outs(%acc0 : tensor<f32>)
      dimensions = [0]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }

  // Optimizer: plain SGD. These subf ops are the update ops that the
  // rewrite issue replaces with lowp.sr_add / lowp.kahan_update.
  %step = arith.divf %lr, %n : f32
  %w1 = linalg.generic {indexing_maps = [#id1, #id1, #id1],
                        iterator_types = ["parallel"]}
      ins(%w, %gw : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%wi: f32, %gi: f32, %o: f32):
    %u = arith.mulf %step, %gi : f32
    %nw = arith.subf %wi, %u : f32
    linalg.yield %nw : f32
  } -> tensor<4xf32>
  %b1, %loss = linalg.generic {indexing_maps = [#scalar, #scalar, #scalar, #scalar, #scalar],
                               iterator_types = []}
      ins(%b, %gb, %lsum : tensor<f32>, tensor<f32>, tensor<f32>)
      outs(%e0, %e0 : tensor<f32>, tensor<f32>) {
  ^bb0(%bi: f32, %gi: f32, %ls: f32, %o0: f32, %o1: f32):
    %u = arith.mulf %step, %gi : f32
    %nb = arith.subf %bi, %u : f32
    %mean = arith.divf %ls, %n : f32
    linalg.yield %nb, %mean : f32, f32
  } -> (tensor<f32>, tensor<f32>)
  return %w1, %b1, %loss : tensor<4xf32>, tensor<f32>, tensor<f32>
}
