"""ctypes bindings to the bf16-opt reference numerics (``libbf16_numerics.so``).

The C ABI is ``include/bf16-c/Numerics.h``; the semantics are those of
``include/bf16/Numerics/Reference.h``. Every value crosses the boundary as a
raw bit pattern -- FP32 as a 32-bit ``int``, BF16 as a 16-bit ``int`` -- so
that NaN payloads and signed zeros survive. Float helpers
(:func:`f32_bits`, :func:`float_from_f32_bits`, :func:`bf16_to_float`) convert
between Python floats and patterns.

Library lookup order (first match wins):

1. ``$BF16_NUMERICS_LIB`` -- full path to the shared library. When this
   variable is set it is authoritative: if the file does not exist the import
   fails instead of silently falling back to another build.
2. ``$BF16_OPT_BUILD_DIR/lib/libbf16_numerics.so``
3. ``<repo>/build/lib/libbf16_numerics.so`` (``<repo>`` is two directories
   above this package).

If no library is found, or it cannot be loaded, or its ABI version is not
:data:`ABI_VERSION`, importing this module raises
:class:`NumericsLibraryError` (a subclass of :class:`ImportError`) listing
the paths tried.
"""

import ctypes
import os

from . import paths
from .testing import bf16_to_float, f32_bits, uint as _uint
from .testing import f32_from_bits as float_from_f32_bits

__all__ = [
    "ABI_VERSION",
    "NEAREST_EVEN",
    "NEAREST_EVEN_FTZ",
    "TOWARD_ZERO",
    "STOCHASTIC",
    "MODES",
    "NumericsLibraryError",
    "library_path",
    "abi_version",
    "round_f32_to_bf16",
    "rne_ieee",
    "rne_ftz",
    "rtz",
    "sr",
    "bf16_to_f32",
    "sr_add",
    "kahan_update",
    "split_update",
    "philox4x32_10",
    "random_bits",
    "random_bits_fill",
    "random_bits16",
    "random_bits16_fill",
    "round_array",
    "dot_bf16_pair",
    "gemm_bf16",
    "f32_bits",
    "float_from_f32_bits",
    "bf16_to_float",
    "bf16_from_float",
]

#: The C ABI version these bindings are written against
#: (``LOWP_NUMERICS_ABI_VERSION``).
ABI_VERSION = 3

# Rounding modes, numbered as the dialect's `#lowp.rounding` enum.
NEAREST_EVEN = 0  #: IEEE RNE, denormals kept (arith.truncf).
NEAREST_EVEN_FTZ = 1  #: RNE, denormal inputs -> +-0 (vcvtneps2bf16).
TOWARD_ZERO = 2  #: Truncation.
STOCHASTIC = 3  #: Add the low 16 random bits, truncate.

#: Mode names (as spelled in the dialect) -> mode numbers.
MODES = {
    "nearest_even": NEAREST_EVEN,
    "nearest_even_ftz": NEAREST_EVEN_FTZ,
    "toward_zero": TOWARD_ZERO,
    "stochastic": STOCHASTIC,
}

_LIB_NAME = "libbf16_numerics.so"


class NumericsLibraryError(ImportError):
    """The reference numerics library could not be found or loaded."""

    def __init__(self, message, tried=()):
        self.tried = list(tried)
        if self.tried:
            message += "\nPaths tried:\n" + "\n".join(
                "  " + p for p in self.tried)
            message += (
                "\nBuild libbf16_numerics.so, or set BF16_NUMERICS_LIB to "
                "its full path, or BF16_OPT_BUILD_DIR to the build "
                "directory.")
        super().__init__(message)


# --------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------

def _find_library():
    """Return the path of the library to load, or raise."""
    explicit = os.environ.get("BF16_NUMERICS_LIB")
    if explicit:
        if os.path.isfile(explicit):
            return explicit
        raise NumericsLibraryError(
            "BF16_NUMERICS_LIB is set but does not name an existing file",
            [explicit + "  (BF16_NUMERICS_LIB)"])
    tried = []
    for build_dir, origin in paths.build_dirs():
        path = os.path.join(build_dir, "lib", _LIB_NAME)
        tried.append("%s  (%s)" % (path, origin))
        if os.path.isfile(path):
            return path
    raise NumericsLibraryError("cannot find %s" % _LIB_NAME, tried)


