#!/usr/bin/python3
"""Compile time of bf16-opt against graph size (benchmarks/README.md,
"Compile-time scaling"). Run it through benchmarks/compile_time.sh, which
builds the tools and pins this script to one core.

Inputs: benchmarks/gen_mlp.py MLPs with L = 1, 2, 4, 8, 16, 32 hidden layers
(784-W-...-W-10, batch B; --depths, --width, --batch) and, as extra points
outside the fit, the bundled examples (examples/*.mlir training steps; the
transformer is the largest).

For each input it measures, as the CPU time (user + system) of each child
process, which a busy shared machine disturbs far less than wall time
(--wall: wall time instead):

  ops        operations in the input, MLIR's count
             (mlir-opt --print-op-stats, builtin.module excluded)
  train      bf16-opt --bf16-train=R                      (print to a file)
  opt        bf16-opt --bf16-train=R --bf16-train-to-llvm=target=T
             (the whole MLIR compile, LLVM dialect printed to a file)
  translate  mlir-translate --mlir-to-llvmir of that output
  clang      clang -O2 -march=native -c of the .ll (LLVM's optimizer and
             code generator, as an AOT build would run them)
  jit        bf16-run --steps=2 with the same passes, minus its two steps:
             parse, bf16-train, lowering, LLVM -O2 (in ExecutionEngine::create)
             and the machine code generation that the JIT does lazily on the
             first call (process time - 2 x the second step's wall time)
  codegen    the part of `jit` spent in the first call: step 0 - step 1 (wall)

and the same for the smallest step, one 2->2 layer with batch 1 (process
start-up: t0, ops0). It then fits each column over the MLP series to
t = a + b*ops by least squares (R^2) and, to see whether the growth is
linear, computes the exponent k of (t - t0) ~ (ops - ops0)^k (k = 1: linear,
k = 2: quadratic), over all depths and between the two largest. The MLIR
columns are the best of --reps runs, the LLVM ones (clang, jit, codegen) of
--llvm-reps.
"""

import functools
import glob
import math
import os
import re
import resource
import subprocess
import sys
import tempfile

import gen_mlp
import report
from bf16_opt.testing import bf16_run_steps, build_tool, llvm_tool, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ["train", "opt", "translate", "clang", "jit", "codegen"]


CLOCK = "cpu"  # --wall switches to wall time


def timed(cmd, timeout, reps, parse=None):
    """Best time of `reps` runs (or of parse(stdout, t) if given): the CPU
    time (user + system) of the child, or its wall time with --wall."""
    best = None
    for _ in range(reps):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = run(cmd, timeout=timeout, check=True)
        t = p.wall_s
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if CLOCK == "cpu":
            t = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        if parse:
            t = parse(p.stdout, t)
        key = t[0] if parse else t
        if best is None or key < (best[0] if parse else best):
            best = t
    return best


def jit_parse(stdout, t):
    steps = [ms / 1e3 for _, ms in bf16_run_steps(stdout)]
    if len(steps) != 2:
        raise RuntimeError("bf16-run printed %d steps, expected 2" % len(steps))
    return (t - 2 * steps[1], steps[0] - steps[1])


def count_ops(path):
    p = run([llvm_tool("mlir-opt"), "--allow-unregistered-dialect",
             "--print-op-stats", path, "-o", "/dev/null"], check=True)
    n = 0
    for m in re.finditer(r"^\s*(\S+)\s*,\s*(\d+)\s*$", p.stdout + p.stderr, re.M):
        if m.group(1) != "builtin.module":
            n += int(m.group(2))
    return n


