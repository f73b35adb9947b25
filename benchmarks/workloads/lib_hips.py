"""HIPS autograd: differentiate a numpy-written loss function; the forward is traced per call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd import elementwise_grad, grad, value_and_grad


def _mlp(ps: list[Any], x: Any) -> Any:
    """Linear-ReLU-...-Linear on (in, out) weights."""
    h = x
    for i in range(0, len(ps) - 2, 2):
        h = anp.maximum(anp.dot(h, ps[i]) + ps[i + 1], 0.0)
    return anp.dot(h, ps[-2]) + ps[-1]


def _logsumexp(z: Any) -> Any:
    """Row-wise log-sum-exp, max-shifted (autograd.scipy would need scipy installed)."""
    m = anp.max(z, axis=1, keepdims=True)
    return anp.log(anp.sum(anp.exp(z - m), axis=1)) + m[:, 0]


def _trainer(loss_fn: Callable[[list[Any]], Any], ps: list[np.ndarray], lr: float):
    """SGD step on value_and_grad of loss_fn, updating the arrays in place."""
    vg = value_and_grad(loss_fn)

    def step() -> float:
        loss, grads = vg(ps)
        for p, g in zip(ps, grads):
            p -= lr * g
        return float(loss)

    return step


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """784-256-256-10 ReLU MLP, log-softmax cross-entropy via logsumexp, SGD."""
    rows = np.arange(x.shape[0])

    def loss_fn(ps: list[Any]) -> Any:
        z = _mlp(ps, x)
        return anp.mean(_logsumexp(z) - z[rows, y])

    return _trainer(loss_fn, [p.copy() for p in params], lr)


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """2-16-16-1 ReLU MLP, mean hinge loss + L2 on every parameter, SGD."""

    def loss_fn(ps: list[Any]) -> Any:
        s = _mlp(ps, x)
        reg = anp.sum(ps[0] * ps[0])
        for p in ps[1:]:
            reg = reg + anp.sum(p * p)
        return anp.mean(anp.maximum(1.0 - y * s, 0.0)) + alpha * reg

    return _trainer(loss_fn, [p.copy() for p in params], lr)


def w4(n: int, x0: np.ndarray) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """HIPS records and differentiates in one call, so the whole time lands in 'forward'."""

    def chain(x: Any) -> Any:
        for _ in range(n):
            x = x * 1.0001 + 0.0
        return anp.sum(x)

    g = grad(chain)

    def forward() -> Any:
        return g(x0.copy())

    def backward(out: Any) -> float:
        return float(out[0])

    return forward, backward


def w5() -> dict[str, tuple[str, dict[str, Any]]]:
    """Forward+backward only: HIPS has no recording forward separate from grad."""
    b = np.ones(1, dtype=np.float32)
    g = elementwise_grad(lambda a: a + b)
    return {"fwdbwd": ("g(a)", {"g": g, "a": np.ones(1, dtype=np.float32)})}
