"""Where bf16-opt's build tree and the LLVM install are.

The one place in the Python code that knows the default locations: the
driver, the numerics bindings, the test scripts and the benchmarks all ask
here (through :mod:`bf16_opt.testing` for the scripts), and so does
``bf16_opt.frontend.runtime``.

Build tree, first match wins (``bf16_opt.driver`` and ``bf16_opt.numerics``
look for their tool and library in this order):

1. ``$BF16_OPT_BUILD_DIR``
2. ``<repo>/build`` (``<repo>`` is two directories above this package)

LLVM install: ``$BF16_LLVM_ROOT``, else :data:`DEFAULT_LLVM_ROOT`, where
``scripts/setup.sh`` installs Debian's LLVM 22 packages.

Only the standard library is used, and nothing here checks that a path
exists unless it says so.
"""

import os
from pathlib import Path

__all__ = [
    "DEFAULT_LLVM_ROOT",
    "repo_root",
    "build_dirs",
    "build_dir",
    "llvm_root",
    "llvm_tool",
    "llvm_lib",
]

#: The LLVM 22 install of Debian's llvm-22 / mlir-22-tools packages.
DEFAULT_LLVM_ROOT = "/usr/lib/llvm-22"


def repo_root():
    """The source checkout this package lives in (``<repo>/python/bf16_opt``
    -> ``<repo>``); meaningless for an installed copy."""
    return Path(__file__).resolve().parents[2]


def build_dirs():
    """The candidate build trees in lookup order, as ``[(path, origin)]``;
    `origin` says where the candidate comes from (for error messages)."""
    out = []
    env = os.environ.get("BF16_OPT_BUILD_DIR")
    if env:
        out.append((env, "BF16_OPT_BUILD_DIR"))
    out.append((str(repo_root() / "build"), "default build dir"))
    return out


def build_dir():
    """The first candidate of :func:`build_dirs` that is a directory, else
    the last candidate."""
    dirs = build_dirs()
    for path, _ in dirs:
        if os.path.isdir(path):
            return path
    return dirs[-1][0]


def llvm_root():
    """``$BF16_LLVM_ROOT``, else :data:`DEFAULT_LLVM_ROOT`."""
    return os.environ.get("BF16_LLVM_ROOT") or DEFAULT_LLVM_ROOT


def llvm_tool(name):
    """Path of the LLVM tool `name` (``mlir-runner``, ``clang``, ...)."""
    return os.path.join(llvm_root(), "bin", name)


def llvm_lib(name):
    """Path of the LLVM library `name` (``libmlir_runner_utils.so``, ...)."""
    return os.path.join(llvm_root(), "lib", name)
