"""Tests of bf16_opt.driver.

Run from the repository root:
  PYTHONPATH=python BF16_OPT_BUILD_DIR=build /usr/bin/python3 -m unittest discover -s python/tests -v

`RealBinaryTest` and `MainModuleTest` run the real bf16-opt; if it cannot
be found they ERROR (never skip). `FakeBinaryTest` checks the driver's own
plumbing (argument passing, stdin, exit status, signals, lookup) against
tiny shell scripts standing in for bf16-opt.
"""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path
from unittest import mock

from bf16_opt import driver
from bf16_opt.driver import Bf16OptError

# The folder that holds the bf16_opt under test, for `python -m bf16_opt`
# in a child process.
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(driver.__file__)))

VALID_FUNC = """\
func.func @f(%a: f32) -> f32 {
  return %a : f32
}
"""

VALID_LOWP = """\
func.func @r(%x: f32) -> bf16 {
  %y = lowp.round nearest_even %x : (f32) -> bf16
  return %y : bf16
}
"""

INVALID = """\
func.func @bad(%a: f32) -> f32 {
  return %undefined : f32
}
"""


class RealBinaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Raises Bf16OptNotFoundError (-> test ERROR) if the tool is missing.
        cls.binary = driver.find_binary()

    def test_version(self):
        v = driver.version()
        self.assertIn("bf16-opt", v)
        self.assertIn("MLIR", v)

    def test_round_trip_func(self):
        out = driver.run(VALID_FUNC)
        self.assertIn("func.func @f(", out)
        self.assertIn("-> f32", out)
        self.assertIn("return", out)
        # The printed form is a fixed point of parse + print.
        self.assertEqual(driver.run(out), out)

    def test_round_trip_lowp_round(self):
        out = driver.run(VALID_LOWP)
        self.assertIn("lowp.round", out)
        self.assertIn("nearest_even", out)
        self.assertIn("bf16", out)
        self.assertEqual(driver.run(out), out)

    def test_args_as_string_and_list(self):
        a = driver.run(VALID_FUNC, "--mlir-print-op-generic")
        b = driver.run(VALID_FUNC, ["--mlir-print-op-generic"])
        self.assertEqual(a, b)
        self.assertIn('"func.func"', a)

    def test_input_from_path(self):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "in.mlir"
            p.write_text(VALID_FUNC)
            self.assertEqual(driver.run(p), driver.run(VALID_FUNC))
            self.assertEqual(driver.run(str(p)), driver.run(VALID_FUNC))

    def test_invalid_ir_raises(self):
        with self.assertRaises(Bf16OptError) as cm:
            driver.run(INVALID)
        e = cm.exception
        self.assertIn("error:", e.stderr)
        self.assertIn("error:", str(e))
        self.assertGreater(e.returncode, 0)
        self.assertIsNone(e.signal)
        self.assertNotIn("signal", str(e).split("\n")[0])

    def test_invalid_ir_unchecked(self):
        # check=False returns whatever was printed, without raising.
        driver.run(INVALID, check=False)

    def test_run_pipeline(self):
        out = driver.run_pipeline(VALID_FUNC, "builtin.module()")
        self.assertEqual(out, driver.run(VALID_FUNC))

    def test_bad_pipeline_raises(self):
        with self.assertRaises(Bf16OptError) as cm:
            driver.run_pipeline(VALID_FUNC,
                                "builtin.module(no-such-pass-xyz)")
        self.assertIsNone(cm.exception.signal)
        self.assertTrue(cm.exception.stderr.strip())


class MainModuleTest(unittest.TestCase):
    """`python -m bf16_opt` forwards to the real bf16-opt."""

    @classmethod
    def setUpClass(cls):
        driver.find_binary()

    def _run(self, args, stdin=""):
        env = dict(os.environ)
        env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH",
                                                              "")
        return subprocess.run([sys.executable, "-m", "bf16_opt"] + args,
                              input=stdin, capture_output=True, text=True,
                              env=env, timeout=120)

    def test_version(self):
        p = self._run(["--version"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("bf16-opt", p.stdout)

    def test_forwards_output(self):
        p = self._run(["-"], stdin=VALID_FUNC)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, driver.run(VALID_FUNC))

    def test_forwards_failure(self):
        p = self._run(["-"], stdin=INVALID)
        self.assertNotEqual(p.returncode, 0)
        self.assertLess(p.returncode, 128)  # a diagnostic, not a crash
        self.assertIn("error:", p.stderr)


def _write_script(directory, body, name="bf16-opt"):
    path = Path(directory) / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP
               | stat.S_IXOTH)
    return str(path)


