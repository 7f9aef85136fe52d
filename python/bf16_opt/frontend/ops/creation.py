"""Creation ops: ``zeros``/``ones``/``full`` and their ``_like``/``new_``
forms, ``scalar_tensor``. Each is a ``linalg.fill`` of a ``tensor.empty``;
``empty`` forms are zero-filled (their contents are unspecified in torch)."""

import torch

from . import register
from .elementwise import mlir_dtype

aten = torch.ops.aten


def _fill(b, shape, value, dtype, like=None):
    t = mlir_dtype(dtype) if dtype is not None else (
        like.dtype if like is not None else (
            "f32" if isinstance(value, float) else "i64"))
    if t == "i1":
        value = bool(value)
    return b.full(tuple(shape), value if t == "f32" else int(value), t)



@register(aten.zeros.default, aten.empty.memory_format)
def zeros(b, size, dtype=None, layout=None, device=None, pin_memory=None,
          memory_format=None):
    return _fill(b, size, 0.0, dtype if dtype is not None else torch.float32)


@register(aten.ones.default)
def ones(b, size, dtype=None, layout=None, device=None, pin_memory=None):
    return _fill(b, size, 1.0, dtype if dtype is not None else torch.float32)


@register(aten.full.default)
def full(b, size, value, dtype=None, layout=None, device=None,
         pin_memory=None):
    if dtype is None:
        dtype = torch.float32 if isinstance(value, float) else torch.int64
    return _fill(b, size, value, dtype)


@register(aten.zeros_like.default, aten.empty_like.default)
def zeros_like(b, x, dtype=None, layout=None, device=None, pin_memory=None,
               memory_format=None):
    return _fill(b, x.shape, 0.0, dtype, x)


@register(aten.ones_like.default)
def ones_like(b, x, dtype=None, layout=None, device=None, pin_memory=None,
              memory_format=None):
    return _fill(b, x.shape, 1.0, dtype, x)


@register(aten.full_like.default)
def full_like(b, x, value, dtype=None, layout=None, device=None,
              pin_memory=None, memory_format=None):
    return _fill(b, x.shape, value, dtype, x)


@register(aten.new_zeros.default)
def new_zeros(b, x, size, dtype=None, layout=None, device=None,
              pin_memory=None):
    return _fill(b, size, 0.0, dtype, x)


@register(aten.new_ones.default)
def new_ones(b, x, size, dtype=None, layout=None, device=None,
             pin_memory=None):
    return _fill(b, size, 1.0, dtype, x)


@register(aten.new_full.default)
def new_full(b, x, size, value, dtype=None, layout=None, device=None,
             pin_memory=None):
    return _fill(b, size, value, dtype, x)


@register(aten.scalar_tensor.default)
def scalar_tensor(b, value, dtype=None, layout=None, device=None,
                  pin_memory=None):
    return _fill(b, (), value, dtype if dtype is not None else torch.float32)


@register(aten.fill.Scalar)
def fill(b, x, value):
    return _fill(b, x.shape, value, None, x)
