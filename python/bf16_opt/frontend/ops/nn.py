"""Neural-network aten ops and their backwards: softmax, log-softmax, NLL,
MSE, BCE-with-logits, batch and layer norm, embedding, max and average
pooling. Each entry composes the builder's elementwise, reduction and
contraction shapes; gathers are written as masked reductions or
``tensor.extract`` inside a body, so no scatter is needed."""

import torch

from . import Mutation, Unsupported, WithMutations, register
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


# -- normalization --------------------------------------------------------------

def _channel(b, v, rank):
    """A per-channel (C,) vector shaped to broadcast against (N, C, ...)."""
    return b.reshape(v, (v.shape[0],) + (1,) * (rank - 2))


def _affine(b, xhat, weight, bias, rank):
    if weight is not None:
        xhat = _mul(b, xhat, _channel(b, weight, rank))
    if bias is not None:
        xhat = pointwise(b, [xhat, _channel(b, bias, rank)],
                         lambda body, a: body.add(a[0], a[1]))
    return xhat


def _normalize(b, x, mean, invstd):
    return pointwise(b, [x, mean, invstd], lambda body, a: body.mul(
        body.sub(a[0], a[1]), a[2]))


def _rsqrt_eps(b, var, eps):
    return pointwise(b, [var, float(eps)], lambda body, a: body.math(
        "rsqrt", body.add(a[0], a[1])))


def _moving(b, running, value, momentum):
    # running + momentum * (value - running): torch's
    # (1 - momentum) * running + momentum * value in increment form
    # (docs/Frontend.md, optimizer numerics).
    return pointwise(b, [running, value, float(momentum)], lambda body, a: body.add(
        a[0], body.mul(a[2], body.sub(a[1], a[0]))))


@register(aten.native_batch_norm.default)
def native_batch_norm(b, x, weight, bias, running_mean, running_var, training,
                      momentum, eps):
    if x.rank < 2:
        raise Unsupported("batch norm of a rank-%d input" % x.rank)
    dims = [0] + list(range(2, x.rank))
    if not training:
        if running_mean is None:
            raise Unsupported("batch norm in eval mode without running stats")
        invstd = _rsqrt_eps(b, running_var, eps)
        out = _normalize(b, x, _channel(b, running_mean, x.rank),
                         _channel(b, invstd, x.rank))
        return (_affine(b, out, weight, bias, x.rank), b.empty((0,), F32),
                b.empty((0,), F32))
    n = x.numel // x.shape[1]
    mean = pointwise(b, [_sum(b, x, dims, False), float(n)],
                     lambda body, a: body.div(a[0], a[1]))
    centered = _sub(b, x, _channel(b, mean, x.rank))
    var = pointwise(b, [_sum(b, _mul(b, centered, centered), dims, False),
                        float(n)], lambda body, a: body.div(a[0], a[1]))
    invstd = _rsqrt_eps(b, var, eps)
    out = _mul(b, centered, _channel(b, invstd, x.rank))
    out = _affine(b, out, weight, bias, x.rank)
    mutations = []
    if running_mean is not None:
        unbiased = pointwise(b, [var, n / max(n - 1, 1)],
                             lambda body, a: body.mul(a[0], a[1]))
        mutations = [Mutation(3, _moving(b, running_mean, mean, momentum)),
                     Mutation(4, _moving(b, running_var, unbiased, momentum))]
    return WithMutations((out, mean, invstd), mutations)


@register(aten.native_batch_norm_backward.default)
def native_batch_norm_backward(b, g, x, weight, running_mean, running_var,
                               save_mean, save_invstd, train, eps,
                               output_mask):
    dims = [0] + list(range(2, x.rank))
    n = x.numel // x.shape[1]
    if train:
        mean, invstd = save_mean, save_invstd
    else:
        mean, invstd = running_mean, _rsqrt_eps(b, running_var, eps)
    xhat = _normalize(b, x, _channel(b, mean, x.rank),
                      _channel(b, invstd, x.rank))
    gb = _sum(b, g, dims, False)
    gw = _sum(b, _mul(b, g, xhat), dims, False)
    scale = invstd if weight is None else _mul(b, weight, invstd)
    if train:
        # gi = scale/n * (n g - sum(g) - xhat * sum(g xhat))
        gi = pointwise(b, [g, _channel(b, gb, x.rank), xhat,
                           _channel(b, gw, x.rank),
                           _channel(b, scale, x.rank), float(n)],
                       lambda body, a: body.mul(body.div(a[4], a[5]), body.sub(
                           body.sub(body.mul(a[5], a[0]), a[1]),
                           body.mul(a[2], a[3]))))
    else:
        gi = _mul(b, g, _channel(b, scale, x.rank))
    return (gi if output_mask[0] else None, gw if output_mask[1] else None,
            gb if output_mask[2] else None)


