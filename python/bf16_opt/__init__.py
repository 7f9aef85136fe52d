"""bf16-opt Python package.

Pure-Python helpers around the bf16-opt MLIR project (standard library only):

* :mod:`bf16_opt.numerics` -- ctypes bindings to the reference numerics
  library ``libbf16_numerics.so`` (C ABI: ``include/bf16-c/Numerics.h``):
  FP32 -> BF16 rounding in every ``#lowp.rounding`` mode, stochastic-rounding
  add, Kahan update, Philox4x32-10 and ``lowp.random_bits``.
* :mod:`bf16_opt.driver` -- runs the ``bf16-opt`` tool on MLIR text and
  returns the output IR (``python -m bf16_opt ...`` forwards to it).

A PyTorch frontend, ``bf16_opt.frontend``, is planned for a later issue and
is not part of this package yet.

Submodules are not imported eagerly: importing :mod:`bf16_opt` never needs
the shared library or the ``bf16-opt`` binary to exist.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
