"""micrograd's demo training step, shared by the two scalar engines so both run the same code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def demo_step(
    model: Any,
    value: Callable[[float], Any],
    x: np.ndarray,
    y: np.ndarray,
    init: list[float],
    alpha: float,
) -> Callable[[], float]:
    """Full-batch step: SVM max-margin loss + alpha * L2, backward, SGD with decaying lr."""
    params = model.parameters()
    if len(params) == len(init):
        # Same starting point for both engines, so their losses can be compared as a check.
        for p, v in zip(params, init):
            p.data = v
    del params
    rows = x.tolist()
    labels = y.ravel().tolist()
    k = 0

    def step() -> float:
        nonlocal k
        inputs = [[value(a) for a in row] for row in rows]
        scores = [model(row) for row in inputs]
        # An MLP with one output may hand back a 1-element list instead of the Value.
        scores = [s[0] if isinstance(s, list) else s for s in scores]
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        params = model.parameters()  # re-fetched each step, as the demo does
        reg_loss = alpha * sum(p * p for p in params)
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        k += 1
        return float(total.data)

    return step
