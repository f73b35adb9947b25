"""Karpathy's micrograd (PyPI `micrograd`): the scalar engine W3 is measured against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from micrograd.engine import Value
from micrograd.nn import MLP

from benchmarks.workloads.scalar_demo import demo_step


def w3(x: np.ndarray, y: np.ndarray, init: list[float], alpha: float) -> Callable[[], float]:
    """micrograd's own demo: MLP(2, [16, 16, 1]), hinge loss + L2, full batch."""
    return demo_step(MLP(2, [16, 16, 1]), Value, x, y, init, alpha)
