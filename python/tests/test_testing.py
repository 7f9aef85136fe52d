"""Tests of bf16_opt.testing and bf16_opt.paths (pure Python; no tool or
library needed).

Run from the repository root:
  PYTHONPATH=python /usr/bin/python3 -m unittest discover -s python/tests -v
"""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

from bf16_opt import paths, testing

# mlir-runner's printMemrefI32 / I16 output, as the test scripts read it,
# between lines that other prints put there.
RUNNER_OUTPUT = """\
loss 1060175872
tensor bf16
Unranked Memref base@ = 0x55fb rank = 1 offset = 0 sizes = [4] strides = [1] data = 
[16392,  16183,  -16792,  15116]
tensor bf16
Unranked Memref base@ = 0x55fc rank = 0 offset = 0 sizes = [] strides = [] data = 
[-17126]
loss 1056047104
Unranked Memref base@ = 0x55fd rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data = 
[[1,   2,   3], 
 [-4,   5,   -2147483648]]
[9, 9]
"""


class BitsTest(unittest.TestCase):
    def test_f32_round_trip(self):
        self.assertEqual(testing.f32_bits(1.0), 0x3F800000)
        self.assertEqual(testing.f32_bits(-0.0), 0x80000000)
        self.assertEqual(testing.f32_from_bits(0xC0400000), -3.0)
        self.assertEqual(testing.bf16_to_float(0x3F80), 1.0)
        with self.assertRaises(ValueError):
            testing.f32_from_bits(-1)
        with self.assertRaises(ValueError):
            testing.bf16_to_float(0x10000)
        with self.assertRaises(TypeError):
            testing.f32_from_bits(1.0)

    def test_rne(self):
        for bits, want in ((0x3F808000, 0x3F80), (0x3F818000, 0x3F82),
                           (0x7F7FFFFF, 0x7F80), (0xFF800001, 0xFFC0),
                           (0x00008000, 0x0000), (0x00018000, 0x0002)):
            self.assertEqual(testing.f32_to_bf16_rne(bits), want, hex(bits))
        self.assertTrue(testing.is_bf16(1.5))
        self.assertFalse(testing.is_bf16(1.0 + 2 ** -10))

    def test_signed_and_dense(self):
        self.assertEqual(testing.signed(0xFFFF, 16), -1)
        self.assertEqual(testing.signed(0x7FFF, 16), 0x7FFF)
        self.assertEqual(testing.signed(0x8000000000000000, 64), -(1 << 63))
        self.assertEqual(testing.dense([1, 0x8000, 0xFFFF], 16),
                         "dense<[1, -32768, -1]>")

    def test_f32_array(self):
        a = testing.f32_array([0x3F800000, -1073741824])  # 1.0, -2.0 (signed)
        self.assertEqual(a.tolist(), [1.0, -2.0])
        b = testing.f32_array([[0x3F80, -16384]], bf16=True)  # 0xC000 = -2
        self.assertEqual(b.tolist(), [[1.0, -2.0]])

    def test_rand_bf16_exponent_range(self):
        rng = random.Random(1)
        for _ in range(500):
            h = testing.rand_bf16(rng, 117, 147)
            self.assertTrue(117 <= (h >> 7) & 0xFF <= 147, hex(h))
            f = testing.rand_f32(rng, 120, 127)
            self.assertTrue(120 <= (f >> 23) & 0xFF <= 127, hex(f))


class ProgramTest(unittest.TestCase):
    def test_print_bits(self):
        body = []
        testing.print_bits(body, "%q1f", 5, "bf16")
        self.assertEqual(body, [
            "  %q1f_b = arith.bitcast %q1f : tensor<5xbf16> to tensor<5xi16>",
            "  %q1f_w = arith.extui %q1f_b : tensor<5xi16> to tensor<5xi32>",
            "  %q1f_m = bufferization.to_buffer %q1f_w : tensor<5xi32> to "
            "memref<5xi32>",
            "  %q1f_u = memref.cast %q1f_m : memref<5xi32> to memref<*xi32>",
            "  call @printMemrefI32(%q1f_u) : (memref<*xi32>) -> ()"])
        body = []
        testing.print_bits(body, "%r", 2, "i32", indent="")
        self.assertTrue(body[0].startswith("%r_m = bufferization.to_buffer %r :"))


