/*===- bf16-c/Numerics.h - C ABI of the reference numerics ---------*- C -*-===*
 *
 * Plain C interface to the bf16-opt reference numerics (see
 * include/bf16/Numerics/Reference.h for the C++ API and docs/Numerics.md for
 * the exact semantics). Every function is pure and thread-safe. Values cross
 * the ABI as raw bit patterns: FP32 as uint32_t, BF16 as uint16_t, so that
 * NaN payloads and signed zeros survive every language binding (ctypes).
 *
 * This header is the contract used by the Python bindings
 * (python/bf16_opt/numerics.py) and by later runtimes.
 *
 *===----------------------------------------------------------------------===*/

#ifndef BF16_C_NUMERICS_H
#define BF16_C_NUMERICS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version; bumped on any incompatible change. */
#define LOWP_NUMERICS_ABI_VERSION 3
int lowp_numerics_abi_version(void);

/* Rounding modes, numbered as the dialect's `#lowp.rounding` enum. */
enum {
  LOWP_ROUND_NEAREST_EVEN = 0, /* IEEE RNE, denormals kept (arith.truncf) */
  LOWP_ROUND_NEAREST_EVEN_FTZ =
      1,                      /* RNE, denormal inputs -> +-0 (vcvtneps2bf16) */
  LOWP_ROUND_TOWARD_ZERO = 2, /* truncation */
  LOWP_ROUND_STOCHASTIC = 3   /* add low 16 random bits, truncate */
};

/* FP32 -> BF16 under one mode. `random_bits` is used only by
 * LOWP_ROUND_STOCHASTIC (its low 16 bits). Unknown modes return 0xFFFF and
 * set *ok to 0 when ok is non-null. */
uint16_t lowp_round_f32_to_bf16(uint32_t f32_bits, int mode,
                                uint32_t random_bits, int *ok);

uint16_t lowp_rne_ieee(uint32_t f32_bits);
uint16_t lowp_rne_ftz(uint32_t f32_bits);
uint16_t lowp_rtz(uint32_t f32_bits);
uint16_t lowp_sr(uint32_t f32_bits, uint32_t random_bits);

/* BF16 -> FP32, exact. */
uint32_t lowp_bf16_to_f32(uint16_t bf16_bits);

/* lowp.sr_add: s = fl32(f32(w) + f32(u)) (IEEE RNE FP32 addition),
 * result = SR(s, random_bits). u_is_f32 selects whether `u_bits` holds an
 * FP32 pattern (1) or a BF16 pattern in its low 16 bits (0). */
uint16_t lowp_sr_add(uint16_t w, uint32_t u_bits, int u_is_f32,
                     uint32_t random_bits);

/* lowp.kahan_update, the four steps of NUMERICS.md section 4; each step is a
 * BF16 op computed as FP32 op then rounded with `mode` (NEAREST_EVEN or
 * NEAREST_EVEN_FTZ). Returns 0 on success, -1 on an invalid mode. */
int lowp_kahan_update(uint16_t w, uint16_t c, uint16_t u, int mode,
                      uint16_t *w_out, uint16_t *c_out);

/* lowp.split_update (16+16 split master weight): m = f32((hi << 16) | lo),
 * s = fl32(m + u) (IEEE RNE FP32 addition), hi' = upper 16 bits of s (NaN
 * quieted), lo' = lower 16 bits. u_is_f32 as for lowp_sr_add. */
void lowp_split_update(uint16_t hi, uint16_t lo, uint32_t u_bits, int u_is_f32,
                       uint16_t *hi_out, uint16_t *lo_out);

/* Philox4x32-10 block function (Salmon et al., SC'11; Random123). */
void lowp_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                        uint32_t out[4]);

/* lowp.random_bits for one element index. */
uint32_t lowp_random_bits(uint64_t seed, uint32_t stream, uint64_t step,
                          uint64_t index);

/* lowp.random_bits for indices [first, first + n). */
void lowp_random_bits_fill(uint64_t seed, uint32_t stream, uint64_t step,
                           uint64_t first, uint32_t *out, size_t n);

/* lowp.random_bits with i16 elements (stream v2: one Philox block per 8
 * elements, 16 bits each) for one element index. (Since ABI version 3.) */
uint16_t lowp_random_bits16(uint64_t seed, uint32_t stream, uint64_t step,
                            uint64_t index);

/* Stream v2 for indices [first, first + n). (Since ABI version 3.) */
void lowp_random_bits16_fill(uint64_t seed, uint32_t stream, uint64_t step,
                             uint64_t first, uint16_t *out, size_t n);

/* One FP32 lane of vdpbf16ps: acc + a1*b1, then + a0*b0, each an exactly
 * rounded FMA with DAZ inputs and FTZ (tininess before rounding) results.
 * (Since ABI version 2.) */
uint32_t lowp_dot_bf16_pair(uint32_t acc, uint16_t a0, uint16_t a1, uint16_t b0,
                            uint16_t b1);

/* C (m x n FP32 bits) += A (m x k BF16) * B (k x n BF16), row-major, in
 * vdpbf16ps pair order (odd K padded with a zero pair element).
 * (Since ABI version 2.) */
void lowp_gemm_bf16(size_t m, size_t n, size_t k, const uint16_t *a,
                    const uint16_t *b, uint32_t *c);

/* Array helpers (n elements; in and out may not alias). */
void lowp_round_f32_to_bf16_array(const uint32_t *in, uint16_t *out, size_t n,
                                  int mode, const uint32_t *random_bits);

#ifdef __cplusplus
}
#endif

#endif /* BF16_C_NUMERICS_H */
