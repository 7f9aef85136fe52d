// RUN: bf16-opt %s --bf16-convert-random-bits-to-vector --split-input-file | FileCheck %s
// RUN: bf16-opt %s --bf16-convert-random-bits-to-vector=lanes=4 --split-input-file \
// RUN:   | FileCheck %s --check-prefix=L4
// The blocked form survives cleanup: one Philox block (20 products) per
// lane, not per element, after -canonicalize -cse.
// RUN: bf16-opt %s --bf16-convert-random-bits-to-vector -canonicalize -cse \
// RUN:   --split-input-file | FileCheck %s --check-prefix=CLEAN
// RUN: not bf16-opt %s --bf16-convert-random-bits-to-vector=lanes=0 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// BAD: error: bf16-convert-random-bits-to-vector: lanes=0 must be in [1, 64]

// 100 elements = one run of 64 (16 blocks) in the loop + a run of 36
// (9 blocks) after it, stored as 16 + 16 + 4; then reshaped to 2x50.
// CHECK-LABEL: func.func @rank2
// CHECK-SAME: (%[[SEED:.*]]: i64, %[[STREAM:.*]]: i32, %[[STEP:.*]]: i64)
// CHECK-NOT: lowp.random_bits
// CHECK: %[[E:.*]] = tensor.empty() : tensor<100xi32>
// CHECK: %[[LOOP:.*]] = scf.for %[[OFF:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T:.*]] = %[[E]]) -> (tensor<100xi32>)
// Counter word 0: lo32(offset / 4) + lane.
// CHECK: %[[B:.*]] = arith.shrui %[[OFF]], %{{.*}} : index
// CHECK: %[[B32:.*]] = arith.index_castui %[[B]] : index to i32
// CHECK: %[[IOTA:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : vector<16xi32>
// CHECK: %[[BB:.*]] = vector.broadcast %[[B32]] : i32 to vector<16xi32>
// CHECK: %[[CTR0:.*]] = arith.addi %[[BB]], %[[IOTA]] : vector<16xi32>
// Key from the seed, counter words 1-3 from stream and step (hi32 too); the
// words are held zero-extended in i64 lanes, so each product is one exact
// 64-bit multiply whose halves are hi and lo.
// CHECK-DAG: arith.trunci %[[SEED]] : i64 to i32
// CHECK-DAG: arith.shrui %[[SEED]], %{{.*}} : i64
// CHECK-DAG: %[[C0:.*]] = arith.extui %[[CTR0]] : vector<16xi32> to vector<16xi64>
// CHECK-DAG: arith.extui %[[STREAM]] : i32 to i64
// CHECK-DAG: arith.trunci %[[STEP]] : i64 to i32
// CHECK-DAG: arith.shrui %[[STEP]], %{{.*}} : i64
// CHECK: arith.muli %{{.*}}, %[[C0]] : vector<16xi64>
// CHECK-COUNT-19: arith.muli {{.*}} : vector<16xi64>
// CHECK-NOT: arith.muli
// CHECK-COUNT-4: arith.trunci {{.*}} : vector<16xi64> to vector<16xi32>
// Words (w0, w1) and (w2, w3) zipped, then 4 x 16 elements in element order.
// CHECK: %[[Z01:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, {{.*}}, 15, 31] : vector<16xi32>, vector<16xi32>
// CHECK: %[[Z23:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, {{.*}}, 15, 31] : vector<16xi32>, vector<16xi32>
// CHECK: %[[V0:.*]] = vector.shuffle %[[Z01]], %[[Z23]] [0, 1, 32, 33, 2, 3, 34, 35, 4, 5, 36, 37, 6, 7, 38, 39] : vector<32xi32>, vector<32xi32>
// CHECK: %[[V1:.*]] = vector.shuffle %[[Z01]], %[[Z23]] [8, 9, 40, 41, {{.*}}, 14, 15, 46, 47]
// CHECK: %[[V2:.*]] = vector.shuffle %[[Z01]], %[[Z23]] [16, 17, 48, 49, {{.*}}, 22, 23, 54, 55]
// CHECK: %[[V3:.*]] = vector.shuffle %[[Z01]], %[[Z23]] [24, 25, 56, 57, {{.*}}, 30, 31, 62, 63]
// CHECK: %[[W0:.*]] = vector.transfer_write %[[V0]], %[[T]][%{{.*}}] {in_bounds = [true]} : vector<16xi32>, tensor<100xi32>
// CHECK: %[[W1:.*]] = vector.transfer_write %[[V1]], %[[W0]]
// CHECK: %[[W2:.*]] = vector.transfer_write %[[V2]], %[[W1]]
// CHECK: %[[W3:.*]] = vector.transfer_write %[[V3]], %[[W2]]
// CHECK: scf.yield %[[W3]] : tensor<100xi32>
// The remainder: 36 elements from 9 blocks, starting at block 64 / 4.
// CHECK: dense<[0, 1, 2, 3, 4, 5, 6, 7, 8]> : vector<9xi32>
// CHECK-COUNT-20: arith.muli {{.*}} : vector<9xi64>
// CHECK: vector.shuffle {{.*}} : vector<9xi32>, vector<9xi32>
// CHECK: vector.shuffle {{.*}} : vector<9xi32>, vector<9xi32>
// CHECK: %[[TAIL:.*]] = vector.shuffle %{{.*}}, %{{.*}} [16, 17, 34, 35] : vector<18xi32>, vector<18xi32>
// CHECK: %[[R0:.*]] = vector.transfer_write %{{.*}}, %[[LOOP]][%{{.*}}] {in_bounds = [true]} : vector<16xi32>, tensor<100xi32>
// CHECK: %[[R1:.*]] = vector.transfer_write %{{.*}}, %[[R0]][%{{.*}}] {in_bounds = [true]} : vector<16xi32>, tensor<100xi32>
// CHECK: %[[R2:.*]] = vector.transfer_write %[[TAIL]], %[[R1]][%{{.*}}] {in_bounds = [true]} : vector<4xi32>, tensor<100xi32>
// CHECK: %[[X:.*]] = tensor.expand_shape %[[R2]] {{\[}}[0, 1]] output_shape [2, 50] : tensor<100xi32> into tensor<2x50xi32>
// CHECK: return %[[X]]

