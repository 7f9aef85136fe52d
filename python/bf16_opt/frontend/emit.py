"""FX graph -> FP32 linalg-on-tensors ``func.func`` text.

Walks a functionalized FX graph in order, maps each ``call_function`` node to
its registry entry (:mod:`bf16_opt.frontend.ops`) and prints the step in the
input contract of ``--bf16-train`` (``docs/TrainingABI.md``): every argument
carries its ``lowp.role``, every new state value its ``lowp.tied_to``, so
detection never has to guess. Each op is located at the user's source line
(from the FX node's stack trace), named after the aten op.
"""

import operator
import os
import re

import torch

from .. import abi
from . import ops
from .errors import UnsupportedError
from .ir import Builder, Value, fmt_float, tensor_type
from .ops.elementwise import mlir_dtype

_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(p)) + os.sep
    for p in (torch.__file__, os.__file__)) + (_PKG_DIR + os.sep,)


def user_frame(stack_trace):
    """(file, line) of the innermost frame outside torch, the standard
    library and this package (the user's model or loss code); else of the
    innermost ``torch.nn`` frame; else None."""
    if not stack_trace:
        return None
    fallback = None
    for path, line, _fn in _FRAME.findall(stack_trace):  # innermost first
        apath = os.path.abspath(path)
        if path.startswith("<") or "functorch" in apath:
            continue
        if not apath.startswith(_LIBRARY_DIRS):
            return apath, int(line)
        if fallback is None and os.sep + "nn" + os.sep in apath and \
                apath.startswith(_LIBRARY_DIRS[0]):
            fallback = (apath, int(line))
    return fallback


def op_name(target):
    return str(target)


def mlir_loc(node):
    frame = user_frame(node.meta.get("stack_trace"))
    name = op_name(node.target).replace('"', "")
    if frame is None:
        return 'loc("%s")' % name
    return 'loc("%s"("%s":%d:0))' % (name, frame[0].replace('"', ""), frame[1])


def where(node):
    frame = user_frame(node.meta.get("stack_trace"))
    return "%s:%d" % frame if frame else "<unknown location>"


class Signature:
    """The step's arguments and results, in order, with their roles."""

    def __init__(self):
        self.args = []      # (name, role, shape, dtype)
        self.results = []   # (name, tied_arg_index or None, shape, dtype)


def _resolve(env, a):
    if isinstance(a, torch.fx.Node):
        return env[a]
    if isinstance(a, (list, tuple)):
        return type(a)(_resolve(env, x) for x in a)
    return a


def _meta_shape(node):
    tm = node.meta.get("tensor_meta")
    if tm is None or not hasattr(tm, "shape"):
        return None
    return tuple(tm.shape), tm.dtype


def _fetch_attr(module, target):
    obj = module
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _constant(b, t, node):
    """A tensor constant of the trace (e.g. torch.tensor([...]) in a
    forward) as an arith.constant dense literal."""
    try:
        dtype = mlir_dtype(t.dtype)
    except ops.Unsupported as e:
        raise UnsupportedError("constant at %s: %s" % (where(node), e)) from None
    flat = t.detach().reshape(-1).tolist()
    if dtype == "f32":
        items = [fmt_float(v) for v in flat]
    elif dtype == "i1":
        items = ["true" if v else "false" for v in flat]
    else:
        items = [str(int(v)) for v in flat]
    shape = tuple(t.shape)
    if len(set(items)) == 1:
        lit = items[0]          # a splat
    elif not items:
        raise UnsupportedError("empty constant at %s" % where(node))
    else:
        lit = _nest(items, shape)
    ty = tensor_type(shape, dtype)
    return b.emit("arith.constant dense<%s> : %s" % (lit, ty), shape, dtype)


def _nest(items, shape):
    if len(shape) <= 1:
        return "[%s]" % ", ".join(items) if shape else items[0]
    step = len(items) // shape[0]
    return "[%s]" % ", ".join(_nest(items[i * step:(i + 1) * step], shape[1:])
                              for i in range(shape[0]))


