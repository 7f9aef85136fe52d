#!/usr/bin/python3
r"""Runs the whole --bf16-train pipeline over every .mlir file of the tree.

Usage: sweep-bf16-train.py [--jobs N] [--timeout S] <bf16-opt> <source root>
                           [<dir> ...]

Discovers, at run time, every `*.mlir` file under <source root>/test and
<source root>/examples (or under the given <dir>s, relative to the root),
recursively and including broken inputs such as test/BadInput/inputs.
Each file runs through `bf16-opt --bf16-train="<options>"` in every mode
of MODES that applies to it:

  * files whose text contains "tosa." also run the input=tosa modes;
  * files that contain a `// -----` separator or whose RUN lines use
    -split-input-file run every mode twice: whole and with
    -split-input-file (without a separator both runs would be identical);
  * --allow-unregistered-dialect is passed when a RUN line of the file
    uses it.

Every run gets an empty stdin and a timeout (its process group is killed
when it expires), and must
  * finish (a timeout is a failure);
  * exit with 0 or 1 and print no crash banner (stack dump, assertion,
    LLVM ERROR, UNREACHABLE) -- a signal, an exit code >= 128 or a banner
    is a crash;
  * when it exits with 1, print a located MLIR diagnostic on stderr
    (`<file>:<line>:<col>: error:` or `loc(...)... error:`); other non-zero
    codes, or 1 without such a diagnostic, are undiagnosed failures;
  * when it exits with 0, in every mode that is neither master-weights nor
    keep-f32, produce IR that passes `bf16-opt --bf16-verify-narrow` with
    allow-accumulators=true iff accumulate=f32 and allow-f32-in-bodies=true
    iff rounding-semantics=fused. A verify-narrow diagnostic is an "f32
    leak"; output that the checker cannot even parse, or a checker crash,
    is counted under "other".

Prints each problem (file, mode, command, reason, head of stderr), then one
summary line

  sweep: <F> files x <M> modes = <R> runs, <C> crashes, <U> undiagnosed
  failures, <L> leaks, <T> timeouts, <O> other

(on one line) and exits with 1 if any count is non-zero, else 0. The
problem list is repeated on stderr so that it survives `| FileCheck`.
Uses the standard library and bf16_opt.testing (PYTHONPATH=python).
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import time

from bf16_opt import testing
from bf16_opt.testing import crash_reason, find_tool, printable

DEFAULT_DIRS = ["test", "examples"]
TIMEOUT_S = 60
EXCERPT_LINES = 8

# (name, --bf16-train option string, applies only to files mentioning tosa.)
MODES = [
    ("default", "", False),
    ("stochastic", "rounding=stochastic", False),
    ("kahan-globals", "rounding=kahan state=globals", False),
    ("split-bf16acc", "rounding=split accumulate=bf16", False),
    ("fused-allstate-kahan",
     "rounding-semantics=fused apply-to=all-state rounding=kahan", False),
    ("master-weights", "master-weights=true", False),
    ("keep-f32-sr-seed",
     "rounding=stochastic seed=12345 state=globals keep-f32=math.exp,math.log"
     " remarks", False),
    ("tosa", "input=tosa", True),
    ("tosa-kahan-bf16acc", "input=tosa rounding=kahan accumulate=bf16", True),
]

# An MLIR diagnostic with a location: `path:line:col: error:` or a printed
# location attribute `loc(...)` before `error:` on the same line.
LOCATED_ERROR = re.compile(r"(:\d+:\d+: error:|loc\(.*error:)")
LEAK_DIAG = re.compile(r"still uses .*: the IR is not .*-only")
RUN_LINE = re.compile(r"^\s*//\s*RUN:(.*)$", re.MULTILINE)
SPLIT_MARKER = re.compile(r"^// -----\s*$", re.MULTILINE)
def option_value(opts, key, default):
    for word in opts.split():
        if word.startswith(key + "="):
            return word[len(key) + 1:]
    return default


def verify_args(opts):
    """The --bf16-verify-narrow flag matching a --bf16-train option string,
    or None when the output may legitimately keep f32."""
    if option_value(opts, "master-weights", "false") == "true" or \
            "keep-f32=" in opts:
        return None
    acc = option_value(opts, "accumulate", "f32") == "f32"
    fused = option_value(opts, "rounding-semantics", "per-op") == "fused"
    return ("--bf16-verify-narrow=allow-accumulators=%s "
            "allow-f32-in-bodies=%s" %
            ("true" if acc else "false", "true" if fused else "false"))


def discover(root, dirs):
    files = []
    for d in dirs:
        top = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".mlir"):
                    files.append(os.path.join(dirpath, name))
    return sorted(files)


def classify_file(path):
    """Returns (text mentions tosa., split variant wanted, extra flags)."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    runs = " ".join(RUN_LINE.findall(text))
    split = bool(SPLIT_MARKER.search(text)) or "split-input-file" in runs
    extra = []
    if "allow-unregistered-dialect" in runs:
        extra.append("--allow-unregistered-dialect")
    return "tosa." in text, split, extra


