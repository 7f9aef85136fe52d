#!/usr/bin/python3
r"""In-tree mutation fuzzer of bf16-opt's public pipelines.

Usage:
  fuzz.py [--seed N] [--budget-seconds S | --max-inputs N] [--jobs J]
          [--bf16-opt PATH] [--bf16-run PATH] [--src DIR] [--out-dir DIR]
          [--known-open FILE] [--known-upstream FILE] [--strict] ...
  fuzz.py --seed N --replay I      # re-run mutant #I, verbosely
  fuzz.py --check-findings [FILE ...]   # open ones reproduce, fixed not?

Seed inputs are every `*.mlir` file under <src>/examples and <src>/test,
split at `// -----` lines, with whole-line comments removed; a chunk that
`bf16-opt` does not parse as it is (broken-input tests, files that need
--allow-unregistered-dialect) is not a seed. Mutant #i is a pure function
of (seed, i, the seed files): its own `random.Random("<seed>:<i>")` picks a
seed file, one of its chunks and one to four mutations (element types,
shapes, constants, affine maps, iterator types, integer-array attributes,
deleted, duplicated or swapped lines, truncation, swapped operands,
renamed ops, ...; see mutate.py). The time budget only decides how many
mutants run, never what they are, so two runs with one seed try the same
mutants, in the same order, up to the shorter one's count.

Each mutant is first parsed by `bf16-opt` with no passes, and its output
parsed back. If the parser rejects it with a diagnostic, the mutant counts
as tried and stops there (every pipeline would stop in the same parser).
Otherwise every public pipeline runs on it (TRAIN_MODES and pipelines()
below): the --bf16-train modes, --bf16-train-to-llvm (defaults and a
target picked by the mutant's rng), --lowp-emulated-to-llvm, a
--bf16-train mode chained with a lowering, and bf16-run (skipped, and
counted, for mutants that may legitimately run very long or divide by
zero). Any IR a bf16-opt run prints with exit code 0 is fed back to
`bf16-opt` with no passes. docs/Fuzzing.md has the details.

What counts as a finding is defined in triage.py: a crash, a hang, a
non-zero exit without an `error:` diagnostic, or printed IR that does not
parse back. A finding whose signature matches a glob of --known-upstream
(bugs of stock MLIR/LLVM 22 that the stock tools show too) or of --known-open
(our own bugs, filed under utils/fuzz/findings/ and still to be fixed) is
reported apart and does not fail the run. Without --strict both lists
default to the files next to this script; --strict ignores known-open.

Each new finding is printed with its signature, command and reproducer
(written to --out-dir). The last line is the summary:

  fuzz summary: <I> inputs tried, <R> pipeline runs, <T> s, <F> findings
  (<K> known-open, <U> known-upstream); ...

The exit code is 1 if there is any (new) finding, else 0. Uses the
standard library and bf16_opt.testing (PYTHONPATH=<source root>/python).
"""

import argparse
import concurrent.futures
import hashlib
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

try:
    from bf16_opt import testing
except ImportError:
    sys.exit("fuzz: error: cannot import bf16_opt (bf16_opt.testing); run "
             "with PYTHONPATH=<source root>/python, as lit does")

import mutate  # noqa: E402
import triage  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_DIRS = ["examples", "test"]

# --bf16-train modes: every rounding, every option value at least once, and
# a few combinations. (name, option string, needs an input mentioning tosa.)
TRAIN_MODES = [
    ("nearest", "rounding=nearest", False),
    ("stochastic", "rounding=stochastic seed=7", False),
    ("kahan", "rounding=kahan", False),
    ("split", "rounding=split", False),
    ("all-state", "apply-to=all-state", False),
    ("globals-kahan", "state=globals rounding=kahan", False),
    ("acc-bf16", "accumulate=bf16", False),
    ("fused", "rounding-semantics=fused", False),
    ("master-weights", "master-weights=true", False),
    ("sr-globals-all", "rounding=stochastic state=globals apply-to=all-state",
     False),
    ("split-bf16-fused",
     "rounding=split accumulate=bf16 rounding-semantics=fused", False),
    ("keep-f32", "keep-f32=math.exp,linalg.matmul remarks", False),
    ("diagnostics", "diagnostics=true", False),
    ("diagnostics-sr", "rounding=stochastic diagnostics=true", False),
    ("diagnostics-split-all",
     "rounding=split apply-to=all-state diagnostics=true", False),
    ("tosa", "input=tosa", True),
    ("tosa-kahan-bf16", "input=tosa rounding=kahan accumulate=bf16", True),
]