def emit_step(graph, arg_specs, out_specs, func_name="train_step",
              module=None):
    """Prints the step.

    arg_specs: one (name, role) per placeholder, roles "param",
    "optimizer_state" or "input". out_specs: one (name, kind) per graph
    output, kind "loss", "state:<placeholder index>" or "drop" (an output
    the step returns only when it differs from its input).
    Returns (text, Signature).
    """
    b = Builder()
    env = {}
    sig = Signature()
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    if len(placeholders) != len(arg_specs):
        raise ValueError("placeholder count mismatch")
    arg_text = []
    for i, (node, (name, role)) in enumerate(zip(placeholders, arg_specs)):
        meta = _meta_shape(node)
        if meta is None:
            raise UnsupportedError("input %s is not a tensor" % name)
        shape, dt = meta
        try:
            dtype = mlir_dtype(dt)
        except ops.Unsupported as e:
            raise UnsupportedError("%s: %s" % (name, e)) from None
        v = Value("%%arg%d" % i, shape, dtype)
        env[node] = v
        sig.args.append((name, role, shape, dtype))
        arg_text.append(v)

    output = None
    for node in graph.nodes:
        if node.op == "placeholder":
            continue
        if node.op == "output":
            output = node
            break
        if node.op == "get_attr":
            b.loc = mlir_loc(node)
            env[node] = _constant(b, _fetch_attr(module, node.target), node)
            continue
        if node.op != "call_function":
            raise UnsupportedError("FX node kind %s (%s)" % (node.op,
                                                             node.target))
        if node.target is operator.getitem:
            env[node] = env[node.args[0]][node.args[1]]
            continue
        if not node.users and not _is_mutating(node):
            continue  # dead: never needs an entry
        entry = ops.lookup(node.target)
        if entry is None:
            raise UnsupportedError(
                "unsupported aten op %s at %s" % (op_name(node.target),
                                                   where(node)))
        b.loc = mlir_loc(node)
        args = _resolve(env, node.args)
        kwargs = _resolve(env, dict(node.kwargs))
        try:
            res = entry(b, *args, **kwargs)
        except ops.Unsupported as e:
            raise UnsupportedError("%s: %s at %s" % (op_name(node.target), e,
                                                     where(node))) from None
        if isinstance(res, ops.Mutation):
            res = ops.WithMutations(res.value, [res])
        if isinstance(res, ops.WithMutations):
            for m in res.mutations:
                target = node.args[m.index]
                env[target] = m.value
            res = res.results
        env[node] = res
        _check_shape(node, res)

    b.loc = None
    outs = list(output.args[0])
    if len(outs) != len(out_specs):
        raise ValueError("output count mismatch")
    ret_vals, ret_types, printed_ties = [], [], set()
    for node, (name, kind) in zip(outs, out_specs):
        v = env[node] if isinstance(node, torch.fx.Node) else None
        if not isinstance(v, Value):
            raise UnsupportedError("output %s is not a tensor" % name)
        tied = None
        if kind.startswith("state:"):
            tied = int(kind.split(":")[1])
            if v.name == "%%arg%d" % tied:
                continue  # unchanged state: not a result
        elif kind == "drop":
            continue
        sig.results.append((name, tied, v.shape, v.dtype))
        ret_vals.append(v)
        # Integer state (BatchNorm's num_batches_tracked) is exact and not
        # rounding-protected: it is returned untied and written back by the
        # caller, as --bf16-train's ties name float state only.
        attr = " {%s = %d : i64}" % (abi.TIED_TO_ATTR, tied) \
            if tied is not None and v.dtype == "f32" else ""
        if attr:
            printed_ties.add(tied)
        ret_types.append(v.type + attr)
    # State the step does not change (frozen parameters, buffers no op
    # updates) is an input: a role without a tie is an error of --bf16-train.
    for i, (name, role, shape, dtype) in enumerate(sig.args):
        if role != abi.ROLE_INPUT and i not in printed_ties:
            sig.args[i] = (name, abi.ROLE_INPUT, shape, dtype)
    arg_text = ["%s: %s {%s = %s}" % (v.name, v.type, abi.ROLE_ATTR,
                                      abi.role_attr(sig.args[i][1]))
                for i, v in enumerate(arg_text)]
    lines = ["func.func @%s(%s)" % (func_name, ",\n    ".join(arg_text)),
             "    -> (%s) {" % ", ".join(ret_types)]
    lines += ["  " + l for l in b.lines]
    lines.append("  return %s : %s" % (", ".join(v.name for v in ret_vals),
                                       ", ".join(v.type for v in ret_vals)))
    lines.append("}")
    return "\n".join(lines) + "\n", sig


_MUTATING = {torch.ops.aten.copy_.default}


def _is_mutating(node):
    return node.target in _MUTATING


def _check_shape(node, res):
    """Every emitted value must have the shape and dtype torch traced."""
    meta = node.meta.get("tensor_meta")
    if meta is None:
        return
    metas = meta if isinstance(meta, (list, tuple)) else [meta]
    vals = res if isinstance(res, (list, tuple)) else [res]
    for m, v in zip(metas, vals):
        if m is None or v is None or not hasattr(m, "shape"):
            continue
        if not isinstance(v, Value):
            continue
        want = tuple(m.shape)
        got = v.shape if v.shape is not None else ()
        if want != got:
            raise AssertionError("%s: emitted shape %s, torch traced %s" % (
                op_name(node.target), got, want))
