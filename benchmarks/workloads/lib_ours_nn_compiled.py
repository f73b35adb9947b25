"""autograd_core with nn and optim, compiled: lib_ours_nn's steps recorded once by
`autograd_core.compile`, and the digits epoch as `nn.fit(..., compile=True)` (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from autograd_core.compile import compile as ag_compile
from benchmarks.workloads import lib_ours_nn


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """W1's nn step, compiled."""
    step = ag_compile(lib_ours_nn.w1_step(x, y, params, lr))
    return lambda: step().item()


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """W2's nn step, compiled."""
    step = ag_compile(lib_ours_nn.w2_step(x, y, params, lr, alpha))
    return lambda: step().item()


def w6(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, momentum: float,
       batch: int, seed: int) -> Callable[[], float]:
    """One epoch of nn.fit(..., compile=True) on the digits MLP; returns its mean loss."""
    model, opt, loader = lib_ours_nn.w6_setup(x, y, params, lr, momentum, batch, seed)

    try:
        nn.fit(model, nn.functional.cross_entropy, opt, [], epochs=0, compile=True)
    except TypeError:  # no fit(compile=) yet: the same loop by hand
        def train_step(xb: Any, yb: Any) -> Any:
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        step = ag_compile(train_step)

        def epoch_by_hand() -> float:
            total, n = 0.0, 0
            for xb, yb in loader:
                total += float(step(xb, yb).item()) * len(yb)
                n += len(yb)
            return total / n

        return epoch_by_hand

    def epoch() -> float:
        hist = nn.fit(model, nn.functional.cross_entropy, opt, loader, epochs=1, metrics=(),
                      progress=False, compile=True)
        return hist["loss"][-1]

    return epoch
