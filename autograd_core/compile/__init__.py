"""Compiled steps: record a training step once, replay it as straight-line numpy.

`step = autograd_core.compile(train_step)` records the first call's forward pass, backward
pass and optimizer update as numpy calls and replays them on later calls; `step.source` is
the replay, a readable Python function (the backward pass of your model, as code).
"""

from .discover import GENERATOR_SLOTS
from .ir import CompileError, ConcretizationError
from .step import CACHE_SIZE, CompiledStep, compile

__all__ = ["compile", "CompiledStep", "CompileError", "ConcretizationError", "CACHE_SIZE",
           "GENERATOR_SLOTS"]
