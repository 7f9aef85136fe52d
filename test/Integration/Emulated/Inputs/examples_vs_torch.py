#!/usr/bin/env python3
"""PyTorch oracle for the FP32 training-step examples (examples-vs-torch.test).

  examples_vs_torch.py check <example> <mlir-runner output>
  examples_vs_torch.py logreg-driver

`check` rebuilds the example's initial weights and batch exactly as the
example's driver does (examples/<example>_train.mlir: the same integer hash,
bit for bit), runs the same steps with torch autograd and torch.optim in FP32
and compares every printed number (the loss of every step; sum of squares,
sum of absolute values and the first three elements of every parameter and
optimizer-state tensor) with the MLIR run. The drivers print each number as
"<%g value> <IEEE bits>"; the bits are used, so printing loses nothing.

Tolerances: the loss of every step and both checksums of every tensor must
match to 1e-4 relative. The head elements must match to 1e-4 relative to
max(|torch value|, RMS of their tensor), so that an element that happens to
be close to zero is not held to a tighter absolute bound than its neighbours.
The MLIR losses must also decrease at every step.

`logreg-driver` prints a driver for logreg_sgd.mlir / logreg_sgd_tosa.mlir
that prints the same quantities in the same format (20 steps).

The model builders (MODELS) are also the reference of the PyTorch-oracle
tests in test/Integration/Oracle (Inputs/oracle.py imports this module):
each takes the dtype of the step (torch.float32, or torch.bfloat16 for the
output of --bf16-train) and returns an Example that also lists the batch
arguments and the scalar hyper-parameters of step t exactly as the step
receives them, so that a driver can be generated from it. With
values=torch.bfloat16 and dtype=torch.float32 the initial values, the batch
and the hyper-parameters are those of the bf16 model but computed in FP32
(the exact step the bf16 runs are measured against).
"""

import math
import sys
from types import SimpleNamespace as Example

import numpy as np
import torch
import torch.nn.functional as F

from bf16_opt.testing import M32, f32_from_bits

torch.set_num_threads(1)
RTOL = 1e-4


def hash_init(n, seed, off, log2_scale):
    """@hash_init of the drivers: ((h >> 22) - off) * 2^-log2_scale."""
    i = np.arange(n, dtype=np.uint64)
    h = (i * 0x9E3779B1 + seed * 0x7F4A7C15) & M32
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    u = (h >> 22).astype(np.int64) - off
    return torch.from_numpy(u.astype(np.float32) * np.float32(2.0 ** -log2_scale))


def f32(x):
    """The value of an f32 constant as a Python float."""
    return float(np.float32(x))


def one_hot_classes(n, fn):
    return torch.tensor([fn(b) for b in range(n)], dtype=torch.long)


def step_scalar(x, dtype):
    """x as a scalar argument of the step holds it: the f32 constant, rounded
    to nearest even again for a bf16 step. The PyTorch optimizer gets this
    value, so both sides train with the same hyper-parameters."""
    return torch.tensor(f32(x)).to(dtype).item()


def on_grid(dtype, values):
    """(tensor cast, hyper-parameter cast): values rounded to nearest even
    into `values` (default: dtype), held in dtype."""
    v = values or dtype
    return (lambda t: t.to(v).to(dtype)), (lambda x: step_scalar(x, v))


def leaves(tensors, cast):
    return [cast(p).clone().requires_grad_(True) for p in tensors]


# Each builder returns an Example with
#   params, opt, loss_fn, state(), steps   the PyTorch side; state() lists
#       (name, tensor) in the order of the step's tied results;
#   inputs       [(name, tensor)] the batch arguments as the step gets them
#                (one-hot labels, i32 token ids);
#   hparams(t)   [(name, value)] the scalar arguments of step t (1-based).


# --------------------------------------------------------------- the models
def mlp(dtype=torch.float32, values=None):
    cast, hp = on_grid(dtype, values)
    W1 = hash_init(784 * 256, 1, 512, 14).reshape(784, 256)
    b1 = hash_init(256, 2, 512, 14)
    W2 = hash_init(256 * 10, 3, 512, 13).reshape(256, 10)
    b2 = hash_init(10, 4, 512, 13)
    x = cast(hash_init(8 * 784, 5, 0, 10).reshape(8, 784))
    labels = one_hot_classes(8, lambda b: (3 * b + 1) % 10)
    params = leaves((W1, b1, W2, b2), cast)
    names = ["W1", "b1", "W2", "b2"]
    lr, mu, wd = (hp(v) for v in (0.05, 0.9, 0.001))
    opt = torch.optim.SGD(params, lr=lr, momentum=mu, weight_decay=wd)

    def loss_fn():
        W1, b1, W2, b2 = params
        z = F.relu(x @ W1 + b1) @ W2 + b2
        return F.cross_entropy(z, labels)

    def state():
        return momentum_state(names, params, opt)
    return Example(params=params, opt=opt, loss_fn=loss_fn, state=state, steps=10,
                   inputs=[("x", x), ("y", F.one_hot(labels, 10).to(dtype))],
                   hparams=lambda t: [("lr", lr), ("mu", mu), ("wd", wd)])


