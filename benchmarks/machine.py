#!/usr/bin/python3
"""Benchmarks on the whole machine (issue 14 part 4), side by side in one
run: run it through benchmarks/machine.sh (benchmarks/README.md, "Whole
machine"). It reuses the other drivers, each in a child process pinned with
taskset, and only gathers their JSON into four tables:

  0. peaks   bf16-bench-peak --threads T: the vdpbf16ps / FMA peaks of one
             core and of the T cores at once (one pinned thread per core,
             started together), the AVX-512 STREAM triad likewise;
  1. mlp     mlp_step.py --threads T and --threads 1 (ours: BF16+SR,
             nearest, Kahan, FP32 through bf16-run, BF16_NUM_THREADS; PyTorch
             1.13 eager BF16 and FP32 through the oneDNN sgemm shim,
             torch.set_num_threads), against the FLOP bound at the T-core and
             1-core peaks of section 0;
  2. gemm    gemm_bench.py --threads T and --threads 1 (our GEMM kernels and
             torch.mm = oneDNN, same shapes as gemm.sh): parallel efficiency
             t1 / (T * tT), ours / oneDNN on T threads;
  3. sr      the SR update as --bf16-train emits it for w - lr*g over 2^24
             elements (6 B/element: w and g read, w written), run by bf16-run
             on T and on 1 thread, once per random-bit stream that
             --bf16-train accepts (rng-stream=v1|v2 when it has the option),
             and ours.sh --threads T / 1 (the lowp kernels of
             benchmarks/ours/kernels.mlir through its C harness), each against
             the same run's STREAM triad on as many cores;
  4. dp      dp_step.py --single-threads 1,T: the data-parallel step on 2
             processes against one process on 1 and on T threads.

Every table has a "target / status" column computed from the measured
figures (issue 14's targets: BF16+SR step <= 6.0 ms and >= 1.45x PyTorch
BF16 on the same cores; parallel efficiency >= 0.85 on the big GEMMs; SR
>= 0.7 of triad). All tables go to machine.md, all figures to machine.json,
the children's logs and JSON next to them.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import report
from bf16_opt.testing import bf16_run_steps, build_tool, run
from report import fmt

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"  # Debian's, with python3-torch

# Issue 14's targets.
SR_STEP_MS = 6.0
SR_VS_TORCH = 1.45
GEMM_EFFICIENCY = 0.85
SR_VS_TRIAD = 0.7


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def utc():
    return datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S UTC")


def cores(n):
    """taskset's list for the first n cores."""
    return "0" if n == 1 else "0-%d" % (n - 1)


def stream(cmd, log, env=None, timeout=None):
    """Runs cmd, echoing its output (indented) and writing it to `log`;
    returns the output. Raises RuntimeError on a non-zero exit."""
    print("$ " + " ".join(cmd), flush=True)
    t0 = time.time()
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=env)
        text = []
        for line in p.stdout:
            text.append(line)
            f.write(line)
            print("    " + line, end="", flush=True)
        rc = p.wait(timeout=timeout)
    print("    (%.0f s)" % (time.time() - t0), flush=True)
    if rc != 0:
        raise RuntimeError("%s exited %d (log: %s)" % (cmd[0], rc, log))
    return "".join(text)


def status(ok, text):
    return ("met" if ok else "NOT met") + " (" + text + ")"