def measure(a, path, work, tag):
    opt = build_tool("bf16-opt", a.build)
    train = "--bf16-train=rounding=%s" % a.rounding
    lower = "--bf16-train-to-llvm=target=%s" % a.target
    out_t = os.path.join(work, tag + ".train.mlir")
    out_l = os.path.join(work, tag + ".llvm.mlir")
    out_ll = os.path.join(work, tag + ".ll")
    out_o = os.path.join(work, tag + ".o")
    r = {}
    r["train"] = timed([opt, path, train, "-o", out_t], a.timeout, a.reps)
    r["opt"] = timed([opt, path, train, lower, "-o", out_l], a.timeout, a.reps)
    r["translate"] = timed([llvm_tool("mlir-translate"), "--mlir-to-llvmir", out_l,
                            "-o", out_ll], a.timeout, a.reps)
    if a.no_llvm:
        r["clang"] = r["jit"] = r["codegen"] = None
    else:
        r["clang"] = timed([llvm_tool("clang"), "-O2", "-march=native",
                            "-Wno-override-module", "-c", out_ll, "-o", out_o],
                           a.timeout, a.llvm_reps)
        jit = [build_tool("bf16-run", a.build), path, "--steps=2",
               "--pre=bf16-train{rounding=%s}" % a.rounding,
               "--lowering=bf16-train-to-llvm{target=%s emit-c-interface=1}" % a.target]
        r["jit"], r["codegen"] = timed(jit, a.timeout, a.llvm_reps, jit_parse)
    with open(out_ll) as f:
        r["ll_lines"] = sum(1 for _ in f)
    return r


f3 = functools.partial(report.fmt, spec="%.3f", missing="-")
f2 = functools.partial(report.fmt, spec="%.2f", missing="-")