_U16 = ctypes.c_uint16
_U32 = ctypes.c_uint32
_U64 = ctypes.c_uint64
_INT = ctypes.c_int
_SIZE = ctypes.c_size_t
_PU16 = ctypes.POINTER(_U16)
_PU32 = ctypes.POINTER(_U32)
_PINT = ctypes.POINTER(_INT)

# name -> (restype, argtypes); one entry per function of bf16-c/Numerics.h.
_SIGNATURES = {
    "lowp_numerics_abi_version": (_INT, []),
    "lowp_round_f32_to_bf16": (_U16, [_U32, _INT, _U32, _PINT]),
    "lowp_rne_ieee": (_U16, [_U32]),
    "lowp_rne_ftz": (_U16, [_U32]),
    "lowp_rtz": (_U16, [_U32]),
    "lowp_sr": (_U16, [_U32, _U32]),
    "lowp_bf16_to_f32": (_U32, [_U16]),
    "lowp_sr_add": (_U16, [_U16, _U32, _INT, _U32]),
    "lowp_kahan_update": (_INT, [_U16, _U16, _U16, _INT, _PU16, _PU16]),
    "lowp_split_update": (None, [_U16, _U16, _U32, _INT, _PU16, _PU16]),
    "lowp_philox4x32_10": (None, [_PU32, _PU32, _PU32]),
    "lowp_random_bits": (_U32, [_U64, _U32, _U64, _U64]),
    "lowp_random_bits_fill": (None, [_U64, _U32, _U64, _U64, _PU32, _SIZE]),
    "lowp_random_bits16": (_U16, [_U64, _U32, _U64, _U64]),
    "lowp_random_bits16_fill": (None, [_U64, _U32, _U64, _U64, _PU16,
                                       _SIZE]),
    "lowp_round_f32_to_bf16_array": (None, [_PU32, _PU16, _SIZE, _INT,
                                            _PU32]),
    "lowp_dot_bf16_pair": (_U32, [_U32, _U16, _U16, _U16, _U16]),
    "lowp_gemm_bf16": (None, [_SIZE, _SIZE, _SIZE, _PU16, _PU16, _PU32]),
}


def _load():
    path = _find_library()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise NumericsLibraryError(
            "cannot load %s: %s" % (path, e)) from e
    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError as e:
            raise NumericsLibraryError(
                "%s does not export %s" % (path, name)) from e
        fn.restype = restype
        fn.argtypes = argtypes
    version = lib.lowp_numerics_abi_version()
    if version != ABI_VERSION:
        raise NumericsLibraryError(
            "%s has numerics ABI version %d, these bindings need %d"
            % (path, version, ABI_VERSION))
    return lib, path


_lib, _path = _load()
#: Path of the loaded shared library (as found by the lookup above).
library_path = str(_path)
del _path


# --------------------------------------------------------------------------
# Argument checking
# --------------------------------------------------------------------------

def _u16(v, what="bf16 bits"):
    return _uint(v, 16, what)


def _u32(v, what="f32 bits"):
    return _uint(v, 32, what)


def _u64(v, what):
    return _uint(v, 64, what)


def _mode(mode):
    """Accept a mode number or a dialect name; raise ValueError if unknown."""
    if isinstance(mode, str):
        try:
            return MODES[mode]
        except KeyError:
            raise ValueError("unknown rounding mode %r (known: %s)"
                             % (mode, ", ".join(MODES))) from None
    try:
        m = mode.__index__()
    except AttributeError:
        raise TypeError("rounding mode must be an int or a name, got %r"
                        % (type(mode).__name__,)) from None
    if m not in MODES.values():
        raise ValueError("unknown rounding mode %r (known: %s)"
                         % (mode, ", ".join(
                             "%s=%d" % kv for kv in MODES.items())))
    return m


# --------------------------------------------------------------------------
# Wrappers
# --------------------------------------------------------------------------

def abi_version():
    """``lowp_numerics_abi_version()`` of the loaded library."""
    return _lib.lowp_numerics_abi_version()


