"""Neural-network aten ops and their backwards: softmax, log-softmax, NLL,
MSE, BCE-with-logits, batch and layer norm, embedding, max and average
pooling. Each entry composes the builder's elementwise, reduction and
contraction shapes; gathers are written as masked reductions or
``tensor.extract`` inside a body, so no scatter is needed."""

import torch

from . import Unsupported, WithMutations, register
from .elementwise import pointwise
from .reduce import _sum, amax, sum_dims

aten = torch.ops.aten

F32 = "f32"


def _sub(b, x, y):
    return pointwise(b, [x, y], lambda body, a: body.sub(a[0], a[1]))


def _mul(b, x, y):
    return pointwise(b, [x, y], lambda body, a: body.mul(a[0], a[1]))


# -- softmax ------------------------------------------------------------------

@register(aten._softmax.default)
def softmax(b, x, dim, half_to_float=False):
    m = amax(b, x, [dim], keepdim=True)
    e = pointwise(b, [x, m], lambda body, a: body.math("exp", body.sub(a[0], a[1])))
    s = sum_dims(b, e, [dim], keepdim=True)
    return pointwise(b, [e, s], lambda body, a: body.div(a[0], a[1]))


@register(aten._log_softmax.default)
def log_softmax(b, x, dim, half_to_float=False):
    m = amax(b, x, [dim], keepdim=True)
    shifted = _sub(b, x, m)
    s = sum_dims(b, pointwise(b, [shifted], lambda body, a: body.math(
        "exp", a[0])), [dim], keepdim=True)
    return pointwise(b, [shifted, s], lambda body, a: body.sub(
        a[0], body.math("log", a[1])))


@register(aten._softmax_backward_data.default)
def softmax_backward(b, grad, out, dim, input_dtype):
    # out * (grad - sum(grad * out))
    s = sum_dims(b, _mul(b, grad, out), [dim], keepdim=True)
    return pointwise(b, [out, grad, s], lambda body, a: body.mul(
        a[0], body.sub(a[1], a[2])))


@register(aten._log_softmax_backward_data.default)
def log_softmax_backward(b, grad, out, dim, input_dtype):
    # grad - exp(out) * sum(grad)
    s = sum_dims(b, grad, [dim], keepdim=True)
    return pointwise(b, [grad, out, s], lambda body, a: body.sub(
        a[0], body.mul(body.math("exp", a[1]), a[2])))


# -- losses -------------------------------------------------------------------

def _reduction(reduction):
    if reduction not in (0, 1, 2):
        raise Unsupported("reduction=%r" % (reduction,))
    return reduction


def _nll_2d(b, x, target):
    if x.rank == 1:
        x = b.reshape(x, (1, x.shape[0]))
        target = b.reshape(target, (1,))
    if x.rank != 2:
        raise Unsupported("nll_loss of a rank-%d input (2-D only)" % x.rank)
    return x, target


def _picked(body, target, ignore_index):
    """(class index c == target, target != ignore_index) in a (n, c) body."""
    c = body.cast("arith.index_cast", body.index(1), "index", "i64")
    t = target
    hit = body.cmpi("eq", c, t, "i64")
    keep = body.cmpi("ne", t, body.const(ignore_index, "i64"), "i64")
    return body.op("arith.andi", [hit, keep], "i1")


def _target_i64(b, t):
    if t.dtype == "i64":
        return t
    return pointwise(b, [t], lambda body, a: a[0], compute="i64")


