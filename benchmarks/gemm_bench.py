#!/usr/bin/python3
"""BF16 GEMMs compiled by bf16-opt next to oneDNN (through torch.mm) and the
vdpbf16ps peak, all measured in the same run on one pinned core.

usage: gemm_bench.py --bf16-opt BIN --peak-json PEAK.json [--target host]
                     [--min-time S] [--threads N] [--json OUT]

For every shape of peers.GEMM_SHAPES (M, K, N) it times three products, as
the MLP step computes them: fwd C = A.B (MxK . KxN), dA = dC.B^T
(MxN . NxK) and dB = A^T.dC (KxM . MxN). Our kernels are plain
`linalg.matmul`s with BF16 operands, an f32 accumulator and one rounding to
BF16 at the output (what --bf16-train emits; the transposed operand is
materialized by a separate linalg.transpose in a real step and is not
timed here). They go through --bf16-train-to-llvm, mlir-translate and
clang -O3 into a shared object called through its C interface (ctypes),
linked with LLVM's libomp (docs/Threads.md).

--threads N (default 1): our kernels run on N threads (BF16_NUM_THREADS=N,
set here for the process) and torch on N (torch.set_num_threads); the
caller pins the process to N cores (gemm.sh --threads N does). The peak is
then the all-cores one (bf16-bench-peak --threads N). With N > 1 there is a
pause of 0.3 s between our timing and oneDNN's, longer than libomp's
KMP_BLOCKTIME (200 ms), so that neither runtime's idle threads still spin
while the other one is timed.
"""
import argparse
import ctypes
import json
import os
import sys
import tempfile
import time

from bf16_opt.testing import llvm_tool, run
from peers import GEMM_SHAPES, best_time


def products():
    for (m, k, n) in GEMM_SHAPES:
        yield "%dx%dx%d" % (m, k, n), "fwd", (m, k, n)
        yield "%dx%dx%d" % (m, k, n), "dA", (m, n, k)
        yield "%dx%dx%d" % (m, k, n), "dB", (k, m, n)


def kernel(name, m, k, n):
    return f"""func.func @{name}(%a: tensor<{m}x{k}xbf16>, %b: tensor<{k}x{n}xbf16>) -> tensor<{m}x{n}xbf16>
    attributes {{llvm.emit_c_interface}} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %p = linalg.matmul ins(%a, %b : tensor<{m}x{k}xbf16>, tensor<{k}x{n}xbf16>)
                     outs(%acc : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %r = arith.truncf %p : tensor<{m}x{n}xf32> to tensor<{m}x{n}xbf16>
  return %r : tensor<{m}x{n}xbf16>
}}
"""


class D2(ctypes.Structure):
    _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * 2),
                ("strides", ctypes.c_int64 * 2)]