def round_f32_to_bf16(bits, mode, random_bits=0):
    """Round the FP32 pattern `bits` to a BF16 pattern with `mode`.

    `mode` is a mode number or name. `random_bits` (32-bit) is used only by
    STOCHASTIC (its low 16 bits). Raises ValueError on an unknown mode.
    """
    b = _u32(bits)
    r = _u32(random_bits, "random_bits")
    if isinstance(mode, str):
        m = _mode(mode)
    else:
        try:
            m = mode.__index__()
        except AttributeError:
            raise TypeError("rounding mode must be an int or a name, got %r"
                            % (type(mode).__name__,)) from None
        if not -(1 << 31) <= m < (1 << 31):
            raise ValueError("unknown rounding mode %r" % (mode,))
    ok = _INT(0)
    out = _lib.lowp_round_f32_to_bf16(b, m, r, ctypes.byref(ok))
    if not ok.value:
        raise ValueError("unknown rounding mode %r (known: %s)"
                         % (mode, ", ".join(
                             "%s=%d" % kv for kv in MODES.items())))
    return out


def rne_ieee(bits):
    """Round to nearest even, IEEE semantics (denormals kept)."""
    return _lib.lowp_rne_ieee(_u32(bits))


def rne_ftz(bits):
    """Round to nearest even, FP32 denormal inputs flushed to +-0."""
    return _lib.lowp_rne_ftz(_u32(bits))


def rtz(bits):
    """Round toward zero (truncate); NaN is quieted."""
    return _lib.lowp_rtz(_u32(bits))


def sr(bits, random_bits):
    """Stochastic rounding: add low16(random_bits), truncate."""
    return _lib.lowp_sr(_u32(bits), _u32(random_bits, "random_bits"))


def bf16_to_f32(bits):
    """Exact BF16 -> FP32 widening (pattern -> pattern)."""
    return _lib.lowp_bf16_to_f32(_u16(bits))


def sr_add(w, u_bits, u_is_f32, r):
    """``lowp.sr_add``: SR(fl32(f32(w) + f32(u)), r).

    `w` is a BF16 pattern; `u_bits` is an FP32 pattern when `u_is_f32` is
    true, else a BF16 pattern.
    """
    w = _u16(w, "w")
    u = _u32(u_bits, "u_bits") if u_is_f32 else _u16(u_bits, "u_bits")
    return _lib.lowp_sr_add(w, u, 1 if u_is_f32 else 0,
                            _u32(r, "random_bits"))


def kahan_update(w, c, u, mode=NEAREST_EVEN):
    """``lowp.kahan_update``; returns ``(w', c')`` as BF16 patterns.

    `mode` must be NEAREST_EVEN or NEAREST_EVEN_FTZ (ValueError otherwise).
    """
    m = _mode(mode)
    w_out = _U16(0)
    c_out = _U16(0)
    rc = _lib.lowp_kahan_update(_u16(w, "w"), _u16(c, "c"), _u16(u, "u"), m,
                                ctypes.byref(w_out), ctypes.byref(c_out))
    if rc != 0:
        raise ValueError("kahan_update needs nearest_even or "
                         "nearest_even_ftz, got mode %r" % (mode,))
    return w_out.value, c_out.value


def split_update(hi, lo, u_bits, u_is_f32=False):
    """``lowp.split_update``; returns ``(hi', lo')``.

    `hi` is a BF16 pattern and `lo` the low 16 bits of the FP32 master;
    `u_bits` is an FP32 pattern when `u_is_f32` is true, else a BF16 pattern.
    """
    u = _u32(u_bits, "u_bits") if u_is_f32 else _u16(u_bits, "u_bits")
    hi_out = _U16(0)
    lo_out = _U16(0)
    _lib.lowp_split_update(_u16(hi, "hi"), _u16(lo, "lo"), u,
                           1 if u_is_f32 else 0, ctypes.byref(hi_out),
                           ctypes.byref(lo_out))
    return hi_out.value, lo_out.value


def philox4x32_10(ctr4, key2):
    """Philox4x32-10 block function; returns a tuple of four 32-bit ints."""
    ctr4 = tuple(ctr4)
    key2 = tuple(key2)
    if len(ctr4) != 4 or len(key2) != 2:
        raise ValueError("philox4x32_10 needs 4 counter and 2 key words")
    ctr = (_U32 * 4)(*[_u32(x, "ctr word") for x in ctr4])
    key = (_U32 * 2)(*[_u32(x, "key word") for x in key2])
    out = (_U32 * 4)()
    _lib.lowp_philox4x32_10(ctr, key, out)
    return tuple(out)


