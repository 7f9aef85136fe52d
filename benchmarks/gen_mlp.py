#!/usr/bin/python3
"""Emit the FP32 training step of an MLP of any depth and width.

The step has the structure of examples/mlp_sgd_momentum.mlir (784-256-10,
batch 8), generalized to layer widths n0-n1-...-nL and batch B:

  forward:   a_l = h_{l-1} W_l + b_l  (h_0 = x),  h_l = relu(a_l) for hidden l,
             z = a_L,  loss = mean_b(-sum_c y log_softmax(z))
  backward:  dz = (softmax(z) - y) / B;  for l = L..1:
             gW_l = h_{l-1}^T da_l,  gb_l = sum_b da_l  (da_L = dz),
             dh_{l-1} = da_l W_l^T,  da_{l-1} = dh_{l-1} * [a_{l-1} > 0]
             (no input gradient for layer 1)
  optimizer: torch.optim.SGD(momentum=mu, weight_decay=wd):
             g' = g + wd w;  v' = mu v + g';  w' = w - lr v'

with linalg.matmul + linalg.transpose for the products, the same
func/linalg/tensor/arith/math ops, the same calling convention
(examples/README.md, "The step contract"):

  arguments: W1, b1, ..., WL, bL, then their momentum buffers in the same
             order, then x: Bxn0, y: BxnL (one-hot), then lr, mu, wd: f32
  results:   W1', b1', ..., vW1', vb1', ..., loss: tensor<f32>

and, like the example, no ABI attributes: bf16-detect-trained-state (run by
--bf16-train and by bf16-run) finds the roles and ties. --annotate writes
the roles and ties that detection finds (lowp.role, lowp.tied_to) explicitly.

--update selects how the optimizer update is spelled:
  generic  one fused all-parallel linalg.generic per parameter yielding
           (w', v') (what the example does for W2 and b2) -- the default;
  arith    tensor-level arith ops on linalg.fill'ed hyper-parameters (what
           the example does for W1 and b1), for every parameter;
  mixed    arith for layer 1, generic for the others: exactly the example.
           `gen_mlp.py --sizes 784,256,10 --batch 8 --update mixed` prints,
           after a round trip through bf16-opt, the same IR as the example.

Examples:
  gen_mlp.py --sizes 784,1024,1024,10 --batch 256 > mlp.mlir
  gen_mlp.py --depth 8 --width 64 --batch 8 > deep.mlir   # 8 hidden layers

The op count that benchmarks/compile_time.sh reports is MLIR's own
(`mlir-opt --print-op-stats`, implicit bodies of named linalg ops included).
"""

import argparse
import sys


