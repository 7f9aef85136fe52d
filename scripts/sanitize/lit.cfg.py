# -*- Python -*-
# The sanitizer part of the lit configuration (docs/Sanitizers.md). Loaded by
# test/lit.cfg.py for every build tree; it does nothing unless that tree is an
# ASan + UBSan build (./build.sh sanitize): CMakeCache.txt has
# -fsanitize=address in CMAKE_CXX_FLAGS, or BF16_SANITIZE=1 is set in the
# environment (BF16_SANITIZE=0 turns it off).
#
# In a sanitizer tree every process of a test runs with
#   * ASAN_OPTIONS: use_sigaltstack=0 (LLVM's signal handlers in our tools
#     conflict with ASan's alternate stack), abort_on_error=1 (a report is a
#     SIGABRT, so `not tool` cannot pass on a sanitizer report), leak
#     detection on;
#   * LSAN_OPTIONS: suppressions=scripts/sanitize/lsan.supp, third-party leaks
#     only (python, torch, the compiler driver in the install test);
#   * UBSAN_OPTIONS: print_stacktrace=1, halt and abort on the first report;
#   * LD_PRELOAD of the ASan runtime of the compiler that built the tree
#     (`g++ -print-file-name=libasan.so`): stock python3 loading our
#     libbf16_numerics.so or a compiled step, and stock mlir-opt loading our
#     plugin, are not instrumented, and ASan must be the first library of the
#     process. UBSan's runtime has no such rule: it comes in as a dependency
#     of our libraries;
#   * PYTHONMALLOC=malloc: Python's small-object arenas are mmap'ed, LSan does
#     not scan them, and every object referenced only from one would be
#     reported as a leak;
#   * CXXFLAGS / LDFLAGS with the tree's -fsanitize flags, for CMake projects
#     built inside a test (test/Install's downstream tool links our
#     instrumented static libraries).
# The variables are also exported to lit's own environment, which lit passes
# on to the unit-test suite (test/Unit) it configures after this one. Values
# already in the environment are appended, so that they win.

import os
import re
import subprocess


def _cmake_cache(obj_root):
    entries = {}
    try:
        with open(os.path.join(obj_root, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"([A-Za-z0-9_]+):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m:
                    entries[m.group(1)] = m.group(2)
    except OSError:
        pass
    return entries


def _configure_sanitizers():
    cache = _cmake_cache(config.bf16_obj_root)
    cxx_flags = cache.get("CMAKE_CXX_FLAGS", "")
    forced = os.environ.get("BF16_SANITIZE")
    enabled = forced != "0" if forced else "-fsanitize=address" in cxx_flags
    if not enabled:
        return
    config.available_features.add("sanitize")

    cxx = cache.get("CMAKE_CXX_COMPILER") or "g++"
    runtimes = []
    for name in ["libasan.so"]:
        out = subprocess.run([cxx, "-print-file-name=" + name],
                             capture_output=True, text=True).stdout.strip()
        if not os.path.isabs(out) or not os.path.exists(out):
            lit_config.fatal("sanitizer build: %s -print-file-name=%s found "
                             "no runtime (%r)" % (cxx, name, out))
        runtimes.append(os.path.realpath(out))

    supp = os.path.join(config.bf16_src_root, "scripts", "sanitize")
    env = {
        "ASAN_OPTIONS": ["use_sigaltstack=0", "detect_leaks=1",
                         "abort_on_error=1", "disable_coredump=1",
                         "strip_path_prefix=" + config.bf16_src_root + "/"],
        "LSAN_OPTIONS": ["suppressions=" + os.path.join(supp, "lsan.supp"),
                         "print_suppressions=0"],
        "UBSAN_OPTIONS": ["print_stacktrace=1", "halt_on_error=1",
                          "abort_on_error=1",
                          "strip_path_prefix=" + config.bf16_src_root + "/"],
    }
    values = {k: ":".join(v) for k, v in env.items()}
    for k in values:
        if os.environ.get(k):
            values[k] += ":" + os.environ[k]
    preload = runtimes + [p for p in os.environ.get("LD_PRELOAD", "").split()
                          if p not in runtimes]
    values["LD_PRELOAD"] = " ".join(preload)
    values["PYTHONMALLOC"] = "malloc"
    symbolizer = os.path.join(config.llvm_tools_dir, "llvm-symbolizer")
    if os.path.exists(symbolizer):
        values["ASAN_SYMBOLIZER_PATH"] = symbolizer
        values["UBSAN_SYMBOLIZER_PATH"] = symbolizer
    san = " ".join(f for f in cxx_flags.split() if f.startswith("-fsanitize")
                   or f.startswith("-fno-sanitize"))
    for k in ["CXXFLAGS", "LDFLAGS"]:
        values[k] = (san + " " + os.environ.get(k, "")).strip()

    for k, v in values.items():
        config.environment[k] = v
    # Not LD_PRELOAD into lit itself: the unit tests are instrumented
    # executables and need no preload, lit's python would be slowed.
    for k in ["ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS",
              "ASAN_SYMBOLIZER_PATH", "UBSAN_SYMBOLIZER_PATH"]:
        if k in values:
            os.environ[k] = values[k]
    lit_config.note("sanitizer build: ASan + UBSan, LD_PRELOAD=" +
                    values["LD_PRELOAD"])


_configure_sanitizers()