@register(aten.native_layer_norm.default)
def native_layer_norm(b, x, normalized_shape, weight, bias, eps):
    k = len(normalized_shape)
    dims = list(range(x.rank - k, x.rank))
    m = 1
    for d in normalized_shape:
        m *= d
    mean = pointwise(b, [_sum(b, x, dims, True), float(m)],
                     lambda body, a: body.div(a[0], a[1]))
    centered = _sub(b, x, mean)
    var = pointwise(b, [_sum(b, _mul(b, centered, centered), dims, True),
                        float(m)], lambda body, a: body.div(a[0], a[1]))
    rstd = _rsqrt_eps(b, var, eps)
    out = _mul(b, centered, rstd)
    if weight is not None:
        out = _mul(b, out, weight)
    if bias is not None:
        out = pointwise(b, [out, bias], lambda body, a: body.add(a[0], a[1]))
    return out, mean, rstd


@register(aten.native_layer_norm_backward.default)
def native_layer_norm_backward(b, g, x, normalized_shape, mean, rstd, weight,
                               bias, output_mask):
    k = len(normalized_shape)
    norm_dims = list(range(x.rank - k, x.rank))
    batch_dims = list(range(x.rank - k))
    m = 1
    for d in normalized_shape:
        m *= d
    xhat = _normalize(b, x, mean, rstd)
    gx = g if weight is None else _mul(b, g, weight)
    s1 = _sum(b, gx, norm_dims, True)
    s2 = _sum(b, _mul(b, gx, xhat), norm_dims, True)
    # gi = rstd/m * (m gx - s1 - xhat s2)
    gi = pointwise(b, [gx, s1, xhat, s2, rstd, float(m)],
                   lambda body, a: body.mul(body.div(a[4], a[5]), body.sub(
                       body.sub(body.mul(a[5], a[0]), a[1]),
                       body.mul(a[2], a[3]))))
    gw = _sum(b, _mul(b, g, xhat), batch_dims, False) if output_mask[1] \
        and weight is not None else None
    gb = _sum(b, g, batch_dims, False) if output_mask[2] and bias is not None \
        else None
    return gi if output_mask[0] else None, gw, gb


# -- embedding --------------------------------------------------------------------

def _as_index(body, i64):
    return body.cast("arith.index_cast", i64, "i64", "index")


@register(aten.embedding.default)
def embedding(b, weight, indices, padding_idx=-1, scale_grad_by_freq=False,
              sparse=False):
    if sparse:
        raise Unsupported("sparse embedding gradients")
    idx = b.reshape(indices, (indices.numel,))
    if idx.dtype != "i64":
        idx = pointwise(b, [idx], lambda body, a: a[0], compute="i64")
    t, d = idx.shape[0], weight.shape[1]
    out = b.empty((t, d), F32)

    def fn(body, i, o):
        row = _as_index(body, i[0])
        return body.extract(weight, [row, body.index(1)])

    r = b.generic([idx], [["d0"]], [out], [["d0", "d1"]],
                  ["parallel", "parallel"], fn, 2)[0]
    return b.reshape(r, tuple(indices.shape) + (d,))


@register(aten.embedding_dense_backward.default)
def embedding_dense_backward(b, grad, indices, num_weights, padding_idx,
                             scale_grad_by_freq):
    if scale_grad_by_freq:
        raise Unsupported("embedding with scale_grad_by_freq=True")
    idx = b.reshape(indices, (indices.numel,))
    if idx.dtype != "i64":
        idx = pointwise(b, [idx], lambda body, a: a[0], compute="i64")
    d = grad.shape[-1]
    g = b.reshape(grad, (idx.shape[0], d))
    acc = b.full((num_weights, d), 0.0, F32)

    # gw[v, j] = sum_t [idx[t] == v and v != padding_idx] g[t, j]
    def fn(body, i, o):
        v = body.cast("arith.index_cast", body.index(0), "index", "i64")
        hit = body.cmpi("eq", i[0], v, "i64")
        if padding_idx >= 0:
            hit = body.op("arith.andi", [hit, body.cmpi(
                "ne", v, body.const(padding_idx, "i64"), "i64")], "i1")
        return body.add(o[0], body.select(hit, i[1], body.const(0.0, F32), F32))

    return b.generic([idx, g], [["d2"], ["d2", "d1"]], [acc], [["d0", "d1"]],
                     ["parallel", "parallel", "reduction"], fn, 3)[0]


