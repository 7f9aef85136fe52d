"""Update-cancellation diagnostics (compile_step(..., diagnostics=True),
step.stats()) on constructed updates whose counts are known exactly.

The model is one parameter W (4 x 16), its output is sum(W * x) and the loss
is that output, so the gradient of W is exactly the batch x. With SGD at
lr = 1 the update of every element is -x: the test chooses which updates are
zero, which are far below half an ulp of W (cancelled by rounding to nearest)
and which are large (applied), and checks the counts against (a) numbers
worked out by hand for round-to-nearest-even, and (b) in every mode, the
elements of W that actually kept their value.
"""

import unittest

import torch
import torch.nn as nn

from bf16_opt import frontend
import models


class Linear1(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(w.clone())
        self.b = nn.Parameter(torch.zeros(16))

    def forward(self, x):
        return (self.w * x).sum() + (self.b * x[0]).sum()


def loss_fn(out, target):
    return out + 0.0 * target.sum()


# Per row of W (all 1.0, ulp 2^-7 above 1 and 2^-8 below): x = the update's
# negation, so W_new = 1 - x.
#   row 0: x = 0                 -> 16 zero updates
#   row 1: x = 2^-10             -> 1 - 2^-10 rounds back to 1: cancelled
#   row 2: x = 2^-6              -> 1 - 2^-6 is a bf16: applied
#   row 3: half 2^-12 (cancelled in bf16, applied in f32), half 0
ROW_VALUES = [0.0, 2.0 ** -10, 2.0 ** -6, 2.0 ** -12]


def batch():
    x = torch.tensor(ROW_VALUES).repeat_interleave(16).reshape(4, 16)
    x[3, 8:] = 0.0
    return x, torch.zeros(1)


def make(precision, rounding, diagnostics=True):
    model = Linear1(torch.ones(4, 16))
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    step = frontend.compile_step(model, loss_fn, opt, batch(),
                                 precision=precision, rounding=rounding,
                                 diagnostics=diagnostics)
    return model, step


MODES = [("fp32", "nearest"), ("bf16", "nearest"), ("bf16", "stochastic"),
         ("bf16", "kahan"), ("bf16", "split"), ("bf16", "master")]


class Counts(unittest.TestCase):
    def test_nearest_by_hand(self):
        _, step = make("bf16", "nearest")
        self.assertEqual(step.stats(), {})
        step(*batch())
        s = step.stats()
        # 16 (row 1) + 8 (row 3) cancelled; 16 + 16 + 8 non-zero.
        self.assertEqual(s["w"], {"nonzero": 40, "cancelled": 24})
        # b's gradient is x[0] = 0: no update at all.
        self.assertEqual(s["b"], {"nonzero": 0, "cancelled": 0})

    def test_fp32_by_hand(self):
        _, step = make("fp32", "nearest")
        step(*batch())
        # In f32 every non-zero update here is applied.
        self.assertEqual(step.stats()["w"], {"nonzero": 40, "cancelled": 0})

    def test_master_by_hand(self):
        _, step = make("bf16", "master")
        step(*batch())
        self.assertEqual(step.stats()["w"], {"nonzero": 40, "cancelled": 0})

    def test_every_mode_counts_what_changed(self):
        x, t = batch()
        for precision, rounding in MODES:
            with self.subTest(precision=precision, rounding=rounding):
                _, step = make(precision, rounding)
                for _ in range(3):
                    before = step.state_dict()["w"].clone()
                    step(x, t)
                    after = step.state_dict()["w"]
                    nonzero = x != 0
                    kept = int((nonzero & (after == before)).sum())
                    self.assertEqual(step.stats()["w"], {
                        "nonzero": int(nonzero.sum()), "cancelled": kept})
                    # Stochastic rounding moves some of the tiny updates and
                    # Kahan none of them; the large ones always move.
                    self.assertTrue(bool((after[2] != before[2]).all()))

    def test_every_test_model(self):
        # The frontend's test models (convolutions, BatchNorm, embeddings,
        # attention, a GRU cell; SGD, Adam, AdamW): every parameter is
        # counted, and the counts are consistent with its size.
        for name in models.CASES:
            with self.subTest(model=name):
                model, loss_fn, opt_fn, batch_fn = models.make_case(name)
                batch = batch_fn(torch.Generator().manual_seed(0))
                step = frontend.compile_step(
                    model, loss_fn, opt_fn(model.parameters()), batch,
                    rounding="kahan", diagnostics=True)
                step(*batch)
                stats = step.stats()
                params = dict(model.named_parameters())
                self.assertEqual(sorted(stats), sorted(params))
                for n, c in stats.items():
                    self.assertLessEqual(0, c["cancelled"])
                    self.assertLessEqual(c["cancelled"], c["nonzero"])
                    self.assertLessEqual(c["nonzero"], params[n].numel())
                # Something was updated in every model.
                self.assertGreater(sum(c["nonzero"] for c in stats.values()),
                                   0)

    def test_names_are_named_parameters(self):
        model, step = make("bf16", "kahan")
        step(*batch())
        self.assertEqual(sorted(step.stats()),
                         sorted(n for n, _ in model.named_parameters()))

    def test_off_by_default(self):
        _, step = make("bf16", "stochastic", diagnostics=False)
        step(*batch())
        with self.assertRaises(frontend.UnsupportedError) as ctx:
            step.stats()
        self.assertIn("diagnostics=True", str(ctx.exception))
        # The step computes no counts: it returns no counts result.
        v = next(iter(step.variants.values()))
        self.assertFalse(any("lowp.update_stats_of" in r.attrs
                             for r in v.results))

    def test_bad_option(self):
        model = Linear1(torch.ones(4, 16))
        opt = torch.optim.SGD(model.parameters(), lr=1.0)
        with self.assertRaises(frontend.UnsupportedError) as ctx:
            frontend.compile_step(model, loss_fn, opt, batch(),
                                  diagnostics="yes")
        self.assertIn("diagnostics='yes'", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
