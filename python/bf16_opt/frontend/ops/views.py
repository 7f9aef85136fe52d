"""Views and data movement: reshapes, transposes, broadcasts, slices,
concatenation, splits, copies. Tensors have value semantics in MLIR, so a
view is a reshape or a slice and a copy into a buffer is a rebinding
(:class:`~bf16_opt.frontend.ops.Mutation`)."""

import math

import torch

from . import Mutation, Unsupported, register
from .elementwise import pointwise

aten = torch.ops.aten


def _infer(shape, numel):
    shape = list(shape)
    if -1 in shape:
        known = math.prod(d for d in shape if d != -1)
        shape[shape.index(-1)] = numel // known if known else 0
    return shape


@register(aten.view.default, aten._unsafe_view.default)
def view(b, x, shape):
    return b.reshape(x, _infer(shape, x.numel))


@register(aten._reshape_alias.default)
def reshape_alias(b, x, shape, stride):
    # torch emits it only where a view exists, and a view keeps the logical
    # row-major order; the strides describe torch's memory, not the values.
    return b.reshape(x, _infer(shape, x.numel))


@register(aten.clone.default, aten.detach.default,
          aten.lift_fresh_copy.default)
def identity(b, x, memory_format=None):
    return x


@register(aten.t.default)
def t(b, x):
    return x if x.rank < 2 else b.transpose(x, [1, 0])


@register(aten.transpose.int)
def transpose(b, x, d0, d1):
    perm = list(range(x.rank))
    d0, d1 = d0 % x.rank, d1 % x.rank
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return b.transpose(x, perm)


@register(aten.permute.default)
def permute(b, x, dims):
    return b.transpose(x, [d % x.rank for d in dims])


@register(aten.expand.default)
def expand(b, x, sizes, implicit=False):
    lead = len(sizes) - x.rank
    shape = [x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes)]
    return b.broadcast_to(x, shape)


@register(aten.unsqueeze.default)
def unsqueeze(b, x, dim):
    dim = dim % (x.rank + 1)
    return b.reshape(x, list(x.shape[:dim]) + [1] + list(x.shape[dim:]))


@register(aten.squeeze.dim)
def squeeze_dim(b, x, dim):
    if x.rank == 0:
        return x
    dim = dim % x.rank
    if x.shape[dim] != 1:
        return x
    return b.reshape(x, [d for i, d in enumerate(x.shape) if i != dim])


@register(aten.squeeze.default)
def squeeze(b, x):
    return b.reshape(x, [d for d in x.shape if d != 1])


@register(aten.select.int)
def select(b, x, dim, index):
    dim = dim % x.rank
    index = index % x.shape[dim]
    offsets = [index if i == dim else 0 for i in range(x.rank)]
    sizes = [1 if i == dim else d for i, d in enumerate(x.shape)]
    out = [d for i, d in enumerate(x.shape) if i != dim]
    return b.extract_slice(x, offsets, sizes, [1] * x.rank, out)


@register(aten.slice.Tensor)
def slice_(b, x, dim=0, start=None, end=None, step=1):
    dim = dim % x.rank
    n = x.shape[dim]
    start, end, _ = slice(start, end, step).indices(n)
    size = max(0, (end - start + step - 1) // step)
    if size == n:
        return x
    offsets = [start if i == dim else 0 for i in range(x.rank)]
    sizes = [size if i == dim else d for i, d in enumerate(x.shape)]
    strides = [step if i == dim else 1 for i in range(x.rank)]
    return b.extract_slice(x, offsets, sizes, strides)


@register(aten.cat.default)
def cat(b, xs, dim=0):
    xs = [x for x in xs if x.numel > 0 or x.rank > 1]
    dim = dim % xs[0].rank
    shape = list(xs[0].shape)
    shape[dim] = sum(x.shape[dim] for x in xs)
    dtype = xs[0].dtype
    if any(x.dtype != dtype for x in xs):
        raise Unsupported("cat of tensors of different dtypes")
    out = b.empty(shape, dtype)
    offset = 0
    for x in xs:
        offsets = [offset if i == dim else 0 for i in range(x.rank)]
        out = b.insert_slice(x, out, offsets, x.shape, [1] * x.rank)
        offset += x.shape[dim]
    return out


def _split(b, x, sizes, dim):
    dim = dim % x.rank
    outs, start = [], 0
    for s in sizes:
        outs.append(slice_(b, x, dim, start, start + s, 1))
        start += s
    return tuple(outs)


@register(aten.split.Tensor, aten.unsafe_split.Tensor)
def split(b, x, size, dim=0):
    n = x.shape[dim % x.rank]
    return _split(b, x, [min(size, n - s) for s in range(0, n, size)], dim)


@register(aten.split_with_sizes.default)
def split_with_sizes(b, x, sizes, dim=0):
    return _split(b, x, sizes, dim)


def _copy_value(b, dst, src):
    if src.dtype != dst.dtype:
        src = pointwise(b, [src], lambda body, a: a[0], compute=dst.dtype)
    return b.broadcast_to(src, dst.shape)


@register(aten.copy_.default)
def copy_(b, dst, src, non_blocking=False):
    return Mutation(0, _copy_value(b, dst, src))


def _embed(b, g, input_sizes, offsets, strides):
    out = b.full(tuple(input_sizes), 0.0 if g.dtype == "f32" else 0, g.dtype)
    return b.insert_slice(g, out, offsets, g.shape, strides)


@register(aten.select_backward.default)
def select_backward(b, g, input_sizes, dim, index):
    dim = dim % len(input_sizes)
    index = index % input_sizes[dim]
    g = unsqueeze(b, g, dim)
    offsets = [index if i == dim else 0 for i in range(len(input_sizes))]
    return _embed(b, g, input_sizes, offsets, [1] * len(input_sizes))


@register(aten.slice_backward.default)
def slice_backward(b, g, input_sizes, dim, start, end, step):
    dim = dim % len(input_sizes)
    start, _, _ = slice(start, end, step).indices(input_sizes[dim])
    offsets = [start if i == dim else 0 for i in range(len(input_sizes))]
    strides = [step if i == dim else 1 for i in range(len(input_sizes))]
    return _embed(b, g, input_sizes, offsets, strides)


@register(aten.unbind.int)
def unbind(b, x, dim=0):
    return tuple(select(b, x, dim, i) for i in range(x.shape[dim % x.rank]))


@register(aten.flip.default)
def flip(b, x, dims):
    dims = {d % x.rank for d in dims}
    exprs = ["%d - d%d" % (x.shape[i] - 1, i) if i in dims else "d%d" % i
             for i in range(x.rank)]
    out = b.empty(x.shape, x.dtype)
    return b.generic([x], [exprs], [out], [["d%d" % i for i in range(x.rank)]],
                     ["parallel"] * x.rank, lambda body, i, o: i[0], x.rank)[0]


@register(aten.stack.default)
def stack(b, xs, dim=0):
    dim = dim % (xs[0].rank + 1)
    return cat(b, [unsqueeze(b, x, dim) for x in xs], dim)
