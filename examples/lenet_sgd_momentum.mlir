// LeNet-style CNN (NCHW), one complete FP32 training step with softmax
// cross-entropy and SGD with momentum, in the func/linalg/tensor/arith/math
// form that torch-mlir/IREE-style frontends emit. Static shapes, f32 only.
//
//   x: 4x1x12x12 -> conv 3x3, 4 filters, stride 1, no padding (+ bias)
//     -> 4x4x10x10 -> ReLU -> max-pool 2x2 stride 2 -> 4x4x5x5
//     -> flatten (c, h, w) -> 4x100 -> fully connected -> 4x10 logits
//
// Arguments (parameters, optimizer state, batch, hyper-parameters):
//   %K: 4x1x3x3 (FCHW)  %cb: 4  %W: 100x10  %fb: 10         parameters
//   %vK %vcb %vW %vfb (same shapes)                          momentum buffers
//   %x: 4x1x12x12 images, %y: 4x10 one-hot labels           batch
//   %lr, %mu (momentum): f32                                 hyper-parameters
// Results: K', cb', W', fb', vK', vcb', vW', vfb', loss (tensor<f32>).
//
//   forward:   a = conv(x, K) + cb;  r = relu(a);  p = maxpool2x2(r)
//              f = flatten(p);  z = f W + fb
//              loss = mean_n( -sum_c y log_softmax(z) )
//   backward:  dz = (softmax(z) - y) / N
//              gW = f^T dz;  gfb = sum_n dz;  dp = unflatten(dz W^T)
//              max-pool: each window's gradient goes to exactly one position,
//                the FIRST maximum in row-major window order (di, dj) =
//                (0,0), (0,1), (1,0), (1,1) -- PyTorch's CPU choice. It is
//                found as min{2 di + dj : r[window] == p}, with p the
//                linalg.pooling_nchw_max result, so it does not depend on
//                the order in which the reduction is run.
//              da = dr * [a > 0]
//              gcb[f] = sum_{n,h,w} da[n,f,h,w]
//              gK[f,c,kh,kw] = sum_{n,h,w} da[n,f,h,w] x[n,c,h+kh,w+kw]
//                computed as conv_2d_nchw_fchw(x^T, da^T)^T with x^T, da^T
//                the (0 1) transposes (batch and channels exchanged)
//   optimizer (torch.optim.SGD(momentum=mu), dampening 0, no weight decay):
//              v' = mu * v + g;  w' = w - lr * v'
// The update ops are linalg.mul/linalg.add/linalg.sub named ops for K and
// cb and one fused linalg.generic per parameter for W and fb.

#nchw = affine_map<(n, c, h, w) -> (n, c, h, w)>
#chan = affine_map<(n, c, h, w) -> (c)>
#map2 = affine_map<(b, c) -> (b, c)>
#row2 = affine_map<(b, c) -> (b)>
#id1 = affine_map<(i) -> (i)>
#scalar = affine_map<() -> ()>
// Pool windows: r viewed as (n, c, i, di, j, dj) with h = 2i + di, w = 2j + dj.
#win_in = affine_map<(n, c, i, j, di, dj) -> (n, c, i, di, j, dj)>
#win_out = affine_map<(n, c, i, j, di, dj) -> (n, c, i, j)>
#id6 = affine_map<(n, c, i, di, j, dj) -> (n, c, i, di, j, dj)>
#pool6 = affine_map<(n, c, i, di, j, dj) -> (n, c, i, j)>