class Emitter:
    def __init__(self, batch):
        self.B = batch
        self.lines = []
        self.empties = {}  # shape -> SSA name of tensor.empty
        self.zeros = {}    # shape -> SSA name of the zero fill

    def emit(self, text):
        self.lines.append("  " + text)

    @staticmethod
    def ty(shape):
        return "tensor<%sf32>" % "".join("%dx" % d for d in shape)

    @staticmethod
    def tag(shape):
        return "x".join(str(d) for d in shape) if shape else "0"

    def empty(self, shape):
        shape = tuple(shape)
        if shape not in self.empties:
            name = "%%e%s" % self.tag(shape)
            self.emit("%s = tensor.empty() : %s" % (name, self.ty(shape)))
            self.empties[shape] = name
        return self.empties[shape]

    def fill(self, name, value, shape):
        e = self.empty(shape)
        t = self.ty(shape)
        self.emit("%s = linalg.fill ins(%s : f32) outs(%s : %s) -> %s"
                  % (name, value, e, t, t))
        return name

    def zero(self, shape, prefix="%z"):
        shape = tuple(shape)
        if shape not in self.zeros:
            self.empty(shape)
            self.zeros[shape] = self.fill("%s%s" % (prefix, self.tag(shape)),
                                          "%zero", shape)
        return self.zeros[shape]

    def matmul(self, name, a, ashape, b, bshape):
        out = (ashape[0], bshape[1])
        self.empty(out)  # the example creates the empty before the fill
        z = self.zero(out)
        self.emit("%s = linalg.matmul ins(%s, %s : %s, %s)"
                  % (name, a, b, self.ty(ashape), self.ty(bshape)))
        self.emit("                     outs(%s : %s) -> %s"
                  % (z, self.ty(out), self.ty(out)))
        return name

    def transpose(self, name, src, shape):
        out = (shape[1], shape[0])
        e = self.empty(out)
        self.emit("%s = linalg.transpose ins(%s : %s) outs(%s : %s)"
                  % (name, src, self.ty(shape), e, self.ty(out)))
        self.emit("    permutation = [1, 0]")
        return name

    def reduce(self, name, src, shape, init, dims, combiner):
        self.emit("%s = linalg.reduce ins(%s : %s) outs(%s : %s) dimensions = [%s]"
                  % (name, src, self.ty(shape), init,
                     self.ty([d for i, d in enumerate(shape) if i not in dims]),
                     ", ".join(map(str, dims))))
        self.emit("    (%in: f32, %acc: f32) {")
        self.emit("      %%r = arith.%s %%in, %%acc : f32" % combiner)
        self.emit("      linalg.yield %r : f32")
        self.emit("    }")
        return name


