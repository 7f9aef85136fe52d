/* Times the kernels of kernels.mlir compiled by bf16-opt
 * (--bf16-train-to-llvm) through their C interface, on one pinned core
 * (core 0; with --no-pin, on the cores the caller allows: ours.sh --threads).
 * Prints "name value unit" lines for benchmarks/ours.sh. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  void *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} D1;
typedef struct {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} D2;
typedef struct {
  D1 a, b;
} D1x2;

void _mlir_ciface_gemm(D2 *out, D2 *a, D2 *b);
void _mlir_ciface_rne(D1 *out, D1 *x, D1 *y);
void _mlir_ciface_sr(D1 *out, D1 *w, D1 *u, int64_t step);
void _mlir_ciface_sr16(D1 *out, D1 *w, D1 *u, int64_t step);
void _mlir_ciface_kahan(D1x2 *out, D1 *w, D1 *c, D1 *u);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
static D1 d1(void *p, int64_t n) {
  D1 d = {p, p, 0, {n}, {1}};
  return d;
}
static D2 d2(void *p, int64_t r, int64_t c) {
  D2 d = {p, p, 0, {r, c}, {c, 1}};
  return d;
}

int main(int argc, char **argv) {
  if (!(argc > 1 && strcmp(argv[1], "--no-pin") == 0)) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  const int64_t n = 1 << 24, m = 1024;
  uint16_t *a = malloc(m * m * 2), *b = malloc(m * m * 2);
  for (int64_t i = 0; i < m * m; ++i) {
    a[i] = 0x3F80 + (i % 7);
    b[i] = 0x3C00 + (i % 5);
  }
  D2 da = d2(a, m, m), db = d2(b, m, m), dout;
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    double t = now();
    _mlir_ciface_gemm(&dout, &da, &db);
    t = now() - t;
    if (t < best)
      best = t;
    free(dout.allocated);
  }
  printf("gemm_1024 %.3f GFLOP/s\n", 2.0 * m * m * m / best / 1e9);

  float *x = malloc(n * 4);
  uint16_t *w = malloc(n * 2), *c = malloc(n * 2), *u = malloc(n * 2),
           *y = malloc(n * 2);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = (float)(i % 1000) * 0.001f;
    w[i] = 0x3F80;
    c[i] = 0;
    u[i] = 0x3B00;
    y[i] = 0;
  }
  D1 dx = d1(x, n), dy = d1(y, n), dw = d1(w, n), dc = d1(c, n), du = d1(u, n),
     o1;
  D1x2 o2;
  best = 1e30;
  for (int r = 0; r < 3; ++r) {
    double t = now();
    _mlir_ciface_rne(&o1, &dx, &dy);
    t = now() - t;
    if (t < best)
      best = t;
  }
  printf("rne %.2f GB/s\n", 6.0 * n / best / 1e9);
  int srInPlace = 1;
  best = 1e30;
  for (int r = 0; r < 3; ++r) {
    double t = now();
    _mlir_ciface_sr(&o1, &dw, &du, r);
    t = now() - t;
    if (t < best)
      best = t;
    srInPlace &= o1.aligned == w;
  }
  printf("sr_add %.2f GB/s\n", 6.0 * n / best / 1e9);
  int sr16InPlace = 1;
  best = 1e30;
  for (int r = 0; r < 3; ++r) {
    double t = now();
    _mlir_ciface_sr16(&o1, &dw, &du, r);
    t = now() - t;
    if (t < best)
      best = t;
    sr16InPlace &= o1.aligned == w;
  }
  printf("sr16_add %.2f GB/s\n", 6.0 * n / best / 1e9);
  best = 1e30;
  for (int r = 0; r < 3; ++r) {
    double t = now();
    _mlir_ciface_kahan(&o2, &dw, &dc, &du);
    t = now() - t;
    if (t < best)
      best = t;
  }
  printf("kahan %.2f GB/s\n", 10.0 * n / best / 1e9);
  /* In place: the results alias the arguments. */
  printf("in_place %s\n",
         srInPlace && sr16InPlace && o2.a.aligned == w && o2.b.aligned == c
             ? "yes"
             : "no");
  return 0;
}