def _fill(fill_fn, ctype, seed, stream, step, first, n):
    """Calls a ``lowp_random_bits*_fill`` of the C library for indices
    ``[first, first + n)``; returns the bits as a list."""
    n = _uint(n, 63, "n")
    out = (ctype * n)()
    if n:
        fill_fn(_u64(seed, "seed"), _u32(stream, "stream"), _u64(step, "step"),
                _u64(first, "first"), out, n)
    return list(out)


def random_bits(seed, stream, step, index):
    """``lowp.random_bits`` for one element index (32-bit result)."""
    return _lib.lowp_random_bits(_u64(seed, "seed"), _u32(stream, "stream"),
                                 _u64(step, "step"), _u64(index, "index"))


def random_bits_fill(seed, stream, step, first, n):
    """``lowp.random_bits`` for indices ``[first, first + n)`` as a list."""
    return _fill(_lib.lowp_random_bits_fill, _U32, seed, stream, step, first,
                 n)


def random_bits16(seed, stream, step, index):
    """``lowp.random_bits`` with i16 elements (stream v2: one Philox block
    per 8 elements) for one element index (16-bit result)."""
    return _lib.lowp_random_bits16(_u64(seed, "seed"), _u32(stream, "stream"),
                                   _u64(step, "step"), _u64(index, "index"))


def random_bits16_fill(seed, stream, step, first, n):
    """Stream v2 (i16) for indices ``[first, first + n)`` as a list."""
    return _fill(_lib.lowp_random_bits16_fill, _U16, seed, stream, step,
                 first, n)


def round_array(bits, mode, random_bits=None):
    """Round a sequence of FP32 patterns; returns a list of BF16 patterns.

    `random_bits`, if given, must have the same length as `bits` (one 32-bit
    value per element; used by STOCHASTIC). When omitted, zeros are used.
    """
    m = _mode(mode)
    # ctypes would silently truncate out-of-range ints: check every element.
    bits = [_u32(b) for b in bits]
    n = len(bits)
    arr_in = (_U32 * n)(*bits)
    arr_r = None
    if random_bits is not None:
        random_bits = [_u32(r, "random_bits") for r in random_bits]
        if len(random_bits) != n:
            raise ValueError("random_bits has %d elements, bits has %d"
                             % (len(random_bits), n))
        arr_r = (_U32 * n)(*random_bits)
    out = (_U16 * n)()
    if n:
        _lib.lowp_round_f32_to_bf16_array(arr_in, out, n, m, arr_r)
    return list(out)


def dot_bf16_pair(acc, a0, a1, b0, b1):
    """One FP32 lane of vdpbf16ps: ``acc + a1*b1`` then ``+ a0*b0`` (FP32
    bits in and out, BF16 patterns for the operands)."""
    return _lib.lowp_dot_bf16_pair(_u32(acc, "acc"), _u16(a0), _u16(a1),
                                   _u16(b0), _u16(b1))


def gemm_bf16(m, n, k, a, b, c):
    """``C += A B`` in vdpbf16ps pair order; A (m*k) and B (k*n) are
    row-major BF16 patterns, C (m*n) FP32 patterns. Returns the new C."""
    m, n, k = (_uint(v, 31, name) for v, name in ((m, "m"), (n, "n"), (k, "k")))
    for arr, size, what in ((a, m * k, "a"), (b, k * n, "b"), (c, m * n, "c")):
        if len(arr) != size:
            raise ValueError("%s has %d elements, expected %d"
                             % (what, len(arr), size))
    arr_a = (_U16 * max(1, m * k))(*[_u16(v) for v in a])
    arr_b = (_U16 * max(1, k * n))(*[_u16(v) for v in b])
    arr_c = (_U32 * max(1, m * n))(*[_u32(v) for v in c])
    _lib.lowp_gemm_bf16(m, n, k, arr_a, arr_b, arr_c)
    return list(arr_c)[:m * n]


# --------------------------------------------------------------------------
# Float helpers: f32_bits, float_from_f32_bits and bf16_to_float are the pure
# Python ones of bf16_opt.testing (imported above).
# --------------------------------------------------------------------------

def bf16_from_float(x, mode=NEAREST_EVEN, random_bits=0):
    """BF16 pattern of the Python float `x`: first to FP32 (RNE), then
    rounded to BF16 with `mode` by the library."""
    return round_f32_to_bf16(f32_bits(x), mode, random_bits)
