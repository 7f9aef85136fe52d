// Every bf16 operation rounds to bf16, including the intermediate values
// of a chain inside one linalg.generic body. arith's extf(truncf(x)) -> x
// folder fires when the conversions carry `contract` (which
// arith-emulate-unsupported-floats puts on them); --bf16-train-to-llvm must
// drop those flags first, or the compiled step silently keeps intermediate
// values in f32 and stops computing what the IR says. (It did: the BF16
// PyTorch-oracle tests of logreg passed by this accident.)
//
// a = 1, b = 2^-9: a + b = 1 + 2^-9 rounds to 1 in bf16 (a quarter ulp), so
// (a + b) - a is 0; without the intermediate rounding it is 2^-9 = 0.00195312.
// The same chain with tanh: tanh(2^-9) ~ 2^-9 with no rounding of a + b.
//
// RUN: bf16-opt %s --bf16-train-to-llvm=target=emulated \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%runner_utils_lib,%c_runner_utils_lib | FileCheck %s
// RUN: bf16-opt %s --bf16-train-to-llvm="target=emulated vectorize=false" \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%runner_utils_lib,%c_runner_utils_lib | FileCheck %s
// RUN: %if avx512bf16 %{ bf16-opt %s --bf16-train-to-llvm=target=avx512bf16 \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%runner_utils_lib,%c_runner_utils_lib | FileCheck %s %}

// CHECK-COUNT-3: [0,  0,  0,  0]
// CHECK-NOT: 0.00195

#id = affine_map<(d0) -> (d0)>
func.func @chain(%a: tensor<4xbf16>, %b: tensor<4xbf16>)
    -> (tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>) {
  // Tensor-level arith (becomes one linalg.generic per op).
  %t = arith.addf %a, %b : tensor<4xbf16>
  %r0 = arith.subf %t, %a : tensor<4xbf16>
  // The same chain inside one body.
  %e = tensor.empty() : tensor<4xbf16>
  %r1, %r2 = linalg.generic {indexing_maps = [#id, #id, #id, #id],
                             iterator_types = ["parallel"]}
      ins(%a, %b : tensor<4xbf16>, tensor<4xbf16>) outs(%e, %e : tensor<4xbf16>, tensor<4xbf16>) {
  ^bb0(%x: bf16, %y: bf16, %o0: bf16, %o1: bf16):
    %s = arith.addf %x, %y : bf16
    %d = arith.subf %s, %x : bf16
    %th = math.tanh %d : bf16
    linalg.yield %d, %th : bf16, bf16
  } -> (tensor<4xbf16>, tensor<4xbf16>)
  return %r0, %r1, %r2 : tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%v: tensor<4xbf16>) {
  %f = arith.extf %v : tensor<4xbf16> to tensor<4xf32>
  %u = tensor.cast %f : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %a = arith.constant dense<1.0> : tensor<4xbf16>
  %b = arith.constant dense<0.001953125> : tensor<4xbf16>
  %r:3 = call @chain(%a, %b) : (tensor<4xbf16>, tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>)
  call @print(%r#0) : (tensor<4xbf16>) -> ()
  call @print(%r#1) : (tensor<4xbf16>) -> ()
  call @print(%r#2) : (tensor<4xbf16>) -> ()
  return
}
