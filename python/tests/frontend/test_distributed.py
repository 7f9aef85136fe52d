"""compile_step(..., process_group=...) in one process (docs/Distributed.md).

A one-rank gloo group (FileStore, no network) must give exactly the
single-process step: the gradient function, the float32 all-reduce of one
rank and the update function reproduce ``CompiledStep`` bit for bit in every
mode, buffers and diagnostics included. Bad process groups raise
UnsupportedError before anything is traced. The two-process checks are in
test/python/Inputs/dp_check.py (test/python/distributed.test).
"""

import os
import tempfile
import unittest

import torch
import torch.distributed as dist
import torch.nn.functional as F

from bf16_opt import frontend
from bf16_opt.frontend.distributed import DistributedStep
import models

MODES = models.DP_MODES
mlp, bn_model, sgd = models.dp_mlp, models.dp_bn_model, models.dp_sgd


# Batches of 32 and seed 7 as in dp_check.py's single-process reference, so
# the lit test compiles fewer steps.
def batches(n, size=32):
    g = torch.Generator().manual_seed(5)
    return [(torch.randn(size, 32, generator=g),
             torch.randint(0, 10, (size,), generator=g)) for _ in range(n)]


def bits(t):
    return t.contiguous().view(torch.int32) if t.is_floating_point() else t


class NotInitialized(unittest.TestCase):
    """Without init_process_group (the other class tears its group down)."""

    def test_world_needs_init(self):
        self.assertFalse(dist.is_initialized())
        model = mlp()
        with self.assertRaises(frontend.UnsupportedError) as ctx:
            frontend.compile_step(model, F.cross_entropy, sgd(model),
                                  batches(1)[0], process_group="world")
        self.assertIn("init_process_group", str(ctx.exception))

    def test_bad_types(self):
        model = mlp()
        for pg, needle in ((7, "process_group=7"),
                           ("all", "process_group='all'"),
                           (object(), "expected a torch.distributed"),
                           (True, "process_group=True")):
            with self.assertRaises(frontend.UnsupportedError) as ctx:
                frontend.compile_step(model, F.cross_entropy, sgd(model),
                                      batches(1)[0], process_group=pg)
            self.assertIn(needle, str(ctx.exception))


