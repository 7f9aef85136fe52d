#!/usr/bin/env python3
"""PyTorch oracle for the compiled training steps (test/Integration/Oracle).

  oracle.py driver <example> f32|bf16 free|sync <step module> [<steps>]
  oracle.py check  <example> f32|bf16 free|sync <mlir-runner output> [<steps>] [-v]

`driver` prints <step module> (a bf16-opt output: one `module { ... }` that
holds @train_step, FP32 or after --bf16-train) with a generated @main added.
It is built from the step's printed signature: every argument and result
type is read from it, so the same generator drives the FP32 step and its
--bf16-train rewrite (bf16 arguments), and a signature that does not fit the
example's contract (examples/README.md) is an error. The values come from
the example's PyTorch model (examples_vs_torch.py, the oracle of
examples-vs-torch.test, imported): initial parameters and the batch are
embedded bit for bit as hex constants in the step's element type (rounded to
nearest even into bf16, as .to(torch.bfloat16) does), so both sides start
from identical values by construction. Scalar hyper-parameters are per-step
tables (AdamW's bias corrections change every step). Optimizer state and
any state added by the --bf16-train ABI (docs/TrainingABI.md) start at 0.

  free  the step runs <steps> times (default 10) on its own results; @main
        prints the loss of every step and, after the last step, every
        element of every parameter and optimizer-state tensor;
  sync  step t starts from PyTorch's state before step t (embedded), and
        its loss and complete new state are printed for every t: the error
        of one compiled step, without the drift of two trajectories.

Everything is printed as IEEE bits, so nothing is lost.

`check` trains the same example with torch autograd and torch.optim -- in
FP32, or with model, batch, optimizer state and hyper-parameters in
torch.bfloat16 -- and compares the loss of every step and every printed
tensor with PyTorch's (a = compiled, b = PyTorch; vectors are flattened):

  f32   max-norm relative error  max|a - b| / max(max|b|, 1e-30) <= 1e-5
        (an element near 0 is held to the absolute bound of the largest
        element of its tensor; for the loss this is |a - b| / |b|).
  bf16  norm-wise relative error ||a - b||_2 / ||b||_2
            <= A ||b - c||_2 / ||b||_2 + C u,   A = 6, C = 4, u = 2^-8,
        c = the same quantity computed by PyTorch in FP32 from the same
        bf16 values (the free trajectory, or one step from the same bf16
        state): "no farther from PyTorch's bf16 step than the sum of both
        steps' distances to the exact step, with ours at most k = A - 1 = 5
        times as far as PyTorch's (ours rounds up to 5 times on a chain
        PyTorch's fused kernel rounds once), plus C roundings for a lucky
        ||b - c||". Justified in docs/Runtime.md.

It prints one line per example with the worst error and its share of the
bound (-v: every comparison) and exits with status 1 on any violation.
"""

import os
import re
import sys

import numpy as np
import torch

from bf16_opt.testing import f32_array, import_path, printed_memrefs

evt = import_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                               "..", "Emulated", "Inputs", "examples_vs_torch.py"))

torch.set_num_threads(1)

DTYPES = {"f32": torch.float32, "bf16": torch.bfloat16}

# Tolerances (justified in the .test headers and docs/Runtime.md, "PyTorch
# oracle"). FP32: the issue's bound. BF16: see the module docstring; u is
# the unit roundoff of bf16 (8 significant bits, round to nearest).
U_BF16 = 2.0 ** -8
TOL_F32 = 1e-5
A_BF16, C_BF16 = 6.0, 4.0

# Hyper-parameters of the bf16 runs that differ from the FP32 drivers: Adam's
# beta2 = 0.999 rounds to 1.0 in bf16, so 1 - beta2 = 0 inside the step, the
# second moment stays 0 and the update is m / eps (docs/Runtime.md).
BF16_OVERRIDES = {"transformer_adamw": {"beta2": 0.99}}


def example(name, kind):
    """kind: "f32", "bf16", or "exact": the bf16 model (initial values, batch
    and hyper-parameters rounded to bf16) computed in FP32."""
    if kind == "exact":
        return evt.MODELS[name](torch.float32, values=torch.bfloat16,
                                **BF16_OVERRIDES.get(name, {}))
    kw = BF16_OVERRIDES.get(name, {}) if kind == "bf16" else {}
    return evt.MODELS[name](DTYPES[kind], **kw)