def d2(tensor):
    r, c = tensor.shape
    p = tensor.data_ptr()
    return D2(p, p, 0, (r, c), (c, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bf16-opt", required=True)
    ap.add_argument("--peak-json", required=True)
    ap.add_argument("--target", default="host")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="each of 3 timed batches lasts at least this long")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json")
    args = ap.parse_args()
    # Read once, the first time a compiled kernel runs a parallel loop.
    os.environ["BF16_NUM_THREADS"] = str(args.threads)
    import torch
    torch.set_num_threads(args.threads)
    peaks = {r["key"]: r["value"]
             for r in json.load(open(args.peak_json))["rows"]}
    peak = peaks["dpbf16_peak" if args.threads == 1 else
                 "dpbf16_peak_all_cores"]

    tmp = tempfile.mkdtemp()
    src = os.path.join(tmp, "gemms.mlir")
    names = {}
    with open(src, "w") as f:
        for shape, prod, (m, k, n) in products():
            name = "gemm_%d_%d_%d" % (m, k, n)
            if name not in names.values():
                f.write(kernel(name, m, k, n))
            names[(shape, prod)] = name
    t0 = time.perf_counter()
    llvm = run([args.bf16_opt, src, "--bf16-train-to-llvm=target=" +
                args.target], check=True).stdout
    compile_mlir = time.perf_counter() - t0
    ll = os.path.join(tmp, "gemms.ll")
    run([llvm_tool("mlir-translate"), "--mlir-to-llvmir", "-o", ll], input=llvm,
        check=True)
    so = os.path.join(tmp, "gemms.so")
    omp = os.path.join(os.path.dirname(os.path.dirname(
        os.path.realpath(llvm_tool("clang")))), "lib")
    run([llvm_tool("clang"), "-O3", "-march=native", "-shared", "-fPIC",
         "-Wno-override-module", ll, "-o", so, "-L" + omp, "-lomp",
         "-Wl,-rpath," + omp], check=True)
    lib = ctypes.CDLL(so)
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]

    rows = []
    where = ("one pinned core" if args.threads == 1 else
             "%d threads (ours and torch) on cores %s" % (
                 args.threads, sorted(os.sched_getaffinity(0))))
    print("BF16 GEMM, %s: bf16-opt (--bf16-train-to-llvm target=%s)"
          " vs oneDNN (torch %s mm) vs the vdpbf16ps peak, same run"
          % (where, args.target, torch.__version__))
    print("%-16s %-4s %10s %10s %10s %8s %8s" % (
        "MxKxN", "prod", "bf16-opt", "oneDNN", "peak", "ours/pk", "ours/dnn"))
    torch.manual_seed(0)
    for shape, prod, (m, k, n) in products():
        a = torch.randn(m, k).bfloat16()
        b = torch.randn(k, n).bfloat16()
        fn = getattr(lib, "_mlir_ciface_" + names[(shape, prod)])
        fn.argtypes = [ctypes.POINTER(D2), ctypes.POINTER(D2),
                       ctypes.POINTER(D2)]
        da, db, out = d2(a), d2(b), D2()

        def ours():
            fn(ctypes.byref(out), ctypes.byref(da), ctypes.byref(db))
            libc.free(out.allocated)
        c = torch.empty(m, n, dtype=torch.bfloat16)
        flops = 2.0 * m * n * k
        pause = (lambda: time.sleep(0.3)) if args.threads > 1 else (lambda: None)
        pause()
        t_ours = best_time(ours, args.min_time, 3)
        pause()
        t_dnn = best_time(lambda: torch.mm(a, b, out=c), args.min_time, 3)
        g_ours, g_dnn = flops / t_ours / 1e9, flops / t_dnn / 1e9
        # The product itself is checked against torch (f32 accumulation in
        # both; different summation orders, one BF16 rounding each).
        fn(ctypes.byref(out), ctypes.byref(da), ctypes.byref(db))
        buf = (ctypes.c_uint16 * (m * n)).from_address(out.aligned)
        got = torch.frombuffer(bytearray(buf), dtype=torch.int16).view(
            torch.bfloat16).reshape(m, n).float()
        libc.free(out.allocated)
        ref = (a.float() @ b.float())
        err = ((got - ref).abs().max() / ref.abs().max()).item()
        if err > 2 ** -7:
            sys.exit("gemm_bench: %s %s: relative error %g" % (shape, prod, err))
        print("%-16s %-4s %10.1f %10.1f %10.1f %8.3f %8.3f" % (
            "%dx%dx%d" % (m, k, n), prod, g_ours, g_dnn, peak, g_ours / peak,
            g_ours / g_dnn))
        rows.append({"shape": shape, "product": prod, "mkn": [m, k, n],
                     "ours": g_ours, "onednn": g_dnn, "peak": peak})
    print("(GFLOP/s; compile of all %d kernels by bf16-opt: %.2f s)"
          % (len(set(names.values())), compile_mlir))
    if args.json:
        json.dump({"threads": args.threads,
                   "torch_threads": torch.get_num_threads(),
                   "affinity": sorted(os.sched_getaffinity(0)),
                   "rows": rows}, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
