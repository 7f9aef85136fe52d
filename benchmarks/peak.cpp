//===- peak.cpp - Machine peaks and BF16 update-kernel baselines ---------===//
//
// Part of bf16-opt's benchmark harness (benchmarks/README.md). Not a test.
//
// bf16-bench-peak measures, on ONE core pinned with sched_setaffinity:
//   * the core clock, from a chain of dependent integer adds (1 cycle each);
//   * the vdpbf16ps and FP32 FMA peaks (independent accumulator chains),
//     their latencies (one chain) and the vcvtneps2bf16 throughput;
//   * STREAM triad bandwidth (a[i] = b[i] + s*c[i], 3 x 64 MiB);
//   * the BF16 weight-update kernels (RNE convert, SR add, Kahan) over 2^24
//     elements: the scalar reference of include/bf16/Numerics/Reference.h
//     compiled as plain C loops, and AVX-512 intrinsic versions that are
//     checked bit for bit against it.
//
// With --threads N (N > 1) the peaks and triad sections also measure the
// zmm vdpbf16ps / FMA peaks and the AVX-512 triad on N cores at once (one
// thread pinned per core, cores N..N+T-1 from --core, started together
// behind a barrier; the time of a repetition is that of the slowest thread),
// for the whole-machine benchmark (benchmarks/machine.sh).
//
// Conventions (also in benchmarks/README.md):
//   * one 512-bit vdpbf16ps = 64 FLOP (16 FP32 lanes x (2 mul + 2 add));
//     one 512-bit FP32 FMA = 32 FLOP (16 lanes x (1 mul + 1 add));
//   * bandwidth counts the bytes the kernel's arrays must move (each array
//     read once and/or written once), no write-allocate traffic;
//     GB = 1e9 bytes;
//   * every figure is the best of several repetitions.
//
// Kernels needing AVX-512 / AVX512-BF16 are compiled with function target
// attributes and only called when __builtin_cpu_supports says so; otherwise
// their rows say "n/a".
//
//===----------------------------------------------------------------------===//

#include "bf16/Numerics/Reference.h"

#include <immintrin.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace bf16;

#define BF16_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,fma")))
#define BF16_AVX512BF16                                                        \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,fma")))

namespace {

//===----------------------------------------------------------------------===//
// Options, timing, results
//===----------------------------------------------------------------------===//

struct Options {
  int core = 0;
  int threads = 1;      // > 1: also measure peaks and triad on that many cores
  bool quick = false;   // short runs, for a smoke test
  std::string jsonPath; // write the rows as JSON too
  std::string only;     // run one section: peaks, triad or updates
};
Options opts;

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/// Run `fn` `reps` times (after one untimed warm-up) and return the best
/// (smallest) wall time in seconds.
template <typename Fn> double bestTime(int reps, Fn &&fn) {
  fn();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
    fn();
    best = std::min(best, now() - t0);
  }
  return best;
}

/// Core of thread `t` of a multi-core measurement: --core, then the next
/// ones (modulo the number of online CPUs).
int coreOf(int t) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  return int((opts.core + t) % (ncpu > 0 ? ncpu : 1));
}

/// A spinning barrier for `n` threads (each pinned to its own core).
class SpinBarrier {
public:
  explicit SpinBarrier(int n) : n(n) {}
  void wait() {
    int g = gen.load(std::memory_order_acquire);
    if (count.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
      count.store(0, std::memory_order_relaxed);
      gen.fetch_add(1, std::memory_order_release);
      return;
    }
    while (gen.load(std::memory_order_acquire) == g)
      __builtin_ia32_pause();
  }

private:
  const int n;
  std::atomic<int> count{0}, gen{0};
};

/// Run `fn(t)` on opts.threads threads at once, thread t pinned to
/// coreOf(t) (thread 0 is the caller), `reps` times after one untimed
/// warm-up, all threads released together by a barrier; returns the best
/// wall time of a repetition (start barrier to the last thread's end).
template <typename Fn> double bestTimeAllCores(int reps, Fn &&fn) {
  const int n = opts.threads;
  SpinBarrier barrier(n);
  double best = 1e30;
  auto body = [&](int t) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(coreOf(t), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
      std::perror("sched_setaffinity");
      std::exit(1);
    }
    for (int r = -1; r < reps; ++r) {
      barrier.wait();
      double t0 = now();
      fn(t);
      barrier.wait();
      if (t == 0 && r >= 0)
        best = std::min(best, now() - t0);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t)
    pool.emplace_back(body, t);
  body(0);
  for (std::thread &th : pool)
    th.join();
  return best;
}

/// "cores 0,1" for the notes of the multi-core rows.
std::string coreList() {
  std::string s = "cores ";
  for (int t = 0; t < opts.threads; ++t)
    s += (t ? "," : "") + std::to_string(coreOf(t));
  return s;
}

struct Row {
  std::string key;    // stable identifier (used by run.sh to combine runs)
  std::string figure; // human description
  double value;       // NaN = n/a
  std::string unit;
  std::string peakKey; // row this one is a ratio of ("" = no ratio)
  std::string better;  // "higher" or "lower"
  std::string note;
};
std::vector<Row> rows;

/// Record a row and print it with its ratio to the row `peakKey` (when that
/// row is already measured and both values are known).
void addRow(const std::string &key, const std::string &figure, double value,
            const std::string &unit, const std::string &peakKey = "",
            const std::string &note = "",
            const std::string &better = "higher") {
  rows.push_back({key, figure, value, unit, peakKey, better, note});
  char val[32] = "n/a", ratio[32] = "";
  if (!std::isnan(value))
    std::snprintf(val, sizeof val, "%.2f", value);
  for (const Row &r : rows)
    if (!peakKey.empty() && r.key == peakKey && !std::isnan(r.value) &&
        !std::isnan(value) && r.value != 0)
      std::snprintf(ratio, sizeof ratio, "%.2f", value / r.value);
  std::printf("  %-44s %10s %-8s %6s  %s\n", figure.c_str(), val, unit.c_str(),
              ratio, note.c_str());
  std::fflush(stdout);
}

