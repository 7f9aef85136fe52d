// A driver for lenet_sgd_momentum.mlir: 10 SGD-momentum steps on one fixed
// batch, printing the loss of every step and, at the end, checksums and the
// first elements of every parameter and momentum buffer. Concatenate it
// with the step and run it with stock mlir-runner (see examples/README.md).
//
// Every number is printed as "<%g value> <IEEE bits as i32>" so that
// test/Integration/Emulated/examples-vs-torch.test can compare it exactly
// with PyTorch. Initial weights and the batch come from an integer hash
// (@hash_init) that the test's Python oracle replicates bit for bit:
//   h = i * 0x9E3779B1 + seed * 0x7F4A7C15 (mod 2^32);  h ^= h >> 16;
//   h *= 0x85EBCA6B;  h ^= h >> 13;  value = ((h >> 22) - off) * scale
// with i the row-major element index; the values are exact in f32.
//   K  = hash(11, off 512, 2^-10)   cb = hash(12, off 512, 2^-12)
//   W  = hash(13, off 512, 2^-12)   fb = hash(14, off 512, 2^-12)
//   xs = hash(15, off 0, 2^-10) in [0, 1), shape 4x1x12x12;  images 2 and 3
//   are xs, images 0 and 1 are constant on aligned 4x4 blocks
//   (x[n,c,h,w] = xs[n,c,h-h%4,w-w%4]) so that max-pool windows with
//   tied positive maxima occur (exactly one position may get the gradient);
//   label of image n = (7n + 3) mod 10
//   momentum buffers 0;  lr = 0.05, mu = 0.9

