"""Data-parallel training steps on ``torch.distributed`` (``docs/Distributed.md``).

``compile_step(..., process_group=pg)`` returns a :class:`DistributedStep`.
Each rank runs the same two compiled functions around one collective:

1. the **gradient function** (forward + backward on the rank's batch): the
   loss, one gradient per parameter, the new buffers;
2. ``all_reduce(SUM)`` of the gradients and the loss through
   ``torch.distributed`` (gloo), in **float32**: BF16 gradients are widened
   exactly (``bits << 16``), summed, multiplied by ``1/world_size`` and
   rounded to BF16 (round-to-nearest-even) once, on every rank alike;
3. the **update function** (the optimizer and the protected rounding
   update of ``--bf16-train``), which owns the parameters and optimizer
   state.

Every rank compiles the same IR with the same options: the update function
keeps the argument indices of the single-process step, so its random
streams are keyed by (seed, tensor, step, element index) exactly as there,
never by the rank; with identical all-reduced gradients the replicas stay
bit-identical without broadcasting weights. Changed buffers (BatchNorm
running statistics) are broadcast from the group's rank 0 after each step,
as ``DistributedDataParallel(broadcast_buffers=True)`` does.
"""

import ctypes
import hashlib
import re

import numpy as np
import torch

from .. import abi
from . import api, runtime
from .emit import emit_step
from .errors import UnsupportedError
from .trace import check_batch, trace_grad_step, trace_update_step

__all__ = ["DistributedStep", "resolve_group", "WORLD"]

# The shorthand for the default process group.
WORLD = "world"
GRAD_FUNC = "grad_step"
UPDATE_FUNC = "update_step"
_BACKENDS = ("gloo", "mpi")   # CPU collectives that reduce float32


def resolve_group(process_group):
    """The ProcessGroup `process_group` names: a ``ProcessGroup``, or
    ``"world"`` (also ``torch.distributed.group.WORLD``) for the default
    group. Raises UnsupportedError for anything else."""
    try:
        import torch.distributed as dist
    except ImportError:   # pragma: no cover - Debian's torch has it
        dist = None
    if dist is None or not dist.is_available():
        raise UnsupportedError("process_group needs torch.distributed, which "
                               "this torch build lacks")
    if isinstance(process_group, str):
        if process_group != WORLD:
            raise UnsupportedError("process_group=%r (expected a torch."
                                   "distributed ProcessGroup or %r)"
                                   % (process_group, WORLD))
        if not dist.is_initialized():
            raise UnsupportedError(
                "process_group=%r: torch.distributed is not initialized "
                "(call torch.distributed.init_process_group('gloo') first)"
                % WORLD)
        process_group = dist.group.WORLD
    if process_group is dist.GroupMember.NON_GROUP_MEMBER:
        raise UnsupportedError("process_group: this rank is not a member of "
                               "the group")
    if not isinstance(process_group, dist.ProcessGroup):
        raise UnsupportedError("process_group=%r (expected a torch."
                               "distributed ProcessGroup or %r)"
                               % (process_group, WORLD))
    try:
        backend = dist.get_backend(process_group)
    except Exception as e:   # not registered with the default group
        raise UnsupportedError("process_group: %s" % e) from None
    if backend not in _BACKENDS:
        raise UnsupportedError("process_group uses the %s backend; the "
                               "compiled step runs on CPU tensors and needs "
                               "gloo (or mpi)" % backend)
    return process_group


class _Function:
    """One compiled function: its library, signature and result layout."""

    def __init__(self, text, sig, train_args, lowering, opt_level, name):
        self.lib, self.args, self.results = api.compile_function(
            text, train_args, lowering, opt_level, name, name)
        self.sig = sig
        self.text = text
        self.train_args = train_args


def _rng_result(f, res, rng_arg, old):
    """The rng step `f` returned (tied to `rng_arg`), else `old`."""
    for k, r in enumerate(f.results):
        if not r.is_tensor and r.attrs.get(abi.TIED_TO_ATTR) == rng_arg:
            return getattr(res, "r%d" % k) if f.lib.via_pointer else res
    return old


