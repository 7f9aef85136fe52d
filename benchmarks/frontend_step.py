#!/usr/bin/python3
"""The MLP training step through the PyTorch frontend vs the same IR through
bf16-run vs PyTorch eager, measured in one run on one core
(benchmarks/README.md, "PyTorch frontend step"). Run it through
benchmarks/frontend_step.sh, which builds the tools and pins this script (and
so every child process) to one core.

Model: nn.Sequential(Linear(784, 1024), ReLU, Linear(1024, 1024), ReLU,
Linear(1024, 10)), batch 256, F.cross_entropy on class indices,
torch.optim.SGD(lr=0.05, momentum=0.9); weights from torch.manual_seed(0),
x ~ U[0, 1), y ~ U{0..9}, one fixed batch for every step and every row.

For each variant (fp32; bf16 with rounding stochastic, nearest, kahan):

  frontend   bf16_opt.frontend.compile_step(...) in a child process, then
             `loss = step(x, y)` called warmup + steps times; the row is the
             wall time of the whole Python call. The same child also times
             the ctypes call of the compiled library inside each call
             (CompiledStep's Library.call, wrapped from this script; api.py
             is not changed), so "Python overhead" = call - library call,
             and counts minor page faults per call (getrusage).
  bf16-run   the FP32 IR of frontend.export_step(...) (the child checks it
             is the text compile_step compiled, up to the loc() of the
             caller's line) through
             build/bin/bf16-run --pre='bf16-train{<step.train_options>}'
             --lowering='bf16-train-to-llvm{<step.lowering>}', with the same
             weights, batch and hyper-parameter vector as --npy files, so
             its losses must equal the frontend's bit for bit (checked).
             Times are bf16-run's per-step time_ms (the call of the JITed
             step only, not its copy-back); the first warmup steps are
             dropped, like the frontend's.

and, once per regime, PyTorch 1.13 eager on the same model, weights and
batch: BF16 (model and x .to(torch.bfloat16)) and FP32 through the oneDNN
sgemm LD_PRELOAD shim (peers.py's FP32 caveat), plus FP32 on the Netlib BLAS
as shipped (default regime only, few steps). torch.set_num_threads(1) and
OMP_NUM_THREADS=1 everywhere; the compiled steps are single-threaded.

Regimes: every measurement runs once with glibc's default malloc and once
with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32MiB:trim_threshold=256MiB
("malloc tuned"). The compiled step mallocs and frees its temporaries on
every call; with the default settings glibc may return them to the kernel
and the next call faults them in again (thousands of zeroed pages per step,
depending on the process's heap history), which moved a step by 4-12 ms
on the machine of benchmarks/README.md. The tuned regime removes that, so it
is the one that compares compiled code; the Python overhead column does not
depend on it.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import peers
import report
from bf16_opt.testing import (bf16_run_steps, build_lib, build_tool,
                              f32_bits, run)
from report import fmt

SIZES = (784, 1024, 1024, 10)
BATCH = 256
LR, MOMENTUM = 0.05, 0.9
VARIANTS = {  # key: (label, precision, rounding)
    "fp32": ("FP32", "fp32", "nearest"),
    "sr": ("BF16 stochastic", "bf16", "stochastic"),
    "nearest": ("BF16 nearest", "bf16", "nearest"),
    "kahan": ("BF16 Kahan", "bf16", "kahan"),
}
TUNED = ("glibc.malloc.mmap_threshold=33554432:"
         "glibc.malloc.trim_threshold=268435456")
REGIMES = {"default": None, "tuned": TUNED}
REGIME_LABEL = {"default": "glibc default", "tuned": "malloc tuned"}
TORCH = [  # key, label, dtype, sgemm shim, regimes
    ("torch_bf16", "PyTorch 1.13 BF16 eager", "bf16", False, ("default", "tuned")),
    ("torch_fp32_onednn", "PyTorch 1.13 FP32 eager (oneDNN sgemm shim)",
     "fp32", True, ("default", "tuned")),
    ("torch_fp32_netlib", "PyTorch 1.13 FP32 eager (Netlib BLAS, as shipped)",
     "fp32", False, ("default",)),
]


# -- shared by the driver and the children ------------------------------------
def make_problem(dtype=None):
    """The model, optimizer and batch (same on every call of this function)."""
    import torch
    return peers.mlp_problem(SIZES, BATCH, LR, MOMENTUM, dtype or torch.float32)


def strip_locations(text):
    """The IR without its loc(...) suffixes: the frontend's locations name
    the caller's file and line, which differ between the driver's
    export_step and the child's compile_step."""
    return re.sub(r" loc\(.*\)$", "", text, flags=re.M)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def minflt():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def summary(times_ms):
    return dict(median_ms=statistics.median(times_ms), min_ms=min(times_ms),
                steps=len(times_ms))


