"""The accuracy study (./build.sh study): does 16-bit-only training with
stochastic rounding or Kahan-compensated updates match FP32, and does
round-to-nearest lose? (docs/Results.md)

Models and data:
  mlp     MLP 784-256-128-10 on Fashion-MNIST, SGD momentum 0.9, lr 0.05
  lenet   LeNet-style CNN with BatchNorm on Fashion-MNIST, same recipe
  chargru GRU character model on the King James text, Adam, lr 0.003;
          metric: validation bits per character
every recipe with a cosine learning rate decayed to 0. Modes: eager (PyTorch
FP32, the external reference), fp32, master, nearest, stochastic, kahan,
split; seeds 0, 1, 2. Within a seed every mode starts from the same weights
and sees the same batches.

Each run is saved as <out>/runs/<model>-<mode>-s<seed>.json as soon as it
ends, and a run whose file exists is not run again: the study resumes where
it stopped. The report (<out>/tables.md, <out>/summary.json and the figures
<out>/<model>.png) is rebuilt from whatever runs exist.

usage: PYTHONPATH=python /usr/bin/python3 scripts/study.py
           [--quick | --smoke] [--out DIR] [--models m1,m2] [--modes ...]
           [--seeds 0,1,2] [--report-only] [--no-progress]
  (default)  the full study: hours on 2 cores
  --quick    about 10 minutes: shorter runs, seed 0 only
  --smoke    about 30 seconds: tiny slices, for the test suite
"""

import argparse
import json
import math
import os
import sys
import time
import warnings

from bf16_opt import data, experiments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL_MODES = ("eager", "fp32", "master", "nearest", "stochastic", "kahan",
             "split")
MODELS = ("mlp", "lenet", "chargru")
LABELS = {"eager": "PyTorch eager FP32", "fp32": "FP32 (ours)",
          "master": "mixed (FP32 master)", "nearest": "BF16 nearest",
          "stochastic": "BF16 stochastic", "kahan": "BF16 Kahan",
          "split": "BF16 split"}

# The recipes: one per model, the same for every mode and seed; the sizes
# only change how long they run and on how much data.
SGD = dict(optimizer="sgd", lr=0.05, momentum=0.9, batch_size=128)
ADAM = dict(optimizer="adam", lr=0.003, batch_size=64,
            extra=dict(embed=32, hidden=128))
PLANS = {
    "full": {"mlp": dict(SGD, epochs=8), "lenet": dict(SGD, epochs=2),
             "chargru": dict(ADAM, epochs=1, max_steps=1500,
                             eval_every=300)},
    "quick": {"mlp": dict(SGD, epochs=2), "lenet": dict(SGD, epochs=0.25),
              "chargru": dict(ADAM, epochs=1, max_steps=150, eval_every=50)},
    "smoke": {"mlp": dict(SGD, epochs=1, max_steps=15, batch_size=64,
                          eval_limit=500),
              "lenet": dict(SGD, epochs=1, max_steps=4, batch_size=32,
                            eval_limit=200),
              "chargru": dict(ADAM, epochs=1, max_steps=10, eval_every=5,
                              batch_size=16, extra=dict(embed=8, hidden=16))},
}
SEQ_LEN = {"full": 32, "quick": 32, "smoke": 6}
TRAIN_LIMIT = {"full": None, "quick": None, "smoke": 2048}
TEXT_LIMIT = {"full": None, "quick": None, "smoke": 200000}


def run_path(out, model, mode, seed):
    return os.path.join(out, "runs", "%s-%s-s%d.json" % (model, mode, seed))


class Data:
    """Loads each dataset once, on first use."""

    def __init__(self, size):
        self.size = size
        self._fm = self._corpus = None

    def fashion(self):
        if self._fm is None:
            limit = TRAIN_LIMIT[self.size]
            self._fm = (data.fashion_mnist("train", limit=limit),
                        data.fashion_mnist("test"))
        return self._fm

    def corpus(self):
        if self._corpus is None:
            text = data.kjv_text()
            if TEXT_LIMIT[self.size]:
                text = text[:TEXT_LIMIT[self.size]]
            self._corpus = data.char_corpus(text)
        return self._corpus