// With 4 lanes the loop takes runs of 16 elements (96 of them); the last
// 4 elements are one block on vector<1xi32>.
// L4-LABEL: func.func @rank2
// L4: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// L4: dense<[0, 1, 2, 3]> : vector<4xi32>
// L4-COUNT-20: arith.muli {{.*}} : vector<4xi64>
// L4-COUNT-4: vector.transfer_write {{.*}} : vector<4xi32>, tensor<100xi32>
// L4: scf.yield
// L4: dense<0> : vector<1xi32>
// L4-COUNT-20: arith.muli {{.*}} : vector<1xi64>
// L4: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3] : vector<2xi32>, vector<2xi32>
// L4: vector.transfer_write {{.*}} : vector<4xi32>, tensor<100xi32>
// L4: tensor.expand_shape

func.func @rank2(%seed: i64, %stream: i32, %step: i64) -> tensor<2x50xi32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<2x50xi32>
  return %0 : tensor<2x50xi32>
}

// -----

// A multiple of 64: the loop only, no remainder, no reshape.
// CHECK-LABEL: func.func @whole_runs
// CHECK: %[[LOOP:.*]] = scf.for
// CHECK-COUNT-4: vector.transfer_write {{.*}} : vector<16xi32>, tensor<128xi32>
// CHECK: scf.yield
// CHECK-NOT: vector.transfer_write
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[LOOP]]
// CLEAN-LABEL: func.func @whole_runs
// CLEAN: scf.for
// CLEAN-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CLEAN-NOT: arith.muli
// CLEAN: scf.yield
func.func @whole_runs(%seed: i64, %stream: i32, %step: i64) -> tensor<128xi32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<128xi32>
  return %0 : tensor<128xi32>
}

// -----

