"""autograd_core with nn and optim, compiled: lib_ours_nn's steps recorded once by
`autograd_core.compile`, and the digits epoch as `nn.fit(..., compile=True)` (issue 18)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd_core as ag
from autograd_core import nn
from benchmarks.workloads import lib_ours_nn


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """W1's nn step, compiled."""
    step = ag.compile(lib_ours_nn.w1_step(x, y, params, lr))
    return lambda: step().item()


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """W2's nn step, compiled."""
    step = ag.compile(lib_ours_nn.w2_step(x, y, params, lr, alpha))
    return lambda: step().item()


def w6(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, momentum: float,
       batch: int, seed: int) -> Callable[[], float]:
    """One epoch of nn.fit(..., compile=True) on the digits MLP; returns its mean loss."""
    model, opt, loader = lib_ours_nn.w6_setup(x, y, params, lr, momentum, batch, seed)

    def epoch() -> float:
        hist = nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, metrics=(),
                      progress=False, compile=True)
        return hist["loss"][-1]

    return epoch