# -- children -------------------------------------------------------------------
def frontend_child(a):
    """Compiles and times one frontend variant; prints JSON on stdout."""
    import numpy as np
    import torch.nn.functional as F
    from bf16_opt import frontend
    peers.one_thread()
    _, precision, rounding = VARIANTS[a.frontend_child]
    model, opt, x, y = make_problem()
    t0 = time.perf_counter()
    step = frontend.compile_step(model, F.cross_entropy, opt, (x, y),
                                 precision=precision, rounding=rounding, seed=0)
    compile_s = time.perf_counter() - t0
    with open(a.ir) as f:
        same_ir = strip_locations(f.read()) == strip_locations(step.fp32_text)

    # Wrap the ctypes call of the compiled library (internal attributes of
    # CompiledStep; without them the kernel column is n/a).
    kernel = []
    try:
        lib = next(iter(step.variants.values())).lib
        call = lib.call

        def timed_call(values):
            t = time.perf_counter()
            r = call(values)
            kernel.append(time.perf_counter() - t)
            return r
        lib.call = timed_call
    except (AttributeError, StopIteration):
        lib = None

    calls, faults, losses = [], [], []
    for _ in range(a.warmup + a.steps):
        f0 = minflt()
        t = time.perf_counter()
        loss = step(x, y)
        calls.append(time.perf_counter() - t)
        faults.append(minflt() - f0)
        losses.append(loss)
    w = a.warmup
    out = dict(summary([t * 1e3 for t in calls[w:]]),
               compile_s=compile_s, same_ir=same_ir, losses=losses,
               train_options=step.train_options, lowering=step.lowering,
               faults_per_step=statistics.median(faults[w:]),
               copies=getattr(step, "copies", None),
               affinity=sorted(os.sched_getaffinity(0)))
    if len(kernel) == len(calls):
        out["kernel"] = summary([t * 1e3 for t in kernel[w:]])
        out["overhead_ms"] = statistics.median(
            (c - k) * 1e3 for c, k in zip(calls[w:], kernel[w:]))
    # The hyper-parameter vector bf16-run gets (constant for SGD without
    # dampening; checked).
    hp = [step.spec.hp(t) for t in range(1, a.warmup + a.steps + 1)]
    out["hp_constant"] = all(h == hp[0] for h in hp)
    if a.data:
        np.save(os.path.join(a.data, "hp.npy"), np.array(hp[0], np.float32))
    if a.profile:
        import cProfile
        import io
        import pstats
        if lib is not None:
            lib.call = call
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(a.profile):
            step(x, y)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(15)
        out["profile"] = s.getvalue()
    json.dump(out, sys.stdout)


def torch_child(a):
    """Times PyTorch eager on the same model and batch; prints JSON."""
    import torch
    peers.one_thread()
    if a.shim:
        peers.check_shim()
    model, opt, x, y = make_problem(
        torch.bfloat16 if a.torch_child == "bf16" else torch.float32)

    times, faults, losses = [], [], []
    for _ in range(a.warmup + a.steps):
        f0 = minflt()
        t = time.perf_counter()
        loss = peers.eager_step(model, opt, x, y)
        times.append(time.perf_counter() - t)
        faults.append(minflt() - f0)
        losses.append(loss.item())
    w = a.warmup
    json.dump(dict(summary([t * 1e3 for t in times[w:]]), losses=losses,
                   faults_per_step=statistics.median(faults[w:]),
                   affinity=sorted(os.sched_getaffinity(0))), sys.stdout)


# -- driver ---------------------------------------------------------------------
def child_env(a, regime, extra=None):
    env = dict(os.environ, OMP_NUM_THREADS="1",
               BF16_OPT_BUILD_DIR=a.build,
               XDG_CACHE_HOME=a.cache)
    env.pop("GLIBC_TUNABLES", None)
    if REGIMES[regime]:
        env["GLIBC_TUNABLES"] = REGIMES[regime]
    env.update(extra or {})
    return env


