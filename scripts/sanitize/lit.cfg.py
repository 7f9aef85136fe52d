# -*- Python -*-
# The sanitizer part of the lit configuration (docs/Sanitizers.md), loaded at
# the end of test/lit.cfg.py for every build tree. It does nothing unless the
# tree is an ASan + UBSan build (./build.sh sanitize): its CMakeCache.txt has
# -fsanitize=address in CMAKE_CXX_FLAGS, or BF16_SANITIZE=1 is set in the
# environment (BF16_SANITIZE=0 turns it off).
#
# In a sanitizer tree every process of a test runs with
#   * LD_PRELOAD of the ASan runtime of the compiler that built the tree
#     (`g++ -print-file-name=libasan.so`): stock python3 loading our
#     libbf16_numerics.so or a compiled step, and stock mlir-opt loading our
#     plugin, are not instrumented, and ASan must be the first library of the
#     process. UBSan's runtime has no such rule: it is loaded as a dependency
#     of our libraries;
#   * ASAN_OPTIONS: use_sigaltstack=0 (LLVM's signal handlers in our tools
#     conflict with ASan's alternate stack); abort_on_error=1 (a report ends
#     in SIGABRT, so `not tool` cannot pass on a sanitizer report: lit's `not`
#     fails on a signal); handle_segv=0 and friends (deadly signals keep
#     their meaning for the tests and the fuzzer that classify crashes by
#     signal, and LLVM's handler prints the stack);
#   * leak checks in the processes that run our code only: detect_leaks=0,
#     then include_if_exists=scripts/sanitize/leak-check/%b turns them on
#     for the programs named there (%b: the program's argv[0] base name):
#     bf16-opt, bf16-run, mlir-opt (our plugin), python (our numerics
#     library, the frontend's compiled steps) and test/Install's
#     downstream-opt. The preload makes ASan run in sed, bash, the compiler
#     driver, the linker and stock mlir-runner too, and they all leak at exit
#     by design; mlir-runner runs the tests' tensor-level drivers, which never
#     free what a step returns (docs/Sanitizers.md);
#   * LSAN_OPTIONS: scripts/sanitize/lsan.supp, CPython's own leaks at exit;
#   * UBSAN_OPTIONS: a stack trace, and abort on the first report (the tree is
#     built with -fno-sanitize-recover=undefined);
#   * PYTHONMALLOC=malloc: Python's small-object arenas are mmap'ed, LSan does
#     not scan them, and objects referenced only from one would be reported
#     as leaks; through malloc, ASan also checks Python's heap;
#   * LDFLAGS with the tree's -fsanitize flags, for CMake projects configured
#     inside a test: test/Install's downstream tool links our instrumented
#     static libraries, so it needs the runtimes at link time.
#
# lit's own environment gets the options too (leak checks on, no preload):
# lit passes them on to the unit-test suite (test/Unit), whose processes are
# all our instrumented gtest binaries. Options already in the environment are
# appended, so they win.

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
    out = subprocess.run([cxx, "-print-file-name=libasan.so"],
                         capture_output=True, text=True).stdout.strip()
    if not os.path.isabs(out) or not os.path.exists(out):
        lit_config.fatal("sanitizer build: %s -print-file-name=libasan.so "
                         "names no runtime (%r)" % (cxx, out))
    asan_rt = os.path.realpath(out)

    src = config.bf16_src_root
    here = os.path.join(src, "scripts", "sanitize")
    asan = ["use_sigaltstack=0", "abort_on_error=1", "disable_coredump=1",
            "handle_segv=0", "handle_sigbus=0", "handle_sigfpe=0",
            "handle_sigill=0", "strip_path_prefix=" + src + "/"]
    opts = {
        "ASAN_OPTIONS": asan + ["detect_leaks=0", "include_if_exists=" +
                                os.path.join(here, "leak-check", "%b")],
        "LSAN_OPTIONS": ["suppressions=" + os.path.join(here, "lsan.supp"),
                         "print_suppressions=0"],
        "UBSAN_OPTIONS": ["print_stacktrace=1", "halt_on_error=1",
                          "abort_on_error=1", "strip_path_prefix=" + src + "/"],
    }
    values = {k: ":".join(v) for k, v in opts.items()}
    symbolizer = os.path.join(config.llvm_tools_dir, "llvm-symbolizer")
    if os.path.exists(symbolizer):
        values["ASAN_SYMBOLIZER_PATH"] = symbolizer
        values["UBSAN_SYMBOLIZER_PATH"] = symbolizer
    unit = dict(values, ASAN_OPTIONS=":".join(asan + ["detect_leaks=1"]))
    for k in opts:
        if os.environ.get(k):
            values[k] += ":" + os.environ[k]
            unit[k] += ":" + os.environ[k]
    # For the unit suite, configured after this one: lit itself and the gtest
    # binaries (instrumented executables) need no preload.
    os.environ.update(unit)

    values["LD_PRELOAD"] = " ".join(
        [asan_rt] + [p for p in os.environ.get("LD_PRELOAD", "").split()
                     if p != asan_rt])
    values["PYTHONMALLOC"] = "malloc"
    san = [f for f in cxx_flags.split() if f.startswith("-fsanitize=")]
    values["LDFLAGS"] = " ".join(san + os.environ.get("LDFLAGS", "").split())
    for k, v in values.items():
        config.environment[k] = v

    lit_config.note("sanitizer build: ASan + UBSan, LD_PRELOAD=" + asan_rt)


_configure_sanitizers()
