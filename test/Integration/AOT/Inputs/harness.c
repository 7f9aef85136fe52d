/* A C caller written only against the documented C ABI (docs/Runtime.md):
 * memref descriptors in, the result descriptor through the leading pointer.
 * It checks the AOT-compiled @matmul bit for bit against a C reference with
 * the same semantics: exact bf16 products, f32 accumulation in vdpbf16ps
 * pair order (pairs of k in increasing order, the odd element first),
 * one round to nearest even with denormals flushed (vcvtneps2bf16). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint16_t *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} Desc2;

void _mlir_ciface_matmul(Desc2 *out, Desc2 *a, Desc2 *b);

static float widen(uint16_t h) {
  uint32_t b = (uint32_t)h << 16;
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static uint16_t round_ftz(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  if ((b & 0x7FFFFFFFu) > 0x7F800000u)
    return (uint16_t)((b >> 16) | 0x40);
  if ((b & 0x7F800000u) == 0)
    return (uint16_t)((b >> 16) & 0x8000);
  return (uint16_t)((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}
static Desc2 desc(uint16_t *p, int64_t r, int64_t c) {
  Desc2 d = {p, p, 0, {r, c}, {c, 1}};
  return d;
}

int main(void) {
  uint16_t a[4 * 8], b[8 * 3];
  uint32_t s = 12345;
  for (int i = 0; i < 32; ++i) {
    s = s * 1103515245u + 12345u;
    a[i] = round_ftz((float)((int)(s >> 16) % 201 - 100) / 37.0f);
  }
  for (int i = 0; i < 24; ++i) {
    s = s * 1103515245u + 12345u;
    b[i] = round_ftz((float)((int)(s >> 16) % 201 - 100) / 53.0f);
  }
  Desc2 da = desc(a, 4, 8), db = desc(b, 8, 3), out;
  _mlir_ciface_matmul(&out, &da, &db);
  int bad = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) {
      float acc = 0.0f;
      /* The order of vdpbf16ps (and of the GEMM kernel, on every target):
       * K pairs in increasing order, the odd element of a pair first. The
       * products of two bf16 are exact in f32, so each step is one rounding. */
      for (int k = 0; k < 8; k += 2) {
        acc += widen(a[i * 8 + k + 1]) * widen(b[(k + 1) * 3 + j]);
        acc += widen(a[i * 8 + k]) * widen(b[k * 3 + j]);
      }
      uint16_t want = round_ftz(acc);
      uint16_t got =
          out.aligned[out.offset + i * out.strides[0] + j * out.strides[1]];
      if (got != want) {
        printf("mismatch [%d,%d]: 0x%04x vs 0x%04x\n", i, j, got, want);
        ++bad;
      }
    }
  if (out.sizes[0] != 4 || out.sizes[1] != 3) {
    printf("bad result shape\n");
    return 1;
  }
  if (out.allocated != a && out.allocated != b)
    free(out.allocated);
  printf("aot: %d of 12 elements bit-exact\n", 12 - bad);
  return bad != 0;
}
