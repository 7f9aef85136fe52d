#!/usr/bin/python3
"""check_random_bits.py <program.mlir> <runner output>: recomputes every
element that gen_random_bits.py's program printed with the reference
library's per-element lowp_random_bits (ctypes), which knows nothing of
blocks or vectors, and compares bit for bit. Prints
'random_bits: N cases, M elements bit-exact' on success."""
import ast
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ["BF16_SRC"], "python"))
from bf16_opt import numerics as nx  # noqa: E402


def main(prog_path, out_path):
    cases = [(ast.literal_eval(shape), int(seed), int(stream), int(step))
             for shape, seed, stream, step in re.findall(
                 r"// CASE shape=(\[[\d, ]*\]) seed=(\d+) stream=(\d+)"
                 r" step=(\d+)", open(prog_path).read())]
    rows = []
    for line in open(out_path):
        m = re.match(r"^\s*\[([-\d, ]*)\]\s*$", line)
        if m:
            rows.append([int(v) & 0xFFFFFFFF for v in m.group(1).split(",")])
    if not cases or len(rows) != len(cases):
        print(f"FAIL: expected {len(cases)} printed rows, got {len(rows)}")
        return 1
    bad = total = 0
    for (shape, seed, stream, step), got in zip(cases, rows):
        n = 1
        for d in shape:
            n *= d
        if len(got) != n:
            print(f"FAIL {shape}: {len(got)} elements, expected {n}")
            bad += 1
            continue
        for i, g in enumerate(got):
            want = nx.random_bits(seed, stream, step, i)
            if g != want:
                bad += 1
                print(f"FAIL {shape} seed={seed} stream={stream} step={step}"
                      f" [{i}]: got 0x{g:x}, reference 0x{want:x}")
        total += n
    if bad:
        return 1
    print(f"random_bits: {len(cases)} cases, {total} elements bit-exact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