/// Section header with the column titles.
void section(const char *title) {
  std::printf("\n%s\n  %-44s %10s %-8s %6s  %s\n", title, "figure", "value",
              "unit", "ratio", "note");
}

std::string jsonEscape(const std::string &s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += '\\';
    o += c;
  }
  return o;
}

void writeJson(const std::string &path, const std::string &cpuModel) {
  FILE *f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fprintf(f,
               "{\n  \"source\": \"bf16-bench-peak\",\n  \"cpu\": \"%s\",\n"
               "  \"rows\": [\n",
               jsonEscape(cpuModel).c_str());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row &r = rows[i];
    std::fprintf(f, "    {\"key\": \"%s\", \"figure\": \"%s\", \"value\": ",
                 r.key.c_str(), jsonEscape(r.figure).c_str());
    if (std::isnan(r.value))
      std::fprintf(f, "null");
    else
      std::fprintf(f, "%.6g", r.value);
    std::fprintf(f,
                 ", \"unit\": \"%s\", \"peak\": \"%s\", \"better\": \"%s\", "
                 "\"note\": \"%s\"}%s\n",
                 jsonEscape(r.unit).c_str(), r.peakKey.c_str(),
                 r.better.c_str(), jsonEscape(r.note).c_str(),
                 i + 1 < rows.size() ? "," : "");
  }
  std::fprintf(f, "  ]\n}\n");
  std::fclose(f);
}

std::string cpuModelName() {
  FILE *f = std::fopen("/proc/cpuinfo", "r");
  if (!f)
    return "unknown";
  char line[512];
  std::string model = "unknown";
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "model name", 10) == 0) {
      const char *p = std::strchr(line, ':');
      if (p) {
        model = p + 2;
        while (!model.empty() && (model.back() == '\n' || model.back() == ' '))
          model.pop_back();
      }
      break;
    }
  }
  std::fclose(f);
  return model;
}

/// 64-byte aligned, zero-filled (first-touched) buffer, THP advised.
template <typename T> T *allocArray(size_t n) {
  size_t bytes = (n * sizeof(T) + (2u << 20) - 1) & ~size_t((2u << 20) - 1);
  void *p = std::aligned_alloc(2u << 20, bytes);
  if (!p) {
    std::fprintf(stderr, "out of memory\n");
    std::exit(1);
  }
  madvise(p, bytes, MADV_HUGEPAGE);
  std::memset(p, 0, bytes);
  return static_cast<T *>(p);
}

/// Deterministic pseudo-random numbers for the inputs (splitmix64).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1).
  float uniform() {
    return float(int64_t(next() >> 11) - (1ll << 52)) / 0x1p52f;
  }
};

//===----------------------------------------------------------------------===//
// CPU features
//===----------------------------------------------------------------------===//

enum class Feature { Avx512f, Avx512bw, Avx512vl, Avx512bf16 };

/// __builtin_cpu_supports, except that features named in the environment
/// variable BF16_BENCH_DISABLE (comma-separated, e.g. "avx512bf16") count as
/// missing, to exercise the "n/a" paths on a machine that has them.
bool cpuHas(Feature f) {
  static const char *const names[] = {"avx512f", "avx512bw", "avx512vl",
                                      "avx512bf16"};
  if (const char *off = std::getenv("BF16_BENCH_DISABLE")) {
    std::string list = std::string(",") + off + ",";
    if (list.find(std::string(",") + names[int(f)] + ",") != std::string::npos)
      return false;
  }
  switch (f) {
  case Feature::Avx512f:
    return __builtin_cpu_supports("avx512f");
  case Feature::Avx512bw:
    return __builtin_cpu_supports("avx512bw");
  case Feature::Avx512vl:
    return __builtin_cpu_supports("avx512vl");
  case Feature::Avx512bf16:
    return __builtin_cpu_supports("avx512bf16");
  }
  return false;
}

/// What the BF16_AVX512 kernels need.
bool haveAvx512() {
  return cpuHas(Feature::Avx512f) && cpuHas(Feature::Avx512bw) &&
         cpuHas(Feature::Avx512vl);
}
/// What the BF16_AVX512BF16 kernels need.
bool haveAvx512Bf16() { return haveAvx512() && cpuHas(Feature::Avx512bf16); }

//===----------------------------------------------------------------------===//
// 0. Core clock
//===----------------------------------------------------------------------===//

/// A chain of dependent `add`s retires one per cycle, so adds per second is
/// the core clock while this loop runs.
double estimateClockGHz() {
  const long iters = opts.quick ? 200000 : 2000000;
  uint64_t x = 0;
  double t = bestTime(5, [&] {
    for (long i = 0; i < iters; ++i)
      asm volatile(".rept 200\n\taddq $1, %0\n\t.endr" : "+r"(x));
  });
  return double(iters) * 200 / t / 1e9;
}

//===----------------------------------------------------------------------===//
// 1-2. vdpbf16ps and FMA peaks
//===----------------------------------------------------------------------===//

// Each kernel runs `iters` iterations of N independent accumulator chains
// and returns a value derived from all accumulators so nothing is dead.

template <int N> BF16_AVX512BF16 float dpbf16Zmm(long iters) {
  // a = 1.0 (0x3F80), b = 2^-20 (0x3580): each instruction adds 2^-19 per
  // lane; no overflow, NaN or denormal over any run length used here.
  __m512bh a = (__m512bh)_mm512_set1_epi16(0x3F80);
  __m512bh b = (__m512bh)_mm512_set1_epi16(0x3580);
  asm volatile("" : "+v"(a), "+v"(b)); // opaque to the optimizer
  __m512 acc[N];
  for (int j = 0; j < N; ++j)
    acc[j] = _mm512_set1_ps(float(j));
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 32
    for (int j = 0; j < N; ++j)
      acc[j] = _mm512_dpbf16_ps(acc[j], a, b);
  }
  __m512 s = acc[0];
  for (int j = 1; j < N; ++j)
    s = _mm512_add_ps(s, acc[j]);
  return _mm512_reduce_add_ps(s);
}

