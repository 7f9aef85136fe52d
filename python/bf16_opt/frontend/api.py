"""The public API: ``compile_step``, ``export_step`` and ``CompiledStep``."""

import ctypes
import functools
import struct

import numpy as np
import torch

from .. import abi
from . import runtime
from .emit import emit_step
from .errors import UnsupportedError
from .optim import make_spec
from .trace import check_batch, check_model, trace_step

__all__ = ["CompiledStep", "compile_step", "export_step", "PRECISIONS",
           "ROUNDINGS"]

PRECISIONS = ("fp32", "bf16")
ROUNDINGS = ("nearest", "stochastic", "kahan", "split", "master")
FUNC = "train_step"


RNG_STREAMS = ("v2", "v1")


def _train_args(precision, rounding, seed, diagnostics=False, rng_stream="v2"):
    """The ``bf16-opt`` arguments that turn the FP32 step into this mode.
    `rng_stream` selects the random-bit stream of stochastic rounding
    (``rng-stream`` of ``--bf16-train``: v2 = 16 bits per element, the
    default; v1 = 32 bits, the stream of earlier releases)."""
    if precision == "fp32":
        # The FP32 step's updates are counted as they are.
        return ["--bf16-count-cancelled-updates"] if diagnostics else []
    options = {
        "nearest": "rounding=nearest",
        "stochastic": "rounding=stochastic seed=%d rng-stream=%s "
                      "apply-to=all-state" % (seed, rng_stream),
        "kahan": "rounding=kahan apply-to=all-state",
        "split": "rounding=split apply-to=all-state",
        "master": "rounding=nearest master-weights=true",
    }[rounding]
    if diagnostics:
        options += " diagnostics=true"
    return ["--bf16-train=" + options]


def _model_tensors(model):
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    frozen = [(n, p) for n, p in model.named_parameters()
              if not p.requires_grad]
    buffers = frozen + list(model.named_buffers())
    return params, buffers


def _prepare(model, loss_fn, optimizer, example_batch):
    if not isinstance(model, torch.nn.Module):
        raise UnsupportedError("model must be a torch.nn.Module")
    check_model(model)
    check_batch(example_batch)
    params, buffers = _model_tensors(model)
    if not params:
        raise UnsupportedError("the model has no trainable parameters")
    spec = make_spec(optimizer, [p for _, p in params])
    return params, buffers, spec


def _emit(model, loss_fn, spec, params, buffers, batch):
    traced = trace_step(model, loss_fn, spec, params, buffers, tuple(batch))
    text, sig = emit_step(traced.graph, traced.arg_specs, traced.out_specs,
                          FUNC, traced.module)
    return traced, text, sig


def export_step(model, loss_fn, optimizer, example_batch):
    """The FP32 training step as MLIR text (the input of ``--bf16-train``)."""
    params, buffers, spec = _prepare(model, loss_fn, optimizer, example_batch)
    return _emit(model, loss_fn, spec, params, buffers, example_batch)[1]


def compile_step(model, loss_fn, optimizer, example_batch, precision="bf16",
                 rounding="stochastic", seed=0, opt_level=2, target="host",
                 diagnostics=False, process_group=None, rng_stream="v2"):
    """Compiles one training step of `model` (see the module docstring).
    `rng_stream` ("v2", the default, or "v1") is the random-bit stream of
    ``rounding="stochastic"`` (docs/Numerics.md); "v1" reproduces the
    stochastic rounding of earlier releases bit for bit.

    With `process_group` (a ``torch.distributed`` ProcessGroup, or
    ``"world"`` for the default group) the step is data-parallel: it
    returns a :class:`~bf16_opt.frontend.distributed.DistributedStep` that
    all-reduces the gradients over the group (docs/Distributed.md)."""
    if precision not in PRECISIONS:
        raise UnsupportedError("precision=%r (expected one of %s)" % (
            precision, ", ".join(PRECISIONS)))
    if rounding not in ROUNDINGS:
        raise UnsupportedError("rounding=%r (expected one of %s)" % (
            rounding, ", ".join(ROUNDINGS)))
    if not isinstance(seed, int) or isinstance(seed, bool) or \
            not 0 <= seed < 2 ** 63:
        raise UnsupportedError("seed=%r (expected an int in [0, 2^63))"
                               % (seed,))
    if target not in ("host", "avx512bf16", "avx512", "avx2", "emulated"):
        raise UnsupportedError("target=%r" % (target,))
    if not isinstance(diagnostics, bool):
        raise UnsupportedError("diagnostics=%r (expected True or False)"
                               % (diagnostics,))
    if rng_stream not in RNG_STREAMS:
        raise UnsupportedError("rng_stream=%r (expected one of %s)" % (
            rng_stream, ", ".join(RNG_STREAMS)))
    group = None
    if process_group is not None:
        from .distributed import resolve_group
        group = resolve_group(process_group)
    params, buffers, spec = _prepare(model, loss_fn, optimizer, example_batch)
    if group is not None:
        from .distributed import DistributedStep
        return DistributedStep(model, loss_fn, spec, params, buffers,
                               example_batch, precision, rounding, seed,
                               opt_level, target, diagnostics, group,
                               functools.partial(_train_args,
                                                 rng_stream=rng_stream))
    return CompiledStep(model, loss_fn, spec, params, buffers, example_batch,
                        precision, rounding, seed, opt_level, target,
                        diagnostics, rng_stream)


