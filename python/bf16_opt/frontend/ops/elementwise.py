"""Elementwise aten ops: arithmetic, activations and their backwards,
comparisons, ``where`` and dtype conversions. Every entry is one broadcasting
``linalg.generic`` built by :func:`pointwise`."""

import math

import torch

from ..ir import Value
from . import Unsupported, register

aten = torch.ops.aten

_TORCH_DTYPES = {torch.float32: "f32", torch.int64: "i64", torch.int32: "i32",
                 torch.bool: "i1"}


def mlir_dtype(dt):
    if dt not in _TORCH_DTYPES:
        raise Unsupported("dtype %s is not supported (only float32, int64, "
                          "int32 and bool)" % dt)
    return _TORCH_DTYPES[dt]


def _kind(x):
    if isinstance(x, Value):
        return x.dtype
    if isinstance(x, bool):
        return "i1"
    if isinstance(x, int):
        return "i64"
    if isinstance(x, float):
        return "f32"
    raise Unsupported("operand %r is not a tensor or a number" % (x,))


def promote(*xs):
    """torch's result dtype for tensors/numbers (float > int > bool)."""
    kinds = {_kind(x) for x in xs}
    if "f32" in kinds:
        return "f32"
    if "i64" in kinds or "i32" in kinds:
        return "i64" if "i64" in kinds or any(
            not isinstance(x, Value) for x in xs) else "i32"
    return "i1"


def convert(body, name, src, dst):
    """Scalar conversion inside a body, following torch's casting."""
    if src == dst:
        return name
    if dst == "f32":
        return body.cast("arith.uitofp" if src == "i1" else "arith.sitofp",
                         name, src, "f32")
    if dst == "i1":
        zero = body.const(0.0 if src == "f32" else 0, src)
        return (body.cmpf("une", name, zero) if src == "f32"
                else body.cmpi("ne", name, zero, src))
    if src == "f32":
        return body.cast("arith.fptosi", name, "f32", dst)
    width = {"i1": 1, "i32": 32, "i64": 64}
    op = "arith.extui" if src == "i1" else (
        "arith.extsi" if width[dst] > width[src] else "arith.trunci")
    return body.cast(op, name, src, dst)


def pointwise(b, operands, fn, dtype=None, compute=None):
    """One broadcasting generic. Numbers become constants, every operand is
    converted to `compute` (default: the promoted dtype) before fn(body,
    args) and the result has `dtype` (default: `compute`)."""
    compute = compute or promote(*operands)
    dtype = dtype or compute
    values = [x for x in operands if isinstance(x, Value)]
    if not any(v.shape is not None for v in values):
        raise Unsupported("pointwise op without a tensor operand")

    def body_fn(body, args):
        it = iter(args)
        conv = []
        for x in operands:
            if isinstance(x, Value):
                conv.append(convert(body, next(it), x.dtype, compute))
            else:
                conv.append(body.const(x, compute))
        return fn(body, conv)

    return b.elementwise(values, body_fn, dtype)


def _arith(float_op, int_op):
    def fn(body, a, t):
        if t == "f32":
            return body.op(float_op, a, "f32")
        if int_op is None:
            raise Unsupported("integer %s is not supported" % float_op)
        return body.op(int_op, a, t)
    return fn


def _binary(op):
    def entry(b, x, y, alpha=1):
        t = promote(x, y)

        def fn(body, a):
            rhs = a[1]
            if alpha != 1:
                rhs = body.mul(rhs, body.const(alpha, t), t)
            return op(body, [a[0], rhs], t)
        return pointwise(b, [x, y], fn)
    return entry


register(aten.add.Tensor)(
    _binary(_arith("arith.addf", "arith.addi")))
register(aten.sub.Tensor)(
    _binary(_arith("arith.subf", "arith.subi")))
register(aten.mul.Tensor, aten.mul.Scalar)(
    _binary(_arith("arith.mulf", "arith.muli")))


@register(aten.rsub.Scalar, aten.rsub.Tensor)
def rsub(b, x, y, alpha=1):
    return _binary(_arith("arith.subf", "arith.subi"))(b, y, x, alpha)


@register(aten.div.Tensor, aten.div.Scalar)
def div(b, x, y):
    return pointwise(b, [x, y], lambda body, a: body.div(a[0], a[1]),
                     compute="f32")


