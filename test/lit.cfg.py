# -*- Python -*-
# lit configuration of the bf16-opt regression suite (check-bf16).

import os
import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "BF16-OPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "inputs",
                   "CMakeLists.txt", "README.md"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bf16_obj_root, "test")

# Unused CHECK prefixes and dangling variables are errors (StableHLO).
config.environment["FILECHECK_OPTS"] = "-enable-var-scope"
config.environment["BF16_OPT_BUILD_DIR"] = config.bf16_obj_root
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"
# Compiled code runs on every core (docs/Threads.md) while lit runs tests in
# parallel: OpenMP threads that wait at a barrier sleep at once instead of
# spinning for 200 ms, so oversubscribed tests do not starve each other.
# (Thread counts never change results; the thread tests set their own.)
config.environment["KMP_BLOCKTIME"] = "0"
# Test scripts import bf16_opt (bf16_opt.testing: shared helpers) from here.
config.environment["PYTHONPATH"] = os.path.join(config.bf16_src_root, "python")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.bf16_tools_dir, append_path=True)

config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(("%bf16_libs", config.bf16_libs_dir))
config.substitutions.append(("%bf16_src", config.bf16_src_root))
config.substitutions.append(("%python", config.host_python))
config.substitutions.append(
    ("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
# bf16-train-to-llvm's code runs its parallel loops on LLVM's OpenMP runtime
# (docs/Threads.md): the runner always loads libomp.
config.substitutions.append(
    ("%omp_lib", os.path.join(config.llvm_lib_dir, "libomp.so")))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
config.substitutions.append(
    ("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner") +
     " -shared-libs=" + os.path.join(config.llvm_lib_dir, "libomp.so")))
config.substitutions.append(
    ("%mlir_translate", os.path.join(config.llvm_tools_dir, "mlir-translate")))
config.substitutions.append(
    ("%clang", os.path.join(config.llvm_tools_dir, "clang")))
config.substitutions.append(
    ("%runner_utils_lib",
     os.path.join(config.llvm_lib_dir, "libmlir_runner_utils.so")))
config.substitutions.append(
    ("%c_runner_utils_lib",
     os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")))

tools = [
    ToolSubst("bf16-opt", unresolved="fatal"),
    ToolSubst("bf16-run", unresolved="fatal"),
    ToolSubst("FileCheck", unresolved="fatal"),
    ToolSubst("not", unresolved="fatal"),
    ToolSubst("clang-format", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(
    tools, [config.bf16_tools_dir, config.llvm_tools_dir])


def cpu_has(flag):
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return flag in line.split()
    except OSError:
        pass
    return False


# Native-only execution tests are gated on this feature; their emulated
# twins always run.
if cpu_has("avx512_bf16"):
    config.available_features.add("avx512bf16")
if cpu_has("avx512f"):
    config.available_features.add("avx512f")

# ASan + UBSan trees (./build.sh sanitize): sanitizer options and runtime
# preload for every test (docs/Sanitizers.md); nothing in other trees.
lit_config.load_config(
    config, os.path.join(config.bf16_src_root, "scripts/sanitize/lit.cfg.py"))
