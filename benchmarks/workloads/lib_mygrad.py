"""MyGrad, with its own fused softmax_crossentropy and the SGD loop its docs show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mygrad as mg
import numpy as np
from mygrad.nnet.activations import relu
from mygrad.nnet.losses import softmax_crossentropy


def _sgd(params: list[Any], lr: float) -> None:
    """In-place update of the raw arrays (MyGrad's .grad is already an ndarray)."""
    for p in params:
        p.data -= lr * p.grad


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """784-256-256-10 ReLU MLP, softmax_crossentropy, SGD."""
    w1_, b1, w2, b2, w3, b3 = ps = [mg.tensor(p.copy()) for p in params]

    def step() -> float:
        h = relu(mg.matmul(x, w1_) + b1)
        h = relu(mg.matmul(h, w2) + b2)
        loss = softmax_crossentropy(mg.matmul(h, w3) + b3, y)
        loss.backward()
        _sgd(ps, lr)
        return loss.item()

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """2-16-16-1 ReLU MLP, mean hinge loss + L2 on every parameter, SGD."""
    w1_, b1, w2_, b2, w3, b3 = ps = [mg.tensor(p.copy()) for p in params]

    def step() -> float:
        h = relu(mg.matmul(x, w1_) + b1)
        h = relu(mg.matmul(h, w2_) + b2)
        s = mg.matmul(h, w3) + b3
        reg = (w1_ * w1_).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        loss = relu(1.0 - y * s).mean() + alpha * reg
        loss.backward()
        _sgd(ps, lr)
        return loss.item()

    return step


def w4(n: int, x0: np.ndarray) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """The chain on a float32 tensor; backward from its sum."""
    leaf = mg.tensor(x0.copy())

    def forward() -> Any:
        x = leaf
        for _ in range(n):
            x = x * 1.0001 + 0.0
        return x.sum()

    def backward(out: Any) -> float:
        out.backward()
        return float(leaf.grad[0])

    return forward, backward


def w5() -> dict[str, tuple[str, dict[str, Any]]]:
    """One add of two 1-element tensors; MyGrad seeds backward with ones for any shape."""
    a = mg.tensor(np.ones(1, dtype=np.float32))
    b = mg.tensor(np.ones(1, dtype=np.float32))
    return {
        "fwd": ("a + b", {"a": a, "b": b}),
        "fwdbwd": ("(a + b).backward()", {"a": a, "b": b}),
    }
