"""Hand-written numpy (no autodiff): the floor every engine is measured against."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """784-256-256-10 ReLU MLP, softmax cross-entropy, manual backward and in-place SGD."""
    w1_, b1, w2, b2, w3, b3 = (p.copy() for p in params)
    n = x.shape[0]
    rows = np.arange(n)
    dt = x.dtype
    # Preallocated activations: matmul writes straight into them, no per-step allocation.
    h1 = np.empty((n, w1_.shape[1]), dt)
    h2 = np.empty((n, w2.shape[1]), dt)
    z = np.empty((n, w3.shape[1]), dt)
    xt = np.ascontiguousarray(x.T)  # X never changes, so its transpose is made once

    def step() -> float:
        # np.add/np.subtract with out= rather than `+=`, which would make the buffers locals.
        np.matmul(x, w1_, out=h1)
        np.add(h1, b1, out=h1)
        np.maximum(h1, 0, out=h1)
        np.matmul(h1, w2, out=h2)
        np.add(h2, b2, out=h2)
        np.maximum(h2, 0, out=h2)
        np.matmul(h2, w3, out=z)
        np.add(z, b3, out=z)
        np.subtract(z, z.max(axis=1, keepdims=True), out=z)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.log(s).mean() - z[rows, y].mean())
        # d loss / d z = (softmax - onehot) / n, built in place in e.
        e /= s
        e[rows, y] -= 1
        e *= 1.0 / n
        dw3 = h2.T @ e
        db3 = e.sum(axis=0)
        dh2 = e @ w3.T
        dh2 *= h2 > 0
        dw2 = h1.T @ dh2
        db2 = dh2.sum(axis=0)
        dh1 = dh2 @ w2.T
        dh1 *= h1 > 0
        dw1 = xt @ dh1
        db1 = dh1.sum(axis=0)
        for p, g in ((w1_, dw1), (b1, db1), (w2, dw2), (b2, db2), (w3, dw3), (b3, db3)):
            g *= lr
            p -= g
        return loss

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """2-16-16-1 ReLU MLP, mean hinge loss + alpha * sum of squares, manual backward, SGD."""
    ps = [p.copy() for p in params]
    w1_, b1, w2_, b2, w3, b3 = ps
    n = x.shape[0]

    def step() -> float:
        a1 = x @ w1_ + b1
        h1 = np.maximum(a1, 0)
        a2 = h1 @ w2_ + b2
        h2 = np.maximum(a2, 0)
        s = h2 @ w3 + b3
        margin = 1.0 - y * s
        active = margin > 0
        reg = sum(float(np.vdot(p, p)) for p in ps)
        loss = float(margin[active].sum()) / n + alpha * reg
        ds = np.where(active, -y, 0.0) / n
        dh2 = (ds @ w3.T) * (a2 > 0)
        dh1 = (dh2 @ w2_.T) * (a1 > 0)
        grads = (x.T @ dh1, dh1.sum(0), h1.T @ dh2, dh2.sum(0), h2.T @ ds, ds.sum(0))
        for p, g in zip(ps, grads):
            p -= lr * (g + (2.0 * alpha) * p)
        return loss

    return step


def w6(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, momentum: float,
       batch: int, seed: int) -> Callable[[], float]:
    """One epoch of the digits MLP 64-64-10: shuffle, minibatches, softmax cross-entropy,
    manual backward, SGD with momentum (PyTorch's rule); returns the epoch's mean loss."""
    ps = [p.copy() for p in params]
    w1_, b1, w2_, b2 = ps
    bufs: list[np.ndarray | None] = [None] * 4
    rng = np.random.default_rng(seed)
    n = x.shape[0]

    def epoch() -> float:
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            m = len(idx)
            rows = np.arange(m)
            h = xb @ w1_
            h += b1
            np.maximum(h, 0, out=h)
            z = h @ w2_
            z += b2
            zmax = z.max(axis=1, keepdims=True)
            e = np.exp(z - zmax)
            s = e.sum(axis=1, keepdims=True)
            total += float((np.log(s[:, 0]) + zmax[:, 0] - z[rows, yb]).sum())
            # d loss / d z = (softmax - onehot) / m, built in place in e.
            e /= s
            e[rows, yb] -= 1
            e *= 1.0 / m
            dh = e @ w2_.T
            dh *= h > 0
            grads = (xb.T @ dh, dh.sum(axis=0), h.T @ e, e.sum(axis=0))
            for i, (p, g) in enumerate(zip(ps, grads)):
                buf = bufs[i]
                if buf is None:
                    buf = bufs[i] = g
                else:
                    buf *= momentum
                    buf += g
                p -= lr * buf
        return total / n

    return epoch


def w4(n: int, x0: np.ndarray) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """The chain with nothing recorded, and its backward as n multiplies of the seed."""

    def forward() -> np.ndarray:
        x = x0
        for _ in range(n):
            x = x * 1.0001 + 0.0
        return x

    def backward(out: np.ndarray) -> float:
        g = np.ones_like(out)
        for _ in range(n):
            g = g * 1.0001
        return float(g[0])

    return forward, backward


def w5() -> dict[str, tuple[str, dict[str, Any]]]:
    """The bare numpy add: the floor for the forward; numpy has no backward to time."""
    a = np.ones(1, dtype=np.float32)
    b = np.ones(1, dtype=np.float32)
    return {"fwd": ("a + b", {"a": a, "b": b})}