class ParseTest(unittest.TestCase):
    def test_printed_memrefs(self):
        self.assertEqual(testing.printed_memrefs(RUNNER_OUTPUT), [
            [16392, 16183, -16792, 15116], [-17126],
            [1, 2, 3, -4, 5, -2147483648]])

    def test_memref_rows(self):
        with tempfile.NamedTemporaryFile("w", suffix=".out") as f:
            f.write(RUNNER_OUTPUT)
            f.flush()
            rows = testing.memref_rows(f.name, bits=16)
            self.assertEqual(rows[0], [16392, 16183, 48744, 15116])
            self.assertEqual(testing.memref_rows(f.name)[2][5], 0x80000000)

    def test_bf16_run_steps(self):
        out = ("step 0 loss 0.693147182 time_ms 1.250\n"
               "step 1 time_ms 0.500\nsteps 2 median_ms 1.250\n")
        self.assertEqual(testing.bf16_run_steps(out),
                         [(0.693147182, 1.25), (None, 0.5)])

    def test_mismatches(self):
        with mock.patch("builtins.print") as p:
            self.assertEqual(testing.mismatches("x", [1, 2, 3], [1, 5, 4]), 2)
            self.assertEqual(p.call_count, 2)
            self.assertEqual(testing.mismatches("x", [1], [1, 2], "04x", 10), 1)
            self.assertEqual(p.call_count, 3)  # the length line, always


class PathsTest(unittest.TestCase):
    def test_llvm_root_override(self):
        with mock.patch.dict(os.environ, {"BF16_LLVM_ROOT": "/opt/llvm"}):
            self.assertEqual(testing.llvm_tool("clang"), "/opt/llvm/bin/clang")
            self.assertEqual(testing.runner_utils_libs()[0],
                             "/opt/llvm/lib/libmlir_runner_utils.so")
        env = {k: v for k, v in os.environ.items() if k != "BF16_LLVM_ROOT"}
        with mock.patch.dict(os.environ, env, clear=True):
            self.assertEqual(paths.llvm_root(), paths.DEFAULT_LLVM_ROOT)

    def test_build_dirs(self):
        with tempfile.TemporaryDirectory() as d, \
                mock.patch.dict(os.environ, {"BF16_OPT_BUILD_DIR": d}):
            self.assertEqual(paths.build_dirs()[0], (d, "BF16_OPT_BUILD_DIR"))
            self.assertEqual(testing.build_dir(), d)
            self.assertEqual(testing.build_tool("bf16-run"),
                             os.path.join(d, "bin", "bf16-run"))
            self.assertEqual(testing.build_lib("x.so", "/b"), "/b/lib/x.so")

    def test_find_tool(self):
        self.assertTrue(os.path.isabs(testing.find_tool("sh")))
        self.assertEqual(testing.find_tool("/bin/sh"), "/bin/sh")
        self.assertIsNone(testing.find_tool("no-such-tool-xyz"))
        self.assertIsNone(testing.find_tool("/etc/passwd"))


class RunTest(unittest.TestCase):
    def test_output_and_status(self):
        p = testing.run(["sh", "-c", "cat; echo err >&2; exit 3"], input="in")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (3, "in", "err\n"))
        self.assertGreaterEqual(p.wall_s, 0.0)
        with self.assertRaises(testing.ToolError) as cm:
            testing.run(["sh", "-c", "echo boom >&2; exit 4"], check=True)
        self.assertIn("boom", str(cm.exception))
        p = testing.run(["sh", "-c", "printf '\\377'"], text=False)
        self.assertEqual(p.stdout, b"\xff")

    def test_timeout_kills_the_process_group(self):
        t0 = time.monotonic()
        with self.assertRaises(subprocess.TimeoutExpired):
            # The background sleep keeps the pipes open: only killing the
            # group ends the wait.
            testing.run(["sh", "-c", "echo partial; sleep 30 & sleep 30"],
                        timeout=0.5)
        self.assertLess(time.monotonic() - t0, 10)

    def test_crash_reason(self):
        self.assertIn("SIGSEGV", testing.crash_reason(-signal.SIGSEGV))
        self.assertIn("128+SIGABRT", testing.crash_reason(128 + signal.SIGABRT))
        self.assertIn("LLVM ERROR", testing.crash_reason(1, "LLVM ERROR: x"))
        self.assertIsNone(testing.crash_reason(1, "a.mlir:1:1: error: bad"))
        self.assertEqual(testing.printable("a\x00b"), "a\\x00b")


class ImportPathTest(unittest.TestCase):
    def test_import_path(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sibling_script_xyz.py")
            with open(path, "w") as f:
                f.write("VALUE = 42\n")
            m = testing.import_path(path)
            self.assertEqual(m.VALUE, 42)
            self.assertIs(testing.import_path(path), m)
            self.assertNotIn(d, sys.path)
            del sys.modules["sibling_script_xyz"]


if __name__ == "__main__":
    unittest.main()