def momentum_state(names, params, opt):
    """Parameters, then their SGD momentum buffers, in the step's order."""
    out = list(zip(names, params))
    out += [("v" + n, opt.state[p]["momentum_buffer"]) for n, p in zip(names, params)]
    return out


def lenet(dtype=torch.float32, values=None):
    cast, hp = on_grid(dtype, values)
    K = hash_init(36, 11, 512, 10).reshape(4, 1, 3, 3)
    cb = hash_init(4, 12, 512, 12)
    W = hash_init(1000, 13, 512, 12).reshape(100, 10)
    fb = hash_init(10, 14, 512, 12)
    xs = hash_init(576, 15, 0, 10).reshape(4, 1, 12, 12)
    # Images 0 and 1 are constant on aligned 4x4 blocks (tied pool maxima).
    x = xs.clone()
    blk = torch.arange(12) // 4 * 4
    x[:2] = xs[:2][:, :, blk][:, :, :, blk]
    x = cast(x)
    labels = one_hot_classes(4, lambda n: (7 * n + 3) % 10)
    params = leaves((K, cb, W, fb), cast)
    names = ["K", "cb", "W", "fb"]
    lr, mu = (hp(v) for v in (0.05, 0.9))
    opt = torch.optim.SGD(params, lr=lr, momentum=mu)

    def loss_fn():
        K, cb, W, fb = params
        a = F.conv2d(x, K, cb)
        p = F.max_pool2d(F.relu(a), 2)
        z = p.flatten(1) @ W + fb
        return F.cross_entropy(z, labels)

    def state():
        return momentum_state(names, params, opt)
    return Example(params=params, opt=opt, loss_fn=loss_fn, state=state, steps=10,
                   inputs=[("x", x), ("y", F.one_hot(labels, 10).to(dtype))],
                   hparams=lambda t: [("lr", lr), ("mu", mu)])


TF_PARAMS = [("emb", [32, 16]), ("pos", [8, 16]), ("ln1_g", [16]), ("ln1_b", [16]),
             ("wq", [16, 16]), ("bq", [16]), ("wk", [16, 16]),
             ("wv", [16, 16]), ("bv", [16]), ("wo", [16, 16]), ("bo", [16]),
             ("ln2_g", [16]), ("ln2_b", [16]), ("w1", [16, 32]), ("b1", [32]),
             ("w2", [32, 16]), ("b2", [16]), ("wc", [16, 4]), ("bc", [4])]


