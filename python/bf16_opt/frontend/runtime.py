"""Compiling a step to a shared library and calling it through MLIR's C
interface (``docs/Runtime.md``).

``compile_module`` runs ``bf16-opt`` (``--bf16-train``, then
``--bf16-train-to-llvm``), ``mlir-translate`` and ``clang`` and caches the
shared object under ``$XDG_CACHE_HOME/bf16-opt`` keyed by the IR, the options
and the tools' identity. ``Library`` loads it with ctypes and calls
``_mlir_ciface_<name>`` with memref descriptors that point at buffers the
caller owns, so parameters and state are updated where they live.
"""

import atexit
import ctypes
import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .. import abi, driver, paths

__all__ = ["ArgType", "compile_module", "Library", "parse_signature"]

LLVM_ROOT = Path(paths.llvm_root())
LLVM_BIN = LLVM_ROOT / "bin"
LLVM_LIB = LLVM_ROOT / "lib"

NP_DTYPES = {"f32": np.float32, "bf16": np.uint16, "i64": np.int64,
             "i32": np.int32, "i16": np.int16, "i1": np.bool_}
C_SCALARS = {"i64": ctypes.c_int64, "i32": ctypes.c_int32,
             "f32": ctypes.c_float, "i16": ctypes.c_int16}

# memref.get_global lowers a constant's allocated pointer to this marker.
_GLOBAL_SENTINEL = 0xDEADBEEF


class CompileError(RuntimeError):
    """A tool in the pipeline failed; carries its diagnostics."""


class ArgType:
    """One argument or result of the compiled step."""

    def __init__(self, text, attrs):
        self.text = text
        self.attrs = attrs
        m = re.fullmatch(r"tensor<((?:\d+x)*)(\w+)>", text)
        if m:
            self.shape = tuple(int(d) for d in m.group(1).split("x") if d)
            self.dtype = m.group(2)
        elif re.fullmatch(r"[a-z]+\d+", text):
            self.shape, self.dtype = None, text
        else:
            raise CompileError("unsupported type in the step signature: " + text)

    @property
    def is_tensor(self):
        return self.shape is not None

    def __repr__(self):
        return "ArgType(%s, %s)" % (self.text, self.attrs)


def _split_top(s):
    """Splits at commas outside <>, (), {} and quotes."""
    out, depth, cur, quote = [], 0, [], False
    for ch in s:
        if ch == '"':
            quote = not quote
        if not quote:
            if ch in "<({[":
                depth += 1
            elif ch in ">)}]":
                depth -= 1
            elif ch == "," and depth == 0:
                out.append("".join(cur).strip())
                cur = []
                continue
        cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def _parse_attrs(text):
    attrs = {}
    if not text:
        return attrs
    for item in _split_top(text.strip()[1:-1]):
        k, _, v = item.partition("=")
        v = v.strip()
        if v.startswith('"'):
            attrs[k.strip()] = v.strip('"')
        elif v.startswith("#"):
            enum = abi.parse_enum_attr(v)
            if enum is None:
                raise CompileError("cannot parse attribute value: " + v)
            attrs[k.strip()] = enum
        else:
            attrs[k.strip()] = int(v.split(":")[0].strip())
    return attrs


def _parse_entry(item, with_name):
    if with_name:
        item = item.split(":", 1)[1].strip()
    m = re.match(r"(tensor<[^>]*>|[a-z]+\d+)\s*(\{.*\})?$", item, re.S)
    if not m:
        raise CompileError("cannot parse signature entry: " + item)
    return ArgType(m.group(1), _parse_attrs(m.group(2)))


def parse_signature(module_text, name):
    """(arguments, results) of ``func.func @name`` in printed IR."""
    start = module_text.find("func.func @%s(" % name)
    if start < 0:
        raise CompileError("no function @%s in the compiled module" % name)
    i = start + len("func.func @%s(" % name)
    depth, j = 1, i
    while depth:
        depth += {"(": 1, ")": -1}.get(module_text[j], 0)
        j += 1
    args = [_parse_entry(a, True) for a in _split_top(module_text[i:j - 1])]
    rest = module_text[j:]
    results = []
    m = re.match(r"\s*->\s*", rest)
    if m:
        rest = rest[m.end():]
        if rest.startswith("("):
            depth, k = 1, 1
            while depth:
                depth += {"(": 1, ")": -1}.get(rest[k], 0)
                k += 1
            results = [_parse_entry(r, False) for r in _split_top(rest[1:k - 1])]
        else:
            results = [_parse_entry(rest.split("{", 1)[0].strip(), False)]
    return args, results


def _tool_identity():
    tool = driver.find_binary()
    st = os.stat(tool)
    return "%s:%d:%d" % (tool, st.st_size, int(st.st_mtime))


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return line
    except OSError:
        pass
    return ""


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return Path(base) / "bf16-opt" / "steps"


