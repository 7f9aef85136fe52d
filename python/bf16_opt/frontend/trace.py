"""Tracing one functional training step into an FX graph of aten ops.

The step is ``functional_call`` of the model, the loss, ``torch.autograd.grad``
and the optimizer's update (:mod:`bf16_opt.frontend.optim`), traced by
functorch's ``make_fx`` with Python stack traces recorded, then traced again
under ``functionalize`` so no in-place op remains (the running statistics
that ``native_batch_norm`` updates are handled by its registry entry).
"""

import contextlib

import torch
import torch.fx.traceback as fx_traceback
from functorch import functionalize, make_fx
from torch.fx.experimental.proxy_tensor import PythonKeyTracer
from torch.nn.utils.stateless import functional_call

from .. import abi
from .errors import UnsupportedError

__all__ = ["TracedStep", "trace_grad_step", "trace_step", "trace_update_step"]


class TracedStep:
    """The traced graph and what each of its inputs and outputs is."""

    def __init__(self, module, arg_specs, out_specs, param_names,
                 buffer_names, state_names, n_batch):
        self.module = module        # the functionalized GraphModule
        self.graph = module.graph
        self.arg_specs = arg_specs
        self.out_specs = out_specs
        self.param_names = param_names
        self.buffer_names = buffer_names
        self.state_names = state_names
        self.n_batch = n_batch


@contextlib.contextmanager
def _record_stack_traces():
    old = PythonKeyTracer.record_stack_traces
    PythonKeyTracer.record_stack_traces = True
    try:
        yield
    finally:
        PythonKeyTracer.record_stack_traces = old


def check_model(model):
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        if t.is_floating_point() and t.dtype != torch.float32:
            raise UnsupportedError("%s is %s; only float32 models are "
                                   "supported" % (name, t.dtype))
        if t.device.type != "cpu":
            raise UnsupportedError("%s is on %s; only CPU tensors are "
                                   "supported" % (name, t.device))
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.RNNBase):
            raise UnsupportedError(
                "%s: %s modules keep flat copies of their weights that "
                "functional_call cannot replace in torch 1.13; unroll "
                "nn.LSTMCell / nn.GRUCell instead" % (name, type(m).__name__))
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and \
                m.track_running_stats and m.momentum is None:
            raise UnsupportedError(
                "%s: BatchNorm momentum=None (cumulative average) is not "
                "supported" % (name or type(m).__name__))


def check_batch(batch):
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise UnsupportedError("the batch must be a tuple of tensors, inputs "
                               "first and the target last")
    for i, t in enumerate(batch):
        if not isinstance(t, torch.Tensor):
            raise UnsupportedError("batch element %d is a %s, not a tensor"
                                   % (i, type(t).__name__))
        if t.is_floating_point() and t.dtype != torch.float32:
            raise UnsupportedError("batch element %d is %s; float inputs must "
                                   "be float32" % (i, t.dtype))
        if t.dtype not in (torch.float32, torch.int64, torch.int32,
                           torch.bool):
            raise UnsupportedError("batch element %d has dtype %s" % (i, t.dtype))


def _loss_and_grads(model, loss_fn, pnames, bnames, ps, bs, xs):
    """Traced: the loss of the batch `xs` (target last) and its gradient
    with respect to each of `ps`."""
    tensors = dict(zip(pnames, ps))
    tensors.update(zip(bnames, bs))
    with torch.enable_grad():
        out = functional_call(model, tensors, tuple(xs[:-1]))
        loss = loss_fn(out, xs[-1])
        if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
            raise UnsupportedError("the loss must be a 0-d tensor")
        grads = torch.autograd.grad(loss, ps, allow_unused=True)
    for i, g in enumerate(grads):
        if g is None:
            raise UnsupportedError("parameter %s does not affect the loss"
                                   % pnames[i])
    return loss, grads


def _functional_trace(fn, example):
    """make_fx of `fn` with stack traces, then again under functionalize."""

    def clones():
        return [t.clone() for t in example]

    try:
        with _record_stack_traces():
            g1 = make_fx(fn)(*clones())
        with fx_traceback.override_stack_trace():
            # An Interpreter (not the generated forward) re-runs g1, so each
            # node's stack trace reaches the node it becomes in g2.
            interp = torch.fx.Interpreter(g1)
            g2 = make_fx(functionalize(
                lambda *a: interp.run(*a)))(*clones())
    except UnsupportedError:
        raise
    except Exception as e:  # torch raises many kinds; report, do not crash
        raise UnsupportedError("tracing the training step failed: %s: %s"
                               % (type(e).__name__, e)) from e
    return g2


