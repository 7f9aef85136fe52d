#!/usr/bin/python3
"""Whole MLP training step: bf16-opt's compiled step vs PyTorch eager vs the
FLOP bound, measured in one run on one core (benchmarks/README.md, "Whole MLP
training step"). Run it through benchmarks/mlp_step.sh, which builds the tools
and pins this script (and so every child process) to one core.

The model is the one of peers.py (MLP 784-1024-1024-10, ReLU, softmax
cross-entropy, batch 256, SGD lr 0.01 momentum 0.9, no weight decay). Our step
is benchmarks/gen_mlp.py's FP32 step of the same model, JIT-compiled and run
by bf16-run:

  BF16+SR       --pre='bf16-train{rounding=stochastic}'
  BF16 nearest  --pre='bf16-train{rounding=nearest}'
  BF16 Kahan    --pre='bf16-train{rounding=kahan}'
  FP32          (no --pre: the FP32 step as generated)

all lowered with --lowering='bf16-train-to-llvm{target=T emit-c-interface=1}'
and JIT-compiled at -O2. bf16-run times each call of the compiled step (not
the copy of the results back into the arguments); the first --warmup steps
(which may include lazy JIT compilation) are dropped, the median and the
minimum of the rest are reported. PyTorch peers come from peers.py (its
mlp_step_times), each in a child process; FP32 also through the oneDNN sgemm
LD_PRELOAD shim (peers.py's FP32 caveat). The FLOP bound uses the vdpbf16ps
and FMA peaks that bf16-bench-peak measures in the same run.

--steps auto (the default) keeps slow steps cheap and fast ones well sampled:
each variant first runs warmup + 5 steps; if --budget seconds hold at least
15 steps of that median, it is run again with up to 50 timed steps.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

import gen_mlp
import report
from bf16_opt.testing import bf16_run_steps, build_lib, build_tool, one_hot, run
from report import fmt

OURS = [  # key, label, --pre pipeline (None: the FP32 step)
    ("sr", "bf16-opt BF16+SR", "bf16-train{rounding=stochastic}"),
    ("nearest", "bf16-opt BF16 nearest", "bf16-train{rounding=nearest}"),
    ("kahan", "bf16-opt BF16 Kahan", "bf16-train{rounding=kahan}"),
    ("fp32", "bf16-opt FP32", None),
]
TORCH = [  # key, label, dtype, preload the sgemm shim
    ("torch_bf16", "PyTorch 1.13 BF16 eager", "bf16", False),
    ("torch_fp32_onednn", "PyTorch 1.13 FP32 eager (oneDNN sgemm shim)", "fp32", True),
    ("torch_fp32_netlib", "PyTorch 1.13 FP32 eager (Netlib BLAS, as shipped)", "fp32", False),
]


def torch_child(a):
    """In a child process: time peers.py's MLP step, print JSON."""
    import torch
    import peers
    peers.set_threads(a.threads)
    peers.MLP_SIZES = a.sizes
    peers.BATCH = a.batch
    if a.shim:
        peers.check_shim()
    dtype = torch.bfloat16 if a.torch_child == "bf16" else torch.float32
    times = peers.mlp_step_times(dtype, a.torch_warmup, a.torch_steps)
    json.dump({"times_ms": [t * 1e3 for t in times],
               "threads": torch.get_num_threads(),
               "affinity": sorted(os.sched_getaffinity(0))}, sys.stdout)


