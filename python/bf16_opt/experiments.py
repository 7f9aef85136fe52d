"""Training runs on real data, shared by the main job (``scripts/demo.py``)
and the accuracy study (``scripts/study.py``).

One run trains one model in one precision mode with one seed, through the
frontend (``compile_step(..., diagnostics=True)``) or, as the external
reference, in PyTorch eager FP32 with the same recipe, initialization
(``torch.manual_seed(seed)`` before the model is built) and data order
(``bf16_opt.data.batches``). Every mode of a seed therefore starts from the
same weights and sees the same batches.

The learning rate follows a cosine from ``recipe.lr`` at the first step to 0
after the last one, so late-training updates are small: the regime where
round-to-nearest cancels them. The schedule is applied by setting
``optimizer.param_groups[0]["lr"]`` before each step, which the compiled step
reads at every call.

Evaluation runs the trained weights (``step.copy_to(model)``) in PyTorch
eager FP32. BF16 weights are exactly representable in FP32, so this measures
the weights the mode trained, not a BF16 inference.
"""

import math
import time
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data
from .frontend import compile_step

__all__ = ["MODES", "Recipe", "mlp", "lenet", "CharGRU", "classifier_run",
           "char_run", "cosine_lr"]

# mode -> compile_step's (precision, rounding); "eager" is PyTorch itself.
MODES = {
    "fp32": ("fp32", "nearest"),
    "master": ("bf16", "master"),
    "nearest": ("bf16", "nearest"),
    "stochastic": ("bf16", "stochastic"),
    "kahan": ("bf16", "kahan"),
    "split": ("bf16", "split"),
}


@dataclass
class Recipe:
    """A training recipe: optimizer, cosine-decayed LR, epochs, batch."""
    epochs: float = 1.0
    batch_size: int = 128
    optimizer: str = "sgd"          # "sgd" (momentum) or "adam"
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 0.0
    max_steps: int = 0              # > 0: stop after this many steps
    eval_limit: int = 0             # > 0: evaluate on this many test items
    eval_every: int = 0             # > 0: report every N steps, not epochs
    extra: dict = field(default_factory=dict)


def cosine_lr(base, step, total):
    """LR of step `step` (0-based) of `total`: base at 0, -> 0 at the end."""
    return 0.5 * base * (1.0 + math.cos(math.pi * step / total))


