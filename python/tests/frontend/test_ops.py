"""One test per aten registry entry (python/bf16_opt/frontend/ops).

Each case is a one-op model `fn(module, x)` with parameters; one SGD step
of ``mean((fn - target)^2)`` through ``compile_step(precision="fp32")``
must equal PyTorch eager (loss and every parameter within 1e-5 max-norm
relative), which checks the op's forward and, through its gradient, its
backward entry. A coverage test checks that every registered op is traced
by some case or model here, so no entry goes untested.
"""

import copy
import os
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F

from bf16_opt import frontend
from bf16_opt.frontend import ops
import models

BOUND = 1e-5


class OpModel(nn.Module):
    def __init__(self, fn, shapes, positive=False):
        super().__init__()
        self.fn = fn
        g = torch.Generator().manual_seed(len(shapes))
        self.w = nn.ParameterList(
            [nn.Parameter(torch.rand(s, generator=g) + 0.5 if positive
                          else torch.randn(s, generator=g)) for s in shapes])

    def forward(self, x):
        return self.fn(self.w, x)


def mse(out, target):
    return ((out - target) ** 2).mean()


def rand(*shape, positive=False):
    def make(g):
        t = torch.randn(shape, generator=g)
        return t.abs() + 0.5 if positive else t
    return make


def ids(*shape, high=7):
    return lambda g: torch.randint(0, high, shape, generator=g)


def bn_eval(w, x):
    return F.batch_norm(x, w[0].detach() * 0 + 0.5, w[0].detach() * 0 + 2.0,
                        w[0], w[1], training=False)