def bf16_run(a, mlir, pre, nsteps, hyper, ynpy):
    cmd = [build_tool("bf16-run", a.build), mlir,
           "--lowering=bf16-train-to-llvm{target=%s emit-c-interface=1}" % a.target,
           "--steps=%d" % nsteps, "--npy=%d=%s" % (hyper["y"], ynpy),
           "--set=%d=0.01" % hyper["lr"], "--set=%d=0.9" % hyper["mu"],
           "--set=%d=0" % hyper["wd"]]
    if pre:
        cmd.append("--pre=" + pre)
    # Compiled steps take their thread count from BF16_NUM_THREADS
    # (threads=0, the lowering's default; docs/Threads.md).
    p = run(cmd, timeout=a.timeout,
            env=dict(os.environ, BF16_NUM_THREADS=str(a.threads)))
    if p.returncode != 0:
        raise RuntimeError("bf16-run exited %d:\n%s%s" %
                           (p.returncode, p.stdout[-2000:], p.stderr[-4000:]))
    steps = bf16_run_steps(p.stdout)
    if len(steps) != nsteps:
        raise RuntimeError("bf16-run printed %d steps, expected %d:\n%s"
                           % (len(steps), nsteps, p.stdout[-2000:]))
    return steps, p.wall_s, " ".join(cmd)


def measure_ours(a, key, label, pre, mlir, hyper, ynpy):
    w = a.warmup
    if a.steps == "auto":
        steps, wall, cmd = bf16_run(a, mlir, pre, w + 5, hyper, ynpy)
        med = statistics.median(t for _, t in steps[w:])
        n = int(min(50, a.budget * 1e3 / max(med, 1e-3)))
        if n >= 15:
            more, wall2, cmd = bf16_run(a, mlir, pre, w + n, hyper, ynpy)
            steps, wall = more, wall2
    else:
        steps, wall, cmd = bf16_run(a, mlir, pre, w + int(a.steps), hyper, ynpy)
    timed = [t for _, t in steps[w:]]
    losses = [l for l, _ in steps]
    return dict(key=key, label=label, median_ms=statistics.median(timed),
                min_ms=min(timed), steps=len(timed), wall_s=wall,
                first_step_ms=steps[0][1], loss_first=losses[0],
                loss_last=losses[-1], cmd=cmd)


def measure_torch(a, key, label, dtype, shim):
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-child", dtype,
           "--sizes", ",".join(map(str, a.sizes)), "--batch", str(a.batch),
           "--torch-warmup", str(a.torch_warmup),
           "--torch-steps", str(a.torch_steps), "--threads", str(a.threads)]
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    if shim:
        env["LD_PRELOAD"] = build_lib("libbf16-bench-sgemm-shim.so", a.build)
        cmd.append("--shim")
    p = run(cmd, timeout=a.timeout, env=env)
    if p.returncode != 0:
        raise RuntimeError("torch child exited %d:\n%s" % (p.returncode, p.stderr[-4000:]))
    child = json.loads(p.stdout)
    times = child["times_ms"]
    return dict(key=key, label=label, median_ms=statistics.median(times),
                min_ms=min(times), steps=len(times), wall_s=p.wall_s,
                torch_threads=child.get("threads"))


