"""A small text builder for FP32 linalg-on-tensors MLIR.

Debian ships no MLIR Python bindings, so the frontend prints IR as text. The
builder keeps SSA names unique, attaches the current source location to every
op it prints, and offers the few structured shapes every aten lowering is
made of: elementwise ``linalg.generic`` with NumPy broadcasting, reductions,
contractions, reshapes and slices. Each registry entry in
:mod:`bf16_opt.frontend.ops` is a short composition of these.
"""

import math
import struct

__all__ = ["Value", "Builder", "Body", "tensor_type", "fmt_float"]

DTYPES = ("f32", "i64", "i32", "i1")


def tensor_type(shape, dtype):
    if shape is None:
        return dtype
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), dtype)


def fmt_float(x, dtype="f32"):
    """An f32 literal that round-trips exactly (hex for non-finite values)."""
    x = float(x)
    if math.isnan(x):
        return "0x7FC00000"
    if math.isinf(x):
        return "0x7F800000" if x > 0 else "0xFF800000"
    # Round to f32 first, then print enough digits to reproduce it.
    x = struct.unpack("<f", struct.pack("<f", x))[0]
    return "%.9e" % x


class Value:
    """An SSA value: a ranked tensor (``shape`` is a tuple) or a scalar."""

    __slots__ = ("name", "shape", "dtype")

    def __init__(self, name, shape, dtype):
        assert dtype in DTYPES, dtype
        self.name = name
        self.shape = None if shape is None else tuple(int(d) for d in shape)
        self.dtype = dtype

    @property
    def type(self):
        return tensor_type(self.shape, self.dtype)

    @property
    def rank(self):
        return len(self.shape)

    @property
    def numel(self):
        return math.prod(self.shape)

    def __repr__(self):
        return "Value(%s : %s)" % (self.name, self.type)


def _dims(n, prefix="d"):
    return ["%s%d" % (prefix, i) for i in range(n)]


def affine_map(num_dims, exprs):
    return "affine_map<(%s) -> (%s)>" % (", ".join(_dims(num_dims)),
                                         ", ".join(exprs))