# The lowering pipelines. Each mutant runs the defaults, plus one variant
# of each picked by its rng: every --bf16-train-to-llvm target with any of
# its flags, and a --bf16-train mode chained with a lowering (the real
# flow).
TO_LLVM_TARGETS = ["host", "avx512bf16", "avx512", "avx2", "emulated"]
TO_LLVM_FLAGS = ["vectorize", "outline", "emit-c-interface"]
# ... and one of these thread settings (docs/Threads.md): single-threaded
# code, a fixed count, or every parallel loop on OpenMP.
TO_LLVM_THREADS = ["", "threads=1", "threads=3", "parallel-min-work=1"]

# bf16-run: once as it is, and once with a --pre of these (and, now and
# then, the portable --lowering), picked by the mutant's rng.
RUN_PRES = ["bf16-train", "bf16-train{rounding=stochastic}",
            "bf16-train{rounding=kahan}", "bf16-train{rounding=split}",
            "bf16-train{state=globals rounding=kahan}",
            "bf16-train{accumulate=bf16 apply-to=all-state}",
            "bf16-train{rounding-semantics=fused rounding=stochastic}",
            "bf16-train{master-weights=true}",
            "bf16-train{rounding=kahan diagnostics=true}"]
RUN_LOWERINGS = ["lowp-emulated-to-llvm{emit-c-interface}",
                 "bf16-train-to-llvm{emit-c-interface target=emulated}",
                 "bf16-train-to-llvm{emit-c-interface vectorize outline}",
                 "bf16-train-to-llvm{emit-c-interface parallel-min-work=1}"]


def pipelines(rng, has_tosa):
    """The (name, tool, arguments) of every run of one mutant that parsed;
    the rng picks the variants."""
    runs = []
    for name, opts, tosa in TRAIN_MODES:
        if tosa and not has_tosa:
            continue
        runs.append(("bf16-train:" + name, "bf16-opt",
                     ["--bf16-train=" + opts]))
    target = rng.choice(TO_LLVM_TARGETS)
    flags = [f for f in TO_LLVM_FLAGS if rng.random() < 0.5]
    flags += [t for t in [rng.choice(TO_LLVM_THREADS)] if t]
    lower = "bf16-train-to-llvm{%s}" % " ".join(["target=" + target] + flags)
    runs.append(("to-llvm", "bf16-opt", ["--bf16-train-to-llvm"]))
    runs.append(("to-llvm:" + target, "bf16-opt",
                 ["--pass-pipeline=builtin.module(%s)" % lower]))
    runs.append(("emulated-to-llvm", "bf16-opt", ["--lowp-emulated-to-llvm"]))
    runs.append(("emulated-to-llvm:c", "bf16-opt",
                 ["--lowp-emulated-to-llvm=emit-c-interface"]))
    modes = [m for m in TRAIN_MODES if has_tosa or not m[2]]
    name, opts, _ = rng.choice(modes)
    chain_lower = rng.choice([lower, "lowp-emulated-to-llvm",
                              "bf16-train-to-llvm"])
    runs.append(("train-then-llvm:" + name, "bf16-opt",
                 ["--pass-pipeline=builtin.module(bf16-train{%s},%s)" % (
                     opts, chain_lower)]))
    runs.append(("bf16-run", "bf16-run", ["--steps=1"]))
    pre = ["--pre=" + rng.choice(RUN_PRES)]
    if rng.random() < 0.3:
        pre.append("--lowering=" + rng.choice(RUN_LOWERINGS))
    runs.append(("bf16-run:pre", "bf16-run", pre + ["--steps=2"]))
    return runs


# bf16-run executes the step: skip mutants whose shapes or index
# constants could make it legitimately run for a long time or allocate
# gigabytes (those are not hangs), and mutants with an integer division or
# remainder whose divisor is not a non-zero constant (a division by zero is
# the program's own undefined behaviour; on x86 it traps with SIGFPE, which
# is not a bug of bf16-run).
RUN_MAX_ELEMENTS = 1 << 22
RUN_MAX_INT = 1 << 20
# Index constants: loop bounds, sizes (Philox keys and the like are i32).
INDEX_CONST_RE = re.compile(r"arith\.constant\s+(-?\d+)\s*:\s*index\b")
INT_DIV_RE = re.compile(
    r"\barith\.(?:divsi|divui|remsi|remui|ceildivsi|ceildivui|floordivsi)"
    r"\s+%[\w$.-]+\s*,\s*(%[\w$.-]+)")