def _run(cmd, stdin_text=None):
    proc = subprocess.run(cmd, input=stdin_text, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise CompileError("%s failed (exit %d):\n%s" % (
            os.path.basename(cmd[0]), proc.returncode, proc.stderr.strip()))
    return proc.stdout


def compile_module(ir_text, train_args, lowering_options, opt_level=2,
                   use_cache=True):
    """Returns (path of the .so, trained MLIR text before lowering).

    `train_args` are the ``bf16-opt`` arguments of the first run (for example
    ``["--bf16-train=rounding=kahan"]``; none for an FP32 step)."""
    link = ["-O%d" % opt_level, "-march=native", "-fPIC", "-shared", "-w",
            # strided copies call memrefCopy; parallel loops call LLVM's
            # OpenMP runtime (docs/Threads.md)
            "-L" + str(LLVM_LIB), "-lmlir_c_runner_utils", "-lomp",
            "-Wl,-rpath," + str(LLVM_LIB)]
    # Locations do not change the code: a step traced from another call
    # site (other source lines) shares the entry.
    code = re.sub(r" loc\(.*\)$", "", ir_text, flags=re.M)
    key = hashlib.sha256("\0".join([
        code, repr(list(train_args)), lowering_options, " ".join(link),
        _tool_identity(), _cpu_flags()]).encode()).hexdigest()
    cdir = cache_dir()
    so = cdir / (key + ".so")
    meta = cdir / (key + ".mlir")
    if use_cache and so.exists() and meta.exists():
        return so, meta.read_text()
    tool = driver.find_binary()
    if train_args:
        trained = _run([tool, "-"] + list(train_args), ir_text)
    else:
        trained = ir_text
    lowered = _run([tool, "-", "--bf16-train-to-llvm=" + lowering_options],
                   trained)
    cdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cdir) as tmp:
        ll = os.path.join(tmp, "step.ll")
        _run([str(LLVM_BIN / "mlir-translate"), "--mlir-to-llvmir", "-o", ll],
             lowered)
        tmp_so = os.path.join(tmp, "step.so")
        _run([str(LLVM_BIN / "clang")] + link + [ll, "-o", tmp_so])
        with open(os.path.join(tmp, "step.mlir"), "w") as f:
            f.write(trained)
        os.replace(os.path.join(tmp, "step.mlir"), meta)
        os.replace(tmp_so, so)
    return so, trained


_descriptor_types = {}


def descriptor_type(rank):
    """ctypes struct of a rank-`rank` memref descriptor."""
    if rank not in _descriptor_types:
        fields = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                  ("offset", ctypes.c_int64)]
        if rank:
            fields += [("sizes", ctypes.c_int64 * rank),
                       ("strides", ctypes.c_int64 * rank)]
        _descriptor_types[rank] = type("MemRef%dD" % rank, (ctypes.Structure,),
                                       {"_fields_": fields})
    return _descriptor_types[rank]


def make_descriptor(shape, ptr):
    d = descriptor_type(len(shape))()
    d.allocated = d.aligned = ptr
    d.offset = 0
    stride = 1
    for i in reversed(range(len(shape))):
        d.sizes[i] = shape[i]
        d.strides[i] = stride
        stride *= shape[i]
    return d


_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]


_OMP_PAUSE_HARD = 2
_omp_pause = None


def _pause_openmp():
    """At exit: stop LLVM's OpenMP worker threads (they would otherwise
    outlive the interpreter's shutdown; LeakSanitizer's exit check, for one,
    cannot stop them). docs/Threads.md."""
    if _omp_pause is not None:
        _omp_pause(_OMP_PAUSE_HARD)


class Library:
    """A loaded step: calls it and hands back the result descriptors."""

    def __init__(self, so_path, name, args, results):
        global _omp_pause
        self.lib = ctypes.CDLL(str(so_path))
        self.fn = getattr(self.lib, "_mlir_ciface_" + name)
        if _omp_pause is None:
            # The step links libomp: its symbols resolve through the step.
            pause = getattr(self.lib, "omp_pause_resource_all", None)
            if pause is not None:
                pause.argtypes = [ctypes.c_int]
                pause.restype = ctypes.c_int
                _omp_pause = pause
                atexit.register(_pause_openmp)
        self.args = args
        self.results = results
        self.via_pointer = len(results) > 1 or (
            len(results) == 1 and results[0].is_tensor)
        fields = []
        for k, r in enumerate(results):
            ctype = descriptor_type(len(r.shape)) if r.is_tensor \
                else C_SCALARS[r.dtype]
            fields.append(("r%d" % k, ctype))
        self.result_type = type("Results", (ctypes.Structure,),
                                {"_fields_": fields})
        argtypes = [ctypes.POINTER(self.result_type)] if self.via_pointer else []
        for a in args:
            if a.is_tensor:
                argtypes.append(ctypes.c_void_p)
            elif a.dtype in C_SCALARS:
                argtypes.append(C_SCALARS[a.dtype])
            else:
                raise CompileError("scalar argument of type %s cannot be "
                                   "passed through ctypes" % a.dtype)
        self.fn.argtypes = argtypes
        if self.via_pointer:
            self.fn.restype = None
        elif results:
            self.fn.restype = C_SCALARS[results[0].dtype]
        else:
            self.fn.restype = None
        self.result_struct = self.result_type()

    def call(self, values):
        """`values`: one ctypes-compatible value per argument (descriptor
        addresses for tensors). Returns the results structure."""
        if self.via_pointer:
            self.fn(ctypes.byref(self.result_struct), *values)
            return self.result_struct
        return self.fn(*values)


def free_result(desc, owned):
    """Frees a result buffer the step allocated: not one of `owned`
    (addresses of the caller's buffers), not a constant global."""
    ptr = desc.allocated
    if ptr and ptr != _GLOBAL_SENTINEL and ptr not in owned:
        _libc.free(ptr)
        return True
    return False


def is_global(desc):
    return desc.allocated == _GLOBAL_SENTINEL


def save_meta(path, obj):
    Path(path).write_text(json.dumps(obj))
