"""Gradient clipping: the lecture's remedy for exploding gradients.

Both functions act in place on the `.grad` of each parameter (Tensors or Values), after
`backward()` and before `optimizer.step()`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor, Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _params(parameters: Any) -> list[Any]:
    if isinstance(parameters, (Tensor, Value)):
        return [parameters]
    return list(parameters)


def _grads(params: list[Any]) -> list[tuple[Any, np.ndarray]]:
    """(param, gradient array) for parameters that have a gradient."""
    out: list[tuple[Any, np.ndarray]] = []
    for p in params:
        if isinstance(p, Value):
            out.append((p, np.array(p.grad, dtype=np.float64)))
        elif isinstance(p, Tensor):
            if p.grad is not None:
                out.append((p, p.grad.data))
        else:
            raise TypeError(f"clip_grad: expected Tensors or Values, got {type(p).__name__}")
    return out


def _set_grad(p: Any, g: np.ndarray) -> None:
    if isinstance(p, Value):
        p.grad = float(g)
    elif p.grad.data is not g:  # a read-only gradient array was replaced by a scaled copy
        p.grad = Tensor._wrap(g)


def _norm(g: np.ndarray, p: float) -> float:
    """The p-norm of one gradient, as torch.linalg.vector_norm defines it for every order:
    max |g| for inf, min |g| for -inf, the count of nonzero entries for 0."""
    a = np.abs(g)
    if p == math.inf:
        return float(a.max()) if a.size else 0.0
    if p == -math.inf:
        return float(a.min()) if a.size else math.inf
    if p == 0:
        return float(np.count_nonzero(a))
    with np.errstate(divide="ignore", over="ignore"):  # 0 ** -1 = inf, as in PyTorch
        return float(np.sum(a ** p) ** (1.0 / p))


def clip_grad_norm_(parameters: Iterable[Any] | Any, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> float:
    r"""Rescale all gradients together so that their joint norm is at most `max_norm`.

    total = ‖(‖g₁‖, ‖g₂‖, ...)‖ (the p-norm of all gradients as one vector, p = `norm_type`,
    `inf` for the max-abs norm); every gradient is multiplied by min(1, max_norm/(total + 1e-6)).
    The direction of the update is kept, only its length is capped. Returns `total`
    (before clipping). As in PyTorch, a NaN total makes every gradient NaN and an infinite
    one zeroes them; `error_if_nonfinite=True` raises instead and changes nothing.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, numbers.Real) \
            or not max_norm >= 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be a number >= 0, got {max_norm!r}")
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real) \
            or math.isnan(norm_type):
        raise ValueError(f"clip_grad_norm_: norm_type must be a number (or inf), got "
                         f"{norm_type!r}")
    max_norm, p = float(max_norm), float(norm_type)
    grads = _grads(_params(parameters))
    if not grads:
        return 0.0
    total = _norm(np.array([_norm(g, p) for _, g in grads]), p)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           f"gradients is {total}, so they cannot be clipped; pass "
                           "error_if_nonfinite=False to clip anyway")
    coef = max_norm / (total + 1e-6)
    if not coef >= 1.0:  # below 1, or NaN (a NaN total): PyTorch scales by it either way
        for param, g in grads:
            with np.errstate(invalid="ignore"):  # inf * 0 is NaN, as in PyTorch
                if g.flags.writeable:
                    g *= coef
                else:
                    g = g * coef
            _set_grad(param, g)
    return total


def _clip_grad_norm_2(params: list[Any], max_norm: float) -> None:
    """clip_grad_norm_(params, max_norm) for Tensor parameters and the 2-norm, written without
    reading a value into Python: every gradient is multiplied by min(1, max_norm/(total +
    1e-6)) (by exactly 1.0 when no clipping is needed, which changes no bit), so a compiled
    step (`fit(compile=True)`) replays it. The same numbers as clip_grad_norm_."""
    grads = [p.grad.data for p in params if isinstance(p, Tensor) and p.grad is not None]
    if not grads:
        return
    # Each norm in its gradient's dtype (as _norm and PyTorch do), then widened to float64.
    norms = np.array([(np.sum(np.abs(g) ** 2.0) ** 0.5).astype(np.float64) for g in grads])
    total = np.sum(norms ** 2.0) ** 0.5
    coef = np.fmin(1.0, float(max_norm) / (total + 1e-6))  # fmin: a NaN total leaves 1.0
    for g in grads:
        g *= coef.astype(g.dtype)  # a Python float would be rounded to g's dtype first


def clip_grad_value_(parameters: Iterable[Any] | Any, clip_value: float) -> None:
    """Clip every gradient element into [-clip_value, clip_value], in place."""
    c = float(clip_value)
    if c < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for param, g in _grads(_params(parameters)):
        if g.flags.writeable:
            np.clip(g, -c, c, out=g)
        else:
            g = np.clip(g, -c, c)
        _set_grad(param, g)
