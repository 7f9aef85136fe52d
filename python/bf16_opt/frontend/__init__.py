"""``bf16_opt.frontend``: PyTorch in, trained model out.

::

    from bf16_opt import frontend
    step = frontend.compile_step(model, loss_fn, optimizer, example_batch,
                                 precision="bf16", rounding="stochastic", seed=0)
    loss = step(*batch)      # one compiled training step; the loss as a float
    step.copy_to(model)      # trained parameters and buffers, as float32
    text = frontend.export_step(model, loss_fn, optimizer, example_batch)

See ``docs/Frontend.md`` for the design, the supported ops and the limits.
"""

from .api import CompiledStep, compile_step, export_step, traced_ops
from .errors import UnsupportedError

__all__ = ["CompiledStep", "UnsupportedError", "compile_step", "export_step",
           "traced_ops"]