class Machine:
    def __init__(self, a):
        self.a = a
        self.T = a.threads
        self.out = a.out
        self.env = dict(os.environ)
        self.sections = {}   # name -> JSON payload
        self.tables = []     # markdown blocks
        self.failures = []

    def path(self, *p):
        return os.path.join(self.out, *p)

    def section(self, name, title, fn):
        print("\n=== %s (%s, load average %s)" % (title, utc(), loadavg()),
              flush=True)
        start = {"started": utc(), "loadavg_before": loadavg()}
        try:
            payload, lines = fn()
        except (RuntimeError, subprocess.TimeoutExpired, OSError, KeyError,
                ValueError) as e:
            self.failures.append((name, str(e)))
            print("FAILED: %s: %s" % (name, e), flush=True)
            self.tables.append("### %s\n\nFAILED: %s\n" % (title, e))
            self.sections[name] = dict(start, failed=str(e))
            return
        start["loadavg_after"] = loadavg()
        self.sections[name] = dict(start, **payload)
        block = "### %s\n\n%s\n" % (title, "\n".join(lines))
        self.tables.append(block)
        print("\n" + block, flush=True)

    # -- 0. peaks -------------------------------------------------------

    def peaks(self):
        a, T = self.a, self.T
        rows = {}
        for what in ("peaks", "triad"):
            js = self.path("peak-%s.json" % what)
            cmd = ["taskset", "-c", cores(T), build_tool("bf16-bench-peak", a.build),
                   "--core", "0", "--threads", str(T), "--only", what,
                   "--json", js] + (["--quick"] if a.quick else [])
            stream(cmd, self.path("peak-%s.log" % what))
            with open(js) as f:
                for r in json.load(f)["rows"]:
                    rows.setdefault(r["key"], r["value"])
        # The T-core peak: measured on the T cores at once; if that row is
        # missing (T = 1, or a failure), T x the 1-core peak, and say so.
        self.how = {}
        for k in ("dpbf16_peak", "fma_peak", "triad_avx512"):
            allk = k + "_all_cores"
            if T == 1:
                rows[allk] = rows.get(k)
                self.how[k] = "1 core"
            elif rows.get(allk):
                self.how[k] = "measured on %d cores at once" % T
            else:
                rows[allk] = rows[k] * T if rows.get(k) else None
                self.how[k] = "%d x the 1-core figure (not measured at once)" % T
        # One file with the 1-core and all-cores rows for mlp_step/gemm_bench.
        with open(self.path("peak.json"), "w") as f:
            json.dump({"rows": [dict(key=k, value=v) for k, v in rows.items()]},
                      f)
        self.pk = rows
        lines = ["| figure | 1 core | %d cores | %d cores / 1 core | how the %d-core figure was measured | target / status |"
                 % (T, T, T),
                 "|---|---:|---:|---:|---|---|"]
        for k, label, unit in (("dpbf16_peak", "vdpbf16ps zmm peak", "GFLOP/s"),
                               ("fma_peak", "FP32 FMA zmm peak", "GFLOP/s"),
                               ("triad_avx512", "STREAM triad (AVX-512, normal stores)", "GB/s")):
            one, allc = rows.get(k), rows.get(k + "_all_cores")
            lines.append("| %s, %s | %s | %s | %s | %s | reference (no target) |" % (
                label, unit, fmt(one, "%.1f"), fmt(allc, "%.1f"),
                fmt(allc / one if one and allc else None, "%.2f"), self.how[k]))
        lines.append("| core clock, GHz (start of the peaks run) | %s | | | | |"
                     % fmt(rows.get("clock"), "%.2f"))
        return {"rows": rows, "how": self.how}, lines

    # -- 1. the MLP step ------------------------------------------------

    def mlp(self):
        a, T = self.a, self.T
        runs = {}
        for t in ([T, 1] if T > 1 else [1]):
            out = self.path("mlp-%dt" % t)
            os.makedirs(out, exist_ok=True)
            cmd = ["taskset", "-c", cores(t), PY, os.path.join(HERE, "mlp_step.py"),
                   "--build", a.build, "--threads", str(t), "--peak-json",
                   self.path("peak.json"), "--out", out, "--no-netlib"]
            if a.quick:
                cmd += ["--steps", "5", "--torch-steps", "5", "--torch-warmup", "2"]
            env = dict(self.env, OMP_NUM_THREADS=str(t), BF16_NUM_THREADS=str(t))
            try:
                stream(cmd, os.path.join(out, "log.txt"), env=env)
            except RuntimeError as e:  # rows that ran are still in the JSON
                self.failures.append(("mlp %d threads" % t, str(e)))
            with open(os.path.join(out, "mlp_step.json")) as f:
                runs[t] = json.load(f)
        rT, r1 = runs[T], runs[1]
        by = {t: {r["key"]: r for r in runs[t]["rows"]} for t in runs}
        flops, executed = rT["flops"], rT["flops_executed"]
        dpT, dp1 = self.pk.get("dpbf16_peak_all_cores"), self.pk.get("dpbf16_peak")
        fmaT = self.pk.get("fma_peak_all_cores")
        boundT = flops / (dpT * 1e9) * 1e3 if dpT else None
        bound1 = flops / (dp1 * 1e9) * 1e3 if dp1 else None
        boundT_exec = executed / (dpT * 1e9) * 1e3 if dpT else None
        boundT_fp32 = flops / (fmaT * 1e9) * 1e3 if fmaT else None
        torchT = by[T].get("torch_bf16", {}).get("median_ms")

        def med(t, k):
            return by[t].get(k, {}).get("median_ms")

        lines = ["| step | %d threads: median ms (min) | 1 thread: median ms | speed-up 1 -> %d threads | FLOP bound / time (%d cores) | target / status |" % (T, T, T),
                 "|---|---:|---:|---:|---:|---|"]
        labels = [("sr", "bf16-opt BF16+SR"), ("nearest", "bf16-opt BF16 nearest"),
                  ("kahan", "bf16-opt BF16 Kahan"), ("fp32", "bf16-opt FP32"),
                  ("torch_bf16", "PyTorch 1.13 BF16 eager"),
                  ("torch_fp32_onednn", "PyTorch 1.13 FP32 eager (oneDNN sgemm shim)")]
        targets = {}
        for k, label in labels:
            rt = by[T].get(k)
            tT, t1 = med(T, k), med(1, k)
            bound = boundT_fp32 if k in ("fp32", "torch_fp32_onednn") else boundT
            st = ""
            if k == "sr":
                if tT is None:
                    st = "n/a (not measured)"
                else:
                    ok1 = tT <= SR_STEP_MS
                    vs = torchT / tT if torchT else None
                    targets["sr_step_ms"] = dict(value=tT, goal="<= %.1f ms" % SR_STEP_MS, met=ok1)
                    targets["sr_vs_torch_bf16"] = dict(
                        value=vs, goal=">= %.2fx" % SR_VS_TORCH,
                        met=vs is not None and vs >= SR_VS_TORCH)
                    st = "<= %.1f ms: %s; >= %.2fx PyTorch BF16 (%d threads): %s" % (
                        SR_STEP_MS, status(ok1, "%.2f ms" % tT), SR_VS_TORCH,
                        T, "n/a" if vs is None else
                        status(vs >= SR_VS_TORCH, "%.2fx" % vs))
            if k.startswith("torch") and rt and rt.get("torch_threads") is not None:
                label += " (torch threads: %s)" % rt["torch_threads"]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                label,
                "n/a" if rt is None else "%.2f (%.2f)" % (rt["median_ms"], rt["min_ms"]),
                fmt(t1), fmt(t1 / tT if t1 and tT else None, "%.2fx"),
                fmt(bound / tT if bound and tT else None, "%.3f"), st))
        lines.append("| FLOP bound, BF16: %.4g GFLOP at %s GFLOP/s (vdpbf16ps, %s) | %s | %s | | 1 | |" % (
            flops / 1e9, fmt(dpT, "%.1f"), self.how["dpbf16_peak"], fmt(boundT, "%.2f"),
            fmt(bound1, "%.2f")))
        lines.append("| FLOP bound, BF16, executed FLOPs (%.4g GFLOP) | %s | | | | |" % (
            executed / 1e9, fmt(boundT_exec, "%.2f")))
        lines.append("| FLOP bound, FP32 at %s GFLOP/s (FMA, %s) | %s | | | 1 | |" % (
            fmt(fmaT, "%.1f"), self.how["fma_peak"], fmt(boundT_fp32, "%.2f")))
        lines.append("")
        lines.append("Losses (first -> last, %d threads / 1 thread; the steps are bit-identical at every thread count, so they must match): %s" % (
            T, "; ".join("%s %.4g -> %.4g / %s" % (
                k, by[T][k]["loss_first"], by[T][k]["loss_last"],
                "n/a" if k not in by[1] else "%.4g -> %.4g" % (
                    by[1][k]["loss_first"], by[1][k]["loss_last"]))
                for k, _ in labels if k in by[T] and by[T][k].get("loss_first") is not None)))
        return {"runs": runs, "bound_ms": boundT, "bound_1core_ms": bound1,
                "targets": targets}, lines

    # -- 2. GEMMs -------------------------------------------------------

    def gemm(self):
        a, T = self.a, self.T
        runs = {}
        for t in ([T, 1] if T > 1 else [1]):
            js = self.path("gemm-%dt.json" % t)
            cmd = ["taskset", "-c", cores(t), PY, os.path.join(HERE, "gemm_bench.py"),
                   "--bf16-opt", build_tool("bf16-opt", a.build),
                   "--peak-json", self.path("peak.json"), "--threads", str(t),
                   "--min-time", "0.02" if a.quick else "0.2", "--json", js]
            env = dict(self.env, OMP_NUM_THREADS=str(t), BF16_NUM_THREADS=str(t))
            stream(cmd, self.path("gemm-%dt.log" % t), env=env)
            with open(js) as f:
                runs[t] = json.load(f)
        peakT = self.pk.get("dpbf16_peak_all_cores")
        lines = ["| MxKxN | product | ours %d thr GFLOP/s | ours 1 thr | parallel efficiency t1 / (%d t%d) | oneDNN %d thr | oneDNN 1 thr | oneDNN efficiency | ours / oneDNN (%d thr) | ours / %d-core peak | target / status |"
                 % (T, T, T, T, T, T),
                 "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        effs = []
        one = {(r["shape"], r["product"]): r for r in runs[1]["rows"]}
        for r in runs[T]["rows"]:
            r1 = one.get((r["shape"], r["product"]))
            m, k, n = r["mkn"]
            eff = r["ours"] / (T * r1["ours"]) if r1 else None
            deff = r["onednn"] / (T * r1["onednn"]) if r1 else None
            big = min(m, k, n) >= 256
            if not big:
                st = "no target (a dimension < 256)"
            elif eff is None:
                st = "n/a"
            else:
                effs.append(eff)
                st = ">= %.2f: %s" % (GEMM_EFFICIENCY,
                                      status(eff >= GEMM_EFFICIENCY, "%.3f" % eff))
            r.update(efficiency=eff, onednn_efficiency=deff, big=big,
                     ours_1t=r1 and r1["ours"], onednn_1t=r1 and r1["onednn"])
            lines.append("| %dx%dx%d | %s | %.1f | %s | %s | %.1f | %s | %s | %.3f | %s | %s |" % (
                m, k, n, r["product"], r["ours"], fmt(r1 and r1["ours"], "%.1f"),
                fmt(eff, "%.3f"), r["onednn"], fmt(r1 and r1["onednn"], "%.1f"),
                fmt(deff, "%.3f"), r["ours"] / r["onednn"],
                fmt(r["ours"] / peakT if peakT else None, "%.3f"), st))
        summary = None
        if effs:
            summary = dict(min=min(effs), median=statistics.median(effs),
                           met=sum(e >= GEMM_EFFICIENCY for e in effs), of=len(effs))
            lines.append("")
            lines.append("Big GEMMs (every dimension >= 256): parallel efficiency %.3f to %.3f (median %.3f); target >= %.2f met on %d of %d."
                         % (summary["min"], max(effs), summary["median"],
                            GEMM_EFFICIENCY, summary["met"], summary["of"]))
        lines.append("%d-core peak: %s GFLOP/s (%s)." % (
            T, fmt(peakT, "%.1f"), self.how["dpbf16_peak"]))
        return {"runs": runs, "efficiency": summary}, lines

    # -- 3. SR update vs triad ------------------------------------------

    def sgd_mlir(self, n):
        return """#id = affine_map<(i) -> (i)>
// w - lr*g over %(n)d elements: --bf16-train turns it into the SR update.
func.func @train_step(%%w: tensor<%(n)dxf32> {lowp.role = #lowp<role param>},
                      %%g: tensor<%(n)dxf32> {lowp.role = #lowp<role input>},
                      %%lr: f32) -> (tensor<%(n)dxf32> {lowp.tied_to = 0 : i64}) {
  %%e = tensor.empty() : tensor<%(n)dxf32>
  %%r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%%w, %%g : tensor<%(n)dxf32>, tensor<%(n)dxf32>) outs(%%e : tensor<%(n)dxf32>) {
  ^bb0(%%wi: f32, %%gi: f32, %%o: f32):
    %%u = arith.mulf %%lr, %%gi : f32
    %%s = arith.subf %%wi, %%u : f32
    linalg.yield %%s : f32
  } -> tensor<%(n)dxf32>
  return %%r : tensor<%(n)dxf32>
}
""" % {"n": n}

    def streams(self, mlir):
        """The random-bit streams this build's --bf16-train offers, as
        (label, extra option) pairs, and how that was found."""
        opt = build_tool("bf16-opt", self.a.build)
        p = run([opt, mlir, "--bf16-train=rounding=stochastic rng-stream=v1"],
                timeout=120)
        if p.returncode == 0:
            return [("v1", " rng-stream=v1"), ("v2", " rng-stream=v2")], \
                "--bf16-train accepts rng-stream: v1 and v2"
        d = run([opt, mlir, "--bf16-train=rounding=stochastic"], timeout=120)
        if d.returncode != 0:
            raise RuntimeError("bf16-opt --bf16-train failed:\n" + d.stderr[-2000:])
        v = "v2" if re.search(r"lowp.random_bits[^\n]*xi16>", d.stdout) else "v1"
        return [(v, "")], ("--bf16-train has no rng-stream option (%s); its "
                           "only stream is %s" % (p.stderr.strip().splitlines()[-1][:120]
                                                  if p.stderr.strip() else "rejected", v))

    def sr(self):
        a, T = self.a, self.T
        n = 1 << (22 if a.quick else 24)
        mlir = self.path("sgd_update.mlir")
        with open(mlir, "w") as f:
            f.write(self.sgd_mlir(n))
        streams, found = self.streams(mlir)
        print(found, flush=True)
        steps = 5 if a.quick else 20
        counts = [T, 1] if T > 1 else [1]
        triad = {T: self.pk.get("triad_avx512_all_cores"), 1: self.pk.get("triad_avx512")}
        rows = []
        for label, extra in streams:
            for t in counts:
                cmd = ["taskset", "-c", cores(t), build_tool("bf16-run", a.build), mlir,
                       "--pre=bf16-train{rounding=stochastic%s}" % extra,
                       "--lowering=bf16-train-to-llvm{target=host emit-c-interface=1}",
                       "--steps=%d" % (steps + 1), "--set=2=0.01"]
                env = dict(self.env, BF16_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t))
                text = stream(cmd, self.path("sr-%s-%dt.log" % (label, t)), env=env)
                times = [ms for _, ms in bf16_run_steps(text)][1:]
                if not times:
                    raise RuntimeError("bf16-run printed no steps")
                best, med = min(times), statistics.median(times)
                rows.append(dict(kernel="--bf16-train SR update (w - lr*g), bf16-run",
                                 stream=label, threads=t, n=n,
                                 gbs=6.0 * n / (best * 1e-3) / 1e9,
                                 gbs_median=6.0 * n / (med * 1e-3) / 1e9,
                                 best_ms=best, median_ms=med, triad=triad[t],
                                 triad_how="bf16-bench-peak, section 0"))
        ours = {}
        for t in counts:
            js = self.path("ours-%dt.json" % t)
            stream(["bash", os.path.join(HERE, "ours.sh"), "--threads", str(t),
                    "--json", js], self.path("ours-%dt.log" % t))
            with open(js) as f:
                ours[t] = json.load(f)
            for k, v in ours[t]["kernels"].items():
                if k.startswith("sr"):
                    rows.append(dict(kernel="lowp SR kernel `%s` (ours.sh, benchmarks/ours/kernels.mlir)" % k,
                                     stream="v2" if "16" in k else "v1", threads=t,
                                     n=1 << 24, gbs=v["value"], gbs_median=None,
                                     triad=ours[t]["triad_gbs"],
                                     triad_how="ours.sh's own bf16-bench-peak run"))
        lines = ["| kernel | stream | threads | GB/s (best) | GB/s (median) | triad GB/s (same run) | SR / triad | target / status |",
                 "|---|---|---:|---:|---:|---:|---:|---|"]
        for r in rows:
            ratio = r["gbs"] / r["triad"] if r["triad"] else None
            r["ratio"] = ratio
            r["met"] = ratio is not None and ratio >= SR_VS_TRIAD
            lines.append("| %s | %s | %d | %.2f | %s | %s | %s | %s |" % (
                r["kernel"], r["stream"], r["threads"], r["gbs"],
                fmt(r["gbs_median"], "%.2f"), fmt(r["triad"], "%.2f"),
                fmt(ratio, "%.3f"), "n/a" if ratio is None else ">= %.1f: %s" % (
                    SR_VS_TRIAD, status(r["met"], "%.3f" % ratio))))
        lines.append("")
        lines.append("Random-bit streams: %s. Bytes: 6 per element (w and g or u read, w written; the bits are drawn in registers). Triad: AVX-512 normal stores, best of its repetitions; %d-thread bf16-run rows against the triad on %d cores at once (%s), 1-thread ones against the 1-core triad, both from section 0; the ours.sh rows against the triad ours.sh measures itself just before its kernels. Other kernels of ours.sh (%d threads): %s." % (
            found, T, T, self.how["triad_avx512"], T,
            ", ".join("%s %.2f %s" % (k, v["value"], v["unit"])
                      for k, v in ours[T]["kernels"].items() if not k.startswith("sr"))))
        return {"rows": rows, "streams": found, "ours": ours}, lines

    # -- 4. data-parallel -----------------------------------------------

    def dp(self):
        a, T = self.a, self.T
        out = self.path("dp")
        cmd = [PY, os.path.join(HERE, "dp_step.py"), "--out", out,
               "--single-threads", ",".join(map(str, sorted({1, T})))]
        if a.quick:
            cmd += ["--steps", "5", "--warmup", "1", "--variants", "sr"]
        stream(cmd, self.path("dp.log"))
        with open(os.path.join(out, "dp_step.json")) as f:
            d = json.load(f)
        counts = sorted({1, T})
        lines = ["| step | 1 process, 1 thread: ms | 1 process, %d threads: ms | 2 processes x 1 thread: ms | of which all-reduce ms | speed-up vs 1 process, 1 thread | speed-up vs 1 process, %d threads | replicas identical | target / status |" % (T, T),
                 "|---|---:|---:|---:|---:|---:|---:|---|---|"]
        for v, r in d["dp"].items():
            s = {c: d["single_threads"][str(c)][v] for c in counts}
            sp1 = s[1]["ms"] / r["ms"]
            spT = s[T]["ms"] / r["ms"]
            st = ("no numeric target (issue 14); replicas %s; 2 processes %s "
                  "1 process on %d threads (%.2fx)" % (
                      "bit-identical" if r["replicas_identical"] else "DIFFER",
                      "beat" if spT > 1 else "do not beat", T, spT))
            lines.append("| %s | %.2f (min %.2f) | %.2f (min %.2f) | %.2f (min %.2f) | %.2f | %.2f | %.2f | %s | %s |" % (
                v, s[1]["ms"], s[1]["min_ms"], s[T]["ms"], s[T]["min_ms"],
                r["ms"], r["min_ms"], r["reduce_ms"], sp1, spT,
                "yes" if r["replicas_identical"] else "NO", st))
        lines.append("")
        lines.append("dp_step.py (frontend steps, malloc tuned, medians of %s timed steps); all-reduce alone: %s ms for %s MB." % (
            "5" if a.quick else "30",
            ", ".join("%s %.2f" % (v, r["bare_reduce_ms"]) for v, r in d["dp"].items()),
            ", ".join("%.2f" % (r["wire_bytes"] / 1e6) for r in list(d["dp"].values())[:1])))
        return {"dp_step": d}, lines