def one_run(d, size, model, mode, seed, progress):
    recipe = experiments.Recipe(**PLANS[size][model])
    desc = "%-7s %-19s s%d" % (model, LABELS[mode], seed)
    if model == "chargru":
        return experiments.char_run(d.corpus(), mode, seed, recipe,
                                    seq_len=SEQ_LEN[size], progress=progress,
                                    desc=desc)
    fn = (lambda: experiments.mlp()) if model == "mlp" else experiments.lenet
    train, test = d.fashion()
    return experiments.classifier_run(fn, train, test, mode, seed, recipe,
                                      progress=progress, desc=desc)


def mean_std(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, None
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def load_runs(out):
    runs = []
    rdir = os.path.join(out, "runs")
    if os.path.isdir(rdir):
        for name in sorted(os.listdir(rdir)):
            if name.endswith(".json"):
                with open(os.path.join(rdir, name)) as f:
                    runs.append(json.load(f))
    return runs


def summarize(runs):
    """model -> mode -> aggregated figures over the seeds."""
    out = {}
    for r in runs:
        out.setdefault(r["model"], {}).setdefault(r["mode"], []).append(r)
    summary = {}
    for model, by_mode in out.items():
        summary[model] = {}
        for mode, rs in by_mode.items():
            rs.sort(key=lambda r: r["seed"])
            m, s = mean_std([r["metric"] for r in rs])
            epochs = len(rs[0]["epoch_metric"])
            per_epoch_rate = [mean_std([r["epoch_cancelled_rate"][e]
                                        for r in rs])[0]
                              for e in range(epochs)]
            summary[model][mode] = {
                "metric_name": rs[0]["metric_name"],
                "seeds": [r["seed"] for r in rs],
                "metric_mean": m, "metric_std": s,
                "metrics": [r["metric"] for r in rs],
                "train_loss_mean": mean_std([r["train_loss"] for r in rs])[0],
                "cancelled_rate_mean": mean_std([r["cancelled_rate"]
                                                 for r in rs])[0],
                "epoch_cancelled_rate": per_epoch_rate,
                "epoch_metric_mean": [mean_std([r["epoch_metric"][e]
                                                for r in rs])[0]
                                      for e in range(epochs)],
                "seconds_per_epoch": mean_std([sum(r["epoch_seconds"]) /
                                               len(r["epoch_seconds"])
                                               for r in rs])[0],
                "ms_per_step": mean_std([r["ms_per_step"] for r in rs])[0],
                "bytes_per_param": rs[0]["state_bytes"] / rs[0]["params"],
                "steps": rs[0]["steps"],
                "eval_every": PLANS[rs[0]["size"]][model].get("eval_every"),
            }
    return summary


def fmt_metric(name, m, s):
    if m is None:
        return "n/a"
    if name == "acc":
        txt = "%.2f" % (100 * m)
        return txt + (" ± %.2f" % (100 * s) if s is not None else "")
    txt = "%.4f" % m
    return txt + (" ± %.4f" % s if s is not None else "")


def tables(summary):
    lines = []
    for model in MODELS:
        if model not in summary:
            continue
        rows = summary[model]
        any_row = next(iter(rows.values()))
        name = any_row["metric_name"]
        metric = ("test accuracy (%)" if name == "acc"
                  else "validation bits/char")
        ref = rows.get("fp32") or rows.get("eager")
        lines.append("### %s" % model)
        lines.append("")
        lines.append("| mode | %s, mean ± std | vs FP32 (ours) | final train "
                     "loss | cancelled updates | per-epoch cancelled | "
                     "s/epoch | ms/step | bytes/param |" % metric)
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for mode in ALL_MODES:
            if mode not in rows:
                continue
            r = rows[mode]
            if ref and ref["metric_mean"] is not None:
                d = r["metric_mean"] - ref["metric_mean"]
                delta = ("%+.2f pt" % (100 * d) if name == "acc"
                         else "%+.4f" % d)
            else:
                delta = "n/a"
            rate = r["cancelled_rate_mean"]
            per = ", ".join("%.0f" % (100 * x) for x in
                            r["epoch_cancelled_rate"] if x is not None)
            lines.append("| %s | %s | %s | %.4f | %s | %s | %.1f | %.2f | "
                         "%.1f |" % (
                             LABELS[mode],
                             fmt_metric(name, r["metric_mean"],
                                        r["metric_std"]),
                             delta, r["train_loss_mean"],
                             "%.1f%%" % (100 * rate) if rate is not None
                             else "n/a", per + ("%" if per else "n/a"),
                             r["seconds_per_epoch"], r["ms_per_step"],
                             r["bytes_per_param"]))
        seeds = sorted({s for r in rows.values() for s in r["seeds"]})
        lines.append("")
        lines.append("Seeds %s; %d steps per run%s." % (
            ", ".join(map(str, seeds)), any_row["steps"],
            "; per-epoch columns are per %d steps" % any_row["eval_every"]
            if any_row["eval_every"] else ""))
        lines.append("")
    return "\n".join(lines)


def figures(summary, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    paths = []
    for model, rows in summary.items():
        fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
        name = next(iter(rows.values()))["metric_name"]
        for i, mode in enumerate(ALL_MODES):
            if mode not in rows:
                continue
            r = rows[mode]
            ep = range(1, len(r["epoch_metric_mean"]) + 1)
            scale = 100 if name == "acc" else 1
            a.plot(ep, [scale * m for m in r["epoch_metric_mean"]], "o-",
                   color="C%d" % i, label=LABELS[mode])
            rates = r["epoch_cancelled_rate"]
            if rates and rates[0] is not None:
                b.plot(ep, [100 * x for x in rates], "o-", color="C%d" % i,
                       label=LABELS[mode])
        every = next(iter(rows.values()))["eval_every"]
        xlabel = "evaluation (every %d steps)" % every if every else "epoch"
        a.set_xlabel(xlabel)
        a.set_ylabel("test accuracy (%)" if name == "acc"
                     else "validation bits/char")
        a.set_title("%s: seed mean" % model)
        a.legend(fontsize=8)
        b.set_xlabel(xlabel)
        b.set_ylabel("cancelled updates (% of non-zero)")
        b.set_title("%s: update cancellation" % model)
        fig.tight_layout()
        path = os.path.join(out, "%s.png" % model)
        fig.savefig(path, dpi=100)
        plt.close(fig)
        paths.append(path)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true")
    g.add_argument("--smoke", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--modes", default=",".join(ALL_MODES))
    ap.add_argument("--seeds")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    out = args.out or os.path.join(ROOT, "results",
                                   "study" if size == "full"
                                   else "study-" + size)
    models = args.models.split(",")
    modes = args.modes.split(",")
    for m in models:
        if m not in MODELS:
            ap.error("unknown model %r (expected %s)" % (m, ", ".join(MODELS)))
    for m in modes:
        if m not in ALL_MODES:
            ap.error("unknown mode %r (expected %s)" % (
                m, ", ".join(ALL_MODES)))
    seeds = ([int(s) for s in args.seeds.split(",")] if args.seeds
             else [0, 1, 2] if size == "full" else [0])
    os.makedirs(os.path.join(out, "runs"), exist_ok=True)
    t0 = time.time()
    done = ran = 0
    if not args.report_only:
        d = Data(size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for model in models:
                for seed in seeds:
                    for mode in modes:
                        path = run_path(out, model, mode, seed)
                        if os.path.exists(path):
                            done += 1
                            continue
                        t1 = time.time()
                        try:
                            r = one_run(d, size, model, mode, seed,
                                        not args.no_progress)
                        except data.DataUnavailableError as e:
                            print("study: %s" % e, file=sys.stderr)
                            return 1
                        r["model"] = model
                        r["size"] = size
                        tmp = path + ".tmp"
                        with open(tmp, "w") as f:
                            json.dump(r, f)
                        os.replace(tmp, path)
                        ran += 1
                        print("study: %s %s seed %d: %s %.4f, %.0f s" % (
                            model, mode, seed, r["metric_name"], r["metric"],
                            time.time() - t1), flush=True)
    summary = summarize(load_runs(out))
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    text = tables(summary)
    with open(os.path.join(out, "tables.md"), "w") as f:
        f.write(text)
    paths = figures(summary, out)
    print(text)
    print("study (%s): %d runs run, %d already done, %.0f s; wrote %s, %s "
          "and %s" % (size, ran, done, time.time() - t0,
                      os.path.join(out, "tables.md"),
                      os.path.join(out, "summary.json"), ", ".join(paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