func.func @train_step(
    %K: tensor<4x1x3x3xf32>, %cb: tensor<4xf32>, %W: tensor<100x10xf32>, %fb: tensor<10xf32>,
    %vK: tensor<4x1x3x3xf32>, %vcb: tensor<4xf32>, %vW: tensor<100x10xf32>, %vfb: tensor<10xf32>,
    %x: tensor<4x1x12x12xf32>, %y: tensor<4x10xf32>,
    %lr: f32, %mu: f32)
    -> (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
        tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
        tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %nb = arith.constant 4.0 : f32

  // Forward: convolution, bias, ReLU.
  %ec = tensor.empty() : tensor<4x4x10x10xf32>
  %zc = linalg.fill ins(%zero : f32) outs(%ec : tensor<4x4x10x10xf32>) -> tensor<4x4x10x10xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %K : tensor<4x1x12x12xf32>, tensor<4x1x3x3xf32>)
      outs(%zc : tensor<4x4x10x10xf32>) -> tensor<4x4x10x10xf32>
  %a, %r = linalg.generic {indexing_maps = [#nchw, #chan, #nchw, #nchw],
                           iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %cb : tensor<4x4x10x10xf32>, tensor<4xf32>)
      outs(%ec, %ec : tensor<4x4x10x10xf32>, tensor<4x4x10x10xf32>) {
  ^bb0(%ci: f32, %bi: f32, %o0: f32, %o1: f32):
    %ai = arith.addf %ci, %bi : f32
    %ri = arith.maximumf %ai, %zero : f32
    linalg.yield %ai, %ri : f32, f32
  } -> (tensor<4x4x10x10xf32>, tensor<4x4x10x10xf32>)

  // Forward: 2x2 max-pool, flatten, fully connected.
  %win = tensor.empty() : tensor<2x2xf32>
  %ep = tensor.empty() : tensor<4x4x5x5xf32>
  %pinit = linalg.fill ins(%ninf : f32) outs(%ep : tensor<4x4x5x5xf32>) -> tensor<4x4x5x5xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%r, %win : tensor<4x4x10x10xf32>, tensor<2x2xf32>)
      outs(%pinit : tensor<4x4x5x5xf32>) -> tensor<4x4x5x5xf32>
  %f = tensor.collapse_shape %p [[0], [1, 2, 3]] : tensor<4x4x5x5xf32> into tensor<4x100xf32>
  %e4x10 = tensor.empty() : tensor<4x10xf32>
  %z4x10 = linalg.fill ins(%zero : f32) outs(%e4x10 : tensor<4x10xf32>) -> tensor<4x10xf32>
  %fw = linalg.matmul ins(%f, %W : tensor<4x100xf32>, tensor<100x10xf32>)
                      outs(%z4x10 : tensor<4x10xf32>) -> tensor<4x10xf32>
  %fbb = linalg.broadcast ins(%fb : tensor<10xf32>) outs(%e4x10 : tensor<4x10xf32>) dimensions = [0]
  %z = linalg.add ins(%fw, %fbb : tensor<4x10xf32>, tensor<4x10xf32>)
                  outs(%e4x10 : tensor<4x10xf32>) -> tensor<4x10xf32>

  // Softmax cross-entropy: m = max_c z, s = sum_c exp(z - m),
  // log_softmax = z - m - log s, dz = (exp(z - m) / s - y) / N.
  %e4 = tensor.empty() : tensor<4xf32>
  %ninf4 = linalg.fill ins(%ninf : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %zero4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %zmax = linalg.reduce ins(%z : tensor<4x10xf32>) outs(%ninf4 : tensor<4xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %m = arith.maximumf %in, %acc : f32
        linalg.yield %m : f32
      }
  %ez = linalg.generic {indexing_maps = [#map2, #row2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%z, %zmax : tensor<4x10xf32>, tensor<4xf32>) outs(%e4x10 : tensor<4x10xf32>) {
  ^bb0(%zi: f32, %mi: f32, %o: f32):
    %d = arith.subf %zi, %mi : f32
    %ex = math.exp %d : f32
    linalg.yield %ex : f32
  } -> tensor<4x10xf32>
  %esum = linalg.reduce ins(%ez : tensor<4x10xf32>) outs(%zero4 : tensor<4xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %lterm, %dz = linalg.generic
      {indexing_maps = [#map2, #row2, #map2, #row2, #map2, #map2, #map2],
       iterator_types = ["parallel", "parallel"]}
      ins(%z, %zmax, %ez, %esum, %y
          : tensor<4x10xf32>, tensor<4xf32>, tensor<4x10xf32>, tensor<4xf32>, tensor<4x10xf32>)
      outs(%e4x10, %e4x10 : tensor<4x10xf32>, tensor<4x10xf32>) {
  ^bb0(%zi: f32, %mi: f32, %ei: f32, %si: f32, %yi: f32, %o0: f32, %o1: f32):
    %ls = math.log %si : f32
    %zm = arith.subf %zi, %mi : f32
    %logp = arith.subf %zm, %ls : f32
    %ylp = arith.mulf %yi, %logp : f32
    %li = arith.negf %ylp : f32
    %pr = arith.divf %ei, %si : f32
    %py = arith.subf %pr, %yi : f32
    %dzi = arith.divf %py, %nb : f32
    linalg.yield %li, %dzi : f32, f32
  } -> (tensor<4x10xf32>, tensor<4x10xf32>)
  %e0 = tensor.empty() : tensor<f32>
  %zero0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %lsum = linalg.reduce ins(%lterm : tensor<4x10xf32>) outs(%zero0 : tensor<f32>) dimensions = [0, 1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %loss = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}
      ins(%lsum : tensor<f32>) outs(%e0 : tensor<f32>) {
  ^bb0(%s: f32, %o: f32):
    %mean = arith.divf %s, %nb : f32
    linalg.yield %mean : f32
  } -> tensor<f32>

  // Backward, fully connected: gW = f^T dz, gfb = sum_n dz, df = dz W^T.
  %e100x4 = tensor.empty() : tensor<100x4xf32>
  %ft = linalg.transpose ins(%f : tensor<4x100xf32>) outs(%e100x4 : tensor<100x4xf32>)
      permutation = [1, 0]
  %e100x10 = tensor.empty() : tensor<100x10xf32>
  %z100x10 = linalg.fill ins(%zero : f32) outs(%e100x10 : tensor<100x10xf32>) -> tensor<100x10xf32>
  %gW = linalg.matmul ins(%ft, %dz : tensor<100x4xf32>, tensor<4x10xf32>)
                      outs(%z100x10 : tensor<100x10xf32>) -> tensor<100x10xf32>
  %e10 = tensor.empty() : tensor<10xf32>
  %zero10 = linalg.fill ins(%zero : f32) outs(%e10 : tensor<10xf32>) -> tensor<10xf32>
  %gfb = linalg.reduce ins(%dz : tensor<4x10xf32>) outs(%zero10 : tensor<10xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %e10x100 = tensor.empty() : tensor<10x100xf32>
  %wt = linalg.transpose ins(%W : tensor<100x10xf32>) outs(%e10x100 : tensor<10x100xf32>)
      permutation = [1, 0]
  %e4x100 = tensor.empty() : tensor<4x100xf32>
  %z4x100 = linalg.fill ins(%zero : f32) outs(%e4x100 : tensor<4x100xf32>) -> tensor<4x100xf32>
  %df = linalg.matmul ins(%dz, %wt : tensor<4x10xf32>, tensor<10x100xf32>)
                      outs(%z4x100 : tensor<4x100xf32>) -> tensor<4x100xf32>
  %dp = tensor.expand_shape %df [[0], [1, 2, 3]] output_shape [4, 4, 5, 5]
      : tensor<4x100xf32> into tensor<4x4x5x5xf32>

  // Backward, max-pool: k* = first (row-major) window position holding the
  // maximum; the window's gradient goes to k* only.
  %r6 = tensor.expand_shape %r [[0], [1], [2, 3], [4, 5]] output_shape [4, 4, 5, 2, 5, 2]
      : tensor<4x4x10x10xf32> into tensor<4x4x5x2x5x2xf32>
  %four = arith.constant 4 : i32
  %ek = tensor.empty() : tensor<4x4x5x5xi32>
  %kinit = linalg.fill ins(%four : i32) outs(%ek : tensor<4x4x5x5xi32>) -> tensor<4x4x5x5xi32>
  %kfirst = linalg.generic {indexing_maps = [#win_in, #win_out, #win_out],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                              "reduction", "reduction"]}
      ins(%r6, %p : tensor<4x4x5x2x5x2xf32>, tensor<4x4x5x5xf32>)
      outs(%kinit : tensor<4x4x5x5xi32>) {
  ^bb0(%ri: f32, %pi: f32, %acc: i32):
    %di = linalg.index 4 : index
    %dj = linalg.index 5 : index
    %c2 = arith.constant 2 : index
    %di2 = arith.muli %di, %c2 : index
    %kk = arith.addi %di2, %dj : index
    %k = arith.index_cast %kk : index to i32
    %hit = arith.cmpf oeq, %ri, %pi : f32
    %cand = arith.select %hit, %k, %four : i32
    %kmin = arith.minsi %acc, %cand : i32
    linalg.yield %kmin : i32
  } -> tensor<4x4x5x5xi32>
  %er6 = tensor.empty() : tensor<4x4x5x2x5x2xf32>
  %dr6 = linalg.generic {indexing_maps = [#pool6, #pool6, #id6],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                           "parallel", "parallel"]}
      ins(%dp, %kfirst : tensor<4x4x5x5xf32>, tensor<4x4x5x5xi32>)
      outs(%er6 : tensor<4x4x5x2x5x2xf32>) {
  ^bb0(%g: f32, %kf: i32, %o: f32):
    %di = linalg.index 3 : index
    %dj = linalg.index 5 : index
    %c2 = arith.constant 2 : index
    %di2 = arith.muli %di, %c2 : index
    %kk = arith.addi %di2, %dj : index
    %k = arith.index_cast %kk : index to i32
    %sel = arith.cmpi eq, %k, %kf : i32
    %v = arith.select %sel, %g, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x4x5x2x5x2xf32>
  %dr = tensor.collapse_shape %dr6 [[0], [1], [2, 3], [4, 5]]
      : tensor<4x4x5x2x5x2xf32> into tensor<4x4x10x10xf32>

  // Backward, ReLU (PyTorch: zero gradient where a <= 0), bias.
  %da = linalg.generic {indexing_maps = [#nchw, #nchw, #nchw],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dr, %a : tensor<4x4x10x10xf32>, tensor<4x4x10x10xf32>)
      outs(%ec : tensor<4x4x10x10xf32>) {
  ^bb0(%g: f32, %ai: f32, %o: f32):
    %pos = arith.cmpf ogt, %ai, %zero : f32
    %v = arith.select %pos, %g, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x4x10x10xf32>
  %gcb = linalg.reduce ins(%da : tensor<4x4x10x10xf32>) outs(%zero4 : tensor<4xf32>)
      dimensions = [0, 2, 3]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }

  // Backward, filter: gK^T = conv(x^T, da^T), batch and channels exchanged.
  %ext = tensor.empty() : tensor<1x4x12x12xf32>
  %xt = linalg.transpose ins(%x : tensor<4x1x12x12xf32>) outs(%ext : tensor<1x4x12x12xf32>)
      permutation = [1, 0, 2, 3]
  %edat = tensor.empty() : tensor<4x4x10x10xf32>
  %dat = linalg.transpose ins(%da : tensor<4x4x10x10xf32>) outs(%edat : tensor<4x4x10x10xf32>)
      permutation = [1, 0, 2, 3]
  %egkt = tensor.empty() : tensor<1x4x3x3xf32>
  %zgkt = linalg.fill ins(%zero : f32) outs(%egkt : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %gkt = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xt, %dat : tensor<1x4x12x12xf32>, tensor<4x4x10x10xf32>)
      outs(%zgkt : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %eK = tensor.empty() : tensor<4x1x3x3xf32>
  %gK = linalg.transpose ins(%gkt : tensor<1x4x3x3xf32>) outs(%eK : tensor<4x1x3x3xf32>)
      permutation = [1, 0, 2, 3]

  // Optimizer, K and cb: linalg named ops.
  //   v' = mu * v + g (update op: linalg.add);  w' = w - lr * v' (update op: linalg.sub)
  %muK = linalg.fill ins(%mu : f32) outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>
  %lrK = linalg.fill ins(%lr : f32) outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>
  %mvK = linalg.mul ins(%muK, %vK : tensor<4x1x3x3xf32>, tensor<4x1x3x3xf32>)
                    outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>
  %vKn = linalg.add ins(%mvK, %gK : tensor<4x1x3x3xf32>, tensor<4x1x3x3xf32>)
                    outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>
  %sK = linalg.mul ins(%lrK, %vKn : tensor<4x1x3x3xf32>, tensor<4x1x3x3xf32>)
                   outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>
  %Kn = linalg.sub ins(%K, %sK : tensor<4x1x3x3xf32>, tensor<4x1x3x3xf32>)
                   outs(%eK : tensor<4x1x3x3xf32>) -> tensor<4x1x3x3xf32>

  %mucb = linalg.fill ins(%mu : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %lrcb = linalg.fill ins(%lr : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %mvcb = linalg.mul ins(%mucb, %vcb : tensor<4xf32>, tensor<4xf32>)
                     outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %vcbn = linalg.add ins(%mvcb, %gcb : tensor<4xf32>, tensor<4xf32>)
                     outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %scb = linalg.mul ins(%lrcb, %vcbn : tensor<4xf32>, tensor<4xf32>)
                    outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %cbn = linalg.sub ins(%cb, %scb : tensor<4xf32>, tensor<4xf32>)
                    outs(%e4 : tensor<4xf32>) -> tensor<4xf32>

  // Optimizer, W and fb: one fused elementwise linalg.generic per parameter,
  // yielding (w', v').
  %Wn, %vWn = linalg.generic {indexing_maps = [#map2, #map2, #map2, #map2, #map2],
                              iterator_types = ["parallel", "parallel"]}
      ins(%W, %vW, %gW : tensor<100x10xf32>, tensor<100x10xf32>, tensor<100x10xf32>)
      outs(%e100x10, %e100x10 : tensor<100x10xf32>, tensor<100x10xf32>) {
  ^bb0(%wi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32):
    %mv = arith.mulf %mu, %vi : f32
    %vn = arith.addf %mv, %gi : f32
    %s = arith.mulf %lr, %vn : f32
    %wn = arith.subf %wi, %s : f32
    linalg.yield %wn, %vn : f32, f32
  } -> (tensor<100x10xf32>, tensor<100x10xf32>)
  %fbn, %vfbn = linalg.generic {indexing_maps = [#id1, #id1, #id1, #id1, #id1],
                                iterator_types = ["parallel"]}
      ins(%fb, %vfb, %gfb : tensor<10xf32>, tensor<10xf32>, tensor<10xf32>)
      outs(%e10, %e10 : tensor<10xf32>, tensor<10xf32>) {
  ^bb0(%wi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32):
    %mv = arith.mulf %mu, %vi : f32
    %vn = arith.addf %mv, %gi : f32
    %s = arith.mulf %lr, %vn : f32
    %wn = arith.subf %wi, %s : f32
    linalg.yield %wn, %vn : f32, f32
  } -> (tensor<10xf32>, tensor<10xf32>)

  return %Kn, %cbn, %Wn, %fbn, %vKn, %vcbn, %vWn, %vfbn, %loss
      : tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
        tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
        tensor<f32>
}