class FakeBinaryTest(unittest.TestCase):
    """Driver plumbing, checked against stand-in shell scripts."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def use(self, body):
        path = _write_script(self.dir, body)
        patcher = mock.patch.dict(os.environ, {"BF16_OPT": path})
        patcher.start()
        self.addCleanup(patcher.stop)
        return path

    def test_args_and_stdin(self):
        # Echo the arguments, one per line, then a marker and stdin.
        self.use("""\
            for a in "$@"; do printf '[%s]\\n' "$a"; done
            echo ---
            cat
            """)
        out = driver.run("module {}\n", ["--foo", "a b"])
        self.assertEqual(out, "[-]\n[--foo]\n[a b]\n---\nmodule {}\n")
        out = driver.run("x", "--foo 'a b'")
        self.assertEqual(out, "[-]\n[--foo]\n[a b]\n---\nx")
        out = driver.run_pipeline("y", "builtin.module(a, b{x=1 y=2})")
        self.assertEqual(
            out, "[-]\n[--pass-pipeline=builtin.module(a, b{x=1 y=2})]\n"
                 "---\ny")

    def test_path_input_not_on_stdin(self):
        self.use("""\
            printf '[%s]' "$1"
            cat
            """)
        p = Path(self.dir) / "in.mlir"
        p.write_text("ignored")
        self.assertEqual(driver.run(p), "[%s]" % p)
        # A string naming an existing file is a path too.
        self.assertEqual(driver.run(str(p)), "[%s]" % p)
        # Multi-line text is always text.
        self.assertEqual(driver.run("a\nb"), "[-]a\nb")

    def test_nonzero_exit(self):
        self.use("""\
            echo partial
            echo "<stdin>:1:1: error: boom" >&2
            exit 3
            """)
        with self.assertRaises(Bf16OptError) as cm:
            driver.run("x")
        e = cm.exception
        self.assertEqual(e.returncode, 3)
        self.assertIsNone(e.signal)
        self.assertIn("error: boom", e.stderr)
        self.assertIn("error: boom", str(e))
        self.assertIn("exit code 3", str(e))
        self.assertNotIn("signal", str(e))
        self.assertEqual(e.stdout, "partial\n")
        self.assertEqual(driver.run("x", check=False), "partial\n")

    def test_death_by_signal(self):
        self.use("""\
            echo "Stack dump:" >&2
            kill -SEGV $$
            """)
        with self.assertRaises(Bf16OptError) as cm:
            driver.run("x")
        e = cm.exception
        self.assertEqual(e.returncode, -signal.SIGSEGV)
        self.assertEqual(e.signal, signal.SIGSEGV)
        self.assertIn("killed by signal", str(e))
        self.assertIn("SIGSEGV", str(e))
        self.assertIn("Stack dump:", e.stderr)

    def test_version_uses_flag(self):
        self.use("""\
            [ "$1" = "--version" ] && [ $# -eq 1 ] || exit 9
            echo "bf16-opt version 0.1.0 (MLIR 22)"
            """)
        self.assertIn("bf16-opt", driver.version())

    def test_main_forwards_exit_code_and_signal(self):
        path = self.use("""\
            echo out
            echo err >&2
            exit 5
            """)
        env = dict(os.environ, BF16_OPT=path,
                   PYTHONPATH=PYTHON_DIR + os.pathsep
                   + os.environ.get("PYTHONPATH", ""))
        p = subprocess.run([sys.executable, "-m", "bf16_opt", "--x"],
                           capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual((p.returncode, p.stdout, p.stderr),
                         (5, "out\n", "err\n"))
        crash = _write_script(self.dir, "kill -ABRT $$\n", name="crash")
        env["BF16_OPT"] = crash
        p = subprocess.run([sys.executable, "-m", "bf16_opt"],
                           capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(p.returncode, 128 + signal.SIGABRT)
        self.assertIn("signal", p.stderr)

    def test_lookup_order(self):
        build = Path(self.dir) / "build"
        (build / "bin").mkdir(parents=True)
        in_build = _write_script(build / "bin", "exit 0\n")
        env = {k: v for k, v in os.environ.items()
               if k not in ("BF16_OPT", "BF16_OPT_BUILD_DIR")}
        with mock.patch.dict(os.environ, env, clear=True):
            os.environ["BF16_OPT_BUILD_DIR"] = str(build)
            self.assertEqual(driver.find_binary(), in_build)
            explicit = _write_script(self.dir, "exit 0\n", name="explicit")
            os.environ["BF16_OPT"] = explicit
            self.assertEqual(driver.find_binary(), explicit)
            # An explicit BF16_OPT that does not exist is an error, not a
            # silent fallback.
            os.environ["BF16_OPT"] = str(Path(self.dir) / "missing")
            with self.assertRaises(driver.Bf16OptNotFoundError) as cm:
                driver.find_binary()
            self.assertIn("missing", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