template <int N> BF16_AVX512BF16 float dpbf16Ymm(long iters) {
  __m256bh a = (__m256bh)_mm256_set1_epi16(0x3F80);
  __m256bh b = (__m256bh)_mm256_set1_epi16(0x3580);
  asm volatile("" : "+v"(a), "+v"(b));
  __m256 acc[N];
  for (int j = 0; j < N; ++j)
    acc[j] = _mm256_set1_ps(float(j));
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 32
    for (int j = 0; j < N; ++j)
      acc[j] = _mm256_dpbf16_ps(acc[j], a, b);
  }
  __m256 s = acc[0];
  for (int j = 1; j < N; ++j)
    s = _mm256_add_ps(s, acc[j]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[7];
}

template <int N> BF16_AVX512 float fmaZmm(long iters) {
  // acc = acc * 0.999999 + 1e-6 converges to 1: stays normal forever.
  __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-6f);
  asm volatile("" : "+v"(x), "+v"(y));
  __m512 acc[N];
  for (int j = 0; j < N; ++j)
    acc[j] = _mm512_set1_ps(float(j));
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 32
    for (int j = 0; j < N; ++j)
      acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  }
  __m512 s = acc[0];
  for (int j = 1; j < N; ++j)
    s = _mm512_add_ps(s, acc[j]);
  return _mm512_reduce_add_ps(s);
}

template <int N> BF16_AVX512 float fmaYmm(long iters) {
  __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-6f);
  asm volatile("" : "+v"(x), "+v"(y));
  __m256 acc[N];
  for (int j = 0; j < N; ++j)
    acc[j] = _mm256_set1_ps(float(j));
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 32
    for (int j = 0; j < N; ++j)
      acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  }
  __m256 s = acc[0];
  for (int j = 1; j < N; ++j)
    s = _mm256_add_ps(s, acc[j]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[7];
}

volatile float sink;

/// 8 independent vcvtneps2bf16 per iteration: their reciprocal throughput,
/// which bounds every update kernel that rounds to BF16 more than once.
/// Empty asm statements (no instructions) make the inputs opaque and the
/// results used, so the loop holds only the conversions.
#define BF16_CVT_KERNEL(NAME, VF, SET1, CVT)                                   \
  BF16_AVX512BF16 float NAME(long iters) {                                     \
    VF x0 = SET1(1.f), x1 = SET1(2.f), x2 = SET1(3.f), x3 = SET1(4.f);         \
    VF x4 = SET1(5.f), x5 = SET1(6.f), x6 = SET1(7.f), x7 = SET1(8.f);         \
    for (long i = 0; i < iters; ++i) {                                         \
      asm volatile(""                                                          \
                   : "+v"(x0), "+v"(x1), "+v"(x2), "+v"(x3), "+v"(x4),         \
                     "+v"(x5), "+v"(x6), "+v"(x7));                            \
      asm volatile("" ::"v"(CVT(x0)), "v"(CVT(x1)), "v"(CVT(x2)),              \
                   "v"(CVT(x3)), "v"(CVT(x4)), "v"(CVT(x5)), "v"(CVT(x6)),     \
                   "v"(CVT(x7)));                                              \
    }                                                                          \
    return 0;                                                                  \
  }
BF16_CVT_KERNEL(cvtZmm8, __m512, _mm512_set1_ps, _mm512_cvtneps_pbh)
BF16_CVT_KERNEL(cvtYmm8, __m256, _mm256_set1_ps, _mm256_cvtneps_pbh)
#undef BF16_CVT_KERNEL

/// Instructions per second of `kernel` (N chains, iters iterations).
template <int N> double instrPerSec(float (*kernel)(long)) {
  // About 0.1-0.3 s per repetition: 1e9 instructions at 1-2 per cycle, or
  // 2.5e8 for a single chain (4-6 cycles per instruction).
  long total = N == 1 ? 250000000L : 1000000000L;
  long iters = (opts.quick ? total / 20 : total) / N;
  double t = bestTime(opts.quick ? 2 : 5, [&] { sink = kernel(iters); });
  return double(iters) * N / t;
}

/// Instructions per second of `kernel` (N chains) on opts.threads cores at
/// once, each running the single-core repetition's iterations.
template <int N> double instrPerSecAllCores(float (*kernel)(long)) {
  long iters = (opts.quick ? 1000000000L / 20 : 1000000000L) / N;
  std::vector<float> out(opts.threads);
  double t = bestTimeAllCores(opts.quick ? 2 : 5,
                              [&](int th) { out[th] = kernel(iters); });
  sink = out[0];
  return double(iters) * N * opts.threads / t;
}