OTHER_INT_DIV_RE = re.compile(
    r"\blinalg\.div_unsigned\b|\blinalg\.div\b(?=[^\n]*\bi\d)|"
    r"\barith\.(?:divsi|divui|remsi|remui|ceildivsi|ceildivui|floordivsi)"
    r"\s+%[\w$.-]+\s*,\s*%[\w$.-]+\s*:\s*(?:tensor|vector|memref)")
NONZERO_INT_CONST_RE = re.compile(
    r"(%[\w$.-]+)\s*=\s*arith\.constant\s+(-?\d+)\s*:\s*(?:i\d+|index)\b")


def may_divide_by_zero(text):
    """Whether an integer division or remainder of `text` has a divisor
    that is not a non-zero scalar constant of the file."""
    if OTHER_INT_DIV_RE.search(text):
        return True
    consts = {m.group(1) for m in NONZERO_INT_CONST_RE.finditer(text)
              if int(m.group(2)) != 0}
    return any(m.group(1) not in consts for m in INT_DIV_RE.finditer(text))

EXCERPT_LINES = 12


def default_tool(name):
    """The build tree's tool (BF16_OPT_BUILD_DIR or build/), else the one
    on PATH."""
    return testing.find_tool(testing.build_tool(name)) or \
        testing.find_tool(name) or testing.build_tool(name)


# ------------------------------------------------------------------ seeds

SPLIT_RE = re.compile(r"^// -----\s*$", re.M)
COMMENT_LINE_RE = re.compile(r"^\s*//.*\n?", re.M)


class Seed:
    def __init__(self, path, chunk, text):
        self.path, self.chunk, self.text = path, chunk, text

    def name(self, src):
        rel = os.path.relpath(self.path, src)
        return "%s:%d" % (rel, self.chunk) if self.chunk else rel


def discover_seeds(src):
    seeds = []
    for d in SEED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(src, d)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(".mlir"):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (OSError, UnicodeDecodeError):
                    continue
                for k, chunk in enumerate(SPLIT_RE.split(text)):
                    body = COMMENT_LINE_RE.sub("", chunk)
                    if body.strip():
                        seeds.append(Seed(path, k, body))
    seeds.sort(key=lambda s: (s.path, s.chunk))
    return seeds


# ------------------------------------------------------------------ runs

class ToolError(Exception):
    pass


class Run:
    """One finished tool run."""

    def __init__(self, argv, rc, stderr, timed_out, seconds):
        self.argv, self.rc, self.stderr = argv, rc, stderr
        self.timed_out, self.seconds = timed_out, seconds


def run_tool(argv, timeout):
    """Runs argv with bf16_opt.testing.run (empty stdin, own process
    group, killed at the timeout); returns a Run, also for a timeout."""
    try:
        p = testing.run(argv, timeout=timeout)
        rc, stderr, timed_out, wall = p.returncode, p.stderr, False, p.wall_s
    except subprocess.TimeoutExpired as e:
        stderr = e.stderr or ""
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        rc, timed_out, wall = -9, True, float(timeout)
    except OSError as e:
        # The tool vanished (a rebuild under way): not a finding.
        raise ToolError("cannot run %s: %s" % (argv[0], e))
    return Run(argv, rc, stderr, timed_out, wall)


class Finding:
    def __init__(self, sig, kind, index, pipeline, argv, run, seed_name,
                 mutations, mutant_path, extra=None):
        self.sig, self.kind, self.index = sig, kind, index
        self.pipeline, self.argv, self.run = pipeline, argv, run
        self.seed_name, self.mutations = seed_name, mutations
        self.mutant_path, self.extra = mutant_path, extra
        self.status = "new"  # or "known-open", "known-upstream"
        self.glob = None


class Result:
    def __init__(self, index):
        self.index = index
        self.runs = 0
        self.parsed = False
        self.findings = []
        self.slow = []
        self.run_skipped = False
        self.log = []
        self.outcomes = []  # (pipeline family, ok | error | finding)


