#!/usr/bin/python3
"""check_random_bits.py <program.mlir> <runner output>: recomputes every
element that gen_random_bits.py's program printed with the reference
library's per-element lowp_random_bits (ctypes), which knows nothing of
blocks or vectors, and compares bit for bit. Prints
'random_bits: N cases, M elements bit-exact' on success."""
import ast
import math
import re
import sys

from bf16_opt import numerics as nx
from bf16_opt.testing import memref_rows, mismatches


def main(prog_path, out_path):
    cases = [(ast.literal_eval(shape), int(seed), int(stream), int(step))
             for shape, seed, stream, step in re.findall(
                 r"// CASE shape=(\[[\d, ]*\]) seed=(\d+) stream=(\d+)"
                 r" step=(\d+)", open(prog_path).read())]
    rows = memref_rows(out_path)
    if not cases or len(rows) != len(cases):
        print(f"FAIL: expected {len(cases)} printed rows, got {len(rows)}")
        return 1
    bad = total = 0
    for (shape, seed, stream, step), got in zip(cases, rows):
        n = math.prod(shape)
        # Per element: the library's fill would share the block logic.
        want = [nx.random_bits(seed, stream, step, i) for i in range(n)]
        bad += mismatches(f"{shape} seed={seed} stream={stream} step={step}",
                          got, want, "x", bad)
        total += n
    if bad:
        return 1
    print(f"random_bits: {len(cases)} cases, {total} elements bit-exact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