def _tied_float_state(sig):
    return any(tied is not None and dtype == "f32"
               for _, tied, _, dtype in sig.results)


def _state_signature(f, n_orig):
    """Comparable description of a function's persistent arguments."""
    return [a.text for a in f.args[:n_orig]] + \
        [a.text for a in f.args[len(f.sig.args):]]


class DistributedStep(api.StepBase):
    """A data-parallel compiled step (one per rank); the same interface as
    :class:`~bf16_opt.frontend.CompiledStep`. A call runs one step on this
    rank's batch and returns the loss averaged over the group (the same
    float on every rank)."""

    def __init__(self, model, loss_fn, spec, params, buffers, example_batch,
                 precision, rounding, seed, opt_level, target, diagnostics,
                 process_group, train_args_fn):
        import torch.distributed as dist
        self._dist = dist
        self.group = process_group
        self.world_size = dist.get_world_size(process_group)
        self.rank = dist.get_rank(process_group)
        self._src = dist.get_global_rank(process_group, 0) \
            if process_group is not dist.group.WORLD else 0
        super().__init__(model, loss_fn, spec, params, buffers, precision,
                         rounding, seed, opt_level, target, diagnostics)
        self._train_args_fn = train_args_fn
        self.grad_variants = {}
        n_p, n_b = len(params), len(buffers)
        self._n_p, self._n_b = n_p, n_b

        upd = trace_update_step(spec, params, buffers)
        text, sig = emit_step(upd.graph, upd.arg_specs, upd.out_specs,
                              UPDATE_FUNC, upd.module)
        self.update_fn = _Function(
            text, sig, train_args_fn(precision, rounding, seed, diagnostics),
            self.lowering, opt_level, UPDATE_FUNC)
        first = self._grad_variant(tuple(example_batch))
        self._init_state(first)
        self._check_replicas(example_batch)

    # -- compilation -----------------------------------------------------------
    def _grad_variant(self, batch):
        key = tuple((tuple(t.shape), t.dtype) for t in batch)
        if key in self.grad_variants:
            return self.grad_variants[key]
        check_batch(batch)
        tr = trace_grad_step(self.model, self.loss_fn, self._params,
                             self._buffers, batch)
        text, sig = emit_step(tr.graph, tr.arg_specs, tr.out_specs,
                              GRAD_FUNC, tr.module)
        if self.precision == "fp32" or _tied_float_state(sig):
            args = self._train_args_fn(self.precision, self.rounding,
                                       self.seed)
        else:
            # No buffer changes: the mode only rounds updates, and the
            # gradient function has none; --bf16-train then only demotes
            # (and rejects a protected mode for want of an update).
            args = self._train_args_fn(self.precision, "nearest", self.seed)
        f = _Function(text, sig, args, self.lowering, self.opt_level,
                      GRAD_FUNC)
        if self.grad_variants:
            firstf = next(iter(self.grad_variants.values()))
            n = self._n_p + self._n_b
            if _state_signature(f, n) != _state_signature(firstf, n):
                raise UnsupportedError("a batch of shape %s changes the state "
                                       "layout" % (key,))
        self.grad_variants[key] = f
        return f

    # -- state -------------------------------------------------------------------
    def _added_state(self, f, values, state, roles, owner_names):
        """Compensations, low halves and the rng step of `f` (arguments
        after its original signature)."""
        rng = None
        for i in range(len(f.sig.args), len(f.args)):
            a = f.args[i]
            kind = a.attrs.get(abi.STATE_ATTR)
            if kind == abi.STATE_RNG_STEP:
                rng = i
                continue
            owner = a.attrs.get(abi.STATE_OF_ATTR)
            roles[i] = "%s of %s" % (kind, owner_names.get(owner, owner))
            state[i] = np.zeros(a.shape, runtime.NP_DTYPES[a.dtype])
            if kind == abi.STATE_LOW_HALF and owner is not None and \
                    owner < len(values):
                api.split_master(values[owner], state[owner], state[i])
        return rng

    def _init_state(self, g):
        n_p, n_b = self._n_p, self._n_b
        u = self.update_fn
        pvals = [p for _, p in self._params]
        bvals = [b for _, b in self._buffers]
        names = {i: n for i, n in enumerate(self.param_names + self.buffer_names)}
        # Update function: parameters and optimizer state (it owns them).
        self.ustate, self.uroles = {}, {}
        self.ugrad_args, self.ubuffer_args = [], []
        self.hp_arg = None
        for i in range(len(u.sig.args)):
            name, role, shape, dtype = u.sig.args[i]
            a = u.args[i]
            if name == "hp":
                self.hp_arg = i
            elif name.startswith("grad."):
                self.ugrad_args.append(i)
            elif n_p <= i < n_p + n_b:
                self.ubuffer_args.append(i)
            else:
                self.uroles[i] = name
                self.ustate[i] = api.initial_array(
                    a, pvals[i] if i < n_p else None)
        self.urng_arg = self._added_state(u, pvals, self.ustate, self.uroles,
                                          names)
        self.urng_step = 0
        # Gradient function: buffers (it owns them).
        self.gstate, self.groles = {}, {}
        for j in range(n_b):
            i = n_p + j
            self.groles[i] = self.buffer_names[j]
            self.gstate[i] = api.initial_array(g.args[i], bvals[j])
        self.grng_arg = self._added_state(g, pvals + bvals, self.gstate,
                                          self.groles, names)
        self.grng_step = 0
        # The wire: one float32 vector, every gradient then the loss.
        self.gsizes = [int(np.prod(g.args[i].shape, dtype=np.int64))
                       for i in range(n_p)]
        self.goffsets = np.concatenate([[0], np.cumsum(self.gsizes)]).astype(
            np.int64)
        total = int(self.goffsets[-1])
        self.wire = torch.zeros(total + 1, dtype=torch.float32)
        self._wire_np = self.wire.numpy()
        gdtype = u.args[self.ugrad_args[0]].dtype
        self.ugrads = np.zeros(total, runtime.NP_DTYPES[gdtype])
        self._ugrads_t = torch.from_numpy(
            self.ugrads.view(np.int16)).view(torch.bfloat16) \
            if gdtype == "bf16" else torch.from_numpy(self.ugrads)
        # Parameters as the gradient function reads them: the update
        # function's own buffers, or (master weights) a bf16 copy.
        self._param_copy = None
        pd = [g.args[i].dtype for i in range(n_p)]
        if any(pd[i] != u.args[i].dtype for i in range(n_p)):
            self._param_copy = {i: np.zeros(g.args[i].shape,
                                            runtime.NP_DTYPES[pd[i]])
                                for i in range(n_p)}
        self.hp = np.zeros(u.args[self.hp_arg].shape,
                           runtime.NP_DTYPES[u.args[self.hp_arg].dtype])
        self._hp_values = None
        mk = runtime.make_descriptor
        self._udescs = {i: mk(arr.shape, arr.ctypes.data)
                        for i, arr in self.ustate.items()}
        self._udescs[self.hp_arg] = mk(self.hp.shape, self.hp.ctypes.data)
        for k, i in enumerate(self.ugrad_args):
            off = int(self.goffsets[k])
            self._udescs[i] = mk(u.args[i].shape,
                                 self.ugrads[off:].ctypes.data)
        self._unused = [np.zeros(u.args[i].shape,
                                 runtime.NP_DTYPES[u.args[i].dtype])
                        for i in self.ubuffer_args]
        for i, arr in zip(self.ubuffer_args, self._unused):
            self._udescs[i] = mk(arr.shape, arr.ctypes.data)
        self._gdescs = {i: mk(arr.shape, arr.ctypes.data)
                        for i, arr in self.gstate.items()}
        for i in range(n_p):
            arr = self._param_copy[i] if self._param_copy else self.ustate[i]
            self._gdescs[i] = mk(arr.shape, arr.ctypes.data)
        self._owned = {arr.ctypes.data for arr in self.ustate.values()}
        self._owned |= {arr.ctypes.data for arr in self.gstate.values()}
        self._owned.add(self.hp.ctypes.data)
        self._owned |= {arr.ctypes.data
                        for arr in (self._param_copy or {}).values()}
        # Buffers that change are broadcast from rank 0 after each step
        # (with their compensations or low halves).
        changed = any(t is not None for _, t, _, _ in g.sig.results)
        self._bcast = sorted(self.gstate) if changed else []

    def _check_replicas(self, example_batch):
        """Every rank must start from the same state and compile the same
        step; one all_gather of a digest checks it before any step runs."""
        h = hashlib.sha256()
        for text in (self.update_fn.text,
                     next(iter(self.grad_variants.values())).text):
            # Source locations may differ between machines; code may not.
            h.update(re.sub(r" loc\(.*\)$", "", text, flags=re.M).encode())
        h.update(repr((self.update_fn.train_args, self.lowering,
                       self.opt_level, self.spec.hp(1))).encode())
        for d in (self.ustate, self.gstate):
            for i in sorted(d):
                h.update(d[i].tobytes())
        mine = torch.tensor([int.from_bytes(h.digest()[:8], "little",
                                            signed=True)], dtype=torch.int64)
        every = [torch.zeros_like(mine) for _ in range(self.world_size)]
        self._dist.all_gather(every, mine, group=self.group)
        bad = [r for r, t in enumerate(every) if not torch.equal(t, every[0])]
        if bad:
            raise UnsupportedError(
                "the replicas differ: rank(s) %s of the process group have "
                "other initial weights, buffers, optimizer settings, rounding "
                "mode, seed or example batch shape than rank 0 (seed the "
                "model identically on every rank)" % bad)

    # -- running -----------------------------------------------------------------
    def __call__(self, *batch):
        g = self._grad_variant(tuple(batch))
        u = self.update_fn
        n_p = self._n_p
        self.step_count += 1
        if self._param_copy:
            for i, arr in self._param_copy.items():
                arr[...] = api._bf16_bits(torch.from_numpy(self.ustate[i]))
        # 1. gradient function on this rank's batch.
        first = n_p + self._n_b
        values, keep = api.call_values(
            g.args, self._gdescs, range(first, first + len(batch)), batch,
            self.grng_arg, self.grng_step)
        res = g.lib.call(values)
        # A gradient may be an argument's buffer (d(w*x)/dw is x): never
        # free what the caller passed.
        self._collect_grads(g, res, self._owned | {
            arr.ctypes.data for arr, _ in keep})
        # 2. the all-reduce: float32 sum, then 1/world_size.
        self._average()
        self._ugrads_t.copy_(self.wire[:-1])   # RNE to bf16 (or f32 copy)
        loss = float(self.wire[-1])
        # 3. update function.
        hp = tuple(self.spec.hp(self.step_count))
        if hp != self._hp_values:
            t = torch.tensor(hp, dtype=torch.float32)
            self.hp[...] = api._bf16_bits(t) \
                if u.args[self.hp_arg].dtype == "bf16" else t.numpy()
            self._hp_values = hp
        values, _ = api.call_values(u.args, self._udescs, (), (),
                                    self.urng_arg, self.urng_step)
        res = u.lib.call(values)
        self._collect_update(u, res)
        # 4. buffers: rank 0's, as DistributedDataParallel does.
        if self._bcast and self.world_size > 1:
            self._broadcast_buffers()
        return loss

    def _average(self):
        """The wire (this rank's gradients and loss) becomes the group's
        mean: a float32 SUM all-reduce, then one multiplication by
        1/world_size (exact when the world size is a power of two). Every
        rank receives the same sum (gloo reduces each element once and
        sends the result to every rank), so every rank computes the same
        bits."""
        self._dist.all_reduce(self.wire, op=self._dist.ReduceOp.SUM,
                              group=self.group)
        if self.world_size > 1:
            self.wire.mul_(1.0 / self.world_size)

    def _collect_grads(self, g, res, owned):
        wire = self._wire_np
        owned = set(owned)   # grows with what is freed: results may alias
        self.grng_step = _rng_result(g, res, self.grng_arg, self.grng_step)
        for k, r in enumerate(g.results):
            if not r.is_tensor:
                continue
            d = getattr(res, "r%d" % k)
            name, tied = (g.sig.results[k][:2] if k < len(g.sig.results)
                          else (None, None))
            tied = r.attrs.get(abi.TIED_TO_ATTR, tied)
            if tied is not None:
                self.copies += api.write_back(d, self.gstate[tied])
            elif name == "loss":
                wire[-1] = api.read_scalar(d, r.dtype)
            else:
                j = self.param_names.index(name[len("grad."):])
                off, n = int(self.goffsets[j]), self.gsizes[j]
                if r.dtype == "bf16":
                    src = np.ctypeslib.as_array(
                        (ctypes.c_uint16 * n).from_address(
                            d.aligned + 2 * d.offset))
                    seg = wire[off:off + n].view(np.uint32)
                    seg[...] = src      # widen exactly: bits << 16,
                    seg <<= 16          # in place (no temporaries)
                else:
                    wire[off:off + n] = np.ctypeslib.as_array(
                        (ctypes.c_float * n).from_address(
                            d.aligned + 4 * d.offset))
            if runtime.free_result(d, owned):
                owned.add(d.allocated)

    def _collect_update(self, u, res):
        owned = set(self._owned)
        self.urng_step = _rng_result(u, res, self.urng_arg, self.urng_step)
        for k, r in enumerate(u.results):
            if not r.is_tensor:
                continue
            d = getattr(res, "r%d" % k)
            counted = r.attrs.get(abi.UPDATE_STATS_OF_ATTR)
            tied = r.attrs.get(abi.TIED_TO_ATTR)
            if counted is not None:
                self._stats[self.uroles[counted]] = api.read_update_stats(d)
            elif tied is not None:
                self.copies += api.write_back(d, self.ustate[tied])
            if runtime.free_result(d, owned):
                owned.add(d.allocated)

    def _broadcast_buffers(self):
        arrs = [self.gstate[i] for i in self._bcast]
        flat = np.concatenate([a.reshape(-1).view(np.uint8) for a in arrs])
        t = torch.from_numpy(flat)
        self._dist.broadcast(t, src=self._src, group=self.group)
        off = 0
        for a in arrs:
            a.reshape(-1).view(np.uint8)[...] = flat[off:off + a.nbytes]
            off += a.nbytes

    # -- results -------------------------------------------------------------------
    def state_dict(self):
        """Every parameter and buffer, as float32 (integers unchanged)."""
        out = {}
        for i in range(self._n_p):
            out[self.param_names[i]] = api.state_as_float32(
                self.update_fn.args, self.ustate, i)
        g = next(iter(self.grad_variants.values()))
        for j, name in enumerate(self.buffer_names):
            out[name] = api.state_as_float32(g.args, self.gstate,
                                             self._n_p + j)
        return out

    def state_bits(self):
        """The raw bytes of every persistent array (parameters, buffers,
        optimizer state, compensations, low halves, rng steps): equal on
        every rank after every step."""
        parts = [self.ustate[i].tobytes() for i in sorted(self.ustate)]
        parts += [self.gstate[i].tobytes() for i in sorted(self.gstate)]
        parts.append(np.array([self.urng_step, self.grng_step],
                              np.int64).tobytes())
        return b"".join(parts)

    def state_nbytes(self):
        n = sum(a.nbytes for a in self.ustate.values())
        n += sum(a.nbytes for a in self.gstate.values())
        return n + 8 * ((self.urng_arg is not None) +
                        (self.grng_arg is not None))