# ------------------------------------------------------------- the signature
TYPE = r"tensor<[^>]*>|bf16|f32|i64|i32|i16"


def parse_type(t):
    """'tensor<2x8xbf16>' -> ([2, 8], 'bf16'); 'f32' -> (None, 'f32')."""
    if not t.startswith("tensor<"):
        return None, t
    *dims, elt = t[len("tensor<"):-1].split("x")
    return [int(d) for d in dims], elt


def signature(module, entry="train_step"):
    """-> ([(type, attrs)] of the arguments, [(type, attrs)] of the results)."""
    line = next((ln for ln in module.splitlines()
                 if re.search(rf"func\.func @{entry}\(", ln)), None)
    if line is None:
        sys.exit(f"oracle.py: no @{entry} in the step module")
    head, _, tail = line.partition(") -> (")
    args = re.findall(rf"%[\w]+: ({TYPE})(?: (\{{[^{{}}]*\}}))?", head)
    results = re.findall(rf"({TYPE})(?: (\{{[^{{}}]*\}}))?", tail)
    return args, results


# ----------------------------------------------------------------- constants
def np_bits(value, elt):
    """The little-endian bytes of a torch tensor in element type elt."""
    t = torch.as_tensor(value).detach()
    if elt == "bf16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    if elt == "f32":
        return t.to(torch.float32).numpy().tobytes()
    return t.numpy().astype({"i32": "<i4", "i16": "<i2", "i64": "<i8"}[elt]).tobytes()


def dense(value, ty):
    shape, elt = parse_type(ty)
    raw = np_bits(value, elt)
    if not any(raw):
        return f"dense<{'0.0' if elt in ('f32', 'bf16') else '0'}> : {ty}"
    return f'dense<"0x{raw.hex().upper()}"> : {ty}'


def zero(ty):
    shape, elt = parse_type(ty)
    z = "0.0" if elt in ("f32", "bf16") else "0"
    return f"{z} : {ty}" if shape is None else f"dense<{z}> : {ty}"


# -------------------------------------------------------------------- driver
class Layout:
    """The step's signature checked against the example's contract: P params,
    S optimizer-state tensors, the inputs, H scalar hyper-parameters, then E
    arguments added by --bf16-train's state ABI (marked lowp.state)."""

    def __init__(self, name, dtype, module):
        args, results = signature(module)
        ex = self.ex = example(name, dtype)
        floats = {parse_type(t)[1] for t, _ in args} & {"f32", "bf16"}
        if floats != {dtype}:
            sys.exit(f"oracle.py: expected a {dtype} step, its arguments are {sorted(floats)}")
        P, I, H = len(ex.params), len(ex.inputs), len(ex.hparams(1))
        E = sum("lowp.state" in a for _, a in args)
        if any("lowp.state" in a for _, a in args[:len(args) - E]):
            sys.exit("oracle.py: ABI state arguments are not last")
        T = len(args) - E - I - H  # tied: parameters + optimizer state
        if T < P or len(results) != T + 1 + E:
            sys.exit(f"oracle.py: signature of @train_step does not fit {name}: "
                     f"{len(args)} arguments, {len(results)} results")
        a_ty = self.a_ty = [t for t, _ in args]
        self.r_ty = [t for t, _ in results]
        self.T, self.E = T, E
        self.tied_ty = a_ty[:T]
        self.inp_ty = a_ty[T:T + I]
        self.hp_ty = a_ty[T + I:T + I + H]
        self.extra_ty = a_ty[T + I + H:]
        self.loss_ty = self.r_ty[T]
        if self.r_ty[:T] + self.r_ty[T + 1:] != self.tied_ty + self.extra_ty:
            sys.exit("oracle.py: result types do not match the state arguments")
        for (n, v), ty in list(zip(((f"parameter {k}", p) for k, p in enumerate(ex.params)),
                                   a_ty)) + list(zip(ex.inputs, self.inp_ty)):
            if parse_type(ty)[0] != list(v.shape):
                sys.exit(f"oracle.py: {n}: step has {ty}, model {list(v.shape)}")
        for ty in self.hp_ty:
            if parse_type(ty)[0] is not None:
                sys.exit(f"oracle.py: hyper-parameter of type {ty}, expected a scalar")


