"""Data-parallel check, one process per rank (run by dp_launch.py under
``python3 -m torch.distributed.run --nproc_per_node=2``; docs/Distributed.md).

For every mode (FP32 and the five BF16 roundings) a small MLP trains 20
steps with ``compile_step(..., process_group="world")``, each rank on its
half of the global batch:

* after every step, the raw bytes of the whole state (parameters, optimizer
  state, compensations / low halves, rng steps) hash equal on every rank;
* after 20 steps, the parameters agree with a single process that trains on
  the concatenated batch (non-distributed ``compile_step``, same mode):
  ``||w_dp - w_1|| <= RHO * ||w_1 - w_0||`` over all parameters, with RHO
  from docs/Distributed.md ("The bound");
* negative controls: the same run without the 1/world_size scaling must
  break the bound, and without the all-reduce the replicas must diverge;
* a BatchNorm model keeps its buffers bit-identical (rank 0's broadcast);
* bad process groups raise UnsupportedError.

Rank 0 prints one line per check; the lit test FileChecks them.
"""

import hashlib
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from bf16_opt import frontend
from bf16_opt.frontend import distributed as fdist

import models  # python/tests/frontend/models.py (dp_launch.py's PYTHONPATH)

STEPS = 20
LOCAL_BATCH = 16          # a power of two: the loss's 1/batch is exact
RHO = {"fp32": 1e-4, "bf16": 0.05}
MODES = models.DP_MODES
mlp, bn_model, sgd = models.dp_mlp, models.dp_bn_model, models.dp_sgd


def global_batches(world):
    """STEPS batches of world * LOCAL_BATCH samples, the same on every rank;
    labels from a fixed random teacher so the loss can fall."""
    g = torch.Generator().manual_seed(1234)
    teacher = torch.randn(32, 10, generator=g)
    out = []
    for _ in range(STEPS):
        x = torch.randn(world * LOCAL_BATCH, 32, generator=g)
        out.append((x, (x @ teacher).argmax(dim=1)))
    return out


def shard(batch, rank):
    return tuple(t[rank * LOCAL_BATCH:(rank + 1) * LOCAL_BATCH] for t in batch)


def digest(step):
    h = hashlib.sha256(step.state_bits()).digest()
    return int.from_bytes(h[:8], "little", signed=True)


def all_equal(value):
    t = torch.tensor([value], dtype=torch.int64)
    every = [torch.zeros_like(t) for _ in range(dist.get_world_size())]
    dist.all_gather(every, t)
    return all(torch.equal(e, every[0]) for e in every)


def train_dp(make, precision, rounding, batches, rank):
    model = make()
    step = frontend.compile_step(model, F.cross_entropy, sgd(model),
                                 shard(batches[0], rank), precision=precision,
                                 rounding=rounding, seed=7,
                                 process_group="world")
    identical, losses = True, []
    for b in batches:
        losses.append(step(*shard(b, rank)))
        identical &= all_equal(digest(step))
    identical &= all_equal(hash(tuple(losses)) & (2 ** 62 - 1))
    return step, identical, losses


def train_single(precision, rounding, batches):
    model = mlp()
    step = frontend.compile_step(model, F.cross_entropy, sgd(model),
                                 batches[0], precision=precision,
                                 rounding=rounding, seed=7)
    losses = [step(*b) for b in batches]
    return step, losses


def ratio(dp, single, w0):
    a, b = dp.state_dict(), single.state_dict()
    num = sum(float(((a[k] - b[k]) ** 2).sum()) for k in w0)
    den = sum(float(((b[k] - w0[k]) ** 2).sum()) for k in w0)
    return (num / den) ** 0.5


def check_mode(precision, rounding, batches, rank, world, log):
    t0 = time.time()
    dp, identical, losses = train_dp(mlp, precision, rounding, batches, rank)
    # The reference runs on one rank per mode, alternating, so the ranks
    # share the compiling.
    owner = MODES.index((precision, rounding)) % world
    result = [None]
    if rank == owner:
        single, slosses = train_single(precision, rounding, batches)
        w0 = {k: v.clone() for k, v in mlp().state_dict().items()}
        result = [(ratio(dp, single, w0), slosses[-1])]
    dist.broadcast_object_list(result, src=owner)
    r, sloss = result[0]
    bound = RHO[precision]
    log("%s/%s: replicas bit-identical after every step: %s; |dp-single|/"
        "|single-w0| = %.2e (bound %g): %s; loss %.4f -> %.4f (single %.4f)"
        " [%.1f s]" % (precision, rounding, "yes" if identical else "NO", r,
                       bound, "ok" if r <= bound else "FAIL", losses[0],
                       losses[-1], sloss, time.time() - t0))
    return identical and r <= bound


