// A driver for mlp_sgd_momentum.mlir: 10 SGD-momentum steps on one fixed
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
//   W1 = hash(1, off 512, 2^-14)   b1 = hash(2, off 512, 2^-14)
//   W2 = hash(3, off 512, 2^-13)   b2 = hash(4, off 512, 2^-13)
//   x  = hash(5, off 0, 2^-10) in [0, 1);  label of row b = (3b + 1) mod 10
//   momentum buffers 0;  lr = 0.05, mu = 0.9, wd = 0.001

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
  %s14 = arith.constant 6.103515625e-05 : f32   // 2^-14
  %s13 = arith.constant 1.220703125e-04 : f32   // 2^-13
  %s10 = arith.constant 9.765625e-04 : f32      // 2^-10
  %seed1 = arith.constant 1 : i32
  %seed2 = arith.constant 2 : i32
  %seed3 = arith.constant 3 : i32
  %seed4 = arith.constant 4 : i32
  %seed5 = arith.constant 5 : i32
  %n_w1 = arith.constant 200704 : index
  %n_b1 = arith.constant 256 : index
  %n_w2 = arith.constant 2560 : index
  %n_b2 = arith.constant 10 : index
  %n_x = arith.constant 6272 : index

  %dW1 = call @hash_init(%n_w1, %seed1, %off, %s14) : (index, i32, i32, f32) -> tensor<?xf32>
  %fW1 = tensor.cast %dW1 : tensor<?xf32> to tensor<200704xf32>
  %W1 = tensor.expand_shape %fW1 [[0, 1]] output_shape [784, 256] : tensor<200704xf32> into tensor<784x256xf32>
  %db1 = call @hash_init(%n_b1, %seed2, %off, %s14) : (index, i32, i32, f32) -> tensor<?xf32>
  %b1 = tensor.cast %db1 : tensor<?xf32> to tensor<256xf32>
  %dW2 = call @hash_init(%n_w2, %seed3, %off, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %fW2 = tensor.cast %dW2 : tensor<?xf32> to tensor<2560xf32>
  %W2 = tensor.expand_shape %fW2 [[0, 1]] output_shape [256, 10] : tensor<2560xf32> into tensor<256x10xf32>
  %db2 = call @hash_init(%n_b2, %seed4, %off, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %b2 = tensor.cast %db2 : tensor<?xf32> to tensor<10xf32>
  %dx = call @hash_init(%n_x, %seed5, %off0, %s10) : (index, i32, i32, f32) -> tensor<?xf32>
  %fx = tensor.cast %dx : tensor<?xf32> to tensor<6272xf32>
  %x = tensor.expand_shape %fx [[0, 1]] output_shape [8, 784] : tensor<6272xf32> into tensor<8x784xf32>

  // One-hot labels: row b has class (3b + 1) mod 10.
  %ey = tensor.empty() : tensor<8x10xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, c) -> (b, c)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%ey : tensor<8x10xf32>) {
  ^bb0(%o: f32):
    %b = linalg.index 0 : index
    %c = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %c1i = arith.constant 1 : index
    %c10i = arith.constant 10 : index
    %b3 = arith.muli %b, %c3 : index
    %b31 = arith.addi %b3, %c1i : index
    %cls = arith.remui %b31, %c10i : index
    %hit = arith.cmpi eq, %c, %cls : index
    %v = arith.select %hit, %one, %zero : f32
    linalg.yield %v : f32
  } -> tensor<8x10xf32>

  %vW1 = arith.constant dense<0.0> : tensor<784x256xf32>
  %vb1 = arith.constant dense<0.0> : tensor<256xf32>
  %vW2 = arith.constant dense<0.0> : tensor<256x10xf32>
  %vb2 = arith.constant dense<0.0> : tensor<10xf32>
  %lr = arith.constant 0.05 : f32
  %mu = arith.constant 0.9 : f32
  %wd = arith.constant 0.001 : f32

  %r:8 = scf.for %i = %c0 to %c10 step %c1
      iter_args(%w1 = %W1, %bb1 = %b1, %w2 = %W2, %bb2 = %b2,
                %m1 = %vW1, %mb1 = %vb1, %m2 = %vW2, %mb2 = %vb2)
      -> (tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
          tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>) {
    %o:9 = func.call @train_step(%w1, %bb1, %w2, %bb2, %m1, %mb1, %m2, %mb2, %x, %y, %lr, %mu, %wd)
        : (tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
           tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
           tensor<8x784xf32>, tensor<8x10xf32>, f32, f32, f32)
        -> (tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
            tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
            tensor<f32>)
    %l = tensor.extract %o#8[] : tensor<f32>
    vector.print str "loss"
    func.call @print_val(%l) : (f32) -> ()
    vector.print punctuation <newline>
    scf.yield %o#0, %o#1, %o#2, %o#3, %o#4, %o#5, %o#6, %o#7
        : tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>,
          tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>, tensor<10xf32>
  }

  %pW1 = tensor.cast %r#0 : tensor<784x256xf32> to tensor<?x?xf32>
  vector.print str "W1"
  func.call @report(%pW1) : (tensor<?x?xf32>) -> ()
  %eb1 = tensor.expand_shape %r#1 [[0, 1]] output_shape [1, 256] : tensor<256xf32> into tensor<1x256xf32>
  %pb1 = tensor.cast %eb1 : tensor<1x256xf32> to tensor<?x?xf32>
  vector.print str "b1"
  func.call @report(%pb1) : (tensor<?x?xf32>) -> ()
  %pW2 = tensor.cast %r#2 : tensor<256x10xf32> to tensor<?x?xf32>
  vector.print str "W2"
  func.call @report(%pW2) : (tensor<?x?xf32>) -> ()
  %eb2 = tensor.expand_shape %r#3 [[0, 1]] output_shape [1, 10] : tensor<10xf32> into tensor<1x10xf32>
  %pb2 = tensor.cast %eb2 : tensor<1x10xf32> to tensor<?x?xf32>
  vector.print str "b2"
  func.call @report(%pb2) : (tensor<?x?xf32>) -> ()
  %pvW1 = tensor.cast %r#4 : tensor<784x256xf32> to tensor<?x?xf32>
  vector.print str "vW1"
  func.call @report(%pvW1) : (tensor<?x?xf32>) -> ()
  %evb1 = tensor.expand_shape %r#5 [[0, 1]] output_shape [1, 256] : tensor<256xf32> into tensor<1x256xf32>
  %pvb1 = tensor.cast %evb1 : tensor<1x256xf32> to tensor<?x?xf32>
  vector.print str "vb1"
  func.call @report(%pvb1) : (tensor<?x?xf32>) -> ()
  %pvW2 = tensor.cast %r#6 : tensor<256x10xf32> to tensor<?x?xf32>
  vector.print str "vW2"
  func.call @report(%pvW2) : (tensor<?x?xf32>) -> ()
  %evb2 = tensor.expand_shape %r#7 [[0, 1]] output_shape [1, 10] : tensor<10xf32> into tensor<1x10xf32>
  %pvb2 = tensor.cast %evb2 : tensor<1x10xf32> to tensor<?x?xf32>
  vector.print str "vb2"
  func.call @report(%pvb2) : (tensor<?x?xf32>) -> ()
  return
}
