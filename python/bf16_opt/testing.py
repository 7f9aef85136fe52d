"""Helpers shared by the test scripts (``test/**/Inputs``, ``utils/``,
``python/tests``) and the benchmarks (``benchmarks/``): one definition each.

* Bit patterns: FP32 and BF16 patterns of Python floats and back, the
  IEEE round-to-nearest-even FP32 -> BF16, two's-complement readings.
* Random data: BF16 and FP32 patterns with a chosen exponent range, one-hot
  labels.
* MLIR test programs: the ``printMemrefI32`` declaration, ``dense<[...]>``
  of bit patterns, the lines that print a tensor's bits, ``@main``, and the
  ``gen`` / ``check`` command line of the kernel scripts.
* Output parsing: the memrefs that mlir-runner's ``printMemref*`` printed,
  the ``step`` lines of ``bf16-run``.
* Tool paths: the build tree's tools and libraries and the LLVM install's
  (:mod:`bf16_opt.paths` holds the default locations; environment overrides
  ``BF16_OPT``, ``BF16_OPT_BUILD_DIR`` and ``BF16_LLVM_ROOT`` are honoured).
* Subprocess runs: :func:`run` (timeout kills the whole process group, wall
  time recorded) and the crash classification of a finished run.
* :func:`import_path`: a sibling script as a module, without touching
  ``sys.path``.

Scripts get the package through ``PYTHONPATH=<repo>/python``, which the lit
configuration and the benchmark shell scripts set, or through
``pip install ./python``. Only the standard library is imported at module
level (numpy lazily, by the few helpers that return arrays), so that
:mod:`bf16_opt.numerics` can use the bit helpers too.
"""

import importlib.util
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

from .paths import build_dir, llvm_lib, llvm_root, llvm_tool  # noqa: F401

__all__ = [
    # bit patterns
    "M32", "uint", "signed", "f32_bits", "f32_from_bits", "bf16_to_float",
    "f32_to_bf16_rne", "is_bf16", "f32_array",
    # random data
    "rand_bf16", "rand_f32", "one_hot",
    # MLIR test programs
    "PRINT_I32_DECL", "dense", "print_bits", "emit_main", "cli",
    # output parsing
    "printed_memrefs", "memref_rows", "bf16_run_steps", "mismatches",
    # tool paths
    "build_dir", "build_tool", "build_lib", "find_tool", "llvm_root",
    "llvm_tool", "llvm_lib", "runner_utils_libs",
    # subprocess runs
    "run", "ToolError", "CRASH_MARKERS", "crash_reason", "describe_signal",
    "printable",
    # modules
    "import_path",
]


# ---------------------------------------------------------------------------
# Bit patterns
# ---------------------------------------------------------------------------

M32 = 0xFFFFFFFF


def uint(value, bits, what="value"):
    """`value` as an int in ``[0, 2**bits)``: TypeError if it is not an int,
    ValueError if it does not fit."""
    try:
        v = value.__index__()
    except AttributeError:
        raise TypeError("%s must be an int bit pattern, got %r"
                        % (what, type(value).__name__)) from None
    if not 0 <= v < (1 << bits):
        raise ValueError("%s = %r does not fit in %d unsigned bits"
                         % (what, value, bits))
    return v


def signed(value, bits):
    """The two's-complement reading of the `bits`-bit pattern `value` (what
    ``dense<[...]>`` of ``iN`` and ``arith.constant`` want)."""
    v = uint(value, bits, "%d-bit pattern" % bits)
    return v - (1 << bits) if v >> (bits - 1) else v


def f32_bits(x):
    """FP32 bit pattern of the Python float `x` (rounded to FP32, RNE).

    Raises OverflowError if `x` is finite but beyond the FP32 range.
    """
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f32_from_bits(bits):
    """Python float holding the FP32 value of the pattern `bits` (exact)."""
    return struct.unpack("<f", struct.pack("<I", uint(bits, 32, "f32 bits")))[0]


