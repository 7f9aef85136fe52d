#!/usr/bin/python3
"""PyTorch peers of bf16-opt's benchmarks (benchmarks/README.md).

Run with Debian's python3 (python3-torch 1.13, CPU), pinned to one core by the
caller (benchmarks/run.sh uses `taskset -c 0`); this script itself sets
torch.set_num_threads(1). It measures:

  5. GEMM GFLOP/s through torch.mm: BF16 (oneDNN brgemm, vdpbf16ps) and FP32
     for 1024^3 and the MLP shapes (forward C = A.B, backward dA = dC.B^T and
     dB = A^T.dC, transposes as strided views, as autograd passes them);
  6. the train step of an MLP 784-1024-1024-10 (ReLU, softmax cross-entropy,
     batch 256, SGD momentum 0.9) in FP32 and pure BF16, and its FLOP-bound
     time at the measured vdpbf16ps / FMA peak (from --peak-json).

FLOPs: 2*M*N*K per GEMM; the MLP step counts forward GEMMs once and backward
as twice the forward (the convention of the task; PyTorch actually skips the
first layer's input gradient, see the "executed" row).

FP32 caveat: Debian's torch sends FP32 GEMMs to the BLAS behind libblas.so.3,
the Netlib *reference* BLAS on a stock Debian 12. With --sgemm-shim PATH the
FP32 measurements are repeated in a child process with PATH (built from
sgemm_shim.c) in LD_PRELOAD, which routes sgemm_ to oneDNN's dnnl_sgemm.
"""

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

GEMM_SHAPES = [  # (M, K, N): A is MxK, B is KxN
    (1024, 1024, 1024),
    (256, 784, 1024),
    (256, 1024, 1024),
    (256, 1024, 10),
]
MLP_SIZES = [784, 1024, 1024, 10]
BATCH = 256


class Table:
    """Rows with the same fields as bf16-bench-peak's JSON."""

    def __init__(self, peaks):
        self.rows = []
        self.peaks = peaks  # key -> value from the peak JSON

    def value_of(self, key):
        for r in self.rows:
            if r["key"] == key:
                return r["value"]
        return self.peaks.get(key)

    def add(self, key, figure, value, unit, peak="", better="higher", note=""):
        row = dict(key=key, figure=figure, value=value, unit=unit, peak=peak,
                   better=better, note=note)
        self.rows.append(row)
        ratio = ""
        p = self.value_of(peak) if peak else None
        if p and value:
            ratio = "%.2f" % (value / p if better == "higher" else p / value)
        val = "n/a" if value is None else "%.2f" % value
        print("  %-50s %10s %-8s %6s  %s" % (figure, val, unit, ratio, note),
              flush=True)


def one_thread():
    """One thread for torch's kernels and for its inter-op pool."""
    set_threads(1)


def set_threads(n):
    """`n` threads for torch's kernels (OpenMP, oneDNN), one for its inter-op
    pool (benchmarks/machine.sh runs the peers on 2 cores this way)."""
    torch.set_num_threads(n)
    torch.set_num_interop_threads(1)


def section(title):
    print("\n%s\n  %-50s %10s %-8s %6s  %s" %
          (title, "figure", "value", "unit", "ratio", "note"), flush=True)


def best_time(fn, min_time, reps):
    """Best per-call time: `reps` batches, each long enough (>= min_time)."""
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    n = max(1, int(min_time / once))
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def onednn_impl():
    """The oneDNN implementation torch picks for a BF16 matmul, read from
    oneDNN's verbose output (fd 1 is captured around one call)."""
    try:
        dnnl = ctypes.CDLL("libdnnl.so.2")
        a = torch.randn(64, 64).bfloat16()
        sys.stdout.flush()
        saved = os.dup(1)
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 1)
            try:
                dnnl.dnnl_set_verbose(1)
                torch.mm(a, a)
                dnnl.dnnl_set_verbose(0)
                libc = ctypes.CDLL(None)
                libc.fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode(errors="replace")
        for line in text.splitlines():
            if ",exec,cpu,matmul," in line:
                return line.split(",")[4]
        return "not oneDNN (no matmul primitive executed)"
    except OSError as e:
        return "unknown (%s)" % e