# -- pooling ------------------------------------------------------------------------

def _pool_params(x, kernel, stride, padding, dilation, ceil_mode):
    if x.rank != 4:
        raise Unsupported("2-D pooling of a rank-%d input (NCHW only)" % x.rank)
    k = list(kernel) * (2 // len(kernel))
    s = list(stride) * (2 // len(stride)) if stride else list(k)
    p = list(padding) * (2 // len(padding))
    d = list(dilation) * (2 // len(dilation))
    out = []
    for i in range(2):
        span = x.shape[2 + i] + 2 * p[i] - d[i] * (k[i] - 1) - 1
        o = span // s[i] + 1
        if ceil_mode and span % s[i] and (o * s[i] < x.shape[2 + i] + p[i]):
            raise Unsupported("ceil_mode=True with a partial last window")
        out.append(o)
    return k, s, p, d, out


def _window_maps(s, d):
    return ["d0", "d1", "d2 * %d + d4 * %d" % (s[0], d[0]),
            "d3 * %d + d5 * %d" % (s[1], d[1])]


def _window(b, xp, k, out, s, d, init, outs_extra, fn):
    """A generic over (n, c, oh, ow, kh, kw) reading the padded input's window;
    the (kh, kw) extent comes from an empty (kh, kw) operand."""
    n, c = xp.shape[:2]
    extent = b.empty(tuple(k), F32)
    acc = b.full((n, c, out[0], out[1]), init, F32)
    return b.generic([xp, extent], [_window_maps(s, d), ["d4", "d5"]],
                     [acc] + outs_extra,
                     [["d0", "d1", "d2", "d3"]] * (1 + len(outs_extra)),
                     ["parallel"] * 4 + ["reduction"] * 2, fn, 6)


@register(aten.max_pool2d_with_indices.default)
def max_pool2d_with_indices(b, x, kernel, stride=(), padding=(0,),
                            dilation=(1,), ceil_mode=False):
    k, s, p, d, out = _pool_params(x, kernel, stride, padding, dilation,
                                   ceil_mode)
    xp = b.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])], float("-inf"))
    idx0 = b.full((x.shape[0], x.shape[1], out[0], out[1]), 0, "i64")
    width = x.shape[3]

    def fn(body, i, o):
        # flat index (ih * W + iw) of this window element in the unpadded input
        def coord(out_dim, k_dim, i):
            v = body.op("arith.muli", [body.index(out_dim),
                                       body.const(s[i], "index")], "index")
            w = body.op("arith.muli", [body.index(k_dim),
                                       body.const(d[i], "index")], "index")
            v = body.op("arith.addi", [v, w], "index")
            return body.op("arith.subi", [v, body.const(p[i], "index")], "index")
        ih, iw = coord(2, 4, 0), coord(3, 5, 1)
        flat = body.op("arith.addi", [body.op("arith.muli", [
            ih, body.const(width, "index")], "index"), iw], "index")
        flat = body.cast("arith.index_cast", flat, "index", "i64")
        # torch keeps the first maximum and propagates NaN
        better = body.op("arith.ori", [body.cmpf("ogt", i[0], o[0]),
                                       body.cmpf("uno", i[0], i[0])], "i1")
        return [body.select(better, i[0], o[0], F32),
                body.select(better, flat, o[1], "i64")]

    val, idx = _window(b, xp, k, out, s, d, float("-inf"), [idx0], fn)
    return val, idx