class Fuzzer:
    def __init__(self, args, seeds, work=None):
        self.args = args
        self.seeds = seeds
        self.work = work or tempfile.mkdtemp(prefix="bf16-fuzz-")
        self.opt = args.bf16_opt
        self.run = args.bf16_run
        self.opt_flags = ["--mlir-disable-threading"]

    def set_seeds(self, seeds):
        self.seeds = seeds
        self.by_file = {}
        for s in seeds:
            self.by_file.setdefault(s.path, []).append(s)
        self.files = sorted(self.by_file)

    # -- mutant generation (deterministic) --

    def mutant(self, index):
        rng = random.Random("%d:%d" % (self.args.seed, index))
        # A file first, then one of its chunks: files with many small
        # `// -----` cases do not crowd out the examples.
        seed = rng.choice(self.by_file[rng.choice(self.files)])
        text, names = mutate.mutate(seed.text, rng)
        runs = pipelines(rng, "tosa." in text)
        return seed, text, names, runs

    # -- one mutant --

    def check(self, res, ctx, pipeline, tool, argv, timeout, out_path=None):
        """Runs one pipeline, records findings; returns the Run."""
        r = run_tool(argv, timeout)
        res.runs += 1
        res.log.append("  %-34s exit %s, %.2f s%s" % (
            pipeline, "timeout" if r.timed_out else r.rc, r.seconds,
            (": " + triage.first_error_raw(r.stderr)[:160])
            if triage.ERROR_RE.search(r.stderr) else ""))
        family = pipeline if pipeline.startswith("bf16-train:") else \
            pipeline.split(":")[0]
        found = len(res.findings)
        if r.timed_out and triage.crash_detail(0, r.stderr) is None:
            r2 = run_tool(argv, timeout * 2)
            res.runs += 1
            if not r2.timed_out:
                res.slow.append((pipeline, r.seconds, r2.seconds))
                r = r2
            else:
                self.record(res, ctx, "hang", tool,
                            "%s: no exit within 2x --timeout" %
                            pipeline.split(":")[0], pipeline, argv, r2)
                res.outcomes.append((family, "finding"))
                return r2
        detail = triage.crash_detail(r.rc, r.stderr)
        if detail is not None:
            # (Also when the process hung in its crash handler.)
            self.record(res, ctx, "crash", tool, detail, pipeline, argv, r)
        elif r.rc != 0 and not triage.ERROR_RE.search(r.stderr):
            self.record(res, ctx, "silent-exit", tool,
                        "exit %d: %s" % (r.rc, triage.first_line(r.stderr)),
                        pipeline, argv, r)
        elif r.rc == 0 and out_path:
            back = run_tool([self.opt] + self.opt_flags +
                            [out_path, "-o", os.devnull], timeout)
            res.runs += 1
            if back.timed_out or back.rc != 0:
                why = triage.crash_detail(back.rc, back.stderr) or \
                    ("no exit within --timeout" if back.timed_out
                     else triage.first_error(back.stderr) or
                     triage.first_line(back.stderr))
                self.record(res, ctx, "reparse", tool,
                            "%s: %s" % (pipeline.split(":")[0], why),
                            pipeline, argv, r, extra=(out_path, back))
        res.outcomes.append((family, "finding" if len(res.findings) > found
                             else "ok" if r.rc == 0 else "error"))
        return r

    def record(self, res, ctx, kind, tool, detail, pipeline, argv, run,
               extra=None):
        seed, names, mutant_path = ctx
        sig = triage.signature(kind, tool, detail)
        res.findings.append(Finding(sig, kind, res.index, pipeline, argv, run,
                                    seed.name(self.args.src), names,
                                    mutant_path, extra))

    def fuzz_one(self, index):
        res = Result(index)
        seed, text, names, runs = self.mutant(index)
        d = os.path.join(self.work, "m%d" % index)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "mutant.mlir")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        ctx = (seed, names, path)
        res.log.append("#%d %s [%s]" % (index, seed.name(self.args.src),
                                        ", ".join(names)))
        t = self.args.timeout
        opt = [self.opt] + self.opt_flags

        # The parser (and printer) alone.
        out = os.path.join(d, "parse.out.mlir")
        r = self.check(res, ctx, "parse", "bf16-opt", opt + [path, "-o", out],
                       t, out)
        if r.rc != 0 or r.timed_out:
            return res
        res.parsed = True

        run_ok = self.run_allowed(text)
        res.run_skipped = not run_ok
        for k, (name, tool, flags) in enumerate(runs):
            if tool == "bf16-opt":
                out = os.path.join(d, "p%d.out.mlir" % k)
                self.check(res, ctx, name, tool,
                           opt + flags + [path, "-o", out], t, out)
            elif run_ok:
                self.check(res, ctx, name, tool, [self.run, path] + flags,
                           self.args.run_timeout)
        return res

    @staticmethod
    def run_allowed(text):
        if may_divide_by_zero(text):
            return False
        for m in mutate.SHAPE_RE.finditer(text):
            n = 1
            for dim in m.group(2)[:-1].split("x"):
                if dim.isdigit():
                    n *= int(dim)
            if n > RUN_MAX_ELEMENTS:
                return False
        for m in INDEX_CONST_RE.finditer(text):
            if abs(int(m.group(1))) > RUN_MAX_INT:
                return False
        return True


