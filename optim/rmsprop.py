"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params, _check_hyperparameters, _check_value, _lerp_, _like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (PyTorch's rule and defaults).

    With learning rate γ, smoothing α, momentum μ, weight decay λ::

        g ← ∇θ + λθ                      (when λ ≠ 0)
        v ← α·v + (1 − α)·g²
        ḡ ← α·ḡ + (1 − α)·g              (centered only)
        d ← √(v − ḡ²) + ε  if centered  else  d ← √v + ε
        b ← μ·b + g/d;  θ ← θ − γ·b      (when μ > 0)
        θ ← θ − γ·g/d                    (otherwise)

    As in PyTorch, ε is added *after* the square root (TensorFlow adds it inside).
    """

    _kinds = {"lr": "nonneg", "alpha": "nonneg", "eps": "nonneg", "weight_decay": "nonneg",
              "momentum": "nonneg", "centered": "bool"}

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        _check_hyperparameters(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay,
                               alpha=alpha)
        _check_value("centered", centered, "bool")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _update(self, p: Any, data: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        mu, wd = group["momentum"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["square_avg"] = _like(p)
            if mu > 0:
                state["momentum_buffer"] = _like(p)
            if group["centered"]:
                state["grad_avg"] = _like(p)
        state["step"] += 1
        g = grad + wd * data if wd != 0 else grad
        v = state["square_avg"]
        v *= alpha
        v += (1.0 - alpha) * g * g
        if group["centered"]:
            ga = state.setdefault("grad_avg", _like(p))
            _lerp_(ga, g, 1.0 - alpha)
            avg = np.sqrt(v - ga * ga)
        else:
            avg = np.sqrt(v)
        avg += eps
        if mu > 0:
            buf = state.setdefault("momentum_buffer", _like(p))
            buf *= mu
            buf += g / avg
            data -= lr * buf
        else:
            data -= lr * (g / avg)
