#!/usr/bin/python3
"""Writes two deliberately broken tests into OUTDIR for check-lines.test.
They are generated, not committed, so that the repository holds no file with
unchecked directives; the directive names are assembled at run time."""
import os
import sys

out = sys.argv[1]
check = "CHE" + "CK"
with open(os.path.join(out, "dead-checks.mlir"), "w") as f:
    f.write("// RUN: bf16-opt %s -verify-diagnostics\n"
            f"// {check}: this line is never checked\n"
            "func.func @f() { return }\n")
with open(os.path.join(out, "unused-prefix.mlir"), "w") as f:
    f.write("// RUN: bf16-opt %s | FileCheck %s --check-prefix=" + "FO" + "O\n"
            f"// {check}: func.func @f\n"
            "func.func @f() { return }\n")
