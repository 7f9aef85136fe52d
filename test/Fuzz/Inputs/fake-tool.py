#!/usr/bin/python3
"""A stand-in for bf16-opt and bf16-run that misbehaves in one way per
pipeline, so that mutation-fuzz.test can check that fuzz.py reports each
kind of finding:
  --bf16-train=... rounding=kahan ...  dies of SIGSEGV (a crash)
  --bf16-train=... rounding=split ...  exits 3 and prints nothing (silent)
  --bf16-train-to-llvm                 prints IR that does not parse back
  --lowp-emulated-to-llvm              never exits (a hang)
Everything else, including parsing (no pass flag) and bf16-run, echoes the
input and exits 0; an input containing GARBAGE is rejected with an error."""
import os
import signal
import sys
import time

args = sys.argv[1:]
out = None
if "-o" in args:
    i = args.index("-o")
    out = args[i + 1]
    del args[i:i + 2]
flags = [a for a in args if a.startswith("-")]
inputs = [a for a in args if not a.startswith("-")]
text = open(inputs[0]).read() if inputs else ""
train = [f for f in flags if f.startswith("--bf16-train=")]
train = train[0] if train else ""

if "GARBAGE" in text:
    sys.stderr.write("%s:1:1: error: expected operation name\n" % inputs[0])
    sys.exit(1)
if "rounding=kahan" in train:
    os.kill(os.getpid(), signal.SIGSEGV)
if "rounding=split" in train:
    sys.exit(3)
if "--bf16-train-to-llvm" in flags:
    text = "GARBAGE\n"
if "--lowp-emulated-to-llvm" in flags:
    time.sleep(3600)
if out:
    with open(out, "w") as f:
        f.write(text)
sys.exit(0)
