// RUN: bf16-opt %s --bf16-fuse-random-bits-into-elementwise --split-input-file | FileCheck %s
// RUN: bf16-opt %s --bf16-fuse-random-bits-into-elementwise=lanes=4 --split-input-file \
// RUN:   | FileCheck %s --check-prefix=L4
// RUN: not bf16-opt %s --bf16-fuse-random-bits-into-elementwise=lanes=65 --split-input-file 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// BAD: error: bf16-fuse-random-bits-into-elementwise: lanes=65 must be in [1, 64]

// An SGD-momentum-like update, in place on %w and %m: 150 elements = 2 runs
// of 64 in the loop + 22 after it. The bits never become a tensor: each run
// computes 16 Philox blocks and shuffles them into 4 vectors of 16, which
// lowp.sr_add consumes directly. The runs are independent, so the loop is an
// scf.forall whose shared outputs are %w and %m: each run reads and writes
// its own 64-element slice of them and inserts it back in parallel; %g is
// read from its flattened input at the run's offset, %lr is broadcast.
#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @momentum
// CHECK-SAME: (%[[W:.*]]: tensor<3x50xbf16>, %[[M:.*]]: tensor<3x50xbf16>, %[[G:.*]]: tensor<3x50xbf16>, %[[LR:.*]]: bf16, %[[STEP:.*]]: i64)
// CHECK-NOT: lowp.random_bits
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[GF:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1]] : tensor<3x50xbf16> into tensor<150xbf16>
// CHECK-DAG: %[[WF:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0, 1]] : tensor<3x50xbf16> into tensor<150xbf16>
// CHECK-DAG: %[[MF:.*]] = tensor.collapse_shape %[[M]] {{\[\[}}0, 1]] : tensor<3x50xbf16> into tensor<150xbf16>
// CHECK: %[[L:.*]]:2 = scf.forall (%[[OFF:.*]]) = (0) to (128) step (64) shared_outs(%[[SW:.*]] = %[[WF]], %[[SM:.*]] = %[[MF]]) -> (tensor<150xbf16>, tensor<150xbf16>)
// CHECK: %[[TW:.*]] = tensor.extract_slice %[[SW]][%[[OFF]]] [64] [1] : tensor<150xbf16> to tensor<64xbf16>
// CHECK: %[[TM:.*]] = tensor.extract_slice %[[SM]][%[[OFF]]] [64] [1] : tensor<150xbf16> to tensor<64xbf16>
// CHECK: arith.shrui %[[OFF]], %{{.*}} : index
// CHECK-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CHECK: %[[B0:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 32, 33, 2, 3, 34, 35, {{.*}}] : vector<32xi32>, vector<32xi32>
// CHECK: %[[B1:.*]] = vector.shuffle %{{.*}}, %{{.*}} [8, 9, 40, 41, {{.*}}] : vector<32xi32>, vector<32xi32>
// CHECK: %[[B2:.*]] = vector.shuffle %{{.*}}, %{{.*}} [16, 17, 48, 49, {{.*}}] : vector<32xi32>, vector<32xi32>
// CHECK: %[[B3:.*]] = vector.shuffle %{{.*}}, %{{.*}} [24, 25, 56, 57, {{.*}}] : vector<32xi32>, vector<32xi32>
// CHECK: %[[O0:.*]] = arith.addi %[[OFF]], %{{.*}} : index
// CHECK-DAG: %[[W0:.*]] = vector.transfer_read %[[TW]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<64xbf16>, vector<16xbf16>
// CHECK-DAG: %[[M0:.*]] = vector.transfer_read %[[TM]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<64xbf16>, vector<16xbf16>
// CHECK-DAG: %[[G0:.*]] = vector.transfer_read %[[GF]][%[[O0]]], %{{.*}} {in_bounds = [true]} : tensor<150xbf16>, vector<16xbf16>
// CHECK: %[[NM0:.*]] = arith.addf %[[M0]], %[[G0]] : vector<16xbf16>
// CHECK: %[[LRV:.*]] = vector.broadcast %[[LR]] : bf16 to vector<16xbf16>
// CHECK: %[[U0:.*]] = arith.mulf %[[LRV]], %[[NM0]] : vector<16xbf16>
// CHECK: %[[S0:.*]] = lowp.sr_add %[[W0]], %[[U0]], %[[B0]] : vector<16xbf16>, vector<16xbf16>, vector<16xi32>
// CHECK: %[[TW1:.*]] = vector.transfer_write %[[S0]], %[[TW]][%{{.*}}] {in_bounds = [true]} : vector<16xbf16>, tensor<64xbf16>
// CHECK: %[[TM1:.*]] = vector.transfer_write %[[NM0]], %[[TM]][%{{.*}}] {in_bounds = [true]} : vector<16xbf16>, tensor<64xbf16>
// The next slice reads what the previous one wrote (the same slice chain).
// CHECK: vector.transfer_read %[[TW1]]
// CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %[[B1]]
// CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %[[B2]]
// CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %[[B3]]
// CHECK: scf.forall.in_parallel {
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[SW]][%[[OFF]]] [64] [1] : tensor<64xbf16> into tensor<150xbf16>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[SM]][%[[OFF]]] [64] [1] : tensor<64xbf16> into tensor<150xbf16>
// The last 22 elements: 6 blocks, one straight-line run on vector<22>.
// CHECK: %[[C128B:.*]] = arith.constant 128 : index
// CHECK-COUNT-20: arith.muli {{.*}} : vector<6xi64>
// CHECK: %[[BR:.*]] = vector.shuffle {{.*}} : vector<12xi32>, vector<12xi32>
// CHECK: %[[WR:.*]] = vector.transfer_read %[[L]]#0[%[[C128B]]], %{{.*}} {in_bounds = [true]} : tensor<150xbf16>, vector<22xbf16>
// CHECK: lowp.sr_add %[[WR]], %{{.*}}, %[[BR]] : vector<22xbf16>, vector<22xbf16>, vector<22xi32>
// CHECK: %[[RW:.*]] = vector.transfer_write %{{.*}}, %[[L]]#0[%[[C128B]]] {in_bounds = [true]} : vector<22xbf16>, tensor<150xbf16>
// CHECK: %[[RM:.*]] = vector.transfer_write %{{.*}}, %[[L]]#1[%[[C128B]]] {in_bounds = [true]} : vector<22xbf16>, tensor<150xbf16>
// CHECK: %[[EW:.*]] = tensor.expand_shape %[[RW]] {{\[\[}}0, 1]] output_shape [3, 50] : tensor<150xbf16> into tensor<3x50xbf16>
// CHECK: %[[EM:.*]] = tensor.expand_shape %[[RM]] {{\[\[}}0, 1]] output_shape [3, 50] : tensor<150xbf16> into tensor<3x50xbf16>
// CHECK: return %[[EW]], %[[EM]]
// lanes=4: runs of 16 elements on vector<4xi32> blocks, slices of 4.
// L4-LABEL: func.func @momentum
// L4: scf.forall (%{{.*}}) = (0) to (144) step (16) shared_outs
// L4: lowp.sr_add {{.*}} : vector<4xbf16>, vector<4xbf16>, vector<4xi32>
// L4: vector.transfer_read {{.*}} vector<6xbf16>
// L4: lowp.sr_add {{.*}} : vector<6xbf16>, vector<6xbf16>, vector<6xi32>
func.func @momentum(%w: tensor<3x50xbf16>, %m: tensor<3x50xbf16>, %g: tensor<3x50xbf16>,
                    %lr: bf16, %step: i64) -> (tensor<3x50xbf16>, tensor<3x50xbf16>) {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 3 : i32
  %r = lowp.random_bits %seed, %stream, %step : tensor<3x50xi32>
  %n:2 = linalg.generic {indexing_maps = [#id, #id, #id, #id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w, %m, %g, %r : tensor<3x50xbf16>, tensor<3x50xbf16>, tensor<3x50xbf16>, tensor<3x50xi32>)
      outs(%w, %m : tensor<3x50xbf16>, tensor<3x50xbf16>) {
  ^bb0(%wi: bf16, %mi: bf16, %gi: bf16, %ri: i32, %o0: bf16, %o1: bf16):
    %nm = arith.addf %mi, %gi : bf16
    %u = arith.mulf %lr, %nm : bf16
    %s = lowp.sr_add %wi, %u, %ri : bf16, bf16, i32
    linalg.yield %s, %nm : bf16, bf16
  } -> (tensor<3x50xbf16>, tensor<3x50xbf16>)
  return %n#0, %n#1 : tensor<3x50xbf16>, tensor<3x50xbf16>
}

// -----

// Two streams of bits in one body (two random_bits inputs), 1-D, exactly
// one run: no remainder. The random_bits op that still has another use is
// kept for it; the other one is erased.
#id1 = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @two_streams
// CHECK: %[[KEEP:.*]] = lowp.random_bits %{{.*}}, %{{.*}}, %{{.*}} : tensor<64xi32>
// CHECK-NOT: lowp.random_bits
// CHECK: scf.forall
// CHECK-COUNT-40: arith.muli {{.*}} : vector<16xi64>
// CHECK-COUNT-4: lowp.sr_add {{.*}} : vector<16xbf16>, vector<16xf32>, vector<16xi32>
// CHECK: tensor.parallel_insert_slice
// CHECK-NOT: lowp.sr_add
// CHECK: return %{{.*}}, %[[KEEP]]
func.func @two_streams(%w: tensor<64xbf16>, %x: tensor<64xf32>, %step: i64) -> (tensor<64xbf16>, tensor<64xi32>) {
  %seed = arith.constant 7 : i64
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %r1 = lowp.random_bits %seed, %s1, %step : tensor<64xi32>
  %r2 = lowp.random_bits %seed, %s2, %step : tensor<64xi32>
  %n = linalg.generic {indexing_maps = [#id1, #id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%x, %r1, %r2 : tensor<64xf32>, tensor<64xi32>, tensor<64xi32>) outs(%w : tensor<64xbf16>) {
  ^bb0(%xi: f32, %a: i32, %b: i32, %wi: bf16):
    %c = arith.xori %a, %b : i32
    %s = lowp.sr_add %wi, %xi, %c : bf16, f32, i32
    linalg.yield %s : bf16
  } -> tensor<64xbf16>
  return %n, %r2 : tensor<64xbf16>, tensor<64xi32>
}

// -----

// Left alone: fewer elements than one run of 64, a transposed map, an index
// op in the body, a reduction, and a body with a region.
#id1 = affine_map<(i) -> (i)>
#id = affine_map<(i, j) -> (i, j)>
#tr = affine_map<(i, j) -> (j, i)>
#row = affine_map<(i, j) -> (i)>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.forall
// CHECK-COUNT-5: linalg.generic
// CHECK-NOT: scf.forall
func.func @left_alone(%w: tensor<40xbf16>, %u: tensor<40xbf16>, %w2: tensor<8x8xbf16>,
                      %u2: tensor<8x8xbf16>, %acc: tensor<8xbf16>, %p: i1, %step: i64)
    -> (tensor<40xbf16>, tensor<8x8xbf16>, tensor<8x8xbf16>, tensor<8xbf16>, tensor<8x8xbf16>) {
  %seed = arith.constant 7 : i64
  %st = arith.constant 0 : i32
  %r = lowp.random_bits %seed, %st, %step : tensor<40xi32>
  %a = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%u, %r : tensor<40xbf16>, tensor<40xi32>) outs(%w : tensor<40xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i32
    linalg.yield %s : bf16
  } -> tensor<40xbf16>
  %r2 = lowp.random_bits %seed, %st, %step : tensor<8x8xi32>
  %b = linalg.generic {indexing_maps = [#tr, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%u2, %r2 : tensor<8x8xbf16>, tensor<8x8xi32>) outs(%w2 : tensor<8x8xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i32
    linalg.yield %s : bf16
  } -> tensor<8x8xbf16>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%u2, %r2 : tensor<8x8xbf16>, tensor<8x8xi32>) outs(%w2 : tensor<8x8xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
    %i = linalg.index 0 : index
    %i32 = arith.index_cast %i : index to i32
    %q = arith.addi %ri, %i32 : i32
    %s = lowp.sr_add %wi, %ui, %q : bf16, bf16, i32
    linalg.yield %s : bf16
  } -> tensor<8x8xbf16>
  %d = linalg.generic {indexing_maps = [#id, #id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%u2, %r2 : tensor<8x8xbf16>, tensor<8x8xi32>) outs(%acc : tensor<8xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %ai: bf16):
    %s = lowp.sr_add %ai, %ui, %ri : bf16, bf16, i32
    linalg.yield %s : bf16
  } -> tensor<8xbf16>
  %e = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%u2, %r2 : tensor<8x8xbf16>, tensor<8x8xi32>) outs(%w2 : tensor<8x8xbf16>) {
  ^bb0(%ui: bf16, %ri: i32, %wi: bf16):
    %s = scf.if %p -> bf16 {
      %t = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i32
      scf.yield %t : bf16
    } else {
      scf.yield %wi : bf16
    }
    linalg.yield %s : bf16
  } -> tensor<8x8xbf16>
  return %a, %b, %c, %d, %e : tensor<40xbf16>, tensor<8x8xbf16>, tensor<8x8xbf16>, tensor<8xbf16>, tensor<8x8xbf16>
}

// -----

// Stream v2 (i16 bits) with 16-bit operands: the pair layout. A run is 16
// blocks = 128 elements, four pair slices of 32: the 32 bf16 of a slice are
// read as 16 i32 pairs, the body runs on the even (low halves) and the odd
// (high halves) elements, and the results are paired again. The bits of a
// slice are one vector<16xi32> of words in element order: words 0 and 1 of
// each block paired in an i64 (the low 32-bit halves of their i64 lanes),
// interleaved with words 2 and 3; word q's halves are the bits of elements
// 2q and 2q + 1, so they need no shuffle. 300 elements = 2 runs + 44 after
// the loop (the unpaired form).
// CHECK-LABEL: func.func @sr16
// CHECK-NOT: lowp.random_bits
// CHECK: scf.forall (%[[OFF:.*]]) = (0) to (256) step (128) shared_outs(%[[SW:.*]] = %{{.*}}) -> (tensor<300xbf16>)
// CHECK: %[[T:.*]] = tensor.extract_slice %[[SW]][%[[OFF]]] [128] [1] : tensor<300xbf16> to tensor<128xbf16>
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: arith.shrui %[[OFF]], %[[C3]] : index
// CHECK-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CHECK-NOT: arith.muli
// CHECK: %[[L01:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 32, 2, 34, 4, 36, {{.*}}, 30, 62] : vector<32xi32>, vector<32xi32>
// CHECK: %[[Q01:.*]] = vector.bitcast %[[L01]] : vector<32xi32> to vector<16xi64>
// CHECK: %[[L23:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 32, 2, 34, 4, 36, {{.*}}, 30, 62] : vector<32xi32>, vector<32xi32>
// CHECK: %[[Q23:.*]] = vector.bitcast %[[L23]] : vector<32xi32> to vector<16xi64>
// CHECK: %[[P0:.*]] = vector.shuffle %[[Q01]], %[[Q23]] [0, 16, 1, 17, 2, 18, 3, 19] : vector<16xi64>, vector<16xi64>
// CHECK: %[[W0:.*]] = vector.bitcast %[[P0]] : vector<8xi64> to vector<16xi32>
// CHECK: vector.shuffle %[[Q01]], %[[Q23]] [4, 20, 5, 21, 6, 22, 7, 23]
// CHECK: vector.shuffle %[[Q01]], %[[Q23]] [8, 24, 9, 25, 10, 26, 11, 27]
// CHECK: vector.shuffle %[[Q01]], %[[Q23]] [12, 28, 13, 29, 14, 30, 15, 31]
// CHECK: %[[WR:.*]] = vector.transfer_read %[[T]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<128xbf16>, vector<32xbf16>
// CHECK: %[[WP:.*]] = vector.bitcast %{{.*}} : vector<32xi16> to vector<16xi32>
// CHECK-DAG: %[[RE:.*]] = arith.trunci %[[W0]] : vector<16xi32> to vector<16xi16>
// CHECK-DAG: %[[RHI:.*]] = arith.shrui %[[W0]], %{{.*}} : vector<16xi32>
// CHECK-DAG: %[[RO:.*]] = arith.trunci %[[RHI]] : vector<16xi32> to vector<16xi16>
// CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %[[RE]] : vector<16xbf16>, vector<16xbf16>, vector<16xi16>
// CHECK: lowp.sr_add %{{.*}}, %{{.*}}, %[[RO]] : vector<16xbf16>, vector<16xbf16>, vector<16xi16>
// CHECK: %[[PAIRS:.*]] = arith.ori %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: vector.bitcast %[[PAIRS]] : vector<16xi32> to vector<32xi16>
// CHECK: vector.transfer_write %{{.*}}, %[[T]][%{{.*}}] {in_bounds = [true]} : vector<32xbf16>, tensor<128xbf16>
// CHECK-COUNT-6: lowp.sr_add {{.*}} : vector<16xbf16>, vector<16xbf16>, vector<16xi16>
// CHECK-NOT: lowp.sr_add
// CHECK: scf.forall.in_parallel {
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[SW]][%[[OFF]]] [128] [1] : tensor<128xbf16> into tensor<300xbf16>
// CHECK-COUNT-20: arith.muli {{.*}} : vector<6xi64>
// CHECK: vector.bitcast %{{.*}} : vector<22xi32> to vector<44xi16>
// CHECK: lowp.sr_add {{.*}} : vector<44xbf16>, vector<44xbf16>, vector<44xi16>
// CHECK: return
// L4-LABEL: func.func @sr16
// L4: scf.forall
// L4: lowp.sr_add {{.*}} : vector<4xbf16>, vector<4xbf16>, vector<4xi16>
func.func @sr16(%w: tensor<300xbf16>, %u: tensor<300xbf16>, %step: i64) -> tensor<300xbf16> {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 3 : i32
  %r = lowp.random_bits %seed, %stream, %step : tensor<300xi16>
  %n = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%u, %r : tensor<300xbf16>, tensor<300xi16>) outs(%w : tensor<300xbf16>) {
  ^bb0(%ui: bf16, %ri: i16, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, bf16, i16
    linalg.yield %s : bf16
  } -> tensor<300xbf16>
  return %n : tensor<300xbf16>
}

// -----

// A v1 and a v2 stream in one body: runs of 128 (the v2 density), 32 v1
// blocks and 16 v2 blocks per run.
// CHECK-LABEL: func.func @mixed
// CHECK: scf.forall
// CHECK-COUNT-20: arith.muli {{.*}} : vector<32xi64>
// CHECK-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CHECK-COUNT-8: lowp.round stochastic {{.*}} : (vector<16xf32>, vector<16xi32>) -> vector<16xbf16>
// CHECK: scf.forall.in_parallel
func.func @mixed(%x: tensor<256xf32>, %y: tensor<256xf32>, %step: i64) -> (tensor<256xbf16>, tensor<256xbf16>) {
  %seed = arith.constant 7 : i64
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %r1 = lowp.random_bits %seed, %s1, %step : tensor<256xi32>
  %r2 = lowp.random_bits %seed, %s2, %step : tensor<256xi16>
  %e = tensor.empty() : tensor<256xbf16>
  %n:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>,
                                          affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                         iterator_types = ["parallel"]}
      ins(%x, %y, %r1, %r2 : tensor<256xf32>, tensor<256xf32>, tensor<256xi32>, tensor<256xi16>)
      outs(%e, %e : tensor<256xbf16>, tensor<256xbf16>) {
  ^bb0(%xi: f32, %yi: f32, %a: i32, %b: i16, %o0: bf16, %o1: bf16):
    %p = lowp.round stochastic %xi, %a : (f32, i32) -> bf16
    %q = lowp.round stochastic %yi, %b : (f32, i16) -> bf16
    linalg.yield %p, %q : bf16, bf16
  } -> (tensor<256xbf16>, tensor<256xbf16>)
  return %n#0, %n#1 : tensor<256xbf16>, tensor<256xbf16>
}