void measurePeaks(double ghz) {
  bool bf16 = haveAvx512Bf16(), avx512 = haveAvx512();
  const double nan = std::nan("");
  char title[160];
  std::snprintf(title, sizeof title,
                "Compute peaks (FLOP = 64 per zmm vdpbf16ps, 32 per zmm FMA; "
                "ymm: half), best of %d",
                opts.quick ? 2 : 5);
  section(title);

  double dp = bf16 ? instrPerSec<12>(dpbf16Zmm<12>) * 64 / 1e9 : nan;
  addRow("dpbf16_peak", "vdpbf16ps zmm peak (12 chains)", dp, "GFLOP/s",
         "dpbf16_peak");
  addRow("dpbf16_peak_8", "vdpbf16ps zmm, 8 chains",
         bf16 ? instrPerSec<8>(dpbf16Zmm<8>) * 64 / 1e9 : nan, "GFLOP/s",
         "dpbf16_peak");
  addRow("dpbf16_peak_ymm", "vdpbf16ps ymm peak (16 chains)",
         bf16 ? instrPerSec<16>(dpbf16Ymm<16>) * 32 / 1e9 : nan, "GFLOP/s",
         "dpbf16_peak");
  double dpLat = bf16 ? ghz * 1e9 / instrPerSec<1>(dpbf16Zmm<1>) : nan;
  addRow("dpbf16_latency", "vdpbf16ps zmm latency (1 chain)", dpLat, "cycles",
         "", "at the estimated clock", "lower");
  addRow("dpbf16_flop_per_cycle", "vdpbf16ps FLOP/cycle (peak / clock)",
         dp / ghz, "FLOP/cyc");

  double fma = avx512 ? instrPerSec<12>(fmaZmm<12>) * 32 / 1e9 : nan;
  addRow("fma_peak", "FP32 FMA zmm peak (12 chains)", fma, "GFLOP/s",
         "fma_peak");
  addRow("fma_peak_ymm", "FP32 FMA ymm peak (16 chains)",
         avx512 ? instrPerSec<16>(fmaYmm<16>) * 16 / 1e9 : nan, "GFLOP/s",
         "fma_peak");
  double fmaLat = avx512 ? ghz * 1e9 / instrPerSec<1>(fmaZmm<1>) : nan;
  addRow("fma_latency", "FP32 FMA zmm latency (1 chain)", fmaLat, "cycles", "",
         "at the estimated clock", "lower");
  addRow("fma_flop_per_cycle", "FP32 FMA FLOP/cycle (peak / clock)", fma / ghz,
         "FLOP/cyc");
  addRow("dpbf16_over_fma", "vdpbf16ps peak / FMA peak", dp / fma, "x");
  addRow("cvt_zmm_cycles", "vcvtneps2bf16 zmm throughput (8 indep.)",
         bf16 ? ghz * 1e9 / instrPerSec<8>(cvtZmm8) : nan, "cyc/inst", "",
         "reciprocal throughput", "lower");
  addRow("cvt_ymm_cycles", "vcvtneps2bf16 ymm throughput (8 indep.)",
         bf16 ? ghz * 1e9 / instrPerSec<8>(cvtYmm8) : nan, "cyc/inst", "",
         "reciprocal throughput", "lower");
  if (opts.threads <= 1)
    return;
  // --threads: the zmm peaks on opts.threads cores at once.
  std::snprintf(title, sizeof title,
                "Compute peaks on %d cores at once (%s), best of %d; ratio = "
                "/ 1-core peak",
                opts.threads, coreList().c_str(), opts.quick ? 2 : 5);
  section(title);
  std::string note = std::to_string(opts.threads) + " threads, " + coreList();
  addRow("dpbf16_peak_all_cores", "vdpbf16ps zmm peak, all cores (12 chains)",
         bf16 ? instrPerSecAllCores<12>(dpbf16Zmm<12>) * 64 / 1e9 : nan,
         "GFLOP/s", "dpbf16_peak", note);
  addRow("fma_peak_all_cores", "FP32 FMA zmm peak, all cores (12 chains)",
         avx512 ? instrPerSecAllCores<12>(fmaZmm<12>) * 32 / 1e9 : nan,
         "GFLOP/s", "fma_peak", note);
}

//===----------------------------------------------------------------------===//
// 3. STREAM triad
//===----------------------------------------------------------------------===//

__attribute__((noinline)) void triadPlain(float *__restrict a,
                                          const float *__restrict b,
                                          const float *__restrict c, float s,
                                          size_t n) {
  for (size_t i = 0; i < n; ++i)
    a[i] = b[i] + s * c[i];
}

BF16_AVX512 __attribute__((noinline)) void triadAvx512(float *a, const float *b,
                                                       const float *c, float s,
                                                       size_t n,
                                                       bool nonTemporal) {
  __m512 vs = _mm512_set1_ps(s);
  if (nonTemporal) {
    for (size_t i = 0; i < n; i += 16)
      _mm512_stream_ps(a + i, _mm512_fmadd_ps(vs, _mm512_load_ps(c + i),
                                              _mm512_load_ps(b + i)));
    _mm_sfence();
  } else {
    for (size_t i = 0; i < n; i += 16)
      _mm512_store_ps(a + i, _mm512_fmadd_ps(vs, _mm512_load_ps(c + i),
                                             _mm512_load_ps(b + i)));
  }
}

void measureTriad() {
  const size_t n = opts.quick ? (size_t(1) << 22) : (size_t(1) << 24);
  const int reps = opts.quick ? 3 : 10;
  float *a = allocArray<float>(n), *b = allocArray<float>(n),
        *c = allocArray<float>(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = 0;
    b[i] = 1.0f + float(i & 7);
    c[i] = 2.0f;
  }
  const double bytes = 3.0 * n * sizeof(float);
  char title[160];
  std::snprintf(title, sizeof title,
                "STREAM triad a = b + s*c, 3 x %zu MiB, bytes = 3*n*4 (no "
                "write-allocate), best of %d",
                n * 4 >> 20, reps);
  section(title);
  bool avx512 = haveAvx512();
  double nan = std::nan("");
  addRow("triad_avx512", "STREAM triad (AVX-512, normal stores)",
         avx512 ? bytes /
                      bestTime(reps,
                               [&] { triadAvx512(a, b, c, 3.0f, n, false); }) /
                      1e9
                : nan,
         "GB/s", "triad_avx512");
  addRow("triad_nt", "STREAM triad (AVX-512, non-temporal stores)",
         avx512 ? bytes /
                      bestTime(reps,
                               [&] { triadAvx512(a, b, c, 3.0f, n, true); }) /
                      1e9
                : nan,
         "GB/s", "triad_avx512", "no read-for-ownership of a");
  double t = bestTime(reps, [&] { triadPlain(a, b, c, 3.0f, n); });
  addRow("triad", "STREAM triad (plain C loop, scalar at -O2)", bytes / t / 1e9,
         "GB/s", "triad_avx512");
  if (opts.threads > 1 && avx512) {
    // The same arrays split into opts.threads contiguous chunks (multiples
    // of 16 floats), one per core, all cores at once.
    const int nt = opts.threads;
    auto chunk = [&](int th, bool nonTemporal) {
      size_t lo = (n / nt * th) & ~size_t(15);
      size_t hi = th + 1 == nt ? n : (n / nt * (th + 1)) & ~size_t(15);
      triadAvx512(a + lo, b + lo, c + lo, 3.0f, hi - lo, nonTemporal);
    };
    char title2[160];
    std::snprintf(title2, sizeof title2,
                  "STREAM triad on %d cores at once (%s), same arrays split "
                  "in %d, best of %d; ratio = / 1-core triad",
                  nt, coreList().c_str(), nt, reps);
    section(title2);
    std::string note = std::to_string(nt) + " threads, " + coreList();
    addRow("triad_avx512_all_cores", "STREAM triad, all cores (normal stores)",
           bytes / bestTimeAllCores(reps, [&](int th) { chunk(th, false); }) /
               1e9,
           "GB/s", "triad_avx512", note);
    addRow("triad_nt_all_cores", "STREAM triad, all cores (non-temporal)",
           bytes / bestTimeAllCores(reps, [&](int th) { chunk(th, true); }) /
               1e9,
           "GB/s", "triad_nt", note);
  }
  sink = a[n / 2];
  std::free(a);
  std::free(b);
  std::free(c);
}

