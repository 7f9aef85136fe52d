// One pre-LN transformer encoder block with a classification head, one
// complete FP32 training step with softmax cross-entropy and AdamW, in the
// func/linalg/tensor/arith/math form that torch-mlir/IREE-style frontends
// emit. Static shapes, f32 only.
//
// Sizes: batch B = 2, sequence S = 8, model D = 16, heads H = 2 (dh = 8),
// MLP F = 32, vocabulary V = 32, classes C = 4; T = B*S = 16 token rows.
//
//   x0    = emb[ids] + pos                          (B,S,D) -> rows (T,D)
//   h1    = LN1(x0) = (x0 - mean) rsqrt(var + 1e-5) ln1_g + ln1_b  (over D)
//   q,k,v = h1 wq + bq, h1 wk, h1 wv + bv           heads: (B*H, S, dh)
//   P     = softmax_keys(q k^T / sqrt(dh))          linalg.batch_matmul
//   r1    = x0 + merge(P v) wo + bo
//   h2    = LN2(r1);  u = h2 w1 + b1
//   r2    = r1 + gelu(u) w2 + b2,  gelu(u) = 0.5 u (1 + tanh(sqrt(2/pi)(u + 0.044715 u^3)))
//   z     = mean_s(r2) wc + bc                      (B, C)
//   loss  = mean_b( -sum_c y log_softmax(z) )
// Backward: hand-written reverse mode of every line above (comments below);
// the token-embedding gradient is a scatter-add:
//   g_emb[v,:] = sum_{b,s} [ids[b,s] == v] dx0[b,s,:].
// Optimizer: torch.optim.AdamW(lr, betas=(beta1, beta2), eps, weight_decay=wd)
// on every parameter, with the bias corrections passed in (no step counter):
//   m' = beta1 m + (1 - beta1) g;  v' = beta2 v + (1 - beta2) g^2
//   w' = w - lr ((m'/bc1) / (sqrt(v'/bc2) + eps) + wd w)
// with bc1 = 1 - beta1^t, bc2 = 1 - beta2^t at step t = 1, 2, ... This equals
// PyTorch's w (1 - lr wd) - lr/bc1 m' / (sqrt(v')/sqrt(bc2) + eps).
// The embedding table is updated with tensor-level arith ops, every other
// parameter with one fused linalg.generic yielding (w', m', v').
//
// The key projection has no bias: softmax over keys is invariant to it
// (q.(k_j + bk) shifts every score of a row by q.bk), so its exact gradient
// is zero and the computed one is rounding noise, which Adam would blow up
// into lr-sized, implementation-dependent updates.
//
// Arguments (shapes in brackets), 66 in all:
//   parameters (19): emb [V,D], pos [S,D], ln1_g [D], ln1_b [D], wq [D,D], bq [D],
//     wk [D,D], wv [D,D], bv [D], wo [D,D], bo [D], ln2_g [D], ln2_b [D],
//     w1 [D,F], b1 [F], w2 [F,D], b2 [D], wc [D,C], bc [C]
//     (linear weights are stored input x output: y = x w + b)
//   AdamW state (38): m_<p> for the 19 parameters in the same order, then v_<p>
//   batch: ids [B,S] i32 token ids in [0, V), y [B,C] one-hot labels
//   hyper-parameters (f32): lr, beta1, beta2, eps, wd, bc1, bc2
// Results, 58 in all: the 19 updated parameters, the 19 m', the 19 v' (same
// orders), then the loss as tensor<f32>.

#map2 = affine_map<(t, d) -> (t, d)>
#row = affine_map<(t, d) -> (t)>
#col = affine_map<(t, d) -> (d)>
#id1 = affine_map<(i) -> (i)>
#scalar = affine_map<() -> ()>
#bsd = affine_map<(b, s, d) -> (b, s, d)>
#bs = affine_map<(b, s, d) -> (b, s)>
#sd = affine_map<(b, s, d) -> (s, d)>
#bd = affine_map<(b, s, d) -> (b, d)>
#rows3 = affine_map<(g, i, j) -> (g, i)>
#id3 = affine_map<(g, i, j) -> (g, i, j)>
#emb_ids = affine_map<(v, d, b, s) -> (b, s)>
#emb_dx = affine_map<(v, d, b, s) -> (b, s, d)>
#emb_out = affine_map<(v, d, b, s) -> (v, d)>