def compile_function(text, train_args, lowering, opt_level, name,
                     what="step"):
    """Compiles function `name` of FP32 `text` (``--bf16-train`` with
    `train_args`, then the lowering) and loads it: (Library, argument
    types, result types). Pipeline failures raise UnsupportedError."""
    try:
        so, trained = runtime.compile_module(text, train_args, lowering,
                                             opt_level)
    except runtime.CompileError as e:
        raise UnsupportedError("compiling the %s failed: %s"
                               % (what, e)) from None
    args, results = runtime.parse_signature(trained, name)
    return runtime.Library(so, name, args, results), args, results


def _bf16_bits(t):
    """float32 tensor -> uint16 numpy array of its bf16 (RNE) bits."""
    return t.detach().to(torch.bfloat16).contiguous().view(torch.int16) \
        .numpy().view(np.uint16)


def initial_array(a, init):
    """The numpy buffer of argument `a` (an ArgType), from the float32
    tensor `init` (rounded to bf16 if `a` is bf16), or zeros."""
    dtype = runtime.NP_DTYPES[a.dtype]
    if init is None:
        return np.zeros(a.shape, dtype)
    t = init.detach()
    if tuple(t.shape) != a.shape:
        raise UnsupportedError("state shape mismatch")
    if a.dtype == "bf16":
        return _bf16_bits(t).reshape(a.shape).copy()
    return t.contiguous().numpy().astype(dtype).reshape(a.shape).copy()


def split_master(value, hi, lo):
    """The exact split of a float32 tensor into its top and low 16 bits."""
    bits = value.detach().contiguous().numpy().view(np.uint32)
    hi[...] = (bits >> 16).astype(np.uint16)
    lo[...] = (bits & 0xFFFF).astype(np.uint16).view(np.int16)


def write_back(d, arr):
    """Copies result descriptor `d` into `arr` unless it is `arr` (an
    in-place update); returns 1 if it copied."""
    if d.aligned == arr.ctypes.data:
        return 0
    ctypes.memmove(arr.ctypes.data, d.aligned + d.offset * arr.itemsize,
                   arr.nbytes)
    return 1


def read_update_stats(d):
    """The (nonzero, cancelled) counts of an update-statistics result."""
    nonzero, cancelled = (ctypes.c_int64 * 2).from_address(
        d.aligned + 8 * d.offset)
    return {"nonzero": int(nonzero), "cancelled": int(cancelled)}


def read_scalar(d, dtype):
    """A 0-d f32 or bf16 result as a Python float."""
    if dtype == "bf16":
        bits = ctypes.c_uint16.from_address(d.aligned + 2 * d.offset).value
        return struct.unpack("<f", struct.pack("<I", bits << 16))[0]
    return float(ctypes.c_float.from_address(d.aligned + 4 * d.offset).value)


def state_as_float32(args, state, i):
    """Argument `i`'s buffer as a float32 tensor: bf16 widened, with its
    low half (split mode) if `args` has one."""
    a = args[i]
    arr = state[i]
    if a.dtype == "bf16":
        hi = arr.astype(np.uint32) << 16
        low = [j for j, x in enumerate(args)
               if x.attrs.get(abi.STATE_ATTR) == abi.STATE_LOW_HALF
               and x.attrs.get(abi.STATE_OF_ATTR) == i]
        if low:
            hi |= state[low[0]].view(np.uint16).astype(np.uint32)
        return torch.from_numpy(hi.view(np.float32).copy())
    return torch.from_numpy(arr.copy())


def call_values(args, descs, batch_args, batch, rng_arg, rng_step):
    """The ctypes argument values of one call: the descriptors `descs`
    (argument index -> descriptor), the `batch` tensors at `batch_args`
    (rounded to bf16 where the argument is bf16) and the rng step. Also
    returns what must stay alive during the call."""
    keep = []
    values = [None] * len(args)
    for i, d in descs.items():
        values[i] = ctypes.addressof(d)
    for i, t in zip(batch_args, batch):
        a = args[i]
        if a.dtype == "bf16":
            arr = _bf16_bits(t)
        else:
            arr = np.ascontiguousarray(t.detach().numpy(),
                                       runtime.NP_DTYPES[a.dtype])
        d = runtime.make_descriptor(a.shape, arr.ctypes.data)
        keep.append((arr, d))
        values[i] = ctypes.addressof(d)
    if rng_arg is not None:
        values[rng_arg] = rng_step
    return values, keep