def transformer(dtype=torch.float32, values=None, beta2=0.999):
    cast, hp = on_grid(dtype, values)
    B, S, D, H, DH = 2, 8, 16, 2, 8
    P = {}
    for k, (name, shape) in enumerate(TF_PARAMS):
        if name.endswith("_g"):
            off, sc = -1024, 11
        elif name == "emb":
            off, sc = 512, 10
        elif name in ("pos", "w2"):
            off, sc = 512, 12
        elif len(shape) == 2:
            off, sc = 512, 11
        else:
            off, sc = 512, 13
        P[name] = cast(hash_init(int(np.prod(shape)), 21 + k, off, sc).reshape(shape)) \
            .clone().requires_grad_(True)
    ids = torch.tensor([[(5 * t * t + 3) % 23 for t in range(8 * b, 8 * b + 8)]
                        for b in range(B)], dtype=torch.long)
    labels = one_hot_classes(B, lambda b: (2 * b + 1) % 4)
    params = [P[n] for n, _ in TF_PARAMS]
    # The driver's betas are f32 constants; give PyTorch the same values.
    lr, b1, b2, eps, wd = (hp(v) for v in (0.01, 0.9, beta2, 1e-8, 0.01))
    opt = torch.optim.AdamW(params, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)

    def heads(t):  # (B, S, D) -> (B, H, S, DH)
        return t.view(B, S, H, DH).transpose(1, 2)

    def loss_fn():
        x0 = P["emb"][ids] + P["pos"]
        h1 = F.layer_norm(x0, (D,), P["ln1_g"], P["ln1_b"], 1e-5)
        q = heads(h1 @ P["wq"] + P["bq"])
        k = heads(h1 @ P["wk"])
        v = heads(h1 @ P["wv"] + P["bv"])
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(DH), dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(B, S, D)
        r1 = x0 + ctx @ P["wo"] + P["bo"]
        h2 = F.layer_norm(r1, (D,), P["ln2_g"], P["ln2_b"], 1e-5)
        r2 = r1 + F.gelu(h2 @ P["w1"] + P["b1"], approximate="tanh") @ P["w2"] + P["b2"]
        z = r2.mean(dim=1) @ P["wc"] + P["bc"]
        return F.cross_entropy(z, labels)

    def state():
        out = [(n, P[n]) for n, _ in TF_PARAMS]
        out += [("m_" + n, opt.state[P[n]]["exp_avg"]) for n, _ in TF_PARAMS]
        out += [("v_" + n, opt.state[P[n]]["exp_avg_sq"]) for n, _ in TF_PARAMS]
        return out

    def hparams(t):  # bias corrections 1 - beta^t of step t, as the step gets them
        return [("lr", lr), ("beta1", b1), ("beta2", b2), ("eps", eps), ("wd", wd),
                ("bc1", hp(1 - b1 ** t)), ("bc2", hp(1 - b2 ** t))]
    return Example(params=params, opt=opt, loss_fn=loss_fn, state=state, steps=10,
                   inputs=[("ids", ids.to(torch.int32)),
                           ("y", F.one_hot(labels, 4).to(dtype))],
                   hparams=hparams)


LOGREG_X = [[1.0, 0.5, -0.2, 0.1], [0.9, 0.4, 0.0, -0.1],
            [1.2, -0.1, 0.3, 0.2], [0.8, 0.6, -0.3, 0.0],
            [-1.0, -0.4, 0.2, 0.1], [-0.7, -0.6, 0.1, -0.2],
            [-1.1, 0.2, -0.1, 0.0], [-0.9, -0.3, 0.4, 0.3]]
LOGREG_Y = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


def logreg(dtype=torch.float32, values=None):
    cast, hp = on_grid(dtype, values)
    x = cast(torch.tensor(LOGREG_X, dtype=torch.float32))
    y = cast(torch.tensor(LOGREG_Y, dtype=torch.float32))
    w = torch.zeros(4, dtype=dtype, requires_grad=True)
    b = torch.zeros((), dtype=dtype, requires_grad=True)
    params = [w, b]
    lr = hp(1.0)
    opt = torch.optim.SGD(params, lr=lr)

    def loss_fn():
        if dtype == torch.float32:
            return F.binary_cross_entropy(torch.sigmoid(x @ w + b), y)
        # binary_cross_entropy has no bf16 kernel in torch 1.13; the fused
        # form is the same function with the same gradient (p - y) / N.
        return F.binary_cross_entropy_with_logits(x @ w + b, y)

    def state():
        return [("w", w), ("b", b)]
    return Example(params=params, opt=opt, loss_fn=loss_fn, state=state, steps=20,
                   inputs=[("x", x), ("y", y)], hparams=lambda t: [("lr", lr)])


MODELS = {"mlp_sgd_momentum": mlp, "lenet_sgd_momentum": lenet,
          "transformer_adamw": transformer, "logreg_sgd": logreg}


