"""Cost of the update-cancellation diagnostics (compile_step(...,
diagnostics=True)): the same MLP step compiled with and without them, timed
interleaved in one process, best of several repeats (benchmarks/README.md).

usage: PYTHONPATH=python taskset -c 0 /usr/bin/python3 \\
           benchmarks/diagnostics_cost.py [--modes nearest,stochastic,kahan]
           [--repeats 7] [--steps 20] [--sizes 784,1024,1024,10] [--batch 256]
"""

import argparse
import time

import torch

from bf16_opt.frontend import compile_step


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", default="nearest,stochastic,kahan")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--sizes", default="784,1024,1024,10")
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    torch.manual_seed(0)
    model = mlp(sizes)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(args.batch, sizes[0])
    y = torch.randint(0, sizes[-1], (args.batch,))
    loss = torch.nn.CrossEntropyLoss()
    print("| mode | ms/step off | ms/step on | cost |")
    print("|---|---|---|---|")
    for mode in args.modes.split(","):
        steps = {d: compile_step(model, loss, opt, (x, y), rounding=mode,
                                 diagnostics=d) for d in (False, True)}
        best = {False: float("inf"), True: float("inf")}
        for _ in range(args.repeats):
            for d, step in steps.items():
                step(x, y)
                t = time.perf_counter()
                for _ in range(args.steps):
                    step(x, y)
                ms = (time.perf_counter() - t) / args.steps * 1e3
                best[d] = min(best[d], ms)
        print("| %s | %.2f | %.2f | %+.1f%% |" % (
            mode, best[False], best[True],
            100 * (best[True] / best[False] - 1)))


if __name__ == "__main__":
    main()