def main():
    ap = report.arg_parser(__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="threads / cores of the whole-machine rows (default: every core)")
    ap.add_argument("--quick", action="store_true",
                    help="small budgets: a smoke test, NOT for reporting")
    ap.add_argument("--sections", default="peaks,mlp,gemm,sr,dp",
                    help="comma-separated subset (peaks always runs)")
    a = ap.parse_args()
    unknown = set(a.sections.split(",")) - {"peaks", "mlp", "gemm", "sr", "dp"}
    if unknown:
        ap.error("unknown section(s): %s" % ",".join(sorted(unknown)))
    os.makedirs(a.out, exist_ok=True)
    m = Machine(a)
    started = utc()
    git = run(["git", "-C", os.path.dirname(HERE), "describe", "--always",
               "--dirty"], timeout=30).stdout.strip() or "?"
    head = [
        "Whole machine, %d threads: %s; %s (%s), %d CPUs online, kernel %s%s" % (
            a.threads, started, cpu_model(), platform.node(), os.cpu_count(),
            platform.release(), "; QUICK smoke run, NOT for reporting" if a.quick else ""),
        "commit: %s; load average before: %s" % (git, loadavg())]
    for line in head:
        print(line, flush=True)
    wanted = a.sections.split(",")
    m.section("peaks", "0. Peaks of this run: 1 core and %d cores at once" % a.threads, m.peaks)
    if "peaks" not in m.sections or "failed" in m.sections["peaks"]:
        sys.exit("machine.py: no peaks, nothing to compare against")
    if "mlp" in wanted:
        m.section("mlp", "1. MLP 784-1024-1024-10 step, batch 256, SGD momentum: %d threads vs 1, vs PyTorch on %d threads, vs the %d-core FLOP bound" % (a.threads, a.threads, a.threads), m.mlp)
    if "gemm" in wanted:
        m.section("gemm", "2. BF16 GEMMs on %d threads vs 1 thread vs oneDNN (torch.mm) on %d threads" % (a.threads, a.threads), m.gemm)
    if "sr" in wanted:
        m.section("sr", "3. SR update vs STREAM triad, %d threads and 1 thread" % a.threads, m.sr)
    if "dp" in wanted:
        m.section("dp", "4. Data-parallel step: 2 processes vs 1 process", m.dp)
    finished = utc()
    tail = "load average after: %s (finished %s)" % (loadavg(), finished)
    print(tail, flush=True)
    md = "\n".join(head + [tail, ""] + m.tables)
    if m.failures:
        md += "\n" + "\n".join("FAILED: %s: %s" % (k, e.splitlines()[0]) for k, e in m.failures) + "\n"
    with open(m.path("machine.md"), "w") as f:
        f.write(md)
    with open(m.path("machine.json"), "w") as f:
        json.dump({"started": started, "finished": finished, "cpu": cpu_model(),
                   "host": platform.node(), "threads": a.threads, "quick": a.quick,
                   "commit": git, "loadavg_before": head[1].split(": ")[-1],
                   "loadavg_after": loadavg(), "sections": m.sections,
                   "failures": m.failures}, f, indent=1, default=str)
    print("\ntables: %s\nJSON:   %s" % (m.path("machine.md"), m.path("machine.json")))
    return 1 if m.failures else 0


if __name__ == "__main__":
    sys.exit(main())
