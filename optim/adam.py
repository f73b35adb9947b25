"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params, _check_hyperparameters, _check_value, _lerp_, _like

__all__ = ["Adam", "AdamW"]


def _check(lr: float, betas: tuple[float, float], eps: float, weight_decay: float,
           amsgrad: bool) -> None:
    _check_hyperparameters(lr=lr, eps=eps)
    _check_value("betas", betas, "betas")
    _check_hyperparameters(weight_decay=weight_decay)
    _check_value("amsgrad", amsgrad, "bool")


class Adam(Optimizer):
    r"""Adam (PyTorch's rule and defaults).

    With learning rate γ, betas (β₁, β₂), weight decay λ, at step t (from 1)::

        g ← ∇θ + λθ                      (L2 penalty, when λ ≠ 0)
        m ← β₁·m + (1 − β₁)·g            (first moment)
        v ← β₂·v + (1 − β₂)·g²           (second moment)
        v_max ← max(v_max, v)            (amsgrad only; then v_max replaces v below)
        θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

    The last line is m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
    arranged as PyTorch evaluates it.
    """

    _decoupled = False
    _kinds = {"lr": "nonneg", "betas": "betas", "eps": "nonneg", "weight_decay": "nonneg",
              "amsgrad": "bool"}

    def __init__(self, params: Params, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        _check(lr, betas, eps, weight_decay, amsgrad)
        betas = (float(betas[0]), float(betas[1]))
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _update(self, p: Any, data: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = _like(p)
            state["exp_avg_sq"] = _like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _like(p)
        state["step"] = t = state["step"] + 1
        g = grad
        if wd != 0:
            if self._decoupled:
                data *= 1.0 - lr * wd
            else:
                g = g + wd * data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        _lerp_(m, g, 1.0 - b1)
        v *= b2
        v += (1.0 - b2) * g * g
        if group["amsgrad"]:
            vmax = state.setdefault("max_exp_avg_sq", _like(p))
            np.maximum(vmax, v, out=vmax)
            v = vmax
        step_size = lr / (1.0 - b1 ** t)
        # `** 0.5`, as PyTorch's Adam writes it (not math.sqrt): the same bits as PyTorch,
        # and plain arithmetic, which a compiled step can replay on a step count it reads
        # afresh each time.
        denom = np.sqrt(v) / (1.0 - b2 ** t) ** 0.5
        denom += eps
        data -= step_size * (m / denom)


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (PyTorch's rule and defaults).

    First the weights shrink, independently of the gradient, then the Adam step runs on the
    raw gradient (no L2 term)::

        θ ← θ − γλθ
        m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
        θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
    """

    _decoupled = True

    def __init__(self, params: Params, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
