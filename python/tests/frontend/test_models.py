"""bf16_opt.frontend on whole models (python/tests/frontend/models.py).

* precision="fp32" equals PyTorch eager FP32 over 3 steps: losses,
  parameters and buffers within a max-norm relative error of 1e-5
  (docs/Frontend.md, "Accuracy bounds").
* every BF16 rounding mode trains: the loss falls over 40 steps and
  copy_to gives finite weights.

Select models with BF16_FRONTEND_CASES=mlp,lenet (default: all).
"""

import copy
import math
import os
import unittest

import torch

from bf16_opt import frontend
import models as fm

FP32_BOUND = 1e-5
CASES = [c for c in os.environ.get("BF16_FRONTEND_CASES", "").split(",") if c] \
    or list(fm.CASES)
MODES = ["nearest", "stochastic", "kahan", "split", "master"]


def max_rel(a, b):
    a, b = a.double(), b.double()
    scale = b.abs().max().item()
    diff = (a - b).abs().max().item()
    return diff / scale if scale > 0 else diff


def batches(batch_fn, n, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [batch_fn(g) for _ in range(n)]


class Fp32MatchesEager(unittest.TestCase):
    def check(self, name):
        model, loss_fn, opt_fn, batch_fn = fm.make_case(name)
        ref = copy.deepcopy(model)
        step = frontend.compile_step(model, loss_fn, opt_fn(model.parameters()),
                                     batches(batch_fn, 1)[0], precision="fp32")
        ref_opt = opt_fn(ref.parameters())
        for b in batches(batch_fn, 3):
            loss = step(*b)
            ref_opt.zero_grad()
            ref_loss = loss_fn(ref(*b[:-1]), b[-1])
            ref_loss.backward()
            ref_opt.step()
            self.assertLessEqual(abs(loss - ref_loss.item()),
                                 FP32_BOUND * abs(ref_loss.item()), name)
        trained = copy.deepcopy(model)
        step.copy_to(trained)
        want = dict(ref.named_parameters())
        want.update(ref.named_buffers())
        got = list(trained.named_parameters()) + list(trained.named_buffers())
        self.assertTrue(got)
        for n, t in got:
            self.assertEqual(t.dtype, want[n].dtype)
            self.assertLessEqual(max_rel(t, want[n]), FP32_BOUND,
                                 "%s: %s" % (name, n))
        # The model itself was not touched by compile_step or the steps.
        for n, t in model.named_parameters():
            if max_rel(t, want[n]) > 0:
                break
        else:
            self.fail("%s: copy_to target and model are the same" % name)
        # Updates are made in place: no result buffer was copied back.
        self.assertEqual(step.copies, 0, name)


class Bf16Trains(unittest.TestCase):
    def check(self, name, rounding):
        model, loss_fn, opt_fn, batch_fn = fm.make_case(name)
        data = batches(batch_fn, 4)
        step = frontend.compile_step(model, loss_fn, opt_fn(model.parameters()),
                                     data[0], rounding=rounding, seed=3)
        losses = [step(*data[i % 4]) for i in range(40)]
        self.assertTrue(all(math.isfinite(l) for l in losses), losses)
        first, last = sum(losses[:4]) / 4, sum(losses[-4:]) / 4
        self.assertLess(last, 0.9 * first, "%s/%s: %s" % (name, rounding, losses))
        step.copy_to(model)
        for n, p in list(model.named_parameters()) + list(model.named_buffers()):
            if p.is_floating_point():
                self.assertTrue(torch.isfinite(p).all(), n)
        self.assertEqual(step.copies, 0)


for _name in CASES:
    setattr(Fp32MatchesEager, "test_" + _name,
            lambda self, n=_name: self.check(n))
    for _mode in MODES:
        setattr(Bf16Trains, "test_%s_%s" % (_name, _mode),
                lambda self, n=_name, m=_mode: self.check(n, m))


if __name__ == "__main__":
    unittest.main()
