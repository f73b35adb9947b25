"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params, _check_hyperparameters, _check_value

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (PyTorch's rule and defaults).

    With learning rate γ, momentum μ, dampening τ, weight decay λ, for each parameter θ::

        g ← ∇θ + λθ                      (when λ ≠ 0)
        b ← g                            (first step, when μ ≠ 0)
        b ← μ·b + (1 − τ)·g              (later steps)
        g ← g + μ·b   if nesterov else   g ← b
        θ ← θ − γ·g

    Nesterov momentum needs μ > 0 and τ = 0.
    """

    _kinds = {"lr": "nonneg", "momentum": "nonneg", "dampening": "real",
              "weight_decay": "nonneg", "nesterov": "bool"}

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False) -> None:
        _check_hyperparameters(lr=lr, momentum=momentum, weight_decay=weight_decay)
        _check_value("dampening", dampening, "real")
        _check_value("nesterov", nesterov, "bool")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _update(self, p: Any, data: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        g = grad + wd * data if wd != 0 else grad
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, dtype=data.dtype, copy=True)
            else:
                buf *= mu
                buf += (1.0 - group["dampening"]) * g
            g = g + mu * buf if group["nesterov"] else buf
        data -= lr * g
