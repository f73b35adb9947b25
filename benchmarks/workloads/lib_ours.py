"""autograd_core with Tensor ops only (no nn/optim): what the engine itself costs.

Names are looked up on the package inside each workload, so a piece that has not landed yet
makes only the workloads that need it "not available".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_core as ag


def _sgd(params: list[Any], lr: float) -> None:
    """Plain SGD on the raw arrays, then drop the gradients (PyTorch's set_to_none idiom)."""
    for p in params:
        p.data -= lr * p.grad.data
        p.grad = None


def w1_step(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float
            ) -> Callable[[], Any]:
    """784-256-256-10 ReLU MLP, log_softmax + NLL via indexing, SGD; returns the loss Tensor."""
    w1_, b1, w2, b2, w3, b3 = ps = [ag.Tensor(p.copy(), requires_grad=True) for p in params]
    xt = ag.Tensor(x)
    rows = np.arange(x.shape[0])

    def step() -> Any:
        h = (xt @ w1_ + b1).relu()
        h = (h @ w2 + b2).relu()
        logp = (h @ w3 + b3).log_softmax(axis=-1)
        loss = -logp[rows, y].mean()
        loss.backward()
        _sgd(ps, lr)
        return loss

    return step


def w1(x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float) -> Callable[[], float]:
    """W1's step, returning the loss as a float."""
    step = w1_step(x, y, params, lr)
    return lambda: step().item()


def w2_step(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], Any]:
    """2-16-16-1 ReLU MLP, mean hinge loss + L2 on every parameter, SGD; returns the loss."""
    w1_, b1, w2_, b2, w3, b3 = ps = [ag.Tensor(p.copy(), requires_grad=True) for p in params]
    xt = ag.Tensor(x)
    yt = ag.Tensor(y)

    def step() -> Any:
        h = (xt @ w1_ + b1).relu()
        h = (h @ w2_ + b2).relu()
        s = h @ w3 + b3
        reg = (w1_ * w1_).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        loss = (1.0 - yt * s).relu().mean() + alpha * reg
        loss.backward()
        _sgd(ps, lr)
        return loss

    return step


def w2(
    x: np.ndarray, y: np.ndarray, params: list[np.ndarray], lr: float, alpha: float
) -> Callable[[], float]:
    """W2's step, returning the loss as a float."""
    step = w2_step(x, y, params, lr, alpha)
    return lambda: step().item()


def w3(x: np.ndarray, y: np.ndarray, init: list[float], alpha: float) -> Callable[[], float]:
    """micrograd's demo loop on our Value-based nn.MLP, written as a micrograd user writes it."""
    from autograd_core import nn
    from benchmarks.workloads.scalar_demo import demo_step

    return demo_step(nn.MLP(2, [16, 16, 1]), ag.Value, x, y, init, alpha)


def w4(n: int, x0: np.ndarray) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """x = x * 1.0001 + 0.0 n times on a leaf tensor; backward from its sum."""
    leaf = ag.Tensor(x0.copy(), requires_grad=True)

    def forward() -> Any:
        x = leaf
        for _ in range(n):
            x = x * 1.0001 + 0.0
        return x.sum()

    def backward(out: Any) -> float:
        out.backward()
        return float(leaf.grad.data[0])

    return forward, backward


def w5() -> dict[str, tuple[str, dict[str, Any]]]:
    """One add of two 1-element leaf tensors; fwd+bwd seeds backward on the 1-element result."""
    a = ag.Tensor(np.ones(1, dtype=np.float32), requires_grad=True)
    b = ag.Tensor(np.ones(1, dtype=np.float32), requires_grad=True)
    return {
        "fwd": ("a + b", {"a": a, "b": b}),
        "fwdbwd": ("(a + b).backward()", {"a": a, "b": b}),
    }
