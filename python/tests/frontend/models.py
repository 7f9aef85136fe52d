"""Small models, losses, optimizers and batches for the frontend tests.

Each CASE builds (model, loss_fn, optimizer factory, batch factory) from a
seed; sizes are tiny so that every case compiles and runs in seconds.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class LeNet(nn.Module):
    """Conv + BatchNorm + max-pool, a strided padded conv, avg-pool."""

    def __init__(self):
        super().__init__()
        # No conv bias before BatchNorm: its exact gradient is zero and the
        # computed one rounding noise, which Adam turns into lr-sized steps.
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 2 * 2, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.avg_pool2d(torch.tanh(self.bn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


class EmbeddingBag(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.out = nn.Linear(8, 4)

    def forward(self, ids):
        return self.out(torch.sigmoid(self.emb(ids).mean(dim=1)))


class AttentionBlock(nn.Module):
    """Pre-LayerNorm single-head attention block with a GELU MLP."""

    def __init__(self, vocab=16, d=8, seq=6, classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(seq, d) * 0.1)
        self.ln1 = nn.LayerNorm(d)
        # The key projection has no bias: softmax is invariant to it, so its
        # exact gradient is zero (rounding noise that Adam would amplify).
        self.qv = nn.Linear(d, 2 * d)
        self.k = nn.Linear(d, d, bias=False)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp1 = nn.Linear(d, 2 * d)
        self.mlp2 = nn.Linear(2 * d, d)
        self.head = nn.Linear(d, classes)
        self.d = d

    def forward(self, ids):
        x = self.emb(ids) + self.pos
        h = self.ln1(x)
        q, v = self.qv(h).split(self.d, dim=-1)
        k = self.k(h)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.d), dim=-1)
        x = x + self.proj(att @ v)
        x = x + self.mlp2(F.gelu(self.mlp1(self.ln2(x))))
        return self.head(x.mean(dim=1))


class CharGRU(nn.Module):
    """A GRU cell unrolled over the sequence, predicting the next char."""

    def __init__(self, vocab=12, hidden=10):
        super().__init__()
        self.emb = nn.Embedding(vocab, 6)
        self.cell = nn.GRUCell(6, hidden)
        self.out = nn.Linear(hidden, vocab)
        self.hidden = hidden

    def forward(self, ids):
        h = ids.new_zeros((ids.shape[0], self.hidden),
                          dtype=self.out.weight.dtype)
        e = self.emb(ids)
        for t in range(ids.shape[1]):
            h = self.cell(e[:, t], h)
        return torch.log_softmax(self.out(h), dim=-1)


class Regression(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10)
        self.fc2 = nn.Linear(10, 1)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x))).squeeze(-1)


def _cls_batch(n, shape, classes):
    def make(g):
        return (torch.randn((n,) + shape, generator=g),
                torch.randint(0, classes, (n,), generator=g))
    return make


def _ids_batch(n, seq, vocab, classes):
    def make(g):
        return (torch.randint(0, vocab, (n, seq), generator=g),
                torch.randint(0, classes, (n,), generator=g))
    return make


def _regression_batch(n):
    w = torch.linspace(-1, 1, 6)

    def make(g):
        x = torch.randn(n, 6, generator=g)
        return x, torch.sin(x @ w)
    return make


def _binary_batch(n):
    def make(g):
        x = torch.randn(n, 6, generator=g)
        return x, (x[:, 0] + x[:, 1] > 0).float()
    return make


# name: (model class, loss, optimizer factory, batch factory, learns-by-steps)
CASES = {
    "mlp": (MLP, F.cross_entropy,
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9,
                                      weight_decay=1e-4, nesterov=True),
            _cls_batch(8, (12,), 5)),
    "lenet": (LeNet, F.cross_entropy,
              lambda p: torch.optim.Adam(p, lr=1e-2),
              _cls_batch(6, (1, 16, 16), 5)),
    "embedding": (EmbeddingBag, F.cross_entropy,
                  lambda p: torch.optim.AdamW(p, lr=5e-2),
                  _ids_batch(8, 5, 20, 4)),
    "attention": (AttentionBlock, F.cross_entropy,
                  lambda p: torch.optim.AdamW(p, lr=1e-2),
                  _ids_batch(4, 6, 16, 3)),
    "gru": (CharGRU, F.nll_loss,
            lambda p: torch.optim.Adam(p, lr=1e-2),
            _ids_batch(6, 5, 12, 12)),
    "regression": (Regression, F.mse_loss,
                   lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5,
                                             dampening=0.1),
                   _regression_batch(16)),
    "bce": (Regression, F.binary_cross_entropy_with_logits,
            lambda p: torch.optim.SGD(p, lr=0.1),
            _binary_batch(16)),
}


def make_case(name, seed=0):
    cls, loss_fn, opt, batch = CASES[name]
    torch.manual_seed(seed)
    model = cls()
    model.train()
    return model, loss_fn, opt, batch


# The data-parallel tests (test_distributed.py, test/python/Inputs/
# dp_check.py): the same models in both, so they share compiled steps.
def dp_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))


def dp_bn_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(32, 64), nn.BatchNorm1d(64), nn.ReLU(),
                         nn.Linear(64, 10))


def dp_sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


DP_MODES = [("fp32", "nearest")] + [("bf16", r) for r in
                                    ("nearest", "stochastic", "kahan",
                                     "split", "master")]