def gemm_rows(table, dtype, tag, label, peak_key, min_time, reps, note=""):
    torch.manual_seed(0)
    for (m, k, n) in GEMM_SHAPES:
        a = torch.randn(m, k).to(dtype)
        b = torch.randn(k, n).to(dtype)
        dc = torch.randn(m, n).to(dtype)
        c = torch.empty(m, n, dtype=dtype)
        da = torch.empty(m, k, dtype=dtype)
        db = torch.empty(k, n, dtype=dtype)
        flops = 2.0 * m * n * k
        shape = "%dx%dx%d" % (m, k, n)
        for prod, fn in (
                ("fwd", lambda: torch.mm(a, b, out=c)),
                ("dA", lambda: torch.mm(dc, b.t(), out=da)),
                ("dB", lambda: torch.mm(a.t(), dc, out=db))):
            t = best_time(fn, min_time, reps)
            table.add("gemm_%s_%s_%s" % (tag, shape, prod),
                      "%s GEMM %s %s" % (label, shape, prod),
                      flops / t / 1e9, "GFLOP/s", peak_key, note=note)


def mlp_step_flops():
    fwd = sum(2.0 * BATCH * i * o for i, o in zip(MLP_SIZES, MLP_SIZES[1:]))
    # Executed by autograd: every layer's dW, every layer's dX but the first.
    executed = 3 * fwd - 2.0 * BATCH * MLP_SIZES[0] * MLP_SIZES[1]
    return fwd, 3 * fwd, executed


