// RUN: bf16-opt %s --bf16-convert-truncf-to-lowp | FileCheck %s --check-prefix=FTZ
// RUN: bf16-opt %s --bf16-convert-truncf-to-lowp=mode=nearest_even | FileCheck %s --check-prefix=IEEE
// RUN: not bf16-opt %s --bf16-convert-truncf-to-lowp=mode=toward_zero 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: for the --mode option: Cannot find option named 'toward_zero'!

// FTZ-LABEL: func.func @f
// FTZ: lowp.round nearest_even_ftz %{{.*}} : (f32) -> bf16
// FTZ: lowp.round nearest_even_ftz %{{.*}} : (vector<16xf32>) -> vector<16xbf16>
// FTZ: lowp.round nearest_even_ftz %{{.*}} : (tensor<4xf32>) -> tensor<4xbf16>
// Other truncations are not ours.
// FTZ: arith.truncf %{{.*}} : f64 to f32
// FTZ-NOT: arith.truncf %{{.*}} to bf16
// IEEE-COUNT-3: lowp.round nearest_even %
func.func @f(%a: f32, %v: vector<16xf32>, %t: tensor<4xf32>, %d: f64)
    -> (bf16, vector<16xbf16>, tensor<4xbf16>, f32) {
  %0 = arith.truncf %a : f32 to bf16
  %1 = arith.truncf %v : vector<16xf32> to vector<16xbf16>
  %2 = arith.truncf %t : tensor<4xf32> to tensor<4xbf16>
  %3 = arith.truncf %d : f64 to f32
  return %0, %1, %2, %3 : bf16, vector<16xbf16>, tensor<4xbf16>, f32
}