class CannotRun(Exception):
    pass


def run(cmd, timeout, stdin_data=None):
    """Returns (rc or None on timeout, stdout bytes, stderr text). The tool
    runs in its own process group, which is killed on timeout."""
    try:
        p = testing.run(cmd, input=stdin_data, timeout=timeout, text=False)
    except subprocess.TimeoutExpired as e:
        return None, e.output or b"", (e.stderr or b"").decode("utf-8", "replace")
    except OSError as e:
        raise CannotRun(str(e))
    return p.returncode, p.stdout, p.stderr.decode("utf-8", errors="replace")


def sweep_one(tool, timeout, path, mode, opts, split, extra):
    """Runs one case. Returns (outcome, problem): outcome is "rejected"
    (exit 1, located diagnostic), "accepted" (exit 0, not checked),
    "verified" (exit 0, passes verify-narrow) or "failed"; problem is None
    or (category, reason, command, stderr)."""
    try:
        outcome, problem = _sweep_one(tool, timeout, path, mode, opts, split,
                                      extra)
    except CannotRun as e:
        outcome, problem = None, ("other", "could not run %s: %s" % (tool, e),
                                  [tool, path], "")
    return (outcome if problem is None else "failed"), problem


def _sweep_one(tool, timeout, path, mode, opts, split, extra):
    flags = list(extra) + (["-split-input-file"] if split else [])
    cmd = [tool, path, "--bf16-train=" + opts] + flags
    rc, out, err = run(cmd, timeout)
    if rc is None:
        return None, ("timeout", "did not finish within %d s" % timeout, cmd,
                      err)
    out_text = out.decode("utf-8", errors="replace")
    crash = crash_reason(rc, out_text, err)
    if crash:
        return None, ("crash", crash, cmd, err)
    if rc not in (0, 1):
        return None, ("undiagnosed", "exit code %d (expected 0 or 1)" % rc,
                      cmd, err)
    if rc == 1:
        if not LOCATED_ERROR.search(err):
            return None, ("undiagnosed",
                          "exit code 1 without a located 'error:' diagnostic",
                          cmd, err)
        return "rejected", None
    vflag = verify_args(opts)
    if vflag is None:
        return "accepted", None
    vcmd = [tool, "-", vflag] + flags
    vrc, vout, verr = run(vcmd, timeout, stdin_data=out)
    shown = cmd + ["|"] + vcmd
    if vrc is None:
        return None, ("timeout", "verify-narrow on the output did not "
                      "finish within %d s" % timeout, shown, verr)
    vcrash = crash_reason(vrc, vout.decode("utf-8", "replace"), verr)
    if vcrash:
        return None, ("other", "verify-narrow on the output crashed: " +
                      vcrash, shown, verr)
    if vrc == 0:
        return "verified", None
    if vrc == 1 and LEAK_DIAG.search(verr):
        n = len(LEAK_DIAG.findall(verr))
        return None, ("leak", "f32 leaked: %d verify-narrow diagnostic(s) on "
                      "the exit-0 output" % n, shown, verr)
    return None, ("other", "verify-narrow rejected the exit-0 output (exit "
                  "code %d) without a leak diagnostic, e.g. it does not "
                  "reparse" % vrc, shown, verr)


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=TIMEOUT_S)
    ap.add_argument("--verbose", action="store_true",
                    help="print the outcome of every run")
    ap.add_argument("tool")
    ap.add_argument("root")
    ap.add_argument("dirs", nargs="*", default=DEFAULT_DIRS)
    args = ap.parse_args(argv[1:])

    tool = find_tool(args.tool)
    if not tool:
        print("sweep: tool %s not found or not executable" % args.tool)
        return 1
    files = discover(args.root, args.dirs)
    if not files:
        print("sweep: no .mlir files under %s (%s)" %
              (args.root, ", ".join(args.dirs)))
        return 1

    jobs = []  # (path, mode name, opts, split, extra)
    for path in files:
        tosa, split, extra = classify_file(path)
        for name, opts, tosa_only in MODES:
            if tosa_only and not tosa:
                continue
            for sp in ([False, True] if split else [False]):
                jobs.append((path, name, opts, sp, extra))

    start = time.monotonic()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = [pool.submit(sweep_one, tool, args.timeout, p, n, o, s, e)
                   for p, n, o, s, e in jobs]
        for job, fut in zip(jobs, futures):
            results.append((job, fut.result()))
    elapsed = time.monotonic() - start

    counts = {"crash": 0, "undiagnosed": 0, "leak": 0, "timeout": 0,
              "other": 0}
    report = []
    outcomes = {"rejected": 0, "accepted": 0, "verified": 0, "failed": 0}
    verbose = []
    for (path, name, opts, sp, extra), (outcome, res) in results:
        outcomes[outcome] += 1
        rel = os.path.relpath(path, args.root)
        verbose.append("%-9s %s  mode=%s%s" %
                       (outcome, rel, name, " (split)" if sp else ""))
        if res is None:
            continue
        category, reason, cmd, err = res
        counts[category] += 1
        lines = err.splitlines()
        block = ["FAIL [%s] %s  mode=%s%s" %
                 (category, rel, name, " (split)" if sp else ""),
                 "  command: %s" % " ".join(shlex.quote(a) for a in cmd),
                 "  reason: %s" % reason,
                 "  stderr (%d lines%s):" %
                 (len(lines), ", first %d" % EXCERPT_LINES
                  if len(lines) > EXCERPT_LINES else "")]
        block += ["  | %s" % printable(l[:200]) for l in lines[:EXCERPT_LINES]]
        report += block

    split_runs = sum(1 for j in jobs if j[3])
    summary = ("sweep: %d files x %d modes = %d runs, %d crashes, "
               "%d undiagnosed failures, %d leaks, %d timeouts, %d other" %
               (len(files), len(MODES), len(jobs), counts["crash"],
                counts["undiagnosed"], counts["leak"], counts["timeout"],
                counts["other"]))
    print("tool: %s" % tool)
    if args.verbose:
        print("\n".join(verbose))
    print("runs: %d (%d with -split-input-file), %d jobs, %.1f s: %d exit 0 "
          "and pass verify-narrow, %d exit 0 unchecked (master-weights/"
          "keep-f32), %d exit 1 with a located diagnostic, %d failed" %
          (len(jobs), split_runs, args.jobs, elapsed, outcomes["verified"],
           outcomes["accepted"], outcomes["rejected"], outcomes["failed"]))
    if report:
        print("\n".join(report))
    print(summary)
    sys.stdout.flush()
    if report:
        sys.stderr.write("\n".join(report + [summary]) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