def mlp_problem(sizes, batch, lr, momentum, dtype=torch.float32):
    """The MLP (nn.Linear + ReLU, no ReLU after the last layer), its SGD
    optimizer and one batch (x ~ U[0, 1), class indices y), from
    torch.manual_seed(0); model and x in `dtype`. Shared with
    frontend_step.py, so that both benchmark the same problem."""
    torch.manual_seed(0)
    layers = []
    for i, o in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(i, o), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).to(dtype)
    x = torch.rand(batch, sizes[0]).to(dtype)
    y = torch.randint(0, sizes[-1], (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    return model, opt, x, y


def eager_step(model, opt, x, y):
    """One PyTorch eager training step with cross-entropy; returns the loss."""
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def mlp_step_times(dtype, warmup, steps):
    model, opt, x, y = mlp_problem(MLP_SIZES, BATCH, 0.01, 0.9, dtype)

    def step():
        return eager_step(model, opt, x, y)

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    assert torch.isfinite(loss.float()), "MLP loss is not finite"
    return times


def mlp_rows(table, dtype, tag, label, bound_key, warmup, steps, note=""):
    times = mlp_step_times(dtype, warmup, steps)
    med = statistics.median(times) * 1e3
    table.add("mlp_%s_step" % tag,
              "MLP %s train step (median of %d)" % (label, steps), med, "ms",
              bound_key, better="lower", note=note)
    table.add("mlp_%s_step_min" % tag, "MLP %s train step (min)" % label,
              min(times) * 1e3, "ms", bound_key, better="lower")


def check_shim():
    """In the LD_PRELOAD child: make sure torch's FP32 GEMM goes through the
    shim and still computes the right product."""
    try:
        calls = ctypes.CDLL(None).bf16_bench_sgemm_shim_calls
    except AttributeError:
        sys.exit("peers.py: the sgemm shim is not preloaded")
    calls.restype = ctypes.c_long
    before = calls()
    a, b = torch.randn(300, 200), torch.randn(200, 100)
    for x, y in ((a, b), (b.t(), a.t()), (a[:, :50], b[:50]),
                 (a.t().contiguous().t(), b)):
        got = torch.mm(x, y)
        want = torch.mm(x.double(), y.double())
        err = ((got.double() - want).abs().max() / want.abs().max()).item()
        if err > 1e-5:
            sys.exit("peers.py: shim sgemm gives a wrong product (%g)" % err)
    if calls() == before:
        sys.exit("peers.py: torch did not call sgemm_ through the shim")


def run_shim_child(args, peaks, table):
    """Re-run the FP32 rows in a child with the sgemm shim preloaded (it
    inherits the CPU affinity). The child reads the peaks and the FLOP-bound
    rows from a temporary peak file; its rows come back as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = os.path.join(tmp, "peaks.json")
        out_file = os.path.join(tmp, "fp32_onednn.json")
        bounds = [r for r in table.rows if r["key"].endswith("_bound")]
        with open(peak_file, "w") as f:
            json.dump({"rows": [dict(key=k, value=v) for k, v in peaks.items()]
                       + bounds}, f)
        env = dict(os.environ, LD_PRELOAD=os.path.abspath(args.sgemm_shim))
        cmd = [sys.executable, os.path.abspath(__file__), "--only-fp32-onednn",
               "--peak-json", peak_file, "--json", out_file]
        if args.quick:
            cmd.append("--quick")
        sys.stdout.flush()
        subprocess.run(cmd, env=env, check=True)
        with open(out_file) as f:
            return json.load(f)["rows"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peak-json", help="bf16-bench-peak --json output")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--quick", action="store_true",
                    help="short runs (smoke test, not for reporting)")
    ap.add_argument("--sgemm-shim",
                    help="libbf16-bench-sgemm-shim.so: also measure FP32 "
                         "with sgemm_ routed to oneDNN")
    ap.add_argument("--only-fp32-onednn", action="store_true",
                    help=argparse.SUPPRESS)  # the LD_PRELOAD child
    args = ap.parse_args()

    one_thread()
    min_time, reps = (0.02, 2) if args.quick else (0.3, 5)
    warmup, steps = (2, 3) if args.quick else (5, 20)

    peaks = {}
    if args.peak_json:
        with open(args.peak_json) as f:
            peaks = {r["key"]: r["value"] for r in json.load(f)["rows"]}
    table = Table(peaks)

    if args.only_fp32_onednn:
        check_shim()
        section("FP32 through oneDNN dnnl_sgemm (LD_PRELOAD shim)")
        gemm_rows(table, torch.float32, "fp32_onednn", "FP32 (oneDNN sgemm)",
                  "fma_peak", min_time, reps)
        mlp_rows(table, torch.float32, "fp32_onednn", "FP32 (oneDNN sgemm)",
                 "mlp_fp32_bound", warmup, steps)
    else:
        affinity = sorted(os.sched_getaffinity(0))
        print("peers.py: torch %s, %d thread(s), affinity %s%s" %
              (torch.__version__, torch.get_num_threads(), affinity,
               ", QUICK mode (not for reporting)" if args.quick else ""))
        impl = onednn_impl()
        print("BF16 matmul implementation (oneDNN verbose): %s" % impl)
        blas = "Netlib reference BLAS (libblas.so.3)"

        fwd, total, executed = mlp_step_flops()
        dp = peaks.get("dpbf16_peak")
        fma = peaks.get("fma_peak")
        section("MLP 784-1024-1024-10, batch 256: FLOPs and FLOP-bound times")
        table.add("mlp_flops", "MLP step GEMM FLOPs (fwd + 2x fwd)",
                  total / 1e9, "GFLOP", note="fwd %.3f GFLOP" % (fwd / 1e9))
        table.add("mlp_flops_executed", "MLP step GEMM FLOPs executed",
                  executed / 1e9, "GFLOP",
                  note="autograd skips dX of layer 1")
        table.add("mlp_bf16_bound", "MLP step FLOP-bound time, BF16",
                  total / (dp * 1e9) * 1e3 if dp else None, "ms",
                  better="lower", note="at the vdpbf16ps peak")
        table.add("mlp_fp32_bound", "MLP step FLOP-bound time, FP32",
                  total / (fma * 1e9) * 1e3 if fma else None, "ms",
                  better="lower", note="at the FP32 FMA peak")

        section("GEMM through torch.mm, one thread (MxKxN; ratio = / peak)")
        gemm_rows(table, torch.bfloat16, "bf16", "BF16", "dpbf16_peak",
                  min_time, reps, note=impl)
        gemm_rows(table, torch.float32, "fp32_netlib", "FP32 (Netlib BLAS)",
                  "fma_peak", min_time, max(1, reps // 2), note=blas)

        section("PyTorch MLP train step, one thread (ratio = bound / time)")
        mlp_rows(table, torch.bfloat16, "bf16", "BF16", "mlp_bf16_bound",
                 warmup, steps, note="model, data, SGD state in bf16")
        mlp_rows(table, torch.float32, "fp32_netlib", "FP32 (Netlib BLAS)",
                 "mlp_fp32_bound", warmup, steps, note=blas)

        if args.sgemm_shim:
            table.rows += run_shim_child(args, peaks, table)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"source": "peers.py", "torch": torch.__version__,
                       "rows": table.rows}, f, indent=1)


if __name__ == "__main__":
    main()
