"""The optimizers the frontend compiles, and their numerics in BF16.

Each optimizer is read from the ``torch.optim`` object: structural options
(momentum on or off, nesterov, weight decay on or off) fix the traced
update, numeric hyper-parameters are passed to the compiled step at every
call as one small ``hp`` tensor, computed in float64 in Python from
``optimizer.param_groups[0]`` (so an LR scheduler works) and the step count.

BF16 design (``docs/Frontend.md``, "Optimizer numerics"): a coefficient
close to 1 (``beta2 = 0.999``, ``momentum = 0.9``) loses its meaning in
bf16 (8 significant bits: 0.999 rounds to 1.0), a coefficient close to 0
does not (``1 - beta2 = 0.001`` is stored to 2^-9 relative). So every
moving average is written in *increment form*

    m' = m + (1 - beta) * (x - m)

which equals ``beta*m + (1-beta)*x`` exactly in real arithmetic, needs only
``1 - beta``, and is an add to the state, the form ``--bf16-train`` protects
with stochastic rounding or Kahan/split compensation. Bias corrections,
``lr / (1 - beta1^t)`` and ``1 / sqrt(1 - beta2^t)``, are computed in
float64 and enter as one bf16 scalar each (relative error <= 2^-9).
"""

import math

import torch

from .errors import UnsupportedError

__all__ = ["OptimizerSpec", "make_spec"]


class OptimizerSpec:
    """How one optimizer updates; subclasses define the math."""

    state_names = ()   # per-parameter state tensors, in order
    hp_names = ()

    def __init__(self, optimizer, group):
        self.optimizer = optimizer
        self.group = group

    def hp(self, step_count):
        """The hyper-parameter vector for the `step_count`-th step (1-based)."""
        raise NotImplementedError

    def update(self, p, g, state, hp):
        """Traced: returns (new p, new state tuple)."""
        raise NotImplementedError


def _reject(group, name, ok, what):
    if name in group and not ok(group[name]):
        raise UnsupportedError("optimizer option %s=%r is not supported (%s)"
                               % (name, group[name], what))


class SGD(OptimizerSpec):
    hp_names = ("lr", "weight_decay", "one_minus_momentum", "grad_scale",
                "momentum")

    def __init__(self, optimizer, group):
        super().__init__(optimizer, group)
        _reject(group, "maximize", lambda v: not v, "maximize")
        self.momentum = group["momentum"] != 0
        self.nesterov = bool(group.get("nesterov", False))
        self.decay = group["weight_decay"] != 0
        if self.nesterov and (not self.momentum or group["dampening"] != 0):
            raise UnsupportedError("optimizer option nesterov=True needs a "
                                   "momentum and zero dampening")
        self.state_names = ("momentum_buffer",) if self.momentum else ()

    def hp(self, step_count):
        g = self.optimizer.param_groups[0]
        # torch's first step copies the gradient into the buffer (no
        # dampening); the buffer starts at zero here, so only the gradient's
        # coefficient changes.
        grad_scale = 1.0 if step_count == 1 else 1.0 - g["dampening"]
        return [g["lr"], g["weight_decay"], 1.0 - g["momentum"], grad_scale,
                g["momentum"]]

    def update(self, p, g, state, hp):
        lr, wd, one_minus_mu, grad_scale, mu = (hp[i] for i in range(5))
        d = g + wd * p if self.decay else g
        new_state = ()
        if self.momentum:
            (buf,) = state
            buf = buf + (grad_scale * d - one_minus_mu * buf)
            new_state = (buf,)
            d = d + mu * buf if self.nesterov else buf
        return p - lr * d, new_state


class Adam(OptimizerSpec):
    state_names = ("exp_avg", "exp_avg_sq")
    hp_names = ("step_size", "inv_sqrt_bias_correction2", "eps",
                "one_minus_beta1", "one_minus_beta2", "weight_decay")

    def __init__(self, optimizer, group, decoupled):
        super().__init__(optimizer, group)
        _reject(group, "amsgrad", lambda v: not v, "amsgrad")
        _reject(group, "maximize", lambda v: not v, "maximize")
        _reject(group, "capturable", lambda v: not v, "capturable")
        self.decoupled = decoupled
        self.decay = group["weight_decay"] != 0

    def hp(self, step_count):
        g = self.optimizer.param_groups[0]
        b1, b2 = g["betas"]
        bc1 = 1.0 - b1 ** step_count
        bc2 = 1.0 - b2 ** step_count
        wd = g["lr"] * g["weight_decay"] if self.decoupled \
            else g["weight_decay"]
        return [g["lr"] / bc1, 1.0 / math.sqrt(bc2), g["eps"], 1.0 - b1,
                1.0 - b2, wd]

    def update(self, p, g, state, hp):
        step_size, inv_sqrt_bc2, eps, omb1, omb2, wd = (hp[i] for i in range(6))
        m, v = state
        if self.decay and not self.decoupled:
            g = g + wd * p
        m = m + omb1 * (g - m)
        v = v + omb2 * (g * g - v)
        u = step_size * m / (torch.sqrt(v) * inv_sqrt_bc2 + eps)
        if self.decay and self.decoupled:
            u = u + wd * p   # wd is lr * weight_decay here
        return p - u, (m, v)


def make_spec(optimizer, params):
    """The spec for `optimizer`, checking it trains exactly `params`."""
    if len(optimizer.param_groups) != 1:
        raise UnsupportedError("optimizer with %d param_groups (one is "
                               "supported)" % len(optimizer.param_groups))
    group = optimizer.param_groups[0]
    ids = [id(p) for p in group["params"]]
    want = [id(p) for p in params]
    if sorted(ids) != sorted(want):
        raise UnsupportedError("the optimizer must train exactly the model's "
                               "parameters that require grad")
    if any(optimizer.state.get(p) for p in group["params"]):
        raise UnsupportedError("optimizer already has state (compile the step "
                               "before the first optimizer.step())")
    for name in ("foreach", "differentiable", "fused"):
        _reject(group, name, lambda v: not v, name)
    kind = type(optimizer)
    if kind is torch.optim.SGD:
        return SGD(optimizer, group)
    if kind is torch.optim.Adam:
        return Adam(optimizer, group, decoupled=False)
    if kind is torch.optim.AdamW:
        return Adam(optimizer, group, decoupled=True)
    raise UnsupportedError("optimizer %s is not supported (SGD, Adam, AdamW)"
                           % kind.__name__)