//===----------------------------------------------------------------------===//
// 4. BF16 update kernels: scalar reference loops
//===----------------------------------------------------------------------===//

// The scalar loops call the reference header's inline functions exactly as a
// straightforward C implementation would. Rounding mode NearestEvenFtz is the
// semantics of vcvtneps2bf16, so the AVX-512 versions must agree bit for bit.
constexpr ref::Rounding kMode = ref::Rounding::NearestEvenFtz;
constexpr uint64_t kSeed = 0x0123456789ABCDEFull;
constexpr uint32_t kStream = 7;
constexpr uint64_t kStep = 42;

__attribute__((noinline)) void rneScalar(const uint32_t *__restrict x,
                                         uint16_t *__restrict y, size_t n) {
  for (size_t i = 0; i < n; ++i)
    y[i] = ref::rneFTZ(x[i]);
}

__attribute__((noinline)) void srAddScalar(uint16_t *__restrict w,
                                           const uint16_t *__restrict u,
                                           const uint32_t *__restrict r,
                                           size_t n) {
  for (size_t i = 0; i < n; ++i)
    w[i] = ref::srAddBF16(w[i], u[i], r[i]);
}

/// SR add with the random bits generated in the loop by the reference
/// Philox (randomBitsFill over an L1-sized chunk, then the add).
__attribute__((noinline)) void srAddPhiloxScalar(uint16_t *__restrict w,
                                                 const uint16_t *__restrict u,
                                                 size_t n) {
  constexpr size_t kChunk = 1024;
  uint32_t r[kChunk];
  for (size_t i0 = 0; i0 < n; i0 += kChunk) {
    size_t m = std::min(kChunk, n - i0);
    ref::randomBitsFill(kSeed, kStream, kStep, i0, r, m);
    for (size_t i = 0; i < m; ++i)
      w[i0 + i] = ref::srAddBF16(w[i0 + i], u[i0 + i], r[i]);
  }
}

__attribute__((noinline)) void kahanScalar(uint16_t *__restrict w,
                                           uint16_t *__restrict c,
                                           const uint16_t *__restrict u,
                                           size_t n) {
  for (size_t i = 0; i < n; ++i) {
    ref::KahanResult k = ref::kahanUpdate(w[i], c[i], u[i], kMode);
    w[i] = k.w;
    c[i] = k.c;
  }
}

//===----------------------------------------------------------------------===//
// 4. BF16 update kernels: AVX-512 versions (n a multiple of 64)
//===----------------------------------------------------------------------===//

BF16_AVX512 inline __m512 widenBF16(__m256i h) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

BF16_AVX512BF16 inline __m512 rneRoundTrip(__m512 x) {
  return widenBF16((__m256i)_mm512_cvtneps_pbh(x));
}

BF16_AVX512BF16 __attribute__((noinline)) void
rneAvx512(const uint32_t *x, uint16_t *y, size_t n) {
  for (size_t i = 0; i < n; i += 16)
    _mm256_store_si256(reinterpret_cast<__m256i *>(y + i),
                       (__m256i)_mm512_cvtneps_pbh(_mm512_load_ps(
                           reinterpret_cast<const float *>(x + i))));
}

/// SR of 16 FP32 sums with 16 random words (the reference bit recipe: add
/// the low 16 random bits, keep the upper half; NaN quieted, bypassing).
BF16_AVX512 inline __m256i srRound(__m512 s, __m512i r) {
  __m512i bits = _mm512_castps_si512(s);
  __m512i rounded =
      _mm512_add_epi32(bits, _mm512_and_si512(r, _mm512_set1_epi32(0xFFFF)));
  __mmask16 nan = _mm512_cmp_ps_mask(s, s, _CMP_UNORD_Q);
  __m512i quiet = _mm512_or_si512(bits, _mm512_set1_epi32(0x00400000));
  rounded = _mm512_mask_mov_epi32(rounded, nan, quiet);
  return _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16));
}

BF16_AVX512 inline void srAdd16(uint16_t *w, const uint16_t *u, __m512i r) {
  __m256i *wp = reinterpret_cast<__m256i *>(w);
  __m512 s = _mm512_add_ps(
      widenBF16(_mm256_load_si256(wp)),
      widenBF16(_mm256_load_si256(reinterpret_cast<const __m256i *>(u))));
  _mm256_store_si256(wp, srRound(s, r));
}

BF16_AVX512 __attribute__((noinline)) void
srAddAvx512(uint16_t *w, const uint16_t *u, const uint32_t *r, size_t n) {
  for (size_t i = 0; i < n; i += 16)
    srAdd16(w + i, u + i,
            _mm512_load_si512(reinterpret_cast<const void *>(r + i)));
}

/// hi:lo = a[i] * m (unsigned 32x32->64) for the 16 lanes of a: vpmuludq
/// multiplies the even lanes, a second one the odd lanes (shifted down),
/// and two masked in-lane swaps put each half back into its 32-bit slot.
BF16_AVX512 inline void mulhilo(__m512i a, __m512i m, __m512i &hi,
                                __m512i &lo) {
  __m512i pe = _mm512_mul_epu32(a, m);                        // even lanes
  __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m); // odd lanes
  hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, _MM_PERM_CDAB);
  lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB);
}