def linfit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    c = my - b * mx
    ss_res = sum((y - (c + b * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return c, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def exponent(xs, ys, x0, y0):
    """Slope of log(t - t0) against log(ops - ops0): the growth exponent of
    the time spent on the ops added to the smallest step."""
    pts = [(math.log(x - x0), math.log(y - y0)) for x, y in zip(xs, ys)
           if y - y0 > 0 and x - x0 > 0]
    if len(pts) < 2:
        return None
    return linfit([p[0] for p in pts], [p[1] for p in pts])[1]


def main():
    ap = report.arg_parser(__doc__)
    ap.add_argument("--depths", default="1,2,4,8,16,32")
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--rounding", default="stochastic")
    ap.add_argument("--target", default="host")
    ap.add_argument("--reps", type=int, default=3,
                    help="best of N runs of bf16-opt and mlir-translate")
    ap.add_argument("--llvm-reps", type=int, default=1,
                    help="best of N runs of clang -O2 and bf16-run (slow)")
    ap.add_argument("--no-llvm", action="store_true",
                    help="skip clang and bf16-run (the MLIR side only: larger "
                         "--depths stay cheap)")
    ap.add_argument("--no-examples", action="store_true")
    ap.add_argument("--wall", action="store_true",
                    help="wall time instead of the children's CPU time")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", help="directory for the inputs, outputs and tables")
    a = ap.parse_args()
    depths = [int(d) for d in a.depths.split(",")]
    global CLOCK
    CLOCK = "wall" if a.wall else "cpu"
    out = a.out or tempfile.mkdtemp(prefix="compile-time-")
    os.makedirs(out, exist_ok=True)
    print("bf16-opt compile time vs graph size: --bf16-train=rounding=%s "
          "--bf16-train-to-llvm=target=%s; %s time, best of %d (LLVM: %d); "
          "cores %s; results in %s"
          % (a.rounding, a.target, CLOCK, a.reps, a.llvm_reps,
             sorted(os.sched_getaffinity(0)), out), flush=True)

    inputs = []
    for d in depths:
        p = os.path.join(out, "mlp_L%d.mlir" % d)
        sizes = [784] + [a.width] * d + [10]
        with open(p, "w") as f:
            f.write(gen_mlp.generate(sizes, a.batch))
        inputs.append(("mlp", "MLP L=%d (784-%dx%d-10, B=%d)" % (d, a.width, d, a.batch), p))
    if not a.no_examples:
        for p in sorted(glob.glob(os.path.join(ROOT, "examples", "*.mlir"))):
            base = os.path.basename(p)
            if base.endswith("_train.mlir") or base.startswith("update_") \
                    or "tosa" in base:
                continue  # drivers, the cancellation demo, TOSA (needs input=tosa)
            inputs.append(("example", "examples/" + base, p))

    # Start-up: the same commands on the smallest step (one 2->2 layer,
    # batch 1; an empty module has no update for --bf16-train to rewrite).
    tiny = os.path.join(out, "tiny.mlir")
    with open(tiny, "w") as f:
        f.write(gen_mlp.generate([2, 2], 1))
    startup = measure(a, tiny, out, "tiny")
    startup["ops"] = count_ops(tiny)
    print("start-up (smallest step, %d ops): " % startup["ops"] + ", ".join(
        "%s %s s" % (k, f3(startup[k])) for k in COLUMNS), flush=True)

    rows, failures = [], []
    for kind, label, path in inputs:
        tag = os.path.splitext(os.path.basename(path))[0]
        try:
            ops = count_ops(path)
            r = measure(a, path, out, tag)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            failures.append((label, str(e)))
            print("FAILED %s: %s" % (label, str(e)[:3000]), flush=True)
            continue
        r.update(kind=kind, label=label, ops=ops)
        rows.append(r)
        print("%-40s %6d ops  train %.3f  opt %.3f  translate %.3f  clang %s  "
              "jit %s (codegen %s) s" % (label, ops, r["train"], r["opt"],
                                         r["translate"], f3(r["clang"]),
                                         f3(r["jit"]), f3(r["codegen"])), flush=True)

    mlp = [r for r in rows if r["kind"] == "mlp"]
    lines = []
    lines.append("Times in seconds of %s time per process (%s), best of %d (clang, "
                 "bf16-run: best of %d)." % (
                     CLOCK, "user + system" if CLOCK == "cpu" else "wall clock",
                     a.reps, a.llvm_reps))
    lines.append("")
    lines.append("| input | ops | bf16-train s | + to-llvm (bf16-opt) s | bf16-opt ms/op | "
                 "mlir-translate s | clang -O2 s | clang ms/op | bf16-run JIT s "
                 "(codegen) | .ll lines |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in [dict(startup, label="start-up: smallest step (2-2, B=1)")] + rows:
        lines.append("| %s | %d | %.3f | %.3f | %.3f | %.3f | %s | %s | %s (%s) | %d |" % (
            r["label"], r["ops"], r["train"], r["opt"], r["opt"] / r["ops"] * 1e3,
            r["translate"], f2(r["clang"]),
            f2(r["clang"] / r["ops"] * 1e3 if r["clang"] is not None else None),
            f2(r["jit"]), f2(r["codegen"]), r["ll_lines"]))
    fits = {}
    if len(mlp) >= 3:
        lines.append("")
        lines.append("Least-squares fit over the MLP series (t = a + b*ops, R^2), the "
                     "exponent k of (t - t0) ~ (ops - ops0)^k and the marginal cost "
                     "(t - t0) / (ops - ops0), where t0, ops0 are the smallest step's:")
        lines.append("")
        lines.append("| column | a (s) | b (ms/op) | R^2 | k (all) | k (L=%d -> %d) | "
                     "marginal ms/op, L=%d -> L=%d |"
                     % (depths[-2], depths[-1], depths[0], depths[-1]))
        lines.append("|---|---:|---:|---:|---:|---:|---|")
        xs = [r["ops"] for r in mlp]
        for c in COLUMNS:
            if mlp[0][c] is None:
                continue
            ys = [r[c] for r in mlp]
            a0, b, r2 = linfit(xs, ys)
            base = startup[c]
            k = exponent(xs, ys, startup["ops"], base)
            ktop = exponent(xs[-2:], ys[-2:], startup["ops"], base)
            per = [(y - base) / (x - startup["ops"]) * 1e3 for x, y in zip(xs, ys)]
            fits[c] = dict(a=a0, b=b, r2=r2, k=k, k_top=ktop)
            lines.append("| %s | %.3f | %.4f | %.4f | %s | %s | %.4f -> %.4f |" % (
                c, a0, b * 1e3, r2, "n/a" if k is None else "%.2f" % k,
                "n/a" if ktop is None else "%.2f" % ktop, per[0], per[-1]))
    return report.finish(out, "compile_time.json", lines, failures,
                         {"startup": startup, "rows": rows, "fits": fits})


if __name__ == "__main__":
    sys.exit(main())
