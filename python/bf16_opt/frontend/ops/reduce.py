"""Reductions: ``sum``, ``mean`` and ``amax`` over some or all dimensions.
Each is one ``linalg.generic`` with reduction iterators into a filled
accumulator (an f32 accumulator group after ``--bf16-train``)."""

import torch

from . import Unsupported, register
from .elementwise import mlir_dtype, pointwise

aten = torch.ops.aten


def _dims(x, dims):
    if dims is None or list(dims) == []:
        return list(range(x.rank))
    return sorted({d % x.rank for d in dims})


def _sum(b, x, dims, keepdim, dtype=None):
    t = mlir_dtype(dtype) if dtype is not None else (
        "i64" if x.dtype in ("i1", "i32") else x.dtype)
    if t != x.dtype:
        x = pointwise(b, [x], lambda body, a: a[0], compute=t)
    add = "arith.addf" if t == "f32" else "arith.addi"
    return b.reduce(x, dims, 0.0 if t == "f32" else 0,
                    lambda body, e, acc: body.op(add, [e, acc], t),
                    keepdim=keepdim)


@register(aten.sum.default)
def sum_all(b, x, dtype=None):
    return _sum(b, x, _dims(x, None), False, dtype)


@register(aten.sum.dim_IntList)
def sum_dims(b, x, dims, keepdim=False, dtype=None):
    return _sum(b, x, _dims(x, dims), keepdim, dtype)


def _mean(b, x, dims, keepdim, dtype):
    if x.dtype != "f32":
        raise Unsupported("mean of a non-float tensor")
    s = _sum(b, x, dims, keepdim, dtype)
    n = 1
    for d in dims:
        n *= x.shape[d]
    return pointwise(b, [s, float(n)], lambda body, a: body.div(a[0], a[1]))


@register(aten.mean.default)
def mean_all(b, x, dtype=None):
    return _mean(b, x, _dims(x, None), False, dtype)


@register(aten.mean.dim)
def mean_dims(b, x, dims, keepdim=False, dtype=None):
    return _mean(b, x, _dims(x, dims), keepdim, dtype)


@register(aten.amax.default)
def amax(b, x, dims=(), keepdim=False):
    if x.dtype != "f32":
        raise Unsupported("amax of a non-float tensor")
    return b.reduce(x, _dims(x, dims), float("-inf"),
                    lambda body, e, acc: body.maxf(e, acc), keepdim=keepdim)
