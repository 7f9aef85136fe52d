"""Thin driver for the ``bf16-opt`` tool.

Binary lookup order (first match wins):

1. ``$BF16_OPT`` -- full path to the binary. When set it is authoritative:
   a missing file is an error, not a reason to fall back.
2. ``$BF16_OPT_BUILD_DIR/bin/bf16-opt``
3. ``<repo>/build/bin/bf16-opt`` (``<repo>`` is two directories above this
   package).
4. ``bf16-opt`` on ``$PATH``.

Example::

    from bf16_opt import driver
    out = driver.run(ir_text, ["--canonicalize"])
    out = driver.run_pipeline(ir_text, "builtin.module(canonicalize)")

Input text is fed to ``bf16-opt`` through stdin (file name ``-``). A failing
run raises :class:`Bf16OptError` carrying the exit status and the MLIR
diagnostics printed on stderr.
"""

import os
import shlex
import shutil
import signal
import subprocess

from . import paths

__all__ = [
    "Bf16OptError",
    "Bf16OptNotFoundError",
    "find_binary",
    "invoke",
    "run",
    "run_pipeline",
    "version",
]

_TOOL = "bf16-opt"


class Bf16OptNotFoundError(FileNotFoundError):
    """The ``bf16-opt`` binary could not be located."""

    def __init__(self, message, tried=()):
        self.tried = list(tried)
        if self.tried:
            message += "\nPaths tried:\n" + "\n".join(
                "  " + p for p in self.tried)
        message += ("\nBuild bf16-opt or set BF16_OPT (full path to the "
                    "binary) or BF16_OPT_BUILD_DIR (the build directory).")
        super().__init__(message)


class Bf16OptError(RuntimeError):
    """``bf16-opt`` exited with a non-zero status or died by a signal.

    Attributes: ``returncode`` (negative if killed by a signal), ``signal``
    (the signal number or None), ``stderr`` (the MLIR diagnostics),
    ``stdout`` and ``cmd``.
    """

    def __init__(self, cmd, returncode, stdout, stderr):
        self.cmd = list(cmd)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.signal = -returncode if returncode < 0 else None
        if self.signal is not None:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = "unknown signal"
            what = "bf16-opt was killed by signal %d (%s)" % (
                self.signal, name)
        else:
            what = "bf16-opt failed with exit code %d" % returncode
        msg = "%s\ncommand: %s" % (what, shlex.join(self.cmd))
        if stderr:
            msg += "\n" + stderr.rstrip("\n")
        super().__init__(msg)


def _is_exe(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_binary():
    """Return the path of the ``bf16-opt`` binary, or raise
    :class:`Bf16OptNotFoundError`."""
    explicit = os.environ.get("BF16_OPT")
    if explicit:
        if _is_exe(explicit):
            return explicit
        raise Bf16OptNotFoundError(
            "BF16_OPT is set but does not name an executable file",
            [explicit + "  (BF16_OPT)"])
    tried = []
    for build_dir, origin in paths.build_dirs():
        path = os.path.join(build_dir, "bin", _TOOL)
        tried.append("%s  (%s)" % (path, origin))
        if _is_exe(path):
            return path
    on_path = shutil.which(_TOOL)
    tried.append("%s on PATH" % _TOOL)
    if on_path:
        return on_path
    raise Bf16OptNotFoundError("cannot find %s" % _TOOL, tried)


def _split_args(args):
    if isinstance(args, str):
        return shlex.split(args)
    return [os.fspath(a) for a in args]


def _input_spec(input_text_or_path):
    """Return (filename argument, stdin text)."""
    x = input_text_or_path
    if isinstance(x, os.PathLike):
        return os.fspath(x), None
    if isinstance(x, bytes):
        x = x.decode("utf-8")
    if not isinstance(x, str):
        raise TypeError("input must be MLIR text (str) or a path, got %r"
                        % (type(x).__name__,))
    # A str is a path only if it is a single line naming an existing file;
    # anything else is MLIR text.
    if x and "\n" not in x and len(x) < 4096 and os.path.isfile(x):
        return x, None
    return "-", x


def invoke(argv, *, input=None, timeout=None):
    """Run ``bf16-opt argv...`` and return the CompletedProcess (text mode).

    Never raises on a non-zero exit status.
    """
    cmd = [find_binary()] + _split_args(argv)
    return subprocess.run(cmd, input=input, capture_output=True, text=True,
                          timeout=timeout,
                          stdin=subprocess.DEVNULL if input is None else None)


def run(input_text_or_path, args=(), *, check=True, timeout=None):
    """Run ``bf16-opt`` on MLIR text (or a file path) and return stdout.

    `args` is a list of command-line arguments or a single string (split
    with shell rules). With ``check=True`` (the default) a non-zero exit
    status or death by a signal raises :class:`Bf16OptError`.
    """
    filename, text = _input_spec(input_text_or_path)
    argv = [filename] + _split_args(args)
    proc = invoke(argv, input=text, timeout=timeout)
    if check and proc.returncode != 0:
        raise Bf16OptError(proc.args, proc.returncode, proc.stdout,
                           proc.stderr)
    return proc.stdout


def run_pipeline(ir, pipeline, args=(), *, check=True, timeout=None):
    """Run ``bf16-opt --pass-pipeline=<pipeline>`` on `ir`; return stdout."""
    return run(ir, ["--pass-pipeline=" + pipeline] + _split_args(args),
               check=check, timeout=timeout)


def version():
    """Output of ``bf16-opt --version``."""
    proc = invoke(["--version"])
    if proc.returncode != 0:
        raise Bf16OptError(proc.args, proc.returncode, proc.stdout,
                           proc.stderr)
    return proc.stdout if proc.stdout.strip() else proc.stderr