def python_child(a, args, env):
    cmd = [sys.executable, os.path.abspath(__file__)] + args
    p = run(cmd, timeout=a.timeout, env=env)
    if p.returncode != 0:
        raise RuntimeError("child %s exited %d:\n%s" % (
            " ".join(args[:2]), p.returncode, p.stderr[-4000:]))
    r = json.loads(p.stdout)
    r["wall_s"] = p.wall_s
    return r


def measure_frontend(a, key, regime, profile):
    args = ["--frontend-child", key, "--ir", a.ir, "--data", a.data,
            "--warmup", str(a.warmup), "--steps", str(a.steps)]
    if profile:
        args += ["--profile", str(a.profile)]
    return python_child(a, args, child_env(a, regime))


def measure_bf16_run(a, fe, regime):
    """bf16-run on the exported IR with the frontend's options and data."""
    n = a.warmup + a.steps
    cmd = [build_tool("bf16-run", a.build), a.ir,
           "--lowering=bf16-train-to-llvm{%s}" % fe["lowering"],
           "--steps=%d" % n, "--int-range=%d" % SIZES[-1]]
    if fe["train_options"]:
        cmd.append("--pre=bf16-train{%s}" % fe["train_options"])
    for i, fname in sorted(a.npy_args.items()):
        cmd.append("--npy=%d=%s" % (i, os.path.join(a.data, fname)))
    p = run(cmd, timeout=a.timeout, env=child_env(a, regime))
    if p.returncode != 0:
        raise RuntimeError("bf16-run exited %d:\n%s%s" %
                           (p.returncode, p.stdout[-2000:], p.stderr[-4000:]))
    steps = bf16_run_steps(p.stdout)
    m = re.search(r"^steps \d+ median_ms (\S+)$", p.stdout, re.M)
    if len(steps) != n or not m or any(l is None for l, _ in steps):
        raise RuntimeError("bf16-run printed %d steps, expected %d:\n%s"
                           % (len(steps), n, p.stdout[-2000:]))
    w = a.warmup
    r = summary([t for _, t in steps[w:]])
    r.update(losses=[l for l, _ in steps], wall_s=p.wall_s,
             reported_median_ms=float(m.group(1)),  # all steps, warm-up too
             cmd=" ".join("'%s'" % c if "{" in c else c for c in cmd))
    return r


def losses_equal(fe, br):
    """Bit-for-bit on float32 (bf16-run prints %.9g, enough for f32)."""
    k = min(len(fe["losses"]), len(br["losses"]))
    same = sum(f32_bits(f) == f32_bits(b)
               for f, b in zip(fe["losses"][:k], br["losses"][:k]))
    return same, k