def _scatter_windows(b, g, x_shape, k, s, p, d, contribution):
    """gi[n,c,h,w] = sum over the windows (oh, ow) that read (h, w) of
    contribution(body, oh, ow, h, w, g[n,c,oh,ow]); windows are found by
    index arithmetic and read with tensor.extract."""
    oh_n, ow_n = g.shape[2:]
    extent = b.empty(tuple(k), F32)
    acc = b.full(tuple(x_shape), 0.0, F32)

    def fn(body, i, o):
        zero = body.const(0, "index")

        def window(dim, kdim, j, count):
            num = body.op("arith.subi", [
                body.op("arith.addi", [body.index(dim),
                                       body.const(p[j], "index")], "index"),
                body.op("arith.muli", [body.index(kdim),
                                       body.const(d[j], "index")], "index")],
                "index")
            q = body.op("arith.divsi", [num, body.const(s[j], "index")], "index")
            r = body.op("arith.remsi", [num, body.const(s[j], "index")], "index")
            ok = body.op("arith.andi", [
                body.cmpi("sge", num, zero, "index"),
                body.op("arith.andi", [
                    body.cmpi("eq", r, zero, "index"),
                    body.cmpi("slt", q, body.const(count, "index"), "index")],
                    "i1")], "i1")
            return ok, body.select(ok, q, zero, "index")

        ok_h, oh = window(2, 4, 0, oh_n)
        ok_w, ow = window(3, 5, 1, ow_n)
        ok = body.op("arith.andi", [ok_h, ok_w], "i1")
        at = [body.index(0), body.index(1), oh, ow]
        gv = body.extract(g, at)
        c = contribution(body, at, gv)
        if c[1] is not None:
            ok = body.op("arith.andi", [ok, c[1]], "i1")
        return body.add(o[0], body.select(ok, c[0], body.const(0.0, F32), F32))

    return b.generic([extent], [["d4", "d5"]], [acc],
                     [["d0", "d1", "d2", "d3"]],
                     ["parallel"] * 4 + ["reduction"] * 2, fn, 6)[0]


@register(aten.max_pool2d_with_indices_backward.default)
def max_pool2d_with_indices_backward(b, g, x, kernel, stride, padding,
                                     dilation, ceil_mode, indices):
    k, s, p, d, out = _pool_params(x, kernel, stride, padding, dilation,
                                   ceil_mode)
    width = x.shape[3]

    def contribution(body, at, gv):
        idx = body.extract(indices, at)
        flat = body.op("arith.addi", [body.op("arith.muli", [
            body.index(2), body.const(width, "index")], "index"),
            body.index(3)], "index")
        flat = body.cast("arith.index_cast", flat, "index", "i64")
        return gv, body.cmpi("eq", idx, flat, "i64")

    return _scatter_windows(b, g, x.shape, k, s, p, d, contribution)


def _avg_count(b, x, k, s, p, d, out, count_include_pad, divisor_override):
    """The divisor of each output element, shaped (oh, ow) (or a number)."""
    if divisor_override:
        return float(divisor_override)
    if count_include_pad or (p[0] == 0 and p[1] == 0):
        return float(k[0] * k[1])
    ones = b.full((1, 1) + tuple(x.shape[2:]), 1.0, F32)
    onesp = b.pad(ones, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])], 0.0)
    cnt = _window(b, onesp, k, out, s, d, 0.0, [],
                  lambda body, i, o: body.add(o[0], i[0]))[0]
    return b.reshape(cnt, tuple(out))


@register(aten.avg_pool2d.default)
def avg_pool2d(b, x, kernel, stride=(), padding=(0,), ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    k, s, p, d, out = _pool_params(x, kernel, stride, padding, (1,), ceil_mode)
    xp = b.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])], 0.0)
    total = _window(b, xp, k, out, s, d, 0.0, [],
                    lambda body, i, o: body.add(o[0], i[0]))[0]
    cnt = _avg_count(b, x, k, s, p, d, out, count_include_pad,
                     divisor_override)
    return pointwise(b, [total, cnt], lambda body, a: body.div(a[0], a[1]))


@register(aten.avg_pool2d_backward.default)
def avg_pool2d_backward(b, g, x, kernel, stride, padding, ceil_mode,
                        count_include_pad, divisor_override):
    k, s, p, d, out = _pool_params(x, kernel, stride, padding, (1,), ceil_mode)
    cnt = _avg_count(b, x, k, s, p, d, out, count_include_pad,
                     divisor_override)
    gd = pointwise(b, [g, cnt], lambda body, a: body.div(a[0], a[1]))
    return _scatter_windows(b, gd, x.shape, k, s, p, d,
                            lambda body, at, gv: (gv, None))
