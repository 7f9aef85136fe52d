"""Tests of bf16_opt.numerics (ctypes bindings to libbf16_numerics.so).

Run from the repository root:
  PYTHONPATH=python BF16_OPT_BUILD_DIR=build /usr/bin/python3 -m unittest discover -s python/tests -v

If the library cannot be found, importing bf16_opt.numerics raises and this
module reports an ERROR: these tests are never skipped.
"""

import os
import random
import unittest
from fractions import Fraction

from bf16_opt import numerics as nm  # (fails loudly if missing)
from bf16_opt import testing

MASK32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------
# Independent oracles, deliberately written without the bit tricks of the
# C++ reference.
# ---------------------------------------------------------------------------

def f32_value(bits):
    """Exact value of a finite FP32 pattern as a Fraction (sign separate)."""
    exp = (bits >> 23) & 0xFF
    man = bits & 0x7FFFFF
    assert exp != 0xFF
    if exp == 0:
        return Fraction(man, 1 << 149)  # man * 2^-149
    return Fraction((1 << 23) | man) * Fraction(2) ** (exp - 150)


def floor_log2(v):
    """floor(log2(v)) for a positive Fraction, exactly."""
    e = v.numerator.bit_length() - v.denominator.bit_length()
    if Fraction(2) ** e > v:
        e -= 1
    assert Fraction(2) ** e <= v < Fraction(2) ** (e + 1)
    return e


def bf16_encode_magnitude(v):
    """BF16 pattern (sign 0) of a non-negative Fraction exactly
    representable in BF16, or of 2^128 meaning +Inf."""
    if v == 0:
        return 0
    e = floor_log2(v)
    if e >= 128:
        assert v == Fraction(2) ** 128
        return 0x7F80
    if e < -126:  # denormal: multiple of 2^-133
        k = v * (1 << 133)
        assert k.denominator == 1 and 0 < k < 128
        return int(k)
    k = v / Fraction(2) ** (e - 7)
    assert k.denominator == 1 and 128 <= k < 256
    return ((e + 127) << 7) | (int(k) - 128)


def oracle_rne_ieee(bits):
    """FP32 -> BF16, IEEE round-to-nearest-even, by exact arithmetic:
    pick the nearer of the two neighbouring multiples of the BF16 quantum,
    ties to the even multiple; overflow by the IEEE rule (Inf counts as
    2^128 in the comparison)."""
    sign = 0x8000 if bits & 0x80000000 else 0
    exp = (bits >> 23) & 0xFF
    man = bits & 0x7FFFFF
    if exp == 0xFF:
        if man == 0:
            return sign | 0x7F80  # infinity
        # NaN: keep sign and the top 7 payload bits, force the quiet bit.
        return sign | 0x7F80 | 0x40 | (man >> 16)
    x = f32_value(bits)
    if x == 0:
        return sign
    # BF16 quantum at x: 2^(e-7) for normal binades, 2^-133 below 2^-126.
    e = max(floor_log2(x), -126)
    q = Fraction(2) ** (e - 7)
    lo_k = (x / q).numerator // (x / q).denominator
    lo, hi = lo_k * q, (lo_k + 1) * q
    d_lo, d_hi = x - lo, hi - x
    if d_lo < d_hi or (d_lo == d_hi and lo_k % 2 == 0):
        v = lo
    else:
        v = hi
    if v >= Fraction(2) ** 128:
        return sign | 0x7F80
    return sign | bf16_encode_magnitude(v)


def is_f32_denormal(bits):
    return (bits & 0x7F800000) == 0 and (bits & 0x7FFFFF) != 0


# Pure-Python Philox4x32-10, from the Random123 description.
def py_philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for rnd in range(10):
        if rnd:
            k0 = (k0 + 0x9E3779B9) & MASK32
            k1 = (k1 + 0xBB67AE85) & MASK32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK32,
                          (p0 >> 32) ^ c3 ^ k1, p0 & MASK32)
    return (c0, c1, c2, c3)