def bf16_to_float(bits):
    """Python float holding the BF16 value of the pattern `bits` (exact)."""
    return f32_from_bits(uint(bits, 16, "bf16 bits") << 16)


def f32_to_bf16_rne(bits):
    """BF16 pattern of the FP32 pattern `bits`, IEEE round to nearest even:
    denormals kept, overflow to +-Inf, NaN quieted with its sign and top
    payload bits (``arith.truncf``, ``lowp_rne_ieee``)."""
    b = uint(bits, 32, "f32 bits")
    if (b & 0x7FFFFFFF) > 0x7F800000:
        return (b >> 16) | 0x40
    return (b + 0x7FFF + ((b >> 16) & 1)) >> 16


def is_bf16(x):
    """Whether the Python float `x`, rounded to FP32, is a BF16 value (its
    low 16 bits are zero)."""
    return f32_bits(x) & 0xFFFF == 0


def f32_array(bits, bf16=False):
    """numpy float32 array of the FP32 patterns `bits` (an int sequence or
    array, signed or unsigned readings), or of BF16 patterns (their low 16
    bits) when `bf16` is true. The shape of `bits` is kept."""
    import numpy as np
    b = np.asarray(bits, dtype=np.int64)
    if bf16:
        b = (b & 0xFFFF) << 16
    return (b & M32).astype(np.uint32).view(np.float32)


# ---------------------------------------------------------------------------
# Random data
# ---------------------------------------------------------------------------

def rand_bf16(rng, exp_lo, exp_hi):
    """A BF16 pattern with random sign and mantissa and a biased exponent
    drawn uniformly from ``[exp_lo, exp_hi]`` (`rng`: random.Random)."""
    return (rng.getrandbits(16) & 0x807F) | (rng.randrange(exp_lo, exp_hi + 1) << 7)


def rand_f32(rng, exp_lo, exp_hi):
    """An FP32 pattern with random sign and mantissa and a biased exponent
    drawn uniformly from ``[exp_lo, exp_hi]`` (`rng`: random.Random)."""
    return (rng.getrandbits(32) & 0x807FFFFF) | (rng.randrange(exp_lo, exp_hi + 1) << 23)


def one_hot(rng, n, k):
    """float32 array (n, k): one 1 per row at a class drawn by `rng`
    (numpy.random.Generator)."""
    import numpy as np
    y = np.zeros((n, k), np.float32)
    y[np.arange(n), rng.integers(0, k, n)] = 1
    return y


# ---------------------------------------------------------------------------
# MLIR test programs
# ---------------------------------------------------------------------------

#: The declaration of mlir-runner's printMemrefI32 (libmlir_runner_utils).
PRINT_I32_DECL = ("func.func private @printMemrefI32(memref<*xi32>) "
                  "attributes {llvm.emit_c_interface}")

# What print_bits does to a 1-D tensor of each element type before
# printMemrefI32: bitcast to an integer type, then zero-extend to i32.
_AS_I32 = {"f32": ("i32", False), "bf16": ("i16", True), "i16": (None, True),
           "i32": (None, False)}


def dense(values, bits):
    """``dense<[...]>`` of the `bits`-bit patterns `values`, written as the
    signed integers an ``iN`` tensor constant takes."""
    return "dense<[" + ", ".join(str(signed(v, bits)) for v in values) + "]>"


def print_bits(body, src, n, elt="f32", indent="  "):
    """Appends to `body` the lines that print the raw bits of `src`, a
    ``tensor<n x elt>`` (elt: f32, bf16, i16 or i32), with printMemrefI32:
    one printed row of n unsigned patterns. The SSA names it defines are
    `src` with a suffix."""
    ity, extend = _AS_I32[elt]
    v, t = src, "tensor<%dx%s>" % (n, elt)
    if ity:
        body.append(f"{indent}{src}_b = arith.bitcast {v} : {t} to tensor<{n}x{ity}>")
        v, t = src + "_b", "tensor<%dx%s>" % (n, ity)
    if extend:
        body.append(f"{indent}{src}_w = arith.extui {v} : {t} to tensor<{n}xi32>")
        v = src + "_w"
    body += [f"{indent}{src}_m = bufferization.to_buffer {v} : "
             f"tensor<{n}xi32> to memref<{n}xi32>",
             f"{indent}{src}_u = memref.cast {src}_m : memref<{n}xi32> to "
             "memref<*xi32>",
             f"{indent}call @printMemrefI32({src}_u) : (memref<*xi32>) -> ()"]