def broadcast_shape(*shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = {s[len(s) - rank + i] for s in shapes
                if len(s) - rank + i >= 0} - {1}
        if len(dims) > 1:
            raise ValueError("shapes %s do not broadcast" % (shapes,))
        out.append(dims.pop() if dims else 1)
    return tuple(out)


class Body:
    """Scalar code inside a ``linalg.generic`` region."""

    def __init__(self, builder):
        self.b = builder
        self.lines = []

    def _emit(self, rhs, dtype):
        name = self.b.fresh()
        self.lines.append("%s = %s%s" % (name, rhs, self.b.loc_suffix()))
        return name

    def const(self, value, dtype):
        if dtype == "f32":
            lit = fmt_float(value)
        elif dtype == "i1":  # printed without a type (it is implied)
            return self._emit("arith.constant %s" % (
                "true" if value else "false"), dtype)
        else:
            lit = str(int(value))
        return self._emit("arith.constant %s : %s" % (lit, dtype), dtype)

    def op(self, name, operands, dtype, attrs=""):
        return self._emit("%s %s%s : %s" % (name, ", ".join(operands), attrs,
                                            dtype), dtype)

    def cmpf(self, pred, a, b):
        return self._emit("arith.cmpf %s, %s, %s : f32" % (pred, a, b), "i1")

    def cmpi(self, pred, a, b, dtype):
        return self._emit("arith.cmpi %s, %s, %s : %s" % (pred, a, b, dtype),
                          "i1")

    def select(self, c, a, b, dtype):
        return self._emit("arith.select %s, %s, %s : %s" % (c, a, b, dtype),
                          dtype)

    def cast(self, op, a, src, dst):
        return self._emit("%s %s : %s to %s" % (op, a, src, dst), dst)

    def index(self, dim):
        return self._emit("linalg.index %d : index" % dim, "index")

    def extract(self, tensor, indices):
        return self._emit("tensor.extract %s[%s] : %s" % (
            tensor.name, ", ".join(indices), tensor.type), tensor.dtype)

    # Shorthands for the f32 arithmetic most entries need.
    def add(self, a, b, t="f32"):
        return self.op("arith.addf" if t == "f32" else "arith.addi", [a, b], t)

    def sub(self, a, b, t="f32"):
        return self.op("arith.subf" if t == "f32" else "arith.subi", [a, b], t)

    def mul(self, a, b, t="f32"):
        return self.op("arith.mulf" if t == "f32" else "arith.muli", [a, b], t)

    def div(self, a, b):
        return self.op("arith.divf", [a, b], "f32")

    def neg(self, a):
        return self.op("arith.negf", [a], "f32")

    def math(self, fn, *args):
        return self.op("math." + fn, list(args), "f32")

    def maxf(self, a, b):
        return self.op("arith.maximumf", [a, b], "f32")


class Builder:
    """Collects the body of one ``func.func`` as text."""

    def __init__(self):
        self.lines = []
        self.counter = 0
        self.loc = None  # an MLIR location literal, e.g. loc("m.py":3:0)

    # -- bookkeeping -------------------------------------------------------
    def fresh(self):
        self.counter += 1
        return "%%v%d" % self.counter

    def loc_suffix(self):
        return " " + self.loc if self.loc else ""

    def emit(self, rhs, shape, dtype):
        v = Value(self.fresh(), shape, dtype)
        self.lines.append("%s = %s%s" % (v.name, rhs, self.loc_suffix()))
        return v

    def emit_multi(self, rhs, results):
        """An op with several results; `results` is [(shape, dtype)]."""
        names = [self.fresh() for _ in results]
        self.lines.append("%s = %s%s" % (", ".join(names), rhs,
                                         self.loc_suffix()))
        return [Value(n, s, d) for n, (s, d) in zip(names, results)]

    # -- constants and creation ---------------------------------------------
    def scalar_const(self, value, dtype):
        body = Body(self)
        name = body.const(value, dtype)
        self.lines.extend(body.lines)
        return Value(name, None, dtype)

    def empty(self, shape, dtype):
        return self.emit("tensor.empty() : %s" % tensor_type(shape, dtype),
                         shape, dtype)

    def full(self, shape, value, dtype):
        c = self.scalar_const(value, dtype)
        e = self.empty(shape, dtype)
        return self.emit("linalg.fill ins(%s : %s) outs(%s : %s) -> %s" % (
            c.name, dtype, e.name, e.type, e.type), shape, dtype)

    def from_scalar(self, s):
        """A 0-d tensor holding scalar value `s`."""
        return self.emit("tensor.from_elements %s : %s" % (
            s.name, tensor_type((), s.dtype)), (), s.dtype)

    # -- generic -------------------------------------------------------------
    def generic(self, ins, in_maps, outs, out_maps, iterators, body_fn,
                num_dims):
        """A ``linalg.generic``. `ins`/`outs` are Values, maps are lists of
        result expressions over d0..d{num_dims-1}; body_fn(body, in_args,
        out_args) returns the yielded scalar names."""
        body = Body(self)
        in_args = [self.fresh() for _ in ins]
        out_args = [self.fresh() for _ in outs]
        yielded = body_fn(body, in_args, out_args)
        if isinstance(yielded, str):
            yielded = [yielded]
        maps = [affine_map(num_dims, m) for m in list(in_maps) + list(out_maps)]
        head = "linalg.generic {indexing_maps = [%s], iterator_types = [%s]}" % (
            ", ".join(maps), ", ".join('"%s"' % it for it in iterators))
        if ins:
            head += " ins(%s : %s)" % (", ".join(v.name for v in ins),
                                        ", ".join(v.type for v in ins))
        head += " outs(%s : %s) {" % (", ".join(v.name for v in outs),
                                       ", ".join(v.type for v in outs))
        block_args = ["%s: %s" % (a, v.dtype)
                      for a, v in zip(in_args + out_args, ins + outs)]
        names = [self.fresh() for _ in outs]
        lines = ["%s = %s" % (", ".join(names), head),
                 "^bb0(%s):" % ", ".join(block_args)]
        lines += ["  " + l for l in body.lines]
        lines.append("  linalg.yield %s : %s%s" % (
            ", ".join(yielded), ", ".join(v.dtype for v in outs),
            self.loc_suffix()))
        lines.append("} -> (%s)%s" % (", ".join(v.type for v in outs),
                                      self.loc_suffix()))
        self.lines.extend(lines)
        results = [Value(n, v.shape, v.dtype) for n, v in zip(names, outs)]
        return results

    # -- shapes ---------------------------------------------------------------
    def reshape(self, x, shape):
        """Row-major reshape: collapse to 1-D (or 0-D), then expand."""
        shape = tuple(int(d) for d in shape)
        if x.shape == shape:
            return x
        assert math.prod(shape) == x.numel, (x.shape, shape)
        if x.rank == 0:
            return self.emit(
                "tensor.expand_shape %s [] output_shape [%s] : %s into %s" % (
                    x.name, ", ".join(str(d) for d in shape), x.type,
                    tensor_type(shape, x.dtype)), shape, x.dtype)
        flat = x
        if x.rank != 1:
            groups = "[[%s]]" % ", ".join(str(i) for i in range(x.rank))
            flat = self.emit("tensor.collapse_shape %s %s : %s into %s" % (
                x.name, groups, x.type, tensor_type((x.numel,), x.dtype)),
                (x.numel,), x.dtype)
        if len(shape) == 1:
            return flat
        if len(shape) == 0:
            return self.emit("tensor.collapse_shape %s [] : %s into %s" % (
                flat.name, flat.type, tensor_type((), x.dtype)), (), x.dtype)
        groups = "[[%s]]" % ", ".join(str(i) for i in range(len(shape)))
        return self.emit(
            "tensor.expand_shape %s %s output_shape [%s] : %s into %s" % (
                flat.name, groups, ", ".join(str(d) for d in shape),
                flat.type, tensor_type(shape, x.dtype)), shape, x.dtype)

    def squeeze_units(self, x):
        """Drops every size-1 dimension; returns (value, kept dims)."""
        kept = [i for i, d in enumerate(x.shape) if d != 1]
        if len(kept) == x.rank:
            return x, kept
        return self.reshape(x, [x.shape[i] for i in kept]), kept

    def transpose(self, x, perm):
        perm = list(perm)
        if perm == list(range(x.rank)):
            return x
        shape = tuple(x.shape[p] for p in perm)
        e = self.empty(shape, x.dtype)
        return self.emit(
            "linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [%s]"
            % (x.name, x.type, e.name, e.type,
               ", ".join(str(p) for p in perm)), shape, x.dtype)

    def extract_slice(self, x, offsets, sizes, strides, result_shape=None):
        shape = tuple(sizes) if result_shape is None else tuple(result_shape)
        return self.emit(
            "tensor.extract_slice %s[%s] [%s] [%s] : %s to %s" % (
                x.name, ", ".join(map(str, offsets)), ", ".join(map(str, sizes)),
                ", ".join(map(str, strides)), x.type,
                tensor_type(shape, x.dtype)), shape, x.dtype)

    def insert_slice(self, src, dst, offsets, sizes, strides):
        return self.emit(
            "tensor.insert_slice %s into %s[%s] [%s] [%s] : %s into %s" % (
                src.name, dst.name, ", ".join(map(str, offsets)),
                ", ".join(map(str, sizes)), ", ".join(map(str, strides)),
                src.type, dst.type), dst.shape, dst.dtype)

    def extract_scalar(self, x, indices=()):
        idx = [self.index_const(i).name for i in indices]
        return self.emit("tensor.extract %s[%s] : %s" % (
            x.name, ", ".join(idx), x.type), None, x.dtype)

    def index_const(self, i):
        name = self.fresh()
        self.lines.append("%s = arith.constant %d : index%s" % (
            name, i, self.loc_suffix()))
        return Value(name, None, "i64")

    # -- structured helpers -----------------------------------------------------
    def elementwise(self, operands, body_fn, dtype, shape=None):
        """Broadcasting elementwise op. `operands` are Values (tensors or
        scalars); size-1 dimensions are collapsed away first so every
        indexing map is a projected permutation. body_fn(body, args) returns
        the scalar result name."""
        tensors = [v for v in operands if v.shape is not None]
        if shape is None:
            shape = broadcast_shape(*[v.shape for v in tensors]) \
                if tensors else ()
        rank = len(shape)
        ins, maps, order = [], [], []
        for v in operands:
            if v.shape is None:
                order.append(("scalar", v.name))
                continue
            # Operands of the output's shape keep their identity map (an
            # update's state argument must reach the generic unchanged);
            # broadcasting ones lose their size-1 dimensions first.
            if v.shape == tuple(shape):
                sq, kept = v, list(range(v.rank))
            else:
                sq, kept = self.squeeze_units(v)
            off = rank - v.rank
            ins.append(sq)
            maps.append(["d%d" % (off + k) for k in kept])
            order.append(("tensor", len(ins) - 1))
        out = self.empty(shape, dtype)

        def fn(body, in_args, out_args):
            args = [ref if kind == "scalar" else in_args[ref]
                    for kind, ref in order]
            return body_fn(body, args)

        return self.generic(ins, maps, [out], [_dims(rank)],
                            ["parallel"] * rank, fn, rank)[0]

    def reduce(self, x, dims, init, combine, dtype=None, keepdim=False):
        """Reduces `dims` of `x` with combine(body, elem, acc) from `init`."""
        dtype = dtype or x.dtype
        dims = sorted(d % x.rank for d in dims) if x.rank else []
        out_shape = [d for i, d in enumerate(x.shape) if i not in dims]
        acc = self.full(out_shape, init, dtype)
        its = ["reduction" if i in dims else "parallel"
               for i in range(x.rank)]
        out_map = ["d%d" % i for i in range(x.rank) if i not in dims]
        r = self.generic([x], [_dims(x.rank)], [acc], [out_map], its,
                         lambda b, i, o: combine(b, i[0], o[0]), x.rank)[0]
        if keepdim:
            r = self.reshape(r, [1 if i in dims else d
                                 for i, d in enumerate(x.shape)])
        return r

    def broadcast_to(self, x, shape):
        """Materializes x broadcast to `shape` (NumPy rules)."""
        if x.shape == tuple(shape):
            return x
        return self.elementwise([x], lambda b, a: a[0], x.dtype, tuple(shape))

    def contract(self, a, b, a_map, b_map, out_shape, out_map, iterators,
                 num_dims):
        """sum-of-products generic with a zero-filled f32 accumulator."""
        acc = self.full(out_shape, 0.0, "f32")

        def fn(body, i, o):
            return body.add(o[0], body.mul(i[0], i[1]))

        return self.generic([a, b], [a_map, b_map], [acc], [out_map],
                            iterators, fn, num_dims)[0]

    def named(self, op, ins, out_shape, attrs=""):
        """A named linalg contraction (matmul, batch_matmul, conv...) into a
        zero-filled accumulator."""
        acc = self.full(out_shape, 0.0, "f32")
        return self.emit("%s%s ins(%s : %s) outs(%s : %s) -> %s" % (
            op, attrs, ", ".join(v.name for v in ins),
            ", ".join(v.type for v in ins), acc.name, acc.type, acc.type),
            tuple(out_shape), "f32")

    def pad(self, x, pads, value):
        """Pads each dimension by (low, high) with a constant."""
        if all(lo == 0 and hi == 0 for lo, hi in pads):
            return x
        shape = [d + lo + hi for d, (lo, hi) in zip(x.shape, pads)]
        dst = self.full(shape, value, x.dtype)
        return self.insert_slice(x, dst, [lo for lo, _ in pads], x.shape,
                                 [1] * x.rank)