def main():
    ap = report.arg_parser(__doc__)
    ap.add_argument("--variants", default="fp32,sr,nearest,kahan",
                    help="from fp32,sr,nearest,kahan")
    ap.add_argument("--regimes", default="default,tuned",
                    help="from default,tuned (see above)")
    ap.add_argument("--steps", type=int, default=40,
                    help="timed steps of the frontend, bf16-run and PyTorch")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    ap.add_argument("--netlib-steps", type=int, default=5,
                    help="timed steps of PyTorch FP32 on Netlib (~0.63 s each)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-netlib", action="store_true")
    ap.add_argument("--profile", type=int, default=20,
                    help="calls of step() under cProfile per variant in the "
                    "first regime (0: none)")
    ap.add_argument("--cache", help="XDG_CACHE_HOME of the frontend's .so "
                    "cache (default: OUT/cache, so the first compile is cold)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", help="directory for step.mlir, data, JSON, tables")
    ap.add_argument("--frontend-child", choices=sorted(VARIANTS),
                    help=argparse.SUPPRESS)
    ap.add_argument("--torch-child", choices=("bf16", "fp32"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--shim", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--ir", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.frontend_child:
        return frontend_child(a)
    if a.torch_child:
        return torch_child(a)
    variants = a.variants.split(",")
    regimes = a.regimes.split(",")
    for v in variants:
        if v not in VARIANTS:
            ap.error("unknown variant %r" % v)
    for r in regimes:
        if r not in REGIMES:
            ap.error("unknown regime %r" % r)

    out = a.out or tempfile.mkdtemp(prefix="frontend-step-")
    os.makedirs(out, exist_ok=True)
    a.cache = os.path.abspath(a.cache or os.path.join(out, "cache"))
    a.data = os.path.join(out, "data")
    os.makedirs(a.data, exist_ok=True)
    a.ir = os.path.join(out, "step.mlir")
    name = "MLP %s, batch %d" % ("-".join(map(str, SIZES)), BATCH)
    load_before = loadavg()
    print("%s; SGD lr %g momentum %g; pinned to cores %s; results in %s"
          % (name, LR, MOMENTUM, sorted(os.sched_getaffinity(0)), out),
          flush=True)

    # The FP32 IR and the data bf16-run gets (the children rebuild the same
    # model from the same seed).
    os.environ["BF16_OPT_BUILD_DIR"] = a.build
    import numpy as np
    import torch.nn.functional as F
    from bf16_opt import frontend
    peers.one_thread()
    model, opt, x, y = make_problem()
    t0 = time.perf_counter()
    text = frontend.export_step(model, F.cross_entropy, opt, (x, y))
    export_s = time.perf_counter() - t0
    with open(a.ir, "w") as f:
        f.write(text)
    a.npy_args = []
    for i, (n, p) in enumerate(model.named_parameters()):
        a.npy_args.append("p%d.npy" % i)
        np.save(os.path.join(a.data, a.npy_args[-1]), p.detach().numpy())
    # Arguments of the exported step: parameters, momentum buffers (zero,
    # bf16-run's default), x, y, hp.
    nparams = len(a.npy_args)
    a.npy_args += [None] * nparams + ["x.npy", "y.npy", "hp.npy"]
    np.save(os.path.join(a.data, "x.npy"), x.numpy())
    np.save(os.path.join(a.data, "y.npy"), y.numpy().astype(np.int64))
    sig = re.search(r"func\.func @train_step\((.*?)\)\s*->", text, re.S).group(1)
    roles = re.findall(r"%arg(\d+): (tensor<[^>]*>) \{lowp\.role = \"(\w+)\"", sig)
    expect = (["param"] * nparams + ["optimizer_state"] * nparams
              + ["input"] * 3)
    if [r for _, _, r in roles] != expect:
        sys.exit("unexpected signature of the exported step:\n%s" % sig)
    a.npy_args = {i: n for i, n in enumerate(a.npy_args) if n}
    print("exported the FP32 step (%d lines) in %.1f s" %
          (text.count("\n"), export_s), flush=True)

    rows, failures, torch_rows = [], [], []
    for key in variants:
        label = VARIANTS[key][0]
        for ri, regime in enumerate(regimes):
            tag = "%s, %s" % (label, REGIME_LABEL[regime])
            print("running %s ..." % tag, flush=True)
            try:
                fe = measure_frontend(a, key, regime,
                                      a.profile if ri == 0 else 0)
                br = measure_bf16_run(a, fe, regime)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                failures.append((tag, str(e)))
                print("  FAILED: %s" % str(e)[:2000], flush=True)
                continue
            same, k = losses_equal(fe, br)
            row = dict(key=key, label=label, regime=regime, frontend=fe,
                       bf16_run=br, ratio=fe["median_ms"] / br["median_ms"],
                       losses_equal=same, losses_compared=k)
            if fe.get("profile"):
                with open(os.path.join(out, "profile-%s.txt" % key), "w") as f:
                    f.write(fe["profile"])
            rows.append(row)
            print("  frontend %.2f ms (library %s ms, Python %s ms, %g faults/"
                  "step, compile_step %.1f s), bf16-run %.2f ms: ratio %.3f; "
                  "losses equal %d/%d" % (
                      fe["median_ms"], fmt(fe.get("kernel", {}).get("median_ms")),
                      fmt(fe.get("overhead_ms"), "%.3f"), fe["faults_per_step"],
                      fe["compile_s"], br["median_ms"], row["ratio"], same, k),
                  flush=True)
            if not fe["same_ir"]:
                failures.append((tag, "export_step's text differs from the "
                                 "text compile_step compiled (outside loc())"))
            if not fe["hp_constant"]:
                failures.append((tag, "the hyper-parameters change between "
                                 "steps; bf16-run ran with those of step 1"))
    if not a.no_torch:
        for key, label, dtype, shim, where in TORCH:
            if key == "torch_fp32_netlib" and a.no_netlib:
                continue
            for regime in regimes:
                if regime not in where:
                    continue
                tag = "%s, %s" % (label, REGIME_LABEL[regime])
                print("running %s ..." % tag, flush=True)
                steps = a.netlib_steps if key == "torch_fp32_netlib" else a.steps
                warm = 1 if key == "torch_fp32_netlib" else a.warmup
                args = ["--torch-child", dtype, "--warmup", str(warm),
                        "--steps", str(steps)]
                extra = {}
                if shim:
                    args.append("--shim")
                    extra["LD_PRELOAD"] = build_lib(
                        "libbf16-bench-sgemm-shim.so", a.build)
                try:
                    r = python_child(a, args, child_env(a, regime, extra))
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    failures.append((tag, str(e)))
                    print("  FAILED: %s" % str(e)[:2000], flush=True)
                    continue
                r.update(key=key, label=label, regime=regime)
                torch_rows.append(r)
                print("  median %.2f ms over %d steps" % (r["median_ms"],
                                                          r["steps"]), flush=True)

    import torch
    load_after = loadavg()
    lines = []
    lines.append("%s, SGD lr %g momentum %g; one pinned core, one thread; %s; "
                 "%s, %d CPUs; load average %s -> %s"
                 % (name, LR, MOMENTUM,
                    datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
                    cpu_model(), os.cpu_count(), load_before, load_after))
    lines.append("")
    lines.append("| step | malloc | frontend `step(x, y)` ms | of which library call ms "
                 "| Python overhead ms (% of call) | bf16-run ms "
                 "| frontend / bf16-run | <= 1.05 | faults / call (frontend) "
                 "| losses equal | compile_step s |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---|---:|---|---:|")
    for r in rows:
        fe, br = r["frontend"], r["bf16_run"]
        ov = fe.get("overhead_ms")
        lines.append("| %s | %s | %.2f (min %.2f) | %s | %s | %.2f (min %.2f) "
                     "| %.3f | %s | %g | %d/%d | %.1f |" % (
                         r["label"], REGIME_LABEL[r["regime"]],
                         fe["median_ms"], fe["min_ms"],
                         fmt(fe.get("kernel", {}).get("median_ms")),
                         "n/a" if ov is None else "%.3f (%.1f%%)" % (
                             ov, 100 * ov / fe["median_ms"]),
                         br["median_ms"], br["min_ms"], r["ratio"],
                         "yes" if r["ratio"] <= 1.05 else "no",
                         fe["faults_per_step"], r["losses_equal"],
                         r["losses_compared"], fe["compile_s"]))
    if torch_rows:
        lines.append("")
        lines.append("| PyTorch eager | malloc | ms/step median | min | timed steps "
                     "| faults / step | loss first -> last |")
        lines.append("|---|---|---:|---:|---:|---:|---|")
        for r in torch_rows:
            lines.append("| %s | %s | %.2f | %.2f | %d | %g | %.4g -> %.4g |" % (
                r["label"], REGIME_LABEL[r["regime"]], r["median_ms"],
                r["min_ms"], r["steps"], r["faults_per_step"],
                r["losses"][0], r["losses"][-1]))
    if rows:
        lines.append("")
        for regime in regimes:
            rr = [r for r in rows if r["regime"] == regime]
            if rr:
                lines.append(
                    "Target frontend / bf16-run <= 1.05, %s: met in %d of %d "
                    "(ratios %.3f-%.3f); Python overhead per call %.3f-%.3f ms."
                    % (REGIME_LABEL[regime],
                       sum(r["ratio"] <= 1.05 for r in rr), len(rr),
                       min(r["ratio"] for r in rr), max(r["ratio"] for r in rr),
                       min(r["frontend"].get("overhead_ms") or 0 for r in rr),
                       max(r["frontend"].get("overhead_ms") or 0 for r in rr)))
        lines.append("Losses (frontend, first -> last of %d steps): %s" % (
            a.warmup + a.steps, "; ".join(
                "%s %.4g -> %.4g" % (r["label"], r["frontend"]["losses"][0],
                                     r["frontend"]["losses"][-1])
                for r in rows if r["regime"] == regimes[0])))
    return report.finish(out, "frontend_step.json", lines, failures, {
        "model": name, "lr": LR, "momentum": MOMENTUM,
        "warmup": a.warmup, "steps": a.steps, "regimes": {
            k: REGIMES[k] for k in regimes},
        "export_s": export_s, "host": platform.node(), "cpu": cpu_model(),
        "cpus": os.cpu_count(), "torch": torch.__version__,
        "loadavg_before": load_before, "loadavg_after": load_after,
        "rows": rows, "torch_rows": torch_rows})


if __name__ == "__main__":
    sys.exit(main())