def print_tensor(v, ty, tag, ind):
    """Lines printing "tensor <elt>" and the bits of every element of v
    (printMemrefI32 of the f32 bits, printMemrefI16 of the bf16 bits)."""
    shape, elt = parse_type(ty)
    i = {"f32": "i32", "bf16": "i16"}[elt]
    ity = ty.replace(elt + ">", i + ">")
    mty = ity.replace("tensor<", "memref<")
    return [f"{ind}%{tag}b = arith.bitcast {v} : {ty} to {ity}",
            f"{ind}%{tag}m = bufferization.to_buffer %{tag}b : {ity} to {mty}",
            f"{ind}%{tag}u = memref.cast %{tag}m : {mty} to memref<*x{i}>",
            f'{ind}vector.print str "tensor {elt}\\n"',
            f"{ind}func.call @printMemref{i.upper()}(%{tag}u) : (memref<*x{i}>) -> ()"]


def call_step(L, out, state, inputs, hps, extra, ind):
    """Appends the call of @train_step (results %o) and the print of its loss."""
    args = state + inputs + hps + extra
    out.append(f"{ind}%o:{len(L.r_ty)} = func.call @train_step({', '.join(args)}) : "
               f"({', '.join(L.a_ty)}) -> ({', '.join(L.r_ty)})")
    _, loss_elt = parse_type(L.loss_ty)
    out.append(f"{ind}%l = tensor.extract %o#{L.T}[] : {L.loss_ty}")
    lf = "%l"
    if loss_elt == "bf16":
        out.append(f"{ind}%lf = arith.extf %l : bf16 to f32")
        lf = "%lf"
    out += [f"{ind}%lb = arith.bitcast {lf} : f32 to i32",
            f'{ind}vector.print str "loss "',
            f"{ind}vector.print %lb : i32"]


def driver(name, dtype, mode, module, steps):
    """free: the step runs `steps` times on its own results (scf.for);
    sync: step t (unrolled) starts from PyTorch's state before step t, so the
    per-step error is measured without the drift of two trajectories."""
    L = Layout(name, dtype, module)
    ex, T = L.ex, L.T
    out = [f"func.func private @printMemref{i}(memref<*x{i.lower()}>) "
           "attributes {llvm.emit_c_interface}" for i in ("I32", "I16")]
    out.append("func.func @main() {")
    for k, ((_, v), ty) in enumerate(zip(ex.inputs, L.inp_ty)):
        out.append(f"  %in{k} = arith.constant {dense(v, ty)}")
    inputs = [f"%in{k}" for k in range(len(L.inp_ty))]
    for k, ty in enumerate(L.extra_ty):
        out.append(f"  %x{k} = arith.constant {zero(ty)}")
    if mode == "free":
        # Initial state: the parameters, zero optimizer state.
        for k, ty in enumerate(L.tied_ty):
            rhs = dense(ex.params[k], ty) if k < len(ex.params) else zero(ty)
            out.append(f"  %s{k} = arith.constant {rhs}")
        for k, ty in enumerate(L.hp_ty):
            table = torch.tensor([ex.hparams(t)[k][1] for t in range(1, steps + 1)],
                                 dtype=torch.float64)
            out.append(f"  %hpt{k} = arith.constant {dense(table, f'tensor<{steps}x{ty}>')}")
        carried = L.tied_ty + L.extra_ty
        init = [f"%it{k} = %s{k}" for k in range(T)] + [f"%ix{k} = %x{k}" for k in range(L.E)]
        it_tys = ", ".join(carried)
        out += ["  %c0 = arith.constant 0 : index",
                "  %c1 = arith.constant 1 : index",
                f"  %steps = arith.constant {steps} : index",
                f"  %r:{len(carried)} = scf.for %i = %c0 to %steps step %c1 "
                f"iter_args({', '.join(init)}) -> ({it_tys}) {{"]
        for k, ty in enumerate(L.hp_ty):
            out.append(f"    %hp{k} = tensor.extract %hpt{k}[%i] : tensor<{steps}x{ty}>")
        call_step(L, out, [f"%it{k}" for k in range(T)], inputs,
                  [f"%hp{k}" for k in range(len(L.hp_ty))],
                  [f"%ix{k}" for k in range(L.E)], "    ")
        yielded = [f"%o#{k}" for k in range(T)] + [f"%o#{T + 1 + k}" for k in range(L.E)]
        out += [f"    scf.yield {', '.join(yielded)} : {it_tys}", "  }"]
        for k, ty in enumerate(L.tied_ty):
            out += print_tensor(f"%r#{k}", ty, f"p{k}", "  ")
    else:
        # One block per step (straight-line code: a loop would slice the
        # stacked states with a dynamic offset).
        _, states = torch_run(name, dtype, steps)
        extra = [f"%x{k}" for k in range(L.E)]
        for t in range(steps):
            inner = []
            for k, ty in enumerate(L.tied_ty):
                inner.append(f"    %s{k} = arith.constant {dense(states[t][k][1], ty)}")
            for k, ty in enumerate(L.hp_ty):
                v = torch.tensor(ex.hparams(t + 1)[k][1], dtype=torch.float64)
                inner.append(f"    %hp{k} = arith.constant dense<\"0x{np_bits(v, ty).hex().upper()}\"> "
                             f": tensor<{ty}>")
                inner.append(f"    %h{k} = tensor.extract %hp{k}[] : tensor<{ty}>")
            call_step(L, inner, [f"%s{k}" for k in range(T)], inputs,
                      [f"%h{k}" for k in range(len(L.hp_ty))], extra, "    ")
            for k, ty in enumerate(L.tied_ty):
                inner += print_tensor(f"%o#{k}", ty, f"p{k}", "    ")
            # The ABI-added state (none for rounding=nearest) is threaded
            # through the steps; execute_region keeps the names local.
            ety = ", ".join(L.extra_ty)
            yielded = [f"%o#{T + 1 + k}" for k in range(L.E)]
            head = f"  %e{t}:{L.E} = " if L.E else "  "
            out.append(head + "scf.execute_region" + (f" -> ({ety})" if L.E else "") + " {")
            out += inner
            out += [f"    scf.yield {', '.join(yielded)}" + (f" : {ety}" if L.E else ""), "  }"]
            extra = [f"%e{t}#{k}" for k in range(L.E)]
    out += ["  return", "}"]
    text = module.rstrip()
    if not text.endswith("}"):
        sys.exit("oracle.py: expected a printed module")
    return text[:-1] + "\n".join(out) + "\n}\n"