# ------------------------------------------------------------------ main

def parse_seeds(fuzzer, seeds, jobs):
    """Keeps the seeds that bf16-opt parses as they are."""
    d = os.path.join(fuzzer.work, "seeds")
    os.makedirs(d)

    def ok(i):
        p = os.path.join(d, "s%d.mlir" % i)
        with open(p, "w", encoding="utf-8") as f:
            f.write(seeds[i].text)
        r = run_tool([fuzzer.opt] + fuzzer.opt_flags + [p, "-o", os.devnull],
                     fuzzer.args.timeout)
        return r.rc == 0 and not r.timed_out

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        keep = list(ex.map(ok, range(len(seeds))))
    return [s for s, k in zip(seeds, keep) if k]


def read_header(path, with_status=False):
    """(signature, command, pipeline, body) of a reproducer or of a file of
    utils/fuzz/findings/: the `// Fuzz finding:`, `// Pipeline:` and
    `// Command (%s = this file):` lines of its leading comment block. The
    signature may be a glob (`*`, `?`) when the detail varies from run to
    run. With `with_status`, also whether a `// Status: fixed ...` line
    marks the finding as fixed (the file stays, as a regression input)."""
    sig = cmd = None
    fixed = False
    pipeline = "reduce"
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("//"):
        line = lines[i].rstrip("\n")
        if line.startswith("// Fuzz finding: "):
            sig = line[len("// Fuzz finding: "):].strip()
        elif line.startswith("// Pipeline: "):
            pipeline = line[len("// Pipeline: "):].strip()
        elif line.startswith("// Status: fixed"):
            fixed = True
        else:
            m = re.match(r"// Command \(%s = this file\): (.*)", line)
            if m:
                cmd = m.group(1).strip()
        i += 1
    if sig is None or cmd is None:
        raise ValueError("%s has no `// Fuzz finding:` / `// Command` "
                         "header" % path)
    if with_status:
        return sig, cmd, pipeline, "".join(lines[i:]), fixed
    return sig, cmd, pipeline, "".join(lines[i:])


def run_command(fuzzer, cmd, pipeline, path, work):
    """Runs `cmd` (a reproducer's command, `%s` standing for `path`) as
    fuzz_one would; returns the signatures of its findings."""
    words = shlex.split(cmd)
    tool = words[0]
    exe = {"bf16-opt": fuzzer.opt, "bf16-run": fuzzer.run}[tool]
    argv = [exe] + [path if a == "%s" else a for a in words[1:]]
    out = None
    if tool == "bf16-opt":
        out = os.path.join(work, "replay.out.mlir")
        argv += ["-o", out]
    res = Result(0)
    timeout = fuzzer.args.timeout if tool == "bf16-opt" else \
        fuzzer.args.run_timeout
    fuzzer.check(res, (Seed(path, 0, ""), [], path), pipeline, tool, argv,
                 timeout, out)
    return [f.sig for f in res.findings]


