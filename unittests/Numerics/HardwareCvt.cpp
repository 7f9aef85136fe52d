//===- HardwareCvt.cpp - vcvtneps2bf16 access for tests -------------------===//
//
// Compiled with -mavx512bf16; nothing here runs unless CPUID says so.
//
//===----------------------------------------------------------------------===//

#include "HardwareCvt.h"

#include <cpuid.h>
#include <immintrin.h>

bool bf16test::cpuHasAvx512Bf16() {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(1, 0, &a, &b, &c, &d) || !(c & (1u << 27)))
    return false; // no OSXSAVE
  unsigned xcrLo, xcrHi;
  __asm__("xgetbv" : "=a"(xcrLo), "=d"(xcrHi) : "c"(0));
  if ((xcrLo & 0xE6u) != 0xE6u)
    return false; // OS does not save opmask/ZMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 16)))
    return false; // AVX512F
  if (!__get_cpuid_count(7, 1, &a, &b, &c, &d) || !(a & (1u << 5)))
    return false; // AVX512_BF16
  return true;
}

void bf16test::hwCvtNeps2Bf16x16(const uint32_t *in, uint16_t *out) {
  __m512 v = _mm512_castsi512_ps(_mm512_loadu_si512(in));
  __m256bh r = _mm512_cvtneps_pbh(v);
  _mm256_storeu_si256(reinterpret_cast<__m256i *>(out), (__m256i)r);
}

void bf16test::hwDpbf16psx16(uint32_t *acc, const uint16_t *a,
                             const uint16_t *b) {
  __m512 c = _mm512_castsi512_ps(_mm512_loadu_si512(acc));
  __m512bh va = (__m512bh)_mm512_loadu_si512(a);
  __m512bh vb = (__m512bh)_mm512_loadu_si512(b);
  _mm512_storeu_si512(acc, _mm512_castps_si512(_mm512_dpbf16_ps(c, va, vb)));
}
