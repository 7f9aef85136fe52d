#!/usr/bin/python3
r"""Minimizes a reproducer that fuzz.py wrote, keeping its signature.

Usage: reduce.py [--bf16-opt PATH] [--bf16-run PATH] [--timeout S]
                 [--signature SIG] [--lines-only]
                 REPRODUCER.mlir [-o OUT.mlir]

Reads the `// Fuzz finding: <signature>`, `// Pipeline:` and `// Command
(%s = this file): <command>` lines of the reproducer's header, then deletes
chunks of lines (delta debugging, from halves down to single lines) and
then single tokens (unless --lines-only), as long as the command still
gives a finding with that signature (same classification as fuzz.py,
triage.py; the signature may be a glob, or be replaced with --signature).
Writes the result, without the header, to OUT (default:
REPRODUCER.min.mlir) and prints the command. Deleting lines of SSA IR
mostly breaks it, so the result is a starting point for reducing by hand.

Uses the standard library and bf16_opt.testing (PYTHONPATH=<source
root>/python).
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

import fuzz


class Oracle:
    def __init__(self, args, sig, cmd, pipeline):
        self.sig = sig
        self.pipeline = pipeline
        self.cmd = cmd
        self.dir = tempfile.mkdtemp(prefix="bf16-reduce-")
        ns = argparse.Namespace(bf16_opt=args.bf16_opt,
                                bf16_run=args.bf16_run, src=args.src,
                                timeout=args.timeout,
                                run_timeout=args.timeout, seed=0)
        self.fuzzer = fuzz.Fuzzer(ns, [], work=self.dir)
        self.tries = 0
        self.regex = fuzz.triage.glob_regex(sig)

    def signatures(self, text):
        """The signatures of the findings that `text` gives."""
        self.tries += 1
        path = os.path.join(self.dir, "candidate.mlir")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return fuzz.run_command(self.fuzzer, self.cmd, self.pipeline, path,
                                self.dir)

    def __call__(self, text):
        return any(self.regex.match(x) for x in self.signatures(text))


def ddmin(items, keep, join):
    """Removes chunks of `items` while keep(join(items)) holds."""
    n = 2
    while len(items) >= 1:
        size = max(1, len(items) // n)
        removed = False
        start = 0
        while start < len(items):
            cand = items[:start] + items[start + size:]
            if cand and keep(join(cand)):
                items = cand
                removed = True
            else:
                start += size
        if not removed:
            if size == 1:
                break
            n = min(len(items), n * 2)
    return items


def main():
    src_default = os.path.dirname(os.path.dirname(fuzz.HERE))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("reproducer")
    ap.add_argument("-o", "--output")
    ap.add_argument("--src", default=src_default)
    ap.add_argument("--bf16-opt", default=None)
    ap.add_argument("--bf16-run", default=None)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--signature", default=None,
                    help="the signature to keep (default: the header's)")
    ap.add_argument("--lines-only", action="store_true",
                    help="do not delete single tokens after the lines")
    args = ap.parse_args()
    args.bf16_opt = args.bf16_opt or fuzz.default_tool("bf16-opt")
    args.bf16_run = args.bf16_run or fuzz.default_tool("bf16-run")
    try:
        sig, cmd, pipeline, text = fuzz.read_header(args.reproducer)
    except ValueError as e:
        sys.exit("reduce: error: %s" % e)
    sig = args.signature or sig
    keep = Oracle(args, sig, cmd, pipeline)
    now = keep.signatures(text)
    if not any(keep.regex.match(x) for x in now):
        sys.exit("reduce: error: the reproducer no longer gives: %s\n"
                 "it gives: %s\n(pick one with --signature)" % (
                     sig, "; ".join(now) or "no finding"))
    lines = ddmin(text.splitlines(keepends=True), keep, "".join)
    text = "".join(lines)
    # Then single tokens (attributes, operands, types) within the lines.
    if not args.lines_only:
        tokens = re.findall(r"\s+|[\w.%@#$^-]+|.", text, re.S)
        tokens = ddmin(tokens, keep, "".join)
        text = "".join(tokens)
    out = args.output or re.sub(r"\.mlir$", "", args.reproducer) + \
        ".min.mlir"
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    shutil.rmtree(keep.dir, ignore_errors=True)
    print("reduce: %d tries; %s" % (keep.tries, sig))
    print("reduce: command: %s" % cmd.replace("%s", out))
    print("reduce: wrote %s (%d lines)" % (out, text.count("\n") + 1))


if __name__ == "__main__":
    sys.exit(main())