def check_findings(fuzzer, paths, work, known_open):
    """Re-runs each finding file: an open one must still give its
    signature, a fixed one (`// Status: fixed ...`) must not; every open
    one must match an entry of `known_open` (a triage.KnownList) and every
    entry an open one. Returns the number of problems."""
    bad = n_open = 0
    open_sigs = []
    for path in paths:
        sig, cmd, pipeline, _, fixed = read_header(path, with_status=True)
        if not fixed:
            open_sigs.append((os.path.basename(path), sig))
        now = run_command(fuzzer, cmd, pipeline, path, work)
        hit = any(triage.glob_regex(sig).match(x) for x in now)
        name = os.path.basename(path)
        n_open += not fixed
        if fixed and not hit:
            print("fixed, stays fixed: %s" % name)
        elif fixed:
            bad += 1
            print("REGRESSED: %s\n  gives again: %s" % (name, sig))
        elif hit:
            print("still open: %s\n  %s" % (name, sig))
        else:
            bad += 1
            print("NO LONGER REPRODUCES: %s\n  expected: %s\n  got: %s\n"
                  "  (if fixed: add `// Status: fixed in <commit>` to its "
                  "header and remove its known-open.txt entry)" % (
                      name, sig, "; ".join(now) or "no finding"))
    for name, sig in open_sigs:
        if not known_open.match(sig):
            bad += 1
            print("NOT IN KNOWN-OPEN: %s (%s)" % (name, sig))
    for glob, regex in zip(known_open.globs, known_open.regexes):
        if not any(regex.match(sig) for _, sig in open_sigs):
            bad += 1
            print("KNOWN-OPEN ENTRY WITHOUT AN OPEN FINDING FILE: %s" % glob)
    print("check-findings: %d files, %d open, %d fixed, %d not as "
          "recorded" % (len(paths), n_open, len(paths) - n_open, bad))
    return bad


def write_reproducer(f, out_dir, src):
    os.makedirs(out_dir, exist_ok=True)
    h = hashlib.sha1(f.sig.encode()).hexdigest()[:10]
    base = os.path.join(out_dir, "%s-%s" % (f.kind, h))
    path = base + ".mlir"
    with open(f.mutant_path, encoding="utf-8", errors="replace") as m:
        text = m.read()
    argv = [os.path.basename(f.argv[0])]
    rest = f.argv[1:]
    while rest:
        a = rest.pop(0)
        if a == "-o" and rest:
            rest.pop(0)
            continue
        argv.append("%s" if a == f.mutant_path else shlex.quote(a))
    cmd = " ".join(argv)
    lines = ["// Fuzz finding: " + f.sig,
             "// Mutant #%d of %s, mutations: %s" % (
                 f.index, f.seed_name, ", ".join(f.mutations) or "none"),
             "// Pipeline: %s" % f.pipeline,
             "// Command (%%s = this file): %s" % cmd]
    if f.kind == "hang":
        lines.append("// Observed: no exit within the timeout")
    else:
        lines.append("// Observed (exit code %d):" % f.run.rc)
        for line in f.run.stderr.splitlines()[:EXCERPT_LINES]:
            lines.append("//   " + line[:200])
    if f.extra:
        out_path, back = f.extra
        shutil.copy(out_path, base + ".out.mlir")
        lines.append("// Printed IR: %s.out.mlir; `bf16-opt` on it gives "
                     "(exit code %d):" % (os.path.basename(base), back.rc))
        for line in back.stderr.splitlines()[:EXCERPT_LINES]:
            lines.append("//   " + line[:200])
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(testing.printable(x) for x in lines) + "\n")
        out.write(text)
    return path, cmd


