// Two-layer perceptron 784-256-10 (ReLU), one complete FP32 training step
// with softmax cross-entropy and PyTorch SGD (momentum + weight decay), in
// the func/linalg/tensor/arith/math form that torch-mlir/IREE-style
// frontends emit. Batch B = 8, static shapes, f32 only.
//
// Arguments (parameters, optimizer state, batch, hyper-parameters):
//   %W1: 784x256  %b1: 256  %W2: 256x10  %b2: 10            parameters
//   %vW1 %vb1 %vW2 %vb2 (same shapes)                        momentum buffers
//   %x: 8x784 inputs, %y: 8x10 one-hot labels                batch
//   %lr, %mu (momentum), %wd (weight decay): f32             hyper-parameters
// Results: W1', b1', W2', b2', vW1', vb1', vW2', vb2', loss (tensor<f32>).
//
//   forward:   a = x W1 + b1;  h = relu(a);  z = h W2 + b2
//              loss = mean_b( -sum_c y log_softmax(z) )
//   backward:  dz = (softmax(z) - y) / B
//              gW2 = h^T dz;  gb2 = sum_b dz;  dh = dz W2^T
//              da = dh * [a > 0];  gW1 = x^T da;  gb1 = sum_b da
//   optimizer (torch.optim.SGD(momentum=mu, weight_decay=wd), dampening 0,
//   no Nesterov; a zero buffer reproduces PyTorch's first step):
//              g' = g + wd * w;  v' = mu * v + g';  w' = w - lr * v'
// The update ops (v' = addf(mulf(mu, v), g'), w' = subf(w, lr * v')) are
// spelled as tensor-level arith ops for W1 and b1 and as one fused
// linalg.generic per parameter for W2 and b2.

#map2 = affine_map<(b, c) -> (b, c)>
#row2 = affine_map<(b, c) -> (b)>
#id1 = affine_map<(i) -> (i)>
#scalar = affine_map<() -> ()>