def trace_step(model, loss_fn, spec, params, buffers, batch):
    """Traces the step for `batch`'s shapes. `params`/`buffers` are lists of
    (name, tensor); `spec` an OptimizerSpec."""
    pnames = [n for n, _ in params]
    bnames = [n for n, _ in buffers]
    snames = list(spec.state_names)
    n_p, n_b, n_s, n_x = len(params), len(buffers), len(snames), len(batch)

    def step(*flat):
        ps = [p.detach().requires_grad_(True) for p in flat[:n_p]]
        bs = list(flat[n_p:n_p + n_b])
        st = flat[n_p + n_b:n_p + n_b + n_s * n_p]
        xs = flat[n_p + n_b + n_s * n_p:-1]
        hp = flat[-1]
        loss, grads = _loss_and_grads(model, loss_fn, pnames, bnames, ps,
                                      bs, xs)
        new_p, new_s = [], [[] for _ in snames]
        for i, (p, g) in enumerate(zip(ps, grads)):
            state = [st[k * n_p + i] for k in range(n_s)]
            np_, ns = spec.update(p.detach(), g, state, hp)
            new_p.append(np_)
            for k in range(n_s):
                new_s[k].append(ns[k])
        flat_s = [t for per in new_s for t in per]
        return [loss.detach()] + new_p + bs + flat_s

    example = ([p.detach().clone() for _, p in params] +
               [b.detach().clone() for _, b in buffers] +
               [torch.zeros_like(p) for _ in snames for _, p in params] +
               list(batch) + [torch.tensor(spec.hp(1), dtype=torch.float32)])

    g2 = _functional_trace(step, example)

    arg_specs = ([(n, abi.ROLE_PARAM) for n in pnames] +
                 [(n, abi.ROLE_OPTIMIZER_STATE) for n in bnames] +
                 [("%s.%s" % (pn, sn), abi.ROLE_OPTIMIZER_STATE)
                  for sn in snames for pn in pnames] +
                 [("batch[%d]" % i, abi.ROLE_INPUT) for i in range(n_x)] +
                 [("hp", abi.ROLE_INPUT)])
    out_specs = ([("loss", "loss")] +
                 [(n, "state:%d" % i) for i, n in enumerate(pnames)] +
                 [(n, "state:%d" % (n_p + i)) for i, n in enumerate(bnames)] +
                 [("%s.%s" % (pn, sn), "state:%d" % (n_p + n_b + k * n_p + i))
                  for k, sn in enumerate(snames)
                  for i, pn in enumerate(pnames)])
    return TracedStep(g2, arg_specs, out_specs, pnames, bnames, snames,
                      n_x)


def trace_grad_step(model, loss_fn, params, buffers, batch):
    """The gradient half of a data-parallel step (``distributed.py``):
    arguments params, buffers, batch (the same indices as in
    :func:`trace_step`, so buffer updates draw the same random streams);
    results the loss, one gradient per parameter (untied) and the new
    buffers (tied)."""
    pnames = [n for n, _ in params]
    bnames = [n for n, _ in buffers]
    n_p, n_b, n_x = len(params), len(buffers), len(batch)

    def step(*flat):
        ps = [p.detach().requires_grad_(True) for p in flat[:n_p]]
        bs = list(flat[n_p:n_p + n_b])
        xs = flat[n_p + n_b:]
        loss, grads = _loss_and_grads(model, loss_fn, pnames, bnames, ps,
                                      bs, xs)
        return [loss.detach()] + list(grads) + bs

    example = ([p.detach().clone() for _, p in params] +
               [b.detach().clone() for _, b in buffers] + list(batch))
    g2 = _functional_trace(step, example)
    arg_specs = ([(n, abi.ROLE_PARAM) for n in pnames] +
                 [(n, abi.ROLE_OPTIMIZER_STATE) for n in bnames] +
                 [("batch[%d]" % i, abi.ROLE_INPUT) for i in range(n_x)])
    out_specs = ([("loss", "loss")] +
                 [("grad.%s" % n, "grad") for n in pnames] +
                 [(n, "state:%d" % (n_p + i)) for i, n in enumerate(bnames)])
    return TracedStep(g2, arg_specs, out_specs, pnames, bnames, (), n_x)


def trace_update_step(spec, params, buffers):
    """The update half of a data-parallel step: arguments params, buffers
    (unused; kept so every tensor has the argument index, hence the random
    stream, it has in :func:`trace_step`), optimizer state, one gradient
    per parameter, hp; results the new params and state (tied)."""
    pnames = [n for n, _ in params]
    bnames = [n for n, _ in buffers]
    snames = list(spec.state_names)
    n_p, n_b, n_s = len(params), len(buffers), len(snames)

    def step(*flat):
        ps = flat[:n_p]
        st = flat[n_p + n_b:n_p + n_b + n_s * n_p]
        gs = flat[n_p + n_b + n_s * n_p:-1]
        hp = flat[-1]
        new_p, new_s = [], [[] for _ in snames]
        for i, (p, g) in enumerate(zip(ps, gs)):
            state = [st[k * n_p + i] for k in range(n_s)]
            np_, ns = spec.update(p, g, state, hp)
            new_p.append(np_)
            for k in range(n_s):
                new_s[k].append(ns[k])
        return new_p + [t for per in new_s for t in per]

    example = ([p.detach().clone() for _, p in params] +
               [b.detach().clone() for _, b in buffers] +
               [torch.zeros_like(p) for _ in snames for _, p in params] +
               [torch.zeros_like(p) for _, p in params] +
               [torch.tensor(spec.hp(1), dtype=torch.float32)])
    g2 = _functional_trace(step, example)
    arg_specs = ([(n, abi.ROLE_PARAM) for n in pnames] +
                 [(n, abi.ROLE_INPUT) for n in bnames] +
                 [("%s.%s" % (pn, sn), abi.ROLE_OPTIMIZER_STATE)
                  for sn in snames for pn in pnames] +
                 [("grad.%s" % n, abi.ROLE_INPUT) for n in pnames] +
                 [("hp", abi.ROLE_INPUT)])
    out_specs = ([(n, "state:%d" % i) for i, n in enumerate(pnames)] +
                 [("%s.%s" % (pn, sn), "state:%d" % (n_p + n_b + k * n_p + i))
                  for k, sn in enumerate(snames)
                  for i, pn in enumerate(pnames)])
    return TracedStep(g2, arg_specs, out_specs, pnames, bnames, snames, 0)
