#!/usr/bin/python3
"""check_kernels.py <program.mlir> <runner output>: recomputes every row the
program printed with the reference numerics (ctypes) and compares bit for
bit. Prints 'kernels: N rows x M elements bit-exact' on success."""
import ast
import re
import sys

from bf16_opt import numerics as nx
from bf16_opt.testing import memref_rows, mismatches

def main(prog_path, out_path):
    prog = open(prog_path).read()
    vals = dict(re.findall(r"// INPUTS (\w+)=(\[.*\])", prog))
    xs, w, u, c = (ast.literal_eval(vals[k]) for k in ("x", "w", "u", "c"))
    seed, stream, step = (int(v) for v in re.search(
        r"seed=(\d+) stream=(\d+) step=(\d+)", prog).groups())
    rows = memref_rows(out_path)
    n = len(xs)
    r = nx.random_bits_fill(seed, stream, step, 0, n)
    expected = [
        ("random_bits 1-D", r),
        ("random_bits 2-D", r),
        ("nearest_even", [nx.rne_ieee(x) for x in xs]),
        ("nearest_even_ftz", [nx.rne_ftz(x) for x in xs]),
        ("toward_zero", [nx.rtz(x) for x in xs]),
        ("stochastic", [nx.sr(x, b) for x, b in zip(xs, r)]),
        ("sr_add bf16", [nx.sr_add(a, b, 0, q) for a, b, q in zip(w, u, r)]),
        ("sr_add f32", [nx.sr_add(a, b, 1, q) for a, b, q in zip(w, xs, r)]),
    ]
    for mode, name in ((nx.NEAREST_EVEN, "kahan"), (nx.NEAREST_EVEN_FTZ, "kahan ftz")):
        k = [nx.kahan_update(a, b, d, mode) for a, b, d in zip(w, c, u)]
        expected.append((name + " w", [p[0] for p in k]))
        expected.append((name + " c", [p[1] for p in k]))
    # split_update with lo = the bits of c, u bf16 and then u = x (f32).
    for name, us, is_f32 in (("split", u, False), ("split f32", xs, True)):
        sp = [nx.split_update(a, b, d, is_f32) for a, b, d in zip(w, c, us)]
        expected.append((name + " hi", [p[0] for p in sp]))
        expected.append((name + " lo", [p[1] for p in sp]))
    if len(rows) != len(expected):
        print(f"FAIL: expected {len(expected)} printed rows, got {len(rows)}")
        return 1
    bad = 0
    for (name, want), got in zip(expected, rows):
        bad += mismatches(name, got, want, "x", bad)
    if bad:
        return 1
    # Sanity: the program really exercised the interesting cases.
    assert any(nx.rne_ieee(x) != nx.rne_ftz(x) for x in xs)
    assert any(nx.rne_ieee(x) != nx.rtz(x) for x in xs)
    print(f"kernels: {len(rows)} rows x {n} elements bit-exact")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
