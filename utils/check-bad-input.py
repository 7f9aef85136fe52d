#!/usr/bin/python3
r"""Runs bf16-opt on every broken input of the bad-input test set.

Usage: check-bad-input.py <bf16-opt> <inputs dir> <manifest.json>

The manifest is a JSON list of cases:

  {"file": "07-unbalanced-paren.mlir",    # a file directly in <inputs dir>
   "args": ["--lowp-emulated-to-llvm"],   # extra bf16-opt arguments
   "expect": "error: expected '\\)'",     # regex that stderr must match
   "located": true,                       # stderr must hold <file>:L:C: error:
   "description": "..."}                  # optional, free text

Each case runs `bf16-opt <args...> <inputs dir>/<file>` (stdin and stdout
discarded, 60 s timeout) and passes only if bf16-opt
  * exits with a code in 1..127 (0 means the broken input was accepted;
    death by a signal or a code >= 128 means a crash),
  * prints no crash banner (stack dump, LLVM ERROR, assertion) on stderr,
  * writes stderr matching `expect` (re.search, MULTILINE),
  * and, if `located`, reports an MLIR location `<path>:<line>:<col>: error:`
    for the input path it was given.
The whole check also fails if a file of <inputs dir> is missing from the
manifest or the other way round, or if there are fewer than 30 cases.

Prints one line per case and then the summary
  bad-input: <N> cases, <N> ok
or, on any failure, `bad-input: <N> cases, <K> ok, <F> FAILED ...` and exits
with 1. Uses the standard library and bf16_opt.testing (PYTHONPATH=python).
"""

import json
import os
import re
import shlex
import subprocess
import sys

from bf16_opt.testing import crash_reason, find_tool, printable, run

MIN_CASES = 30
TIMEOUT_S = 60
REQUIRED_KEYS = {"file": str, "args": list, "expect": str, "located": bool}
OPTIONAL_KEYS = {"description": str}
EXCERPT_LINES = 12


def load_manifest(path):
    """Returns (cases, problems)."""
    problems = []
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        return [], ["cannot read manifest %s: %s" % (path, e)]
    if not isinstance(data, list):
        return [], ["manifest %s must be a JSON list of cases" % path]
    cases, seen = [], set()
    for i, case in enumerate(data):
        where = "manifest entry #%d" % i
        if not isinstance(case, dict):
            problems.append("%s is not an object" % where)
            continue
        if isinstance(case.get("file"), str):
            where += " (%s)" % case["file"]
        bad = False
        for key, typ in REQUIRED_KEYS.items():
            if not isinstance(case.get(key), typ):
                problems.append("%s: '%s' missing or not a %s" %
                                (where, key, typ.__name__))
                bad = True
        for key in case:
            if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
                problems.append("%s: unknown key '%s'" % (where, key))
                bad = True
        if bad:
            continue
        if not all(isinstance(a, str) for a in case["args"]):
            problems.append("%s: 'args' must be a list of strings" % where)
            continue
        name = case["file"]
        if not name or os.path.basename(name) != name or name in (".", ".."):
            problems.append("%s: 'file' must be a plain file name" % where)
            continue
        if name in seen:
            problems.append("%s: listed more than once" % where)
            continue
        seen.add(name)
        try:
            case["_regex"] = re.compile(case["expect"], re.MULTILINE)
        except re.error as e:
            problems.append("%s: bad 'expect' regex: %s" % (where, e))
            continue
        cases.append(case)
    return cases, problems


def check_inputs_dir(inputs, cases):
    problems = []
    try:
        entries = sorted(os.listdir(inputs))
    except OSError as e:
        return ["cannot list inputs directory %s: %s" % (inputs, e)]
    listed = {c["file"] for c in cases}
    for name in entries:
        path = os.path.join(inputs, name)
        if not os.path.isfile(path):
            problems.append("%s is not a regular file" % path)
        elif name not in listed:
            problems.append("%s is not in the manifest" % path)
    present = set(entries)
    for c in cases:
        if c["file"] not in present:
            problems.append("manifest case %s has no file in %s" %
                            (c["file"], inputs))
    return problems


def run_case(tool, inputs, case):
    """Returns (ok, command, list of failure reasons, stderr text)."""
    path = os.path.join(inputs, case["file"])
    cmd = [tool] + case["args"] + [path]
    reasons = []
    try:
        proc = run(cmd, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        return False, cmd, ["timed out after %d s" % TIMEOUT_S], e.stderr or ""
    except OSError as e:
        return False, cmd, ["could not run: %s" % e], ""
    err = proc.stderr
    rc = proc.returncode
    crash = crash_reason(rc, err)
    if crash:
        reasons.append("CRASH: " + crash)
    elif rc == 0:
        reasons.append("exit code 0: the broken input was accepted")
    if not case["_regex"].search(err):
        reasons.append("stderr does not match expect regex %r" %
                       case["expect"])
    if case["located"]:
        loc = re.compile(re.escape(path) + r":\d+:\d+: error:")
        if not loc.search(err):
            reasons.append("stderr has no '%s:<line>:<col>: error:' location"
                           % path)
    return not reasons, cmd, reasons, err


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    name, inputs, manifest = argv[1:]
    tool = find_tool(name)
    if not tool:
        print("bad-input: tool %s not found or not executable" % name)
        return 1
    cases, problems = load_manifest(manifest)
    problems += check_inputs_dir(inputs, cases)
    if len(cases) < MIN_CASES:
        problems.append("only %d valid cases; at least %d are required" %
                        (len(cases), MIN_CASES))

    print("tool: %s" % tool)
    passed, failed = 0, []
    report = []  # failure details, repeated on stderr at the end
    for case in cases:
        ok, cmd, reasons, err = run_case(tool, inputs, case)
        if ok:
            passed += 1
            print("ok      %s" % case["file"])
            continue
        failed.append(case["file"])
        block = ["FAIL    %s" % case["file"],
                 "  command: %s" % " ".join(shlex.quote(a) for a in cmd)]
        block += ["  - %s" % r for r in reasons]
        lines = err.splitlines()
        block.append("  stderr (%d lines%s):" %
                     (len(lines), ", first %d" % EXCERPT_LINES
                      if len(lines) > EXCERPT_LINES else ""))
        block += ["  | %s" % printable(line[:200])
                  for line in lines[:EXCERPT_LINES]]
        print("\n".join(block))
        report += block

    if failed or problems:
        tail = ["PROBLEM %s" % p for p in problems]
        if failed:
            tail.append("failed cases: %s" % ", ".join(failed))
        tail.append("bad-input: %d cases, %d ok, %d FAILED, %d "
                    "manifest/input problems" %
                    (len(cases), passed, len(failed), len(problems)))
        print("\n".join(tail))
        sys.stdout.flush()
        # Repeated on stderr, so that the report survives `| FileCheck`.
        sys.stderr.write("\n".join(report + tail) + "\n")
        return 1
    print("bad-input: %d cases, %d ok" % (len(cases), passed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