# --------------------------------------------------------------------- check
def train(ex, steps):
    """-> (loss of steps 1..n, states[t] = [(name, tensor)] before step t + 1
    for t = 0..n)."""
    init = [p.detach().clone() for p in ex.params]
    losses, states = [], [None]
    for _ in range(steps):
        ex.opt.zero_grad()
        loss = ex.loss_fn()
        loss.backward()
        ex.opt.step()
        losses.append(loss.item())
        states.append([(n, t.detach().clone()) for n, t in ex.state()])
    # Before the first step: the parameters, zero optimizer state (torch
    # creates its buffers lazily).
    states[0] = [(n, init[k] if k < len(init) else torch.zeros_like(v))
                 for k, (n, v) in enumerate(states[1])]
    return losses, states


def torch_run(name, kind, steps):
    return train(example(name, kind), steps)


def exact_steps(name, states):
    """The FP32 step taken from each bf16 state states[t] (t = 0..n-1, the
    optimizer state loaded into torch.optim): -> (losses, states after)."""
    losses, after = [], [states[0]]
    for t in range(len(states) - 1):
        ex = example(name, "exact")
        P = len(ex.params)
        with torch.no_grad():
            for p, (_, v) in zip(ex.params, states[t]):
                p.copy_(v.float())
        extra = [v.float().clone() for _, v in states[t][P:]]
        if t > 0 and extra:  # SGD momentum buffers, or Adam's m then v
            for k, p in enumerate(ex.params):
                if isinstance(ex.opt, torch.optim.SGD):
                    ex.opt.state[p]["momentum_buffer"] = extra[k]
                else:
                    ex.opt.state[p].update(step=torch.tensor(float(t)),
                                           exp_avg=extra[k], exp_avg_sq=extra[P + k])
        loss, st = train(ex, 1)
        losses.append(loss[0])
        after.append(st[1])
    return losses, after


def parse_output(path):
    """-> (losses, [tensor values as float64 arrays in printed order])."""
    with open(path) as f:
        text = f.read()
    lines = text.splitlines()
    losses = [evt.bits_to_f32(ln.split()[1]) for ln in lines if ln.startswith("loss ")]
    elts = [ln.split()[1] for ln in lines if ln.startswith("tensor ")]
    data = printed_memrefs(text)
    if len(data) != len(elts):
        sys.exit(f"oracle.py: {len(elts)} tensor markers, {len(data)} printed memrefs")
    # A bf16 tensor is printed as its i16 patterns (the upper half of the f32).
    return losses, [f32_array(d, bf16=elt == "bf16").astype(np.float64)
                    for elt, d in zip(elts, data)]


