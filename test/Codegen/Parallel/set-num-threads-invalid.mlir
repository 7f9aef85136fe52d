// RUN: bf16-opt %s --verify-diagnostics --bf16-set-num-threads

// The runtime thread count needs its own symbols.
// expected-error @+1 {{bf16-set-num-threads: the module already defines a symbol named like '__bf16_num_threads'}}
module {
  func.func private @__bf16_num_threads() -> i32
  func.func @step() {
    omp.parallel {
      omp.terminator
    }
    return
  }
}