def py_random_bits(seed, stream, step, index):
    ctr = ((index >> 2) & MASK32, stream, step & MASK32, step >> 32)
    key = (seed & MASK32, seed >> 32)
    return py_philox4x32_10(ctr, key)[index & 3]


def py_random_bits16(seed, stream, step, index):
    """Stream v2 (docs/Numerics.md): one block per 8 elements, 16 bits each."""
    ctr = ((index >> 3) & MASK32, stream, step & MASK32, step >> 32)
    key = (seed & MASK32, seed >> 32)
    word = py_philox4x32_10(ctr, key)[(index & 7) >> 1]
    return word >> 16 if index & 1 else word & 0xFFFF


# ---------------------------------------------------------------------------
# Special values
# ---------------------------------------------------------------------------

SPECIALS = [
    0x00000000, 0x80000000,  # +-0
    0x00000001, 0x80000001,  # +-min denormal
    0x007FFFFF, 0x807FFFFF,  # +-max denormal
    0x00008000, 0x00018000,  # denormal ties, even / odd BF16 lsb
    0x00007FFF, 0x00008001,
    0x007F8000, 0x007F7FFF,  # largest denormals around a tie
    0x00800000, 0x80800000,  # +-min normal
    0x7F7FFFFF, 0xFF7FFFFF,  # +-FLT_MAX (rounds to +-Inf)
    0x7F7F7FFF, 0x7F7F8000,  # just below / at the overflow tie
    0x7F800000, 0xFF800000,  # +-Inf
    0x7FC00000, 0xFFC00000,  # quiet NaNs
    0x7F800001, 0xFF800001,  # signalling NaNs, payload only in low bits
    0x7FA00000, 0x7FFFFFFF, 0xFFFFFFFF, 0x7F81FFFF,
    0x3F800000, 0xBF800000,  # +-1
    0x3F808000, 0xBF808000,  # 1 + half ulp: tie, even lsb -> down
    0x3F818000, 0xBF818000,  # tie, odd lsb -> up
    0x3F807FFF, 0x3F808001, 0x3F80FFFF,
    0x3FFF8000,              # tie that carries into the next binade
    0x40490FDB,              # pi
]

EXPECTED_SPECIAL = {
    0x00000000: 0x0000, 0x80000000: 0x8000,
    0x00000001: 0x0000, 0x80000001: 0x8000,
    0x007FFFFF: 0x0080, 0x807FFFFF: 0x8080,
    0x7F7FFFFF: 0x7F80, 0xFF7FFFFF: 0xFF80,
    0x7F7F7FFF: 0x7F7F, 0x7F7F8000: 0x7F80,
    0x7F800000: 0x7F80, 0xFF800000: 0xFF80,
    0x7FC00000: 0x7FC0, 0xFFC00000: 0xFFC0,
    0x7F800001: 0x7FC0, 0xFF800001: 0xFFC0,
    0x3F800000: 0x3F80, 0x3F808000: 0x3F80, 0x3F818000: 0x3F82,
    0xBF808000: 0xBF80, 0xBF818000: 0xBF82, 0x3FFF8000: 0x4000,
    0x40490FDB: 0x4049,
}