def _unary_f32(name, fn):
    def entry(b, x):
        return pointwise(b, [x], lambda body, a: fn(body, a[0]),
                         compute="f32")
    entry.__name__ = name
    return entry


register(aten.neg.default)(_unary_f32("neg", lambda body, a: body.neg(a)))
register(aten.exp.default)(_unary_f32("exp", lambda body, a: body.math("exp", a)))
register(aten.log.default)(_unary_f32("log", lambda body, a: body.math("log", a)))
register(aten.sqrt.default)(_unary_f32("sqrt", lambda body, a: body.math("sqrt", a)))
register(aten.rsqrt.default)(_unary_f32("rsqrt", lambda body, a: body.math("rsqrt", a)))
register(aten.tanh.default)(_unary_f32("tanh", lambda body, a: body.math("tanh", a)))
register(aten.abs.default)(_unary_f32("abs", lambda body, a: body.math("absf", a)))
register(aten.reciprocal.default)(_unary_f32(
    "reciprocal", lambda body, a: body.div(body.const(1.0, "f32"), a)))


def _sigmoid(body, a):
    one = body.const(1.0, "f32")
    return body.div(one, body.add(one, body.math("exp", body.neg(a))))


register(aten.sigmoid.default)(_unary_f32("sigmoid", _sigmoid))


@register(aten.relu.default)
def relu(b, x):
    return pointwise(b, [x], lambda body, a: body.maxf(
        a[0], body.const(0.0, "f32")), compute="f32")


@register(aten.pow.Tensor_Scalar)
def pow_scalar(b, x, exponent):
    def fn(body, a):
        if exponent == 2:
            return body.mul(a[0], a[0])
        if exponent == 1:
            return a[0]
        if exponent == 0.5:
            return body.math("sqrt", a[0])
        if float(exponent).is_integer() and 2 < exponent <= 4:
            r = a[0]
            for _ in range(int(exponent) - 1):
                r = body.mul(r, a[0])
            return r
        return body.math("powf", a[0], body.const(exponent, "f32"))
    return pointwise(b, [x], fn, compute="f32")


@register(aten.pow.Tensor_Tensor)
def pow_tensor(b, x, y):
    return pointwise(b, [x, y], lambda body, a: body.math("powf", a[0], a[1]),
                     compute="f32")


@register(aten.threshold_backward.default)
def threshold_backward(b, grad, x, threshold):
    def fn(body, a):
        keep = body.cmpf("ugt", a[1], body.const(threshold, "f32"))
        return body.select(keep, a[0], body.const(0.0, "f32"), "f32")
    return pointwise(b, [grad, x], fn, compute="f32")


@register(aten.sigmoid_backward.default)
def sigmoid_backward(b, grad, y):
    # grad * y * (1 - y), y = sigmoid(x)
    def fn(body, a):
        one_minus = body.sub(body.const(1.0, "f32"), a[1])
        return body.mul(a[0], body.mul(a[1], one_minus))
    return pointwise(b, [grad, y], fn, compute="f32")


@register(aten.tanh_backward.default)
def tanh_backward(b, grad, y):
    # grad * (1 - y^2), y = tanh(x)
    def fn(body, a):
        return body.mul(a[0], body.sub(body.const(1.0, "f32"),
                                       body.mul(a[1], a[1])))
    return pointwise(b, [grad, y], fn, compute="f32")


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7): --bf16-train-to-llvm has no
# lowering for math.erf.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(body, x):
    one = body.const(1.0, "f32")
    ax = body.math("absf", x)
    t = body.div(one, body.add(one, body.mul(body.const(_ERF_P, "f32"), ax)))
    poly = body.const(_ERF_A[-1], "f32")
    for a in reversed(_ERF_A[:-1]):
        poly = body.add(body.mul(poly, t), body.const(a, "f32"))
    poly = body.mul(poly, t)
    e = body.math("exp", body.neg(body.mul(ax, ax)))
    return body.math("copysign", body.sub(one, body.mul(poly, e)), x)


