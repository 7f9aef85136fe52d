//===- CAPI.cpp - C ABI of the reference numerics ------------------------===//
//
// Part of bf16-opt. Thin extern "C" wrappers over bf16/Numerics/Reference.h.
//
//===----------------------------------------------------------------------===//

#include "bf16-c/Numerics.h"
#include "bf16/Numerics/Reference.h"

using namespace bf16::ref;

static bool validMode(int mode) {
  return mode >= LOWP_ROUND_NEAREST_EVEN && mode <= LOWP_ROUND_STOCHASTIC;
}

extern "C" {

int lowp_numerics_abi_version(void) { return LOWP_NUMERICS_ABI_VERSION; }

uint16_t lowp_round_f32_to_bf16(uint32_t b, int mode, uint32_t r, int *ok) {
  if (!validMode(mode)) {
    if (ok)
      *ok = 0;
    return 0xFFFFu;
  }
  if (ok)
    *ok = 1;
  return roundF32ToBF16(b, static_cast<Rounding>(mode), r);
}

uint16_t lowp_rne_ieee(uint32_t b) { return rneIEEE(b); }
uint16_t lowp_rne_ftz(uint32_t b) { return rneFTZ(b); }
uint16_t lowp_rtz(uint32_t b) { return rtz(b); }
uint16_t lowp_sr(uint32_t b, uint32_t r) { return sr(b, r); }
uint32_t lowp_bf16_to_f32(uint16_t h) { return bf16ToF32Bits(h); }

uint16_t lowp_sr_add(uint16_t w, uint32_t u, int uIsF32, uint32_t r) {
  return uIsF32 ? srAddF32(w, u, r) : srAddBF16(w, static_cast<uint16_t>(u), r);
}

int lowp_kahan_update(uint16_t w, uint16_t c, uint16_t u, int mode,
                      uint16_t *wOut, uint16_t *cOut) {
  if (mode != LOWP_ROUND_NEAREST_EVEN && mode != LOWP_ROUND_NEAREST_EVEN_FTZ)
    return -1;
  KahanResult k = kahanUpdate(w, c, u, static_cast<Rounding>(mode));
  if (wOut)
    *wOut = k.w;
  if (cOut)
    *cOut = k.c;
  return 0;
}

void lowp_split_update(uint16_t hi, uint16_t lo, uint32_t u, int uIsF32,
                       uint16_t *hiOut, uint16_t *loOut) {
  SplitResult r = splitUpdate(hi, lo, uIsF32 ? u : bf16ToF32Bits(u));
  if (hiOut)
    *hiOut = r.hi;
  if (loOut)
    *loOut = r.lo;
}

void lowp_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                        uint32_t out[4]) {
  std::array<uint32_t, 4> r =
      philox4x32_10({ctr[0], ctr[1], ctr[2], ctr[3]}, {key[0], key[1]});
  for (int i = 0; i < 4; ++i)
    out[i] = r[i];
}

uint32_t lowp_random_bits(uint64_t seed, uint32_t stream, uint64_t step,
                          uint64_t index) {
  return randomBits(seed, stream, step, index);
}

void lowp_random_bits_fill(uint64_t seed, uint32_t stream, uint64_t step,
                           uint64_t first, uint32_t *out, size_t n) {
  randomBitsFill(seed, stream, step, first, out, n);
}

uint16_t lowp_random_bits16(uint64_t seed, uint32_t stream, uint64_t step,
                            uint64_t index) {
  return randomBits16(seed, stream, step, index);
}

void lowp_random_bits16_fill(uint64_t seed, uint32_t stream, uint64_t step,
                             uint64_t first, uint16_t *out, size_t n) {
  randomBits16Fill(seed, stream, step, first, out, n);
}

void lowp_round_f32_to_bf16_array(const uint32_t *in, uint16_t *out, size_t n,
                                  int mode, const uint32_t *randomBits) {
  if (!validMode(mode)) {
    for (size_t i = 0; i < n; ++i)
      out[i] = 0xFFFFu;
    return;
  }
  Rounding m = static_cast<Rounding>(mode);
  for (size_t i = 0; i < n; ++i)
    out[i] = roundF32ToBF16(in[i], m, randomBits ? randomBits[i] : 0u);
}

uint32_t lowp_dot_bf16_pair(uint32_t acc, uint16_t a0, uint16_t a1, uint16_t b0,
                            uint16_t b1) {
  return dotBF16Pair(acc, a0, a1, b0, b1);
}

void lowp_gemm_bf16(size_t m, size_t n, size_t k, const uint16_t *a,
                    const uint16_t *b, uint32_t *c) {
  gemmBF16(m, n, k, a, b, c);
}

} // extern "C"