def logreg_driver():
    """A driver for logreg_sgd.mlir and logreg_sgd_tosa.mlir in the format of
    the other drivers (the bundled logreg_train.mlir prints %g only)."""
    x = ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in LOGREG_X)
    y = ", ".join(repr(v) for v in LOGREG_Y)
    return f"""
func.func private @print_val(%x: f32) {{
  %b = arith.bitcast %x : f32 to i32
  vector.print str " "
  vector.print %x : f32 punctuation <no_punctuation>
  vector.print str " "
  vector.print %b : i32 punctuation <no_punctuation>
  return
}}
func.func @main() {{
  %w0 = arith.constant dense<0.0> : tensor<4xf32>
  %b0 = arith.constant dense<0.0> : tensor<f32>
  %x = arith.constant dense<[{x}]> : tensor<8x4xf32>
  %y = arith.constant dense<[{y}]> : tensor<8xf32>
  %lr = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c20 = arith.constant 20 : index
  %r:2 = scf.for %i = %c0 to %c20 step %c1
      iter_args(%w = %w0, %b = %b0) -> (tensor<4xf32>, tensor<f32>) {{
    %w1, %b1, %loss = func.call @train_step(%w, %b, %x, %y, %lr)
        : (tensor<4xf32>, tensor<f32>, tensor<8x4xf32>, tensor<8xf32>, f32)
        -> (tensor<4xf32>, tensor<f32>, tensor<f32>)
    %l = tensor.extract %loss[] : tensor<f32>
    vector.print str "loss"
    func.call @print_val(%l) : (f32) -> ()
    vector.print punctuation <newline>
    scf.yield %w1, %b1 : tensor<4xf32>, tensor<f32>
  }}
  %w_0 = tensor.extract %r#0[%c0] : tensor<4xf32>
  %w_1 = tensor.extract %r#0[%c1] : tensor<4xf32>
  %w_2 = tensor.extract %r#0[%c2] : tensor<4xf32>
  %w_3 = tensor.extract %r#0[%c3] : tensor<4xf32>
  %bv = tensor.extract %r#1[] : tensor<f32>
  vector.print str "w head"
  func.call @print_val(%w_0) : (f32) -> ()
  func.call @print_val(%w_1) : (f32) -> ()
  func.call @print_val(%w_2) : (f32) -> ()
  func.call @print_val(%w_3) : (f32) -> ()
  vector.print punctuation <newline>
  vector.print str "b head"
  func.call @print_val(%bv) : (f32) -> ()
  vector.print punctuation <newline>
  return
}}
"""


# -------------------------------------------------------------- comparison
def bits_to_f32(tok):
    """The f32 value of a printed i32 token (its signed reading)."""
    return f32_from_bits(int(tok) & M32)


def parse(path):
    """-> (losses, {name: {"sumsq": v, "sumabs": v, "head": [v...]}})."""
    losses, tensors = [], {}
    for line in open(path):
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "loss":
            losses.append(bits_to_f32(tok[2]))
            continue
        entry, key, k = {}, None, 1
        while k < len(tok):
            if tok[k] in ("sumsq", "sumabs", "head"):
                key = tok[k]
                entry[key] = []
                k += 1
            else:
                entry[key].append(bits_to_f32(tok[k + 1]))
                k += 2
        tensors[tok[0]] = entry
    return losses, tensors


def check(example, path):
    ex = MODELS[example]()
    opt, loss_fn, state, steps = ex.opt, ex.loss_fn, ex.state, ex.steps
    ref_losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        ref_losses.append(loss.item())
    losses, tensors = parse(path)
    problems = []
    if len(losses) != steps:
        problems.append(f"expected {steps} losses, MLIR printed {len(losses)}")
    if not all(b < a for a, b in zip(losses, losses[1:])):
        problems.append(f"MLIR loss does not decrease at every step: {losses}")
    err = {"loss": 0.0, "checksum": 0.0, "element": 0.0}
    count = 0

    def compare(kind, what, got, want, scale):
        nonlocal count
        count += 1
        e = abs(got - want) / scale if scale > 0 else abs(got - want)
        err[kind] = max(err[kind], e)
        if not e <= RTOL:
            problems.append(f"{what}: MLIR {got!r} vs torch {want!r} (rel err {e:.3g})")

    for k, (got, want) in enumerate(zip(losses, ref_losses)):
        compare("loss", f"loss of step {k + 1}", got, want, abs(want))
    for name, t in state():
        t = t.detach().double().flatten()
        if name not in tensors:
            problems.append(f"MLIR printed nothing for {name}")
            continue
        got = tensors[name]
        rms = math.sqrt((t * t).mean().item())
        if "sumsq" in got:
            want = (t * t).sum().item()
            compare("checksum", f"{name} sum of squares", got["sumsq"][0], want, abs(want))
            want = t.abs().sum().item()
            compare("checksum", f"{name} sum of |.|", got["sumabs"][0], want, abs(want))
        for i, g in enumerate(got["head"]):
            want = t[i].item()
            compare("element", f"{name}[{i}]", g, want, max(abs(want), rms))
    if problems:
        print(f"{example}: FAIL")
        for p in problems:
            print("  " + p)
        return 1
    print(f"{example}: {steps} losses decreasing, {count} values match PyTorch "
          f"FP32 (tolerance {RTOL:g})")
    print(f"{example}: max rel err: loss {err['loss']:.2e}, checksums "
          f"{err['checksum']:.2e}, elements {err['element']:.2e}")
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "logreg-driver":
        print(logreg_driver())
        return 0
    if len(argv) == 4 and argv[1] == "check" and argv[2] in MODELS:
        return check(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
