#!/usr/bin/python3
"""check_random_bits.py <program.mlir> <runner output>: recomputes every
element that gen_random_bits.py's program printed with the reference
library's per-element lowp_random_bits (i32, stream v1) or
lowp_random_bits16 (i16, stream v2) (ctypes), which knows nothing of blocks
or vectors, and compares bit for bit. Prints
'random_bits: N cases, M elements bit-exact' (v1) or
'random_bits i16: ...' (v2) on success."""
import ast
import math
import re
import sys

from bf16_opt import numerics as nx
from bf16_opt.testing import memref_rows, mismatches


def main(prog_path, out_path):
    prog = open(prog_path).read()
    v2 = "// ELEMENT i16" in prog
    per_index = nx.random_bits16 if v2 else nx.random_bits
    cases = [(ast.literal_eval(shape), int(seed), int(stream), int(step))
             for shape, seed, stream, step in re.findall(
                 r"// CASE shape=(\[[\d, ]*\]) seed=(\d+) stream=(\d+)"
                 r" step=(\d+)", prog)]
    rows = memref_rows(out_path, bits=16 if v2 else 32)
    if not cases or len(rows) != len(cases):
        print(f"FAIL: expected {len(cases)} printed rows, got {len(rows)}")
        return 1
    bad = total = 0
    for (shape, seed, stream, step), got in zip(cases, rows):
        n = math.prod(shape)
        # Per element: the library's fill would share the block logic.
        want = [per_index(seed, stream, step, i) for i in range(n)]
        bad += mismatches(f"{shape} seed={seed} stream={stream} step={step}",
                          got, want, "x", bad)
        total += n
    if bad:
        return 1
    print(f"random_bits{' i16' if v2 else ''}: {len(cases)} cases,"
          f" {total} elements bit-exact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