# name: (fn(w, x), parameter shapes, input factory, positive parameters)
CASES = {
    "mm": (lambda w, x: x @ w[0], [(6, 3)], rand(4, 6)),
    "addmm": (lambda w, x: F.linear(x, w[0], w[1]), [(3, 6), (3,)], rand(4, 6)),
    "bmm": (lambda w, x: torch.bmm(x, w[0]), [(2, 6, 3)], rand(2, 4, 6)),
    "matmul_3d": (lambda w, x: x @ w[0], [(6, 3)], rand(2, 4, 6)),
    "permute_transpose": (lambda w, x: (x * w[0]).permute(2, 0, 1)
                          .transpose(0, 1) * w[1], [(2, 3, 4), (3,)],
                          rand(2, 3, 4)),
    "conv2d": (lambda w, x: F.conv2d(x, w[0], w[1], stride=2, padding=1,
                                     dilation=2), [(3, 2, 3, 3), (3,)],
               rand(2, 2, 9, 8)),
    "conv2d_plain": (lambda w, x: F.conv2d(x, w[0]), [(3, 2, 2, 3)],
                     rand(2, 2, 5, 6)),
    "conv1d": (lambda w, x: F.conv1d(x, w[0], None, padding=2),
               [(3, 2, 3)], rand(2, 2, 9)),
    "max_pool2d": (lambda w, x: F.max_pool2d(x * w[0], 3, stride=2,
                                             padding=1), [(2, 1, 1)],
                   rand(2, 2, 7, 7)),
    "max_pool2d_plain": (lambda w, x: F.max_pool2d(x * w[0], 2), [(2, 1, 1)],
                         rand(2, 2, 7, 6)),
    "avg_pool2d": (lambda w, x: F.avg_pool2d(x * w[0], 3, stride=2,
                                             padding=1), [(2, 1, 1)],
                   rand(2, 2, 7, 7)),
    "avg_pool2d_exclude_pad": (lambda w, x: F.avg_pool2d(
        x * w[0], 3, stride=2, padding=1, count_include_pad=False),
        [(2, 1, 1)], rand(2, 2, 7, 7)),
    "batch_norm_train": (lambda w, x: F.batch_norm(x, None, None, w[0], w[1],
                                                   training=True),
                         [(3,), (3,)], rand(4, 3, 2, 2)),
    "batch_norm_1d": (lambda w, x: F.batch_norm(x, None, None, w[0], w[1],
                                                training=True),
                      [(3,), (3,)], rand(5, 3)),
    "batch_norm_eval": (bn_eval, [(3,), (3,)], rand(4, 3, 2, 2)),
    "layer_norm": (lambda w, x: F.layer_norm(x, (6,), w[0], w[1]),
                   [(6,), (6,)], rand(3, 4, 6)),
    "layer_norm_2d": (lambda w, x: F.layer_norm(x * w[0], (4, 6)),
                      [(4, 6)], rand(3, 4, 6)),
    "embedding": (lambda w, x: F.embedding(x, w[0]), [(7, 5)], ids(3, 4)),
    "embedding_padding": (lambda w, x: F.embedding(x, w[0], padding_idx=2),
                          [(7, 5)], ids(3, 4)),
    "softmax": (lambda w, x: torch.softmax(x * w[0], dim=0), [(5,)], rand(4, 5)),
    "log_softmax": (lambda w, x: torch.log_softmax(x * w[0], dim=1), [(5,)],
                    rand(4, 5)),
    "nll_loss": (lambda w, x: F.nll_loss(torch.log_softmax(x * w[0], 1),
                                         torch.tensor([0, 3, 1, 0])),
                 [(5,)], rand(4, 5)),
    "nll_loss_sum_ignore": (lambda w, x: F.nll_loss(
        torch.log_softmax(x * w[0], 1), torch.tensor([0, 3, -100, 1]),
        reduction="sum"), [(5,)], rand(4, 5)),
    "mse_loss": (lambda w, x: F.mse_loss(x * w[0], x.flip(0)), [(5,)],
                 rand(4, 5)),
    "bce_with_logits": (lambda w, x: F.binary_cross_entropy_with_logits(
        x * w[0], (x > 0).float()), [(5,)], rand(4, 5)),
    "relu": (lambda w, x: F.relu(x * w[0]), [(5,)], rand(4, 5)),
    "sigmoid": (lambda w, x: torch.sigmoid(x * w[0]), [(5,)], rand(4, 5)),
    "tanh": (lambda w, x: torch.tanh(x * w[0]), [(5,)], rand(4, 5)),
    "gelu": (lambda w, x: F.gelu(x * w[0]), [(5,)], rand(4, 5)),
    "gelu_tanh": (lambda w, x: F.gelu(x * w[0], approximate="tanh"), [(5,)],
                  rand(4, 5)),
    "arith": (lambda w, x: (x + w[0]) * (x - 2.0 * w[0]) / (w[0] * w[0] + 1.0)
              - 3.0 / (1.5 + x * x) + (1 - w[0]) - (-x), [(5,)], rand(4, 5)),
    "pow_sqrt_rsqrt": (lambda w, x: (x * w[0]) ** 3 + torch.sqrt(x * w[0])
                       + torch.rsqrt(x + w[0]) + (x * w[0]) ** 0.5
                       + (x ** w[0]), [(5,)], rand(4, 5, positive=True), True),
    "exp_log_abs": (lambda w, x: torch.exp(x * w[0]) + torch.log(
        (x * w[0]).abs() + 1) + torch.reciprocal(w[0] * w[0] + 1)
        - torch.neg(w[0]), [(5,)], rand(4, 5)),
    "where_comparisons": (lambda w, x: torch.where(x > w[0], x * w[0], w[0])
                          + (x < 0).float() * w[0] + (x >= 0.5).float() * w[0]
                          + (x <= w[0]).float() + (x == 0).float() * w[0]
                          + (x != w[0]).float() * w[0], [(5,)], rand(4, 5)),
    "scalar_forms": (lambda w, x: torch.add(x, 2.0) * w[0] + torch.sub(x, 1.5)
                     * w[0] + torch.rsub(w[0], x) + (x.le(0.3) | x.ne(0.1)
                     ).float() * w[0] + torch.logical_not(x.lt(w[0])).float()
                     + x.ge(w[0]).float() * torch.sign(x) * w[0]
                     + x.new_full((5,), 3.0) * w[0], [(5,)], rand(4, 5)),
    "reductions": (lambda w, x: (x * w[0]).sum(dim=1, keepdim=True)
                   + (x * w[0]).mean(dim=0) + (x * w[0]).amax(dim=1,
                                                               keepdim=True)
                   + (x * w[0]).sum() + (x * w[0]).mean(), [(5,)], rand(4, 5)),
    "views": (lambda w, x: torch.cat([
        (x * w[0]).view(20)[2:18:2].reshape(2, 4).unsqueeze(0).squeeze(0),
        x.select(0, 1).unsqueeze(0)[:, :4] * w[0][:4],
        (x * w[0]).clone().contiguous()[:, :4] + w[0][1:].sum()], dim=0)
        [:, 1:] + (x.unsqueeze(0).squeeze()[:, 1:] * w[0][1:]).sum(),
        [(5,)], rand(4, 5)),
    "expand_split": (lambda w, x: sum(t.sum(0) for t in (
        x * w[0].expand(4, 5)).split(2, dim=0)) + torch.stack(
        (x * w[0]).split([2, 3], dim=1)[1].unbind(0)).sum(0)[:1],
        [(1, 5)], rand(4, 5)),
    "creation": (lambda w, x: torch.zeros_like(x) + w[0] * torch.ones_like(x)
                 + torch.full((5,), 2.0) * w[0] + x.new_zeros((4, 5))
                 + torch.ones(4, 1) * w[0] + torch.zeros(5) + x.new_ones(5)
                 + torch.full_like(x, 0.5) * w[0], [(5,)], rand(4, 5)),
}