def check_faults(batches, rank, world, log):
    """A missing 1/world_size must break the bound; a missing all-reduce
    must break bit-identity."""
    ok = True
    real = fdist.DistributedStep._average

    def no_scaling(self):
        dist.all_reduce(self.wire, op=dist.ReduceOp.SUM, group=self.group)

    def no_all_reduce(self):
        pass

    try:
        fdist.DistributedStep._average = no_scaling
        dp, identical, _ = train_dp(mlp, "bf16", "stochastic", batches, rank)
        single, _ = train_single("bf16", "stochastic", batches)
        w0 = {k: v.clone() for k, v in mlp().state_dict().items()}
        r = ratio(dp, single, w0)
        caught = r > RHO["bf16"]
        log("fault 'no 1/world_size': ratio %.3f > bound %g: %s" % (
            r, RHO["bf16"], "caught" if caught else "MISSED"))
        ok &= caught
        fdist.DistributedStep._average = no_all_reduce
        dp, identical, _ = train_dp(mlp, "bf16", "nearest", batches, rank)
        log("fault 'no all-reduce': replicas diverge: %s" % (
            "caught" if not identical else "MISSED"))
        ok &= not identical
    finally:
        fdist.DistributedStep._average = real
    return ok


def check_buffers(batches, rank, log):
    dp, identical, losses = train_dp(bn_model, "bf16", "stochastic", batches,
                                     rank)
    sd = dp.state_dict()
    moved = not torch.equal(sd["1.running_mean"], torch.zeros(64))
    log("batchnorm/stochastic: state incl. running stats bit-identical after "
        "every step: %s; running stats updated: %s; num_batches_tracked %d"
        % ("yes" if identical else "NO", "yes" if moved else "NO",
           int(sd["1.num_batches_tracked"])))
    return identical and moved and int(sd["1.num_batches_tracked"]) == STEPS


def check_errors(rank, world, log):
    model = mlp()
    batch = (torch.randn(LOCAL_BATCH, 32), torch.randint(0, 10, (LOCAL_BATCH,)))
    ok = True
    others = dist.new_group([r for r in range(world) if r != 0])
    for label, pg in (("int", 3), ("string", "everyone"),
                      ("non-member", others if rank == 0 else 3)):
        try:
            frontend.compile_step(model, F.cross_entropy, sgd(model), batch,
                                  process_group=pg)
            log("bad process_group (%s): accepted" % label)
            ok = False
        except frontend.UnsupportedError as e:
            log("bad process_group (%s): UnsupportedError: %s" % (label, e))
    # Replicas that start from other weights are refused on every rank.
    torch.manual_seed(rank)
    other = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
    try:
        frontend.compile_step(other, F.cross_entropy, sgd(other), batch,
                              seed=7, process_group="world")  # cached code
        log("different replicas: accepted")
        ok = False
    except frontend.UnsupportedError as e:
        log("different replicas: UnsupportedError: %s" % e)
    return ok


def main():
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()

    def log(msg):
        if rank == 0:
            print(msg, flush=True)

    t0 = time.time()
    log("world size %d, gloo, BF16_NUM_THREADS=%s" % (
        world, os.environ.get("BF16_NUM_THREADS")))
    batches = global_batches(world)
    ok = True
    for precision, rounding in MODES:
        ok &= check_mode(precision, rounding, batches, rank, world, log)
    ok &= check_faults(batches, rank, world, log)
    ok &= check_buffers(batches, rank, log)
    ok &= check_errors(rank, world, log)
    ok = all_equal(int(ok)) and ok
    log("%s in %.1f s" % ("ALL OK" if ok else "FAILED", time.time() - t0))
    dist.destroy_process_group()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
