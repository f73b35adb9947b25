"""autograd_core's compiled steps: lib_ours's steps, recorded once by `autograd_core.compile`
and replayed as straight-line numpy (issue 18)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd_core as ag
from benchmarks.workloads import lib_ours


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """W1's Tensor-ops step, compiled."""
    step = ag.compile(lib_ours.w1_step(x, y, params, lr))
    return lambda: step().item()


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """W2's Tensor-ops step, compiled."""
    step = ag.compile(lib_ours.w2_step(x, y, params, lr, alpha))
    return lambda: step().item()