func.func @train_step(
    // parameters
    %emb: tensor<32x16xf32>, %pos: tensor<8x16xf32>, %ln1_g: tensor<16xf32>, %ln1_b: tensor<16xf32>,
    %wq: tensor<16x16xf32>, %bq: tensor<16xf32>, %wk: tensor<16x16xf32>, %wv: tensor<16x16xf32>,
    %bv: tensor<16xf32>, %wo: tensor<16x16xf32>, %bo: tensor<16xf32>, %ln2_g: tensor<16xf32>,
    %ln2_b: tensor<16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>, %w2: tensor<32x16xf32>,
    %b2: tensor<16xf32>, %wc: tensor<16x4xf32>, %bc: tensor<4xf32>,
    // AdamW first moments m (parameter order)
    %m_emb: tensor<32x16xf32>, %m_pos: tensor<8x16xf32>, %m_ln1_g: tensor<16xf32>, %m_ln1_b: tensor<16xf32>,
    %m_wq: tensor<16x16xf32>, %m_bq: tensor<16xf32>, %m_wk: tensor<16x16xf32>, %m_wv: tensor<16x16xf32>,
    %m_bv: tensor<16xf32>, %m_wo: tensor<16x16xf32>, %m_bo: tensor<16xf32>, %m_ln2_g: tensor<16xf32>,
    %m_ln2_b: tensor<16xf32>, %m_w1: tensor<16x32xf32>, %m_b1: tensor<32xf32>, %m_w2: tensor<32x16xf32>,
    %m_b2: tensor<16xf32>, %m_wc: tensor<16x4xf32>, %m_bc: tensor<4xf32>,
    // AdamW second moments v (parameter order)
    %v_emb: tensor<32x16xf32>, %v_pos: tensor<8x16xf32>, %v_ln1_g: tensor<16xf32>, %v_ln1_b: tensor<16xf32>,
    %v_wq: tensor<16x16xf32>, %v_bq: tensor<16xf32>, %v_wk: tensor<16x16xf32>, %v_wv: tensor<16x16xf32>,
    %v_bv: tensor<16xf32>, %v_wo: tensor<16x16xf32>, %v_bo: tensor<16xf32>, %v_ln2_g: tensor<16xf32>,
    %v_ln2_b: tensor<16xf32>, %v_w1: tensor<16x32xf32>, %v_b1: tensor<32xf32>, %v_w2: tensor<32x16xf32>,
    %v_b2: tensor<16xf32>, %v_wc: tensor<16x4xf32>, %v_bc: tensor<4xf32>,
    // batch
    %ids: tensor<2x8xi32>, %y: tensor<2x4xf32>,
    // hyper-parameters
    %lr: f32, %beta1: f32, %beta2: f32, %eps: f32, %wd: f32, %bc1: f32, %bc2: f32)
    -> (tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>,
        tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>,
        tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %dim = arith.constant 16.0 : f32
  %seq = arith.constant 8.0 : f32
  %nb = arith.constant 2.0 : f32
  %ln_eps = arith.constant 1.0e-05 : f32
  %scale = arith.constant 0.353553385 : f32        // 1/sqrt(dh), dh = 8
  %gelu_k = arith.constant 0.797884583 : f32       // sqrt(2/pi)
  %gelu_a = arith.constant 0.044715 : f32
  %gelu_3a = arith.constant 0.134145 : f32         // 3 * 0.044715
  // Destination tensors and zero-filled accumulators, one per shape.
  %e_16 = tensor.empty() : tensor<16xf32>
  %z_16 = linalg.fill ins(%zero : f32) outs(%e_16 : tensor<16xf32>) -> tensor<16xf32>
  %e_16x16 = tensor.empty() : tensor<16x16xf32>
  %z_16x16 = linalg.fill ins(%zero : f32) outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %e_2x2x8x8 = tensor.empty() : tensor<2x2x8x8xf32>
  %e_4x8x8 = tensor.empty() : tensor<4x8x8xf32>
  %z_4x8x8 = linalg.fill ins(%zero : f32) outs(%e_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %e_4x8 = tensor.empty() : tensor<4x8xf32>
  %z_4x8 = linalg.fill ins(%zero : f32) outs(%e_4x8 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %e_2x8x2x8 = tensor.empty() : tensor<2x8x2x8xf32>
  %e_16x32 = tensor.empty() : tensor<16x32xf32>
  %z_16x32 = linalg.fill ins(%zero : f32) outs(%e_16x32 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %e_2x16 = tensor.empty() : tensor<2x16xf32>
  %z_2x16 = linalg.fill ins(%zero : f32) outs(%e_2x16 : tensor<2x16xf32>) -> tensor<2x16xf32>
  %e_2x4 = tensor.empty() : tensor<2x4xf32>
  %z_2x4 = linalg.fill ins(%zero : f32) outs(%e_2x4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e_2 = tensor.empty() : tensor<2xf32>
  %z_2 = linalg.fill ins(%zero : f32) outs(%e_2 : tensor<2xf32>) -> tensor<2xf32>
  %e_0 = tensor.empty() : tensor<f32>
  %z_0 = linalg.fill ins(%zero : f32) outs(%e_0 : tensor<f32>) -> tensor<f32>
  %e_16x2 = tensor.empty() : tensor<16x2xf32>
  %e_16x4 = tensor.empty() : tensor<16x4xf32>
  %z_16x4 = linalg.fill ins(%zero : f32) outs(%e_16x4 : tensor<16x4xf32>) -> tensor<16x4xf32>
  %e_4 = tensor.empty() : tensor<4xf32>
  %z_4 = linalg.fill ins(%zero : f32) outs(%e_4 : tensor<4xf32>) -> tensor<4xf32>
  %e_4x16 = tensor.empty() : tensor<4x16xf32>
  %e_32x16 = tensor.empty() : tensor<32x16xf32>
  %z_32x16 = linalg.fill ins(%zero : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %e_32 = tensor.empty() : tensor<32xf32>
  %z_32 = linalg.fill ins(%zero : f32) outs(%e_32 : tensor<32xf32>) -> tensor<32xf32>
  %e_8x16 = tensor.empty() : tensor<8x16xf32>
  %z_8x16 = linalg.fill ins(%zero : f32) outs(%e_8x16 : tensor<8x16xf32>) -> tensor<8x16xf32>

  // ---------------------------------------------------------------- forward
  // Embedding gather + positional embedding: x0[b,s,:] = emb[ids[b,s],:] + pos[s,:].
  %e_bsd = tensor.empty() : tensor<2x8x16xf32>
  %x0_3 = linalg.generic {indexing_maps = [#bs, #sd, #bsd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids, %pos : tensor<2x8xi32>, tensor<8x16xf32>) outs(%e_bsd : tensor<2x8x16xf32>) {
  ^bb0(%id: i32, %pi: f32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %col = linalg.index 2 : index
    %ei = tensor.extract %emb[%row, %col] : tensor<32x16xf32>
    %xi = arith.addf %ei, %pi : f32
    linalg.yield %xi : f32
  } -> tensor<2x8x16xf32>
  %x0 = tensor.collapse_shape %x0_3 [[0, 1], [2]] : tensor<2x8x16xf32> into tensor<16x16xf32>

  // Pre-LN attention sub-block: h1 = LN1(x0); r1 = x0 + MHA(h1).
  // %ln1: mean and biased variance over d, xhat = (x - mean) rsqrt(var + 1e-5).
  %ln1_sum = linalg.reduce ins(%x0 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %ln1_xc = linalg.generic {indexing_maps = [#map2, #row, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%x0, %ln1_sum : tensor<16x16xf32>, tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) {
  ^bb0(%xi: f32, %si: f32, %o: f32):
    %mean = arith.divf %si, %dim : f32
    %c = arith.subf %xi, %mean : f32
    linalg.yield %c : f32
  } -> tensor<16x16xf32>
  %ln1_sq = linalg.generic {indexing_maps = [#map2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%ln1_xc : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) {
  ^bb0(%ci: f32, %acc: f32):
    %c2 = arith.mulf %ci, %ci : f32
    %s = arith.addf %acc, %c2 : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %ln1_rstd = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%ln1_sq : tensor<16xf32>) outs(%e_16 : tensor<16xf32>) {
  ^bb0(%si: f32, %o: f32):
    %var = arith.divf %si, %dim : f32
    %ve = arith.addf %var, %ln_eps : f32
    %r = math.rsqrt %ve : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %ln1_xhat, %ln1_out = linalg.generic {indexing_maps = [#map2, #row, #col, #col, #map2, #map2],
                                     iterator_types = ["parallel", "parallel"]}
      ins(%ln1_xc, %ln1_rstd, %ln1_g, %ln1_b : tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%ci: f32, %ri: f32, %gi: f32, %bi: f32, %o0: f32, %o1: f32):
    %xh = arith.mulf %ci, %ri : f32
    %xg = arith.mulf %xh, %gi : f32
    %lo = arith.addf %xg, %bi : f32
    linalg.yield %xh, %lo : f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>)
  // Projections q = h1 wq + bq, k = h1 wk (no bias), v = h1 wv + bv, and the split
  // into heads: (T, D) -> (B, S, H, dh) -> (B, H, S, dh) -> (B*H, S, dh).
  %q_mm = linalg.matmul ins(%ln1_out, %wq : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %q_bb = linalg.broadcast ins(%bq : tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) dimensions = [0]
  %q = linalg.add ins(%q_mm, %q_bb : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %k = linalg.matmul ins(%ln1_out, %wk : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %v_mm = linalg.matmul ins(%ln1_out, %wv : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %v_bb = linalg.broadcast ins(%bv : tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) dimensions = [0]
  %v = linalg.add ins(%v_mm, %v_bb : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %qh_4 = tensor.expand_shape %q [[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
      : tensor<16x16xf32> into tensor<2x8x2x8xf32>
  %qh_t = linalg.transpose ins(%qh_4 : tensor<2x8x2x8xf32>) outs(%e_2x2x8x8 : tensor<2x2x8x8xf32>)
      permutation = [0, 2, 1, 3]
  %qh = tensor.collapse_shape %qh_t [[0, 1], [2], [3]] : tensor<2x2x8x8xf32> into tensor<4x8x8xf32>
  %kh_4 = tensor.expand_shape %k [[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
      : tensor<16x16xf32> into tensor<2x8x2x8xf32>
  %kh_t = linalg.transpose ins(%kh_4 : tensor<2x8x2x8xf32>) outs(%e_2x2x8x8 : tensor<2x2x8x8xf32>)
      permutation = [0, 2, 1, 3]
  %kh = tensor.collapse_shape %kh_t [[0, 1], [2], [3]] : tensor<2x2x8x8xf32> into tensor<4x8x8xf32>
  %vh_4 = tensor.expand_shape %v [[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
      : tensor<16x16xf32> into tensor<2x8x2x8xf32>
  %vh_t = linalg.transpose ins(%vh_4 : tensor<2x8x2x8xf32>) outs(%e_2x2x8x8 : tensor<2x2x8x8xf32>)
      permutation = [0, 2, 1, 3]
  %vh = tensor.collapse_shape %vh_t [[0, 1], [2], [3]] : tensor<2x2x8x8xf32> into tensor<4x8x8xf32>
  // Scores and softmax over the key axis: P = softmax(Qh Kh^T / sqrt(dh)).
  %kht = linalg.transpose ins(%kh : tensor<4x8x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>)
      permutation = [0, 2, 1]
  %scores = linalg.batch_matmul ins(%qh, %kht : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %e_att_rows = tensor.empty() : tensor<4x8xf32>
  %ninf_rows = linalg.fill ins(%ninf : f32) outs(%e_att_rows : tensor<4x8xf32>) -> tensor<4x8xf32>
  %smax = linalg.reduce ins(%scores : tensor<4x8x8xf32>) outs(%ninf_rows : tensor<4x8xf32>) dimensions = [2]
      (%in: f32, %acc: f32) {
        %m = arith.maximumf %in, %acc : f32
        linalg.yield %m : f32
      }
  %sexp = linalg.generic {indexing_maps = [#id3, #rows3, #id3],
                          iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %smax : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>) {
  ^bb0(%si: f32, %mi: f32, %o: f32):
    %d = arith.subf %si, %mi : f32
    %ds = arith.mulf %d, %scale : f32
    %ex = math.exp %ds : f32
    linalg.yield %ex : f32
  } -> tensor<4x8x8xf32>
  %ssum = linalg.reduce ins(%sexp : tensor<4x8x8xf32>) outs(%z_4x8 : tensor<4x8xf32>) dimensions = [2]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %probs = linalg.generic {indexing_maps = [#id3, #rows3, #id3],
                          iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sexp, %ssum : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>) {
  ^bb0(%ei: f32, %si: f32, %o: f32):
    %p = arith.divf %ei, %si : f32
    linalg.yield %p : f32
  } -> tensor<4x8x8xf32>
  // Context P Vh, merged heads, output projection, residual.
  %ctxh = linalg.batch_matmul ins(%probs, %vh : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %ctx_4 = tensor.expand_shape %ctxh [[0, 1], [2], [3]] output_shape [2, 2, 8, 8]
      : tensor<4x8x8xf32> into tensor<2x2x8x8xf32>
  %ctx_t = linalg.transpose ins(%ctx_4 : tensor<2x2x8x8xf32>) outs(%e_2x8x2x8 : tensor<2x8x2x8xf32>)
      permutation = [0, 2, 1, 3]
  %ctx = tensor.collapse_shape %ctx_t [[0, 1], [2, 3]] : tensor<2x8x2x8xf32> into tensor<16x16xf32>
  %attn_mm = linalg.matmul ins(%ctx, %wo : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %attn_bb = linalg.broadcast ins(%bo : tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) dimensions = [0]
  %attn = linalg.add ins(%attn_mm, %attn_bb : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %r1 = linalg.add ins(%x0, %attn : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>

  // Pre-LN MLP sub-block: h2 = LN2(r1); r2 = r1 + gelu(h2 W1 + b1) W2 + b2,
  // gelu(u) = 0.5 u (1 + tanh(sqrt(2/pi) (u + 0.044715 u^3))).
  // %ln2: mean and biased variance over d, xhat = (x - mean) rsqrt(var + 1e-5).
  %ln2_sum = linalg.reduce ins(%r1 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %ln2_xc = linalg.generic {indexing_maps = [#map2, #row, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%r1, %ln2_sum : tensor<16x16xf32>, tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) {
  ^bb0(%xi: f32, %si: f32, %o: f32):
    %mean = arith.divf %si, %dim : f32
    %c = arith.subf %xi, %mean : f32
    linalg.yield %c : f32
  } -> tensor<16x16xf32>
  %ln2_sq = linalg.generic {indexing_maps = [#map2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%ln2_xc : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) {
  ^bb0(%ci: f32, %acc: f32):
    %c2 = arith.mulf %ci, %ci : f32
    %s = arith.addf %acc, %c2 : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %ln2_rstd = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%ln2_sq : tensor<16xf32>) outs(%e_16 : tensor<16xf32>) {
  ^bb0(%si: f32, %o: f32):
    %var = arith.divf %si, %dim : f32
    %ve = arith.addf %var, %ln_eps : f32
    %r = math.rsqrt %ve : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %ln2_xhat, %ln2_out = linalg.generic {indexing_maps = [#map2, #row, #col, #col, #map2, #map2],
                                     iterator_types = ["parallel", "parallel"]}
      ins(%ln2_xc, %ln2_rstd, %ln2_g, %ln2_b : tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%ci: f32, %ri: f32, %gi: f32, %bi: f32, %o0: f32, %o1: f32):
    %xh = arith.mulf %ci, %ri : f32
    %xg = arith.mulf %xh, %gi : f32
    %lo = arith.addf %xg, %bi : f32
    linalg.yield %xh, %lo : f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>)
  %u_mm = linalg.matmul ins(%ln2_out, %w1 : tensor<16x16xf32>, tensor<16x32xf32>)
      outs(%z_16x32 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %u_bb = linalg.broadcast ins(%b1 : tensor<32xf32>) outs(%e_16x32 : tensor<16x32xf32>) dimensions = [0]
  %u = linalg.add ins(%u_mm, %u_bb : tensor<16x32xf32>, tensor<16x32xf32>)
      outs(%e_16x32 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %gl = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%u : tensor<16x32xf32>) outs(%e_16x32 : tensor<16x32xf32>) {
  ^bb0(%ui: f32, %o: f32):
    %u2 = arith.mulf %ui, %ui : f32
    %u3 = arith.mulf %u2, %ui : f32
    %au3 = arith.mulf %gelu_a, %u3 : f32
    %in = arith.addf %ui, %au3 : f32
    %kin = arith.mulf %gelu_k, %in : f32
    %th = math.tanh %kin : f32
    %tp = arith.addf %one, %th : f32
    %hu = arith.mulf %half, %ui : f32
    %g = arith.mulf %hu, %tp : f32
    linalg.yield %g : f32
  } -> tensor<16x32xf32>
  %mo_mm = linalg.matmul ins(%gl, %w2 : tensor<16x32xf32>, tensor<32x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %mo_bb = linalg.broadcast ins(%b2 : tensor<16xf32>) outs(%e_16x16 : tensor<16x16xf32>) dimensions = [0]
  %mo = linalg.add ins(%mo_mm, %mo_bb : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %r2 = linalg.add ins(%r1, %mo : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>

  // Mean-pool over the sequence, classifier, softmax cross-entropy.
  %r2_3 = tensor.expand_shape %r2 [[0, 1], [2]] output_shape [2, 8, 16] : tensor<16x16xf32> into tensor<2x8x16xf32>
  %pool_sum = linalg.reduce ins(%r2_3 : tensor<2x8x16xf32>) outs(%z_2x16 : tensor<2x16xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %pooled = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%pool_sum : tensor<2x16xf32>) outs(%e_2x16 : tensor<2x16xf32>) {
  ^bb0(%si: f32, %o: f32):
    %m = arith.divf %si, %seq : f32
    linalg.yield %m : f32
  } -> tensor<2x16xf32>
  %logits_mm = linalg.matmul ins(%pooled, %wc : tensor<2x16xf32>, tensor<16x4xf32>)
      outs(%z_2x4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %logits_bb = linalg.broadcast ins(%bc : tensor<4xf32>) outs(%e_2x4 : tensor<2x4xf32>) dimensions = [0]
  %logits = linalg.add ins(%logits_mm, %logits_bb : tensor<2x4xf32>, tensor<2x4xf32>)
      outs(%e_2x4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e_rows_b = tensor.empty() : tensor<2xf32>
  %ninf_b = linalg.fill ins(%ninf : f32) outs(%e_rows_b : tensor<2xf32>) -> tensor<2xf32>
  %lmax = linalg.reduce ins(%logits : tensor<2x4xf32>) outs(%ninf_b : tensor<2xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %m = arith.maximumf %in, %acc : f32
        linalg.yield %m : f32
      }
  %lexp = linalg.generic {indexing_maps = [#map2, #row, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%logits, %lmax : tensor<2x4xf32>, tensor<2xf32>) outs(%e_2x4 : tensor<2x4xf32>) {
  ^bb0(%zi: f32, %mi: f32, %o: f32):
    %d = arith.subf %zi, %mi : f32
    %ex = math.exp %d : f32
    linalg.yield %ex : f32
  } -> tensor<2x4xf32>
  %lsum = linalg.reduce ins(%lexp : tensor<2x4xf32>) outs(%z_2 : tensor<2xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %lterm, %dlogits = linalg.generic
      {indexing_maps = [#map2, #row, #map2, #row, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%logits, %lmax, %lexp, %lsum, %y : tensor<2x4xf32>, tensor<2xf32>, tensor<2x4xf32>, tensor<2xf32>, tensor<2x4xf32>)
      outs(%e_2x4, %e_2x4 : tensor<2x4xf32>, tensor<2x4xf32>) {
  ^bb0(%zi: f32, %mi: f32, %ei: f32, %si: f32, %yi: f32, %o0: f32, %o1: f32):
    %ls = math.log %si : f32
    %zm = arith.subf %zi, %mi : f32
    %logp = arith.subf %zm, %ls : f32
    %ylp = arith.mulf %yi, %logp : f32
    %li = arith.negf %ylp : f32
    %p = arith.divf %ei, %si : f32
    %py = arith.subf %p, %yi : f32
    %dz = arith.divf %py, %nb : f32
    linalg.yield %li, %dz : f32, f32
  } -> (tensor<2x4xf32>, tensor<2x4xf32>)
  %ltot = linalg.reduce ins(%lterm : tensor<2x4xf32>) outs(%z_0 : tensor<f32>) dimensions = [0, 1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %loss = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}
      ins(%ltot : tensor<f32>) outs(%e_0 : tensor<f32>) {
  ^bb0(%s: f32, %o: f32):
    %mean = arith.divf %s, %nb : f32
    linalg.yield %mean : f32
  } -> tensor<f32>

  // --------------------------------------------------------------- backward
  // Classifier: g_wc = pooled^T dlogits, g_bc = sum_b dlogits, dpooled = dlogits wc^T.
  %g_wc_xt = linalg.transpose ins(%pooled : tensor<2x16xf32>) outs(%e_16x2 : tensor<16x2xf32>)
      permutation = [1, 0]
  %g_wc = linalg.matmul ins(%g_wc_xt, %dlogits : tensor<16x2xf32>, tensor<2x4xf32>)
      outs(%z_16x4 : tensor<16x4xf32>) -> tensor<16x4xf32>
  %g_bc = linalg.reduce ins(%dlogits : tensor<2x4xf32>) outs(%z_4 : tensor<4xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dpooled_wt = linalg.transpose ins(%wc : tensor<16x4xf32>) outs(%e_4x16 : tensor<4x16xf32>)
      permutation = [1, 0]
  %dpooled = linalg.matmul ins(%dlogits, %dpooled_wt : tensor<2x4xf32>, tensor<4x16xf32>)
      outs(%z_2x16 : tensor<2x16xf32>) -> tensor<2x16xf32>
  // Mean-pool: dr2[b,s,:] = dpooled[b,:] / S.
  %dr2_3 = linalg.generic {indexing_maps = [#bd, #bsd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%dpooled : tensor<2x16xf32>) outs(%e_bsd : tensor<2x8x16xf32>) {
  ^bb0(%gi: f32, %o: f32):
    %g = arith.divf %gi, %seq : f32
    linalg.yield %g : f32
  } -> tensor<2x8x16xf32>
  %dr2 = tensor.collapse_shape %dr2_3 [[0, 1], [2]] : tensor<2x8x16xf32> into tensor<16x16xf32>
  // MLP: g_w2 = gelu(u)^T dr2, g_b2 = sum_t dr2, dgl = dr2 w2^T,
  // du = dgl gelu'(u), gelu'(u) = 0.5 (1 + th) + 0.5 u (1 - th^2) k (1 + 3a u^2).
  %g_w2_xt = linalg.transpose ins(%gl : tensor<16x32xf32>) outs(%e_32x16 : tensor<32x16xf32>)
      permutation = [1, 0]
  %g_w2 = linalg.matmul ins(%g_w2_xt, %dr2 : tensor<32x16xf32>, tensor<16x16xf32>)
      outs(%z_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %g_b2 = linalg.reduce ins(%dr2 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dgl_wt = linalg.transpose ins(%w2 : tensor<32x16xf32>) outs(%e_16x32 : tensor<16x32xf32>)
      permutation = [1, 0]
  %dgl = linalg.matmul ins(%dr2, %dgl_wt : tensor<16x16xf32>, tensor<16x32xf32>)
      outs(%z_16x32 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %du = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%dgl, %u : tensor<16x32xf32>, tensor<16x32xf32>) outs(%e_16x32 : tensor<16x32xf32>) {
  ^bb0(%gi: f32, %ui: f32, %o: f32):
    %u2 = arith.mulf %ui, %ui : f32
    %u3 = arith.mulf %u2, %ui : f32
    %au3 = arith.mulf %gelu_a, %u3 : f32
    %in = arith.addf %ui, %au3 : f32
    %kin = arith.mulf %gelu_k, %in : f32
    %th = math.tanh %kin : f32
    %tp = arith.addf %one, %th : f32
    %left = arith.mulf %half, %tp : f32
    %th2 = arith.mulf %th, %th : f32
    %sech2 = arith.subf %one, %th2 : f32
    %a3u2 = arith.mulf %gelu_3a, %u2 : f32
    %poly = arith.addf %one, %a3u2 : f32
    %kp = arith.mulf %gelu_k, %poly : f32
    %hu = arith.mulf %half, %ui : f32
    %r0 = arith.mulf %hu, %sech2 : f32
    %right = arith.mulf %r0, %kp : f32
    %dg = arith.addf %left, %right : f32
    %dui = arith.mulf %gi, %dg : f32
    linalg.yield %dui : f32
  } -> tensor<16x32xf32>
  %g_w1_xt = linalg.transpose ins(%ln2_out : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %g_w1 = linalg.matmul ins(%g_w1_xt, %du : tensor<16x16xf32>, tensor<16x32xf32>)
      outs(%z_16x32 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %g_b1 = linalg.reduce ins(%du : tensor<16x32xf32>) outs(%z_32 : tensor<32xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dh2_wt = linalg.transpose ins(%w1 : tensor<16x32xf32>) outs(%e_32x16 : tensor<32x16xf32>)
      permutation = [1, 0]
  %dh2 = linalg.matmul ins(%du, %dh2_wt : tensor<16x32xf32>, tensor<32x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  // LN2, plus the residual path: dr1 = dr2 + LN2'(dh2).
  // %ln2 backward: dxhat = dy g; g_g = sum_t dy xhat; g_b = sum_t dy;
  // dx = rstd (dxhat - mean_d(dxhat) - xhat mean_d(dxhat xhat)).
  %ln2_dxh, %ln2_dyx = linalg.generic {indexing_maps = [#map2, #map2, #col, #map2, #map2],
                                   iterator_types = ["parallel", "parallel"]}
      ins(%dh2, %ln2_xhat, %ln2_g : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      outs(%e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%dyi: f32, %xh: f32, %gi: f32, %o0: f32, %o1: f32):
    %dxh = arith.mulf %dyi, %gi : f32
    %dyx = arith.mulf %dyi, %xh : f32
    linalg.yield %dxh, %dyx : f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>)
  %g_ln2_g = linalg.reduce ins(%ln2_dyx : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %g_ln2_b = linalg.reduce ins(%dh2 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %ln2_rsa, %ln2_rsb = linalg.generic {indexing_maps = [#map2, #map2, #row, #row],
                               iterator_types = ["parallel", "reduction"]}
      ins(%ln2_dxh, %ln2_xhat : tensor<16x16xf32>, tensor<16x16xf32>) outs(%z_16, %z_16 : tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%dxh: f32, %xh: f32, %a0: f32, %a1: f32):
    %s0 = arith.addf %a0, %dxh : f32
    %px = arith.mulf %dxh, %xh : f32
    %s1 = arith.addf %a1, %px : f32
    linalg.yield %s0, %s1 : f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>)
  %dr1_ln = linalg.generic {indexing_maps = [#map2, #map2, #row, #row, #row, #map2],
                         iterator_types = ["parallel", "parallel"]}
      ins(%ln2_dxh, %ln2_xhat, %ln2_rsa, %ln2_rsb, %ln2_rstd
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) {
  ^bb0(%dxh: f32, %xh: f32, %ai: f32, %bi: f32, %ri: f32, %o: f32):
    %am = arith.divf %ai, %dim : f32
    %bm = arith.divf %bi, %dim : f32
    %xb = arith.mulf %xh, %bm : f32
    %t0 = arith.subf %dxh, %am : f32
    %t1 = arith.subf %t0, %xb : f32
    %dxi = arith.mulf %t1, %ri : f32
    linalg.yield %dxi : f32
  } -> tensor<16x16xf32>
  %dr1 = linalg.add ins(%dr2, %dr1_ln : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  // Attention output projection: g_wo = ctx^T dr1, g_bo = sum_t dr1, dctx = dr1 wo^T.
  %g_wo_xt = linalg.transpose ins(%ctx : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %g_wo = linalg.matmul ins(%g_wo_xt, %dr1 : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %g_bo = linalg.reduce ins(%dr1 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dctx_wt = linalg.transpose ins(%wo : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %dctx = linalg.matmul ins(%dr1, %dctx_wt : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %dctxh_4 = tensor.expand_shape %dctx [[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
      : tensor<16x16xf32> into tensor<2x8x2x8xf32>
  %dctxh_t = linalg.transpose ins(%dctxh_4 : tensor<2x8x2x8xf32>) outs(%e_2x2x8x8 : tensor<2x2x8x8xf32>)
      permutation = [0, 2, 1, 3]
  %dctxh = tensor.collapse_shape %dctxh_t [[0, 1], [2], [3]] : tensor<2x2x8x8xf32> into tensor<4x8x8xf32>
  // dP = dCtx Vh^T, dVh = P^T dCtx, dS = P (dP - rowsum(dP P)) / sqrt(dh),
  // dQh = dS Kh, dKh = dS^T Qh.
  %vht = linalg.transpose ins(%vh : tensor<4x8x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>)
      permutation = [0, 2, 1]
  %dprobs = linalg.batch_matmul ins(%dctxh, %vht : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %probst = linalg.transpose ins(%probs : tensor<4x8x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>)
      permutation = [0, 2, 1]
  %dvh = linalg.batch_matmul ins(%probst, %dctxh : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %pdot = linalg.generic {indexing_maps = [#id3, #id3, #rows3],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%dprobs, %probs : tensor<4x8x8xf32>, tensor<4x8x8xf32>) outs(%z_4x8 : tensor<4x8xf32>) {
  ^bb0(%dp: f32, %p: f32, %acc: f32):
    %pr = arith.mulf %dp, %p : f32
    %s = arith.addf %acc, %pr : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %dscores = linalg.generic {indexing_maps = [#id3, #id3, #rows3, #id3],
                            iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%dprobs, %probs, %pdot : tensor<4x8x8xf32>, tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>) {
  ^bb0(%dp: f32, %p: f32, %pd: f32, %o: f32):
    %d = arith.subf %dp, %pd : f32
    %ds = arith.mulf %p, %d : f32
    %dss = arith.mulf %ds, %scale : f32
    linalg.yield %dss : f32
  } -> tensor<4x8x8xf32>
  %dqh = linalg.batch_matmul ins(%dscores, %kh : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %dscorest = linalg.transpose ins(%dscores : tensor<4x8x8xf32>) outs(%e_4x8x8 : tensor<4x8x8xf32>)
      permutation = [0, 2, 1]
  %dkh = linalg.batch_matmul ins(%dscorest, %qh : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
      outs(%z_4x8x8 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %dq_4 = tensor.expand_shape %dqh [[0, 1], [2], [3]] output_shape [2, 2, 8, 8]
      : tensor<4x8x8xf32> into tensor<2x2x8x8xf32>
  %dq_t = linalg.transpose ins(%dq_4 : tensor<2x2x8x8xf32>) outs(%e_2x8x2x8 : tensor<2x8x2x8xf32>)
      permutation = [0, 2, 1, 3]
  %dq = tensor.collapse_shape %dq_t [[0, 1], [2, 3]] : tensor<2x8x2x8xf32> into tensor<16x16xf32>
  %dk_4 = tensor.expand_shape %dkh [[0, 1], [2], [3]] output_shape [2, 2, 8, 8]
      : tensor<4x8x8xf32> into tensor<2x2x8x8xf32>
  %dk_t = linalg.transpose ins(%dk_4 : tensor<2x2x8x8xf32>) outs(%e_2x8x2x8 : tensor<2x8x2x8xf32>)
      permutation = [0, 2, 1, 3]
  %dk = tensor.collapse_shape %dk_t [[0, 1], [2, 3]] : tensor<2x8x2x8xf32> into tensor<16x16xf32>
  %dv_4 = tensor.expand_shape %dvh [[0, 1], [2], [3]] output_shape [2, 2, 8, 8]
      : tensor<4x8x8xf32> into tensor<2x2x8x8xf32>
  %dv_t = linalg.transpose ins(%dv_4 : tensor<2x2x8x8xf32>) outs(%e_2x8x2x8 : tensor<2x8x2x8xf32>)
      permutation = [0, 2, 1, 3]
  %dv = tensor.collapse_shape %dv_t [[0, 1], [2, 3]] : tensor<2x8x2x8xf32> into tensor<16x16xf32>
  // Projections: g_wq = h1^T dq, g_bq = sum_t dq, g_wk = h1^T dk, g_wv = h1^T dv,
  // g_bv = sum_t dv; dh1 = dq wq^T + dk wk^T + dv wv^T (accumulated in the matmul outs).
  %g_wq_xt = linalg.transpose ins(%ln1_out : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %g_wq = linalg.matmul ins(%g_wq_xt, %dq : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %g_bq = linalg.reduce ins(%dq : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dh1_q_wt = linalg.transpose ins(%wq : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %dh1_q = linalg.matmul ins(%dq, %dh1_q_wt : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %g_wk_xt = linalg.transpose ins(%ln1_out : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %g_wk = linalg.matmul ins(%g_wk_xt, %dk : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %dh1_qk_wt = linalg.transpose ins(%wk : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %dh1_qk = linalg.matmul ins(%dk, %dh1_qk_wt : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%dh1_q : tensor<16x16xf32>) -> tensor<16x16xf32>
  %g_wv_xt = linalg.transpose ins(%ln1_out : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %g_wv = linalg.matmul ins(%g_wv_xt, %dv : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%z_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %g_bv = linalg.reduce ins(%dv : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %dh1_wt = linalg.transpose ins(%wv : tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>)
      permutation = [1, 0]
  %dh1 = linalg.matmul ins(%dv, %dh1_wt : tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%dh1_qk : tensor<16x16xf32>) -> tensor<16x16xf32>
  // LN1, plus the residual path: dx0 = dr1 + LN1'(dh1).
  // %ln1 backward: dxhat = dy g; g_g = sum_t dy xhat; g_b = sum_t dy;
  // dx = rstd (dxhat - mean_d(dxhat) - xhat mean_d(dxhat xhat)).
  %ln1_dxh, %ln1_dyx = linalg.generic {indexing_maps = [#map2, #map2, #col, #map2, #map2],
                                   iterator_types = ["parallel", "parallel"]}
      ins(%dh1, %ln1_xhat, %ln1_g : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      outs(%e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%dyi: f32, %xh: f32, %gi: f32, %o0: f32, %o1: f32):
    %dxh = arith.mulf %dyi, %gi : f32
    %dyx = arith.mulf %dyi, %xh : f32
    linalg.yield %dxh, %dyx : f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>)
  %g_ln1_g = linalg.reduce ins(%ln1_dyx : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %g_ln1_b = linalg.reduce ins(%dh1 : tensor<16x16xf32>) outs(%z_16 : tensor<16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %ln1_rsa, %ln1_rsb = linalg.generic {indexing_maps = [#map2, #map2, #row, #row],
                               iterator_types = ["parallel", "reduction"]}
      ins(%ln1_dxh, %ln1_xhat : tensor<16x16xf32>, tensor<16x16xf32>) outs(%z_16, %z_16 : tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%dxh: f32, %xh: f32, %a0: f32, %a1: f32):
    %s0 = arith.addf %a0, %dxh : f32
    %px = arith.mulf %dxh, %xh : f32
    %s1 = arith.addf %a1, %px : f32
    linalg.yield %s0, %s1 : f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>)
  %dx0_ln = linalg.generic {indexing_maps = [#map2, #map2, #row, #row, #row, #map2],
                         iterator_types = ["parallel", "parallel"]}
      ins(%ln1_dxh, %ln1_xhat, %ln1_rsa, %ln1_rsb, %ln1_rstd
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16x16 : tensor<16x16xf32>) {
  ^bb0(%dxh: f32, %xh: f32, %ai: f32, %bi: f32, %ri: f32, %o: f32):
    %am = arith.divf %ai, %dim : f32
    %bm = arith.divf %bi, %dim : f32
    %xb = arith.mulf %xh, %bm : f32
    %t0 = arith.subf %dxh, %am : f32
    %t1 = arith.subf %t0, %xb : f32
    %dxi = arith.mulf %t1, %ri : f32
    linalg.yield %dxi : f32
  } -> tensor<16x16xf32>
  %dx0 = linalg.add ins(%dr1, %dx0_ln : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e_16x16 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %dx0_3 = tensor.expand_shape %dx0 [[0, 1], [2]] output_shape [2, 8, 16] : tensor<16x16xf32> into tensor<2x8x16xf32>
  // Positional embedding: g_pos = sum_b dx0. Token embedding (scatter-add):
  // g_emb[v,:] = sum_{b,s} [ids[b,s] == v] dx0[b,s,:].
  %g_pos = linalg.reduce ins(%dx0_3 : tensor<2x8x16xf32>) outs(%z_8x16 : tensor<8x16xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
  %g_emb = linalg.generic {indexing_maps = [#emb_ids, #emb_dx, #emb_out],
                          iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%ids, %dx0_3 : tensor<2x8xi32>, tensor<2x8x16xf32>) outs(%z_32x16 : tensor<32x16xf32>) {
  ^bb0(%id: i32, %gi: f32, %acc: f32):
    %vi = linalg.index 0 : index
    %v32 = arith.index_cast %vi : index to i32
    %hit = arith.cmpi eq, %id, %v32 : i32
    %s = arith.addf %acc, %gi : f32
    %r = arith.select %hit, %s, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32x16xf32>

  // -------------------------------------------------------------- optimizer
  // AdamW (torch.optim.AdamW, decoupled weight decay, no amsgrad):
  //   m' = beta1 m + (1 - beta1) g          (update op: addf, operand beta1 * m)
  //   v' = beta2 v + (1 - beta2) g^2        (update op: addf, operand beta2 * v)
  //   w' = w - lr (m'/bc1 / (sqrt(v'/bc2) + eps) + wd w)   (update op: subf, lhs w)
  %omb1 = arith.subf %one, %beta1 : f32
  %omb2 = arith.subf %one, %beta2 : f32
  // The embedding table: tensor-level arith ops on splatted scalars.
  %s_beta1 = linalg.fill ins(%beta1 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_beta2 = linalg.fill ins(%beta2 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_omb1 = linalg.fill ins(%omb1 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_omb2 = linalg.fill ins(%omb2 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_bc1 = linalg.fill ins(%bc1 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_bc2 = linalg.fill ins(%bc2 : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_eps = linalg.fill ins(%eps : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_wd = linalg.fill ins(%wd : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %s_lr = linalg.fill ins(%lr : f32) outs(%e_32x16 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %emb_bm = arith.mulf %s_beta1, %m_emb : tensor<32x16xf32>
  %emb_g1 = arith.mulf %s_omb1, %g_emb : tensor<32x16xf32>
  %emb_mn = arith.addf %emb_bm, %emb_g1 : tensor<32x16xf32>
  %emb_bv = arith.mulf %s_beta2, %v_emb : tensor<32x16xf32>
  %emb_gg = arith.mulf %g_emb, %g_emb : tensor<32x16xf32>
  %emb_g2 = arith.mulf %s_omb2, %emb_gg : tensor<32x16xf32>
  %emb_vn = arith.addf %emb_bv, %emb_g2 : tensor<32x16xf32>
  %emb_mh = arith.divf %emb_mn, %s_bc1 : tensor<32x16xf32>
  %emb_vh = arith.divf %emb_vn, %s_bc2 : tensor<32x16xf32>
  %emb_sq = math.sqrt %emb_vh : tensor<32x16xf32>
  %emb_den = arith.addf %emb_sq, %s_eps : tensor<32x16xf32>
  %emb_r = arith.divf %emb_mh, %emb_den : tensor<32x16xf32>
  %emb_dw = arith.mulf %s_wd, %emb : tensor<32x16xf32>
  %emb_u = arith.addf %emb_r, %emb_dw : tensor<32x16xf32>
  %emb_s = arith.mulf %s_lr, %emb_u : tensor<32x16xf32>
  %emb_wn = arith.subf %emb, %emb_s : tensor<32x16xf32>
  // Every other parameter: one fused elementwise linalg.generic yielding (w', m', v').
  %pos_wn, %pos_mn, %pos_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%pos, %m_pos, %v_pos, %g_pos : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>)
      outs(%e_8x16, %e_8x16, %e_8x16 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>)
  %ln1_g_wn, %ln1_g_mn, %ln1_g_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%ln1_g, %m_ln1_g, %v_ln1_g, %g_ln1_g : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %ln1_b_wn, %ln1_b_mn, %ln1_b_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%ln1_b, %m_ln1_b, %v_ln1_b, %g_ln1_b : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %wq_wn, %wq_mn, %wq_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%wq, %m_wq, %v_wq, %g_wq : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16, %e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
  %bq_wn, %bq_mn, %bq_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%bq, %m_bq, %v_bq, %g_bq : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %wk_wn, %wk_mn, %wk_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%wk, %m_wk, %v_wk, %g_wk : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16, %e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
  %wv_wn, %wv_mn, %wv_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%wv, %m_wv, %v_wv, %g_wv : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16, %e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
  %bv_wn, %bv_mn, %bv_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%bv, %m_bv, %v_bv, %g_bv : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %wo_wn, %wo_mn, %wo_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%wo, %m_wo, %v_wo, %g_wo : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%e_16x16, %e_16x16, %e_16x16 : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
  %bo_wn, %bo_mn, %bo_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%bo, %m_bo, %v_bo, %g_bo : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %ln2_g_wn, %ln2_g_mn, %ln2_g_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%ln2_g, %m_ln2_g, %v_ln2_g, %g_ln2_g : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %ln2_b_wn, %ln2_b_mn, %ln2_b_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%ln2_b, %m_ln2_b, %v_ln2_b, %g_ln2_b : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %w1_wn, %w1_mn, %w1_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%w1, %m_w1, %v_w1, %g_w1 : tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>)
      outs(%e_16x32, %e_16x32, %e_16x32 : tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>)
  %b1_wn, %b1_mn, %b1_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%b1, %m_b1, %v_b1, %g_b1 : tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
      outs(%e_32, %e_32, %e_32 : tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
  %w2_wn, %w2_mn, %w2_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%w2, %m_w2, %v_w2, %g_w2 : tensor<32x16xf32>, tensor<32x16xf32>, tensor<32x16xf32>, tensor<32x16xf32>)
      outs(%e_32x16, %e_32x16, %e_32x16 : tensor<32x16xf32>, tensor<32x16xf32>, tensor<32x16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<32x16xf32>, tensor<32x16xf32>, tensor<32x16xf32>)
  %b2_wn, %b2_mn, %b2_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%b2, %m_b2, %v_b2, %g_b2 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
      outs(%e_16, %e_16, %e_16 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
  %wc_wn, %wc_mn, %wc_vn = linalg.generic
      {indexing_maps = [#map2, #map2, #map2, #map2, #map2, #map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%wc, %m_wc, %v_wc, %g_wc : tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>)
      outs(%e_16x4, %e_16x4, %e_16x4 : tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>)
  %bc_wn, %bc_mn, %bc_vn = linalg.generic
      {indexing_maps = [#id1, #id1, #id1, #id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%bc, %m_bc, %v_bc, %g_bc : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      outs(%e_4, %e_4, %e_4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%wi: f32, %mi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32, %o2: f32):
    %a_bm = arith.mulf %beta1, %mi : f32
    %a_g1 = arith.mulf %omb1, %gi : f32
    %a_mn = arith.addf %a_bm, %a_g1 : f32
    %a_bv = arith.mulf %beta2, %vi : f32
    %a_gg = arith.mulf %gi, %gi : f32
    %a_g2 = arith.mulf %omb2, %a_gg : f32
    %a_vn = arith.addf %a_bv, %a_g2 : f32
    %a_mh = arith.divf %a_mn, %bc1 : f32
    %a_vh = arith.divf %a_vn, %bc2 : f32
    %a_sq = math.sqrt %a_vh : f32
    %a_den = arith.addf %a_sq, %eps : f32
    %a_r = arith.divf %a_mh, %a_den : f32
    %a_dw = arith.mulf %wd, %wi : f32
    %a_u = arith.addf %a_r, %a_dw : f32
    %a_s = arith.mulf %lr, %a_u : f32
    %a_wn = arith.subf %wi, %a_s : f32
    linalg.yield %a_wn, %a_mn, %a_vn : f32, f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)

  return %emb_wn, %pos_wn, %ln1_g_wn, %ln1_b_wn, %wq_wn,
         %bq_wn, %wk_wn, %wv_wn, %bv_wn, %wo_wn,
         %bo_wn, %ln2_g_wn, %ln2_b_wn, %w1_wn, %b1_wn,
         %w2_wn, %b2_wn, %wc_wn, %bc_wn,
         %emb_mn, %pos_mn, %ln1_g_mn, %ln1_b_mn, %wq_mn,
         %bq_mn, %wk_mn, %wv_mn, %bv_mn, %wo_mn,
         %bo_mn, %ln2_g_mn, %ln2_b_mn, %w1_mn, %b1_mn,
         %w2_mn, %b2_mn, %wc_mn, %bc_mn,
         %emb_vn, %pos_vn, %ln1_g_vn, %ln1_b_vn, %wq_vn,
         %bq_vn, %wk_vn, %wv_vn, %bv_vn, %wo_vn,
         %bo_vn, %ln2_g_vn, %ln2_b_vn, %w1_vn, %b1_vn,
         %w2_vn, %b2_vn, %wc_vn, %bc_vn, %loss
      : tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>,
        tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>,
        tensor<32x16xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16x16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
        tensor<16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>,
        tensor<16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>,
        tensor<16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<f32>
}