func.func private @hash_init(%n: index, %seed: i32, %off: i32, %scale: f32) -> tensor<?xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      outs(%e : tensor<?xf32>) {
  ^bb0(%o: f32):
    %k1 = arith.constant -1640531535 : i32   // 0x9E3779B1
    %k2 = arith.constant 2135587861 : i32    // 0x7F4A7C15
    %k3 = arith.constant -2048144789 : i32   // 0x85EBCA6B
    %c13 = arith.constant 13 : i32
    %c16 = arith.constant 16 : i32
    %c22 = arith.constant 22 : i32
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %h0 = arith.muli %ii, %k1 : i32
    %sk = arith.muli %seed, %k2 : i32
    %h1 = arith.addi %h0, %sk : i32
    %t1 = arith.shrui %h1, %c16 : i32
    %h2 = arith.xori %h1, %t1 : i32
    %h3 = arith.muli %h2, %k3 : i32
    %t2 = arith.shrui %h3, %c13 : i32
    %h4 = arith.xori %h3, %t2 : i32
    %u = arith.shrui %h4, %c22 : i32
    %v = arith.subi %u, %off : i32
    %f = arith.sitofp %v : i32 to f32
    %val = arith.mulf %f, %scale : f32
    linalg.yield %val : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// Prints " <%g> <bits>" without a newline.
func.func private @print_val(%x: f32) {
  %b = arith.bitcast %x : f32 to i32
  vector.print str " "
  vector.print %x : f32 punctuation <no_punctuation>
  vector.print str " "
  vector.print %b : i32 punctuation <no_punctuation>
  return
}

// Prints " sumsq <v> sumabs <v> head <v> <v> <v>" and a newline for a 2-D
// view of a state tensor (row sums first, then the total).
func.func private @report(%t: tensor<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %rows = tensor.dim %t, %c0 : tensor<?x?xf32>
  %er = tensor.empty(%rows) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%er : tensor<?xf32>) -> tensor<?xf32>
  %sq, %ab = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>,
                                              affine_map<(i, j) -> (i)>],
                             iterator_types = ["parallel", "reduction"]}
      ins(%t : tensor<?x?xf32>) outs(%zr, %zr : tensor<?xf32>, tensor<?xf32>) {
  ^bb0(%x: f32, %a0: f32, %a1: f32):
    %x2 = arith.mulf %x, %x : f32
    %s0 = arith.addf %a0, %x2 : f32
    %ax = math.absf %x : f32
    %s1 = arith.addf %a1, %ax : f32
    linalg.yield %s0, %s1 : f32, f32
  } -> (tensor<?xf32>, tensor<?xf32>)
  %e0 = tensor.empty() : tensor<f32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %tsq, %tab = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>,
                                                affine_map<(i) -> ()>, affine_map<(i) -> ()>],
                               iterator_types = ["reduction"]}
      ins(%sq, %ab : tensor<?xf32>, tensor<?xf32>) outs(%z0, %z0 : tensor<f32>, tensor<f32>) {
  ^bb0(%x: f32, %y: f32, %a0: f32, %a1: f32):
    %s0 = arith.addf %a0, %x : f32
    %s1 = arith.addf %a1, %y : f32
    linalg.yield %s0, %s1 : f32, f32
  } -> (tensor<f32>, tensor<f32>)
  %vsq = tensor.extract %tsq[] : tensor<f32>
  %vab = tensor.extract %tab[] : tensor<f32>
  %h0 = tensor.extract %t[%c0, %c0] : tensor<?x?xf32>
  %h1 = tensor.extract %t[%c0, %c1] : tensor<?x?xf32>
  %h2 = tensor.extract %t[%c0, %c2] : tensor<?x?xf32>
  vector.print str " sumsq"
  func.call @print_val(%vsq) : (f32) -> ()
  vector.print str " sumabs"
  func.call @print_val(%vab) : (f32) -> ()
  vector.print str " head"
  func.call @print_val(%h0) : (f32) -> ()
  func.call @print_val(%h1) : (f32) -> ()
  func.call @print_val(%h2) : (f32) -> ()
  vector.print punctuation <newline>
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %off = arith.constant 512 : i32
  %off0 = arith.constant 0 : i32
  %s10 = arith.constant 9.765625e-04 : f32      // 2^-10
  %s12 = arith.constant 2.44140625e-04 : f32    // 2^-12
  %seed11 = arith.constant 11 : i32
  %seed12 = arith.constant 12 : i32
  %seed13 = arith.constant 13 : i32
  %seed14 = arith.constant 14 : i32
  %seed15 = arith.constant 15 : i32
  %n_k = arith.constant 36 : index
  %n_cb = arith.constant 4 : index
  %n_w = arith.constant 1000 : index
  %n_fb = arith.constant 10 : index
  %n_x = arith.constant 576 : index

  %dK = func.call @hash_init(%n_k, %seed11, %off, %s10) : (index, i32, i32, f32) -> tensor<?xf32>
  %fK = tensor.cast %dK : tensor<?xf32> to tensor<36xf32>
  %K = tensor.expand_shape %fK [[0, 1, 2, 3]] output_shape [4, 1, 3, 3] : tensor<36xf32> into tensor<4x1x3x3xf32>
  %dcb = func.call @hash_init(%n_cb, %seed12, %off, %s12) : (index, i32, i32, f32) -> tensor<?xf32>
  %cb = tensor.cast %dcb : tensor<?xf32> to tensor<4xf32>
  %dW = func.call @hash_init(%n_w, %seed13, %off, %s12) : (index, i32, i32, f32) -> tensor<?xf32>
  %fW = tensor.cast %dW : tensor<?xf32> to tensor<1000xf32>
  %W = tensor.expand_shape %fW [[0, 1]] output_shape [100, 10] : tensor<1000xf32> into tensor<100x10xf32>
  %dfb = func.call @hash_init(%n_fb, %seed14, %off, %s12) : (index, i32, i32, f32) -> tensor<?xf32>
  %fb = tensor.cast %dfb : tensor<?xf32> to tensor<10xf32>
  %dxs = func.call @hash_init(%n_x, %seed15, %off0, %s10) : (index, i32, i32, f32) -> tensor<?xf32>
  %fxs = tensor.cast %dxs : tensor<?xf32> to tensor<576xf32>
  %xs = tensor.expand_shape %fxs [[0, 1, 2, 3]] output_shape [4, 1, 12, 12]
      : tensor<576xf32> into tensor<4x1x12x12xf32>
  %ex = tensor.empty() : tensor<4x1x12x12xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%ex : tensor<4x1x12x12xf32>) {
  ^bb0(%o: f32):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %h = linalg.index 2 : index
    %w = linalg.index 3 : index
    %c2i = arith.constant 2 : index
    %c4i = arith.constant 4 : index
    %hm = arith.remui %h, %c4i : index
    %wm = arith.remui %w, %c4i : index
    %hb = arith.subi %h, %hm : index
    %wb = arith.subi %w, %wm : index
    %blocky = arith.cmpi ult, %n, %c2i : index
    %hh = arith.select %blocky, %hb, %h : index
    %ww = arith.select %blocky, %wb, %w : index
    %v = tensor.extract %xs[%n, %c, %hh, %ww] : tensor<4x1x12x12xf32>
    linalg.yield %v : f32
  } -> tensor<4x1x12x12xf32>

  // One-hot labels: image n has class (7n + 3) mod 10.
  %ey = tensor.empty() : tensor<4x10xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, c) -> (b, c)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%ey : tensor<4x10xf32>) {
  ^bb0(%o: f32):
    %b = linalg.index 0 : index
    %c = linalg.index 1 : index
    %c7 = arith.constant 7 : index
    %c3 = arith.constant 3 : index
    %c10i = arith.constant 10 : index
    %b7 = arith.muli %b, %c7 : index
    %b73 = arith.addi %b7, %c3 : index
    %cls = arith.remui %b73, %c10i : index
    %hit = arith.cmpi eq, %c, %cls : index
    %v = arith.select %hit, %one, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x10xf32>

  %vK = arith.constant dense<0.0> : tensor<4x1x3x3xf32>
  %vcb = arith.constant dense<0.0> : tensor<4xf32>
  %vW = arith.constant dense<0.0> : tensor<100x10xf32>
  %vfb = arith.constant dense<0.0> : tensor<10xf32>
  %lr = arith.constant 0.05 : f32
  %mu = arith.constant 0.9 : f32

  %r:8 = scf.for %i = %c0 to %c10 step %c1
      iter_args(%k = %K, %b1 = %cb, %w = %W, %b2 = %fb,
                %m1 = %vK, %mb1 = %vcb, %m2 = %vW, %mb2 = %vfb)
      -> (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
          tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>) {
    %o:9 = func.call @train_step(%k, %b1, %w, %b2, %m1, %mb1, %m2, %mb2, %x, %y, %lr, %mu)
        : (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
           tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
           tensor<4x1x12x12xf32>, tensor<4x10xf32>, f32, f32)
        -> (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
            tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
            tensor<f32>)
    %l = tensor.extract %o#8[] : tensor<f32>
    vector.print str "loss"
    func.call @print_val(%l) : (f32) -> ()
    vector.print punctuation <newline>
    scf.yield %o#0, %o#1, %o#2, %o#3, %o#4, %o#5, %o#6, %o#7
        : tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>,
          tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<100x10xf32>, tensor<10xf32>
  }

  %cK = tensor.collapse_shape %r#0 [[0], [1, 2, 3]] : tensor<4x1x3x3xf32> into tensor<4x9xf32>
  %pK = tensor.cast %cK : tensor<4x9xf32> to tensor<?x?xf32>
  vector.print str "K"
  func.call @report(%pK) : (tensor<?x?xf32>) -> ()
  %ecb = tensor.expand_shape %r#1 [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %pcb = tensor.cast %ecb : tensor<1x4xf32> to tensor<?x?xf32>
  vector.print str "cb"
  func.call @report(%pcb) : (tensor<?x?xf32>) -> ()
  %pW = tensor.cast %r#2 : tensor<100x10xf32> to tensor<?x?xf32>
  vector.print str "W"
  func.call @report(%pW) : (tensor<?x?xf32>) -> ()
  %efb = tensor.expand_shape %r#3 [[0, 1]] output_shape [1, 10] : tensor<10xf32> into tensor<1x10xf32>
  %pfb = tensor.cast %efb : tensor<1x10xf32> to tensor<?x?xf32>
  vector.print str "fb"
  func.call @report(%pfb) : (tensor<?x?xf32>) -> ()
  %cvK = tensor.collapse_shape %r#4 [[0], [1, 2, 3]] : tensor<4x1x3x3xf32> into tensor<4x9xf32>
  %pvK = tensor.cast %cvK : tensor<4x9xf32> to tensor<?x?xf32>
  vector.print str "vK"
  func.call @report(%pvK) : (tensor<?x?xf32>) -> ()
  %evcb = tensor.expand_shape %r#5 [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %pvcb = tensor.cast %evcb : tensor<1x4xf32> to tensor<?x?xf32>
  vector.print str "vcb"
  func.call @report(%pvcb) : (tensor<?x?xf32>) -> ()
  %pvW = tensor.cast %r#6 : tensor<100x10xf32> to tensor<?x?xf32>
  vector.print str "vW"
  func.call @report(%pvW) : (tensor<?x?xf32>) -> ()
  %evfb = tensor.expand_shape %r#7 [[0, 1]] output_shape [1, 10] : tensor<10xf32> into tensor<1x10xf32>
  %pvfb = tensor.cast %evfb : tensor<1x10xf32> to tensor<?x?xf32>
  vector.print str "vfb"
  func.call @report(%pvfb) : (tensor<?x?xf32>) -> ()
  return
}