/// Philox4x32-10 of 16*B consecutive blocks `block0 + lane` (B independent
/// batches of 16, interleaved round by round for instruction-level
/// parallelism: one batch is a chain of 10 dependent rounds). Returns the
/// 64*B random words of elements 4*block0 .. 4*block0 + 64*B - 1, in
/// element order.
template <int B>
BF16_AVX512 inline void philox(uint32_t block0, __m512i out[4 * B]) {
  const __m512i m0 = _mm512_set1_epi32(0xD2511F53);
  const __m512i m1 = _mm512_set1_epi32(0xCD9E8D57);
  const __m512i lane =
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i c0[B], c1[B], c2[B], c3[B];
#pragma GCC unroll 16
  for (int b = 0; b < B; ++b) {
    c0[b] = _mm512_add_epi32(_mm512_set1_epi32(int(block0 + 16 * b)), lane);
    c1[b] = _mm512_set1_epi32(int(kStream));
    c2[b] = _mm512_set1_epi32(int(uint32_t(kStep)));
    c3[b] = _mm512_set1_epi32(int(uint32_t(kStep >> 32)));
  }
  uint32_t k0 = uint32_t(kSeed), k1 = uint32_t(kSeed >> 32);
#pragma GCC unroll 16
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const __m512i vk0 = _mm512_set1_epi32(int(k0));
    const __m512i vk1 = _mm512_set1_epi32(int(k1));
#pragma GCC unroll 16
    for (int b = 0; b < B; ++b) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo(c0[b], m0, hi0, lo0);
      mulhilo(c2[b], m1, hi1, lo1);
      // 0x96: three-way xor.
      c0[b] = _mm512_ternarylogic_epi32(hi1, c1[b], vk0, 0x96);
      c2[b] = _mm512_ternarylogic_epi32(hi0, c3[b], vk1, 0x96);
      c1[b] = lo1;
      c3[b] = lo0;
    }
  }
#pragma GCC unroll 16
  for (int b = 0; b < B; ++b) {
    // c_j[lane] is word j of block lane, i.e. element 4*lane + j: transpose.
    __m512i t0 = _mm512_unpacklo_epi32(c0[b], c1[b]);
    __m512i t1 = _mm512_unpackhi_epi32(c0[b], c1[b]);
    __m512i t2 = _mm512_unpacklo_epi32(c2[b], c3[b]);
    __m512i t3 = _mm512_unpackhi_epi32(c2[b], c3[b]);
    __m512i u0 = _mm512_unpacklo_epi64(t0, t2);
    __m512i u1 = _mm512_unpackhi_epi64(t0, t2);
    __m512i u2 = _mm512_unpacklo_epi64(t1, t3);
    __m512i u3 = _mm512_unpackhi_epi64(t1, t3);
    // 128-bit lane k of u_j holds block 4k+j; gather lane m of each u_j.
    __m512i x = _mm512_shuffle_i32x4(u0, u1, 0x44);
    __m512i y = _mm512_shuffle_i32x4(u2, u3, 0x44);
    __m512i z = _mm512_shuffle_i32x4(u0, u1, 0xEE);
    __m512i v = _mm512_shuffle_i32x4(u2, u3, 0xEE);
    out[4 * b + 0] = _mm512_shuffle_i32x4(x, y, 0x88);
    out[4 * b + 1] = _mm512_shuffle_i32x4(x, y, 0xDD);
    out[4 * b + 2] = _mm512_shuffle_i32x4(z, v, 0x88);
    out[4 * b + 3] = _mm512_shuffle_i32x4(z, v, 0xDD);
  }
}

/// SR add with the bits generated in the loop: n a multiple of 64*B.
template <int B>
BF16_AVX512 __attribute__((noinline)) void
srAddPhiloxAvx512(uint16_t *w, const uint16_t *u, size_t n) {
  for (size_t i = 0; i < n; i += 64 * B) {
    __m512i r[4 * B];
    philox<B>(uint32_t(i >> 2), r);
#pragma GCC unroll 16
    for (int j = 0; j < 4 * B; ++j)
      srAdd16(w + i + 16 * j, u + i + 16 * j, r[j]);
  }
}

BF16_AVX512BF16 __attribute__((noinline)) void
kahanAvx512(uint16_t *w, uint16_t *c, const uint16_t *u, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    __m256i *wp = reinterpret_cast<__m256i *>(w + i);
    __m256i *cp = reinterpret_cast<__m256i *>(c + i);
    __m512 wv = widenBF16(_mm256_load_si256(wp));
    __m512 cv = widenBF16(_mm256_load_si256(cp));
    __m512 uv =
        widenBF16(_mm256_load_si256(reinterpret_cast<const __m256i *>(u + i)));
    __m512 y = rneRoundTrip(_mm512_sub_ps(uv, cv));
    __m256bh s = _mm512_cvtneps_pbh(_mm512_add_ps(wv, y));
    __m512 sv = widenBF16((__m256i)s);
    __m512 t = rneRoundTrip(_mm512_sub_ps(sv, wv));
    _mm256_store_si256(cp, (__m256i)_mm512_cvtneps_pbh(_mm512_sub_ps(t, y)));
    _mm256_store_si256(wp, (__m256i)s);
  }
}

/// RNE to BF16 with vcvtneps2bf16 semantics (FTZ), computed with integer
/// ops in the FP32 domain: the result is the rounded value as FP32 (low 16
/// bits zero), so no narrowing/widening shuffle is needed between the ops
/// of an update. Bit recipe of NUMERICS.md section 3.
BF16_AVX512 inline __m512 rneInF32(__m512 x) {
  const __m512i b = _mm512_castps_si512(x);
  __m512i lsb =
      _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
  __m512i r =
      _mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7FFF)), lsb);
  // NaN: quiet it, bypassing the rounding add.
  r = _mm512_mask_or_epi32(r, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), b,
                           _mm512_set1_epi32(0x00400000));
  r = _mm512_and_si512(r, _mm512_set1_epi32(int(0xFFFF0000u)));
  // Zero exponent (denormal or zero): a zero of the same sign.
  return _mm512_castsi512_ps(_mm512_mask_and_epi32(
      r, _mm512_testn_epi32_mask(b, _mm512_set1_epi32(0x7F800000)), b,
      _mm512_set1_epi32(int(0x80000000u))));
}

