"""Contractions: ``mm``, ``addmm``, ``bmm`` and 2-D (and 1-D) convolutions
with their backward, on named linalg ops (``linalg.matmul``,
``linalg.batch_matmul``, ``linalg.conv_2d_nchw_fchw``) so that
``--bf16-train-to-llvm`` puts them on the GEMM microkernel."""

import torch

from . import Unsupported, register
from .elementwise import pointwise
from .reduce import sum_dims

aten = torch.ops.aten


def _f32(*xs):
    for x in xs:
        if x.dtype != "f32":
            raise Unsupported("contraction of a %s tensor" % x.dtype)


@register(aten.mm.default)
def mm(b, x, y):
    _f32(x, y)
    return b.named("linalg.matmul", [x, y], (x.shape[0], y.shape[1]))


@register(aten.bmm.default)
def bmm(b, x, y):
    _f32(x, y)
    return b.named("linalg.batch_matmul", [x, y],
                   (x.shape[0], x.shape[1], y.shape[2]))


@register(aten.addmm.default)
def addmm(b, bias, x, y, beta=1, alpha=1):
    p = mm(b, x, y)

    def fn(body, a):
        prod = a[0] if alpha == 1 else body.mul(a[0], body.const(alpha, "f32"))
        add = a[1] if beta == 1 else body.mul(a[1], body.const(beta, "f32"))
        return body.add(prod, add)
    return pointwise(b, [p, bias], fn, compute="f32")


def _pair(v, n=2):
    v = list(v)
    return v * n if len(v) == 1 else v


def _conv(b, x, w, stride, dilation):
    """Valid 2-D convolution of an already padded NCHW input."""
    n, _, hp, wp = x.shape
    f, _, kh, kw = w.shape
    oh = (hp - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wp - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    attrs = (" {dilations = dense<[%d, %d]> : tensor<2xi64>, strides = "
             "dense<[%d, %d]> : tensor<2xi64>}" % (dilation[0], dilation[1],
                                                   stride[0], stride[1]))
    return b.named("linalg.conv_2d_nchw_fchw", [x, w], (n, f, oh, ow), attrs)


def _padded_input(b, x, k, stride, padding, dilation, out):
    """x padded by `padding` and trimmed to the extent the output reads."""
    pads, offsets, sizes = [(0, 0), (0, 0)], [0, 0], list(x.shape[:2])
    for i in range(2):
        need = (out[i] - 1) * stride[i] + dilation[i] * (k[i] - 1) + 1
        have = x.shape[2 + i] + 2 * padding[i]
        pads.append((padding[i], padding[i]))
        offsets.append(0)
        sizes.append(need)
        assert need <= have
    xp = b.pad(x, pads, 0.0)
    if list(sizes) != list(xp.shape):
        xp = b.extract_slice(xp, offsets, sizes, [1] * 4)
    return xp


def _as_2d(x):
    return x.rank == 3


def _check(transposed, groups, output_padding):
    if transposed:
        raise Unsupported("transposed convolution")
    if groups != 1:
        raise Unsupported("grouped convolution (groups=%d)" % groups)


@register(aten.convolution.default)
def convolution(b, x, w, bias, stride, padding, dilation, transposed,
                output_padding, groups):
    _check(transposed, groups, output_padding)
    _f32(x, w)
    one_d = x.rank == 3
    if one_d:
        x = b.reshape(x, x.shape[:2] + (1, x.shape[2]))
        w = b.reshape(w, w.shape[:2] + (1, w.shape[2]))
        stride, padding, dilation = [1] + list(stride), [0] + list(padding), \
            [1] + list(dilation)
    elif x.rank != 4:
        raise Unsupported("convolution of rank-%d input" % x.rank)
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    k = w.shape[2:]
    out = [(x.shape[2 + i] + 2 * padding[i] - dilation[i] * (k[i] - 1) - 1)
           // stride[i] + 1 for i in range(2)]
    xp = _padded_input(b, x, k, stride, padding, dilation, out)
    y = _conv(b, xp, w, stride, dilation)
    if bias is not None:
        y = pointwise(b, [y, b.reshape(bias, (bias.shape[0], 1, 1))],
                      lambda body, a: body.add(a[0], a[1]))
    if one_d:
        y = b.reshape(y, (y.shape[0], y.shape[1], y.shape[3]))
    return y


@register(aten.convolution_backward.default)
def convolution_backward(b, g, x, w, bias_sizes, stride, padding, dilation,
                         transposed, output_padding, groups, output_mask):
    _check(transposed, groups, output_padding)
    one_d = x.rank == 3
    if one_d:
        g = b.reshape(g, g.shape[:2] + (1, g.shape[2]))
        x = b.reshape(x, x.shape[:2] + (1, x.shape[2]))
        w = b.reshape(w, w.shape[:2] + (1, w.shape[2]))
        stride, padding, dilation = [1] + list(stride), [0] + list(padding), \
            [1] + list(dilation)
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    k = w.shape[2:]
    out = g.shape[2:]
    gi = gw = gb = None
    if output_mask[1]:
        # gw[f,c,i,j] = sum_{n,oh,ow} g[n,f,oh,ow] xp[n,c,oh*s+i*d,ow*s+j*d]:
        # a convolution of xp^(c,n) with g^(f,n) as the filter, stride d,
        # dilation s, giving (c,f,kh,kw).
        xp = _padded_input(b, x, k, stride, padding, dilation, out)
        r = _conv(b, b.transpose(xp, [1, 0, 2, 3]), b.transpose(g, [1, 0, 2, 3]),
                  dilation, stride)
        gw = b.transpose(r, [1, 0, 2, 3])
    if output_mask[0]:
        # Full correlation of g (dilated by the stride, padded by (k-1)d)
        # with the flipped, channel-transposed filter, then un-padded.
        hd = [(out[i] - 1) * stride[i] + 1 + 2 * (k[i] - 1) * dilation[i]
              for i in range(2)]
        gd = b.full((g.shape[0], g.shape[1], hd[0], hd[1]), 0.0, "f32")
        gd = b.insert_slice(g, gd, [0, 0, (k[0] - 1) * dilation[0],
                                    (k[1] - 1) * dilation[1]],
                            g.shape, [1, 1, stride[0], stride[1]])
        flipped = b.empty((w.shape[1], w.shape[0], k[0], k[1]), "f32")
        wf = b.generic([w], [["d1", "d0", "%d - d2" % (k[0] - 1),
                              "%d - d3" % (k[1] - 1)]], [flipped],
                       [["d0", "d1", "d2", "d3"]], ["parallel"] * 4,
                       lambda body, i, o: i[0], 4)[0]
        gp = _conv(b, gd, wf, [1, 1], dilation)
        # gp covers the padded input rows the forward read; rows it did not
        # read get zero gradient.
        extra = [max(0, padding[i] + x.shape[2 + i] - gp.shape[2 + i])
                 for i in range(2)]
        gp = b.pad(gp, [(0, 0), (0, 0), (0, extra[0]), (0, extra[1])], 0.0)
        gi = b.extract_slice(gp, [0, 0, padding[0], padding[1]], x.shape,
                             [1] * 4)
    if output_mask[2]:
        gb = sum_dims(b, g, [0, 2, 3])
    if one_d:
        if gi is not None:
            gi = b.reshape(gi, (gi.shape[0], gi.shape[1], gi.shape[3]))
        if gw is not None:
            gw = b.reshape(gw, (gw.shape[0], gw.shape[1], gw.shape[3]))
    return gi, gw, gb