def fp32_error(a, b):
    """FP32: (error, bound) of a value or tensor a against torch's b: the
    max-norm relative error max|a - b| / max(max|b|, tiny)."""
    err = float(np.abs(a - b).max()) if a.size else 0.0
    return err / max(float(np.abs(b).max()) if b.size else 0.0, 1e-30), TOL_F32


def bf16_error(a, b, c):
    """BF16: (error, bound) of a against torch's bf16 b, with c the exact
    (FP32) value from the same bf16 state: the norm-wise relative error
    ||a - b|| / ||b|| against A ||b - c|| / ||b|| + C u."""
    nb = max(float(np.linalg.norm(b)), 1e-30)
    return (float(np.linalg.norm(a - b)) / nb,
            A_BF16 * float(np.linalg.norm(b - c)) / nb + C_BF16 * U_BF16)


def check(name, dtype, mode, path, steps, verbose):
    ref_losses, states = torch_run(name, dtype, steps)
    if dtype == "bf16":
        exact_losses, exact = (torch_run(name, "exact", steps) if mode == "free"
                               else exact_steps(name, states))
    losses, tensors = parse_output(path)
    names = [n for n, _ in states[1]]
    ns = len(names)
    # The torch state each printed tensor is compared with.
    want = [(steps, k) for k in range(ns)] if mode == "free" else \
        [(t + 1, k) for t in range(steps) for k in range(ns)]
    problems = []
    if len(losses) != steps:
        problems.append(f"expected {steps} losses, the compiled step printed {len(losses)}")
    if len(tensors) != len(want):
        problems.append(f"expected {len(want)} tensors, the compiled step printed {len(tensors)}")
    worst = {"loss": (0.0, 0.0, 0.0, "-"), "state": (0.0, 0.0, 0.0, "-")}

    def compare(kind, where, a, b, c):
        a, b = np.atleast_1d(np.asarray(a, np.float64)), np.atleast_1d(np.asarray(b, np.float64))
        if a.shape != b.shape:
            problems.append(f"{where}: {a.size} values printed, expected {b.size}")
            return
        if dtype == "f32":
            err, bound = fp32_error(a, b)
        else:
            err, bound = bf16_error(a, b, np.atleast_1d(np.asarray(c, np.float64)))
        if not np.isfinite(a).all():
            err = float("inf")
        if verbose:
            print(f"  {where}: err {err:.2e} bound {bound:.2e} ({err / bound:.2f})")
        if not err <= bound:
            i = int(np.nanargmax(np.abs(a - b)))
            problems.append(f"{where}: error {err:.3g} > bound {bound:.3g} (element {i}: "
                            f"{a[i]!r} vs torch {b[i]!r})")
        if not err / bound <= worst[kind][0]:
            worst[kind] = (err / bound, err, bound, where)

    for t, (a, b) in enumerate(zip(losses, ref_losses)):
        compare("loss", f"loss of step {t + 1}", a, b,
                exact_losses[t] if dtype == "bf16" else None)
    for (t, k), a in zip(want, tensors):
        n, b = states[t][k]
        c = exact[t][k][1].double().flatten().numpy() if dtype == "bf16" else None
        compare("state", f"{n} after step {t}", a, b.double().flatten().numpy(), c)
    what = "each step from PyTorch's state" if mode == "sync" else f"{steps} steps"
    summary = "; ".join(f"{kind} err {e:.2e} <= {bd:.2e} ({r:.2f} of the bound, {w})"
                        for kind, (r, e, bd, w) in worst.items())
    print(f"{name} {dtype} {mode}: {'FAIL' if problems else 'ok'}: {what} vs PyTorch "
          f"{dtype}: {summary}")
    for p in problems[:20]:
        print("  " + p)
    if len(problems) > 20:
        print(f"  ... {len(problems) - 20} more")
    return 1 if problems else 0


def main(argv):
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    modes = ("free", "sync")
    if len(argv) in (6, 7) and argv[1] in ("driver", "check") and argv[2] in evt.MODELS \
            and argv[3] in DTYPES and argv[4] in modes:
        steps = int(argv[6]) if len(argv) == 7 else 10
        if argv[1] == "check":
            return check(argv[2], argv[3], argv[4], argv[5], steps, verbose)
        sys.stdout.write(driver(argv[2], argv[3], argv[4], open(argv[5]).read(), steps))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