class OneRank(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        dist.init_process_group(
            "gloo", init_method="file://" + os.path.join(cls.tmp.name, "store"),
            rank=0, world_size=1)

    @classmethod
    def tearDownClass(cls):
        dist.destroy_process_group()
        cls.tmp.cleanup()

    def assertSameState(self, a, b, msg):
        sa, sb = a.state_dict(), b.state_dict()
        self.assertEqual(sorted(sa), sorted(sb))
        for k in sa:
            self.assertTrue(torch.equal(bits(sa[k]), bits(sb[k])),
                            "%s: %s" % (msg, k))

    def pair(self, make, precision, rounding, batch, **kw):
        m1, m2 = make(), make()
        single = frontend.compile_step(m1, F.cross_entropy, sgd(m1), batch,
                                       precision=precision, rounding=rounding,
                                       seed=7, **kw)
        dp = frontend.compile_step(m2, F.cross_entropy, sgd(m2), batch,
                                   precision=precision, rounding=rounding,
                                   seed=7, process_group="world", **kw)
        self.assertIsInstance(dp, DistributedStep)
        return single, dp

    def test_one_rank_is_the_single_process_step(self):
        data = batches(4)
        for precision, rounding in MODES:
            single, dp = self.pair(mlp, precision, rounding, data[0])
            for b in data:
                self.assertEqual(single(*b), dp(*b), rounding)
            self.assertSameState(single, dp, "%s/%s" % (precision, rounding))
            self.assertEqual(dp.copies, 0)
            self.assertEqual(dp.state_nbytes(), single.state_nbytes())

    def test_adam(self):
        """Adam's two moments are SR-rounded state with their own streams."""
        data = batches(3)
        m1, m2 = mlp(), mlp()
        kw = dict(precision="bf16", rounding="stochastic", seed=7)
        single = frontend.compile_step(
            m1, F.cross_entropy, torch.optim.Adam(m1.parameters(), lr=1e-2),
            data[0], **kw)
        dp = frontend.compile_step(
            m2, F.cross_entropy, torch.optim.Adam(m2.parameters(), lr=1e-2),
            data[0], process_group="world", **kw)
        for b in data:
            self.assertEqual(single(*b), dp(*b))
        self.assertSameState(single, dp, "adam")

    def test_buffers_and_partial_batch(self):
        data = batches(3, 16) + batches(1, 8)   # a second shape variant
        single, dp = self.pair(bn_model, "bf16", "stochastic", data[0])
        for b in data:
            self.assertEqual(single(*b), dp(*b))
        self.assertSameState(single, dp, "batchnorm")
        self.assertEqual(int(dp.state_dict()["1.num_batches_tracked"]), 4)
        model = bn_model()
        dp.copy_to(model)
        self.assertTrue(torch.equal(model[1].running_var,
                                    dp.state_dict()["1.running_var"]))

    def test_buffers_with_added_state(self):
        """Buffers with compensations (kahan) and low halves (split) live in
        the gradient function. (master with BatchNorm is not bit-identical
        at one rank: docs/Distributed.md.)"""
        data = batches(3, 16)
        for rounding in ("kahan", "split"):
            single, dp = self.pair(bn_model, "bf16", rounding, data[0])
            for b in data:
                single(*b)
                dp(*b)
            self.assertSameState(single, dp, rounding)

    def test_diagnostics(self):
        data = batches(2)
        single, dp = self.pair(mlp, "bf16", "nearest", data[0],
                               diagnostics=True)
        for b in data:
            single(*b)
            dp(*b)
        self.assertEqual(single.stats(), dp.stats())
        self.assertEqual(sorted(dp.stats()),
                         ["0.bias", "0.weight", "2.bias", "2.weight"])

    def test_subgroup_and_group_object(self):
        data = batches(2)
        sub = dist.new_group([0])
        m1, m2 = mlp(), mlp()
        a = frontend.compile_step(m1, F.cross_entropy, sgd(m1), data[0],
                                  seed=7, process_group=sub)
        b = frontend.compile_step(m2, F.cross_entropy, sgd(m2), data[0],
                                  seed=7, process_group=dist.group.WORLD)
        for x in data:
            self.assertEqual(a(*x), b(*x))
        self.assertSameState(a, b, "subgroup")

    def test_gradient_that_is_an_input(self):
        """d(x*w)/dw is x: a gradient result may be the batch's own buffer,
        which the step must read and must not free."""
        class Scale(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = torch.nn.Parameter(torch.ones(1, 8))

            def forward(self, x):
                return x * self.w

        torch.manual_seed(0)
        batch = (torch.randn(1, 8), torch.zeros(1))
        steps = []
        for pg in (None, "world"):
            m = Scale()
            step = frontend.compile_step(
                m, lambda out, y: out.sum(), torch.optim.SGD(
                    m.parameters(), lr=0.1), batch, rounding="nearest",
                process_group=pg)
            losses = [step(*batch) for _ in range(3)]
            steps.append(step)
        self.assertSameState(steps[0], steps[1], "x*w")
        self.assertEqual(len(set(losses)), 3)

    def test_bad_input_changes_nothing(self):
        model = mlp()
        before = {k: v.clone() for k, v in model.state_dict().items()}
        opt = sgd(model)
        with self.assertRaises(frontend.UnsupportedError):
            frontend.compile_step(model, F.cross_entropy, opt,
                                  batches(1)[0], rounding="bogus",
                                  process_group="world")
        with self.assertRaises(frontend.UnsupportedError):
            frontend.compile_step(model, F.cross_entropy, opt,
                                  (torch.randn(4, 32).double(),
                                   torch.zeros(4, dtype=torch.long)),
                                  process_group="world")
        for k, v in model.state_dict().items():
            self.assertTrue(torch.equal(v, before[k]), k)
        self.assertFalse(opt.state)


if __name__ == "__main__":
    unittest.main()