def main():
    src_default = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget-seconds", type=float, default=60.0,
                    help="stop starting new mutants after this time "
                         "(default 60)")
    ap.add_argument("--max-inputs", type=int, default=0,
                    help="stop after this many mutants (0: no limit)")
    ap.add_argument("--first-input", type=int, default=0,
                    help="index of the first mutant (default 0)")
    ap.add_argument("--replay", type=int, default=None, metavar="I",
                    help="run only mutant #I and print every run")
    ap.add_argument("--check-findings", nargs="*", metavar="FILE",
                    default=None,
                    help="re-run finding files (default: all of "
                         "utils/fuzz/findings/); fails if an open one no "
                         "longer reproduces, a fixed one does again, or "
                         "--known-open and the open files disagree")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--src", default=src_default,
                    help="source root whose examples/ and test/ are the "
                         "seeds (default: this checkout)")
    ap.add_argument("--bf16-opt", default=None)
    ap.add_argument("--bf16-run", default=None)
    ap.add_argument("--mlir-opt", default=shutil.which("mlir-opt"),
                    help="stock mlir-opt: each crash is also parsed with it, "
                         "to tell parser bugs of upstream MLIR (default: "
                         "mlir-opt on PATH; none to skip)")
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="seconds per bf16-opt run (a timeout is re-run "
                         "with twice as long before it counts as a hang)")
    ap.add_argument("--run-timeout", type=float, default=20.0,
                    help="seconds per bf16-run run")
    ap.add_argument("--out-dir", default=None,
                    help="where reproducers go (default: a new temporary "
                         "directory)")
    ap.add_argument("--known-open",
                    default=os.path.join(HERE, "known-open.txt"),
                    help="globs of open findings (default: %(default)s)")
    ap.add_argument("--known-upstream",
                    default=os.path.join(HERE, "known-upstream.txt"),
                    help="globs of upstream MLIR bugs "
                         "(default: %(default)s)")
    ap.add_argument("--strict", action="store_true",
                    help="ignore --known-open: every open finding fails")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the scratch directory of the mutants")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print one line per mutant")
    args = ap.parse_args()
    args.src = os.path.abspath(args.src)
    args.bf16_opt = args.bf16_opt or default_tool("bf16-opt")
    args.bf16_run = args.bf16_run or default_tool("bf16-run")
    for name in ("bf16_opt", "bf16_run"):
        tool = testing.find_tool(getattr(args, name))
        if not tool:
            sys.exit("fuzz: error: no executable %s" % getattr(args, name))
        setattr(args, name, os.path.abspath(tool))

    if args.check_findings is not None:
        paths = args.check_findings or sorted(
            os.path.join(HERE, "findings", n)
            for n in os.listdir(os.path.join(HERE, "findings"))
            if n.endswith(".mlir"))
        work = tempfile.mkdtemp(prefix="bf16-fuzz-")
        fuzzer = Fuzzer(args, [], work=work)
        try:
            return 1 if check_findings(fuzzer, paths, work, triage.KnownList(
                args.known_open)) else 0
        finally:
            shutil.rmtree(work, ignore_errors=True)

    start = time.monotonic()
    known_open = triage.KnownList(None if args.strict else args.known_open)
    known_up = triage.KnownList(args.known_upstream)

    fuzzer = Fuzzer(args, [])
    all_seeds = discover_seeds(args.src)
    seeds = parse_seeds(fuzzer, all_seeds, args.jobs)
    fuzzer.set_seeds(seeds)
    if not seeds:
        sys.exit("fuzz: error: no seed parses")
    print("fuzz: seed %d, %d seed inputs (%d chunks found, %d parse), "
          "%d jobs, budget %s" % (
              args.seed, len(seeds), len(all_seeds), len(seeds), args.jobs,
              "mutant #%d" % args.replay if args.replay is not None else
              ("%d inputs" % args.max_inputs if args.max_inputs else
               "%g s" % args.budget_seconds)), flush=True)

    results = []
    if args.replay is not None:
        seed, text, names, _ = fuzzer.mutant(args.replay)
        res = fuzzer.fuzz_one(args.replay)
        results.append(res)
        print("mutant #%d of %s, mutations: %s, written to %s" % (
            args.replay, seed.name(args.src), ", ".join(names),
            os.path.join(fuzzer.work, "m%d" % args.replay, "mutant.mlir")))
        args.keep_work = True
        print("\n".join(res.log))
    else:
        deadline = start + args.budget_seconds
        lock = threading.Lock()
        nxt = [args.first_input]
        limit = args.first_input + args.max_inputs if args.max_inputs \
            else None

        def take():
            with lock:
                if limit is not None and nxt[0] >= limit:
                    return None
                if limit is None and time.monotonic() >= deadline:
                    return None
                i = nxt[0]
                nxt[0] += 1
                return i

        def worker():
            out = []
            while True:
                i = take()
                if i is None:
                    return out
                r = fuzzer.fuzz_one(i)
                if not r.findings and not args.keep_work:
                    shutil.rmtree(os.path.join(fuzzer.work, "m%d" % i),
                                  ignore_errors=True)
                out.append(r)
                if args.verbose:
                    print("%s: %d runs, %d findings" % (
                        r.log[0], r.runs, len(r.findings)), flush=True)

        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(worker) for _ in range(args.jobs)]
            try:
                for fu in futs:
                    results.extend(fu.result())
            except ToolError as e:
                with lock:
                    nxt[0] = limit = -1
                sys.exit("fuzz: error: %s" % e)
    results.sort(key=lambda r: r.index)
    elapsed = time.monotonic() - start

    # Triage, in mutant order (deterministic).
    out_dir = args.out_dir or tempfile.mkdtemp(prefix="bf16-fuzz-findings-")
    first = {}
    counts = {}
    for res in results:
        for f in res.findings:
            counts[f.sig] = counts.get(f.sig, 0) + 1
            if f.sig in first:
                continue
            first[f.sig] = f
            g = known_up.match(f.sig)
            if g:
                f.status, f.glob = "known-upstream", g
            else:
                g = known_open.match(f.sig)
                if g:
                    f.status, f.glob = "known-open", g
    for kl in (known_up, known_open):
        for g in kl.hits:
            kl.hits[g] = sum(counts[s] for s, f in first.items()
                             if f.glob == g)

    new = [f for f in first.values() if f.status == "new"]
    for f in first.values():
        path, cmd = write_reproducer(f, out_dir, args.src)
        f.repro = path
        f.cmd = cmd
        f.stock = None
        if f.kind == "crash" and args.mlir_opt and args.mlir_opt != "none":
            r = run_tool([args.mlir_opt, f.mutant_path, "-o", os.devnull],
                         args.timeout)
            d = triage.crash_detail(r.rc, r.stderr)
            f.stock = ("stock mlir-opt (parse only) crashes too: " + d) if d \
                else "stock mlir-opt (parse only): no crash, exit %d" % r.rc
    for status in ("known-upstream", "known-open", "new"):
        group = [f for f in first.values() if f.status == status]
        for f in group:
            print("%s: %s" % ({"new": "FINDING", "known-open": "known open",
                               "known-upstream": "known upstream"}[status],
                              f.sig))
            print("  %d runs; first: mutant #%d (%s; %s), %s" % (
                counts[f.sig], f.index, f.seed_name,
                ", ".join(f.mutations) or "no mutation", f.pipeline))
            print("  command: %s" % f.cmd.replace("%s", f.repro))
            print("  reproducer: %s" % f.repro)
            if f.stock:
                print("  " + f.stock)
            if status == "new":
                for line in f.run.stderr.splitlines()[:EXCERPT_LINES]:
                    print("    | " + testing.printable(line[:200]))
    unhit = [g for g in known_open.globs if not known_open.hits[g]]
    if unhit and args.replay is None:
        print("known-open entries not hit in this run (%d): %s" % (
            len(unhit), "; ".join(unhit)))
    table = {}
    for r in results:
        for fam, what in r.outcomes:
            table.setdefault(fam, {"ok": 0, "error": 0, "finding": 0})
            table[fam][what] += 1
    print("pipeline runs (exit 0 / diagnosed error / finding; re-parse "
          "runs not counted):")
    for fam in sorted(table):
        t = table[fam]
        print("  %-30s %6d %6d %4d" % (fam, t["ok"], t["error"],
                                       t["finding"]))
    slow = [s for r in results for s in r.slow]
    if slow:
        print("slow runs (over --timeout, finished within 2x; not "
              "findings): %d" % len(slow))

    n_inputs = len(results)
    n_runs = sum(r.runs for r in results)
    n_parsed = sum(r.parsed for r in results)
    n_known_open = sum(1 for f in first.values() if f.status == "known-open")
    n_known_up = sum(1 for f in first.values()
                     if f.status == "known-upstream")
    line = ("fuzz summary: %d inputs tried, %d pipeline runs, %.1f s, "
            "%d findings (%d known-open, %d known-upstream); seed %d, %d "
            "jobs, %d parsed, %d rejected by the parser, %d with bf16-run "
            "skipped, %d slow runs, reproducers in %s" % (
                n_inputs, n_runs, elapsed, len(new), n_known_open,
                n_known_up, args.seed, args.jobs, n_parsed,
                n_inputs - n_parsed,
                sum(r.run_skipped for r in results if r.parsed), len(slow),
                out_dir))
    if not args.keep_work:
        shutil.rmtree(fuzzer.work, ignore_errors=True)
    else:
        print("scratch directory kept: %s" % fuzzer.work)
    print(line, flush=True)
    if new:
        # Repeat on stderr so that the list survives `| FileCheck`.
        for f in new:
            print("FINDING: %s\n  reproducer: %s" % (f.sig, f.repro),
                  file=sys.stderr)
        print(line, file=sys.stderr)
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