def emit_main(out, body):
    """Prints the program: the lines `out` (functions) and ``@main`` with
    the lines `body`."""
    out.append("func.func @main() {")
    out.extend(body)
    out.append("  return\n}")
    print("\n".join(out))


def cli(gen, check):
    """The command line of a kernel script: ``SCRIPT gen`` calls gen();
    ``SCRIPT check ARGS...`` exits with check(*ARGS)."""
    if len(sys.argv) < 2 or sys.argv[1] not in ("gen", "check"):
        sys.exit("usage: %s gen | check ARGS..." % os.path.basename(sys.argv[0]))
    if sys.argv[1] == "gen":
        gen()
    else:
        sys.exit(check(*sys.argv[2:]))


# ---------------------------------------------------------------------------
# Output parsing
# ---------------------------------------------------------------------------

_MEMREF_HEADER = "Memref base@"
_MEMREF_DATA = re.compile(r"^[\s\[\]\d,+-]*$")


def printed_memrefs(text):
    """The data of every memref that mlir-runner's printMemref* printed in
    `text`, in order, each flattened (row-major) to a list of ints. A memref
    starts at its ``Unranked Memref base@ ... data =`` header; its data are
    the following lines of brackets, commas and integers, up to the bracket
    that closes the outermost one."""
    out = []
    cur = depth = None
    for line in text.splitlines():
        if _MEMREF_HEADER in line:
            cur, depth = [], 0
            out.append(cur)
            line = line.split("data =", 1)[1] if "data =" in line else ""
        elif cur is None or not _MEMREF_DATA.match(line):
            cur = None
            continue
        cur.append(line)
        depth += line.count("[") - line.count("]")
        if depth <= 0 and "]" in line:
            cur = None
    return [[int(v) for v in re.findall(r"[-+]?\d+", " ".join(m))] for m in out]


def memref_rows(path, bits=32):
    """:func:`printed_memrefs` of the file `path`, every value read as an
    unsigned `bits`-bit pattern (printMemrefI32 prints signed values)."""
    with open(path) as f:
        text = f.read()
    mask = (1 << bits) - 1
    return [[v & mask for v in m] for m in printed_memrefs(text)]


_STEP_LINE = re.compile(r"^step \d+(?: loss (\S+))? time_ms (\S+)$", re.M)


def bf16_run_steps(stdout):
    """The ``step N [loss L] time_ms T`` lines of bf16-run's output as a
    list of ``(loss or None, time_ms)``."""
    return [(float(m.group(1)) if m.group(1) else None, float(m.group(2)))
            for m in _STEP_LINE.finditer(stdout)]


def mismatches(name, got, want, fmt="x", reported=0, limit=10):
    """Number of elements of `got` that differ from `want` (a length
    mismatch counts as one); prints ``FAIL`` lines for the first ones,
    while `reported` (failures printed before) plus these stays within
    `limit`. `fmt` formats the hex patterns (``"08x"``, ``"04x"``)."""
    bad = 0
    if len(got) != len(want):
        print(f"FAIL {name}: {len(got)} elements, expected {len(want)}")
        bad += 1
    for j, (g, w) in enumerate(zip(got, want)):
        if g != w:
            bad += 1
            if reported + bad <= limit:
                print(f"FAIL {name}[{j}]: got 0x{g:{fmt}}, reference 0x{w:{fmt}}")
    return bad


# ---------------------------------------------------------------------------
# Tool paths
# ---------------------------------------------------------------------------