func.func @train_step(
    %W1: tensor<784x256xf32>, %b1: tensor<256xf32>,
    %W2: tensor<256x10xf32>, %b2: tensor<10xf32>,
    %vW1: tensor<784x256xf32>, %vb1: tensor<256xf32>,
    %vW2: tensor<256x10xf32>, %vb2: tensor<10xf32>,
    %x: tensor<8x784xf32>, %y: tensor<8x10xf32>,
    %lr: f32, %mu: f32, %wd: f32)
    -> (tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
        tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
        tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %nb = arith.constant 8.0 : f32

  // Forward: a = x W1 + b1, h = relu(a).
  %e8x256 = tensor.empty() : tensor<8x256xf32>
  %z8x256 = linalg.fill ins(%zero : f32) outs(%e8x256 : tensor<8x256xf32>) -> tensor<8x256xf32>
  %xw1 = linalg.matmul ins(%x, %W1 : tensor<8x784xf32>, tensor<784x256xf32>)
                       outs(%z8x256 : tensor<8x256xf32>) -> tensor<8x256xf32>
  %b1b = linalg.broadcast ins(%b1 : tensor<256xf32>) outs(%e8x256 : tensor<8x256xf32>)
      dimensions = [0]
  %a = linalg.add ins(%xw1, %b1b : tensor<8x256xf32>, tensor<8x256xf32>)
                  outs(%e8x256 : tensor<8x256xf32>) -> tensor<8x256xf32>
  %h = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<8x256xf32>) outs(%e8x256 : tensor<8x256xf32>) {
  ^bb0(%ai: f32, %o: f32):
    %r = arith.maximumf %ai, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x256xf32>

  // Forward: z = h W2 + b2.
  %e8x10 = tensor.empty() : tensor<8x10xf32>
  %z8x10 = linalg.fill ins(%zero : f32) outs(%e8x10 : tensor<8x10xf32>) -> tensor<8x10xf32>
  %hw2 = linalg.matmul ins(%h, %W2 : tensor<8x256xf32>, tensor<256x10xf32>)
                       outs(%z8x10 : tensor<8x10xf32>) -> tensor<8x10xf32>
  %b2b = linalg.broadcast ins(%b2 : tensor<10xf32>) outs(%e8x10 : tensor<8x10xf32>)
      dimensions = [0]
  %z = linalg.add ins(%hw2, %b2b : tensor<8x10xf32>, tensor<8x10xf32>)
                  outs(%e8x10 : tensor<8x10xf32>) -> tensor<8x10xf32>

  // Softmax cross-entropy: m = max_c z, s = sum_c exp(z - m),
  // log_softmax = z - m - log s, dz = (exp(z - m) / s - y) / B.
  %e8 = tensor.empty() : tensor<8xf32>
  %ninf8 = linalg.fill ins(%ninf : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %zero8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %zmax = linalg.reduce ins(%z : tensor<8x10xf32>) outs(%ninf8 : tensor<8xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %r = arith.maximumf %in, %acc : f32
        linalg.yield %r : f32
      }
  %ez = linalg.generic {indexing_maps = [#map2, #row2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%z, %zmax : tensor<8x10xf32>, tensor<8xf32>) outs(%e8x10 : tensor<8x10xf32>) {
  ^bb0(%zi: f32, %mi: f32, %o: f32):
    %d = arith.subf %zi, %mi : f32
    %ex = math.exp %d : f32
    linalg.yield %ex : f32
  } -> tensor<8x10xf32>
  %esum = linalg.reduce ins(%ez : tensor<8x10xf32>) outs(%zero8 : tensor<8xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }
  %lterm, %dz = linalg.generic
      {indexing_maps = [#map2, #row2, #map2, #row2, #map2, #map2, #map2],
       iterator_types = ["parallel", "parallel"]}
      ins(%z, %zmax, %ez, %esum, %y
          : tensor<8x10xf32>, tensor<8xf32>, tensor<8x10xf32>, tensor<8xf32>, tensor<8x10xf32>)
      outs(%e8x10, %e8x10 : tensor<8x10xf32>, tensor<8x10xf32>) {
  ^bb0(%zi: f32, %mi: f32, %ei: f32, %si: f32, %yi: f32, %o0: f32, %o1: f32):
    %ls = math.log %si : f32
    %zm = arith.subf %zi, %mi : f32
    %logp = arith.subf %zm, %ls : f32
    %ylp = arith.mulf %yi, %logp : f32
    %li = arith.negf %ylp : f32
    %p = arith.divf %ei, %si : f32
    %py = arith.subf %p, %yi : f32
    %dzi = arith.divf %py, %nb : f32
    linalg.yield %li, %dzi : f32, f32
  } -> (tensor<8x10xf32>, tensor<8x10xf32>)
  %e0 = tensor.empty() : tensor<f32>
  %zero0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %lsum = linalg.reduce ins(%lterm : tensor<8x10xf32>) outs(%zero0 : tensor<f32>) dimensions = [0, 1]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }
  %loss = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}
      ins(%lsum : tensor<f32>) outs(%e0 : tensor<f32>) {
  ^bb0(%s: f32, %o: f32):
    %mean = arith.divf %s, %nb : f32
    linalg.yield %mean : f32
  } -> tensor<f32>

  // Backward, layer 2: gW2 = h^T dz, gb2 = sum_b dz, dh = dz W2^T.
  %e256x8 = tensor.empty() : tensor<256x8xf32>
  %ht = linalg.transpose ins(%h : tensor<8x256xf32>) outs(%e256x8 : tensor<256x8xf32>)
      permutation = [1, 0]
  %e256x10 = tensor.empty() : tensor<256x10xf32>
  %z256x10 = linalg.fill ins(%zero : f32) outs(%e256x10 : tensor<256x10xf32>) -> tensor<256x10xf32>
  %gW2 = linalg.matmul ins(%ht, %dz : tensor<256x8xf32>, tensor<8x10xf32>)
                       outs(%z256x10 : tensor<256x10xf32>) -> tensor<256x10xf32>
  %e10 = tensor.empty() : tensor<10xf32>
  %zero10 = linalg.fill ins(%zero : f32) outs(%e10 : tensor<10xf32>) -> tensor<10xf32>
  %gb2 = linalg.reduce ins(%dz : tensor<8x10xf32>) outs(%zero10 : tensor<10xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }
  %e10x256 = tensor.empty() : tensor<10x256xf32>
  %w2t = linalg.transpose ins(%W2 : tensor<256x10xf32>) outs(%e10x256 : tensor<10x256xf32>)
      permutation = [1, 0]
  %dh = linalg.matmul ins(%dz, %w2t : tensor<8x10xf32>, tensor<10x256xf32>)
                      outs(%z8x256 : tensor<8x256xf32>) -> tensor<8x256xf32>

  // Backward, ReLU (PyTorch: zero gradient where a <= 0) and layer 1.
  %da = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%dh, %a : tensor<8x256xf32>, tensor<8x256xf32>) outs(%e8x256 : tensor<8x256xf32>) {
  ^bb0(%g: f32, %ai: f32, %o: f32):
    %pos = arith.cmpf ogt, %ai, %zero : f32
    %r = arith.select %pos, %g, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x256xf32>
  %e784x8 = tensor.empty() : tensor<784x8xf32>
  %xt = linalg.transpose ins(%x : tensor<8x784xf32>) outs(%e784x8 : tensor<784x8xf32>)
      permutation = [1, 0]
  %e784x256 = tensor.empty() : tensor<784x256xf32>
  %z784x256 = linalg.fill ins(%zero : f32) outs(%e784x256 : tensor<784x256xf32>) -> tensor<784x256xf32>
  %gW1 = linalg.matmul ins(%xt, %da : tensor<784x8xf32>, tensor<8x256xf32>)
                       outs(%z784x256 : tensor<784x256xf32>) -> tensor<784x256xf32>
  %e256 = tensor.empty() : tensor<256xf32>
  %zero256 = linalg.fill ins(%zero : f32) outs(%e256 : tensor<256xf32>) -> tensor<256xf32>
  %gb1 = linalg.reduce ins(%da : tensor<8x256xf32>) outs(%zero256 : tensor<256xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %r = arith.addf %in, %acc : f32
        linalg.yield %r : f32
      }

  // Optimizer, W1 and b1: tensor-level arith ops.
  //   g' = g + wd * w;  v' = mu * v + g' (update op);  w' = w - lr * v' (update op)
  %wdW1 = linalg.fill ins(%wd : f32) outs(%e784x256 : tensor<784x256xf32>) -> tensor<784x256xf32>
  %muW1 = linalg.fill ins(%mu : f32) outs(%e784x256 : tensor<784x256xf32>) -> tensor<784x256xf32>
  %lrW1 = linalg.fill ins(%lr : f32) outs(%e784x256 : tensor<784x256xf32>) -> tensor<784x256xf32>
  %dW1 = arith.mulf %wdW1, %W1 : tensor<784x256xf32>
  %gdW1 = arith.addf %gW1, %dW1 : tensor<784x256xf32>
  %mvW1 = arith.mulf %muW1, %vW1 : tensor<784x256xf32>
  %vW1n = arith.addf %mvW1, %gdW1 : tensor<784x256xf32>
  %sW1 = arith.mulf %lrW1, %vW1n : tensor<784x256xf32>
  %W1n = arith.subf %W1, %sW1 : tensor<784x256xf32>

  %wdb1 = linalg.fill ins(%wd : f32) outs(%e256 : tensor<256xf32>) -> tensor<256xf32>
  %mub1 = linalg.fill ins(%mu : f32) outs(%e256 : tensor<256xf32>) -> tensor<256xf32>
  %lrb1 = linalg.fill ins(%lr : f32) outs(%e256 : tensor<256xf32>) -> tensor<256xf32>
  %db1 = arith.mulf %wdb1, %b1 : tensor<256xf32>
  %gdb1 = arith.addf %gb1, %db1 : tensor<256xf32>
  %mvb1 = arith.mulf %mub1, %vb1 : tensor<256xf32>
  %vb1n = arith.addf %mvb1, %gdb1 : tensor<256xf32>
  %sb1 = arith.mulf %lrb1, %vb1n : tensor<256xf32>
  %b1n = arith.subf %b1, %sb1 : tensor<256xf32>

  // Optimizer, W2 and b2: one fused elementwise linalg.generic per
  // parameter, yielding (w', v').
  %W2n, %vW2n = linalg.generic {indexing_maps = [#map2, #map2, #map2, #map2, #map2],
                                iterator_types = ["parallel", "parallel"]}
      ins(%W2, %vW2, %gW2 : tensor<256x10xf32>, tensor<256x10xf32>, tensor<256x10xf32>)
      outs(%e256x10, %e256x10 : tensor<256x10xf32>, tensor<256x10xf32>) {
  ^bb0(%wi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32):
    %dw = arith.mulf %wd, %wi : f32
    %gd = arith.addf %gi, %dw : f32
    %mv = arith.mulf %mu, %vi : f32
    %vn = arith.addf %mv, %gd : f32
    %s = arith.mulf %lr, %vn : f32
    %wn = arith.subf %wi, %s : f32
    linalg.yield %wn, %vn : f32, f32
  } -> (tensor<256x10xf32>, tensor<256x10xf32>)
  %b2n, %vb2n = linalg.generic {indexing_maps = [#id1, #id1, #id1, #id1, #id1],
                                iterator_types = ["parallel"]}
      ins(%b2, %vb2, %gb2 : tensor<10xf32>, tensor<10xf32>, tensor<10xf32>)
      outs(%e10, %e10 : tensor<10xf32>, tensor<10xf32>) {
  ^bb0(%wi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32):
    %dw = arith.mulf %wd, %wi : f32
    %gd = arith.addf %gi, %dw : f32
    %mv = arith.mulf %mu, %vi : f32
    %vn = arith.addf %mv, %gd : f32
    %s = arith.mulf %lr, %vn : f32
    %wn = arith.subf %wi, %s : f32
    linalg.yield %wn, %vn : f32, f32
  } -> (tensor<10xf32>, tensor<10xf32>)

  return %W1n, %b1n, %W2n, %b2n, %vW1n, %vb1n, %vW2n, %vb2n, %loss
      : tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
        tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
        tensor<f32>
}
