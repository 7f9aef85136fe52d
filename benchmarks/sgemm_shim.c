/*===- sgemm_shim.c - Route BLAS sgemm_ to oneDNN's dnnl_sgemm -----------===//
 *
 * Part of bf16-opt's benchmark harness (benchmarks/README.md).
 *
 * Debian's python3-torch 1.13 runs FP32 matmuls through the BLAS behind
 * libblas.so.3, which on a stock Debian 12 is the Netlib *reference* BLAS
 * (package libblas3): a few GFLOP/s, not a meaningful FP32 peer. BF16
 * matmuls go to oneDNN (libdnnl.so.2). To compare like with like, peers.py
 * can re-run its FP32 measurements with this library in LD_PRELOAD: it
 * defines the Fortran `sgemm_` that libtorch_cpu imports and forwards the
 * call to oneDNN's `dnnl_sgemm` from the libdnnl.so.2 that torch already
 * loads. Every other BLAS routine stays Netlib's.
 *
 * BLAS is column-major, dnnl_sgemm row-major: a column-major C = op(A) op(B)
 * (m x n) is the row-major C^T = op(B)^T op(A)^T (n x m), so the call swaps
 * the operands, their transposition flags and m/n.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int64_t dim_t;
typedef int (*dnnl_sgemm_fn)(char transa, char transb, dim_t M, dim_t N,
                             dim_t K, float alpha, const float *A, dim_t lda,
                             const float *B, dim_t ldb, float beta, float *C,
                             dim_t ldc);

static dnnl_sgemm_fn resolve(void) {
  static dnnl_sgemm_fn fn;
  if (!fn) {
    void *h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_GLOBAL);
    if (h)
      fn = (dnnl_sgemm_fn)dlsym(h, "dnnl_sgemm");
    if (!fn) {
      fprintf(stderr, "sgemm_shim: cannot load dnnl_sgemm from libdnnl.so.2\n");
      abort();
    }
  }
  return fn;
}

static long calls;

/* Lets peers.py check that the shim is really in use. */
long bf16_bench_sgemm_shim_calls(void) { return calls; }

/* Fortran BLAS signature (all arguments by reference; the hidden lengths of
 * the character arguments, if passed, are ignored). */
void sgemm_(const char *transa, const char *transb, const int *m, const int *n,
            const int *k, const float *alpha, const float *a, const int *lda,
            const float *b, const int *ldb, const float *beta, float *c,
            const int *ldc) {
  ++calls;
  int status = resolve()(*transb, *transa, *n, *m, *k, *alpha, b, *ldb, a, *lda,
                         *beta, c, *ldc);
  if (status != 0) {
    fprintf(stderr, "sgemm_shim: dnnl_sgemm failed with status %d\n", status);
    abort();
  }
}