/// Kahan with the integer RNE: the BF16 values stay in FP32 registers
/// between the four ops; only the final w, c are narrowed (truncation of
/// already-rounded values, vpmovdw).
BF16_AVX512 __attribute__((noinline)) void
kahanAvx512IntRne(uint16_t *w, uint16_t *c, const uint16_t *u, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    __m256i *wp = reinterpret_cast<__m256i *>(w + i);
    __m256i *cp = reinterpret_cast<__m256i *>(c + i);
    __m512 wv = widenBF16(_mm256_load_si256(wp));
    __m512 cv = widenBF16(_mm256_load_si256(cp));
    __m512 uv =
        widenBF16(_mm256_load_si256(reinterpret_cast<const __m256i *>(u + i)));
    __m512 y = rneInF32(_mm512_sub_ps(uv, cv));
    __m512 sv = rneInF32(_mm512_add_ps(wv, y));
    __m512 t = rneInF32(_mm512_sub_ps(sv, wv));
    __m512 cn = rneInF32(_mm512_sub_ps(t, y));
    _mm256_store_si256(cp, _mm512_cvtepi32_epi16(
                               _mm512_srli_epi32(_mm512_castps_si512(cn), 16)));
    _mm256_store_si256(wp, _mm512_cvtepi32_epi16(
                               _mm512_srli_epi32(_mm512_castps_si512(sv), 16)));
  }
}

// Philox batches per iteration of the fused SR kernel (4 x 16 blocks = 256
// elements): a batch is a chain of 10 dependent rounds, four of them keep
// the vector units busy (1 batch: ~9.8 GB/s, 2: ~12, 4: ~13.5 here).
constexpr int kPhiloxBatches = 4;

void measureUpdates() {
  const size_t n = opts.quick ? (size_t(1) << 20) : (size_t(1) << 24);
  const int repsScalar = opts.quick ? 2 : 5, repsVec = opts.quick ? 3 : 10;
  bool avx512 = haveAvx512(), bf16 = haveAvx512Bf16();
  const double nan = std::nan("");

  Rng rng{12345};
  uint32_t *x = allocArray<uint32_t>(n); // FP32 inputs of the RNE convert
  uint16_t *y = allocArray<uint16_t>(n), *y2 = allocArray<uint16_t>(n);
  uint16_t *w = allocArray<uint16_t>(n), *w2 = allocArray<uint16_t>(n);
  uint16_t *c = allocArray<uint16_t>(n), *c2 = allocArray<uint16_t>(n);
  uint16_t *u = allocArray<uint16_t>(n);
  uint32_t *r = allocArray<uint32_t>(n);
  std::vector<uint16_t> w0(n);
  for (size_t i = 0; i < n; ++i) {
    // Values over many binades, plus a sprinkle of specials and denormals
    // in the convert input so every path of the recipe is exercised.
    float v = rng.uniform() * std::ldexp(1.0f, int(rng.next() % 40) - 20);
    uint32_t bits = ref::f32Bits(v);
    if (i % 4099 == 0)
      bits = 0x00000123u; // denormal
    if (i % 8191 == 0)
      bits = 0x7FA00001u; // signalling NaN
    x[i] = bits;
    // Weights ~U(-1,1); updates ~1e-3 (many below half an ulp of w).
    w0[i] = ref::rneIEEE(ref::f32Bits(rng.uniform()));
    u[i] = ref::rneIEEE(ref::f32Bits(rng.uniform() * 1e-3f));
    r[i] = uint32_t(rng.next());
  }
  auto resetW = [&] {
    std::memcpy(w, w0.data(), n * 2);
    std::memcpy(w2, w0.data(), n * 2);
    std::memset(c, 0, n * 2);
    std::memset(c2, 0, n * 2);
  };
  auto mismatches = [&](const uint16_t *a, const uint16_t *b) {
    size_t bad = 0;
    for (size_t i = 0; i < n; ++i)
      bad += a[i] != b[i];
    return bad;
  };
  auto checkNote = [](size_t bad) {
    return bad == 0 ? std::string("bit-exact vs reference")
                    : "MISMATCH: " + std::to_string(bad) + " elements";
  };
  auto gbs = [&](double bytesPerElem, double t) {
    return bytesPerElem * double(n) / t / 1e9;
  };

  char title[240];
  std::snprintf(title, sizeof title,
                "BF16 update kernels over %zu elements (bytes: every array "
                "read once / written once), best of %d (scalar) / %d "
                "(AVX-512);\n  ratio = / AVX-512 STREAM triad",
                n, repsScalar, repsVec);
  section(title);

  // RNE convert: read 4 B, write 2 B.
  double t = bestTime(repsScalar, [&] { rneScalar(x, y, n); });
  addRow("rne_scalar", "RNE f32->bf16, scalar reference", gbs(6, t), "GB/s",
         "triad_avx512", "6 B/elem");
  if (bf16) {
    rneAvx512(x, y2, n);
    t = bestTime(repsVec, [&] { rneAvx512(x, y2, n); });
    addRow("rne_avx512", "RNE f32->bf16, AVX-512 vcvtneps2bf16", gbs(6, t),
           "GB/s", "triad_avx512", "6 B/elem, " + checkNote(mismatches(y, y2)));
  } else {
    addRow("rne_avx512", "RNE f32->bf16, AVX-512 vcvtneps2bf16", nan, "GB/s",
           "triad_avx512", "needs avx512_bf16");
  }

  // SR add, random bits from memory: read w, u (2 B), r (4 B), write w.
  resetW();
  srAddScalar(w, u, r, n);
  if (avx512) {
    srAddAvx512(w2, u, r, n);
    size_t bad = mismatches(w, w2);
    t = bestTime(repsScalar, [&] { srAddScalar(w, u, r, n); });
    addRow("sr_scalar", "SR add (bits from array), scalar ref", gbs(10, t),
           "GB/s", "triad_avx512", "10 B/elem");
    t = bestTime(repsVec, [&] { srAddAvx512(w2, u, r, n); });
    addRow("sr_avx512", "SR add (bits from array), AVX-512", gbs(10, t), "GB/s",
           "triad_avx512", "10 B/elem, " + checkNote(bad));
  } else {
    t = bestTime(repsScalar, [&] { srAddScalar(w, u, r, n); });
    addRow("sr_scalar", "SR add (bits from array), scalar ref", gbs(10, t),
           "GB/s", "triad_avx512", "10 B/elem");
    addRow("sr_avx512", "SR add (bits from array), AVX-512", nan, "GB/s",
           "triad_avx512", "needs avx512f/bw/vl");
  }

  // SR add with in-loop Philox4x32-10: read w, u, write w.
  resetW();
  srAddPhiloxScalar(w, u, n);
  size_t badPhilox = 0;
  if (avx512) {
    srAddPhiloxAvx512<kPhiloxBatches>(w2, u, n);
    badPhilox = mismatches(w, w2);
  }
  t = bestTime(repsScalar, [&] { srAddPhiloxScalar(w, u, n); });
  addRow("sr_philox_scalar", "SR add + Philox bits, scalar ref", gbs(6, t),
         "GB/s", "triad_avx512", "6 B/elem");
  if (avx512) {
    t = bestTime(repsVec, [&] { srAddPhiloxAvx512<kPhiloxBatches>(w2, u, n); });
    addRow("sr_philox_avx512", "SR add + Philox bits, AVX-512", gbs(6, t),
           "GB/s", "triad_avx512", "6 B/elem, " + checkNote(badPhilox));
  } else {
    addRow("sr_philox_avx512", "SR add + Philox bits, AVX-512", nan, "GB/s",
           "triad_avx512", "needs avx512f/bw/vl");
  }

  // Kahan: read w, c, u, write w, c: 10 B/elem.
  resetW();
  kahanScalar(w, c, u, n);
  size_t badKahan = 0;
  if (bf16) {
    kahanAvx512(w2, c2, u, n);
    badKahan = mismatches(w, w2) + mismatches(c, c2);
  }
  t = bestTime(repsScalar, [&] { kahanScalar(w, c, u, n); });
  addRow("kahan_scalar", "Kahan update, scalar ref", gbs(10, t), "GB/s",
         "triad_avx512", "10 B/elem");
  if (bf16) {
    t = bestTime(repsVec, [&] { kahanAvx512(w2, c2, u, n); });
    addRow("kahan_avx512", "Kahan update, AVX-512 (vcvtneps2bf16)", gbs(10, t),
           "GB/s", "triad_avx512", "10 B/elem, " + checkNote(badKahan));
  } else {
    addRow("kahan_avx512", "Kahan update, AVX-512 (vcvtneps2bf16)", nan, "GB/s",
           "triad_avx512", "needs avx512_bf16");
  }
  if (avx512) {
    resetW();
    kahanScalar(w, c, u, n);
    kahanAvx512IntRne(w2, c2, u, n);
    size_t bad = mismatches(w, w2) + mismatches(c, c2);
    t = bestTime(repsVec, [&] { kahanAvx512IntRne(w2, c2, u, n); });
    addRow("kahan_avx512_int", "Kahan update, AVX-512 (integer RNE)",
           gbs(10, t), "GB/s", "triad_avx512", "10 B/elem, " + checkNote(bad));
  } else {
    addRow("kahan_avx512_int", "Kahan update, AVX-512 (integer RNE)", nan,
           "GB/s", "triad_avx512", "needs avx512f/bw/vl");
  }

  sink = float(w[n / 3] + w2[n / 5] + y[7] + y2[9]);
  for (void *p : {(void *)x, (void *)y, (void *)y2, (void *)w, (void *)w2,
                  (void *)c, (void *)c2, (void *)u, (void *)r})
    std::free(p);
}

void usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s [--core N] [--threads T] [--quick] [--json FILE] "
               "[--only peaks|triad|updates]\n"
               "  Pins itself to core N (default 0) and prints machine peaks\n"
               "  and BF16 update-kernel baselines. --quick: short runs.\n"
               "  --threads T > 1: also the zmm peaks and the triad on cores\n"
               "  N..N+T-1 at once.\n",
               argv0);
  std::exit(2);
}

} // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick")
      opts.quick = true;
    else if (a == "--core" && i + 1 < argc)
      opts.core = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc)
      opts.threads = std::atoi(argv[++i]);
    else if (a == "--json" && i + 1 < argc)
      opts.jsonPath = argv[++i];
    else if (a == "--only" && i + 1 < argc)
      opts.only = argv[++i];
    else
      usage(argv[0]);
  }

  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (opts.threads < 1 || opts.threads > ncpu) {
    std::fprintf(stderr, "--threads must be between 1 and %ld\n", ncpu);
    return 2;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(opts.core, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    std::perror("sched_setaffinity");
    return 1;
  }
  std::string cpu = cpuModelName();
  std::printf("bf16-bench-peak: %s, pinned to core %d (running on %d)%s\n",
              cpu.c_str(), opts.core, sched_getcpu(),
              opts.quick ? ", QUICK mode (not for reporting)" : "");
  std::printf("features: avx512f=%s avx512bw=%s avx512vl=%s avx512bf16=%s\n",
              cpuHas(Feature::Avx512f) ? "yes" : "no",
              cpuHas(Feature::Avx512bw) ? "yes" : "no",
              cpuHas(Feature::Avx512vl) ? "yes" : "no",
              cpuHas(Feature::Avx512bf16) ? "yes" : "no");

  section("Clock");
  double ghz = estimateClockGHz();
  addRow("clock", "core clock (dependent-add chain)", ghz, "GHz", "", "");
  if (opts.only.empty() || opts.only == "peaks")
    measurePeaks(ghz);
  if (opts.only.empty() || opts.only == "triad")
    measureTriad();
  if (opts.only.empty() || opts.only == "updates")
    measureUpdates();

  // Re-measure the clock at the end: a drop means throttling or a noisy
  // neighbour during the run.
  addRow("clock_end", "core clock at the end", estimateClockGHz(), "GHz", "",
         "");
  if (!opts.jsonPath.empty())
    writeJson(opts.jsonPath, cpu);
  return 0;
}