def generate(sizes, batch, update="generic", annotate=False, name="train_step"):
    if len(sizes) < 2 or any(n < 1 for n in sizes) or batch < 1:
        raise ValueError("need at least two positive layer widths and B >= 1")
    if update not in ("generic", "arith", "mixed"):
        raise ValueError("unknown --update %r" % update)
    L = len(sizes) - 1
    B = batch
    E = Emitter(B)
    ty = Emitter.ty
    wshape = [(sizes[l - 1], sizes[l]) for l in range(1, L + 1)]
    bshape = [(sizes[l],) for l in range(1, L + 1)]

    # Signature.
    params, ptypes = [], []
    for l in range(1, L + 1):
        params += ["%%W%d" % l, "%%b%d" % l]
        ptypes += [ty(wshape[l - 1]), ty(bshape[l - 1])]
    moms = ["%v" + p[1:] for p in params]
    nstate = 2 * len(params)
    role = ((lambda r: " {lowp.role = #lowp<role %s>}" % r) if annotate
            else (lambda r: ""))
    args = ["%s: %s%s" % (p, t, role("param")) for p, t in zip(params, ptypes)]
    args += ["%s: %s%s" % (m, t, role("optimizer_state"))
             for m, t in zip(moms, ptypes)]
    args += ["%%x: %s%s" % (ty((B, sizes[0])), role("input")),
             "%%y: %s%s" % (ty((B, sizes[-1])), role("input"))]
    args += ["%%%s: f32%s" % (h, role("input")) for h in ("lr", "mu", "wd")]
    tie = (lambda i: " {lowp.tied_to = %d : i64}" % i) if annotate else (lambda i: "")
    rtypes = [t + tie(i) for i, t in enumerate(ptypes + ptypes)] + ["tensor<f32>"]

    header = [
        "// MLP %s, batch %d: one FP32 training step (softmax cross-entropy,"
        % ("-".join(map(str, sizes)), B),
        "// SGD with momentum and weight decay). Generated by benchmarks/gen_mlp.py",
        "// (--update %s%s) with the structure of examples/mlp_sgd_momentum.mlir."
        % (update, ", --annotate" if annotate else ""),
        "",
        "#map2 = affine_map<(b, c) -> (b, c)>",
        "#row2 = affine_map<(b, c) -> (b)>",
        "#id1 = affine_map<(i) -> (i)>",
        "#scalar = affine_map<() -> ()>",
        "",
        "func.func @%s(" % name,
        "    " + ",\n    ".join(args) + ")",
        "    -> (" + ",\n        ".join(rtypes) + ") {",
    ]

    E.emit("%zero = arith.constant 0.0 : f32")
    E.emit("%ninf = arith.constant 0xFF800000 : f32")
    E.emit("%%nb = arith.constant %.1f : f32" % float(B))

    # Forward.
    h, hshape = "%x", (B, sizes[0])
    acts = [None]   # acts[l] = (a_l, h_l) names
    for l in range(1, L + 1):
        n = sizes[l]
        out = (B, n)
        E.lines.append("")
        E.lines.append("  // Forward, layer %d: a%d = h%d W%d + b%d%s."
                       % (l, l, l - 1, l, l, ", h%d = relu(a%d)" % (l, l) if l < L else ""))
        E.empty(out)
        xw = E.matmul("%%xw%d" % l, h, hshape, "%%W%d" % l, wshape[l - 1])
        e = E.empty(out)
        E.emit("%%bb%d = linalg.broadcast ins(%%b%d : %s) outs(%s : %s)"
               % (l, l, ty((n,)), e, ty(out)))
        E.emit("    dimensions = [0]")
        a = "%%a%d" % l if l < L else "%z"
        E.emit("%s = linalg.add ins(%s, %%bb%d : %s, %s)"
               % (a, xw, l, ty(out), ty(out)))
        E.emit("                outs(%s : %s) -> %s" % (e, ty(out), ty(out)))
        if l < L:
            hn = "%%h%d" % l
            E.emit('%s = linalg.generic {indexing_maps = [#map2, #map2], '
                   'iterator_types = ["parallel", "parallel"]}' % hn)
            E.emit("    ins(%s : %s) outs(%s : %s) {" % (a, ty(out), e, ty(out)))
            E.emit("^bb0(%ai: f32, %o: f32):")
            E.emit("  %r = arith.maximumf %ai, %zero : f32")
            E.emit("  linalg.yield %r : f32")
            E.emit("} -> %s" % ty(out))
            acts.append((a, hn))
            h, hshape = hn, out
        else:
            acts.append((a, None))

    # Softmax cross-entropy.
    C = sizes[-1]
    zc = (B, C)
    E.lines.append("")
    E.lines.append("  // Softmax cross-entropy: m = max_c z, s = sum_c exp(z - m),")
    E.lines.append("  // log_softmax = z - m - log s, dz = (exp(z - m) / s - y) / B.")
    E.empty((B,))
    E.fill("%ninfB", "%ninf", (B,))
    E.zeros[(B,)] = E.fill("%zeroB", "%zero", (B,))
    E.reduce("%zmax", "%z", zc, "%ninfB", [1], "maximumf")
    ez = E.empty(zc)
    E.emit('%ez = linalg.generic {indexing_maps = [#map2, #row2, #map2], '
           'iterator_types = ["parallel", "parallel"]}')
    E.emit("    ins(%%z, %%zmax : %s, %s) outs(%s : %s) {"
           % (ty(zc), ty((B,)), ez, ty(zc)))
    E.emit("^bb0(%zi: f32, %mi: f32, %o: f32):")
    E.emit("  %d = arith.subf %zi, %mi : f32")
    E.emit("  %ex = math.exp %d : f32")
    E.emit("  linalg.yield %ex : f32")
    E.emit("} -> %s" % ty(zc))
    E.reduce("%esum", "%ez", zc, "%zeroB", [1], "addf")
    E.emit("%lterm, %dz = linalg.generic")
    E.emit("    {indexing_maps = [#map2, #row2, #map2, #row2, #map2, #map2, #map2],")
    E.emit('     iterator_types = ["parallel", "parallel"]}')
    E.emit("    ins(%%z, %%zmax, %%ez, %%esum, %%y : %s, %s, %s, %s, %s)"
           % (ty(zc), ty((B,)), ty(zc), ty((B,)), ty(zc)))
    E.emit("    outs(%s, %s : %s, %s) {" % (ez, ez, ty(zc), ty(zc)))
    E.emit("^bb0(%zi: f32, %mi: f32, %ei: f32, %si: f32, %yi: f32, %o0: f32, %o1: f32):")
    for line in ("%ls = math.log %si : f32", "%zm = arith.subf %zi, %mi : f32",
                 "%logp = arith.subf %zm, %ls : f32", "%ylp = arith.mulf %yi, %logp : f32",
                 "%li = arith.negf %ylp : f32", "%p = arith.divf %ei, %si : f32",
                 "%py = arith.subf %p, %yi : f32", "%dzi = arith.divf %py, %nb : f32",
                 "linalg.yield %li, %dzi : f32, f32"):
        E.emit("  " + line)
    E.emit("} -> (%s, %s)" % (ty(zc), ty(zc)))
    E.empty(())
    E.zeros[()] = E.fill("%zero0", "%zero", ())
    E.reduce("%lsum", "%lterm", zc, "%zero0", [0, 1], "addf")
    E.emit('%loss = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}')
    E.emit("    ins(%%lsum : tensor<f32>) outs(%s : tensor<f32>) {" % E.empties[()])
    E.emit("^bb0(%s: f32, %o: f32):")
    E.emit("  %mean = arith.divf %s, %nb : f32")
    E.emit("  linalg.yield %mean : f32")
    E.emit("} -> tensor<f32>")

    # Backward, top layer down.
    grads = {}
    da, dashape = "%dz", zc
    for l in range(L, 0, -1):
        nin, nout = sizes[l - 1], sizes[l]
        hin = "%x" if l == 1 else acts[l - 1][1]
        E.lines.append("")
        E.lines.append("  // Backward, layer %d: gW%d = h%d^T da%d, gb%d = sum_b da%d%s."
                       % (l, l, l - 1, l, l, l,
                          ", dh%d = da%d W%d^T" % (l - 1, l, l) if l > 1 else ""))
        hT = E.transpose("%%hT%d" % l, hin, (B, nin))
        gW = E.matmul("%%gW%d" % l, hT, (nin, B), da, dashape)
        E.empty((nout,))
        gb = E.reduce("%%gb%d" % l, da, dashape, E.zero((nout,), "%zero"), [0], "addf")
        grads[l] = (gW, gb)
        if l == 1:
            break
        wT = E.transpose("%%WT%d" % l, "%%W%d" % l, (nin, nout))
        dh = E.matmul("%%dh%d" % (l - 1), da, dashape, wT, (nout, nin))
        out = (B, nin)
        e = E.empty(out)
        nda = "%%da%d" % (l - 1)
        E.emit('%s = linalg.generic {indexing_maps = [#map2, #map2, #map2], '
               'iterator_types = ["parallel", "parallel"]}' % nda)
        E.emit("    ins(%s, %s : %s, %s) outs(%s : %s) {"
               % (dh, acts[l - 1][0], ty(out), ty(out), e, ty(out)))
        E.emit("^bb0(%g: f32, %ai: f32, %o: f32):")
        E.emit("  %pos = arith.cmpf ogt, %ai, %zero : f32")
        E.emit("  %r = arith.select %pos, %g, %zero : f32")
        E.emit("  linalg.yield %r : f32")
        E.emit("} -> %s" % ty(out))
        da, dashape = nda, out

    # Optimizer.
    results = []
    newp, newv = [], []
    for l in range(1, L + 1):
        for kind, shape, g in (("W", wshape[l - 1], grads[l][0]),
                               ("b", bshape[l - 1], grads[l][1])):
            w, v = "%%%s%d" % (kind, l), "%%v%s%d" % (kind, l)
            t = ty(shape)
            style = update if update != "mixed" else ("arith" if l == 1 else "generic")
            E.lines.append("")
            if style == "arith":
                E.lines.append("  // Optimizer, %s%d: tensor-level arith ops." % (kind, l))
                s = "%s%d" % (kind, l)
                E.fill("%%wd%s" % s, "%wd", shape)
                E.fill("%%mu%s" % s, "%mu", shape)
                E.fill("%%lr%s" % s, "%lr", shape)
                for line in ("%%d%s = arith.mulf %%wd%s, %s" % (s, s, w),
                             "%%gd%s = arith.addf %s, %%d%s" % (s, g, s),
                             "%%mv%s = arith.mulf %%mu%s, %s" % (s, s, v),
                             "%%v%sn = arith.addf %%mv%s, %%gd%s" % (s, s, s),
                             "%%s%s = arith.mulf %%lr%s, %%v%sn" % (s, s, s),
                             "%%%sn = arith.subf %s, %%s%s" % (s, w, s)):
                    E.emit(line + " : " + t)
                newp.append("%%%sn" % s)
                newv.append("%%v%sn" % s)
            else:
                E.lines.append("  // Optimizer, %s%d: one fused linalg.generic yielding (w', v')."
                               % (kind, l))
                m = "#map2" if len(shape) == 2 else "#id1"
                it = ", ".join(['"parallel"'] * len(shape))
                e = E.empty(shape)
                s = "%s%d" % (kind, l)
                E.emit("%%%sn, %%v%sn = linalg.generic {indexing_maps = [%s],"
                       % (s, s, ", ".join([m] * 5)))
                E.emit("    iterator_types = [%s]}" % it)
                E.emit("    ins(%s, %s, %s : %s, %s, %s)" % (w, v, g, t, t, t))
                E.emit("    outs(%s, %s : %s, %s) {" % (e, e, t, t))
                E.emit("^bb0(%wi: f32, %vi: f32, %gi: f32, %o0: f32, %o1: f32):")
                for line in ("%dw = arith.mulf %wd, %wi : f32",
                             "%gd = arith.addf %gi, %dw : f32",
                             "%mv = arith.mulf %mu, %vi : f32",
                             "%vn = arith.addf %mv, %gd : f32",
                             "%s = arith.mulf %lr, %vn : f32",
                             "%wn = arith.subf %wi, %s : f32",
                             "linalg.yield %wn, %vn : f32, f32"):
                    E.emit("  " + line)
                E.emit("} -> (%s, %s)" % (t, t))
                newp.append("%%%sn" % s)
                newv.append("%%v%sn" % s)

    E.lines.append("")
    E.emit("return %s" % ", ".join(newp + newv + ["%loss"]))
    E.emit("    : %s" % ", ".join(ptypes + ptypes + ["tensor<f32>"]))
    body = [ln for ln in E.lines]
    text = "\n".join(header + body + ["}", ""])
    return text


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--sizes", help="layer widths n0,n1,...,nL (default 784,1024,1024,10)")
    ap.add_argument("--depth", type=int,
                    help="number of hidden layers (instead of --sizes)")
    ap.add_argument("--width", type=int, default=64, help="hidden width with --depth")
    ap.add_argument("--in-features", type=int, default=784, help="n0 with --depth")
    ap.add_argument("--classes", type=int, default=10, help="nL with --depth")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--update", default="generic", choices=("generic", "arith", "mixed"))
    ap.add_argument("--annotate", action="store_true",
                    help="write lowp.role / lowp.tied_to explicitly")
    ap.add_argument("--name", default="train_step")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    a = ap.parse_args()
    if a.sizes and a.depth is not None:
        ap.error("--sizes and --depth are exclusive")
    if a.depth is not None:
        if a.depth < 0:
            ap.error("--depth must be >= 0")
        sizes = [a.in_features] + [a.width] * a.depth + [a.classes]
    else:
        try:
            sizes = [int(s) for s in (a.sizes or "784,1024,1024,10").split(",")]
        except ValueError:
            ap.error("--sizes takes comma-separated integers")
    try:
        text = generate(sizes, a.batch, a.update, a.annotate, a.name)
    except ValueError as e:
        ap.error(str(e))
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
