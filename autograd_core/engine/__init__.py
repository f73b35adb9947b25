"""The engine: one graph for `Value` and `Tensor`. Imports nothing else of the package.

`Node` (a number in the graph) and `Function` (an op, with `apply` and its fast paths), the
iterative backward pass and `grad()`, the grad-mode switches and the checks that keep gradients
honest (in-place version clock, anomaly mode).
"""

from .api import backward, grad
from .backprop import keep_skeleton, set_skeleton_maker, toposort
from .function import Function
from .grad_mode import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .hooks import HookHandle
from .node import Node

__all__ = [
    "Node",
    "Function",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "grad",
    "backward",
    "AnomalyError",
    "keep_skeleton",
]