def _gelu_parts(body, x, approximate):
    """Returns (cdf, pdf-term) for gelu(x) = x * cdf and its derivative."""
    half = body.const(0.5, "f32")
    one = body.const(1.0, "f32")
    if approximate == "tanh":
        k = body.const(_SQRT_2_OVER_PI, "f32")
        c = body.const(0.044715, "f32")
        x3 = body.mul(body.mul(x, x), x)
        inner = body.mul(k, body.add(x, body.mul(c, x3)))
        t = body.math("tanh", inner)
        cdf = body.mul(half, body.add(one, t))
        # d/dx: 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2)
        three_c = body.const(3 * 0.044715, "f32")
        dinner = body.mul(k, body.add(one, body.mul(three_c, body.mul(x, x))))
        dt = body.mul(body.sub(one, body.mul(t, t)), dinner)
        return cdf, body.mul(body.mul(half, x), dt)
    if approximate != "none":
        raise Unsupported("gelu approximate=%r" % (approximate,))
    inv_sqrt2 = body.const(1.0 / math.sqrt(2.0), "f32")
    cdf = body.mul(half, body.add(one, _erf(body, body.mul(x, inv_sqrt2))))
    # pdf(x) = exp(-x^2/2) / sqrt(2 pi)
    pdf = body.mul(body.const(1.0 / math.sqrt(2 * math.pi), "f32"),
                   body.math("exp", body.mul(body.const(-0.5, "f32"),
                                             body.mul(x, x))))
    return cdf, body.mul(x, pdf)


@register(aten.gelu.default)
def gelu(b, x, approximate="none"):
    return pointwise(b, [x], lambda body, a: body.mul(
        a[0], _gelu_parts(body, a[0], approximate)[0]), compute="f32")


@register(aten.gelu_backward.default)
def gelu_backward(b, grad, x, approximate="none"):
    def fn(body, a):
        cdf, xpdf = _gelu_parts(body, a[1], approximate)
        return body.mul(a[0], body.add(cdf, xpdf))
    return pointwise(b, [grad, x], fn, compute="f32")


_CMP = {"eq": ("oeq", "eq"), "ne": ("une", "ne"), "lt": ("olt", "slt"),
        "le": ("ole", "sle"), "gt": ("ogt", "sgt"), "ge": ("oge", "sge")}


def _comparison(pred):
    fpred, ipred = _CMP[pred]

    def entry(b, x, y):
        t = promote(x, y)

        def fn(body, a):
            if t == "f32":
                return body.cmpf(fpred, a[0], a[1])
            return body.cmpi(ipred, a[0], a[1], t)
        return pointwise(b, [x, y], fn, dtype="i1", compute=t)
    return entry


for _p in _CMP:
    register(getattr(aten, _p).Tensor, getattr(aten, _p).Scalar)(
        _comparison(_p))


@register(aten.where.self)
def where(b, cond, x, y):
    t = promote(x, y)
    values = [cond, x, y]

    def fn(body, a):
        c = a[0]
        return body.select(c, a[1], a[2], t)

    # The condition keeps i1; the branches are promoted.
    def body_fn(body, args):
        it = iter(args)
        conv = []
        for i, v in enumerate(values):
            want = "i1" if i == 0 else t
            if isinstance(v, Value):
                conv.append(convert(body, next(it), v.dtype, want))
            else:
                conv.append(body.const(v, want))
        return fn(body, conv)

    return b.elementwise([v for v in values if isinstance(v, Value)],
                         body_fn, t)


@register(aten.sgn.default, aten.sign.default)
def sign(b, x):
    def fn(body, a):
        zero, one = body.const(0.0, "f32"), body.const(1.0, "f32")
        s = body.math("copysign", one, a[0])
        return body.select(body.cmpf("oeq", a[0], zero), zero, s, "f32")
    return pointwise(b, [x], fn, compute="f32")


def _logical(op):
    def entry(b, x, y):
        return pointwise(b, [x, y], lambda body, a: body.op(op, a, "i1"),
                         compute="i1")
    return entry


register(aten.logical_and.default)(_logical("arith.andi"))
register(aten.bitwise_or.Tensor)(_logical("arith.ori"))


@register(aten.logical_not.default)
def logical_not(b, x):
    return pointwise(b, [x], lambda body, a: body.cmpi(
        "eq", a[0], body.const(0, "i1"), "i1"), compute="i1")


@register(aten._to_copy.default)
def to_copy(b, x, dtype=None, layout=None, device=None, pin_memory=None,
            non_blocking=False, memory_format=None):
    if dtype is None or mlir_dtype(dtype) == x.dtype:
        return x
    return pointwise(b, [x], lambda body, a: a[0], compute=mlir_dtype(dtype))


@register(aten.clamp_min.default)
def clamp_min(b, x, lo):
    return pointwise(b, [x], lambda body, a: body.maxf(
        a[0], body.const(lo, "f32")), compute="f32")