def copy_state_to(state_dict, model):
    """Writes float32 `state_dict` into `model`'s parameters and buffers."""
    tensors = dict(model.named_parameters())
    tensors.update(model.named_buffers())
    with torch.no_grad():
        for name, value in state_dict.items():
            dst = tensors[name]
            dst.copy_(value.reshape(dst.shape).to(dst.dtype))
    return model


class _Variant:
    """One compiled shape variant: its library and argument layout."""

    def __init__(self, lib, args, results, sig):
        self.lib = lib
        self.args = args
        self.results = results
        self.sig = sig


class StepBase:
    """What every compiled step keeps: the model, its mode, the names of
    its parameters and buffers, the step count and the copy and
    update-statistics counters; ``copy_to`` and ``stats``."""

    def __init__(self, model, loss_fn, spec, params, buffers, precision,
                 rounding, seed, opt_level, target, diagnostics):
        self.model = model
        self.loss_fn = loss_fn
        self.spec = spec
        self.precision = precision
        self.rounding = rounding
        self.seed = seed
        self.opt_level = opt_level
        self.target = target
        self.param_names = [n for n, _ in params]
        self.buffer_names = [n for n, _ in buffers]
        self._params = params
        self._buffers = buffers
        self.diagnostics = diagnostics
        self._stats = {}
        self.lowering = "target=%s emit-c-interface=1" % target
        self.step_count = 0
        self.copies = 0          # result buffers copied back (not in place)

    def state_dict(self):
        raise NotImplementedError

    def stats(self):
        """Update-cancellation counts of the last step: for each parameter
        (named as in ``model.named_parameters()``), ``{"nonzero": n,
        "cancelled": c}``: ``n`` elements had a non-zero update, and of those
        ``c`` kept their stored value (rounding cancelled the update). Needs
        ``compile_step(..., diagnostics=True)``; empty before the first step.
        """
        if not self.diagnostics:
            raise UnsupportedError("stats() needs compile_step(..., "
                                   "diagnostics=True)")
        return {n: dict(c) for n, c in self._stats.items()}

    def copy_to(self, model):
        """Writes the trained parameters and buffers into `model`."""
        return copy_state_to(self.state_dict(), model)