def main():
    ap = report.arg_parser(__doc__)
    ap.add_argument("--core", type=int, default=0,
                    help="core bf16-bench-peak pins itself to (the caller pins the rest)")
    ap.add_argument("--sizes", default="784,1024,1024,10")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--target", default="host", help="--bf16-train-to-llvm target")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads of every step: BF16_NUM_THREADS for ours, "
                         "torch.set_num_threads for PyTorch (the caller pins "
                         "the cores); > 1: FLOP bound at the all-cores peak")
    ap.add_argument("--peak-json",
                    help="use these bf16-bench-peak rows instead of measuring "
                         "the peaks here (with --threads > 1 they must hold "
                         "the all-cores rows)")
    ap.add_argument("--variants", default="sr,nearest,kahan,fp32",
                    help="ours to run, from sr,nearest,kahan,fp32 (or 'none')")
    ap.add_argument("--steps", default="auto", help="timed steps of ours, or auto")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps of ours")
    ap.add_argument("--budget", type=float, default=10.0,
                    help="--steps auto: seconds of timed steps per variant")
    ap.add_argument("--torch-steps", type=int, default=20)
    ap.add_argument("--torch-warmup", type=int, default=5)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-netlib", action="store_true",
                    help="skip PyTorch FP32 on the Netlib BLAS (~15 s)")
    ap.add_argument("--timeout", type=float, default=1800,
                    help="seconds allowed to one child process")
    ap.add_argument("--out", help="directory for mlp.mlir, the JSON and the tables")
    ap.add_argument("--torch-child", choices=("bf16", "fp32"), help=argparse.SUPPRESS)
    ap.add_argument("--shim", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.sizes = [int(s) for s in a.sizes.split(",")]
    if a.torch_child:
        return torch_child(a)
    if a.steps != "auto" and not a.steps.isdigit():
        ap.error("--steps takes a number or 'auto'")
    if a.steps != "auto" and int(a.steps) < 1:
        ap.error("--steps must be >= 1")
    variants = [] if a.variants == "none" else a.variants.split(",")
    for v in variants:
        if v not in [k for k, _, _ in OURS]:
            ap.error("unknown variant %r" % v)

    out = a.out or tempfile.mkdtemp(prefix="mlp-step-")
    os.makedirs(out, exist_ok=True)
    L = len(a.sizes) - 1
    name = "MLP %s, batch %d" % ("-".join(map(str, a.sizes)), a.batch)
    print("%s; SGD lr 0.01 momentum 0.9; %d thread(s); pinned to cores %s; "
          "results in %s" % (name, a.threads, sorted(os.sched_getaffinity(0)),
                             out), flush=True)

    # The step, and one-hot labels for it (x keeps bf16-run's U[-1, 1)).
    mlir = os.path.join(out, "mlp.mlir")
    with open(mlir, "w") as f:
        f.write(gen_mlp.generate(a.sizes, a.batch))
    import numpy as np
    y = one_hot(np.random.default_rng(0), a.batch, a.sizes[-1])
    ynpy = os.path.join(out, "y.npy")
    np.save(ynpy, y)
    hyper = dict(y=4 * L + 1, lr=4 * L + 2, mu=4 * L + 3, wd=4 * L + 4)

    # Peaks of this run.
    peak_json = a.peak_json or os.path.join(out, "peak.json")
    if not a.peak_json:
        p = run([build_tool("bf16-bench-peak", a.build), "--core", str(a.core),
                 "--threads", str(a.threads), "--only", "peaks",
                 "--json", peak_json], timeout=a.timeout)
        if p.returncode != 0:
            sys.exit("bf16-bench-peak failed:\n" + p.stderr)
    with open(peak_json) as f:
        peaks = {r["key"]: r["value"] for r in json.load(f)["rows"]}
    if a.threads > 1:  # the bound of the whole machine: all cores at once,
        # else (no such row) threads x the 1-core peak
        for k in ("dpbf16_peak", "fma_peak"):
            one = peaks.get(k)
            peaks[k] = peaks.get(k + "_all_cores") or (
                one * a.threads if one else None)
    fwd = sum(2.0 * a.batch * i * o for i, o in zip(a.sizes, a.sizes[1:]))
    total = 3 * fwd
    executed = total - 2.0 * a.batch * a.sizes[0] * a.sizes[1]
    dp, fma = peaks.get("dpbf16_peak"), peaks.get("fma_peak")
    bound_bf16 = total / (dp * 1e9) * 1e3 if dp else None
    bound_bf16_exec = executed / (dp * 1e9) * 1e3 if dp else None
    bound_fp32 = total / (fma * 1e9) * 1e3 if fma else None
    print("peaks (same run): vdpbf16ps %s GFLOP/s, FMA %s GFLOP/s, clock %s GHz"
          % (fmt(dp, "%.1f"), fmt(fma, "%.1f"), fmt(peaks.get("clock"))), flush=True)

    rows, failures = [], []

    def run_variant(label, measure, bound, detail):
        """Runs one variant; a failure is recorded and the others go on."""
        print("running %s ..." % label, flush=True)
        try:
            r = measure()
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            failures.append((label, str(e)))
            print("  FAILED: %s" % str(e)[:2000], flush=True)
            return
        r["bound_ms"] = bound
        rows.append(r)
        print("  median %.2f ms over %d steps%s" % (r["median_ms"], r["steps"], detail(r)),
              flush=True)

    for key, label, pre in OURS:
        if key in variants:
            run_variant(label, lambda: measure_ours(a, key, label, pre, mlir, hyper, ynpy),
                bound_fp32 if key == "fp32" else bound_bf16,
                lambda r: " (first step %.1f ms, process %.1f s)"
                % (r["first_step_ms"], r["wall_s"]))
    if not a.no_torch:
        for key, label, dtype, shim in TORCH:
            if not (key == "torch_fp32_netlib" and a.no_netlib):
                run_variant(label, lambda: measure_torch(a, key, label, dtype, shim),
                    bound_bf16 if dtype == "bf16" else bound_fp32, lambda r: "")

    by = {r["key"]: r["median_ms"] for r in rows}
    sr = by.get("sr")
    goals = [
        ("our FP32 / our BF16+SR (speed-up)",
         by["fp32"] / sr if sr and "fp32" in by else None, ">= 1.8x", 1.8, "x"),
        ("PyTorch BF16 eager / our BF16+SR (speed-up)",
         by["torch_bf16"] / sr if sr and "torch_bf16" in by else None, ">= 1.3x", 1.3, "x"),
        ("our BF16+SR step", sr, "<= 12 ms", None, "ms"),
    ]

    lines = []
    lines.append("%s, SGD momentum; %s; %s" % (
        name, "one pinned core" if a.threads == 1 else
        "%d threads on cores %s" % (a.threads, sorted(os.sched_getaffinity(0))),
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")))
    lines.append("")
    lines.append("| step | median ms | min ms | timed steps | bound / time | loss (first -> last) |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for r in rows:
        ratio = r["bound_ms"] / r["median_ms"] if r.get("bound_ms") else None
        loss = ("%.4g -> %.4g" % (r["loss_first"], r["loss_last"])
                if r.get("loss_first") is not None else "")
        lines.append("| %s | %.2f | %.2f | %d | %s | %s |" % (
            r["label"], r["median_ms"], r["min_ms"], r["steps"],
            fmt(ratio, "%.3f"), loss))
    cores = "" if a.threads == 1 else ", %d cores at once" % a.threads
    lines.append("| FLOP bound, BF16: %.4g GFLOP at %s GFLOP/s (vdpbf16ps%s, same run) | %s | | | 1 | |"
                 % (total / 1e9, fmt(dp, "%.1f"), cores, fmt(bound_bf16, "%.4g")))
    lines.append("| FLOP bound, BF16, executed FLOPs (%.4g GFLOP) | %s | | | | |"
                 % (executed / 1e9, fmt(bound_bf16_exec, "%.4g")))
    lines.append("| FLOP bound, FP32 at %s GFLOP/s (FMA%s, same run) | %s | | | 1 | |"
                 % (fmt(fma, "%.1f"), cores, fmt(bound_fp32, "%.4g")))
    if a.threads == 1:  # issue 4's targets are single-core ones
        lines.append("")
        lines.append("| issue 4 target | measured | goal | met |")
        lines.append("|---|---:|---|---|")
    for label, v, goal, need, unit in goals if a.threads == 1 else []:
        if v is None:
            met = "n/a"
        elif need is not None:
            met = "yes" if v >= need else "no"
        else:
            met = "yes" if v <= 12 else "no"
        lines.append("| %s | %s | %s | %s |" % (
            label, fmt(v, "%.3f" if unit == "x" else "%.2f") + (" " + unit if v is not None else ""),
            goal, met))
    return report.finish(out, "mlp_step.json", lines, failures,
                         {"model": name, "threads": a.threads,
                          "affinity": sorted(os.sched_getaffinity(0)),
                          "peaks": peaks, "flops": total,
                          "flops_executed": executed, "rows": rows})


if __name__ == "__main__":
    sys.exit(main())