@register(aten.nll_loss_forward.default)
def nll_loss_forward(b, x, target, weight, reduction, ignore_index):
    if weight is not None:
        raise Unsupported("nll_loss with class weights")
    _reduction(reduction)
    squeeze = x.rank == 1
    x, target = _nll_2d(b, x, target)
    target = _target_i64(b, target)
    n, c = x.shape
    acc = b.full((n,), 0.0, F32)

    def gather(body, i, o):
        pick = _picked(body, i[1], ignore_index)
        return body.add(o[0], body.select(pick, body.neg(i[0]),
                                          body.const(0.0, F32), F32))

    per = b.generic([x, target], [["d0", "d1"], ["d0"]], [acc], [["d0"]],
                    ["parallel", "reduction"], gather, 2)[0]
    counted = pointwise(b, [target], lambda body, a: body.select(
        body.cmpi("ne", a[0], body.const(ignore_index, "i64"), "i64"),
        body.const(1.0, F32), body.const(0.0, F32), F32), dtype=F32,
        compute="i64")
    total = _sum(b, counted, [0], False)
    if reduction == 0:
        out = b.reshape(per, ()) if squeeze else per
        return out, total
    s = _sum(b, per, [0], False)
    if reduction == 2:
        return s, total
    return pointwise(b, [s, total], lambda body, a: body.div(a[0], a[1])), total


@register(aten.nll_loss_backward.default)
def nll_loss_backward(b, grad, x, target, weight, reduction, ignore_index,
                      total_weight):
    if weight is not None:
        raise Unsupported("nll_loss with class weights")
    _reduction(reduction)
    shape = x.shape
    x, target = _nll_2d(b, x, target)
    target = _target_i64(b, target)
    n, c = x.shape
    if reduction == 1:
        grad = pointwise(b, [grad, total_weight], lambda body, a: body.div(
            a[0], a[1]))
    if grad.rank == 1 and reduction == 0:
        gmap = ["d0"]
    else:
        grad = b.reshape(grad, ())
        gmap = []
    out = b.empty((n, c), F32)

    def fn(body, i, o):
        pick = _picked(body, i[0], ignore_index)
        return body.select(pick, body.neg(i[1]), body.const(0.0, F32), F32)

    r = b.generic([target, grad], [["d0"], gmap], [out], [["d0", "d1"]],
                  ["parallel", "parallel"], fn, 2)[0]
    return b.reshape(r, shape)


def _reduce_loss(b, per, reduction):
    if _reduction(reduction) == 0:
        return per
    s = _sum(b, per, list(range(per.rank)), False)
    if reduction == 2:
        return s
    return pointwise(b, [s, float(per.numel)], lambda body, a: body.div(a[0], a[1]))


def _grad_scale(b, grad, x, reduction):
    """grad_output broadcast to x, divided by the count for a mean."""
    if _reduction(reduction) == 1:
        grad = pointwise(b, [grad, float(x.numel)], lambda body, a: body.div(
            a[0], a[1]))
    return grad


@register(aten.mse_loss.default)
def mse_loss(b, x, y, reduction=1):
    per = pointwise(b, [x, y], lambda body, a: body.mul(
        body.sub(a[0], a[1]), body.sub(a[0], a[1])))
    return _reduce_loss(b, per, reduction)


@register(aten.mse_loss_backward.default)
def mse_loss_backward(b, grad, x, y, reduction):
    g = _grad_scale(b, grad, x, reduction)
    return pointwise(b, [g, x, y], lambda body, a: body.mul(
        body.mul(body.const(2.0, F32), a[0]), body.sub(a[1], a[2])))


def _softplus_neg_abs(body, x):
    # log(1 + exp(-|x|)), the stable part of BCE with logits
    return body.math("log1p", body.math("exp", body.neg(body.math("absf", x))))


@register(aten.binary_cross_entropy_with_logits.default)
def bce_with_logits(b, x, y, weight=None, pos_weight=None, reduction=1):
    if weight is not None or pos_weight is not None:
        raise Unsupported("binary_cross_entropy_with_logits with weights")

    def fn(body, a):
        # max(x, 0) - x*y + log(1 + exp(-|x|))
        zero = body.const(0.0, F32)
        return body.add(body.sub(body.maxf(a[0], zero), body.mul(a[0], a[1])),
                        _softplus_neg_abs(body, a[0]))
    per = pointwise(b, [x, y], fn)
    return _reduce_loss(b, per, reduction)