def random_patterns(n, seed):
    rng = random.Random(seed)
    out = [rng.getrandbits(32) for _ in range(n)]
    # Bias some samples towards the interesting cases: exact ties, denormals,
    # near-overflow and NaN payloads.
    for _ in range(n // 10):
        out.append((rng.getrandbits(16) << 16) | 0x8000)          # ties
        out.append(rng.getrandbits(23) | (rng.getrandbits(1) << 31))  # denorm
        out.append(0x7F7F0000 | rng.getrandbits(16)
                   | (rng.getrandbits(1) << 31))                    # overflow
        out.append(0x7F800000 | rng.getrandbits(23)
                   | (rng.getrandbits(1) << 31))                    # Inf/NaN
    return out


class OracleSelfTest(unittest.TestCase):
    """The pure-Python oracle agrees with hand-computed answers, so a
    disagreement with the library is not an oracle bug."""

    def test_oracle_specials(self):
        for b, want in EXPECTED_SPECIAL.items():
            self.assertEqual(oracle_rne_ieee(b), want, hex(b))

    def test_py_philox_kat(self):
        self.assertEqual(py_philox4x32_10((0, 0, 0, 0), (0, 0)),
                         (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8))


class LibraryTest(unittest.TestCase):
    def test_abi_version(self):
        self.assertEqual(nm.abi_version(), 3)
        self.assertTrue(os.path.isfile(nm.library_path))

    def test_mode_constants(self):
        self.assertEqual(
            (nm.NEAREST_EVEN, nm.NEAREST_EVEN_FTZ, nm.TOWARD_ZERO,
             nm.STOCHASTIC), (0, 1, 2, 3))
        self.assertEqual(nm.MODES, {
            "nearest_even": 0, "nearest_even_ftz": 1, "toward_zero": 2,
            "stochastic": 3})


class PhiloxTest(unittest.TestCase):
    # Random123 kat_vectors, philox4x32_10.
    KAT = [
        ((0x00000000, 0x00000000, 0x00000000, 0x00000000),
         (0x00000000, 0x00000000),
         (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
        ((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
         (0xFFFFFFFF, 0xFFFFFFFF),
         (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
        ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
         (0xA4093822, 0x299F31D0),
         (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
    ]

    def test_known_answers(self):
        for ctr, key, want in self.KAT:
            self.assertEqual(nm.philox4x32_10(ctr, key), want,
                             "ctr=%s key=%s" % (ctr, key))

    def test_python_philox_matches_kat(self):
        for ctr, key, want in self.KAT:
            self.assertEqual(py_philox4x32_10(ctr, key), want)

    def test_random_ctr_key_matches_python(self):
        rng = random.Random(123)
        for _ in range(200):
            ctr = tuple(rng.getrandbits(32) for _ in range(4))
            key = tuple(rng.getrandbits(32) for _ in range(2))
            self.assertEqual(nm.philox4x32_10(ctr, key),
                             py_philox4x32_10(ctr, key))

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            nm.philox4x32_10((0, 0, 0), (0, 0))
        with self.assertRaises(ValueError):
            nm.philox4x32_10((0, 0, 0, 1 << 32), (0, 0))


class RandomBitsTest(unittest.TestCase):
    def test_matches_spec_formula(self):
        rng = random.Random(7)
        cases = [(0, 0, 0, 0), (1, 2, 3, 4), ((1 << 64) - 1, MASK32,
                                              (1 << 64) - 1, (1 << 34) - 1)]
        for _ in range(300):
            cases.append((rng.getrandbits(64), rng.getrandbits(32),
                          rng.getrandbits(64), rng.getrandbits(34)))
        for seed, stream, step, index in cases:
            self.assertEqual(nm.random_bits(seed, stream, step, index),
                             py_random_bits(seed, stream, step, index),
                             (seed, stream, step, index))

    def test_fill_equals_per_index(self):
        for seed, stream, step, first, n in [
                (42, 0, 0, 5, 23),                 # unaligned head+tail
                (42, 1, 7, 3, 1),
                (0xDEADBEEFCAFEF00D, 9, (1 << 40) + 3, (1 << 33) + 1, 37),
                (5, 5, 5, 8, 16),                  # aligned
                (5, 5, 5, 6, 2)]:                  # head only
            got = nm.random_bits_fill(seed, stream, step, first, n)
            want = [nm.random_bits(seed, stream, step, first + i)
                    for i in range(n)]
            self.assertEqual(len(got), n)
            self.assertEqual(got, want, (seed, stream, step, first, n))
            self.assertEqual(got, [py_random_bits(seed, stream, step,
                                                  first + i)
                                   for i in range(n)])
        self.assertEqual(nm.random_bits_fill(1, 2, 3, 4, 0), [])

    def test_parameters_change_the_stream(self):
        base = nm.random_bits_fill(42, 0, 0, 0, 64)
        for other in (nm.random_bits_fill(43, 0, 0, 0, 64),        # seed
                      nm.random_bits_fill(42 + (1 << 32), 0, 0, 0, 64),
                      nm.random_bits_fill(42, 1, 0, 0, 64),        # stream
                      nm.random_bits_fill(42, 0, 1, 0, 64),        # step
                      nm.random_bits_fill(42, 0, 1 << 32, 0, 64),  # hi step
                      nm.random_bits_fill(42, 0, 0, 64, 64)):      # index
            self.assertNotEqual(base, other)
            # Not merely a permutation or a shift: almost no common values.
            self.assertLess(len(set(base) & set(other)), 4)
        self.assertEqual(len(set(base)), 64)


class RandomBits16Test(unittest.TestCase):
    """Stream v2 (i16 lowp.random_bits)."""

    def test_matches_spec_formula(self):
        rng = random.Random(8)
        cases = [(0, 0, 0, 0), (1, 2, 3, 4), ((1 << 64) - 1, MASK32,
                                              (1 << 64) - 1, (1 << 35) - 1)]
        for _ in range(300):
            cases.append((rng.getrandbits(64), rng.getrandbits(32),
                          rng.getrandbits(64), rng.getrandbits(35)))
        for seed, stream, step, index in cases:
            got = nm.random_bits16(seed, stream, step, index)
            self.assertEqual(got, py_random_bits16(seed, stream, step, index),
                             (seed, stream, step, index))
            # v2 splits the v1 word of index >> 1, low half first.
            word = py_random_bits(seed, stream, step, index >> 1)
            self.assertEqual(got, (word >> (16 * (index & 1))) & 0xFFFF)

    def test_fill_equals_per_index(self):
        for seed, stream, step, first, n in [
                (42, 0, 0, 5, 23),                 # unaligned head+tail
                (42, 1, 7, 3, 1),
                (0xDEADBEEFCAFEF00D, 9, (1 << 40) + 3, (1 << 34) + 1, 37),
                (5, 5, 5, 8, 16),                  # aligned
                (5, 5, 5, 6, 2)]:                  # head only
            got = nm.random_bits16_fill(seed, stream, step, first, n)
            self.assertEqual(len(got), n)
            self.assertEqual(got, [py_random_bits16(seed, stream, step,
                                                    first + i)
                                   for i in range(n)],
                             (seed, stream, step, first, n))
        self.assertEqual(nm.random_bits16_fill(1, 2, 3, 4, 0), [])

    def test_parameters_change_the_stream(self):
        base = nm.random_bits16_fill(42, 0, 0, 0, 64)
        for other in (nm.random_bits16_fill(43, 0, 0, 0, 64),
                      nm.random_bits16_fill(42 + (1 << 32), 0, 0, 0, 64),
                      nm.random_bits16_fill(42, 1, 0, 0, 64),
                      nm.random_bits16_fill(42, 0, 1, 0, 64),
                      nm.random_bits16_fill(42, 0, 1 << 32, 0, 64),
                      nm.random_bits16_fill(42, 0, 0, 64, 64)):
            self.assertNotEqual(base, other)
            self.assertLess(len(set(base) & set(other)), 4)
        self.assertGreater(len(set(base)), 60)


class RneIeeeTest(unittest.TestCase):
    def test_specials_scalar(self):
        for b in SPECIALS:
            self.assertEqual(nm.rne_ieee(b), oracle_rne_ieee(b), hex(b))
            self.assertEqual(nm.round_f32_to_bf16(b, nm.NEAREST_EVEN),
                             oracle_rne_ieee(b), hex(b))

    def test_signalling_nan_is_quieted(self):
        for fn in (nm.rne_ieee, nm.rne_ftz, nm.rtz,
                   lambda b: nm.sr(b, 0xFFFF)):
            self.assertEqual(fn(0x7F800001), 0x7FC0)
            self.assertEqual(fn(0xFF800001), 0xFFC0)

    def test_random_patterns(self):
        pats = random_patterns(20000, seed=20240601)
        got = nm.round_array(pats, nm.NEAREST_EVEN)
        bad = [(hex(b), hex(g), hex(oracle_rne_ieee(b)))
               for b, g in zip(pats, got) if g != oracle_rne_ieee(b)]
        self.assertEqual(bad[:10], [], "%d mismatches" % len(bad))
        # The scalar entry point agrees with the array one.
        for b, g in list(zip(pats, got))[:500]:
            self.assertEqual(nm.rne_ieee(b), g, hex(b))

    def test_pure_python_rne(self):
        # bf16_opt.testing's rounding (used without the library) is the
        # oracle's, specials included.
        pats = random_patterns(20000, seed=7) + SPECIALS
        bad = [hex(b) for b in pats
               if testing.f32_to_bf16_rne(b) != oracle_rne_ieee(b)]
        self.assertEqual(bad[:10], [], "%d mismatches" % len(bad))

    def test_float_helpers(self):
        self.assertEqual(nm.f32_bits(1.0), 0x3F800000)
        self.assertEqual(nm.f32_bits(-0.0), 0x80000000)
        self.assertEqual(nm.float_from_f32_bits(0x40490FDB),
                         3.1415927410125732)
        self.assertEqual(nm.bf16_to_float(0x3F80), 1.0)
        self.assertEqual(nm.bf16_to_float(0xC040), -3.0)
        self.assertEqual(nm.bf16_from_float(1.0 + 2 ** -8), 0x3F80)
        self.assertEqual(nm.bf16_from_float(1.0 + 3 * 2 ** -8), 0x3F82)

    def test_bf16_to_f32(self):
        rng = random.Random(3)
        for h in [0, 0x8000, 0x7F80, 0xFFC0, 0x0001] + [
                rng.getrandbits(16) for _ in range(500)]:
            self.assertEqual(nm.bf16_to_f32(h), h << 16)
            # Widening then RNE-narrowing is the identity, except that a
            # signalling BF16 NaN gets quieted.
            want = h | 0x40 if (h & 0x7FFF) > 0x7F80 else h
            self.assertEqual(nm.rne_ieee(nm.bf16_to_f32(h)), want, hex(h))


class RneFtzTest(unittest.TestCase):
    def test_denormals_flush_to_signed_zero(self):
        rng = random.Random(11)
        dens = [0x00000001, 0x007FFFFF, 0x00008000, 0x007F8000] + [
            rng.randrange(1, 1 << 23) for _ in range(2000)]
        dens += [d | 0x80000000 for d in dens]
        for b in dens[:50]:
            self.assertEqual(nm.rne_ftz(b), (b >> 16) & 0x8000, hex(b))
        got = nm.round_array(dens, nm.NEAREST_EVEN_FTZ)
        self.assertEqual(got, [(b >> 16) & 0x8000 for b in dens])
        # Sanity: IEEE mode does not flush the largest denormal.
        self.assertEqual(nm.rne_ieee(0x007FFFFF), 0x0080)

    def test_non_denormals_equal_ieee(self):
        pats = [b for b in random_patterns(20000, seed=99)
                if not is_f32_denormal(b)]
        pats += [b for b in SPECIALS if not is_f32_denormal(b)]
        got = nm.round_array(pats, "nearest_even_ftz")
        bad = [hex(b) for b, g in zip(pats, got) if g != oracle_rne_ieee(b)]
        self.assertEqual(bad[:10], [], "%d mismatches" % len(bad))
        for b in SPECIALS:
            if not is_f32_denormal(b):
                self.assertEqual(nm.rne_ftz(b), nm.rne_ieee(b), hex(b))


class RtzTest(unittest.TestCase):
    def test_truncates(self):
        rng = random.Random(5)
        pats = [rng.getrandbits(32) for _ in range(5000)] + SPECIALS
        got = nm.round_array(pats, nm.TOWARD_ZERO)
        for b, g in zip(pats, got):
            if (b & 0x7FFFFFFF) > 0x7F800000:
                want = (b >> 16) | 0x40
            else:
                want = b >> 16
            self.assertEqual(g, want, hex(b))
        self.assertEqual(nm.rtz(0x3F80FFFF), 0x3F80)
        self.assertEqual(nm.rtz(0xBF80FFFF), 0xBF80)


class StochasticRoundingTest(unittest.TestCase):
    ALL_R = list(range(65536))

    def test_exact_round_up_count(self):
        # Over all 65536 values of the random bits, the number of round-ups
        # (away from zero) is exactly the low 16 bits of x.
        for x in (0x3F800001, 0x3F804000, 0x3F808000, 0x3F80FFFF,
                  0x40490FDB, 0xBF8A3D71, 0x00012345, 0x80008000,
                  0x3F800000, 0x7F7FFFFF):
            got = nm.round_array([x] * 65536, nm.STOCHASTIC, self.ALL_R)
            down = x >> 16
            ups = [g for g in got if g != down]
            self.assertEqual(len(ups), x & 0xFFFF, hex(x))
            # Every round-up goes to the next BF16 away from zero.
            self.assertTrue(all(g == down + 1 for g in ups), hex(x))
            # Round-up happens exactly for the largest random values.
            if x & 0xFFFF:
                first_up = 65536 - (x & 0xFFFF)
                self.assertEqual(got[first_up - 1], down, hex(x))
                self.assertEqual(got[first_up], down + 1, hex(x))

    def test_only_low_16_random_bits_matter(self):
        x = 0x3F80C000
        self.assertEqual(nm.sr(x, 0x3FFF), 0x3F80)
        self.assertEqual(nm.sr(x, 0x4000), 0x3F81)
        self.assertEqual(nm.sr(x, 0xFFFF3FFF), 0x3F80)
        self.assertEqual(nm.sr(x, 0xFFFF4000), 0x3F81)
        self.assertEqual(nm.round_f32_to_bf16(x, nm.STOCHASTIC, 0x4000),
                         0x3F81)

    def test_specials(self):
        for r in (0, 0x8000, 0xFFFF):
            self.assertEqual(nm.sr(0x7F800000, r), 0x7F80)
            self.assertEqual(nm.sr(0xFF800000, r), 0xFF80)
            self.assertEqual(nm.sr(0x7FC00000, r), 0x7FC0)
            self.assertEqual(nm.sr(0x80000000, r), 0x8000)
        self.assertEqual(nm.sr(0x7F7FFFFF, 0x0001), 0x7F80)  # into Inf

    def test_sr_add(self):
        w = 0x3F80                     # 1.0
        u = nm.bf16_from_float(2 ** -9)
        # s = 1 + 2^-9 = 0x3F804000 in FP32: rounds up iff low16(r) >= 0xC000
        self.assertEqual(nm.sr_add(w, u, False, 0xBFFF), 0x3F80)
        self.assertEqual(nm.sr_add(w, u, False, 0xC000), 0x3F81)
        u32 = nm.f32_bits(2 ** -9)
        self.assertEqual(nm.sr_add(w, u32, True, 0xBFFF), 0x3F80)
        self.assertEqual(nm.sr_add(w, u32, True, 0xC000), 0x3F81)
        # An FP32 u below BF16 precision still contributes.
        u_fine = nm.f32_bits(2 ** -9 + 2 ** -20)
        s = nm.f32_bits(1.0 + 2 ** -9 + 2 ** -20)
        for r in (0, 0xBFF7, 0xBFF8, 0xFFFF):
            self.assertEqual(nm.sr_add(w, u_fine, True, r), nm.sr(s, r))
        with self.assertRaises(ValueError):
            nm.sr_add(w, 0x10000, False, 0)


class KahanTest(unittest.TestCase):
    def test_compensated_sum(self):
        u = nm.bf16_from_float(2.0 ** -9)
        self.assertEqual(nm.bf16_to_float(u), 2.0 ** -9)
        w, c = 0x3F80, 0x0000
        plain = 0x3F80
        for _ in range(1000):
            w, c = nm.kahan_update(w, c, u, nm.NEAREST_EVEN)
            plain = nm.rne_ieee(nm.f32_bits(nm.bf16_to_float(plain)
                                            + nm.bf16_to_float(u)))
        wf = nm.bf16_to_float(w)
        self.assertTrue(2.9 < wf < 3.0, wf)  # exact sum: 2.953125
        self.assertEqual(plain, 0x3F80)      # plain RNE add stagnates at 1

    def test_ftz_mode_and_bad_mode(self):
        self.assertEqual(nm.kahan_update(0x3F80, 0, 0x3F80,
                                         nm.NEAREST_EVEN_FTZ), (0x4000, 0))
        for bad in (nm.TOWARD_ZERO, nm.STOCHASTIC, 7, "bogus"):
            with self.assertRaises(ValueError):
                nm.kahan_update(0x3F80, 0, 0x3F80, bad)


class SplitUpdateTest(unittest.TestCase):
    def test_exact_fp32_accumulation(self):
        # hi:lo is an exact FP32 master: 1000 additions of 2^-9 to 1.0 give
        # exactly the FP32 sum (independently computed with struct here).
        import struct
        u = nm.bf16_from_float(2.0 ** -9)
        hi, lo = 0x3F80, 0
        ref = 1.0
        for _ in range(1000):
            hi, lo = nm.split_update(hi, lo, u)
            ref = struct.unpack("<f", struct.pack("<f", ref + 2.0 ** -9))[0]
        self.assertEqual((hi << 16) | lo, nm.f32_bits(ref))
        self.assertEqual(hi, nm.rtz(nm.f32_bits(ref)))

    def test_f32_update_and_nan(self):
        # An FP32 update below BF16 resolution lands in the low half.
        hi, lo = nm.split_update(0x3F80, 0, nm.f32_bits(2.0 ** -20), True)
        self.assertEqual((hi, lo), (0x3F80, 0x0008))
        # A NaN whose payload is only in the low half keeps hi a NaN.
        hi, lo = nm.split_update(0x7F80, 0x0001, 0)
        self.assertEqual(hi & 0x7FC0, 0x7FC0)
        self.assertEqual(lo, 0x0001)


class BadModeTest(unittest.TestCase):
    def test_round_f32_to_bf16_bad_mode(self):
        for bad in (4, -1, 100, 1 << 40, "bogus", "NEAREST_EVEN"):
            with self.assertRaises(ValueError, msg=repr(bad)):
                nm.round_f32_to_bf16(0x3F800000, bad)

    def test_mode_names_accepted(self):
        for name, m in nm.MODES.items():
            self.assertEqual(nm.round_f32_to_bf16(0x3F818000, name, 0xFFFF),
                             nm.round_f32_to_bf16(0x3F818000, m, 0xFFFF))

    def test_round_array_bad_mode_and_args(self):
        with self.assertRaises(ValueError):
            nm.round_array([0x3F800000], 9)
        with self.assertRaises(ValueError):
            nm.round_array([0x3F800000, 0], nm.STOCHASTIC, [1])
        with self.assertRaises(ValueError):
            nm.round_array([1 << 32], nm.NEAREST_EVEN)
        with self.assertRaises(ValueError):
            nm.rne_ieee(-1)
        with self.assertRaises(TypeError):
            nm.rne_ieee(1.0)
        self.assertEqual(nm.round_array([], nm.NEAREST_EVEN), [])


if __name__ == "__main__":
    unittest.main()
