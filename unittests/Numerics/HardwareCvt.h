//===- HardwareCvt.h - vcvtneps2bf16 access for tests -----------*- C++ -*-===//
#ifndef BF16_UNITTESTS_HARDWARECVT_H
#define BF16_UNITTESTS_HARDWARECVT_H

#include <cstdint>

namespace bf16test {
/// True when CPUID reports AVX512F and AVX512_BF16 and the OS saves the
/// ZMM state.
bool cpuHasAvx512Bf16();
/// Converts 16 FP32 bit patterns with vcvtneps2bf16. Call only when
/// cpuHasAvx512Bf16() is true.
void hwCvtNeps2Bf16x16(const uint32_t *in, uint16_t *out);
/// 16 FP32 lanes of vdpbf16ps: acc[i] += a[2i+1]*b[2i+1] + a[2i]*b[2i]
/// (hardware order and flushing). Call only when cpuHasAvx512Bf16().
void hwDpbf16psx16(uint32_t *acc, const uint16_t *a, const uint16_t *b);
} // namespace bf16test

#endif
