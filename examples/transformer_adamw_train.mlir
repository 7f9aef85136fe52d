// A driver for transformer_adamw.mlir: 10 AdamW steps on one fixed batch,
// printing the loss of every step and, at the end, checksums and the first
// elements of every parameter and of both AdamW moments. Concatenate it with
// the step and run it with stock mlir-runner (see examples/README.md).
//
// Every number is printed as "<%g value> <IEEE bits as i32>" so that
// test/Integration/Emulated/examples-vs-torch.test can compare it exactly
// with PyTorch. Initial weights come from an integer hash (@hash_init) that
// the test's Python oracle replicates bit for bit:
//   h = i * 0x9E3779B1 + seed * 0x7F4A7C15 (mod 2^32);  h ^= h >> 16;
//   h *= 0x85EBCA6B;  h ^= h >> 13;  value = ((h >> 22) - off) * scale
// with i the row-major element index; the values are exact in f32.
// Parameter number k (0-based, argument order) uses seed 21 + k and
//   layer-norm gains:      off -1024, scale 2^-11  (values in [0.5, 1))
//   emb: 2^-10;  pos, w2: 2^-12;  other matrices: 2^-11;  other vectors: 2^-13
//   (all with off 512, i.e. symmetric around 0)
// Token ids: ids[b,s] = (5 t^2 + 3) mod 23 with t = 8b + s (repeated tokens,
// and tokens 23..31 never occur); label of sequence b = (2b + 1) mod 4.
// AdamW: lr = 0.01, betas = (0.9, 0.999), eps = 1e-8, wd = 0.01; m = v = 0.
// The bias corrections are computed without cancellation as
// bc = (1 - beta) (1 + beta + ... + beta^(t-1)) (1 - beta is exact in f32).

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
  %offm1024 = arith.constant -1024 : i32
  %off512 = arith.constant 512 : i32
  %s10 = arith.constant 0.0009765625 : f32   // 2^-10
  %s11 = arith.constant 0.00048828125 : f32   // 2^-11
  %s12 = arith.constant 0.000244140625 : f32   // 2^-12
  %s13 = arith.constant 0.0001220703125 : f32   // 2^-13
  %seed_emb = arith.constant 21 : i32
  %n_emb = arith.constant 512 : index
  %d_emb = func.call @hash_init(%n_emb, %seed_emb, %off512, %s10) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_emb = tensor.cast %d_emb : tensor<?xf32> to tensor<512xf32>
  %p_emb = tensor.expand_shape %f_emb [[0, 1]] output_shape [32, 16] : tensor<512xf32> into tensor<32x16xf32>
  %seed_pos = arith.constant 22 : i32
  %n_pos = arith.constant 128 : index
  %d_pos = func.call @hash_init(%n_pos, %seed_pos, %off512, %s12) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_pos = tensor.cast %d_pos : tensor<?xf32> to tensor<128xf32>
  %p_pos = tensor.expand_shape %f_pos [[0, 1]] output_shape [8, 16] : tensor<128xf32> into tensor<8x16xf32>
  %seed_ln1_g = arith.constant 23 : i32
  %n_ln1_g = arith.constant 16 : index
  %d_ln1_g = func.call @hash_init(%n_ln1_g, %seed_ln1_g, %offm1024, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_ln1_g = tensor.cast %d_ln1_g : tensor<?xf32> to tensor<16xf32>
  %seed_ln1_b = arith.constant 24 : i32
  %n_ln1_b = arith.constant 16 : index
  %d_ln1_b = func.call @hash_init(%n_ln1_b, %seed_ln1_b, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_ln1_b = tensor.cast %d_ln1_b : tensor<?xf32> to tensor<16xf32>
  %seed_wq = arith.constant 25 : i32
  %n_wq = arith.constant 256 : index
  %d_wq = func.call @hash_init(%n_wq, %seed_wq, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_wq = tensor.cast %d_wq : tensor<?xf32> to tensor<256xf32>
  %p_wq = tensor.expand_shape %f_wq [[0, 1]] output_shape [16, 16] : tensor<256xf32> into tensor<16x16xf32>
  %seed_bq = arith.constant 26 : i32
  %n_bq = arith.constant 16 : index
  %d_bq = func.call @hash_init(%n_bq, %seed_bq, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_bq = tensor.cast %d_bq : tensor<?xf32> to tensor<16xf32>
  %seed_wk = arith.constant 27 : i32
  %n_wk = arith.constant 256 : index
  %d_wk = func.call @hash_init(%n_wk, %seed_wk, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_wk = tensor.cast %d_wk : tensor<?xf32> to tensor<256xf32>
  %p_wk = tensor.expand_shape %f_wk [[0, 1]] output_shape [16, 16] : tensor<256xf32> into tensor<16x16xf32>
  %seed_wv = arith.constant 28 : i32
  %n_wv = arith.constant 256 : index
  %d_wv = func.call @hash_init(%n_wv, %seed_wv, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_wv = tensor.cast %d_wv : tensor<?xf32> to tensor<256xf32>
  %p_wv = tensor.expand_shape %f_wv [[0, 1]] output_shape [16, 16] : tensor<256xf32> into tensor<16x16xf32>
  %seed_bv = arith.constant 29 : i32
  %n_bv = arith.constant 16 : index
  %d_bv = func.call @hash_init(%n_bv, %seed_bv, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_bv = tensor.cast %d_bv : tensor<?xf32> to tensor<16xf32>
  %seed_wo = arith.constant 30 : i32
  %n_wo = arith.constant 256 : index
  %d_wo = func.call @hash_init(%n_wo, %seed_wo, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_wo = tensor.cast %d_wo : tensor<?xf32> to tensor<256xf32>
  %p_wo = tensor.expand_shape %f_wo [[0, 1]] output_shape [16, 16] : tensor<256xf32> into tensor<16x16xf32>
  %seed_bo = arith.constant 31 : i32
  %n_bo = arith.constant 16 : index
  %d_bo = func.call @hash_init(%n_bo, %seed_bo, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_bo = tensor.cast %d_bo : tensor<?xf32> to tensor<16xf32>
  %seed_ln2_g = arith.constant 32 : i32
  %n_ln2_g = arith.constant 16 : index
  %d_ln2_g = func.call @hash_init(%n_ln2_g, %seed_ln2_g, %offm1024, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_ln2_g = tensor.cast %d_ln2_g : tensor<?xf32> to tensor<16xf32>
  %seed_ln2_b = arith.constant 33 : i32
  %n_ln2_b = arith.constant 16 : index
  %d_ln2_b = func.call @hash_init(%n_ln2_b, %seed_ln2_b, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_ln2_b = tensor.cast %d_ln2_b : tensor<?xf32> to tensor<16xf32>
  %seed_w1 = arith.constant 34 : i32
  %n_w1 = arith.constant 512 : index
  %d_w1 = func.call @hash_init(%n_w1, %seed_w1, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_w1 = tensor.cast %d_w1 : tensor<?xf32> to tensor<512xf32>
  %p_w1 = tensor.expand_shape %f_w1 [[0, 1]] output_shape [16, 32] : tensor<512xf32> into tensor<16x32xf32>
  %seed_b1 = arith.constant 35 : i32
  %n_b1 = arith.constant 32 : index
  %d_b1 = func.call @hash_init(%n_b1, %seed_b1, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_b1 = tensor.cast %d_b1 : tensor<?xf32> to tensor<32xf32>
  %seed_w2 = arith.constant 36 : i32
  %n_w2 = arith.constant 512 : index
  %d_w2 = func.call @hash_init(%n_w2, %seed_w2, %off512, %s12) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_w2 = tensor.cast %d_w2 : tensor<?xf32> to tensor<512xf32>
  %p_w2 = tensor.expand_shape %f_w2 [[0, 1]] output_shape [32, 16] : tensor<512xf32> into tensor<32x16xf32>
  %seed_b2 = arith.constant 37 : i32
  %n_b2 = arith.constant 16 : index
  %d_b2 = func.call @hash_init(%n_b2, %seed_b2, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_b2 = tensor.cast %d_b2 : tensor<?xf32> to tensor<16xf32>
  %seed_wc = arith.constant 38 : i32
  %n_wc = arith.constant 64 : index
  %d_wc = func.call @hash_init(%n_wc, %seed_wc, %off512, %s11) : (index, i32, i32, f32) -> tensor<?xf32>
  %f_wc = tensor.cast %d_wc : tensor<?xf32> to tensor<64xf32>
  %p_wc = tensor.expand_shape %f_wc [[0, 1]] output_shape [16, 4] : tensor<64xf32> into tensor<16x4xf32>
  %seed_bc = arith.constant 39 : i32
  %n_bc = arith.constant 4 : index
  %d_bc = func.call @hash_init(%n_bc, %seed_bc, %off512, %s13) : (index, i32, i32, f32) -> tensor<?xf32>
  %p_bc = tensor.cast %d_bc : tensor<?xf32> to tensor<4xf32>
  %zm_emb = arith.constant dense<0.0> : tensor<32x16xf32>
  %zm_pos = arith.constant dense<0.0> : tensor<8x16xf32>
  %zm_ln1_g = arith.constant dense<0.0> : tensor<16xf32>
  %zm_ln1_b = arith.constant dense<0.0> : tensor<16xf32>
  %zm_wq = arith.constant dense<0.0> : tensor<16x16xf32>
  %zm_bq = arith.constant dense<0.0> : tensor<16xf32>
  %zm_wk = arith.constant dense<0.0> : tensor<16x16xf32>
  %zm_wv = arith.constant dense<0.0> : tensor<16x16xf32>
  %zm_bv = arith.constant dense<0.0> : tensor<16xf32>
  %zm_wo = arith.constant dense<0.0> : tensor<16x16xf32>
  %zm_bo = arith.constant dense<0.0> : tensor<16xf32>
  %zm_ln2_g = arith.constant dense<0.0> : tensor<16xf32>
  %zm_ln2_b = arith.constant dense<0.0> : tensor<16xf32>
  %zm_w1 = arith.constant dense<0.0> : tensor<16x32xf32>
  %zm_b1 = arith.constant dense<0.0> : tensor<32xf32>
  %zm_w2 = arith.constant dense<0.0> : tensor<32x16xf32>
  %zm_b2 = arith.constant dense<0.0> : tensor<16xf32>
  %zm_wc = arith.constant dense<0.0> : tensor<16x4xf32>
  %zm_bc = arith.constant dense<0.0> : tensor<4xf32>

  // Token ids (5 t^2 + 3) mod 23, t = 8b + s; one-hot labels (2b + 1) mod 4.
  %eids = tensor.empty() : tensor<2x8xi32>
  %ids = linalg.generic {indexing_maps = [affine_map<(b, s) -> (b, s)>],
                         iterator_types = ["parallel", "parallel"]}
      outs(%eids : tensor<2x8xi32>) {
  ^bb0(%o: i32):
    %b = linalg.index 0 : index
    %s = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %c5 = arith.constant 5 : index
    %c8 = arith.constant 8 : index
    %c23 = arith.constant 23 : index
    %b8 = arith.muli %b, %c8 : index
    %t = arith.addi %b8, %s : index
    %t2 = arith.muli %t, %t : index
    %t25 = arith.muli %t2, %c5 : index
    %t253 = arith.addi %t25, %c3 : index
    %id = arith.remui %t253, %c23 : index
    %id32 = arith.index_cast %id : index to i32
    linalg.yield %id32 : i32
  } -> tensor<2x8xi32>
  %ey = tensor.empty() : tensor<2x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, c) -> (b, c)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%ey : tensor<2x4xf32>) {
  ^bb0(%o: f32):
    %b = linalg.index 0 : index
    %c = linalg.index 1 : index
    %c2 = arith.constant 2 : index
    %c1i = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %b2 = arith.muli %b, %c2 : index
    %b21 = arith.addi %b2, %c1i : index
    %cls = arith.remui %b21, %c4 : index
    %hit = arith.cmpi eq, %c, %cls : index
    %v = arith.select %hit, %one, %zero : f32
    linalg.yield %v : f32
  } -> tensor<2x4xf32>
  %lr = arith.constant 0.01 : f32
  %beta1 = arith.constant 0.9 : f32
  %beta2 = arith.constant 0.999 : f32
  %eps = arith.constant 1.0e-08 : f32
  %wd = arith.constant 0.01 : f32
  %omb1 = arith.subf %one, %beta1 : f32
  %omb2 = arith.subf %one, %beta2 : f32

  // Loop state: 19 parameters, 19 m, 19 v, and the geometric sums
  // 1 + beta + ... + beta^(t-1) of the two bias corrections.
  %r:59 = scf.for %i = %c0 to %c10 step %c1 iter_args(
      %it_emb = %p_emb, %it_pos = %p_pos, %it_ln1_g = %p_ln1_g, %it_ln1_b = %p_ln1_b,
      %it_wq = %p_wq, %it_bq = %p_bq, %it_wk = %p_wk, %it_wv = %p_wv,
      %it_bv = %p_bv, %it_wo = %p_wo, %it_bo = %p_bo, %it_ln2_g = %p_ln2_g,
      %it_ln2_b = %p_ln2_b, %it_w1 = %p_w1, %it_b1 = %p_b1, %it_w2 = %p_w2,
      %it_b2 = %p_b2, %it_wc = %p_wc, %it_bc = %p_bc, %itm_emb = %zm_emb,
      %itm_pos = %zm_pos, %itm_ln1_g = %zm_ln1_g, %itm_ln1_b = %zm_ln1_b, %itm_wq = %zm_wq,
      %itm_bq = %zm_bq, %itm_wk = %zm_wk, %itm_wv = %zm_wv, %itm_bv = %zm_bv,
      %itm_wo = %zm_wo, %itm_bo = %zm_bo, %itm_ln2_g = %zm_ln2_g, %itm_ln2_b = %zm_ln2_b,
      %itm_w1 = %zm_w1, %itm_b1 = %zm_b1, %itm_w2 = %zm_w2, %itm_b2 = %zm_b2,
      %itm_wc = %zm_wc, %itm_bc = %zm_bc, %itv_emb = %zm_emb, %itv_pos = %zm_pos,
      %itv_ln1_g = %zm_ln1_g, %itv_ln1_b = %zm_ln1_b, %itv_wq = %zm_wq, %itv_bq = %zm_bq,
      %itv_wk = %zm_wk, %itv_wv = %zm_wv, %itv_bv = %zm_bv, %itv_wo = %zm_wo,
      %itv_bo = %zm_bo, %itv_ln2_g = %zm_ln2_g, %itv_ln2_b = %zm_ln2_b, %itv_w1 = %zm_w1,
      %itv_b1 = %zm_b1, %itv_w2 = %zm_w2, %itv_b2 = %zm_b2, %itv_wc = %zm_wc,
      %itv_bc = %zm_bc, %gs1 = %zero, %gs2 = %zero
      ) -> (tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
            tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>,
            tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>,
            tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>, tensor<8x16xf32>,
            tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x32xf32>,
            tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<16x4xf32>,
            tensor<4xf32>, f32, f32) {
    %gs1n0 = arith.mulf %gs1, %beta1 : f32
    %gs1n = arith.addf %gs1n0, %one : f32
    %gs2n0 = arith.mulf %gs2, %beta2 : f32
    %gs2n = arith.addf %gs2n0, %one : f32
    %bc1 = arith.mulf %omb1, %gs1n : f32
    %bc2 = arith.mulf %omb2, %gs2n : f32
    %o:58 = func.call @train_step(%it_emb, %it_pos, %it_ln1_g, %it_ln1_b, %it_wq, %it_bq,
        %it_wk, %it_wv, %it_bv, %it_wo, %it_bo, %it_ln2_g,
        %it_ln2_b, %it_w1, %it_b1, %it_w2, %it_b2, %it_wc,
        %it_bc, %itm_emb, %itm_pos, %itm_ln1_g, %itm_ln1_b, %itm_wq,
        %itm_bq, %itm_wk, %itm_wv, %itm_bv, %itm_wo, %itm_bo,
        %itm_ln2_g, %itm_ln2_b, %itm_w1, %itm_b1, %itm_w2, %itm_b2,
        %itm_wc, %itm_bc, %itv_emb, %itv_pos, %itv_ln1_g, %itv_ln1_b,
        %itv_wq, %itv_bq, %itv_wk, %itv_wv, %itv_bv, %itv_wo,
        %itv_bo, %itv_ln2_g, %itv_ln2_b, %itv_w1, %itv_b1, %itv_w2,
        %itv_b2, %itv_wc, %itv_bc, %ids, %y, %lr,
        %beta1, %beta2, %eps, %wd, %bc1, %bc2)
        : (tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
           tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
           tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>,
           tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>,
           tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>,
           tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>,
           tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>, tensor<8x16xf32>,
           tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>,
           tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>,
           tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x32xf32>,
           tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<16x4xf32>,
           tensor<4xf32>, tensor<2x8xi32>, tensor<2x4xf32>, f32,
           f32, f32, f32, f32,
           f32, f32)
        -> (tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
            tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>,
            tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>,
            tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>, tensor<8x16xf32>,
            tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>,
            tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>,
            tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x32xf32>,
            tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<16x4xf32>,
            tensor<4xf32>, tensor<f32>)
    %l = tensor.extract %o#57[] : tensor<f32>
    vector.print str "loss"
    func.call @print_val(%l) : (f32) -> ()
    vector.print punctuation <newline>
    scf.yield %o#0, %o#1, %o#2, %o#3, %o#4, %o#5, %o#6, %o#7, %o#8, %o#9,
        %o#10, %o#11, %o#12, %o#13, %o#14, %o#15, %o#16, %o#17, %o#18, %o#19,
        %o#20, %o#21, %o#22, %o#23, %o#24, %o#25, %o#26, %o#27, %o#28, %o#29,
        %o#30, %o#31, %o#32, %o#33, %o#34, %o#35, %o#36, %o#37, %o#38, %o#39,
        %o#40, %o#41, %o#42, %o#43, %o#44, %o#45, %o#46, %o#47, %o#48, %o#49,
        %o#50, %o#51, %o#52, %o#53, %o#54, %o#55, %o#56, %gs1n, %gs2n
        : tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
          tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
          tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
          tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
          tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>,
          tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>,
          tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>,
          tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
          tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>,
          tensor<16x4xf32>, tensor<4xf32>, tensor<32x16xf32>, tensor<8x16xf32>,
          tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>,
          tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>,
          tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x32xf32>,
          tensor<32xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<16x4xf32>,
          tensor<4xf32>, f32, f32
  }

  // Checksums: parameters, then m, then v (printed as <name>, m_<name>, v_<name>).
  %c_emb = tensor.cast %r#0 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "emb"
  func.call @report(%c_emb) : (tensor<?x?xf32>) -> ()
  %c_pos = tensor.cast %r#1 : tensor<8x16xf32> to tensor<?x?xf32>
  vector.print str "pos"
  func.call @report(%c_pos) : (tensor<?x?xf32>) -> ()
  %x_ln1_g = tensor.expand_shape %r#2 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_ln1_g = tensor.cast %x_ln1_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "ln1_g"
  func.call @report(%c_ln1_g) : (tensor<?x?xf32>) -> ()
  %x_ln1_b = tensor.expand_shape %r#3 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_ln1_b = tensor.cast %x_ln1_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "ln1_b"
  func.call @report(%c_ln1_b) : (tensor<?x?xf32>) -> ()
  %c_wq = tensor.cast %r#4 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "wq"
  func.call @report(%c_wq) : (tensor<?x?xf32>) -> ()
  %x_bq = tensor.expand_shape %r#5 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_bq = tensor.cast %x_bq : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "bq"
  func.call @report(%c_bq) : (tensor<?x?xf32>) -> ()
  %c_wk = tensor.cast %r#6 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "wk"
  func.call @report(%c_wk) : (tensor<?x?xf32>) -> ()
  %c_wv = tensor.cast %r#7 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "wv"
  func.call @report(%c_wv) : (tensor<?x?xf32>) -> ()
  %x_bv = tensor.expand_shape %r#8 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_bv = tensor.cast %x_bv : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "bv"
  func.call @report(%c_bv) : (tensor<?x?xf32>) -> ()
  %c_wo = tensor.cast %r#9 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "wo"
  func.call @report(%c_wo) : (tensor<?x?xf32>) -> ()
  %x_bo = tensor.expand_shape %r#10 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_bo = tensor.cast %x_bo : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "bo"
  func.call @report(%c_bo) : (tensor<?x?xf32>) -> ()
  %x_ln2_g = tensor.expand_shape %r#11 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_ln2_g = tensor.cast %x_ln2_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "ln2_g"
  func.call @report(%c_ln2_g) : (tensor<?x?xf32>) -> ()
  %x_ln2_b = tensor.expand_shape %r#12 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_ln2_b = tensor.cast %x_ln2_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "ln2_b"
  func.call @report(%c_ln2_b) : (tensor<?x?xf32>) -> ()
  %c_w1 = tensor.cast %r#13 : tensor<16x32xf32> to tensor<?x?xf32>
  vector.print str "w1"
  func.call @report(%c_w1) : (tensor<?x?xf32>) -> ()
  %x_b1 = tensor.expand_shape %r#14 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %c_b1 = tensor.cast %x_b1 : tensor<1x32xf32> to tensor<?x?xf32>
  vector.print str "b1"
  func.call @report(%c_b1) : (tensor<?x?xf32>) -> ()
  %c_w2 = tensor.cast %r#15 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "w2"
  func.call @report(%c_w2) : (tensor<?x?xf32>) -> ()
  %x_b2 = tensor.expand_shape %r#16 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_b2 = tensor.cast %x_b2 : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "b2"
  func.call @report(%c_b2) : (tensor<?x?xf32>) -> ()
  %c_wc = tensor.cast %r#17 : tensor<16x4xf32> to tensor<?x?xf32>
  vector.print str "wc"
  func.call @report(%c_wc) : (tensor<?x?xf32>) -> ()
  %x_bc = tensor.expand_shape %r#18 [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %c_bc = tensor.cast %x_bc : tensor<1x4xf32> to tensor<?x?xf32>
  vector.print str "bc"
  func.call @report(%c_bc) : (tensor<?x?xf32>) -> ()
  %c_m_emb = tensor.cast %r#19 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "m_emb"
  func.call @report(%c_m_emb) : (tensor<?x?xf32>) -> ()
  %c_m_pos = tensor.cast %r#20 : tensor<8x16xf32> to tensor<?x?xf32>
  vector.print str "m_pos"
  func.call @report(%c_m_pos) : (tensor<?x?xf32>) -> ()
  %x_m_ln1_g = tensor.expand_shape %r#21 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_ln1_g = tensor.cast %x_m_ln1_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_ln1_g"
  func.call @report(%c_m_ln1_g) : (tensor<?x?xf32>) -> ()
  %x_m_ln1_b = tensor.expand_shape %r#22 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_ln1_b = tensor.cast %x_m_ln1_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_ln1_b"
  func.call @report(%c_m_ln1_b) : (tensor<?x?xf32>) -> ()
  %c_m_wq = tensor.cast %r#23 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "m_wq"
  func.call @report(%c_m_wq) : (tensor<?x?xf32>) -> ()
  %x_m_bq = tensor.expand_shape %r#24 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_bq = tensor.cast %x_m_bq : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_bq"
  func.call @report(%c_m_bq) : (tensor<?x?xf32>) -> ()
  %c_m_wk = tensor.cast %r#25 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "m_wk"
  func.call @report(%c_m_wk) : (tensor<?x?xf32>) -> ()
  %c_m_wv = tensor.cast %r#26 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "m_wv"
  func.call @report(%c_m_wv) : (tensor<?x?xf32>) -> ()
  %x_m_bv = tensor.expand_shape %r#27 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_bv = tensor.cast %x_m_bv : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_bv"
  func.call @report(%c_m_bv) : (tensor<?x?xf32>) -> ()
  %c_m_wo = tensor.cast %r#28 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "m_wo"
  func.call @report(%c_m_wo) : (tensor<?x?xf32>) -> ()
  %x_m_bo = tensor.expand_shape %r#29 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_bo = tensor.cast %x_m_bo : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_bo"
  func.call @report(%c_m_bo) : (tensor<?x?xf32>) -> ()
  %x_m_ln2_g = tensor.expand_shape %r#30 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_ln2_g = tensor.cast %x_m_ln2_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_ln2_g"
  func.call @report(%c_m_ln2_g) : (tensor<?x?xf32>) -> ()
  %x_m_ln2_b = tensor.expand_shape %r#31 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_ln2_b = tensor.cast %x_m_ln2_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_ln2_b"
  func.call @report(%c_m_ln2_b) : (tensor<?x?xf32>) -> ()
  %c_m_w1 = tensor.cast %r#32 : tensor<16x32xf32> to tensor<?x?xf32>
  vector.print str "m_w1"
  func.call @report(%c_m_w1) : (tensor<?x?xf32>) -> ()
  %x_m_b1 = tensor.expand_shape %r#33 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %c_m_b1 = tensor.cast %x_m_b1 : tensor<1x32xf32> to tensor<?x?xf32>
  vector.print str "m_b1"
  func.call @report(%c_m_b1) : (tensor<?x?xf32>) -> ()
  %c_m_w2 = tensor.cast %r#34 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "m_w2"
  func.call @report(%c_m_w2) : (tensor<?x?xf32>) -> ()
  %x_m_b2 = tensor.expand_shape %r#35 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_m_b2 = tensor.cast %x_m_b2 : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "m_b2"
  func.call @report(%c_m_b2) : (tensor<?x?xf32>) -> ()
  %c_m_wc = tensor.cast %r#36 : tensor<16x4xf32> to tensor<?x?xf32>
  vector.print str "m_wc"
  func.call @report(%c_m_wc) : (tensor<?x?xf32>) -> ()
  %x_m_bc = tensor.expand_shape %r#37 [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %c_m_bc = tensor.cast %x_m_bc : tensor<1x4xf32> to tensor<?x?xf32>
  vector.print str "m_bc"
  func.call @report(%c_m_bc) : (tensor<?x?xf32>) -> ()
  %c_v_emb = tensor.cast %r#38 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "v_emb"
  func.call @report(%c_v_emb) : (tensor<?x?xf32>) -> ()
  %c_v_pos = tensor.cast %r#39 : tensor<8x16xf32> to tensor<?x?xf32>
  vector.print str "v_pos"
  func.call @report(%c_v_pos) : (tensor<?x?xf32>) -> ()
  %x_v_ln1_g = tensor.expand_shape %r#40 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_ln1_g = tensor.cast %x_v_ln1_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_ln1_g"
  func.call @report(%c_v_ln1_g) : (tensor<?x?xf32>) -> ()
  %x_v_ln1_b = tensor.expand_shape %r#41 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_ln1_b = tensor.cast %x_v_ln1_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_ln1_b"
  func.call @report(%c_v_ln1_b) : (tensor<?x?xf32>) -> ()
  %c_v_wq = tensor.cast %r#42 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "v_wq"
  func.call @report(%c_v_wq) : (tensor<?x?xf32>) -> ()
  %x_v_bq = tensor.expand_shape %r#43 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_bq = tensor.cast %x_v_bq : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_bq"
  func.call @report(%c_v_bq) : (tensor<?x?xf32>) -> ()
  %c_v_wk = tensor.cast %r#44 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "v_wk"
  func.call @report(%c_v_wk) : (tensor<?x?xf32>) -> ()
  %c_v_wv = tensor.cast %r#45 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "v_wv"
  func.call @report(%c_v_wv) : (tensor<?x?xf32>) -> ()
  %x_v_bv = tensor.expand_shape %r#46 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_bv = tensor.cast %x_v_bv : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_bv"
  func.call @report(%c_v_bv) : (tensor<?x?xf32>) -> ()
  %c_v_wo = tensor.cast %r#47 : tensor<16x16xf32> to tensor<?x?xf32>
  vector.print str "v_wo"
  func.call @report(%c_v_wo) : (tensor<?x?xf32>) -> ()
  %x_v_bo = tensor.expand_shape %r#48 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_bo = tensor.cast %x_v_bo : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_bo"
  func.call @report(%c_v_bo) : (tensor<?x?xf32>) -> ()
  %x_v_ln2_g = tensor.expand_shape %r#49 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_ln2_g = tensor.cast %x_v_ln2_g : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_ln2_g"
  func.call @report(%c_v_ln2_g) : (tensor<?x?xf32>) -> ()
  %x_v_ln2_b = tensor.expand_shape %r#50 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_ln2_b = tensor.cast %x_v_ln2_b : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_ln2_b"
  func.call @report(%c_v_ln2_b) : (tensor<?x?xf32>) -> ()
  %c_v_w1 = tensor.cast %r#51 : tensor<16x32xf32> to tensor<?x?xf32>
  vector.print str "v_w1"
  func.call @report(%c_v_w1) : (tensor<?x?xf32>) -> ()
  %x_v_b1 = tensor.expand_shape %r#52 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %c_v_b1 = tensor.cast %x_v_b1 : tensor<1x32xf32> to tensor<?x?xf32>
  vector.print str "v_b1"
  func.call @report(%c_v_b1) : (tensor<?x?xf32>) -> ()
  %c_v_w2 = tensor.cast %r#53 : tensor<32x16xf32> to tensor<?x?xf32>
  vector.print str "v_w2"
  func.call @report(%c_v_w2) : (tensor<?x?xf32>) -> ()
  %x_v_b2 = tensor.expand_shape %r#54 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %c_v_b2 = tensor.cast %x_v_b2 : tensor<1x16xf32> to tensor<?x?xf32>
  vector.print str "v_b2"
  func.call @report(%c_v_b2) : (tensor<?x?xf32>) -> ()
  %c_v_wc = tensor.cast %r#55 : tensor<16x4xf32> to tensor<?x?xf32>
  vector.print str "v_wc"
  func.call @report(%c_v_wc) : (tensor<?x?xf32>) -> ()
  %x_v_bc = tensor.expand_shape %r#56 [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %c_v_bc = tensor.cast %x_v_bc : tensor<1x4xf32> to tensor<?x?xf32>
  vector.print str "v_bc"
  func.call @report(%c_v_bc) : (tensor<?x?xf32>) -> ()
  return
}
