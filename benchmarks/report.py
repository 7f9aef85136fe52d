#!/usr/bin/python3
"""Combine bf16-bench-peak and peers.py JSON files into one table.

usage: report.py FILE.json... [--markdown]

Also the pieces the benchmark drivers share (arg_parser, fmt, finish).

Rows with the same key from several runs are merged: the value shown is the
best run (highest rate, lowest time) and the spread column gives the range
over all runs as (worst - best) / best. ratio-to-peak divides the best value
by the best value of the row's peak row (for times: bound / time); a
peak row shows 1.00 against itself.
"""

import argparse
import json
import os
import platform
import sys

from bf16_opt.testing import build_dir


def arg_parser(doc):
    """The argument parser of a benchmark driver whose docstring is `doc`
    (first line: description, from the third: epilog), with --build: the
    build tree ($BF16_BUILD_DIR, else bf16_opt.testing.build_dir())."""
    ap = argparse.ArgumentParser(
        description=doc.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(doc.splitlines()[2:]))
    ap.add_argument("--build", default=os.environ.get("BF16_BUILD_DIR")
                    or build_dir())
    return ap


def fmt(v, spec="%.2f", missing="n/a"):
    """`v` formatted with `spec`, or `missing` for None."""
    return missing if v is None else spec % v


def finish(out, json_name, lines, failures, payload):
    """Shared tail of the benchmark drivers: appends the failures to the
    markdown table `lines`, prints it, writes OUT/table.md and
    OUT/json_name (payload plus the failures); returns the exit code."""
    if failures:
        lines.append("")
        for label, err in failures:
            lines.append("FAILED: %s: %s"
                         % (label, err.splitlines()[0] if err else ""))
    table = "\n".join(lines)
    print()
    print(table)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(out, json_name), "w") as f:
        json.dump(dict(payload, failures=failures), f, indent=1)
    return 1 if failures else 0


def main(argv):
    markdown = "--markdown" in argv
    files = [a for a in argv if a != "--markdown"]
    if not files:
        sys.exit(__doc__)
    order, runs, meta = [], {}, {}
    cpu = None
    for path in files:
        with open(path) as f:
            data = json.load(f)
        cpu = cpu or data.get("cpu")
        for r in data["rows"]:
            k = r["key"]
            if k not in runs:
                order.append(k)
                runs[k] = []
                meta[k] = r
            runs[k].append(r["value"])

    def best(k):
        vals = [v for v in runs.get(k, []) if v is not None]
        if not vals:
            return None
        return min(vals) if meta[k]["better"] == "lower" else max(vals)

    header = ["figure", "value", "unit", "ratio-to-peak", "spread", "note"]
    table = []
    for k in order:
        m, b = meta[k], best(k)
        vals = [v for v in runs[k] if v is not None]
        ratio = ""
        p = best(m["peak"]) if m["peak"] else None
        if p and b:
            ratio = "%.2f" % (b / p if m["better"] == "higher" else p / b)
        spread = ""
        if len(vals) > 1 and b:
            worst = max(vals) if m["better"] == "lower" else min(vals)
            spread = "%.1f%%" % (abs(worst - b) / abs(b) * 100)
        table.append([m["figure"], "n/a" if b is None else "%.2f" % b,
                      m["unit"], ratio, spread, m.get("note", "")])

    nruns = max(len(v) for v in runs.values())
    print("%d run(s); CPU: %s; host: %s; value = best run, spread = "
          "(worst - best) / best" % (nruns, cpu or "?", platform.node()))
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---", "---:", "---", "---:", "---:", "---"])
              + "|")
        for row in table:
            print("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    else:
        widths = [max(len(r[i]) for r in table + [header])
                  for i in range(len(header) - 1)]
        fmt = "  ".join("%%-%ds" % w if i in (0, 2) else "%%%ds" % w
                        for i, w in enumerate(widths)) + "  %s"
        print(fmt % tuple(header))
        for row in table:
            print(fmt % tuple(row))


if __name__ == "__main__":
    main(sys.argv[1:])