class CompiledStep(StepBase):
    """A compiled training step that owns the model's training state.

    Call it with a batch (inputs then target) to run one step; the loss comes
    back as a Python float. ``copy_to(model)`` writes parameters and buffers
    back as float32. A batch of another shape compiles a second variant
    sharing the same state. Compiled with ``diagnostics=True``, ``stats()``
    returns the update-cancellation counts of the last step.
    """

    def __init__(self, model, loss_fn, spec, params, buffers, example_batch,
                 precision, rounding, seed, opt_level, target,
                 diagnostics=False, rng_stream="v2"):
        super().__init__(model, loss_fn, spec, params, buffers, precision,
                         rounding, seed, opt_level, target, diagnostics)
        self.rng_stream = rng_stream
        self.train_args = _train_args(precision, rounding, seed, diagnostics,
                                      rng_stream)
        self.variants = {}
        self.state = None        # arg index -> numpy buffer (state only)
        self.fp32_text = None
        variant = self._variant(tuple(example_batch))
        self._init_state(variant)

    # -- compilation -----------------------------------------------------------
    def _key(self, batch):
        return tuple((tuple(t.shape), t.dtype) for t in batch)

    def _variant(self, batch):
        key = self._key(batch)
        if key in self.variants:
            return self.variants[key]
        check_batch(batch)
        traced, text, sig = _emit(self.model, self.loss_fn, self.spec,
                                  self._params, self._buffers, batch)
        if self.fp32_text is None:
            self.fp32_text = text
        lib, args, results = compile_function(
            text, self.train_args, self.lowering, self.opt_level, FUNC)
        v = _Variant(lib, args, results, sig)
        if self.variants and not self._same_state_layout(v):
            raise UnsupportedError("a batch of shape %s changes the state "
                                   "layout" % (key,))
        self.variants[key] = v
        return v

    def _same_state_layout(self, v):
        first = next(iter(self.variants.values()))
        return all(first.args[i].text == v.args[i].text
                   for i in self.state)

    # -- state -------------------------------------------------------------------
    def _init_state(self, v):
        """Buffers for every argument that persists across steps."""
        n_orig = len(v.sig.args)
        self.roles = {}
        self.state = {}
        self.batch_args = []
        self.hp_arg = None
        self.rng_arg = None
        self.rng_step = 0
        values = ([p for _, p in self._params] + [b for _, b in self._buffers])
        for i, a in enumerate(v.args):
            if i < n_orig:
                name, role, shape, dtype = v.sig.args[i]
                if name == "hp":
                    self.hp_arg = i
                    continue
                if name.startswith("batch["):
                    self.batch_args.append(i)
                    continue
                self.roles[i] = name
                init = values[i] if i < len(values) else None
                self.state[i] = self._initial(a, init)
            else:
                kind = a.attrs.get(abi.STATE_ATTR)
                if kind == abi.STATE_RNG_STEP:
                    self.rng_arg = i
                    self.rng_step = 0
                    continue
                owner = a.attrs.get(abi.STATE_OF_ATTR)
                self.roles[i] = "%s of %s" % (kind, owner)
                self.state[i] = self._initial(a, None)
                if kind == abi.STATE_LOW_HALF and owner is not None and \
                        owner < len(values):
                    # Exact split of the f32 master: hi = top 16 bits.
                    split_master(values[owner], self.state[owner],
                                 self.state[i])
        self._hp_values = None
        self.hp = np.zeros(v.args[self.hp_arg].shape,
                           runtime.NP_DTYPES[v.args[self.hp_arg].dtype])
        self._descs = {i: runtime.make_descriptor(arr.shape, arr.ctypes.data)
                       for i, arr in self.state.items()}
        self._descs[self.hp_arg] = runtime.make_descriptor(self.hp.shape,
                                                           self.hp.ctypes.data)
        self._owned = {arr.ctypes.data for arr in self.state.values()}
        self._owned.add(self.hp.ctypes.data)

    _initial = staticmethod(initial_array)

    def _encode(self, values, dtype):
        t = torch.tensor(values, dtype=torch.float32)
        if dtype == "bf16":
            return _bf16_bits(t)
        return t.numpy()

    # -- running -----------------------------------------------------------------
    def __call__(self, *batch):
        v = self._variant(tuple(batch))
        self.step_count += 1
        hp = tuple(self.spec.hp(self.step_count))
        if hp != self._hp_values:   # SGD's changes only after step 1
            self.hp[...] = self._encode(hp, v.args[self.hp_arg].dtype)
            self._hp_values = hp
        values, keep = call_values(v.args, self._descs, self.batch_args, batch,
                                   self.rng_arg, self.rng_step)
        res = v.lib.call(values)
        return self._collect(v, res)

    def _collect(self, v, res):
        loss = None
        freed = set()
        for k, r in enumerate(v.results):
            if not r.is_tensor:
                value = getattr(res, "r%d" % k) if v.lib.via_pointer else res
                if r.attrs.get(abi.TIED_TO_ATTR) == self.rng_arg:
                    self.rng_step = value
                continue
            d = getattr(res, "r%d" % k)
            counted = r.attrs.get(abi.UPDATE_STATS_OF_ATTR)
            if counted is not None:
                self._stats[self.roles[counted]] = read_update_stats(d)
                if runtime.free_result(d, self._owned):
                    freed.add(d.allocated)
                continue
            tied = r.attrs.get(abi.TIED_TO_ATTR)
            if tied is None and k < len(v.sig.results):
                tied = v.sig.results[k][1]   # integer state, returned untied
            if tied is None:
                if loss is None:
                    loss = self._read_scalar(d, r.dtype)
            else:
                self.copies += write_back(d, self.state[tied])
            if d.allocated not in freed and runtime.free_result(d, self._owned):
                freed.add(d.allocated)
        return loss

    def state_nbytes(self):
        """Bytes of the state the step keeps between calls: parameters,
        buffers, optimizer state and the state the rounding mode adds
        (compensations, low halves, the 8-byte SR step counter)."""
        n = sum(arr.nbytes for arr in self.state.values())
        return n + (8 if self.rng_arg is not None else 0)

    _read_scalar = staticmethod(read_scalar)

    # -- results -------------------------------------------------------------------
    def _as_float32(self, i):
        v = next(iter(self.variants.values()))
        return state_as_float32(v.args, self.state, i)

    def state_dict(self):
        """Every parameter and buffer, as float32 (integers unchanged)."""
        out = {}
        for i, name in self.roles.items():
            if i < len(self.param_names) + len(self.buffer_names):
                out[name] = self._as_float32(i)
        return out


def traced_ops(model, loss_fn, optimizer, example_batch):
    """The aten overloads in the functionalized trace of the step (names as
    in the registry); what a model needs from ``ops.supported_ops()``."""
    params, buffers, spec = _prepare(model, loss_fn, optimizer, example_batch)
    traced = trace_step(model, loss_fn, spec, params, buffers,
                        tuple(example_batch))
    return {str(n.target) for n in traced.graph.nodes
            if n.op == "call_function" and str(n.target).startswith("aten.")}