def _target_for(model, x):
    with torch.no_grad():
        out = model(x)
    g = torch.Generator().manual_seed(7)
    return torch.randn(out.shape, generator=g)


def make(name):
    entry = CASES[name]
    fn, shapes, xf = entry[:3]
    positive = len(entry) > 3 and entry[3]
    model = OpModel(fn, shapes, positive)
    x = xf(torch.Generator().manual_seed(5))
    return model, (x, _target_for(model, x))


class OpEntries(unittest.TestCase):
    def check(self, name):
        model, batch = make(name)
        ref = copy.deepcopy(model)
        step = frontend.compile_step(
            model, mse, torch.optim.SGD(model.parameters(), lr=0.1), batch,
            precision="fp32", opt_level=1)
        loss = step(*batch)
        ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
        ref_loss = mse(ref(batch[0]), batch[1])
        ref_loss.backward()
        ref_opt.step()
        self.assertLessEqual(abs(loss - ref_loss.item()),
                             BOUND * abs(ref_loss.item()))
        step.copy_to(model)
        for (n, p), (_, q) in zip(model.named_parameters(),
                                  ref.named_parameters()):
            scale = q.abs().max().item()
            self.assertLessEqual((p - q).abs().max().item(), BOUND * scale,
                                 "%s: %s" % (name, n))


for _name in CASES:
    setattr(OpEntries, "test_" + _name, lambda self, n=_name: self.check(n))


# Registered for traces this suite cannot produce on purpose: they are
# exercised through the same code path as a listed op.
NOT_TRACED = {
    "aten.empty.memory_format",   # dead in every trace (BatchNorm reserve)
}


class Coverage(unittest.TestCase):
    def test_every_registered_op_is_traced(self):
        seen = set()
        for name in CASES:
            model, batch = make(name)
            seen |= frontend.traced_ops(
                model, mse, torch.optim.SGD(model.parameters(), lr=0.1), batch)
        for name in models.CASES:
            model, loss_fn, opt_fn, batch_fn = models.make_case(name)
            seen |= frontend.traced_ops(
                model, loss_fn, opt_fn(model.parameters()),
                batch_fn(torch.Generator().manual_seed(1)))
        missing = set(ops.supported_ops()) - seen - NOT_TRACED
        self.assertFalse(missing, "registered but never traced by a test: %s"
                         % sorted(missing))


if __name__ == "__main__":
    unittest.main()
