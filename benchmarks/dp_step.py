#!/usr/bin/python3
"""The data-parallel step on 2 processes against one process on the same
global batch (benchmarks/README.md, "Data-parallel step"; docs/Distributed.md).

The problem of frontend_step.py (peers.mlp_problem): nn.Sequential(Linear(784,
1024), ReLU, Linear(1024, 1024), ReLU, Linear(1024, 10)), F.cross_entropy,
torch.optim.SGD(lr=0.05, momentum=0.9), weights from torch.manual_seed(0);
one fixed global batch of 256 (x ~ U[0,1), y ~ U{0..9}) for every step.

For each variant (fp32; bf16 with rounding stochastic, nearest, kahan):

  single  one process pinned to core 0, compile_step on the 256-sample
          batch, the wall time of each whole call step(x, y);
  dp      2 processes (python3 -m torch.distributed.run --nproc_per_node=2,
          gloo on loopback), rank r pinned to core r, compile_step(...,
          process_group="world") on its 128 samples; the wall time of each
          call on rank 0, and of the all-reduce inside it (the step's
          _average, wrapped from here: float32 SUM of every gradient and the
          loss, then 1/world_size).

Every process runs one thread (BF16_NUM_THREADS=1, OMP_NUM_THREADS=1,
torch.set_num_threads(1)) with glibc's malloc thresholds raised
(GLIBC_TUNABLES, as benchmarks/frontend_step.py's "malloc tuned"), 3 untimed
warm-up steps and --steps timed ones (medians). The compiled steps are
cached in a fresh directory, so compile times are cold.

--single-threads LIST (default 1) runs the single process once per thread
count N of the comma-separated LIST, pinned to cores 0..N-1 with
BF16_NUM_THREADS=N (the compiled step's threads, docs/Threads.md), so that
the 2 processes can also be compared with one process using both cores
(benchmarks/machine.sh passes 1,2); the table then has one column and one
speed-up per count.

usage: PYTHONPATH=python /usr/bin/python3 benchmarks/dp_step.py [--steps N]
       [--variants fp32,sr,nearest,kahan] [--batch 256] [--out DIR]
       [--single-threads 1[,2...]]
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.abspath(__file__)
# (This script's directory is sys.path[0], also under torch.distributed.run.)
# The problem, variants, malloc settings and machine description of
# frontend_step.py, so both benchmark the same step.
from frontend_step import (LR, MOMENTUM, SIZES, TUNED, VARIANTS,  # noqa: E402
                           cpu_model, loadavg)
from peers import mlp_problem  # noqa: E402


def setup(global_batch):
    import torch
    torch.set_num_threads(1)
    return mlp_problem(SIZES, global_batch, LR, MOMENTUM)


def child(args):
    """One measuring process: single, or one rank of dp."""
    import torch.nn.functional as F
    from bf16_opt import frontend
    dp = args.role == "dp"
    if dp:
        import torch.distributed as dist
        from bf16_opt.frontend import distributed as fdist
        dist.init_process_group("gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        os.sched_setaffinity(0, {int(os.environ["LOCAL_RANK"]) %
                                 os.cpu_count()})
        reduce_ms = []
        real = fdist.DistributedStep._average

        def timed(self):
            t = time.perf_counter()
            real(self)
            reduce_ms.append(1e3 * (time.perf_counter() - t))
        fdist.DistributedStep._average = timed
    else:
        rank, world = 0, 1
        os.sched_setaffinity(0, set(range(args.threads)))
    out = {}
    for v in args.variants.split(","):
        _, precision, rounding = VARIANTS[v]
        model, opt, x, y = setup(args.batch)
        n = args.batch // world
        xs, ys = x[rank * n:(rank + 1) * n], y[rank * n:(rank + 1) * n]
        t = time.perf_counter()
        kw = {"process_group": "world"} if dp else {}
        step = frontend.compile_step(model, F.cross_entropy, opt, (xs, ys),
                                     precision=precision, rounding=rounding,
                                     **kw)
        compile_s = time.perf_counter() - t
        if dp:
            reduce_ms.clear()
        times, losses = [], []
        for i in range(args.warmup + args.steps):
            t = time.perf_counter()
            losses.append(step(xs, ys))
            times.append(1e3 * (time.perf_counter() - t))
        row = {"ms": statistics.median(times[args.warmup:]),
               "min_ms": min(times[args.warmup:]), "compile_s": compile_s,
               "loss_first": losses[0], "loss_last": losses[-1]}
        if dp:
            row["reduce_ms"] = statistics.median(reduce_ms[args.warmup:])
            row["wire_bytes"] = step.wire.numel() * 4
            digests = [None] * world
            dist.all_gather_object(
                digests, hashlib.sha256(step.state_bits()).hexdigest())
            row["replicas_identical"] = len(set(digests)) == 1
            row["bare_reduce_ms"] = _bare_all_reduce(dist, step.wire.numel(),
                                                     args.steps)
        out[v] = row
    if rank == 0:
        print("RESULT " + json.dumps(out), flush=True)
    if dp:
        dist.destroy_process_group()


def _bare_all_reduce(dist, n, steps):
    """Median time of the all-reduce alone on a float32 vector of `n`
    elements, each after a barrier (no wait for a slower rank)."""
    import torch
    t = torch.ones(n)
    times = []
    for _ in range(steps):
        dist.barrier()
        s = time.perf_counter()
        dist.all_reduce(t)
        times.append(1e3 * (time.perf_counter() - s))
    return statistics.median(times)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env):
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    sys.stdout.write(proc.stdout)
    raise SystemExit("no result from %s" % " ".join(cmd))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--role", choices=("driver", "single", "dp"),
                   default="driver")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--variants", default="fp32,sr,nearest,kahan")
    p.add_argument("--out", default=None)
    p.add_argument("--single-threads", default="1",
                   help="thread counts of the single process, e.g. 1,2")
    p.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.role != "driver":
        return child(args)
    root = os.path.dirname(os.path.dirname(HERE))
    out = args.out or os.path.join(
        root, "build", "benchmarks", "results",
        "dp-step-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, BF16_NUM_THREADS="1", OMP_NUM_THREADS="1",
               GLIBC_TUNABLES=TUNED, GLOO_SOCKET_IFNAME="lo",
               XDG_CACHE_HOME=tempfile.mkdtemp(dir=out, prefix="cache-"))
    common = ["--steps", str(args.steps), "--warmup", str(args.warmup),
              "--batch", str(args.batch), "--variants", args.variants]
    started = datetime.datetime.utcnow()
    counts = [int(c) for c in args.single_threads.split(",")]
    singles = {}
    for c in counts:
        singles[c] = run([sys.executable, HERE, "--role", "single",
                          "--threads", str(c)] + common,
                         dict(env, BF16_NUM_THREADS=str(c),
                              OMP_NUM_THREADS=str(c)))
    single = singles[counts[0]]
    logs = tempfile.mkdtemp(dir=out, prefix="logs-")
    dp = run([sys.executable, "-m", "torch.distributed.run",
              "--nproc_per_node=2", "--master_addr=127.0.0.1",
              "--master_port=%d" % free_port(), "--redirects=2", "--tee=2",
              "--log_dir=" + logs, HERE, "--role", "dp"] + common, env)
    load = loadavg()
    if counts == [1]:  # the original table
        one = ["1 process, batch %d: ms" % args.batch]
        gain = ["speed-up"]
    else:
        one = ["1 process, %d thread%s, batch %d: ms"
               % (c, "s" if c > 1 else "", args.batch) for c in counts]
        gain = ["speed-up vs %d thread%s" % (c, "s" if c > 1 else "")
                for c in counts]
    lines = [
        "| step | %s | 2 processes, %d each: ms | of "
        "which all-reduce ms | all-reduce alone ms | all-reduce MB | "
        "%s | replicas identical | loss first -> last (1 / 2 "
        "processes) |" % (" | ".join(one), args.batch // 2, " | ".join(gain)),
        "|---|" + "---:|" * (len(counts) * 2 + 4) + "---|---|"]
    for v in args.variants.split(","):
        s, d = single[v], dp[v]
        lines.append("| %s | %s | %.2f (min %.2f) | %.2f | %.2f "
                     "| %.2f | %s | %s | %.4g -> %.4g / %.4g -> %.4g |" % (
                         VARIANTS[v][0],
                         " | ".join("%.2f (min %.2f)" % (singles[c][v]["ms"],
                                                         singles[c][v]["min_ms"])
                                    for c in counts),
                         d["ms"], d["min_ms"],
                         d["reduce_ms"], d["bare_reduce_ms"],
                         d["wire_bytes"] / 1e6,
                         " | ".join("%.2f" % (singles[c][v]["ms"] / d["ms"])
                                    for c in counts),
                         "yes" if d["replicas_identical"] else "NO",
                         s["loss_first"], s["loss_last"], d["loss_first"],
                         d["loss_last"]))
    table = "\n".join(lines)
    head = ("%s UTC, %s, %d CPUs (%s), load average %s after the run, "
            "%d timed steps" % (started.strftime("%Y-%m-%d %H:%M"),
                                platform.node(), os.cpu_count(),
                                cpu_model(), load, args.steps))
    print(head)
    print(table)
    with open(os.path.join(out, "dp_step.json"), "w") as f:
        json.dump({"single": single, "dp": dp, "head": head,
                   "single_threads": {str(c): singles[c] for c in counts}},
                  f, indent=1)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(head + "\n\n" + table + "\n")
    print("results in", out)


if __name__ == "__main__":
    sys.exit(main())