def mlp(sizes=(784, 256, 128, 10)):
    """A ReLU MLP on flattened images."""
    layers = [nn.Flatten()]
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def lenet():
    """A LeNet-style CNN with BatchNorm for 1x28x28 images."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.BatchNorm2d(8), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


class CharGRU(nn.Module):
    """A character model: embedding, a GRU cell unrolled over the window,
    and a linear read-out predicting the next character at every position."""

    def __init__(self, vocab, embed=32, hidden=128):
        super().__init__()
        self.emb = nn.Embedding(vocab, embed)
        self.cell = nn.GRUCell(embed, hidden)
        self.out = nn.Linear(hidden, vocab)
        self.hidden = hidden

    def forward(self, ids):
        e = self.emb(ids)
        h = e.new_zeros((ids.shape[0], self.hidden))
        outs = []
        for t in range(ids.shape[1]):
            h = self.cell(e[:, t], h)
            outs.append(self.out(h))
        return torch.stack(outs, dim=1)


def char_loss(logits, target):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                           target.reshape(-1))


def _optimizer(model, recipe):
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=recipe.lr,
                               momentum=recipe.momentum,
                               weight_decay=recipe.weight_decay)
    if recipe.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=recipe.lr,
                                weight_decay=recipe.weight_decay)
    raise ValueError("recipe.optimizer=%r" % (recipe.optimizer,))


def _state_bytes_eager(model, opt):
    n = sum(p.numel() * p.element_size() for p in model.parameters())
    for state in opt.state.values():
        for v in state.values():
            if torch.is_tensor(v) and v.dim() > 0:
                n += v.numel() * v.element_size()
    return n


class _Runner:
    """Runs steps of one mode; counts cancelled updates and step time."""

    def __init__(self, model, loss_fn, opt, example, mode, seed):
        self.model, self.loss_fn, self.opt, self.mode = model, loss_fn, opt, mode
        self.seconds = 0.0
        self.steps = 0
        self.nonzero = self.cancelled = 0
        if mode == "eager":
            self.step = None
        else:
            precision, rounding = MODES[mode]
            self.step = compile_step(model, loss_fn, opt, example,
                                     precision=precision, rounding=rounding,
                                     seed=seed, diagnostics=True)

    def __call__(self, *batch):
        t = time.perf_counter()
        if self.step is None:
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(*batch[:-1]), batch[-1])
            loss.backward()
            self.opt.step()
            loss = float(loss)
        else:
            loss = self.step(*batch)
        self.seconds += time.perf_counter() - t
        self.steps += 1
        if self.step is not None:
            for c in self.step.stats().values():
                self.nonzero += c["nonzero"]
                self.cancelled += c["cancelled"]
        return loss

    def take_rate(self):
        """Cancelled / non-zero updates since the last call (None in eager)."""
        if self.step is None:
            return None
        rate = self.cancelled / self.nonzero if self.nonzero else 0.0
        self.nonzero = self.cancelled = 0
        return rate

    def eval_model(self):
        """The model with the trained weights, in eval mode."""
        if self.step is not None:
            self.step.copy_to(self.model)
        return self.model.eval()

    def state_bytes(self):
        if self.step is None:
            return _state_bytes_eager(self.model, self.opt)
        return self.step.state_nbytes()


def _train(model, loss_fn, recipe, mode, seed, example, epochs_batches,
           evaluate, progress, desc):
    """The shared loop: per epoch, an iterator of batches; `evaluate` maps
    the eval model to the metric. Returns the run's record."""
    opt = _optimizer(model, recipe)
    runner = _Runner(model, loss_fn, opt, example, mode, seed)
    total = sum(n for n, _ in epochs_batches)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=total, desc=desc, unit="step", leave=True,
                   dynamic_ncols=True)
    record = {"mode": mode, "seed": seed, "steps": total, "loss_curve": [],
              "epoch_metric": [], "epoch_train_loss": [],
              "epoch_cancelled_rate": [], "epoch_seconds": []}
    t = 0
    metric = None
    run_nonzero = run_cancelled = 0
    curve_every = max(1, total // 100)
    curve_sum = curve_n = 0
    for n_batches, batches in epochs_batches:
        model.train()
        epoch_loss = epoch_n = 0
        seconds0 = runner.seconds
        for batch in batches:
            opt.param_groups[0]["lr"] = cosine_lr(recipe.lr, t, total)
            loss = runner(*batch)
            t += 1
            epoch_loss += loss
            epoch_n += 1
            curve_sum += loss
            curve_n += 1
            if curve_n == curve_every:
                record["loss_curve"].append((t, curve_sum / curve_n))
                curve_sum = curve_n = 0
            if bar is not None:
                bar.update(1)
                if t % 20 == 0:
                    post = {"loss": "%.4f" % loss}
                    if metric is not None:
                        post[evaluate.name] = "%.4f" % metric
                    bar.set_postfix(post, refresh=False)
        run_nonzero += runner.nonzero
        run_cancelled += runner.cancelled
        record["epoch_cancelled_rate"].append(runner.take_rate())
        record["epoch_seconds"].append(runner.seconds - seconds0)
        record["epoch_train_loss"].append(epoch_loss / max(epoch_n, 1))
        with torch.no_grad():
            metric = evaluate(runner.eval_model())
        record["epoch_metric"].append(metric)
        if bar is not None:
            post = {"loss": "%.4f" % (epoch_loss / max(epoch_n, 1)),
                    evaluate.name: "%.4f" % metric}
            bar.set_postfix(post)
    if bar is not None:
        bar.close()
    record["metric"] = metric
    record["metric_name"] = evaluate.name
    record["train_loss"] = record["epoch_train_loss"][-1]
    record["cancelled_rate"] = (run_cancelled / run_nonzero
                                if run_nonzero else
                                (None if mode == "eager" else 0.0))
    record["ms_per_step"] = 1e3 * runner.seconds / max(runner.steps, 1)
    record["state_bytes"] = runner.state_bytes()
    record["params"] = sum(p.numel() for p in model.parameters())
    return record


def _epochs(recipe, n_batches_per_epoch):
    """(batches in epoch e, e) for the recipe's (possibly fractional) epochs,
    capped by recipe.max_steps."""
    total = int(round(recipe.epochs * n_batches_per_epoch))
    if recipe.eval_every:
        n_batches_per_epoch = recipe.eval_every
    if recipe.max_steps:
        total = min(total, recipe.max_steps)
    out, e = [], 0
    while total > 0:
        n = min(total, n_batches_per_epoch)
        out.append((n, e))
        total -= n
        e += 1
    return out


def classifier_run(model_fn, train, test, mode, seed, recipe, progress=False,
                   desc=None):
    """Trains `model_fn()` on `train` = (images, labels) and reports the test
    accuracy of `test` after every epoch. Returns the run's record (see
    scripts/study.py for the keys)."""
    x, y = train
    tx, ty = test
    if recipe.eval_limit:
        tx, ty = tx[:recipe.eval_limit], ty[:recipe.eval_limit]
    torch.manual_seed(seed)
    model = model_fn()
    bs = recipe.batch_size
    per_epoch = len(x) // bs
    plan = _epochs(recipe, per_epoch)

    def epoch_batches(n, e):
        it = data.batches(len(x), bs, seed, epoch=e)
        for _ in range(n):
            idx = next(it)
            yield x[idx], y[idx]

    def accuracy(m):
        correct = 0
        for i in range(0, len(tx), 1000):
            correct += int((m(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000])
                           .sum())
        return correct / len(tx)
    accuracy.name = "acc"

    example = (x[:bs], y[:bs])
    return _train(model, F.cross_entropy, recipe, mode, seed, example,
                  [(n, epoch_batches(n, e)) for n, e in plan], accuracy,
                  progress, desc or mode)


def char_run(corpus, mode, seed, recipe, seq_len=32, progress=False,
             desc=None, val_windows=256):
    """Trains a CharGRU on `corpus` (bf16_opt.data.char_corpus) and reports
    the validation bits per character after every epoch (an "epoch" is
    len(train) // (seq_len * batch) windows, or recipe.eval_every steps)."""
    torch.manual_seed(seed)
    model = CharGRU(len(corpus.vocab), **recipe.extra)
    bs = recipe.batch_size
    per_epoch = len(corpus.train) // (seq_len * bs)
    plan = _epochs(recipe, per_epoch)

    def epoch_batches(n, e):
        it = data.char_batches(corpus.train, seq_len, bs, seed, epoch=e)
        for _ in range(n):
            yield next(it)

    # A fixed validation set: evenly spaced windows of the held-out text.
    val = corpus.val
    starts = torch.linspace(0, len(val) - seq_len - 2, val_windows).long()
    vx = torch.stack([val[s:s + seq_len] for s in starts])
    vy = torch.stack([val[s + 1:s + 1 + seq_len] for s in starts])

    def bits_per_char(m):
        return float(char_loss(m(vx), vy)) / math.log(2)
    bits_per_char.name = "bpc"

    example = next(iter(epoch_batches(1, 0)))
    return _train(model, char_loss, recipe, mode, seed, example,
                  [(n, epoch_batches(n, e)) for n, e in plan], bits_per_char,
                  progress, desc or mode)