// Fewer than 64 elements: no loop; 5 elements are 2 blocks.
// CHECK-LABEL: func.func @five
// CHECK-NOT: scf.for
// CHECK: dense<[0, 1]> : vector<2xi32>
// CHECK-COUNT-20: arith.muli {{.*}} : vector<2xi64>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 1, 3] : vector<2xi32>, vector<2xi32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 1, 3] : vector<2xi32>, vector<2xi32>
// CHECK: %[[V:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 4, 5, 2] : vector<4xi32>, vector<4xi32>
// CHECK: %[[W:.*]] = vector.transfer_write %[[V]], %{{.*}} {in_bounds = [true]} : vector<5xi32>, tensor<5xi32>
// CHECK: return %[[W]]
func.func @five(%seed: i64, %stream: i32, %step: i64) -> tensor<5xi32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// Rank 0: element 0, word 0 of block 0, through a 1-element tensor.
// CHECK-LABEL: func.func @rank0
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1xi32>
// CHECK-NOT: scf.for
// CHECK-COUNT-20: arith.muli {{.*}} : vector<1xi64>
// CHECK: %[[V:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0] : vector<2xi32>, vector<2xi32>
// CHECK: %[[W:.*]] = vector.transfer_write %[[V]], %[[E]][%{{.*}}] {in_bounds = [true]} : vector<1xi32>, tensor<1xi32>
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[W]] [] : tensor<1xi32> into tensor<i32>
// CHECK: return %[[R]]
func.func @rank0(%seed: i64, %stream: i32, %step: i64) -> tensor<i32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<i32>
  return %0 : tensor<i32>
}

// -----

// No elements: nothing to compute.
// CHECK-LABEL: func.func @no_elements
// CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<0x3xi32>
// CHECK-NEXT: return %[[E]]
func.func @no_elements(%seed: i64, %stream: i32, %step: i64) -> tensor<0x3xi32> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<0x3xi32>
  return %0 : tensor<0x3xi32>
}

// -----

// Scalars and vectors are left for bf16-convert-lowp-to-arith.
// CHECK-LABEL: func.func @not_tensors
// CHECK: lowp.random_bits %{{.*}} : i32
// CHECK: lowp.random_bits %{{.*}} : vector<16xi32>
// CHECK-NOT: arith.muli
func.func @not_tensors(%seed: i64, %stream: i32, %step: i64) -> (i32, vector<16xi32>) {
  %0 = lowp.random_bits %seed, %stream, %step : i32
  %1 = lowp.random_bits %seed, %stream, %step : vector<16xi32>
  return %0, %1 : i32, vector<16xi32>
}

// -----

// Stream v2 (i16): a run is 16 blocks = 128 elements. 300 elements = two
// runs in the loop + a run of 44 (6 blocks). Counter word 0 is
// lo32(offset / 8) + lane; each vector<16xi32> of words in element order
// is bitcast to 32 i16 elements (low half first).
// CHECK-LABEL: func.func @v2
// CHECK: %[[E:.*]] = tensor.empty() : tensor<300xi16>
// CHECK: scf.for %[[OFF:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[E]]) -> (tensor<300xi16>)
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[B:.*]] = arith.shrui %[[OFF]], %[[C3]] : index
// CHECK: arith.index_castui %[[B]] : index to i32
// CHECK-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CHECK: vector.bitcast %{{.*}} : vector<8xi32> to vector<16xi16>
// CHECK-COUNT-8: vector.transfer_write {{.*}} : vector<16xi16>, tensor<300xi16>
// CHECK: scf.yield
// CHECK: dense<[0, 1, 2, 3, 4, 5]> : vector<6xi32>
// CHECK-COUNT-20: arith.muli {{.*}} : vector<6xi64>
// CHECK: vector.transfer_write {{.*}} : vector<12xi16>, tensor<300xi16>
// CHECK-NOT: scf.for
// CHECK: return
// CLEAN-LABEL: func.func @v2
// CLEAN: scf.for
// CLEAN-COUNT-20: arith.muli {{.*}} : vector<16xi64>
// CLEAN-NOT: arith.muli {{.*}} : vector<16xi64>
// CLEAN: scf.yield
// L4-LABEL: func.func @v2
// L4: scf.for
// L4: dense<[0, 1, 2, 3]> : vector<4xi32>
// L4-COUNT-20: arith.muli {{.*}} : vector<4xi64>
// L4-COUNT-8: vector.transfer_write {{.*}} : vector<4xi16>, tensor<300xi16>
// L4: scf.yield
func.func @v2(%seed: i64, %stream: i32, %step: i64) -> tensor<300xi16> {
  %0 = lowp.random_bits %seed, %stream, %step : tensor<300xi16>
  return %0 : tensor<300xi16>
}