def build_tool(name, build=None):
    """Path of the build tree's tool `name` (``bf16-run``,
    ``bf16-bench-peak``, ...): ``<build>/bin/<name>``, with `build`
    defaulting to :func:`build_dir`."""
    return os.path.join(build or build_dir(), "bin", name)


def build_lib(name, build=None):
    """Path of the build tree's library `name`: ``<build>/lib/<name>``."""
    return os.path.join(build or build_dir(), "lib", name)


def find_tool(tool):
    """`tool` if it names an executable file; for a bare name, the
    executable of that name on PATH; else None."""
    if os.sep not in tool:
        tool = shutil.which(tool) or tool
    return tool if os.path.isfile(tool) and os.access(tool, os.X_OK) else None


def runner_utils_libs():
    """The ``-shared-libs`` of mlir-runner for printMemref* and the C
    runner utilities."""
    return [llvm_lib("libmlir_runner_utils.so"),
            llvm_lib("libmlir_c_runner_utils.so")]


# ---------------------------------------------------------------------------
# Subprocess runs
# ---------------------------------------------------------------------------

class ToolError(RuntimeError):
    """A command of :func:`run` with ``check=True`` exited non-zero; the
    message holds the command and the tail of its stderr."""

    def __init__(self, proc):
        self.proc = proc
        err = proc.stderr if isinstance(proc.stderr, str) else \
            (proc.stderr or b"").decode("utf-8", "replace")
        super().__init__("%s exited %d:\n%s" % (
            " ".join(map(str, proc.args)), proc.returncode, err[-4000:]))


def run(cmd, *, input=None, timeout=None, env=None, cwd=None, check=False,
        text=True):
    """Runs `cmd` and returns its CompletedProcess, with stdout and stderr
    captured (str with undecodable bytes replaced, or bytes when `text` is
    false) and the wall time in seconds as ``.wall_s``.

    stdin is `input` when given, else empty. The command runs in a new
    session; when `timeout` expires (or this process is interrupted) its
    whole process group is killed and subprocess.TimeoutExpired (carrying
    the output so far) is raised. ``check=True`` raises :class:`ToolError`
    on a non-zero exit status.
    """
    kw = dict(encoding="utf-8", errors="replace") if text else {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [os.fspath(c) for c in cmd],
        stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
        start_new_session=True, **kw)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except BaseException as e:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = proc.communicate()
        if isinstance(e, subprocess.TimeoutExpired):
            raise subprocess.TimeoutExpired(proc.args, timeout, out, err) from None
        raise
    p = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    p.wall_s = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise ToolError(p)
    return p


#: Printed by LLVM's crash handlers and assertion machinery; never part of an
#: ordinary diagnostic.
CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Assertion",
                 "LLVM ERROR", "UNREACHABLE")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(line):
    """`line` with its control characters escaped (stack dumps can contain
    NULs)."""
    return _CONTROL_CHARS.sub(lambda m: "\\x%02x" % ord(m.group(0)), line)


def describe_signal(num):
    """``SIGSEGV`` for 11; ``signal N`` for a number that names none."""
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def crash_reason(rc, *outputs):
    """A description of the crash that the exit status `rc` and the texts
    `outputs` (stderr, stdout) of a finished run show, or None: death by a
    signal, an exit code >= 128, or a crash banner (:data:`CRASH_MARKERS`)."""
    if rc < 0:
        return "killed by %s (returncode %d)" % (describe_signal(-rc), rc)
    if rc >= 128:
        return "exit code %d (>= 128, i.e. 128+%s)" % (rc,
                                                      describe_signal(rc - 128))
    for marker in CRASH_MARKERS:
        if any(marker in text for text in outputs):
            return "crash banner %r in output" % marker
    return None


# ---------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------

def import_path(path, name=None):
    """Imports the Python file `path` as the module `name` (default: its
    file name) and returns it; a script shares another script's definitions
    this way without adding its folder to ``sys.path``."""
    name = name or os.path.splitext(os.path.basename(path))[0]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
