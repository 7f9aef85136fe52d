"""The main job (README command 1, run by ./build.sh demo after the build).

Trains an MLP on Fashion-MNIST through the PyTorch frontend in five modes:
FP32, mixed precision (FP32 master weights), and BF16-only with
round-to-nearest, stochastic rounding and Kahan-compensated updates. Every
mode starts from the same initialization and sees the same batches (SGD with
momentum, cosine-decayed learning rate). It prints one table row per mode
and writes results/demo.json and results/demo.png.

usage: PYTHONPATH=python /usr/bin/python3 scripts/demo.py [--out DIR]
           [--epochs E] [--max-steps N] [--modes m1,m2] [--seed S]
           [--eval-limit N] [--no-progress]
"""

import argparse
import json
import os
import sys
import time
import warnings

from bf16_opt import data, experiments

DEMO_MODES = ("fp32", "master", "nearest", "stochastic", "kahan")
JSON_KEYS = ("mode", "test_accuracy", "train_loss", "cancelled_rate",
             "ms_per_step", "state_bytes")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {"fp32": "FP32", "master": "mixed (FP32 master)",
          "nearest": "BF16 nearest", "stochastic": "BF16 stochastic",
          "kahan": "BF16 Kahan", "split": "BF16 split"}

# The recipe: a standard SGD-with-momentum recipe whose cosine-decayed
# learning rate makes late updates small (docs/Results.md explains why).
RECIPE = dict(epochs=8, batch_size=128, optimizer="sgd", lr=0.05,
              momentum=0.9, weight_decay=0.0)
SIZES = (784, 256, 128, 10)


def table(rows):
    head = ("| mode | test accuracy | final train loss | cancelled updates "
            "| ms/step | params + optimizer state |")
    lines = [head, "|---|---|---|---|---|---|"]
    for r in rows:
        rate = r["cancelled_rate"]
        lines.append("| %s | %.2f%% | %.4f | %s | %.2f | %s |" % (
            LABELS[r["mode"]], 100 * r["test_accuracy"], r["train_loss"],
            "%.1f%%" % (100 * rate) if rate is not None else "n/a",
            r["ms_per_step"], "{:,} B".format(r["state_bytes"])))
    return "\n".join(lines)


def plot(records, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    for r in records:
        steps, losses = zip(*r["loss_curve"])
        a.plot(steps, losses, label=LABELS[r["mode"]], linewidth=1.2)
    a.set_xlabel("step")
    a.set_ylabel("training loss (mean over %d steps)" %
                 max(1, records[0]["steps"] // 100))
    # The interesting part is late training: zoom on the range after the
    # first 20% of the steps.
    late = [l for r in records for s, l in r["loss_curve"]
            if s > 0.2 * r["steps"]]
    if late:
        a.set_ylim(0.95 * min(late), 1.05 * max(late))
    a.set_title("Training loss")
    a.legend()
    c = b.twinx()
    for i, r in enumerate(records):
        color = "C%d" % i
        epochs = range(1, len(r["epoch_metric"]) + 1)
        b.plot(epochs, [100 * m for m in r["epoch_metric"]], "o-",
               color=color, label=LABELS[r["mode"]])
        rates = r["epoch_cancelled_rate"]
        if rates and rates[0] is not None:
            c.plot(epochs, [100 * x for x in rates], "x--", color=color)
    b.set_xlabel("epoch")
    b.set_ylabel("test accuracy (%, solid)")
    c.set_ylabel("cancelled updates (% of non-zero, dashed)")
    b.set_title("Test accuracy and update cancellation")
    b.legend(loc="lower center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "results"))
    ap.add_argument("--epochs", type=float, default=RECIPE["epochs"])
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--modes", default=",".join(DEMO_MODES))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-limit", type=int, default=0,
                    help="train on the first N images only")
    ap.add_argument("--eval-limit", type=int, default=0)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    modes = args.modes.split(",")
    for m in modes:
        if m not in experiments.MODES:
            ap.error("unknown mode %r (expected %s)" % (
                m, ", ".join(experiments.MODES)))
    try:
        train = data.fashion_mnist("train", limit=args.train_limit or None)
        test = data.fashion_mnist("test")
    except data.DataUnavailableError as e:
        print("demo: %s" % e, file=sys.stderr)
        return 1
    recipe = experiments.Recipe(**dict(RECIPE, epochs=args.epochs,
                                       max_steps=args.max_steps,
                                       eval_limit=args.eval_limit))
    print("Fashion-MNIST: %d training and %d test images; MLP %s; %s" % (
        len(train[0]), len(test[0]), "-".join(map(str, SIZES)),
        "SGD momentum %.1f, lr %.3g cosine-decayed to 0, batch %d, %g epochs"
        % (recipe.momentum, recipe.lr, recipe.batch_size, recipe.epochs)))
    t0 = time.time()
    records = []
    with warnings.catch_warnings():
        # The LR is set by hand each step; torch warns about schedulers.
        warnings.simplefilter("ignore", UserWarning)
        for m in modes:
            r = experiments.classifier_run(
                lambda: experiments.mlp(SIZES), train, test, m, args.seed,
                recipe, progress=not args.no_progress,
                desc="%-16s" % LABELS[m])
            r["test_accuracy"] = r["metric"]
            records.append(r)
    print()
    print(table(records))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "demo.json"), "w") as f:
        json.dump([{k: r[k] for k in JSON_KEYS} for r in records], f,
                  indent=1)
        f.write("\n")
    plot(records, os.path.join(args.out, "demo.png"))
    print("\nwrote %s and %s (%.0f s)" % (
        os.path.join(args.out, "demo.json"),
        os.path.join(args.out, "demo.png"), time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
