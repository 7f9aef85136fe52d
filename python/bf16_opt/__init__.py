"""bf16-opt Python package.

Python helpers around the bf16-opt MLIR project:

* :mod:`bf16_opt.numerics` -- ctypes bindings to the reference numerics
  library ``libbf16_numerics.so`` (C ABI: ``include/bf16-c/Numerics.h``):
  FP32 -> BF16 rounding in every ``#lowp.rounding`` mode, stochastic-rounding
  add, Kahan update, Philox4x32-10 and ``lowp.random_bits``.
* :mod:`bf16_opt.driver` -- runs the ``bf16-opt`` tool on MLIR text and
  returns the output IR (``python -m bf16_opt ...`` forwards to it).
* :mod:`bf16_opt.paths` -- where the build tree and the LLVM install are.
* :mod:`bf16_opt.testing` -- the helpers the test scripts and the benchmarks
  share (bit patterns, random data, output parsing, tool paths, runs).

* :mod:`bf16_opt.frontend` -- compiles a PyTorch ``nn.Module``, its loss and
  its optimizer into a native BF16 training step (needs ``python3-torch``;
  ``docs/Frontend.md``).
* :mod:`bf16_opt.data` -- offline datasets from Debian packages:
  Fashion-MNIST, the King James text as a character corpus, deterministic
  shuffles (``docs/Data.md``).
* :mod:`bf16_opt.experiments` -- training runs on real data in every
  precision mode, shared by the main job and the study
  (``scripts/demo.py``, ``scripts/study.py``, ``docs/Results.md``).

Submodules are not imported eagerly: importing :mod:`bf16_opt` never needs
the shared library or the ``bf16-opt`` binary to exist.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
