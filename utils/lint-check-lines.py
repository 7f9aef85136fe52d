#!/usr/bin/python3
"""Fails when a lit test has FileCheck directives that nothing checks.

For every test file (.mlir/.test/.py under the given roots, skipping Inputs/
and inputs/ folders, which hold data rather than tests):
  * if it contains a FileCheck directive (CHECK:, CHECK-NEXT:, FOO-LABEL:, ...
    for the default prefix or any --check-prefix(es) named in its RUN lines),
    at least one RUN line must invoke FileCheck;
  * every prefix named by --check-prefix(es) must be used by some directive.
A file passed explicitly is always linted, wherever it lives.
Usage: lint-check-lines.py PATH...   Prints 'lint: N files, M problems'."""
import os
import re
import sys

SUFFIXES = (".mlir", ".test", ".py")
DIRECTIVE = r"(?:-NEXT|-SAME|-NOT|-DAG|-LABEL|-COUNT-\d+|-EMPTY)?:"


def run_lines(text):
    lines, cont = [], ""
    for line in text.splitlines():
        m = re.search(r"\bRUN:(.*)$", line)
        if not m:
            continue
        part = m.group(1).rstrip()
        if part.endswith("\\"):
            cont += part[:-1] + " "
            continue
        lines.append(cont + part)
        cont = ""
    return lines


def lint(path):
    text = open(path, errors="replace").read()
    runs = run_lines(text)
    prefixes = set()
    for r in runs:
        for m in re.finditer(r"--?check-prefix(?:es)?[= ]([\w,-]+)", r):
            prefixes.update(m.group(1).split(","))
    uses_filecheck = any(re.search(r"\bFileCheck\b", r) for r in runs)
    problems = []
    candidates = prefixes | {"CHECK"}
    used = {p for p in candidates
            if re.search(r"\b" + re.escape(p) + DIRECTIVE, text)}
    if used and not uses_filecheck:
        problems.append(f"{path}: has {'/'.join(sorted(used))} lines but no "
                        "RUN line calls FileCheck")
    for p in sorted(prefixes - used):
        problems.append(f"{path}: --check-prefix {p} is never used")
    return problems


def main(argv):
    files = []
    for root in argv[1:]:
        if os.path.isfile(root):
            files.append(root)
            continue
        for d, subdirs, names in os.walk(root):
            subdirs[:] = [s for s in subdirs if s not in ("Inputs", "inputs")]
            files += [os.path.join(d, n) for n in names
                      if n.endswith(SUFFIXES) and not n.startswith("lit.")]
    problems = [p for f in sorted(files) for p in lint(f)]
    for p in problems:
        print(p)
    print(f"lint: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
