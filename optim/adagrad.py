"""Adagrad: per-coordinate learning rates shrinking with the sum of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params, _check_hyperparameters, _like

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (PyTorch's rule and defaults).

    With learning rate γ, decay η, weight decay λ, at step t (from 1)::

        g ← ∇θ + λθ                      (when λ ≠ 0)
        γ̃ ← γ / (1 + (t − 1)·η)
        s ← s + g²                       (s starts at initial_accumulator_value)
        θ ← θ − γ̃·g / (√s + ε)

    As in PyTorch, every group's accumulator starts at the constructor's
    `initial_accumulator_value`; a group that asks for another one is an error (PyTorch
    ignores it silently).
    """

    _kinds = {"lr": "nonneg", "lr_decay": "nonneg", "weight_decay": "nonneg",
              "initial_accumulator_value": "nonneg", "eps": "nonneg"}

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> None:
        _check_hyperparameters(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps))
        # PyTorch creates the accumulators up front, so a fresh state_dict() already holds them.
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {"step": 0,
                                 "sum": _like(p, group["initial_accumulator_value"])}

    def _check_group(self, group: dict[str, Any]) -> None:
        """The base checks, and no per-group initial_accumulator_value (see the docstring)."""
        super()._check_group(group)
        v, want = group["initial_accumulator_value"], self.defaults["initial_accumulator_value"]
        if v != want:
            raise ValueError(f"Adagrad: a parameter group asks for initial_accumulator_value="
                             f"{v}, but every accumulator starts at the constructor's value "
                             f"{want} (PyTorch ignores a per-group value); pass it to the "
                             "constructor, or use a second optimizer")

    def _update(self, p: Any, data: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if not state:  # a group added after construction
            state.update(step=0, sum=_like(p, group["initial_accumulator_value"]))
        state["step"] = t = state["step"] + 1
        wd = group["weight_decay"]
        g = grad + wd * data if wd != 0 else grad
        clr = group["lr"] / (1.0 + (t - 1) * group["lr_decay"])
        s = state["sum"]
        s += g * g
        std = np.sqrt(s)
        std += group["eps"]
        data -= clr * (g / std)