// -----

// v2 bits but an f32 operand: not the pair layout; eight slices of 16 with
// the bits as i16 halves.
// CHECK-LABEL: func.func @sr16_f32_update
// CHECK: scf.forall
// CHECK: vector.bitcast %{{.*}} : vector<8xi32> to vector<16xi16>
// CHECK: vector.transfer_read {{.*}} : tensor<128xf32>, vector<16xf32>
// CHECK-COUNT-8: lowp.sr_add {{.*}} : vector<16xbf16>, vector<16xf32>, vector<16xi16>
// CHECK: scf.forall.in_parallel
func.func @sr16_f32_update(%w: tensor<128xbf16>, %u: tensor<128xf32>, %step: i64) -> tensor<128xbf16> {
  %seed = arith.constant 7 : i64
  %stream = arith.constant 3 : i32
  %r = lowp.random_bits %seed, %stream, %step : tensor<128xi16>
  %n = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%u, %r : tensor<128xf32>, tensor<128xi16>) outs(%w : tensor<128xbf16>) {
  ^bb0(%ui: f32, %ri: i16, %wi: bf16):
    %s = lowp.sr_add %wi, %ui, %ri : bf16, f32, i16
    linalg.yield %s : bf16
  } -> tensor<128xbf16>
  return %n : tensor<128xbf16>
}
